import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CancellationTokenSource,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentSymbol,
  type Hover,
  type Location,
  LSPErrorCodes,
  type MarkupContent,
  type Range,
  type ResponseError,
  SymbolKind,
  SymbolTag,
  type WorkspaceEdit,
  type WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { applyTextEdits, TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';
import type {
  CommandOutcome,
  FlagDetailsRequest,
  FlagInfo,
  PreviewChangeRequest,
} from '../../shared/src/protocol';

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');
const text_ = (message: string | MarkupContent): string =>
  typeof message === 'string' ? message : message.value;

/** The range of `needle` in `text` (its first occurrence after `after`, when given). */
function rangeOf(text: string, needle: string, after?: string): Range {
  const start = positionOf(text, needle, after);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

/** A diagnostic as `code line:character-line:character`, so lists compare exactly and read well. */
function finding(code: string, range: Range): string {
  return `${code} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function findingsOf(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => finding(String(diagnostic.code), diagnostic.range)).sort();
}

const nonEmpty = (diagnostics: Diagnostic[]): boolean => diagnostics.length > 0;

/** `text` with `search`, which must occur exactly once, replaced. */
function replaceOnce(text: string, search: string, replacement: string): string {
  const first = text.indexOf(search);
  if (first < 0 || text.indexOf(search, first + 1) >= 0)
    throw new Error(`expected exactly one ${JSON.stringify(search)} in the fixture`);
  return text.slice(0, first) + replacement + text.slice(first + search.length);
}

describe('language server over a real LSP connection', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const read = (file: string) => readFileSync(join(temp.dir, file), 'utf8');
  const checkout = () => read('src/checkout.ts');
  /** The link a hover gives to the line of `needle` in a file. */
  const link = (file: string, text: string, needle: string) =>
    `${client.uri(file)}#L${positionOf(text, needle).line + 1}`;

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
    assert.equal(ready.flags, 7);
    assert.equal(ready.usages, 12);
    assert.equal(ready.files, 4);
  });

  it('ends its work-done progress before it announces indexReady', () => {
    assert.deepEqual(client.events, ['progress:begin', 'progress:report', 'progress:end', 'indexReady']);
    assert.deepEqual(client.progress, [
      { kind: 'begin', title: 'Flaglens: indexing flags', cancellable: false, percentage: 0 },
      { kind: 'report', percentage: 100, message: '4/4 files' },
      { kind: 'end' },
    ]);
  });

  it('publishes exactly the code diagnostics of each file, at the key they are about', async () => {
    const text = checkout();
    assert.deepEqual(findingsOf(await client.waitForDiagnostics('src/checkout.ts', nonEmpty)), [
      ...[
        finding('code/unknown-flag', rangeOf(text, "'new-chekout'")),
        finding('code/type-mismatch', rangeOf(text, "'button-color'", 'mismatch')),
        finding('code/missing-in-environment', rangeOf(text, "'dark-mode'")),
        finding('code/stale-flag', rangeOf(text, 'FLAGS.BUTTON_COLOR')),
        finding('code/stale-flag', rangeOf(text, "'button-color'", 'mismatch')),
        finding('code/stale-flag', rangeOf(text, "'dark-mode'")),
      ].sort(),
    ]);
    const billing = read('src/billing.ts');
    assert.deepEqual(
      findingsOf(await client.waitForDiagnostics('src/billing.ts', nonEmpty)),
      [
        finding('code/unsafe-kill-switch-default', rangeOf(billing, "'payments-enabled'")),
        finding('code/flag-expired', rangeOf(billing, "'old-banner'")),
        finding('code/stale-flag', rangeOf(billing, "'old-banner'")),
        finding('code/flag-archived', rangeOf(billing, "'legacy-search'")),
        finding('code/default-not-a-variant', rangeOf(billing, "'button-color'")),
        finding('code/stale-flag', rangeOf(billing, "'button-color'")),
        finding('code/dynamic-key', rangeOf(billing, '`pricing-${region}`')),
        finding('code/missing-in-environment', rangeOf(billing, "'dark-mode'")),
        finding('code/stale-flag', rangeOf(billing, "'dark-mode'")),
      ].sort(),
    );
    assert.deepEqual(
      client.diagnosticsOf('src/features.ts'),
      [],
      'a wrapper forwarding its key is no finding',
    );
    assert.deepEqual(client.diagnosticsOf('src/flags.ts'), []);
  });

  it('explains each code finding in one sentence, with the severity it deserves', async () => {
    const diagnostics = await client.waitForDiagnostics('src/billing.ts', nonEmpty);
    const about = (code: string, needle: string) => {
      const range = rangeOf(read('src/billing.ts'), needle);
      const found = diagnostics.find((d) => d.code === code && d.range.start.line === range.start.line);
      return [found?.severity, text_(found?.message ?? '')];
    };
    assert.deepEqual(about('code/unsafe-kill-switch-default', "'payments-enabled'"), [
      DiagnosticSeverity.Warning,
      'Unsafe default for kill switch "payments-enabled": when it is killed (DISABLED) or flagd is unreachable this code gets true, so the kill would not take effect. Use false.',
    ]);
    assert.deepEqual(about('code/flag-expired', "'old-banner'"), [
      DiagnosticSeverity.Warning,
      'Flag "old-banner" expired on 2024-01-31: remove it from the code.',
    ]);
    assert.deepEqual(about('code/stale-flag', "'old-banner'"), [
      DiagnosticSeverity.Information,
      'Stale flag: old-banner expired on 2024-01-31 (1028 days ago). Not ready for removal: serves more than one value in production; choose the value to keep.',
    ]);
    assert.deepEqual(about('code/flag-archived', "'legacy-search'"), [
      DiagnosticSeverity.Warning,
      'Flag "legacy-search" is archived: remove this read; flagd still serves it, but nobody maintains it.',
    ]);
    assert.deepEqual(about('code/default-not-a-variant', "'button-color'"), [
      DiagnosticSeverity.Warning,
      'Default "green" is not a value of any variant of "button-color" ("red", "blue").',
    ]);
    assert.deepEqual(about('code/dynamic-key', '`pricing-${region}`'), [
      DiagnosticSeverity.Information,
      'Dynamic flag key `pricing-${region}`: Flaglens cannot tell which flag this reads.',
    ]);
    const unknown = client.diagnosticsOf('src/checkout.ts').find((d) => d.code === 'code/unknown-flag');
    assert.equal(
      text_(unknown?.message ?? ''),
      'Unknown flag "new-chekout": it is not in any registry file. Did you mean "new-checkout"?',
    );
  });

  it('publishes exactly the registry diagnostics of each environment file, unused flags included', async () => {
    const development = read('flags/development.flagd.json');
    assert.deepEqual(findingsOf(await client.waitForDiagnostics('flags/development.flagd.json', nonEmpty)), [
      ...[
        finding('registry/missing-in-environment', rangeOf(development, '"dark-mode"')),
        finding('registry/expired', rangeOf(development, '"2024-01-31"')),
        finding('registry/unused-flag', rangeOf(development, '"beta-reports"')),
        finding('registry/stale-flag', rangeOf(development, '"button-color"')),
        finding('registry/stale-flag', rangeOf(development, '"dark-mode"')),
        finding('registry/stale-flag', rangeOf(development, '"old-banner"')),
      ].sort(),
    ]);
    const production = read('flags/production.flagd.json');
    assert.deepEqual(findingsOf(await client.waitForDiagnostics('flags/production.flagd.json', nonEmpty)), [
      ...[
        finding('registry/expired', rangeOf(production, '"2024-01-31"')),
        finding('registry/unused-flag', rangeOf(production, '"beta-reports"')),
        finding('registry/stale-flag', rangeOf(production, '"button-color"')),
        finding('registry/stale-flag', rangeOf(production, '"old-banner"')),
      ].sort(),
    ]);
    const unused = client
      .diagnosticsOf('flags/production.flagd.json')
      .find((d) => d.code === 'registry/unused-flag');
    assert.equal(text_(unused?.message ?? ''), 'Flag "beta-reports" is defined but never used in code.');
  });

  it('hovers a usage with facts, serving, rules, every sample-context preview and links to usages and definitions', async () => {
    await client.open('src/checkout.ts');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), "new-checkout'"),
    });
    assert.deepEqual(hover.range, rangeOf(checkout(), "'new-checkout'"));
    assert.equal(
      (hover.contents as MarkupContent).value,
      [
        '**new-checkout** · boolean · release · owner team-pay',
        '',
        'One-page checkout',
        '',
        '| environment | serving |',
        '| --- | --- |',
        '| development | on |',
        '| production 🔒 | rules, else 25% on |',
        '',
        '```flaglens-rules',
        'development:',
        '  everyone -> on (default)',
        'production:',
        '  if segment staff (email ends with "@acme.com") -> on',
        '  25% on / 75% off, sticky by targetingKey',
        '  otherwise -> off (default)',
        '```',
        '',
        '| context | development | production |',
        '| --- | --- | --- |',
        '| staff | on | on |',
        '| guest | on | off |',
        '',
        '2 usages in 1 file',
        '',
        `Used in [src/checkout.ts:8](${link('src/checkout.ts', checkout(), "'new-checkout'")}) · [src/checkout.ts:17](${link('src/checkout.ts', checkout(), 'FLAGS.NEW_CHECKOUT')})`,
        '',
        `Defined in [development](${link('flags/development.flagd.json', read('flags/development.flagd.json'), '"new-checkout"')}) · [production](${link('flags/production.flagd.json', read('flags/production.flagd.json'), '"new-checkout"')})`,
      ].join('\n'),
    );
  });

  it('previews false for a DISABLED boolean flag read without an explicit default', async () => {
    // billing.ts reads dark-mode through isFeatureOn('dark-mode'), which passes no default; the
    // flag is DISABLED in development, so flagd serves the caller's default: false for a boolean.
    const billing = read('src/billing.ts');
    await client.open('src/billing.ts');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/billing.ts') },
      position: positionOf(billing, "dark-mode'"),
    });
    const lines = (hover.contents as MarkupContent).value.split('\n');
    const table = lines.indexOf('| context | development | production |');
    assert.ok(table >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(table, table + 4), [
      '| context | development | production |',
      '| --- | --- | --- |',
      '| staff | false | — |',
      '| guest | false | — |',
    ]);
  });

  it('hovers a flag key in a registry file with the same full description', async () => {
    const production = read('flags/production.flagd.json');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('flags/production.flagd.json') },
      position: positionOf(production, 'button-color'),
    });
    assert.deepEqual(hover.range, rangeOf(production, '"button-color"'));
    const billing = read('src/billing.ts');
    assert.equal(
      (hover.contents as MarkupContent).value,
      [
        '**button-color** · string',
        '',
        '| environment | serving |',
        '| --- | --- |',
        '| development | red |',
        '| production 🔒 | blue |',
        '',
        '```flaglens-rules',
        'development:',
        '  everyone -> red (default)',
        'production:',
        '  everyone -> blue (default)',
        '```',
        '',
        '| context | development | production |',
        '| --- | --- | --- |',
        '| staff | red | blue |',
        '| guest | red | blue |',
        '',
        '3 usages in 2 files',
        '',
        `Used in [src/billing.ts:10](${link('src/billing.ts', billing, "'button-color'")}) · [src/checkout.ts:9](${link('src/checkout.ts', checkout(), 'FLAGS.BUTTON_COLOR')}) · [src/checkout.ts:11](${link('src/checkout.ts', checkout(), "'button-color'")})`,
        '',
        `Defined in [development](${link('flags/development.flagd.json', read('flags/development.flagd.json'), '"button-color"')}) · [production](${link('flags/production.flagd.json', production, '"button-color"')})`,
      ].join('\n'),
    );
  });

  it('marks an archived flag as archived in its hover', async () => {
    const billing = read('src/billing.ts');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/billing.ts') },
      position: positionOf(billing, 'legacy-search'),
    });
    assert.equal(
      (hover.contents as MarkupContent).value.split('\n')[0],
      '**legacy-search** · boolean · archived',
    );
  });

  it('shows one lens per environment on each usage line, each carrying its command and arguments', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('src/checkout.ts') },
    });
    const text = checkout();
    const at = (needle: string) => {
      const start = positionOf(text, needle);
      return { start, end: start };
    };
    const toggle = (
      needle: string,
      title: string,
      flag: string,
      env: string,
      enabled: boolean,
    ): CodeLens => ({
      range: at(needle),
      command: { title, command: 'flaglens.toggle', arguments: [{ flag, env, enabled }] },
    });
    assert.deepEqual(lenses, [
      toggle(
        "client.getBooleanValue('new-checkout'",
        'development: on',
        'new-checkout',
        'development',
        false,
      ),
      toggle(
        "client.getBooleanValue('new-checkout'",
        'production: rules, else 25% on',
        'new-checkout',
        'production',
        false,
      ),
      toggle(
        'client.getStringValue(FLAGS.BUTTON_COLOR',
        'development: red',
        'button-color',
        'development',
        false,
      ),
      toggle(
        'client.getStringValue(FLAGS.BUTTON_COLOR',
        'production: blue',
        'button-color',
        'production',
        false,
      ),
      {
        range: at("client.getBooleanValue('new-chekout'"),
        command: {
          title: 'new-chekout: not in registry',
          command: 'flaglens.createFlag',
          arguments: [{ flag: 'new-chekout', type: 'boolean' }],
        },
      },
      toggle(
        "client.getBooleanValue('button-color'",
        'development: red',
        'button-color',
        'development',
        false,
      ),
      toggle(
        "client.getBooleanValue('button-color'",
        'production: blue',
        'button-color',
        'production',
        false,
      ),
      toggle("client.getBooleanValue('dark-mode'", 'development: disabled', 'dark-mode', 'development', true),
      {
        range: at("client.getBooleanValue('dark-mode'"),
        command: {
          title: 'production: missing',
          command: 'flaglens.addToEnvironment',
          arguments: [{ flag: 'dark-mode', env: 'production' }],
        },
      },
      toggle(
        'client.getBooleanValue(FLAGS.NEW_CHECKOUT',
        'development: on',
        'new-checkout',
        'development',
        false,
      ),
      toggle(
        'client.getBooleanValue(FLAGS.NEW_CHECKOUT',
        'production: rules, else 25% on',
        'new-checkout',
        'production',
        false,
      ),
    ]);
    const registryLenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('flags/production.flagd.json') },
    });
    assert.deepEqual(
      registryLenses.map((lens) => [lens.command?.title, lens.command?.command, lens.command?.arguments]),
      [
        ['2 usages', 'flaglens.showFlag', [{ flag: 'new-checkout' }]],
        ['3 usages', 'flaglens.showFlag', [{ flag: 'button-color' }]],
        ['1 usage', 'flaglens.showFlag', [{ flag: 'payments-enabled' }]],
        ['1 usage', 'flaglens.showFlag', [{ flag: 'old-banner' }]],
        ['1 usage', 'flaglens.showFlag', [{ flag: 'legacy-search' }]],
        ['no usages', 'flaglens.showFlag', [{ flag: 'beta-reports' }]],
      ],
    );
  });

  it('runs a lens command through executeCommand: enabling dark-mode changes only its state', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('src/checkout.ts') },
    });
    const lens = lenses.find((candidate) => candidate.command?.title === 'development: disabled');
    assert.ok(lens?.command);
    const before = read('flags/development.flagd.json');
    const result = await client.request<CommandOutcome>('workspace/executeCommand', {
      command: lens.command.command,
      arguments: lens.command.arguments,
    });
    assert.deepEqual(
      [result.applied, result.description, result.files],
      [true, 'Enable dark-mode in development', ['flags/development.flagd.json']],
    );
    // No editor has the file open: the server writes it (under the CLI's lock, refusing a file
    // changed since it was read) rather than sending an edit the client could not check.
    assert.deepEqual(client.appliedEdits, []);
    assert.equal(
      read('flags/development.flagd.json'),
      replaceOnce(
        before,
        '"dark-mode": {\n      "state": "DISABLED"',
        '"dark-mode": {\n      "state": "ENABLED"',
      ),
    );
  });

  it('completes flag keys of the right type inside an SDK call, never archived ones', async () => {
    const text = checkout().replace("'new-checkout', false, context", "'', false, context");
    await client.open('src/checkout.ts', text);
    const position = positionOf(text, "'', false");
    const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: { line: position.line, character: position.character + 1 },
    });
    const labels = (Array.isArray(result) ? result : result.items).map((item) => item.label).sort();
    assert.deepEqual(labels, ['beta-reports', 'dark-mode', 'new-checkout', 'old-banner', 'payments-enabled']);
  });

  it("completes flag keys inside a call of the project's own wrapper function", async () => {
    const text = read('src/billing.ts').replace("isFeatureOn('dark-mode')", "isFeatureOn('')");
    await client.open('src/billing.ts', text);
    const quote = positionOf(text, "isFeatureOn('')");
    const inside = { line: quote.line, character: quote.character + "isFeatureOn('".length };
    const result = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
      textDocument: { uri: client.uri('src/billing.ts') },
      position: inside,
    });
    const items = Array.isArray(result) ? result : result.items;
    assert.deepEqual(items.map((item) => item.label).sort(), [
      'beta-reports',
      'dark-mode',
      'new-checkout',
      'old-banner',
      'payments-enabled',
    ]);
    const darkMode = items.find((item) => item.label === 'dark-mode');
    assert.deepEqual(darkMode?.textEdit, { range: { start: inside, end: inside }, newText: 'dark-mode' });
    assert.equal(darkMode?.detail, 'development: disabled');
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
    assert.deepEqual(locations, [
      { uri: client.uri('src/checkout.ts'), range: rangeOf(text, "'new-checkout'") },
      { uri: client.uri('src/checkout.ts'), range: rangeOf(text, 'FLAGS.NEW_CHECKOUT') },
    ]);
  });

  it('finds references from a usage in code across files, with and without the registry entries', async () => {
    const billing = read('src/billing.ts');
    const request = (includeDeclaration: boolean) =>
      client.request<Location[]>('textDocument/references', {
        textDocument: { uri: client.uri('src/billing.ts') },
        position: positionOf(billing, 'button-color'),
        context: { includeDeclaration },
      });
    const usages = [
      { uri: client.uri('src/billing.ts'), range: rangeOf(billing, "'button-color'") },
      { uri: client.uri('src/checkout.ts'), range: rangeOf(checkout(), 'FLAGS.BUTTON_COLOR') },
      { uri: client.uri('src/checkout.ts'), range: rangeOf(checkout(), "'button-color'") },
    ];
    const byPlace = (a: Location, b: Location) =>
      a.uri.localeCompare(b.uri) || a.range.start.line - b.range.start.line;
    assert.deepEqual((await request(false)).sort(byPlace), usages);
    assert.deepEqual(
      (await request(true)).sort(byPlace),
      [
        ...usages,
        {
          uri: client.uri('flags/development.flagd.json'),
          range: rangeOf(read('flags/development.flagd.json'), '"button-color"'),
        },
        {
          uri: client.uri('flags/production.flagd.json'),
          range: rangeOf(read('flags/production.flagd.json'), '"button-color"'),
        },
      ].sort(byPlace),
    );
  });

  it('prepares a rename on the key without its quotes, and renames in every registry file and literal usage', async () => {
    const position = positionOf(checkout(), 'new-checkout');
    const prepared = await client.request<{ range: Range; placeholder: string }>(
      'textDocument/prepareRename',
      {
        textDocument: { uri: client.uri('src/checkout.ts') },
        position,
      },
    );
    assert.deepEqual(prepared, { range: rangeOf(checkout(), 'new-checkout'), placeholder: 'new-checkout' });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position,
      newName: 'one-page-checkout',
    });
    const changes = edit.changes ?? {};
    assert.deepEqual(Object.keys(changes).sort(), [
      client.uri('flags/development.flagd.json'),
      client.uri('flags/production.flagd.json'),
      client.uri('src/checkout.ts'),
      client.uri('src/flags.ts'),
    ]);
    const renamed = (file: string) => applyTextEdits(read(file), changes[client.uri(file)] ?? []);
    assert.equal(
      renamed('flags/development.flagd.json'),
      replaceOnce(read('flags/development.flagd.json'), '"new-checkout": {', '"one-page-checkout": {'),
    );
    assert.equal(
      renamed('flags/production.flagd.json'),
      replaceOnce(read('flags/production.flagd.json'), '"new-checkout": {', '"one-page-checkout": {'),
      'the rollout salt keeps "new-checkout" so users stay in their buckets',
    );
    assert.equal(
      renamed('src/checkout.ts'),
      replaceOnce(checkout(), "getBooleanValue('new-checkout'", "getBooleanValue('one-page-checkout'"),
      'FLAGS.NEW_CHECKOUT is renamed where the constant is written, not at the call',
    );
    assert.equal(
      renamed('src/flags.ts'),
      replaceOnce(read('src/flags.ts'), "NEW_CHECKOUT: 'new-checkout'", "NEW_CHECKOUT: 'one-page-checkout'"),
    );
  });

  it('does not prepare a rename where no flag is', async () => {
    const prepared = await client.request<null>('textDocument/prepareRename', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), 'OpenFeature.getClient'),
    });
    assert.equal(prepared, null);
  });

  it('refuses to rename to a key with a quote, a backtick or a space, or to an empty key, with a message', async () => {
    const before = read('flags/production.flagd.json');
    for (const newName of ['new"checkout', "new'checkout", 'new`checkout', 'new checkout', '']) {
      await assert.rejects(
        client.request('textDocument/rename', {
          textDocument: { uri: client.uri('src/checkout.ts') },
          position: positionOf(checkout(), 'new-checkout'),
          newName,
        }),
        (error: ResponseError) => {
          assert.equal(error.message, `"${newName}" is not a valid flag key.`);
          return true;
        },
      );
    }
    assert.equal(read('flags/production.flagd.json'), before);
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

  it('lists the flags of a registry file and the flag reads of a code file as document symbols', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: client.uri('flags/development.flagd.json') },
    });
    assert.deepEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail, symbol.tags]),
      [
        ['new-checkout', 'on', undefined],
        ['button-color', 'red', undefined],
        ['dark-mode', 'disabled', undefined],
        ['payments-enabled', 'on', undefined],
        ['old-banner', 'off', undefined],
        ['legacy-search', 'disabled', [SymbolTag.Deprecated]],
        ['beta-reports', 'on', undefined],
      ],
    );
    const billing = read('src/billing.ts');
    const reads = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: client.uri('src/billing.ts') },
    });
    const symbol = (name: string, detail: string, call: string, key: string, tags?: SymbolTag[]) => {
      const callRange = rangeOf(billing, call);
      return {
        name,
        detail,
        kind: SymbolKind.Key,
        range: callRange,
        selectionRange: rangeOf(billing, key),
        ...(tags ? { tags } : {}),
      };
    };
    assert.deepEqual(reads, [
      symbol(
        'payments-enabled',
        'getBooleanValue',
        "client.getBooleanValue('payments-enabled', true)",
        "'payments-enabled'",
      ),
      symbol('old-banner', 'getBooleanValue', "client.getBooleanValue('old-banner', false)", "'old-banner'"),
      symbol(
        'legacy-search',
        'getBooleanValue',
        "client.getBooleanValue('legacy-search', false)",
        "'legacy-search'",
        [SymbolTag.Deprecated],
      ),
      symbol(
        'button-color',
        'getStringValue',
        "client.getStringValue('button-color', 'green')",
        "'button-color'",
      ),
      symbol('dark-mode', 'isFeatureOn', "isFeatureOn('dark-mode')", "'dark-mode'"),
    ]);
  });

  it('finds flags by part of their key as workspace symbols, archived ones marked deprecated', async () => {
    const found = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'color' });
    assert.deepEqual(
      found.map((symbol) => `${symbol.name}@${symbol.containerName}`),
      ['button-color@development', 'button-color@production'],
    );
    const archived = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'SEARCH' });
    assert.deepEqual(
      archived.map((symbol) => [symbol.name, symbol.containerName, symbol.tags]),
      [
        ['legacy-search', 'development', [SymbolTag.Deprecated]],
        ['legacy-search', 'production', [SymbolTag.Deprecated]],
      ],
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
    assert.equal(fixed, replaceOnce(checkout(), "'new-chekout'", "'new-checkout'"));
  });

  it("creates the missing flag in every environment by running the quick fix's own command", async () => {
    const unknown = (await client.waitForDiagnostics('src/checkout.ts', nonEmpty)).filter(
      (diagnostic) => diagnostic.code === 'code/unknown-flag',
    );
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      range: unknown[0].range,
      context: { diagnostics: unknown },
    });
    const create = actions.find((action) => action.title === 'Create flag "new-chekout" in the registry');
    assert.ok(create?.command);
    const before = {
      development: read('flags/development.flagd.json'),
      production: read('flags/production.flagd.json'),
    };
    const result = await client.request<CommandOutcome>('workspace/executeCommand', {
      command: create.command.command,
      arguments: create.command.arguments,
    });
    assert.deepEqual(
      [result.applied, result.description, result.files],
      [
        true,
        'Create new-chekout in development, production',
        ['flags/development.flagd.json', 'flags/production.flagd.json'],
      ],
    );
    const entry = [
      '    },',
      '    "new-chekout": {',
      '      "state": "ENABLED",',
      '      "variants": { "on": true, "off": false },',
      '      "defaultVariant": "off",',
      '      "metadata": { "createdAt": "2026-11-24", "type": "release" }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    assert.equal(
      read('flags/development.flagd.json'),
      replaceOnce(before.development, '    }\n  }\n}\n', entry),
    );
    assert.equal(
      read('flags/production.flagd.json'),
      replaceOnce(before.production, '    }\n  }\n}\n', entry),
    );
    await client.changedOnDisk('flags/development.flagd.json');
    await client.changedOnDisk('flags/production.flagd.json');
    await client.waitForDiagnostics(
      'src/checkout.ts',
      (list) => !list.some((d) => d.code === 'code/unknown-flag'),
    );
  });

  it('adds a flag to the environment that misses it through its quick fix, asking first for production', async () => {
    const missing = (await client.waitForDiagnostics('src/checkout.ts', nonEmpty)).filter(
      (diagnostic) => diagnostic.code === 'code/missing-in-environment',
    );
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      range: missing[0].range,
      context: { diagnostics: missing },
    });
    assert.deepEqual(
      actions.map((action) => [
        action.title,
        action.kind,
        action.command?.command,
        action.command?.arguments,
      ]),
      [
        [
          'Add "dark-mode" to production',
          'quickfix',
          'flaglens.addToEnvironment',
          [{ flag: 'dark-mode', env: 'production' }],
        ],
      ],
    );
    const before = read('flags/production.flagd.json');
    const result = await client.request<CommandOutcome>('workspace/executeCommand', {
      command: actions[0].command?.command,
      arguments: actions[0].command?.arguments,
    });
    assert.equal(result.applied, true, result.reason);
    assert.deepEqual(
      client.prompts.map((prompt) => prompt.message),
      ['Add dark-mode to production? production is protected. production: missing → disabled'],
    );
    assert.equal(
      read('flags/production.flagd.json'),
      replaceOnce(
        before,
        '    }\n  }\n}\n',
        [
          '    },',
          '    "dark-mode": {',
          '      "state": "DISABLED",',
          '      "variants": { "on": true, "off": false },',
          '      "defaultVariant": "off"',
          '    }',
          '  }',
          '}',
          '',
        ].join('\n'),
      ),
    );
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

  it('applies a ranged didChange to its copy of the document and re-indexes from it', async () => {
    const text = checkout();
    await client.open('src/checkout.ts', text);
    const typo = rangeOf(text, 'chekout');
    await client.changeRange('src/checkout.ts', typo, 'checkout');
    const fixed = replaceOnce(text, "'new-chekout'", "'new-checkout'");
    const afterFix = await client.waitForDiagnostics(
      'src/checkout.ts',
      (list) => !list.some((d) => d.code === 'code/unknown-flag'),
    );
    assert.deepEqual(
      findingsOf(afterFix),
      [
        finding('code/type-mismatch', rangeOf(fixed, "'button-color'", 'mismatch')),
        finding('code/missing-in-environment', rangeOf(fixed, "'dark-mode'")),
        finding('code/stale-flag', rangeOf(fixed, 'FLAGS.BUTTON_COLOR')),
        finding('code/stale-flag', rangeOf(fixed, "'button-color'", 'mismatch')),
        finding('code/stale-flag', rangeOf(fixed, "'dark-mode'")),
      ].sort(),
    );
    // A second ranged edit inserts a line above everything: every finding moves down one line.
    const inserted = "  const unused = await client.getBooleanValue('beta-reports', false);\n";
    const functionBody = positionOf(fixed, '  const context');
    await client.changeRange('src/checkout.ts', { start: functionBody, end: functionBody }, inserted);
    const shifted = fixed.replace('  const context', `${inserted}  const context`);
    const afterInsert = await client.waitForDiagnostics('src/checkout.ts', (list) =>
      list.some((d) => d.code === 'code/type-mismatch' && d.range.start.line === typo.start.line + 2),
    );
    assert.deepEqual(
      findingsOf(afterInsert),
      [
        finding('code/type-mismatch', rangeOf(shifted, "'button-color'", 'mismatch')),
        finding('code/missing-in-environment', rangeOf(shifted, "'dark-mode'")),
        finding('code/stale-flag', rangeOf(shifted, 'FLAGS.BUTTON_COLOR')),
        finding('code/stale-flag', rangeOf(shifted, "'button-color'", 'mismatch')),
        finding('code/stale-flag', rangeOf(shifted, "'dark-mode'")),
      ].sort(),
    );
    await client.waitForDiagnostics(
      'flags/production.flagd.json',
      (list) => !list.some((d) => d.code === 'registry/unused-flag'),
    );
  });

  it('re-links the files that import a constants file when the constant changes in the editor', async () => {
    const constants = read('src/flags.ts');
    await client.open('src/flags.ts', constants);
    await client.changeRange('src/flags.ts', rangeOf(constants, 'button-color'), 'button-colour');
    const text = checkout();
    const line = positionOf(text, 'FLAGS.BUTTON_COLOR').line;
    const diagnostics = await client.waitForDiagnostics('src/checkout.ts', (list) =>
      list.some((d) => d.code === 'code/unknown-flag' && d.range.start.line === line),
    );
    assert.deepEqual(
      findingsOf(diagnostics),
      [
        finding('code/unknown-flag', rangeOf(text, "'new-chekout'")),
        finding('code/unknown-flag', rangeOf(text, 'FLAGS.BUTTON_COLOR')),
        finding('code/type-mismatch', rangeOf(text, "'button-color'", 'mismatch')),
        finding('code/missing-in-environment', rangeOf(text, "'dark-mode'")),
        finding('code/stale-flag', rangeOf(text, "'button-color'", 'mismatch')),
        finding('code/stale-flag', rangeOf(text, "'dark-mode'")),
      ].sort(),
    );
    const renamedKey = diagnostics.find((d) => d.code === 'code/unknown-flag' && d.range.start.line === line);
    assert.equal(
      text_(renamedKey?.message ?? ''),
      'Unknown flag "button-colour": it is not in any registry file. Did you mean "button-color"?',
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

  it('reloads flaglens.json saved from an open editor, and indexes the code again under it', async () => {
    await client.waitForDiagnostics('src/billing.ts', (diagnostics) => diagnostics.length > 0);
    const config = JSON.parse(read('flaglens.json')) as Record<string, unknown>;
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
    assert.deepEqual(
      client.progress.filter((entry) => entry.kind !== 'report').map((entry) => entry.kind),
      ['begin', 'end', 'begin', 'end'],
      'the reload reports its own progress',
    );
    const symbols = await client.request<{ name: string; location: { uri: string } }[]>('workspace/symbol', {
      query: 'payments-enabled',
    });
    assert.equal(
      symbols.some((symbol) => symbol.location.uri === client.uri('src/billing.ts')),
      false,
      'usages of the excluded file are gone from the index',
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

  it('answers a request whose handler throws with a default, logs why, and keeps answering', async () => {
    // `context` is required by LSP; a careless client leaving it out makes the handler throw.
    const failed = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), 'new-checkout'),
    });
    assert.deepEqual(failed, []);
    assert.ok(
      client.logs.some((line) =>
        /^references failed: TypeError: Cannot read properties of undefined \(reading 'includeDeclaration'\)/.test(
          line,
        ),
      ),
      client.logs.join('\n'),
    );
    const locations = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: client.uri('src/checkout.ts') },
      position: positionOf(checkout(), 'new-checkout'),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(locations, [
      { uri: client.uri('src/checkout.ts'), range: rangeOf(checkout(), "'new-checkout'") },
      { uri: client.uri('src/checkout.ts'), range: rangeOf(checkout(), 'FLAGS.NEW_CHECKOUT') },
    ]);
  });

  it('lists flags with their serving per environment for tree views, and those of one file', async () => {
    const flags = await client.request<FlagInfo[]>('flaglens/flags', {});
    assert.deepEqual(
      flags.map((flag) => flag.key),
      [
        'beta-reports',
        'button-color',
        'dark-mode',
        'legacy-search',
        'new-checkout',
        'old-banner',
        'payments-enabled',
      ],
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
    assert.deepEqual(
      flags.filter((flag) => flag.archived).map((flag) => flag.key),
      ['legacy-search'],
    );
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

describe('structured registry edits through workspace/executeCommand', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const read = (file: string) => readFileSync(join(temp.dir, file), 'utf8');
  const development = 'flags/development.flagd.json';
  const production = 'flags/production.flagd.json';
  const checkoutMetadata =
    '"metadata": { "description": "One-page checkout", "owner": "team-pay", "type": "release" }';
  /** The targeting block a ladder edit adds after new-checkout's metadata in development. */
  const withTargeting = (lines: string[]) =>
    [
      `${checkoutMetadata},`,
      '      "targeting": {',
      ...lines.map((line) => `        ${line}`),
      '      }',
    ].join('\n');

  /** Runs a command as any LSP client would; the registry files are open, as in an editor. */
  const run = (command: string, args: Record<string, unknown>) =>
    client.request<CommandOutcome>('workspace/executeCommand', { command, arguments: [args] });

  beforeEach(async () => {
    temp = copyToTemp(fixture);
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
    await client.open(development);
    await client.open(production);
  });

  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  it('setDefaultVariant changes only the defaultVariant', async () => {
    const before = read(development);
    const result = await run('flaglens.setDefaultVariant', {
      flag: 'button-color',
      env: 'development',
      variant: 'blue',
    });
    assert.deepEqual(
      [result.applied, result.description],
      [true, 'Serve blue by default for button-color in development'],
    );
    assert.equal(
      read(development),
      replaceOnce(before, '"defaultVariant": "red"', '"defaultVariant": "blue"'),
    );
  });

  it('setRollout with weights adds a sticky fractional split salted with the flag key', async () => {
    const before = read(development);
    const result = await run('flaglens.setRollout', {
      flag: 'button-color',
      env: 'development',
      weights: [
        ['red', 30],
        ['blue', 70],
      ],
    });
    assert.deepEqual(
      [result.applied, result.description],
      [true, 'Split button-color red 30 / blue 70 in development'],
    );
    assert.equal(
      read(development),
      replaceOnce(
        before,
        '"defaultVariant": "red"\n',
        [
          '"defaultVariant": "red",',
          '      "targeting": {',
          '        "fractional": [',
          '          { "cat": ["button-color", { "var": "targetingKey" }] },',
          '          ["red", 30],',
          '          ["blue", 70]',
          '        ]',
          '      }',
          '',
        ].join('\n'),
      ),
    );
  });

  it('addOverride serves a variant to one targeting key, and removeOverride restores the file', async () => {
    const before = read(development);
    const added = await run('flaglens.addOverride', {
      flag: 'new-checkout',
      env: 'development',
      value: 'u-9',
      variant: 'off',
    });
    assert.deepEqual(
      [added.applied, added.description],
      [true, 'Serve off to u-9 for new-checkout in development'],
    );
    assert.equal(
      read(development),
      replaceOnce(
        before,
        checkoutMetadata,
        withTargeting([
          '"if": [',
          '  { "in": [{ "var": "targetingKey" }, ["u-9"]] },',
          '  "off",',
          '  null',
          ']',
        ]),
      ),
    );
    const removed = await run('flaglens.removeOverride', {
      flag: 'new-checkout',
      env: 'development',
      value: 'u-9',
    });
    assert.deepEqual(
      [removed.applied, removed.description],
      [true, 'Remove the override of u-9 for new-checkout in development'],
    );
    assert.equal(read(development), before);
  });

  it('addExclusion excludes a targeting key, and removeExclusion restores the file', async () => {
    const before = read(development);
    const added = await run('flaglens.addExclusion', {
      flag: 'new-checkout',
      env: 'development',
      value: 'u-7',
    });
    assert.deepEqual(
      [added.applied, added.description],
      [true, 'Exclude u-7 from new-checkout in development'],
    );
    assert.equal(
      read(development),
      replaceOnce(
        before,
        checkoutMetadata,
        withTargeting([
          '"if": [',
          '  { "or": [{ "in": [{ "var": "targetingKey" }, ["u-7"]] }] },',
          '  "off",',
          '  null',
          ']',
        ]),
      ),
    );
    const removed = await run('flaglens.removeExclusion', {
      flag: 'new-checkout',
      env: 'development',
      value: 'u-7',
    });
    assert.deepEqual(
      [removed.applied, removed.description],
      [true, 'Stop excluding u-7 from new-checkout in development'],
    );
    assert.equal(read(development), before);
  });

  it('addSegment targets a new shared evaluator in $evaluators', async () => {
    const before = read(development);
    const result = await run('flaglens.addSegment', {
      flag: 'new-checkout',
      env: 'development',
      segment: 'benelux',
      variant: 'on',
      rule: { in: [{ var: 'country' }, ['NL', 'BE']] },
    });
    assert.deepEqual(
      [result.applied, result.description],
      [true, 'Serve on to segment benelux for new-checkout in development'],
    );
    const expected = replaceOnce(
      replaceOnce(
        before,
        checkoutMetadata,
        withTargeting(['"if": [', '  { "$ref": "benelux" },', '  "on",', '  null', ']']),
      ),
      '    }\n  }\n}\n',
      '    }\n  },\n  "$evaluators": { "benelux": { "in": [{ "var": "country" }, ["NL", "BE"]] } }\n}\n',
    );
    assert.equal(read(development), expected);
  });

  it('removeSegment in production asks first, then keeps the rollout that followed the segment', async () => {
    const before = read(production);
    const result = await run('flaglens.removeSegment', {
      flag: 'new-checkout',
      env: 'production',
      segment: 'staff',
    });
    assert.deepEqual(
      [result.applied, result.description],
      [true, 'Stop targeting segment staff for new-checkout in production'],
    );
    assert.deepEqual(
      client.prompts.map((prompt) => prompt.message),
      [
        'Stop targeting segment staff for new-checkout in production? production is protected. production: rules, else 25% on → 25% on',
      ],
    );
    assert.equal(
      read(production),
      replaceOnce(
        before,
        [
          '        "if": [',
          '          { "$ref": "staff" },',
          '          "on",',
          '          { "fractional": [{ "cat": ["new-checkout", { "var": "targetingKey" }] }, ["on", 25], ["off", 75]] }',
          '        ]',
        ].join('\n'),
        [
          '        "fractional": [',
          '          { "cat": ["new-checkout", { "var": "targetingKey" }] },',
          '          ["on", 25],',
          '          ["off", 75]',
          '        ]',
        ].join('\n'),
      ),
    );
  });

  it('setPrerequisite records requires and gates the flag; removePrerequisite restores the file', async () => {
    const before = read(development);
    const set = await run('flaglens.setPrerequisite', {
      flag: 'new-checkout',
      env: 'development',
      prerequisite: 'payments-enabled',
      variant: 'on',
    });
    assert.deepEqual(
      [set.applied, set.description],
      [true, 'Require payments-enabled = on for new-checkout in development'],
    );
    assert.equal(
      read(development),
      replaceOnce(
        before,
        checkoutMetadata,
        [
          '"metadata": { "description": "One-page checkout", "owner": "team-pay", "type": "release", "requires": "payments-enabled=on" },',
          '      "targeting": {',
          '        "if": [',
          '          { "!==": [{ "var": "prerequisites.payments-enabled" }, "on"] },',
          '          "off",',
          '          null',
          '        ]',
          '      }',
        ].join('\n'),
      ),
    );
    const removed = await run('flaglens.removePrerequisite', {
      flag: 'new-checkout',
      env: 'development',
      prerequisite: 'payments-enabled',
    });
    assert.deepEqual(
      [removed.applied, removed.description],
      [true, 'Drop the prerequisite payments-enabled of new-checkout in development'],
    );
    assert.equal(read(development), before);
  });

  it('setTimeWindow serves the given variant outside [from, until), in unix seconds', async () => {
    const before = read(development);
    const from = '2026-12-01T00:00:00Z';
    const until = '2026-12-31T00:00:00Z';
    const result = await run('flaglens.setTimeWindow', {
      flag: 'new-checkout',
      env: 'development',
      from,
      until,
      variant: 'off',
    });
    assert.deepEqual([result.applied, result.description], [true, 'Schedule new-checkout in development']);
    assert.equal(
      read(development),
      replaceOnce(
        before,
        checkoutMetadata,
        withTargeting([
          '"if": [',
          `  { "<": [{ "var": "$flagd.timestamp" }, ${Date.parse(from) / 1000}] },`,
          '  "off",',
          `  { ">=": [{ "var": "$flagd.timestamp" }, ${Date.parse(until) / 1000}] },`,
          '  "off",',
          '  null',
          ']',
        ]),
      ),
    );
  });

  it('evaluate answers what flagd serves a context in every environment', async () => {
    const result = await client.request('workspace/executeCommand', {
      command: 'flaglens.evaluate',
      arguments: [{ flag: 'new-checkout', context: { targetingKey: 'u-1', email: 'ada@acme.com' } }],
    });
    assert.deepEqual(result, [
      { flag: 'new-checkout', env: 'development', value: true, variant: 'on', reason: 'STATIC' },
      { flag: 'new-checkout', env: 'production', value: true, variant: 'on', reason: 'TARGETING_MATCH' },
    ]);
  });

  it('showFlag answers the usages and definitions of a flag', async () => {
    const billing = read('src/billing.ts');
    const result = await client.request<{
      flag: string;
      usages: { file: string; keyRange: Range }[];
      definitions: { env: string; file: string; range: Range }[];
    }>('workspace/executeCommand', { command: 'flaglens.showFlag', arguments: [{ flag: 'old-banner' }] });
    assert.deepEqual(
      {
        flag: result.flag,
        usages: result.usages.map((usage) => [usage.file, usage.keyRange]),
        definitions: result.definitions,
      },
      {
        flag: 'old-banner',
        usages: [['src/billing.ts', rangeOf(billing, "'old-banner'")]],
        definitions: [
          { env: 'development', file: development, range: rangeOf(read(development), '"old-banner"') },
          { env: 'production', file: production, range: rangeOf(read(production), '"old-banner"') },
        ],
      },
    );
  });

  it('cleanup removes an expired flag from the code and every registry file', async () => {
    const before = {
      development: read(development),
      production: read(production),
      billing: read('src/billing.ts'),
    };
    const result = await client.request<CommandOutcome & { report: unknown[] }>('workspace/executeCommand', {
      command: 'flaglens.cleanup',
      arguments: [{ flag: 'old-banner', value: false }],
    });
    assert.deepEqual(
      [result.applied, result.description, result.files],
      [true, 'Clean up old-banner (always false)', [development, production, 'src/billing.ts']],
    );
    assert.equal(
      read('src/billing.ts'),
      replaceOnce(
        replaceOnce(
          before.billing,
          "  const banner = await client.getBooleanValue('old-banner', false);\n",
          '',
        ),
        '${payments}-${banner}-',
        '${payments}-false-',
      ),
    );
    assert.equal(
      read(development),
      replaceOnce(
        before.development,
        [
          '    "old-banner": {',
          '      "state": "ENABLED",',
          '      "variants": { "on": true, "off": false },',
          '      "defaultVariant": "off",',
          '      "metadata": { "type": "release", "expiresAt": "2024-01-31" }',
          '    },',
          '',
        ].join('\n'),
        '',
      ),
    );
    assert.equal(
      read(production),
      replaceOnce(
        before.production,
        [
          '    "old-banner": {',
          '      "state": "ENABLED",',
          '      "variants": { "on": true, "off": false },',
          '      "defaultVariant": "off",',
          '      "targeting": {',
          '        "fractional": [{ "cat": ["old-banner", { "var": "targetingKey" }] }, ["on", 50], ["off", 50]]',
          '      },',
          '      "metadata": { "type": "release", "expiresAt": "2024-01-31" }',
          '    },',
          '',
        ].join('\n'),
        '',
      ),
    );
  });
});

describe('cleaning up every stale flag through workspace/executeCommand', function () {
  this.timeout(30000);

  it('cleanupAll removes the flags ready for removal from the code, and from the registry unless a read is left, deleting emptied files', async () => {
    const temp = copyToTemp(fixture);
    const client = await TestLspClient.start(temp.dir);
    const read = (file: string) => readFileSync(join(temp.dir, file), 'utf8');
    try {
      await client.indexReady;
      const before = {
        development: read('flags/development.flagd.json'),
        production: read('flags/production.flagd.json'),
      };
      const result = await client.request<CommandOutcome>('workspace/executeCommand', {
        command: 'flaglens.cleanupAll',
        arguments: [{}],
      });
      assert.deepEqual(
        [result.applied, result.description, result.files],
        [
          true,
          'Clean up 2 stale flags',
          ['flags/development.flagd.json', 'src/billing.ts', 'src/checkout.ts', 'src/features.ts'],
        ],
      );
      const entry = (key: string, state: string, variants: string, defaultVariant: string) =>
        [
          `    "${key}": {`,
          `      "state": "${state}",`,
          `      "variants": ${variants},`,
          `      "defaultVariant": "${defaultVariant}"`,
          '    },',
          '',
        ].join('\n');
      const onOff = '{ "on": true, "off": false }';
      // checkout.ts still reads button-color as a boolean (flagd answers that read with its
      // default, and the cleanup leaves it for a person): the flag stays in the registry.
      assert.equal(
        read('flags/development.flagd.json'),
        replaceOnce(before.development, entry('dark-mode', 'DISABLED', onOff, 'off'), ''),
      );
      assert.match(read('flags/development.flagd.json'), /"button-color"/);
      assert.equal(read('flags/production.flagd.json'), before.production);
      assert.equal(
        read('src/billing.ts'),
        [
          "import { OpenFeature } from '@openfeature/server-sdk';",
          '',
          'const client = OpenFeature.getClient();',
          '',
          'export async function bill(region: string): Promise<string> {',
          "  const payments = await client.getBooleanValue('payments-enabled', true);",
          "  const banner = await client.getBooleanValue('old-banner', false);",
          "  const search = await client.getBooleanValue('legacy-search', false);",
          '  const regional = await client.getBooleanValue(`pricing-${region}`, false);',
          '  return `${payments}-${banner}-${search}-blue-${regional}-false`;',
          '}',
          '',
        ].join('\n'),
        'production serves "blue" to everyone, and dark-mode is off everywhere',
      );
      assert.equal(existsSync(join(temp.dir, 'src/features.ts')), false, 'the wrapper had no caller left');
    } finally {
      await client.stop();
      temp.dispose();
    }
  });
});

describe('language server answering a cancelled request', function () {
  this.timeout(30000);

  it('answers RequestCancelled (-32800) for a request cancelled while it waited for the index', async () => {
    const temp = copyToTemp(fixture);
    // The client holds its answer to the progress request, so the index cannot finish before
    // the request and its cancellation are both on the wire.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const client = await TestLspClient.start(temp.dir, { progressCreated: held });
    try {
      const params = {
        textDocument: { uri: client.uri('src/checkout.ts') },
        position: positionOf(readFileSync(join(temp.dir, 'src/checkout.ts'), 'utf8'), 'new-checkout'),
        context: { includeDeclaration: false },
      };
      const source = new CancellationTokenSource();
      const cancelled = client.connection.sendRequest('textDocument/references', params, source.token);
      source.cancel();
      release();
      await assert.rejects(cancelled, (error: ResponseError<unknown>) => {
        assert.equal(error.code, LSPErrorCodes.RequestCancelled);
        assert.equal(error.message, 'The request was cancelled.');
        return true;
      });
      await client.indexReady;
      const answered = await client.request<Location[]>('textDocument/references', params);
      assert.equal(answered.length, 2, 'the same request, not cancelled, is answered');
    } finally {
      await client.stop();
      temp.dispose();
    }
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
