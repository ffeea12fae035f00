import type { VariantValue } from '../../../../shared/src/registryModel';
import { cleanupFlag } from '../cleanup/cleanupFlag';
import type { ReportEntry } from '../cleanup/round';
import { removeFlag } from '../edits/registryEdits';
import { diffLines } from 'diff';
import { textVersion } from '../text';
import { applyOffsetEdits, type OffsetEdit } from '../textEdit';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { discoverFiles } from '../workspace/discoverFiles';
import { DEFAULT_CONFIG } from '../../../../shared/src/config';

/** One file's part of a cleanup: the text it was computed on, and the result. */
export interface CleanupFilePlan {
  file: string;
  version: string;
  before: string;
  after: string;
  edits: OffsetEdit[];
}

export interface CleanupPlan {
  flags: { flag: string; value: VariantValue | null }[];
  /** Code and registry files that change. */
  files: CleanupFilePlan[];
  /** Code files that become empty and are deleted. */
  deletedFiles: { file: string; version: string; before: string }[];
  report: ReportEntry[];
}

/** Workspaces up to this many code files give the cleanup every file, so importers are seen. */
const ALL_FILES_LIMIT = 3000;

/**
 * Plans the removal of one or more stale flags, as if each had always served `value`: the code
 * rewrite (Piranha-style, server/src/core/cleanup) and, unless kept, the registry entries. Several
 * flags are cleaned one after the other on the texts the previous one produced. Nothing is written.
 */
export async function planCleanup(
  workspace: FlagWorkspace,
  targets: { flag: string; value: VariantValue | null }[],
  options: { removeFromRegistry: boolean },
): Promise<CleanupPlan> {
  const originals = new Map<string, string>();
  const current = new Map<string, string>();
  const deleted = new Set<string>();
  const report: ReportEntry[] = [];

  // Every code file, not only those flaglens.json includes for analysis: tests import what the
  // cleanup might delete, and tests that pin the flag are part of the cleanup.
  const discovered = await discoverFiles(workspace.root, workspace.host, {
    ...workspace.config,
    include: DEFAULT_CONFIG.include,
  });
  const allFiles = discovered.code.length <= ALL_FILES_LIMIT;
  const candidates = new Set<string>();
  if (allFiles) for (const file of discovered.code) candidates.add(file);
  for (const { flag } of targets) for (const usage of workspace.usagesOf(flag)) candidates.add(usage.file);
  for (const file of candidates) {
    const text = await workspace.host.readFile(workspace.absolute(file));
    if (text === undefined) continue;
    originals.set(file, text);
    current.set(file, text);
  }

  for (const { flag, value } of targets) {
    const files = new Map([...current].filter(([file]) => !deleted.has(file)));
    // Usages are positions in the indexed texts; after an earlier flag's rewrite they are stale,
    // so the cleanup then finds the reads by key itself.
    const usages = targets[0].flag === flag ? workspace.usagesOf(flag) : [];
    // With only some files given, an export may have importers the cleanup cannot see.
    const result = cleanupFlag({ flag, value: value as never, files, usages, keepUnusedExports: !allFiles });
    for (const [file, change] of result.edits) current.set(file, change.newText);
    for (const file of result.deletedFiles) deleted.add(file);
    report.push(...result.report);
  }

  const plan: CleanupPlan = { flags: targets, files: [], deletedFiles: [], report };
  for (const [file, after] of current) {
    const before = originals.get(file) ?? '';
    if (deleted.has(file)) plan.deletedFiles.push({ file, version: textVersion(before), before });
    else if (after !== before)
      plan.files.push({ file, version: textVersion(before), before, after, edits: lineEdits(before, after) });
  }

  if (options.removeFromRegistry) {
    for (const registryFile of workspace.registry.files()) {
      const text = workspace.registry.currentText(registryFile);
      const parsed = workspace.registry.currentFile(registryFile);
      if (text === undefined || !parsed || parsed.unusable) continue;
      let after = text;
      for (const { flag } of targets)
        if (parsed.flags.has(flag)) after = applyOffsetEdits(after, removeFlag(after, flag));
      if (after !== text)
        plan.files.push({
          file: registryFile,
          version: parsed.version,
          before: text,
          after,
          edits: lineEdits(text, after),
        });
    }
  }
  plan.files.sort((a, b) => a.file.localeCompare(b.file));
  return plan;
}

/** Line-level edits turning `before` into `after`, so a preview shows only the lines that change. */
export function lineEdits(before: string, after: string): OffsetEdit[] {
  const edits: OffsetEdit[] = [];
  let offset = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) {
      const last = edits[edits.length - 1];
      if (last && last.offset + last.length === offset && last.content === '') last.content = part.value;
      else edits.push({ offset, length: 0, content: part.value });
    } else if (part.removed) {
      edits.push({ offset, length: part.value.length, content: '' });
      offset += part.value.length;
    } else {
      offset += part.value.length;
    }
  }
  return edits;
}
