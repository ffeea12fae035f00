/**
 * Reads, for each experiment definition, its text at the last commit before the experiment's
 * start: the pre-registered plan. Read-only git in child processes; any failure (not a
 * repository, git missing, the file never committed before the start) gives no entry.
 */
import * as path from 'node:path';
import type { PreregisteredPlan } from '../../core/experiments/planLock';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { git, gitTopLevel } from '../gitHistory';

export async function readPreregisteredPlans(
  root: string,
  experiments: { file: string; start: string }[],
): Promise<Map<string, PreregisteredPlan>> {
  const plans = new Map<string, PreregisteredPlan>();
  if (experiments.length === 0 || (await gitTopLevel(root)) === undefined) return plans;
  for (const { file, start } of experiments) {
    try {
      const log = await git(root, ['log', '-1', '--format=%H%x09%cI', `--before=${start}`, '--', file]);
      const [commit, date] = log.trim().split('\t');
      if (!commit || !date) continue;
      const text = await git(root, ['show', `${commit}:./${file.split(path.sep).join('/')}`]);
      plans.set(file, { commit, date, text });
    } catch {
      // No history for this file: nothing was pre-registered that could be compared.
    }
  }
  return plans;
}

/** Gives the workspace the pre-registered plans of its experiments (for `plan-changed-after-start`). */
export async function loadPreregisteredPlans(workspace: FlagWorkspace): Promise<void> {
  const experiments = workspace.experiments.definitions().map(({ file, start }) => ({ file, start }));
  workspace.setPreregisteredPlans(await readPreregisteredPlans(workspace.root, experiments));
}
