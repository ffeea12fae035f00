/**
 * Units per variant to detect a relative effect: two-sample test with unequal variances,
 * n = (z_{1-α/2} + z_{power})² (σ_c² + σ_t²) / δ² with δ = mde · m_c (Chow, Shao & Wang 2008,
 * "Sample Size Calculations in Clinical Research", 2nd ed., section 3.2.1; GrowthBook's
 * "Technical power details" uses the same normal approximation).
 */
import type { MetricKind } from '../../../../../shared/src/experiment';
import { standardNormalQuantile } from './distributions';

export interface PowerInput {
  kind: MetricKind;
  /** The control's mean and unit-level variance. */
  mean: number;
  variance: number;
  /** Relative effect to detect (0.05 = 5%). */
  mde: number;
  alpha: number;
  power: number;
}

/**
 * binomial: the treatment's variance is p_t(1 - p_t) at p_t = m_c (1 + mde), clamped to [0, 1];
 * mean and ratio: the control's variance. At least 2 (a variance needs two units). Undefined
 * when no effect can be detected: a control mean of 0 or mde <= 0.
 */
export function unitsPerVariantNeeded(input: PowerInput): number | undefined {
  const { kind, mean, variance, mde, alpha, power } = input;
  if (mean === 0 || !(mde > 0) || !Number.isFinite(mean) || !Number.isFinite(variance)) return undefined;
  let treatmentVariance = variance;
  if (kind === 'binomial') {
    const pt = Math.min(1, Math.max(0, mean * (1 + mde)));
    treatmentVariance = pt * (1 - pt);
  }
  const z = standardNormalQuantile(1 - alpha / 2) + standardNormalQuantile(power);
  const n = (z * z * (variance + treatmentVariance)) / (mde * mean) ** 2;
  return Math.max(2, Math.ceil(n));
}
