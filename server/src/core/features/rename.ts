import type { Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { renameFlag } from '../edits/registryEdits';
import { offsetEditToRange } from '../textEdit';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { flagAtPosition } from './flagAtPosition';
import { uriOf } from './navigation';

export class RenameError extends Error {}

/** Only known flags can be renamed; the range is the key without its quotes. */
export function prepareRename(
  workspace: FlagWorkspace,
  file: string,
  position: Position,
): { range: Range; placeholder: string } | null {
  const found = flagAtPosition(workspace, file, position);
  if (!found?.known) return null;
  const range = found.usage
    ? unquoted(found.usage.keyRange, found.usage.keyText)
    : found.definition
      ? unquoted(found.definition.keyRange, '"')
      : undefined;
  return range ? { range, placeholder: found.flag } : null;
}

/**
 * Renames a flag in every registry file and at every usage whose key is written literally.
 * Rollout salts keep the old key, so every user stays in the bucket they were in.
 */
export function renameAt(
  workspace: FlagWorkspace,
  file: string,
  position: Position,
  newName: string,
): WorkspaceEdit {
  const found = flagAtPosition(workspace, file, position);
  if (!found?.known) throw new RenameError('Only flags in the registry can be renamed.');
  if (!/^[^\s"'`]+$/.test(newName)) throw new RenameError(`"${newName}" is not a valid flag key.`);
  if (workspace.registry.flag(newName)) throw new RenameError(`A flag "${newName}" already exists.`);
  const changes: Record<string, TextEdit[]> = {};
  for (const definition of workspace.registry.flag(found.flag)?.definitions ?? []) {
    const text = workspace.registry.currentText(definition.file);
    if (text === undefined) continue;
    changes[uriOf(workspace, definition.file)] = renameFlag(text, found.flag, newName, {
      keepSalt: true,
    }).map((edit) => offsetEditToRange(text, edit));
  }
  // Keys written at the call site are renamed there; keys held by a constant or enum member
  // are renamed once, where the string is written.
  const seen = new Set<string>();
  const edit = (file: string, range: Range): void => {
    const id = `${file}:${range.start.line}:${range.start.character}`;
    if (seen.has(id)) return;
    seen.add(id);
    (changes[uriOf(workspace, file)] ??= []).push({ range, newText: newName });
  };
  for (const usage of workspace.usagesOf(found.flag)) {
    if (usage.keyIsLiteral) edit(usage.file, unquoted(usage.keyRange, usage.keyText));
    else if (usage.keyOrigin && !usage.camelCaseKey)
      edit(usage.keyOrigin.file, unquoted(usage.keyOrigin.range, '"'));
  }
  return { changes };
}

function unquoted(range: Range, keyText: string): Range {
  if (!/^['"`]/.test(keyText) || range.start.line !== range.end.line) return range;
  return {
    start: { line: range.start.line, character: range.start.character + 1 },
    end: { line: range.end.line, character: range.end.character - 1 },
  };
}
