/**
 * Experiments next to the code that runs them: the lens above each read of an experiment's flag
 * and the hover's table, both from the latest background analysis (never computed here).
 */
import type { ExperimentDefinition, ExperimentReport, MetricReport } from '../../../../shared/src/experiment';
import type { CachedAnalysis } from '../experiments/reportCache';
import { percent, points, pValue, signedPercent } from '../experiments/wording';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import type { ExperimentListItem } from '../../../../shared/src/protocol';
import { uriOf } from './navigation';

/** The client command that opens an experiment's report (VS Code; other clients show the title). */
export const OPEN_EXPERIMENT_REPORT = 'flaglens.openExperimentReport';

export function experimentsOfFlag(workspace: FlagWorkspace, flag: string): ExperimentDefinition[] {
  return workspace.experiments.definitions().filter((definition) => definition.flag === flag);
}

function bestTreatment(primary: MetricReport) {
  return [...primary.results].sort((a, b) =>
    primary.goal === 'increase' ? b.lift - a.lift : a.lift - b.lift,
  )[0];
}

function healthProblem(report: ExperimentReport): string {
  if (!report.health.srmOk) return 'sample ratio mismatch';
  if (report.health.multipleExposureShare > 0.01) return 'units saw several variants';
  if (report.health.badRecordShare > 0.01) return 'unreadable events';
  return 'data problem';
}

/** `experiment cta: treatment +13.9% purchase, 99% chance to win, ship treatment (ready)`. */
export function experimentLensTitle(
  definition: ExperimentDefinition,
  analysis: CachedAnalysis | undefined,
): string {
  const name = `experiment ${definition.key}`;
  if (!analysis) return `${name}: analysing`;
  if (analysis.kind === 'error') return `${name}: no results (${analysis.message})`;
  const { report } = analysis;
  if (report.status === 'unhealthy') return `${name}: unhealthy: ${healthProblem(report)}`;
  if (report.decision.verdict === 'rollback') {
    for (const metric of report.metrics)
      for (const result of metric.results)
        if (metric.role === 'guardrail' && result.direction === 'worse') {
          const change =
            metric.kind === 'binomial'
              ? points(metric.variants[result.variant].mean - metric.variants[report.control].mean)
              : signedPercent(result.lift);
          return `${name}: rollback ${result.variant}: ${metric.name} ${change}`;
        }
    return `${name}: rollback: ${report.decision.reason}`;
  }
  const primary = report.metrics.find((metric) => metric.role === 'primary');
  const best = primary && bestTreatment(primary);
  const figures = best
    ? `${best.variant} ${signedPercent(best.lift)} ${primary.name}, ${percent(best.chanceToBeatControl, 0)} chance to win`
    : 'no figures';
  const verdict =
    report.decision.verdict === 'ship'
      ? `ship ${report.decision.variant ?? ''} (${report.status})`
      : report.decision.verdict === 'keep-running'
        ? `keep running${report.progress !== undefined ? ` (${percent(report.progress, 0)} of planned units)` : ''}`
        : report.decision.verdict === 'no-winner'
          ? 'no winner'
          : report.decision.verdict;
  return `${name}: ${figures}, ${verdict}`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The hover's experiment section: status, decision, one row per metric and treatment. */
export function experimentMarkdown(
  definition: ExperimentDefinition,
  analysis: CachedAnalysis | undefined,
): string {
  const heading = `**Experiment ${definition.key}**`;
  const link = `[Open report](command:${OPEN_EXPERIMENT_REPORT}?${encodeURIComponent(JSON.stringify([{ experiment: definition.key }]))})`;
  if (!analysis) return `${heading} · analysing the events`;
  if (analysis.kind === 'error') return `${heading} · no results: ${analysis.message}`;
  const { report } = analysis;
  const confidence = percent(1 - report.analysis.alpha, 0);
  const lines = [
    `${heading} · ${report.status} · ${report.decision.verdict}${report.decision.variant ? ` ${report.decision.variant}` : ''}`,
    '',
    report.decision.reason,
    '',
    `| metric | variant | lift | ${confidence} ${report.analysis.sequential ? 'CS' : 'CI'} | p | chance to win |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const metric of report.metrics)
    for (const result of metric.results)
      lines.push(
        `| ${cell(metric.name)} (${metric.role}) | ${cell(result.variant)} | ${signedPercent(result.lift)} | ${signedPercent(result.ci[0])} to ${signedPercent(result.ci[1])} | ${pValue(result.adjustedPValue ?? result.pValue)} | ${percent(result.chanceToBeatControl)} |`,
      );
  const units = report.variants
    .map((variant) => `${variant} ${report.health.units[variant] ?? 0}`)
    .join(' · ');
  lines.push(
    '',
    `Units: ${units}${report.health.srmPValue !== null ? ` (SRM p=${pValue(report.health.srmPValue)})` : ''} · data as of ${report.asOf.slice(0, 16).replace('T', ' ')} UTC · ${link}`,
  );
  return lines.join('\n');
}

/** Every experiment of a workspace with its state, for the Experiments view. */
export function experimentList(workspace: FlagWorkspace): ExperimentListItem[] {
  return workspace.experiments.definitions().map((definition) => {
    const analysis = workspace.experimentReports.get(definition.key);
    const report = analysis?.kind === 'report' ? analysis.report : undefined;
    const group: ExperimentListItem['group'] = !analysis
      ? 'running'
      : !report
        ? 'error'
        : report.status === 'unhealthy'
          ? 'unhealthy'
          : report.status === 'concluded'
            ? 'concluded'
            : report.decision.verdict === 'rollback'
              ? 'rollback'
              : report.status === 'ready'
                ? 'ready'
                : 'running';
    return {
      key: definition.key,
      file: definition.file,
      uri: uriOf(workspace, definition.file),
      flag: definition.flag,
      environment: definition.environment,
      group,
      summary: experimentLensTitle(definition, analysis).replace(/^experiment [^:]+: /, ''),
      detail: report
        ? report.decision.reason
        : analysis?.kind === 'error'
          ? analysis.message
          : 'Analysing the events.',
      winner: report?.decision.verdict === 'ship' ? (report.decision.variant ?? null) : null,
    };
  });
}
