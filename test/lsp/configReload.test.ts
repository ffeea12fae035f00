import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');

describe('language server when flaglens.json changes', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;

  beforeEach(async () => {
    temp = copyToTemp(fixture);
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
  });

  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  it('reloads the configuration saved from an open editor, and indexes the code again under it', async () => {
    await client.waitForDiagnostics('src/billing.ts', (diagnostics) => diagnostics.length > 0);
    const config = JSON.parse(readFileSync(join(temp.dir, 'flaglens.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const saved = `${JSON.stringify({ ...config, exclude: ['**/node_modules/**', 'src/billing.ts'] }, null, 2)}\n`;
    // The editor has the file open and saves it: the watcher reports the change on disk.
    await client.open('flaglens.json');
    await client.change('flaglens.json', saved);
    writeFileSync(join(temp.dir, 'flaglens.json'), saved);
    await client.changedOnDisk('flaglens.json');
    const cleared = await client.waitForDiagnostics(
      'src/billing.ts',
      (diagnostics) => diagnostics.length === 0,
    );
    assert.deepEqual(cleared, []);
    const symbols = await client.request<{ name: string; location: { uri: string } }[]>('workspace/symbol', {
      query: 'payments-enabled',
    });
    assert.equal(
      symbols.some((symbol) => symbol.location.uri === client.uri('src/billing.ts')),
      false,
      'usages of the excluded file are gone from the index',
    );
  });
});
