/**
 * What a person does and sees in the VS Code workbench, through Playwright: the explorer, the
 * editor's code lenses and hovers. Selectors are VS Code's own DOM classes (stable for years).
 */
import type { Locator, Page } from 'playwright-core';

/**
 * Opens a workspace file by clicking through the explorer, folder by folder, as a person would
 * (Enter in quick open proved flaky in code-server). Resolves when its editor tab is active.
 */
export async function openFromExplorer(page: Page, relativePath: string): Promise<void> {
  const segments = relativePath.split('/');
  for (const [depth, name] of segments.entries()) {
    const row = page.locator(
      `.explorer-folders-view .monaco-list-row[aria-level="${depth + 1}"][aria-label="${name}"]`,
    );
    await row.waitFor({ timeout: 30_000 });
    const isFolder = depth < segments.length - 1;
    if (isFolder && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
  }
  const fileName = segments[segments.length - 1];
  await page.locator(`.tabs-container .tab.active[aria-label^="${fileName}"]`).waitFor({ timeout: 30_000 });
}

/** The lens line (one `.codelens-decoration`) that shows all of `titles`. */
export function lensLine(page: Page, titles: string[]): Locator {
  let line = page.locator('.monaco-editor .codelens-decoration');
  for (const title of titles) line = line.filter({ has: page.locator('a', { hasText: title }) });
  return line;
}

/** The titles of a lens line's commands, in order. */
export async function lensTitles(line: Locator): Promise<string[]> {
  return (await line.locator('a').allTextContents()).map((text) => text.trim());
}

/**
 * Scrolls the active editor so that the first `text` is in view, as the find widget does
 * (Ctrl+F reveals the match in the middle of the editor), and leaves the cursor on it.
 */
export async function revealText(page: Page, text: string): Promise<Locator> {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+F');
  const findInput = page
    .locator(
      '.editor-group-container.active .find-widget.visible textarea, .editor-group-container.active .find-widget.visible input',
    )
    .first();
  await findInput.waitFor({ timeout: 10_000 });
  await findInput.fill(text);
  // Escape goes to whatever has focus; a notification can take it, so close the widget from
  // its own input and try again until it is gone.
  const widget = page.locator('.editor-group-container.active .find-widget.visible');
  for (let attempt = 0; ; attempt++) {
    if (await widget.isVisible()) await findInput.press('Escape').catch(() => undefined);
    try {
      await widget.waitFor({ state: 'hidden', timeout: 3_000 });
      break;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
  const line = page
    .locator('.editor-group-container.active .monaco-editor .view-line', { hasText: text })
    .first();
  await line.waitFor({ timeout: 10_000 });
  return line;
}

/** Moves the mouse over the first token `token` on the editor line containing `lineText`. */
export async function hoverToken(page: Page, lineText: string, token: string): Promise<Locator> {
  const line = await revealText(page, lineText);
  const span = line.locator('span > span', { hasText: new RegExp(`^${token}$`) }).first();
  await span.hover();
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  await hover.waitFor({ timeout: 30_000 });
  return hover;
}

/** Runs a command from the command palette by its title, as a person would (F1, type, Enter). */
export async function runCommand(page: Page, title: string): Promise<void> {
  // With the focus in a webview (a walkthrough's media, a report), the first F1 can open a
  // palette the workbench still holds inert: close it and ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      await page
        .locator('.quick-input-widget .monaco-list-row', { hasText: title })
        .first()
        .waitFor({ timeout: 10_000 });
      await input.press('Enter');
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
      // Focus back in the workbench: the side bar's title does nothing when clicked.
      await page
        .locator('.part.sidebar .title-label')
        .first()
        .click({ timeout: 5_000 })
        .catch(() => undefined);
    }
  }
}
