/**
 * What VS Code asks of the server on the paths a person walks in the demo, over a real LSP
 * connection on a copy of examples/demo: the Outline of every registry file, and the quick fix
 * the hover of a stale usage offers.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, DocumentSymbol, Position, Range } from 'vscode-languageserver-protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';

const demo = join(repoRoot, 'examples/demo');
const demoRegistryFiles = readdirSync(join(demo, 'flags'))
  .filter((name) => name.endsWith('.flagd.json'))
  .map((name) => `flags/${name}`);

const notAfter = (a: Position, b: Position) =>
  a.line < b.line || (a.line === b.line && a.character <= b.character);
const contains = (outer: Range, inner: Range) =>
  notAfter(outer.start, inner.start) && notAfter(inner.end, outer.end);
const show = (range: Range) =>
  `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

/** `quickfix` or one of its sub-kinds (`quickfix.x`), as VS Code's kind filter matches them. */
const isQuickFix = (kind: string | undefined) =>
  kind === 'quickfix' || kind?.startsWith('quickfix.') === true;

describe('language server on the demo workspace, as VS Code asks', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;

  before(async () => {
    temp = copyToTemp(demo);
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
  });

  after(async () => {
    await client.stop();
    temp.dispose();
  });

  it('gives every flag of every demo registry file a selection range inside its range', async () => {
    assert.ok(demoRegistryFiles.length >= 3, `registry files: ${demoRegistryFiles.join(', ')}`);
    for (const file of demoRegistryFiles) {
      const flags = Object.keys(
        (JSON.parse(readFileSync(join(temp.dir, file), 'utf8')) as { flags: object }).flags,
      );
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
        textDocument: { uri: client.uri(file) },
      });
      assert.deepEqual(
        symbols.map((symbol) => symbol.name),
        flags,
        `${file}: one symbol per flag, in file order`,
      );
      for (const symbol of symbols) {
        assert.ok(
          contains(symbol.range, symbol.selectionRange),
          `${file} ${symbol.name}: selectionRange ${show(symbol.selectionRange)} is outside range ${show(symbol.range)}`,
        );
        for (const child of symbol.children ?? [])
          assert.ok(contains(symbol.range, child.range), `${file} ${symbol.name} > ${child.name}`);
      }
    }
  });

  it('offers the stale-flag cleanup to a quickfix-only request on the stale usage, as the hover asks', async () => {
    const file = 'src/server/shipping.ts';
    const diagnostics = await client.waitForDiagnostics(file, (list) =>
      list.some((diagnostic) => diagnostic.code === 'code/stale-flag'),
    );
    const stale = diagnostics.filter((diagnostic: Diagnostic) => diagnostic.code === 'code/stale-flag');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(file) },
      range: stale[0].range,
      context: { diagnostics: stale, only: ['quickfix'], triggerKind: 1 },
    });
    const cleanup = actions.find((action) =>
      action.title.startsWith('Clean up stale flag "express-shipping"'),
    );
    assert.ok(cleanup, `actions: ${JSON.stringify(actions.map((action) => [action.title, action.kind]))}`);
    assert.ok(isQuickFix(cleanup.kind), `kind ${cleanup.kind} is not quickfix`);
    assert.deepEqual(cleanup.diagnostics, [stale[0]]);
    for (const action of actions)
      assert.ok(isQuickFix(action.kind), `${action.title} has kind ${action.kind}`);
  });
});
