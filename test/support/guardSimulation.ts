import type { RolloutPlan } from '../../shared/src/rollout';
import type { RolloutData } from '../../server/src/core/guard/guardEvents';
import { buildGuardReport } from '../../server/src/core/guard/guardReport';
import type { TimelineSegment } from '../../server/src/core/guard/rolloutTimeline';

/**
 * Guarded rollouts simulated hour by hour and checked by the real decision code every hour for
 * 14 days, the policy of a scheduled `flaglens guard --apply`: continue advances to the next step,
 * rollback ends the rollout. Traffic: Poisson arrivals (20,000 units a day), split between the
 * variants by the step's weights (Poisson thinning, exact), errors Binomial per variant and hour.
 */
export const HOUR = 3_600_000;
export const START = Date.parse('2026-11-01T00:00:00Z');
export const HOURS = 14 * 24;
export const UNITS_PER_HOUR = 20_000 / 24;
export const BASE_ERROR_RATE = 0.02;

export const plan: RolloutPlan = {
  key: 'simulated',
  file: 'simulated.rollout.json',
  flag: 'simulated',
  environment: 'production',
  variant: 'on',
  baseline: 'off',
  start: new Date(START).toISOString(),
  steps: [
    { percent: 1, minDurationHours: 24, minUnits: 50 },
    { percent: 5, minDurationHours: 24, minUnits: 200 },
    { percent: 25, minDurationHours: 48, minUnits: 1000 },
    { percent: 50, minDurationHours: 48, minUnits: 2000 },
    { percent: 100, minDurationHours: 24, minUnits: 0 },
  ],
  guardrails: [{ name: 'errors', event: 'error', kind: 'binomial', direction: 'decrease' }],
  alpha: 0.05,
  sequentialTuning: 5000,
  rollback: 'rollout-to-zero',
  noTrafficHours: 6,
  history: [],
};
export const PLAN_HOURS = plan.steps.reduce((sum, step) => sum + step.minDurationHours, 0);

/** mulberry32, seeded: the same rollouts every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Knuth's product method below 30, the normal approximation (rounded) above. */
function poisson(random: () => number, mean: number): number {
  if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let product = random();
  while (product > limit) {
    k++;
    product *= random();
  }
  return k;
}

/** Successes counted by geometric gaps: exact, O(n p). */
function binomial(random: () => number, n: number, p: number): number {
  if (n * p >= 50)
    return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(random))));
  const logQ = Math.log(1 - p);
  let successes = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}

export interface Outcome {
  /** Hours from the start to the rollback, undefined when it did not roll back. */
  rollbackHour: number | undefined;
  finalPercent: number;
}

export function simulate(seed: number, variantErrorRate: number): Outcome {
  const random = generator(seed);
  const segments: TimelineSegment[] = [{ start: START, end: START, percent: 1, step: 0, action: 'start' }];
  const segmentUnits: Record<string, number>[] = [{ off: 0, on: 0 }];
  const totals = { off: { units: 0, errors: 0 }, on: { units: 0, errors: 0 } };
  for (let hour = 1; hour <= HOURS; hour++) {
    const current = segments[segments.length - 1];
    const share = current.percent / 100;
    const arrivals = {
      on: poisson(random, UNITS_PER_HOUR * share),
      off: poisson(random, UNITS_PER_HOUR * (1 - share)),
    };
    for (const arm of ['on', 'off'] as const) {
      const rate = arm === 'on' ? variantErrorRate : BASE_ERROR_RATE;
      totals[arm].units += arrivals[arm];
      totals[arm].errors += binomial(random, arrivals[arm], rate);
      segmentUnits[segmentUnits.length - 1][arm] += arrivals[arm];
    }
    const now = START + hour * HOUR;
    current.end = now;
    const statistics = (arm: 'on' | 'off') => ({
      units: totals[arm].units,
      sum: totals[arm].errors,
      sumSquares: totals[arm].errors,
    });
    const data: RolloutData = {
      asOf: new Date(now).toISOString(),
      source: 'files',
      records: totals.on.units + totals.off.units,
      badRecords: 0,
      badRecordSamples: [],
      units: { off: totals.off.units, on: totals.on.units },
      exposures: { off: totals.off.units, on: totals.on.units },
      multipleExposures: 0,
      otherVariantUnits: 0,
      rampedUnits: 0,
      lastExposure: { off: now - 1, on: now - 1 },
      hourlyUnits: [],
      segmentUnits,
      guardrails: [
        {
          baseline: { kind: 'binomial', statistics: statistics('off') },
          variant: { kind: 'binomial', statistics: statistics('on') },
        },
      ],
    };
    const report = buildGuardReport({
      plan,
      data,
      share: { kind: 'percent', percent: current.percent, shares: { on: share, off: 1 - share } },
      segments,
    });
    const { decision } = report;
    if (decision.verdict === 'rollback') return { rollbackHour: hour, finalPercent: current.percent };
    if (decision.action?.kind === 'advance') {
      const next = decision.action.percent;
      segments.push({
        start: now,
        end: now,
        percent: next,
        step: plan.steps.findIndex((step) => step.percent === next),
        action: 'advance',
      });
      segmentUnits.push({ off: 0, on: 0 });
    }
  }
  return { rollbackHour: undefined, finalPercent: segments[segments.length - 1].percent };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
