/**
 * The ladder: the one targeting shape Flaglens edits structurally (DESIGN.md section 1). It is a
 * single JsonLogic `if` chain whose rungs come in a fixed order, first match wins:
 *
 *   {"if": [
 *     {"or": [{"in": [{"var": "targetingKey"}, ["u-9", "u-10"]]}]}, "off",     exclusions
 *     {"in": [{"var": "targetingKey"}, ["u-1"]]}, "on",                       overrides, one per variant
 *     {"!==": [{"var": "prerequisites.new-api"}, "on"]}, "off",               failed prerequisites
 *     {"$ref": "beta-testers"}, "on",                                         segments
 *     {"<": [{"var": "$flagd.timestamp"}, 1764583200]}, "off",                not started yet
 *     {">=": [{"var": "$flagd.timestamp"}, 1767225600]}, "off",               already ended
 *     {"fractional": [{"cat": ["new-checkout", {"var": "targetingKey"}]}, ["on", 25], ["off", 75]]}
 *   ]}
 *
 * The last element is the rollout, a variant name, or null (flagd's default variant).
 *
 * Representation choices, all plain flagd targeting:
 * - Exclusions test membership like overrides do, but inside a one-element `or`. Without a mark
 *   an exclusion to "off" and an override to "off" would be the same JSON, and the ladder could
 *   not tell which list a user belongs to; the `or` is also where exclusions by more attributes
 *   would go.
 * - flagd evaluates one flag at a time, so a prerequisite cannot be checked by evaluating the other
 *   flag. It is recorded in `metadata.requires` ("new-api=on") and the rung reads the other flag's
 *   variant from the evaluation context under `prerequisites.<flag>`: the application evaluates the
 *   prerequisite first and passes `{ prerequisites: { "new-api": "on" } }`. A context without it
 *   fails the check, so the flag fails closed.
 * - A time window serves its variant outside [from, until): `$flagd.timestamp < from` (not started)
 *   and `$flagd.timestamp >= until` (ended), unix seconds, the same reading as rules/timeWindow.ts.
 * - The rollout always names its salt, `{"cat": ["<flagKey>", {"var": "targetingKey"}]}`, which
 *   buckets exactly like flagd's implicit `flagKey + targetingKey` and keeps doing so if the rule is
 *   copied. A `fractional` without a salt is read as a rollout salted with the flag key.
 * - A ladder with no rungs is the rollout alone, `{"if": ["<variant>"]}`, or no targeting at all.
 */
import type { JsonObject, JsonValue } from '../../../../shared/src/registryModel';
import { RegistryEditError } from './registryEditError';

export interface AttributeMatch {
  /** The context attribute compared, `targetingKey` unless the user chose another. */
  attribute: string;
  values: string[];
  variant: string;
}

export interface PrerequisiteRung {
  /** The flag that must be on first. */
  flag: string;
  /** The variant it must have. */
  variant: string;
  /** What this flag serves when the prerequisite does not hold. */
  elseVariant: string;
}

export interface TargetingLadder {
  exclusions: AttributeMatch | undefined;
  overrides: AttributeMatch[];
  prerequisites: PrerequisiteRung[];
  segments: { name: string; variant: string }[];
  /** `from` inclusive, `until` exclusive, unix seconds; `variant` is served outside the window. */
  timeWindow: { from?: number; until?: number; variant: string } | undefined;
  rollout: { salt: string; weights: [variant: string, weight: number][] } | undefined;
  /** Served when no rung matched and there is no rollout; null is the flag's default variant. */
  fallback: string | null;
}

export const TARGETING_KEY = 'targetingKey';
/** Where the application puts the variants of a flag's prerequisites in the evaluation context. */
export const PREREQUISITES_CONTEXT = 'prerequisites';
const TIMESTAMP = '$flagd.timestamp';

export function emptyLadder(): TargetingLadder {
  return {
    exclusions: undefined,
    overrides: [],
    prerequisites: [],
    segments: [],
    timeWindow: undefined,
    rollout: undefined,
    fallback: null,
  };
}

/** The rollout's bucketing expression: sticky per user, salted with `salt`. */
export function saltExpression(salt: string): JsonObject {
  return { cat: [salt, { var: TARGETING_KEY }] };
}

/** Where a parse is in the ladder; rungs may only move forward. */
const Stage = {
  Exclusions: 0,
  Overrides: 1,
  Prerequisites: 2,
  Segments: 3,
  WindowStart: 4,
  WindowEnd: 5,
} as const;

/** The ladder a targeting rule stands for, or undefined when the rule is custom JSON. */
export function parseLadder(flagKey: string, targeting: JsonObject | undefined): TargetingLadder | undefined {
  const ladder = emptyLadder();
  if (targeting === undefined || Object.keys(targeting).length === 0) return ladder;
  const chain = singleOperation(targeting, 'if');
  let args: JsonValue[];
  if (chain !== undefined) {
    if (!Array.isArray(chain)) return undefined;
    args = chain;
  } else {
    // A rollout alone needs no `if`.
    args = [targeting];
  }
  // Stages only move forward: a rung out of ladder order would change meaning when rebuilt.
  let stage: number = Stage.Exclusions;
  for (let index = 0; index + 1 < args.length; index += 2) {
    const condition = args[index];
    const variant = args[index + 1];
    if (typeof variant !== 'string') return undefined;
    const exclusion = asExclusion(condition);
    if (exclusion) {
      if (stage > Stage.Exclusions) return undefined;
      ladder.exclusions = { ...exclusion, variant };
      stage = Stage.Overrides;
      continue;
    }
    const override = asMembership(condition);
    if (override) {
      if (stage > Stage.Overrides) return undefined;
      ladder.overrides.push({ ...override, variant });
      stage = Stage.Overrides;
      continue;
    }
    const prerequisite = asPrerequisite(condition);
    if (prerequisite) {
      if (stage > Stage.Prerequisites) return undefined;
      ladder.prerequisites.push({ ...prerequisite, elseVariant: variant });
      stage = Stage.Prerequisites;
      continue;
    }
    const segment = singleOperation(condition, '$ref');
    if (typeof segment === 'string') {
      if (stage > Stage.Segments) return undefined;
      ladder.segments.push({ name: segment, variant });
      stage = Stage.Segments;
      continue;
    }
    const from = timestampBound(condition, '<');
    if (from !== undefined) {
      if (stage > Stage.Segments) return undefined;
      ladder.timeWindow = { from, variant };
      stage = Stage.WindowStart;
      continue;
    }
    const until = timestampBound(condition, '>=');
    if (until !== undefined) {
      if (stage > Stage.WindowStart) return undefined;
      if (ladder.timeWindow && ladder.timeWindow.variant !== variant) return undefined;
      ladder.timeWindow = { ...ladder.timeWindow, until, variant };
      stage = Stage.WindowEnd;
      continue;
    }
    return undefined;
  }
  // An `if` without an else yields null, which flagd answers with the default variant.
  const last = args.length % 2 === 1 ? args[args.length - 1] : null;
  if (last === null || typeof last === 'string') {
    ladder.fallback = last;
    return ladder;
  }
  const rollout = asRollout(flagKey, last);
  if (!rollout) return undefined;
  ladder.rollout = rollout;
  return ladder;
}

/** The targeting for a ladder, or undefined when the ladder serves the default to everyone. */
export function buildTargeting(flagKey: string, ladder: TargetingLadder): JsonObject | undefined {
  const chain: JsonValue[] = [];
  if (ladder.exclusions) chain.push({ or: [membership(ladder.exclusions)] }, ladder.exclusions.variant);
  for (const override of ladder.overrides) chain.push(membership(override), override.variant);
  for (const prerequisite of ladder.prerequisites) {
    if (prerequisite.flag === '' || prerequisite.flag.includes('.')) {
      // JsonLogic reads dots in a `var` path as nesting, so such a key could not be looked up.
      throw new RegistryEditError(
        `"${prerequisite.flag}" cannot be a prerequisite of "${flagKey}": its key must be non-empty and without dots.`,
      );
    }
    chain.push(
      { '!==': [{ var: `${PREREQUISITES_CONTEXT}.${prerequisite.flag}` }, prerequisite.variant] },
      prerequisite.elseVariant,
    );
  }
  for (const segment of ladder.segments) chain.push({ $ref: segment.name }, segment.variant);
  const window = ladder.timeWindow;
  if (window) {
    if (window.from === undefined && window.until === undefined) {
      throw new RegistryEditError(`The time window of "${flagKey}" needs a start or an end.`);
    }
    if (window.from !== undefined) chain.push({ '<': [{ var: TIMESTAMP }, window.from] }, window.variant);
    if (window.until !== undefined) chain.push({ '>=': [{ var: TIMESTAMP }, window.until] }, window.variant);
  }
  let last: JsonValue = ladder.fallback;
  if (ladder.rollout) {
    if (ladder.fallback !== null) {
      throw new RegistryEditError(
        `"${flagKey}" cannot have both a rollout and a fallback variant: the rollout is the last rung.`,
      );
    }
    last = {
      fractional: [
        saltExpression(ladder.rollout.salt),
        ...ladder.rollout.weights.map(([variant, weight]) => [variant, weight]),
      ],
    };
  }
  if (chain.length === 0) {
    if (last === null) return undefined;
    if (typeof last !== 'string') return last as JsonObject;
  }
  return { if: [...chain, last] };
}

function membership(match: { attribute: string; values: string[] }): JsonObject {
  return { in: [{ var: match.attribute }, [...match.values]] };
}

/** The argument of `{"<op>": argument}`, when `node` is exactly that. */
function singleOperation(node: JsonValue, op: string): JsonValue | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  return keys.length === 1 && keys[0] === op ? node[op] : undefined;
}

/** The path of `{"var": "<path>"}`; the array form (with a default value) is not canonical. */
function plainVar(node: JsonValue): string | undefined {
  const path = singleOperation(node, 'var');
  return typeof path === 'string' ? path : undefined;
}

function asMembership(condition: JsonValue): { attribute: string; values: string[] } | undefined {
  const args = singleOperation(condition, 'in');
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const attribute = plainVar(args[0]);
  const list = args[1];
  if (attribute === undefined || attribute === '' || !Array.isArray(list)) return undefined;
  if (!list.every((value): value is string => typeof value === 'string')) return undefined;
  // A copy: edits change the ladder, never the targeting it was read from.
  return { attribute, values: [...list] };
}

function asExclusion(condition: JsonValue): { attribute: string; values: string[] } | undefined {
  const alternatives = singleOperation(condition, 'or');
  if (!Array.isArray(alternatives) || alternatives.length !== 1) return undefined;
  return asMembership(alternatives[0]);
}

function asPrerequisite(condition: JsonValue): { flag: string; variant: string } | undefined {
  const args = singleOperation(condition, '!==');
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const path = plainVar(args[0]);
  const variant = args[1];
  const prefix = `${PREREQUISITES_CONTEXT}.`;
  if (path === undefined || !path.startsWith(prefix) || typeof variant !== 'string') return undefined;
  const flag = path.slice(prefix.length);
  return flag === '' || flag.includes('.') ? undefined : { flag, variant };
}

function timestampBound(condition: JsonValue, op: '<' | '>='): number | undefined {
  const args = singleOperation(condition, op);
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const [left, right] = args;
  return plainVar(left) === TIMESTAMP && typeof right === 'number' && Number.isFinite(right)
    ? right
    : undefined;
}

function asRollout(flagKey: string, node: JsonValue): TargetingLadder['rollout'] {
  const args = singleOperation(node, 'fractional');
  if (!Array.isArray(args) || args.length === 0) return undefined;
  let salt = flagKey;
  let buckets = args;
  if (!Array.isArray(args[0])) {
    const parts = singleOperation(args[0], 'cat');
    if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') return undefined;
    if (plainVar(parts[1]) !== TARGETING_KEY) return undefined;
    salt = parts[0];
    buckets = args.slice(1);
  }
  if (buckets.length === 0) return undefined;
  const weights: [string, number][] = [];
  for (const bucket of buckets) {
    if (!Array.isArray(bucket) || bucket.length !== 2) return undefined;
    const [variant, weight] = bucket;
    if (
      typeof variant !== 'string' ||
      typeof weight !== 'number' ||
      !Number.isInteger(weight) ||
      weight < 0
    ) {
      return undefined;
    }
    weights.push([variant, weight]);
  }
  return { salt, weights };
}
