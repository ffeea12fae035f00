/**
 * `fractional` in words: `25% on / 75% off, sticky by targetingKey`. The shape checks mirror
 * what flagd accepts, so a rollout flagd would reject is shown as JSON instead of as a rollout.
 */
import type { JsonValue } from '../../../../shared/src/registryModel';
import { formatPercent } from './format';
import { MAX_TOTAL_WEIGHT } from '../registry/parseRegistryFile';
import { asOperation, isJsonObject, varPath } from './jsonLogic';

export interface RolloutBucket {
  /** A variant name, a primitive, null (the default variant) or an expression yielding one. */
  variant: JsonValue;
  weight: number;
}

export interface Rollout {
  /** The bucketing expression; undefined means flagd's own `flagKey + targetingKey`. */
  bucketBy: JsonValue | undefined;
  buckets: RolloutBucket[];
}

/** How the renderer names things inside a rollout; given by the caller to avoid a module cycle. */
export interface RolloutWording {
  flagKey: string | undefined;
  describe(node: JsonValue): string;
  variantLabel(variant: JsonValue): string;
}

export function parseRollout(args: JsonValue[]): Rollout | undefined {
  if (args.length === 0) return undefined;
  const [first] = args;
  let bucketBy: JsonValue | undefined;
  let entries = args;
  // flagd takes the first argument as the bucketing key when it evaluates to a string; an
  // expression such as the salted `cat` is assumed to do so.
  if (typeof first === 'string' || isJsonObject(first)) {
    bucketBy = first;
    entries = args.slice(1);
  } else if (!Array.isArray(first)) {
    return undefined;
  }
  const buckets: RolloutBucket[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length === 0 || entry.length > 2) return undefined;
    const [variant, weight] = entry;
    if (Array.isArray(variant)) return undefined;
    if (entry.length === 2 && (typeof weight !== 'number' || !Number.isInteger(weight))) return undefined;
    // Weights default to 1; flagd clamps negative weights to 0.
    buckets.push({ variant, weight: entry.length === 2 ? Math.max(0, weight as number) : 1 });
  }
  if (buckets.length === 0) return undefined;
  // Over flagd-core's 32-bit limit (1e308 sums to Infinity) flagd ignores the rollout: so is it
  // shown, as JSON, and never as NaN%.
  if (buckets.reduce((sum, bucket) => sum + bucket.weight, 0) > MAX_TOTAL_WEIGHT) return undefined;
  return { bucketBy, buckets };
}

export function describeRollout(rollout: Rollout, wording: RolloutWording): string {
  const total = rollout.buckets.reduce((sum, bucket) => sum + bucket.weight, 0);
  const shares = rollout.buckets.map((bucket) => {
    const share = total > 0 ? (bucket.weight * 100) / total : 0;
    return `${formatPercent(share)} ${wording.variantLabel(bucket.variant)}`;
  });
  return `${shares.join(' / ')}, sticky by ${describeStickiness(rollout.bucketBy, wording)}`;
}

function describeStickiness(bucketBy: JsonValue | undefined, wording: RolloutWording): string {
  // Without a bucketing argument flagd hashes flagKey + targetingKey.
  if (bucketBy === undefined) return 'targetingKey';
  const concatenation = asOperation(bucketBy);
  if (concatenation?.op === 'cat' && concatenation.args.length === 2) {
    const [salt, key] = concatenation.args;
    const keyText = wording.describe(key);
    // `$flagd.flagKey` or the flag's own key as salt buckets exactly like flagd's default.
    if (varPath(salt) === '$flagd.flagKey') return keyText;
    if (typeof salt === 'string') {
      return salt === wording.flagKey ? keyText : `${keyText} (salt ${JSON.stringify(salt)})`;
    }
  }
  return wording.describe(bucketBy);
}
