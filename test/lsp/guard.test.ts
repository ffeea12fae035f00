import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction } from 'vscode-languageserver-protocol';
import type { CommandOutcome } from '../../shared/src/protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';

describe('language server: guarded rollout verdicts', function () {
  this.timeout(60000);
  let temp: ReturnType<typeof copyToTemp>;
  let client: TestLspClient;

  before(async () => {
    temp = copyToTemp(join(repoRoot, 'examples/demo'));
    // The day the demo's rollout events end: new-api's errors are up, new-checkout is healthy.
    client = await TestLspClient.start(temp.dir, { env: { FLAGLENS_NOW: '2026-12-04T00:00:00Z' } });
    await client.indexReady;
  });

  after(async () => {
    await client.stop();
    temp.dispose();
  });

  it("puts the rollback on the flag's usage and registry entry, and its code action rolls back with confirmation", async () => {
    const rollback = (list: { code?: string | number }[]) =>
      list.some((item) => item.code === 'guard/rollback');
    const onUsage = (await client.waitForDiagnostics('src/server/quote.ts', rollback)).filter(
      (item) => item.code === 'guard/rollback',
    );
    const quote = readFileSync(join(temp.dir, 'src/server/quote.ts'), 'utf8');
    assert.deepEqual(
      onUsage.map((item) => [item.range.start, item.severity]),
      [[positionOf(quote, "'new-api'"), 2]],
    );
    assert.match(
      String(onUsage[0].message),
      /^Guarded rollout new-api \(production\): on is worse: quote errors \+[\d.]+ pts vs off .*: roll back \(on to 0%\)\.$/,
    );
    const registryPath = join(temp.dir, 'flags/production.flagd.json');
    const registryBefore = readFileSync(registryPath, 'utf8');
    const onEntry = await client.waitForDiagnostics('flags/production.flagd.json', rollback);
    assert.deepEqual(
      onEntry.filter((item) => item.code === 'guard/rollback').map((item) => item.range.start),
      [positionOf(registryBefore, '"new-api"')],
    );
    const healthy = (await client.waitForDiagnostics('src/web/StorefrontHeader.tsx', () => true)).filter(
      (item) => item.code === 'guard/rollback',
    );
    assert.deepEqual(healthy, [], 'new-checkout continues: no verdict on its usages');

    // Announced once, before the diagnostics that carry it (one stream, in order).
    assert.deepEqual(
      client.rollbackVerdicts.map((verdict) => [
        verdict.flag,
        verdict.environment,
        verdict.file,
        verdict.rollback.title,
        verdict.rollback.command,
        verdict.rollback.arguments,
      ]),
      [
        [
          'new-api',
          'production',
          client.rollbackVerdicts[0]?.file,
          'Roll back: new-api to 0% on in production',
          'flaglens.setRollout',
          [{ flag: 'new-api', env: 'production', variant: 'on', percent: 0 }],
        ],
      ],
    );
    assert.match(client.rollbackVerdicts[0].file, /\.rollout\.json$/);
    assert.match(client.rollbackVerdicts[0].reason, /quote errors \+[\d.]+ pts/);
    assert.match(client.rollbackVerdicts[0].markdown, /new-api/);

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/server/quote.ts') },
      range: onUsage[0].range,
      context: { diagnostics: onUsage },
    });
    const fix = actions.find((action) => action.title === 'Roll back: new-api to 0% on in production');
    assert.ok(fix?.command, actions.map((action) => action.title).join(', '));
    client.promptAnswer = 'Apply';
    const result = await client.request<CommandOutcome>('workspace/executeCommand', {
      command: fix.command.command,
      arguments: fix.command.arguments,
    });
    assert.equal(result.applied, true);
    assert.ok(
      client.prompts.some((prompt) => /production is protected/.test(prompt.message)),
      'asked to confirm',
    );
    const after = JSON.parse(readFileSync(registryPath, 'utf8')) as {
      flags: Record<string, { targeting: { if: unknown[] } }>;
    };
    const before = JSON.parse(registryBefore) as typeof after;
    const rollout = JSON.stringify(after.flags['new-api'].targeting);
    assert.match(rollout, /\["on",0\],\["off",100\]/);
    // Everything but new-api's targeting is as it was.
    after.flags['new-api'].targeting = before.flags['new-api'].targeting;
    assert.deepEqual(after, before);
  });
});
