import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import type { PostgresSourceConfig } from '../../shared/src/config';
import type { RolloutPlan } from '../../shared/src/rollout';
import type { RolloutData } from '../../server/src/core/guard/guardEvents';
import { rolloutTimeline } from '../../server/src/core/guard/rolloutTimeline';
import { FlagWorkspace } from '../../server/src/core/workspace/flagWorkspace';
import { ExperimentSourceError } from '../../server/src/core/experiments/sourceError';
import {
  checkRollout,
  collectRolloutData,
  collectRolloutFromPostgres,
} from '../../server/src/node/guard/analyzeRollout';
import { nodeHost } from '../../server/src/node/nodeHost';
import { copyToTemp, repoRoot, runCli } from '../support/cli';
import { type EventRecord, type LoadTarget, loadIntoPostgres } from '../support/experimentEvents';
import { type PostgresServer, startPostgres } from '../support/postgres';

const ENV = 'FLAGLENS_TEST_GUARD_WAREHOUSE';
const AT = new Date('2026-12-04T00:00:00Z');
// Quoted identifiers from the settings: a schema, mixed case and a space.
const TARGET: LoadTarget = {
  exposures: { schema: 'Analytics', table: 'flag exposures', columns: { ts: 'Seen At', unit: 'user_id' } },
  events: { schema: 'Analytics', table: 'Tracked', columns: { event: 'name', value: 'Amount' } },
  tsType: 'timestamp',
  valueType: 'numeric',
};
const POSTGRES: PostgresSourceConfig = {
  connectionEnv: ENV,
  exposures: TARGET.exposures,
  events: TARGET.events,
};

/**
 * Events the demo lacks, so that every rule is exercised: units that saw both variants within
 * one step, an unlisted variant (alone and mixed), a unit moved by a step, values at or below
 * zero (the zero bucket), a track without a value, events before the first exposure, at the
 * cut instant and before the start.
 */
const EXTRA: EventRecord[] = [
  ...['a', 'b', 'c'].flatMap((id): EventRecord[] => [
    {
      type: 'exposure',
      ts: '2026-11-28T10:00:00.000Z',
      unit: `x-several-${id}`,
      flag: 'new-checkout',
      variant: 'off',
    },
    {
      type: 'exposure',
      ts: '2026-11-28T11:00:00.000Z',
      unit: `x-several-${id}`,
      flag: 'new-checkout',
      variant: 'on',
    },
    {
      type: 'track',
      ts: '2026-11-28T11:30:00.000Z',
      unit: `x-several-${id}`,
      event: 'checkout_error',
      value: null,
    },
  ]),
  { type: 'exposure', ts: '2026-11-29T03:00:00.000Z', unit: 'x-other', flag: 'new-api', variant: 'beta' },
  { type: 'exposure', ts: '2026-11-29T03:00:00.000Z', unit: 'x-mixed', flag: 'new-api', variant: 'off' },
  { type: 'exposure', ts: '2026-11-29T04:00:00.000Z', unit: 'x-mixed', flag: 'new-api', variant: 'beta' },
  { type: 'exposure', ts: '2026-11-27T05:00:00.000Z', unit: 'x-moved', flag: 'new-checkout', variant: 'off' },
  { type: 'exposure', ts: '2026-12-01T05:00:00.000Z', unit: 'x-moved', flag: 'new-checkout', variant: 'on' },
  { type: 'exposure', ts: '2026-12-02T05:00:00.000Z', unit: 'x-zero', flag: 'new-checkout', variant: 'on' },
  { type: 'track', ts: '2026-12-02T05:00:01.000Z', unit: 'x-zero', event: 'checkout_latency_ms', value: 0 },
  { type: 'track', ts: '2026-12-02T05:00:02.000Z', unit: 'x-zero', event: 'checkout_latency_ms', value: -3 },
  {
    type: 'track',
    ts: '2026-12-02T05:00:03.000Z',
    unit: 'x-zero',
    event: 'checkout_latency_ms',
    value: null,
  },
  { type: 'track', ts: '2026-12-02T04:00:00.000Z', unit: 'x-zero', event: 'checkout_error', value: null },
  { type: 'track', ts: AT.toISOString(), unit: 'x-zero', event: 'checkout_error', value: null },
  { type: 'exposure', ts: '2026-11-26T23:00:00.000Z', unit: 'x-early', flag: 'new-checkout', variant: 'on' },
  { type: 'exposure', ts: AT.toISOString(), unit: 'x-late', flag: 'new-checkout', variant: 'on' },
];

function ndjson(records: readonly EventRecord[]): string {
  return records
    .map((record) => {
      const present = Object.entries(record).filter(([, value]) => value !== null);
      return JSON.stringify(Object.fromEntries(present)) + '\n';
    })
    .join('');
}

function readRecords(dir: string): EventRecord[] {
  const records: EventRecord[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.ndjson'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as Record<string, string | number | undefined>;
      records.push(
        r.type === 'exposure'
          ? {
              type: 'exposure',
              ts: r.ts as string,
              unit: r.unit as string,
              flag: r.flag as string,
              variant: r.variant as string,
            }
          : {
              type: 'track',
              ts: r.ts as string,
              unit: r.unit as string,
              event: r.event as string,
              value: r.value === undefined ? null : (r.value as number),
            },
      );
    }
  }
  return records;
}

/** Sketches as their bucket counts, so that two sources' data compare as plain values. */
function comparable(data: RolloutData): unknown {
  return {
    ...data,
    source: undefined,
    records: undefined,
    badRecords: undefined,
    badRecordSamples: undefined,
    guardrails: data.guardrails.map((arms) =>
      Object.fromEntries(
        Object.entries(arms).map(([name, arm]) => [
          name,
          arm.kind === 'quantile' ? { kind: arm.kind, buckets: arm.sketch.bucketCounts() } : arm,
        ]),
      ),
    ),
  };
}

/** Every number within 1e-9 (relative above 1), every other value and every key equal. */
function assertClose(actual: unknown, expected: unknown, path = 'data'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path} is ${JSON.stringify(actual)}, expected ${expected}`);
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    assert.ok(
      Math.abs((actual as number) - expected) <= tolerance,
      `${path} is ${String(actual)}, expected ${expected}`,
    );
  } else if (path.endsWith('.buckets')) {
    // Quantiles: the very same bucket counts, not merely close ones.
    assert.deepEqual(actual, expected, path);
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path} is ${JSON.stringify(actual)}`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `keys of ${path}`);
    for (const key of Object.keys(expected)) {
      assertClose(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
    }
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

describe('Guarded rollouts from PostgreSQL (on a real PostgreSQL 15)', function () {
  this.timeout(180_000);
  let server: PostgresServer;
  let client: Client;
  let filesCopy: { dir: string; dispose(): void };
  let postgresCopy: { dir: string; dispose(): void };
  let files: FlagWorkspace;
  let postgres: FlagWorkspace;
  let records: EventRecord[];

  const env = (): NodeJS.ProcessEnv => ({ [ENV]: server.connectionString });

  before(async function () {
    // Two copies of the demo with the same events: one reads the files, one the database.
    filesCopy = copyToTemp(join(repoRoot, 'examples/demo'));
    writeFileSync(join(filesCopy.dir, 'data/events/extra.ndjson'), ndjson(EXTRA));
    postgresCopy = copyToTemp(filesCopy.dir);
    const configPath = join(postgresCopy.dir, 'flaglens.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { experiments: Record<string, unknown> };
    config.experiments = { source: 'postgres', events: [], postgres: POSTGRES };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    records = readRecords(join(filesCopy.dir, 'data/events'));
    // A server far from UTC: hours and instants must still be UTC ones.
    server = await startPostgres({ settings: { timezone: 'Pacific/Auckland' } });
    client = await server.connect();
    await loadIntoPostgres(client, records, TARGET);
    files = new FlagWorkspace({ root: filesCopy.dir, host: nodeHost });
    postgres = new FlagWorkspace({ root: postgresCopy.dir, host: nodeHost });
    await files.load();
    await postgres.load();
  });

  after(async function () {
    await client?.end();
    await server?.stop();
    filesCopy?.dispose();
    postgresCopy?.dispose();
  });

  const plans = (): RolloutPlan[] => files.rollouts.plans();

  it('gives the same rollout data as the files for every plan: units per step and hour, exclusions, guardrail sums and p95 bucket counts', async function () {
    assert.deepEqual(
      plans()
        .map((plan) => plan.flag)
        .sort(),
      ['new-api', 'new-checkout'],
    );
    for (const plan of plans()) {
      const segments = rolloutTimeline(plan, AT.getTime());
      // A ramp: the checks cover more than one step.
      assert.ok(segments.length >= 3, `${plan.key} has ${segments.length} steps`);
      const fromFiles = await collectRolloutData(files, plan, AT, segments);
      const fromPostgres = await collectRolloutData(postgres, plan, AT, segments, { env: env() });
      assert.equal(fromPostgres.source, 'postgres');
      assertClose(comparable(fromPostgres), comparable(fromFiles), plan.key);
      // Rows considered: this flag's exposures and the guardrails' events in [start, at).
      const start = Date.parse(plan.start);
      const inWindow = (ts: string | null) =>
        ts !== null && Date.parse(ts) >= start && Date.parse(ts) < AT.getTime();
      const events = new Set(plan.guardrails.map((guardrail) => guardrail.event));
      const considered = records.filter((r) =>
        r.type === 'exposure'
          ? r.flag === plan.flag && inWindow(r.ts)
          : events.has(r.event ?? '') && inWindow(r.ts),
      ).length;
      assert.equal(fromPostgres.records, considered);
      assert.equal(fromPostgres.badRecords, 0);
    }
  });

  it('exercises every rule: several variants, an unlisted variant, moves by a step, a p95 guardrail with zero-bucket values', async function () {
    const checkout = plans().find((plan) => plan.flag === 'new-checkout')!;
    const api = plans().find((plan) => plan.flag === 'new-api')!;
    const checkoutData = await collectRolloutData(
      postgres,
      checkout,
      AT,
      rolloutTimeline(checkout, AT.getTime()),
      {
        env: env(),
      },
    );
    const apiData = await collectRolloutData(postgres, api, AT, rolloutTimeline(api, AT.getTime()), {
      env: env(),
    });
    assert.ok(checkoutData.multipleExposures >= 3, `several variants: ${checkoutData.multipleExposures}`);
    assert.ok(checkoutData.rampedUnits >= 1, `moved by a step: ${checkoutData.rampedUnits}`);
    assert.equal(apiData.otherVariantUnits, 1);
    assert.ok(apiData.multipleExposures >= 1);
    const p95 = checkout.guardrails.findIndex((guardrail) => guardrail.kind === 'p95');
    const arm = checkoutData.guardrails[p95].variant;
    assert.ok(arm.kind === 'quantile' && arm.sketch.bucketCounts().zeros === 2);
  });

  it('makes the same decisions as the files: the healthy rollout continues, the regression rolls back', async function () {
    const verdicts: Record<string, string> = {};
    for (const plan of plans()) {
      const fromFiles = await checkRollout(files, plan, { at: AT });
      const fromPostgres = await checkRollout(postgres, plan, { at: AT, env: env() });
      assert.deepEqual(fromPostgres.decision, fromFiles.decision, plan.key);
      assertClose(fromPostgres.guardrails, fromFiles.guardrails, `${plan.key}.guardrails`);
      verdicts[plan.flag] = fromPostgres.decision.verdict;
    }
    assert.equal(verdicts['new-api'], 'rollback');
    assert.notEqual(verdicts['new-checkout'], 'rollback');
  });

  it('flaglens guard reads the events from PostgreSQL when experiments.source is "postgres"', function () {
    const args = ['guard', '--dir', postgresCopy.dir, '--at', AT.toISOString(), '--format', 'json'];
    const result = runCli(args, { env: { [ENV]: server.connectionString } });
    assert.equal(result.status, 1, result.stderr);
    const output = JSON.parse(result.stdout) as {
      rollouts: { flag: string; decision: { verdict: string } }[];
      errors: unknown[];
    };
    assert.deepEqual(output.errors, []);
    const fromFiles = JSON.parse(
      runCli(['guard', '--dir', filesCopy.dir, '--at', AT.toISOString(), '--format', 'json']).stdout,
    ) as typeof output;
    assert.deepEqual(
      output.rollouts.map((r) => [r.flag, r.decision]),
      fromFiles.rollouts.map((r) => [r.flag, r.decision]),
    );
    assert.ok(output.rollouts.some((r) => r.flag === 'new-api' && r.decision.verdict === 'rollback'));
  });

  it('flaglens guard --show-sql prints queries that psql-style clients run to the same figures', async function () {
    const result = runCli([
      'guard',
      'new-checkout',
      '--dir',
      postgresCopy.dir,
      '--at',
      AT.toISOString(),
      '--show-sql',
    ]);
    assert.equal(result.status, 0, result.stderr);
    // Values are parameters of the prepared statements, never spliced into the query text.
    const statements = result.stdout.split(/^PREPARE /m).slice(1);
    assert.equal(statements.length, 4);
    for (const statement of statements)
      assert.doesNotMatch(statement.split(';\nEXECUTE')[0], /'new-checkout'/);
    const results = (await client.query(`SET TIME ZONE 'UTC'; ${result.stdout}`)) as unknown as {
      command: string;
      rows: Record<string, unknown>[];
    }[];
    const health = results.filter((r) => r.command === 'EXECUTE' || r.command === 'SELECT')[0].rows;
    const plan = plans().find((p) => p.flag === 'new-checkout')!;
    const data = await collectRolloutData(files, plan, AT, rolloutTimeline(plan, AT.getTime()));
    const units = health.filter((row) => row.kind === 'units').reduce((sum, row) => sum + Number(row.n), 0);
    assert.equal(units, data.units.off + data.units.on);
  });

  it('names the setting of a missing table, as the experiments source does', async function () {
    const plan = plans()[0];
    const missing: PostgresSourceConfig = {
      ...POSTGRES,
      events: { ...POSTGRES.events, table: 'no such table' },
    };
    await assert.rejects(
      collectRolloutFromPostgres(plan, missing, AT, rolloutTimeline(plan, AT.getTime()), env()),
      (error: Error) =>
        error instanceof ExperimentSourceError &&
        /The table "Analytics\.no such table" \(experiments\.postgres\.events\.table/.test(error.message),
    );
  });

  it('says which variable to set when the connection string is missing, without a stack trace', function () {
    const result = runCli(['guard', '--dir', postgresCopy.dir, '--at', AT.toISOString()], {
      env: { [ENV]: '' },
    });
    assert.equal(result.status, 1);
    assert.match(result.stdout + result.stderr, new RegExp(`The environment variable ${ENV} is not set`));
    assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /);
  });
});
