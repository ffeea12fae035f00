/**
 * The write path of `flaglens toggle` / `flaglens rollout` without the rest of the CLI, for
 * tests that run it in many processes at once: bundled by esbuild, it starts in a few
 * milliseconds where dist/cli.js (with ts-morph) takes most of a second.
 */
import { setRollout, toggleFlag } from '../../server/src/core/edits/registryEdits';
import { updateFile } from '../../server/src/node/atomicWrite';

export interface WriterJob {
  file: string;
  flag: string;
  change: { enabled: boolean } | { percent: number };
}

export async function run(job: WriterJob): Promise<{ status: number; out: string; err: string }> {
  try {
    const { change } = job;
    await updateFile(job.file, (text) =>
      'enabled' in change
        ? toggleFlag(text, job.flag, change.enabled)
        : setRollout(text, job.flag, { variant: 'on', percent: change.percent }),
    );
    return { status: 0, out: '', err: '' };
  } catch (error) {
    return { status: 1, out: '', err: (error as Error).message };
  }
}
