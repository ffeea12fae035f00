import { strict as assert } from 'node:assert';
import { DEFAULT_ANALYSIS, type AnalysisPlan, type VariantStatistics } from '../../shared/src/experiment';
import { analyzeMetrics } from '../../server/src/core/experiments/statistics/analyzeMetrics';

/**
 * A/A experiments (no true effect): how often does each way of reading them declare a winner?
 * Seeded, so the rates are the same on every run; the bounds leave room for a different seed.
 */

/** mulberry32: a small seeded 32-bit PRNG, uniform on [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller: a standard normal from two uniforms. */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const EXPERIMENTS = 2000;
const DAYS = 20;
const UNITS_PER_DAY = 100;
const ALPHA = 0.05;

/** A binomial metric (10% convert) and a mean metric (normal values, mean 50, sd 20). */
const METRICS = [
  { name: 'converted', event: 'converted', kind: 'binomial', goal: 'increase', role: 'primary' },
  { name: 'spend', event: 'spend', kind: 'mean', goal: 'increase', role: 'secondary' },
] as const;
const unitValue = [
  (random: () => number) => (random() < 0.1 ? 1 : 0),
  (random: () => number) => 50 + 20 * standardNormal(random),
];

interface Rates {
  fixedAtTheEnd: number;
  fixedPeekingDaily: number;
  sequentialPeekingDaily: number;
}

/** Significant results per metric of one look. */
function significant(plan: AnalysisPlan, arms: VariantStatistics[][]): boolean[] {
  const reports = analyzeMetrics({
    control: 'a',
    treatments: ['b'],
    plan,
    metrics: METRICS.map((metric, m) => ({ metric, variants: { a: arms[m][0], b: arms[m][1] } })),
  });
  return reports.map((r) => r.results[0].significant);
}

/** The false-positive rates per metric. */
function simulate(): Rates[] {
  const random = mulberry32(20261204);
  // No correction: each metric is read as if it were the only one.
  const fixed: AnalysisPlan = { ...DEFAULT_ANALYSIS, alpha: ALPHA, correction: 'none', sequential: false };
  const sequential: AnalysisPlan = {
    ...fixed,
    sequential: true,
    plannedUnitsPerVariant: DAYS * UNITS_PER_DAY,
  };
  const counts = METRICS.map(() => ({ fixedAtTheEnd: 0, fixedPeekingDaily: 0, sequentialPeekingDaily: 0 }));
  for (let e = 0; e < EXPERIMENTS; e++) {
    // Sufficient statistics accumulate day by day; each look reads all the data so far.
    const arms = METRICS.map(() => [0, 1].map(() => ({ units: 0, sum: 0, sumSquares: 0 })));
    const fixedHit = METRICS.map(() => false);
    const sequentialHit = METRICS.map(() => false);
    let last: boolean[] = [];
    for (let day = 1; day <= DAYS; day++) {
      METRICS.forEach((_, m) => {
        for (const arm of arms[m]) {
          for (let u = 0; u < UNITS_PER_DAY; u++) {
            const x = unitValue[m](random);
            arm.units++;
            arm.sum += x;
            arm.sumSquares += x * x;
          }
        }
      });
      last = significant(fixed, arms);
      const sequentialLook = significant(sequential, arms);
      METRICS.forEach((_, m) => {
        fixedHit[m] ||= last[m];
        sequentialHit[m] ||= sequentialLook[m];
      });
    }
    METRICS.forEach((_, m) => {
      if (last[m]) counts[m].fixedAtTheEnd++;
      if (fixedHit[m]) counts[m].fixedPeekingDaily++;
      if (sequentialHit[m]) counts[m].sequentialPeekingDaily++;
    });
  }
  return counts.map((c) => ({
    fixedAtTheEnd: c.fixedAtTheEnd / EXPERIMENTS,
    fixedPeekingDaily: c.fixedPeekingDaily / EXPERIMENTS,
    sequentialPeekingDaily: c.sequentialPeekingDaily / EXPERIMENTS,
  }));
}

describe('experiment false positives (seeded A/A simulation, binomial and normal metrics)', () => {
  let rates: Rates[];
  before(() => {
    rates = simulate();
  });
  const each = (check: (r: Rates) => boolean, what: (r: Rates) => number) =>
    METRICS.forEach((metric, m) => assert.ok(check(rates[m]), `${metric.name}: rate ${what(rates[m])}`));

  it(`rejects a fixed-horizon test read once at the end at α = ${ALPHA}, within 1.5 points`, () => {
    each(
      (r) => Math.abs(r.fixedAtTheEnd - ALPHA) <= 0.015,
      (r) => r.fixedAtTheEnd,
    );
  });

  it(`keeps the false-positive rate at most α when a sequential test is read every day for ${DAYS} days`, () => {
    each(
      (r) => r.sequentialPeekingDaily <= ALPHA,
      (r) => r.sequentialPeekingDaily,
    );
  });

  it('exceeds α when the fixed-horizon test is read every day: the peeking problem the sequential test solves', () => {
    // The same looks as the sequential test above, with the fixed interval instead: the contrast
    // shows the previous assertion fails for an interval that is not always valid.
    each(
      (r) => r.fixedPeekingDaily > 2 * ALPHA,
      (r) => r.fixedPeekingDaily,
    );
  });
});
