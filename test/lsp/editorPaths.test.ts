/**
 * What VS Code asks of the server on the paths a person walks in the demo, over a real LSP
 * connection on a copy of examples/demo: the Outline of every registry file, and the quick fix
 * the hover of a stale usage offers.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CodeAction,
  Diagnostic,
  DocumentSymbol,
  Position,
  Range,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import type { CommandOutcome } from '../../shared/src/protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { applyTextEdits, TestLspClient } from '../support/lspClient';

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

/** Every file of the demo, relative, with its text (node_modules and dist left out by the copy). */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files.set(path, readFileSync(join(root, path), 'utf8'));
    }
  };
  walk('');
  return files;
}

describe('the stale-flag cleanup as VS Code applies it (a code action resolved to one whole edit)', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const shipping = 'src/server/shipping.ts';
  const relativeOf = (uri: string) => URI.parse(uri).fsPath.slice(temp.dir.length + 1);

  beforeEach(async () => {
    temp = copyToTemp(demo);
    client = await TestLspClient.start(temp.dir, { resolveCodeActions: true });
    await client.indexReady;
  });

  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  /** The cleanup quick fix on the stale usage in shipping.ts, resolved as VS Code resolves it. */
  async function resolvedCleanup(): Promise<CodeAction & { edit: WorkspaceEdit }> {
    const diagnostics = await client.waitForDiagnostics(shipping, (list) =>
      list.some((diagnostic) => diagnostic.code === 'code/stale-flag'),
    );
    const stale = diagnostics.filter((diagnostic) => diagnostic.code === 'code/stale-flag');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(shipping) },
      range: stale[0].range,
      context: { diagnostics: stale, only: ['quickfix'] },
    });
    const unresolved = actions.find((action) =>
      action.title.startsWith('Clean up stale flag "express-shipping"'),
    );
    assert.ok(unresolved, JSON.stringify(actions.map((action) => action.title)));
    assert.equal(unresolved.command, undefined, 'the editor applies the edit: no command runs the cleanup');
    const resolved = await client.request<CodeAction>('codeAction/resolve', unresolved);
    assert.ok(resolved.edit, 'resolved with an edit');
    return resolved as CodeAction & { edit: WorkspaceEdit };
  }

  /** Applies the text edits of some files of a workspace edit to disk, as an editor that saves. */
  function applyFiles(
    edit: WorkspaceEdit,
    keep: (file: string) => boolean,
    editsOf: (file: string, edits: TextEdit[]) => TextEdit[] = (_file, edits) => edits,
  ): void {
    for (const change of edit.documentChanges ?? []) {
      if (!('textDocument' in change)) continue;
      const file = relativeOf(change.textDocument.uri);
      if (!keep(file)) continue;
      const path = join(temp.dir, file);
      const edits = editsOf(file, (change as TextDocumentEdit).edits as TextEdit[]);
      writeFileSync(path, applyTextEdits(readFileSync(path, 'utf8'), edits));
    }
  }

  it('carries the code and every registry file in one edit, none of it waiting to be ticked', async () => {
    const action = await resolvedCleanup();
    const files = (action.edit.documentChanges ?? []).map((change) =>
      relativeOf('textDocument' in change ? change.textDocument.uri : 'uri' in change ? change.uri : ''),
    );
    for (const file of [shipping, ...demoRegistryFiles])
      assert.ok(files.includes(file), `${file} in ${files}`);
    const annotations = Object.values(action.edit.changeAnnotations ?? {});
    assert.ok(annotations.length > 0, 'the changes are labelled');
    for (const annotation of annotations)
      assert.notEqual(
        annotation.needsConfirmation,
        true,
        `${annotation.label} starts unticked in the preview`,
      );
    assert.equal(action.command?.command, 'flaglens.cleanupApplied');
  });

  it('reports the cleanup done once the editor applied the whole edit', async () => {
    const action = await resolvedCleanup();
    applyFiles(action.edit, () => true);
    const outcome = await client.request<CommandOutcome>('workspace/executeCommand', action.command);
    assert.equal(outcome.applied, true, outcome.reason);
    assert.doesNotMatch(readFileSync(join(temp.dir, shipping), 'utf8'), /EXPRESS_SHIPPING/);
    for (const file of demoRegistryFiles)
      assert.doesNotMatch(readFileSync(join(temp.dir, file), 'utf8'), /"express-shipping"/);
  });

  it('puts back a cleanup applied in part (files unticked in the preview), leaving the workspace as it was', async () => {
    const before = snapshot(temp.dir);
    const action = await resolvedCleanup();
    // The registry files and nothing else: the usage in shipping.ts would read a removed flag.
    applyFiles(action.edit, (file) => file.endsWith('.flagd.json'));
    const outcome = await client.request<CommandOutcome>('workspace/executeCommand', action.command);
    assert.equal(outcome.applied, false);
    assert.match(outcome.reason ?? '', /applied to 3 of \d+ files only, so Flaglens put them back/);
    assert.deepEqual(snapshot(temp.dir), before);
  });

  it('puts back a cleanup with one change inside a file unticked, though every file changed', async () => {
    const before = snapshot(temp.dir);
    const action = await resolvedCleanup();
    const shippingEdits = (action.edit.documentChanges ?? []).find(
      (change) => 'textDocument' in change && relativeOf(change.textDocument.uri) === shipping,
    ) as TextDocumentEdit;
    assert.ok(shippingEdits.edits.length > 1, 'shipping.ts changes in several places');
    applyFiles(
      action.edit,
      () => true,
      (file, edits) => (file === shipping ? edits.slice(1) : edits),
    );
    const outcome = await client.request<CommandOutcome>('workspace/executeCommand', action.command);
    assert.equal(outcome.applied, false);
    assert.match(
      outcome.reason ?? '',
      /so Flaglens put them back.*src\/server\/shipping\.ts not wholly applied/,
    );
    assert.deepEqual(snapshot(temp.dir), before);
  });

  it('says so when the editor applied none of it', async () => {
    const before = snapshot(temp.dir);
    const action = await resolvedCleanup();
    const outcome = await client.request<CommandOutcome>('workspace/executeCommand', action.command);
    assert.deepEqual([outcome.applied, outcome.reason], [false, 'The cleanup was not applied.']);
    assert.deepEqual(snapshot(temp.dir), before);
    assert.equal(existsSync(join(temp.dir, shipping)), true);
  });
});

describe('the stale-flag cleanup command', function () {
  this.timeout(30000);

  it('sends one edit whose changes need no ticking, so nothing is left unapplied', async () => {
    const temp = copyToTemp(demo);
    const client = await TestLspClient.start(temp.dir);
    try {
      await client.indexReady;
      const outcome = await client.request<CommandOutcome>('workspace/executeCommand', {
        command: 'flaglens.cleanup',
        arguments: [{ flag: 'express-shipping', value: true }],
      });
      assert.equal(outcome.applied, true, outcome.reason);
      assert.equal(client.appliedEdits.length, 1);
      for (const annotation of Object.values(client.appliedEdits[0].edit.changeAnnotations ?? {}))
        assert.notEqual(annotation.needsConfirmation, true, annotation.label);
    } finally {
      await client.stop();
      temp.dispose();
    }
  });
});
