/**
 * Quantiles of a stream of non-negative values in bounded memory, with an interval for the
 * difference of two quantiles.
 *
 * The sketch is DDSketch's log-bucketed histogram (Masson, Rim & Lee, "DDSketch: A Fast and
 * Fully-Mergeable Quantile Sketch with Relative-Error Guarantees", VLDB 2019, section 2): bucket i
 * holds the values in (γ^(i-1), γ^i] with γ = (1+a)/(1-a), and answers 2γ^i/(γ+1), so every quantile
 * it returns is within a relative error a of the exact sample quantile of the same rank (here
 * a = 0.1%; at most ~10,000 buckets cover 0.01 to 10^7, far fewer for real latencies). Values at or below 1e-9 (and negative ones) share
 * one zero bucket. The quantile is the "lower" one: the value of 0-based rank floor(q (n-1)).
 *
 * Its standard error is the asymptotic one of a sample quantile, sqrt(q(1-q)/n) · s(q), with the
 * sparsity s(q) = 1/f(F⁻¹(q)) estimated by Siddiqui's difference quotient (Q(q+h) - Q(q-h)) / 2h
 * over the same sketch, with Hall & Sheather's bandwidth h (Koenker, "Quantile Regression", 2005,
 * section 3.4.2, eq. 3.14 for h). Approximations, said plainly: the sketch's values are off by up
 * to 0.1%, the interval is asymptotic (it needs n(1-q) of at least 10 events), and the events are
 * treated as independent: many correlated events per unit make the interval too narrow.
 */
import { standardNormalPdf, standardNormalQuantile } from '../experiments/statistics/distributions';

export const SKETCH_RELATIVE_ACCURACY = 0.001;
export const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
export const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this share the zero bucket. */
export const MIN_POSITIVE = 1e-9;

export class QuantileSketch {
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;

  /**
   * The bucket of a value, null for the zero bucket. A SQL source can group by
   * `CEIL(LN(value) / LN(γ))` and hand the counts to `addBucket`, so the sketch never needs the rows.
   */
  static bucketOf(value: number): number | null {
    return value > MIN_POSITIVE ? Math.ceil(Math.log(value) / LOG_GAMMA) : null;
  }

  add(value: number): void {
    this.addBucket(QuantileSketch.bucketOf(value), 1);
  }

  addBucket(index: number | null, count: number): void {
    this.count += count;
    if (index === null) this.zeros += count;
    else this.buckets.set(index, (this.buckets.get(index) ?? 0) + count);
  }

  /** The counts: the zero bucket's, then each bucket's by index (to compare two sources' sketches). */
  bucketCounts(): { zeros: number; buckets: [number, number][] } {
    return { zeros: this.zeros, buckets: [...this.buckets.entries()].sort(([a], [b]) => a - b) };
  }

  /** The value of 0-based rank floor(q (n-1)), within the relative accuracy; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.floor(Math.min(1, Math.max(0, q)) * (this.count - 1));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!;
      if (seen > rank) return (2 * GAMMA ** index) / (GAMMA + 1);
    }
    return NaN;
  }

  /** Asymptotic standard error of the q-quantile (Siddiqui's sparsity, Hall-Sheather bandwidth). */
  standardError(q: number): number {
    const n = this.count;
    if (n < 2) return NaN;
    const h = hallSheatherBandwidth(q, n);
    const low = Math.max(0, q - h);
    const high = Math.min(1, q + h);
    const sparsity = (this.quantile(high) - this.quantile(low)) / (high - low);
    return sparsity * Math.sqrt((q * (1 - q)) / n);
  }
}

/** h = n^(-1/3) z^(2/3) (1.5 φ(Φ⁻¹(q))² / (2 Φ⁻¹(q)² + 1))^(1/3), z = Φ⁻¹(0.975) (Koenker eq. 3.14). */
export function hallSheatherBandwidth(q: number, n: number): number {
  const z = standardNormalQuantile(0.975);
  const x = standardNormalQuantile(q);
  const density = standardNormalPdf(x);
  return n ** (-1 / 3) * z ** (2 / 3) * ((1.5 * density * density) / (2 * x * x + 1)) ** (1 / 3);
}
