/**
 * `node bench/experimentsPostgres.mjs [--units 500000] [--activity 0.45] [--seed 1] [--runs 3]`
 *
 * Times the PostgreSQL event source of the experiments engine on a warehouse-sized table:
 * 1. Bundles the TypeScript it needs (the seeded event generator, the throwaway PostgreSQL 15,
 *    the source itself) with esbuild into bench/corpus/.build/, as bench/run.mjs does.
 * 2. Starts a temporary PostgreSQL, generates about 5 million rows (about 500,000 units, a
 *    binomial and a mean metric), loads them and indexes them as a warehouse would:
 *    exposures (flag, ts), events (event, unit).
 * 3. Runs `collectFromPostgres` `--runs` times (wall time, connection included) and each of
 *    its queries on its own, checks the figures against the generator's truth, and prints them.
 *
 * Times are measured, never asserted: the target (5 s on a 2-core machine) is printed beside them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const buildDir = path.join(repoRoot, 'bench', 'corpus', '.build');
const TARGET_MS = 5_000;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const { values: args } = parseArgs({
  options: {
    units: { type: 'string', default: '500000' },
    activity: { type: 'string', default: '0.45' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
  },
});
const units = Number(args.units);
const activity = Number(args.activity);
const seed = Number(args.seed);
const runs = Number(args.runs);
if (!Number.isInteger(units) || units < 1 || !(activity > 0) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/experimentsPostgres.mjs [--units N] [--activity A] [--seed S] [--runs R]');
  process.exit(2);
}

// ---- 1. bundle
const bundle = path.join(buildDir, 'experimentsPostgres.cjs');
await esbuild.build({
  absWorkingDir: repoRoot,
  stdin: {
    contents: [
      "export * from './test/support/experimentEvents';",
      "export * from './test/support/postgres';",
      "export * from './server/src/node/postgresEventSource';",
      "export * from './server/src/core/experiments/sql/experimentQueries';",
    ].join('\n'),
    resolveDir: repoRoot,
    loader: 'ts',
  },
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // The driver stays a package: its optional native binding must not be bundled.
  external: ['pg', 'pg-native'],
});
const lib = createRequire(import.meta.url)(bundle);

const METRICS = [
  { name: 'conversion', event: 'purchase', kind: 'binomial', goal: 'increase', role: 'primary' },
  { name: 'revenue', event: 'purchase', kind: 'mean', goal: 'increase', role: 'secondary' },
];
const TABLES = { exposures: { table: 'exposures', columns: {} }, events: { table: 'events', columns: {} } };
const AT = new Date('2026-11-12T06:00:00.000Z');
// A warehouse gives an analytic query more memory than PostgreSQL's defaults (4 MB work_mem).
const SETTINGS = { shared_buffers: '1GB', work_mem: '64MB', max_parallel_workers_per_gather: '2' };

const server = await lib.startPostgres({ settings: SETTINGS });
const client = await server.connect();
try {
  // ---- 2. generate, load, index
  let started = performance.now();
  const records = [];
  const generated = lib.generateEvents({ seed, units, activity, metrics: METRICS }, (r) => records.push(r));
  const exposures = records.filter((r) => r.type === 'exposure').length;
  console.log(
    `Generated ${records.length.toLocaleString('en')} rows (${exposures.toLocaleString('en')} exposures, ` +
      `${(records.length - exposures).toLocaleString('en')} tracks) for ${units.toLocaleString('en')} units ` +
      `in ${ms(performance.now() - started)}`,
  );
  started = performance.now();
  await lib.createEventTables(client, TABLES);
  const loader = new lib.PostgresLoader(client, TABLES, 50_000);
  for (const r of records) await loader.add(r);
  await loader.flush();
  records.length = 0;
  console.log(`Loaded in ${ms(performance.now() - started)}`);
  started = performance.now();
  await client.query('CREATE INDEX exposures_flag_ts ON exposures (flag, ts)');
  await client.query('CREATE INDEX events_event_unit ON events (event, unit)');
  await client.query('VACUUM ANALYZE exposures');
  await client.query('VACUUM ANALYZE events');
  console.log(`Indexed and analysed in ${ms(performance.now() - started)}`);

  // ---- 3. time
  const config = { connectionEnv: 'FLAGLENS_BENCH_WAREHOUSE', ...TABLES };
  const env = { FLAGLENS_BENCH_WAREHOUSE: server.connectionString };
  const totals = [];
  let data;
  for (let run = 1; run <= runs; run++) {
    started = performance.now();
    data = await lib.collectFromPostgres(generated.definition, config, { at: AT, env });
    totals.push(performance.now() - started);
  }
  // Each query alone on one backend without parallel workers: wall time, and the backend's CPU
  // time (from /proc), which other processes on a shared machine disturb far less.
  const queries = lib.buildExperimentQueries(generated.definition, config, AT);
  await client.query("SET TIME ZONE 'UTC'");
  await client.query('SET max_parallel_workers_per_gather = 0');
  const backend = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const perQuery = [];
  for (const query of [queries.health, ...queries.metrics.map((m) => m.query)]) {
    const cpuBefore = cpuMs(backend);
    started = performance.now();
    await client.query({ text: query.text, values: query.values });
    perQuery.push({ title: query.title, ms: performance.now() - started, cpuMs: cpuMs(backend) - cpuBefore });
  }
  const mismatches = compare(data, generated.expected);

  const median = [...totals].sort((a, b) => a - b)[Math.floor((totals.length - 1) / 2)];
  console.log('');
  console.log(
    `PostgreSQL event source, ${os.cpus().length} cores, PostgreSQL 15 with ${JSON.stringify(SETTINGS)}`,
  );
  console.log(`  collectFromPostgres (health + ${METRICS.length} metrics, connection included)`);
  console.log(
    `    runs: ${totals.map(ms).join(', ')}; median ${ms(median)} (target <= ${ms(TARGET_MS)}: ${median <= TARGET_MS ? 'meets' : 'MISSES'})`,
  );
  console.log('  each query alone, one backend, no parallel workers (wall; backend CPU):');
  for (const q of perQuery) console.log(`    ${q.title}: ${ms(q.ms)}; CPU ${ms(q.cpuMs)}`);
  const cpuTotal = perQuery.reduce((total, q) => total + q.cpuMs, 0);
  console.log(
    `    all queries: CPU ${ms(cpuTotal)} (target <= ${ms(TARGET_MS)}: ${cpuTotal <= TARGET_MS ? 'meets' : 'MISSES'})`,
  );
  console.log(
    `  load average during the run: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
  console.log(
    `  figures against the generator's truth: ${mismatches.length === 0 ? 'all equal (1e-9)' : mismatches.join('; ')}`,
  );
  console.log(
    `  analysed units: ${Object.entries(data.health.units)
      .map(([v, n]) => `${v} ${n.toLocaleString('en')}`)
      .join(', ')}; rows considered ${data.health.records.toLocaleString('en')}`,
  );
  if (mismatches.length > 0) process.exitCode = 1;
} finally {
  await client.end();
  await server.stop();
}

/** User + system CPU time of a process so far (/proc/<pid>/stat fields 14 and 15). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function ms(value) {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** Differences beyond 1e-9 (relative above 1) between the source's figures and the truth. */
function compare(data, expected) {
  const problems = [];
  const check = (what, actual, wanted) => {
    if (Math.abs(actual - wanted) > 1e-9 * Math.max(1, Math.abs(wanted)))
      problems.push(`${what}: ${actual} != ${wanted}`);
  };
  for (const [variant, n] of Object.entries(expected.health.units))
    check(`units.${variant}`, data.health.units[variant], n);
  check('multipleExposures', data.health.multipleExposures, expected.health.multipleExposures);
  check('records', data.health.records, expected.health.records);
  for (const metric of data.metrics) {
    for (const [variant, wanted] of Object.entries(expected.metrics[metric.metric.name])) {
      for (const [field, value] of Object.entries(wanted)) {
        check(`${metric.metric.name}.${variant}.${field}`, metric.variants[variant][field], value);
      }
    }
  }
  return problems;
}
