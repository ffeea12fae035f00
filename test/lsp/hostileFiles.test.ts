import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { FlagsRequest } from '../../shared/src/protocol';

const demo = join(repoRoot, 'examples/demo');

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  assert.equal(made.status, 0, `mkfifo failed: ${String(made.stderr)}`);
}

/**
 * The CLI as a user runs it, bounded: a hang is killed after 20 s and fails the test (spawnSync
 * blocks the event loop, so mocha's own timeout could not fire).
 */
function check(cwd: string): { status: number | null; signal: string | null; output: string } {
  const result = spawnSync(process.execPath, [cliPath, 'check'], {
    cwd,
    encoding: 'utf8',
    timeout: 20000,
    env: { ...process.env, FLAGLENS_NOW: '2026-11-24T12:00:00Z', NODE_OPTIONS: '--max-old-space-size=512' },
  });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
}

describe('special files among the registry, experiment and configuration files', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };
  beforeEach(() => (temp = copyToTemp(demo)));
  afterEach(() => temp.dispose());

  const cases: { name: string; file: string; make: (path: string) => void; code: string; says: RegExp }[] = [
    {
      name: 'a FIFO as a registry file',
      file: 'flags/qa.flagd.json',
      make: mkfifo,
      code: 'registry/unreadable-file',
      says: /a FIFO/,
    },
    {
      name: 'a link to /dev/zero as a registry file',
      file: 'flags/qa.flagd.json',
      make: (path) => symlinkSync('/dev/zero', path),
      code: 'registry/unreadable-file',
      says: /a character device/,
    },
    {
      name: 'a FIFO as an experiment definition',
      file: 'experiments/fifo.experiment.json',
      make: mkfifo,
      code: 'experiment/unreadable-file',
      says: /a FIFO/,
    },
  ];
  for (const { name, file, make, code, says } of cases) {
    it(`check reports ${name} at the file and still checks the rest`, () => {
      make(join(temp.dir, file));
      const result = check(temp.dir);
      assert.equal(result.signal, null, `check was killed (${result.signal}): it hung or ran out of memory`);
      assert.match(
        result.output,
        new RegExp(`${file.replace(/\./g, '\\.')}:1:1: error ${code}: .*not a regular file`),
      );
      assert.match(result.output, says);
      // The rest of the workspace is still checked.
      assert.match(result.output, /code\/missing-in-environment/);
      assert.equal(result.status, 1);
    });
  }

  it('check reports an environment file it cannot read instead of ignoring it', () => {
    // A link to itself fails every read (ELOOP), even for root, whom permissions do not stop.
    symlinkSync('qa.flagd.json', join(temp.dir, 'flags/qa.flagd.json'));
    const unreadable = ['flags/qa.flagd.json'];
    if (process.getuid?.() !== 0) {
      chmodSync(join(temp.dir, 'flags/staging.flagd.json'), 0o000);
      unreadable.push('flags/staging.flagd.json');
    }
    const result = check(temp.dir);
    for (const file of unreadable)
      assert.match(
        result.output,
        new RegExp(
          `${file.replace(/\./g, '\\.')}:1:1: error registry/unreadable-file: .*could not be read \\((ELOOP|EACCES)\\)`,
        ),
      );
    assert.equal(result.status, 1);
  });

  for (const [name, make] of [
    ['a FIFO', mkfifo],
    ['a link to /dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
  ] as const) {
    it(`check reports ${name} as flaglens.json and checks with the default configuration`, () => {
      renameSync(join(temp.dir, 'flaglens.json'), join(temp.dir, 'flaglens.json.saved'));
      make(join(temp.dir, 'flaglens.json'));
      const result = check(temp.dir);
      assert.equal(result.signal, null, `check was killed (${result.signal}): it hung or ran out of memory`);
      assert.match(
        result.output,
        /flaglens\.json:1:1: error config\/unreadable-file: .*not a regular file.*default configuration/,
      );
      assert.equal(result.status, 1);
    });
  }

  it('the live server reports a FIFO and a link to /dev/zero, at start and when they appear later, and keeps answering', async () => {
    mkfifo(join(temp.dir, 'flags/qa.flagd.json'));
    // A FIFO among the code files too: the scan worker must not wait on it.
    mkfifo(join(temp.dir, 'src/server/pipe.ts'));
    const client = await TestLspClient.start(temp.dir);
    try {
      await client.indexReady;
      const atStart = await client.waitForDiagnostics('flags/qa.flagd.json', (list) => list.length > 0);
      assert.deepEqual(
        atStart.map((diagnostic) => diagnostic.code),
        ['registry/unreadable-file'],
      );
      // A FIFO and a device link appear while it runs, as a file watcher would tell.
      unlinkSync(join(temp.dir, 'flags/qa.flagd.json'));
      symlinkSync('/dev/zero', join(temp.dir, 'flags/qa.flagd.json'));
      mkfifo(join(temp.dir, 'flags/later.flagd.json'));
      await client.changedOnDisk('flags/qa.flagd.json', 2);
      await client.changedOnDisk('flags/later.flagd.json', 1);
      const later = await client.waitForDiagnostics('flags/later.flagd.json', (list) => list.length > 0);
      assert.equal(later[0].code, 'registry/unreadable-file');
      await client.waitForDiagnostics('flags/qa.flagd.json', (list) =>
        list.some((diagnostic) => /character device/.test(String(diagnostic.message))),
      );
      // flaglens.json becomes a FIFO: reported, the server still answers.
      unlinkSync(join(temp.dir, 'flaglens.json'));
      mkfifo(join(temp.dir, 'flaglens.json'));
      await client.changedOnDisk('flaglens.json', 2);
      await client.waitForDiagnostics('flaglens.json', (list) =>
        list.some((diagnostic) => diagnostic.code === 'config/unreadable-file'),
      );
      const flags = await client.request<FlagsRequest.Result>(FlagsRequest.method, {});
      assert.ok(flags.length > 0, 'the server answers with the flags it still reads');
    } finally {
      await client.stop();
    }
  });
});
