/**
 * Does a flag serve one variant to everyone in an environment? Answered by reading the targeting
 * as data, never by sampling contexts: a rule counts as uniform only when every result it can
 * possibly produce names the same variant, whatever the conditions say. That over-approximation
 * is what makes the answer safe to act on (a cleanup bakes the value into the code).
 *
 * The shapes recognised mirror what flagd-core does with them:
 * - no targeting (or `{}`): the default variant, reason STATIC;
 * - an `if` chain (also `?:`): any of its results, and `null` (the default variant) when there is
 *   no final else;
 * - `fractional`: any bucket with a positive weight; without an explicit bucketing string flagd
 *   returns `null` for a context without `targetingKey`, so the default variant is possible too;
 * - a string, number or boolean result names the variant `String(result)` (flagd calls toString);
 * - `$ref` is replaced by its evaluator, as flagd does when it loads the file; an unknown one
 *   makes the whole targeting invalid (flagd answers PARSE_ERROR, i.e. the code default).
 * Anything else (a `var` that picks the variant, `cat`, ...) is not understood: not uniform.
 */
import type { FlagDefinition, JsonValue } from '../../../../shared/src/registryModel';
import { asOperation, hasOwnKey, isJsonObject, ownValue } from '../rules/jsonLogic';
import { parseRollout } from '../rules/rollout';

/** How a flag ends up serving one variant to everyone, for the evidence a person reads. */
export type UniformHow = 'no-targeting' | 'single-outcome-targeting';

export interface UniformServing {
  variant: string;
  how: UniformHow;
}

/** flagd gives up on a `fractional` whose weights do not fit an Int32 and returns null. */
const MAX_TOTAL_WEIGHT = 2147483647;

/** A possible targeting result: a variant name, or null for "the default variant". */
type Outcome = string | null;

/**
 * The one variant a flag serves to everyone in its environment, or undefined when it is
 * DISABLED (callers get their code default), when the targeting may produce different variants,
 * or when the result is not a variant of the flag (flagd would answer with an error).
 */
export function alwaysServes(
  definition: FlagDefinition,
  evaluators: Record<string, JsonValue>,
): { variant: string } | undefined {
  const uniform = uniformServing(definition, evaluators);
  return uniform ? { variant: uniform.variant } : undefined;
}

/** `alwaysServes` with the reason it holds. */
export function uniformServing(
  definition: FlagDefinition,
  evaluators: Record<string, JsonValue>,
): UniformServing | undefined {
  if (definition.state !== 'ENABLED') return undefined;
  const targeting = definition.targeting;
  if (!targeting || Object.keys(targeting).length === 0) {
    return servedVariant(definition, new Set([null]), 'no-targeting');
  }
  const expanded = expandReferences(targeting, evaluators, []);
  if (expanded === undefined) return undefined;
  const outcomes = possibleOutcomes(expanded);
  return outcomes ? servedVariant(definition, outcomes, 'single-outcome-targeting') : undefined;
}

function servedVariant(
  definition: FlagDefinition,
  outcomes: Set<Outcome>,
  how: UniformHow,
): UniformServing | undefined {
  const names = new Set<string | null>([...outcomes].map((outcome) => outcome ?? definition.defaultVariant));
  if (names.size !== 1) return undefined;
  const [name] = names;
  // A null default means the caller's code default: uniform, but not a registry value.
  if (name === null || !hasOwnKey(definition.variants, name)) return undefined;
  return { variant: name, how };
}

/**
 * The targeting with every `{"$ref": name}` replaced by its evaluator; undefined when a
 * reference is unknown or circular (flagd cannot load such targeting).
 */
function expandReferences(
  node: JsonValue,
  evaluators: Record<string, JsonValue>,
  expanding: readonly string[],
): JsonValue | undefined {
  if (Array.isArray(node)) {
    const items: JsonValue[] = [];
    for (const item of node) {
      const expanded = expandReferences(item, evaluators, expanding);
      if (expanded === undefined) return undefined;
      items.push(expanded);
    }
    return items;
  }
  if (!isJsonObject(node)) return node;
  const operation = asOperation(node);
  if (operation?.op === '$ref') {
    const name = operation.raw;
    if (typeof name !== 'string' || expanding.includes(name)) return undefined;
    const evaluator = ownValue(evaluators, name);
    return evaluator === undefined
      ? undefined
      : expandReferences(evaluator, evaluators, [...expanding, name]);
  }
  const result: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(node)) {
    const expanded = expandReferences(value, evaluators, expanding);
    if (expanded === undefined) return undefined;
    result[key] = expanded;
  }
  return result;
}

/** Every result the expression can produce, or undefined when it cannot be told statically. */
function possibleOutcomes(node: JsonValue): Set<Outcome> | undefined {
  if (node === null) return new Set([null]);
  if (typeof node === 'string') return new Set([node]);
  if (typeof node === 'number' || typeof node === 'boolean') return new Set([String(node)]);
  if (Array.isArray(node)) return undefined;
  const operation = asOperation(node);
  if (!operation) return undefined;
  switch (operation.op) {
    case 'if':
    case '?:':
      return ifOutcomes(operation.args);
    case 'fractional':
      return fractionalOutcomes(operation.args);
    default:
      return undefined;
  }
}

function ifOutcomes(args: JsonValue[]): Set<Outcome> | undefined {
  // JsonLogic: [cond, then, cond, then, ..., else]; one argument is returned as it is; an even
  // count has no else and yields null.
  if (args.length === 0) return new Set([null]);
  if (args.length === 1) return possibleOutcomes(args[0]);
  const results: JsonValue[] = [];
  for (let index = 1; index < args.length; index += 2) results.push(args[index]);
  if (args.length % 2 === 1) results.push(args[args.length - 1]);
  const outcomes = new Set<Outcome>();
  if (args.length % 2 === 0) outcomes.add(null);
  for (const result of results) {
    const possible = possibleOutcomes(result);
    if (!possible) return undefined;
    for (const outcome of possible) outcomes.add(outcome);
  }
  return outcomes;
}

function fractionalOutcomes(args: JsonValue[]): Set<Outcome> | undefined {
  const rollout = parseRollout(args);
  if (!rollout) return undefined;
  const outcomes = new Set<Outcome>();
  // flagd buckets by an explicit first argument only when it evaluates to a string: a literal
  // or a `cat` always does; anything else (or no argument) may leave a context without a bucket.
  const bucketsEveryone = typeof rollout.bucketBy === 'string' || asOperation(rollout.bucketBy)?.op === 'cat';
  if (!bucketsEveryone) outcomes.add(null);
  const total = rollout.buckets.reduce((sum, bucket) => sum + bucket.weight, 0);
  if (total === 0 || total > MAX_TOTAL_WEIGHT) return new Set([null]);
  for (const bucket of rollout.buckets) {
    if (bucket.weight === 0) continue;
    const possible = possibleOutcomes(bucket.variant);
    if (!possible) return undefined;
    for (const outcome of possible) outcomes.add(outcome);
  }
  return outcomes;
}
