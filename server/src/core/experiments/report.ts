/**
 * From an experiment's data to its report: data health (SRM, multiple exposures, bad records),
 * the statistics of every metric, the status and the decision in one plain sentence.
 */
import type {
  ExperimentData,
  ExperimentDecision,
  ExperimentDefinition,
  ExperimentHealthReport,
  ExperimentReport,
  ExperimentStatus,
  MetricReport,
  VariantResult,
} from '../../../../shared/src/experiment';
import type { Finding } from '../../../../shared/src/registryModel';
import type { RolloutShares } from './definitionChecks';
import { analyzeMetrics } from './statistics/analyzeMetrics';
import { unitsPerVariantNeeded } from './statistics/power';
import { sampleRatioMismatch } from './statistics/srm';
import { count, percent, points, pValue, signedPercent } from './wording';

/** SRM p below this marks the data unhealthy (DESIGN.md section 9). */
export const SRM_THRESHOLD = 0.001;
/** More than this share of units exposed to several variants, or of bad records, is unhealthy. */
export const DATA_PROBLEM_SHARE = 0.01;
/** The effect "how many more units" aims at when the plan names none. */
export const DEFAULT_MDE = 0.05;
const DAY_MS = 86_400_000;

export interface ReportInput {
  definition: ExperimentDefinition;
  /** The definition file's findings (from `FlagWorkspace.experimentFindings`). */
  findings?: Finding[];
  data: ExperimentData;
  /** The flag's configured rollout in the experiment's environment. */
  shares: RolloutShares;
}

function healthOf(
  definition: ExperimentDefinition,
  data: ExperimentData,
  shares: RolloutShares,
): ExperimentHealthReport {
  const { health } = data;
  const problems: string[] = [];
  const units = health.units;
  const analysed = Object.values(units).reduce((sum, n) => sum + n, 0);
  const exposed = analysed + health.multipleExposures + health.unknownVariantUnits;
  let srmPValue: number | null = null;
  let expectedShares: Record<string, number> = {};
  // After the experiment, the rollout serves the winner: the expectation is what ran.
  if (definition.decision?.shares) shares = { kind: 'shares', shares: definition.decision.shares };
  if (shares.kind === 'shares') {
    const listed = definition.variants.map((variant): [string, number] => [
      variant,
      shares.shares[variant] ?? 0,
    ]);
    const total = listed.reduce((sum, [, share]) => sum + share, 0);
    expectedShares = Object.fromEntries(
      listed.map(([variant, share]) => [variant, total > 0 ? share / total : 0]),
    );
    if (analysed > 0) {
      srmPValue = sampleRatioMismatch(units, expectedShares).pValue;
      if (srmPValue < SRM_THRESHOLD) {
        const observed = definition.variants
          .map((variant) => `${variant} ${count(units[variant])}`)
          .join(' / ');
        const expected = definition.variants
          .map((variant) => percent(expectedShares[variant], 0))
          .join(' / ');
        problems.push(
          `Sample ratio mismatch: ${observed} units where the rollout configures ${expected} (p=${pValue(srmPValue)}); the assignment or the logging is broken, so no result can be trusted.`,
        );
      }
    }
  } else {
    problems.push(
      `The sample ratio cannot be checked: the flag has no readable "fractional" rollout in ${definition.environment}.`,
    );
  }
  const multipleExposureShare = exposed > 0 ? health.multipleExposures / exposed : 0;
  if (multipleExposureShare > DATA_PROBLEM_SHARE)
    problems.push(
      `${percent(multipleExposureShare)} of exposed units (${count(health.multipleExposures)}) saw more than one variant; they are left out, and over 1% means the assignment is not sticky.`,
    );
  const badRecordShare = health.records > 0 ? health.badRecords / health.records : 0;
  if (badRecordShare > DATA_PROBLEM_SHARE) {
    const first = health.badRecordSamples[0];
    problems.push(
      `${percent(badRecordShare)} of event records (${count(health.badRecords)} of ${count(health.records)}) could not be read${first ? `, e.g. ${first.file}:${first.line}: ${first.message}` : ''}; the figures may be skewed.`,
    );
  }
  return {
    srmPValue,
    srmOk: srmPValue === null || srmPValue >= SRM_THRESHOLD,
    expectedShares,
    multipleExposures: health.multipleExposures,
    multipleExposureShare,
    units,
    badRecords: health.badRecords,
    records: health.records,
    badRecordShare,
    badRecordSamples: health.badRecordSamples,
    unknownVariantUnits: health.unknownVariantUnits,
    problems,
  };
}

/** Problems that make every figure untrustworthy (the others are said, but do not block). */
function isUnhealthy(health: ExperimentHealthReport): boolean {
  return (
    !health.srmOk ||
    health.multipleExposureShare > DATA_PROBLEM_SHARE ||
    health.badRecordShare > DATA_PROBLEM_SHARE
  );
}

function evidence(result: VariantResult, definition: ExperimentDefinition, report: MetricReport): string {
  const confidence = percent(1 - definition.analysis.alpha, 0);
  if (definition.analysis.engine === 'bayesian' && report.role !== 'guardrail')
    return `${percent(result.chanceToBeatControl)} chance to beat ${definition.control}, risk ${signedPercent(result.risk, 2).replace('+', '')}`;
  const interval = `${confidence} ${definition.analysis.sequential ? 'confidence sequence' : 'CI'} ${signedPercent(result.ci[0])} to ${signedPercent(result.ci[1])}`;
  const adjusted =
    result.adjustedPValue !== undefined && definition.analysis.correction !== 'none'
      ? `p=${pValue(result.adjustedPValue)} after ${definition.analysis.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg'}`
      : `p=${pValue(result.pValue)}`;
  return `${interval}, ${adjusted}`;
}

/** `errors +1.9 pts (+25.0%)` for rates, `latency +4.1%` otherwise. */
function change(report: MetricReport, variant: string, control: string, result: VariantResult): string {
  if (report.kind === 'binomial') {
    const difference = report.variants[variant].mean - report.variants[control].mean;
    return `${report.name} ${points(difference)} (${signedPercent(result.lift)})`;
  }
  return `${report.name} ${signedPercent(result.lift)}`;
}

function decide(
  definition: ExperimentDefinition,
  data: ExperimentData,
  health: ExperimentHealthReport,
  metrics: MetricReport[],
  ended: boolean,
): ExperimentDecision {
  const { control, analysis } = definition;
  const treatments = definition.variants.filter((variant) => variant !== control);
  if (isUnhealthy(health))
    return {
      verdict: ended ? 'no-winner' : 'keep-running',
      reason: `No decision while the data is unhealthy: ${health.problems[0]}`,
    };

  const guardrails = metrics.filter((metric) => metric.role === 'guardrail');
  for (const guardrail of guardrails)
    for (const result of guardrail.results)
      if (result.direction === 'worse')
        return {
          verdict: 'rollback',
          variant: result.variant,
          reason: `${result.variant} worsens the guardrail ${change(guardrail, result.variant, control, result)} against ${control} (${evidence(result, definition, guardrail)}): roll back.`,
        };

  const primaries = metrics.filter((metric) => metric.role === 'primary');
  const primary = primaries[0];
  const resultOf = (metric: MetricReport, variant: string) =>
    metric.results.find((result) => result.variant === variant);
  const allWorse = treatments.every((variant) =>
    primaries.every((metric) => resultOf(metric, variant)?.direction === 'worse'),
  );
  if (treatments.length > 0 && allWorse) {
    const result = resultOf(primary, treatments[0])!;
    return {
      verdict: 'rollback',
      variant: treatments.length === 1 ? treatments[0] : undefined,
      reason: `${treatments.length === 1 ? treatments[0] : 'Every treatment'} is worse than ${control} on ${primary.name} (${treatments.length === 1 ? `${signedPercent(result.lift)}, ${evidence(result, definition, primary)}` : treatments.map((variant) => `${variant} ${signedPercent(resultOf(primary, variant)!.lift)}`).join(', ')}): roll back.`,
    };
  }

  const minimum = analysis.minUnitsPerVariant;
  const fewest = definition.variants.reduce(
    (low, variant) => (health.units[variant] < health.units[low] ? variant : low),
    definition.variants[0],
  );
  const enoughUnits = health.units[fewest] >= minimum;
  const winners = treatments
    .filter((variant) => primaries.every((metric) => resultOf(metric, variant)?.direction === 'better'))
    .sort((a, b) => resultOf(primary, b)!.lift - resultOf(primary, a)!.lift);
  if (winners.length > 0 && enoughUnits) {
    const winner = winners[0];
    const result = resultOf(primary, winner)!;
    return {
      verdict: 'ship',
      variant: winner,
      reason: `${winner} ${primary.goal === 'increase' ? 'raises' : 'lowers'} ${primary.name} by ${percent(Math.abs(result.lift))} against ${control} (${evidence(result, definition, primary)}).`,
    };
  }
  if (ended) {
    const best = treatments.map((variant) => resultOf(primary, variant)!).sort((a, b) => b.lift - a.lift)[0];
    return {
      verdict: 'no-winner',
      reason: `Ended without a winner: ${best ? `${best.variant} ${signedPercent(best.lift)} on ${primary.name} (${evidence(best, definition, primary)})` : `no treatment`} is not a significant ${primary.goal === 'increase' ? 'improvement' : 'reduction'}.`,
    };
  }

  // Keep running: say how far the plan is and what more data would buy.
  const controlSummary = primary.variants[control];
  const mde = analysis.minimumDetectableEffect ?? DEFAULT_MDE;
  const needed = unitsPerVariantNeeded({
    kind: primary.kind,
    mean: controlSummary.mean,
    variance: controlSummary.stdDev * controlSummary.stdDev,
    mde,
    alpha: analysis.alpha,
    power: analysis.power,
  });
  const target = Math.max(minimum, needed ?? 0, analysis.plannedUnitsPerVariant ?? 0);
  const have = health.units[fewest];
  const moreUnitsNeeded = Math.max(0, target - have);
  const elapsedDays = Math.max(0, (Date.parse(data.asOf) - Date.parse(definition.start)) / DAY_MS);
  const perDay = elapsedDays > 0 ? have / elapsedDays : 0;
  const moreDaysNeeded = perDay > 0 ? Math.ceil(moreUnitsNeeded / perDay) : undefined;
  const time =
    moreDaysNeeded === undefined
      ? ''
      : ` (about ${moreDaysNeeded} more day${moreDaysNeeded === 1 ? '' : 's'} at the current traffic)`;
  let reason: string;
  if (have === 0)
    reason = `No units yet: ${fewest} has no exposure in the window; check that exposures are logged.`;
  else if (!enoughUnits)
    reason = `Not enough units yet: ${fewest} has ${count(have)} of the ${count(minimum)} per variant the plan needs${moreUnitsNeeded > 0 ? `; about ${count(moreUnitsNeeded)} more per variant to detect a ${percent(mde, 0)} effect${time}` : ''}.`;
  else {
    const best = treatments.map((variant) => resultOf(primary, variant)!).sort((a, b) => b.lift - a.lift)[0];
    reason = `No significant difference on ${primary.name} yet (${best.variant} ${signedPercent(best.lift)}, ${evidence(best, definition, primary)})${moreUnitsNeeded > 0 ? `; about ${count(moreUnitsNeeded)} more units per variant to detect a ${percent(mde, 0)} effect${time}` : ''}.`;
  }
  return {
    verdict: 'keep-running',
    reason,
    moreUnitsNeeded,
    ...(moreDaysNeeded !== undefined && { moreDaysNeeded }),
  };
}

export function buildExperimentReport(input: ReportInput): ExperimentReport {
  const { definition, data, shares } = input;
  const health = healthOf(definition, data, shares);
  const metrics = analyzeMetrics({
    control: definition.control,
    treatments: definition.variants.filter((variant) => variant !== definition.control),
    plan: definition.analysis,
    metrics: data.metrics,
  });
  const ended = definition.end !== null && Date.parse(data.asOf) >= Date.parse(definition.end);
  const recorded = definition.decision;
  const decision: ExperimentDecision = recorded
    ? {
        verdict: recorded.verdict,
        ...(recorded.variant !== undefined && { variant: recorded.variant }),
        reason: `Concluded ${recorded.at.slice(0, 10)}: ${recorded.reason}`,
      }
    : decide(definition, data, health, metrics, ended);
  const status: ExperimentStatus = isUnhealthy(health)
    ? 'unhealthy'
    : ended || definition.decision !== undefined
      ? 'concluded'
      : decision.verdict === 'ship'
        ? 'ready'
        : 'running';
  const planned = definition.analysis.plannedUnitsPerVariant;
  return {
    experiment: definition.key,
    file: definition.file,
    flag: definition.flag,
    environment: definition.environment,
    ...(definition.hypothesis !== undefined && { hypothesis: definition.hypothesis }),
    ...(definition.owner !== undefined && { owner: definition.owner }),
    start: definition.start,
    end: definition.end,
    asOf: data.asOf,
    source: data.source,
    status,
    control: definition.control,
    variants: definition.variants,
    analysis: definition.analysis,
    health,
    metrics,
    decision,
    ...(planned !== undefined && {
      progress: Math.min(...definition.variants.map((variant) => health.units[variant] / planned)),
    }),
    dailyUnits: data.health.dailyUnits,
    definitionFindings: (input.findings ?? [])
      .filter((finding) => finding.file === definition.file)
      .map((finding) => ({
        line: finding.range.start.line + 1,
        column: finding.range.start.character + 1,
        severity: finding.severity,
        code: finding.code,
        message: finding.message,
      })),
  };
}
