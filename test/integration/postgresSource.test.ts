import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import type { PostgresSourceConfig } from '../../shared/src/config';
import type { ExperimentData } from '../../shared/src/experiment';
import { buildExperimentQueries, readMetric } from '../../server/src/core/experiments/sql/experimentQueries';
import { collectFromFiles } from '../../server/src/node/experiments/eventFiles';
import {
  ExperimentSourceError,
  collectFromPostgres,
  showPostgresQueries,
} from '../../server/src/node/postgresEventSource';
import {
  type ExpectedFigures,
  type GeneratorOptions,
  type LoadTarget,
  generateEvents,
  generateExperiment,
  loadIntoPostgres,
  toNdjson,
} from '../support/experimentEvents';
import { type PostgresServer, freePort, startPostgres } from '../support/postgres';

const ENV = 'FLAGLENS_TEST_WAREHOUSE';
const DEFAULT_TABLES: LoadTarget = {
  exposures: { table: 'exposures', columns: {} },
  events: { table: 'events', columns: {} },
};
const sourceConfig = (target: LoadTarget): PostgresSourceConfig => ({
  connectionEnv: ENV,
  exposures: target.exposures,
  events: target.events,
});

/** Every number within 1e-9 (relative above 1), every other value and every key equal. */
function assertClose(actual: unknown, expected: unknown, path = 'figures'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path} is ${JSON.stringify(actual)}, expected ${expected}`);
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    assert.ok(
      Math.abs((actual as number) - expected) <= tolerance,
      `${path} is ${String(actual)}, expected ${expected}`,
    );
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

function assertMatchesTruth(data: ExperimentData, expected: ExpectedFigures): void {
  assertClose(
    { ...data.health, badRecordSamples: undefined },
    { ...expected.health, badRecordSamples: undefined },
  );
  assert.deepEqual(data.health.badRecordSamples, []);
  assertClose(
    Object.fromEntries(data.metrics.map((m) => [m.metric.name, m.variants])),
    expected.metrics,
    'metrics',
  );
}

describe('The PostgreSQL event source (on a real PostgreSQL 15)', function () {
  this.timeout(120_000);
  let server: PostgresServer;
  let client: Client;

  before(async function () {
    // A server far from UTC: the source must read instants and days in UTC all the same.
    server = await startPostgres({ settings: { timezone: 'Pacific/Auckland' } });
    client = await server.connect();
  });

  after(async function () {
    await client?.end();
    await server?.stop();
  });

  const env = (): NodeJS.ProcessEnv => ({ [ENV]: server.connectionString });

  async function loaded(options: GeneratorOptions, target: LoadTarget = DEFAULT_TABLES) {
    const generated = generateExperiment(options);
    await loadIntoPostgres(client, generated.records, target);
    return generated;
  }

  it('gives the figures of the generated truth for binomial, mean and ratio metrics, and the data health', async function () {
    const { definition, expected, records } = await loaded({ seed: 1, units: 3000 });
    // The data must exercise every exclusion, or the comparison proves little.
    assert.ok(expected.health.multipleExposures > 50 && expected.health.unknownVariantUnits > 30);
    assert.ok(expected.health.badRecords > 0 && expected.health.records < records.length);
    assert.equal(expected.allRecords, records.length);
    const at = new Date('2026-11-12T06:00:00.000Z');
    const data = await collectFromPostgres(definition, sourceConfig(DEFAULT_TABLES), { at, env: env() });
    assertMatchesTruth(data, expected);
    assert.equal(data.asOf, at.toISOString());
    assert.equal(data.source, 'postgres');
    assert.deepEqual(
      data.metrics.map((m) => m.metric.name),
      definition.metrics.map((m) => m.name),
    );
  });

  it('adds the CUPED pre-period sums of the same metric when the plan asks for CUPED', async function () {
    const options: GeneratorOptions = { seed: 2, units: 3000, cuped: true, cupedLookbackDays: 10 };
    const { definition, expected } = await loaded(options);
    assert.ok((expected.metrics.revenue.control.preSum as number) > 0);
    const data = await collectFromPostgres(definition, sourceConfig(DEFAULT_TABLES), {
      at: new Date('2026-11-12T06:00:00.000Z'),
      env: env(),
    });
    assertMatchesTruth(data, expected);
    // Without CUPED the same events give the same figures minus the pre-period fields.
    const plain = generateEvents({ ...options, cuped: false }, () => undefined);
    const withoutCuped = await collectFromPostgres(plain.definition, sourceConfig(DEFAULT_TABLES), {
      at: new Date('2026-11-12T06:00:00.000Z'),
      env: env(),
    });
    assertMatchesTruth(withoutCuped, plain.expected);
  });

  it('cuts a running experiment (no end) at the --at instant', async function () {
    const at = '2026-11-06T13:30:00.000Z';
    const { definition, expected } = await loaded({ seed: 3, units: 2000, end: null, at });
    const data = await collectFromPostgres(definition, sourceConfig(DEFAULT_TABLES), {
      at: new Date(at),
      env: env(),
      // One session instead of three side by side: the same figures.
      concurrency: 1,
    });
    assertMatchesTruth(data, expected);
    assert.equal(data.health.dailyUnits.at(-1)?.day, '2026-11-06');
  });

  it('reads tables and columns whose names need quoting, in a schema, with timestamp and numeric columns', async function () {
    const target: LoadTarget = {
      exposures: {
        schema: 'Analytics "Warehouse"',
        table: 'Flag Exposures',
        columns: { ts: 'Seen At', unit: 'user', flag: 'flag key', variant: 'order' },
      },
      events: {
        schema: 'Analytics "Warehouse"',
        table: 'Event Log',
        columns: { ts: 'time', unit: 'user', event: 'select', value: 'amount "EUR"' },
      },
      tsType: 'timestamp',
      valueType: 'numeric',
    };
    const { definition, expected } = await loaded({ seed: 4, units: 2000, cuped: true }, target);
    const data = await collectFromPostgres(definition, sourceConfig(target), {
      at: new Date('2026-11-12T06:00:00.000Z'),
      env: env(),
    });
    assertMatchesTruth(data, expected);
  });

  it('treats a flag and variants containing quotes and SQL as plain data', async function () {
    const flag = "checkout'; DROP TABLE exposures; --";
    const variants = ['blue"); DROP TABLE events; --', "green's"];
    const { definition, expected } = await loaded({
      seed: 5,
      units: 1500,
      flag,
      variants,
      unknownVariant: "x'y",
    });
    const data = await collectFromPostgres(definition, sourceConfig(DEFAULT_TABLES), {
      at: new Date('2026-11-12T06:00:00.000Z'),
      env: env(),
    });
    assertMatchesTruth(data, expected);
    assert.ok(data.health.units[variants[0]] > 0 && data.health.units[variants[1]] > 0);
    const tables = await client.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('exposures', 'events')",
    );
    assert.equal(tables.rows[0].n, 2);
  });

  it('prints SQL for --show-sql that gives the same figures when run by hand', async function () {
    const { definition } = await loaded({ seed: 6, units: 1500, cuped: true });
    const config = sourceConfig(DEFAULT_TABLES);
    const at = new Date('2026-11-12T06:00:00.000Z');
    const data = await collectFromPostgres(definition, config, { at, env: env() });
    const printed = showPostgresQueries(definition, config, at);
    assert.match(printed, /\$1 = 'checkout-button'/);
    // Run as a person would in psql: the whole text, simple protocol, no bind parameters
    // (each EXECUTE answers as a SELECT).
    await client.query("SET TIME ZONE 'UTC'");
    const results = (await client.query(printed)) as unknown as {
      command: string;
      rows: Record<string, unknown>[];
    }[];
    const executed = results.filter((r) => r.command === 'SELECT');
    assert.equal(executed.length, 1 + definition.metrics.length);
    definition.metrics.forEach((metric, index) => {
      assertClose(readMetric(definition, metric, executed[index + 1].rows), data.metrics[index], metric.name);
    });
  });

  it('puts no flag, variant, event name or instant into the SQL text, only into bind parameters', function () {
    const { definition } = generateEvents(
      { seed: 8, units: 1, flag: 'flag-x1', variants: ['variant-x2', 'variant-x3'], cuped: true },
      () => undefined,
    );
    const queries = buildExperimentQueries(
      definition,
      sourceConfig(DEFAULT_TABLES),
      new Date('2026-11-12T06:00:00Z'),
    );
    for (const query of [queries.health, ...queries.metrics.map((m) => m.query)]) {
      for (const data of ['flag-x1', 'variant-x2', 'variant-x3', 'purchase', 'page_view', '2026-']) {
        assert.ok(!query.text.includes(data), `${query.title} has ${data} in its text`);
      }
      assert.ok(query.values.flat().includes('flag-x1'), `${query.title} binds the flag`);
    }
  });

  it('closes its connection after answering and after failing', async function () {
    const { definition } = generateEvents({ seed: 9, units: 10 }, () => undefined);
    const at = new Date('2026-11-12T06:00:00.000Z');
    await loadIntoPostgres(client, generateExperiment({ seed: 9, units: 10 }).records, DEFAULT_TABLES);
    await collectFromPostgres(definition, sourceConfig(DEFAULT_TABLES), { at, env: env() });
    await assert.rejects(
      collectFromPostgres(
        definition,
        sourceConfig({ ...DEFAULT_TABLES, events: { table: 'nothing', columns: {} } }),
        {
          at,
          env: env(),
        },
      ),
      ExperimentSourceError,
    );
    // A backend leaves pg_stat_activity a moment after its client says goodbye: ask until it has.
    let open = -1;
    for (let attempt = 0; attempt < 500 && open !== 0; attempt++) {
      const result = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flaglens'",
      );
      open = result.rows[0].n;
    }
    assert.equal(open, 0, 'connections of the source still open');
  });

  for (const cuped of [false, true]) {
    it(`gives the same figures as the file source on the same events${cuped ? ', with CUPED' : ''}`, async function () {
      const { definition, expected, records } = await loaded({
        seed: 10 + Number(cuped),
        units: 3000,
        cuped,
      });
      const dir = await mkdtemp(join(tmpdir(), 'flaglens-events-'));
      try {
        const file = join(dir, 'events.ndjson');
        await writeFile(file, toNdjson(records));
        const at = new Date('2026-11-12T06:00:00.000Z');
        const fromFiles = await collectFromFiles(definition, [file], { at, root: dir });
        const fromPostgres = await collectFromPostgres(definition, sourceConfig(DEFAULT_TABLES), {
          at,
          env: env(),
        });
        assertClose(fromPostgres.metrics, fromFiles.metrics, 'metrics');
        // Rows considered differ by design: a file source reads every line, the warehouse only
        // the rows that can belong to the experiment (see healthQuery).
        const comparable = ({ health }: ExperimentData) => ({
          units: health.units,
          multipleExposures: health.multipleExposures,
          unknownVariantUnits: health.unknownVariantUnits,
          dailyUnits: health.dailyUnits,
        });
        assertClose(comparable(fromPostgres), comparable(fromFiles), 'health');
        assert.equal(fromFiles.health.records, expected.allRecords);
        assert.equal(fromFiles.health.badRecords, expected.allBadRecords);
        assert.equal(fromPostgres.asOf, fromFiles.asOf);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  describe('tells what is wrong, in a sentence, when it cannot read the warehouse', function () {
    const { definition } = generateEvents({ seed: 7, units: 10 }, () => undefined);
    const at = new Date('2026-11-12T06:00:00.000Z');

    async function failure(
      config: PostgresSourceConfig,
      environment: NodeJS.ProcessEnv,
      extra: { connectTimeoutMs?: number; statementTimeoutMs?: number } = {},
    ): Promise<ExperimentSourceError> {
      try {
        await collectFromPostgres(definition, config, { at, env: environment, ...extra });
      } catch (error) {
        assert.ok(error instanceof ExperimentSourceError, `not an ExperimentSourceError: ${String(error)}`);
        assert.doesNotMatch(error.stack ?? '', /\n\s+at /, 'the error carries no stack frames');
        return error;
      }
      assert.fail('collectFromPostgres succeeded');
    }

    before(async function () {
      await loadIntoPostgres(client, generateExperiment({ seed: 7, units: 10 }).records, DEFAULT_TABLES);
    });

    it('names the environment variable when it is not set', async function () {
      const error = await failure(sourceConfig(DEFAULT_TABLES), {});
      assert.match(error.message, /environment variable FLAGLENS_TEST_WAREHOUSE is not set/);
    });

    it('says the connection was refused on a port nobody listens on', async function () {
      const port = await freePort();
      const error = await failure(sourceConfig(DEFAULT_TABLES), {
        [ENV]: `postgres://flaglens:secret@127.0.0.1:${port}/postgres`,
      });
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}: connection refused`));
      assert.doesNotMatch(error.message, /secret/);
    });

    it('says authentication failed for a wrong password, without showing it', async function () {
      const wrong = server.connectionString.replace(encodeURIComponent(server.password), 'not-the-password');
      const error = await failure(sourceConfig(DEFAULT_TABLES), { [ENV]: wrong });
      assert.match(error.message, /refused user "flaglens": authentication failed/);
      assert.doesNotMatch(error.message, /not-the-password/);
    });

    it('names a missing table and the setting it comes from', async function () {
      const error = await failure(
        sourceConfig({ ...DEFAULT_TABLES, events: { schema: 'public', table: 'Event Log', columns: {} } }),
        env(),
      );
      assert.match(error.message, /The table "public\.Event Log" \(experiments\.postgres\.events\.table/);
      assert.match(error.message, /does not exist/);
    });

    it('names a missing column, its table and the setting it comes from', async function () {
      const error = await failure(
        sourceConfig({ ...DEFAULT_TABLES, events: { table: 'events', columns: { value: 'amount' } } }),
        env(),
      );
      assert.match(error.message, /The table "events" has no column "amount" for the event field value/);
      assert.match(error.message, /experiments\.postgres\.events\.columns\.value/);
    });

    it('says a timestamp column of the wrong type must be a timestamp', async function () {
      const error = await failure(
        sourceConfig({ ...DEFAULT_TABLES, events: { table: 'events', columns: { ts: 'event' } } }),
        env(),
      );
      assert.match(
        error.message,
        /The column "event" of "events" \(ts\) is text; it must be one of: timestamp/,
      );
    });

    it('says the server did not answer in time when connecting times out', async function () {
      // A listener that accepts the connection and never says a word.
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const error = await failure(
          sourceConfig(DEFAULT_TABLES),
          { [ENV]: `postgres://flaglens:x@127.0.0.1:${port}/postgres` },
          { connectTimeoutMs: 200 },
        );
        assert.match(error.message, /no answer within 200 ms \(timeout\)/);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('says a query ran past the statement timeout', async function () {
      // A view that takes seconds per row stands in for a slow warehouse.
      await client.query(
        'CREATE OR REPLACE VIEW slow_events AS SELECT e.* FROM events e, (SELECT pg_sleep(5)) s',
      );
      const error = await failure(
        sourceConfig({ ...DEFAULT_TABLES, events: { table: 'slow_events', columns: {} } }),
        env(),
        { statementTimeoutMs: 100 },
      );
      assert.match(
        error.message,
        /cancelled experiment generated-experiment: .*statement timeout \(100 ms\)/,
      );
    });
  });
});
