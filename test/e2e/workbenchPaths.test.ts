/**
 * Everyday paths a new user walks in the workbench, as they see them: a registry file and its
 * Outline, the walkthrough's media, and the stale-flag cleanup from a usage's quick fix through
 * the Refactor Preview. Runs after workbench.test.ts (file order).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { session } from './support/session';
import { waitFor } from './support/wait';
import { openFromExplorer, revealText, runCommand } from './support/workbench';

const registryFiles = ['development', 'staging', 'production'].map((env) => `flags/${env}.flagd.json`);
const cleanupFiles = [
  'src/server/shipping.ts',
  'src/server/checkout.ts',
  'src/web/PricingPage.tsx',
  ...registryFiles,
];

/** Error notifications on screen (toasts), with their text. */
async function errorToasts(page: Page): Promise<string[]> {
  return page
    .locator('.notifications-toasts .notification-toast', { has: page.locator('.codicon-error') })
    .allTextContents();
}

/** Waits for a notification (toast or in the notification center) with `text`. */
async function notification(page: Page, text: string): Promise<void> {
  const message = page.locator('.notification-list-item-message', { hasText: text }).first();
  try {
    // The server answers after it re-read what the edit changed: on a loaded machine that can
    // take a while.
    await message.waitFor({ timeout: 90_000 });
  } catch (error) {
    // A toast VS Code already hid is still in the notification center.
    await runCommand(page, 'Notifications: Show Notifications');
    const listed = page.locator('.notifications-center .notification-list-item-message', { hasText: text });
    if (
      await listed
        .first()
        .waitFor({ timeout: 10_000 })
        .then(
          () => true,
          () => false,
        )
    ) {
      await runCommand(page, 'Notifications: Hide Notifications');
      return;
    }
    const all = await page.locator('.notification-list-item-message').allTextContents();
    throw new Error(`${(error as Error).message}\nnotifications: ${JSON.stringify(all)}`);
  }
}

const read = (file: string) => readFileSync(join(session().workspace, file), 'utf8');

describe('Everyday paths in the VS Code workbench', () => {
  it('opens each demo registry file with no error notification, the Outline listing its flags', async () => {
    const { page, screenshot } = session();
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'View: Show Explorer');
    for (const file of registryFiles) {
      await openFromExplorer(page, file);
      const flags = Object.keys((JSON.parse(read(file)) as { flags: object }).flags);
      await runCommand(page, 'Explorer: Focus on Outline View');
      const outline = page.locator('.pane', {
        has: page.locator('.pane-header', { hasText: /^Outline/i }),
      });
      // The Outline's first rows (the list renders only the rows in view).
      for (const flag of flags.slice(0, 3))
        await outline.locator('.monaco-list-row', { hasText: flag }).first().waitFor({ timeout: 30_000 });
      assert.deepEqual(await errorToasts(page), [], `${file}: error notifications`);
      await screenshot(`outline-${file.split('/')[1].replace('.flagd.json', '')}`);
    }
  });

  it('shows no schema warning for a registry file in the Problems panel', async () => {
    const { page, screenshot } = session();
    await runCommand(page, 'View: Show Explorer');
    await openFromExplorer(page, 'flags/production.flagd.json');
    await runCommand(page, 'Problems: Focus on Problems View');
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ timeout: 10_000 });
    // The file's own (Flaglens) problems are listed: the panel shows this file's diagnostics.
    await problems
      .locator('.monaco-list-row', { hasText: 'express-shipping' })
      .first()
      .waitFor({ timeout: 30_000 });
    const rows = await problems.locator('.monaco-list-row').allTextContents();
    assert.deepEqual(
      rows.filter((row) => /schema|flagd\.dev|untrusted/i.test(row)),
      [],
      'rows about the $schema URL',
    );
    await screenshot('problems-registry-file');
    await page.keyboard.press('Escape');
  });

  it('shows each walkthrough step with its own media', async () => {
    const { page, screenshot } = session();
    // One wide editor group: a narrow walkthrough hides its media.
    await runCommand(page, 'View: Close All Editor Groups');
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: 'Get started with Flaglens' })
      .first()
      .click();
    const steps = page.locator('.getting-started-step');
    await steps.first().waitFor({ timeout: 30_000 });
    const expected: [string, string][] = [
      ['Keep flags in flagd files', 'Flags live in flagd files'],
      ['See and toggle flags where they are used', 'Every flag read shows what each environment serves'],
      ['Edit rollouts and targeting', 'Rollouts and targeting, with a live preview'],
      ['Remove stale flags', 'Remove flags that are done'],
    ];
    for (const [index, [title, heading]] of expected.entries()) {
      const step = page.locator('.getting-started-step', { hasText: title }).first();
      await step.click();
      // Markdown media is rendered in a webview next to the steps.
      const media = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
      await media.locator('h1', { hasText: heading }).waitFor({ timeout: 30_000 });
      const description = (await step.locator('.step-description-container').textContent()) ?? '';
      assert.doesNotMatch(description, /`/, `${title}: raw backticks`);
      await screenshot(`walkthrough-step-${index + 1}`);
    }
    await runCommand(page, 'View: Close All Editors');
  });

  describe('cleaning up a stale flag from its quick fix', () => {
    let before: Map<string, string>;
    beforeEach(() => {
      before = new Map(cleanupFiles.map((file) => [file, read(file)]));
    });
    afterEach(async () => {
      const { page } = session();
      // A menu a failed test left open would swallow the command palette.
      await page.keyboard.press('Escape');
      // Edited buffers VS Code holds without an editor would not take the files put back on
      // disk: save them first, so they follow the disk.
      await runCommand(page, 'File: Save All Files');
      await runCommand(page, 'View: Close All Editors');
      for (const [file, text] of before) writeFileSync(join(session().workspace, file), text);
    });

    /** Opens the Refactor Preview of the cleanup quick fix on the stale usage in shipping.ts. */
    async function previewCleanup(page: Page) {
      await runCommand(page, 'View: Show Explorer');
      await openFromExplorer(page, 'src/server/shipping.ts');
      await revealText(page, 'EXPRESS_SHIPPING, false');
      const action = page.locator('.action-widget .monaco-list-row', {
        hasText: 'Clean up stale flag "express-shipping"',
      });
      // Files put back by the previous test are re-read by the server: until its stale-flag
      // diagnostic is back, the menu has no cleanup. Open the menu again until it has.
      await waitFor(
        async () => {
          await page.keyboard.press('Control+.');
          const opened = await page
            .locator('.action-widget .monaco-list-row')
            .first()
            .waitFor({ timeout: 5_000 })
            .then(
              () => true,
              () => false,
            );
          if (opened && (await action.isVisible())) return true;
          await page.keyboard.press('Escape');
          return undefined;
        },
        'the cleanup in the quick fix menu of the stale usage',
        60_000,
      );
      // Hovering focuses the action (and resolves its edit); Ctrl+Enter previews it.
      await action.hover();
      await page
        .locator('.action-widget .monaco-list-row.focused', { hasText: 'Clean up stale flag' })
        .waitFor();
      await page.keyboard.press('Control+Enter');
      const panel = page.locator('.bulk-edit-panel[data-state="data"]');
      await panel.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
      return panel;
    }

    it('previews every change of the cleanup checked, and Apply cleans the code and the registry', async () => {
      const { page, screenshot } = session();
      const panel = await previewCleanup(page);
      const boxes = panel.locator('.edit-checkbox');
      assert.ok((await boxes.count()) > 0, 'the preview lists changes');
      const unchecked = await panel
        .locator('.monaco-list-row', { has: page.locator('.edit-checkbox:not(.checked)') })
        .allTextContents();
      assert.deepEqual(unchecked, [], 'changes the preview starts unticked');
      await screenshot('cleanup-refactor-preview');

      await panel.locator('.buttons .monaco-button', { hasText: 'Apply' }).click();

      await waitFor(
        () =>
          !/EXPRESS_SHIPPING/.test(read('src/server/shipping.ts')) &&
          registryFiles.every((file) => !/"express-shipping"/.test(read(file)))
            ? true
            : undefined,
        'shipping.ts and every registry file saved without express-shipping',
      );
      await notification(page, 'Flaglens: Clean up express-shipping (always true).');
      await screenshot('cleanup-applied');
    });

    it('puts everything back when a file is unticked in the preview, and says why', async () => {
      const { page, screenshot } = session();
      const panel = await previewCleanup(page);
      // Untick one code file (its row, not one of its changes): applying the rest would leave
      // checkout.ts reading a flag the registry no longer has.
      const fileRow = panel.locator('.monaco-list-row', { hasText: /^\s*checkout\.ts/ }).first();
      await fileRow.locator('.edit-checkbox').first().click();
      await fileRow.locator('.edit-checkbox:not(.checked)').first().waitFor({ timeout: 10_000 });
      await screenshot('cleanup-preview-unticked');

      await panel.locator('.buttons .monaco-button', { hasText: 'Apply' }).click();

      await notification(page, 'so Flaglens put them back');
      await screenshot('cleanup-partial-put-back');
      // What the editors hold now reaches the disk: it must be what was there before.
      await runCommand(page, 'File: Save All Files');
      for (const [file, text] of before) assert.equal(read(file), text, `${file} as it was`);
    });
  });
});
