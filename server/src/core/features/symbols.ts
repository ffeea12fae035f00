import {
  type DocumentSymbol,
  SymbolKind,
  SymbolTag,
  type WorkspaceSymbol,
} from 'vscode-languageserver-types';
import type { VariantType } from '../../../../shared/src/registryModel';
import { flagOfUsage } from '../analysis/codeFindings';
import { type Cancellation, cancellationCheckpoint, notCancelled } from '../cancellation';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { uriOf } from './navigation';
import { servingSummary } from './serving';

/** Archived flags show struck through, as editors show deprecated symbols. */
const archivedTags = (archived: boolean | undefined): { tags?: SymbolTag[] } =>
  archived === true ? { tags: [SymbolTag.Deprecated] } : {};

const KINDS: Record<VariantType, SymbolKind> = {
  boolean: SymbolKind.Boolean,
  string: SymbolKind.String,
  number: SymbolKind.Number,
  object: SymbolKind.Object,
};

/** Registry files list their flags; code files list the flags they read. */
export function documentSymbols(workspace: FlagWorkspace, file: string): DocumentSymbol[] {
  if (workspace.kindOf(file) === 'registry') {
    const parsed = workspace.registry.currentFile(file);
    return [...(parsed?.flags.values() ?? [])].map((definition) => ({
      name: definition.key,
      detail: servingSummary(definition),
      kind: definition.variantType ? KINDS[definition.variantType] : SymbolKind.Key,
      // The whole `"key": {...}` member: editors require the selection (the key) inside it.
      range: { start: definition.keyRange.start, end: definition.range.end },
      selectionRange: definition.keyRange,
      ...archivedTags(definition.lifecycle.archived),
    }));
  }
  return workspace
    .usagesInFile(file)
    .filter((usage) => usage.flag !== null)
    .map((usage) => ({
      name: usage.flag ?? '',
      detail: usage.api,
      kind: SymbolKind.Key,
      range: usage.range,
      selectionRange: usage.keyRange,
      ...archivedTags(flagOfUsage(workspace.registry, usage)?.lifecycle.archived),
    }));
}

/**
 * Flags whose key contains the query (case-insensitive), at each definition. Registries with
 * thousands of flags exist: cancellation is checked between flags.
 */
export async function workspaceSymbols(
  workspace: FlagWorkspace,
  query: string,
  cancellation: Cancellation = notCancelled,
): Promise<WorkspaceSymbol[]> {
  const needle = query.toLowerCase();
  const symbols: WorkspaceSymbol[] = [];
  const checkpoint = cancellationCheckpoint(cancellation);
  for (const summary of workspace.registry.flags().values()) {
    await checkpoint();
    if (!summary.key.toLowerCase().includes(needle)) continue;
    for (const definition of summary.definitions) {
      symbols.push({
        name: summary.key,
        kind: summary.variantType ? KINDS[summary.variantType] : SymbolKind.Key,
        containerName: definition.environment,
        location: { uri: uriOf(workspace, definition.file), range: definition.keyRange },
        ...archivedTags(summary.lifecycle.archived),
      });
    }
  }
  return symbols;
}
