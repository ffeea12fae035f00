// Generates the demo's experiment events: a realistic two and a half weeks of the checkout CTA
// test (checkout-cta-test) with a KNOWN true effect, so `flaglens experiment` can be checked
// against it. Seeded: the same file every run.
//
//   node scripts/generate-events.mjs [--out data/events/checkout.ndjson]
//
// Truth: the "treatment" copy raises the purchase rate from 10.0% to 11.5% (+15% relative);
// the order value is the same in both arms (so revenue per unit also rises 15%); checkout
// errors stay at 2% in both arms. Variants are assigned by the real flagd engine from
// flags/production.flagd.json, exactly as the shop's in-process provider assigns them.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

export const TRUTH = { controlRate: 0.1, relativeLift: 0.15, errorRate: 0.02, meanOrderValue: 62 };

const here = dirname(fileURLToPath(import.meta.url));
const demo = join(here, '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(demo, 'data/events/checkout.ndjson');

// mulberry32: a small seeded PRNG, so the file is reproducible.
let seed = 20261116;
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
const storage = new MemoryStorage(logger);
storage.setConfigurations(readFileSync(join(demo, 'flags/production.flagd.json'), 'utf8'));
const flagd = new FlagdCore(storage, logger);

const FLAG = 'checkout-cta-copy';
const start = Date.parse('2026-11-16T00:00:00Z');
const days = 18; // 2026-11-16 .. 2026-12-03
const HOUR = 3_600_000;
const lines = [];
const iso = (ms) => new Date(ms).toISOString();
let unitNumber = 0;

for (let day = 0; day < days; day++) {
  const weekday = new Date(start + day * 24 * HOUR).getUTCDay();
  // More shoppers at the weekend, and a slow ramp-up in the first days.
  const base = weekday === 0 || weekday === 6 ? 1050 : 850;
  const arrivals = Math.round(base * Math.min(1, 0.6 + day * 0.1) * (0.9 + 0.2 * random()));
  for (let i = 0; i < arrivals; i++) {
    const unit = `u-${(++unitNumber).toString(36)}`;
    const firstSeen = start + day * 24 * HOUR + Math.floor(random() * 24 * HOUR);
    const { variant } = flagd.resolveStringEvaluation(FLAG, 'Place order', { targetingKey: unit });
    lines.push({ type: 'exposure', ts: iso(firstSeen), unit, flag: FLAG, variant });
    // Some come back and see the same variant again: flagd's buckets are sticky.
    if (random() < 0.3) {
      const again = firstSeen + Math.floor(random() * 72 * HOUR);
      if (again < start + days * 24 * HOUR)
        lines.push({ type: 'exposure', ts: iso(again), unit, flag: FLAG, variant });
    }
    const rate = variant === 'treatment' ? TRUTH.controlRate * (1 + TRUTH.relativeLift) : TRUTH.controlRate;
    if (random() < rate) {
      const at = firstSeen + Math.floor(random() * 48 * HOUR);
      const value = Math.round(TRUTH.meanOrderValue * Math.exp(0.5 * normal() - 0.125) * 100) / 100;
      if (at < start + days * 24 * HOUR)
        lines.push({ type: 'track', ts: iso(at), unit, event: 'purchase', value });
    }
    if (random() < TRUTH.errorRate) {
      const at = firstSeen + Math.floor(random() * 24 * HOUR);
      if (at < start + days * 24 * HOUR)
        lines.push({ type: 'track', ts: iso(at), unit, event: 'checkout_error' });
    }
  }
}
lines.sort((a, b) => a.ts.localeCompare(b.ts));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
console.log(`${lines.length} events for ${unitNumber} units written to ${out}`);
