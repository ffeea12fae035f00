/**
 * Reads one `*.experiment.json` with positions. Never throws: every problem becomes a finding at
 * a line and column, and a definition is returned only when it can be analysed.
 */
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
import {
  type AnalysisPlan,
  DEFAULT_ANALYSIS,
  type ExperimentDefinition,
  type MetricDefinition,
  type RecordedDecision,
} from '../../../../shared/src/experiment';
import type { Finding, Range } from '../../../../shared/src/registryModel';

export { isIsoInstant, type JsonPath };

export const EXPERIMENT_SUFFIX = '.experiment.json';

export const METRIC_KINDS = ['binomial', 'mean', 'ratio'] as const;
export const METRIC_GOALS = ['increase', 'decrease'] as const;
export const METRIC_ROLES = ['primary', 'secondary', 'guardrail'] as const;
const ENGINES = ['frequentist', 'bayesian'] as const;
const CORRECTIONS = ['holm', 'bh', 'none'] as const;
const VERDICTS = ['ship', 'rollback', 'keep-running', 'no-winner'] as const;

const TOP_LEVEL = new Set([
  '$schema',
  'key',
  'flag',
  'environment',
  'control',
  'variants',
  'hypothesis',
  'owner',
  'start',
  'end',
  'metrics',
  'analysis',
  'decision',
]);

export interface ParsedExperiment {
  file: string;
  /** The definition, when the file is complete enough to analyse. */
  definition: ExperimentDefinition | undefined;
  findings: Finding[];
  /** Range of a value in the file, by JSON path (`['variants', 1]`), for later checks. */
  rangeOf(path: JsonPath): Range;
  /** The exact text of the analysis plan (metrics + analysis), to compare against history. */
  planText: string | undefined;
}

/** `checkout-button` for `experiments/checkout-button.experiment.json`. */
export function experimentKeyFromPath(file: string): string {
  return keyFromFileName(file, EXPERIMENT_SUFFIX);
}

export function parseExperimentFile(file: string, text: string): ParsedExperiment {
  const document = readJsonDocument(file, text, {
    codePrefix: 'experiment',
    noun: 'An experiment file',
    emptyMessage: 'Experiment file is empty; expected a JSON object with "flag", "variants" and "metrics".',
    topLevel: TOP_LEVEL,
  });
  const { findings, rangeOf, add, nodeAt, object: raw } = document;
  const result: ParsedExperiment = { file, definition: undefined, findings, rangeOf, planText: undefined };
  if (!raw) return result;

  let complete = true;
  const requireString = (name: string): string | undefined => {
    const value = requiredString(raw, name, add);
    if (value === undefined) complete = false;
    return value;
  };
  const optionalString = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    add([name], 'error', 'invalid-field', `"${name}" must be a string.`);
    return undefined;
  };

  const key = raw.key === undefined ? experimentKeyFromPath(file) : requireString('key');
  const flag = requireString('flag');
  const environment = requireString('environment');
  const control = requireString('control');
  const hypothesis = optionalString('hypothesis');
  const owner = optionalString('owner');

  let variants: string[] = [];
  if (Array.isArray(raw.variants) && raw.variants.every((item) => typeof item === 'string' && item !== '')) {
    variants = raw.variants as string[];
    const seen = new Set<string>();
    variants.forEach((variant, index) => {
      if (seen.has(variant)) {
        add(['variants', index], 'error', 'duplicate-variant', `Variant "${variant}" is listed twice.`);
        complete = false;
      }
      seen.add(variant);
    });
    if (variants.length < 2) {
      add(
        ['variants'],
        'error',
        'too-few-variants',
        'An experiment needs at least two variants: the control and a treatment.',
      );
      complete = false;
    }
    if (control !== undefined && !seen.has(control)) {
      add(
        ['control'],
        'error',
        'control-not-a-variant',
        `The control "${control}" must be one of "variants" (${variants.join(', ')}).`,
      );
      complete = false;
    }
  } else {
    add(
      raw.variants === undefined ? [] : ['variants'],
      'error',
      'missing-field',
      '"variants" must be a list of variant names, the control included.',
    );
    complete = false;
  }

  const start = requiredInstant(raw, 'start', add, '2026-11-01T00:00:00Z');
  if (start === undefined) complete = false;
  let end: string | null = null;
  if (raw.end !== undefined && raw.end !== null) {
    if (typeof raw.end === 'string' && isIsoInstant(raw.end)) {
      end = raw.end;
      if (start !== undefined && Date.parse(end) <= Date.parse(start)) {
        add(['end'], 'error', 'end-before-start', `"end" (${end}) must come after "start" (${start}).`);
        complete = false;
      }
    } else {
      add(['end'], 'error', 'invalid-date', '"end" must be null or an ISO date-time with a zone.');
      complete = false;
    }
  }

  const metrics = parseMetrics(raw.metrics, add);
  if (!metrics) complete = false;
  const analysis = parseAnalysis(raw.analysis, add);
  if (!analysis) complete = false;
  const decision = parseDecision(raw.decision, add);

  const planNodes = ['metrics', 'analysis'].map((name) => nodeAt([name]));
  result.planText = planNodes
    .map((node) => (node ? text.slice(node.offset, node.offset + node.length) : ''))
    .join('\n');

  if (complete && key && flag && environment && control && start && metrics && analysis) {
    result.definition = {
      key,
      file,
      flag,
      environment,
      control,
      variants,
      start,
      end,
      metrics,
      analysis,
      ...(hypothesis !== undefined && { hypothesis }),
      ...(owner !== undefined && { owner }),
      ...(decision !== undefined && { decision }),
    };
  }
  return result;
}

type Add = AddFinding;

function parseMetrics(value: unknown, add: Add): MetricDefinition[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    add(
      value === undefined ? [] : ['metrics'],
      'error',
      'no-metrics',
      '"metrics" must list at least one metric.',
    );
    return undefined;
  }
  const metrics: MetricDefinition[] = [];
  const names = new Set<string>();
  let ok = true;
  value.forEach((item: unknown, index) => {
    if (!isObject(item)) {
      add(
        ['metrics', index],
        'error',
        'invalid-metric',
        'A metric must be an object with "name", "event", "kind", "goal" and "role".',
      );
      ok = false;
      return;
    }
    const read = itemStringField(item, ['metrics', index], add, {
      noun: 'Metric',
      code: 'invalid-metric',
      choiceCode: 'unknown-metric-value',
    });
    const field = <T extends string>(name: string, allowed?: readonly T[], fallback?: T): T | undefined => {
      const value = read(name, allowed, fallback);
      if (value === undefined) ok = false;
      return value;
    };
    const name = field('name');
    const event = field('event');
    const kind = field('kind', METRIC_KINDS);
    const goal = field('goal', METRIC_GOALS);
    const role = field('role', METRIC_ROLES);
    let denominator: string | undefined;
    if (kind === 'ratio') denominator = field('denominator');
    else if (item.denominator !== undefined)
      add(
        ['metrics', index, 'denominator'],
        'warning',
        'unused-denominator',
        `"denominator" only applies to ratio metrics; this one is ${kind ?? 'not a ratio'}.`,
      );
    if (name !== undefined) {
      if (names.has(name)) {
        add(['metrics', index, 'name'], 'error', 'duplicate-metric', `Metric "${name}" is defined twice.`);
        ok = false;
      }
      names.add(name);
    }
    if (name && event && kind && goal && role)
      metrics.push({ name, event, kind, goal, role, ...(denominator !== undefined && { denominator }) });
  });
  if (ok && !metrics.some((metric) => metric.role === 'primary')) {
    add(
      ['metrics'],
      'error',
      'no-primary-metric',
      'At least one metric must have "role": "primary": it decides the experiment.',
    );
    ok = false;
  }
  return ok ? metrics : undefined;
}

function parseAnalysis(value: unknown, add: Add): AnalysisPlan | undefined {
  const plan: AnalysisPlan = { ...DEFAULT_ANALYSIS };
  if (value === undefined) return plan;
  if (!isObject(value)) {
    add(['analysis'], 'error', 'invalid-analysis', '"analysis" must be an object.');
    return undefined;
  }
  let ok = true;
  const bad = (name: string, message: string): void => {
    add(['analysis', name], 'error', 'invalid-analysis', message);
    ok = false;
  };
  const known = new Set(
    Object.keys(DEFAULT_ANALYSIS).concat(['plannedUnitsPerVariant', 'minimumDetectableEffect']),
  );
  for (const name of Object.keys(value))
    if (!known.has(name))
      add(
        ['analysis', name],
        'warning',
        'unknown-property',
        `Unknown analysis setting "${name}"; known: ${[...known].join(', ')}.`,
      );
  const choice = <T extends string>(name: keyof AnalysisPlan, allowed: readonly T[]): void => {
    const raw = value[name];
    if (raw === undefined) return;
    if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw))
      (plan as unknown as Record<string, unknown>)[name] = raw;
    else bad(name, `"${name}" must be one of ${list(allowed)}.`);
  };
  choice('engine', ENGINES);
  choice('correction', CORRECTIONS);
  for (const name of ['sequential', 'cuped'] as const) {
    const raw = value[name];
    if (raw === undefined) continue;
    if (typeof raw === 'boolean') plan[name] = raw;
    else bad(name, `"${name}" must be true or false.`);
  }
  const number = (
    name:
      | 'alpha'
      | 'minUnitsPerVariant'
      | 'cupedLookbackDays'
      | 'plannedUnitsPerVariant'
      | 'minimumDetectableEffect'
      | 'power',
    valid: (n: number) => boolean,
    rule: string,
  ): void => {
    const raw = value[name];
    if (raw === undefined) return;
    if (typeof raw === 'number' && Number.isFinite(raw) && valid(raw)) plan[name] = raw;
    else bad(name, `"${name}" must be ${rule}.`);
  };
  number('alpha', (n) => n > 0 && n < 0.5, 'a number between 0 and 0.5 (e.g. 0.05)');
  number('power', (n) => n > 0 && n < 1, 'a number between 0 and 1 (e.g. 0.8)');
  number('minUnitsPerVariant', (n) => Number.isInteger(n) && n >= 2, 'an integer of at least 2');
  number('cupedLookbackDays', (n) => n > 0, 'a positive number of days');
  number('plannedUnitsPerVariant', (n) => Number.isInteger(n) && n >= 2, 'an integer of at least 2');
  number('minimumDetectableEffect', (n) => n > 0, 'a positive relative effect (0.05 for 5%)');
  return ok ? plan : undefined;
}

function parseDecision(value: unknown, add: Add): RecordedDecision | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    isObject(value) &&
    typeof value.verdict === 'string' &&
    (VERDICTS as readonly string[]).includes(value.verdict) &&
    typeof value.reason === 'string' &&
    typeof value.at === 'string'
  ) {
    const shares =
      isObject(value.shares) &&
      Object.values(value.shares).every((share) => typeof share === 'number' && share >= 0)
        ? (value.shares as Record<string, number>)
        : undefined;
    return {
      verdict: value.verdict as RecordedDecision['verdict'],
      reason: value.reason,
      at: value.at,
      ...(typeof value.variant === 'string' && { variant: value.variant }),
      ...(shares !== undefined && { shares }),
    };
  }
  add(
    ['decision'],
    'error',
    'invalid-decision',
    `"decision" must be {"verdict": one of ${list(VERDICTS)}, "variant"?, "reason", "at"}.`,
  );
  return undefined;
}
