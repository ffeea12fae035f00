import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { cliPath, copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { FlagsRequest } from '../../shared/src/protocol';

/**
 * Random damage to the demo's registry, experiment and code files, through the CLI and a live
 * server: nothing may crash, hang or point outside its file. Seeded, so a failure replays. Each
 * run costs a CLI `check` (about a second): the runs stop at RUNS or after TIME_LIMIT_MS on a
 * busy machine, so the test stays under a minute; a single CLI run past 15 s counts as a hang.
 */
const SEED = 20261204;
const RUNS = 30;
const TIME_LIMIT_MS = 40000;

const demo = join(repoRoot, 'examples/demo');
const FILES = [
  'flags/development.flagd.json',
  'flags/staging.flagd.json',
  'flags/production.flagd.json',
  'experiments/checkout-cta-test.experiment.json',
  'src/server/checkout.ts',
  'src/server/quote.ts',
  'src/web/PricingPage.tsx',
  'src/flags.ts',
];

/** Pieces that broke Flaglens before, or that flagd reads its own way. */
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '\\',
  '\uFFFD',
  'null',
  '1e308',
  '-1',
  '0.5',
  '"50"',
  '"toString"',
  '"constructor"',
  '"__proto__"',
  '{"$ref": "a"}',
  '"state": "ENABLED",',
  '"state": "DISABLED",',
  '"fractional": [["on", 1e308]]',
  '/*',
  '*/',
  '//',
  '`${',
  '(',
  ')',
  "getBooleanValue('",
  'isFeatureOn(',
  '\n',
  '\u2028',
  '😀',
  '\r\n',
];

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'copy'; from: number; length: number; to: number }
  | { kind: 'nest'; at: number; depth: number; open: string; close: string }
  | { kind: 'truncate'; at: number };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })),
  }),
  fc.record({
    kind: fc.constant('copy' as const),
    from: position,
    length: fc.integer({ min: 1, max: 400 }),
    to: position,
  }),
  fc
    .record({
      kind: fc.constant('nest' as const),
      at: position,
      depth: fc.integer({ min: 100, max: 3000 }),
      pair: fc.constantFrom(
        { open: '[', close: ']' },
        { open: '{"if":[', close: ']}' },
        { open: '(', close: ')' },
        { open: '{"a":', close: '}' },
      ),
    })
    .map(({ pair, ...rest }) => ({ ...rest, ...pair })),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
);

function apply(text: string, change: Mutation): string {
  const at = (fraction: number) => Math.floor(fraction * text.length);
  switch (change.kind) {
    case 'delete':
      return text.slice(0, at(change.at)) + text.slice(at(change.at) + change.length);
    case 'insert':
      return text.slice(0, at(change.at)) + change.text + text.slice(at(change.at));
    case 'copy': {
      const piece = text.slice(at(change.from), at(change.from) + change.length);
      return text.slice(0, at(change.to)) + piece + text.slice(at(change.to));
    }
    case 'nest':
      return (
        text.slice(0, at(change.at)) +
        change.open.repeat(change.depth) +
        change.close.repeat(change.depth) +
        text.slice(at(change.at))
      );
    case 'truncate':
      return text.slice(0, at(change.at));
  }
}

interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
}

/** Whether a 1-based line and column (in UTF-16 units) lie inside `text`, its end included. */
function inside(text: string, line: number, column: number): boolean {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/);
  return line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1].length + 1;
}

describe('fuzzing the registry, experiment and code files of the demo', function () {
  this.timeout(180000);

  it('never crashes, hangs or reports a position outside its file, in the CLI or the live server', async () => {
    const temp = copyToTemp(demo);
    const originals = new Map(FILES.map((file) => [file, readFileSync(join(temp.dir, file), 'utf8')]));
    const client = await TestLspClient.start(temp.dir);
    try {
      await client.indexReady;
      for (const file of FILES) await client.open(file, originals.get(file));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...FILES),
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          async (file, changes) => {
            const text = changes.reduce(apply, originals.get(file) ?? '');
            writeFileSync(join(temp.dir, file), text);
            try {
              const result = spawnSync(process.execPath, [cliPath, 'check', '--format', 'json'], {
                cwd: temp.dir,
                encoding: 'utf8',
                timeout: 15000,
                maxBuffer: 64 * 1024 * 1024,
                env: { ...process.env, FLAGLENS_NOW: '2026-11-24T12:00:00Z' },
              });
              assert.equal(
                result.signal,
                null,
                `check was killed (${result.signal}): a hang on ${file} after ${JSON.stringify(changes).slice(0, 300)}`,
              );
              assert.doesNotMatch(result.stderr, /internal error|call stack|TypeError|RangeError/);
              assert.ok(
                result.status === 0 || result.status === 1,
                `exit ${result.status}: ${result.stderr}`,
              );
              const findings = JSON.parse(result.stdout) as CliFinding[];
              for (const finding of findings) {
                const current =
                  finding.file === file ? text : readFileSync(join(temp.dir, finding.file), 'utf8');
                const where = `${finding.code} at ${finding.file}:${finding.line}:${finding.column}-${finding.endLine}:${finding.endColumn}`;
                assert.ok(inside(current, finding.line, finding.column), `${where} starts outside the file`);
                assert.ok(
                  inside(current, finding.endLine, finding.endColumn),
                  `${where} ends outside the file`,
                );
              }
              // The live server gets the same text as an editor would send it, and must answer after.
              await client.change(file, text);
              const flags = await client.request<FlagsRequest.Result>(FlagsRequest.method, {});
              assert.ok(Array.isArray(flags));
            } finally {
              writeFileSync(join(temp.dir, file), originals.get(file) ?? '');
              await client.change(file, originals.get(file) ?? '');
            }
          },
        ),
        {
          seed: SEED,
          numRuns: RUNS,
          endOnFailure: true,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          markInterruptAsFailure: false,
        },
      );
      // Still alive and consistent: the last publication of every file lies inside its text.
      const flags = await client.request<FlagsRequest.Result>(FlagsRequest.method, {});
      assert.ok(flags.length > 0);
      for (const file of FILES) {
        const text = originals.get(file) ?? '';
        for (const diagnostic of client.diagnosticsOf(file)) {
          const { start, end } = diagnostic.range;
          assert.ok(
            inside(text, start.line + 1, start.character + 1),
            `${file}: ${String(diagnostic.code)} starts outside`,
          );
          assert.ok(
            inside(text, end.line + 1, end.character + 1),
            `${file}: ${String(diagnostic.code)} ends outside`,
          );
        }
      }
      const failures = client.logs.filter((line) => /failed:|uncaught|unhandled rejection/.test(line));
      assert.deepEqual(failures, []);
    } finally {
      await client.stop();
      temp.dispose();
    }
  });
});
