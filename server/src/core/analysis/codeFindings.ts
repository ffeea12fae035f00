import type { FlagSummary, Finding, VariantValue } from '../../../../shared/src/registryModel';
import type { FlagUsage } from '../../../../shared/src/usage';
import type { Registry } from '../registry/registry';
import { camelCaseFlagKey } from '../usages/camelCase';
import { closestKeys } from './suggestions';

/** The codes of code findings; stable, used by code actions and the CLI's JSON. */
export const CodeFinding = {
  unknownFlag: 'code/unknown-flag',
  typeMismatch: 'code/type-mismatch',
  defaultNotAVariant: 'code/default-not-a-variant',
  unsafeKillSwitchDefault: 'code/unsafe-kill-switch-default',
  missingInEnvironment: 'code/missing-in-environment',
  expired: 'code/flag-expired',
  archived: 'code/flag-archived',
  dynamicKey: 'code/dynamic-key',
  unusedFlag: 'registry/unused-flag',
  staleFlag: 'code/stale-flag',
} as const;

/** Finds the registry flag a usage reads, matching LaunchDarkly's camelCased keys too. */
export function flagOfUsage(registry: Registry, usage: FlagUsage): FlagSummary | undefined {
  if (usage.flag === null) return undefined;
  const direct = registry.flag(usage.flag);
  if (direct || !usage.camelCaseKey) return direct;
  return registry.flagByCamelCase(usage.flag);
}

/** LaunchDarkly's React SDK key mapping (`new-checkout` -> `newCheckout`), as the index applies it. */
export const camelCase = camelCaseFlagKey;

/** The value a kill switch serves when killed: its "off" variant, or false for a boolean flag. */
function killedValue(summary: FlagSummary): VariantValue | undefined {
  for (const definition of summary.definitions)
    if ('off' in definition.variants) return definition.variants.off;
  return summary.variantType === 'boolean' ? false : undefined;
}

function sameValue(a: VariantValue, b: unknown): boolean {
  return typeof a === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

/** Cross-references usages with the registry. */
export function codeFindings(
  usages: readonly FlagUsage[],
  registry: Registry,
  options: { now: Date },
): Finding[] {
  const findings: Finding[] = [];
  const environments = registry.environments();
  const hasRegistry = environments.length > 0;
  for (const usage of usages) {
    const at = (
      severity: Finding['severity'],
      code: string,
      message: string,
      data?: Finding['data'],
    ): void => {
      const finding: Finding = { file: usage.file, range: usage.keyRange, severity, code, message };
      if (usage.flag !== null) finding.flag = usage.flag;
      if (data) finding.data = data;
      findings.push(finding);
    };
    if (usage.flag === null) {
      at(
        'information',
        CodeFinding.dynamicKey,
        `Dynamic flag key ${usage.keyText}: Flaglens cannot tell which flag this reads.`,
      );
      continue;
    }
    if (!hasRegistry) continue;
    const summary = flagOfUsage(registry, usage);
    if (!summary) {
      const suggestions = closestKeys(usage.flag, registry.flags().keys());
      at(
        'error',
        CodeFinding.unknownFlag,
        `Unknown flag "${usage.flag}": it is not in any registry file${suggestions.length ? `. Did you mean ${suggestions.map((key) => `"${key}"`).join(' or ')}?` : '.'}`,
        { suggestions },
      );
      continue;
    }
    if (summary.lifecycle.archived === true) {
      // Removing the read is the only fix, so nothing else about it is worth saying.
      at(
        'warning',
        CodeFinding.archived,
        `Flag "${summary.key}" is archived: remove this read; flagd still serves it, but nobody maintains it.`,
      );
      continue;
    }
    const flagType = summary.variantType;
    if (flagType && usage.expectedType !== 'any' && usage.expectedType !== flagType) {
      at(
        'error',
        CodeFinding.typeMismatch,
        `Flag "${summary.key}" has ${flagType} variants, but \`${usage.api}\` reads a ${usage.expectedType}.`,
        { flagType, expectedType: usage.expectedType },
      );
    }
    if (
      usage.defaultLiteral !== undefined &&
      usage.defaultLiteral !== null &&
      flagType &&
      flagType !== 'object' &&
      typeof usage.defaultLiteral === flagType
    ) {
      const values = summary.definitions.flatMap((definition) => Object.values(definition.variants));
      if (!values.some((value) => sameValue(value, usage.defaultLiteral))) {
        at(
          'warning',
          CodeFinding.defaultNotAVariant,
          `Default ${JSON.stringify(usage.defaultLiteral)} is not a value of any variant of "${summary.key}" (${[...new Set(values.map((value) => JSON.stringify(value)))].join(', ')}).`,
        );
      }
    }
    if (summary.lifecycle.type === 'kill-switch' && usage.defaultLiteral !== undefined) {
      // Killing a flag means setting it DISABLED, and a disabled flag serves the caller's
      // default: so the default must be the killed value, or the kill switch does nothing.
      const killed = killedValue(summary);
      if (killed !== undefined && !sameValue(killed, usage.defaultLiteral)) {
        at(
          'warning',
          CodeFinding.unsafeKillSwitchDefault,
          `Unsafe default for kill switch "${summary.key}": when it is killed (DISABLED) or flagd is unreachable this code gets ${JSON.stringify(usage.defaultLiteral)}, so the kill would not take effect. Use ${JSON.stringify(killed)}.`,
          { safeDefault: JSON.stringify(killed) },
        );
      }
    }
    const present = new Set(summary.definitions.map((definition) => definition.environment));
    const missing = environments.filter((environment) => !present.has(environment));
    if (missing.length > 0) {
      at(
        'warning',
        CodeFinding.missingInEnvironment,
        `Flag "${summary.key}" is missing in ${missing.join(', ')}: this code gets its default there.`,
        { missing },
      );
    }
    const expires = summary.lifecycle.expiresAt;
    if (expires && Date.parse(expires) < options.now.getTime()) {
      at(
        'warning',
        CodeFinding.expired,
        `Flag "${summary.key}" expired on ${expires.slice(0, 10)}: remove it from the code.`,
      );
    }
  }
  return findings;
}

/** Flags defined in the registry that no code reads, and not archived yet: ready to archive. */
export function unusedFlagFindings(usages: readonly FlagUsage[], registry: Registry): Finding[] {
  const used = new Set<string>();
  for (const usage of usages) {
    if (usage.flag === null) continue;
    const summary = flagOfUsage(registry, usage);
    if (summary) used.add(summary.key);
  }
  const findings: Finding[] = [];
  for (const summary of registry.flags().values()) {
    if (used.has(summary.key) || summary.lifecycle.archived === true) continue;
    for (const definition of summary.definitions) {
      findings.push({
        file: definition.file,
        range: definition.keyRange,
        severity: 'information',
        code: CodeFinding.unusedFlag,
        message: `Flag "${summary.key}" is defined but never used in code.`,
        flag: summary.key,
      });
    }
  }
  return findings;
}
