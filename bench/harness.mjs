/**
 * The measuring side of `npm run bench`, bundled with esbuild (like dist/server.js) and run in its
 * own process so that its peak RSS is the index's, not the corpus generator's.
 *
 *   node --expose-gc harness.js <options.json>
 *
 * Options: { dir, truthFile, outFile, samples, seed }. Writes the measurements to `outFile`.
 * It drives the same core objects the language server drives: FlagWorkspace (load, indexCode,
 * updateFile), hoverAt and codeLenses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { flagOfUsage } from '../server/src/core/analysis/codeFindings';
import { codeLenses } from '../server/src/core/features/codeLens';
import { hoverAt } from '../server/src/core/features/hover';
import { camelCaseFlagKey } from '../server/src/core/usages/camelCase';
import { ApiCatalog } from '../server/src/core/usages/presets';
import { FlagWorkspace } from '../server/src/core/workspace/flagWorkspace';
import { nodeHost } from '../server/src/node/nodeHost';
import { Random } from './random.mjs';

const startedAt = performance.now();
const options = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { dir, truthFile, outFile, samples, seed } = options;
const log = (message) => process.stderr.write(`  [harness] ${message}\n`);

// ---- memory: sampled all along, plus the kernel's high-water mark at the end
let peakRss = process.memoryUsage.rss();
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  return rss;
};
const sampler = setInterval(sampleRss, 5);
const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const gc = () => globalThis.gc?.();

/**
 * CPU time of the main thread alone, from Linux's per-thread accounting (USER_HZ is 100 on Linux):
 * the JavaScript work (prefilter, parse, link) runs there, so no wall time can be shorter, whatever
 * other processes do. Undefined elsewhere.
 */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Wall and CPU time of one synchronous operation. CPU time leaves out the time the OS gave to other
 * processes, so on a shared machine it shows what the operation itself costs.
 */
function measure(operation) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = operation();
  const end = performance.now();
  const used = process.cpuUsage(cpu);
  return { value, wall: end - start, cpu: (used.user + used.system) / 1000, start, end };
}

/** Garbage collections, to tell a slow operation from one that paid for earlier allocations. */
const collections = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
}).observe({ entryTypes: ['gc'] });
/** GC time inside [start, end] (observer entries arrive asynchronously: call after a tick). */
function gcWithin(start, end) {
  let total = 0;
  for (const gc of collections) total += Math.max(0, Math.min(end, gc.end) - Math.max(start, gc.start));
  return total;
}
const nextTick = () => new Promise((resolve) => setTimeout(resolve, 20));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
function summarise(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const round = (value) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? null),
  };
}

/** The Node host, counting calls: how often the index reads the same files is a cost of its own. */
const hostCalls = {
  readFile: 0,
  readBytes: 0,
  stat: 0,
  readDirectory: 0,
  scans: 0,
  scannedFiles: 0,
  matchedFiles: 0,
};
const countingHost = {
  async readFile(file) {
    hostCalls.readFile++;
    const text = await nodeHost.readFile(file);
    if (text !== undefined) hostCalls.readBytes += text.length;
    return text;
  },
  stat(file) {
    hostCalls.stat++;
    return nodeHost.stat(file);
  },
  readDirectory(folder) {
    hostCalls.readDirectory++;
    return nodeHost.readDirectory(folder);
  },
  // The bulk scan (on the Node host's worker thread): files read there and texts sent back.
  async *scanFiles(request) {
    hostCalls.scans++;
    for await (const chunk of nodeHost.scanFiles(request)) {
      hostCalls.scannedFiles += chunk.length;
      for (const file of chunk) if (file.status === 'matched') hostCalls.matchedFiles++;
      yield chunk;
    }
  },
};

async function main() {
  const result = {
    startupMs: Math.round(startedAt),
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    // The bundle alone (TypeScript's compiler is most of it), before any file is read.
    phases: { startup: { rssMb: mb(sampleRss()) } },
  };

  // ---- cold index: discovery and registry, then code
  const workspaceRoot = path.resolve(dir).replace(/\\/g, '/');
  const cpu0 = process.cpuUsage();
  const mainCpu0 = mainThreadCpuMs();
  const t0 = performance.now();
  const workspace = new FlagWorkspace({ root: workspaceRoot, host: countingHost });
  // Discovery reports progress too (the server shows it): the first sign of life.
  let firstDiscoveryProgress;
  await workspace.load((codeFiles) => {
    firstDiscoveryProgress ??= { msSinceStart: performance.now() - t0, codeFiles };
  });
  const loaded = performance.now();
  // An editor has a file open: the server indexes its buffer first and answers hovers on it
  // before the rest of the tree is read (what a user of a large repository sees first).
  const truthUsages = JSON.parse(readFileSync(truthFile, 'utf8')).usages.filter(
    (usage) => usage.flag !== null,
  );
  const openFile = truthUsages[Math.floor(truthUsages.length / 2)].file;
  workspace.updateBuffer(openFile, readFileSync(path.join(dir, openFile), 'utf8'));
  await workspace.whenIndexIdle();
  const openUsage = workspace.usagesInFile(openFile).find((usage) => usage.flag !== null);
  const openHover =
    openUsage &&
    hoverAt(workspace, openFile, {
      line: openUsage.keyRange.start.line,
      character: openUsage.keyRange.start.character + 1,
    });
  const openFileAnswered = {
    file: openFile,
    msSinceStart: performance.now() - t0,
    hover: openHover ? 'answered' : 'none',
  };
  const mainCpuLoaded = mainThreadCpuMs();
  let firstProgress;
  let firstUsages;
  let progressCalls = 0;
  await workspace.indexCode((done, total) => {
    progressCalls++;
    const now = performance.now();
    firstProgress ??= { msSinceStart: now - t0, msSinceIndexStart: now - loaded, done, total };
    if (firstUsages === undefined) {
      const count = workspace.usages().length;
      if (count > 0) firstUsages = { msSinceStart: now - t0, done, total, usages: count };
    }
  });
  const indexed = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const mainCpu = mainCpu0 === undefined ? undefined : mainThreadCpuMs() - mainCpu0;
  result.cold = {
    loadMs: loaded - t0,
    indexCodeMs: indexed - loaded,
    totalMs: indexed - t0,
    // CPU time is much less sensitive than wall time to other processes on a shared machine.
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    mainThreadCpuMs: mainCpu,
    mainThreadCpuLoadMs: mainCpu0 === undefined ? undefined : mainCpuLoaded - mainCpu0,
    codeFiles: workspace.codeFiles.length,
    tooLarge: workspace.tooLarge.map(({ file }) => file),
    registryEnvironments: workspace.environments(),
    firstDiscoveryProgress,
    openFileAnswered,
    firstProgress,
    firstUsages,
    progressCalls,
    stats: workspace.indexStats(),
    hostCalls: { ...hostCalls },
  };
  result.phases.afterIndex = { rssMb: mb(sampleRss()) };
  gc();
  const heap = process.memoryUsage();
  result.phases.afterIndexGc = {
    rssMb: mb(heap.rss),
    heapUsedMb: mb(heap.heapUsed),
    externalMb: mb(heap.external),
  };
  log(
    `cold index ${Math.round(result.cold.totalMs)} ms (load ${Math.round(result.cold.loadMs)} ms), ${result.cold.stats.usages} usages, ` +
      `${result.cold.stats.parsedFiles} files parsed, ${hostCalls.readFile} file reads (${Math.round(hostCalls.readBytes / 1e6)} MB) + ${hostCalls.scannedFiles} scanned on the worker`,
  );

  // ---- correctness against the ground truth
  const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
  result.correctness = checkCorrectness(workspace, truth);
  log(`recall ${result.correctness.recall}, precision ${result.correctness.precision}`);

  const rng = new Random((seed ^ 0x5eed) >>> 0);
  const usageFiles = [...new Set(truth.usages.map((usage) => usage.file))].sort();
  const originals = new Map();
  const original = (file) => {
    let text = originals.get(file);
    if (text === undefined) {
      text = readFileSync(path.join(dir, file), 'utf8');
      originals.set(file, text);
    }
    return text;
  };

  // ---- re-index after one edit: a comment line typed somewhere, or a function added at the end
  const reindex = [];
  const reindexCpu = [];
  const reindexSpans = [];
  const slowest = [];
  let reportedChanges = 0;
  for (let i = 0; i < samples; i++) {
    const file = rng.pick(usageFiles);
    const text = original(file);
    let edited;
    if (i % 2 === 0) {
      const lines = text.split('\n');
      lines.splice(rng.int(lines.length), 0, `// edit ${i}: keep the totals in cents`);
      edited = lines.join('\n');
    } else {
      edited = `${text}\nexport function benchEdit${i}(value: number): number {\n  return value * ${i};\n}\n`;
    }
    const { value: changed, wall, cpu, start, end } = measure(() => workspace.updateFile(file, edited));
    if (changed) reportedChanges++;
    reindex.push(wall);
    reindexCpu.push(cpu);
    reindexSpans.push({ start, end });
    slowest.push({
      start,
      end,
      file,
      ms: Math.round(wall * 1000) / 1000,
      cpuMs: Math.round(cpu * 1000) / 1000,
      bytes: edited.length,
      edit: i % 2 === 0 ? 'comment line inserted' : 'function appended',
    });
  }
  await nextTick();
  slowest.sort((a, b) => b.ms - a.ms);
  const slowestWithGc = slowest.slice(0, 3).map(({ start, end, ...sample }) => ({
    ...sample,
    gcMs: Math.round(gcWithin(start, end) * 1000) / 1000,
  }));
  for (const [file, text] of originals) workspace.updateFile(file, text);
  result.reindex = {
    ...summarise(reindex),
    cpu: summarise(reindexCpu),
    // The same samples less the garbage collections that ran inside them.
    withoutGc: summarise(reindexSpans.map(({ start, end }) => end - start - gcWithin(start, end))),
    gcMsInside: Math.round(reindexSpans.reduce((sum, { start, end }) => sum + gcWithin(start, end), 0)),
    reportedChanges,
    slowest: slowestWithGc,
  };

  // An edit of the shared keys module re-links every file that imports a key from it.
  const keysFile = 'src/flags/keys.ts';
  const keysText = original(keysFile);
  const keysEdits = [];
  const keysEditsCpu = [];
  for (let i = 0; i < 20; i++) {
    const { wall, cpu } = measure(() => workspace.updateFile(keysFile, `// revision ${i}\n${keysText}`));
    keysEdits.push(wall);
    keysEditsCpu.push(cpu);
  }
  workspace.updateFile(keysFile, keysText);
  result.reindexSharedKeys = { ...summarise(keysEdits), cpu: summarise(keysEditsCpu) };
  log(
    `re-index p50 ${result.reindex.p50} ms p99 ${result.reindex.p99} ms; shared keys module p50 ${result.reindexSharedKeys.p50} ms`,
  );

  // ---- hover and code lens on files with usages
  const withUsages = usageFiles.filter((file) =>
    workspace.usagesInFile(file).some((usage) => usage.flag !== null),
  );
  const hovers = [];
  const hoversCpu = [];
  let emptyHovers = 0;
  for (let i = 0; i < samples && withUsages.length > 0; i++) {
    const file = rng.pick(withUsages);
    const usage = rng.pick(workspace.usagesInFile(file).filter((candidate) => candidate.flag !== null));
    const { line, character } = usage.keyRange.start;
    const {
      value: hover,
      wall,
      cpu,
    } = measure(() => hoverAt(workspace, file, { line, character: character + 1 }));
    hovers.push(wall);
    hoversCpu.push(cpu);
    if (!hover) emptyHovers++;
  }
  result.hover = { ...summarise(hovers), cpu: summarise(hoversCpu), empty: emptyHovers };

  const lensTimes = [];
  const lensCpu = [];
  let lensCount = 0;
  for (let i = 0; i < samples && withUsages.length > 0; i++) {
    const file = rng.pick(withUsages);
    const { value: lenses, wall, cpu } = measure(() => codeLenses(workspace, file));
    lensCount += lenses.length;
    lensTimes.push(wall);
    lensCpu.push(cpu);
  }
  result.codeLens = {
    ...summarise(lensTimes),
    cpu: summarise(lensCpu),
    lensesPerFile: Math.round((lensCount / Math.max(1, lensTimes.length)) * 10) / 10,
  };

  // Lenses on a registry file: "N usages" above every flag of the environment.
  const registryLens = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    codeLenses(workspace, 'flags/production.flagd.json');
    registryLens.push(performance.now() - start);
  }
  result.registryCodeLens = summarise(registryLens);
  log(
    `hover p99 ${result.hover.p99} ms, code lens p99 ${result.codeLens.p99} ms, registry lens p50 ${result.registryCodeLens.p50} ms`,
  );

  // ---- what ripgrep should search for: the index's own prefilter
  const catalog = new ApiCatalog(workspace.config.sdks, workspace.config.wrappers);
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  result.prefilter = {
    calls: `\\b(?:${[...catalog.callNames].map(escape).join('|')})\\s*[<(]`,
    modules: `['"](?:${catalog.presets
      .flatMap((preset) => preset.modules)
      .map(escape)
      .join('|')})`,
  };

  clearInterval(sampler);
  sampleRss();
  result.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  result.memory = {
    peakRssSampledMb: mb(peakRss),
    // resourceUsage().maxRSS is in kilobytes.
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
  };
  writeFileSync(outFile, JSON.stringify(result, null, 2));
}

/** Matches the index's usages to the ground truth by file, line and flag (a multiset match). */
function checkCorrectness(workspace, truth) {
  const keyOf = (file, line, flag) => `${file}\u0000${line}\u0000${flag === null ? '<dynamic>' : flag}`;
  const expected = new Map();
  for (const entry of truth.usages) {
    const key = keyOf(entry.file, entry.line, entry.flag);
    const list = expected.get(key) ?? [];
    list.push(entry);
    expected.set(key, list);
  }
  const actual = workspace.usages();
  const matchedPairs = [];
  const falsePositives = [];
  for (const usage of actual) {
    const key = keyOf(usage.file, usage.range.start.line + 1, usage.flag);
    const list = expected.get(key);
    if (list && list.length > 0) matchedPairs.push({ entry: list.shift(), usage });
    else falsePositives.push(usage);
  }
  const misses = [...expected.values()].flat();
  const lineOf = (file, line) => {
    try {
      return readFileSync(path.join(workspace.root, file), 'utf8').split('\n')[line - 1]?.trim();
    } catch {
      return undefined;
    }
  };
  const decoyAt = new Map(truth.decoys.map((decoy) => [`${decoy.file}\u0000${decoy.line}`, decoy.category]));

  const byForm = {};
  for (const entry of truth.usages) (byForm[entry.form] ??= { expected: 0, found: 0 }).expected++;
  for (const { entry } of matchedPairs) byForm[entry.form].found++;
  const byFlavor = {};
  for (const entry of truth.usages) (byFlavor[entry.flavor] ??= { expected: 0, found: 0 }).expected++;
  for (const { entry } of matchedPairs) byFlavor[entry.flavor].found++;

  const missExamples = misses.slice(0, 12).map((entry) => {
    const near = actual.filter(
      (usage) =>
        usage.file === entry.file &&
        usage.flag === entry.flag &&
        Math.abs(usage.range.start.line + 1 - entry.line) <= 3,
    );
    return {
      file: entry.file,
      line: entry.line,
      flag: entry.flag,
      form: entry.form,
      flavor: entry.flavor,
      api: entry.api,
      source: lineOf(entry.file, entry.line),
      ...(near.length ? { reportedNearbyAtLines: near.map((usage) => usage.range.start.line + 1) } : {}),
    };
  });
  const missesByFormAndFlavor = {};
  for (const entry of misses) {
    const label = `${entry.flavor} / ${entry.form}`;
    missesByFormAndFlavor[label] = (missesByFormAndFlavor[label] ?? 0) + 1;
  }
  const falsePositivesByCategory = {};
  for (const usage of falsePositives) {
    const category =
      decoyAt.get(`${usage.file}\u0000${usage.range.start.line + 1}`) ??
      (truth.excluded.includes(usage.file) ? 'excluded-file' : 'not-a-decoy');
    falsePositivesByCategory[category] = (falsePositivesByCategory[category] ?? 0) + 1;
  }
  const falsePositiveExamples = falsePositives.slice(0, 12).map((usage) => ({
    file: usage.file,
    line: usage.range.start.line + 1,
    flag: usage.flag,
    api: usage.api,
    sdk: usage.sdk,
    resolution: usage.resolution,
    decoy: decoyAt.get(`${usage.file}\u0000${usage.range.start.line + 1}`),
    source: lineOf(usage.file, usage.range.start.line + 1),
  }));

  // Information only (not part of recall/precision): how each key was said to be resolved.
  const resolutionMismatches = {};
  for (const { entry, usage } of matchedPairs) {
    const expectedResolution = entry.resolution;
    const got = usage.resolution;
    const keyResolutionOk = entry.keyResolution === undefined || entry.keyResolution === usage.keyResolution;
    if (expectedResolution === got && keyResolutionOk) continue;
    const label = `${expectedResolution}${entry.keyResolution ? `(${entry.keyResolution})` : ''} -> ${got}${usage.keyResolution ? `(${usage.keyResolution})` : ''}`;
    const slot = (resolutionMismatches[label] ??= {
      count: 0,
      example: `${entry.file}:${entry.line} ${lineOf(entry.file, entry.line)}`,
    });
    slot.count++;
  }

  // LaunchDarkly useFlags(): the index reports the camelCased name; the analysis must map it back.
  const camelCase = { checked: 0, indexCamelCaseDisagrees: [], registryMappingWrong: [] };
  for (const { entry, usage } of matchedPairs) {
    if (!entry.registryKey) continue;
    camelCase.checked++;
    if (camelCaseFlagKey(entry.registryKey) !== entry.flag)
      camelCase.indexCamelCaseDisagrees.push({
        registryKey: entry.registryKey,
        generator: entry.flag,
        index: camelCaseFlagKey(entry.registryKey),
      });
    const mapped = flagOfUsage(workspace.registry, usage)?.key;
    if (mapped !== entry.registryKey && camelCase.registryMappingWrong.length < 10)
      camelCase.registryMappingWrong.push({
        file: entry.file,
        line: entry.line,
        written: entry.flag,
        registryKey: entry.registryKey,
        mappedTo: mapped ?? null,
      });
  }
  const mappingWrongTotal = matchedPairs.filter(
    ({ entry, usage }) =>
      entry.registryKey && flagOfUsage(workspace.registry, usage)?.key !== entry.registryKey,
  ).length;

  const ratio = (a, b) => (b === 0 ? 1 : Math.round((a / b) * 100000) / 100000);
  return {
    expected: truth.usages.length,
    reported: actual.length,
    matched: matchedPairs.length,
    recall: ratio(matchedPairs.length, truth.usages.length),
    precision: ratio(matchedPairs.length, actual.length),
    misses: misses.length,
    falsePositives: falsePositives.length,
    byForm,
    byFlavor,
    missesByFormAndFlavor,
    missExamples,
    falsePositivesByCategory,
    falsePositiveExamples,
    resolutionMismatches,
    launchDarklyCamelCase: { ...camelCase, registryMappingWrongTotal: mappingWrongTotal },
    tooLargeReported: workspace.tooLarge.map(({ file }) => file),
    tooLargeExpected: truth.tooLarge,
  };
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
