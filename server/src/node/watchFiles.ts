import { existsSync, watch } from 'node:fs';
import { join } from 'node:path';

/** What a watcher reports: registry files, the configuration, experiments and their event files; code comes through the editor. */
const WATCHED =
  /(\.flagd\.json|\.experiment\.json|\.rollout\.json|\.ndjson|\.jsonl|\.csv|(^|\/)flaglens\.json)$/;
const SKIPPED = /(^|\/)(node_modules|\.git)(\/|$)/;

/**
 * Recursive watch of a workspace folder (Node >= 20 on Linux, macOS, Windows) for clients that
 * cannot register file watchers. Events are coalesced per file within one tick.
 */
export function watchFiles(
  root: string,
  onChange: (absolutePath: string, deleted: boolean) => void,
): { dispose(): void } {
  const pending = new Set<string>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const path of pending) onChange(path, !existsSync(path));
    pending.clear();
  };
  try {
    const watcher = watch(root, { recursive: true, persistent: false }, (_event, name) => {
      if (!name) return;
      const relative = name.toString().replace(/\\/g, '/');
      if (SKIPPED.test(relative) || !WATCHED.test(relative)) return;
      pending.add(join(root, relative));
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
    watcher.on('error', () => watcher.close());
    return { dispose: () => watcher.close() };
  } catch {
    return { dispose: () => {} };
  }
}
