/**
 * Experiments next to the code, as a person sees them in the workbench: the experiment lens over
 * the flag's read, its report (a webview with charts, in dark and light themes) opened from that
 * lens, and the Experiments view.
 */
import { strict as assert } from 'node:assert';
import type { Locator, Page } from 'playwright-core';
import { session } from './support/session';
import { openFromExplorer, runCommand } from './support/workbench';

/** The Explorer in the side bar (Ctrl+Shift+E reveals it, never toggles it away). */
async function showExplorer(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+E');
  await page.locator('.explorer-folders-view').first().waitFor({ timeout: 30_000 });
}

/** Preferences: Color Theme, through the command palette as a person picks it (rows clicked by name:
 * "Browse Color Themes in Marketplace" also matches the command's title). */
async function pickColorTheme(page: Page, theme: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill('>Preferences: Color Theme');
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  await rows
    .filter({ hasText: /^Preferences: Color Theme/ })
    .first()
    .click();
  await input.fill(theme);
  await rows
    .filter({ hasText: new RegExp(`^${theme}`) })
    .first()
    .click();
}

/** How many colours a canvas holds, and its top-left pixel (the chart's background). */
function chartColours(canvas: Locator): Promise<{ distinct: number; corner: number }> {
  return canvas.evaluate((element) => {
    const node = element as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      };
    };
    const data = node.getContext('2d').getImageData(0, 0, node.width, node.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4)
      seen.add((data[i] ?? 0) * 65536 + (data[i + 1] ?? 0) * 256 + (data[i + 2] ?? 0));
    return { distinct: seen.size, corner: (data[0] ?? 0) * 65536 + (data[1] ?? 0) * 256 + (data[2] ?? 0) };
  });
}

describe('Experiments in the VS Code workbench', () => {
  it('shows the experiment lens over the read of its flag, and its report opens from it', async () => {
    const { page, screenshot } = session();
    // Earlier tests may have left another view in the side bar.
    await showExplorer(page);
    await openFromExplorer(page, 'src/web/CheckoutButton.tsx');
    const lens = page
      .locator('.monaco-editor .codelens-decoration a', { hasText: 'experiment checkout-cta-test:' })
      .first();
    // The analysis runs in the background after the index: the lens says "analysing" until it is in.
    await page
      .locator('.monaco-editor .codelens-decoration a', {
        hasText: /experiment checkout-cta-test: treatment [+-]\d+\.\d% purchase/,
      })
      .first()
      .waitFor({ timeout: 60_000 });
    const title = ((await lens.textContent()) ?? '').trim();
    assert.match(
      title,
      /^experiment checkout-cta-test: treatment [+-]\d+\.\d% purchase, \d+% chance to win, (ship treatment \(ready\)|keep running)/,
    );
    await screenshot('experiment-lens');

    await lens.click();
    // The report opens as a webview beside the code: status, decision, charts and figures.
    await page
      .locator('.tabs-container .tab', { hasText: 'Experiment checkout-cta-test' })
      .first()
      .waitFor({ timeout: 30_000 });
    const report = page.locator('iframe.webview.ready').last().contentFrame().frameLocator('iframe').first();
    await report.locator('h1', { hasText: 'Experiment checkout-cta-test' }).waitFor({ timeout: 30_000 });
    const status = ((await report.locator('#status').textContent()) ?? '').trim();
    assert.match(status, /^(ready|running)$/);
    assert.match((await report.locator('#decision').textContent()) ?? '', /^(ship treatment|keep-running): /);
    // Ship the winner only when the report says it is ready.
    assert.equal(await report.locator('#ship').count(), status === 'ready' ? 1 : 0);
    // The figures: a row per metric and variant (the demo has 3 metrics, 2 variants).
    const rows = report.locator('#figures tbody tr');
    assert.equal(await rows.count(), 6);
    assert.match(
      (await rows.nth(1).textContent()) ?? '',
      /purchase.*treatment.*[+-]\d+\.\d% to [+-]\d+\.\d%/,
    );
    // The charts: a canvas each, named for screen readers, the forest plot drawn (not a blank fill).
    for (const chart of ['#forest-chart', '#units-chart']) {
      await report.locator(`${chart} canvas`).waitFor({ timeout: 30_000 });
      assert.match((await report.locator(chart).getAttribute('aria-label')) ?? '', /treatment/);
    }
    // The workbench starts in its default light theme; then dark and high contrast, and back.
    const drawnIn = (kind: string) =>
      report.locator(`#forest-chart[data-theme-kind="${kind}"] canvas`).waitFor({ timeout: 30_000 });
    await drawnIn('vscode-light');
    const light = await chartColours(report.locator('#forest-chart canvas'));
    assert.ok(light.distinct > 3, `the forest plot has drawn lines and text (${light.distinct} colours)`);
    await screenshot('experiment-report-light');

    // The page marks each chart with the theme it was drawn in: the charts redraw in the new colours.
    await pickColorTheme(page, 'Dark Modern');
    await drawnIn('vscode-dark');
    const dark = await chartColours(report.locator('#forest-chart canvas'));
    assert.notEqual(dark.corner, light.corner, 'the chart background follows the theme');
    await screenshot('experiment-report-dark');
    await pickColorTheme(page, 'Dark High Contrast');
    await drawnIn('vscode-high-contrast');
    await screenshot('experiment-report-high-contrast');
    await pickColorTheme(page, 'Light Modern');
    await drawnIn('vscode-light');
    // Leave the editors as the other tests expect them.
    await page.locator('.tabs-container .tab.active').first().click();
    await runCommand(page, 'View: Close All Editors');
  });

  it('lists the experiment in the Experiments view, grouped by its state', async () => {
    const { page, screenshot } = session();
    await page.locator('.activitybar .action-item a[aria-label^="Flaglens"]').first().click();
    const view = page.locator('.pane-header', { hasText: 'Experiments' }).first();
    await view.waitFor({ timeout: 30_000 });
    if ((await view.getAttribute('aria-expanded')) !== 'true') await view.click();
    const row = page.locator('.monaco-list-row', { hasText: 'checkout-cta-test' }).first();
    await row.waitFor({ timeout: 30_000 });
    const group = page.locator('.monaco-list-row', { hasText: /^(Ready to ship|Running) \(1\)/ }).first();
    await group.waitFor({ timeout: 30_000 });
    assert.match((await row.textContent()) ?? '', /treatment [+-]\d+\.\d% purchase/);
    await screenshot('experiments-view');
    // Back to the explorer, where the other tests start.
    await showExplorer(page);
  });
});
