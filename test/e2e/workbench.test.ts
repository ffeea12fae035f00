/**
 * What a person sees and does in the browser: the workbench on the demo, the lenses over a flag
 * usage, the hover, and a toggle through a lens. Runs after the suite inside the extension host
 * finished (./support/hooks.ts), so the index is ready.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { session } from './support/session';
import { waitFor } from './support/wait';
import { hoverToken, lensLine, lensTitles, openFromExplorer } from './support/workbench';

/** The lenses over `getBooleanDetails(NEW_CHECKOUT, ...)` in src/server/checkout.ts. */
const newCheckoutLenses = ['development: on', 'production: rules, else 25% on', 'staging: rules, else on'];

/**
 * new-checkout's `state` in one environment's registry file, as saved on disk; undefined while
 * the file is being written (VS Code saves in place, so a read can see it half written).
 */
function savedState(env: string): string | undefined {
  const file = join(session().workspace, 'flags', `${env}.flagd.json`);
  try {
    const registry = JSON.parse(readFileSync(file, 'utf8')) as { flags: Record<string, { state: string }> };
    return registry.flags['new-checkout'].state;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

describe('The Flaglens extension in the VS Code workbench', () => {
  it('opens on the demo workspace with Flaglens running', async () => {
    const { page, screenshot } = session();
    await page
      .locator('.explorer-folders-view .monaco-list-row[aria-label="flags"]')
      .waitFor({ timeout: 30_000 });
    const status = page.locator('.statusbar-item', { hasText: /\d+ flags/ });
    await status.waitFor({ timeout: 30_000 });
    await screenshot('workbench');
  });

  it('shows what each environment serves in lenses over a usage opened from the explorer', async () => {
    const { page, screenshot } = session();
    await openFromExplorer(page, 'src/server/checkout.ts');

    const line = lensLine(page, newCheckoutLenses);
    await line.waitFor({ timeout: 60_000 });

    assert.deepEqual(await lensTitles(line), newCheckoutLenses);
    await screenshot('checkout-lenses');
  });

  it('describes the flag in a hover over the usage', async () => {
    const { page, screenshot } = session();

    const hover = await hoverToken(page, 'getBooleanDetails(NEW_CHECKOUT', 'NEW_CHECKOUT');

    const text = (await hover.textContent()) ?? '';
    assert.ok(text.includes('new-checkout'), text);
    assert.ok(text.includes('One-page checkout that replaces the three-step wizard.'), text);
    await screenshot('checkout-hover');
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it('toggles the flag in an unprotected environment when its lens is clicked, and back', async () => {
    const { page, screenshot } = session();
    // Found by the lenses that stay the same while development's changes.
    const line = lensLine(page, newCheckoutLenses.slice(1));
    assert.equal(savedState('development'), 'ENABLED');

    await line.locator('a', { hasText: 'development: on' }).click();

    await waitFor(
      () => (savedState('development') === 'DISABLED' ? true : undefined),
      'development.flagd.json to be saved with new-checkout DISABLED',
    );
    await line.locator('a', { hasText: 'development: disabled' }).waitFor({ timeout: 30_000 });
    await screenshot('checkout-lens-toggled');

    await line.locator('a', { hasText: 'development: disabled' }).click();

    await waitFor(
      () => (savedState('development') === 'ENABLED' ? true : undefined),
      'development.flagd.json to be saved with new-checkout ENABLED',
    );
    await line.locator('a', { hasText: 'development: on' }).waitFor({ timeout: 30_000 });
  });

  it('asks before toggling a protected environment from its lens, showing what changes', async () => {
    const { page, screenshot } = session();
    const line = lensLine(page, ['development: on', 'staging: rules, else on']);
    assert.equal(savedState('production'), 'ENABLED');

    await line.locator('a', { hasText: 'production: rules, else 25% on' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /Disable new-checkout in production\?/);
    assert.match(text, /production: rules, else 25% on → disabled/);
    await screenshot('protected-toggle-confirmation');
    await dialog.locator('a.monaco-button, button', { hasText: 'Apply' }).first().click();

    await waitFor(
      () => (savedState('production') === 'DISABLED' ? true : undefined),
      'production.flagd.json saved with new-checkout DISABLED',
    );
    await line.locator('a', { hasText: 'production: disabled' }).click();
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('a.monaco-button, button', { hasText: 'Apply' }).first().click();
    await waitFor(
      () => (savedState('production') === 'ENABLED' ? true : undefined),
      'production.flagd.json saved with new-checkout ENABLED',
    );
  });

  it('lists the flags in the Flaglens tree view', async () => {
    const { page, screenshot } = session();
    await page
      .locator(
        '.activitybar .action-item a[aria-label^="Flaglens"], .activitybar .action-label[aria-label^="Flaglens"]',
      )
      .first()
      .click();
    const flagsView = page
      .locator('.pane', { has: page.locator('.pane-header', { hasText: /^Flags/ }) })
      .first();
    for (const flag of ['new-checkout', 'express-shipping', 'pricing-page-layout']) {
      await page.locator('.monaco-list-row', { hasText: flag }).first().waitFor({ timeout: 30_000 });
    }
    await screenshot('flags-tree-view');
    assert.ok(await flagsView.count());
  });

  it('saves a new percentage from the rollout editor form', async () => {
    const { page, screenshot } = session();
    const stagingFile = join(session().workspace, 'flags', 'staging.flagd.json');
    const before = readFileSync(stagingFile, 'utf8');
    // Flags view (opened by the previous test): new-checkout > staging > "Edit Rollout and Targeting".
    const flagRow = page.locator('.monaco-list-row', { hasText: 'new-checkout' }).first();
    await flagRow.click();
    if ((await flagRow.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
    // The list only renders rows in view: walk down to staging with the keyboard, which scrolls.
    const stagingRow = page.locator('.monaco-list-row.focused', { hasText: /^staging/ });
    // A click can also collapse the row or leave focus elsewhere: expand when on the flag, else go down.
    for (let step = 0; step < 12 && !(await stagingRow.isVisible()); step++) {
      const onFlag = page.locator('.monaco-list-row.focused', { hasText: 'new-checkout' });
      const collapsed =
        (await onFlag.isVisible()) && (await onFlag.getAttribute('aria-expanded')) === 'false';
      await page.keyboard.press(collapsed ? 'ArrowRight' : 'ArrowDown');
    }
    await stagingRow.waitFor({ timeout: 10_000 });
    await stagingRow.hover();
    await stagingRow.locator('.action-label[aria-label="Edit Rollout and Targeting"]').click();

    const form = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const percent = form.locator('#rollout-number');
    await percent.waitFor({ timeout: 30_000 });
    await percent.fill('30');
    await percent.press('Enter');
    await percent.dispatchEvent('change');
    await form
      .locator('#preview-description', { hasText: 'Roll new-checkout out to 30% on in staging' })
      .waitFor({ timeout: 30_000 });
    await screenshot('rollout-editor-preview');
    await form.locator('#save').click();

    await waitFor(
      () => (/\["on", 30\],\s*\["off", 70\]/.test(readFileSync(stagingFile, 'utf8')) ? true : undefined),
      'staging.flagd.json saved with a 30% rollout',
    );
    await form.locator('#serving', { hasText: 'rules, else 30% on' }).waitFor({ timeout: 30_000 });
    await screenshot('rollout-editor-saved');
    writeFileSync(stagingFile, before);
  });
});
