import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands } from '../../shared/src/protocol';
import { copyToTemp, repoRoot, tempDir } from '../support/cli';
import { TestLspClient } from '../support/lspClient';

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');

interface Outcome {
  applied: boolean;
  reason?: string;
}

interface FlagInFile {
  state: string;
  defaultVariant: string;
}

describe('registry commands on a file that is not open in the editor', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const file = 'flags/development.flagd.json';
  const flags = () =>
    (JSON.parse(readFileSync(join(temp.dir, file), 'utf8')) as { flags: Record<string, FlagInFile> }).flags;
  const run = (command: string, args: Record<string, unknown>) =>
    client.request<Outcome>('workspace/executeCommand', { command, arguments: [args] });

  beforeEach(async () => {
    temp = copyToTemp(fixture);
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
  });

  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  it('applies both of two commands sent at once, the second planned on the text the first wrote', async () => {
    for (let round = 0; round < 20; round++) {
      const enabled = round % 2 === 0;
      const variant = enabled ? 'blue' : 'red';
      const [toggle, defaultVariant] = await Promise.all([
        run(Commands.toggle, { flag: 'dark-mode', env: 'development', enabled }),
        run(Commands.setDefaultVariant, { flag: 'button-color', env: 'development', variant }),
      ]);
      assert.deepEqual(
        [toggle, defaultVariant].map((outcome) => outcome.applied),
        [true, true],
        `round ${round}`,
      );
      // The file is still JSON (it is read here) and holds both changes.
      const now = flags();
      assert.equal(now['dark-mode'].state, enabled ? 'ENABLED' : 'DISABLED', `round ${round}`);
      assert.equal(now['button-color'].defaultVariant, variant, `round ${round}`);
    }
  });

  it('never has an edit applied at the offsets of an older text when the file changes meanwhile', async () => {
    const path = join(temp.dir, file);
    let changed = false;
    // Another writer saves the file after the server checked it, before the edit is applied.
    client.beforeApplyEdit = () => {
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(
          '"flags": {',
          '"flags": {\n    "theirs": { "state": "ENABLED", "variants": { "on": true }, "defaultVariant": "on" },',
        ),
      );
      changed = true;
    };
    const outcome = await run(Commands.toggle, { flag: 'dark-mode', env: 'development', enabled: true });
    const now = flags();
    if (outcome.applied) assert.equal(now['dark-mode'].state, 'ENABLED');
    else assert.match(outcome.reason ?? '', /changed/);
    if (changed) assert.ok(now.theirs, 'the other change is kept');
    assert.equal(now['button-color'].defaultVariant, 'red', 'nothing else moved');
  });

  it('refuses, writing nothing, when the file changed on disk after the server read it', async () => {
    const path = join(temp.dir, file);
    const theirs = readFileSync(path, 'utf8').replace('"DISABLED"', '"DISABLED" ');
    writeFileSync(path, theirs);
    const outcome = await run(Commands.toggle, { flag: 'dark-mode', env: 'development', enabled: true });
    assert.equal(outcome.applied, false);
    assert.match(outcome.reason ?? '', /changed on disk/);
    assert.equal(readFileSync(path, 'utf8'), theirs);
  });
});

describe('registry commands on an open registry file that is a link out of the workspace', function () {
  this.timeout(60000);

  it('refuses to edit it, sending no edit, and leaves the linked file alone', async () => {
    const temp = copyToTemp(fixture);
    const outside = tempDir();
    const client = await TestLspClient.start(temp.dir);
    try {
      await client.indexReady;
      // Swapped for a link to a copy outside the workspace, then opened in the editor.
      const file = 'flags/development.flagd.json';
      const target = join(outside.dir, 'development.flagd.json');
      copyFileSync(join(temp.dir, file), target);
      rmSync(join(temp.dir, file));
      symlinkSync(target, join(temp.dir, file));
      const before = readFileSync(target, 'utf8');
      await client.open(file, before);

      const outcome = await client.request<Outcome>('workspace/executeCommand', {
        command: Commands.toggle,
        arguments: [{ flag: 'dark-mode', env: 'development', enabled: true }],
      });

      assert.equal(outcome.applied, false);
      assert.match(outcome.reason ?? '', /leads outside the workspace through a symbolic link/);
      assert.deepEqual(client.appliedEdits, []);
      assert.equal(readFileSync(target, 'utf8'), before);
    } finally {
      await client.stop();
      temp.dispose();
      outside.dispose();
    }
  });
});
