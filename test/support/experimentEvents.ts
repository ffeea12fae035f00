/**
 * A seeded generator of experiment events with their ground truth, for testing (and timing)
 * the event sources: exposures and tracks as a product would log them, plus everything the
 * unit-level rules of DESIGN.md section 9 must leave out (units exposed to two variants,
 * unlisted variants, exposures outside the window or to another flag, tracks before the first
 * exposure or after the end, rows with a NULL required column).
 *
 * The truth is kept by construction, not by filtering the rows afterwards: every track is
 * generated *for* a segment of its unit's timeline (after the first exposure, in the CUPED
 * pre-period, or somewhere that must not count) and only the first two add to the unit's
 * sums. The expected per-variant statistics are summed from those per-unit sums, a path
 * independent of both sources.
 */
import type { Client } from 'pg';
import type { SqlTableConfig } from '../../shared/src/config';
import {
  DEFAULT_ANALYSIS,
  type DataHealth,
  type ExperimentDefinition,
  type MetricDefinition,
  type VariantStatistics,
} from '../../shared/src/experiment';

export interface ExposureRecord {
  type: 'exposure';
  ts: string | null;
  unit: string | null;
  flag: string | null;
  variant: string | null;
}

export interface TrackRecord {
  type: 'track';
  ts: string | null;
  unit: string | null;
  event: string | null;
  /** null: the track carries no value (it counts 1). */
  value: number | null;
}

export type EventRecord = ExposureRecord | TrackRecord;

export interface GeneratorOptions {
  seed: number;
  /** Units drawn (analysed ones are about 85% of them). */
  units: number;
  flag?: string;
  /** The listed variants, control first. */
  variants?: string[];
  /** A variant the definition does not list. */
  unknownVariant?: string;
  start?: string;
  end?: string | null;
  /** The cut instant. */
  at?: string;
  cuped?: boolean;
  cupedLookbackDays?: number;
  /** Default: conversion (binomial), revenue (mean), clicks per view (ratio), errors (binomial). */
  metrics?: MetricDefinition[];
  /** Scales how many tracks a unit makes (1: about 16 rows per unit). */
  activity?: number;
}

export const DEFAULT_METRICS: MetricDefinition[] = [
  { name: 'conversion', event: 'purchase', kind: 'binomial', goal: 'increase', role: 'primary' },
  { name: 'revenue', event: 'purchase', kind: 'mean', goal: 'increase', role: 'secondary' },
  {
    name: 'clicks per view',
    event: 'click',
    kind: 'ratio',
    denominator: 'page_view',
    goal: 'increase',
    role: 'secondary',
  },
  { name: 'errors', event: 'checkout_error', kind: 'binomial', goal: 'decrease', role: 'guardrail' },
];

/** What a correct source must answer for the generated events. */
export interface ExpectedFigures {
  /** Health as the PostgreSQL source defines rows considered (see `recordsConsidered`). */
  health: Omit<DataHealth, 'badRecordSamples'>;
  /** Per metric name, per listed variant. */
  metrics: Record<string, Record<string, VariantStatistics>>;
  /** Every row generated, and those with a NULL required column. */
  allRecords: number;
  allBadRecords: number;
}

export interface GeneratedExperiment {
  definition: ExperimentDefinition;
  expected: ExpectedFigures;
}

const DAY = 86_400_000;
const OTHER_FLAG = 'search-ranking';

/** mulberry32: a small seeded PRNG, so a seed gives the same events everywhere. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  /** An instant in [from, to) (ms), or `from` when the span is empty. */
  between(from: number, to: number): number {
    return to > from ? from + this.int(to - from) : from;
  }
  /** A small count with mean about `mean`. */
  count(mean: number): number {
    let n = 0;
    while (this.next() < mean / (mean + 1)) n++;
    return n;
  }
}

/** The per-unit sums of one event name: after the first exposure, and in the pre-period. */
interface UnitSums {
  post: number;
  pre: number;
}

type Scenario =
  | 'analysed'
  | 'analysed-with-outside'
  | 'multiple'
  | 'multiple-unknown'
  | 'unknown'
  | 'outside'
  | 'other-flag';

const SCENARIOS: [Scenario, number][] = [
  ['analysed', 0.8],
  ['analysed-with-outside', 0.04],
  ['multiple', 0.05],
  ['multiple-unknown', 0.01],
  ['unknown', 0.03],
  ['outside', 0.04],
  ['other-flag', 0.03],
];

/**
 * Generates the events (handed to `emit` one by one, so millions need not be held) and returns
 * the definition they belong to and the figures a correct source must produce.
 */
export function generateEvents(
  options: GeneratorOptions,
  emit: (record: EventRecord) => void,
): GeneratedExperiment {
  const random = new Random(options.seed);
  const flag = options.flag ?? 'checkout-button';
  const variants = options.variants ?? ['control', 'treatment'];
  const unknownVariant = options.unknownVariant ?? 'legacy';
  const startIso = options.start ?? '2026-11-01T00:00:00.000Z';
  const endIso = options.end === undefined ? '2026-11-11T00:00:00.000Z' : options.end;
  const at = Date.parse(options.at ?? '2026-11-12T06:00:00.000Z');
  const cuped = options.cuped ?? false;
  const lookbackDays = options.cupedLookbackDays ?? 14;
  const metrics = options.metrics ?? DEFAULT_METRICS;
  const activity = options.activity ?? 1;
  const start = Date.parse(startIso);
  const windowEnd = Math.min(endIso === null ? Infinity : Date.parse(endIso), at);
  const preStart = start - lookbackDays * DAY;
  const eventNames = [
    ...new Set(
      metrics.flatMap((m) => (m.kind === 'ratio' && m.denominator ? [m.event, m.denominator] : [m.event])),
    ),
  ];
  const generatedNames = [...new Set([...eventNames, 'purchase', 'click', 'page_view', 'checkout_error'])];

  const definition: ExperimentDefinition = {
    key: 'generated-experiment',
    file: 'experiments/generated-experiment.experiment.json',
    flag,
    environment: 'production',
    control: variants[0],
    variants,
    start: startIso,
    end: endIso,
    metrics,
    analysis: { ...DEFAULT_ANALYSIS, cuped, cupedLookbackDays: lookbackDays },
  };

  const health: ExpectedFigures['health'] = {
    units: Object.fromEntries(variants.map((v) => [v, 0])),
    multipleExposures: 0,
    unknownVariantUnits: 0,
    records: 0,
    badRecords: 0,
    dailyUnits: [],
  };
  const daily = new Map<string, Record<string, number>>();
  const analysed: { variant: string; sums: Map<string, UnitSums> }[] = [];
  let allRecords = 0;
  let allBadRecords = 0;
  // CUPED covers binomial and mean metrics, not ratios (the analysis leaves those unadjusted).
  const eventsFrom = metrics.some((m) => cuped && m.kind !== 'ratio') ? preStart : start;

  // The PostgreSQL source's rows considered: its flag (or NULL) in the window (or NULL ts);
  // tracks of a metric's event (or NULL) from the events' start to the window's end (or NULL ts).
  const record = (r: EventRecord): void => {
    allRecords++;
    const bad =
      r.unit === null ||
      r.ts === null ||
      (r.type === 'exposure' ? r.flag === null || r.variant === null : r.event === null);
    if (bad) allBadRecords++;
    const ts = r.ts === null ? null : Date.parse(r.ts);
    const considered =
      r.type === 'exposure'
        ? (r.flag === flag || r.flag === null) && (ts === null || (ts >= start && ts < windowEnd))
        : (r.event === null || eventNames.includes(r.event)) &&
          (ts === null || (ts >= eventsFrom && ts < windowEnd));
    if (considered) {
      health.records++;
      if (bad) health.badRecords++;
    }
    emit(r);
  };
  const iso = (ms: number): string => new Date(ms).toISOString();
  const exposure = (unit: string, ts: number, variant: string, toFlag = flag): void =>
    record({ type: 'exposure', ts: iso(ts), unit, flag: toFlag, variant });
  const track = (unit: string, ts: number, event: string, value: number | null): void =>
    record({ type: 'track', ts: iso(ts), unit, event, value });

  const hasWindow = windowEnd > start;
  for (let index = 0; index < options.units; index++) {
    const unit = index % 997 === 5 ? `o'brien "${index}" ü` : `u${index}`;
    let scenario = weighted(random, SCENARIOS);
    if (!hasWindow) scenario = 'outside';
    const variant = random.pick(variants);
    // The first unit is first exposed exactly at the start: the window includes its start.
    const firstExposure = index === 0 && hasWindow ? start : random.between(start, windowEnd);
    const sums = new Map<string, UnitSums>(generatedNames.map((name) => [name, { post: 0, pre: 0 }]));
    let countsFrom = firstExposure;

    switch (scenario) {
      case 'analysed':
      case 'analysed-with-outside': {
        exposure(unit, firstExposure, variant);
        for (let k = random.count(0.6); k > 0; k--)
          exposure(unit, random.between(firstExposure, windowEnd), variant);
        if (scenario === 'analysed-with-outside') {
          // Other variants outside the window do not make the unit a multiple exposure.
          const other = variants.find((v) => v !== variant) ?? unknownVariant;
          exposure(unit, random.between(start - 5 * DAY, start), other);
          exposure(
            unit,
            random.chance(0.3) ? windowEnd : random.between(windowEnd, windowEnd + 3 * DAY),
            other,
          );
        }
        if (random.chance(0.02)) {
          // Skipped rows (NULL variant, NULL unit) before the first exposure must not move it.
          record({
            type: 'exposure',
            ts: iso(random.between(start, firstExposure)),
            unit,
            flag,
            variant: null,
          });
        }
        if (random.chance(0.1)) exposure(unit, random.between(start, windowEnd), 'x', OTHER_FLAG);
        analysed.push({ variant, sums });
        health.units[variant]++;
        const day = iso(firstExposure).slice(0, 10);
        const perDay = daily.get(day) ?? Object.fromEntries(variants.map((v) => [v, 0]));
        perDay[variant]++;
        daily.set(day, perDay);
        break;
      }
      case 'multiple': {
        const second = variants.find((v) => v !== variant) as string;
        exposure(unit, firstExposure, variant);
        exposure(unit, random.between(firstExposure, windowEnd), second);
        health.multipleExposures++;
        break;
      }
      case 'multiple-unknown':
        exposure(unit, firstExposure, variant);
        exposure(unit, random.between(start, windowEnd), unknownVariant);
        health.multipleExposures++;
        break;
      case 'unknown':
        exposure(unit, firstExposure, unknownVariant);
        if (random.chance(0.5)) exposure(unit, random.between(firstExposure, windowEnd), unknownVariant);
        health.unknownVariantUnits++;
        break;
      case 'outside':
        if (random.chance(0.5)) exposure(unit, random.between(start - 10 * DAY, start), variant);
        if (random.chance(0.5) || !hasWindow)
          exposure(unit, random.between(windowEnd, windowEnd + 5 * DAY), variant);
        countsFrom = start;
        break;
      case 'other-flag':
        exposure(unit, firstExposure, variant, OTHER_FLAG);
        break;
    }

    // Tracks, segment by segment; only `post` and `pre` reach the unit's sums.
    const treatment = variant !== variants[0];
    const add = (name: string, segment: 'post' | 'pre' | 'none', ts: number, value: number | null): void => {
      track(unit, ts, name, value);
      if (segment !== 'none') (sums.get(name) as UnitSums)[segment] += value ?? 1;
    };
    const segments: ['post' | 'pre' | 'none', number, number][] = [
      ['post', countsFrom, windowEnd],
      ['pre', preStart, start],
      ['none', start, countsFrom],
      ['none', preStart - 7 * DAY, preStart],
      ['none', windowEnd, windowEnd + 7 * DAY],
    ];
    // Purchases carry a price in cents, or (8%) no value at all, which counts as 1.
    const price = (): number | null => (random.chance(0.08) ? null : (500 + random.int(19_500)) / 100);
    for (const [segment, from, to] of segments) {
      if (to <= from) continue;
      const share = (segment === 'post' ? 1 : segment === 'pre' ? 0.7 : 0.3) * activity;
      if (random.chance((treatment ? 0.36 : 0.3) * share)) {
        for (let k = 1 + random.count(0.4); k > 0; k--)
          add('purchase', segment, random.between(from, to), price());
      }
      for (let k = random.count((treatment ? 2.4 : 2) * share); k > 0; k--) {
        add('click', segment, random.between(from, to), null);
      }
      for (let k = random.count(4 * share); k > 0; k--)
        add('page_view', segment, random.between(from, to), null);
      if (random.chance(0.03 * share)) add('checkout_error', segment, random.between(from, to), null);
    }
    // Boundaries: the first exposure and the pre-period's start count, the window's end does not.
    if (index % 13 === 0) add('click', 'post', countsFrom, null);
    if (index % 17 === 0) add('click', 'pre', preStart, null);
    if (index % 19 === 0) add('click', 'none', windowEnd, null);
    if (index % 23 === 0) add('page_view', countsFrom === start ? 'post' : 'none', start, null);
    if (index % 101 === 7) {
      // A refund cancelling a purchase: the sum is 0, so the unit did not convert.
      const cents = 1000 + random.int(10_000);
      add('purchase', 'post', random.between(countsFrom, windowEnd), cents / 100);
      add('purchase', 'post', random.between(countsFrom, windowEnd), -cents / 100);
    }
    if (index % 101 === 50) {
      // A refund of a purchase made before the experiment: the sum is negative, no conversion.
      const cents = 1000 + random.int(10_000);
      add('purchase', 'pre', random.between(preStart, start), cents / 100);
      add('purchase', 'post', random.between(countsFrom, windowEnd), -cents / 100);
    }
    if (index % 211 === 3) {
      // Rows with a NULL required column are skipped wherever they are.
      const ts = iso(random.between(countsFrom, windowEnd));
      record({ type: 'track', ts, unit: null, event: 'purchase', value: 10 });
      record({ type: 'track', ts: null, unit, event: 'purchase', value: 10 });
      record({ type: 'track', ts, unit, event: null, value: 10 });
      record({ type: 'track', ts: iso(windowEnd + DAY), unit, event: null, value: null });
      record({ type: 'exposure', ts, unit: null, flag, variant });
      record({ type: 'exposure', ts: null, unit, flag, variant });
      record({ type: 'exposure', ts, unit, flag: null, variant });
      record({ type: 'exposure', ts: iso(start - DAY), unit, flag: null, variant: null });
    }
    if (index % 7 === 0) track(unit, random.between(start, windowEnd), 'scroll', 1);
  }

  health.dailyUnits = [...daily.keys()]
    .sort()
    .map((day) => ({ day, units: daily.get(day) as Record<string, number> }));
  const expectedMetrics: ExpectedFigures['metrics'] = {};
  for (const metric of metrics) {
    const perVariant: Record<string, VariantStatistics> = {};
    for (const v of variants) {
      perVariant[v] = {
        units: 0,
        sum: 0,
        sumSquares: 0,
        ...(metric.kind === 'ratio' ? { denominatorSum: 0, denominatorSumSquares: 0, crossSum: 0 } : {}),
        ...(cuped && metric.kind !== 'ratio' ? { preSum: 0, preSumSquares: 0, preCrossSum: 0 } : {}),
      };
    }
    for (const unit of analysed) {
      const s = perVariant[unit.variant];
      const own = unit.sums.get(metric.event) as UnitSums;
      const binomial = metric.kind === 'binomial';
      const x = binomial ? (own.post > 0 ? 1 : 0) : own.post;
      s.units++;
      s.sum += x;
      s.sumSquares += x * x;
      if (metric.kind === 'ratio') {
        const y = (unit.sums.get(metric.denominator as string) as UnitSums).post;
        s.denominatorSum = (s.denominatorSum as number) + y;
        s.denominatorSumSquares = (s.denominatorSumSquares as number) + y * y;
        s.crossSum = (s.crossSum as number) + x * y;
      }
      if (cuped && metric.kind !== 'ratio') {
        const p = binomial ? (own.pre > 0 ? 1 : 0) : own.pre;
        s.preSum = (s.preSum as number) + p;
        s.preSumSquares = (s.preSumSquares as number) + p * p;
        s.preCrossSum = (s.preCrossSum as number) + x * p;
      }
    }
    expectedMetrics[metric.name] = perVariant;
  }
  return { definition, expected: { health, metrics: expectedMetrics, allRecords, allBadRecords } };
}

function weighted<T>(random: Random, table: readonly [T, number][]): T {
  let r = random.next() * table.reduce((total, [, w]) => total + w, 0);
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}

/** All the events in memory, shuffled (logs interleave units), with the truth. */
export function generateExperiment(
  options: GeneratorOptions,
): GeneratedExperiment & { records: EventRecord[] } {
  const records: EventRecord[] = [];
  const generated = generateEvents(options, (r) => records.push(r));
  const random = new Random(options.seed ^ 0x5bd1e995);
  for (let i = records.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [records[i], records[j]] = [records[j], records[i]];
  }
  return { ...generated, records };
}

/** One event as an NDJSON line (DESIGN.md section 9); a NULL field is left out. */
export function ndjsonLine(record: EventRecord): string {
  const { type, ...fields } = record;
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
  return JSON.stringify({ type, ...present });
}

export function toNdjson(records: readonly EventRecord[]): string {
  return records.map((r) => ndjsonLine(r) + '\n').join('');
}

/** Where `loadIntoPostgres` puts the events, and the column types it creates. */
export interface LoadTarget {
  exposures: SqlTableConfig;
  events: SqlTableConfig;
  /** Default `timestamptz`. */
  tsType?: 'timestamptz' | 'timestamp';
  /** Default `double precision`. */
  valueType?: 'double precision' | 'numeric';
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const tableName = (t: SqlTableConfig): string =>
  t.schema ? `${quote(t.schema)}.${quote(t.table)}` : quote(t.table);
const column = (t: SqlTableConfig, field: 'ts' | 'unit' | 'flag' | 'variant' | 'event' | 'value'): string =>
  quote(t.columns[field] ?? field);

/** (Re)creates the two tables of `target` with a few unrelated columns, as a warehouse has. */
export async function createEventTables(client: Client, target: LoadTarget): Promise<void> {
  const ts = target.tsType ?? 'timestamptz';
  const value = target.valueType ?? 'double precision';
  for (const t of [target.exposures, target.events]) {
    if (t.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(t.schema)}`);
  }
  const x = target.exposures;
  const e = target.events;
  await client.query(`DROP TABLE IF EXISTS ${tableName(x)}, ${tableName(e)}`);
  await client.query(
    `CREATE TABLE ${tableName(x)} (id bigserial, ${column(x, 'ts')} ${ts}, ${column(x, 'unit')} text, ` +
      `${column(x, 'flag')} text, ${column(x, 'variant')} text, environment text DEFAULT 'production')`,
  );
  await client.query(
    `CREATE TABLE ${tableName(e)} (id bigserial, ${column(e, 'ts')} ${ts}, ${column(e, 'unit')} text, ` +
      `${column(e, 'event')} text, ${column(e, 'value')} ${value}, properties jsonb DEFAULT '{}')`,
  );
}

/**
 * Inserts records in batches: one INSERT ... SELECT FROM unnest($1, $2, $3, $4) per batch, so a
 * batch of any size has four parameters (COPY FROM STDIN is not in `pg` core).
 */
export class PostgresLoader {
  private exposures: ExposureRecord[] = [];
  private events: TrackRecord[] = [];
  constructor(
    private readonly client: Client,
    private readonly target: LoadTarget,
    private readonly batchSize = 20_000,
  ) {}

  async add(record: EventRecord): Promise<void> {
    if (record.type === 'exposure') this.exposures.push(record);
    else this.events.push(record);
    if (this.exposures.length >= this.batchSize || this.events.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    const ts = this.target.tsType ?? 'timestamptz';
    const value = this.target.valueType ?? 'double precision';
    if (this.exposures.length > 0) {
      const x = this.target.exposures;
      const rows = this.exposures;
      this.exposures = [];
      await this.client.query(
        `INSERT INTO ${tableName(x)} (${column(x, 'ts')}, ${column(x, 'unit')}, ${column(x, 'flag')}, ${column(x, 'variant')}) ` +
          `SELECT * FROM unnest($1::${ts}[], $2::text[], $3::text[], $4::text[])`,
        [rows.map((r) => r.ts), rows.map((r) => r.unit), rows.map((r) => r.flag), rows.map((r) => r.variant)],
      );
    }
    if (this.events.length > 0) {
      const e = this.target.events;
      const rows = this.events;
      this.events = [];
      await this.client.query(
        `INSERT INTO ${tableName(e)} (${column(e, 'ts')}, ${column(e, 'unit')}, ${column(e, 'event')}, ${column(e, 'value')}) ` +
          `SELECT * FROM unnest($1::${ts}[], $2::text[], $3::text[], $4::${value}[])`,
        [
          rows.map((r) => r.ts),
          rows.map((r) => r.unit),
          rows.map((r) => r.event),
          rows.map((r) => (r.value === null ? null : String(r.value))),
        ],
      );
    }
  }
}

/** Creates the tables of `target` and loads `records` into them. */
export async function loadIntoPostgres(
  client: Client,
  records: readonly EventRecord[],
  target: LoadTarget,
): Promise<void> {
  await createEventTables(client, target);
  const loader = new PostgresLoader(client, target);
  for (const r of records) await loader.add(r);
  await loader.flush();
  await client.query(`ANALYZE ${tableName(target.exposures)}`);
  await client.query(`ANALYZE ${tableName(target.events)}`);
}
