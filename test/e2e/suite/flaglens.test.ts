/**
 * Flaglens inside the real extension host, on the copy of examples/demo the run opened. The
 * expected texts come from the demo's registry (examples/demo/flags/*.flagd.json): new-checkout
 * is on in development, a 25% rollout after the rules in production, and ruled but on for
 * everyone else in staging. Environments are in alphabetical order.
 */
import { strict as assert } from 'node:assert';
import type { IndexReadyNotification } from '../../../shared/src/protocol';
import * as vscode from 'vscode';
import {
  activateFlaglens,
  closeAllEditors,
  waitFor,
  hoverText,
  indexReady,
  lensTitlesOnLine,
  openWorkspaceFile,
  positionOf,
  workspaceUri,
} from './helpers';

const checkoutFile = 'src/server/checkout.ts';
/** `getBooleanDetails(NEW_CHECKOUT, ...)`: new-checkout read through a destructured constant. */
const newCheckoutUsage = 'NEW_CHECKOUT, false, context';

describe('Flaglens in VS Code', () => {
  let index: IndexReadyNotification.Params;

  before(async function () {
    this.timeout(120_000);
    index = await indexReady();
  });

  after(closeAllEditors);

  it('activates and reports its first index of the workspace', () => {
    assert.ok(index.flags > 0, `flags: ${index.flags}`);
    assert.ok(index.usages > 0, `usages: ${index.usages}`);
    assert.ok(index.files > 0, `files: ${index.files}`);
  });

  it('shows what every environment serves in the lenses on a usage line', async () => {
    const editor = await openWorkspaceFile(checkoutFile);
    const usage = positionOf(editor.document, newCheckoutUsage);

    const titles = await lensTitlesOnLine(editor.document.uri, usage.line);

    assert.deepEqual(titles, [
      'development: on',
      'production: rules, else 25% on',
      'staging: rules, else on',
    ]);
  });

  it('describes the flag in the hover on a usage', async () => {
    const editor = await openWorkspaceFile(checkoutFile);
    const usage = positionOf(editor.document, newCheckoutUsage);

    const hover = await hoverText(editor.document.uri, usage.translate(0, 2));

    assert.ok(hover.includes('**new-checkout**'), hover);
    assert.ok(hover.includes('One-page checkout that replaces the three-step wizard.'), hover);
    assert.ok(hover.includes('| production 🔒 | rules, else 25% on |'), hover);
  });

  it('hides the lenses while flaglens.codeLens.enabled is false for the folder, and shows them again', async () => {
    const editor = await openWorkspaceFile(checkoutFile);
    const usage = positionOf(editor.document, newCheckoutUsage);
    const settings = vscode.workspace.getConfiguration('flaglens', editor.document.uri);
    await settings.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      assert.deepEqual(await lensTitlesOnLine(editor.document.uri, usage.line), []);
    } finally {
      await settings.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal((await lensTitlesOnLine(editor.document.uri, usage.line)).length, 3);
  });

  it('saves a new percentage from the rollout editor', async () => {
    const api = await activateFlaglens();
    const file = workspaceUri('flags/staging.flagd.json');
    const before = (await vscode.workspace.fs.readFile(file)).toString();
    await vscode.commands.executeCommand('flaglens.editRollout', 'new-checkout', 'staging');
    const editor = api
      .ruleEditors()
      .find((candidate) => candidate.flag === 'new-checkout' && candidate.env === 'staging');
    assert.ok(editor, 'the rule editor opened');
    const outcome = await editor.apply('flaglens.setRollout', { variant: 'on', percent: 40 });
    assert.equal(outcome.applied, true, outcome.reason);
    const after = (await vscode.workspace.fs.readFile(file)).toString();
    assert.match(after, /\["on", 40\],\s*\["off", 60\]/);
    await vscode.workspace.fs.writeFile(file, Buffer.from(before));
    editor.panel.dispose();
  });

  it('cleans up a stale flag across the code and the registry', async () => {
    await activateFlaglens();
    const files = [
      'src/server/shipping.ts',
      'src/server/checkout.ts',
      'src/web/PricingPage.tsx',
      'flags/development.flagd.json',
      'flags/staging.flagd.json',
      'flags/production.flagd.json',
    ];
    const before = new Map<string, Uint8Array>();
    for (const file of files) before.set(file, await vscode.workspace.fs.readFile(workspaceUri(file)));
    const stale =
      await vscode.commands.executeCommand<{ flag: string; servedValue?: unknown }[]>(
        'flaglens.listStaleFlags',
      );
    const verdict = stale.find((candidate) => candidate.flag === 'express-shipping');
    assert.equal(verdict?.servedValue, true);
    // The previous test restored staging.flagd.json on disk; until the server has re-read it, a
    // cleanup planned on the old text is refused ("changed on disk ... Try again"), as a person
    // would be told. Try again on that refusal only.
    const outcome = await waitFor(async () => {
      const attempt = await vscode.commands.executeCommand<{ applied: boolean; reason?: string }>(
        'flaglens.cleanupStaleFlag',
        verdict,
        { preview: false },
      );
      return attempt?.reason?.includes('changed on disk') ? undefined : attempt;
    }, 'a cleanup not refused for a file changed on disk');
    assert.equal(outcome?.applied, true, outcome?.reason);
    const shipping = (await vscode.workspace.fs.readFile(workspaceUri('src/server/shipping.ts'))).toString();
    assert.doesNotMatch(shipping, /EXPRESS_SHIPPING|legacyShippingOptions/);
    const production = (
      await vscode.workspace.fs.readFile(workspaceUri('flags/production.flagd.json'))
    ).toString();
    assert.doesNotMatch(production, /"express-shipping"/);
    for (const [file, bytes] of before) await vscode.workspace.fs.writeFile(workspaceUri(file), bytes);
  });

  it('offers the cleanup as a quick fix resolved to one edit, which applies whole and is saved', async () => {
    await activateFlaglens();
    const files = [
      'src/server/shipping.ts',
      'src/server/checkout.ts',
      'src/web/PricingPage.tsx',
      'flags/development.flagd.json',
      'flags/staging.flagd.json',
      'flags/production.flagd.json',
    ];
    const before = new Map<string, Uint8Array>();
    for (const file of files) before.set(file, await vscode.workspace.fs.readFile(workspaceUri(file)));
    const editor = await openWorkspaceFile('src/server/shipping.ts');
    // The previous test put the files back: wait until the server has them all again and
    // offers the cleanup on the stale usage, as the hover's "Quick Fix" asks (quickfix only),
    // resolved as VS Code resolves the action a person picks.
    const cleanup = await waitFor(async () => {
      const stale = vscode.languages
        .getDiagnostics(editor.document.uri)
        .find((diagnostic) => diagnostic.code === 'code/stale-flag');
      if (!stale) return undefined;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        editor.document.uri,
        stale.range,
        vscode.CodeActionKind.QuickFix.value,
        10,
      );
      return actions.find((action) => action.title === 'Clean up stale flag "express-shipping" (keep true)');
    }, 'the cleanup quick fix on the stale usage');
    assert.ok(cleanup.edit, 'the action carries its edit');
    const changed = cleanup.edit.entries().map(([uri]) => vscode.workspace.asRelativePath(uri, false));
    for (const file of ['src/server/shipping.ts', ...files.filter((file) => file.startsWith('flags/'))])
      assert.ok(changed.includes(file), `${file} in ${changed.join(', ')}`);
    assert.ok(cleanup.command, 'a command checks the edit after VS Code applied it');
    // What VS Code does when the action is picked: apply the edit, then run its command.
    assert.equal(await vscode.workspace.applyEdit(cleanup.edit), true);
    const outcome = await vscode.commands.executeCommand<{ applied: boolean; reason?: string }>(
      cleanup.command.command,
      ...(cleanup.command.arguments ?? []),
    );
    assert.equal(outcome?.applied, true, outcome?.reason);
    assert.doesNotMatch(
      (await vscode.workspace.fs.readFile(workspaceUri('src/server/shipping.ts'))).toString(),
      /EXPRESS_SHIPPING/,
      'saved',
    );
    assert.doesNotMatch(
      (await vscode.workspace.fs.readFile(workspaceUri('flags/production.flagd.json'))).toString(),
      /"express-shipping"/,
      'saved',
    );
    await closeAllEditors();
    for (const [file, bytes] of before) await vscode.workspace.fs.writeFile(workspaceUri(file), bytes);
  });

  it('cleans up every stale flag that is ready with the batch command', async () => {
    await activateFlaglens();
    // The previous test put the files back; the server sees them again through its watcher.
    const ready = await waitFor(async () => {
      const stale =
        await vscode.commands.executeCommand<
          { flag: string; readyForRemoval: boolean; servedValue?: unknown }[]
        >('flaglens.listStaleFlags');
      const flags = stale
        .filter((verdict) => verdict.readyForRemoval && verdict.servedValue !== undefined)
        .map((verdict) => verdict.flag);
      return flags.includes('express-shipping') && flags.includes('gift-cards') ? flags : undefined;
    }, 'express-shipping and gift-cards ready for removal');
    const registryFiles = [
      'flags/development.flagd.json',
      'flags/staging.flagd.json',
      'flags/production.flagd.json',
    ];
    const codeFiles = (await vscode.workspace.findFiles('src/**/*.{ts,tsx}')).map((uri) =>
      vscode.workspace.asRelativePath(uri, false),
    );
    const before = new Map<string, Uint8Array>();
    for (const file of [...registryFiles, ...codeFiles])
      before.set(file, await vscode.workspace.fs.readFile(workspaceUri(file)));
    const outcome = await vscode.commands.executeCommand<{ applied: boolean; reason?: string }>(
      'flaglens.cleanupAllStaleFlags',
      { preview: false },
    );
    assert.equal(outcome?.applied, true, outcome?.reason);
    const production = (
      await vscode.workspace.fs.readFile(workspaceUri('flags/production.flagd.json'))
    ).toString();
    for (const flag of ready) assert.doesNotMatch(production, new RegExp(`"${flag}"`));
    assert.match(production, /"new-checkout"/, 'flags that are not ready stay');
    await closeAllEditors();
    for (const [file, bytes] of before) await vscode.workspace.fs.writeFile(workspaceUri(file), bytes);
  });
});
