import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, CodeLens, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { ExperimentReport } from '../../shared/src/experiment';
import { ExperimentReportRequest, ExperimentsAnalysedNotification } from '../../shared/src/protocol';
import { copyToTemp, repoRoot, runCli } from '../support/cli';
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

describe('language server: experiment results next to the flag', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;

  beforeEach(() => {
    temp = copyToTemp(join(repoRoot, 'examples/demo'));
  });
  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  /** The figures the CLI computes on the same files at the server's clock (2026-11-24T12:00Z). */
  const cliReport = (): ExperimentReport => {
    const result = runCli(['experiment', 'checkout-cta-test', '--dir', temp.dir, '--format', 'json']);
    return JSON.parse(result.stdout) as ExperimentReport;
  };

  it('shows the experiment lens on each read of its flag, with the figures of the analysis', async () => {
    client = await TestLspClient.start(temp.dir);
    const analysed = new Promise<void>((resolve) =>
      client.connection.onNotification(ExperimentsAnalysedNotification.method, () => resolve()),
    );
    await client.indexReady;
    await analysed;
    const report = cliReport();
    const primary = report.metrics[0].results[0];
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('src/web/CheckoutButton.tsx') },
    });
    const experimentLenses = lenses.filter(
      (lens) => lens.command?.command === 'flaglens.openExperimentReport',
    );
    assert.equal(experimentLenses.length, 1);
    const [lens] = experimentLenses;
    assert.equal(lens.range.start.line, 5, 'on the useFlag line');
    const pct = (share: number) => `${share > 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
    const expectedVerdict =
      report.decision.verdict === 'ship'
        ? `ship treatment (${report.status})`
        : report.decision.verdict === 'keep-running'
          ? 'keep running'
          : report.decision.verdict;
    assert.equal(
      lens.command?.title,
      `experiment checkout-cta-test: treatment ${pct(primary.lift)} purchase, ${(primary.chanceToBeatControl * 100).toFixed(0)}% chance to win, ${expectedVerdict}`,
    );
    assert.deepEqual(lens.command?.arguments, [{ experiment: 'checkout-cta-test' }]);

    const text = readFileSync(join(temp.dir, 'src/web/CheckoutButton.tsx'), 'utf8');
    const hover = await client.request<Hover>('textDocument/hover', {
      textDocument: { uri: client.uri('src/web/CheckoutButton.tsx') },
      position: positionOf(text, 'checkout-cta-copy'),
    });
    const markdown = (hover.contents as MarkupContent).value;
    assert.match(markdown, /\*\*Experiment checkout-cta-test\*\* · (running|ready) · (keep-running|ship)/);
    assert.ok(
      markdown.includes(
        `| purchase (primary) | treatment | ${pct(primary.lift)} | ${pct(primary.ci[0])} to ${pct(primary.ci[1])} |`,
      ),
      markdown,
    );
    assert.match(markdown, /\[Open report\]\(command:flaglens\.openExperimentReport\?/);

    const answer = await client.request<ExperimentReportRequest.Result>(ExperimentReportRequest.method, {
      experiment: 'checkout-cta-test',
    });
    assert.equal(answer.error, null);
    assert.deepEqual(answer.report?.metrics, report.metrics);
    assert.match(answer.markdown ?? '', /^## Experiment `checkout-cta-test`/);
  });

  it('analyses again when the event files change, and says why when there are none', async () => {
    client = await TestLspClient.start(temp.dir);
    let analysed = 0;
    let wake: () => void = () => undefined;
    client.connection.onNotification(ExperimentsAnalysedNotification.method, () => {
      analysed++;
      wake();
    });
    const nextAnalysis = () => new Promise<void>((resolve) => (wake = resolve));
    const first = nextAnalysis();
    await client.indexReady;
    await first;
    // Every event file goes (the demo's guarded rollouts log theirs beside the experiment's).
    const events = readdirSync(join(temp.dir, 'data/events')).map((name) => `data/events/${name}`);
    for (const file of events) rmSync(join(temp.dir, file));
    const second = nextAnalysis();
    for (const file of events) await client.changedOnDisk(file, 3);
    await second;
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: client.uri('src/web/CheckoutButton.tsx') },
    });
    assert.equal(
      lenses.find((lens) => lens.command?.command === 'flaglens.openExperimentReport')?.command?.title,
      'experiment checkout-cta-test: no results (No event files match "data/events/*.ndjson".)',
    );
    assert.ok(analysed >= 2);
  });

  it('ships a variant through flaglens.shipWinner: the protected environment is confirmed, the rollout and the definition are edited', async () => {
    client = await TestLspClient.start(temp.dir);
    const analysed = new Promise<void>((resolve) =>
      client.connection.onNotification(ExperimentsAnalysedNotification.method, () => resolve()),
    );
    await client.indexReady;
    await analysed;
    const report = cliReport();
    // At the server's clock (2026-11-24) the test may not be ready yet: then only a forced ship goes through.
    const forced = report.status !== 'ready';
    if (forced) {
      const refused = await client.request<{ applied: boolean; reason?: string }>(
        'workspace/executeCommand',
        {
          command: 'flaglens.shipWinner',
          arguments: [{ experiment: 'checkout-cta-test' }],
        },
      );
      assert.equal(refused.applied, false);
      assert.match(refused.reason ?? '', /not ready to ship/);
    }
    const result = await client.request<{ applied: boolean; reason?: string }>('workspace/executeCommand', {
      command: 'flaglens.shipWinner',
      arguments: [{ experiment: 'checkout-cta-test', ...(forced && { force: true, variant: 'treatment' }) }],
    });
    assert.equal(result.applied, true, result.reason);
    const confirmations = client.prompts.filter((prompt) => /production is protected/.test(prompt.message));
    assert.equal(confirmations.length, 1, 'production is protected: asked once');
    assert.match(
      readFileSync(join(temp.dir, 'flags/production.flagd.json'), 'utf8'),
      /\["control", 0\],\s+\["treatment", 100\]/,
    );
    const definition = JSON.parse(readFileSync(join(temp.dir, EXPERIMENT), 'utf8')) as {
      end: string | null;
      decision?: { variant: string };
    };
    assert.equal(definition.decision?.variant, 'treatment');
    assert.equal(definition.end, '2026-11-24T12:00:00.000Z');
  });
});
