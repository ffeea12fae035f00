/**
 * The SQL that turns an exposures table and an events table into a guarded rollout's
 * `RolloutData`, with the unit-level rules of guardEvents.ts pushed down into the database: a
 * unit's arm is the variant of its first exposure in [start, asOf), a unit moved from the
 * baseline to the variant by a later, larger step is "ramped", any other mix is a multiple
 * exposure. One query returns the health (units per arm, hour and step; exposures and the last
 * one per arm; excluded units; rows read and skipped), and one query per guardrail returns its
 * per-arm sums (binomial, mean) or its per-arm bucket counts (p95, p99: the sketch's bucket
 * formula, `ceil(ln(value) / ln γ)`, computed in the database). Nothing per unit or per event
 * comes back.
 *
 * The steps are bound as two arrays (segment starts, percentages): `width_bucket` finds the
 * step an instant falls in, as `segmentOf` does. Sessions run with `TimeZone = 'UTC'` (hours
 * are UTC hours, and a `timestamp without time zone` is read as UTC).
 */
import type { PostgresSourceConfig } from '../../../../shared/src/config';
import type { RolloutPlan } from '../../../../shared/src/rollout';
import {
  columnsOf,
  numberOf,
  rowCountCtes,
  sourceTables,
  stringOf,
} from '../experiments/sql/experimentQueries';
import {
  type ExposureField,
  type ResolvedTable,
  type SqlQuery,
  SqlParameters,
  printableQuery,
  qualifiedName,
} from '../experiments/sql/sqlText';
import type { RecordCounts } from '../experiments/events/unitAggregator';
import { type RolloutData, emptyStatistics } from './guardEvents';
import { type GuardrailArmData, quantileOf } from './guardrailComparison';
import { LOG_GAMMA, MIN_POSITIVE, QuantileSketch } from './quantileSketch';
import type { TimelineSegment } from './rolloutTimeline';

/** Arm codes, as in guardEvents.ts: 0 baseline, 1 variant, 2 another variant, -2 several, -3 ramped. */
const OTHER = 2;
const SEVERAL = -2;
const RAMPED = -3;

export interface GuardQueries {
  health: SqlQuery;
  /** One per guardrail of the plan, in order. */
  guardrails: SqlQuery[];
}

interface Bound {
  flag: string;
  start: string;
  asOf: string;
  baseline: string;
  variant: string;
  starts: string;
  percents: string;
}

function bindPlan(plan: RolloutPlan, asOf: Date, segments: TimelineSegment[], params: SqlParameters): Bound {
  if (Number.isNaN(asOf.getTime())) throw new Error('The cut instant is not a valid date.');
  const start = Date.parse(plan.start);
  if (Number.isNaN(start)) throw new Error(`The rollout's start is not an ISO instant: ${plan.start}`);
  return {
    flag: params.bind(plan.flag),
    start: params.bind(new Date(start).toISOString()),
    asOf: params.bind(asOf.toISOString()),
    baseline: params.bind(plan.baseline),
    variant: params.bind(plan.variant),
    starts: `${params.bind(segments.map((segment) => new Date(segment.start).toISOString()))}::text[]::timestamptz[]`,
    // Arrays are bound as text[] (as the printed form passes them too), then cast.
    percents: `${params.bind(segments.map((segment) => String(segment.percent)))}::text[]::float8[]`,
  };
}

/**
 * The CTEs `unit_exposure` (per unit: first and last exposure and count per arm) and `unit_arm`
 * (per unit: its arm code, and `first_ts` for the units the figures keep, NULL for the others so
 * that they join no events). Rows with a NULL unit or variant are skipped (counted as bad).
 */
function armCtes(exposures: ResolvedTable<ExposureField>, b: Bound): string {
  const e = columnsOf(exposures, 'e');
  const isBaseline = `${e.variant} = ${b.baseline}`;
  const isVariant = `${e.variant} = ${b.variant}`;
  // A step's number (1-based) for an instant; before the first step counts as the first (segmentOf).
  const step = (ts: string): string => `greatest(width_bucket(${ts}::timestamptz, ${b.starts}), 1)`;
  return [
    'unit_exposure AS (',
    `  SELECT ${e.unit} AS unit,`,
    `    min(${e.ts}) FILTER (WHERE ${isBaseline}) AS first_b,`,
    `    min(${e.ts}) FILTER (WHERE ${isVariant}) AS first_v,`,
    `    max(${e.ts}) FILTER (WHERE ${isBaseline}) AS last_b,`,
    `    max(${e.ts}) FILTER (WHERE ${isVariant}) AS last_v,`,
    `    count(*) FILTER (WHERE ${isBaseline}) AS n_b,`,
    `    count(*) FILTER (WHERE ${isVariant}) AS n_v,`,
    `    count(*) FILTER (WHERE NOT (${isBaseline}) AND NOT (${isVariant})) AS n_o`,
    `  FROM ${qualifiedName(exposures)} AS e`,
    `  WHERE ${e.flag} = ${b.flag} AND ${e.ts} >= ${b.start} AND ${e.ts} < ${b.asOf}`,
    `    AND ${e.unit} IS NOT NULL AND ${e.variant} IS NOT NULL`,
    `  GROUP BY ${e.unit}`,
    '),',
    'unit_arm AS (',
    '  SELECT unit, n_b, n_v, n_o, last_b, last_v,',
    '    CASE',
    `      WHEN n_o > 0 THEN CASE WHEN first_b IS NULL AND first_v IS NULL THEN ${OTHER} ELSE ${SEVERAL} END`,
    '      WHEN first_b IS NOT NULL AND first_v IS NOT NULL THEN',
    `        CASE WHEN first_b < first_v AND ${step('first_v')} > ${step('first_b')}`,
    `          AND (${b.percents})[${step('first_v')}] > (${b.percents})[${step('first_b')}]`,
    `        THEN ${RAMPED} ELSE ${SEVERAL} END`,
    '      WHEN first_b IS NOT NULL THEN 0',
    '      ELSE 1',
    '    END AS arm,',
    '    CASE WHEN n_o = 0 AND (first_b IS NULL OR first_v IS NULL) THEN coalesce(first_b, first_v) END AS first_ts',
    '  FROM unit_exposure',
    ')',
  ].join('\n');
}

/** Epoch milliseconds of a timestamp, exact for whole milliseconds (numeric, then float8). */
const epochMs = (ts: string): string => `(extract(epoch FROM ${ts}::timestamptz) * 1000)::float8`;

export function buildGuardQueries(
  plan: RolloutPlan,
  config: PostgresSourceConfig,
  asOf: Date,
  segments: TimelineSegment[],
): GuardQueries {
  if (segments.length === 0) throw new Error(`${plan.file}: the rollout has no step in force.`);
  const tables = sourceTables(config);
  return {
    health: healthQuery(plan, tables, asOf, segments),
    guardrails: plan.guardrails.map((_, index) => guardrailQuery(plan, index, tables, asOf, segments)),
  };
}

/** The queries as text a person can run elsewhere (`flaglens guard --show-sql`). */
export function showGuardQueries(
  plan: RolloutPlan,
  config: PostgresSourceConfig,
  asOf: Date,
  segments: TimelineSegment[],
): string {
  const queries = buildGuardQueries(plan, config, asOf, segments);
  return [
    "-- timestamps without time zone are read as UTC: run SET TIME ZONE 'UTC' first",
    printableQuery(queries.health, 'flaglens_guard_health'),
    ...queries.guardrails.map((query, index) => printableQuery(query, `flaglens_guardrail_${index + 1}`)),
  ].join('\n\n');
}

type Tables = ReturnType<typeof sourceTables>;

/**
 * Rows (kind, arm, hour, segment, n, m): 'units' per arm, UTC hour (epoch ms) and 0-based step
 * (-1 before the first) of the kept units' first exposure; 'excluded' per excluded arm code;
 * 'exposures' per arm with the latest one in `hour`; and the rows considered ('exposure-rows':
 * this flag or NULL, ts in the window or NULL; 'event-rows': the guardrails' events or NULL, ts
 * in the window or NULL) in n with those skipped for a NULL required column in m.
 */
function healthQuery(plan: RolloutPlan, tables: Tables, asOf: Date, segments: TimelineSegment[]): SqlQuery {
  const params = new SqlParameters();
  const b = bindPlan(plan, asOf, segments, params);
  const names = params.bind([...new Set(plan.guardrails.map((guardrail) => guardrail.event))]);
  const text = [
    'WITH',
    armCtes(tables.exposures, b) + ',',
    rowCountCtes(tables, { flag: b.flag, start: b.start, end: b.asOf, names, eventsFrom: b.start }),
    `SELECT 'units' AS kind, arm::float8 AS arm, ${epochMs("date_trunc('hour', first_ts::timestamptz)")} AS hour,`,
    `    (width_bucket(first_ts::timestamptz, ${b.starts}) - 1)::float8 AS segment, count(*)::float8 AS n, 0::float8 AS m`,
    '  FROM unit_arm WHERE arm IN (0, 1) GROUP BY 2, 3, 4',
    'UNION ALL',
    `SELECT 'excluded', arm::float8, NULL, NULL, count(*)::float8, 0 FROM unit_arm WHERE arm NOT IN (0, 1) GROUP BY arm`,
    'UNION ALL',
    `SELECT 'exposures', 0, ${epochMs('max(last_b)')}, NULL, coalesce(sum(n_b), 0)::float8, 0 FROM unit_arm`,
    'UNION ALL',
    `SELECT 'exposures', 1, ${epochMs('max(last_v)')}, NULL, coalesce(sum(n_v), 0)::float8, 0 FROM unit_arm`,
    'UNION ALL',
    `SELECT 'exposures', ${OTHER}, NULL, NULL, coalesce(sum(n_o), 0)::float8, 0 FROM unit_arm`,
    'UNION ALL',
    `SELECT 'exposure-rows', NULL, NULL, NULL, records, bad FROM exposure_rows`,
    'UNION ALL',
    `SELECT 'event-rows', NULL, NULL, NULL, records, bad FROM event_rows`,
  ].join('\n');
  return { title: `rollout ${plan.key}: data health`, text, values: params.values };
}

/**
 * One guardrail. Binomial and mean: per kept unit the events from its first exposure to asOf
 * (mean: those with a value, Σ value), then per arm the sums `VariantStatistics` holds (units
 * without events add 0 and count in `arm_units`). p95/p99: the events' values per arm, grouped
 * by the sketch's bucket (NULL: the zero bucket).
 */
function guardrailQuery(
  plan: RolloutPlan,
  index: number,
  tables: Tables,
  asOf: Date,
  segments: TimelineSegment[],
): SqlQuery {
  const guardrail = plan.guardrails[index];
  const params = new SqlParameters();
  const b = bindPlan(plan, asOf, segments, params);
  const event = params.bind(guardrail.event);
  const t = columnsOf(tables.events, 't');
  const value = `${t.value}::float8`;
  const join = [
    '  FROM unit_arm AS a',
    `  JOIN ${qualifiedName(tables.events)} AS t`,
    `    ON ${t.unit} = a.unit AND ${t.event} = ${event} AND ${t.ts} >= a.first_ts AND ${t.ts} < ${b.asOf}`,
  ];
  const title = `rollout ${plan.key}: guardrail ${guardrail.name} (${guardrail.kind} of ${guardrail.event})`;
  if (quantileOf(guardrail.kind) !== undefined) {
    const minimum = params.bind(MIN_POSITIVE);
    const logGamma = params.bind(LOG_GAMMA);
    const text = [
      'WITH',
      armCtes(tables.exposures, b),
      `SELECT a.arm::float8 AS arm,`,
      `    CASE WHEN ${value} > ${minimum}::float8 THEN ceil(ln(${value}) / ${logGamma}::float8) END AS bucket,`,
      '    count(*)::float8 AS n',
      ...join,
      `    AND ${t.value} IS NOT NULL`,
      '  GROUP BY 1, 2',
    ].join('\n');
    return { title, text, values: params.values };
  }
  const mean = guardrail.kind === 'mean';
  const perUnit = mean
    ? `count(${t.value})::float8 AS c, coalesce(sum(${value}), 0) AS x`
    : // Binomial: every joined unit has the event (x = 1); no denominator.
      '0::float8 AS c, 1::float8 AS x';
  const text = [
    'WITH',
    armCtes(tables.exposures, b) + ',',
    'unit_value AS (',
    `  SELECT a.arm, ${perUnit}`,
    ...join,
    '  GROUP BY a.unit, a.arm',
    '),',
    'arm_sums AS (',
    '  SELECT arm, sum(x) AS sum, sum(x * x) AS sum_squares, sum(c) AS denominator_sum,',
    '    sum(c * c) AS denominator_sum_squares, sum(x * c) AS cross_sum',
    '  FROM unit_value GROUP BY arm',
    '),',
    'arm_units AS (',
    '  SELECT arm, count(*) AS units FROM unit_arm WHERE arm IN (0, 1) GROUP BY arm',
    ')',
    'SELECT u.arm::float8 AS arm, u.units::float8 AS units,',
    '  coalesce(s.sum, 0) AS sum, coalesce(s.sum_squares, 0) AS sum_squares,',
    '  coalesce(s.denominator_sum, 0) AS denominator_sum,',
    '  coalesce(s.denominator_sum_squares, 0) AS denominator_sum_squares,',
    '  coalesce(s.cross_sum, 0) AS cross_sum',
    'FROM arm_units AS u LEFT JOIN arm_sums AS s ON s.arm = u.arm',
  ].join('\n');
  return { title, text, values: params.values };
}

type Row = Record<string, unknown>;

/** The rows of `buildGuardQueries`' queries as the `RolloutData` the file source gives. */
export function readGuardRows(
  plan: RolloutPlan,
  asOf: Date,
  segments: TimelineSegment[],
  health: readonly Row[],
  guardrails: readonly (readonly Row[])[],
): RolloutData {
  const names = [plan.baseline, plan.variant];
  const byName = <T>(values: T[]): Record<string, T> =>
    Object.fromEntries(names.map((name, arm) => [name, values[arm]]));
  const armOf = (row: Row, what: string): number => numberOf(row.arm, `${what} arm`);
  const units = [0, 0];
  const exposures = [0, 0];
  const lastExposure: (number | null)[] = [null, null];
  const hourly = new Map<number, number[]>();
  const segmentUnits = segments.map(() => [0, 0]);
  const counts: RecordCounts = { records: 0, badRecords: 0, badRecordSamples: [] };
  let multipleExposures = 0;
  let otherVariantUnits = 0;
  let rampedUnits = 0;
  for (const row of health) {
    const kind = stringOf(row.kind, 'kind');
    const n = numberOf(row.n, `${kind} n`);
    if (kind === 'units') {
      const arm = armOf(row, kind);
      const hour = numberOf(row.hour, 'hour');
      const segment = numberOf(row.segment, 'segment');
      units[arm] += n;
      let perHour = hourly.get(hour);
      if (!perHour) hourly.set(hour, (perHour = [0, 0]));
      perHour[arm] += n;
      if (segment >= 0) segmentUnits[segment][arm] += n;
    } else if (kind === 'excluded') {
      const arm = armOf(row, kind);
      if (arm === SEVERAL) multipleExposures += n;
      else if (arm === RAMPED) rampedUnits += n;
      else if (arm === OTHER) otherVariantUnits += n;
    } else if (kind === 'exposures') {
      const arm = armOf(row, kind);
      if (arm === 0 || arm === 1) {
        exposures[arm] = n;
        lastExposure[arm] = row.hour === null ? null : numberOf(row.hour, 'last exposure');
      }
    } else {
      counts.records += n;
      counts.badRecords += numberOf(row.m, `${kind} m`);
    }
  }
  return {
    asOf: asOf.toISOString(),
    source: 'postgres',
    records: counts.records,
    badRecords: counts.badRecords,
    badRecordSamples: counts.badRecordSamples,
    units: byName(units),
    exposures: byName(exposures),
    multipleExposures,
    otherVariantUnits,
    rampedUnits,
    lastExposure: byName(lastExposure),
    hourlyUnits: [...hourly.entries()]
      .sort(([a], [b]) => a - b)
      .map(([hour, perArm]) => ({ hour, units: byName(perArm) })),
    segmentUnits: segmentUnits.map(byName),
    guardrails: plan.guardrails.map((guardrail, index) => {
      const rows = guardrails[index];
      if (quantileOf(guardrail.kind) !== undefined) {
        const sketches = [new QuantileSketch(), new QuantileSketch()];
        for (const row of rows) {
          const bucket = row.bucket === null ? null : numberOf(row.bucket, `${guardrail.name} bucket`);
          sketches[armOf(row, guardrail.name)].addBucket(bucket, numberOf(row.n, `${guardrail.name} n`));
        }
        const arm = (a: number): GuardrailArmData => ({ kind: 'quantile', sketch: sketches[a] });
        return { baseline: arm(0), variant: arm(1) };
      }
      const statistics = [emptyStatistics(), emptyStatistics()];
      for (const row of rows) {
        const what = (column: string): string => `${guardrail.name}.${column}`;
        statistics[armOf(row, guardrail.name)] = {
          units: numberOf(row.units, what('units')),
          sum: numberOf(row.sum, what('sum')),
          sumSquares: numberOf(row.sum_squares, what('sum_squares')),
          denominatorSum: numberOf(row.denominator_sum, what('denominator_sum')),
          denominatorSumSquares: numberOf(row.denominator_sum_squares, what('denominator_sum_squares')),
          crossSum: numberOf(row.cross_sum, what('cross_sum')),
        };
      }
      const kind = guardrail.kind === 'mean' ? 'mean' : 'binomial';
      const arm = (a: number): GuardrailArmData => ({ kind, statistics: statistics[a] });
      return { baseline: arm(0), variant: arm(1) };
    }),
  };
}
