/**
 * Rollout weights that keep users where they are. flagd's `fractional` maps a user's hash to a
 * bucket in [0, total) and walks the variants in order, so a variant owns one contiguous range.
 * Keeping the order and the total means raising the first (or last) variant only extends its
 * range: the users it had keep it. Scaling every weight by the same factor moves no user either
 * (bucket < w exactly when hash * total < w * 2^32), which is how a percentage that the current
 * total cannot express exactly (12.5% of 100) still gets exact weights.
 */
import { RegistryEditError } from './registryEditError';

export type Weights = [variant: string, weight: number][];

/** flagd refuses a `fractional` whose weights add up to more than a signed 32-bit integer. */
export const MAX_TOTAL_WEIGHT = 2_147_483_647;

/**
 * `current` with `variant` at `percent` of the total: same order (a missing variant is added last),
 * same total (or a multiple of it), and the rest shared by the other variants in proportion to
 * their current weights (equally when they all have none).
 */
export function stickyWeights(current: Weights, variant: string, percent: number): Weights {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new RegistryEditError(`A rollout percentage must be between 0 and 100, not ${percent}.`);
  }
  const weights: Weights = current.map(([name, weight]) => [name, Math.max(0, weight)]);
  if (!weights.some(([name]) => name === variant)) weights.push([variant, 0]);
  let total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  if (total === 0) total = 100;
  const scale = exactScale(total, percent);
  total *= scale;
  const chosen = Math.round((percent * total) / 100);
  const others = weights.filter(([name]) => name !== variant);
  const remaining = total - chosen;
  if (others.length === 0 && remaining > 0) {
    throw new RegistryEditError(`No other variant can take the remaining ${100 - percent}% of the rollout.`);
  }
  const shares = shareOut(
    remaining,
    others.map(([, weight]) => weight * scale),
  );
  let next = 0;
  return weights.map(([name]) => [name, name === variant ? chosen : shares[next++]]);
}

/** The smallest power of ten that makes `percent` of `total` a whole weight, within flagd's limit. */
function exactScale(total: number, percent: number): number {
  let scale = 1;
  while (!isWhole((percent * total * scale) / 100) && total * scale * 10 <= MAX_TOTAL_WEIGHT) scale *= 10;
  return scale;
}

function isWhole(value: number): boolean {
  return Math.abs(value - Math.round(value)) <= 1e-9 * Math.max(1, Math.abs(value));
}

/**
 * `amount` split into integers in proportion to `basis` (equally when the basis is all zeros),
 * summing exactly to `amount`: largest remainders first, earlier entries first on ties.
 */
export function shareOut(amount: number, basis: number[]): number[] {
  if (basis.length === 0) return [];
  const base = basis.some((weight) => weight > 0) ? basis.map(BigInt) : basis.map(() => 1n);
  const baseTotal = base.reduce((sum, weight) => sum + weight, 0n);
  const whole = BigInt(amount);
  const floors = base.map((weight) => (whole * weight) / baseTotal);
  const remainders = base.map((weight, index) => ({ index, rest: (whole * weight) % baseTotal }));
  let left = whole - floors.reduce((sum, share) => sum + share, 0n);
  remainders.sort((a, b) => (a.rest === b.rest ? a.index - b.index : a.rest > b.rest ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    floors[index] += 1n;
    left -= 1n;
  }
  return floors.map(Number);
}
