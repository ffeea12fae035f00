import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { textVersion } from '../../server/src/core/text';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import {
  FileChangedOnDiskError,
  WriteRefusedError,
  applyFileChanges,
  applyFileEdit,
  writeFileAtomic,
} from '../../server/src/node/atomicWrite';
import { LOCK_STALE_MS, lockPathOf } from '../../server/src/node/fileLock';

/** The pid of a process that has exited: a lock it held was left by a crash. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

const lockBody = (pid: number) =>
  JSON.stringify({ pid, host: hostname(), token: 'feedfacefeedface', since: 0 });

describe('atomic writes of registry files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flaglens-atomic-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function entries(): Promise<string[]> {
    return (await fs.readdir(dir)).sort();
  }

  it('replaces the file when it still has the expected version, leaving no temp file', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await fs.writeFile(file, '{"flags":{}}\n');
    await writeFileAtomic(file, '{"flags":{"a":1}}\n', textVersion('{"flags":{}}\n'));
    assert.equal(await fs.readFile(file, 'utf8'), '{"flags":{"a":1}}\n');
    assert.deepEqual(await entries(), ['production.flagd.json']);
  });

  it('refuses when the file changed on disk, keeping the other change', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await fs.writeFile(file, 'read by the editor');
    const version = textVersion('read by the editor');
    await fs.writeFile(file, 'changed by someone else');
    await assert.rejects(
      writeFileAtomic(file, 'new text', version),
      (error: unknown) =>
        error instanceof FileChangedOnDiskError &&
        /changed on disk since it was read; nothing was written/.test(error.message),
    );
    assert.equal(await fs.readFile(file, 'utf8'), 'changed by someone else');
    assert.deepEqual(await entries(), ['production.flagd.json']);
  });

  it('refuses when the file was deleted since it was read', async () => {
    const file = path.join(dir, 'gone.flagd.json');
    await assert.rejects(
      writeFileAtomic(file, 'x', textVersion('y')),
      (error: unknown) => error instanceof FileChangedOnDiskError && /was deleted/.test(error.message),
    );
    assert.deepEqual(await entries(), []);
  });

  it('creates a new file when no version is expected, and refuses if it exists', async () => {
    const file = path.join(dir, 'staging.flagd.json');
    await writeFileAtomic(file, '{"flags":{}}\n', undefined);
    assert.equal(await fs.readFile(file, 'utf8'), '{"flags":{}}\n');
    await assert.rejects(
      writeFileAtomic(file, 'other', undefined),
      (error: unknown) => error instanceof FileChangedOnDiskError && /already exists/.test(error.message),
    );
    assert.equal(await fs.readFile(file, 'utf8'), '{"flags":{}}\n');
    assert.deepEqual(await entries(), ['staging.flagd.json']);
  });

  it('keeps a byte order mark, the file mode and a symbolic link', async () => {
    const real = path.join(dir, 'real.flagd.json');
    const link = path.join(dir, 'link.flagd.json');
    await fs.writeFile(real, '\uFEFF{"flags":{}}');
    await fs.chmod(real, 0o640);
    await fs.symlink(real, link);
    // The workspace reads files with the mark removed, so versions are of the text without it.
    await writeFileAtomic(link, '{"flags":{"a":1}}', textVersion('{"flags":{}}'));
    assert.equal(await fs.readFile(real, 'utf8'), '\uFEFF{"flags":{"a":1}}');
    assert.equal((await fs.stat(real)).mode & 0o777, 0o640);
    assert.ok((await fs.lstat(link)).isSymbolicLink());
    assert.deepEqual(await entries(), ['link.flagd.json', 'real.flagd.json']);
  });

  it('applies a file edit and returns the new text', async () => {
    const file = path.join(dir, 'production.flagd.json');
    const text = '{"flags":{"a":{"state":"ENABLED"}}}';
    await fs.writeFile(file, text);
    const offset = text.indexOf('ENABLED');
    const result = await applyFileEdit({
      file,
      expectedVersion: textVersion(text),
      edits: [{ offset, length: 7, content: 'DISABLED' }],
    });
    assert.equal(result, '{"flags":{"a":{"state":"DISABLED"}}}');
    assert.equal(await fs.readFile(file, 'utf8'), result);
    assert.deepEqual(await entries(), ['production.flagd.json']);
  });

  it('refuses a file edit computed from an older text', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await fs.writeFile(file, 'now');
    await assert.rejects(
      applyFileEdit({
        file,
        expectedVersion: textVersion('before'),
        edits: [{ offset: 0, length: 0, content: 'x' }],
      }),
      FileChangedOnDiskError,
    );
    assert.equal(await fs.readFile(file, 'utf8'), 'now');
  });

  it('lets only one of two edits of the same version through', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await fs.writeFile(file, 'base');
    const version = textVersion('base');
    const results = await Promise.allSettled([
      applyFileEdit({ file, expectedVersion: version, edits: [{ offset: 4, length: 0, content: ' one' }] }),
      applyFileEdit({ file, expectedVersion: version, edits: [{ offset: 4, length: 0, content: ' two' }] }),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected'],
    );
    assert.ok((results[1] as PromiseRejectedResult).reason instanceof FileChangedOnDiskError);
    assert.equal(await fs.readFile(file, 'utf8'), 'base one');
    assert.deepEqual(await entries(), ['production.flagd.json']);
  });

  it('does not touch the file when the edits change nothing', async () => {
    const file = path.join(dir, 'production.flagd.json');
    await fs.writeFile(file, 'same');
    const before = (await fs.stat(file)).ino;
    assert.equal(await applyFileEdit({ file, expectedVersion: textVersion('same'), edits: [] }), 'same');
    assert.equal((await fs.stat(file)).ino, before);
  });

  describe('the lock that serializes writers across processes', () => {
    it('waits while another process holds the lock and writes once it is released', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'base');
      // A live holder: this process's own pid, as another Flaglens on this host would write it.
      await fs.writeFile(lockPathOf(file), lockBody(process.pid));
      let waited!: () => void;
      const waiting = new Promise<void>((resolve) => (waited = resolve));
      let written = false;
      const write = writeFileAtomic(file, 'mine', textVersion('base'), { onLockWait: () => waited() }).then(
        () => (written = true),
      );
      await waiting;
      assert.equal(await fs.readFile(file, 'utf8'), 'base', 'nothing is written while the lock is held');
      assert.equal(written, false);
      await fs.rm(lockPathOf(file));
      await write;
      assert.equal(await fs.readFile(file, 'utf8'), 'mine');
      assert.deepEqual(await entries(), ['production.flagd.json']);
    });

    it('checks the version after taking the lock, so a write made while it waited is kept', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'base');
      await fs.writeFile(lockPathOf(file), lockBody(process.pid));
      let waited!: () => void;
      const waiting = new Promise<void>((resolve) => (waited = resolve));
      const write = writeFileAtomic(file, 'mine', textVersion('base'), { onLockWait: () => waited() });
      await waiting;
      // The holder writes its change and releases the lock.
      await fs.writeFile(file, 'the holder wrote this');
      await fs.rm(lockPathOf(file));
      await assert.rejects(write, FileChangedOnDiskError);
      assert.equal(await fs.readFile(file, 'utf8'), 'the holder wrote this');
    });

    it('breaks a lock left by a process that died (kill -9) and writes', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'base');
      await fs.writeFile(lockPathOf(file), lockBody(await deadPid()));
      let waits = 0;
      await writeFileAtomic(file, 'mine', textVersion('base'), { onLockWait: () => waits++ });
      assert.equal(waits, 0, 'a dead holder is not waited for');
      assert.equal(await fs.readFile(file, 'utf8'), 'mine');
      assert.deepEqual(await entries(), ['production.flagd.json']);
    });

    it('breaks a lock older than the stale age even when its pid looks alive', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'base');
      await fs.writeFile(lockPathOf(file), lockBody(process.pid));
      const old = (Date.now() - LOCK_STALE_MS - 60_000) / 1000;
      await fs.utimes(lockPathOf(file), old, old);
      await writeFileAtomic(file, 'mine', textVersion('base'));
      assert.equal(await fs.readFile(file, 'utf8'), 'mine');
      assert.deepEqual(await entries(), ['production.flagd.json']);
    });
  });

  describe('a change of several files', () => {
    async function files(texts: Record<string, string>): Promise<Record<string, string>> {
      const paths: Record<string, string> = {};
      for (const [name, text] of Object.entries(texts)) {
        paths[name] = path.join(dir, name);
        await fs.writeFile(paths[name], text);
      }
      return paths;
    }

    it('checks every file before writing any: one changed file refuses the whole change', async () => {
      const paths = await files({ 'a.ts': 'a', 'b.ts': 'b', 'c.ts': 'c' });
      await fs.writeFile(paths['c.ts'], 'c changed');
      await assert.rejects(
        applyFileChanges(
          [
            {
              file: paths['a.ts'],
              expectedVersion: textVersion('a'),
              edits: [{ offset: 1, length: 0, content: '!' }],
            },
            {
              file: paths['b.ts'],
              expectedVersion: textVersion('b'),
              edits: [{ offset: 1, length: 0, content: '!' }],
            },
          ],
          [{ file: paths['c.ts'], expectedVersion: textVersion('c') }],
        ),
        (error: unknown) =>
          error instanceof FileChangedOnDiskError && /c\.ts changed on disk/.test(error.message),
      );
      assert.deepEqual(
        await Promise.all(['a.ts', 'b.ts', 'c.ts'].map((name) => fs.readFile(paths[name], 'utf8'))),
        ['a', 'b', 'c changed'],
      );
      assert.deepEqual(await entries(), ['a.ts', 'b.ts', 'c.ts']);
    });

    it('puts back the files already written when a later one changes at the last moment', async () => {
      const paths = await files({ 'a.ts': '\uFEFFa', 'c.ts': 'c', 'd.ts': 'd' });
      await fs.chmod(paths['a.ts'], 0o600);
      await assert.rejects(
        applyFileChanges(
          [
            {
              file: paths['a.ts'],
              expectedVersion: textVersion('a'),
              edits: [{ offset: 1, length: 0, content: '!' }],
            },
          ],
          [
            { file: paths['c.ts'], expectedVersion: textVersion('c') },
            { file: paths['d.ts'], expectedVersion: textVersion('d') },
          ],
          // An editor saves d.ts after every check passed: a.ts is written and c.ts deleted by then.
          { beforeCommit: () => fs.writeFile(paths['d.ts'], 'd saved by an editor') },
        ),
        (error: unknown) =>
          error instanceof FileChangedOnDiskError &&
          /d\.ts changed on disk while it was being written; nothing was written/.test(error.message),
      );
      assert.equal(await fs.readFile(paths['a.ts'], 'utf8'), '\uFEFFa', 'a.ts is back, mark included');
      assert.equal((await fs.stat(paths['a.ts'])).mode & 0o777, 0o600);
      assert.equal(await fs.readFile(paths['c.ts'], 'utf8'), 'c', 'c.ts is back');
      assert.equal(await fs.readFile(paths['d.ts'], 'utf8'), 'd saved by an editor');
      assert.deepEqual(await entries(), ['a.ts', 'c.ts', 'd.ts']);
    });

    it('writes every file and deletes the deleted ones when nothing changed', async () => {
      const paths = await files({ 'a.ts': 'a', 'c.ts': 'c' });
      const texts = await applyFileChanges(
        [
          {
            file: paths['a.ts'],
            expectedVersion: textVersion('a'),
            edits: [{ offset: 1, length: 0, content: '!' }],
          },
        ],
        [{ file: paths['c.ts'], expectedVersion: textVersion('c') }],
      );
      assert.deepEqual(texts, ['a!']);
      assert.equal(await fs.readFile(paths['a.ts'], 'utf8'), 'a!');
      assert.deepEqual(await entries(), ['a.ts']);
    });
  });

  describe('symbolic links and leftovers', () => {
    let outside: string;

    beforeEach(async () => {
      outside = await fs.mkdtemp(path.join(os.tmpdir(), 'flaglens-outside-'));
    });

    afterEach(async () => {
      await fs.rm(outside, { recursive: true, force: true });
    });

    it('refuses to write through a link that leaves the workspace, and leaves the target alone', async () => {
      const target = path.join(outside, 'secret.json');
      await fs.writeFile(target, '{"flags":{}}');
      const link = path.join(dir, 'production.flagd.json');
      await fs.symlink(target, link);
      await assert.rejects(
        writeFileAtomic(link, '{"flags":{"a":1}}', textVersion('{"flags":{}}'), { workspaceRoot: dir }),
        (error: unknown) =>
          error instanceof WriteRefusedError &&
          /production\.flagd\.json leads outside the workspace \(to .*secret\.json\) through a symbolic link; .*nothing was written/.test(
            error.message,
          ),
      );
      assert.equal(await fs.readFile(target, 'utf8'), '{"flags":{}}');
      assert.deepEqual(await fs.readdir(outside), ['secret.json'], 'no temp or lock file outside either');
      assert.deepEqual(await entries(), ['production.flagd.json']);
    });

    it('refuses a file in a linked folder that leaves the workspace', async () => {
      await fs.writeFile(path.join(outside, 'production.flagd.json'), 'x');
      await fs.symlink(outside, path.join(dir, 'flags'));
      await assert.rejects(
        writeFileAtomic(path.join(dir, 'flags/production.flagd.json'), 'y', textVersion('x'), {
          workspaceRoot: dir,
        }),
        WriteRefusedError,
      );
      assert.equal(await fs.readFile(path.join(outside, 'production.flagd.json'), 'utf8'), 'x');
    });

    it('writes through a link that stays inside the workspace, keeping the link', async () => {
      await fs.mkdir(path.join(dir, 'shared'));
      const real = path.join(dir, 'shared/flags.json');
      await fs.writeFile(real, 'x');
      const link = path.join(dir, 'production.flagd.json');
      await fs.symlink(real, link);
      await writeFileAtomic(link, 'y', textVersion('x'), { workspaceRoot: dir });
      assert.equal(await fs.readFile(real, 'utf8'), 'y');
      assert.ok((await fs.lstat(link)).isSymbolicLink());
    });

    it('removes temp files and broken locks of its own naming left next to the file, and nothing else', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'x');
      const ours = [
        '.production.flagd.json.0123456789ab.tmp',
        '.production.flagd.json.flaglens-lock.0123456789abcdef.stale',
      ];
      const others = [
        '.production.flagd.json.swp',
        '.production.flagd.json.note.tmp',
        '.staging.flagd.json.0123456789ab.tmp',
        'x.tmp',
      ];
      for (const name of [...ours, ...others]) await fs.writeFile(path.join(dir, name), 'left over');
      await writeFileAtomic(file, 'y', textVersion('x'));
      assert.deepEqual(await entries(), [...others, 'production.flagd.json'].sort());
    });

    it('recovers from a writer killed with -9 between staging and renaming: lock broken, temp removed', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'base');
      // A real writer process that stops, holding the lock with its temp file written, until killed.
      const module = path.join(__dirname, '../../server/src/node/atomicWrite.ts');
      const child = spawn(
        process.execPath,
        [
          '-r',
          'tsx/cjs',
          '-e',
          `require(${JSON.stringify(module)}).writeFileAtomic(${JSON.stringify(file)}, 'theirs', ${JSON.stringify(textVersion('base'))}, {
            beforeCommit: () => { process.send('staged'); return new Promise(() => {}); },
          });`,
        ],
        { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      );
      await new Promise((resolve) => child.once('message', resolve));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      assert.equal((await entries()).length, 3, 'the killed writer left its lock and its temp file');

      await writeFileAtomic(file, 'mine', textVersion('base'));

      assert.equal(await fs.readFile(file, 'utf8'), 'mine');
      assert.deepEqual(await entries(), ['production.flagd.json']);
    });
  });
});
