/**
 * An experiment report for people: a text table for the terminal, markdown for a pull request.
 * Both come from the same rows, so they never disagree.
 */
import type { ExperimentReport, MetricReport } from '../../../../shared/src/experiment';
import { count, mean, percent, pValue, signedPercent } from './wording';

interface Row {
  metric: string;
  role: string;
  variant: string;
  units: string;
  mean: string;
  lift: string;
  interval: string;
  p: string;
  adjusted: string;
  chance: string;
  verdict: string;
}

const HEADERS: Row = {
  metric: 'metric',
  role: 'role',
  variant: 'variant',
  units: 'units',
  mean: 'mean',
  lift: 'lift',
  interval: 'interval',
  p: 'p',
  adjusted: 'adj. p',
  chance: 'P(beats control)',
  verdict: 'result',
};

function rowsOf(report: ExperimentReport, metric: MetricReport): Row[] {
  const rows: Row[] = [];
  for (const variant of report.variants) {
    const summary = metric.variants[variant];
    const result = metric.results.find((item) => item.variant === variant);
    rows.push({
      metric: variant === report.control ? metric.name : '',
      role: variant === report.control ? metric.role : '',
      variant: variant === report.control && variant !== 'control' ? `${variant} (control)` : variant,
      units: count(summary?.units ?? 0),
      mean: mean(summary?.mean ?? 0, metric.kind),
      lift: result ? signedPercent(result.lift) : '',
      interval: result ? `${signedPercent(result.ci[0])} to ${signedPercent(result.ci[1])}` : '',
      p: result ? pValue(result.pValue) : '',
      adjusted: result?.adjustedPValue !== undefined ? pValue(result.adjustedPValue) : '',
      chance: result ? percent(result.chanceToBeatControl) : '',
      verdict: result ? result.direction : '',
    });
  }
  return rows;
}

function intervalName(report: ExperimentReport): string {
  const confidence = percent(1 - report.analysis.alpha, 0);
  return report.analysis.sequential ? `${confidence} conf. sequence` : `${confidence} CI`;
}

function headline(report: ExperimentReport): string {
  const verdict = report.decision.verdict + (report.decision.variant ? ` ${report.decision.variant}` : '');
  return `${report.status} · ${verdict}`;
}

function healthLines(report: ExperimentReport): string[] {
  const { health } = report;
  const units = report.variants
    .map((variant) => `${variant} ${count(health.units[variant] ?? 0)}`)
    .join(' · ');
  const shares = Object.keys(health.expectedShares).length
    ? ` (configured ${report.variants.map((variant) => percent(health.expectedShares[variant] ?? 0, 0)).join(' / ')}, SRM p=${health.srmPValue === null ? 'n/a' : pValue(health.srmPValue)})`
    : '';
  const lines = [
    `Units: ${units}${shares}`,
    `Data: ${count(health.records)} records from ${report.source}, ${count(health.badRecords)} unreadable; ${count(health.multipleExposures)} units saw several variants, ${count(health.unknownVariantUnits)} another variant.`,
  ];
  for (const sample of health.badRecordSamples)
    lines.push(`  ${sample.file}:${sample.line}: ${sample.message}`);
  for (const problem of health.problems) lines.push(`! ${problem}`);
  for (const finding of report.definitionFindings)
    lines.push(
      `! ${report.file}:${finding.line}:${finding.column}: ${finding.severity} ${finding.code}: ${finding.message}`,
    );
  return lines;
}

function planLine(report: ExperimentReport): string {
  const plan = report.analysis;
  const parts = [
    plan.engine,
    `alpha ${plan.alpha}`,
    plan.correction === 'none' ? 'no correction' : plan.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg',
    plan.sequential ? 'sequential' : 'fixed horizon',
    plan.cuped ? `CUPED (${plan.cupedLookbackDays} days before start)` : undefined,
    `at least ${count(plan.minUnitsPerVariant)} units per variant`,
  ].filter((part): part is string => part !== undefined);
  return `Plan: ${parts.join(', ')}`;
}

function window(report: ExperimentReport): string {
  return `${report.start} to ${report.end ?? 'now'}, data as of ${report.asOf}`;
}

export function renderReportText(report: ExperimentReport): string {
  const lines = [
    `Experiment ${report.experiment}: flag ${report.flag} in ${report.environment} (${report.file})`,
  ];
  if (report.hypothesis) lines.push(`Hypothesis: ${report.hypothesis}`);
  lines.push(
    `Window: ${window(report)}`,
    planLine(report),
    '',
    `Status: ${headline(report)}`,
    `  ${report.decision.reason}`,
    '',
  );
  lines.push(...healthLines(report), '');
  const headers = { ...HEADERS, interval: intervalName(report) };
  const rows = [headers, ...report.metrics.flatMap((metric) => rowsOf(report, metric))];
  const keys = Object.keys(HEADERS) as (keyof Row)[];
  const widths = keys.map((key) => Math.max(...rows.map((row) => row[key].length)));
  for (const row of rows)
    lines.push(
      keys
        .map((key, i) => row[key].padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  return `${lines.join('\n')}\n`;
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderReportMarkdown(report: ExperimentReport): string {
  const lines = [`## Experiment \`${report.experiment}\`: ${headline(report)}`, ''];
  lines.push(`**${escapeCell(report.decision.reason)}**`, '');
  if (report.hypothesis) lines.push(`- Hypothesis: ${escapeCell(report.hypothesis)}`);
  lines.push(
    `- Flag \`${report.flag}\` in ${report.environment}, defined in \`${report.file}\``,
    `- Window: ${window(report)}`,
    `- ${planLine(report)}`,
  );
  for (const line of healthLines(report))
    lines.push(`- ${escapeCell(line.replace(/^! /, '**Warning:** ').trim())}`);
  lines.push('');
  const headers = { ...HEADERS, interval: intervalName(report) };
  const keys = Object.keys(HEADERS) as (keyof Row)[];
  lines.push(
    `| ${keys.map((key) => headers[key]).join(' | ')} |`,
    `| ${keys.map(() => '---').join(' | ')} |`,
  );
  for (const metric of report.metrics)
    for (const row of rowsOf(report, metric))
      lines.push(`| ${keys.map((key) => escapeCell(row[key])).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/** One line per experiment, for `flaglens experiments`. */
export function renderReportSummary(report: ExperimentReport): string {
  return `${report.experiment} (${report.flag}, ${report.environment}): ${headline(report)}. ${report.decision.reason}`;
}
