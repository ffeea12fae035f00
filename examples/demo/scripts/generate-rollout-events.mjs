// Generates the demo's guarded-rollout events: two progressive rollouts in production, each
// following the steps recorded in its plan (rollouts/*.rollout.json), with KNOWN truths, so that
// `flaglens guard` can be checked against them. Seeded: the same file every run.
//
//   node scripts/generate-rollout-events.mjs [--out data/events/rollouts.ndjson]
//
// Truth:
// - new-checkout (healthy): checkout errors 2.0% of units in both variants; checkout latency
//   log-normal, median 420 ms, sigma 0.35, in both. `flaglens guard` should say continue.
// - new-api (regression): quote errors 1.0% of units on "off" but 3.5% on "on" (+2.5 points);
//   quote latency log-normal, median 180 ms, sigma 0.5, in both. `flaglens guard` should roll back.
// Variants are assigned by the real flagd engine from flags/production.flagd.json with the
// `fractional` weights of the step in force at each event's time, so returning units stay
// where they were or move to "on" when a step grows, as a sticky rollout does.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

export const TRUTH = {
  'new-checkout': { errors: { off: 0.02, on: 0.02 }, latency: { median: 420, sigma: 0.35 }, perDay: 1200 },
  'new-api': { errors: { off: 0.01, on: 0.035 }, latency: { median: 180, sigma: 0.5 }, perDay: 1500 },
};
const EVENTS = {
  'new-checkout': { error: 'checkout_error', latency: 'checkout_latency_ms' },
  'new-api': { error: 'quote_error', latency: 'quote_latency_ms' },
};
const END = Date.parse('2026-12-04T00:00:00Z');
const HOUR = 3_600_000;

const here = dirname(fileURLToPath(import.meta.url));
const demo = join(here, '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(demo, 'data/events/rollouts.ndjson');

// mulberry32: a small seeded PRNG, so the file is reproducible.
let seed = 20261127;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function normal() {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const logger = { error() {}, warn() {}, info() {}, debug() {} };
const registry = JSON.parse(readFileSync(join(demo, 'flags/production.flagd.json'), 'utf8'));

/** The flag's `fractional` node wherever it sits in the targeting tree. */
function fractionalOf(node) {
  if (node === null || typeof node !== 'object') return undefined;
  if (!Array.isArray(node) && Array.isArray(node.fractional)) return node.fractional;
  for (const child of Object.values(node)) {
    const found = fractionalOf(child);
    if (found) return found;
  }
  return undefined;
}

/** A flagd engine serving `flag` at `percent`% "on", the rest of the registry as it is. */
function engineAt(flag, percent) {
  const config = structuredClone(registry);
  const fractional = fractionalOf(config.flags[flag].targeting);
  fractional.splice(1, fractional.length - 1, ['on', percent], ['off', 100 - percent]);
  const storage = new MemoryStorage(logger);
  storage.setConfigurations(JSON.stringify(config));
  return new FlagdCore(storage, logger);
}

const lines = [];
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

for (const flag of ['new-checkout', 'new-api']) {
  const plan = JSON.parse(readFileSync(join(demo, `rollouts/${flag}.rollout.json`), 'utf8'));
  const truth = TRUTH[flag];
  const names = EVENTS[flag];
  const segments = [{ at: Date.parse(plan.start), percent: plan.steps[0].percent }];
  for (const entry of plan.history) segments.push({ at: Date.parse(entry.at), percent: entry.percent });
  const engines = segments.map((segment) => ({ ...segment, engine: engineAt(flag, segment.percent) }));
  const engineFor = (ms) => engines.filter((segment) => segment.at <= ms).at(-1).engine;
  const variantAt = (unit, ms) =>
    engineFor(ms).resolveBooleanEvaluation(flag, false, { targetingKey: unit }, logger).variant;
  let unitNumber = 0;
  const prefix = flag === 'new-api' ? 'a' : 'c';
  for (let hour = Date.parse(plan.start); hour < END; hour += HOUR) {
    // Busier in the (UTC) daytime.
    const daytime = 0.4 + 0.6 * Math.sin((Math.PI * ((new Date(hour).getUTCHours() + 18) % 24)) / 24) ** 2;
    const arrivals = Math.round((truth.perDay / 24) * daytime * 1.45 * (0.85 + 0.3 * random()));
    for (let i = 0; i < arrivals; i++) {
      const unit = `${prefix}-${(++unitNumber).toString(36)}`;
      const seen = hour + Math.floor(random() * HOUR);
      const variant = variantAt(unit, seen);
      lines.push({ type: 'exposure', ts: iso(seen), unit, flag, variant });
      const latency = Math.round(truth.latency.median * Math.exp(truth.latency.sigma * normal()) * 10) / 10;
      lines.push({ type: 'track', ts: iso(seen + 1000), unit, event: names.latency, value: latency });
      if (random() < truth.errors[variant])
        lines.push({ type: 'track', ts: iso(seen + 2000), unit, event: names.error });
      // A fifth come back within three days and are evaluated again with the weights then.
      if (random() < 0.2) {
        const again = seen + Math.floor(random() * 72 * HOUR);
        if (again < END)
          lines.push({ type: 'exposure', ts: iso(again), unit, flag, variant: variantAt(unit, again) });
      }
    }
  }
}
lines.sort((a, b) => a.ts.localeCompare(b.ts));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
console.log(`${lines.length} events written to ${out}`);
