import type { FlagDefinition, Position } from '../../../../shared/src/registryModel';
import type { FlagUsage } from '../../../../shared/src/usage';
import { flagOfUsage } from '../analysis/codeFindings';
import { rangeContains } from '../text';
import type { FlagWorkspace } from '../workspace/flagWorkspace';

/** The flag under the cursor: a usage in code, or a flag entry in a registry file. */
export interface FlagAtPosition {
  /** The registry key when known, else the key as written in code. */
  flag: string;
  usage?: FlagUsage;
  definition?: FlagDefinition;
  /** True when the key is known to the registry. */
  known: boolean;
}

export function flagAtPosition(
  workspace: FlagWorkspace,
  file: string,
  position: Position,
): FlagAtPosition | undefined {
  const kind = workspace.kindOf(file);
  if (kind === 'registry') {
    const parsed = workspace.registry.currentFile(file) ?? undefined;
    for (const definition of parsed?.flags.values() ?? []) {
      if (rangeContains(definition.keyRange, position))
        return { flag: definition.key, definition, known: true };
    }
    return undefined;
  }
  if (kind !== 'code') return undefined;
  const usage = workspace
    .usagesInFile(file)
    .find(
      (candidate) => rangeContains(candidate.keyRange, position) || rangeContains(candidate.range, position),
    );
  if (!usage || usage.flag === null) return undefined;
  const summary = flagOfUsage(workspace.registry, usage);
  return { flag: summary?.key ?? usage.flag, usage, known: summary !== undefined };
}
