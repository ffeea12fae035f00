import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { copyToTemp, repoRoot, tempDir } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';
import { WorkspaceTrustedNotification } from '../../shared/src/protocol';

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');
const UNTRUSTED = { workspaceTrusted: false };

/** Resolves once `file` exists: a file-system signal, not a sleep. */
async function fileAppears(file: string): Promise<void> {
  const dir = join(file, '..');
  await new Promise<void>((resolve) => {
    const watcher = watch(dir, () => {
      if (existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

describe('language server in an untrusted workspace (Restricted Mode)', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let bin: { dir: string; dispose(): void };
  let client: TestLspClient;
  const read = (file: string) => readFileSync(join(temp.dir, file), 'utf8');
  /** Each git the server runs, prefixed by what `trustState` held then. */
  let gitLog: string;
  let trustState: string;

  beforeEach(async () => {
    temp = copyToTemp(fixture);
    // A git repository, so the history reads have something to run git on.
    execFileSync('git', ['init', '-q'], { cwd: temp.dir });
    // A `git` first on PATH that notes each run, then runs the real one.
    bin = tempDir();
    gitLog = join(bin.dir, 'git.log');
    trustState = join(bin.dir, 'trust-state');
    writeFileSync(trustState, 'untrusted');
    const realGit = execFileSync('which', ['git'], { encoding: 'utf8' }).trim();
    const fakeGit = join(bin.dir, 'git');
    writeFileSync(
      fakeGit,
      `#!/bin/sh\necho "$(cat '${trustState}') $1" >> '${gitLog}'\nexec '${realGit}' "$@"\n`,
    );
    chmodSync(fakeGit, 0o755);
    client = await TestLspClient.start(temp.dir, {
      initializationOptions: UNTRUSTED,
      env: { PATH: `${bin.dir}:${process.env.PATH ?? ''}` },
    });
    await client.indexReady;
  });

  afterEach(async () => {
    await client.stop();
    temp.dispose();
    bin.dispose();
  });

  it('refuses registry commands, leaving the files as they were, but still answers queries', async () => {
    const before = read('flags/development.flagd.json');
    const result = await client.request<{ applied: boolean; reason?: string }>('workspace/executeCommand', {
      command: 'flaglens.toggle',
      arguments: [{ flag: 'new-checkout', env: 'development', enabled: false }],
    });
    assert.equal(result.applied, false);
    assert.match(result.reason ?? '', /Restricted Mode/);
    assert.equal(client.appliedEdits.length, 0);
    assert.equal(read('flags/development.flagd.json'), before);
    const served = await client.request<{ value: unknown }[]>('workspace/executeCommand', {
      command: 'flaglens.evaluate',
      arguments: [{ flag: 'new-checkout', env: 'development', context: {} }],
    });
    assert.deepEqual(
      served.map((answer) => answer.value),
      [true],
    );
  });

  it('refuses to prepare or compute a rename', async () => {
    const at = {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(read('src/checkout.ts'), 'new-checkout'),
    };
    await assert.rejects(client.request('textDocument/prepareRename', at), /Restricted Mode/);
    await assert.rejects(
      client.request('textDocument/rename', { ...at, newName: 'one-page-checkout' }),
      /Restricted Mode/,
    );
  });

  it('offers no code actions, since each of them edits files', async () => {
    const diagnostics = await client.waitForDiagnostics('src/checkout.ts', (list) => list.length > 0);
    const unknown = diagnostics.filter((diagnostic: Diagnostic) => diagnostic.code === 'code/unknown-flag');
    assert.equal(unknown.length, 1, 'diagnostics are still published');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      range: unknown[0].range,
      context: { diagnostics: unknown },
    });
    assert.deepEqual(actions, []);
  });

  it('runs no git until trust is granted, then reads the history', async () => {
    await client.waitForLog(/git history is not read until the workspace is trusted/);
    assert.equal(existsSync(gitLog), false, 'git ran before trust');
    writeFileSync(trustState, 'trusted');
    await client.connection.sendNotification(WorkspaceTrustedNotification.method);
    await fileAppears(gitLog);
    const runs = readFileSync(gitLog, 'utf8').trim().split('\n');
    assert.ok(runs.length > 0);
    assert.deepEqual(
      runs.filter((run) => !run.startsWith('trusted ')),
      [],
    );
  });

  it('edits once trust is granted', async () => {
    await client.connection.sendNotification(WorkspaceTrustedNotification.method);
    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', {
      command: 'flaglens.toggle',
      arguments: [{ flag: 'new-checkout', env: 'development', enabled: false }],
    });
    assert.equal(result.applied, true);
    assert.match(read('flags/development.flagd.json'), /"new-checkout": \{\s*"state": "DISABLED"/);
  });
});
