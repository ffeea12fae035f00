/**
 * Stale-flag detection: which flags are flag debt, why, since when, and whether their removal
 * can go ahead. Every threshold comes from the project's `StalePolicy`. The verdicts feed
 * `flaglens stale`, the stale diagnostics and the Stale tree view; the cleanup takes
 * `servedValue` as the value to bake into the code.
 *
 * Dates: "since when" a condition holds comes from git history when git saw it start (it says
 * when the serving actually changed), else from `metadata.createdAt` (see `conditionStart`). A
 * flag's age comes from `metadata.createdAt` (the owner's own statement), else from when git
 * first saw the key.
 */
import type {
  FlagDefinition,
  FlagSummary,
  JsonValue,
  VariantValue,
} from '../../../../shared/src/registryModel';
import type { StalePolicy } from '../../../../shared/src/config';
import type { FlagUsage } from '../../../../shared/src/usage';
import { camelCase } from '../analysis/codeFindings';
import type { Registry } from '../registry/registry';
import { parsePrerequisite } from '../registry/checks';
import { ownValue } from '../rules/jsonLogic';
import { canonicalJson, type FlagHistory } from './servingHistory';
import { uniformServing, type UniformHow } from './uniformServing';

export type { FlagHistory } from './servingHistory';
export { alwaysServes } from './uniformServing';

import type { StaleEvidence, StaleReason, StaleVerdict } from '../../../../shared/src/stale';
export type { StaleEvidence, StaleReason, StaleVerdict } from '../../../../shared/src/stale';
export { STALE_REASONS } from '../../../../shared/src/stale';

export interface StaleDetectionInput {
  registry: Registry;
  /** Every usage the index found (dynamic ones included, with `flag: null`). */
  usages: FlagUsage[];
  policy: StalePolicy;
  /** The environments that decide "fully rolled out"; when none of them exists, all do. */
  protectedEnvironments: string[];
  now: Date;
  /** From git (server/src/node/gitHistory.ts), keyed by flag key. */
  history?: Map<string, FlagHistory>;
  /**
   * False when the code was not indexed: "unused" and "used but gone" need the index and are
   * then not judged. Defaults to true.
   */
  usagesIndexed?: boolean;
  /**
   * Code files the index could not analyse (nested too deep, a bug): their flag reads are
   * unknown, so no flag is called unused and none is ready for removal while there are any.
   */
  unanalysedFiles?: readonly string[];
}

/** Types meant to stay: they never become stale by serving one variant or by age. */
const LONG_LIVED_TYPES: ReadonlySet<string> = new Set(['kill-switch', 'permission']);

const DAY_MS = 86_400_000;

/** What one rule found. `clause` is a verb phrase that follows the flag key in the message. */
interface RuleFinding {
  reason: StaleReason;
  clause: string;
  evidence: StaleEvidence[];
  since?: string;
  ageDays?: number;
}

/** The value every judged environment serves, whether or not long enough to count. */
interface UniformValue {
  variant: string;
  value: VariantValue;
  /** Per judged environment: the definition and how it serves one variant. */
  environments: { definition: FlagDefinition; how: UniformHow }[];
}

/** Everything the rules need, computed once per run. */
interface DetectionContext {
  input: StaleDetectionInput;
  now: number;
  judged: string[];
  judgedWords: string;
  evaluatorsOfFile: Map<string, Record<string, JsonValue>>;
  usagesOfFlag: Map<string, FlagUsage[]>;
  dependents: Map<string, Set<string>>;
  dynamicPatterns: { usage: FlagUsage; pattern: RegExp }[];
  usagesIndexed: boolean;
}

export function detectStaleFlags(input: StaleDetectionInput): StaleVerdict[] {
  const { registry } = input;
  const environments = registry.environments();
  const protectedPresent = environments.filter((environment) =>
    input.protectedEnvironments.includes(environment),
  );
  const judged = protectedPresent.length > 0 ? protectedPresent : environments;
  const { usagesOfFlag, unknown } = groupUsages(registry, input.usages);
  const context: DetectionContext = {
    input,
    now: input.now.getTime(),
    judged,
    judgedWords: protectedPresent.length > 0 ? listWords(judged) : 'every environment',
    evaluatorsOfFile: new Map(registry.servingFiles().map((file) => [file.file, file.evaluators])),
    usagesOfFlag,
    dependents: prerequisiteDependents(registry),
    dynamicPatterns: dynamicKeyPatterns(input.usages),
    usagesIndexed: (input.usagesIndexed ?? true) && (input.unanalysedFiles ?? []).length === 0,
  };

  const verdicts: StaleVerdict[] = [];
  for (const summary of registry.flags().values()) {
    // Archived flags are retired already; their remaining reads are `code/flag-archived`.
    if (summary.lifecycle.archived === true) continue;
    const verdict = judgeRegistryFlag(summary, context);
    if (verdict) verdicts.push(verdict);
  }
  if (context.usagesIndexed) {
    for (const [flag, usages] of unknown) verdicts.push(judgeUnknownFlag(flag, usages, context));
  }
  return verdicts.sort((a, b) => a.flag.localeCompare(b.flag));
}

function judgeRegistryFlag(summary: FlagSummary, context: DetectionContext): StaleVerdict | undefined {
  const history = context.input.history?.get(summary.key);
  const uniform = uniformValue(summary, context);
  const findings = [
    fullyRolledOut(summary, uniform, history, context),
    pastLifetime(summary, history, context),
    expired(summary, context),
    disabledEverywhere(summary, history, context),
    unused(summary, context),
  ].filter((finding): finding is RuleFinding => finding !== undefined);
  if (findings.length === 0) return undefined;

  const reasons = findings.map((finding) => finding.reason);
  const blockers = [...(context.dependents.get(summary.key) ?? [])]
    .sort()
    .map((dependent) => `prerequisite of ${dependent}`);
  const unanalysed = context.input.unanalysedFiles ?? [];
  if (unanalysed.length > 0)
    blockers.push(
      `${unanalysed.length === 1 ? 'a code file' : `${unanalysed.length} code files`} could not be analysed (${unanalysed.slice(0, 3).join(', ')}${unanalysed.length > 3 ? ', ...' : ''}), so reads of it there are unknown`,
    );
  const usages = context.usagesOfFlag.get(summary.key) ?? [];
  let servedValue: VariantValue | undefined;
  let servedVariant: string | undefined;
  if (uniform) {
    servedValue = uniform.value;
    servedVariant = uniform.variant;
  } else if (reasons.includes('disabled-everywhere')) {
    // DISABLED: every caller gets its own code default, so that is the value to keep.
    const agreed = agreedDefault(usages);
    if (agreed.value !== undefined) servedValue = agreed.value;
    else if (agreed.blocker) blockers.push(agreed.blocker);
  } else if (!reasons.includes('unused') || !context.usagesIndexed) {
    // The code reads it, and different users get different values: a person must choose.
    blockers.push(`serves more than one value in ${context.judgedWords}; choose the value to keep`);
  }
  return verdict(summary.key, findings, blockers, servedValue, servedVariant);
}

function verdict(
  flag: string,
  findings: RuleFinding[],
  blockers: string[],
  servedValue: VariantValue | undefined,
  servedVariant: string | undefined,
): StaleVerdict {
  const [lead, ...others] = findings;
  const result: StaleVerdict = {
    flag,
    reasons: findings.map((finding) => finding.reason),
    message: `${flag} ${[lead.clause, ...others.map((finding) => `and ${finding.clause}`)].join(', ')}`,
    evidence: findings.flatMap((finding) => finding.evidence),
    readyForRemoval: blockers.length === 0,
    blockers,
  };
  if (servedValue !== undefined) result.servedValue = servedValue;
  if (servedVariant !== undefined) result.servedVariant = servedVariant;
  if (lead.since !== undefined) result.since = lead.since;
  if (lead.ageDays !== undefined) result.ageDays = lead.ageDays;
  return result;
}

// ---------------------------------------------------------------------------------------------
// The rules

function fullyRolledOut(
  summary: FlagSummary,
  uniform: UniformValue | undefined,
  history: FlagHistory | undefined,
  context: DetectionContext,
): RuleFinding | undefined {
  if (!uniform || isLongLived(summary) || summary.lifecycle.permanent === true) return undefined;
  const createdAt = summary.lifecycle.createdAt;
  const evidence: StaleEvidence[] = [];
  const knownSince: string[] = [];
  for (const { definition, how } of uniform.environments) {
    const { since, source } = conditionStart(
      ownValue(history?.servingChangedAt ?? {}, definition.environment),
      history,
      createdAt,
    );
    const serving = `serves "${uniform.variant}" (${JSON.stringify(uniform.value)}) to everyone (${how === 'no-targeting' ? 'no targeting' : 'every targeting rule gives this variant'})`;
    if (since !== undefined) knownSince.push(since);
    evidence.push({
      env: definition.environment,
      file: definition.file,
      line: definition.keyRange.start.line + 1,
      detail:
        since !== undefined
          ? `${serving} since ${dateText(since)} (${source})`
          : `${serving}; since when is unknown (no metadata.createdAt, no git history), counted as long enough`,
    });
  }
  const since = latestDate(knownSince);
  const ageDays = since !== undefined ? daysSince(since, context) : undefined;
  if (ageDays !== undefined && ageDays < context.input.policy.fullyRolledOutDays) return undefined;
  const clause =
    since !== undefined && ageDays !== undefined
      ? `serves "${uniform.variant}" to everyone in ${context.judgedWords} since ${dateText(since)} (${days(ageDays)})`
      : `serves "${uniform.variant}" to everyone in ${context.judgedWords} (since when is unknown)`;
  return { reason: 'fully-rolled-out', clause, evidence, since, ageDays };
}

function pastLifetime(
  summary: FlagSummary,
  history: FlagHistory | undefined,
  context: DetectionContext,
): RuleFinding | undefined {
  const type = summary.lifecycle.type;
  if (type === undefined || summary.lifecycle.permanent === true) return undefined;
  const lifetime = ownValue(context.input.policy.lifetimeDays, type);
  if (typeof lifetime !== 'number') return undefined;
  const createdAt = summary.lifecycle.createdAt;
  const born = createdAt ?? history?.firstSeen;
  if (born === undefined) return undefined;
  const ageDays = daysSince(born, context);
  if (ageDays === undefined || ageDays <= lifetime) return undefined;
  const definition = definitionWith(summary, 'createdAt');
  const source = createdAt !== undefined ? 'metadata.createdAt' : 'first commit with the key';
  return {
    reason: 'past-lifetime',
    clause: `is ${days(ageDays)} old, past the ${lifetime}-day lifetime of ${article(type)} ${type} flag`,
    evidence: [
      {
        file: definition.file,
        line: (definition.metadataRanges.createdAt ?? definition.keyRange).start.line + 1,
        detail: `created ${dateText(born)} (${source}), ${days(ageDays)} ago; ${article(type)} ${type} flag may live ${lifetime} days`,
      },
    ],
    since: born,
    ageDays,
  };
}

function expired(summary: FlagSummary, context: DetectionContext): RuleFinding | undefined {
  // An explicit expiry date is the owner's own word, so it holds even for permanent flags and
  // long-lived types (the registry checks report it the same way).
  const expiresAt = summary.lifecycle.expiresAt;
  if (expiresAt === undefined) return undefined;
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at) || at >= context.now) return undefined;
  const ageDays = daysSince(expiresAt, context) ?? 0;
  const definition = definitionWith(summary, 'expiresAt');
  return {
    reason: 'expired',
    clause: `expired on ${dateText(expiresAt)} (${days(ageDays)} ago)`,
    evidence: [
      {
        file: definition.file,
        line: (definition.metadataRanges.expiresAt ?? definition.keyRange).start.line + 1,
        detail: `metadata.expiresAt is ${expiresAt}`,
      },
    ],
    since: expiresAt,
    ageDays,
  };
}

function disabledEverywhere(
  summary: FlagSummary,
  history: FlagHistory | undefined,
  context: DetectionContext,
): RuleFinding | undefined {
  if (summary.lifecycle.permanent === true || summary.definitions.length === 0) return undefined;
  if (!summary.definitions.every((definition) => definition.state === 'DISABLED')) return undefined;
  const createdAt = summary.lifecycle.createdAt;
  const knownSince: string[] = [];
  const evidence = summary.definitions.map((definition): StaleEvidence => {
    const { since, source } = conditionStart(
      ownValue(history?.disabledSince ?? {}, definition.environment),
      history,
      createdAt,
    );
    if (since !== undefined) knownSince.push(since);
    return {
      env: definition.environment,
      file: definition.file,
      line: definition.keyRange.start.line + 1,
      detail:
        since !== undefined
          ? `DISABLED since ${dateText(since)} (${source}); callers get their code default`
          : 'DISABLED; since when is unknown (no metadata.createdAt, no git history), counted as long enough',
    };
  });
  const since = latestDate(knownSince);
  const ageDays = since !== undefined ? daysSince(since, context) : undefined;
  if (ageDays !== undefined && ageDays < context.input.policy.disabledDays) return undefined;
  const clause =
    since !== undefined && ageDays !== undefined
      ? `is disabled in every environment since ${dateText(since)} (${days(ageDays)})`
      : 'is disabled in every environment (since when is unknown)';
  return { reason: 'disabled-everywhere', clause, evidence, since, ageDays };
}

function unused(summary: FlagSummary, context: DetectionContext): RuleFinding | undefined {
  if (!context.usagesIndexed || context.usagesOfFlag.has(summary.key)) return undefined;
  // A key a dynamic usage may build (`payment-method-${method}`) may well be read.
  if (context.dynamicPatterns.some(({ pattern }) => pattern.test(summary.key))) return undefined;
  return {
    reason: 'unused',
    clause: 'is defined in the registry but not used in the code',
    evidence: summary.definitions.map((definition) => ({
      env: definition.environment,
      file: definition.file,
      line: definition.keyRange.start.line + 1,
      detail: `defined here; none of the ${context.input.usages.length} indexed usages reads it`,
    })),
  };
}

/** A key the code reads that no registry file defines: flagd answers FLAG_NOT_FOUND, callers get their default. */
function judgeUnknownFlag(flag: string, usages: FlagUsage[], context: DetectionContext): StaleVerdict {
  const removedAt = context.input.history?.get(flag)?.removedAt;
  const places = usages.length === 1 ? '1 place' : `${usages.length} places`;
  const ageDays = removedAt !== undefined ? daysSince(removedAt, context) : undefined;
  const finding: RuleFinding = {
    reason: 'used-but-gone',
    clause:
      removedAt !== undefined
        ? `is used in code (${places}) but was removed from the registry on ${dateText(removedAt)}`
        : `is used in code (${places}) but is not defined in any registry file`,
    evidence: usages.map((usage) => ({
      file: usage.file,
      line: usage.range.start.line + 1,
      detail: `${usage.api}(${usage.keyText})${usage.defaultValue !== undefined ? ` with default ${usage.defaultValue}` : ''}`,
    })),
    since: removedAt,
    ageDays,
  };
  // Only git can tell a removed flag from one that is about to be added: without that, removing
  // the code could delete a feature in progress.
  const blockers: string[] = [];
  if (removedAt === undefined)
    blockers.push('never in the registry as far as git history tells: it may be a new flag not defined yet');
  const agreed = agreedDefault(usages);
  if (agreed.blocker) blockers.push(agreed.blocker);
  return verdict(flag, [finding], blockers, agreed.value, undefined);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The variant every judged environment serves to everyone, if they all serve the same value. */
function uniformValue(summary: FlagSummary, context: DetectionContext): UniformValue | undefined {
  const environments: UniformValue['environments'] = [];
  let variant: string | undefined;
  let value: VariantValue | undefined;
  for (const environment of context.judged) {
    const definition = summary.definitions.find((candidate) => candidate.environment === environment);
    if (!definition) return undefined;
    const uniform = uniformServing(definition, context.evaluatorsOfFile.get(definition.file) ?? {});
    if (!uniform) return undefined;
    const served = definition.variants[uniform.variant];
    if (value !== undefined && canonicalJson(value) !== canonicalJson(served)) return undefined;
    variant ??= uniform.variant;
    value ??= served;
    environments.push({ definition, how: uniform.how });
  }
  return variant !== undefined && value !== undefined ? { variant, value, environments } : undefined;
}

function isLongLived(summary: FlagSummary): boolean {
  return summary.lifecycle.type !== undefined && LONG_LIVED_TYPES.has(summary.lifecycle.type);
}

/** Usages per registry key (LaunchDarkly camelCased keys matched too), and the keys no registry file has. */
function groupUsages(
  registry: Registry,
  usages: FlagUsage[],
): { usagesOfFlag: Map<string, FlagUsage[]>; unknown: Map<string, FlagUsage[]> } {
  const byCamelCase = new Map<string, string[]>();
  for (const key of registry.flags().keys()) append(byCamelCase, camelCase(key), key);
  const usagesOfFlag = new Map<string, FlagUsage[]>();
  const unknown = new Map<string, FlagUsage[]>();
  for (const usage of usages) {
    if (usage.flag === null) continue;
    if (registry.flag(usage.flag)) {
      append(usagesOfFlag, usage.flag, usage);
      continue;
    }
    // The camelCase mapping is lossy: a camelCased name counts as a use of every key it may stand for.
    const keys = usage.camelCaseKey ? (byCamelCase.get(usage.flag) ?? []) : [];
    if (keys.length > 0) for (const key of keys) append(usagesOfFlag, key, usage);
    else append(unknown, usage.flag, usage);
  }
  return { usagesOfFlag, unknown };
}

/** Appends in place: copying the list on every usage was quadratic (15 s for 60,000 usages of one flag). */
function append<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Prerequisite key -> the flags whose `metadata.requires` names it, in any environment. */
function prerequisiteDependents(registry: Registry): Map<string, Set<string>> {
  const dependents = new Map<string, Set<string>>();
  for (const summary of registry.flags().values()) {
    for (const definition of summary.definitions) {
      for (const text of definition.lifecycle.requires ?? []) {
        const prerequisite = parsePrerequisite(text);
        if (!prerequisite || prerequisite.flag === summary.key) continue;
        const set = dependents.get(prerequisite.flag) ?? new Set<string>();
        set.add(summary.key);
        dependents.set(prerequisite.flag, set);
      }
    }
  }
  return dependents;
}

/**
 * Patterns of the keys dynamic usages may build: a template literal's static parts
 * (`` `payment-method-${method}` `` -> /^payment-method-.*$/), or a string literal that starts a
 * concatenation. A dynamic key with no static text says nothing and is ignored.
 */
function dynamicKeyPatterns(usages: FlagUsage[]): { usage: FlagUsage; pattern: RegExp }[] {
  const patterns: { usage: FlagUsage; pattern: RegExp }[] = [];
  for (const usage of usages) {
    if (usage.flag !== null) continue;
    const text = usage.keyText.trim();
    let parts: string[] | undefined;
    const template = /^`([\s\S]*)`$/.exec(text);
    if (template) parts = template[1].split(/\$\{[^}]*\}/);
    const concatenation = /^(['"])((?:(?!\1)[^\\]|\\.)*)\1\s*\+/.exec(text);
    if (!template && concatenation) parts = [concatenation[2], ''];
    if (!parts || parts.every((part) => part === '') || parts.length < 2) continue;
    const escaped = parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    patterns.push({ usage, pattern: new RegExp(`^${escaped.join('.*')}$`, 's') });
  }
  return patterns;
}

/** The literal default all call sites agree on, or why there is none. */
function agreedDefault(usages: FlagUsage[]): { value?: VariantValue; blocker?: string } {
  if (usages.length === 0) return {};
  const place = (usage: FlagUsage) => `${usage.file}:${usage.range.start.line + 1}`;
  const unknown = usages.filter(
    (usage) => usage.defaultLiteral === undefined || usage.defaultLiteral === null,
  );
  if (unknown.length > 0)
    return { blocker: `no literal default at ${unknown.map(place).join(', ')}; choose the value to keep` };
  const values = new Set(usages.map((usage) => JSON.stringify(usage.defaultLiteral)));
  if (values.size > 1) {
    return {
      blocker: `call sites disagree on the default (${usages.map((usage) => `${JSON.stringify(usage.defaultLiteral)} at ${place(usage)}`).join(', ')})`,
    };
  }
  return { value: usages[0].defaultLiteral as VariantValue };
}

/**
 * Since when a condition (serving one variant, being disabled) holds in one environment, and
 * where that date comes from. A date git saw the condition start is the truth, except when it
 * is just the key's first commit: then the registry file came to git with the flag already in
 * that state (imported, or committed after the fact), git knows nothing earlier, and the
 * owner's `createdAt`, when earlier, is the better start.
 */
function conditionStart(
  gitDate: string | undefined,
  history: FlagHistory | undefined,
  createdAt: string | undefined,
): { since?: string; source: string } {
  if (gitDate === undefined) return { since: createdAt, source: 'metadata.createdAt' };
  const firstSeen = history?.firstSeen;
  const sinceFirstCommit = firstSeen !== undefined && Date.parse(gitDate) <= Date.parse(firstSeen);
  if (!sinceFirstCommit) return { since: gitDate, source: 'git history' };
  if (createdAt !== undefined && Date.parse(createdAt) < Date.parse(gitDate)) {
    return {
      since: createdAt,
      source: `metadata.createdAt; unchanged since the key's first commit on ${dateText(gitDate)}`,
    };
  }
  return { since: gitDate, source: "git history: the key's first commit" };
}

/** The definition that states a metadata fact, for the evidence's line; else the first one. */
function definitionWith(summary: FlagSummary, metadataKey: string): FlagDefinition {
  return (
    summary.definitions.find((definition) => definition.metadataRanges[metadataKey] !== undefined) ??
    summary.definitions[0]
  );
}

function daysSince(iso: string, context: DetectionContext): number | undefined {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : Math.floor((context.now - at) / DAY_MS);
}

function latestDate(dates: string[]): string | undefined {
  const valid = dates.filter((date) => !Number.isNaN(Date.parse(date)));
  if (valid.length === 0) return undefined;
  return valid.reduce((best, date) => (Date.parse(date) > Date.parse(best) ? date : best));
}

/** The calendar date of an ISO string, as written (`2026-05-03T10:00:00Z` -> `2026-05-03`). */
function dateText(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function days(count: number): string {
  return count === 1 ? '1 day' : `${count} days`;
}

function listWords(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
