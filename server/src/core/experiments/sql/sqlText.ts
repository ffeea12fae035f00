/**
 * The pieces of SQL text the warehouse queries are made of: identifiers quoted from settings,
 * values always sent as bind parameters, and a printable form a person can run elsewhere.
 * Nothing read from events ever becomes SQL text.
 */
import type { SqlTableConfig } from '../../../../../shared/src/config';

/** A bind parameter's value as the driver sends it: instants as ISO strings, lists as arrays. */
export type SqlValue = string | number | string[];

export interface SqlQuery {
  /** What the query answers, for `--show-sql` and error messages. */
  title: string;
  text: string;
  /** `$1` is `values[0]`. */
  values: SqlValue[];
}

/** A PostgreSQL identifier in double quotes, embedded quotes doubled: any name is safe. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) throw new Error('An SQL identifier cannot be empty.');
  if (name.includes('\u0000')) throw new Error(`An SQL identifier cannot contain a NUL character: ${name}`);
  return `"${name.replace(/"/g, '""')}"`;
}

export type ExposureField = 'ts' | 'unit' | 'flag' | 'variant';
export type TrackField = 'ts' | 'unit' | 'event' | 'value';

/** A table of the settings with every column name filled in (defaults: the event field names). */
export interface ResolvedTable<F extends string> {
  schema?: string;
  table: string;
  columns: Record<F, string>;
}

export function resolveTable<F extends string>(
  config: SqlTableConfig,
  fields: readonly F[],
): ResolvedTable<F> {
  const columns = {} as Record<F, string>;
  for (const field of fields) {
    const configured = (config.columns as Partial<Record<string, string>>)[field];
    columns[field] = configured === undefined || configured === '' ? field : configured;
  }
  return { ...(config.schema ? { schema: config.schema } : {}), table: config.table, columns };
}

/** `"schema"."table"`, or `"table"` (found through the search path) without a schema. */
export function qualifiedName(table: { schema?: string; table: string }): string {
  return table.schema
    ? `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.table)}`
    : quoteIdentifier(table.table);
}

/** Collects bind parameters while a query is written: one `$n` per distinct value. */
export class SqlParameters {
  readonly values: SqlValue[] = [];
  private readonly placeholders = new Map<string, string>();

  /** The placeholder of `value`, reused when the same value was already bound. */
  bind(value: SqlValue): string {
    const key = JSON.stringify(value);
    const known = this.placeholders.get(key);
    if (known) return known;
    this.values.push(value);
    const placeholder = `$${this.values.length}`;
    this.placeholders.set(key, placeholder);
    return placeholder;
  }
}

/** A value as an SQL literal (standard conforming strings: only quotes are doubled). */
export function sqlLiteral(value: SqlValue): string {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]::text[]`;
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A query as psql (or any PostgreSQL client) runs it: the parameters listed, then the text as a
 * prepared statement executed with those parameters, so the figures can be checked by hand.
 */
export function printableQuery(query: SqlQuery, statementName: string): string {
  const header = [
    `-- ${query.title}`,
    ...query.values.map((value, index) => `--   $${index + 1} = ${sqlLiteral(value)}`),
  ];
  const name = quoteIdentifier(statementName);
  const args = query.values.map(sqlLiteral).join(', ');
  return [
    ...header,
    `PREPARE ${name} AS`,
    `${query.text};`,
    `EXECUTE ${name}${args ? `(${args})` : ''};`,
    `DEALLOCATE ${name};`,
  ].join('\n');
}
