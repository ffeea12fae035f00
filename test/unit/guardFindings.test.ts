import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUARD_ROLLBACK_CODE, guardFindings, rollbackEdits } from '../../server/src/core/guard/guardFindings';
import { applyOffsetEdits } from '../../server/src/core/textEdit';
import { FlagWorkspace } from '../../server/src/core/workspace/flagWorkspace';
import { checkRollout } from '../../server/src/node/guard/analyzeRollout';
import { nodeHost } from '../../server/src/node/nodeHost';
import { repoRoot } from '../support/cli';
import { positionOf } from '../support/text';

describe('rollback verdicts as findings (for the language server)', function () {
  this.timeout(30000);

  it("mark the flag in the registry, its usages and the plan, and the fix is the plan's rollback edit", async () => {
    const root = join(repoRoot, 'examples/demo').replace(/\\/g, '/');
    const workspace = new FlagWorkspace({ root, host: nodeHost });
    await workspace.load();
    await workspace.indexCode();
    const at = new Date('2026-12-04T00:00:00Z');
    const reports = await Promise.all(
      workspace.rollouts.plans().map((plan) => checkRollout(workspace, plan, { at })),
    );
    const findings = guardFindings(workspace, reports);
    const registry = readFileSync(join(root, 'flags/production.flagd.json'), 'utf8');
    const quote = readFileSync(join(root, 'src/server/quote.ts'), 'utf8');
    assert.deepEqual(
      findings.map((finding) => [
        finding.file,
        finding.range.start,
        finding.severity,
        finding.code,
        finding.flag,
      ]),
      [
        [
          'flags/production.flagd.json',
          positionOf(registry, '"new-api"'),
          'error',
          GUARD_ROLLBACK_CODE,
          'new-api',
        ],
        ['src/server/quote.ts', positionOf(quote, "'new-api'"), 'warning', GUARD_ROLLBACK_CODE, 'new-api'],
        [
          'rollouts/new-api.rollout.json',
          { line: 2, character: 10 },
          'error',
          GUARD_ROLLBACK_CODE,
          'new-api',
        ],
      ],
    );
    assert.match(
      findings[0].message,
      /^Guarded rollout new-api \(production\): on is worse: quote errors \+[\d.]+ pts vs off/,
    );
    const plan = workspace.rollouts.plans().find((item) => item.flag === 'new-api')!;
    assert.equal(
      applyOffsetEdits(registry, rollbackEdits(registry, plan)),
      registry.replace('["on", 25], ["off", 75]', '["on", 0], ["off", 100]'),
    );
    const killed = applyOffsetEdits(registry, rollbackEdits(registry, { ...plan, rollback: 'kill' }));
    const entry = killed.indexOf('"new-api": {');
    assert.equal(killed.slice(entry, entry + 60).includes('"state": "DISABLED"'), true);
  });
});
