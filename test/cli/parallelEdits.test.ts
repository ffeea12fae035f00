import { strict as assert } from 'node:assert';
import { type ChildProcess, type Serializable, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { cliPath, repoRoot, tempDir } from '../support/cli';

/**
 * Many writers editing one registry file at the same time, each in its own process, as parallel
 * `flaglens toggle` / `flaglens rollout` runs from scripts do. A writer process loads a module
 * once and runs one edit per round (over its IPC channel), so rounds cost no process starts.
 */

interface Outcome {
  status: number;
  out: string;
  err: string;
}

/** Runs in each writer process: `require(module)[exported](job)` for every job it is sent. */
function writerSource(module: string, exported: string): string {
  return `
const run = require(${JSON.stringify(module)})[${JSON.stringify(exported)}];
process.on('message', async (job) => {
  let outcome;
  try {
    outcome = await run(job);
  } catch (error) {
    outcome = { status: -1, out: '', err: String(error && error.stack) };
  }
  process.send(outcome);
});
process.send('ready');
`;
}

class Writer {
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;
  private pending: ((outcome: Outcome) => void) | undefined;

  constructor(source: string) {
    this.child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve) => this.child.once('message', () => resolve()));
    this.child.on('message', (message: Outcome | 'ready') => {
      if (message === 'ready') return;
      const settle = this.pending;
      this.pending = undefined;
      settle?.(message);
    });
  }

  run(job: unknown): Promise<Outcome> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.child.send(job as Serializable);
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

const key = (index: number) => `flag-${String(index).padStart(2, '0')}`;

interface FlagInFile {
  state?: string;
  targeting?: { fractional?: unknown[] };
}

/** What writer `index` sets in `round`: even writers toggle, odd writers set a rollout. */
function intent(
  index: number,
  round: number,
): { change: { enabled: boolean } | { percent: number }; holds(definition: FlagInFile): boolean } {
  if (index % 2 === 0) {
    const enabled = (index + round) % 2 === 0;
    return {
      change: { enabled },
      holds: (definition) => definition.state === (enabled ? 'ENABLED' : 'DISABLED'),
    };
  }
  const percent = (round * 13 + index * 7) % 101;
  return {
    change: { percent },
    holds: (definition) => {
      const buckets = (definition.targeting?.fractional?.slice(1) ?? []) as [string, number][];
      const on = buckets.find(([variant]) => variant === 'on')?.[1];
      const total = buckets.reduce((sum, [, weight]) => sum + weight, 0);
      return on !== undefined && total > 0 && on / total === percent / 100;
    },
  };
}

function cliArgs(index: number, change: { enabled: boolean } | { percent: number }, dir: string): string[] {
  const edit =
    'enabled' in change
      ? ['toggle', key(index), '--env', 'development', change.enabled ? '--on' : '--off']
      : ['rollout', key(index), '--env', 'development', '--percent', String(change.percent)];
  return [...edit, '--dir', dir];
}

/**
 * Runs `rounds` rounds of `writers.length` parallel edits, one flag per writer, and returns the
 * edits reported as applied that are not in the file afterwards, and the edits that failed.
 */
async function race(
  writers: Writer[],
  rounds: number,
  file: string,
  jobOf: (index: number, change: { enabled: boolean } | { percent: number }) => unknown,
): Promise<{ lost: string[]; failed: string[] }> {
  const lost: string[] = [];
  const failed: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const intents = writers.map((_, index) => intent(index, round));
    const outcomes = await Promise.all(
      writers.map((writer, index) => writer.run(jobOf(index, intents[index].change))),
    );
    const flags = (JSON.parse(readFileSync(file, 'utf8')) as { flags: Record<string, FlagInFile> }).flags;
    outcomes.forEach((outcome, index) => {
      const label = `round ${round}, ${key(index)} ${JSON.stringify(intents[index].change)}`;
      if (outcome.status !== 0) failed.push(`${label}: exit ${outcome.status}: ${outcome.err}`);
      else if (!intents[index].holds(flags[key(index)])) lost.push(label);
    });
  }
  return { lost, failed };
}

describe('parallel edits of one registry file from many processes', function () {
  // Bounded, so that a deadlock fails the test instead of hanging the run.
  this.timeout(180_000);
  let temp: { dir: string; dispose(): void };
  let file: string;
  let writers: Writer[] = [];

  function startWriters(count: number, source: string): Promise<unknown> {
    writers = Array.from({ length: count }, () => new Writer(source));
    return Promise.all(writers.map((writer) => writer.ready));
  }

  beforeEach(() => {
    temp = tempDir();
    mkdirSync(join(temp.dir, 'flags'));
    const flags = Object.fromEntries(
      Array.from({ length: 50 }, (_, index) => [
        key(index),
        { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      ]),
    );
    file = join(temp.dir, 'flags/development.flagd.json');
    writeFileSync(file, `${JSON.stringify({ flags }, null, 2)}\n`);
  });

  afterEach(() => {
    for (const writer of writers) writer.stop();
    writers = [];
    temp.dispose();
  });

  it('applies every edit it reports as applied: 50 writer processes x 20 rounds, none lost', async () => {
    // The CLI's write path (updateFile with toggleFlag / setRollout) in a small bundle.
    const bundle = join(temp.dir, 'writer.js');
    buildSync({
      entryPoints: [join(repoRoot, 'test/support/parallelWriter.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      mainFields: ['module', 'main'],
      logLevel: 'warning',
    });
    await startWriters(50, writerSource(bundle, 'run'));
    const { lost, failed } = await race(writers, 20, file, (index, change) => ({
      file,
      flag: key(index),
      change,
    }));
    assert.deepEqual(lost, [], `${lost.length} edits reported as applied are not in the file`);
    // Each edit is planned again on the file as it is once the writer holds the lock, so none
    // is refused for having read an older text.
    assert.deepEqual(failed, [], `${failed.length} of 1000 edits failed`);
  });

  it('applies every parallel `flaglens toggle` and `flaglens rollout` it reports as applied', async () => {
    // The CLI itself (dist/cli.js's main, workspace load included), fewer writers: each process
    // loads the whole CLI bundle.
    const main = join(temp.dir, 'main.js');
    writeFileSync(
      main,
      `const { main } = require(${JSON.stringify(cliPath)});
exports.run = async (job) => {
  const out = [];
  const err = [];
  const io = { out: (t) => out.push(t), err: (t) => err.push(t), now: () => new Date('2026-11-24T12:00:00Z') };
  const status = await main(job.args, io, job.cwd);
  return { status, out: out.join('\\n'), err: err.join('\\n') };
};`,
    );
    await startWriters(12, writerSource(main, 'run'));
    const { lost, failed } = await race(writers, 4, file, (index, change) => ({
      args: cliArgs(index, change, temp.dir),
      cwd: temp.dir,
    }));
    assert.deepEqual(lost, [], `${lost.length} edits reported as applied are not in the file`);
    assert.deepEqual(failed, [], `${failed.length} of 48 edits failed`);
  });
});
