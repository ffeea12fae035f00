/**
 * The SQL that turns an exposures table and an events table into an experiment's sufficient
 * statistics (DESIGN.md section 9), with every unit-level rule pushed down into the database:
 * one query per metric returns one row per variant (never a row per unit), and one query
 * returns the data health (units per day and variant, excluded units, rows read and skipped).
 *
 * Timestamps: comparisons are against ISO instants; a `timestamp without time zone` column is
 * read as UTC, so the session must run with `TimeZone = 'UTC'` (the PostgreSQL source sets it).
 */
import type { PostgresSourceConfig } from '../../../../../shared/src/config';
import type {
  DataHealth,
  ExperimentDefinition,
  MetricDefinition,
  MetricStatistics,
  VariantStatistics,
} from '../../../../../shared/src/experiment';
import {
  type ExposureField,
  type ResolvedTable,
  type SqlQuery,
  type TrackField,
  SqlParameters,
  qualifiedName,
  quoteIdentifier,
  resolveTable,
} from './sqlText';

export const EXPOSURE_FIELDS: readonly ExposureField[] = ['ts', 'unit', 'flag', 'variant'];
export const TRACK_FIELDS: readonly TrackField[] = ['ts', 'unit', 'event', 'value'];

const DAY_MS = 86_400_000;

/** The instants an experiment's figures are cut at. */
export interface ExperimentWindow {
  /** `start`, inclusive. */
  start: Date;
  /** min(`end`, the cut instant), exclusive. */
  end: Date;
  /** `start - cupedLookbackDays`, inclusive: the CUPED pre-period is `[preStart, start)`. */
  preStart: Date;
}

export function experimentWindow(definition: ExperimentDefinition, at: Date): ExperimentWindow {
  const start = instant(definition.start, 'start');
  const end = definition.end === null ? Infinity : instant(definition.end, 'end').getTime();
  if (Number.isNaN(at.getTime())) throw new Error('The cut instant is not a valid date.');
  return {
    start,
    end: new Date(Math.min(end, at.getTime())),
    preStart: new Date(start.getTime() - definition.analysis.cupedLookbackDays * DAY_MS),
  };
}

function instant(text: string, field: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new Error(`The experiment's ${field} is not an ISO instant: ${text}`);
  return date;
}

/**
 * CUPED adjusts binomial and mean metrics only (the analysis leaves ratios unadjusted, as one
 * pre-period value is no covariate for a ratio): only they get the pre-period sums.
 */
export function usesCuped(definition: ExperimentDefinition, metric: MetricDefinition): boolean {
  return definition.analysis.cuped && metric.kind !== 'ratio';
}

export interface ExperimentQueries {
  window: ExperimentWindow;
  health: SqlQuery;
  metrics: { metric: MetricDefinition; query: SqlQuery }[];
}

/** The tables of the settings with their column names resolved, as the queries use them. */
export function sourceTables(config: PostgresSourceConfig): {
  exposures: ResolvedTable<ExposureField>;
  events: ResolvedTable<TrackField>;
} {
  return {
    exposures: resolveTable(config.exposures, EXPOSURE_FIELDS),
    events: resolveTable(config.events, TRACK_FIELDS),
  };
}

export function buildExperimentQueries(
  definition: ExperimentDefinition,
  config: PostgresSourceConfig,
  at: Date,
): ExperimentQueries {
  const window = experimentWindow(definition, at);
  const tables = sourceTables(config);
  return {
    window,
    health: healthQuery(definition, tables, window),
    metrics: definition.metrics.map((metric) => ({
      metric,
      query: metricQuery(definition, metric, tables, window),
    })),
  };
}

interface Tables {
  exposures: ResolvedTable<ExposureField>;
  events: ResolvedTable<TrackField>;
}

/** Placeholders every query binds first, in this order. */
interface WindowPlaceholders {
  flag: string;
  start: string;
  end: string;
  variants: string;
}

function bindWindow(
  definition: ExperimentDefinition,
  window: ExperimentWindow,
  params: SqlParameters,
): WindowPlaceholders {
  return {
    flag: params.bind(definition.flag),
    start: params.bind(iso(window.start)),
    end: params.bind(iso(window.end)),
    variants: params.bind(definition.variants),
  };
}

/**
 * The CTE `exposure`: one row per unit with an exposure to the flag in the window (rows with a
 * NULL unit or variant skipped): its first exposure, its (lowest) variant, `single` when it saw
 * one variant only (lowest = highest: cheaper than count(DISTINCT), which sorts) and `analysed`
 * when that variant is also listed. Figures keep the analysed units with `FILTER (WHERE
 * analysed)` rather than WHERE: the planner pushes a WHERE down to the units' scan, estimates
 * far too few units there, and picks a nested loop over the events table, which is quadratic.
 */
function exposureCte(exposures: ResolvedTable<ExposureField>, bound: WindowPlaceholders): string {
  const c = columnsOf(exposures, 'e');
  return [
    'exposure AS (',
    `  SELECT ${c.unit} AS unit, min(${c.ts}) AS first_ts, min(${c.variant}) AS variant,`,
    `    min(${c.variant}) = max(${c.variant}) AS single,`,
    `    min(${c.variant}) = max(${c.variant}) AND min(${c.variant}) = ANY(${bound.variants}) AS analysed`,
    `  FROM ${qualifiedName(exposures)} AS e`,
    `  WHERE ${c.flag} = ${bound.flag} AND ${c.ts} >= ${bound.start} AND ${c.ts} < ${bound.end}`,
    `    AND ${c.unit} IS NOT NULL AND ${c.variant} IS NOT NULL`,
    `  GROUP BY ${c.unit}`,
    ')',
  ].join('\n');
}

/** Each column of `table`, quoted and prefixed with `alias.`. */
export function columnsOf<F extends string>(table: ResolvedTable<F>, alias: string): Record<F, string> {
  const columns = {} as Record<F, string>;
  for (const field of Object.keys(table.columns) as F[]) {
    columns[field] = `${alias}.${quoteIdentifier(table.columns[field])}`;
  }
  return columns;
}

function iso(date: Date): string {
  return date.toISOString();
}

/** Event names a definition reads (numerators and denominators), in order of first use. */
function eventNames(definition: ExperimentDefinition): string[] {
  const names = new Set<string>();
  for (const metric of definition.metrics) {
    names.add(metric.event);
    if (metric.kind === 'ratio' && metric.denominator !== undefined) names.add(metric.denominator);
  }
  return [...names];
}

/**
 * Health: one row per (variant, UTC day of first exposure) of the analysed units, one row with
 * the units exposed to several variants and those of unlisted variants, and one row per table
 * with the rows considered and the rows skipped for a NULL required column.
 *
 * Rows considered: exposures whose flag is this flag (or NULL) and whose ts is in the window
 * (or NULL); events whose name is one the metrics read (or NULL) and whose ts is in
 * `[start, end)` (from the CUPED pre-period's start when CUPED runs), or NULL. A row whose
 * required column is NULL cannot be placed, so it counts wherever it could have belonged.
 */
function healthQuery(definition: ExperimentDefinition, tables: Tables, window: ExperimentWindow): SqlQuery {
  const params = new SqlParameters();
  const bound = bindWindow(definition, window, params);
  const { flag, start, end } = bound;
  const names = params.bind(eventNames(definition));
  const anyCuped = definition.metrics.some((metric) => usesCuped(definition, metric));
  const eventsFrom = anyCuped ? params.bind(iso(window.preStart)) : start;
  const text = [
    'WITH',
    exposureCte(tables.exposures, bound) + ',',
    rowCountCtes(tables, { flag, start, end, names, eventsFrom }),
    // Grouped by the date (in the session's UTC), formatted once per group: to_char per unit is slow.
    `SELECT 'daily' AS kind, variant::text AS variant, to_char(first_ts::date, 'YYYY-MM-DD') AS day, count(*)::float8 AS n, 0::float8 AS m`,
    '  FROM exposure',
    '  WHERE analysed',
    '  GROUP BY variant, first_ts::date',
    'UNION ALL',
    `SELECT 'excluded', NULL, NULL,`,
    '  count(*) FILTER (WHERE NOT single)::float8,',
    '  count(*) FILTER (WHERE single AND NOT analysed)::float8',
    '  FROM exposure',
    'UNION ALL',
    `SELECT 'exposure-rows', NULL, NULL, records, bad FROM exposure_rows`,
    'UNION ALL',
    `SELECT 'event-rows', NULL, NULL, records, bad FROM event_rows`,
  ].join('\n');
  return { title: `experiment ${definition.key}: data health`, text, values: params.values };
}

/**
 * The CTEs `exposure_rows` and `event_rows` (one row each: `records`, `bad`): the rows a source
 * considers and those skipped for a NULL required column. Considered: exposures whose flag is
 * this flag (or NULL) and whose ts is in [start, end) (or NULL); events whose name is one of
 * `names` (or NULL) and whose ts is in [eventsFrom, end) (or NULL). Arguments are placeholders.
 */
export function rowCountCtes(
  tables: { exposures: ResolvedTable<ExposureField>; events: ResolvedTable<TrackField> },
  bound: { flag: string; start: string; end: string; names: string; eventsFrom: string },
): string {
  const { flag, start, end, names, eventsFrom } = bound;
  const x = columnsOf(tables.exposures, 'x');
  const t = columnsOf(tables.events, 't');
  return [
    'exposure_rows AS (',
    '  SELECT count(*)::float8 AS records,',
    `    count(*) FILTER (WHERE ${x.unit} IS NULL OR ${x.ts} IS NULL OR ${x.flag} IS NULL OR ${x.variant} IS NULL)::float8 AS bad`,
    `  FROM ${qualifiedName(tables.exposures)} AS x`,
    `  WHERE (${x.flag} = ${flag} OR ${x.flag} IS NULL)`,
    `    AND ((${x.ts} >= ${start} AND ${x.ts} < ${end}) OR ${x.ts} IS NULL)`,
    '),',
    'event_rows AS (',
    '  SELECT count(*)::float8 AS records,',
    `    count(*) FILTER (WHERE ${t.unit} IS NULL OR ${t.ts} IS NULL OR ${t.event} IS NULL)::float8 AS bad`,
    `  FROM ${qualifiedName(tables.events)} AS t`,
    `  WHERE (${t.event} = ANY(${names}) OR ${t.event} IS NULL)`,
    `    AND ((${t.ts} >= ${eventsFrom} AND ${t.ts} < ${end}) OR ${t.ts} IS NULL)`,
    ')',
  ].join('\n');
}

/**
 * One metric: per analysed unit (one variant, listed) the sum of its events' values (NULL
 * counts 1) from its first exposure to the window's end, then per variant the sums the
 * analysis needs. CUPED adds the same sum over `[preStart, start)` (not to ratios); ratios
 * add the denominator's.
 */
function metricQuery(
  definition: ExperimentDefinition,
  metric: MetricDefinition,
  tables: Tables,
  window: ExperimentWindow,
): SqlQuery {
  if (metric.kind === 'ratio' && metric.denominator === undefined) {
    throw new Error(`Metric ${metric.name} is a ratio without a denominator event.`);
  }
  const params = new SqlParameters();
  const bound = bindWindow(definition, window, params);
  const { start, end } = bound;
  const exposure = exposureCte(tables.exposures, bound);
  const numerator = params.bind(metric.event);
  const ratio = metric.kind === 'ratio';
  const denominator = ratio ? params.bind(metric.denominator as string) : undefined;
  const cuped = usesCuped(definition, metric);
  const preStart = cuped ? params.bind(iso(window.preStart)) : undefined;
  const t = columnsOf(tables.events, 't');
  const value = `coalesce(${t.value}::float8, 1)`;
  const events = denominator ? `${t.event} IN (${numerator}, ${denominator})` : `${t.event} = ${numerator}`;

  const perUnit = [
    `    coalesce(sum(${value}) FILTER (WHERE ${t.event} = ${numerator} AND ${t.ts} >= a.first_ts), 0) AS x_sum`,
  ];
  if (denominator) {
    perUnit.push(
      `    coalesce(sum(${value}) FILTER (WHERE ${t.event} = ${denominator} AND ${t.ts} >= a.first_ts), 0) AS y`,
    );
  }
  if (cuped) {
    perUnit.push(
      `    coalesce(sum(${value}) FILTER (WHERE ${t.event} = ${numerator} AND ${t.ts} < ${start}), 0) AS p_sum`,
    );
  }
  const binomial = metric.kind === 'binomial';
  const asValue = (sum: string): string =>
    binomial ? `CASE WHEN ${sum} > 0 THEN 1::float8 ELSE 0::float8 END` : sum;
  const unitMetric = ['variant', 'analysed', `${asValue('x_sum')} AS x`];
  if (denominator) unitMetric.push('y');
  if (cuped) unitMetric.push(`${asValue('p_sum')} AS p`);

  const analysed = (sum: string, name: string): string =>
    `coalesce(sum(${sum}) FILTER (WHERE analysed), 0) AS ${name}`;
  const sums = [analysed('x', 'sum'), analysed('x * x', 'sum_squares')];
  if (denominator) {
    sums.push(
      analysed('y', 'denominator_sum'),
      analysed('y * y', 'denominator_sum_squares'),
      analysed('x * y', 'cross_sum'),
    );
  }
  if (cuped)
    sums.push(
      analysed('p', 'pre_sum'),
      analysed('p * p', 'pre_sum_squares'),
      analysed('x * p', 'pre_cross_sum'),
    );
  const names = ['sum', 'sum_squares'];
  if (denominator) names.push('denominator_sum', 'denominator_sum_squares', 'cross_sum');
  if (cuped) names.push('pre_sum', 'pre_sum_squares', 'pre_cross_sum');

  const text = [
    'WITH',
    exposure + ',',
    // Only units with events are joined: a unit without any adds 0 to every sum, and counts
    // in `variant_units`.
    'unit_value AS (',
    '  SELECT a.variant, a.analysed,',
    perUnit.join(',\n'),
    '  FROM exposure AS a',
    `  JOIN ${qualifiedName(tables.events)} AS t`,
    `    ON ${t.unit} = a.unit AND ${events}`,
    // The pre-period ends at start, before any first exposure: one join reads both periods.
    `    AND ${t.ts} >= ${preStart ?? 'a.first_ts'} AND ${t.ts} < ${end}`,
    '  GROUP BY a.unit, a.variant, a.analysed',
    '),',
    'unit_metric AS (',
    `  SELECT ${unitMetric.join(', ')} FROM unit_value`,
    '),',
    'variant_sums AS (',
    `  SELECT variant, ${sums.join(', ')}`,
    '  FROM unit_metric GROUP BY variant',
    '),',
    'variant_units AS (',
    '  SELECT variant, count(*) FILTER (WHERE analysed) AS units FROM exposure GROUP BY variant',
    ')',
    `SELECT u.variant::text AS variant, u.units::float8 AS units, ${names
      .map((name) => `coalesce(s.${name}, 0) AS ${name}`)
      .join(', ')}`,
    'FROM variant_units AS u LEFT JOIN variant_sums AS s ON s.variant = u.variant',
    'WHERE u.units > 0',
  ].join('\n');
  return {
    title: `experiment ${definition.key}: metric ${metric.name} (${metric.kind} of ${metric.event}${
      denominator ? ` per ${metric.denominator}` : ''
    }${cuped ? ', CUPED' : ''})`,
    text,
    values: params.values,
  };
}

type Row = Record<string, unknown>;

/** A float8 or integer column as a number; numeric/bigint text is accepted, anything else is a bug. */
export function numberOf(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (value === null) return 0;
  throw new Error(`The warehouse returned ${JSON.stringify(value)} for ${what}, not a number.`);
}

export function stringOf(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  throw new Error(`The warehouse returned ${JSON.stringify(value)} for ${what}, not a string.`);
}

/** The health rows as `DataHealth` (no samples: a table row has no line to point at). */
export function readHealth(definition: ExperimentDefinition, rows: readonly Row[]): DataHealth {
  const units: Record<string, number> = Object.fromEntries(definition.variants.map((v) => [v, 0]));
  const days = new Map<string, Record<string, number>>();
  const health: DataHealth = {
    units,
    multipleExposures: 0,
    unknownVariantUnits: 0,
    records: 0,
    badRecords: 0,
    badRecordSamples: [],
    dailyUnits: [],
  };
  for (const row of rows) {
    const kind = stringOf(row.kind, 'kind');
    const n = numberOf(row.n, `${kind} n`);
    const m = numberOf(row.m, `${kind} m`);
    if (kind === 'daily') {
      const variant = stringOf(row.variant, 'variant');
      const day = stringOf(row.day, 'day');
      let perVariant = days.get(day);
      if (!perVariant) {
        perVariant = Object.fromEntries(definition.variants.map((v) => [v, 0]));
        days.set(day, perVariant);
      }
      perVariant[variant] = n;
      units[variant] = (units[variant] ?? 0) + n;
    } else if (kind === 'excluded') {
      health.multipleExposures = n;
      health.unknownVariantUnits = m;
    } else {
      health.records += n;
      health.badRecords += m;
    }
  }
  health.dailyUnits = [...days.keys()]
    .sort()
    .map((day) => ({ day, units: days.get(day) as Record<string, number> }));
  return health;
}

/** A metric's rows (one per variant with units) as statistics for every listed variant. */
export function readMetric(
  definition: ExperimentDefinition,
  metric: MetricDefinition,
  rows: readonly Row[],
): MetricStatistics {
  const ratio = metric.kind === 'ratio';
  const cuped = usesCuped(definition, metric);
  const empty = (): VariantStatistics => ({
    units: 0,
    sum: 0,
    sumSquares: 0,
    ...(ratio ? { denominatorSum: 0, denominatorSumSquares: 0, crossSum: 0 } : {}),
    ...(cuped ? { preSum: 0, preSumSquares: 0, preCrossSum: 0 } : {}),
  });
  const variants: Record<string, VariantStatistics> = Object.fromEntries(
    definition.variants.map((v) => [v, empty()]),
  );
  for (const row of rows) {
    const variant = stringOf(row.variant, 'variant');
    const what = (column: string): string => `${metric.name}.${variant}.${column}`;
    const statistics: VariantStatistics = {
      units: numberOf(row.units, what('units')),
      sum: numberOf(row.sum, what('sum')),
      sumSquares: numberOf(row.sum_squares, what('sum_squares')),
    };
    if (ratio) {
      statistics.denominatorSum = numberOf(row.denominator_sum, what('denominator_sum'));
      statistics.denominatorSumSquares = numberOf(
        row.denominator_sum_squares,
        what('denominator_sum_squares'),
      );
      statistics.crossSum = numberOf(row.cross_sum, what('cross_sum'));
    }
    if (cuped) {
      statistics.preSum = numberOf(row.pre_sum, what('pre_sum'));
      statistics.preSumSquares = numberOf(row.pre_sum_squares, what('pre_sum_squares'));
      statistics.preCrossSum = numberOf(row.pre_cross_sum, what('pre_cross_sum'));
    }
    variants[variant] = statistics;
  }
  return { metric, variants };
}
