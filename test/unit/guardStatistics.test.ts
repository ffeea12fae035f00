import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { VariantStatistics } from '../../shared/src/experiment';
import type { GuardrailDefinition, GuardrailKind } from '../../shared/src/rollout';
import { compareGuardrail, guardrailArm } from '../../server/src/core/guard/guardrailComparison';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from '../../server/src/core/guard/quantileSketch';
import { logGamma, sequentialSrmPValue } from '../../server/src/core/guard/sequentialSrm';

interface ExpectedComparison {
  difference: number;
  standardError: number;
  interval: [number, number];
  pValue: number;
}
interface SumArm {
  statistics: VariantStatistics;
  value: number;
  standardError: number;
}
interface QuantileArm {
  values: number[];
  n: number;
  value: number;
  standardError: number;
  bandwidth: number;
  sparsityQuantiles: [number, number];
}
/** Written by scripts/stats/generate_guard_expected.py (numpy + scipy), never by the code under test. */
interface Fixture {
  srmConcentration: number;
  logGamma: { x: number; value: number }[];
  srm: { units: Record<string, number>; shares: Record<string, number>; pValue: number }[];
  guardrails: {
    name: string;
    kind: GuardrailKind;
    alpha: number;
    tuning: number;
    arms: { baseline: SumArm | QuantileArm; variant: SumArm | QuantileArm };
    expected: ExpectedComparison;
  }[];
}

const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/guard/guard-expected.json'), 'utf8'),
) as Fixture;

function close(actual: number, expected: number, relative: number, label: string): void {
  const tolerance = relative * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} vs ${expected} (±${tolerance})`);
}

function definition(kind: GuardrailKind, margin?: number): GuardrailDefinition {
  return { name: 'g', event: 'e', kind, direction: 'decrease', ...(margin !== undefined && { margin }) };
}

function sketchOf(values: number[]): QuantileSketch {
  const sketch = new QuantileSketch();
  for (const value of values) sketch.add(value);
  return sketch;
}

describe('guard statistics against scipy (scripts/stats/generate_guard_expected.py)', () => {
  it('ln Γ matches scipy.special.gammaln from 0.001 to 2.5e7', () => {
    for (const { x, value } of fixture.logGamma) close(logGamma(x), value, 1e-12, `lnΓ(${x})`);
  });

  it('the sequential SRM p-value is the Dirichlet-multinomial over the multinomial likelihood', () => {
    for (const { units, shares, pValue } of fixture.srm)
      close(
        sequentialSrmPValue(units, shares, fixture.srmConcentration),
        pValue,
        1e-9,
        JSON.stringify(units),
      );
  });

  it('a unit in a variant with no share is a certain mismatch', () => {
    assert.equal(sequentialSrmPValue({ on: 3, off: 10 }, { off: 100, on: 0 }), 0);
  });

  for (const item of fixture.guardrails.filter((entry) => entry.kind === 'binomial' || entry.kind === 'mean'))
    it(`${item.kind}: ${item.name}: rates or means, standard errors, always-valid interval and p-value`, () => {
      const arms = item.arms as { baseline: SumArm; variant: SumArm };
      const guardrail = definition(item.kind);
      const kind = item.kind as 'binomial' | 'mean';
      const baseline = guardrailArm(guardrail, { kind, statistics: arms.baseline.statistics });
      const variant = guardrailArm(guardrail, { kind, statistics: arms.variant.statistics });
      close(baseline.value, arms.baseline.value, 1e-12, 'baseline value');
      close(variant.standardError, arms.variant.standardError, 1e-9, 'variant standard error');
      close(baseline.standardError, arms.baseline.standardError, 1e-9, 'baseline standard error');
      const result = compareGuardrail(guardrail, baseline, variant, {
        alpha: item.alpha,
        tuning: item.tuning,
      });
      close(result.difference!, item.expected.difference, 1e-12, 'difference');
      close(result.interval![0], item.expected.interval[0], 1e-9, 'interval low');
      close(result.interval![1], item.expected.interval[1], 1e-9, 'interval high');
      close(result.pValue!, item.expected.pValue, 1e-6, 'always-valid p');
      const expectedStatus = item.expected.interval[0] > 0 ? 'worse' : 'ok';
      assert.equal(result.status, expectedStatus);
    });

  for (const item of fixture.guardrails.filter((entry) => entry.kind === 'p95' || entry.kind === 'p99'))
    it(`${item.kind}: ${item.name}: the sketch's quantiles, standard errors and interval are within its error bound`, () => {
      const arms = item.arms as { baseline: QuantileArm; variant: QuantileArm };
      const q = item.kind === 'p95' ? 0.95 : 0.99;
      const a = SKETCH_RELATIVE_ACCURACY;
      const guardrail = definition(item.kind);
      const measured = { baseline: sketchOf(arms.baseline.values), variant: sketchOf(arms.variant.values) };
      // The sketch answers within a relative `a` of the exact sample quantile of the same rank;
      // Siddiqui's sparsity, a difference of two such quantiles over 2h, within a (Q_lo + Q_hi) / 2h.
      const seBound = (arm: QuantileArm) =>
        (a * (arm.sparsityQuantiles[0] + arm.sparsityQuantiles[1]) * Math.sqrt((q * (1 - q)) / arm.n)) /
        (Math.min(1, q + arm.bandwidth) - Math.max(0, q - arm.bandwidth));
      for (const side of ['baseline', 'variant'] as const) {
        const arm = guardrailArm(guardrail, { kind: 'quantile', sketch: measured[side] });
        assert.equal(arm.n, arms[side].n);
        assert.ok(
          Math.abs(arm.value - arms[side].value) <= a * arms[side].value + 1e-9,
          `${side} quantile ${arm.value} vs ${arms[side].value}`,
        );
        assert.ok(
          Math.abs(arm.standardError - arms[side].standardError) <= seBound(arms[side]) + 1e-9,
          `${side} standard error ${arm.standardError} vs ${arms[side].standardError} (bound ${seBound(arms[side])})`,
        );
      }
      const result = compareGuardrail(
        guardrail,
        guardrailArm(guardrail, { kind: 'quantile', sketch: measured.baseline }),
        guardrailArm(guardrail, { kind: 'quantile', sketch: measured.variant }),
        { alpha: item.alpha, tuning: item.tuning },
      );
      const expected = item.expected;
      const half = (expected.interval[1] - expected.interval[0]) / 2;
      const differenceBound = a * (arms.baseline.value + arms.variant.value);
      const halfBound = (half / expected.standardError) * (seBound(arms.baseline) + seBound(arms.variant));
      for (const index of [0, 1])
        assert.ok(
          Math.abs(result.interval![index] - expected.interval[index]) <= differenceBound + halfBound + 1e-9,
          `interval ${result.interval!.join(', ')} vs ${expected.interval.join(', ')} (±${differenceBound + halfBound})`,
        );
    });

  it('a quantile worse than the baseline rolls back without a margin, and is inconclusive within a wide one', () => {
    const item = fixture.guardrails.find((entry) => entry.name === 'latency p95 +60 ms')!;
    const arms = item.arms as { baseline: QuantileArm; variant: QuantileArm };
    assert.ok(
      item.expected.interval[0] > 0 && item.expected.interval[0] < 40,
      'the fixture has an interval from ~30',
    );
    const compare = (margin?: number) => {
      const guardrail = definition('p95', margin);
      return compareGuardrail(
        guardrail,
        guardrailArm(guardrail, { kind: 'quantile', sketch: sketchOf(arms.baseline.values) }),
        guardrailArm(guardrail, { kind: 'quantile', sketch: sketchOf(arms.variant.values) }),
        { alpha: item.alpha, tuning: item.tuning },
      ).status;
    };
    assert.equal(compare(), 'worse');
    assert.equal(compare(40), 'inconclusive');
    assert.equal(compare(500), 'ok');
  });

  it('a p95 needs at least 200 events per variant before it says anything', () => {
    const guardrail = definition('p95');
    const small = sketchOf(Array.from({ length: 150 }, (_, i) => 100 + i));
    const large = sketchOf(Array.from({ length: 1000 }, (_, i) => 100 + (i % 200)));
    const result = compareGuardrail(
      guardrail,
      guardrailArm(guardrail, { kind: 'quantile', sketch: large }),
      guardrailArm(guardrail, { kind: 'quantile', sketch: small }),
      { alpha: 0.01, tuning: 5000 },
    );
    assert.equal(result.status, 'no-data');
    assert.equal(result.interval, undefined);
  });
});

describe('quantile sketch from bucket counts (the seam for SQL sources)', () => {
  it('gives the same quantiles and standard errors from grouped bucket counts as from the values', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 50 + ((i * 7919) % 1000) / 3);
    const direct = sketchOf(values);
    const counts = new Map<number | null, number>();
    for (const value of values) {
      const bucket = QuantileSketch.bucketOf(value);
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
    const grouped = new QuantileSketch();
    for (const [bucket, count] of counts) grouped.addBucket(bucket, count);
    for (const q of [0.5, 0.95, 0.99]) {
      assert.equal(grouped.quantile(q), direct.quantile(q));
      assert.equal(grouped.standardError(q), direct.standardError(q));
    }
  });
});
