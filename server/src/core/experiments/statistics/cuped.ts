/**
 * CUPED: Deng, Xu, Kohavi & Walker 2013, "Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data" (WSDM), section 3.3: with p the pre-period value
 * of the same metric, Ȳ_cv = Ȳ - θ (P̄ - E[P]), θ = cov(Y, P) / var(P), and
 * Var(Ȳ_cv) = (s_y² + θ² s_p² - 2θ s_yp) / n. θ is one number pooled over the units of every arm
 * (randomisation makes P independent of the arm), E[P] the pooled pre-period mean.
 */
import type { VariantStatistics } from '../../../../../shared/src/experiment';
import type { ArmMoments } from './moments';

export interface CupedAdjustment {
  theta: number;
  /** Per arm: moments of the adjusted values y - θ (p - p̄). */
  arms: Record<string, ArmMoments>;
}

/**
 * Undefined when an arm lacks pre-period sums (CUPED cannot run). A pre-period without variance
 * gives θ = 0: the adjusted moments equal the raw ones (no reduction). Binomial and mean metrics
 * only; the caller leaves ratio metrics unadjusted.
 */
export function cupedAdjustment(variants: Record<string, VariantStatistics>): CupedAdjustment | undefined {
  const arms = Object.entries(variants);
  if (
    arms.some(
      ([, s]) => s.preSum === undefined || s.preSumSquares === undefined || s.preCrossSum === undefined,
    )
  ) {
    return undefined;
  }
  let n = 0;
  let sumY = 0;
  let sumP = 0;
  let sumPP = 0;
  let sumYP = 0;
  for (const [, s] of arms) {
    n += s.units;
    sumY += s.sum;
    sumP += s.preSum ?? 0;
    sumPP += s.preSumSquares ?? 0;
    sumYP += s.preCrossSum ?? 0;
  }
  if (n < 2) return { theta: 0, arms: Object.fromEntries(arms.map(([k, s]) => [k, adjusted(s, 0, 0)])) };
  const varP = (sumPP - (sumP * sumP) / n) / (n - 1);
  const covYP = (sumYP - (sumY * sumP) / n) / (n - 1);
  const theta = varP > 0 ? covYP / varP : 0;
  const pooledPre = sumP / n;
  return { theta, arms: Object.fromEntries(arms.map(([k, s]) => [k, adjusted(s, theta, pooledPre)])) };
}

function adjusted(s: VariantStatistics, theta: number, pooledPre: number): ArmMoments {
  const n = s.units;
  if (n <= 0) return { n: 0, mean: 0, variance: 0, varianceOfMean: 0 };
  const my = s.sum / n;
  const mp = (s.preSum ?? 0) / n;
  const mean = my - theta * (mp - pooledPre);
  if (n < 2) return { n, mean, variance: 0, varianceOfMean: 0 };
  const vy = (s.sumSquares - n * my * my) / (n - 1);
  const vp = ((s.preSumSquares ?? 0) - n * mp * mp) / (n - 1);
  const cyp = ((s.preCrossSum ?? 0) - n * my * mp) / (n - 1);
  const variance = Math.max(0, vy + theta * theta * vp - 2 * theta * cyp);
  return { n, mean, variance, varianceOfMean: variance / n };
}
