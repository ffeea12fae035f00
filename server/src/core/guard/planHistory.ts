/**
 * Records an applied step in the plan file: one entry appended to "history" (created when
 * absent), as a minimal text edit; the rest of the file keeps its bytes.
 */
import { type Node, findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { RolloutHistoryEntry } from '../../../../shared/src/rollout';
import { RegistryEditError } from '../edits/registryEditError';
import type { OffsetEdit } from '../textEdit';

function indentOf(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n') start--;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

function entryText(entry: RolloutHistoryEntry): string {
  return `{ "at": ${JSON.stringify(entry.at)}, "action": ${JSON.stringify(entry.action)}, "percent": ${entry.percent}, "reason": ${JSON.stringify(entry.reason)} }`;
}

export function appendHistory(text: string, entry: RolloutHistoryEntry): OffsetEdit[] {
  const root = parseTree(text);
  if (!root || root.type !== 'object') throw new RegistryEditError('The rollout plan is not a JSON object.');
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const history: Node | undefined = findNodeAtLocation(root, ['history']);
  const properties = root.children ?? [];
  const firstProperty = properties[0];
  const unit = firstProperty ? indentOf(text, firstProperty.offset) || '  ' : '  ';
  if (!history) {
    const last = properties[properties.length - 1];
    const content = `${last ? ',' : ''}${newline}${unit}"history": [${newline}${unit}${unit}${entryText(entry)}${newline}${unit}]`;
    const offset = last ? last.offset + last.length : root.offset + 1;
    return [{ offset, length: 0, content }];
  }
  if (history.type !== 'array') throw new RegistryEditError('"history" in the rollout plan is not a list.');
  const items = history.children ?? [];
  const base = indentOf(text, history.parent!.offset);
  if (items.length === 0)
    return [
      {
        offset: history.offset,
        length: history.length,
        content: `[${newline}${base}${unit}${entryText(entry)}${newline}${base}]`,
      },
    ];
  const last = items[items.length - 1];
  const itemIndent = indentOf(text, items[0].offset);
  const sameLine = !text.slice(history.offset, items[0].offset).includes('\n');
  return [
    {
      offset: last.offset + last.length,
      length: 0,
      content: sameLine ? `, ${entryText(entry)}` : `,${newline}${itemIndent}${entryText(entry)}`,
    },
  ];
}
