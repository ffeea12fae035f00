/**
 * One JsonLogic expression in words: `email ends with "@acme.com"`, `segment beta-testers (...)`,
 * `from 2025-12-01 10:00 UTC`. Every operator without words, and every known operator with a
 * shape flagd would not accept, is shown as compact JSON: nothing is ever dropped.
 */
import type { JsonValue } from '../../../../shared/src/registryModel';
import { formatLiteral, formatName } from './format';
import { asOperation, compactJson, hasOwnKey, ownValue, type Operation } from './jsonLogic';
import { describeRollout, parseRollout } from './rollout';
import { describeWindow, intersectWindows, windowOfComparison, type TimeWindow } from './timeWindow';

/** Binding strength of a phrase, to know when a part needs parentheses inside a larger phrase. */
const PREC = {
  conditional: 5,
  or: 10,
  and: 20,
  predicate: 40,
  additive: 50,
  multiplicative: 60,
  atom: 100,
} as const;

export interface Phrase {
  text: string;
  prec: number;
  /** Set when the phrase is nothing but a time window. */
  window?: TimeWindow;
}

export interface ConditionContext {
  evaluators: Record<string, JsonValue>;
  /** Known when rendering a flag, to recognise the flag's own key as a rollout salt. */
  flagKey: string | undefined;
  /** What a `var` reads: the evaluation context, an array element (some/all/map...) or reduce's pair. */
  scope: 'context' | 'item' | 'reduce';
  /** Evaluators being expanded, so a `$ref` cycle is named instead of followed forever. */
  expanding: readonly string[];
  /** How a rollout names a bucket's variant (the rule renderer knows the default variant). */
  variantLabel(variant: JsonValue): string;
}

/** Lists longer than this are cut with a count, so a 500-user override stays one readable line. */
export const MAX_LISTED = 10;

type Renderer = (operation: Operation, ctx: ConditionContext) => Phrase | undefined;

export function describeCondition(node: JsonValue, ctx: ConditionContext): Phrase {
  if (node === null || typeof node !== 'object') return atom(formatLiteral(node));
  if (Array.isArray(node))
    return atom(`[${node.map((item) => describeCondition(item, ctx).text).join(', ')}]`);
  const operation = asOperation(node);
  const render = operation && RENDERERS.get(operation.op);
  return (operation && render?.(operation, ctx)) ?? atom(compactJson(node));
}

export function describeRolloutArgs(args: JsonValue[], ctx: ConditionContext): string | undefined {
  const rollout = parseRollout(args);
  if (!rollout) return undefined;
  return describeRollout(rollout, {
    flagKey: ctx.flagKey,
    describe: (node) => describeCondition(node, ctx).text,
    variantLabel: ctx.variantLabel,
  });
}

function atom(text: string): Phrase {
  return { text, prec: PREC.atom };
}

function phrase(text: string, prec: number): Phrase {
  return { text, prec };
}

/** The text of a part, in parentheses when it binds more loosely than `minPrec`. */
function part(node: JsonValue, ctx: ConditionContext, minPrec: number): string {
  const described = describeCondition(node, ctx);
  return described.prec < minPrec ? `(${described.text})` : described.text;
}

/** An operand of a comparison or of a word operator such as `starts with`. */
function operand(node: JsonValue, ctx: ConditionContext): string {
  return part(node, ctx, PREC.additive);
}

function call(name: string, args: JsonValue[], ctx: ConditionContext): Phrase {
  return atom(`${name}(${args.map((arg) => describeCondition(arg, ctx).text).join(', ')})`);
}

function listed(items: JsonValue[], ctx: ConditionContext): string {
  if (items.length === 0) return '(nothing)';
  const shown = items.slice(0, MAX_LISTED).map((item) => operand(item, ctx));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} (+${rest} more)` : shown.join(', ');
}

const IDENTIFIER_PATH = /^[A-Za-z_$@][\w$@:-]*(?:\.[\w$@:-]+)*$/;

function pathName(path: JsonValue, ctx: ConditionContext): string {
  const base = ctx.scope === 'item' ? 'item' : 'context';
  if (path === null || path === '') return base;
  const key = typeof path === 'number' ? String(path) : path;
  if (typeof key !== 'string') return `${base}[${describeCondition(key, ctx).text}]`;
  if (!IDENTIFIER_PATH.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return ctx.scope === 'item' ? `item.${key}` : key;
}

const renderVar: Renderer = ({ raw }, ctx) => {
  if (!Array.isArray(raw)) return atom(pathName(raw, ctx));
  if (raw.length > 2) return undefined;
  const name = pathName(raw.length === 0 ? null : raw[0], ctx);
  return raw.length === 2 ? atom(`${name} (default ${describeCondition(raw[1], ctx).text})`) : atom(name);
};

const renderMissing: Renderer = ({ args }, ctx) => {
  if (args.length === 0 || !args.every((arg) => typeof arg === 'string')) return undefined;
  const names = (args as string[]).map((arg) => pathName(arg, ctx));
  return names.length === 1
    ? phrase(`${names[0]} is missing`, PREC.predicate)
    : phrase(`any of ${names.join(', ')} is missing`, PREC.predicate);
};

const renderMissingSome: Renderer = ({ args }, ctx) => {
  const [needed, paths] = args;
  if (args.length !== 2 || typeof needed !== 'number' || !Array.isArray(paths)) return undefined;
  if (paths.length === 0 || !paths.every((path) => typeof path === 'string')) return undefined;
  const names = (paths as string[]).map((path) => pathName(path, ctx)).join(', ');
  return needed === 1
    ? phrase(`all of ${names} are missing`, PREC.predicate)
    : phrase(`fewer than ${needed} of ${names} are set`, PREC.predicate);
};

const renderIf: Renderer = ({ args }, ctx) => {
  if (args.length === 0) return atom('null');
  if (args.length === 1) return describeCondition(args[0], ctx);
  const pieces: string[] = [];
  let index = 0;
  for (; index + 1 < args.length; index += 2) {
    const prefix = index === 0 ? 'if' : 'else if';
    pieces.push(`${prefix} ${part(args[index], ctx, PREC.or)} then ${part(args[index + 1], ctx, PREC.or)}`);
  }
  if (index < args.length) pieces.push(`else ${part(args[index], ctx, PREC.or)}`);
  return phrase(pieces.join(' '), PREC.conditional);
};

const COMPARISON_WORDS: Record<string, string> = {
  '==': '=',
  '===': '=',
  '!=': '≠',
  '!==': '≠',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

const renderComparison: Renderer = (operation, ctx) => {
  const { op, args } = operation;
  const window = windowOfComparison(operation);
  if (window) return { text: describeWindow(window), prec: PREC.predicate, window };
  const symbol = COMPARISON_WORDS[op];
  if (args.length === 2)
    return phrase(`${operand(args[0], ctx)} ${symbol} ${operand(args[1], ctx)}`, PREC.predicate);
  // `{"<": [a, x, b]}` is JsonLogic's "between": a chained comparison says it without ambiguity.
  if (args.length === 3 && (op === '<' || op === '<=')) {
    const [low, middle, high] = args.map((arg) => operand(arg, ctx));
    return phrase(`${low} ${symbol} ${middle} ${symbol} ${high}`, PREC.predicate);
  }
  return undefined;
};

const renderNot: Renderer = ({ args }, ctx) =>
  args.length === 1 ? atom(`not (${describeCondition(args[0], ctx).text})`) : undefined;

const renderTruthy: Renderer = ({ args }, ctx) =>
  args.length === 1 ? phrase(`${operand(args[0], ctx)} is truthy`, PREC.predicate) : undefined;

/** The parts of nested same-operator groups, so `a and (b and c)` reads `a and b and c`. */
function flattenGroup(op: 'and' | 'or', args: JsonValue[]): JsonValue[] {
  return args.flatMap((arg) => {
    const inner = asOperation(arg);
    return inner?.op === op && inner.args.length > 0 ? flattenGroup(op, inner.args) : [arg];
  });
}

const renderAnd: Renderer = ({ args }, ctx) => {
  if (args.length === 0) return undefined;
  if (args.length === 1) return describeCondition(args[0], ctx);
  const parts = flattenGroup('and', args).map((arg) => describeCondition(arg, ctx));
  // Time bounds anywhere in the group merge into one `from ... until ...` at the first bound.
  const windows = parts.filter((p) => p.window).map((p) => p.window as TimeWindow);
  const merged = windows.length > 0 ? windows.reduce(intersectWindows) : undefined;
  const texts: string[] = [];
  let windowShown = false;
  for (const p of parts) {
    if (p.window && merged) {
      if (!windowShown) texts.push(describeWindow(merged));
      windowShown = true;
    } else {
      texts.push(p.prec < PREC.predicate ? `(${p.text})` : p.text);
    }
  }
  if (merged && windows.length === parts.length) {
    return { text: texts.join(' and '), prec: PREC.predicate, window: merged };
  }
  return phrase(texts.join(' and '), PREC.and);
};

const renderOr: Renderer = ({ args }, ctx) => {
  if (args.length === 0) return undefined;
  if (args.length === 1) return describeCondition(args[0], ctx);
  const texts = flattenGroup('or', args).map((arg) => part(arg, ctx, PREC.predicate));
  return phrase(texts.join(' or '), PREC.or);
};

const renderIn: Renderer = ({ args }, ctx) => {
  if (args.length !== 2) return undefined;
  const [needle, haystack] = args;
  if (Array.isArray(haystack)) {
    return phrase(`${operand(needle, ctx)} is one of ${listed(haystack, ctx)}`, PREC.predicate);
  }
  return phrase(`${operand(haystack, ctx)} contains ${operand(needle, ctx)}`, PREC.predicate);
};

function wordOperator(words: string): Renderer {
  return ({ args }, ctx) =>
    args.length === 2
      ? phrase(`${operand(args[0], ctx)} ${words} ${operand(args[1], ctx)}`, PREC.predicate)
      : undefined;
}

const renderSemVer: Renderer = ({ args }, ctx) => {
  if (args.length !== 3) return undefined;
  const [version, comparator, reference] = args;
  // flagd's comparators are short symbols (>=, ^, ~...); anything else is shown quoted.
  const comparatorText =
    typeof comparator === 'string' && /^[<>=!^~]{1,2}$/.test(comparator)
      ? comparator
      : operand(comparator, ctx);
  return phrase(
    `${operand(version, ctx)} semver ${comparatorText} ${operand(reference, ctx)}`,
    PREC.predicate,
  );
};

const renderFractional: Renderer = ({ args }, ctx) => {
  const text = describeRolloutArgs(args, ctx);
  return text === undefined ? undefined : atom(`fractional(${text})`);
};

const renderRef: Renderer = ({ raw }, ctx) => {
  if (typeof raw !== 'string') return undefined;
  const name = formatName(raw);
  if (!hasOwnKey(ctx.evaluators, raw)) return phrase(`segment ${name} (not in $evaluators)`, PREC.predicate);
  if (ctx.expanding.includes(raw)) return phrase(`segment ${name}`, PREC.predicate);
  const definition = ownValue(ctx.evaluators, raw) as JsonValue;
  const inner = describeCondition(definition, { ...ctx, expanding: [...ctx.expanding, raw] });
  return phrase(`segment ${name} (${inner.text})`, PREC.predicate);
};

function arithmetic(symbol: string, minArgs: number, maxArgs: number, prec: number): Renderer {
  return ({ args }, ctx) => {
    if (args.length < minArgs || args.length > maxArgs) return undefined;
    // Any non-atomic operand is bracketed: `(a * b) + c` is never misread.
    return phrase(args.map((arg) => part(arg, ctx, PREC.atom)).join(` ${symbol} `), prec);
  };
}

const renderPlus: Renderer = (operation, ctx) =>
  operation.args.length === 1
    ? call('number', operation.args, ctx)
    : arithmetic('+', 2, Infinity, PREC.additive)(operation, ctx);

const renderMinus: Renderer = (operation, ctx) =>
  operation.args.length === 1
    ? atom(`-${part(operation.args[0], ctx, PREC.atom)}`)
    : arithmetic('-', 2, 2, PREC.additive)(operation, ctx);

function functionStyle(name: string, minArgs: number, maxArgs: number): Renderer {
  return ({ args }, ctx) =>
    args.length < minArgs || args.length > maxArgs ? undefined : call(name, args, ctx);
}

/** some/all/none: the test reads each element, written `item`. */
function quantifier(word: string): Renderer {
  return ({ args }, ctx) => {
    if (args.length !== 2) return undefined;
    const test = describeCondition(args[1], { ...ctx, scope: 'item' }).text;
    return phrase(`${word} of ${operand(args[0], ctx)} match (${test})`, PREC.predicate);
  };
}

/** map/filter/reduce: like a function call, with the second argument read per element. */
function elementwise(name: string, scope: ConditionContext['scope'], argCount: number): Renderer {
  return ({ args }, ctx) => {
    if (args.length !== argCount) return undefined;
    const texts = args.map(
      (arg, index) => describeCondition(arg, index === 1 ? { ...ctx, scope } : ctx).text,
    );
    return atom(`${name}(${texts.join(', ')})`);
  };
}

const RENDERERS = new Map<string, Renderer>([
  ['var', renderVar],
  ['missing', renderMissing],
  ['missing_some', renderMissingSome],
  ['if', renderIf],
  ['?:', renderIf],
  ['==', renderComparison],
  ['===', renderComparison],
  ['!=', renderComparison],
  ['!==', renderComparison],
  ['<', renderComparison],
  ['<=', renderComparison],
  ['>', renderComparison],
  ['>=', renderComparison],
  ['!', renderNot],
  ['!!', renderTruthy],
  ['and', renderAnd],
  ['or', renderOr],
  ['in', renderIn],
  ['starts_with', wordOperator('starts with')],
  ['ends_with', wordOperator('ends with')],
  ['sem_ver', renderSemVer],
  ['fractional', renderFractional],
  ['$ref', renderRef],
  ['cat', functionStyle('cat', 1, Infinity)],
  ['substr', functionStyle('substr', 2, 3)],
  ['merge', functionStyle('merge', 1, Infinity)],
  ['min', functionStyle('min', 1, Infinity)],
  ['max', functionStyle('max', 1, Infinity)],
  ['+', renderPlus],
  ['-', renderMinus],
  ['*', arithmetic('*', 2, Infinity, PREC.multiplicative)],
  ['/', arithmetic('/', 2, 2, PREC.multiplicative)],
  ['%', arithmetic('%', 2, 2, PREC.multiplicative)],
  ['some', quantifier('some')],
  ['all', quantifier('all')],
  ['none', quantifier('none')],
  ['map', elementwise('map', 'item', 2)],
  ['filter', elementwise('filter', 'item', 2)],
  ['reduce', elementwise('reduce', 'reduce', 3)],
]);
