/**
 * Reads one `*.experiment.json` with positions. Never throws: every problem becomes a finding at
 * a line and column, and a definition is returned only when it can be analysed.
 */
import {
  type Node,
  type ParseError,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { inspectJson, MAX_JSON_DEPTH } from '../jsonShape';
import {
  type AnalysisPlan,
  DEFAULT_ANALYSIS,
  type ExperimentDefinition,
  type MetricDefinition,
  type RecordedDecision,
} from '../../../../shared/src/experiment';
import type { Finding, Range, Severity } from '../../../../shared/src/registryModel';
import { LineIndex } from '../text';

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

/** JSON paths of the parts a check may point at. */
export type JsonPath = (string | number)[];

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
  const name = file.slice(file.lastIndexOf('/') + 1);
  return name.endsWith(EXPERIMENT_SUFFIX) ? name.slice(0, -EXPERIMENT_SUFFIX.length) : name;
}

export function isIsoInstant(text: string): boolean {
  // A date and a time with an explicit zone: a bare date or local time would depend on the reader.
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(Date.parse(text))
  );
}

function list<T extends string>(values: readonly T[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}

export function parseExperimentFile(file: string, text: string): ParsedExperiment {
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const errors: ParseError[] = [];
  // Too deep to parse safely (the parser recurses): reported below instead of overflowing the stack.
  const shape = inspectJson(text);
  const root =
    text.trim() === '' || shape.tooDeepAt !== undefined
      ? undefined
      : parseTree(text, errors, { allowTrailingComma: false });
  const nodeAt = (path: JsonPath): Node | undefined => (root ? findNodeAtLocation(root, path) : undefined);
  const rangeOf = (path: JsonPath): Range => {
    // The nearest existing ancestor: a missing property is reported at its object.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = nodeAt(path.slice(0, depth));
      if (node) return lines.rangeOf(node.offset, node.offset + node.length);
    }
    return lines.rangeOf(0, 0);
  };
  const add = (path: JsonPath, severity: Severity, code: string, message: string): void => {
    findings.push({ file, range: rangeOf(path), severity, code: `experiment/${code}`, message });
  };
  const result: ParsedExperiment = { file, definition: undefined, findings, rangeOf, planText: undefined };

  if (text.trim() === '') {
    add(
      [],
      'error',
      'empty',
      'Experiment file is empty; expected a JSON object with "flag", "variants" and "metrics".',
    );
    return result;
  }
  if (shape.tooDeepAt !== undefined) {
    findings.push({
      file,
      range: lines.rangeOf(shape.tooDeepAt, shape.tooDeepAt + 1),
      severity: 'error',
      code: 'experiment/too-deep',
      message: `Nested more than ${MAX_JSON_DEPTH} levels deep here: Flaglens cannot analyse this experiment.`,
    });
    return result;
  }
  for (const error of errors) {
    findings.push({
      file,
      range: lines.rangeOf(error.offset, error.offset + Math.max(error.length, 1)),
      severity: 'error',
      code: 'experiment/invalid-json',
      message: `Invalid JSON: ${printParseErrorCode(error.error)}.`,
    });
  }
  if (errors.length > 0 || !root) return result;
  for (const duplicate of shape.duplicates) {
    const first = lines.positionAt(duplicate.firstOffset);
    findings.push({
      file,
      range: lines.rangeOf(duplicate.offset, duplicate.offset + duplicate.length),
      severity: 'error',
      code: 'experiment/duplicate-key',
      message: `Duplicate key ${JSON.stringify(duplicate.key)} (also at line ${first.line + 1}, column ${first.character + 1}): this last one is used and the other ignored; remove one.`,
    });
  }
  if (root.type !== 'object') {
    add([], 'error', 'not-an-object', 'An experiment file must be a JSON object.');
    return result;
  }
  const raw = getNodeValue(root) as Record<string, unknown>;
  for (const property of root.children ?? []) {
    const name = property.children?.[0]?.value as string | undefined;
    if (name !== undefined && !TOP_LEVEL.has(name))
      findings.push({
        file,
        range: lines.rangeOf(
          property.children![0].offset,
          property.children![0].offset + property.children![0].length,
        ),
        severity: 'warning',
        code: 'experiment/unknown-property',
        message: `Unknown property "${name}"; known: ${[...TOP_LEVEL].filter((key) => key !== '$schema').join(', ')}.`,
      });
  }

  let complete = true;
  const requireString = (name: string): string | undefined => {
    const value = raw[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
    add(value === undefined ? [] : [name], 'error', 'missing-field', `"${name}" must be a non-empty string.`);
    complete = false;
    return undefined;
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

  let start: string | undefined;
  if (typeof raw.start === 'string' && isIsoInstant(raw.start)) start = raw.start;
  else {
    add(
      raw.start === undefined ? [] : ['start'],
      'error',
      'invalid-date',
      '"start" must be an ISO date-time with a zone, e.g. "2026-11-01T00:00:00Z".',
    );
    complete = false;
  }
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

type Add = (path: JsonPath, severity: Severity, code: string, message: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

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
    const field = <T extends string>(name: string, allowed?: readonly T[], fallback?: T): T | undefined => {
      const raw = item[name] ?? fallback;
      if (typeof raw === 'string' && raw !== '' && (!allowed || (allowed as readonly string[]).includes(raw)))
        return raw as T;
      add(
        item[name] === undefined ? ['metrics', index] : ['metrics', index, name],
        'error',
        allowed ? 'unknown-metric-value' : 'invalid-metric',
        allowed
          ? `Metric "${name}" must be one of ${list(allowed)}${item[name] === undefined ? '' : `, not ${JSON.stringify(item[name])}`}.`
          : `Metric "${name}" must be a non-empty string.`,
      );
      ok = false;
      return undefined;
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
