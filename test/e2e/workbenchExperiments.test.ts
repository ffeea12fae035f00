/**
 * Experiments next to the code, as a person sees them in the workbench: the experiment lens over
 * the flag's read, its report opened from that lens, and the Experiments view.
 */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { session } from './support/session';
import { openFromExplorer, runCommand } from './support/workbench';

/** The Explorer in the side bar (Ctrl+Shift+E reveals it, never toggles it away). */
async function showExplorer(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+E');
  await page.locator('.explorer-folders-view').first().waitFor({ timeout: 30_000 });
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
    // The report opens as a markdown preview beside the code.
    await page
      .locator('.tabs-container .tab', { hasText: /Preview/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const preview = page.locator('iframe.webview.ready').last().contentFrame().frameLocator('iframe').first();
    await preview.locator('h2', { hasText: 'Experiment checkout-cta-test' }).waitFor({ timeout: 30_000 });
    assert.ok((await preview.locator('table').count()) >= 1, 'the report has its table of figures');
    await screenshot('experiment-report');
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
