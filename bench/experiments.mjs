/**
 * `npm run bench:experiments [-- --events 5000000] [--units 500000]`
 *
 * The experiments engine on a large event log: generates (or reuses) a deterministic NDJSON file
 * of about 5 million events for about 500,000 units under bench/corpus/, then runs
 * `flaglens experiment` on it in a fresh process and reports the wall time and the peak RSS
 * (targets: <= 10 s and <= 400 MB on a 2-core machine). Measured, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    units: { type: 'string', default: '500000' },
    regenerate: { type: 'boolean', default: false },
  },
});
const events = Number(args.events);
const units = Number(args.units);
const dir = path.join(repoRoot, 'bench/corpus', `experiment-${events}-${units}`);
const eventsFile = path.join(dir, 'data/events.ndjson');

// mulberry32, seeded: the same corpus every time.
let seed = 7;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

async function generate() {
  mkdirSync(path.dirname(eventsFile), { recursive: true });
  mkdirSync(path.join(dir, 'flags'), { recursive: true });
  writeFileSync(
    path.join(dir, 'flaglens.json'),
    JSON.stringify({ experiments: { events: ['data/*.ndjson'] } }),
  );
  writeFileSync(
    path.join(dir, 'flags/production.flagd.json'),
    JSON.stringify({
      flags: {
        'bench-flag': {
          state: 'ENABLED',
          variants: { a: 'a', b: 'b' },
          defaultVariant: 'a',
          targeting: { fractional: [{ cat: ['bench-flag', { var: 'targetingKey' }] }, ['a', 50], ['b', 50]] },
          metadata: { type: 'experiment', experiment: 'bench' },
        },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'bench.experiment.json'),
    JSON.stringify({
      flag: 'bench-flag',
      environment: 'production',
      control: 'a',
      variants: ['a', 'b'],
      start: '2026-11-01T00:00:00Z',
      end: '2026-12-01T00:00:00Z',
      metrics: [
        { name: 'purchase', event: 'purchase', kind: 'binomial', goal: 'increase', role: 'primary' },
        { name: 'revenue', event: 'purchase', kind: 'mean', goal: 'increase', role: 'secondary' },
        { name: 'errors', event: 'error', kind: 'binomial', goal: 'decrease', role: 'guardrail' },
      ],
    }),
  );
  const out = createWriteStream(eventsFile);
  const start = Date.parse('2026-11-01T00:00:00Z');
  const month = 30 * 86_400_000;
  const perUnit = events / units;
  let written = 0;
  let buffer = '';
  const flush = async () => {
    if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
    buffer = '';
  };
  for (let u = 0; u < units && written < events; u++) {
    const unit = `user-${u}`;
    const variant = random() < 0.5 ? 'a' : 'b';
    const first = start + Math.floor(random() * month);
    buffer += `{"type":"exposure","ts":"${new Date(first).toISOString()}","unit":"${unit}","flag":"bench-flag","variant":"${variant}"}\n`;
    written++;
    // The rest of the unit's events: page views (not a metric), a few purchases and errors.
    const more = Math.max(0, Math.round(perUnit - 1 + (random() - 0.5) * 4));
    for (let i = 0; i < more && written < events; i++) {
      const ts = new Date(first + Math.floor(random() * 7 * 86_400_000)).toISOString();
      const draw = random();
      if (draw < 0.04)
        buffer += `{"type":"track","ts":"${ts}","unit":"${unit}","event":"purchase","value":${(20 + random() * 80).toFixed(2)}}\n`;
      else if (draw < 0.05) buffer += `{"type":"track","ts":"${ts}","unit":"${unit}","event":"error"}\n`;
      else if (draw < 0.1)
        buffer += `{"type":"exposure","ts":"${ts}","unit":"${unit}","flag":"bench-flag","variant":"${variant}"}\n`;
      else buffer += `{"type":"track","ts":"${ts}","unit":"${unit}","event":"page_view"}\n`;
      written++;
    }
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise((resolve) => out.end(resolve));
  return written;
}

if (args.regenerate || !existsSync(eventsFile)) {
  console.log(
    `Generating ${events.toLocaleString('en-US')} events for ${units.toLocaleString('en-US')} units ...`,
  );
  const written = await generate();
  console.log(`  ${written.toLocaleString('en-US')} events in ${path.relative(repoRoot, eventsFile)}`);
} else console.log(`Reusing ${path.relative(repoRoot, eventsFile)} (--regenerate to rebuild)`);

const buildDir = path.join(repoRoot, 'bench/corpus/.build');
mkdirSync(buildDir, { recursive: true });
const harnessJs = path.join(buildDir, 'experimentsHarness.js');
await esbuild.build({
  absWorkingDir: repoRoot,
  stdin: {
    contents: `
      const { FlagWorkspace } = require('./server/src/core/workspace/flagWorkspace');
      const { nodeHost } = require('./server/src/node/nodeHost');
      const { analysableDefinition, analyzeExperiment } = require('./server/src/node/experiments/analyzeExperiment');
      const started = process.hrtime.bigint();
      (async () => {
        const workspace = new FlagWorkspace({ root: process.argv[2], host: nodeHost, now: () => new Date('2026-12-02T00:00:00Z') });
        await workspace.load();
        const report = await analyzeExperiment(workspace, analysableDefinition(workspace, 'bench'));
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        process.stdout.write(JSON.stringify({ wallMs, maxRssMB: process.resourceUsage().maxRSS / 1024, units: report.health.units, records: report.health.records, status: report.status }));
        process.exit(0);
      })();`,
    resolveDir: repoRoot,
    loader: 'js',
  },
  outfile: harnessJs,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  mainFields: ['module', 'main'],
});
const run = spawnSync(process.execPath, [harnessJs, dir], { encoding: 'utf8' });
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}
const measured = JSON.parse(run.stdout);
const row = (name, value, target, unit) =>
  `  ${name.padEnd(28)} ${value.toFixed(unit === 's' ? 2 : 0).padStart(8)} ${unit}  target <= ${target} ${unit}  ${value <= target ? 'met' : 'MISSED'}`;
console.log(
  `\nExperiments, file source: ${measured.records.toLocaleString('en-US')} records, units ${JSON.stringify(measured.units)}`,
);
console.log(row('flaglens experiment (wall)', measured.wallMs / 1000, 10, 's'));
console.log(row('peak RSS', measured.maxRssMB, 400, 'MB'));
const resultsFile = path.join(repoRoot, 'bench/results.json');
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
results.experimentsFileSource = { events, units, ...measured, measuredAt: new Date().toISOString() };
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
