/**
 * The report webview's data and its standalone HTML export, from the demo's real report
 * (`flaglens experiment --format json`, the same answer the server sends the webview).
 */
import { strict as assert } from 'node:assert';
import type { ExperimentReport } from '../../shared/src/experiment';
import {
  cumulativeUnits,
  escapeHtml,
  figureRows,
  forestRows,
  standaloneReportHtml,
} from '../../shared/src/experimentReportView';
import { runCli } from '../support/cli';

function demoReport(): ExperimentReport {
  const result = runCli(['experiment', 'checkout-cta-test', '--dir', 'examples/demo', '--format', 'json'], {
    env: { FLAGLENS_NOW: '2026-12-04T00:00:00Z' },
  });
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as ExperimentReport;
}

/** Text content of the table cells of the export, row by row (the file is ours, so a regex reads it). */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1] ?? ''),
  );
}

describe('The experiment report view and its HTML export', function () {
  this.timeout(30000);
  let report: ExperimentReport;
  before(() => {
    report = demoReport();
  });

  it('has one figures row per metric and variant, with the interval the decision sentence quotes', () => {
    const rows = figureRows(report);
    assert.equal(rows.length, report.metrics.length * report.variants.length);
    // The server words the decision with its own formatting: the table must show the same interval.
    const quoted = /CI ([+-]\d+\.\d%) to ([+-]\d+\.\d%)/.exec(report.decision.reason);
    assert.ok(quoted, report.decision.reason);
    const winner = rows.find((row) => row.metric === 'purchase' && row.variant === report.decision.variant);
    assert.equal(winner?.interval, `${quoted[1]} to ${quoted[2]}`);
    assert.equal(rows.filter((row) => row.control).length, report.metrics.length);
  });

  it('plots one interval per metric and treatment variant, containing its lift', () => {
    const rows = forestRows(report);
    assert.equal(rows.length, report.metrics.length * (report.variants.length - 1));
    for (const row of rows) assert.ok(row.low <= row.lift && row.lift <= row.high, row.label);
  });

  it('accumulates the daily units to the units the data health counts', () => {
    const cumulative = cumulativeUnits(report);
    assert.equal(cumulative.days.length, report.dailyUnits.length);
    assert.deepEqual([...cumulative.days].sort(), cumulative.days, 'days in order');
    for (const series of cumulative.series) {
      assert.equal(series.units[series.units.length - 1], report.health.units[series.variant]);
      for (let day = 1; day < series.units.length; day++)
        assert.ok((series.units[day] ?? 0) >= (series.units[day - 1] ?? 0), 'never decreases');
    }
  });

  it('exports a standalone page without scripts: the decision, the figures table and the chart images', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const html = standaloneReportHtml(report, [{ label: 'Lift per metric', dataUrl: png }]);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:;/);
    assert.ok(html.includes(escapeHtml(report.decision.reason)));
    const rows = tableRows(html);
    assert.equal(rows.length, report.metrics.length * report.variants.length);
    const expected = figureRows(report);
    rows.forEach((cells, index) => {
      assert.equal(cells[0], escapeHtml(expected[index]?.metric ?? ''));
      assert.equal(cells[6], escapeHtml(expected[index]?.interval ?? ''));
    });
    assert.ok(html.includes(`<img src="${png}" alt="Lift per metric">`));
  });

  it('escapes every text from the report and drops chart images that are not PNG data URLs', () => {
    const hostile: ExperimentReport = {
      ...report,
      hypothesis: '<script>alert("h")</script>',
      health: { ...report.health, problems: ['<img src=x onerror=alert(1)>'] },
      metrics: report.metrics.map((metric) => ({ ...metric, name: `${metric.name}<b>"&'` })),
    };
    const html = standaloneReportHtml(hostile, [
      { label: '"><script>', dataUrl: 'javascript:alert(1)' },
      { label: 'svg', dataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' },
    ]);
    assert.doesNotMatch(html, /<script|<img src=x|<b>/i);
    assert.ok(html.includes('&lt;script&gt;alert(&quot;h&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('purchase&lt;b&gt;&quot;&amp;&#39;'));
    assert.doesNotMatch(html, /<img/);
  });
});
