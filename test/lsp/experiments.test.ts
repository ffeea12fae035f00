import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { applyTextEdits, TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';

const EXPERIMENT = 'experiments/checkout-cta-test.experiment.json';

describe('language server on experiment definitions', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const read = (file: string) => readFileSync(join(temp.dir, file), 'utf8');

  beforeEach(async () => {
    temp = copyToTemp(join(repoRoot, 'examples/demo'));
  });
  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  it('publishes a definition problem at its position as the definition is edited, and clears it when fixed', async () => {
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
    const original = read(EXPERIMENT);
    await client.open(EXPERIMENT, original);
    const broken = original.replace(
      '"variants": ["control", "treatment"]',
      '"variants": ["control", "treatmnet"]',
    );
    assert.notEqual(broken, original);
    await client.change(EXPERIMENT, broken);
    const diagnostics = await client.waitForDiagnostics(EXPERIMENT, (list) =>
      list.some((diagnostic) => diagnostic.code === 'experiment/unknown-variant'),
    );
    const unknown = diagnostics.find(
      (diagnostic) => diagnostic.code === 'experiment/unknown-variant',
    ) as Diagnostic;
    assert.deepEqual(unknown.range.start, positionOf(broken, '"treatmnet"'));
    assert.match(
      String(unknown.message),
      /"treatmnet" is not a variant of "checkout-cta-copy" in production \(variants: control, treatment\)/,
    );
    await client.change(EXPERIMENT, original);
    await client.waitForDiagnostics(EXPERIMENT, (list) => list.length === 0);
  });

  it('offers to link the flag to its experiment, and the fix writes metadata.experiment in every environment file', async () => {
    const files = ['development', 'staging', 'production'].map((env) => `flags/${env}.flagd.json`);
    for (const file of files)
      writeFileSync(join(temp.dir, file), read(file).replace('"experiment": "checkout-cta-test",', ''));
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
    const diagnostics = await client.waitForDiagnostics(EXPERIMENT, (list) => list.length > 0);
    const notLinked = diagnostics.filter((diagnostic) => diagnostic.code === 'experiment/flag-not-linked');
    assert.equal(notLinked.length, 1);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(EXPERIMENT) },
      range: notLinked[0].range,
      context: { diagnostics: notLinked, only: ['quickfix'] },
    });
    const link = actions.find(
      (action) =>
        action.title === 'Link "checkout-cta-copy" to experiment "checkout-cta-test" (metadata.experiment)',
    );
    assert.ok(link?.edit?.changes, JSON.stringify(actions.map((action) => action.title)));
    assert.deepEqual(Object.keys(link.edit.changes).sort(), files.map((file) => client.uri(file)).sort());
    for (const file of files) {
      const after = applyTextEdits(read(file), link.edit.changes[client.uri(file)]);
      const flag = (JSON.parse(after) as { flags: Record<string, { metadata: Record<string, unknown> }> })
        .flags['checkout-cta-copy'];
      assert.equal(flag.metadata.experiment, 'checkout-cta-test', file);
      writeFileSync(join(temp.dir, file), after);
      await client.changedOnDisk(file);
    }
    await client.waitForDiagnostics(
      EXPERIMENT,
      (list) => !list.some((diagnostic) => diagnostic.code === 'experiment/flag-not-linked'),
    );
  });
});
