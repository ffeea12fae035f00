/**
 * Turns a stream of events into per-variant sufficient statistics with the unit-level rules of
 * DESIGN.md section 9, in one pass and in any event order:
 * - a unit's exposure is its first exposure to the flag within [start, end) (and before `asOf`);
 *   a unit exposed to several variants is excluded and counted;
 * - a metric's unit value sums the `value`s (1 when absent) of its events from that first
 *   exposure to the end of the window; binomial: 1 when the sum is > 0;
 * - CUPED's covariate is the same value over the pre-experiment window [start - days, start)
 *   (Deng et al. 2013 use a fixed pre-experiment period, which needs no per-unit exposure time).
 *
 * Memory is a fixed number of numbers per unit (typed arrays), whatever the number of events,
 * except for one case: a track event read before its unit's first exposure (out of order, or a
 * unit not exposed yet) is kept until the exposure is known, because it may still count.
 */
import type {
  DataHealth,
  EventProblem,
  ExperimentDefinition,
  MetricStatistics,
  VariantStatistics,
} from '../../../../../shared/src/experiment';
import type { ExperimentEvent } from './eventRecord';

const DAY_MS = 86_400_000;
const NONE = -1;
const SEVERAL = -2;

export interface RecordCounts {
  records: number;
  badRecords: number;
  badRecordSamples: EventProblem[];
}

export interface AggregatedData {
  health: DataHealth;
  metrics: MetricStatistics[];
}

/** The window an analysis looks at, as epoch milliseconds. */
export interface AnalysisWindow {
  start: number;
  /** Exclusive: min(end, asOf). */
  end: number;
  /** CUPED's pre-period start, when CUPED is on. */
  preStart: number | undefined;
}

export function analysisWindow(definition: ExperimentDefinition, asOf: Date): AnalysisWindow {
  const start = Date.parse(definition.start);
  const end = Math.min(definition.end === null ? Infinity : Date.parse(definition.end), asOf.getTime());
  const preStart = definition.analysis.cuped
    ? start - definition.analysis.cupedLookbackDays * DAY_MS
    : undefined;
  return { start, end, preStart };
}

export class UnitAggregator {
  private readonly window: AnalysisWindow;
  /** Event name -> slot; a metric reads its event's slot (and its denominator's). */
  private readonly slots = new Map<string, number>();
  private readonly slotCount: number;
  private readonly unitIndex = new Map<string, number>();
  private readonly variantNames: string[] = [];
  private readonly variantIndex = new Map<string, number>();
  private capacity = 1024;
  private size = 0;
  private firstExposure = new Float64Array(this.capacity);
  private variant = new Int32Array(this.capacity).fill(NONE);
  private post: Float64Array;
  private pre: Float64Array | undefined;
  /** Unit -> [ts, slot, value, ...] of track events not yet known to count. */
  private readonly pending = new Map<number, number[]>();

  constructor(
    private readonly definition: ExperimentDefinition,
    asOf: Date,
  ) {
    this.window = analysisWindow(definition, asOf);
    for (const metric of definition.metrics)
      for (const name of [metric.event, metric.denominator])
        if (name !== undefined && !this.slots.has(name)) this.slots.set(name, this.slots.size);
    this.slotCount = Math.max(1, this.slots.size);
    this.post = new Float64Array(this.capacity * this.slotCount);
    if (this.window.preStart !== undefined) this.pre = new Float64Array(this.capacity * this.slotCount);
  }

  add(event: ExperimentEvent): void {
    if (event.type === 'exposure') this.addExposure(event.unit, event.flag, event.variant, event.ts);
    else this.addTrack(event.unit, event.event, event.value, event.ts);
  }

  private addExposure(unit: string, flag: string, variantName: string, ts: number): void {
    if (flag !== this.definition.flag || ts < this.window.start || ts >= this.window.end) return;
    const u = this.unit(unit);
    let v = this.variantIndex.get(variantName);
    if (v === undefined) {
      v = this.variantNames.length;
      this.variantNames.push(variantName);
      this.variantIndex.set(variantName, v);
    }
    const current = this.variant[u];
    if (current === SEVERAL) return;
    if (current !== NONE && current !== v) {
      this.variant[u] = SEVERAL;
      this.pending.delete(u);
      return;
    }
    if (current === NONE || ts < this.firstExposure[u]) {
      this.variant[u] = v;
      this.firstExposure[u] = ts;
      this.foldPending(u);
    }
  }

  private addTrack(unit: string, name: string, value: number | undefined, ts: number): void {
    const slot = this.slots.get(name);
    if (slot === undefined) return;
    const amount = value ?? 1;
    const { start, end, preStart } = this.window;
    if (ts < start) {
      if (this.pre && preStart !== undefined && ts >= preStart)
        this.pre[this.unit(unit) * this.slotCount + slot] += amount;
      return;
    }
    if (ts >= end) return;
    const u = this.unit(unit);
    const v = this.variant[u];
    if (v === SEVERAL) return;
    if (v !== NONE && ts >= this.firstExposure[u]) {
      this.post[u * this.slotCount + slot] += amount;
      return;
    }
    const list = this.pending.get(u);
    if (list) list.push(ts, slot, amount);
    else this.pending.set(u, [ts, slot, amount]);
  }

  /** Moves a unit's pending events that its (earlier) first exposure now covers into its sums. */
  private foldPending(u: number): void {
    const list = this.pending.get(u);
    if (!list) return;
    const first = this.firstExposure[u];
    const kept: number[] = [];
    for (let i = 0; i < list.length; i += 3) {
      if (list[i] >= first) this.post[u * this.slotCount + list[i + 1]] += list[i + 2];
      else kept.push(list[i], list[i + 1], list[i + 2]);
    }
    if (kept.length === 0) this.pending.delete(u);
    else this.pending.set(u, kept);
  }

  private unit(id: string): number {
    let u = this.unitIndex.get(id);
    if (u !== undefined) return u;
    u = this.size++;
    if (u === this.capacity) this.grow();
    this.unitIndex.set(id, u);
    return u;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const firstExposure = new Float64Array(capacity);
    firstExposure.set(this.firstExposure);
    const variant = new Int32Array(capacity).fill(NONE);
    variant.set(this.variant);
    const post = new Float64Array(capacity * this.slotCount);
    post.set(this.post);
    if (this.pre) {
      const pre = new Float64Array(capacity * this.slotCount);
      pre.set(this.pre);
      this.pre = pre;
    }
    this.capacity = capacity;
    this.firstExposure = firstExposure;
    this.variant = variant;
    this.post = post;
  }

  /** Units seen so far (exposed or not): what memory grows with. */
  unitCount(): number {
    return this.size;
  }

  finish(counts: RecordCounts): AggregatedData {
    const { definition } = this;
    const arms = definition.variants;
    const armOf = this.variantNames.map((name) => arms.indexOf(name));
    const units: Record<string, number> = Object.fromEntries(arms.map((arm) => [arm, 0]));
    const daily = new Map<string, number[]>();
    const withPre = this.pre !== undefined;
    const statistics = definition.metrics.map((metric) => ({
      metric,
      numerator: this.slots.get(metric.event)!,
      denominator: metric.denominator === undefined ? undefined : this.slots.get(metric.denominator)!,
      variants: arms.map((): VariantStatistics =>
        emptyStatistics(metric.kind === 'ratio', withPre && metric.kind !== 'ratio'),
      ),
    }));
    let multipleExposures = 0;
    let unknownVariantUnits = 0;
    for (let u = 0; u < this.size; u++) {
      const v = this.variant[u];
      if (v === NONE) continue;
      if (v === SEVERAL) {
        multipleExposures++;
        continue;
      }
      const arm = armOf[v];
      if (arm < 0) {
        unknownVariantUnits++;
        continue;
      }
      units[arms[arm]]++;
      const day = new Date(this.firstExposure[u]).toISOString().slice(0, 10);
      let perDay = daily.get(day);
      if (!perDay) daily.set(day, (perDay = arms.map(() => 0)));
      perDay[arm]++;
      const base = u * this.slotCount;
      for (const metric of statistics) {
        const target = metric.variants[arm];
        const binomial = metric.metric.kind === 'binomial';
        const raw = this.post[base + metric.numerator];
        const x = binomial ? (raw > 0 ? 1 : 0) : raw;
        target.units++;
        target.sum += x;
        target.sumSquares += x * x;
        if (metric.denominator !== undefined) {
          const y = this.post[base + metric.denominator];
          target.denominatorSum! += y;
          target.denominatorSumSquares! += y * y;
          target.crossSum! += x * y;
        } else if (this.pre && target.preSum !== undefined) {
          const rawPre = this.pre[base + metric.numerator];
          const p = binomial ? (rawPre > 0 ? 1 : 0) : rawPre;
          target.preSum += p;
          target.preSumSquares! += p * p;
          target.preCrossSum! += x * p;
        }
      }
    }
    const health: DataHealth = {
      units,
      multipleExposures,
      unknownVariantUnits,
      records: counts.records,
      badRecords: counts.badRecords,
      badRecordSamples: counts.badRecordSamples,
      dailyUnits: [...daily.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, perArm]) => ({ day, units: Object.fromEntries(arms.map((arm, i) => [arm, perArm[i]])) })),
    };
    return {
      health,
      metrics: statistics.map(({ metric, variants }) => ({
        metric,
        variants: Object.fromEntries(arms.map((arm, i) => [arm, variants[i]])),
      })),
    };
  }
}

function emptyStatistics(ratio: boolean, cuped: boolean): VariantStatistics {
  const statistics: VariantStatistics = { units: 0, sum: 0, sumSquares: 0 };
  if (ratio) Object.assign(statistics, { denominatorSum: 0, denominatorSumSquares: 0, crossSum: 0 });
  if (cuped) Object.assign(statistics, { preSum: 0, preSumSquares: 0, preCrossSum: 0 });
  return statistics;
}
