import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ExposurePass, GuardrailPass } from '../../server/src/core/guard/guardEvents';
import { appendHistory } from '../../server/src/core/guard/planHistory';
import { rampEdits } from '../../server/src/core/guard/rampEdit';
import { checkRolloutPlans } from '../../server/src/core/guard/rolloutChecks';
import { parseRolloutPlan } from '../../server/src/core/guard/rolloutPlan';
import { rolloutTimeline } from '../../server/src/core/guard/rolloutTimeline';
import { Registry } from '../../server/src/core/registry/registry';
import { applyOffsetEdits } from '../../server/src/core/textEdit';
import { repoRoot } from '../support/cli';
import { flagdFile, positionOf } from '../support/text';

const FILE = 'rollouts/new-api.rollout.json';

function planText(overrides: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    flag: 'new-api',
    environment: 'production',
    variant: 'on',
    baseline: 'off',
    start: '2026-11-01T00:00:00Z',
    steps: [
      { percent: 5, minDurationHours: 24, minUnits: 100 },
      { percent: 50, minDurationHours: 24, minUnits: 1000 },
      { percent: 100 },
    ],
    guardrails: [
      { name: 'errors', event: 'api_error', kind: 'binomial', direction: 'decrease' },
      { name: 'latency p95', event: 'api_latency_ms', kind: 'p95', direction: 'decrease', margin: 50 },
    ],
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return `${JSON.stringify(base, null, 2)}\n`;
}

const rollout = (on: number, off: number) => ({
  fractional: [{ cat: ['new-api', { var: 'targetingKey' }] }, ['on', on], ['off', off]],
});

function registryWith(targeting: unknown, state = 'ENABLED'): Registry {
  const registry = new Registry();
  registry.setFile(
    'flags/production.flagd.json',
    flagdFile({ 'new-api': { state, variants: { on: true, off: false }, defaultVariant: 'off', targeting } }),
  );
  return registry;
}

function findingsOf(text: string, registry = registryWith(rollout(5, 95))) {
  const parsed = parseRolloutPlan(FILE, text);
  return [...parsed.findings, ...checkRolloutPlans([parsed], registry)];
}

describe('rollout plans (*.rollout.json)', () => {
  it('reads a plan with its defaults: key from the file name, alpha 0.01, rollback to 0%, 6 h without traffic', () => {
    const parsed = parseRolloutPlan(FILE, planText());
    assert.deepEqual(parsed.findings, []);
    assert.equal(parsed.plan?.key, 'new-api');
    assert.equal(parsed.plan?.alpha, 0.01);
    assert.equal(parsed.plan?.rollback, 'rollout-to-zero');
    assert.equal(parsed.plan?.noTrafficHours, 6);
    assert.deepEqual(parsed.plan?.steps[2], { percent: 100, minDurationHours: 0, minUnits: 0 });
    assert.deepEqual(parsed.plan?.history, []);
    assert.deepEqual(findingsOf(planText()), []);
  });

  it('points at the value that is wrong, with the line and column', () => {
    const text = planText({
      steps: [{ percent: 25 }, { percent: 5 }],
      guardrails: [{ name: 'errors', event: 'api_error', kind: 'p90', direction: 'decrease' }],
    });
    const parsed = parseRolloutPlan(FILE, text);
    const five = positionOf(text, '"percent": 5\n');
    assert.equal(parsed.plan, undefined);
    const byCode = parsed.findings.map((finding) => [finding.code, finding.range.start, finding.message]);
    assert.deepEqual(byCode, [
      [
        'rollout/steps-not-increasing',
        { line: five.line, character: five.character + '"percent": '.length },
        'Step percentages must increase: 5% follows 25%.',
      ],
      [
        'rollout/invalid-guardrail',
        positionOf(text, '"p90"'),
        'Guardrail "kind" must be one of "binomial", "mean", "p95", "p99", not "p90".',
      ],
    ]);
  });

  it('reports invalid JSON and an empty file instead of throwing', () => {
    const broken = parseRolloutPlan(FILE, '{ "flag": "new-api", ');
    assert.equal(broken.plan, undefined);
    assert.ok(broken.findings.every((finding) => finding.code === 'rollout/invalid-json'));
    assert.ok(broken.findings.length > 0);
    assert.deepEqual(
      parseRolloutPlan(FILE, '  \n').findings.map((finding) => finding.code),
      ['rollout/empty'],
    );
  });

  it('checks the flag, its variants and its rollout in the plan environment, at their place', () => {
    const text = planText({ variant: 'enabled', environment: 'production' });
    const findings = findingsOf(text);
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.range.start]),
      [
        ['rollout/unknown-variant', positionOf(text, '"enabled"')],
        // "on" is served but compared with nothing.
        ['rollout/other-variants-served', positionOf(text, '"off"')],
      ],
    );
    assert.deepEqual(
      findingsOf(planText({ flag: 'new-apii' })).map((finding) => finding.code),
      ['rollout/unknown-flag'],
    );
    assert.deepEqual(
      findingsOf(planText({ environment: 'staging' })).map((finding) => finding.code),
      ['rollout/flag-missing-in-environment'],
    );
    assert.deepEqual(
      findingsOf(planText(), registryWith(undefined)).map((finding) => finding.code),
      ['rollout/no-rollout'],
    );
    assert.deepEqual(
      findingsOf(planText(), registryWith(rollout(12, 88))).map((finding) => finding.code),
      ['rollout/share-not-a-step'],
    );
  });

  it('accepts the demo plans with the shipped schema and without findings against the demo registry', () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas/rollout.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const registry = new Registry();
    registry.setFile(
      'flags/production.flagd.json',
      readFileSync(join(repoRoot, 'examples/demo/flags/production.flagd.json'), 'utf8'),
    );
    for (const name of ['new-checkout', 'new-api']) {
      const file = `rollouts/${name}.rollout.json`;
      const text = readFileSync(join(repoRoot, 'examples/demo', file), 'utf8');
      assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors));
      const parsed = parseRolloutPlan(file, text);
      assert.deepEqual([...parsed.findings, ...checkRolloutPlans([parsed], registry)], [], file);
    }
    assert.equal(validate(JSON.parse(planText({ rollback: 'pause' }))), false);
  });
});

describe('rollout events (two passes)', () => {
  const plan = parseRolloutPlan(
    FILE,
    planText({ history: [{ at: '2026-11-02T00:00:00Z', action: 'advance', percent: 50, reason: 'ok' }] }),
  ).plan!;
  const at = (text: string) => Date.parse(text);
  const exposure = (unit: string, variant: string, ts: string) =>
    ({ type: 'exposure', ts: at(ts), unit, flag: 'new-api', variant }) as const;
  const track = (unit: string, event: string, ts: string, value?: number) =>
    ({ type: 'track', ts: at(ts), unit, event, value }) as const;

  it('leaves out units moved to the variant by a larger step, counts other mixes as multiple exposures', () => {
    const asOf = at('2026-11-03T00:00:00Z');
    const segments = rolloutTimeline(plan, asOf);
    const events = [
      // Out of order on purpose: the error comes before its unit's exposure is read.
      track('u-1', 'api_error', '2026-11-01T10:00:00Z'),
      exposure('u-1', 'on', '2026-11-01T09:00:00Z'),
      exposure('u-2', 'off', '2026-11-01T09:00:00Z'),
      exposure('u-2', 'on', '2026-11-02T09:00:00Z'), // moved by the 50% step
      exposure('u-3', 'on', '2026-11-01T09:00:00Z'),
      exposure('u-3', 'off', '2026-11-01T11:00:00Z'), // not sticky
      exposure('u-4', 'off', '2026-11-02T10:00:00Z'),
      track('u-4', 'api_error', '2026-11-02T09:00:00Z'), // before its exposure: does not count
      track('u-4', 'api_latency_ms', '2026-11-02T11:00:00Z', 120),
      exposure('u-5', 'on', '2026-11-03T00:00:00Z'), // at asOf: not yet
    ];
    const exposures = new ExposurePass(plan, asOf);
    for (const event of events) exposures.add(event);
    exposures.settle(segments);
    const guardrails = new GuardrailPass(plan, exposures, asOf);
    for (const event of events) guardrails.add(event);
    const data = guardrails.finish({ records: 10, badRecords: 0, badRecordSamples: [] }, segments, 'files');
    assert.deepEqual(data.units, { off: 1, on: 1 });
    assert.equal(data.rampedUnits, 1);
    assert.equal(data.multipleExposures, 1);
    assert.deepEqual(data.segmentUnits, [
      { off: 0, on: 1 },
      { off: 1, on: 0 },
    ]);
    const errors = data.guardrails[0];
    assert.deepEqual(errors.variant.kind === 'binomial' && errors.variant.statistics.sum, 1);
    assert.deepEqual(errors.baseline.kind === 'binomial' && errors.baseline.statistics.sum, 0);
    const latency = data.guardrails[1];
    assert.ok(latency.baseline.kind === 'quantile');
    assert.equal(latency.baseline.sketch.count, 1);
  });
});

describe('guard edits', () => {
  const registryText = `{
  "flags": {
    "new-api": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "fractional": [{ "cat": ["new-api", { "var": "targetingKey" }] }, ["on", 5], ["off", 95]] }
    }
  }
}
`;

  it('a ramp step changes only the weight numbers of the buckets', () => {
    const advanced = applyOffsetEdits(registryText, rampEdits(registryText, 'new-api', 'on', 50));
    assert.equal(advanced, registryText.replace('["on", 5], ["off", 95]', '["on", 50], ["off", 50]'));
    const rolledBack = applyOffsetEdits(registryText, rampEdits(registryText, 'new-api', 'on', 0));
    assert.equal(rolledBack, registryText.replace('["on", 5], ["off", 95]', '["on", 0], ["off", 100]'));
  });

  it('records a step as one more history line, creating the list when there is none', () => {
    const entry = {
      at: '2026-11-03T00:00:00Z',
      action: 'rollback',
      percent: 0,
      reason: 'errors +2.1 pts',
    } as const;
    const line =
      '{ "at": "2026-11-03T00:00:00Z", "action": "rollback", "percent": 0, "reason": "errors +2.1 pts" }';
    const without = '{\n  "flag": "new-api",\n  "steps": []\n}\n';
    assert.equal(
      applyOffsetEdits(without, appendHistory(without, entry)),
      `{\n  "flag": "new-api",\n  "steps": [],\n  "history": [\n    ${line}\n  ]\n}\n`,
    );
    const empty = '{\n  "flag": "new-api",\n  "history": []\n}\n';
    assert.equal(
      applyOffsetEdits(empty, appendHistory(empty, entry)),
      `{\n  "flag": "new-api",\n  "history": [\n    ${line}\n  ]\n}\n`,
    );
    const some = '{\n  "history": [\n    { "at": "x" }\n  ]\n}\n';
    assert.equal(
      applyOffsetEdits(some, appendHistory(some, entry)),
      `{\n  "history": [\n    { "at": "x" },\n    ${line}\n  ]\n}\n`,
    );
    const parsed = parseRolloutPlan(FILE, applyOffsetEdits(planText(), appendHistory(planText(), entry)));
    assert.deepEqual(parsed.plan?.history, [entry]);
  });
});
