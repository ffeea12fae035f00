import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ANALYSIS, type ExperimentDefinition } from '../../shared/src/experiment';
import { ExperimentSourceError } from '../../server/src/core/experiments/sourceError';
import { collectFromFiles } from '../../server/src/node/experiments/eventFiles';

/**
 * A small event log that exercises every unit-level rule of DESIGN.md section 9. The expected
 * figures below were worked out by hand from these lines (see the comment on each unit).
 */
const exposure = (unit: string, variant: string, ts: string, flag = 'cb') => ({
  type: 'exposure',
  ts,
  unit,
  flag,
  variant,
});
const track = (unit: string, event: string, ts: string, value?: number | string) => ({
  type: 'track',
  ts,
  unit,
  event,
  ...(value !== undefined && { value }),
});

const EVENTS: (Record<string, unknown> | string)[] = [
  // u1 blue: purchases 10 + 5, two visits.
  exposure('u1', 'blue', '2026-11-01T10:00:00Z'),
  track('u1', 'purchase', '2026-11-01T11:00:00Z', 10),
  track('u1', 'purchase', '2026-11-02T09:00:00Z', 5),
  track('u1', 'visit', '2026-11-01T10:30:00Z'),
  track('u1', 'visit', '2026-11-02T09:00:00Z'),
  // u2 green: exposed, never buys.
  exposure('u2', 'green', '2026-11-02T08:00:00Z'),
  // u3 green: a purchase before its exposure does not count, the later one (20) does; one visit.
  track('u3', 'purchase', '2026-11-03T11:00:00Z'),
  exposure('u3', 'green', '2026-11-03T12:00:00Z'),
  track('u3', 'purchase', '2026-11-04T12:00:00Z', 20),
  track('u3', 'visit', '2026-11-04T12:00:00Z'),
  // u4: blue on the 2nd, green on the 4th: excluded (but blue only when cut on the 3rd).
  exposure('u4', 'blue', '2026-11-02T12:00:00Z'),
  exposure('u4', 'green', '2026-11-04T12:00:00Z'),
  // u5 blue: an exposure before the start does not count; first exposure in the window is the 5th.
  exposure('u5', 'blue', '2026-10-31T12:00:00Z'),
  track('u5', 'purchase', '2026-11-04T12:00:00Z', 7),
  exposure('u5', 'blue', '2026-11-05T12:00:00Z'),
  track('u5', 'purchase', '2026-11-06T12:00:00Z', 3),
  // u6: a variant the experiment does not list.
  exposure('u6', 'red', '2026-11-02T12:00:00Z'),
  // u7 green: its purchase (no value: counts 1) is read before its exposure line; 3 visits.
  track('u7', 'purchase', '2026-11-02T00:00:00Z'),
  track('u7', 'visit', '2026-11-02T00:00:00Z', 3),
  exposure('u7', 'green', '2026-11-01T12:00:00Z'),
  // u8 blue: buys after the end.
  exposure('u8', 'blue', '2026-11-07T12:00:00Z'),
  track('u8', 'purchase', '2026-11-09T12:00:00Z', 100),
  // u9: another flag.
  exposure('u9', 'blue', '2026-11-02T12:00:00Z', 'other-flag'),
  // Pre-experiment purchases (CUPED): u1 4 and u2 2 within 14 days, u3's too early.
  track('u1', 'purchase', '2026-10-25T12:00:00Z', 4),
  track('u2', 'purchase', '2026-10-20T12:00:00Z', 2),
  track('u3', 'purchase', '2026-10-01T12:00:00Z', 9),
];

const BAD_LINES = [
  '{"type":"track","ts":"2026-11-02T00:00:00Z","unit":"u1","event":"purch', // truncated
  JSON.stringify(track('u1', 'purchase', '2026-11-02T00:00:00Z', 'abc')),
  JSON.stringify({ ts: '2026-11-02T00:00:00Z', unit: 'u1' }),
];

function definition(overrides: Partial<ExperimentDefinition> = {}): ExperimentDefinition {
  return {
    key: 'cb',
    file: 'cb.experiment.json',
    flag: 'cb',
    environment: 'production',
    control: 'blue',
    variants: ['blue', 'green'],
    start: '2026-11-01T00:00:00Z',
    end: '2026-11-08T00:00:00Z',
    metrics: [
      { name: 'purchase', event: 'purchase', kind: 'binomial', goal: 'increase', role: 'primary' },
      { name: 'revenue', event: 'purchase', kind: 'mean', goal: 'increase', role: 'secondary' },
      {
        name: 'aov',
        event: 'purchase',
        kind: 'ratio',
        denominator: 'visit',
        goal: 'increase',
        role: 'secondary',
      },
    ],
    analysis: { ...DEFAULT_ANALYSIS },
    ...overrides,
  };
}

const AFTER_END = new Date('2026-12-01T00:00:00Z');

describe('experiment events from files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flaglens-events-')).replace(/\\/g, '/');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = `${dir}/${name}`;
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const ndjson = (lines: (Record<string, unknown> | string)[]): string =>
    `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
  const csv = (lines: Record<string, unknown>[]): string => {
    const columns = ['type', 'ts', 'unit', 'flag', 'variant', 'event', 'value'];
    const rows = lines.map((line) =>
      columns.map((column) => (line[column] === undefined ? '' : String(line[column]))).join(','),
    );
    return `${columns.join(',')}\n${rows.join('\n')}\n`;
  };

  const expectFullWindow = (data: Awaited<ReturnType<typeof collectFromFiles>>) => {
    assert.deepEqual(data.health.units, { blue: 3, green: 3 });
    assert.equal(data.health.multipleExposures, 1);
    assert.equal(data.health.unknownVariantUnits, 1);
    const [purchase, revenue, aov] = data.metrics;
    assert.deepEqual(purchase.variants, {
      blue: { units: 3, sum: 2, sumSquares: 2 }, // u1 1, u5 1, u8 0
      green: { units: 3, sum: 2, sumSquares: 2 }, // u2 0, u3 1, u7 1
    });
    assert.deepEqual(revenue.variants, {
      blue: { units: 3, sum: 18, sumSquares: 234 }, // 15, 3, 0
      green: { units: 3, sum: 21, sumSquares: 401 }, // 0, 20, 1
    });
    assert.deepEqual(aov.variants, {
      // visits: u1 2, u5 0, u8 0 | u2 0, u3 1, u7 3
      blue: { units: 3, sum: 18, sumSquares: 234, denominatorSum: 2, denominatorSumSquares: 4, crossSum: 30 },
      green: {
        units: 3,
        sum: 21,
        sumSquares: 401,
        denominatorSum: 4,
        denominatorSumSquares: 10,
        crossSum: 23,
      },
    });
    assert.deepEqual(data.health.dailyUnits, [
      { day: '2026-11-01', units: { blue: 1, green: 1 } },
      { day: '2026-11-02', units: { blue: 0, green: 1 } },
      { day: '2026-11-03', units: { blue: 0, green: 1 } },
      { day: '2026-11-05', units: { blue: 1, green: 0 } },
      { day: '2026-11-07', units: { blue: 1, green: 0 } },
    ]);
  };

  it('applies the unit-level rules to NDJSON in any order of lines', async () => {
    const path = write('events/a.ndjson', ndjson(EVENTS));
    const data = await collectFromFiles(definition(), [path], { at: AFTER_END, root: dir });
    expectFullWindow(data);
    assert.equal(data.health.records, EVENTS.length);
    assert.equal(data.health.badRecords, 0);
    assert.equal(data.source, 'files');
    // Reversed, the same figures: nothing depends on the order of the lines.
    const reversed = write('events/b.ndjson', ndjson([...EVENTS].reverse()));
    expectFullWindow(await collectFromFiles(definition(), [reversed], { at: AFTER_END, root: dir }));
  });

  it('reads CSV with the same rules and the same figures', async () => {
    const path = write('events/a.csv', csv(EVENTS as Record<string, unknown>[]));
    const data = await collectFromFiles(definition(), [path], { at: AFTER_END, root: dir });
    expectFullWindow(data);
  });

  it('spreads events over several files', async () => {
    const half = Math.floor(EVENTS.length / 2);
    const a = write('a.ndjson', ndjson(EVENTS.slice(0, half)));
    const b = write('b.csv', csv(EVENTS.slice(half) as Record<string, unknown>[]));
    expectFullWindow(await collectFromFiles(definition(), [a, b], { at: AFTER_END, root: dir }));
  });

  it('cuts the window at --at: later exposures and events do not exist yet', async () => {
    const path = write('a.ndjson', ndjson(EVENTS));
    const data = await collectFromFiles(definition(), [path], {
      at: new Date('2026-11-03T00:00:00Z'),
      root: dir,
    });
    // u4 was only blue by then; u3, u5, u8 were not exposed yet.
    assert.deepEqual(data.health.units, { blue: 2, green: 2 });
    assert.equal(data.health.multipleExposures, 0);
    assert.deepEqual(data.metrics[0].variants.blue, { units: 2, sum: 1, sumSquares: 1 }); // u1 1, u4 0
    assert.deepEqual(data.metrics[1].variants.green, { units: 2, sum: 1, sumSquares: 1 }); // u2 0, u7 1
    assert.equal(data.asOf, '2026-11-03T00:00:00.000Z');
  });

  it('gives CUPED the pre-experiment value of the same metric', async () => {
    const path = write('a.ndjson', ndjson(EVENTS));
    const plan = { ...DEFAULT_ANALYSIS, cuped: true, cupedLookbackDays: 14 };
    const data = await collectFromFiles(definition({ analysis: plan }), [path], { at: AFTER_END, root: dir });
    const [purchase, revenue, aov] = data.metrics;
    // pre: u1 4 (blue), u2 2 (green); u3's is older than 14 days.
    assert.deepEqual(purchase.variants.blue, {
      units: 3,
      sum: 2,
      sumSquares: 2,
      preSum: 1,
      preSumSquares: 1,
      preCrossSum: 1,
    });
    assert.deepEqual(purchase.variants.green, {
      units: 3,
      sum: 2,
      sumSquares: 2,
      preSum: 1,
      preSumSquares: 1,
      preCrossSum: 0,
    });
    assert.deepEqual(revenue.variants.blue, {
      units: 3,
      sum: 18,
      sumSquares: 234,
      preSum: 4,
      preSumSquares: 16,
      preCrossSum: 60,
    });
    assert.deepEqual(revenue.variants.green, {
      units: 3,
      sum: 21,
      sumSquares: 401,
      preSum: 2,
      preSumSquares: 4,
      preCrossSum: 0,
    });
    assert.equal(aov.variants.blue.preSum, undefined, 'no CUPED for ratio metrics');
  });

  it('counts malformed lines with their line numbers and keeps going', async () => {
    const lines = [
      ...EVENTS.slice(0, 3),
      BAD_LINES[0],
      '',
      ...EVENTS.slice(3, 10),
      BAD_LINES[1],
      BAD_LINES[2],
      ...EVENTS.slice(10),
    ];
    const path = write('events/bad.ndjson', ndjson(lines));
    const data = await collectFromFiles(definition(), [path], { at: AFTER_END, root: dir });
    expectFullWindow(data);
    assert.equal(data.health.records, EVENTS.length + 3, 'the blank line is not a record');
    assert.equal(data.health.badRecords, 3);
    assert.deepEqual(data.health.badRecordSamples, [
      { file: 'events/bad.ndjson', line: 4, message: 'not valid JSON (a truncated or malformed line)' },
      { file: 'events/bad.ndjson', line: 13, message: '"value" is not a number: "abc"' },
      { file: 'events/bad.ndjson', line: 14, message: 'no "type" (expected "exposure" or "track")' },
    ]);
  });

  it('reports a CSV value that is not a number at its line', async () => {
    const rows = [
      exposure('u1', 'blue', '2026-11-01T10:00:00Z'),
      track('u1', 'purchase', '2026-11-01T11:00:00Z', '12,5x'),
    ];
    const path = write(
      'a.csv',
      'type,ts,unit,flag,variant,event,value\n' +
        rows
          .map((row) =>
            ['type', 'ts', 'unit', 'flag', 'variant', 'event', 'value']
              .map((column) => {
                const value = (row as Record<string, unknown>)[column];
                return value === undefined ? '' : `"${String(value)}"`;
              })
              .join(','),
          )
          .join('\n') +
        '\n',
    );
    const data = await collectFromFiles(definition(), [path], { at: AFTER_END, root: dir });
    assert.deepEqual(data.health.badRecordSamples, [
      { file: 'a.csv', line: 3, message: '"value" is not a number: "12,5x"' },
    ]);
    assert.deepEqual(data.health.units, { blue: 1, green: 0 });
  });

  it('an empty file gives zero units, not an error', async () => {
    const path = write('empty.ndjson', '');
    const data = await collectFromFiles(definition(), [path], { at: AFTER_END, root: dir });
    assert.deepEqual(data.health.units, { blue: 0, green: 0 });
    assert.equal(data.health.records, 0);
  });

  it('refuses a missing file and a file that is not an event file with a plain message', async () => {
    await assert.rejects(
      collectFromFiles(definition(), [`${dir}/gone.ndjson`], { at: AFTER_END, root: dir }),
      (error: unknown) =>
        error instanceof ExperimentSourceError && error.message === 'gone.ndjson: event file not found.',
    );
    const path = write('events.txt', 'x');
    await assert.rejects(
      collectFromFiles(definition(), [path], { at: AFTER_END, root: dir }),
      (error: unknown) =>
        error instanceof ExperimentSourceError && /events.txt: not an event file/.test(error.message),
    );
  });
});
