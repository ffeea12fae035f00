import { strict as assert } from 'node:assert';
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { CommandIo } from '../../server/src/cli/cliContext';
import { type CleanupOptions, runCleanup } from '../../server/src/cli/commands/cleanup';
import { runRegistryEdit } from '../../server/src/cli/commands/edit';
import { toggleFlag } from '../../server/src/core/edits/registryEdits';
import type { WorkspaceHost } from '../../server/src/core/host';
import { FlagWorkspace } from '../../server/src/core/workspace/flagWorkspace';
import { nodeHost } from '../../server/src/node/nodeHost';
import { copyToTemp, repoRoot, runCli, tempDir } from '../support/cli';

/** Every file under `dir` with its text, so a test can tell exactly what a command wrote. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

function recordingIo(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    now: () => new Date('2026-11-24T12:00:00Z'),
  };
}

/** The CLI's workspace (code indexed), read through `host`. */
async function openDemo(root: string, host: WorkspaceHost, io: CommandIo): Promise<FlagWorkspace> {
  const workspace = new FlagWorkspace({ root, host, now: () => io.now() });
  await workspace.load();
  await workspace.indexCode();
  return workspace;
}

const shipping: CleanupOptions = {
  flag: 'express-shipping',
  value: true,
  write: true,
  keepRegistry: false,
  format: 'text',
  yes: true,
};

describe('flaglens cleanup --write refused part-way', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };

  beforeEach(() => {
    temp = copyToTemp(join(repoRoot, 'examples/demo'));
  });

  afterEach(() => temp.dispose());

  it('writes nothing when a registry file changed on disk after it was read, and says so', async () => {
    const io = recordingIo();
    const workspace = await openDemo(temp.dir, nodeHost, io);
    // Someone edits the staging file after Flaglens read it; it comes after the development and
    // production files, which a file-by-file write would already have rewritten.
    const staging = join(temp.dir, 'flags/staging.flagd.json');
    const theirs = readFileSync(staging, 'utf8').replace('"flags": {', '"flags": {\n    "theirs": {},');
    writeFileSync(staging, theirs);
    const before = snapshot(temp.dir);

    const status = await runCleanup(workspace, shipping, io);

    assert.equal(status, 1);
    assert.match(
      io.stderr.join('\n'),
      /staging\.flagd\.json changed on disk since it was read; nothing was written/,
    );
    assert.doesNotMatch(io.stderr.join('\n'), /Cleaned up/);
    assert.deepEqual(snapshot(temp.dir), before, 'no file was written, the other change is kept');
  });

  it('writes nothing when a code file changes right after the cleanup read it', async () => {
    const io = recordingIo();
    const target = join(temp.dir, 'src/server/shipping.ts');
    let armed = false;
    // The host hands the cleanup the text and then another writer changes the file: the
    // race between the cleanup's read and its write, without timing.
    const host: WorkspaceHost = {
      ...nodeHost,
      readFile: async (path) => {
        const text = await nodeHost.readFile(path);
        if (armed && path === target.replace(/\\/g, '/') && text !== undefined) {
          armed = false;
          writeFileSync(target, `${text}// edited meanwhile\n`);
        }
        return text;
      },
    };
    const workspace = await openDemo(temp.dir, host, io);
    const before = snapshot(temp.dir);
    armed = true;

    const status = await runCleanup(workspace, shipping, io);

    assert.equal(armed, false, 'the cleanup read the file');
    assert.equal(status, 1);
    assert.match(io.stderr.join('\n'), /shipping\.ts changed on disk since it was read; nothing was written/);
    const after = snapshot(temp.dir);
    assert.equal(
      after.get('src/server/shipping.ts'),
      `${before.get('src/server/shipping.ts')}// edited meanwhile\n`,
    );
    after.delete('src/server/shipping.ts');
    before.delete('src/server/shipping.ts');
    assert.deepEqual(after, before, 'the registry files and every other file are as they were');
  });

  it('refuses, writing nothing, when a registry file was swapped for a link out of the workspace', async () => {
    const io = recordingIo();
    const workspace = await openDemo(temp.dir, nodeHost, io);
    // The same text, so every version check passes: only the link gives the swap away.
    const staging = join(temp.dir, 'flags/staging.flagd.json');
    const outside = tempDir();
    try {
      const target = join(outside.dir, 'staging.flagd.json');
      copyFileSync(staging, target);
      rmSync(staging);
      symlinkSync(target, staging);
      const before = snapshot(temp.dir);
      const outsideBefore = readFileSync(target, 'utf8');

      const status = await runCleanup(workspace, shipping, io);

      assert.equal(status, 1);
      assert.match(
        io.stderr.join('\n'),
        /staging\.flagd\.json leads outside the workspace \(to .*\) through a symbolic link; Flaglens does not write there, so nothing was written/,
      );
      assert.equal(readFileSync(target, 'utf8'), outsideBefore, 'the file outside is untouched');
      assert.deepEqual(readdirSync(outside.dir), ['staging.flagd.json']);
      assert.deepEqual(snapshot(temp.dir), before, 'and nothing inside was written');
    } finally {
      outside.dispose();
    }
  });

  it('applies the whole cleanup when nothing changed meanwhile', async () => {
    const io = recordingIo();
    const workspace = await openDemo(temp.dir, nodeHost, io);
    const status = await runCleanup(workspace, shipping, io);
    assert.equal(status, 0, io.stderr.join('\n'));
    for (const env of ['development', 'staging', 'production'])
      assert.doesNotMatch(
        readFileSync(join(temp.dir, `flags/${env}.flagd.json`), 'utf8'),
        /"express-shipping"/,
      );
    assert.doesNotMatch(
      readFileSync(join(temp.dir, 'src/server/shipping.ts'), 'utf8'),
      /legacyShippingOptions/,
    );
  });
});

describe('flaglens cleanup --write on a protected environment', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };

  beforeEach(() => {
    temp = copyToTemp(join(repoRoot, 'examples/demo'));
  });

  afterEach(() => temp.dispose());

  it('asks for --yes before removing a flag from production, as toggle does, and writes nothing', () => {
    const before = snapshot(temp.dir);
    const cleanup = runCli(['cleanup', 'express-shipping', '--value', 'true', '--write', '--dir', temp.dir]);
    const toggle = runCli(['toggle', 'express-shipping', '--env', 'production', '--off', '--dir', temp.dir]);
    assert.equal(cleanup.status, 1, cleanup.stderr);
    assert.match(
      cleanup.stderr,
      /flaglens: production is a protected environment; re-run with --yes to remove express-shipping from it\. Nothing was written\./,
    );
    assert.equal(toggle.status, 1, 'toggle refuses the same environment without --yes');
    assert.match(toggle.stderr, /production is a protected environment; re-run with --yes/);
    const json = runCli([
      'cleanup',
      'express-shipping',
      '--value',
      'true',
      '--write',
      '--format',
      'json',
      '--dir',
      temp.dir,
    ]);
    assert.equal(json.status, 1);
    assert.equal((JSON.parse(json.stdout) as { written: boolean }).written, false, 'the JSON says so too');
    assert.deepEqual(snapshot(temp.dir), before);
  });

  it('removes it with --yes', () => {
    const cleanup = runCli([
      'cleanup',
      'express-shipping',
      '--value',
      'true',
      '--write',
      '--yes',
      '--dir',
      temp.dir,
    ]);
    assert.equal(cleanup.status, 0, cleanup.stderr);
    assert.doesNotMatch(
      readFileSync(join(temp.dir, 'flags/production.flagd.json'), 'utf8'),
      /"express-shipping"/,
    );
  });

  it('needs no --yes when the registry is kept or for a dry run', () => {
    const before = snapshot(temp.dir);
    const dry = runCli(['cleanup', 'express-shipping', '--value', 'true', '--dir', temp.dir]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.deepEqual(snapshot(temp.dir), before);
    const kept = runCli([
      'cleanup',
      'express-shipping',
      '--value',
      'true',
      '--write',
      '--keep-registry',
      '--dir',
      temp.dir,
    ]);
    assert.equal(kept.status, 0, kept.stderr);
    assert.match(readFileSync(join(temp.dir, 'flags/production.flagd.json'), 'utf8'), /"express-shipping"/);
  });
});

describe('flaglens toggle on a registry file swapped for a link out of the workspace', () => {
  it('refuses with a message and leaves the linked file alone', async () => {
    const workspace = tempDir();
    const outside = tempDir();
    try {
      const text =
        '{"flags":{"a":{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"}}}\n';
      mkdirSync(join(workspace.dir, 'flags'));
      const file = join(workspace.dir, 'flags/development.flagd.json');
      writeFileSync(file, text);
      const io = recordingIo();
      const loaded = new FlagWorkspace({ root: workspace.dir, host: nodeHost, now: () => io.now() });
      await loaded.load();
      // Swapped after Flaglens read it, for a link to a file with the same text.
      const target = join(outside.dir, 'development.flagd.json');
      writeFileSync(target, text);
      rmSync(file);
      symlinkSync(target, file);

      const status = await runRegistryEdit(
        loaded,
        {
          flag: 'a',
          env: 'development',
          description: 'disable a',
          yes: false,
          format: 'text',
          makeEdits: (current) => toggleFlag(current, 'a', false),
        },
        io,
      ).catch((error: Error) => {
        io.err(error.message);
        return 1;
      });

      assert.equal(status, 1);
      assert.match(
        io.stderr.join('\n'),
        /development\.flagd\.json leads outside the workspace .* nothing was written/,
      );
      assert.equal(readFileSync(target, 'utf8'), text);
      assert.deepEqual(readdirSync(outside.dir), ['development.flagd.json']);
    } finally {
      workspace.dispose();
      outside.dispose();
    }
  });
});

describe('flaglens cleanup of a flag also read through an SDK Flaglens does not know', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };

  beforeEach(() => {
    temp = copyToTemp(join(repoRoot, 'examples/demo'));
    // A read through a helper of a library no preset describes: the index cannot see it.
    writeFileSync(
      join(temp.dir, 'src/server/legacyBanner.ts'),
      [
        `import { featureGate } from 'in-house-flags';`,
        ``,
        `export function shippingBanner(): string {`,
        `  return featureGate('express-shipping') ? 'Next-day delivery' : '';`,
        `}`,
        ``,
      ].join('\n'),
    );
  });

  afterEach(() => temp.dispose());

  it('cleans the reads it knows but keeps the flag in the registry, listing where the key is still written', () => {
    const cleanup = runCli([
      'cleanup',
      'express-shipping',
      '--value',
      'true',
      '--write',
      '--yes',
      '--format',
      'json',
      '--dir',
      temp.dir,
    ]);
    assert.equal(cleanup.status, 0, cleanup.stderr);
    const answer = JSON.parse(cleanup.stdout) as {
      files: string[];
      report: { file: string; line: number; message: string; needsHuman: boolean }[];
    };
    assert.ok(answer.files.includes('src/server/shipping.ts'), 'the known reads are cleaned');
    assert.ok(!answer.files.some((file) => file.endsWith('.flagd.json')), 'no registry file changes');
    assert.ok(
      answer.report.some(
        (entry) =>
          entry.needsHuman &&
          entry.file === 'src/server/legacyBanner.ts' &&
          entry.line === 4 &&
          entry.message.includes('src/server/legacyBanner.ts:4') &&
          entry.message.includes('kept in the registry'),
      ),
      JSON.stringify(answer.report, null, 1),
    );
    for (const env of ['development', 'staging', 'production'])
      assert.match(
        readFileSync(join(temp.dir, `flags/${env}.flagd.json`), 'utf8'),
        /"express-shipping"/,
        env,
      );
    assert.match(
      readFileSync(join(temp.dir, 'src/server/legacyBanner.ts'), 'utf8'),
      /featureGate\('express-shipping'\)/,
    );
  });

  it('removes it from the registry with --force, saying the reads left now get their defaults', () => {
    const cleanup = runCli([
      'cleanup',
      'express-shipping',
      '--value',
      'true',
      '--write',
      '--yes',
      '--force',
      '--dir',
      temp.dir,
    ]);
    assert.equal(cleanup.status, 0, cleanup.stderr);
    assert.match(
      cleanup.stderr,
      /needs a human: src\/server\/legacyBanner\.ts:4: .*removed from the registry as forced/,
    );
    assert.doesNotMatch(
      readFileSync(join(temp.dir, 'flags/production.flagd.json'), 'utf8'),
      /"express-shipping"/,
    );
  });
});
