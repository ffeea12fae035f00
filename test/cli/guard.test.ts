import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GuardReport } from '../../shared/src/rollout';
import { copyToTemp, repoRoot, runCli } from '../support/cli';

const demo = join(repoRoot, 'examples/demo');
const AT = '2026-12-04T00:00:00Z';
/** The truths examples/demo/scripts/generate-rollout-events.mjs generated the events with. */
const TRUTH = { newApiErrorIncrease: 0.035 - 0.01 };

interface GuardJson {
  rollouts: GuardReport[];
  errors: { rollout: string; file: string; error: string }[];
  applied?: string[];
}

function guard(args: string[]): { status: number | null; json: GuardJson; stderr: string } {
  const result = runCli(['guard', ...args, '--format', 'json']);
  assert.equal(result.stderr.includes('    at '), false, `no stack trace: ${result.stderr}`);
  return { status: result.status, json: JSON.parse(result.stdout) as GuardJson, stderr: result.stderr };
}

function rolloutOf(json: GuardJson, key: string): GuardReport {
  const report = json.rollouts.find((item) => item.rollout === key);
  assert.ok(report, `no ${key} in ${json.rollouts.map((item) => item.rollout).join(', ')}`);
  return report;
}

/** Rewrites the demo copy's rollout events, line by line. */
function editEvents(dir: string, edit: (lines: string[]) => string[]): void {
  const path = join(dir, 'data/events/rollouts.ndjson');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  writeFileSync(path, `${edit(lines).join('\n')}\n`);
}

describe('flaglens guard on examples/demo', function () {
  this.timeout(60000);

  it('continues the healthy new-checkout rollout and rolls back new-api, whose errors rose: exit 1', () => {
    const { status, json } = guard(['--dir', demo, '--at', AT]);
    assert.equal(status, 1);
    assert.deepEqual(json.errors, []);
    const healthy = rolloutOf(json, 'new-checkout');
    assert.equal(healthy.decision.verdict, 'continue');
    assert.deepEqual(healthy.decision.action, { kind: 'advance', percent: 50 });
    assert.equal(healthy.currentPercent, 25);
    for (const result of healthy.guardrails) {
      assert.equal(result.status, 'ok', result.name);
      // No true difference: every interval holds 0.
      assert.ok(
        result.interval![0] < 0 && result.interval![1] > 0,
        `${result.name} ${result.interval!.join(', ')}`,
      );
    }
    assert.ok(healthy.health.srmOk);
    assert.equal(healthy.health.multipleExposures, 0);
    assert.ok(healthy.health.rampedUnits > 0, 'returning units moved to "on" by the steps');

    const regressed = rolloutOf(json, 'new-api');
    assert.equal(regressed.decision.verdict, 'rollback');
    assert.deepEqual(regressed.decision.action, { kind: 'rollout-to-zero' });
    const errors = regressed.guardrails.find((result) => result.name === 'quote errors')!;
    assert.equal(errors.status, 'worse');
    assert.ok(errors.interval![0] > 0, 'the interval is entirely on the worse side');
    assert.ok(
      errors.interval![0] < TRUTH.newApiErrorIncrease && TRUTH.newApiErrorIncrease < errors.interval![1],
      `the true +2.5 points lies in ${errors.interval!.join(', ')}`,
    );
    assert.match(
      regressed.decision.reason,
      /^on is worse: quote errors \+\d\.\d\d pts vs off \(on \d\.\d\d%, off \d\.\d\d%\), 99% interval \+\d\.\d\d to \+\d\.\d\d pts: roll back \(on to 0%\)\.$/,
    );
    assert.equal(regressed.guardrails.find((result) => result.name === 'quote latency')!.status, 'ok');
  });

  it('says the decision in text, and exits 0 for the healthy rollout alone', () => {
    const result = runCli(['guard', 'new-checkout', '--dir', demo, '--at', AT]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /decision: CONTINUE\. Healthy at 25% for 3\.6 days with [\d,]+ on units .*: continue to 50%\./,
    );
    const markdown = runCli(['guard', 'new-api', '--dir', demo, '--at', AT, '--format', 'markdown']);
    assert.equal(markdown.status, 1);
    assert.match(markdown.stdout, /^### new-api: rollback\n/);
  });

  it('--apply rolls new-api back on a copy: only the weights change in the registry, the step is recorded', () => {
    const temp = copyToTemp(demo);
    try {
      const registryPath = join(temp.dir, 'flags/production.flagd.json');
      const planPath = join(temp.dir, 'rollouts/new-api.rollout.json');
      const registryBefore = readFileSync(registryPath, 'utf8');
      const planBefore = readFileSync(planPath, 'utf8');
      const refused = runCli(['guard', 'new-api', '--dir', temp.dir, '--at', AT, '--apply']);
      assert.equal(refused.status, 1);
      assert.match(refused.stdout, /production is a protected environment; re-run with --yes/);
      assert.equal(readFileSync(registryPath, 'utf8'), registryBefore);
      assert.equal(readFileSync(planPath, 'utf8'), planBefore);

      const applied = runCli(['guard', 'new-api', '--dir', temp.dir, '--at', AT, '--apply', '--yes']);
      assert.equal(applied.status, 1, 'the check itself said rollback');
      assert.match(applied.stdout, /flags\/production\.flagd\.json: roll new-api back to 0% on/);
      const bucket = '{ "cat": ["new-api", { "var": "targetingKey" }] }, ["on", 25], ["off", 75]';
      assert.equal(registryBefore.split(bucket).length, 2, 'the demo rollout is where the test expects it');
      assert.equal(
        readFileSync(registryPath, 'utf8'),
        registryBefore.replace(
          bucket,
          '{ "cat": ["new-api", { "var": "targetingKey" }] }, ["on", 0], ["off", 100]',
        ),
      );
      const planAfter = readFileSync(planPath, 'utf8');
      const lastEntry = planBefore.lastIndexOf('}\n  ]');
      assert.equal(planAfter.slice(0, lastEntry + 1), planBefore.slice(0, lastEntry + 1));
      assert.match(
        planAfter.slice(lastEntry + 1),
        /^,\n {4}\{ "at": "2026-12-04T00:00:00Z", "action": "rollback", "percent": 0, "reason": "on is worse: quote errors \+.*" \}\n {2}\]\n\}\n$/,
      );

      const after = guard(['new-api', '--dir', temp.dir, '--at', '2026-12-04T01:00:00Z']);
      assert.equal(after.status, 0);
      assert.equal(rolloutOf(after.json, 'new-api').decision.verdict, 'hold');
      assert.match(
        rolloutOf(after.json, 'new-api').decision.reason,
        /^Rolled back on 2026-12-04T00:00:00\.000Z/,
      );
    } finally {
      temp.dispose();
    }
  });
});

describe('flaglens guard on bad or broken data', function () {
  this.timeout(60000);

  it('holds without acting when more than 1% of the event lines are unreadable, even with --apply --yes', () => {
    const temp = copyToTemp(demo);
    try {
      let truncated = 0;
      editEvents(temp.dir, (lines) =>
        lines.map((line, index) => (index % 50 === 7 && ++truncated ? line.slice(0, 30) : line)),
      );
      const checkoutLines = readFileSync(join(temp.dir, 'data/events/checkout.ndjson'), 'utf8')
        .trimEnd()
        .split('\n').length;
      const registryBefore = readFileSync(join(temp.dir, 'flags/production.flagd.json'), 'utf8');
      const { status, json } = guard(['new-api', '--dir', temp.dir, '--at', AT, '--apply', '--yes']);
      assert.equal(status, 0);
      const report = rolloutOf(json, 'new-api');
      assert.equal(report.decision.verdict, 'hold');
      assert.equal(report.decision.action, undefined);
      assert.equal(report.health.badRecords, truncated);
      assert.equal(
        report.health.records,
        checkoutLines +
          readFileSync(join(demo, 'data/events/rollouts.ndjson'), 'utf8').trimEnd().split('\n').length,
      );
      assert.ok(report.health.badRecordShare > 0.01);
      assert.match(
        report.decision.reason,
        /^No automatic action on unhealthy data: 1\.2% of event records \([\d,]+ of [\d,]+\) could not be read, e\.g\. data\/events\/rollouts\.ndjson:8: not valid JSON/,
      );
      assert.equal(readFileSync(join(temp.dir, 'flags/production.flagd.json'), 'utf8'), registryBefore);
    } finally {
      temp.dispose();
    }
  });

  it('rolls back on a sample ratio mismatch: a third of the new code path exposures are not logged', () => {
    const temp = copyToTemp(demo);
    try {
      let seen = 0;
      editEvents(temp.dir, (lines) =>
        lines.filter((line) => {
          if (
            !line.includes('"flag":"new-checkout","variant":"on"') ||
            line < '{"type":"exposure","ts":"2026-11-30T10'
          )
            return true;
          return seen++ % 3 !== 0;
        }),
      );
      const { status, json } = guard(['new-checkout', '--dir', temp.dir, '--at', AT]);
      assert.equal(status, 1);
      const report = rolloutOf(json, 'new-checkout');
      assert.equal(report.health.srmOk, false);
      assert.equal(report.decision.verdict, 'rollback');
      assert.match(
        report.decision.reason,
        /^The assignment is broken: sample ratio mismatch in the 25% step: off [\d,]+ \/ on [\d,]+ units where the rollout configures 75\.0% \/ 25\.0%/,
      );
    } finally {
      temp.dispose();
    }
  });

  it('rolls back when the rolled-out variant gets no traffic for the configured hours, holds when nothing does', () => {
    const temp = copyToTemp(demo);
    try {
      editEvents(temp.dir, (lines) =>
        lines.filter(
          (line) =>
            !(
              line.includes('"flag":"new-checkout","variant":"on"') &&
              line > '{"type":"exposure","ts":"2026-12-03T12'
            ),
        ),
      );
      const quiet = rolloutOf(guard(['new-checkout', '--dir', temp.dir, '--at', AT]).json, 'new-checkout');
      assert.equal(quiet.decision.verdict, 'rollback');
      assert.match(
        quiet.decision.reason,
        /^No traffic: on has had no exposure for 1[12] h \(limit 6 h\) while off had one 0\.\d h ago: roll back \(on to 0%\)\.$/,
      );
      const later = rolloutOf(
        guard(['new-checkout', '--dir', demo, '--at', '2026-12-04T09:00:00Z']).json,
        'new-checkout',
      );
      assert.equal(later.decision.verdict, 'hold');
      assert.match(later.decision.reason, /the event pipeline may be down; no automatic action/);
    } finally {
      temp.dispose();
    }
  });

  it('names a broken plan file with its line and column, and an unknown flag, without a stack trace', () => {
    const temp = copyToTemp(demo);
    try {
      writeFileSync(
        join(temp.dir, 'rollouts/broken.rollout.json'),
        '{\n  "flag": "new-checkout",\n  "steps": [\n',
      );
      const result = runCli(['guard', '--dir', temp.dir, '--at', AT]);
      assert.equal(result.status, 1);
      assert.match(
        result.stdout,
        /rollouts\/broken\.rollout\.json: error\. rollouts\/broken\.rollout\.json:4:1: Invalid JSON: /,
      );
      const check = runCli(['check', temp.dir, '--format', 'json']);
      assert.ok(
        (JSON.parse(check.stdout) as { file: string; code: string }[]).some(
          (row) => row.file === 'rollouts/broken.rollout.json' && row.code === 'rollout/invalid-json',
        ),
      );
      const mismatched = join(temp.dir, 'rollouts/new-checkout.rollout.json');
      writeFileSync(
        mismatched,
        readFileSync(mismatched, 'utf8').replace('"variant": "on"', '"variant": "enabled"'),
      );
      const notChecked = runCli(['guard', 'new-checkout', '--dir', temp.dir, '--at', AT, '--apply', '--yes']);
      assert.equal(notChecked.status, 1);
      assert.match(
        notChecked.stdout,
        /new-checkout: error\. rollouts\/new-checkout\.rollout\.json:5:14: "enabled" is not a variant of "new-checkout" in production/,
      );
      const unknown = runCli(['guard', 'no-such-flag', '--dir', temp.dir]);
      assert.equal(unknown.status, 1);
      assert.match(
        unknown.stderr,
        /^flaglens guard: no rollout plan for flag "no-such-flag"; plans exist for /,
      );
      const badTime = runCli(['guard', '--dir', temp.dir, '--at', 'yesterday']);
      assert.equal(badTime.status, 2);
      assert.match(badTime.stderr, /--at is not an ISO time: yesterday/);
      for (const output of [result.stderr, unknown.stderr, badTime.stderr])
        assert.doesNotMatch(output, /\n\s+at /);
    } finally {
      temp.dispose();
    }
  });
});
