import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { tempDir } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { flagdFile, positionOf } from '../support/text';

/** Files that each read a flag: every one is parsed, so indexing them takes a while. */
const BUSY_FILES = 1000;

describe('language server on a large workspace, before the whole index is ready', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient | undefined;

  beforeEach(() => {
    temp = tempDir();
    mkdirSync(join(temp.dir, 'flags'), { recursive: true });
    mkdirSync(join(temp.dir, 'src/busy'), { recursive: true });
    writeFileSync(
      join(temp.dir, 'flags/production.flagd.json'),
      flagdFile({
        'open-file-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
        'busy-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      }),
    );
    const busy = [
      `import { OpenFeature } from '@openfeature/server-sdk';`,
      `const client = OpenFeature.getClient();`,
      ...Array.from({ length: 30 }, (_, index) =>
        [
          `export async function step${index}(input: { id: string }) {`,
          `  if (await client.getBooleanValue('busy-flag', false)) return { ...input, step: ${index} };`,
          `  return input;`,
          `}`,
        ].join('\n'),
      ),
    ].join('\n');
    for (let index = 0; index < BUSY_FILES; index++)
      writeFileSync(join(temp.dir, `src/busy/step${index}.ts`), busy);
    writeFileSync(join(temp.dir, 'src/app.ts'), `export const app = 'nothing on disk yet';\n`);
  });

  afterEach(async () => {
    await client?.stop();
    temp.dispose();
  });

  it('answers hover and code lens on an open file, from its unsaved buffer, before indexReady', async () => {
    client = await TestLspClient.start(temp.dir);
    let indexed = false;
    void client.indexReady.then(() => (indexed = true));
    const buffer = [
      `import { OpenFeature } from '@openfeature/server-sdk';`,
      `export const shown = OpenFeature.getClient().getBooleanValue('open-file-flag', false);`,
    ].join('\n');
    await client.open('src/app.ts', buffer);
    const [hover, lenses] = await Promise.all([
      client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('src/app.ts') },
        position: positionOf(buffer, 'open-file-flag'),
      }),
      client.request<CodeLens[]>('textDocument/codeLens', {
        textDocument: { uri: client.uri('src/app.ts') },
      }),
    ]);
    const answeredBeforeIndex = !indexed;
    const hoverText = (hover?.contents as MarkupContent).value;
    assert.match(hoverText, /^\*\*open-file-flag\*\* · boolean/);
    assert.ok(hoverText.includes('\n1 usage in 1 file so far (indexing…)\n'), hoverText);
    assert.deepEqual(
      lenses.map((lens) => lens.command?.title),
      ['production: on'],
    );
    assert.equal(answeredBeforeIndex, true, 'both were answered before flaglens/indexReady');
    const ready = await client.indexReady;
    assert.equal(ready.usages, BUSY_FILES * 30 + 1, 'the buffer counts, the disk text of app.ts does not');
  });

  it('answers a file edited while indexing from its newest text, once that text is indexed', async () => {
    client = await TestLspClient.start(temp.dir);
    const read = (flag: string) =>
      [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `export const shown = OpenFeature.getClient().getBooleanValue('${flag}', false);`,
      ].join('\n');
    await client.open('src/app.ts', read('open-file-flag'));
    await client.change('src/app.ts', read('busy-flag'));
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: client.uri('src/app.ts') },
      position: positionOf(read('busy-flag'), 'busy-flag'),
    });
    assert.match((hover?.contents as MarkupContent).value, /^\*\*busy-flag\*\* · boolean/);
  });

  it('waits for the whole index before it answers references, which need every usage', async () => {
    client = await TestLspClient.start(temp.dir);
    let indexed = false;
    void client.indexReady.then(() => (indexed = true));
    const registry = 'flags/production.flagd.json';
    await client.open(registry);
    const references = await client.request<unknown[]>('textDocument/references', {
      textDocument: { uri: client.uri(registry) },
      position: positionOf(readFileSync(join(temp.dir, registry), 'utf8'), 'busy-flag'),
      context: { includeDeclaration: false },
    });
    assert.equal(indexed, true, 'indexReady came first');
    assert.equal(references.length, BUSY_FILES * 30);
  });
});
