import picomatch from 'picomatch';
import type { WorkspaceHost } from '../../host';

const SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * The event files the globs of `experiments.events` name, workspace-relative and sorted. Each
 * glob is walked from its fixed base folder (`data/events` for `data/events/*.ndjson`), so a
 * large workspace is not listed to find a few files.
 */
export async function listEventFiles(root: string, host: WorkspaceHost, globs: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of globs) {
    const normalised = glob.replace(/\\/g, '/').replace(/^\.\//, '');
    const matches = picomatch(normalised, { dot: true });
    const { base, isGlob } = picomatch.scan(normalised);
    if (!isGlob) {
      const stat = await host.stat(`${root}/${normalised}`);
      if (stat) found.add(normalised);
      continue;
    }
    const walk = async (relative: string, depth: number): Promise<void> => {
      if (depth > 32) return;
      const entries = await host.readDirectory(relative === '' ? root : `${root}/${relative}`);
      for (const entry of entries) {
        const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory && !SKIPPED.has(entry.name)) await walk(path, depth + 1);
        else if (entry.isFile && matches(path)) found.add(path);
      }
    };
    await walk(base, 0);
  }
  return [...found].sort();
}
