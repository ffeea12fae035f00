/**
 * Sample ratio mismatch: Pearson's chi-square goodness of fit of the units per variant against
 * the configured shares, k-1 degrees of freedom (DESIGN.md section 9; Fabijan et al. 2019,
 * "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments", KDD, section 3).
 */
import { chiSquareUpperTail } from './distributions';

export interface SampleRatioMismatch {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
}

/**
 * `shares` are weights (any scale; normalised here), keyed like `units`. Variants with weight 0
 * (or none) are left out while they have no units; units there mean certain mismatch: p 0 and
 * chiSquare Number.MAX_VALUE (finite, so JSON-safe). Fewer than two weighted variants or no
 * units at all: nothing to test, chiSquare 0 and p 1.
 */
export function sampleRatioMismatch(
  units: Record<string, number>,
  shares: Record<string, number>,
): SampleRatioMismatch {
  const weighted = Object.keys(shares).filter((k) => shares[k] > 0);
  const degreesOfFreedom = Math.max(0, weighted.length - 1);
  const stray = Object.keys(units).some((k) => !(shares[k] > 0) && units[k] > 0);
  if (stray) return { chiSquare: Number.MAX_VALUE, degreesOfFreedom, pValue: 0 };
  const total = weighted.reduce((sum, k) => sum + (units[k] ?? 0), 0);
  if (weighted.length < 2 || total <= 0) return { chiSquare: 0, degreesOfFreedom, pValue: 1 };
  const weight = weighted.reduce((sum, k) => sum + shares[k], 0);
  let chiSquare = 0;
  for (const k of weighted) {
    const expected = (total * shares[k]) / weight;
    const observed = units[k] ?? 0;
    chiSquare += ((observed - expected) * (observed - expected)) / expected;
  }
  return { chiSquare, degreesOfFreedom, pValue: chiSquareUpperTail(chiSquare, degreesOfFreedom) };
}
