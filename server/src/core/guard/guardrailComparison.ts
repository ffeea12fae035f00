/**
 * One guardrail: the rolled-out variant against the baseline as an absolute difference
 * (rate points, or the value's unit), with an always-valid confidence sequence so that checking
 * every hour keeps the false alarm rate at alpha. The sequence is the experiments engine's
 * (Waudby-Smith et al., `confidenceSequence`), applied to the difference and its standard error:
 * it holds for any asymptotically normal estimate, which a difference of rates, of delta-method
 * means and of sample quantiles all are.
 */
import type { VariantStatistics } from '../../../../shared/src/experiment';
import type { GuardrailArm, GuardrailDefinition, GuardrailResult } from '../../../../shared/src/rollout';
import { armMoments, confidenceSequence } from '../experiments/statistics';
import type { QuantileSketch } from './quantileSketch';

/** Fewer units (binomial, mean) per arm than this: the normal approximation is not trusted yet. */
export const MIN_UNITS_PER_ARM = 30;
/** Quantiles: at least this many events above the quantile per arm (n (1-q) >= 10). */
export const MIN_TAIL_EVENTS = 10;

export type GuardrailArmData =
  { kind: 'binomial' | 'mean'; statistics: VariantStatistics } | { kind: 'quantile'; sketch: QuantileSketch };

export function quantileOf(kind: GuardrailDefinition['kind']): number | undefined {
  return kind === 'p95' ? 0.95 : kind === 'p99' ? 0.99 : undefined;
}

/** Binomial: the share of units with the event; mean: Σ values / Σ events over units (delta method). */
export function guardrailArm(guardrail: GuardrailDefinition, data: GuardrailArmData): GuardrailArm {
  if (data.kind === 'quantile') {
    const q = quantileOf(guardrail.kind)!;
    const n = data.sketch.count;
    return { n, value: n > 0 ? data.sketch.quantile(q) : NaN, standardError: data.sketch.standardError(q) };
  }
  const moments = armMoments(data.kind === 'mean' ? 'ratio' : 'binomial', data.statistics);
  return { n: moments.n, value: moments.mean, standardError: Math.sqrt(moments.varianceOfMean) };
}

export interface ComparisonSettings {
  alpha: number;
  /** Total units at which the sequence is tightest. */
  tuning: number;
}

/** `enough` says whether both arms have the data the approximation needs. */
export function compareGuardrail(
  guardrail: GuardrailDefinition,
  baseline: GuardrailArm,
  variant: GuardrailArm,
  settings: ComparisonSettings,
): GuardrailResult {
  const margin = guardrail.margin ?? 0;
  const result: GuardrailResult = {
    name: guardrail.name,
    event: guardrail.event,
    kind: guardrail.kind,
    direction: guardrail.direction,
    margin,
    baseline,
    variant,
    status: 'no-data',
  };
  const q = quantileOf(guardrail.kind);
  const enough = (arm: GuardrailArm) =>
    q === undefined ? arm.n >= MIN_UNITS_PER_ARM : arm.n * (1 - q) >= MIN_TAIL_EVENTS;
  if (
    !enough(baseline) ||
    !enough(variant) ||
    !Number.isFinite(baseline.value) ||
    !Number.isFinite(variant.value)
  )
    return result;
  const difference = variant.value - baseline.value;
  const standardError = Math.sqrt(baseline.standardError ** 2 + variant.standardError ** 2);
  if (!Number.isFinite(standardError)) return result;
  result.difference = difference;
  if (standardError === 0) {
    // No spread in either arm (e.g. no event at all): the difference is exact.
    result.interval = [difference, difference];
    result.pValue = difference === 0 ? 1 : 0;
  } else {
    const sequence = confidenceSequence(
      difference,
      standardError,
      baseline.n + variant.n,
      settings.alpha,
      settings.tuning,
    );
    result.interval = sequence.ci;
    result.pValue = sequence.pValue;
  }
  // In the "worse" orientation: positive is worse.
  const sign = guardrail.direction === 'decrease' ? 1 : -1;
  const [a, b] = result.interval.map((bound) => sign * bound);
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  if (low > margin) result.status = 'worse';
  else if (guardrail.margin === undefined ? true : high < margin) result.status = 'ok';
  else result.status = 'inconclusive';
  return result;
}
