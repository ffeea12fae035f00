/**
 * Frequentist relative lift of a treatment against the control, exactly as DESIGN.md section 9
 * writes it (GrowthBook's "Statistical Details", Lift (Relative Effects), is the same test).
 */
import { studentTQuantile, studentTUpperTail } from './distributions';
import type { ArmMoments } from './moments';

export interface RelativeLift {
  lift: number;
  /** Var(L) by the delta method. */
  variance: number;
  standardError: number;
  degreesOfFreedom: number;
  ci: [number, number];
  pValue: number;
}

/**
 * Undefined when the test has no meaning: an arm with fewer than 2 units (no n-1 variance), a
 * control mean of 0 (no relative lift) or Var(L) = 0 (no variance in either arm). The caller
 * reports its documented fallback then. For ratio metrics `varianceOfMean` is the ratio's
 * delta-method variance and the degrees of freedom use n-1 per arm.
 */
export function relativeLift(
  control: ArmMoments,
  treatment: ArmMoments,
  alpha: number,
): RelativeLift | undefined {
  if (control.n < 2 || treatment.n < 2 || control.mean === 0) return undefined;
  const mc = control.mean;
  const mt = treatment.mean;
  const vc = control.varianceOfMean;
  const vt = treatment.varianceOfMean;
  const lift = (mt - mc) / mc;
  // Delta method: Var(L) = s_t²/(n_t m_c²) + s_c² m_t²/(n_c m_c⁴).
  const variance = vt / (mc * mc) + (vc * mt * mt) / mc ** 4;
  if (!(variance > 0) || !Number.isFinite(variance) || !Number.isFinite(lift)) return undefined;
  const standardError = Math.sqrt(variance);
  // Welch 1947 / Satterthwaite 1946, written with the variances of the means:
  // (s²/n)² / (n-1) = s⁴/(n²(n-1)).
  const degreesOfFreedom = (vt + vc) ** 2 / ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1));
  const q = studentTQuantile(1 - alpha / 2, degreesOfFreedom);
  // Two-sided p = 2 (1 - T(|t|)), as 2 T(-|t|) so that it does not round to 0 in the tail.
  const pValue = Math.min(1, 2 * studentTUpperTail(Math.abs(lift) / standardError, degreesOfFreedom));
  return {
    lift,
    variance,
    standardError,
    degreesOfFreedom,
    ci: [lift - q * standardError, lift + q * standardError],
    pValue,
  };
}
