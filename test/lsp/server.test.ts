import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionList,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  WorkspaceEdit,
  WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { applyTextEdits, TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';
import type { FlagDetailsRequest, FlagInfo, PreviewChangeRequest } from '../../shared/src/protocol';

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');
const text_ = (message: string | MarkupContent): string =>
  typeof message === 'string' ? message : message.value;

describe('language server over a real LSP connection', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const read = (file: string) => readFileSync(join(temp.dir, file), 'utf8');
  const checkout = () => read('src/checkout.ts');

  beforeEach(async () => {
    temp = copyToTemp(fixture);
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
  });

  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  it('announces flaglens/indexReady with what it indexed', async () => {
    const ready = await client.indexReady;
    assert.equal(ready.flags, 3);
    assert.equal(ready.usages, 6);
    assert.equal(ready.files, 2);
  });

  it('reports work-done progress while it indexes, ended before indexReady', () => {
    const kinds = client.progress.map((entry) => entry.kind);
    assert.equal(client.progress[0]?.title, 'Flaglens: indexing flags');
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    assert.ok(
      client.progress.some((entry) => entry.message === '2/2 files'),
      JSON.stringify(client.progress),
    );
  });

  it('publishes code diagnostics with did-you-mean, type mismatch and missing environment', async () => {
    const diagnostics = await client.waitForDiagnostics('src/checkout.ts', (list) => list.length > 0);
    const byCode = (code: string) => diagnostics.filter((diagnostic) => diagnostic.code === code);
    const text = checkout();
    assert.equal(byCode('code/unknown-flag').length, 1);
    assert.match(text_(byCode('code/unknown-flag')[0].message), /Did you mean "new-checkout"\?/);
    assert.deepEqual(byCode('code/unknown-flag')[0].range.start, positionOf(text, "'new-chekout'"));
    assert.equal(byCode('code/type-mismatch').length, 1);
    assert.deepEqual(
      byCode('code/type-mismatch')[0].range.start,
      positionOf(text, "'button-color'", 'mismatch'),
    );
    assert.equal(byCode('code/missing-in-environment').length, 1);
    assert.match(
      text_(byCode('code/missing-in-environment')[0].message),
      /"dark-mode" is missing in production/,
    );
  });

  it('publishes registry diagnostics at their line and column', async () => {
    const production = read('flags/production.flagd.json');
    const diagnostics = await client.waitForDiagnostics('flags/development.flagd.json', (list) =>
      list.some((d) => d.code === 'registry/missing-in-environment'),
    );
    const missing = diagnostics.find((diagnostic) => diagnostic.code === 'registry/missing-in-environment');
    assert.deepEqual(missing?.range.start, positionOf(read('flags/development.flagd.json'), '"dark-mode"'));
    assert.ok(production.length > 0);
  });

  it('hovers a usage with facts, serving per environment, rules and sample-context previews', async () => {
    await client.open('src/checkout.ts');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), "new-checkout'"),
    });
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /\*\*new-checkout\*\* · boolean · release · owner team-pay/);
    assert.match(value, /One-page checkout/);
    assert.match(value, /\| development \| on \|/);
    assert.match(value, /\| production 🔒 \| rules, else 25% on \|/);
    assert.match(
      value,
      /```flaglens-rules\ndevelopment:\n {2}everyone -> on \(default\)\nproduction:\n {2}if segment staff \(email ends with "@acme.com"\) -> on\n {2}25% on \/ 75% off, sticky by targetingKey/,
    );
    assert.match(value, /\| staff \| on \| on \|/);
    assert.match(value, /2 usages in 1 file/);
  });

  it('hovers a flag key in a registry file', async () => {
    const text = read('flags/production.flagd.json');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('flags/production.flagd.json') },
      position: positionOf(text, 'button-color'),
    });
    assert.match((hover.contents as MarkupContent).value, /\*\*button-color\*\* · string/);
  });

  it('shows code lenses with the serving per environment on a usage line', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('src/checkout.ts') },
    });
    const line = positionOf(checkout(), "client.getBooleanValue('new-checkout'").line;
    assert.deepEqual(
      lenses.filter((lens) => lens.range.start.line === line).map((lens) => lens.command?.title),
      ['development: on', 'production: rules, else 25% on'],
    );
    const registryLenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('flags/production.flagd.json') },
    });
    assert.deepEqual(
      registryLenses.map((lens) => lens.command?.title),
      ['2 usages', '2 usages'],
    );
  });

  it('completes flag keys of the right type inside an SDK call', async () => {
    const text = checkout().replace("'new-checkout', false, context", "'', false, context");
    await client.open('src/checkout.ts', text);
    const position = positionOf(text, "'', false");
    const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: { line: position.line, character: position.character + 1 },
    });
    const labels = (Array.isArray(result) ? result : result.items).map((item) => item.label).sort();
    assert.deepEqual(labels, ['dark-mode', 'new-checkout']);
  });

  it('completes variant values where a string flag is compared', async () => {
    const text = checkout().replace(
      '  return `${useNew}',
      "  if (color === '') return 'x';\n  return `${useNew}",
    );
    await client.open('src/checkout.ts', text);
    const position = positionOf(text, "=== ''");
    const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: { line: position.line, character: position.character + 5 },
    });
    assert.deepEqual(
      (Array.isArray(result) ? result : result.items).map((item) => item.label),
      ['blue', 'red'],
    );
  });

  it('goes to the definition of a flag in every environment file', async () => {
    const locations = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), 'new-checkout'),
    });
    assert.deepEqual(
      locations.map((location) => [location.uri, location.range.start]),
      [
        [
          client.uri('flags/development.flagd.json'),
          positionOf(read('flags/development.flagd.json'), '"new-checkout"'),
        ],
        [
          client.uri('flags/production.flagd.json'),
          positionOf(read('flags/production.flagd.json'), '"new-checkout"'),
        ],
      ],
    );
  });

  it('finds references through constants, from a registry key', async () => {
    const locations = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: client.uri('flags/production.flagd.json') },
      position: positionOf(read('flags/production.flagd.json'), 'new-checkout'),
      context: { includeDeclaration: false },
    });
    const text = checkout();
    assert.deepEqual(
      locations.map((location) => location.range.start).sort((a, b) => a.line - b.line),
      [positionOf(text, "'new-checkout'"), positionOf(text, 'FLAGS.NEW_CHECKOUT')],
    );
  });

  it('renames a flag across every registry file and literal usages', async () => {
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), 'new-checkout'),
      newName: 'one-page-checkout',
    });
    const changes = edit.changes ?? {};
    const renamedProduction = applyTextEdits(
      read('flags/production.flagd.json'),
      changes[client.uri('flags/production.flagd.json')] ?? [],
    );
    assert.match(renamedProduction, /"one-page-checkout": \{/);
    assert.match(
      renamedProduction,
      /"cat": \["new-checkout"/,
      'the rollout salt is kept so users stay in their buckets',
    );
    assert.doesNotMatch(renamedProduction, /"new-checkout": \{/);
    const renamedCode = applyTextEdits(checkout(), changes[client.uri('src/checkout.ts')] ?? []);
    assert.match(renamedCode, /getBooleanValue\('one-page-checkout', false, context\)/);
    const renamedConstants = applyTextEdits(read('src/flags.ts'), changes[client.uri('src/flags.ts')] ?? []);
    assert.match(
      renamedConstants,
      /NEW_CHECKOUT: 'one-page-checkout',/,
      'the constant that holds the key is renamed where it is written',
    );
  });

  it('refuses to rename to a key that exists', async () => {
    await assert.rejects(
      client.request('textDocument/rename', {
        textDocument: { uri: client.uri('src/checkout.ts') },
        position: positionOf(checkout(), 'new-checkout'),
        newName: 'button-color',
      }),
      /already exists/,
    );
  });

  it('lists document and workspace symbols', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: client.uri('flags/development.flagd.json') },
    });
    assert.deepEqual(
      symbols.map((symbol) => symbol.name),
      ['new-checkout', 'button-color', 'dark-mode'],
    );
    const found = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'color' });
    assert.deepEqual(
      found.map((symbol) => `${symbol.name}@${symbol.containerName}`),
      ['button-color@development', 'button-color@production'],
    );
  });

  it('offers quick fixes for an unknown key: the close match and creating the flag', async () => {
    const diagnostics = await client.waitForDiagnostics('src/checkout.ts', (list) =>
      list.some((d) => d.code === 'code/unknown-flag'),
    );
    const unknown = diagnostics.filter((diagnostic) => diagnostic.code === 'code/unknown-flag');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      range: unknown[0].range,
      context: { diagnostics: unknown },
    });
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Change to "new-checkout"', 'Create flag "new-chekout" in the registry'],
    );
    const fixed = applyTextEdits(checkout(), actions[0].edit?.changes?.[client.uri('src/checkout.ts')] ?? []);
    assert.match(fixed, /const typo = await client.getBooleanValue\('new-checkout'/);
  });

  it('creates a missing flag in every environment through executeCommand and applyEdit', async () => {
    await client.request('workspace/executeCommand', {
      command: 'flaglens.createFlag',
      arguments: [{ flag: 'new-chekout', type: 'boolean' }],
    });
    await client.changedOnDisk('flags/development.flagd.json');
    await client.changedOnDisk('flags/production.flagd.json');
    await client.waitForDiagnostics(
      'src/checkout.ts',
      (list) => !list.some((d) => d.code === 'code/unknown-flag'),
    );
    for (const file of ['flags/development.flagd.json', 'flags/production.flagd.json'])
      assert.match(read(file), /"new-chekout": \{/);
  });

  it('toggles a flag in an unprotected environment without asking', async () => {
    const before = read('flags/development.flagd.json');
    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', {
      command: 'flaglens.toggle',
      arguments: [{ flag: 'new-checkout', env: 'development', enabled: false }],
    });
    assert.equal(result.applied, true);
    assert.equal(client.prompts.length, 0);
    const after = read('flags/development.flagd.json');
    const changedLine = positionOf(before, '"state": "ENABLED"', '"new-checkout"').line;
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    assert.equal(afterLines[changedLine], beforeLines[changedLine].replace('ENABLED', 'DISABLED'));
    afterLines.splice(changedLine, 1);
    beforeLines.splice(changedLine, 1);
    assert.deepEqual(afterLines, beforeLines, 'only the state line changed');
  });

  it('asks before changing a protected environment, showing before and after', async () => {
    client.promptAnswer = 'Cancel';
    const before = read('flags/production.flagd.json');
    const cancelled = await client.request<{ applied: boolean }>('workspace/executeCommand', {
      command: 'flaglens.toggle',
      arguments: [{ flag: 'new-checkout', env: 'production', enabled: false }],
    });
    assert.equal(cancelled.applied, false);
    assert.equal(read('flags/production.flagd.json'), before);
    assert.match(
      client.prompts[0].message,
      /Disable new-checkout in production\? production is protected\. production: rules, else 25% on → disabled/,
    );
    client.promptAnswer = 'Apply';
    const applied = await client.request<{ applied: boolean; reason?: string }>('workspace/executeCommand', {
      command: 'flaglens.setRollout',
      arguments: [{ flag: 'new-checkout', env: 'production', percent: 40 }],
    });
    assert.equal(applied.applied, true, applied.reason);
    assert.match(read('flags/production.flagd.json'), /\["on", 40\],\s*\["off", 60\]/);
  });

  it('refuses an edit when the registry file changed on disk behind its back', async () => {
    const path = join(temp.dir, 'flags/development.flagd.json');
    const changed = read('flags/development.flagd.json').replace(
      '"defaultVariant": "red"',
      '"defaultVariant": "blue"',
    );
    writeFileSync(path, changed);
    const result = await client.request<{ applied: boolean; reason: string }>('workspace/executeCommand', {
      command: 'flaglens.toggle',
      arguments: [{ flag: 'new-checkout', env: 'development' }],
    });
    assert.equal(result.applied, false);
    assert.match(result.reason, /changed on disk/);
    assert.equal(read('flags/development.flagd.json'), changed, 'the file on disk is untouched');
  });

  it('re-indexes one file on didChange and updates its diagnostics', async () => {
    await client.open('src/checkout.ts');
    await client.waitForDiagnostics('src/checkout.ts', (list) =>
      list.some((d) => d.code === 'code/unknown-flag'),
    );
    await client.change('src/checkout.ts', checkout().replace("'new-chekout'", "'new-checkout'"));
    const diagnostics = await client.waitForDiagnostics(
      'src/checkout.ts',
      (list) => !list.some((d) => d.code === 'code/unknown-flag'),
    );
    assert.ok(
      diagnostics.some((d) => d.code === 'code/type-mismatch'),
      'other findings stay',
    );
  });

  it('re-analyses when a registry file changes on disk, without a restart', async () => {
    await client.waitForDiagnostics('src/checkout.ts', (list) =>
      list.some((d) => d.code === 'code/type-mismatch'),
    );
    const path = join(temp.dir, 'flags/production.flagd.json');
    writeFileSync(
      path,
      read('flags/production.flagd.json').replace(
        '"red": "red", "blue": "blue"',
        '"red": true, "blue": false',
      ),
    );
    writeFileSync(
      join(temp.dir, 'flags/development.flagd.json'),
      read('flags/development.flagd.json').replace(
        '"red": "red", "blue": "blue"',
        '"red": true, "blue": false',
      ),
    );
    await client.changedOnDisk('flags/production.flagd.json');
    await client.changedOnDisk('flags/development.flagd.json');
    const diagnostics = await client.waitForDiagnostics(
      'src/checkout.ts',
      (list) =>
        list.filter((d) => d.code === 'code/type-mismatch').length === 1 &&
        list.some((d) => text_(d.message).includes('getStringValue')),
    );
    assert.match(
      text_(diagnostics.find((d) => d.code === 'code/type-mismatch')?.message ?? ''),
      /"button-color" has boolean variants, but `getStringValue` reads a string/,
    );
  });

  it('reports a broken registry file at its position and keeps serving its last good state', async () => {
    const text = read('flags/production.flagd.json');
    const broken = text.replace('"defaultVariant": "blue"', '"defaultVariant": "blue",,');
    await client.open('flags/production.flagd.json', text);
    await client.change('flags/production.flagd.json', broken);
    const diagnostics = await client.waitForDiagnostics('flags/production.flagd.json', (list) =>
      list.some((d) => d.code === 'registry/invalid-json'),
    );
    const doubled = positionOf(broken, ',,');
    assert.deepEqual(diagnostics.find((d) => d.code === 'registry/invalid-json')?.range.start, {
      line: doubled.line,
      character: doubled.character + 1,
    });
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), 'new-checkout'),
    });
    assert.match((hover.contents as MarkupContent).value, /\| production 🔒 \| rules, else 25% on \|/);
  });

  it('answers a failing request with a default and keeps running', async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: 'not-a-uri' },
      position: { line: -5, character: 'x' },
    });
    assert.equal(hover, null);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('src/checkout.ts') },
    });
    assert.ok(lenses.length > 0, 'the server still answers');
  });

  it('lists flags with their serving per environment for tree views, and those of one file', async () => {
    const flags = await client.request<FlagInfo[]>('flaglens/flags', {});
    assert.deepEqual(
      flags.map((flag) => flag.key),
      ['button-color', 'dark-mode', 'new-checkout'],
    );
    const checkoutFlag = flags.find((flag) => flag.key === 'new-checkout');
    assert.deepEqual(
      checkoutFlag?.environments.map((env) => [env.env, env.serving, env.protected]),
      [
        ['development', 'on', false],
        ['production', 'rules, else 25% on', true],
      ],
    );
    assert.deepEqual(checkoutFlag?.environments[1].rollout, [
      ['on', 25],
      ['off', 75],
    ]);
    assert.deepEqual(flags.find((flag) => flag.key === 'dark-mode')?.missing, ['production']);
    const inFile = await client.request<FlagInfo[]>('flaglens/flags', { uri: client.uri('src/flags.ts') });
    assert.deepEqual(inFile, []);
  });

  it('previews a change with before and after for every sample context, writing nothing', async () => {
    const before = read('flags/production.flagd.json');
    const preview = await client.request<PreviewChangeRequest.Result>('flaglens/previewChange', {
      command: 'flaglens.setRollout',
      arguments: { flag: 'new-checkout', env: 'production', percent: 100 },
      contexts: { typed: { targetingKey: 'guest-1' } },
    });
    assert.equal(preview.description, 'Roll new-checkout out to 100% on in production');
    assert.deepEqual(preview.protectedEnvironments, ['production']);
    assert.deepEqual(preview.preview, [
      { env: 'production', before: 'rules, else 25% on', after: 'rules, else on' },
    ]);
    const guest = preview.evaluations.find((evaluation) => evaluation.context === 'typed');
    assert.equal(guest?.after, 'on');
    assert.equal(read('flags/production.flagd.json'), before);
  });

  it('describes a flag as a ladder for the rule editor', async () => {
    const details = await client.request<FlagDetailsRequest.Result>('flaglens/flagDetails', {
      flag: 'new-checkout',
      env: 'production',
    });
    assert.deepEqual(details.segments, ['staff']);
    assert.deepEqual((details.ladder as { segments: unknown[] }).segments, [
      { name: 'staff', variant: 'on' },
    ]);
    assert.deepEqual(Object.keys(details.contexts), ['staff', 'guest']);
  });
});

describe('language server with a client that cannot watch files', function () {
  this.timeout(30000);

  it('notices a registry file changed on disk by itself', async () => {
    const temp = copyToTemp(fixture);
    const client = await TestLspClient.start(temp.dir, { watchers: false });
    try {
      await client.indexReady;
      await client.waitForDiagnostics('src/checkout.ts', (list) =>
        list.some((d) => d.code === 'code/missing-in-environment'),
      );
      const path = join(temp.dir, 'flags/production.flagd.json');
      const text = readFileSync(path, 'utf8');
      writeFileSync(
        path,
        text.replace(
          '"flags": {',
          '"flags": {\n    "dark-mode": { "state": "DISABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off" },',
        ),
      );
      await client.waitForDiagnostics(
        'src/checkout.ts',
        (list) => !list.some((d) => d.code === 'code/missing-in-environment'),
      );
    } finally {
      await client.stop();
      temp.dispose();
    }
  });
});
