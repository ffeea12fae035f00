/**
 * The suite that ran inside the VS Code extension host (test/e2e/suite), reported here one test
 * per inner test, with the inner error and stack when one failed.
 */
import { strict as assert } from 'node:assert';
import { type Context, Test } from 'mocha';
import { session } from './support/session';

describe('Inside the VS Code extension host', function () {
  before(function () {
    const { inner } = session();
    if (inner.crashed) throw new Error(`the suite could not run inside VS Code:\n${inner.crashed}`);
    // Tests added by a before hook run after it: one outer test per inner result.
    const suite = this.test?.parent;
    if (!suite) throw new Error('mocha gave the hook no suite');
    for (const result of inner.tests) {
      suite.addTest(
        new Test(result.titlePath.join(' › '), function (this: Context) {
          if (result.state === 'pending') this.skip();
          if (result.state === 'failed') {
            const error = new Error(result.error?.message ?? 'failed');
            error.stack = result.error?.stack ?? error.message;
            throw error;
          }
        }),
      );
    }
  });

  it('ran the suite to the end in VS Code', () => {
    const { inner } = session();
    assert.match(inner.vscodeVersion, /^\d+\.\d+\.\d+/);
    assert.ok(inner.tests.length > 0, 'the suite reported no tests');
  });
});
