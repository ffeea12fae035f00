import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import {
  DEFAULT_CONFIG,
  SDK_PRESETS,
  type FlaglensConfig,
  type SdkPreset,
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
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true });
  for (const error of errors)
    problem(
      `Invalid JSON in flaglens.json: ${printParseErrorCode(error.error)}.`,
      error.offset,
      error.length,
    );
  if (errors.length > 0) return { config, findings };
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
  return { config, findings };
}

export function isProtectedEnvironment(config: FlaglensConfig, environment: string): boolean {
  return config.environments[environment]?.protected === true;
}
