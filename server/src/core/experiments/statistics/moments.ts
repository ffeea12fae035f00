/**
 * Per-arm moments of a metric from its sufficient statistics: units n, mean, the unit-level
 * sample variance (n-1) and the variance of the mean, the inputs of every test.
 */
import type { MetricKind, VariantStatistics } from '../../../../../shared/src/experiment';

export interface ArmMoments {
  n: number;
  mean: number;
  /** Unit-level sample variance with n-1 (ratio: of the delta-method linearisation). */
  variance: number;
  /** Variance of the arm's mean (ratio: of Σx/Σy). */
  varianceOfMean: number;
}

/**
 * Degenerate arms give finite values rather than NaN: no units -> mean 0; fewer than 2 units ->
 * variance 0 (undefined with n-1); a ratio whose denominators sum to 0 -> mean 0, variance 0.
 * Rounding can make Σx² - (Σx)²/n slightly negative for constant values: clamped to 0.
 */
export function armMoments(kind: MetricKind, s: VariantStatistics): ArmMoments {
  const n = s.units;
  if (kind === 'ratio') return ratioMoments(s);
  if (n <= 0) return { n: 0, mean: 0, variance: 0, varianceOfMean: 0 };
  const mean = s.sum / n;
  if (n < 2) return { n, mean, variance: 0, varianceOfMean: 0 };
  // binomial: sumSquares equals sum (0/1 values), so this is n/(n-1)·p(1-p), DESIGN.md section 9.
  const variance = Math.max(0, (s.sumSquares - (s.sum * s.sum) / n) / (n - 1));
  return { n, mean, variance, varianceOfMean: variance / n };
}

/**
 * Ratio of sums M = Σx/Σy over units. Delta method, Deng, Knoblich & Lu 2018, "Applying the
 * Delta Method in Metric Analytics" (KDD), section 2.2 / eq. (4):
 * Var(X̄/Ȳ) ≈ (1/n)(σx²/μy² - 2 μx σxy/μy³ + μx² σy²/μy⁴).
 */
function ratioMoments(s: VariantStatistics): ArmMoments {
  const n = s.units;
  const sumY = s.denominatorSum ?? 0;
  if (n <= 0 || sumY === 0) return { n: Math.max(0, n), mean: 0, variance: 0, varianceOfMean: 0 };
  const mx = s.sum / n;
  const my = sumY / n;
  const mean = mx / my;
  if (n < 2) return { n, mean, variance: 0, varianceOfMean: 0 };
  const vx = (s.sumSquares - n * mx * mx) / (n - 1);
  const vy = ((s.denominatorSumSquares ?? 0) - n * my * my) / (n - 1);
  const cxy = ((s.crossSum ?? 0) - n * mx * my) / (n - 1);
  const variance = Math.max(0, vx / (my * my) - (2 * mx * cxy) / my ** 3 + (mx * mx * vy) / my ** 4);
  return { n, mean, variance, varianceOfMean: variance / n };
}
