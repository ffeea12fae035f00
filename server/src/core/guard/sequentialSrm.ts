/**
 * Sample ratio mismatch tested sequentially, so that a check every hour does not raise the false
 * alarm rate as repeated chi-square tests would: the Dirichlet-multinomial Bayes factor of
 * Lindon & Malek, "Anytime-Valid Inference for Multinomial Count Data" (NeurIPS 2022), section 3.
 * Against the null shares θ0 and a Dirichlet(k·θ0) alternative, after counts n_i (n = Σ n_i):
 *   BF = Γ(k) / Γ(k + n) · Π Γ(k θ0_i + n_i) / Γ(k θ0_i) / Π θ0_i^(n_i),
 * a nonnegative martingale under the null, so p = min(1, 1/BF) is valid at every look at once
 * (Ville's inequality).
 */

/**
 * ln Γ(x) for x > 0: Stirling's series to the x^-9 term once x >= 10 (absolute error below 1e-13
 * there), shifted up by Γ(x) = Γ(x + 1) / x below (the distribution packages in use do not export
 * it; checked against scipy.special.gammaln by scripts/stats/generate_guard_expected.py).
 */
export function logGamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= Math.log(x);
    x += 1;
  }
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  const series =
    inverse *
    (1 / 12 - inverse2 * (1 / 360 - inverse2 * (1 / 1260 - inverse2 * (1 / 1680 - inverse2 / 1188))));
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
}

/** Prior concentration k: the alternative's shares are spread about the null like ~100 units' worth. */
export const SRM_PRIOR_CONCENTRATION = 100;

export function sequentialSrmPValue(
  units: Record<string, number>,
  shares: Record<string, number>,
  concentration = SRM_PRIOR_CONCENTRATION,
): number {
  const keys = Object.keys(shares).filter((key) => shares[key] > 0);
  if (Object.keys(units).some((key) => !(shares[key] > 0) && units[key] > 0)) return 0;
  const weight = keys.reduce((sum, key) => sum + shares[key], 0);
  const n = keys.reduce((sum, key) => sum + (units[key] ?? 0), 0);
  if (keys.length < 2 || n === 0) return 1;
  let logBf = logGamma(concentration) - logGamma(concentration + n);
  for (const key of keys) {
    const theta = shares[key] / weight;
    const count = units[key] ?? 0;
    logBf +=
      logGamma(concentration * theta + count) - logGamma(concentration * theta) - count * Math.log(theta);
  }
  return Math.min(1, Math.exp(-logBf));
}
