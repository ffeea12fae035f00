/**
 * One check of a guarded rollout: data health, each guardrail against the baseline, and the
 * decision with its reason in one sentence with the numbers. Order of the rules:
 * 1. the registry must be where the plan says (else hold: someone changed it by hand);
 * 2. incomplete or malformed data (>1% bad records, >1% units with several variants) holds: no
 *    automatic action is ever taken on it;
 * 3. rollback on no traffic to the rolled-out variant for `noTrafficHours` while the baseline has
 *    some (no traffic at all holds: the pipeline may be down), on a sample ratio mismatch in the
 *    current step (sequential test), or on a guardrail
 *    whose always-valid interval lies entirely beyond its margin on the worse side;
 * 4. hold until the step's duration and units are met and every guardrail is conclusive;
 * 5. continue to the next step (or say the rollout is complete).
 */
import type {
  GuardDecision,
  GuardReport,
  GuardrailResult,
  RolloutHealth,
  RolloutPlan,
} from '../../../../shared/src/rollout';
import { DATA_PROBLEM_SHARE, SRM_THRESHOLD } from '../experiments/report';
import { count, percent, pValue } from '../experiments/wording';
import type { RolloutData } from './guardEvents';
import { compareGuardrail, guardrailArm } from './guardrailComparison';
import type { CurrentShare } from './rolloutChecks';
import type { TimelineSegment } from './rolloutTimeline';
import { sequentialSrmPValue } from './sequentialSrm';

const HOUR_MS = 3_600_000;

export interface GuardInput {
  plan: RolloutPlan;
  data: RolloutData;
  share: CurrentShare;
  segments: TimelineSegment[];
}

/** Checks repeat the same instants (step starts) every hour: formatting them is most of a check's cost. */
const isoCache = new Map<number, string>();
function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size > 4096) isoCache.clear();
    isoCache.set(ms, (text = new Date(ms).toISOString()));
  }
  return text;
}

function hours(ms: number): string {
  const h = ms / HOUR_MS;
  return h >= 48 ? `${(h / 24).toFixed(1)} days` : `${h.toFixed(h < 10 ? 1 : 0)} h`;
}

/** A difference in the guardrail's unit: points for rates, the value's unit otherwise. */
export function amount(result: Pick<GuardrailResult, 'kind'>, value: number, signed = true): string {
  if (result.kind === 'binomial') {
    const text = (value * 100).toFixed(2);
    return `${signed && value > 0 ? '+' : ''}${text === '-0.00' ? '0.00' : text} pts`;
  }
  const magnitude = Math.abs(value);
  const text = magnitude >= 100 ? value.toFixed(1) : magnitude >= 1 ? value.toFixed(2) : value.toPrecision(3);
  return `${signed && value > 0 ? '+' : ''}${text}`;
}

/** The name, with the quantile when the name does not say it. */
export function guardrailLabel(result: Pick<GuardrailResult, 'kind' | 'name'>): string {
  const quantile = result.kind === 'p95' || result.kind === 'p99';
  return quantile && !result.name.includes(result.kind) ? `${result.name} (${result.kind})` : result.name;
}

/** "+0.29 to +3.99 pts": the unit once. */
export function intervalText(result: Pick<GuardrailResult, 'kind'>, interval: [number, number]): string {
  return `${amount(result, interval[0]).replace(/ pts$/, '')} to ${amount(result, interval[1])}`;
}

export function level(result: Pick<GuardrailResult, 'kind'>, value: number): string {
  return result.kind === 'binomial' ? percent(value, 2) : amount(result, value, false);
}

/** "checkout errors +1.02 pts vs off (on 3.05%, off 2.03%), 99% interval +0.41 to +1.63 pts" */
export function guardrailSentence(result: GuardrailResult, plan: RolloutPlan): string {
  const label =
    result.kind === 'p95' || result.kind === 'p99' ? `${result.name} (${result.kind})` : result.name;
  if (result.difference === undefined || !result.interval)
    return `${label}: not enough data yet (${count(result.variant.n)} ${plan.variant} / ${count(result.baseline.n)} ${plan.baseline} ${result.kind === 'p95' || result.kind === 'p99' ? 'events' : 'units'})`;
  const confidence = percent(1 - plan.alpha, 0);
  const margin = result.margin > 0 ? `, margin ${amount(result, result.margin, false)}` : '';
  const interval = `${confidence} interval ${intervalText(result, result.interval)}`;
  return `${label} ${amount(result, result.difference)} vs ${plan.baseline} (${plan.variant} ${level(result, result.variant.value)}, ${plan.baseline} ${level(result, result.baseline.value)}), ${interval}${margin}`;
}

export function buildGuardReport(input: GuardInput): GuardReport {
  const { plan, data, share, segments } = input;
  const asOf = Date.parse(data.asOf);
  const current = segments[segments.length - 1];
  const names = [plan.baseline, plan.variant];
  const analysed = data.units[plan.baseline] + data.units[plan.variant];
  const exposed = analysed + data.multipleExposures + data.otherVariantUnits + data.rampedUnits;
  const multipleExposureShare = exposed > 0 ? data.multipleExposures / exposed : 0;
  const badRecordShare = data.records > 0 ? data.badRecords / data.records : 0;

  // SRM in the current step only: units first exposed during it were all split by its weights.
  let expectedShares: Record<string, number> = {};
  let srmPValue: number | null = null;
  const stepUnits = data.segmentUnits[segments.length - 1] ?? {};
  if (share.kind === 'percent' && current.percent > 0 && current.percent < 100) {
    const base = share.shares[plan.baseline] ?? 0;
    const variant = share.shares[plan.variant] ?? 0;
    if (base + variant > 0) {
      expectedShares = {
        [plan.baseline]: base / (base + variant),
        [plan.variant]: variant / (base + variant),
      };
      srmPValue = sequentialSrmPValue(stepUnits, expectedShares);
    }
  }
  const srmOk = srmPValue === null || srmPValue >= SRM_THRESHOLD;

  const problems: string[] = [];
  if (badRecordShare > DATA_PROBLEM_SHARE) {
    const first = data.badRecordSamples[0];
    problems.push(
      `${percent(badRecordShare)} of event records (${count(data.badRecords)} of ${count(data.records)}) could not be read${first ? `, e.g. ${first.file}:${first.line}: ${first.message}` : ''}`,
    );
  }
  if (multipleExposureShare > DATA_PROBLEM_SHARE)
    problems.push(
      `${percent(multipleExposureShare)} of exposed units (${count(data.multipleExposures)}) saw both variants: the assignment is not sticky`,
    );
  if (!srmOk)
    problems.push(
      `sample ratio mismatch in the ${current.percent}% step: ${names.map((name) => `${name} ${count(stepUnits[name] ?? 0)}`).join(' / ')} units where the rollout configures ${names.map((name) => percent(expectedShares[name], 1)).join(' / ')} (sequential p=${pValue(srmPValue!)})`,
    );

  const health: RolloutHealth = {
    units: data.units,
    exposures: data.exposures,
    multipleExposures: data.multipleExposures,
    multipleExposureShare,
    rampedUnits: data.rampedUnits,
    records: data.records,
    badRecords: data.badRecords,
    badRecordShare,
    badRecordSamples: data.badRecordSamples,
    expectedShares,
    srmPValue,
    srmOk,
    lastVariantExposure:
      data.lastExposure[plan.variant] === null ? null : iso(data.lastExposure[plan.variant]!),
    hourlyUnits: data.hourlyUnits.map(({ hour, units }) => ({ hour: iso(hour), units })),
    dailyUnits: dailyOf(data.hourlyUnits, names),
    steps: segments.map((segment, index) => ({
      index: segment.step ?? -1,
      percent: segment.percent,
      start: iso(segment.start),
      end: iso(segment.end),
      units: data.segmentUnits[index] ?? {},
    })),
    problems,
  };

  const settings = { alpha: plan.alpha, tuning: plan.sequentialTuning };
  const guardrails = plan.guardrails.map((guardrail, index) => {
    const arms = data.guardrails[index];
    return compareGuardrail(
      guardrail,
      guardrailArm(guardrail, arms.baseline),
      guardrailArm(guardrail, arms.variant),
      settings,
    );
  });

  const report: GuardReport = {
    rollout: plan.key,
    file: plan.file,
    flag: plan.flag,
    environment: plan.environment,
    variant: plan.variant,
    baseline: plan.baseline,
    asOf: data.asOf,
    source: data.source,
    currentPercent: share.kind === 'percent' ? share.percent : share.kind === 'disabled' ? 0 : null,
    currentStep: current.step,
    stepStart: iso(current.start),
    alpha: plan.alpha,
    health,
    guardrails,
    decision: { verdict: 'hold', reason: '' },
  };
  report.decision = decide(plan, report, share, current, data, asOf, badRecordShare, multipleExposureShare);
  return report;
}

function dailyOf(hourly: RolloutData['hourlyUnits'], names: string[]): RolloutHealth['dailyUnits'] {
  const days = new Map<string, Record<string, number>>();
  for (const { hour, units } of hourly) {
    const day = iso(hour).slice(0, 10);
    const total = days.get(day) ?? Object.fromEntries(names.map((name) => [name, 0]));
    for (const name of names) total[name] += units[name] ?? 0;
    days.set(day, total);
  }
  return [...days.entries()].map(([day, units]) => ({ day, units }));
}

function decide(
  plan: RolloutPlan,
  report: GuardReport,
  share: CurrentShare,
  current: TimelineSegment,
  data: RolloutData,
  asOf: number,
  badRecordShare: number,
  multipleExposureShare: number,
): GuardDecision {
  const hold = (reason: string): GuardDecision => ({ verdict: 'hold', reason });
  const rollback = (reason: string): GuardDecision => ({
    verdict: 'rollback',
    reason: `${reason}: roll back (${plan.rollback === 'kill' ? `disable ${plan.flag}` : `${plan.variant} to 0%`}).`,
    action: { kind: plan.rollback },
  });

  // 1. The registry must be where the plan's record says it is.
  if (current.action === 'rollback')
    return hold(
      `Rolled back on ${iso(current.start)} (${[...plan.history].reverse().find((entry) => entry.action === 'rollback')?.reason ?? 'recorded in the plan'}); nothing to do until the plan is restarted.`,
    );
  if (share.kind === 'no-rollout')
    return hold(`No automatic action: ${plan.flag} in ${plan.environment} ${share.why}.`);
  if (share.kind === 'disabled')
    return hold(`No automatic action: ${plan.flag} is disabled in ${plan.environment}.`);
  if (share.percent !== current.percent)
    return hold(
      `No automatic action: the registry serves ${plan.variant} to ${share.percent}% but the plan's last step is ${current.percent}%; the rollout was changed outside the plan (record the step in "history" or restore the rollout).`,
    );

  if (asOf < Date.parse(plan.start))
    return hold(`The rollout starts on ${plan.start}; nothing to check yet.`);
  if (current.step === null)
    return hold(
      `No automatic action: ${plan.variant} is at ${current.percent}%, which is not a step of the plan (${plan.steps.map((step) => `${step.percent}%`).join(', ')}).`,
    );

  // 2. Never act on incomplete or malformed data.
  if (badRecordShare > DATA_PROBLEM_SHARE || multipleExposureShare > DATA_PROBLEM_SHARE)
    return hold(
      `No automatic action on unhealthy data: ${report.health.problems.filter((problem) => !problem.startsWith('sample ratio')).join('; ')}.`,
    );

  // 3. Rollback triggers.
  const quietSince = (name: string) => Math.max(data.lastExposure[name] ?? -Infinity, Date.parse(plan.start));
  const variantQuiet = asOf - quietSince(plan.variant);
  const baselineQuiet = asOf - quietSince(plan.baseline);
  const timeout = plan.noTrafficHours * HOUR_MS;
  if (variantQuiet >= timeout) {
    if (baselineQuiet >= timeout)
      return hold(
        `No events of ${plan.flag} from either variant for ${hours(Math.min(variantQuiet, baselineQuiet))}: the event pipeline may be down; no automatic action.`,
      );
    return rollback(
      `No traffic: ${plan.variant} has had no exposure for ${hours(variantQuiet)} (limit ${plan.noTrafficHours} h) while ${plan.baseline} had one ${hours(baselineQuiet)} ago`,
    );
  }
  if (!report.health.srmOk)
    return rollback(
      `The assignment is broken: ${report.health.problems.find((problem) => problem.startsWith('sample ratio'))}`,
    );
  const worse = report.guardrails.filter((result) => result.status === 'worse');
  if (worse.length > 0)
    return rollback(
      `${plan.variant} is worse: ${worse.map((result) => guardrailSentence(result, plan)).join('; ')}`,
    );

  // 4. Hold until the step is complete and every guardrail conclusive.
  const step = current.step === null ? undefined : plan.steps[current.step];
  const pending: string[] = [];
  const elapsed = asOf - current.start;
  const stepUnits = data.segmentUnits[data.segmentUnits.length - 1]?.[plan.variant] ?? 0;
  if (step && elapsed < step.minDurationHours * HOUR_MS)
    pending.push(`the ${step.percent}% step has run ${hours(elapsed)} of ${step.minDurationHours} h`);
  if (step && stepUnits < step.minUnits)
    pending.push(`${count(stepUnits)} of ${count(step.minUnits)} ${plan.variant} units in this step`);
  const open = report.guardrails.filter(
    (result) => result.status === 'no-data' || result.status === 'inconclusive',
  );
  for (const result of open)
    pending.push(
      result.status === 'no-data'
        ? guardrailSentence(result, plan)
        : `${guardrailSentence(result, plan)}: not yet within the margin`,
    );
  if (pending.length > 0) return hold(`Hold: ${pending.join('; ')}.`);

  const evidence = report.guardrails.map((result) => guardrailSentence(result, plan)).join('; ');
  const next = current.step === null ? undefined : plan.steps[current.step + 1];
  if (!next)
    return {
      verdict: 'continue',
      reason: `Healthy at ${current.percent}%, the last step: the rollout is complete (${evidence}).`,
    };
  return {
    verdict: 'continue',
    reason: `Healthy at ${current.percent}% for ${hours(elapsed)} with ${count(stepUnits)} ${plan.variant} units (${evidence}): continue to ${next.percent}%.`,
    action: { kind: 'advance', percent: next.percent },
  };
}
