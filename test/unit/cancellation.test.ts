import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import {
  cancellationCheckpoint,
  OperationCancelled,
  type Cancellation,
} from '../../server/src/core/cancellation';
import { referencesAt } from '../../server/src/core/features/navigation';
import { workspaceSymbols } from '../../server/src/core/features/symbols';
import { FlagWorkspace } from '../../server/src/core/workspace/flagWorkspace';
import { nodeHost } from '../../server/src/node/nodeHost';
import { repoRoot } from '../support/cli';

describe('cancellation of loops over many files', () => {
  it('lets a cancellation set by the event loop in, and then throws OperationCancelled', async () => {
    const token = { isCancellationRequested: false };
    // Like a `$/cancelRequest`: it can only arrive when the loop yields to the event loop.
    setTimeout(() => (token.isCancellationRequested = true), 0);
    const checkpoint = cancellationCheckpoint(token, 0);
    let checks = 0;
    await assert.rejects(async () => {
      while (checks < 1000) {
        checks++;
        await checkpoint();
      }
    }, OperationCancelled);
    assert.ok(checks < 1000, `cancelled after ${checks} checks`);
  });

  describe('on the LSP fixture workspace', () => {
    let workspace: FlagWorkspace;
    const cancelled: Cancellation = { isCancellationRequested: true };

    before(async () => {
      workspace = new FlagWorkspace({ root: join(repoRoot, 'test/fixtures/lsp-workspace'), host: nodeHost });
      await workspace.load();
      await workspace.indexCode();
    });

    it('finds references when not cancelled, and stops with OperationCancelled when cancelled', async () => {
      const position = { line: 8, character: 50 };
      assert.deepEqual(
        (await referencesAt(workspace, 'src/checkout.ts', position, false)).map(
          (location) => `${location.uri.split('/').pop()}:${location.range.start.line}`,
        ),
        ['billing.ts:9', 'checkout.ts:8', 'checkout.ts:10'],
      );
      await assert.rejects(
        referencesAt(workspace, 'src/checkout.ts', position, false, cancelled),
        OperationCancelled,
      );
    });

    it('stops a workspace symbol search with OperationCancelled when cancelled', async () => {
      assert.equal((await workspaceSymbols(workspace, 'color')).length, 2);
      await assert.rejects(workspaceSymbols(workspace, 'color', cancelled), OperationCancelled);
    });
  });
});
