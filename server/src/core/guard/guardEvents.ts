/**
 * From events to a rollout's figures, in two passes over the same records so that memory is a
 * few numbers per unit whatever the event order: the first pass finds each unit's first exposure
 * and variant (DESIGN.md section 9: within [start, asOf), a unit seeing both variants is left
 * out), the second adds the tracked events from that exposure on to the guardrails.
 * Quantile guardrails keep one bounded sketch per variant (quantileSketch.ts); mean guardrails are
 * per-unit Σ value / Σ events, analysed as a ratio of sums (delta method) so that units with many
 * events do not count as independent observations.
 */
import type { EventProblem, VariantStatistics } from '../../../../shared/src/experiment';
import type { RolloutPlan } from '../../../../shared/src/rollout';
import type { ExperimentEvent } from '../experiments/events/eventRecord';
import type { RecordCounts } from '../experiments/events/unitAggregator';
import type { GuardrailArmData } from './guardrailComparison';
import { quantileOf } from './guardrailComparison';
import { QuantileSketch } from './quantileSketch';
import type { TimelineSegment } from './rolloutTimeline';

const SEVERAL = -2;
const RAMPED = -3;
/** Arms: 0 the baseline, 1 the rolled-out variant, 2 any other variant of the flag. */
const OTHER = 2;
const HOUR_MS = 3_600_000;

/**
 * What an event source hands the guard: the same figures from the files (here) or from a SQL
 * source, which computes them with the same unit-level rules.
 */
export interface RolloutData {
  asOf: string;
  source: 'files' | 'postgres';
  records: number;
  badRecords: number;
  badRecordSamples: EventProblem[];
  /** Units first exposed per arm (baseline, variant), in the plan's window. */
  units: Record<string, number>;
  exposures: Record<string, number>;
  multipleExposures: number;
  otherVariantUnits: number;
  /** Units moved from the baseline to the variant by a later step: left out, not a problem. */
  rampedUnits: number;
  /** Epoch ms of each arm's latest exposure, null when none. */
  lastExposure: Record<string, number | null>;
  /** Units first exposed per hour start (epoch ms) and arm. */
  hourlyUnits: { hour: number; units: Record<string, number> }[];
  /** Units first exposed during each timeline segment, per arm. */
  segmentUnits: Record<string, number>[];
  /** Per guardrail of the plan, in order: each arm's data. */
  guardrails: { baseline: GuardrailArmData; variant: GuardrailArmData }[];
}

/**
 * Pass 1. A unit's arm is the variant of its first exposure. A unit that saw the baseline and
 * later the rolled-out variant in a later, larger step was moved by the ramp (a sticky rollout
 * moves exactly those): it is left out of the figures but is no sign of a broken assignment. Any
 * other mix of variants is a multiple exposure.
 */
export class ExposurePass {
  readonly unitIndex = new Map<string, number>();
  /** Per unit: first exposure to the baseline, to the variant (NaN: none), and to another variant. */
  private readonly firstBaseline: number[] = [];
  private readonly firstVariant: number[] = [];
  private readonly sawOther: boolean[] = [];
  /** Filled by settle(): the unit's arm (0, 1, OTHER, SEVERAL or RAMPED) and first exposure. */
  arm: number[] = [];
  firstExposure: number[] = [];
  readonly exposures = [0, 0, 0];
  readonly lastExposure: (number | null)[] = [null, null, null];
  private readonly start: number;

  constructor(
    private readonly plan: RolloutPlan,
    private readonly asOf: number,
  ) {
    this.start = Date.parse(plan.start);
  }

  add(event: ExperimentEvent): void {
    if (event.type !== 'exposure' || event.flag !== this.plan.flag) return;
    if (event.ts < this.start || event.ts >= this.asOf) return;
    const arm = event.variant === this.plan.baseline ? 0 : event.variant === this.plan.variant ? 1 : OTHER;
    this.exposures[arm]++;
    const last = this.lastExposure[arm];
    if (last === null || event.ts > last) this.lastExposure[arm] = event.ts;
    let u = this.unitIndex.get(event.unit);
    if (u === undefined) {
      u = this.firstBaseline.length;
      this.unitIndex.set(event.unit, u);
      this.firstBaseline.push(NaN);
      this.firstVariant.push(NaN);
      this.sawOther.push(false);
    }
    if (arm === OTHER) this.sawOther[u] = true;
    else {
      const firsts = arm === 0 ? this.firstBaseline : this.firstVariant;
      if (!(firsts[u] <= event.ts)) firsts[u] = event.ts;
    }
  }

  /** Decides every unit's arm once all exposures are read. */
  settle(segments: TimelineSegment[]): void {
    const segmentOf = (ts: number) => {
      let index = segments.length - 1;
      while (index > 0 && ts < segments[index].start) index--;
      return index;
    };
    const units = this.firstBaseline.length;
    this.arm = new Array<number>(units);
    this.firstExposure = new Array<number>(units);
    for (let u = 0; u < units; u++) {
      const baseline = this.firstBaseline[u];
      const variant = this.firstVariant[u];
      const hasBaseline = !Number.isNaN(baseline);
      const hasVariant = !Number.isNaN(variant);
      if (this.sawOther[u]) {
        this.arm[u] = hasBaseline || hasVariant ? SEVERAL : OTHER;
        this.firstExposure[u] = NaN;
      } else if (hasBaseline && hasVariant) {
        const from = segmentOf(baseline);
        const to = segmentOf(variant);
        const ramped = baseline < variant && to > from && segments[to].percent > segments[from].percent;
        this.arm[u] = ramped ? RAMPED : SEVERAL;
        this.firstExposure[u] = Math.min(baseline, variant);
      } else {
        this.arm[u] = hasBaseline ? 0 : 1;
        this.firstExposure[u] = hasBaseline ? baseline : variant;
      }
    }
  }
}

export class GuardrailPass {
  private readonly slots = new Map<string, number[]>();
  private readonly hits: Float64Array[];
  private readonly sums: Float64Array[];
  private readonly sketches: QuantileSketch[][];

  constructor(
    private readonly plan: RolloutPlan,
    private readonly exposures: ExposurePass,
    private readonly asOf: number,
  ) {
    const units = exposures.arm.length;
    plan.guardrails.forEach((guardrail, index) => {
      this.slots.set(guardrail.event, [...(this.slots.get(guardrail.event) ?? []), index]);
    });
    // Per guardrail: events (or 1/0 reached) per unit, and Σ value per unit for means.
    this.hits = plan.guardrails.map(() => new Float64Array(units));
    this.sums = plan.guardrails.map((guardrail) => new Float64Array(guardrail.kind === 'mean' ? units : 0));
    this.sketches = plan.guardrails.map(() => [new QuantileSketch(), new QuantileSketch()]);
  }

  add(event: ExperimentEvent): void {
    if (event.type !== 'track') return;
    const indexes = this.slots.get(event.event);
    if (!indexes || event.ts >= this.asOf) return;
    const u = this.exposures.unitIndex.get(event.unit);
    if (u === undefined) return;
    const arm = this.exposures.arm[u];
    if (arm < 0 || arm === OTHER || event.ts < this.exposures.firstExposure[u]) return;
    for (const index of indexes) {
      const kind = this.plan.guardrails[index].kind;
      if (kind === 'binomial') {
        this.hits[index][u] += 1;
        continue;
      }
      // Mean and quantile guardrails measure a value: an event without one says nothing.
      if (event.value === undefined) continue;
      if (kind === 'mean') {
        this.hits[index][u] += 1;
        this.sums[index][u] += event.value;
      } else this.sketches[index][arm].add(event.value);
    }
  }

  finish(counts: RecordCounts, segments: TimelineSegment[], source: RolloutData['source']): RolloutData {
    const { plan, exposures } = this;
    const names = [plan.baseline, plan.variant];
    const byName = (values: number[]) => Object.fromEntries(names.map((name, arm) => [name, values[arm]]));
    const units = [0, 0];
    let multipleExposures = 0;
    let otherVariantUnits = 0;
    let rampedUnits = 0;
    const hourly = new Map<number, number[]>();
    const segmentUnits = segments.map(() => [0, 0]);
    const statistics = plan.guardrails.map(() => [emptyStatistics(), emptyStatistics()]);
    for (let u = 0; u < exposures.arm.length; u++) {
      const arm = exposures.arm[u];
      if (arm === SEVERAL) {
        multipleExposures++;
        continue;
      }
      if (arm === RAMPED) {
        rampedUnits++;
        continue;
      }
      if (arm === OTHER) {
        otherVariantUnits++;
        continue;
      }
      units[arm]++;
      const first = exposures.firstExposure[u];
      const hour = Math.floor(first / HOUR_MS) * HOUR_MS;
      let perHour = hourly.get(hour);
      if (!perHour) hourly.set(hour, (perHour = [0, 0]));
      perHour[arm]++;
      let segment = segments.length - 1;
      while (segment > 0 && first < segments[segment].start) segment--;
      if (segment >= 0 && first >= segments[segment].start) segmentUnits[segment][arm]++;
      plan.guardrails.forEach((guardrail, index) => {
        if (quantileOf(guardrail.kind) !== undefined) return;
        const target = statistics[index][arm];
        const count = this.hits[index][u];
        target.units++;
        if (guardrail.kind === 'binomial') {
          const x = count > 0 ? 1 : 0;
          target.sum += x;
          target.sumSquares += x;
        } else {
          const x = this.sums[index][u];
          target.sum += x;
          target.sumSquares += x * x;
          target.denominatorSum! += count;
          target.denominatorSumSquares! += count * count;
          target.crossSum! += x * count;
        }
      });
    }
    return {
      asOf: new Date(this.asOf).toISOString(),
      source,
      records: counts.records,
      badRecords: counts.badRecords,
      badRecordSamples: counts.badRecordSamples,
      units: byName(units),
      exposures: byName(exposures.exposures),
      multipleExposures,
      otherVariantUnits,
      rampedUnits,
      lastExposure: Object.fromEntries(names.map((name, arm) => [name, exposures.lastExposure[arm]])),
      hourlyUnits: [...hourly.entries()]
        .sort(([a], [b]) => a - b)
        .map(([hour, perArm]) => ({ hour, units: byName(perArm) })),
      segmentUnits: segmentUnits.map(byName),
      guardrails: plan.guardrails.map((guardrail, index) => {
        const arm = (a: number): GuardrailArmData =>
          quantileOf(guardrail.kind) !== undefined
            ? { kind: 'quantile', sketch: this.sketches[index][a] }
            : { kind: guardrail.kind === 'mean' ? 'mean' : 'binomial', statistics: statistics[index][a] };
        return { baseline: arm(0), variant: arm(1) };
      }),
    };
  }
}

/** A guardrail arm's sums before any unit (the SQL source starts from the same). */
export function emptyStatistics(): VariantStatistics {
  return { units: 0, sum: 0, sumSquares: 0, denominatorSum: 0, denominatorSumSquares: 0, crossSum: 0 };
}
