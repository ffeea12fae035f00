import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { FlaglensConfig } from '../../../../shared/src/config';
import { ROLLOUT_GLOB } from '../guard/rolloutPlan';
import type { WorkspaceHost } from '../host';

export interface DiscoveredFiles {
  /** Workspace-relative paths of registry files. */
  registry: string[];
  /** Workspace-relative paths of code files to index. */
  code: string[];
  /** Workspace-relative paths of experiment definitions (`*.experiment.json`). */
  experiments: string[];
  /** Workspace-relative paths of rollout plans (`*.rollout.json`). */
  rollouts: string[];
  /** Code files skipped for their size (filled when the code is read). */
  tooLarge: { file: string; size: number }[];
}

/** Folders never worth walking into, whatever the configuration says. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

export interface FileMatcher {
  isRegistry(file: string): boolean;
  isCode(file: string): boolean;
  isExperiment(file: string): boolean;
  isRollout(file: string): boolean;
}

export function createFileMatcher(config: FlaglensConfig): FileMatcher {
  const registry = picomatch(config.registry, { dot: true });
  const include = picomatch(config.include, { dot: true });
  const exclude = picomatch(config.exclude, { dot: true });
  const experiments = picomatch(config.experiments.definitions, { dot: true });
  const rollouts = picomatch(ROLLOUT_GLOB, { dot: true });
  return {
    isRegistry: (file) => registry(file) && !file.split('/').some((part) => ALWAYS_SKIPPED.has(part)),
    isCode: (file) => include(file) && !exclude(file) && !/\.d\.[cm]?ts$/.test(file),
    isExperiment: (file) => experiments(file) && !file.split('/').some((part) => ALWAYS_SKIPPED.has(part)),
    isRollout: (file) => rollouts(file) && !file.split('/').some((part) => ALWAYS_SKIPPED.has(part)),
  };
}

/**
 * Walks the workspace honouring `.gitignore` files (at every level), the exclude globs and the
 * size limit. Registry files are found even where code is excluded.
 */
export async function discoverFiles(
  root: string,
  host: WorkspaceHost,
  config: FlaglensConfig,
  /** Called after each folder with the code files found so far: large workspaces show progress. */
  onProgress?: (codeFiles: number) => void,
): Promise<DiscoveredFiles> {
  const matcher = createFileMatcher(config);
  const excludeDir = picomatch(config.exclude, { dot: true });
  const result: DiscoveredFiles = { registry: [], code: [], experiments: [], rollouts: [], tooLarge: [] };
  const ignores: { base: string; rules: Ignore }[] = [];

  const isIgnored = (relative: string, isDirectory: boolean): boolean =>
    ignores.some(({ base, rules }) => {
      if (base !== '' && !relative.startsWith(`${base}/`)) return false;
      const inner = base === '' ? relative : relative.slice(base.length + 1);
      return rules.ignores(isDirectory ? `${inner}/` : inner);
    });

  const walk = async (relativeDir: string): Promise<void> => {
    const absolute = relativeDir === '' ? root : `${root}/${relativeDir}`;
    const entries = await host.readDirectory(absolute);
    // Only folders that list a .gitignore are asked for one: a failed read per folder is costly.
    const gitignore = entries.some((entry) => entry.name === '.gitignore' && entry.isFile)
      ? await host.readFile(`${absolute}/.gitignore`)
      : undefined;
    const pushed = gitignore !== undefined;
    if (pushed) ignores.push({ base: relativeDir, rules: ignore().add(gitignore) });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory) {
        if (ALWAYS_SKIPPED.has(entry.name) || isIgnored(relative, true)) continue;
        if (excludeDir(`${relative}/`) || excludeDir(`${relative}/x`)) {
          // Excluded folders may still hold registry files (e.g. a `build/` glob vs `flags/`)
          // only when the registry glob could match below them; skip otherwise.
          continue;
        }
        await walk(relative);
      } else if (entry.isFile) {
        if (isIgnored(relative, false)) continue;
        if (matcher.isRegistry(relative)) result.registry.push(relative);
        else if (matcher.isExperiment(relative)) result.experiments.push(relative);
        else if (matcher.isRollout(relative)) result.rollouts.push(relative);
        // Sizes are checked when the files are read: a stat per file would double the calls.
        else if (matcher.isCode(relative)) result.code.push(relative);
      }
    }
    if (pushed) ignores.pop();
    onProgress?.(result.code.length);
  };
  await walk('');
  return result;
}
