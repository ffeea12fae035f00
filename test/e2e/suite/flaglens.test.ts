/**
 * Flaglens inside the real extension host, on the copy of examples/demo the run opened. The
 * expected texts come from the demo's registry (examples/demo/flags/*.flagd.json): new-checkout
 * is on in development, a 25% rollout after the rules in production, and ruled but on for
 * everyone else in staging. Environments are in alphabetical order.
 */
import { strict as assert } from 'node:assert';
import type { IndexReadyNotification } from '../../../shared/src/protocol';
import {
  closeAllEditors,
  hoverText,
  indexReady,
  lensTitlesOnLine,
  openWorkspaceFile,
  positionOf,
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
});
