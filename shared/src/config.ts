/** The optional `flaglens.json` at a workspace root, and its defaults. */

export const SDK_PRESETS = [
  'openfeature',
  'launchdarkly',
  'unleash',
  'growthbook',
  'posthog',
  'statsig',
  'flagsmith',
  'configcat',
  'devcycle',
  'split',
] as const;
export type SdkPreset = (typeof SDK_PRESETS)[number];

export interface WrapperConfig {
  /** Function or method name, e.g. `isOn` or `flags.isOn`. */
  function: string;
  /** Index of the argument that carries the flag key. */
  keyArg: number;
  /** Index of the argument that carries the call-site default, when any. */
  defaultArg?: number;
  returns?: 'boolean' | 'string' | 'number' | 'object' | 'any';
}

export interface EnvironmentConfig {
  protected?: boolean;
}

export interface StalePolicy {
  /** Lifetime in days per flag type; `null` means never stale by age. */
  lifetimeDays: Record<string, number | null>;
  /** Days a flag must serve one variant to everyone before it counts as fully rolled out. */
  fullyRolledOutDays: number;
  /** Days a flag must be disabled everywhere before it counts as stale. */
  disabledDays: number;
}

/** A table of events in a SQL warehouse, with the names of its columns (defaults: the event fields). */
export interface SqlTableConfig {
  table: string;
  schema?: string;
  /** Column names by event field: ts, unit, flag, variant (exposures); ts, unit, event, value (tracks). */
  columns: Partial<Record<'ts' | 'unit' | 'flag' | 'variant' | 'event' | 'value', string>>;
}

export interface PostgresSourceConfig {
  /** Name of the environment variable that holds the connection string (never the string itself). */
  connectionEnv: string;
  exposures: SqlTableConfig;
  events: SqlTableConfig;
}

export interface ExperimentsConfig {
  /** Globs of experiment definitions. */
  definitions: string[];
  /** Where events come from: NDJSON/CSV files (the default) or PostgreSQL. */
  source: 'files' | 'postgres';
  /** Globs of NDJSON (`.ndjson`, `.jsonl`) and CSV (`.csv`) event files. */
  events: string[];
  postgres?: PostgresSourceConfig;
}

export interface FlaglensConfig {
  registry: string[];
  include: string[];
  exclude: string[];
  environments: Record<string, EnvironmentConfig>;
  sdks: SdkPreset[];
  wrappers: WrapperConfig[];
  stale: StalePolicy;
  /** Named sample contexts for previews. */
  contexts: Record<string, Record<string, unknown>>;
  /** Files larger than this are skipped (and reported). */
  maxFileBytes: number;
  experiments: ExperimentsConfig;
}

export const DEFAULT_CONFIG: FlaglensConfig = {
  registry: ['**/*.flagd.json'],
  include: ['**/*.{ts,tsx,js,jsx,mts,cts,mjs,cjs}'],
  exclude: ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/build/**', '**/out/**', '**/coverage/**'],
  environments: { production: { protected: true } },
  sdks: [...SDK_PRESETS],
  wrappers: [],
  stale: {
    lifetimeDays: {
      release: 40,
      experiment: 40,
      operational: 7,
      'kill-switch': null,
      permission: null,
    },
    fullyRolledOutDays: 7,
    disabledDays: 30,
  },
  contexts: {},
  maxFileBytes: 1_000_000,
  experiments: {
    definitions: ['**/*.experiment.json'],
    source: 'files',
    events: [],
  },
};
