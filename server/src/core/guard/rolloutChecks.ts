/**
 * Checks of rollout plans against the registry: the flag exists in the plan's environment with
 * both variants, a single `fractional` rollout serves them (the rollout is what the ramp edits
 * and what the sample ratio is tested against), and the share served now is a step of the plan.
 */
import type { FlagDefinition, Finding } from '../../../../shared/src/registryModel';
import type { RolloutPlan } from '../../../../shared/src/rollout';
import { rolloutShares } from '../experiments/definitionChecks';
import type { Registry } from '../registry/registry';
import type { ParsedRolloutPlan } from './rolloutPlan';

/** The rolled-out variant's share of the flag's `fractional` rollout now, in percent. */
export type CurrentShare =
  | { kind: 'percent'; percent: number; shares: Record<string, number> }
  | { kind: 'disabled' }
  | { kind: 'no-rollout'; why: string };

export function currentShare(flag: FlagDefinition, plan: RolloutPlan): CurrentShare {
  if (flag.state === 'DISABLED') return { kind: 'disabled' };
  const shares = rolloutShares(flag);
  if (shares.kind === 'none') return { kind: 'no-rollout', why: 'has no "fractional" rollout' };
  if (shares.kind === 'several') return { kind: 'no-rollout', why: 'has more than one "fractional" rollout' };
  if (shares.kind === 'unreadable')
    return {
      kind: 'no-rollout',
      why: 'has a "fractional" rollout whose buckets are not plain variant names',
    };
  // Rounded to what a weight of 1 in 10^6 can say, so 33.333...% reads as a step value when it is one.
  const percent = Math.round((shares.shares[plan.variant] ?? 0) * 100 * 1e6) / 1e6;
  return { kind: 'percent', percent, shares: shares.shares };
}

export function checkRolloutPlans(parsed: ParsedRolloutPlan[], registry: Registry): Finding[] {
  const findings: Finding[] = [];
  const byKey = new Map<string, ParsedRolloutPlan[]>();
  const byFlag = new Map<string, ParsedRolloutPlan[]>();
  for (const entry of parsed) {
    const plan = entry.plan;
    if (!plan) continue;
    byKey.set(plan.key, [...(byKey.get(plan.key) ?? []), entry]);
    const target = `${plan.flag}\u0000${plan.environment}`;
    byFlag.set(target, [...(byFlag.get(target) ?? []), entry]);
    findings.push(...checkOne(entry, plan, registry));
  }
  for (const [key, files] of byKey)
    if (files.length > 1)
      for (const entry of files)
        findings.push({
          file: entry.file,
          range: entry.rangeOf(['key']),
          severity: 'error',
          code: 'rollout/duplicate-key',
          message: `Rollout "${key}" is planned in ${files.length} files: ${files.map((other) => other.file).join(', ')}.`,
        });
  for (const files of byFlag.values())
    if (files.length > 1)
      for (const entry of files)
        findings.push({
          file: entry.file,
          range: entry.rangeOf(['flag']),
          severity: 'error',
          code: 'rollout/several-plans',
          message: `"${entry.plan!.flag}" in ${entry.plan!.environment} has ${files.length} rollout plans (${files.map((other) => other.file).join(', ')}); they would edit the same rollout.`,
          flag: entry.plan!.flag,
        });
  return findings;
}

function checkOne(entry: ParsedRolloutPlan, plan: RolloutPlan, registry: Registry): Finding[] {
  const findings: Finding[] = [];
  const add = (
    path: (string | number)[],
    severity: Finding['severity'],
    code: string,
    message: string,
  ): void => {
    findings.push({
      file: entry.file,
      range: entry.rangeOf(path),
      severity,
      code: `rollout/${code}`,
      message,
      flag: plan.flag,
    });
  };
  const summary = registry.flag(plan.flag);
  if (!summary) {
    add(['flag'], 'error', 'unknown-flag', `Flag "${plan.flag}" is not in the registry.`);
    return findings;
  }
  const flag = registry.definition(plan.flag, plan.environment);
  if (!flag) {
    const environments = summary.definitions.map((definition) => definition.environment);
    add(
      ['environment'],
      'error',
      'flag-missing-in-environment',
      `Flag "${plan.flag}" is not defined in environment "${plan.environment}" (it is in ${environments.join(', ')}).`,
    );
    return findings;
  }
  const known = Object.keys(flag.variants);
  for (const name of ['variant', 'baseline'] as const)
    if (!Object.hasOwn(flag.variants, plan[name]))
      add(
        [name],
        'error',
        'unknown-variant',
        `"${plan[name]}" is not a variant of "${plan.flag}" in ${plan.environment} (variants: ${known.join(', ')}).`,
      );
  const share = currentShare(flag, plan);
  const where = `"${plan.flag}" in ${plan.environment} (${flag.file})`;
  if (share.kind === 'no-rollout')
    add(
      ['flag'],
      'error',
      'no-rollout',
      `${where} ${share.why}: the ramp cannot be applied and the sample ratio cannot be checked.`,
    );
  else if (share.kind === 'percent') {
    const outside = Object.entries(share.shares).filter(
      ([name, weight]) => weight > 0 && name !== plan.variant && name !== plan.baseline,
    );
    if (outside.length > 0)
      add(
        ['baseline'],
        'warning',
        'other-variants-served',
        `The rollout of ${where} also serves ${outside.map(([name]) => name).join(', ')}; only ${plan.variant} and ${plan.baseline} are compared.`,
      );
    const last = plan.history[plan.history.length - 1];
    const expected = last ? last.percent : undefined;
    if (share.percent > 0 && !plan.steps.some((step) => step.percent === share.percent))
      add(
        ['steps'],
        'warning',
        'share-not-a-step',
        `${where} serves ${plan.variant} to ${share.percent}%, which is not a step of the plan (${plan.steps.map((step) => `${step.percent}%`).join(', ')}).`,
      );
    else if (expected !== undefined && expected !== share.percent)
      add(
        ['history'],
        'warning',
        'history-out-of-date',
        `The last recorded step is ${expected}%, but ${where} serves ${plan.variant} to ${share.percent}%: the registry was changed outside the plan.`,
      );
  }
  for (const [index, item] of plan.history.entries())
    if (Date.parse(item.at) < Date.parse(plan.start))
      add(
        ['history', index, 'at'],
        'error',
        'history-before-start',
        `History entry at ${item.at} is before the plan's "start" (${plan.start}).`,
      );
  return findings;
}
