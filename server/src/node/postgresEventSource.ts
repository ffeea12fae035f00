/**
 * The PostgreSQL event source: runs the experiment's queries (core/experiments/sql) on the
 * warehouse named by an environment variable and hands the analysis the same `ExperimentData`
 * as the file source. The database does the per-unit work; only per-variant sums come back.
 *
 * The queries run in read-only REPEATABLE READ transactions sharing one exported snapshot, so
 * health and metrics describe the same instant of the tables even while events keep arriving,
 * up to three side by side, with the sessions' time zone set to UTC.
 */
import { Client } from 'pg';
import type { PostgresSourceConfig } from '../../../shared/src/config';
import type { ExperimentData, ExperimentDefinition } from '../../../shared/src/experiment';
import {
  type ExperimentQueries,
  buildExperimentQueries,
  readHealth,
  readMetric,
  sourceTables,
} from '../core/experiments/sql/experimentQueries';
import { ExperimentSourceError } from '../core/experiments/sourceError';
import { type ResolvedTable, type SqlQuery, printableQuery } from '../core/experiments/sql/sqlText';

// One error type for every event source: the CLI prints its message, never a stack.
export { ExperimentSourceError };

export interface PostgresCollectOptions {
  /** The cut instant (`--at`, or now). */
  at: Date;
  /** Where the connection string is read (`env[config.connectionEnv]`). */
  env: NodeJS.ProcessEnv;
  /** Connecting gives up after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Each query is cancelled by the server after this long (default 5 min). */
  statementTimeoutMs?: number;
  /** Sessions running queries side by side on one snapshot (default 3; 1: one session). */
  concurrency?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 300_000;
const DEFAULT_CONCURRENCY = 3;

/** The SQL `collectFromPostgres` would run, as text a person can run elsewhere (`--show-sql`). */
export function showPostgresQueries(
  definition: ExperimentDefinition,
  config: PostgresSourceConfig,
  at: Date,
): string {
  const queries = buildExperimentQueries(definition, config, at);
  return [
    "-- timestamps without time zone are read as UTC: run SET TIME ZONE 'UTC' first",
    printableQuery(queries.health, 'flaglens_health'),
    ...queries.metrics.map(({ query }, index) => printableQuery(query, `flaglens_metric_${index + 1}`)),
  ].join('\n\n');
}

export async function collectFromPostgres(
  definition: ExperimentDefinition,
  config: PostgresSourceConfig,
  options: PostgresCollectOptions,
): Promise<ExperimentData> {
  requireConnectionString(config, options.env);
  let queries: ExperimentQueries;
  try {
    queries = buildExperimentQueries(definition, config, options.at);
  } catch (error) {
    throw new ExperimentSourceError((error as Error).message);
  }
  const answers = await runOnSnapshot(
    config,
    [queries.health, ...queries.metrics.map((m) => m.query)],
    options,
  );
  return {
    health: readHealth(definition, answers[0]),
    metrics: queries.metrics.map(({ metric }, index) => readMetric(definition, metric, answers[index + 1])),
    asOf: options.at.toISOString(),
    source: 'postgres',
  };
}

function requireConnectionString(config: PostgresSourceConfig, env: NodeJS.ProcessEnv): string {
  const connectionString = env[config.connectionEnv];
  if (connectionString === undefined || connectionString.trim() === '') {
    throw new ExperimentSourceError(
      `The environment variable ${config.connectionEnv} is not set: set it to the PostgreSQL connection string ` +
        `(postgres://user:password@host:5432/database) that experiments.postgres.connectionEnv names.`,
    );
  }
  return connectionString;
}

/**
 * Runs `queries` on the warehouse of `config` (after checking its tables) in read-only
 * REPEATABLE READ sessions sharing one snapshot, and answers each query's rows in order. Every
 * failure is an `ExperimentSourceError` naming the server and the query. Shared by the
 * experiments and the guarded rollouts.
 */
export async function runOnSnapshot(
  config: PostgresSourceConfig,
  queries: readonly SqlQuery[],
  options: Omit<PostgresCollectOptions, 'at'>,
): Promise<Record<string, unknown>[][]> {
  const connectionString = requireConnectionString(config, options.env);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const statementTimeoutMs = Math.max(
    1,
    Math.round(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS),
  );
  const sessions: Client[] = [];
  const session = (): Client => {
    const client = new Client({
      connectionString,
      connectionTimeoutMillis: connectTimeoutMs,
      application_name: 'flaglens',
    });
    // An error on an idle client (the server going away) must not crash the process: the
    // pending query rejects with it anyway.
    client.on('error', () => undefined);
    sessions.push(client);
    return client;
  };
  let leader: Client;
  try {
    leader = session();
  } catch (error) {
    throw new ExperimentSourceError(
      `The connection string in ${config.connectionEnv} is not valid: ${(error as Error).message}`,
    );
  }
  const place = `${leader.host}:${leader.port}`;
  const settings = ["SET LOCAL TIME ZONE 'UTC'", `SET LOCAL statement_timeout = ${statementTimeoutMs}`];
  try {
    try {
      await leader.connect();
    } catch (error) {
      throw connectionError(error, {
        place,
        env: config.connectionEnv,
        user: leader.user ?? '',
        connectTimeoutMs,
      });
    }
    let current = 'the session setup';
    try {
      await leader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const setting of settings) await leader.query(setting);
      current = 'the check of the configured tables';
      await checkTables(leader, config);
      current = 'the session setup';
      const jobs = queries;
      const helpers = await helperSessions(
        leader,
        session,
        settings,
        Math.min(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY), jobs.length) - 1,
      );
      const answers: Record<string, unknown>[][] = new Array(jobs.length);
      let next = 0;
      const work = async (client: Client): Promise<void> => {
        while (next < jobs.length) {
          const index = next++;
          try {
            const result = await client.query<Record<string, unknown>>({
              text: jobs[index].text,
              values: jobs[index].values,
            });
            answers[index] = result.rows;
          } catch (error) {
            throw queryError(error, { place, what: jobs[index].title, statementTimeoutMs });
          }
        }
      };
      await Promise.all([leader, ...helpers].map(work));
      for (const client of [leader, ...helpers]) await client.query('COMMIT');
      return answers;
    } catch (error) {
      if (error instanceof ExperimentSourceError) throw error;
      throw queryError(error, { place, what: current, statementTimeoutMs });
    }
  } finally {
    await Promise.all(sessions.map((client) => client.end().catch(() => undefined)));
  }
}

/**
 * More sessions that see exactly the leader's snapshot (pg_export_snapshot, as `pg_dump -j`
 * does), so the queries can run side by side and still describe one instant of the tables.
 * A session that cannot connect or import the snapshot (connection limit, a pooler) is left
 * out: the leader alone can run every query.
 */
async function helperSessions(
  leader: Client,
  session: () => Client,
  settings: string[],
  count: number,
): Promise<Client[]> {
  if (count <= 0) return [];
  const exported = await leader.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
  const snapshot = exported.rows[0].id.replace(/'/g, "''");
  const helpers = await Promise.all(
    Array.from({ length: count }, async () => {
      const client = session();
      try {
        await client.connect();
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
        for (const setting of settings) await client.query(setting);
        return client;
      } catch {
        return undefined;
      }
    }),
  );
  return helpers.filter((client): client is Client => client !== undefined);
}

interface DriverError {
  code?: string;
  message: string;
  errors?: DriverError[];
}

function codesOf(error: unknown): string[] {
  const e = error as DriverError;
  return [e.code, ...(e.errors ?? []).map((inner) => inner.code)].filter((code): code is string => !!code);
}

function connectionError(
  error: unknown,
  context: { place: string; env: string; user: string; connectTimeoutMs: number },
): ExperimentSourceError {
  const codes = codesOf(error);
  const message = (error as DriverError).message;
  if (codes.includes('ECONNREFUSED')) {
    return new ExperimentSourceError(
      `Cannot connect to PostgreSQL at ${context.place}: connection refused. Is the server running there, and is ` +
        `${context.env} the right connection string?`,
    );
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new ExperimentSourceError(
      `Cannot connect to PostgreSQL at ${context.place}: the host name is unknown (check ${context.env}).`,
    );
  }
  if (codes.includes('28P01')) {
    return new ExperimentSourceError(
      `PostgreSQL at ${context.place} refused user "${context.user}": authentication failed (wrong password?). ` +
        `Check the connection string in ${context.env}.`,
    );
  }
  if (codes.includes('28000') || codes.includes('3D000')) {
    return new ExperimentSourceError(
      `PostgreSQL at ${context.place} refused the connection: ${message}. Check ${context.env}.`,
    );
  }
  if (/timeout/i.test(message) || codes.includes('ETIMEDOUT')) {
    return new ExperimentSourceError(
      `Cannot connect to PostgreSQL at ${context.place}: no answer within ${context.connectTimeoutMs} ms (timeout).`,
    );
  }
  return new ExperimentSourceError(`Cannot connect to PostgreSQL at ${context.place}: ${message}`);
}

function queryError(
  error: unknown,
  context: { place: string; what: string; statementTimeoutMs: number },
): ExperimentSourceError {
  const codes = codesOf(error);
  const message = (error as DriverError).message;
  if (codes.includes('57014')) {
    return new ExperimentSourceError(
      `PostgreSQL at ${context.place} cancelled ${context.what}: it ran longer than the statement timeout ` +
        `(${context.statementTimeoutMs} ms).`,
    );
  }
  if (codes.length > 0 && codes[0].length === 5) {
    return new ExperimentSourceError(`PostgreSQL at ${context.place} failed ${context.what}: ${message}`);
  }
  return new ExperimentSourceError(`PostgreSQL at ${context.place}: ${context.what} failed: ${message}`);
}

const TIMESTAMP_TYPES = new Set(['timestamp with time zone', 'timestamp without time zone']);
const NUMBER_TYPES = new Set(['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric']);

/**
 * Checks the configured tables and columns before the real queries, so that a missing table or
 * column is named with the setting it comes from (PostgreSQL's own message names neither the
 * table of a missing column nor the setting), and so that column types are right.
 */
async function checkTables(client: Client, config: PostgresSourceConfig): Promise<void> {
  const tables = sourceTables(config);
  await checkTable(client, tables.exposures, 'experiments.postgres.exposures', { ts: TIMESTAMP_TYPES });
  await checkTable(client, tables.events, 'experiments.postgres.events', {
    ts: TIMESTAMP_TYPES,
    value: NUMBER_TYPES,
  });
}

async function checkTable<F extends string>(
  client: Client,
  table: ResolvedTable<F>,
  setting: string,
  types: Partial<Record<F, Set<string>>>,
): Promise<void> {
  const shown = table.schema ? `${table.schema}.${table.table}` : table.table;
  // to_regclass takes the name as text and answers NULL (no error) for a missing relation; the
  // schema and name are passed as data and quoted by quote_ident on the server.
  const found = await client.query<{ oid: string | null }>(
    `SELECT to_regclass(CASE WHEN $1::text IS NULL THEN quote_ident($2::text)
       ELSE quote_ident($1::text) || '.' || quote_ident($2::text) END)::oid::text AS oid`,
    [table.schema ?? null, table.table],
  );
  const oid = found.rows[0]?.oid;
  if (!oid) {
    throw new ExperimentSourceError(
      `The table ${JSON.stringify(shown)} (${setting}.table${table.schema ? ' in ' + setting + '.schema' : ''}) ` +
        'does not exist in this database, or the connection user cannot see it.',
    );
  }
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute
      WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped`,
    [oid],
  );
  const typeOf = new Map(columns.rows.map((row) => [row.name, row.type]));
  for (const field of Object.keys(table.columns) as F[]) {
    const column = table.columns[field];
    const type = typeOf.get(column);
    if (type === undefined) {
      throw new ExperimentSourceError(
        `The table ${JSON.stringify(shown)} has no column ${JSON.stringify(column)} for the event field ${field} ` +
          `(${setting}.columns.${field}${column === field ? ', the default' : ''}). Its columns: ` +
          `${[...typeOf.keys()].join(', ')}.`,
      );
    }
    const allowed = types[field];
    if (allowed && !allowed.has(type)) {
      throw new ExperimentSourceError(
        `The column ${JSON.stringify(column)} of ${JSON.stringify(shown)} (${field}) is ${type}; ` +
          `it must be one of: ${[...allowed].join(', ')}.`,
      );
    }
  }
}
