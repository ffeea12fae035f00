import type { VariantValue } from '../../../../shared/src/registryModel';
import { cleanupFlag } from '../cleanup/cleanupFlag';
import { isTestFile } from '../cleanup/flagApis';
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
  options: {
    removeFromRegistry: boolean;
    /** Remove the registry entry even while the key still appears in code the cleanup left. */
    force?: boolean;
  },
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
    // A key still written in the code after the rewrite is a read the cleanup did not see or
    // could not rewrite (an SDK Flaglens does not know, a form it left for a person): removing
    // the flag from the registry would leave that read to its default in production.
    const remaining = await remainingKeyMentions(
      workspace,
      targets.map((target) => target.flag),
      current,
      deleted,
      discovered.code,
    );
    const removable = targets.filter((target) => {
      const places = remaining.get(target.flag) ?? [];
      if (places.length === 0) return true;
      const where = places
        .slice(0, 5)
        .map((place) => `${place.file}:${place.line}`)
        .join(', ');
      const more = places.length > 5 ? ` and ${places.length - 5} more` : '';
      report.push({
        file: places[0].file,
        line: places[0].line,
        message: options.force
          ? `${target.flag} is still written in the code (${where}${more}), and was removed from the registry as forced: those reads now get their defaults.`
          : `${target.flag} is still written in the code (${where}${more}), so it was kept in the registry: rewrite those reads, then clean up again (or force it).`,
        needsHuman: true,
      });
      return options.force === true;
    });
    for (const registryFile of workspace.registry.files()) {
      const text = workspace.registry.currentText(registryFile);
      const parsed = workspace.registry.currentFile(registryFile);
      if (text === undefined || !parsed || parsed.unusable) continue;
      let after = text;
      for (const { flag } of removable)
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

/** Where each key appears as a string (quoted or in backticks) in the code as the cleanup leaves it. */
async function remainingKeyMentions(
  workspace: FlagWorkspace,
  flags: readonly string[],
  current: ReadonlyMap<string, string>,
  deleted: ReadonlySet<string>,
  codeFiles: readonly string[],
): Promise<Map<string, { file: string; line: number }[]>> {
  const found = new Map<string, { file: string; line: number }[]>();
  const patterns = flags.map((flag) => ({
    flag,
    pattern: new RegExp(`(['"\`])${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`, 'g'),
  }));
  const texts: string[] = [];
  const mentions: { flag: string; file: string; line: number; declares?: string }[] = [];
  const search = (file: string, text: string) => {
    texts.push(text);
    for (const { flag, pattern } of patterns) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const before = text.slice(0, match.index);
        const line = before.split('\n').length;
        // `const KEY = 'key'`, an enum member or an object property: a name for the key, which
        // is a read only where that name is still used.
        const lineStart = before.lastIndexOf('\n') + 1;
        const declares = /(?:^|[\s,{(])([A-Za-z_$][\w$]*)\s*(?::[^=]*)?[=:]\s*$/.exec(
          text.slice(lineStart, match.index),
        );
        mentions.push({ flag, file, line, ...(declares ? { declares: declares[1] } : {}) });
      }
    }
  };
  // Tests are not counted: a test that reads the flag directly is reported by the cleanup for a
  // person, and without the flag it gets the default its call passes, as production code would.
  for (const [file, text] of current) if (!deleted.has(file) && !isTestFile(file)) search(file, text);
  // Files the cleanup was not given (a very large workspace) are read only for this search.
  for (const file of codeFiles) {
    if (current.has(file) || isTestFile(file)) continue;
    const text = await workspace.host.readFile(workspace.absolute(file));
    if (text !== undefined && flags.some((flag) => text.includes(flag))) search(file, text);
  }
  for (const mention of mentions) {
    if (mention.declares && !isNameUsed(mention.declares, texts)) continue;
    const list = found.get(mention.flag) ?? [];
    list.push({ file: mention.file, line: mention.line });
    found.set(mention.flag, list);
  }
  for (const list of found.values()) list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return found;
}

/**
 * Is `name` used anywhere but where it is declared and in export lists (`export { NAME }`,
 * `export { NAME } from '...'`)? A text search: it errs towards "used".
 */
function isNameUsed(name: string, texts: readonly string[]): boolean {
  const escaped = name.replace(/[$]/g, '\\$&');
  const occurrence = new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`, 'g');
  const declaration = new RegExp(
    `(?:(?:const|let|var)\\s+${escaped}\\s*(?::[^=]*)?=|^\\s*${escaped}\\s*[=:]|[{,]\\s*${escaped}\\s*:)`,
    'gm',
  );
  const exportList = /export\s*(?:type\s*)?\{[^}]*\}/g;
  let uses = 0;
  for (const text of texts) {
    const withoutExports = text.replace(exportList, '');
    uses += (withoutExports.match(occurrence) ?? []).length;
    uses -= (withoutExports.match(declaration) ?? []).length;
  }
  // Members are also read as `FLAGS.NAME`.
  const memberUse = new RegExp(`\\.${escaped}(?![\\w$])`);
  return uses > 0 || texts.some((text) => memberUse.test(text));
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
