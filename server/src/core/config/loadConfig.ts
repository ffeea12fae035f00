import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { inspectJson, MAX_JSON_DEPTH } from '../jsonShape';
import {
  DEFAULT_CONFIG,
  SDK_PRESETS,
  type FlaglensConfig,
  type SdkPreset,
  type SqlTableConfig,
  type WrapperConfig,
} from '../../../../shared/src/config';
import type { Finding } from '../../../../shared/src/registryModel';
import { LineIndex } from '../text';

export const CONFIG_FILE = 'flaglens.json';

export interface LoadedConfig {
  config: FlaglensConfig;
  findings: Finding[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : undefined;
}

/**
 * Reads `flaglens.json` over the defaults. Unknown or malformed settings are reported and
 * ignored; a broken file falls back to the defaults, so nothing stops working.
 */
export function loadConfig(text: string | undefined): LoadedConfig {
  const config: FlaglensConfig = structuredClone(DEFAULT_CONFIG);
  const findings: Finding[] = [];
  if (text === undefined) return { config, findings };
  const lines = new LineIndex(text);
  const problem = (message: string, offset = 0, length = 1): void => {
    findings.push({
      file: CONFIG_FILE,
      range: lines.rangeOf(offset, offset + length),
      severity: 'error',
      code: 'config/invalid',
      message,
    });
  };
  const shape = inspectJson(text);
  if (shape.tooDeepAt !== undefined) {
    problem(
      `flaglens.json is nested more than ${MAX_JSON_DEPTH} levels deep here; the default configuration is used.`,
      shape.tooDeepAt,
    );
    return { config, findings };
  }
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true });
  for (const error of errors)
    problem(
      `Invalid JSON in flaglens.json: ${printParseErrorCode(error.error)}.`,
      error.offset,
      error.length,
    );
  if (errors.length > 0) return { config, findings };
  for (const duplicate of shape.duplicates) {
    const first = lines.positionAt(duplicate.firstOffset);
    problem(
      `Duplicate key ${JSON.stringify(duplicate.key)} in flaglens.json (also at line ${first.line + 1}, column ${first.character + 1}): this last one is used and the other ignored; remove one.`,
      duplicate.offset,
      duplicate.length,
    );
  }
  if (!isObject(raw)) {
    problem('flaglens.json must be a JSON object.');
    return { config, findings };
  }
  const where = (key: string): number => Math.max(0, text.indexOf(`"${key}"`));

  for (const key of ['registry', 'include', 'exclude'] as const) {
    if (raw[key] === undefined) continue;
    const list = stringList(raw[key]);
    if (list) config[key] = key === 'exclude' ? [...DEFAULT_CONFIG.exclude, ...list] : list;
    else problem(`"${key}" must be a list of glob strings.`, where(key), key.length + 2);
  }
  if (raw.environments !== undefined) {
    if (isObject(raw.environments)) {
      // Production stays protected unless the file says otherwise.
      config.environments = structuredClone(DEFAULT_CONFIG.environments);
      for (const [name, value] of Object.entries(raw.environments)) {
        config.environments[name] = isObject(value) ? { protected: value.protected === true } : {};
      }
    } else
      problem(
        '"environments" must map environment names to settings such as {"protected": true}.',
        where('environments'),
        14,
      );
  }
  if (raw.sdks !== undefined) {
    const list = stringList(raw.sdks);
    const unknown = list?.filter((name) => !(SDK_PRESETS as readonly string[]).includes(name)) ?? [];
    if (!list) problem(`"sdks" must be a list of SDK presets (${SDK_PRESETS.join(', ')}).`, where('sdks'), 6);
    else {
      if (unknown.length)
        problem(
          `Unknown SDK preset(s) ${unknown.join(', ')}; known: ${SDK_PRESETS.join(', ')}.`,
          where('sdks'),
          6,
        );
      config.sdks = list.filter((name): name is SdkPreset =>
        (SDK_PRESETS as readonly string[]).includes(name),
      );
    }
  }
  if (raw.wrappers !== undefined) {
    if (Array.isArray(raw.wrappers)) {
      config.wrappers = [];
      for (const item of raw.wrappers) {
        if (isObject(item) && typeof item.function === 'string' && item.function !== '') {
          const wrapper: WrapperConfig = {
            function: item.function,
            keyArg: typeof item.keyArg === 'number' ? item.keyArg : 0,
          };
          if (typeof item.defaultArg === 'number') wrapper.defaultArg = item.defaultArg;
          if (
            typeof item.returns === 'string' &&
            ['boolean', 'string', 'number', 'object', 'any'].includes(item.returns)
          ) {
            wrapper.returns = item.returns as WrapperConfig['returns'];
          }
          config.wrappers.push(wrapper);
        } else
          problem('Each wrapper needs {"function": "<name>", "keyArg": <index>}.', where('wrappers'), 10);
      }
    } else problem('"wrappers" must be a list.', where('wrappers'), 10);
  }
  if (raw.stale !== undefined) {
    if (isObject(raw.stale)) {
      const stale = raw.stale;
      if (isObject(stale.lifetimeDays)) {
        for (const [type, days] of Object.entries(stale.lifetimeDays)) {
          if (days === null || typeof days === 'number') config.stale.lifetimeDays[type] = days;
        }
      }
      if (typeof stale.fullyRolledOutDays === 'number')
        config.stale.fullyRolledOutDays = stale.fullyRolledOutDays;
      if (typeof stale.disabledDays === 'number') config.stale.disabledDays = stale.disabledDays;
    } else problem('"stale" must be an object.', where('stale'), 7);
  }
  if (raw.contexts !== undefined) {
    if (isObject(raw.contexts)) {
      for (const [name, context] of Object.entries(raw.contexts)) {
        if (isObject(context)) config.contexts[name] = context;
        else problem(`Sample context "${name}" must be an object.`, where(name), name.length + 2);
      }
    } else problem('"contexts" must map names to evaluation contexts.', where('contexts'), 10);
  }
  if (typeof raw.maxFileBytes === 'number') config.maxFileBytes = raw.maxFileBytes;
  if (raw.experiments !== undefined)
    readExperiments(raw.experiments, config, (message) => problem(message, where('experiments'), 13));
  return { config, findings };
}

function readExperiments(raw: unknown, config: FlaglensConfig, problem: (message: string) => void): void {
  if (!isObject(raw)) {
    problem('"experiments" must be an object such as {"events": ["data/events/*.ndjson"]}.');
    return;
  }
  const experiments = config.experiments;
  for (const key of ['definitions', 'events'] as const) {
    if (raw[key] === undefined) continue;
    const list = stringList(raw[key]);
    if (list) experiments[key] = list;
    else problem(`"experiments.${key}" must be a list of glob strings.`);
  }
  if (raw.source !== undefined) {
    if (raw.source === 'files' || raw.source === 'postgres') experiments.source = raw.source;
    else problem('"experiments.source" must be "files" or "postgres".');
  }
  if (raw.postgres !== undefined) {
    const pg = raw.postgres;
    if (
      !isObject(pg) ||
      typeof pg.connectionEnv !== 'string' ||
      !/^[A-Za-z_][A-Za-z0-9_]*$/.test(pg.connectionEnv)
    ) {
      problem(
        '"experiments.postgres" needs "connectionEnv": the name of the environment variable holding the connection string.',
      );
      return;
    }
    const table = (value: unknown, fallback: string, name: string): SqlTableConfig | undefined => {
      if (value === undefined) return { table: fallback, columns: {} };
      if (typeof value === 'string' && value !== '') return { table: value, columns: {} };
      if (isObject(value) && typeof value.table === 'string' && value.table !== '') {
        const columns: SqlTableConfig['columns'] = {};
        if (isObject(value.columns))
          for (const [field, column] of Object.entries(value.columns))
            if (
              typeof column === 'string' &&
              ['ts', 'unit', 'flag', 'variant', 'event', 'value'].includes(field)
            )
              columns[field as keyof SqlTableConfig['columns']] = column;
        return {
          table: value.table,
          columns,
          ...(typeof value.schema === 'string' && { schema: value.schema }),
        };
      }
      problem(`"experiments.postgres.${name}" must be a table name or {"table", "schema"?, "columns"?}.`);
      return undefined;
    };
    const exposures = table(pg.exposures, 'exposures', 'exposures');
    const events = table(pg.events, 'events', 'events');
    if (exposures && events) experiments.postgres = { connectionEnv: pg.connectionEnv, exposures, events };
  }
}

export function isProtectedEnvironment(config: FlaglensConfig, environment: string): boolean {
  return config.environments[environment]?.protected === true;
}
