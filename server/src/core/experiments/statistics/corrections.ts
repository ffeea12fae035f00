/**
 * Multiple-comparison adjusted p-values, in the input's order, monotone and capped at 1.
 * Written here: stdlib's padjust disagreed with statsmodels for Hommel (FIELD_NOTES), and these
 * are a few lines.
 */

/** Holm 1979, "A simple sequentially rejective multiple test procedure": step-down Bonferroni. */
export function holmAdjusted(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    // p_(i) (m - i + 1) with i 1-based, kept monotone by the running maximum.
    running = Math.max(running, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = running;
  });
  return adjusted;
}

/** Benjamini & Hochberg 1995, "Controlling the false discovery rate": step-up. */
export function benjaminiHochbergAdjusted(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank];
    // p_(i) m / i, kept monotone by the running minimum from the largest p down.
    running = Math.min(running, (m * pValues[index]) / (rank + 1));
    adjusted[index] = Math.min(1, running);
  }
  return adjusted;
}

function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
}
