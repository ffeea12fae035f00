/** Numbers as the reports write them: one decimal for percentages, few digits for p-values. */

export function percent(share: number, digits = 1): string {
  if (!Number.isFinite(share)) return 'n/a';
  const value = share * 100;
  const rounded = value.toFixed(digits);
  // "-0.0%" reads as a loss that is not there.
  return `${/^-0\.?0*$/.test(rounded) ? rounded.slice(1) : rounded}%`;
}

export function signedPercent(share: number, digits = 1): string {
  const text = percent(share, digits);
  return share > 0 && text !== `${(0).toFixed(digits)}%` ? `+${text}` : text;
}

/** Percentage points between two rates: `+1.9 pts`. */
export function points(difference: number): string {
  const value = (difference * 100).toFixed(1);
  return `${difference > 0 && value !== '0.0' ? '+' : ''}${/^-0\.0$/.test(value) ? '0.0' : value} pts`;
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  if (p < 0.001) return '<0.001';
  return p >= 0.1 ? p.toFixed(2) : p.toFixed(3);
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function mean(value: number, kind: 'binomial' | 'mean' | 'ratio'): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (kind === 'binomial') return percent(value, 2);
  const magnitude = Math.abs(value);
  return magnitude >= 100 ? value.toFixed(1) : magnitude >= 1 ? value.toFixed(3) : value.toPrecision(3);
}
