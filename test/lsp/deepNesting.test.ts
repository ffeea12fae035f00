import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';

const demo = join(repoRoot, 'examples/demo');

/** The CLI, bounded (spawnSync blocks the event loop: mocha's timeout could not stop a hang). */
function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30000,
    env: { ...process.env, FLAGLENS_NOW: '2026-11-24T12:00:00Z' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A flag whose targeting nests `depth` `if`s, each an object holding an array. */
function deepRegistry(depth: number): string {
  let targeting = '"on"';
  for (let level = 0; level < depth; level++) targeting = `{ "if": [true, ${targeting}, "off"] }`;
  return `{ "flags": { "deep": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off", "targeting": ${targeting} } } }\n`;
}

/** Recommendations.tsx, the only reader of smart-recommendations, with its read 1,000 parentheses deep. */
function nestTheRead(dir: string): void {
  const file = join(dir, 'src/web/Recommendations.tsx');
  const text = readFileSync(file, 'utf8');
  const read = 'useBooleanFlagValue(FlagKey.SmartRecommendations, false)';
  assert.ok(text.includes(read));
  writeFileSync(file, text.replace(read, `${'('.repeat(1000)}${read}${')'.repeat(1000)}`));
}

describe('deeply nested registry, experiment and code files', function () {
  this.timeout(60000);
  let temp: { dir: string; dispose(): void };
  beforeEach(() => (temp = copyToTemp(demo)));
  afterEach(() => temp.dispose());

  it('check reports a registry file nested 3,000 deep at the file and checks the rest of the workspace', () => {
    writeFileSync(join(temp.dir, 'flags/qa.flagd.json'), deepRegistry(3000));
    writeFileSync(
      join(temp.dir, 'experiments/deep.experiment.json'),
      `${'['.repeat(3000)}${']'.repeat(3000)}`,
    );
    const result = cli(temp.dir, 'check');
    assert.doesNotMatch(result.stderr, /internal error|call stack/i);
    assert.match(
      result.stdout,
      /flags\/qa\.flagd\.json:1:\d+: error registry\/too-deep: Nested more than 256 levels/,
    );
    assert.match(result.stdout, /experiments\/deep\.experiment\.json:1:\d+: error experiment\/too-deep/);
    assert.match(
      result.stdout,
      /src\/web\/Recommendations\.tsx:\d+:\d+: warning code\/missing-in-environment/,
    );
    assert.equal(result.status, 1);
  });

  it('a flag read only inside code nested 1,000 deep is never called unused or ready for removal, and the file is reported', () => {
    nestTheRead(temp.dir);
    const check = cli(temp.dir, 'check');
    assert.match(
      check.stdout,
      /src\/web\/Recommendations\.tsx:1:1: warning code\/analysis-failed: .*nested too deeply/,
    );
    assert.doesNotMatch(check.stdout, /registry\/unused-flag/);
    const stale = cli(temp.dir, 'stale', '--no-git', '--format', 'json');
    const verdicts = JSON.parse(stale.stdout) as {
      flag: string;
      reasons: string[];
      readyForRemoval: boolean;
    }[];
    assert.ok(verdicts.length > 0);
    for (const verdict of verdicts) {
      assert.ok(!verdict.reasons.includes('unused'), `${verdict.flag} called unused`);
      assert.equal(verdict.readyForRemoval, false, `${verdict.flag} called ready for removal`);
    }
  });

  it('the live server keeps its code index when a registry file is nested 3,000 deep', async () => {
    writeFileSync(join(temp.dir, 'flags/qa.flagd.json'), deepRegistry(3000));
    const client = await TestLspClient.start(temp.dir);
    try {
      const ready = await client.indexReady;
      assert.ok(ready.usages > 0, 'the code index is not empty');
      const diagnostics = await client.waitForDiagnostics('flags/qa.flagd.json', (list) => list.length > 0);
      assert.deepEqual(
        diagnostics.map((diagnostic) => diagnostic.code),
        ['registry/too-deep'],
      );
      await client.waitForDiagnostics('src/web/Recommendations.tsx', (list) =>
        list.some((diagnostic) => diagnostic.code === 'code/missing-in-environment'),
      );
    } finally {
      await client.stop();
    }
  });
});
