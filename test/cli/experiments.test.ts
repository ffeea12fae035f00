import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentReport } from '../../shared/src/experiment';
import { copyToTemp, repoRoot, runCli, tempDir } from '../support/cli';
import { positionOf } from '../support/text';

const demo = 'examples/demo';
/** After the demo's events end (2026-12-03). */
const AFTER_DATA = { FLAGLENS_NOW: '2026-12-04T00:00:00Z' };

function report(args: string[], env = AFTER_DATA): { report: ExperimentReport; status: number | null } {
  const result = runCli(['experiment', ...args, '--format', 'json'], { env });
  assert.equal(result.stderr, '');
  return { report: JSON.parse(result.stdout) as ExperimentReport, status: result.status };
}

function noStackTrace(text: string): void {
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, 'no stack trace');
}

describe('flaglens experiment on the demo', function () {
  this.timeout(30000);

  it('answers with the fields of DESIGN.md section 9 and recovers the known effect', () => {
    // The generator's true effect: treatment raises the purchase rate by 15% (relative).
    const generator = readFileSync(join(repoRoot, demo, 'scripts/generate-events.mjs'), 'utf8');
    const trueLift = Number(/relativeLift: ([\d.]+)/.exec(generator)?.[1]);
    assert.equal(trueLift, 0.15);

    const { report: answer, status } = report(['checkout-cta-test', '--dir', demo]);
    assert.equal(status, 0);
    for (const field of ['experiment', 'flag', 'environment', 'status', 'health', 'metrics', 'decision'])
      assert.ok(field in answer, field);
    assert.equal(answer.experiment, 'checkout-cta-test');
    assert.equal(answer.flag, 'checkout-cta-copy');
    assert.equal(answer.environment, 'production');
    assert.deepEqual(Object.keys(answer.health.units), ['control', 'treatment']);
    assert.equal(answer.health.srmOk, true);
    assert.equal(answer.health.multipleExposures, 0);
    const purchase = answer.metrics.find((metric) => metric.name === 'purchase');
    assert.ok(purchase);
    assert.equal(purchase.role, 'primary');
    const [result] = purchase.results;
    for (const field of [
      'variant',
      'lift',
      'ci',
      'pValue',
      'adjustedPValue',
      'chanceToBeatControl',
      'risk',
      'significant',
    ])
      assert.ok(field in result, field);
    assert.equal(result.variant, 'treatment');
    assert.ok(
      result.ci[0] <= trueLift && trueLift <= result.ci[1],
      `true lift ${trueLift} in ${result.ci.join(' to ')}`,
    );
    assert.equal(answer.status, 'ready');
    assert.equal(answer.decision.verdict, 'ship');
    assert.equal(answer.decision.variant, 'treatment');
    assert.match(
      answer.decision.reason,
      /^treatment raises purchase by \d+\.\d% against control \(95% CI .+, p=0\.\d+ after Holm\)\.$/,
    );
  });

  it('replays an earlier day with --at: too few units yet, and how many more are needed', () => {
    const { report: answer, status } = report([
      'checkout-cta-test',
      '--dir',
      demo,
      '--at',
      '2026-11-17T12:00:00Z',
    ]);
    assert.equal(status, 0);
    assert.equal(answer.status, 'running');
    assert.equal(answer.decision.verdict, 'keep-running');
    assert.match(
      answer.decision.reason,
      /^Not enough units yet: (control|treatment) has [\d,]+ of the 1,000 per variant the plan needs/,
    );
    assert.ok((answer.decision.moreUnitsNeeded ?? 0) > 0);
    assert.ok(Math.max(...Object.values(answer.health.units)) < 1000);
  });

  it('prints a readable table, and markdown for a pull request', () => {
    const text = runCli(['experiment', 'checkout-cta-test', '--dir', demo], { env: AFTER_DATA });
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^Status: ready · ship treatment$/m);
    assert.match(text.stdout, /^metric\s+role\s+variant\s+units\s+mean\s+lift\s+95% CI/m);
    assert.match(text.stdout, /^purchase\s+primary\s+control\s+7,\d{3}/m);
    const markdown = runCli(['experiment', 'checkout-cta-test', '--dir', demo, '--format', 'markdown'], {
      env: AFTER_DATA,
    });
    assert.match(markdown.stdout, /^## Experiment `checkout-cta-test`: ready · ship treatment$/m);
    assert.match(markdown.stdout, /^\| metric \| role \| variant \| units \|/m);
  });

  it('lists every experiment with its decision; exit 0 when none is unhealthy', () => {
    const result = runCli(['experiments', '--dir', demo, '--format', 'json'], { env: AFTER_DATA });
    assert.equal(result.status, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { experiment: string; status: string; verdict: string }[];
    assert.deepEqual(
      rows.map((row) => [row.experiment, row.status, row.verdict]),
      [['checkout-cta-test', 'ready', 'ship']],
    );
  });

  it('has --help for both commands', () => {
    for (const command of ['experiment', 'experiments']) {
      const help = runCli([command, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /--format\s+output format: text\|json\|markdown/);
      assert.match(help.stdout, /--at/);
    }
  });
});

describe('flaglens experiment on bad input', function () {
  this.timeout(30000);

  /** A workspace with one flag split 50/50 and an experiment on it. */
  function workspace(files: Record<string, string>) {
    const temp = tempDir();
    const all: Record<string, string> = {
      'flaglens.json': JSON.stringify({ experiments: { events: ['events/*.ndjson', 'events/*.csv'] } }),
      'flags/production.flagd.json': JSON.stringify({
        flags: {
          cta: {
            state: 'ENABLED',
            variants: { a: 'A', b: 'B' },
            defaultVariant: 'a',
            targeting: { fractional: [{ cat: ['cta', { var: 'targetingKey' }] }, ['a', 50], ['b', 50]] },
            metadata: { type: 'experiment', experiment: 'cta' },
          },
        },
      }),
      'cta.experiment.json': JSON.stringify({
        flag: 'cta',
        environment: 'production',
        control: 'a',
        variants: ['a', 'b'],
        start: '2026-11-01T00:00:00Z',
        end: null,
        metrics: [{ name: 'buy', event: 'buy', kind: 'binomial', goal: 'increase', role: 'primary' }],
        analysis: { minUnitsPerVariant: 10 },
      }),
      ...files,
    };
    for (const [name, text] of Object.entries(all)) {
      mkdirSync(join(temp.dir, name, '..'), { recursive: true });
      writeFileSync(join(temp.dir, name), text);
    }
    return temp;
  }
  const exposures = (counts: { a: number; b: number }, from = 0): string[] => {
    const lines: string[] = [];
    for (const variant of ['a', 'b'] as const)
      for (let i = 0; i < counts[variant]; i++)
        lines.push(
          JSON.stringify({
            type: 'exposure',
            ts: '2026-11-02T10:00:00Z',
            unit: `${variant}-${from + i}`,
            flag: 'cta',
            variant,
          }),
        );
    return lines;
  };

  it('a sample ratio mismatch makes the experiment unhealthy, blocks the decision and exits 1', () => {
    const temp = workspace({ 'events/e.ndjson': exposures({ a: 500, b: 380 }).join('\n') });
    try {
      const { report: answer, status } = report(['cta', '--dir', temp.dir]);
      assert.equal(status, 1);
      assert.equal(answer.status, 'unhealthy');
      assert.equal(answer.health.srmOk, false);
      assert.ok((answer.health.srmPValue ?? 1) < 0.001);
      assert.equal(answer.decision.verdict, 'keep-running');
      assert.match(
        answer.decision.reason,
        /^No decision while the data is unhealthy: Sample ratio mismatch: a 500 \/ b 380 units where the rollout configures 50% \/ 50%/,
      );
      const list = runCli(['experiments', '--dir', temp.dir], { env: AFTER_DATA });
      assert.equal(list.status, 1);
      assert.match(list.stdout, /^cta \(cta, production\): unhealthy · keep-running\./m);
    } finally {
      temp.dispose();
    }
  });

  it('more than 1% unreadable lines is unhealthy and names the first bad line', () => {
    const lines = [
      ...exposures({ a: 100, b: 100 }),
      '{"type":"exposure","ts":"2026-11-02T10:00:00Z","unit":"x',
      '{"type":"track","ts":"yesterday","unit":"a-1","event":"buy"}',
      'null',
    ];
    const temp = workspace({ 'events/e.ndjson': `${lines.join('\n')}\n` });
    try {
      const { report: answer, status } = report(['cta', '--dir', temp.dir]);
      assert.equal(status, 1);
      assert.equal(answer.status, 'unhealthy');
      assert.equal(answer.health.badRecords, 3);
      assert.deepEqual(answer.health.badRecordSamples[0], {
        file: 'events/e.ndjson',
        line: 201,
        message: 'not valid JSON (a truncated or malformed line)',
      });
      assert.match(
        answer.health.problems.join(' '),
        /1\.5% of event records \(3 of 203\) could not be read, e\.g\. events\/e\.ndjson:201/,
      );
    } finally {
      temp.dispose();
    }
  });

  it('a variant with no units keeps running and says so, without figures presented as a result', () => {
    const temp = workspace({ 'events/e.ndjson': exposures({ a: 50, b: 0 }).join('\n') });
    try {
      const { report: answer } = report(['cta', '--dir', temp.dir]);
      assert.equal(answer.decision.verdict, 'keep-running');
      assert.notEqual(answer.status, 'ready');
      assert.equal(answer.metrics[0].results[0].significant, false);
    } finally {
      temp.dispose();
    }
  });

  it('an empty event file: no units yet, with a plain sentence', () => {
    const temp = workspace({ 'events/e.ndjson': '' });
    try {
      const { report: answer } = report(['cta', '--dir', temp.dir]);
      assert.equal(answer.decision.verdict, 'keep-running');
      assert.match(answer.decision.reason, /^No units yet: a has no exposure in the window/);
    } finally {
      temp.dispose();
    }
  });

  it('refuses an unknown experiment, a broken definition and missing events with a clear message and exit 1', () => {
    const temp = workspace({ 'broken.experiment.json': '{ "flag": "cta", ' });
    try {
      const unknown = runCli(['experiment', 'nope', '--dir', temp.dir]);
      assert.equal(unknown.status, 1);
      assert.equal(
        unknown.stderr,
        'flaglens experiment: No experiment "nope"; known: cta; unreadable definitions: broken.experiment.json (run flaglens check).\n',
      );
      const list = runCli(['experiments', '--dir', temp.dir, '--format', 'json']);
      assert.equal(list.status, 1);
      const rows = JSON.parse(list.stdout) as { experiment: string; status: string; reason: string }[];
      assert.equal(rows[0].status, 'error');
      assert.match(rows[0].reason, /^broken\.experiment\.json:1:\d+: Invalid JSON/);
      const noEvents = runCli(['experiment', 'cta', '--dir', temp.dir]);
      assert.equal(noEvents.status, 1);
      assert.equal(
        noEvents.stderr,
        'flaglens experiment: No event files match "events/*.ndjson", "events/*.csv".\n',
      );
      const check = runCli(['check', temp.dir, '--format', 'json']);
      const findings = JSON.parse(check.stdout) as { file: string; code: string; line: number }[];
      assert.ok(
        findings.some(
          (finding) =>
            finding.file === 'broken.experiment.json' && finding.code === 'experiment/invalid-json',
        ),
      );
      for (const result of [unknown, list, noEvents, check]) noStackTrace(result.stderr);
    } finally {
      temp.dispose();
    }
  });

  it('reports an unknown flag or variant in a definition through check, with its position', () => {
    const temp = workspace({
      'cta.experiment.json': JSON.stringify(
        {
          flag: 'cta',
          environment: 'production',
          control: 'a',
          variants: ['a', 'c'],
          start: '2026-11-01T00:00:00Z',
          metrics: [{ name: 'buy', event: 'buy', kind: 'binomial', goal: 'increase', role: 'primary' }],
        },
        null,
        2,
      ),
    });
    try {
      const check = runCli(['check', temp.dir, '--format', 'json']);
      assert.equal(check.status, 1);
      const findings = (
        JSON.parse(check.stdout) as { file: string; code: string; line: number; column: number }[]
      ).filter((finding) => finding.code === 'experiment/unknown-variant');
      assert.deepEqual(
        findings.map((finding) => [finding.file, finding.line, finding.column]),
        [['cta.experiment.json', 7, 5]],
      );
      const run = runCli(['experiment', 'cta', '--dir', temp.dir, '--at', 'tomorrow']);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--at is not an ISO time: tomorrow/);
    } finally {
      temp.dispose();
    }
  });

  it("the JSON answer carries the definition's own findings with their positions", () => {
    const temp = workspace({ 'events/e.ndjson': exposures({ a: 20, b: 20 }).join('\n') });
    try {
      const registry = join(temp.dir, 'flags/production.flagd.json');
      writeFileSync(registry, readFileSync(registry, 'utf8').replace(',"experiment":"cta"', ''));
      const { report: answer } = report(['cta', '--dir', temp.dir]);
      assert.deepEqual(
        answer.definitionFindings.map((finding) => [finding.code, finding.line, finding.severity]),
        [['experiment/flag-not-linked', 1, 'warning']],
      );
    } finally {
      temp.dispose();
    }
  });

  it('CSV events give the same answer as NDJSON', () => {
    const ndjson = exposures({ a: 30, b: 30 });
    const buys = ['a-1', 'a-2', 'b-1', 'b-2', 'b-3', 'b-4'].map((unit) =>
      JSON.stringify({ type: 'track', ts: '2026-11-03T10:00:00Z', unit, event: 'buy' }),
    );
    const rows = [...ndjson, ...buys].map((line) => {
      const event = JSON.parse(line) as Record<string, string>;
      return ['type', 'ts', 'unit', 'flag', 'variant', 'event', 'value']
        .map((column) => event[column] ?? '')
        .join(',');
    });
    const a = workspace({ 'events/e.ndjson': [...ndjson, ...buys].join('\n') });
    const b = workspace({ 'events/e.csv': `type,ts,unit,flag,variant,event,value\n${rows.join('\n')}\n` });
    try {
      const fromNdjson = report(['cta', '--dir', a.dir]).report;
      const fromCsv = report(['cta', '--dir', b.dir]).report;
      assert.deepEqual(fromCsv.metrics, fromNdjson.metrics);
      assert.deepEqual(fromCsv.metrics[0].variants.b, {
        units: 30,
        mean: 4 / 30,
        stdDev: fromNdjson.metrics[0].variants.b.stdDev,
      });
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('flaglens experiment on a copy of the demo with a broken event line', function () {
  this.timeout(30000);
  it('keeps going and reports the line (under 1%: healthy)', () => {
    const temp = copyToTemp(join(repoRoot, demo));
    try {
      const path = join(temp.dir, 'data/events/checkout.ndjson');
      const original = readFileSync(path, 'utf8');
      writeFileSync(
        path,
        `${original}{"type":"track","ts":"2026-12-01T00:00:00Z","unit":"u-1","event":"purchase","value":"12 EUR"}\n`,
      );
      // The appended line's number in its own file (the demo has other event files too).
      const appendedLine = original.split('\n').length;
      const { report: answer } = report(['checkout-cta-test', '--dir', temp.dir]);
      assert.equal(answer.health.badRecords, 1);
      assert.deepEqual(answer.health.badRecordSamples, [
        {
          file: 'data/events/checkout.ndjson',
          line: appendedLine,
          message: '"value" is not a number: "12 EUR"',
        },
      ]);
      assert.equal(answer.status, 'ready');
    } finally {
      temp.dispose();
    }
  });
});

describe('flaglens check on an experiment whose plan changed after it started', function () {
  this.timeout(30000);

  it('warns at the changed part, citing the commit that pre-registered the plan; other edits are fine', () => {
    const temp = copyToTemp(join(repoRoot, demo));
    const git = (args: string[], date?: string) => {
      const result = spawnSync('git', args, {
        cwd: temp.dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Ada',
          GIT_AUTHOR_EMAIL: 'ada@example.com',
          GIT_COMMITTER_NAME: 'Ada',
          GIT_COMMITTER_EMAIL: 'ada@example.com',
          ...(date && { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }),
        },
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.trim();
    };
    const file = join(temp.dir, 'experiments/checkout-cta-test.experiment.json');
    const planLocks = () =>
      (
        JSON.parse(runCli(['check', temp.dir, '--format', 'json'], { env: AFTER_DATA }).stdout) as {
          code: string;
          line: number;
          message: string;
        }[]
      ).filter((finding) => finding.code === 'experiment/plan-changed-after-start');
    try {
      git(['init', '-q']);
      git(['add', '-A']);
      git(['commit', '-qm', 'pre-register the CTA test'], '2026-11-10T09:00:00Z');
      const registered = git(['rev-parse', 'HEAD']);
      assert.deepEqual(planLocks(), []);
      // The hypothesis is not part of the plan.
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('sells more', 'sells a lot more'));
      git(['commit', '-qam', 'reword'], '2026-11-20T09:00:00Z');
      assert.deepEqual(planLocks(), []);
      // Loosening alpha after the start is the kind of change the lock exists for.
      writeFileSync(file, readFileSync(file, 'utf8').replace('"alpha": 0.05', '"alpha": 0.1'));
      git(['commit', '-qam', 'loosen alpha'], '2026-11-25T09:00:00Z');
      const findings = planLocks();
      assert.equal(findings.length, 1);
      assert.equal(findings[0].line, positionOf(readFileSync(file, 'utf8'), '"analysis"').line + 1);
      assert.equal(
        findings[0].message,
        `The analysis plan changed after the experiment started (2026-11-16T00:00:00Z): alpha (0.05 -> 0.1) differs from commit ${registered.slice(0, 7)} (2026-11-10), which pre-registered it. Results read against a changed plan are not valid: restore it, or end this experiment and start a new one.`,
      );
    } finally {
      temp.dispose();
    }
  });
});

describe('flaglens ship on a copy of the demo', function () {
  this.timeout(60000);

  it('refuses production without --yes, then rolls the winner out and concludes the experiment, touching nothing else', () => {
    const temp = copyToTemp(join(repoRoot, demo));
    try {
      const registry = join(temp.dir, 'flags/production.flagd.json');
      const definitionFile = join(temp.dir, 'experiments/checkout-cta-test.experiment.json');
      const before = {
        registry: readFileSync(registry, 'utf8'),
        definition: readFileSync(definitionFile, 'utf8'),
      };
      const refused = runCli(['ship', 'checkout-cta-test', '--dir', temp.dir], { env: AFTER_DATA });
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /^flaglens ship: production is protected; re-run with --yes/);
      assert.equal(readFileSync(registry, 'utf8'), before.registry, 'nothing written');

      const shipped = runCli(['ship', 'checkout-cta-test', '--dir', temp.dir, '--yes'], { env: AFTER_DATA });
      assert.equal(shipped.status, 0, shipped.stderr);
      assert.match(shipped.stdout, /^ {2}production: 50% control \/ 50% treatment -> treatment$/m);
      assert.match(shipped.stdout, /flaglens cleanup checkout-cta-copy --value '"Complete purchase"'/);
      // Only the two weights changed in the registry file.
      assert.equal(
        readFileSync(registry, 'utf8'),
        before.registry.replace(
          '["control", 50],\n          ["treatment", 50]',
          '["control", 0],\n          ["treatment", 100]',
        ),
      );
      const definition = JSON.parse(readFileSync(definitionFile, 'utf8')) as {
        end: string;
        decision: Record<string, unknown>;
      };
      assert.equal(definition.end, '2026-12-04T00:00:00.000Z');
      assert.equal(definition.decision.verdict, 'ship');
      assert.equal(definition.decision.variant, 'treatment');
      assert.deepEqual(definition.decision.shares, { control: 0.5, treatment: 0.5 });
      // The report now says it is concluded, its sample ratio still judged by what ran; check is clean.
      const { report: after } = report(['checkout-cta-test', '--dir', temp.dir]);
      assert.equal(after.status, 'concluded');
      assert.equal(after.health.srmOk, true);
      const check = JSON.parse(
        runCli(['check', temp.dir, '--format', 'json'], { env: AFTER_DATA }).stdout,
      ) as { code: string }[];
      assert.deepEqual(
        check.filter((finding) => finding.code.startsWith('experiment/')),
        [],
      );
      const again = runCli(['ship', 'checkout-cta-test', '--dir', temp.dir, '--yes'], { env: AFTER_DATA });
      assert.equal(again.status, 1);
      assert.match(again.stderr, /was concluded on 2026-12-04/);
    } finally {
      temp.dispose();
    }
  });

  it('refuses an experiment that is not ready unless forced with a variant, and records the override', () => {
    const temp = copyToTemp(join(repoRoot, demo));
    const early = { FLAGLENS_NOW: '2026-11-17T12:00:00Z' };
    try {
      const refused = runCli(['ship', 'checkout-cta-test', '--dir', temp.dir, '--yes'], { env: early });
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /is running \(keep-running\), not ready to ship: Not enough units yet/);
      const forced = runCli(
        [
          'ship',
          'checkout-cta-test',
          '--dir',
          temp.dir,
          '--yes',
          '--force',
          '--variant',
          'control',
          '--env',
          'staging,production',
        ],
        { env: early },
      );
      assert.equal(forced.status, 0, forced.stderr);
      for (const env of ['staging', 'production'])
        assert.match(
          readFileSync(join(temp.dir, `flags/${env}.flagd.json`), 'utf8'),
          /\["control", 100\],\s+\["treatment", 0\]/,
        );
      const definition = JSON.parse(
        readFileSync(join(temp.dir, 'experiments/checkout-cta-test.experiment.json'), 'utf8'),
      ) as {
        decision: { reason: string; variant: string };
      };
      assert.equal(definition.decision.variant, 'control');
      assert.match(
        definition.decision.reason,
        /^Shipped control by override while the experiment was running \(keep-running\)/,
      );
    } finally {
      temp.dispose();
    }
  });
});
