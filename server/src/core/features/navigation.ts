import type { Location as LspLocation, Position } from 'vscode-languageserver-types';
import { URI } from 'vscode-uri';
import { type Cancellation, cancellationCheckpoint, notCancelled } from '../cancellation';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { flagAtPosition } from './flagAtPosition';

/**
 * The `file:` URI of a workspace file, as editors write it: `#`, `?`, spaces, brackets and
 * Windows drive letters encoded (hand-built URIs broke on each of them).
 */
function uriOf(workspace: FlagWorkspace, file: string): string {
  return URI.file(workspace.absolute(file)).toString();
}

/** Usage -> the flag's entry in each environment file. */
export function definitionsAt(workspace: FlagWorkspace, file: string, position: Position): LspLocation[] {
  const found = flagAtPosition(workspace, file, position);
  if (!found) return [];
  const summary = workspace.registry.flag(found.flag);
  return (summary?.definitions ?? []).map((definition) => ({
    uri: uriOf(workspace, definition.file),
    range: definition.keyRange,
  }));
}

/**
 * Every usage of the flag under the cursor, constant-resolved ones included, and optionally its
 * entries. A flag read in thousands of files takes a while: cancellation is checked between files.
 */
export async function referencesAt(
  workspace: FlagWorkspace,
  file: string,
  position: Position,
  includeDeclaration: boolean,
  cancellation: Cancellation = notCancelled,
): Promise<LspLocation[]> {
  const found = flagAtPosition(workspace, file, position);
  if (!found) return [];
  const checkpoint = cancellationCheckpoint(cancellation);
  const locations: LspLocation[] = [];
  let previousFile: string | undefined;
  for (const usage of workspace.usagesOf(found.flag)) {
    if (usage.file !== previousFile) await checkpoint();
    previousFile = usage.file;
    locations.push({ uri: uriOf(workspace, usage.file), range: usage.keyRange });
  }
  if (includeDeclaration) {
    for (const definition of workspace.registry.flag(found.flag)?.definitions ?? []) {
      await checkpoint();
      locations.push({ uri: uriOf(workspace, definition.file), range: definition.keyRange });
    }
  }
  return locations;
}

export { uriOf };
