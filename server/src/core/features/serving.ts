import type { FlagDefinition, JsonValue } from '../../../../shared/src/registryModel';
import { renderRules, type RuleLine } from '../rules/renderRules';
import type { FlagWorkspace } from '../workspace/flagWorkspace';

/**
 * What a flag serves in one environment, in a few words for a code lens or a tree item:
 * `on`, `25% on`, `disabled`, `rules, else off`.
 */
export function servingSummary(definition: FlagDefinition): string {
  if (definition.state === 'DISABLED') return 'disabled';
  const targeting = definition.targeting;
  if (!targeting) return definition.defaultVariant ?? 'code default';
  const rollout = rolloutShares(targeting);
  if (rollout && !('if' in targeting)) return describeShares(rollout);
  const fallback = lastElse(targeting);
  if (fallback && typeof fallback === 'object' && !Array.isArray(fallback) && 'fractional' in fallback) {
    const shares = rolloutShares(fallback);
    if (shares) return `rules, else ${describeShares(shares)}`;
  }
  const fallbackVariant = typeof fallback === 'string' ? fallback : definition.defaultVariant;
  return `rules, else ${fallbackVariant ?? 'code default'}`;
}

function lastElse(targeting: JsonValue): JsonValue | undefined {
  let current: JsonValue | undefined = targeting;
  while (current && typeof current === 'object' && !Array.isArray(current) && Array.isArray(current.if)) {
    const args: JsonValue[] = current.if;
    current = args.length % 2 === 1 ? args[args.length - 1] : null;
  }
  return current;
}

/** Share of each variant in a `fractional` rule, in order; undefined when not a rollout. */
export function rolloutShares(logic: JsonValue): [string, number][] | undefined {
  if (!logic || typeof logic !== 'object' || Array.isArray(logic) || !Array.isArray(logic.fractional))
    return undefined;
  const buckets = logic.fractional.filter(
    (item): item is JsonValue[] => Array.isArray(item) && typeof item[0] === 'string',
  );
  const weights = buckets.map(
    (bucket) => [bucket[0] as string, typeof bucket[1] === 'number' ? bucket[1] : 1] as [string, number],
  );
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) return undefined;
  return weights.map(([name, weight]) => [name, (weight / total) * 100]);
}

function formatShare(percent: number): string {
  return Number.isInteger(percent) ? `${percent}%` : `${percent.toFixed(1).replace(/\.0$/, '')}%`;
}

function describeShares(shares: [string, number][]): string {
  const nonZero = shares.filter(([, share]) => share > 0);
  if (nonZero.length === 1) return nonZero[0][0];
  if (shares.length === 2 && shares.some(([name]) => name === 'on')) {
    const on = shares.find(([name]) => name === 'on');
    return `${formatShare(on?.[1] ?? 0)} on`;
  }
  return nonZero.map(([name, share]) => `${formatShare(share)} ${name}`).join(' / ');
}

/** The rollout a definition's targeting ends in (the last else of its if chain), if any. */
export function finalRollout(definition: FlagDefinition): [string, number][] | undefined {
  const last = definition.targeting ? lastElse(definition.targeting) : undefined;
  return last ? rolloutShares(last) : undefined;
}

/** A definition's rules in plain language, with the `$evaluators` of its environment's file. */
export function definitionRules(workspace: FlagWorkspace, definition: FlagDefinition): RuleLine[] {
  return renderRules({
    flagKey: definition.key,
    state: definition.state,
    defaultVariant: definition.defaultVariant,
    variants: definition.variants,
    targeting: definition.targeting,
    evaluators: workspace.registry.fileOfEnvironment(definition.environment)?.evaluators ?? {},
    requires: definition.lifecycle.requires,
  });
}
