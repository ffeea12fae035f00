/**
 * The distribution functions the statistics need, typed, over the `@stdlib` packages (measured
 * within 1e-11 of scipy, FIELD_NOTES). Upper tails are computed by symmetry or as the upper
 * regularised gamma directly: `1 - cdf(x)` rounds to exactly 0 in the deep tail.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import chiSquareCdfOf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalPdf from '@stdlib/stats-base-dists-normal-pdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Φ(x), the standard normal CDF. */
export function standardNormalCdf(x: number): number {
  return normalCdf(x, 0, 1);
}

/** φ(x), the standard normal density. */
export function standardNormalPdf(x: number): number {
  return normalPdf(x, 0, 1);
}

/** Φ⁻¹(p). */
export function standardNormalQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** P(T > x) for Student's t with `dof` degrees of freedom, as T_dof(-x). */
export function studentTUpperTail(x: number, dof: number): number {
  return tCdf(-x, dof);
}

/** The t quantile T⁻¹_dof(p). */
export function studentTQuantile(p: number, dof: number): number {
  return tQuantile(p, dof);
}

/** P(X > x) for a chi-square with k degrees of freedom: the regularised upper gamma Q(k/2, x/2). */
export function chiSquareUpperTail(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, k / 2, true, true);
}

/** P(X <= x) for a chi-square with k degrees of freedom (the lower tail; use the upper one for p-values). */
export function chiSquareCdf(x: number, k: number): number {
  return chiSquareCdfOf(x, k);
}
