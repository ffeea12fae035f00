/* The experiment report's page: plain DOM built with createElement/textContent from the report the
 * server sends, charts drawn by uPlot on canvas in the VS Code theme's colours, the figures table
 * as their accessible equivalent. It never edits files: Ship and Export are asked of the host. */
import uPlot from 'uplot';
import type { ExperimentReport } from '../../shared/src/experiment';
import {
  FIGURE_HEADERS,
  cumulativeUnits,
  decisionSentence,
  figureRows,
  forestRows,
  healthSentences,
  intervalName,
  planSentence,
  signedPercent,
  type ExportedChart,
  type HostToReport,
  type ReportToHost,
} from '../../shared/src/experimentReportView';

declare function acquireVsCodeApi(): { postMessage(message: ReportToHost): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
let current: ExperimentReport | null = null;
let plots: uPlot[] = [];

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function button(
  label: string,
  onClick: () => void,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const node = el('button', { type: 'button', ...attributes }, label);
  node.addEventListener('click', onClick);
  return node;
}

interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  better: string;
  worse: string;
  series: string[];
}

function cssVariable(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** The theme's colours; canvas cannot read CSS variables, so they are resolved at each render. */
function themePalette(): Palette {
  return {
    foreground: cssVariable('--vscode-foreground', '#333'),
    muted: cssVariable('--vscode-descriptionForeground', '#777'),
    grid: cssVariable('--vscode-editorWidget-border', cssVariable('--vscode-panel-border', '#8884')),
    background: cssVariable('--vscode-editor-background', '#fff'),
    better: cssVariable('--vscode-charts-green', '#388a34'),
    worse: cssVariable('--vscode-charts-red', '#e51400'),
    series: ['blue', 'orange', 'purple', 'yellow', 'green', 'red'].map((name, index) =>
      cssVariable(
        `--vscode-charts-${name}`,
        ['#1a85ff', '#d18616', '#652d90', '#bf8803', '#388a34', '#e51400'][index],
      ),
    ),
  };
}

/** The exported file is read on a white page whatever the editor's theme. */
const EXPORT_PALETTE: Palette = {
  foreground: '#1f1f1f',
  muted: '#616161',
  grid: '#d4d4d4',
  background: '#ffffff',
  better: '#388a34',
  worse: '#c72e0f',
  series: ['#1a85ff', '#d18616', '#652d90', '#bf8803', '#388a34', '#e51400'],
};

function axisStyle(palette: Palette): uPlot.Axis {
  return {
    stroke: palette.foreground,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1 },
    font: `12px ${cssVariable('--vscode-font-family', 'sans-serif')}`,
    labelFont: `12px ${cssVariable('--vscode-font-family', 'sans-serif')}`,
  };
}

function clearWith(palette: Palette) {
  return (u: uPlot) => {
    u.ctx.save();
    u.ctx.fillStyle = palette.background;
    u.ctx.fillRect(0, 0, u.ctx.canvas.width, u.ctx.canvas.height);
    u.ctx.restore();
  };
}

/**
 * The forest plot: one line per metric and variant, the lift over control as a dot and its
 * interval as a whisker, the zero line dashed, each row's better side named in its label and
 * the whisker coloured by the result (better, worse, inconclusive).
 */
function forestPlot(report: ExperimentReport, target: HTMLElement, width: number, palette: Palette): uPlot {
  const rows = forestRows(report);
  const low = Math.min(0, ...rows.map((row) => row.low));
  const high = Math.max(0, ...rows.map((row) => row.high));
  const pad = (high - low || 0.1) * 0.08;
  const position = (index: number) => rows.length - 1 - index;
  const label = (index: number) => {
    const row = rows[index];
    return row ? `${row.label}  ${row.goal === 'increase' ? 'better →' : '← better'}` : '';
  };
  const options: uPlot.Options = {
    width,
    height: Math.max(120, 56 + rows.length * 34),
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, auto: false, range: [low - pad, high + pad] },
      y: { auto: false, range: [-0.6, rows.length - 0.4] },
    },
    axes: [
      {
        ...axisStyle(palette),
        label: `lift vs ${report.control} (${intervalName(report)})`,
        values: (_u, splits) => splits.map((value) => signedPercent(value, 0)),
      },
      {
        ...axisStyle(palette),
        // Wide enough for the longest row label (uPlot does not measure them).
        size: 24 + 7 * Math.max(...rows.map((_row, index) => label(index).length)),
        splits: () => rows.map((_row, index) => position(index)),
        values: (_u, splits) => splits.map((value) => label(rows.length - 1 - value)),
        grid: { show: false },
      },
    ],
    series: [{}, { show: false }],
    hooks: {
      drawClear: [clearWith(palette)],
      draw: [
        (u) => {
          const { ctx } = u;
          const ratio = uPlot.pxRatio;
          ctx.save();
          const zero = u.valToPos(0, 'x', true);
          ctx.strokeStyle = palette.muted;
          ctx.lineWidth = ratio;
          ctx.setLineDash([4 * ratio, 4 * ratio]);
          ctx.beginPath();
          ctx.moveTo(zero, u.bbox.top);
          ctx.lineTo(zero, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.setLineDash([]);
          rows.forEach((row, index) => {
            const y = u.valToPos(position(index), 'y', true);
            const colour =
              row.direction === 'better'
                ? palette.better
                : row.direction === 'worse'
                  ? palette.worse
                  : palette.foreground;
            const from = u.valToPos(row.low, 'x', true);
            const to = u.valToPos(row.high, 'x', true);
            ctx.strokeStyle = colour;
            ctx.fillStyle = colour;
            ctx.lineWidth = 2 * ratio;
            ctx.beginPath();
            ctx.moveTo(from, y);
            ctx.lineTo(to, y);
            ctx.moveTo(from, y - 6 * ratio);
            ctx.lineTo(from, y + 6 * ratio);
            ctx.moveTo(to, y - 6 * ratio);
            ctx.lineTo(to, y + 6 * ratio);
            ctx.stroke();
            ctx.beginPath();
            ctx.arc(u.valToPos(row.lift, 'x', true), y, 5 * ratio, 0, 2 * Math.PI);
            ctx.fill();
          });
          ctx.restore();
        },
      ],
    },
  };
  return new uPlot(
    options,
    [
      [low - pad, high + pad],
      [null, null],
    ],
    target,
  );
}

/** Units exposed so far per variant, by day: is traffic split as configured, is it still coming. */
function unitsPlot(report: ExperimentReport, target: HTMLElement, width: number, palette: Palette): uPlot {
  const cumulative = cumulativeUnits(report);
  const days = cumulative.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  const options: uPlot.Options = {
    width,
    height: 220,
    scales: { x: { time: true } },
    axes: [{ ...axisStyle(palette) }, { ...axisStyle(palette), label: 'units (cumulative)', size: 70 }],
    series: [
      {
        label: 'day',
        value: (_u, value) => (value === null ? '' : new Date(value * 1000).toISOString().slice(0, 10)),
      },
      ...cumulative.series.map((series, index) => ({
        label: series.variant,
        stroke: palette.series[index % palette.series.length],
        width: 2,
        // Dashes tell the variants apart where their lines overlap (an even split) and without colour.
        dash: index % 2 ? [6, 4] : undefined,
        // Filled in the line's colour: uPlot's default white fill vanishes on light themes.
        points: { show: days.length < 40, fill: palette.series[index % palette.series.length] },
      })),
    ],
    hooks: { drawClear: [clearWith(palette)] },
  };
  return new uPlot(options, [days, ...cumulative.series.map((series) => series.units)], target);
}

function forestDescription(report: ExperimentReport): string {
  const rows = forestRows(report);
  return `Lift over ${report.control} with ${intervalName(report)}, per metric and variant: ${rows
    .map(
      (row) =>
        `${row.label} ${signedPercent(row.lift)} (${signedPercent(row.low)} to ${signedPercent(row.high)}, ${row.direction})`,
    )
    .join('; ')}. The figures table has the same numbers.`;
}

function unitsDescription(report: ExperimentReport): string {
  const cumulative = cumulativeUnits(report);
  const last = cumulative.days[cumulative.days.length - 1] ?? 'no day yet';
  return `Cumulative units per variant over ${cumulative.days.length} days, by ${last}: ${cumulative.series
    .map(
      (series) => `${series.variant} ${(series.units[series.units.length - 1] ?? 0).toLocaleString('en-US')}`,
    )
    .join(', ')}.`;
}

function chartFigure(
  id: string,
  title: string,
  description: string,
): { figure: HTMLElement; canvas: HTMLElement } {
  const canvas = el('div', { class: 'chart', id, role: 'img', 'aria-label': description });
  const figure = el('figure', {}, el('figcaption', {}, el('h3', {}, title)), canvas);
  return { figure, canvas };
}

function drawCharts(report: ExperimentReport): void {
  for (const plot of plots) plot.destroy();
  plots = [];
  const palette = themePalette();
  const forest = document.getElementById('forest-chart');
  const units = document.getElementById('units-chart');
  if (forest && forestRows(report).length)
    plots.push(forestPlot(report, forest, forest.clientWidth || 600, palette));
  if (units && report.dailyUnits.length)
    plots.push(unitsPlot(report, units, units.clientWidth || 600, palette));
  // Which theme the charts were drawn in (VS Code names it on the body): tests wait on it.
  const kind = document.body.dataset['vscodeThemeKind'] ?? '';
  for (const chart of [forest, units]) if (chart) chart.dataset['themeKind'] = kind;
}

/** The charts redrawn off-screen in the export palette, as PNG data URLs. */
function exportCharts(report: ExperimentReport): ExportedChart[] {
  const host = el('div', { class: 'offscreen', 'aria-hidden': 'true' });
  document.body.append(host);
  const charts: ExportedChart[] = [];
  const take = (make: () => uPlot, label: string) => {
    const plot = make();
    charts.push({ label, dataUrl: plot.ctx.canvas.toDataURL('image/png') });
    plot.destroy();
  };
  if (forestRows(report).length)
    take(() => forestPlot(report, host, 800, EXPORT_PALETTE), forestDescription(report));
  if (report.dailyUnits.length)
    take(() => unitsPlot(report, host, 800, EXPORT_PALETTE), unitsDescription(report));
  host.remove();
  return charts;
}

function figuresTable(report: ExperimentReport): HTMLTableElement {
  const headers = Object.entries(FIGURE_HEADERS) as [keyof typeof FIGURE_HEADERS, string][];
  const table = el(
    'table',
    { class: 'figures', id: 'figures' },
    el('caption', {}, `Figures (${intervalName(report)}; lift relative to ${report.control})`),
    el('thead', {}, el('tr', {}, ...headers.map(([, title]) => el('th', { scope: 'col' }, title)))),
  );
  const body = el('tbody');
  for (const row of figureRows(report)) {
    const line = el('tr', row.control ? { class: 'control' } : {});
    for (const [key] of headers) {
      const text = key === 'variant' && row.control ? `${row.variant} (control)` : row[key];
      line.append(
        key === 'metric' ? el('th', { scope: 'row' }, text) : el('td', { class: `col-${key}` }, text),
      );
    }
    if (row.result === 'better' || row.result === 'worse') line.classList.add(row.result);
    body.append(line);
  }
  table.append(body);
  return table;
}

function render(report: ExperimentReport | null, error: string | null): void {
  current = report;
  for (const plot of plots) plot.destroy();
  plots = [];
  if (!report) {
    app.replaceChildren(
      el('p', { class: 'error', role: 'alert' }, `No report: ${error ?? 'unknown experiment'}`),
    );
    return;
  }
  const health = healthSentences(report);
  const actions = el(
    'div',
    { class: 'actions' },
    button('Export markdown', () => vscode.postMessage({ type: 'exportMarkdown' })),
    button('Export HTML', () => vscode.postMessage({ type: 'exportHtml', charts: exportCharts(report) })),
  );
  if (report.status === 'ready')
    actions.prepend(
      button(
        `Ship the winner${report.decision.variant ? ` (${report.decision.variant})` : ''}`,
        () => vscode.postMessage({ type: 'ship' }),
        {
          class: 'primary',
          id: 'ship',
        },
      ),
    );
  const forest = chartFigure('forest-chart', 'Lift per metric and variant', forestDescription(report));
  const units = chartFigure('units-chart', 'Units per variant over time', unitsDescription(report));
  app.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, `Experiment ${report.experiment}`),
      el('span', { class: `badge status-${report.status}`, id: 'status' }, report.status),
      el(
        'p',
        { class: 'meta' },
        `Flag ${report.flag} in ${report.environment} (${report.file}) · ${report.start} to ${report.end ?? 'now'} · data as of ${report.asOf}`,
      ),
      actions,
    ),
    el(
      'section',
      { 'aria-labelledby': 'decision-title' },
      el('h2', { id: 'decision-title' }, 'Decision'),
      el('p', { class: 'decision', id: 'decision' }, decisionSentence(report)),
      ...(report.hypothesis ? [el('p', {}, el('strong', {}, 'Hypothesis: '), report.hypothesis)] : []),
      el('p', {}, el('strong', {}, 'Plan: '), planSentence(report)),
    ),
    el(
      'section',
      { 'aria-labelledby': 'health-title' },
      el('h2', { id: 'health-title' }, 'Sample ratio and data health'),
      el('ul', {}, ...health.facts.map((fact) => el('li', {}, fact))),
      health.problems.length
        ? el(
            'ul',
            { class: 'problems', 'aria-label': 'Problems' },
            ...health.problems.map((problem) => el('li', {}, problem)),
          )
        : el('p', {}, 'No data problems.'),
    ),
    el(
      'section',
      { 'aria-labelledby': 'charts-title' },
      el('h2', { id: 'charts-title' }, 'Charts'),
      forest.figure,
      units.figure,
    ),
    el('section', {}, figuresTable(report)),
  );
  drawCharts(report);
}

window.addEventListener('message', (event: MessageEvent<HostToReport>) => {
  const message = event.data;
  if (message.type === 'report') render(message.report, message.error);
});

// Redraw in the new colours when the theme changes (VS Code swaps the body's classes), and at the new width.
new MutationObserver(() => current && drawCharts(current)).observe(document.body, {
  attributes: true,
  attributeFilter: ['class', 'data-vscode-theme-kind'],
});
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => current && drawCharts(current), 100);
});

vscode.postMessage({ type: 'ready' });
