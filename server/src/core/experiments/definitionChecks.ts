/**
 * Checks of experiment definitions against the registry: the flag and its variants exist in the
 * experiment's environment, its `fractional` rollout gives every arm a share (the shares are
 * what SRM tests against), and the flag names the experiment back.
 */
import type { ExperimentDefinition } from '../../../../shared/src/experiment';
import type { FlagDefinition, Finding, JsonValue } from '../../../../shared/src/registryModel';
import type { Registry } from '../registry/registry';
import { asOperation } from '../rules/jsonLogic';
import { parseRollout } from '../rules/rollout';
import type { ParsedExperiment } from './definition';

export type RolloutShares =
  | { kind: 'shares'; shares: Record<string, number> }
  | { kind: 'none' }
  | { kind: 'several' }
  | { kind: 'unreadable' };

/** Every `fractional` operation anywhere in a targeting tree (iteratively: trees may be deep). */
function fractionalOperations(targeting: JsonValue | undefined): JsonValue[][] {
  const found: JsonValue[][] = [];
  const stack: (JsonValue | undefined)[] = [targeting];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const operation = asOperation(node);
    if (operation?.op === 'fractional') found.push(operation.args);
    else stack.push(...Object.values(node));
  }
  return found;
}

/**
 * The configured share of each variant in a flag's single `fractional` rollout, normalised to
 * 1 over all its buckets. Buckets naming something other than a variant (an expression) make
 * the rollout unreadable for SRM.
 */
export function rolloutShares(definition: FlagDefinition): RolloutShares {
  const operations = fractionalOperations(definition.targeting);
  if (operations.length === 0) return { kind: 'none' };
  if (operations.length > 1) return { kind: 'several' };
  const rollout = parseRollout(operations[0]);
  if (!rollout) return { kind: 'unreadable' };
  const total = rollout.buckets.reduce((sum, bucket) => sum + bucket.weight, 0);
  if (total <= 0) return { kind: 'unreadable' };
  const shares: Record<string, number> = {};
  for (const bucket of rollout.buckets) {
    if (typeof bucket.variant !== 'string') return { kind: 'unreadable' };
    shares[bucket.variant] = (shares[bucket.variant] ?? 0) + bucket.weight / total;
  }
  return { kind: 'shares', shares };
}

/** The flag's entry in the experiment's environment, when both exist. */
export function experimentFlag(
  registry: Registry,
  definition: ExperimentDefinition,
): FlagDefinition | undefined {
  return registry.definition(definition.flag, definition.environment);
}

export function checkExperiments(parsed: ParsedExperiment[], registry: Registry): Finding[] {
  const findings: Finding[] = [];
  const byKey = new Map<string, ParsedExperiment[]>();
  for (const experiment of parsed) {
    const definition = experiment.definition;
    if (!definition) continue;
    byKey.set(definition.key, [...(byKey.get(definition.key) ?? []), experiment]);
    findings.push(...checkOne(experiment, definition, registry));
  }
  for (const [key, files] of byKey) {
    if (files.length < 2) continue;
    for (const experiment of files)
      findings.push({
        file: experiment.file,
        range: experiment.rangeOf(experiment.definition?.key === key ? ['key'] : []),
        severity: 'error',
        code: 'experiment/duplicate-key',
        message: `Experiment "${key}" is defined in ${files.length} files: ${files.map((other) => other.file).join(', ')}.`,
      });
  }
  return findings;
}

function checkOne(
  experiment: ParsedExperiment,
  definition: ExperimentDefinition,
  registry: Registry,
): Finding[] {
  const findings: Finding[] = [];
  const add = (
    path: (string | number)[],
    severity: Finding['severity'],
    code: string,
    message: string,
  ): void => {
    findings.push({
      file: experiment.file,
      range: experiment.rangeOf(path),
      severity,
      code: `experiment/${code}`,
      message,
      flag: definition.flag,
      data: { experiment: definition.key },
    });
  };
  const summary = registry.flag(definition.flag);
  if (!summary) {
    add(['flag'], 'error', 'unknown-flag', `Flag "${definition.flag}" is not in the registry.`);
    return findings;
  }
  const flag = experimentFlag(registry, definition);
  if (!flag) {
    const environments = summary.definitions.map((entry) => entry.environment);
    add(
      ['environment'],
      'error',
      'flag-missing-in-environment',
      `Flag "${definition.flag}" is not defined in environment "${definition.environment}" (it is in ${environments.join(', ')}).`,
    );
    return findings;
  }
  const known = Object.keys(flag.variants);
  const unknown = new Set<string>();
  definition.variants.forEach((variant, index) => {
    if (!Object.hasOwn(flag.variants, variant)) {
      unknown.add(variant);
      add(
        ['variants', index],
        'error',
        'unknown-variant',
        `"${variant}" is not a variant of "${definition.flag}" in ${definition.environment} (variants: ${known.join(', ')}).`,
      );
    }
  });
  if (unknown.has(definition.control))
    add(
      ['control'],
      'error',
      'unknown-variant',
      `The control "${definition.control}" is not a variant of "${definition.flag}" in ${definition.environment}.`,
    );
  if (flag.state === 'DISABLED' && definition.end === null)
    add(
      ['flag'],
      'warning',
      'flag-disabled',
      `Flag "${definition.flag}" is DISABLED in ${definition.environment}: every unit gets the code default, so no arm is served.`,
    );

  // A concluded experiment's flag serves its winner: shares and a disabled state are expected then.
  if (definition.decision !== undefined) return findings;
  const shares = rolloutShares(flag);
  const where = `"${definition.flag}" in ${definition.environment} (${flag.file})`;
  if (shares.kind === 'none')
    add(
      ['flag'],
      'error',
      'no-rollout',
      `${where} has no "fractional" rollout: units are not split between the variants, and the sample ratio cannot be checked.`,
    );
  else if (shares.kind === 'several')
    add(
      ['flag'],
      'warning',
      'several-rollouts',
      `${where} has more than one "fractional" rollout: the sample ratio check needs one.`,
    );
  else if (shares.kind === 'unreadable')
    add(
      ['flag'],
      'warning',
      'unreadable-rollout',
      `${where}: the "fractional" rollout's buckets are not plain variant names, so the expected shares are unknown.`,
    );
  else {
    definition.variants.forEach((variant, index) => {
      if (unknown.has(variant)) return;
      if (!(shares.shares[variant] > 0))
        add(
          ['variants', index],
          'error',
          'variant-without-share',
          `Variant "${variant}" has no share in the "fractional" rollout of ${where}: it gets no units.`,
        );
    });
    const outside = Object.entries(shares.shares).filter(
      ([variant, share]) => share > 0 && !definition.variants.includes(variant),
    );
    if (outside.length > 0)
      add(
        ['variants'],
        'information',
        'variants-outside-experiment',
        `The rollout also serves ${outside.map(([variant, share]) => `${variant} (${Math.round(share * 1000) / 10}%)`).join(', ')}, which the experiment does not analyse.`,
      );
  }

  const linked = summary.definitions.some((entry) => entry.lifecycle.experiment === definition.key);
  if (!linked)
    add(
      ['flag'],
      'warning',
      'flag-not-linked',
      `Flag "${definition.flag}" does not name this experiment: add "experiment": "${definition.key}" to its metadata in ${flag.file}.`,
    );
  return findings;
}
