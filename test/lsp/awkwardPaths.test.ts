import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CodeAction,
  Diagnostic,
  Hover,
  Location,
  MarkupContent,
  WorkspaceEdit,
  WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';

/** Characters that break hand-built `file://` URIs: a space, `#` (a fragment), parens, brackets. */
const AWKWARD = 'flaglens work #1 (copy) [old]-';

/**
 * Every URI the server answers must name a real file of the workspace: parsed back (as an editor
 * does), it gives the very path on disk. `#` unencoded would cut the path at a fragment.
 */
function fileOf(root: string, uri: string): string {
  const parsed = URI.parse(uri);
  assert.equal(parsed.scheme, 'file', uri);
  const path = parsed.fsPath;
  assert.ok(path.startsWith(`${root}/`), `${uri} is not inside ${root}`);
  assert.ok(existsSync(path), `${uri} names ${path}, which does not exist`);
  return path.slice(root.length + 1);
}

describe('language server on a workspace whose path has a space, #, parens and brackets', function () {
  this.timeout(30000);
  let root: string;
  let client: TestLspClient;
  const read = (file: string) => readFileSync(join(root, file), 'utf8');

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), AWKWARD));
    cpSync(join(repoRoot, 'test/fixtures/lsp-workspace'), root, { recursive: true });
    client = await TestLspClient.start(root, { resolveCodeActions: true });
    await client.indexReady;
  });

  afterEach(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes diagnostics under URIs that name the files they are about', async () => {
    const diagnostics = await client.waitForDiagnostics('src/checkout.ts', (list) => list.length > 0);
    assert.ok(diagnostics.some((diagnostic) => diagnostic.code === 'code/unknown-flag'));
    const files = client.diagnosedUris().map((uri) => fileOf(root, uri));
    assert.ok(
      files.includes('src/billing.ts') && files.includes('flags/production.flagd.json'),
      files.join(),
    );
  });

  it('links hovers to usages and definitions at files that exist, the line in the fragment', async () => {
    const text = read('src/checkout.ts');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(text, 'new-checkout'),
    });
    const markdown = (hover.contents as MarkupContent).value;
    const links = [...markdown.matchAll(/\]\((file:[^)\s]+)\)/g)].map((match) => match[1]);
    const targets = links.map((link) => `${fileOf(root, link)}${URI.parse(link).fragment}`).sort();
    const line = (file: string, needle: string) => `L${positionOf(read(file), needle).line + 1}`;
    assert.deepEqual(
      targets,
      [
        `flags/development.flagd.json${line('flags/development.flagd.json', '"new-checkout"')}`,
        `flags/production.flagd.json${line('flags/production.flagd.json', '"new-checkout"')}`,
        `src/checkout.ts${line('src/checkout.ts', "'new-checkout'")}`,
        `src/checkout.ts${line('src/checkout.ts', 'FLAGS.NEW_CHECKOUT')}`,
      ].sort(),
    );
  });

  it('goes to definitions and references in files that exist', async () => {
    const text = read('src/checkout.ts');
    const position = positionOf(text, 'new-checkout');
    const definitions = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position,
    });
    assert.deepEqual(
      definitions.map((location) => fileOf(root, location.uri)),
      ['flags/development.flagd.json', 'flags/production.flagd.json'],
    );
    const references = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position,
      context: { includeDeclaration: true },
    });
    assert.deepEqual(references.map((location) => fileOf(root, location.uri)).sort(), [
      'flags/development.flagd.json',
      'flags/production.flagd.json',
      'src/checkout.ts',
      'src/checkout.ts',
    ]);
  });

  it('renames in files that exist, keyed by the URIs the editor uses for them', async () => {
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(read('src/checkout.ts'), 'new-checkout'),
      newName: 'one-page-checkout',
    });
    const uris = Object.keys(edit.changes ?? {});
    assert.deepEqual(uris.map((uri) => fileOf(root, uri)).sort(), [
      'flags/development.flagd.json',
      'flags/production.flagd.json',
      'src/checkout.ts',
      'src/flags.ts',
    ]);
    // The same string the editor has for an open document, or the edit lands in a new buffer.
    assert.deepEqual(uris.sort(), uris.map((uri) => client.uri(fileOf(root, uri))).sort());
  });

  it('locates workspace symbols in the registry files', async () => {
    const symbols = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'color' });
    assert.deepEqual(
      symbols.map((symbol) => ('uri' in symbol.location ? fileOf(root, symbol.location.uri) : '')),
      ['flags/development.flagd.json', 'flags/production.flagd.json'],
    );
  });

  it('keys code action edits and the resolved cleanup by URIs of files that exist', async () => {
    const diagnostics = await client.waitForDiagnostics('src/checkout.ts', (list) => list.length > 0);
    const unknown = diagnostics.filter((diagnostic: Diagnostic) => diagnostic.code === 'code/unknown-flag');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      range: unknown[0].range,
      context: { diagnostics: unknown },
    });
    const change = actions.find((action) => action.title.startsWith('Change to'));
    assert.deepEqual(
      Object.keys(change?.edit?.changes ?? {}).map((uri) => fileOf(root, uri)),
      ['src/checkout.ts'],
    );

    const billing = await client.waitForDiagnostics('src/billing.ts', (list) => list.length > 0);
    const stale = billing.filter((diagnostic: Diagnostic) => diagnostic.code === 'code/stale-flag');
    const cleanups = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/billing.ts') },
      range: stale[0].range,
      context: { diagnostics: stale, only: ['quickfix'] },
    });
    const cleanup = cleanups.find((action) => action.data !== undefined);
    assert.ok(cleanup, `no resolvable cleanup among ${cleanups.map((action) => action.title).join(', ')}`);
    const resolved = await client.request<CodeAction>('codeAction/resolve', cleanup);
    const uris = (resolved.edit?.documentChanges ?? []).map((entry) =>
      'textDocument' in entry ? entry.textDocument.uri : entry.kind === 'rename' ? entry.oldUri : entry.uri,
    );
    assert.ok(uris.length > 0, 'the resolved cleanup edits nothing');
    for (const uri of uris) fileOf(root, uri);
  });
});
