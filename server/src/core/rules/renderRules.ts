/**
 * A flag's targeting in plain language, one line per rung, in the order flagd tries them:
 *
 *   if targetingKey is one of "u-9" -> off
 *   if segment beta-testers (email ends with "@acme.com") -> on
 *   from 2025-12-01 10:00 UTC -> 25% on / 75% off, sticky by targetingKey
 *   otherwise -> off (default)
 *
 * Hovers, the rule editor and `flaglens explain` show this text; syntaxes/flaglens-rules.tmLanguage.json
 * highlights it. Pure: no I/O, and it never throws on odd targeting (unknown shapes become JSON).
 */
import type { JsonObject, JsonValue, VariantValue } from '../../../../shared/src/registryModel';
import { describeCondition, describeRolloutArgs, type ConditionContext } from './condition';
import { formatName } from './format';
import { asOperation, hasOwnKey, isJsonObject, ownValue, varPath } from './jsonLogic';

export type RuleLineKind =
  | 'disabled'
  | 'exclusion'
  | 'override'
  | 'prerequisite'
  | 'segment'
  | 'schedule'
  | 'rollout'
  | 'rule'
  | 'default';

export interface RuleLine {
  kind: RuleLineKind;
  text: string;
}

export interface RenderInput {
  flagKey: string;
  state: 'ENABLED' | 'DISABLED';
  defaultVariant: string | null;
  variants: Record<string, VariantValue>;
  targeting: JsonObject | undefined;
  /** The file's `$evaluators`, for `$ref`. */
  evaluators: Record<string, JsonValue>;
  /** `metadata.requires` prerequisites, e.g. `["new-api=on"]`. */
  requires?: string[];
}

export const DISABLED_TEXT = "disabled: the caller's default is served";

export function renderRules(input: RenderInput): RuleLine[] {
  const lines: RuleLine[] = [];
  if (input.state === 'DISABLED') lines.push({ kind: 'disabled', text: DISABLED_TEXT });
  const ladder = targetingLines(input);
  // DESIGN.md's ladder puts the prerequisite check after exclusions and overrides.
  let at = 0;
  while (at < ladder.length && (ladder[at].kind === 'exclusion' || ladder[at].kind === 'override')) at++;
  // A prerequisite the targeting already checks is shown once, at its rung.
  const checked = new Set(
    ladder
      .filter((line) => line.kind === 'prerequisite')
      .map((line) => /^requires (\S+) =/.exec(line.text)?.[1]),
  );
  const prerequisites = (input.requires ?? []).filter(
    (requirement) => requirement.trim() !== '' && !checked.has(requirement.split(/!?=/)[0].trim()),
  );
  ladder.splice(at, 0, ...prerequisites.map(prerequisiteLine));
  return lines.concat(ladder);
}

export function renderRulesText(input: RenderInput): string {
  return renderRules(input)
    .map((line) => line.text)
    .join('\n');
}

/** One JsonLogic condition in words, e.g. `email ends with "@acme.com"`. */
export function renderCondition(logic: JsonValue, evaluators: Record<string, JsonValue>): string {
  return describeCondition(logic, conditionContext(evaluators, undefined)).text;
}

/** `new-api=on` -> `requires new-api = on`; anything else is shown as written. */
function prerequisiteLine(requirement: string): RuleLine {
  // Metadata is free text: keep each prerequisite on one line.
  const oneLine = requirement.replace(/\s+/g, ' ').trim();
  const match = /^([^=!]+?) ?(!=|=) ?(.+)$/.exec(oneLine);
  if (!match) return { kind: 'prerequisite', text: `requires ${oneLine}` };
  const [, flag, relation, variant] = match;
  return { kind: 'prerequisite', text: `requires ${flag} ${relation === '=' ? '=' : '≠'} ${variant}` };
}

/** One branch of the targeting: every condition on the way to it must hold. */
interface Rung {
  conditions: JsonValue[];
  result: JsonValue;
}

/**
 * Flattens nested if/else chains into rungs read top to bottom, first match wins: a branch nested
 * in a `then` inherits its parent's condition, and its own else is listed right after it.
 */
function collectRungs(node: JsonValue, conditions: JsonValue[]): Rung[] {
  const operation = asOperation(node);
  if (operation?.op !== 'if' && operation?.op !== '?:') return [{ conditions, result: node }];
  const { args } = operation;
  const rungs: Rung[] = [];
  let index = 0;
  for (; index + 1 < args.length; index += 2) {
    rungs.push(...collectRungs(args[index + 1], [...conditions, args[index]]));
  }
  // An `if` without an else yields null, which flagd answers with the default variant.
  rungs.push(...collectRungs(index < args.length ? args[index] : null, conditions));
  return rungs;
}

function targetingLines(input: RenderInput): RuleLine[] {
  const { targeting } = input;
  const served = defaultServed(input);
  // flagd ignores an empty targeting object.
  if (targeting === undefined || (isJsonObject(targeting) && Object.keys(targeting).length === 0)) {
    return [{ kind: 'default', text: `everyone -> ${served}` }];
  }
  const ctx = conditionContext(input.evaluators, input);
  const rungs = collectRungs(targeting, []);
  const lines: RuleLine[] = [];
  for (const rung of rungs) {
    if (rung.conditions.length > 0) lines.push(conditionalLine(rung, input, ctx));
    else lines.push(...finalLines(rung.result, lines.length === 0, input, ctx));
  }
  return lines;
}

function conditionContext(
  evaluators: Record<string, JsonValue>,
  input: RenderInput | undefined,
): ConditionContext {
  const ctx: ConditionContext = {
    evaluators,
    flagKey: input?.flagKey,
    scope: 'context',
    expanding: [],
    // A bucket may compute its variant; that expression is shown in brackets.
    variantLabel: (variant) =>
      typeof variant === 'object' && variant !== null
        ? `(${describeCondition(variant, ctx).text})`
        : variantName(variant, input),
  };
  return ctx;
}

/** The ladder's failed-prerequisite rung: `{"!==": [{"var": "prerequisites.new-api"}, "on"]}`. */
function prerequisiteRung(condition: JsonValue): { flag: string; variant: string } | undefined {
  const operation = asOperation(condition);
  if (operation?.op !== '!==' || operation.args.length !== 2) return undefined;
  const path = varPath(operation.args[0]);
  const variant = operation.args[1];
  if (path === undefined || !path.startsWith('prerequisites.') || typeof variant !== 'string')
    return undefined;
  return { flag: path.slice('prerequisites.'.length), variant };
}

function conditionalLine(rung: Rung, input: RenderInput, ctx: ConditionContext): RuleLine {
  const combined: JsonValue = rung.conditions.length === 1 ? rung.conditions[0] : { and: rung.conditions };
  const prerequisite = prerequisiteRung(combined);
  if (prerequisite) {
    return {
      kind: 'prerequisite',
      text: `requires ${prerequisite.flag} = ${prerequisite.variant}, else ${resultText(rung.result, input, ctx)}`,
    };
  }
  const condition = describeCondition(combined, ctx);
  const served = resultText(rung.result, input, ctx);
  // A pure time window reads as a sentence of its own: `from ... until ... -> on`.
  const text = condition.window ? `${condition.text} -> ${served}` : `if ${condition.text} -> ${served}`;
  return { kind: classify(combined, rung.result, condition.window !== undefined, input), text };
}

/** The last rung, reached when nothing above matched. */
function finalLines(
  result: JsonValue,
  alone: boolean,
  input: RenderInput,
  ctx: ConditionContext,
): RuleLine[] {
  const lead = alone ? 'everyone' : 'otherwise';
  const served = defaultServed(input);
  const rollout = rolloutText(result, ctx);
  if (rollout !== undefined) {
    // flagd's fractional yields null (so the default) when it cannot bucket, e.g. no targetingKey.
    return [
      { kind: 'rollout', text: rollout },
      { kind: 'default', text: `otherwise -> ${served}` },
    ];
  }
  if (result === null || typeof result !== 'object') {
    return [{ kind: 'default', text: `${lead} -> ${resultText(result, input, ctx)}` }];
  }
  return [{ kind: 'default', text: `${lead} -> ${resultText(result, input, ctx)}, else ${served}` }];
}

function rolloutText(result: JsonValue, ctx: ConditionContext): string | undefined {
  const operation = asOperation(result);
  return operation?.op === 'fractional' ? describeRolloutArgs(operation.args, ctx) : undefined;
}

function resultText(result: JsonValue, input: RenderInput, ctx: ConditionContext): string {
  const rollout = rolloutText(result, ctx);
  if (rollout !== undefined) return rollout;
  if (result === null || typeof result !== 'object') return variantName(result, input);
  // An expression chooses the variant at evaluation time; flagd uses its string form as the name.
  return `variant named by ${describeCondition(result, ctx).text}`;
}

/** What null serves: the default variant, or the caller's code default when there is none. */
function defaultServed(input: RenderInput): string {
  return input.defaultVariant === null
    ? "the caller's default"
    : `${formatName(input.defaultVariant)} (default)`;
}

/** A variant as a rule returns it: null is the default; flagd looks up other values by their string form. */
function variantName(variant: JsonValue, input: RenderInput | undefined): string {
  if (variant === null) return input ? defaultServed(input) : 'default';
  if (typeof variant === 'object') return JSON.stringify(variant);
  const name = String(variant);
  if (input && Object.keys(input.variants).length > 0 && !hasOwnKey(input.variants, name)) {
    return `${formatName(name)} (no such variant)`;
  }
  return formatName(name);
}

function classify(
  condition: JsonValue,
  result: JsonValue,
  isWindow: boolean,
  input: RenderInput,
): RuleLineKind {
  if (asOperation(result)?.op === 'fractional') return 'rollout';
  if (isWindow) return 'schedule';
  if (matchesTargetingKeys(condition)) return servesOff(result, input) ? 'exclusion' : 'override';
  if (mentionsSegment(condition)) return 'segment';
  return 'rule';
}

/** `targetingKey is one of ...` or `targetingKey = "..."`, possibly several joined with `or`. */
function matchesTargetingKeys(condition: JsonValue): boolean {
  const operation = asOperation(condition);
  if (!operation) return false;
  const { op, args } = operation;
  if (op === 'in') return args.length === 2 && varPath(args[0]) === 'targetingKey' && Array.isArray(args[1]);
  if (op === '==' || op === '===') {
    if (args.length !== 2) return false;
    const [left, right] = args;
    return (
      (varPath(left) === 'targetingKey' && typeof right === 'string') ||
      (varPath(right) === 'targetingKey' && typeof left === 'string')
    );
  }
  if (op === 'or') return args.length > 0 && args.every(matchesTargetingKeys);
  return false;
}

function mentionsSegment(condition: JsonValue): boolean {
  const operation = asOperation(condition);
  if (!operation) return false;
  if (operation.op === '$ref') return true;
  if (operation.op === 'and' || operation.op === 'or' || operation.op === '!') {
    return operation.args.some(mentionsSegment);
  }
  return false;
}

/**
 * Whether a rule turns the flag off for the users it matches (an exclusion): null (the default),
 * a `false` variant of a boolean flag, or the default variant of any other flag.
 */
function servesOff(result: JsonValue, input: RenderInput): boolean {
  if (result === null || result === false) return true;
  if (typeof result === 'object') return false;
  const name = String(result);
  const values = Object.values(input.variants);
  if (values.length > 0 && values.every((value) => typeof value === 'boolean')) {
    return ownValue(input.variants, name) === false;
  }
  return name === input.defaultVariant;
}
