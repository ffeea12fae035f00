/**
 * The experiment report as the report webview and its HTML export show it: the figures table's
 * rows, the forest plot's intervals and the cumulative units, computed once from the server's
 * `ExperimentReport` so the page, its charts and the exported file never disagree.
 * Pure: no DOM, no VS Code.
 */
import type { ExperimentReport, MetricGoal, VariantResult } from './experiment';

/** Messages between the experiment report webview and the extension host. */
export type ReportToHost =
  | { type: 'ready' }
  | { type: 'ship' }
  | { type: 'exportMarkdown' }
  /** The charts as PNG data URLs (canvas snapshots), for the standalone HTML file. */
  | { type: 'exportHtml'; charts: ExportedChart[] };

export type HostToReport = { type: 'report'; report: ExperimentReport | null; error: string | null };

export interface ExportedChart {
  /** What the chart shows, in words: the image's alt text. */
  label: string;
  /** `data:image/png;base64,...`. */
  dataUrl: string;
}

export interface FigureRow {
  metric: string;
  role: string;
  goal: MetricGoal;
  variant: string;
  control: boolean;
  units: string;
  mean: string;
  lift: string;
  interval: string;
  p: string;
  adjusted: string;
  chance: string;
  result: string;
}

export const FIGURE_HEADERS: Record<keyof Omit<FigureRow, 'control' | 'goal'>, string> = {
  metric: 'Metric',
  role: 'Role',
  variant: 'Variant',
  units: 'Units',
  mean: 'Mean',
  lift: 'Lift',
  interval: 'Interval',
  p: 'p',
  adjusted: 'Adj. p',
  chance: 'P(beats control)',
  result: 'Result',
};

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function signedPercent(value: number, digits = 1): string {
  const text = percent(value, digits);
  return value > 0 ? `+${text}` : text;
}

function formatP(value: number): string {
  return value < 0.0001 ? '<0.0001' : value.toFixed(4);
}

function formatMean(value: number, kind: string): string {
  return kind === 'binomial' ? percent(value, 2) : value.toFixed(3);
}

/** The interval's name: "95% CI" or "95% conf. sequence". */
export function intervalName(report: ExperimentReport): string {
  const confidence = percent(1 - report.analysis.alpha, 0);
  return report.analysis.sequential ? `${confidence} conf. sequence` : `${confidence} CI`;
}

export function figureRows(report: ExperimentReport): FigureRow[] {
  const rows: FigureRow[] = [];
  for (const metric of report.metrics) {
    for (const variant of report.variants) {
      const summary = metric.variants[variant];
      const result = metric.results.find((item) => item.variant === variant);
      rows.push({
        metric: metric.name,
        role: metric.role,
        goal: metric.goal,
        variant,
        control: variant === report.control,
        units: (summary?.units ?? 0).toLocaleString('en-US'),
        mean: formatMean(summary?.mean ?? 0, metric.kind),
        lift: result ? signedPercent(result.lift) : '',
        interval: result ? `${signedPercent(result.ci[0])} to ${signedPercent(result.ci[1])}` : '',
        p: result ? formatP(result.pValue) : '',
        adjusted: result?.adjustedPValue !== undefined ? formatP(result.adjustedPValue) : '',
        chance: result ? percent(result.chanceToBeatControl) : '',
        result: result ? result.direction : variant === report.control ? 'control' : '',
      });
    }
  }
  return rows;
}

/** One line of the forest plot: a variant's lift over control on one metric, with its interval. */
export interface ForestRow {
  label: string;
  metric: string;
  variant: string;
  goal: MetricGoal;
  lift: number;
  low: number;
  high: number;
  direction: VariantResult['direction'];
}

export function forestRows(report: ExperimentReport): ForestRow[] {
  return report.metrics.flatMap((metric) =>
    metric.results.map((result) => ({
      label: `${metric.name} · ${result.variant}`,
      metric: metric.name,
      variant: result.variant,
      goal: metric.goal,
      lift: result.lift,
      low: result.ci[0],
      high: result.ci[1],
      direction: result.direction,
    })),
  );
}

/** Units exposed so far, per variant, at the end of each UTC day (from `dailyUnits`). */
export interface CumulativeUnits {
  days: string[];
  series: { variant: string; units: number[] }[];
}

export function cumulativeUnits(report: ExperimentReport): CumulativeUnits {
  const daily = [...report.dailyUnits].sort((a, b) => a.day.localeCompare(b.day));
  return {
    days: daily.map((entry) => entry.day),
    series: report.variants.map((variant) => {
      let total = 0;
      return { variant, units: daily.map((entry) => (total += entry.units[variant] ?? 0)) };
    }),
  };
}

/** The decision in one sentence: "ship treatment: …". */
export function decisionSentence(report: ExperimentReport): string {
  const verdict = report.decision.verdict + (report.decision.variant ? ` ${report.decision.variant}` : '');
  return `${verdict}: ${report.decision.reason}`;
}

/** The plan, in words. */
export function planSentence(report: ExperimentReport): string {
  const plan = report.analysis;
  return [
    plan.engine,
    `alpha ${plan.alpha}`,
    plan.correction === 'none' ? 'no correction' : plan.correction === 'holm' ? 'Holm' : 'Benjamini-Hochberg',
    plan.sequential ? 'sequential' : 'fixed horizon',
    plan.cuped ? `CUPED (${plan.cupedLookbackDays} days before start)` : undefined,
    `at least ${plan.minUnitsPerVariant.toLocaleString('en-US')} units per variant`,
    plan.plannedUnitsPerVariant !== undefined
      ? `${plan.plannedUnitsPerVariant.toLocaleString('en-US')} planned`
      : undefined,
  ]
    .filter((part): part is string => part !== undefined)
    .join(', ');
}

/** The sample-ratio check and data health in sentences; problems come after. */
export function healthSentences(report: ExperimentReport): { facts: string[]; problems: string[] } {
  const { health } = report;
  const units = report.variants
    .map((variant) => `${variant} ${(health.units[variant] ?? 0).toLocaleString('en-US')}`)
    .join(' · ');
  const shares = Object.keys(health.expectedShares).length
    ? report.variants.map((variant) => percent(health.expectedShares[variant] ?? 0, 0)).join(' / ')
    : 'not configured';
  const srm =
    health.srmPValue === null
      ? 'Sample ratio: not checked'
      : `Sample ratio: ${health.srmOk ? 'ok' : 'MISMATCH'} (p=${formatP(health.srmPValue)}, configured ${shares})`;
  return {
    facts: [
      `Units: ${units}`,
      srm,
      `Data: ${health.records.toLocaleString('en-US')} records from ${report.source}, ${health.badRecords.toLocaleString('en-US')} unreadable; ${health.multipleExposures.toLocaleString('en-US')} units saw several variants, ${health.unknownVariantUnits.toLocaleString('en-US')} another variant.`,
    ],
    problems: [
      ...health.problems,
      ...health.badRecordSamples.map((sample) => `${sample.file}:${sample.line}: ${sample.message}`),
      ...report.definitionFindings.map(
        (finding) =>
          `${report.file}:${finding.line}:${finding.column}: ${finding.severity} ${finding.code}: ${finding.message}`,
      ),
    ],
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/**
 * The report as one self-contained HTML file that needs no script to read: the facts, the
 * figures table and the charts as PNG images (data URLs the webview took from its canvases).
 * Every text from the report is escaped; chart images must be PNG data URLs.
 */
export function standaloneReportHtml(report: ExperimentReport, charts: ExportedChart[] = []): string {
  const e = escapeHtml;
  const health = healthSentences(report);
  const headers = Object.entries(FIGURE_HEADERS) as [keyof typeof FIGURE_HEADERS, string][];
  const rows = figureRows(report)
    .map(
      (row) =>
        `<tr${row.control ? ' class="control"' : ''}>${headers
          .map(
            ([key]) =>
              `<td>${e(key === 'variant' && row.control ? `${row.variant} (control)` : row[key])}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const images = charts
    .filter((chart) => /^data:image\/png;base64,[A-Za-z0-9+/=]+$/.test(chart.dataUrl))
    .map(
      (chart) =>
        `<figure><img src="${chart.dataUrl}" alt="${e(chart.label)}"><figcaption>${e(chart.label)}</figcaption></figure>`,
    )
    .join('\n');
  const list = (items: string[]) =>
    items.length ? `<ul>${items.map((item) => `<li>${e(item)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline';">
<title>Experiment ${e(report.experiment)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #1f1f1f; background: #fff; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:nth-child(-n+3), td:nth-child(-n+3) { text-align: left; }
tr.control td { color: #555; }
.problems li { color: #a1260d; }
figure { margin: 1em 0; }
img { max-width: 100%; }
</style>
</head>
<body>
<h1>Experiment ${e(report.experiment)}</h1>
<p>Flag <code>${e(report.flag)}</code> in ${e(report.environment)} (${e(report.file)}), ${e(report.start)} to ${e(report.end ?? 'now')}, data as of ${e(report.asOf)}.</p>
${report.hypothesis ? `<p><strong>Hypothesis:</strong> ${e(report.hypothesis)}</p>` : ''}
<p><strong>Plan:</strong> ${e(planSentence(report))}</p>
<h2>Status: ${e(report.status)}</h2>
<p>${e(decisionSentence(report))}</p>
<h2>Data health</h2>
${list(health.facts)}
${health.problems.length ? `<div class="problems"><h3>Problems</h3>${list(health.problems)}</div>` : '<p>No data problems.</p>'}
<h2>Figures (${e(intervalName(report))})</h2>
<table>
<thead><tr>${headers.map(([, title]) => `<th scope="col">${e(title)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${images ? `<h2>Charts</h2>\n${images}` : ''}
</body>
</html>
`;
}
