import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MetricKind, MetricReport, VariantStatistics } from '../../shared/src/experiment';
import {
  analyzeMetrics,
  type StatisticsInput,
} from '../../server/src/core/experiments/statistics/analyzeMetrics';
import { bayesianLift } from '../../server/src/core/experiments/statistics/bayesian';
import {
  benjaminiHochbergAdjusted,
  holmAdjusted,
} from '../../server/src/core/experiments/statistics/corrections';
import {
  chiSquareCdf,
  chiSquareUpperTail,
  standardNormalCdf,
  studentTUpperTail,
} from '../../server/src/core/experiments/statistics/distributions';
import { armMoments, type ArmMoments } from '../../server/src/core/experiments/statistics/moments';
import { unitsPerVariantNeeded } from '../../server/src/core/experiments/statistics/power';
import { relativeLift } from '../../server/src/core/experiments/statistics/relativeLift';
import {
  confidenceSequence,
  DEFAULT_SEQUENTIAL_TUNING,
  sequentialRho,
  sequentialTuning,
} from '../../server/src/core/experiments/statistics/sequential';
import { sampleRatioMismatch } from '../../server/src/core/experiments/statistics/srm';

/** Written by scripts/stats/generate_expected.py (numpy + scipy), never by the code under test. */
interface Fixture {
  defaultSequentialTuning: number;
  moments: { name: string; kind: MetricKind; statistics: VariantStatistics; expected: ArmMoments }[];
  relativeLift: {
    name: string;
    control: ArmMoments;
    treatment: ArmMoments;
    alpha: number;
    expected: Record<string, unknown>;
  }[];
  bayesian: { lift: number; standardError: number; goal: 'increase' | 'decrease'; expected: object }[];
  srm: { units: Record<string, number>; shares: Record<string, number>; expected: object }[];
  corrections: { pValues: number[]; holm: number[]; bh: number[] }[];
  sequential: {
    lift: number;
    standardError: number;
    n: number;
    tuning: number;
    alpha: number;
    expected: { rho: number; halfWidth: number; ci: [number, number]; pValue: number };
  }[];
  power: {
    kind: MetricKind;
    mean: number;
    variance: number;
    mde: number;
    alpha: number;
    power: number;
    expected: number | null;
  }[];
  analyses: { name: string; input: StatisticsInput; expected: MetricReport[] }[];
}

const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../fixtures/experiments/statistics-expected.json'), 'utf8'),
) as Fixture;

const RELATIVE = 1e-6;
/** Absolute floor for expected values at (or rounding to) zero. */
const ABSOLUTE = 1e-12;

/** Deep comparison: numbers within 1e-6 relative, everything else equal, no missing or extra keys. */
function assertClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${where}: expected a number, got ${String(actual)}`);
    const a = actual as number;
    assert.ok(Number.isFinite(a), `${where}: ${a} is not finite`);
    const tolerance = RELATIVE * Math.abs(expected) + ABSOLUTE;
    assert.ok(
      Math.abs(a - expected) <= tolerance,
      `${where}: ${a} differs from ${expected} by more than ${tolerance}`,
    );
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object`);
    const object = actual as Record<string, unknown>;
    const actualKeys = Object.keys(object).filter((k) => object[k] !== undefined);
    assert.deepEqual(actualKeys.sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [k, e] of Object.entries(expected)) assertClose(object[k], e, `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

/** GrowthBook rounds its published vectors to 5 decimals. */
function assertRounded(actual: number, published: number, what: string): void {
  assert.ok(
    Math.abs(actual - published) <= 5.000001e-6,
    `${what}: ${actual} is not ${published} to 5 decimals`,
  );
}

function meanArm(sum: number, sumSquares: number, units: number): ArmMoments {
  return armMoments('mean', { units, sum, sumSquares });
}

/** gbstats ProportionStatistic: variance p(1-p), without the n/(n-1) of DESIGN.md's sample variance. */
function gbstatsProportion(sum: number, n: number): ArmMoments {
  const p = sum / n;
  return { n, mean: p, variance: p * (1 - p), varianceOfMean: (p * (1 - p)) / n };
}

describe('experiment statistics', () => {
  describe('distributions', () => {
    it('computes upper tails without cancellation, where 1 - cdf would round to 0', () => {
      // Φ(-10) and Q(1, 200) = exp(-200) (chi-square with 2 dof) are known in closed form.
      assertClose(standardNormalCdf(-10), 7.619853024160527e-24, 'Φ(-10)');
      assertClose(chiSquareUpperTail(400, 2), Math.exp(-200), 'chi-square tail');
      assert.equal(1 - chiSquareCdf(400, 2), 0);
      assert.ok(studentTUpperTail(60, 30) > 0);
      assertClose(chiSquareUpperTail(3.2, 3) + chiSquareCdf(3.2, 3), 1, 'tails sum to 1');
    });
  });

  describe('moments', () => {
    for (const c of fixture.moments) {
      it(`gives the moments numpy computes from the unit values: ${c.name}`, () => {
        assertClose(armMoments(c.kind, c.statistics), c.expected, c.name);
      });
    }

    it('gives finite moments for no units, one unit and zero ratio denominators', () => {
      assert.deepEqual(armMoments('mean', { units: 0, sum: 0, sumSquares: 0 }), {
        n: 0,
        mean: 0,
        variance: 0,
        varianceOfMean: 0,
      });
      assert.deepEqual(armMoments('binomial', { units: 1, sum: 1, sumSquares: 1 }), {
        n: 1,
        mean: 1,
        variance: 0,
        varianceOfMean: 0,
      });
      const ratio = armMoments('ratio', {
        units: 5,
        sum: 3,
        sumSquares: 3,
        denominatorSum: 0,
        denominatorSumSquares: 0,
        crossSum: 0,
      });
      assert.deepEqual(ratio, { n: 5, mean: 0, variance: 0, varianceOfMean: 0 });
    });
  });

  describe('relative lift (Welch, delta method)', () => {
    for (const c of fixture.relativeLift) {
      it(`matches scipy's t distribution: ${c.name}`, () => {
        assertClose(relativeLift(c.control, c.treatment, c.alpha), c.expected, c.name);
      });
    }

    it("reproduces GrowthBook's published relative Welch vector", () => {
      const r = relativeLift(meanArm(1396.87, 52377.9767, 3407), meanArm(2422.7, 134698.29, 3461), 0.05);
      assert.ok(r);
      assertRounded(r.lift, 0.70732, 'lift');
      assertRounded(r.ci[0], -0.03526, 'ci low');
      assertRounded(r.ci[1], 1.44989, 'ci high');
      assertRounded(r.standardError, 0.37879, 'standard error');
      assertRounded(r.pValue, 0.06191, 'p');
    });

    it("reproduces GrowthBook's published binomial vector with its p(1-p) variance", () => {
      const r = relativeLift(gbstatsProportion(14, 28), gbstatsProportion(16, 30), 0.05);
      assert.ok(r);
      assertRounded(r.lift, 0.06667, 'lift');
      assertRounded(r.ci[0], -0.47767, 'ci low');
      assertRounded(r.ci[1], 0.61101, 'ci high');
      assertRounded(r.standardError, 0.2717, 'standard error');
      assertRounded(r.pValue, 0.80707, 'p');
    });

    it('has no estimate for a control mean of 0, an arm of one unit, or no variance', () => {
      const some = meanArm(50, 300, 10);
      assert.equal(relativeLift(meanArm(0, 0, 10), some, 0.05), undefined);
      assert.equal(relativeLift(meanArm(5, 25, 1), some, 0.05), undefined);
      assert.equal(relativeLift(meanArm(50, 250, 10), meanArm(60, 360, 10), 0.05), undefined);
    });
  });

  describe('Bayesian chance to beat control and risk', () => {
    for (const c of fixture.bayesian) {
      it(`matches scipy's normal (and quadrature for the risk): lift ${c.lift}, se ${c.standardError}, ${c.goal}`, () => {
        assertClose(bayesianLift(c.lift, c.standardError, c.goal), c.expected, 'bayesian');
      });
    }

    it("reproduces GrowthBook's published Bayesian vectors (flat prior)", () => {
      const norm = relativeLift(meanArm(100, 1002.25, 10), meanArm(105, 1111.5, 10), 0.05);
      assert.ok(norm);
      assertRounded(norm.lift, 0.05, 'lift');
      assertRounded(norm.standardError, 0.03572, 'standard error');
      const b = bayesianLift(norm.lift, norm.standardError, 'increase');
      assertRounded(b.chanceToBeatControl, 0.91923, 'chance to win');
      assertRounded(b.risk, 0.00131, 'risk of the treatment');
      const binom = relativeLift(gbstatsProportion(49, 100), gbstatsProportion(51, 100), 0.05);
      assert.ok(binom);
      const bb = bayesianLift(binom.lift, binom.standardError, 'increase');
      assertRounded(binom.lift, 0.04082, 'binomial lift');
      assertRounded(bb.chanceToBeatControl, 0.60918, 'binomial chance to win');
      assertRounded(bb.risk, 0.04058, 'binomial risk');
    });

    it('turns chance and risk around for a metric whose goal is to decrease', () => {
      const up = bayesianLift(0.03, 0.01, 'increase');
      const down = bayesianLift(0.03, 0.01, 'decrease');
      assertClose(up.chanceToBeatControl + down.chanceToBeatControl, 1, 'chances');
      assert.ok(down.risk > 0.029 && up.risk < 0.0001);
    });
  });

  describe('sample ratio mismatch', () => {
    for (const c of fixture.srm) {
      it(`matches scipy's chisquare: ${JSON.stringify(c.units)} against ${JSON.stringify(c.shares)}`, () => {
        assertClose(sampleRatioMismatch(c.units, c.shares), c.expected, 'srm');
      });
    }

    it('says p 0 when a variant without weight received units, and p 1 without units', () => {
      assert.deepEqual(sampleRatioMismatch({ a: 10, b: 10, c: 3 }, { a: 1, b: 1 }), {
        chiSquare: Number.MAX_VALUE,
        degreesOfFreedom: 1,
        pValue: 0,
      });
      assert.deepEqual(sampleRatioMismatch({ a: 0, b: 0 }, { a: 1, b: 1 }), {
        chiSquare: 0,
        degreesOfFreedom: 1,
        pValue: 1,
      });
    });
  });

  describe('corrections', () => {
    for (const c of fixture.corrections) {
      it(`gives Holm's and Benjamini-Hochberg's adjusted p for ${c.pValues.length} p-values`, () => {
        assertClose(holmAdjusted(c.pValues), c.holm, 'holm');
        assertClose(benjaminiHochbergAdjusted(c.pValues), c.bh, 'bh');
      });
    }

    it('keeps adjusted p-values monotone in p and at most 1', () => {
      const p = [0.04, 0.01, 0.03, 0.02, 0.6, 0.5];
      for (const adjust of [holmAdjusted, benjaminiHochbergAdjusted]) {
        const a = adjust(p);
        const order = p.map((_, i) => i).sort((x, y) => p[x] - p[y]);
        for (let i = 1; i < order.length; i++) assert.ok(a[order[i]] >= a[order[i - 1]]);
        assert.ok(a.every((v, i) => v <= 1 && v >= p[i]));
      }
    });
  });

  describe('sequential confidence sequences', () => {
    for (const c of fixture.sequential) {
      it(`matches the interval and the bisected always-valid p: n ${c.n}, tuning ${c.tuning}, α ${c.alpha}`, () => {
        const s = confidenceSequence(c.lift, c.standardError, c.n, c.alpha, c.tuning);
        assertClose(sequentialRho(c.alpha, c.tuning), c.expected.rho, 'rho');
        assertClose(s.halfWidth, c.expected.halfWidth, 'half-width');
        assertClose(s.ci, c.expected.ci, 'ci');
        // The fixture's p is bisected to ~1e-15 relative; the engine's is the closed form.
        assertClose(s.pValue, c.expected.pValue, 'p');
      });
    }

    it("reproduces GrowthBook's published sequential vectors", () => {
      const r = relativeLift(meanArm(1396.87, 52377.9767, 3000), meanArm(2422.7, 134698.29, 3461), 0.05);
      assert.ok(r);
      const s = confidenceSequence(r.lift, r.standardError, 6461, 0.05, 1000);
      assertRounded(r.lift, 0.50336, 'lift');
      assertRounded(s.ci[0], -0.55844, 'ci low');
      assertRounded(s.ci[1], 1.56516, 'ci high');
      assert.equal(s.pValue, 1);
      const prop = relativeLift(gbstatsProportion(1396, 3000), gbstatsProportion(2422, 3461), 0.05);
      assert.ok(prop);
      const sp = confidenceSequence(prop.lift, prop.standardError, 6461, 0.05, DEFAULT_SEQUENTIAL_TUNING);
      assertRounded(prop.lift, 0.50386, 'proportion lift');
      assertRounded(sp.ci[0], 0.40098, 'proportion ci low');
      assertRounded(sp.ci[1], 0.60675, 'proportion ci high');
      assertRounded(sp.pValue, 0, 'proportion p');
    });

    it('is wider than the fixed-horizon interval and tightest near the planned size', () => {
      const at = (tuning: number) => confidenceSequence(0.05, 0.02, 8000, 0.05, tuning).halfWidth;
      assert.ok(at(8000) < at(100) && at(8000) < at(1e6));
      assert.ok(at(8000) > 1.96 * 0.02);
      assert.equal(sequentialTuning(4000), 8000);
      assert.equal(sequentialTuning(undefined), fixture.defaultSequentialTuning);
    });
  });

  describe('power', () => {
    for (const c of fixture.power) {
      it(`needs the units per variant scipy's normal gives: ${c.kind}, mean ${c.mean}, mde ${c.mde}`, () => {
        assert.equal(unitsPerVariantNeeded(c) ?? null, c.expected);
      });
    }
  });

  describe('analyzeMetrics', () => {
    for (const c of fixture.analyses) {
      it(`gives the reports of the independent computation: ${c.name}`, () => {
        const reports = analyzeMetrics(c.input);
        assertClose(reports, c.expected, c.name);
        // JSON-safe: a round trip through JSON changes nothing (no NaN, no Infinity).
        assert.deepEqual(JSON.parse(JSON.stringify(reports)), reports);
      });
    }

    it('reports CUPED variance reductions, and none for a ratio metric', () => {
      const cuped = fixture.analyses.find((a) => a.name.startsWith('CUPED'));
      assert.ok(cuped);
      const [orderValue, returned, ratio] = analyzeMetrics(cuped.input);
      assert.ok((orderValue.results[0].cupedVarianceReduction ?? 0) > 0.5);
      assert.ok((returned.results[0].cupedVarianceReduction ?? 0) > 0);
      assert.equal(ratio.results[0].cupedVarianceReduction, undefined);
      const off = analyzeMetrics({ ...cuped.input, plan: { ...cuped.input.plan, cuped: false } });
      assert.ok(off[0].results[0].standardError > orderValue.results[0].standardError * 2);
      assert.equal(off[0].results[0].cupedVarianceReduction, undefined);
    });

    it('corrects primary and secondary metrics but never a guardrail', () => {
      for (const { input } of fixture.analyses.filter((a) => a.input.plan.correction !== 'none')) {
        for (const report of analyzeMetrics(input)) {
          for (const result of report.results) {
            assert.equal(result.adjustedPValue === undefined, report.role === 'guardrail', report.name);
          }
        }
      }
    });
  });
});
