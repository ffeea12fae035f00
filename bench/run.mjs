/**
 * `npm run bench [-- --files 100000] [--seed 1] [--samples 200] [--runs 1] [--regenerate] [--no-ripgrep]`
 *
 * 1. Generates (or reuses) the deterministic corpus bench/corpus/files-<N>-seed-<S>/ and its
 *    ground truth (bench/corpus.mjs).
 * 2. Bundles bench/harness.mjs with esbuild, the way scripts/build.mjs bundles the server, and
 *    runs it `--runs` times, each in a fresh process (`--expose-gc`) that indexes the corpus and
 *    measures; the table shows the run with the median cold index time.
 * 3. Times ripgrep over the same files for the index's prefilter pattern: the floor.
 * 4. Prints the figures against the targets and merges them into bench/results.json.
 *
 * Times are measured, never asserted: a slow machine prints "misses", it does not fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { GENERATOR_VERSION, generateCorpus } from './corpus.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const benchDir = path.join(repoRoot, 'bench');
const corpusRoot = path.join(benchDir, 'corpus');
const buildDir = path.join(corpusRoot, '.build');

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    samples: { type: 'string', default: '200' },
    runs: { type: 'string', default: '1' },
    regenerate: { type: 'boolean', default: false },
    'no-ripgrep': { type: 'boolean', default: false },
  },
});
const files = Number(args.files);
const seed = Number(args.seed);
const samples = Number(args.samples);
const runs = Number(args.runs);
if (
  !Number.isInteger(files) ||
  files < 100 ||
  !Number.isInteger(seed) ||
  !Number.isInteger(samples) ||
  samples < 1 ||
  !Number.isInteger(runs) ||
  runs < 1
) {
  console.error(
    'usage: node bench/run.mjs [--files N>=100] [--seed S] [--samples K] [--runs R] [--regenerate] [--no-ripgrep]',
  );
  process.exit(2);
}

// ---- 1. corpus
const name = `files-${files}-seed-${seed}`;
const corpusDir = path.join(corpusRoot, name);
const truthFile = path.join(corpusRoot, `${name}.truth.json`);
const manifestFile = path.join(corpusRoot, `${name}.manifest.json`);
let manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : undefined;
if (
  args.regenerate ||
  !manifest ||
  manifest.generatorVersion !== GENERATOR_VERSION ||
  !existsSync(corpusDir) ||
  !existsSync(truthFile)
) {
  console.log(`Generating ${name} ...`);
  rmSync(corpusDir, { recursive: true, force: true });
  mkdirSync(corpusDir, { recursive: true });
  const start = performance.now();
  const { truth, summary } = generateCorpus({ files, seed, dir: corpusDir });
  writeFileSync(truthFile, JSON.stringify(truth));
  manifest = {
    generatorVersion: GENERATOR_VERSION,
    files,
    seed,
    summary,
    generationMs: Math.round(performance.now() - start),
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
} else {
  console.log(`Reusing ${name} (generator v${GENERATOR_VERSION}; --regenerate to rebuild)`);
}
const { summary } = manifest;
console.log(
  `Corpus: ${summary.codeFiles} code files (${(summary.bytes / 1e6).toFixed(1)} MB), ${summary.flags} flags, ` +
    `${summary.usages} usages in ${summary.usageFiles} files (${((summary.usageFiles / summary.codeFiles) * 100).toFixed(1)}%), ` +
    `${summary.dynamicUsages} dynamic, ${summary.decoys} decoys`,
);

// ---- 2. bundle and run the harness
mkdirSync(buildDir, { recursive: true });
const harnessJs = path.join(buildDir, 'harness.js');
await esbuild.build({
  absWorkingDir: repoRoot,
  entryPoints: [path.join(benchDir, 'harness.mjs')],
  outfile: harnessJs,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // As in scripts/build.mjs: jsonc-parser's UMD build hides its requires from bundlers.
  mainFields: ['module', 'main'],
});
const optionsFile = path.join(buildDir, `${name}.options.json`);
const outFile = path.join(buildDir, `${name}.measurements.json`);
writeFileSync(optionsFile, JSON.stringify({ dir: corpusDir, truthFile, outFile, samples, seed }));
// Each run is a fresh process, so every cold index is cold (the OS file cache stays warm).
const allRuns = [];
for (let run = 1; run <= runs; run++) {
  console.log(`Indexing and measuring${runs > 1 ? ` (run ${run} of ${runs})` : ''} ...`);
  rmSync(outFile, { force: true });
  const harness = spawnSync(process.execPath, ['--expose-gc', harnessJs, optionsFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (harness.status !== 0 || !existsSync(outFile)) {
    console.error(
      `The harness failed (exit ${harness.status}${harness.signal ? `, ${harness.signal}` : ''}).`,
    );
    process.exit(1);
  }
  allRuns.push(JSON.parse(readFileSync(outFile, 'utf8')));
}
// The table shows the run with the median cold index time; every run is kept in results.json.
const byCold = [...allRuns].sort((a, b) => a.cold.totalMs - b.cold.totalMs);
const measured = byCold[Math.floor((byCold.length - 1) / 2)];

// ---- 3. ripgrep, the floor
const ripgrep = args['no-ripgrep'] ? { status: 'skipped' } : timeRipgrep(measured.prefilter);

// ---- 4. report
const large = files >= 100_000;
const targets = {
  coldMs: large ? 30_000 : 2_000,
  reindexP99Ms: 30,
  hoverP99Ms: 20,
  lensP99Ms: 20,
  rssMb: large ? 1024 : 300,
  firstResultsMs: 2_000,
};
const rows = [];
const verdict = (ok) => (ok ? 'meets' : 'MISSES');
const ms = (value) =>
  value === null || value === undefined
    ? '—'
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const pct = (value) => `${(value * 100).toFixed(2)}%`;
const add = (metric, value, target = '', ok) =>
  rows.push([metric, value, target, ok === undefined ? '' : verdict(ok)]);
const latencyTargetNote = large ? ' (10k target)' : '';

add(
  'cold index (load + indexCode)',
  ms(measured.cold.totalMs),
  `<= ${ms(targets.coldMs)}`,
  measured.cold.totalMs <= targets.coldMs,
);
if (runs > 1)
  add(
    `  over ${runs} runs: min / max`,
    `${ms(byCold[0].cold.totalMs)} / ${ms(byCold[byCold.length - 1].cold.totalMs)}`,
  );
add('  CPU time, all threads (user + system)', `${ms(measured.cold.cpuUserMs + measured.cold.cpuSystemMs)}`);
if (measured.cold.mainThreadCpuMs !== undefined)
  add(
    '  CPU time, main thread (of which load)',
    `${ms(measured.cold.mainThreadCpuMs)} (${ms(measured.cold.mainThreadCpuLoadMs)})`,
  );
add('  discovery + registry (load)', ms(measured.cold.loadMs));
add('  code (indexCode)', ms(measured.cold.indexCodeMs));
// The first sign of life is discovery's progress; older results.json runs have only indexCode's.
const firstSign = measured.cold.firstDiscoveryProgress ?? measured.cold.firstProgress;
add(
  'first progress callback (from start)',
  ms(firstSign?.msSinceStart),
  `<= ${ms(targets.firstResultsMs)} (ours)`,
  (firstSign?.msSinceStart ?? Infinity) <= targets.firstResultsMs,
);
add(
  '  first indexing progress (from start / from indexCode)',
  `${ms(measured.cold.firstProgress?.msSinceStart)} / ${ms(measured.cold.firstProgress?.msSinceIndexStart)}`,
);
add('first usages available (from start)', ms(measured.cold.firstUsages?.msSinceStart));
if (measured.cold.openFileAnswered)
  add(
    `hover on an open file answered (from start; ${measured.cold.openFileAnswered.hover})`,
    ms(measured.cold.openFileAnswered.msSinceStart),
  );
// Latencies: wall time (what the targets are about), with the CPU time of the same samples beside it.
const withCpu = (figure, percentile) =>
  figure.cpu ? `${ms(figure[percentile])} (CPU ${ms(figure.cpu[percentile])})` : ms(figure[percentile]);
add('re-index after one edit p50', withCpu(measured.reindex, 'p50'));
add(
  're-index after one edit p99',
  withCpu(measured.reindex, 'p99'),
  `<= ${targets.reindexP99Ms} ms${latencyTargetNote}`,
  measured.reindex.p99 <= targets.reindexP99Ms,
);
if (measured.reindex.withoutGc)
  add(
    '  p50 / p99 less GC pauses inside the samples',
    `${ms(measured.reindex.withoutGc.p50)} / ${ms(measured.reindex.withoutGc.p99)}`,
  );
add(
  're-index, shared keys module edited p50/max',
  `${withCpu(measured.reindexSharedKeys, 'p50')} / ${withCpu(measured.reindexSharedKeys, 'max')}`,
);
add('hover p50', withCpu(measured.hover, 'p50'));
add(
  'hover p99',
  withCpu(measured.hover, 'p99'),
  `<= ${targets.hoverP99Ms} ms${latencyTargetNote}`,
  measured.hover.p99 <= targets.hoverP99Ms,
);
add('code lens p50', withCpu(measured.codeLens, 'p50'));
add(
  'code lens p99',
  withCpu(measured.codeLens, 'p99'),
  `<= ${targets.lensP99Ms} ms${latencyTargetNote}`,
  measured.codeLens.p99 <= targets.lensP99Ms,
);
add('code lens on production.flagd.json p50', ms(measured.registryCodeLens.p50));
add(
  'peak RSS (sampled every 5 ms)',
  `${measured.memory.peakRssSampledMb} MB`,
  `<= ${targets.rssMb} MB`,
  measured.memory.peakRssSampledMb <= targets.rssMb,
);
add(
  'peak RSS (getrusage maxRSS)',
  `${measured.memory.maxRssMb} MB`,
  `<= ${targets.rssMb} MB`,
  measured.memory.maxRssMb <= targets.rssMb,
);
add('  RSS at start-up (bundle loaded, nothing read)', `${measured.phases.startup.rssMb} MB`);
add('heap used after index + GC', `${measured.phases.afterIndexGc.heapUsedMb} MB`);
add('recall', pct(measured.correctness.recall), '100%', measured.correctness.recall === 1);
add('precision', pct(measured.correctness.precision), '100%', measured.correctness.precision === 1);
if (ripgrep.status === 'ok') {
  add(
    'ripgrep floor (same files, prefilter pattern)',
    `${ms(ripgrep.firstMs)} first, ${ms(ripgrep.medianMs)} median`,
  );
} else add('ripgrep floor', ripgrep.status === 'skipped' ? 'skipped' : 'ripgrep unavailable');

const widths = [0, 1, 2, 3].map((column) =>
  Math.max(...rows.map((row) => row[column].length), ['metric', 'value', 'target', ''][column].length),
);
const format = (row) =>
  row
    .map((cell, column) => cell.padEnd(widths[column]))
    .join('  ')
    .trimEnd();
console.log(
  `\nResults, ${files} files, ${os.cpus().length} cores, Node ${process.version}; load average ${measured.loadAverageAtStart[0]} at start, ${measured.loadAverageAtEnd[0]} at end`,
);
console.log(format(['metric', 'value', 'target', '']));
console.log(format(widths.map((width) => '-'.repeat(width))));
for (const row of rows) console.log(format(row));

const c = measured.correctness;
console.log(
  `\nIndex: ${measured.cold.stats.files} files known, ${measured.cold.stats.parsedFiles} parsed, ${measured.cold.stats.usages} usages (${measured.cold.stats.dynamic} dynamic); too large: ${measured.cold.tooLarge.join(', ') || 'none'}`,
);
const calls = measured.cold.hostCalls;
console.log(
  `Host calls during the cold index: ${calls.readFile} readFile (${(calls.readBytes / 1e6).toFixed(1)} MB), ${calls.stat} stat, ${calls.readDirectory} readDirectory; ` +
    `${calls.scans ?? 0} scans on the worker thread read ${calls.scannedFiles ?? 0} files and sent back ${calls.matchedFiles ?? 0} texts`,
);
console.log(
  `Slowest re-index samples: ${measured.reindex.slowest.map((sample) => `${ms(sample.ms)}${sample.gcMs === undefined ? '' : ` (GC ${ms(sample.gcMs)})`} ${sample.file} (${sample.bytes} B, ${sample.edit})`).join('; ')}`,
);
if (ripgrep.status === 'ok')
  console.log(`ripgrep: ${ripgrep.matchedFiles} files match the prefilter (${ripgrep.binary})`);
console.log(
  `Ground truth: ${c.expected} expected, ${c.reported} reported, ${c.matched} matched, ${c.misses} missed, ${c.falsePositives} false positives`,
);
console.log(
  'Recall by key form:',
  Object.entries(c.byForm)
    .map(([form, { expected, found }]) => `${form} ${found}/${expected}`)
    .join(', '),
);
console.log(
  'Recall by SDK flavour:',
  Object.entries(c.byFlavor)
    .map(([flavor, { expected, found }]) => `${flavor} ${found}/${expected}`)
    .join(', '),
);
if (c.misses > 0) {
  console.log('Misses by flavour / form:', JSON.stringify(c.missesByFormAndFlavor));
  for (const miss of c.missExamples.slice(0, 6))
    console.log(
      `  missed ${miss.file}:${miss.line} ${JSON.stringify(miss.flag)} (${miss.flavor}, ${miss.form})${miss.reportedNearbyAtLines ? ` [reported at line ${miss.reportedNearbyAtLines.join(', ')}]` : ''}\n      ${miss.source}`,
    );
}
if (c.falsePositives > 0) {
  console.log('False positives by decoy category:', JSON.stringify(c.falsePositivesByCategory));
  for (const fp of c.falsePositiveExamples.slice(0, 6))
    console.log(
      `  reported ${fp.file}:${fp.line} ${JSON.stringify(fp.flag)} (${fp.sdk} ${fp.api}, ${fp.decoy ?? 'no decoy here'})\n      ${fp.source}`,
    );
}
if (Object.keys(c.resolutionMismatches).length) {
  console.log('Resolution labels differing from the ground truth (information, not counted):');
  for (const [label, { count, example }] of Object.entries(c.resolutionMismatches))
    console.log(`  ${label}: ${count}  e.g. ${example}`);
}
const ld = c.launchDarklyCamelCase;
if (ld.registryMappingWrongTotal > 0 || ld.indexCamelCaseDisagrees.length > 0) {
  console.log(
    `LaunchDarkly camelCased reads mapped to the wrong registry key by flagOfUsage: ${ld.registryMappingWrongTotal} of ${ld.checked}`,
  );
  for (const wrong of ld.registryMappingWrong.slice(0, 4))
    console.log(
      `  ${wrong.file}:${wrong.line} ${wrong.written} -> ${wrong.mappedTo} (registry key ${wrong.registryKey})`,
    );
}

const resultsFile = path.join(benchDir, 'results.json');
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { runs: {} };
previous.runs ??= {};
// Earlier measurements of the same size are kept in brief: on a shared machine one run is one sample.
const earlier = previous.runs[String(files)];
const history = earlier ? [...(earlier.history ?? []), briefOf(earlier)].slice(-20) : [];
previous.runs[String(files)] = {
  measuredAt: new Date().toISOString(),
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  },
  corpus: { name, seed, generatorVersion: GENERATOR_VERSION, ...summary },
  targets,
  verdicts: Object.fromEntries(rows.filter((row) => row[3]).map((row) => [row[0].trim(), row[3]])),
  ...measured,
  ripgrep,
  ...(runs > 1
    ? {
        allRuns: allRuns.map((run) => ({
          coldMs: run.cold.totalMs,
          loadMs: run.cold.loadMs,
          cpuMs: run.cold.cpuUserMs + run.cold.cpuSystemMs,
          mainThreadCpuMs: run.cold.mainThreadCpuMs,
          reindexP99Ms: run.reindex.p99,
          hoverP99Ms: run.hover.p99,
          codeLensP99Ms: run.codeLens.p99,
          maxRssMb: run.memory.maxRssMb,
          loadAverage: run.loadAverageAtStart[0],
        })),
      }
    : {}),
};
previous.runs[String(files)].history = history;
writeFileSync(resultsFile, `${JSON.stringify(previous, null, 2)}\n`);
console.log(
  `\nWrote ${path.relative(repoRoot, resultsFile)} (runs: ${Object.keys(previous.runs).join(', ')})`,
);

/** The headline figures of a stored run, for the history of later ones. */
function briefOf(run) {
  return {
    measuredAt: run.measuredAt,
    generatorVersion: run.corpus?.generatorVersion,
    loadAverage: run.loadAverageAtStart?.[0],
    coldMs: run.cold?.totalMs,
    loadMs: run.cold?.loadMs,
    cpuMs: run.cold ? run.cold.cpuUserMs + run.cold.cpuSystemMs : undefined,
    mainThreadCpuMs: run.cold?.mainThreadCpuMs,
    reindexP99Ms: run.reindex?.p99,
    hoverP99Ms: run.hover?.p99,
    codeLensP99Ms: run.codeLens?.p99,
    maxRssMb: run.memory?.maxRssMb,
    recall: run.correctness?.recall,
    precision: run.correctness?.precision,
    ...(run.allRuns ? { allRuns: run.allRuns } : {}),
  };
}

/** Times ripgrep listing the files that match the index's prefilter, over the files the index reads. */
function timeRipgrep(prefilter) {
  const binary = findRipgrep();
  if (!binary) return { status: 'unavailable' };
  const rgArgs = [
    '--files-with-matches',
    '--no-require-git',
    '--no-ignore-parent',
    '--max-filesize',
    '1M',
    '-g',
    '*.{ts,tsx,js,jsx,mts,cts,mjs,cjs}',
    '-g',
    '!*.d.{ts,mts,cts}',
    '-g',
    '!**/{node_modules,dist,build,out,coverage}/**',
    '-e',
    prefilter.calls,
    '-e',
    prefilter.modules,
    corpusDir,
  ];
  const times = [];
  let matchedFiles = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const result = spawnSync(binary, rgArgs, { encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(performance.now() - start);
    if (result.status !== 0 && result.status !== 1) return { status: 'unavailable', error: result.stderr };
    matchedFiles = result.stdout.split('\n').filter(Boolean).length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    status: 'ok',
    binary,
    firstMs: times[0],
    medianMs: sorted[1],
    matchedFiles,
    args: rgArgs.slice(0, -1),
  };
}

function findRipgrep() {
  try {
    const { rgPath } = createRequire(import.meta.url)('@vscode/ripgrep');
    if (existsSync(rgPath)) return rgPath;
  } catch {
    // not installed: try the system's
  }
  const system = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return system.status === 0 ? 'rg' : undefined;
}
