/**
 * Reads one `*.rollout.json` with positions. Never throws: every problem becomes a finding at a
 * line and column, and a plan is returned only when it can be checked against events.
 */
import type { Finding, Range } from '../../../../shared/src/registryModel';
import type {
  GuardrailDefinition,
  RampStep,
  RolloutHistoryEntry,
  RolloutPlan,
} from '../../../../shared/src/rollout';
import { DEFAULT_SEQUENTIAL_TUNING } from '../experiments/statistics';
import {
  type AddFinding,
  isIsoInstant,
  isObject,
  itemStringField,
  type JsonPath,
  keyFromFileName,
  quotedList as list,
  readJsonDocument,
  requiredInstant,
  requiredString,
} from '../jsonDocument';

export const ROLLOUT_SUFFIX = '.rollout.json';
export const ROLLOUT_GLOB = `**/*${ROLLOUT_SUFFIX}`;

export const GUARDRAIL_KINDS = ['binomial', 'mean', 'p95', 'p99'] as const;
const DIRECTIONS = ['increase', 'decrease'] as const;
const ROLLBACK_ACTIONS = ['rollout-to-zero', 'kill'] as const;
const HISTORY_ACTIONS = ['advance', 'rollback'] as const;
export const DEFAULT_GUARD_ALPHA = 0.01;
export const DEFAULT_NO_TRAFFIC_HOURS = 6;

const TOP_LEVEL = new Set([
  '$schema',
  'key',
  'flag',
  'environment',
  'variant',
  'baseline',
  'start',
  'steps',
  'guardrails',
  'alpha',
  'sequentialTuning',
  'rollback',
  'noTrafficHours',
  'history',
]);

export interface ParsedRolloutPlan {
  file: string;
  plan: RolloutPlan | undefined;
  findings: Finding[];
  rangeOf(path: JsonPath): Range;
}

export function rolloutKeyFromPath(file: string): string {
  return keyFromFileName(file, ROLLOUT_SUFFIX);
}

type Add = AddFinding;

export function parseRolloutPlan(file: string, text: string): ParsedRolloutPlan {
  const {
    findings,
    rangeOf,
    add,
    object: raw,
  } = readJsonDocument(file, text, {
    codePrefix: 'rollout',
    noun: 'A rollout plan',
    emptyMessage: 'Rollout plan is empty; expected a JSON object with "flag", "steps" and "guardrails".',
    topLevel: TOP_LEVEL,
  });
  const result: ParsedRolloutPlan = { file, plan: undefined, findings, rangeOf };
  if (!raw) return result;

  let complete = true;
  const requireString = (name: string): string | undefined => {
    const value = requiredString(raw, name, add);
    if (value === undefined) complete = false;
    return value;
  };
  const key = raw.key === undefined ? rolloutKeyFromPath(file) : requireString('key');
  const flag = requireString('flag');
  const environment = requireString('environment');
  const variant = requireString('variant');
  const baseline = requireString('baseline');
  if (variant !== undefined && variant === baseline) {
    add(
      ['baseline'],
      'error',
      'baseline-is-variant',
      `"baseline" must differ from "variant" ("${variant}").`,
    );
    complete = false;
  }
  const start = requiredInstant(raw, 'start', add, '2026-11-20T00:00:00Z');
  if (start === undefined) complete = false;

  const number = (name: string, fallback: number, valid: (n: number) => boolean, rule: string): number => {
    const value = raw[name];
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && valid(value)) return value;
    add([name], 'error', 'invalid-field', `"${name}" must be ${rule}.`);
    complete = false;
    return fallback;
  };
  const alpha = number(
    'alpha',
    DEFAULT_GUARD_ALPHA,
    (n) => n > 0 && n < 0.5,
    'a number between 0 and 0.5 (e.g. 0.01)',
  );
  const sequentialTuning = number(
    'sequentialTuning',
    DEFAULT_SEQUENTIAL_TUNING,
    (n) => Number.isInteger(n) && n >= 2,
    'an integer of at least 2 (total units where the intervals are tightest)',
  );
  const noTrafficHours = number(
    'noTrafficHours',
    DEFAULT_NO_TRAFFIC_HOURS,
    (n) => n > 0,
    'a positive number of hours',
  );

  let rollback: RolloutPlan['rollback'] = 'rollout-to-zero';
  if (raw.rollback !== undefined) {
    if (typeof raw.rollback === 'string' && (ROLLBACK_ACTIONS as readonly string[]).includes(raw.rollback))
      rollback = raw.rollback as RolloutPlan['rollback'];
    else {
      add(['rollback'], 'error', 'invalid-field', `"rollback" must be one of ${list(ROLLBACK_ACTIONS)}.`);
      complete = false;
    }
  }

  const steps = parseSteps(raw.steps, add);
  const guardrails = parseGuardrails(raw.guardrails, add);
  const history = parseHistory(raw.history, add);
  if (!steps || !guardrails || !history) complete = false;

  if (
    complete &&
    key &&
    flag &&
    environment &&
    variant &&
    baseline &&
    start &&
    steps &&
    guardrails &&
    history
  )
    result.plan = {
      key,
      file,
      flag,
      environment,
      variant,
      baseline,
      start,
      steps,
      guardrails,
      alpha,
      sequentialTuning,
      rollback,
      noTrafficHours,
      history,
    };
  return result;
}

function parseSteps(value: unknown, add: Add): RampStep[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    add(
      value === undefined ? [] : ['steps'],
      'error',
      'no-steps',
      '"steps" must list at least one ramp step.',
    );
    return undefined;
  }
  const steps: RampStep[] = [];
  let ok = true;
  value.forEach((item: unknown, index) => {
    if (!isObject(item)) {
      add(
        ['steps', index],
        'error',
        'invalid-step',
        'A step must be {"percent", "minDurationHours", "minUnits"}.',
      );
      ok = false;
      return;
    }
    const field = (name: string, valid: (n: number) => boolean, rule: string, fallback?: number) => {
      const raw = item[name] ?? fallback;
      if (typeof raw === 'number' && Number.isFinite(raw) && valid(raw)) return raw;
      add(
        item[name] === undefined ? ['steps', index] : ['steps', index, name],
        'error',
        'invalid-step',
        `Step "${name}" must be ${rule}.`,
      );
      ok = false;
      return undefined;
    };
    const percent = field('percent', (n) => n > 0 && n <= 100, 'a percentage above 0 and at most 100');
    const minDurationHours = field('minDurationHours', (n) => n >= 0, 'a number of hours (0 or more)', 0);
    const minUnits = field(
      'minUnits',
      (n) => Number.isInteger(n) && n >= 0,
      'a whole number of units (0 or more)',
      0,
    );
    if (percent !== undefined && steps.length > 0 && percent <= steps[steps.length - 1].percent) {
      add(
        ['steps', index, 'percent'],
        'error',
        'steps-not-increasing',
        `Step percentages must increase: ${percent}% follows ${steps[steps.length - 1].percent}%.`,
      );
      ok = false;
    }
    if (percent !== undefined && minDurationHours !== undefined && minUnits !== undefined)
      steps.push({ percent, minDurationHours, minUnits });
  });
  return ok ? steps : undefined;
}

function parseGuardrails(value: unknown, add: Add): GuardrailDefinition[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    add(
      value === undefined ? [] : ['guardrails'],
      'error',
      'no-guardrails',
      '"guardrails" must list at least one metric to watch.',
    );
    return undefined;
  }
  const guardrails: GuardrailDefinition[] = [];
  const names = new Set<string>();
  let ok = true;
  value.forEach((item: unknown, index) => {
    if (!isObject(item)) {
      add(
        ['guardrails', index],
        'error',
        'invalid-guardrail',
        'A guardrail must be an object with "name", "event", "kind" and "direction".',
      );
      ok = false;
      return;
    }
    const read = itemStringField(item, ['guardrails', index], add, {
      noun: 'Guardrail',
      code: 'invalid-guardrail',
    });
    const field = <T extends string>(name: string, allowed?: readonly T[]): T | undefined => {
      const value = read(name, allowed);
      if (value === undefined) ok = false;
      return value;
    };
    const name = field('name');
    const event = field('event');
    const kind = field('kind', GUARDRAIL_KINDS);
    const direction = field('direction', DIRECTIONS);
    let margin: number | undefined;
    if (item.margin !== undefined) {
      if (typeof item.margin === 'number' && Number.isFinite(item.margin) && item.margin >= 0)
        margin = item.margin;
      else {
        add(
          ['guardrails', index, 'margin'],
          'error',
          'invalid-guardrail',
          'Guardrail "margin" must be a number of 0 or more, in the metric\'s unit (0.005 = 0.5 points for a rate).',
        );
        ok = false;
      }
    }
    if (name !== undefined) {
      if (names.has(name)) {
        add(
          ['guardrails', index, 'name'],
          'error',
          'duplicate-guardrail',
          `Guardrail "${name}" is defined twice.`,
        );
        ok = false;
      }
      names.add(name);
    }
    if (name && event && kind && direction)
      guardrails.push({ name, event, kind, direction, ...(margin !== undefined && { margin }) });
  });
  return ok ? guardrails : undefined;
}

function parseHistory(value: unknown, add: Add): RolloutHistoryEntry[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    add(['history'], 'error', 'invalid-history', '"history" must be a list of applied steps.');
    return undefined;
  }
  const history: RolloutHistoryEntry[] = [];
  let ok = true;
  value.forEach((item: unknown, index) => {
    if (
      isObject(item) &&
      typeof item.at === 'string' &&
      isIsoInstant(item.at) &&
      typeof item.action === 'string' &&
      (HISTORY_ACTIONS as readonly string[]).includes(item.action) &&
      typeof item.percent === 'number' &&
      item.percent >= 0 &&
      item.percent <= 100 &&
      typeof item.reason === 'string'
    ) {
      if (history.length > 0 && Date.parse(item.at) < Date.parse(history[history.length - 1].at)) {
        add(['history', index, 'at'], 'error', 'invalid-history', 'History entries must be in time order.');
        ok = false;
      }
      history.push({
        at: item.at,
        action: item.action as RolloutHistoryEntry['action'],
        percent: item.percent,
        reason: item.reason,
      });
    } else {
      add(
        ['history', index],
        'error',
        'invalid-history',
        `A history entry must be {"at": ISO date-time, "action": one of ${list(HISTORY_ACTIONS)}, "percent": 0-100, "reason"}.`,
      );
      ok = false;
    }
  });
  return ok ? history : undefined;
}
