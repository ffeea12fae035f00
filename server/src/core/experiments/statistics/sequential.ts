/**
 * Always-valid inference: asymptotic confidence sequences, Waudby-Smith, Arnold, Wu, Howard &
 * Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences" (arXiv
 * 2103.06476v7), eq. (9) for the half-width and eq. (161) for the tuning ρ, as GrowthBook's gbstats
 * uses them (frequentist/tests.py SequentialTwoSidedTTest, utils.py sequential_rho and
 * sequential_interval_halfwidth; docs "Sequential Testing").
 */

/** GrowthBook's default tuning (gbstats SequentialConfig.sequential_tuning_parameter): total units. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/**
 * The tuning parameter: total units of the two arms compared at the planned end (the sequence is
 * tightest there), so planned units per variant × 2; GrowthBook's default without a plan.
 */
export function sequentialTuning(plannedUnitsPerVariant: number | undefined): number {
  return plannedUnitsPerVariant !== undefined && plannedUnitsPerVariant > 0
    ? 2 * plannedUnitsPerVariant
    : DEFAULT_SEQUENTIAL_TUNING;
}

/** ρ = sqrt((-2 ln α + ln(-2 ln α + 1)) / N*), eq. (161). */
export function sequentialRho(alpha: number, tuning: number): number {
  const a = -2 * Math.log(alpha);
  return Math.sqrt((a + Math.log(a + 1)) / tuning);
}

export interface ConfidenceSequence {
  ci: [number, number];
  halfWidth: number;
  /** The smallest α at which the sequence (with the same ρ) excludes 0, capped at 1. */
  pValue: number;
}

/**
 * `n` is the total units of both arms, `standardError` the lift's (delta-method) standard error;
 * σ² = se²·n is the per-unit variance the paper's margin scales. Half-width, eq. (9):
 * σ sqrt(2 (nρ² + 1) ln(sqrt(nρ² + 1)/α) / (nρ)²).
 */
export function confidenceSequence(
  lift: number,
  standardError: number,
  n: number,
  alpha: number,
  tuning: number,
): ConfidenceSequence {
  const rho = sequentialRho(alpha, tuning);
  const nr2 = n * rho * rho;
  const s2 = standardError * standardError * n;
  const halfWidth = Math.sqrt((s2 * 2 * (nr2 + 1) * Math.log(Math.sqrt(nr2 + 1) / alpha)) / (n * rho) ** 2);
  return {
    ci: [lift - halfWidth, lift + halfWidth],
    halfWidth,
    pValue: alwaysValidPValue(lift, standardError, n, rho),
  };
}

/**
 * Solving |L| = half-width(α) for α: α = sqrt(nρ² + 1) · exp(-ρ² n L² / (2 se² (nρ² + 1))), which is
 * 1 / e-value of eq. (155) as gbstats computes it. Closed form, so no bisection; in log space so
 * that a strong effect gives a tiny p rather than overflow.
 */
function alwaysValidPValue(lift: number, standardError: number, n: number, rho: number): number {
  const nr2 = n * rho * rho;
  const logP =
    0.5 * Math.log(nr2 + 1) - (rho * rho * n * lift * lift) / (2 * standardError * standardError * (nr2 + 1));
  return Math.min(1, Math.exp(logP));
}
