import { strict as assert } from 'node:assert';
import { parseExperimentFile } from '../../server/src/core/experiments/definition';
import { checkExperiments } from '../../server/src/core/experiments/definitionChecks';
import { Registry } from '../../server/src/core/registry/registry';
import { flagdFile, positionOf } from '../support/text';

const FILE = 'experiments/checkout-button.experiment.json';

function experimentText(overrides: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    flag: 'checkout-button',
    environment: 'production',
    control: 'blue',
    variants: ['blue', 'green'],
    hypothesis: 'A green button sells more',
    start: '2026-11-01T00:00:00Z',
    end: null,
    metrics: [
      { name: 'purchase', event: 'purchase', kind: 'binomial', goal: 'increase', role: 'primary' },
      { name: 'revenue', event: 'purchase', kind: 'mean', goal: 'increase', role: 'secondary' },
    ],
    analysis: { engine: 'frequentist', alpha: 0.05, correction: 'holm' },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return `${JSON.stringify(base, null, 2)}\n`;
}

function registryWith(flag: Record<string, unknown>): Registry {
  const registry = new Registry();
  registry.setFile('flags/production.flagd.json', flagdFile({ 'checkout-button': flag }));
  return registry;
}

const linkedFlag = (targeting: unknown, extra: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { blue: 'blue', green: 'green', red: 'red' },
  defaultVariant: 'blue',
  targeting,
  metadata: { type: 'experiment', experiment: 'checkout-button' },
  ...extra,
});

const fiftyFifty = {
  fractional: [{ cat: ['checkout-button', { var: 'targetingKey' }] }, ['blue', 50], ['green', 50]],
};

function codesOf(text: string, registry = registryWith(linkedFlag(fiftyFifty))): string[] {
  const parsed = parseExperimentFile(FILE, text);
  return [...parsed.findings, ...checkExperiments([parsed], registry)].map((finding) => finding.code);
}

describe('experiment definitions', () => {
  it('reads a definition, its key from the file name and the analysis plan over the defaults', () => {
    const parsed = parseExperimentFile(FILE, experimentText());
    assert.deepEqual(parsed.findings, []);
    const definition = parsed.definition;
    assert.ok(definition);
    assert.equal(definition.key, 'checkout-button');
    assert.deepEqual(definition.variants, ['blue', 'green']);
    assert.equal(definition.end, null);
    assert.equal(definition.analysis.correction, 'holm');
    assert.equal(definition.analysis.minUnitsPerVariant, 100);
    assert.equal(definition.metrics[1].kind, 'mean');
  });

  it('a definition that matches the registry has no findings', () => {
    assert.deepEqual(codesOf(experimentText()), []);
  });

  it('reports invalid JSON at its line and column, and gives no definition', () => {
    const text = '{\n  "flag": "checkout-button"\n  "environment": "production"\n}\n';
    const parsed = parseExperimentFile(FILE, text);
    assert.equal(parsed.definition, undefined);
    assert.equal(parsed.findings[0].code, 'experiment/invalid-json');
    assert.deepEqual(parsed.findings[0].range.start, positionOf(text, '"environment"'));
  });

  it('an empty file is reported as empty', () => {
    assert.deepEqual(codesOf(''), ['experiment/empty']);
  });

  it('reports an unknown metric kind at the kind, naming the known ones', () => {
    const text = experimentText({
      metrics: [
        { name: 'purchase', event: 'purchase', kind: 'percentile', goal: 'increase', role: 'primary' },
      ],
    });
    const parsed = parseExperimentFile(FILE, text);
    const finding = parsed.findings.find((item) => item.code === 'experiment/unknown-metric-value');
    assert.ok(finding);
    assert.deepEqual(finding.range.start, positionOf(text, '"percentile"'));
    assert.match(finding.message, /"binomial", "mean", "ratio"/);
    assert.equal(parsed.definition, undefined);
  });

  it('needs a primary metric', () => {
    const text = experimentText({
      metrics: [
        { name: 'errors', event: 'checkout_error', kind: 'binomial', goal: 'decrease', role: 'guardrail' },
      ],
    });
    assert.deepEqual(codesOf(text), ['experiment/no-primary-metric']);
  });

  it('needs start before end', () => {
    const text = experimentText({ end: '2026-10-01T00:00:00Z' });
    const parsed = parseExperimentFile(FILE, text);
    assert.deepEqual(
      parsed.findings.map((finding) => [finding.code, finding.range.start]),
      [['experiment/end-before-start', positionOf(text, '"2026-10-01T00:00:00Z"')]],
    );
  });

  it('refuses a date without a zone', () => {
    assert.deepEqual(codesOf(experimentText({ start: '2026-11-01' })), ['experiment/invalid-date']);
  });

  it('a ratio metric needs a denominator', () => {
    const text = experimentText({
      metrics: [{ name: 'aov', event: 'revenue', kind: 'ratio', goal: 'increase', role: 'primary' }],
    });
    assert.deepEqual(codesOf(text), ['experiment/invalid-metric']);
  });

  it('reports an alpha out of range at the value', () => {
    const text = experimentText({ analysis: { alpha: 5 } });
    const parsed = parseExperimentFile(FILE, text);
    assert.equal(parsed.findings[0].code, 'experiment/invalid-analysis');
    assert.deepEqual(parsed.findings[0].range.start, positionOf(text, '5', '"alpha"'));
  });

  it('the control must be one of the variants', () => {
    assert.deepEqual(codesOf(experimentText({ control: 'red' })), ['experiment/control-not-a-variant']);
  });

  it('reports a flag missing from the registry at the flag', () => {
    const text = experimentText({ flag: 'checkout-buton' });
    const parsed = parseExperimentFile(FILE, text);
    const findings = checkExperiments([parsed], registryWith(linkedFlag(fiftyFifty)));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'experiment/unknown-flag');
    assert.deepEqual(findings[0].range.start, positionOf(text, '"checkout-buton"'));
  });

  it('reports a flag that is not in the experiment environment', () => {
    assert.deepEqual(codesOf(experimentText({ environment: 'staging' })), [
      'experiment/flag-missing-in-environment',
    ]);
  });

  it('reports a variant the flag does not have, at the variant', () => {
    const text = experimentText({ variants: ['blue', 'purple'] });
    const parsed = parseExperimentFile(FILE, text);
    const findings = checkExperiments([parsed], registryWith(linkedFlag(fiftyFifty)));
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.range.start]),
      [
        ['experiment/unknown-variant', positionOf(text, '"purple"')],
        // green still gets half the units, outside the analysis: said, not an error.
        ['experiment/variants-outside-experiment', positionOf(text, '[', '"variants"')],
      ],
    );
  });

  it('reports a variant without a share in the fractional rollout', () => {
    const text = experimentText({ variants: ['blue', 'green', 'red'] });
    const findings = checkExperiments(
      [parseExperimentFile(FILE, text)],
      registryWith(linkedFlag(fiftyFifty)),
    );
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.range.start]),
      [['experiment/variant-without-share', positionOf(text, '"red"')]],
    );
  });

  it('reports a flag without a fractional rollout', () => {
    assert.deepEqual(codesOf(experimentText(), registryWith(linkedFlag(undefined))), [
      'experiment/no-rollout',
    ]);
  });

  it('finds the rollout inside a targeting ladder and reads its weights', () => {
    const ladder = { if: [{ in: [{ var: 'targetingKey' }, ['u-1']] }, 'green', fiftyFifty] };
    assert.deepEqual(codesOf(experimentText(), registryWith(linkedFlag(ladder))), []);
  });

  it('warns when the flag does not name the experiment, saying what to add', () => {
    const flag = linkedFlag(fiftyFifty, { metadata: { type: 'experiment' } });
    const findings = checkExperiments([parseExperimentFile(FILE, experimentText())], registryWith(flag));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'experiment/flag-not-linked');
    assert.equal(findings[0].severity, 'warning');
    assert.match(
      findings[0].message,
      /add "experiment": "checkout-button" to its metadata in flags\/production.flagd.json/,
    );
  });

  it('reports two files that define the same experiment key', () => {
    const a = parseExperimentFile('a.experiment.json', experimentText({ key: 'checkout-button' }));
    const b = parseExperimentFile('b.experiment.json', experimentText({ key: 'checkout-button' }));
    const codes = checkExperiments([a, b], registryWith(linkedFlag(fiftyFifty))).map(
      (finding) => `${finding.file} ${finding.code}`,
    );
    assert.deepEqual(codes, [
      'a.experiment.json experiment/duplicate-key',
      'b.experiment.json experiment/duplicate-key',
    ]);
  });
});
