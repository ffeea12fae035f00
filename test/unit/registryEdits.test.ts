import { strict as assert } from 'node:assert';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import fc from 'fast-check';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { JsonValue } from '../../shared/src/registryModel';
import { OffsetEditLog } from '../../server/src/core/edits/offsetEditLog';
import {
  RegistryEditError,
  addExclusion,
  addFlag,
  addOverride,
  addSegment,
  removeExclusion,
  removeFlag,
  removeOverride,
  removePrerequisite,
  removeSegment,
  renameFlag,
  setDefaultVariant,
  setMetadata,
  setPrerequisite,
  setRollout,
  setTimeWindow,
  toggleFlag,
} from '../../server/src/core/edits/registryEdits';
import { type OffsetEdit, applyOffsetEdits } from '../../server/src/core/textEdit';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** A registry file as people write it (prettier style), with flags around the one edited. */
const FILE = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "color": { "state": "ENABLED", "variants": { "red": "red", "blue": "blue" }, "defaultVariant": "red" },
    "new-checkout": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "metadata": { "owner": "payments" }
    },
    "new-api": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": {
        "if": [{ "starts_with": [{ "var": "email" }, "admin@"] }, "on", null]
      }
    }
  },
  "$evaluators": {
    "beta-testers": { "in": ["@acme.com", { "var": "email" }] }
  }
}
`;

const KEYS = Array.from({ length: 3000 }, (_, index) => `user-${index}`);

function edit(text: string, makeEdits: (text: string) => OffsetEdit[]): string {
  const after = applyOffsetEdits(text, makeEdits(text));
  assert.doesNotThrow(
    () => new MemoryStorage(quiet).setConfigurations(after, true),
    'flagd strict validation',
  );
  return after;
}

/** The variant flagd-core serves, at a given time when `at` is set (flagd reads the clock). */
function variantOf(
  text: string,
  flag: string,
  context: Record<string, unknown>,
  at?: Date,
): string | undefined {
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  const variants = valueAt(text, ['flags', flag, 'variants']) as Record<string, JsonValue>;
  const isString = typeof Object.values(variants)[0] === 'string';
  const run = () =>
    isString
      ? core.resolveStringEvaluation(flag, '', context as never)
      : core.resolveBooleanEvaluation(flag, false, context as never);
  if (!at) return run().variant;
  const realNow = Date.now;
  Date.now = () => at.getTime();
  try {
    return run().variant;
  } finally {
    Date.now = realNow;
  }
}

function reasonOf(text: string, flag: string, context: Record<string, unknown>): string | undefined {
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  return core.resolveBooleanEvaluation(flag, false, context as never).reason;
}

/** Target keys among KEYS that get `variant`. */
function keysServed(text: string, flag: string, variant: string, keys: string[] = KEYS): Set<string> {
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  return new Set(
    keys.filter(
      (targetingKey) => core.resolveBooleanEvaluation(flag, false, { targetingKey }).variant === variant,
    ),
  );
}

function valueAt(text: string, path: string[]): JsonValue | undefined {
  let node = JSON.parse(text) as JsonValue | undefined;
  for (const key of path) {
    if (node === undefined || node === null || typeof node !== 'object' || Array.isArray(node))
      return undefined;
    node = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
  }
  return node;
}

/** The text outside the given properties: every piece between them must survive byte for byte. */
function outside(text: string, paths: string[][]): string[] {
  const root = parseTree(text);
  assert.ok(root);
  const ranges = paths
    .map((path) => {
      const property = findNodeAtLocation(root, path)?.parent;
      assert.ok(property, `no ${path.join('.')}`);
      return [property.offset, property.offset + property.length] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  const pieces: string[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    pieces.push(text.slice(at, start));
    at = end;
  }
  pieces.push(text.slice(at));
  return pieces;
}

function assertOnlyChanged(
  before: string,
  after: string,
  paths: string[][],
  pathsAfter: string[][] = paths,
): void {
  assert.deepEqual(outside(after, pathsAfter), outside(before, paths));
}

function assertRefused(makeEdits: () => OffsetEdit[], message: RegExp): void {
  assert.throws(makeEdits, (error: unknown) => {
    assert.ok(error instanceof RegistryEditError, `expected a RegistryEditError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

const CHECKOUT = [['flags', 'new-checkout']];

describe('toggling a flag', () => {
  it('disables the flag so callers get their code default, changing only its state', () => {
    const after = edit(FILE, (text) => toggleFlag(text, 'new-checkout', false));
    assert.equal(valueAt(after, ['flags', 'new-checkout', 'state']), 'DISABLED');
    assert.equal(reasonOf(after, 'new-checkout', { targetingKey: 'u-1' }), 'DISABLED');
    assertOnlyChanged(FILE, after, CHECKOUT);
    const back = edit(after, (text) => toggleFlag(text, 'new-checkout', true));
    assert.equal(back, FILE);
  });

  it('returns no edits when the flag already has the asked state', () => {
    assert.deepEqual(toggleFlag(FILE, 'new-checkout', true), []);
  });

  it('refuses a flag that is not in the file', () => {
    assertRefused(() => toggleFlag(FILE, 'nope', true), /Flag "nope" is not defined in this file/);
  });
});

describe('setting the default variant', () => {
  it('serves the new default variant to everyone without targeting', () => {
    const after = edit(FILE, (text) => setDefaultVariant(text, 'new-checkout', 'on'));
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-1' }), 'on');
    assertOnlyChanged(FILE, after, CHECKOUT);
  });

  it('refuses a variant the flag does not have', () => {
    assertRefused(
      () => setDefaultVariant(FILE, 'new-checkout', 'maybe'),
      /no variant "maybe" \(it has "on", "off"\)/,
    );
  });
});

describe('rollouts', () => {
  it('creates a rollout salted with the flag key, the chosen variant first', () => {
    const after = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 25 }));
    assert.deepEqual(valueAt(after, ['flags', 'new-checkout', 'targeting']), {
      fractional: [{ cat: ['new-checkout', { var: 'targetingKey' }] }, ['on', 25], ['off', 75]],
    });
    const share = keysServed(after, 'new-checkout', 'on').size / KEYS.length;
    assert.ok(share > 0.22 && share < 0.28, `share ${share}`);
    assertOnlyChanged(FILE, after, CHECKOUT);
  });

  it('keeps every user who was on when raising on from 10% to 20%', () => {
    const at10 = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 10 }));
    const at20 = edit(at10, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 20 }));
    assert.deepEqual(valueAt(at20, ['flags', 'new-checkout', 'targeting', 'fractional']), [
      { cat: ['new-checkout', { var: 'targetingKey' }] },
      ['on', 20],
      ['off', 80],
    ]);
    const on10 = keysServed(at10, 'new-checkout', 'on');
    const on20 = keysServed(at20, 'new-checkout', 'on');
    for (const key of on10) assert.ok(on20.has(key), `${key} lost the feature`);
    assert.ok(on20.size > on10.size * 1.5, `${on10.size} -> ${on20.size}`);
    assertOnlyChanged(at10, at20, CHECKOUT);
  });

  it('keeps a total weight of 1000', () => {
    const file = FILE.replace(
      '"metadata": { "owner": "payments" }',
      '"targeting": { "fractional": [{ "cat": ["new-checkout", { "var": "targetingKey" }] }, ["on", 100], ["off", 900]] }',
    );
    const after = edit(file, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 20 }));
    assert.deepEqual(valueAt(after, ['flags', 'new-checkout', 'targeting', 'fractional']), [
      { cat: ['new-checkout', { var: 'targetingKey' }] },
      ['on', 200],
      ['off', 800],
    ]);
  });

  it('scales every weight when the total cannot express the percentage, moving nobody', () => {
    const at10 = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 10 }));
    const at125 = edit(at10, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 12.5 }));
    assert.deepEqual(valueAt(at125, ['flags', 'new-checkout', 'targeting', 'fractional']), [
      { cat: ['new-checkout', { var: 'targetingKey' }] },
      ['on', 125],
      ['off', 875],
    ]);
    const on10 = keysServed(at10, 'new-checkout', 'on');
    const on125 = keysServed(at125, 'new-checkout', 'on');
    for (const key of on10) assert.ok(on125.has(key), `${key} lost the feature`);
  });

  it('shares the rest among the other variants in proportion, keeping their order', () => {
    const file = FILE.replace(
      '"color": { "state": "ENABLED", "variants": { "red": "red", "blue": "blue" }, "defaultVariant": "red" }',
      '"color": { "state": "ENABLED", "variants": { "red": "red", "blue": "blue", "green": "green" }, "defaultVariant": "red", "targeting": { "fractional": [{ "cat": ["color", { "var": "targetingKey" }] }, ["red", 50], ["blue", 30], ["green", 20]] } }',
    );
    const after = edit(file, (text) => setRollout(text, 'color', { variant: 'green', percent: 60 }));
    assert.deepEqual(valueAt(after, ['flags', 'color', 'targeting', 'fractional']), [
      { cat: ['color', { var: 'targetingKey' }] },
      ['red', 25],
      ['blue', 15],
      ['green', 60],
    ]);
    const uneven = edit(after, (text) => setRollout(text, 'color', { variant: 'red', percent: 33 }));
    assert.deepEqual(valueAt(uneven, ['flags', 'color', 'targeting', 'fractional']), [
      { cat: ['color', { var: 'targetingKey' }] },
      ['red', 33],
      ['blue', 13],
      ['green', 54],
    ]);
  });

  it('gives a new rollout the rest to the default variant, or to the other variants when the default is chosen', () => {
    const blue = edit(FILE, (text) => setRollout(text, 'color', { variant: 'blue', percent: 20 }));
    assert.deepEqual(valueAt(blue, ['flags', 'color', 'targeting', 'fractional']), [
      { cat: ['color', { var: 'targetingKey' }] },
      ['blue', 20],
      ['red', 80],
    ]);
    const red = edit(FILE, (text) => setRollout(text, 'color', { variant: 'red', percent: 30 }));
    assert.deepEqual(valueAt(red, ['flags', 'color', 'targeting', 'fractional']), [
      { cat: ['color', { var: 'targetingKey' }] },
      ['red', 30],
      ['blue', 70],
    ]);
  });

  it('adds the other variants to a rollout of one variant when lowering it', () => {
    const file = FILE.replace(
      '"metadata": { "owner": "payments" }',
      '"targeting": { "fractional": [{ "cat": ["new-checkout", { "var": "targetingKey" }] }, ["on", 100]] }',
    );
    const after = edit(file, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 40 }));
    assert.deepEqual(valueAt(after, ['flags', 'new-checkout', 'targeting', 'fractional']), [
      { cat: ['new-checkout', { var: 'targetingKey' }] },
      ['on', 40],
      ['off', 60],
    ]);
  });

  it('replaces the buckets with explicit weights, keeping the salt', () => {
    const after = edit(FILE, (text) =>
      setRollout(text, 'new-checkout', {
        weights: [
          ['off', 3],
          ['on', 1],
        ],
      }),
    );
    assert.deepEqual(valueAt(after, ['flags', 'new-checkout', 'targeting', 'fractional']), [
      { cat: ['new-checkout', { var: 'targetingKey' }] },
      ['off', 3],
      ['on', 1],
    ]);
  });

  it('buckets users exactly as before when it adds the salt to an unsalted rollout', () => {
    const file = FILE.replace(
      '"metadata": { "owner": "payments" }',
      '"targeting": { "fractional": [["on", 30], ["off", 70]] }',
    );
    new MemoryStorage(quiet).setConfigurations(file, true);
    const after = edit(file, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 40 }));
    assert.deepEqual(
      (valueAt(after, ['flags', 'new-checkout', 'targeting', 'fractional']) as JsonValue[])[0],
      {
        cat: ['new-checkout', { var: 'targetingKey' }],
      },
    );
    const before = keysServed(file, 'new-checkout', 'on');
    const now = keysServed(after, 'new-checkout', 'on');
    for (const key of before) assert.ok(now.has(key), `${key} lost the feature`);
  });

  it('refuses percentages outside 0..100, unknown variants and bad weights', () => {
    assertRefused(
      () => setRollout(FILE, 'new-checkout', { variant: 'on', percent: 101 }),
      /between 0 and 100, not 101/,
    );
    assertRefused(
      () => setRollout(FILE, 'new-checkout', { variant: 'on', percent: -1 }),
      /between 0 and 100/,
    );
    assertRefused(
      () => setRollout(FILE, 'new-checkout', { variant: 'maybe', percent: 5 }),
      /no variant "maybe"/,
    );
    assertRefused(
      () =>
        setRollout(FILE, 'new-checkout', {
          weights: [
            ['on', 1.5],
            ['off', 1],
          ],
        }),
      /whole number/,
    );
    assertRefused(
      () =>
        setRollout(FILE, 'new-checkout', {
          weights: [
            ['on', 0],
            ['off', 0],
          ],
        }),
      /add up to 0/,
    );
  });

  it('never takes the feature from a user while the percentage only increases', function () {
    this.timeout(120_000);
    const keys = KEYS.slice(0, 600);
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 5 })
          .map((tenths) => [...tenths].sort((a, b) => a - b)),
        fc.constantFrom(100, 1000, 7),
        (tenths, total) => {
          const start = `"targeting": { "fractional": [{ "cat": ["new-checkout", { "var": "targetingKey" }] }, ["on", 0], ["off", ${total}]] }`;
          let text = FILE.replace('"metadata": { "owner": "payments" }', start);
          let on = keysServed(text, 'new-checkout', 'on', keys);
          for (const tenth of tenths) {
            text = edit(text, (current) =>
              setRollout(current, 'new-checkout', { variant: 'on', percent: tenth / 10 }),
            );
            const next = keysServed(text, 'new-checkout', 'on', keys);
            for (const key of on) assert.ok(next.has(key), `${key} lost the feature at ${tenth / 10}%`);
            const weights = valueAt(text, ['flags', 'new-checkout', 'targeting', 'fractional']) as [
              string,
              number,
            ][];
            const sum = weights.slice(1).reduce((acc, [, weight]) => acc + weight, 0);
            assert.equal(sum % total, 0, 'the total is kept or scaled');
            on = next;
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('individual overrides', () => {
  it('serves the variant to the overridden targetingKey only', () => {
    const after = edit(FILE, (text) => addOverride(text, 'new-checkout', { value: 'u-1', variant: 'on' }));
    assert.deepEqual(valueAt(after, ['flags', 'new-checkout', 'targeting']), {
      if: [{ in: [{ var: 'targetingKey' }, ['u-1']] }, 'on', null],
    });
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-1' }), 'on');
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-2' }), 'off');
    assertOnlyChanged(FILE, after, CHECKOUT);
  });

  it('puts overrides before the rollout and keeps the rollout as it was', () => {
    const rolled = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 30 }));
    const offKey = KEYS.find((key) => !keysServed(rolled, 'new-checkout', 'on').has(key)) as string;
    const after = edit(rolled, (text) => addOverride(text, 'new-checkout', { value: offKey, variant: 'on' }));
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: offKey }), 'on');
    const others = KEYS.filter((key) => key !== offKey);
    assert.deepEqual(
      keysServed(after, 'new-checkout', 'on', others),
      keysServed(rolled, 'new-checkout', 'on', others),
    );
    assertOnlyChanged(rolled, after, CHECKOUT);
  });

  it('moves a user from one variant to another and matches on other attributes', () => {
    let text = edit(FILE, (current) => addOverride(current, 'new-checkout', { value: 'u-1', variant: 'on' }));
    text = edit(text, (current) => addOverride(current, 'new-checkout', { value: 'u-1', variant: 'off' }));
    text = edit(text, (current) =>
      addOverride(current, 'new-checkout', { attribute: 'email', value: 'ceo@acme.com', variant: 'on' }),
    );
    assert.deepEqual(valueAt(text, ['flags', 'new-checkout', 'targeting']), {
      if: [
        { in: [{ var: 'targetingKey' }, ['u-1']] },
        'off',
        { in: [{ var: 'email' }, ['ceo@acme.com']] },
        'on',
        null,
      ],
    });
    assert.equal(variantOf(text, 'new-checkout', { targetingKey: 'u-1', email: 'ceo@acme.com' }), 'off');
    assert.equal(variantOf(text, 'new-checkout', { targetingKey: 'u-2', email: 'ceo@acme.com' }), 'on');
  });

  it('removes an override, and the targeting with the last one', () => {
    let text = edit(FILE, (current) => addOverride(current, 'new-checkout', { value: 'u-1', variant: 'on' }));
    text = edit(text, (current) => addOverride(current, 'new-checkout', { value: 'u-2', variant: 'on' }));
    text = edit(text, (current) => removeOverride(current, 'new-checkout', { value: 'u-1' }));
    assert.equal(variantOf(text, 'new-checkout', { targetingKey: 'u-1' }), 'off');
    assert.equal(variantOf(text, 'new-checkout', { targetingKey: 'u-2' }), 'on');
    text = edit(text, (current) => removeOverride(current, 'new-checkout', { value: 'u-2' }));
    assert.equal(text, FILE);
  });

  it('refuses to remove an override that does not exist and to override an excluded user', () => {
    assertRefused(
      () => removeOverride(FILE, 'new-checkout', { value: 'u-1' }),
      /targetingKey "u-1" has no override in "new-checkout"/,
    );
    const excluded = edit(FILE, (text) => addExclusion(text, 'new-checkout', 'u-9'));
    assertRefused(
      () => addOverride(excluded, 'new-checkout', { value: 'u-9', variant: 'on' }),
      /"u-9" is excluded .* remove the exclusion first/,
    );
  });
});

describe('exclusions', () => {
  it('serves the off variant to excluded users before any other rung', () => {
    let text = edit(FILE, (current) => setRollout(current, 'new-checkout', { variant: 'on', percent: 100 }));
    text = edit(text, (current) =>
      addSegment(current, 'new-checkout', { name: 'beta-testers', variant: 'on' }),
    );
    const after = edit(text, (current) => addExclusion(current, 'new-checkout', 'u-9'));
    assert.deepEqual(
      (valueAt(after, ['flags', 'new-checkout', 'targeting', 'if']) as JsonValue[]).slice(0, 2),
      [{ or: [{ in: [{ var: 'targetingKey' }, ['u-9']] }] }, 'off'],
    );
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-9', email: 'u9@acme.com' }), 'off');
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-8', email: 'u8@acme.com' }), 'on');
    assertOnlyChanged(text, after, CHECKOUT);
  });

  it('removes an exclusion, and the exclusion rung with the last one', () => {
    let text = edit(FILE, (current) => addExclusion(current, 'new-checkout', 'u-9'));
    text = edit(text, (current) => addExclusion(current, 'new-checkout', 'u-10'));
    text = edit(text, (current) => setRollout(current, 'new-checkout', { variant: 'on', percent: 100 }));
    text = edit(text, (current) => removeExclusion(current, 'new-checkout', 'u-9'));
    assert.equal(variantOf(text, 'new-checkout', { targetingKey: 'u-9' }), 'on');
    assert.equal(variantOf(text, 'new-checkout', { targetingKey: 'u-10' }), 'off');
    text = edit(text, (current) => removeExclusion(current, 'new-checkout', 'u-10'));
    assert.deepEqual(valueAt(text, ['flags', 'new-checkout', 'targeting']), {
      fractional: [{ cat: ['new-checkout', { var: 'targetingKey' }] }, ['on', 100], ['off', 0]],
    });
  });

  it('refuses a second attribute, an overridden user and an unknown exclusion', () => {
    const excluded = edit(FILE, (text) => addExclusion(text, 'new-checkout', 'u-9'));
    assertRefused(
      () => addExclusion(excluded, 'new-checkout', 'x@acme.com', 'email'),
      /match on targetingKey; one attribute per exclusion list/,
    );
    const overridden = edit(FILE, (text) =>
      addOverride(text, 'new-checkout', { value: 'u-1', variant: 'on' }),
    );
    assertRefused(
      () => addExclusion(overridden, 'new-checkout', 'u-1'),
      /has an override to "on" .* remove the override first/,
    );
    assertRefused(
      () => removeExclusion(FILE, 'new-checkout', 'u-9'),
      /"u-9" is not excluded from "new-checkout"/,
    );
  });
});

describe('segments', () => {
  it('serves a variant to an existing segment', () => {
    const after = edit(FILE, (text) =>
      addSegment(text, 'new-checkout', { name: 'beta-testers', variant: 'on' }),
    );
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-1', email: 'ada@acme.com' }), 'on');
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-2', email: 'bob@example.com' }), 'off');
    assertOnlyChanged(FILE, after, CHECKOUT);
  });

  it('creates the segment in $evaluators when a rule is given', () => {
    const rule = { ends_with: [{ var: 'email' }, '@staff.com'] };
    const after = edit(FILE, (text) =>
      addSegment(text, 'new-checkout', { name: 'staff', variant: 'on', rule }),
    );
    assert.deepEqual(valueAt(after, ['$evaluators', 'staff']), rule);
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-1', email: 'eve@staff.com' }), 'on');
    assertOnlyChanged(FILE, after, [...CHECKOUT, ['$evaluators']]);
    assert.ok(
      after.includes('    "beta-testers": { "in": ["@acme.com", { "var": "email" }] },\n    "staff": '),
    );
  });

  it('removes the rung but keeps the shared segment', () => {
    const added = edit(FILE, (text) =>
      addSegment(text, 'new-checkout', { name: 'beta-testers', variant: 'on' }),
    );
    const removed = edit(added, (text) => removeSegment(text, 'new-checkout', 'beta-testers'));
    assert.equal(removed, FILE);
  });

  it('refuses an unknown segment without a rule, a conflicting rule and removing an untargeted segment', () => {
    assertRefused(
      () => addSegment(FILE, 'new-checkout', { name: 'staff', variant: 'on' }),
      /no segment "staff" in "\$evaluators"; give its rule/,
    );
    assertRefused(
      () =>
        addSegment(FILE, 'new-checkout', {
          name: 'beta-testers',
          variant: 'on',
          rule: { in: ['@other.com', { var: 'email' }] },
        }),
      /already exists with another rule/,
    );
    assertRefused(
      () => removeSegment(FILE, 'new-checkout', 'beta-testers'),
      /does not target segment "beta-testers"/,
    );
  });
});

describe('time windows', () => {
  const from = new Date('2025-12-01T10:00:00Z');
  const until = new Date('2026-01-01T00:00:00Z');

  it('serves the off variant before the start and from the end on, the ladder in between', () => {
    const on = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 100 }));
    const after = edit(on, (text) =>
      setTimeWindow(text, 'new-checkout', { from: from.toISOString(), until: until.toISOString() }),
    );
    const rungs = valueAt(after, ['flags', 'new-checkout', 'targeting', 'if']) as JsonValue[];
    assert.deepEqual(rungs.slice(0, 4), [
      { '<': [{ var: '$flagd.timestamp' }, from.getTime() / 1000] },
      'off',
      { '>=': [{ var: '$flagd.timestamp' }, until.getTime() / 1000] },
      'off',
    ]);
    const user = { targetingKey: 'u-1' };
    assert.equal(variantOf(after, 'new-checkout', user, new Date(from.getTime() - 1000)), 'off');
    assert.equal(variantOf(after, 'new-checkout', user, from), 'on');
    assert.equal(variantOf(after, 'new-checkout', user, new Date(until.getTime() - 1000)), 'on');
    assert.equal(variantOf(after, 'new-checkout', user, until), 'off');
    assertOnlyChanged(on, after, CHECKOUT);
  });

  it('reads a time without a zone as UTC and removes the window when given none', () => {
    const on = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 100 }));
    const after = edit(on, (text) => setTimeWindow(text, 'new-checkout', { from: '2025-12-01T10:00' }));
    assert.deepEqual((valueAt(after, ['flags', 'new-checkout', 'targeting', 'if']) as JsonValue[])[0], {
      '<': [{ var: '$flagd.timestamp' }, from.getTime() / 1000],
    });
    assert.equal(
      edit(after, (text) => setTimeWindow(text, 'new-checkout', undefined)),
      on,
    );
  });

  it('refuses an end before the start and text that is not a time', () => {
    assertRefused(
      () =>
        setTimeWindow(FILE, 'new-checkout', { from: '2026-01-01T00:00:00Z', until: '2025-01-01T00:00:00Z' }),
      /ends \(2025-01-01T00:00:00Z\) before it starts/,
    );
    assertRefused(
      () => setTimeWindow(FILE, 'new-checkout', { from: 'next tuesday' }),
      /not an ISO 8601 time/,
    );
    assertRefused(() => setTimeWindow(FILE, 'new-checkout', {}), /needs a start or an end/);
  });
});

describe('prerequisites', () => {
  it('records the prerequisite in metadata and serves off unless the context says it holds', () => {
    const on = edit(FILE, (text) => setRollout(text, 'new-checkout', { variant: 'on', percent: 100 }));
    const after = edit(on, (text) =>
      setPrerequisite(text, 'new-checkout', { flag: 'new-api', variant: 'on' }),
    );
    assert.equal(valueAt(after, ['flags', 'new-checkout', 'metadata', 'requires']), 'new-api=on');
    assert.equal(valueAt(after, ['flags', 'new-checkout', 'metadata', 'owner']), 'payments');
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-1' }), 'off');
    assert.equal(
      variantOf(after, 'new-checkout', { targetingKey: 'u-1', prerequisites: { 'new-api': 'off' } }),
      'off',
    );
    assert.equal(
      variantOf(after, 'new-checkout', { targetingKey: 'u-1', prerequisites: { 'new-api': 'on' } }),
      'on',
    );
    assertOnlyChanged(on, after, CHECKOUT);
    assert.equal(
      edit(after, (text) => removePrerequisite(text, 'new-checkout', 'new-api')),
      on,
    );
  });

  it('adds metadata when the flag has none and removes it with the last prerequisite', () => {
    const file = FILE.replace(',\n      "metadata": { "owner": "payments" }', '');
    const after = edit(file, (text) =>
      setPrerequisite(text, 'new-checkout', { flag: 'color', variant: 'blue' }),
    );
    assert.deepEqual(valueAt(after, ['flags', 'new-checkout', 'metadata']), { requires: 'color=blue' });
    assert.equal(
      edit(after, (text) => removePrerequisite(text, 'new-checkout', 'color')),
      file,
    );
  });

  it('refuses itself, unknown flags and variants, cycles and removing what is not there', () => {
    assertRefused(
      () => setPrerequisite(FILE, 'new-checkout', { flag: 'new-checkout', variant: 'on' }),
      /cannot be its own prerequisite/,
    );
    assertRefused(
      () => setPrerequisite(FILE, 'new-checkout', { flag: 'ghost', variant: 'on' }),
      /no flag "ghost" in this file/,
    );
    assertRefused(
      () => setPrerequisite(FILE, 'new-checkout', { flag: 'color', variant: 'green' }),
      /"color" has no variant "green"/,
    );
    const dependent = edit(FILE, (text) => setMetadata(text, 'new-api', 'requires', 'new-checkout=on'));
    assertRefused(
      () => setPrerequisite(dependent, 'new-checkout', { flag: 'new-api', variant: 'on' }),
      /cannot form a cycle/,
    );
    assertRefused(() => removePrerequisite(FILE, 'new-checkout', 'new-api'), /does not depend on "new-api"/);
  });
});

describe('adding, removing and renaming flags', () => {
  it('adds a flag at the end of the flags in the file style', () => {
    const after = edit(FILE, (text) =>
      addFlag(text, 'dark-mode', {
        variants: { on: true, off: false },
        defaultVariant: 'off',
        metadata: { owner: 'web' },
      }),
    );
    assert.ok(
      after.includes(
        '    },\n    "dark-mode": {\n      "state": "ENABLED",\n      "variants": { "on": true, "off": false },\n      "defaultVariant": "off",\n      "metadata": { "owner": "web" }\n    }\n  },\n',
      ),
      after,
    );
    assert.equal(variantOf(after, 'dark-mode', { targetingKey: 'u-1' }), 'off');
    assert.equal(
      after.slice(0, FILE.indexOf('\n  },\n  "$evaluators"')),
      FILE.slice(0, FILE.indexOf('\n  },\n  "$evaluators"')),
    );
  });

  it('creates the flags object in a file without one', () => {
    const after = edit('{\n  "$schema": "https://flagd.dev/schema/v0/flags.json"\n}\n', (text) =>
      addFlag(text, 'first', { variants: { a: 'a', b: 'b' }, defaultVariant: 'b', state: 'DISABLED' }),
    );
    assert.deepEqual(valueAt(after, ['flags', 'first']), {
      state: 'DISABLED',
      variants: { a: 'a', b: 'b' },
      defaultVariant: 'b',
    });
  });

  it('refuses an existing key, a default outside the variants and mixed variant types', () => {
    assertRefused(
      () => addFlag(FILE, 'color', { variants: { a: 'a' }, defaultVariant: 'a' }),
      /"color" already exists/,
    );
    assertRefused(
      () => addFlag(FILE, 'x', { variants: { a: 'a' }, defaultVariant: 'b' }),
      /default variant "b" of "x" is not one of its variants/,
    );
    assertRefused(
      () => addFlag(FILE, 'x', { variants: { a: 'a', b: 1 }, defaultVariant: 'a' }),
      /must all be booleans, all strings, all numbers or all objects/,
    );
    assertRefused(
      () => addFlag(FILE, 'x', { variants: { a: 'a' }, defaultVariant: 'a', metadata: { tags: ['x'] } }),
      /Metadata "tags" must be a string/,
    );
  });

  it('removes a flag and nothing else', () => {
    const after = edit(FILE, (text) => removeFlag(text, 'new-checkout'));
    assert.equal(valueAt(after, ['flags', 'new-checkout']), undefined);
    const start = FILE.indexOf(',\n    "new-checkout"');
    const end = FILE.indexOf('    "new-api"') - 2;
    assert.equal(after, FILE.slice(0, start) + FILE.slice(end));
  });

  it('renames the key and the salt, and the prerequisites naming the flag', () => {
    let text = edit(FILE, (current) => setRollout(current, 'new-checkout', { variant: 'on', percent: 30 }));
    text = edit(text, (current) =>
      setPrerequisite(current, 'color', { flag: 'new-checkout', variant: 'on', elseVariant: 'blue' }),
    );
    const after = edit(text, (current) => renameFlag(current, 'new-checkout', 'checkout-v2'));
    assert.equal(valueAt(after, ['flags', 'new-checkout']), undefined);
    assert.deepEqual(
      (valueAt(after, ['flags', 'checkout-v2', 'targeting', 'fractional']) as JsonValue[])[0],
      {
        cat: ['checkout-v2', { var: 'targetingKey' }],
      },
    );
    assert.equal(valueAt(after, ['flags', 'color', 'metadata', 'requires']), 'checkout-v2=on');
    assert.equal(
      variantOf(after, 'color', { targetingKey: 'u', prerequisites: { 'checkout-v2': 'on' } }),
      'red',
    );
    assert.equal(
      variantOf(after, 'color', { targetingKey: 'u', prerequisites: { 'new-checkout': 'on' } }),
      'blue',
    );
    assertOnlyChanged(
      text,
      after,
      [
        ['flags', 'new-checkout'],
        ['flags', 'color'],
      ],
      [
        ['flags', 'checkout-v2'],
        ['flags', 'color'],
      ],
    );
  });

  it('keeps every user in their bucket when asked to keep the salt', () => {
    const text = edit(FILE, (current) => setRollout(current, 'new-checkout', { variant: 'on', percent: 30 }));
    const after = edit(text, (current) =>
      renameFlag(current, 'new-checkout', 'checkout-v2', { keepSalt: true }),
    );
    assert.deepEqual(keysServed(after, 'checkout-v2', 'on'), keysServed(text, 'new-checkout', 'on'));
  });

  it('refuses a rename onto an existing key', () => {
    assertRefused(() => renameFlag(FILE, 'new-checkout', 'color'), /"color" already exists/);
  });
});

describe('metadata', () => {
  it('adds, changes and removes values, and drops the emptied metadata', () => {
    let text = edit(FILE, (current) => setMetadata(current, 'new-checkout', 'expiresAt', '2026-03-01'));
    assert.ok(text.includes('"metadata": { "owner": "payments", "expiresAt": "2026-03-01" }'));
    text = edit(text, (current) => setMetadata(current, 'new-checkout', 'owner', 'checkout'));
    text = edit(text, (current) => setMetadata(current, 'new-checkout', 'expiresAt', undefined));
    assert.ok(text.includes('"metadata": { "owner": "checkout" }'));
    text = edit(text, (current) => setMetadata(current, 'new-checkout', 'owner', undefined));
    assert.equal(text, FILE.replace(',\n      "metadata": { "owner": "payments" }', ''));
  });

  it('adds metadata to a flag that has none', () => {
    const after = edit(FILE, (current) => setMetadata(current, 'color', 'permanent', true));
    assert.ok(after.includes('"defaultVariant": "red", "metadata": { "permanent": true } }'), after);
    assertOnlyChanged(FILE, after, [['flags', 'color']]);
  });
});

describe('flags with custom targeting', () => {
  const ladderEdits: [string, (text: string) => OffsetEdit[]][] = [
    ['setRollout', (text) => setRollout(text, 'new-api', { variant: 'on', percent: 5 })],
    ['addOverride', (text) => addOverride(text, 'new-api', { value: 'u-1', variant: 'on' })],
    ['removeOverride', (text) => removeOverride(text, 'new-api', { value: 'u-1' })],
    ['addExclusion', (text) => addExclusion(text, 'new-api', 'u-1')],
    ['removeExclusion', (text) => removeExclusion(text, 'new-api', 'u-1')],
    ['addSegment', (text) => addSegment(text, 'new-api', { name: 'beta-testers', variant: 'on' })],
    ['removeSegment', (text) => removeSegment(text, 'new-api', 'beta-testers')],
    ['setTimeWindow', (text) => setTimeWindow(text, 'new-api', { from: '2030-01-01' })],
    ['setPrerequisite', (text) => setPrerequisite(text, 'new-api', { flag: 'color', variant: 'red' })],
    ['removePrerequisite', (text) => removePrerequisite(text, 'new-api', 'color')],
  ];
  for (const [name, makeEdits] of ladderEdits) {
    it(`refuses ${name} with a message saying the targeting is custom`, () => {
      assertRefused(
        () => makeEdits(FILE),
        /targeting of "new-api" is custom JSON, not Flaglens' rule ladder .* edited as JSON/,
      );
    });
  }

  it('still toggles the flag and sets its default variant', () => {
    const toggled = edit(FILE, (text) => toggleFlag(text, 'new-api', false));
    assert.equal(valueAt(toggled, ['flags', 'new-api', 'state']), 'DISABLED');
    const defaulted = edit(FILE, (text) => setDefaultVariant(text, 'new-api', 'on'));
    assert.equal(variantOf(defaulted, 'new-api', { targetingKey: 'u', email: 'bob@example.com' }), 'on');
  });
});

describe('file styles', () => {
  const flag = {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    metadata: { owner: 'payments' },
  };
  const document = {
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: { 'new-checkout': flag, other: flag },
  };

  function editAll(text: string): string {
    let after = edit(text, (current) => setRollout(current, 'new-checkout', { variant: 'on', percent: 10 }));
    after = edit(after, (current) => addOverride(current, 'new-checkout', { value: 'u-1', variant: 'on' }));
    after = edit(after, (current) => setMetadata(current, 'new-checkout', 'type', 'release'));
    after = edit(after, (current) =>
      addFlag(current, 'added', { variants: { on: true, off: false }, defaultVariant: 'off' }),
    );
    assert.equal(variantOf(after, 'new-checkout', { targetingKey: 'u-1' }), 'on');
    return after;
  }

  it('indents new text with tabs in a tab-indented file', () => {
    const after = editAll(JSON.stringify(document, null, '\t') + '\n');
    for (const line of after.split('\n')) assert.match(line, /^\t*(?! )/, JSON.stringify(line));
    assert.ok(after.includes('\n\t\t\t"targeting": {\n\t\t\t\t"if": [\n'), after);
  });

  it('indents new text with four spaces in a four-space file', () => {
    const after = editAll(JSON.stringify(document, null, 4) + '\n');
    for (const line of after.split('\n'))
      assert.equal((/^ */.exec(line)?.[0].length ?? 0) % 4, 0, JSON.stringify(line));
    assert.ok(after.includes('\n            "targeting": {\n                "if": [\n'), after);
  });

  it('expands new containers in a file that expands every container', () => {
    const before = JSON.stringify(document, null, 2) + '\n';
    const after = editAll(before);
    assert.equal(after, JSON.stringify(JSON.parse(after), null, 2) + '\n');
  });

  it('keeps CRLF line ends', () => {
    const before = (JSON.stringify(document, null, 2) + '\n').replace(/\n/g, '\r\n');
    const after = editAll(before);
    assert.ok(after.length > before.length);
    assert.doesNotMatch(after.replace(/\r\n/g, ''), /[\r\n]/);
  });

  it('keeps a minified file on one line', () => {
    const before = JSON.stringify(document);
    const after = editAll(before);
    assert.doesNotMatch(after, /[\r\n]/);
    assert.equal(after, JSON.stringify(JSON.parse(after)));
  });

  it('refuses a file that is not valid JSON, saying where', () => {
    assertRefused(
      () => toggleFlag('{\n  "flags": {\n    "a": {,\n  }\n}', 'a', true),
      /not valid JSON \(ValueExpected at line 3, column 11\)/,
    );
  });
});

describe('folding sequential edits into edits of the original text', () => {
  it('gives the same text as applying the edits one after another', () => {
    const original = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const step = fc.record({
      start: fc.nat(),
      length: fc.nat({ max: 6 }),
      content: fc.string({ maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const log = new OffsetEditLog(original);
        let text = original;
        for (const { start, length, content } of steps) {
          const offset = start % (text.length + 1);
          const editToApply = { offset, length: Math.min(length, text.length - offset), content };
          log.record(editToApply, text);
          text = applyOffsetEdits(text, [editToApply]);
        }
        const folded = log.edits();
        assert.equal(applyOffsetEdits(original, folded), text);
        for (let index = 1; index < folded.length; index++) {
          assert.ok(
            folded[index - 1].offset + folded[index - 1].length < folded[index].offset,
            'edits neither overlap nor touch',
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});

// Refusals a mutation pass found untested (npm run mutation): each is what a user sees when the
// rule editor, a code action or the CLI is given input that would write a broken registry.
describe('edits refused with a message, writing nothing', () => {
  it('refuses empty names: a flag key, a rename to nothing, a metadata key, a segment, a targeted value', () => {
    assertRefused(
      () => addFlag(FILE, '', { variants: { on: true, off: false }, defaultVariant: 'off' }),
      /^A flag needs a key\.$/,
    );
    assertRefused(() => renameFlag(FILE, 'new-checkout', ''), /^A flag needs a key\.$/);
    assertRefused(() => setMetadata(FILE, 'new-checkout', '', 'x'), /^A metadata entry needs a key\.$/);
    assertRefused(
      () => addSegment(FILE, 'new-checkout', { name: '', variant: 'on' }),
      /^A segment needs a name\.$/,
    );
    assertRefused(
      () => addOverride(FILE, 'new-checkout', { value: '', variant: 'on' }),
      /^An empty targetingKey cannot be targeted\.$/,
    );
    assertRefused(
      () => addExclusion(FILE, 'new-checkout', '', 'email'),
      /^An empty email cannot be targeted\.$/,
    );
  });

  it('refuses a new flag without variants', () => {
    assertRefused(
      () => addFlag(FILE, 'empty', { variants: {}, defaultVariant: 'on' }),
      /^Flag "empty" needs at least one variant\.$/,
    );
  });

  it('renaming a flag to its own key changes nothing', () => {
    assert.deepEqual(renameFlag(FILE, 'new-checkout', 'new-checkout'), []);
  });

  it('refuses rollouts without variants, with a variant twice, with negative weights or over the maximum total', () => {
    assertRefused(
      () => setRollout(FILE, 'new-checkout', { weights: [] }),
      /^A rollout needs at least one variant\.$/,
    );
    assertRefused(
      () =>
        setRollout(FILE, 'new-checkout', {
          weights: [
            ['on', 1],
            ['on', 2],
          ],
        }),
      /^Variant "on" appears twice in the rollout\.$/,
    );
    assertRefused(
      () =>
        setRollout(FILE, 'new-checkout', {
          weights: [
            ['on', -1],
            ['off', 5],
          ],
        }),
      /whole number/,
    );
    assertRefused(
      () =>
        setRollout(FILE, 'new-checkout', {
          weights: [
            ['on', 2_147_483_647],
            ['off', 1],
          ],
        }),
      /2147483647|2,147,483,647/,
    );
    // Exactly the maximum is allowed.
    const atMaximum = edit(FILE, (text) =>
      setRollout(text, 'new-checkout', {
        weights: [
          ['on', 2_147_483_646],
          ['off', 1],
        ],
      }),
    );
    assert.match(atMaximum, /2147483646/);
  });

  it('refuses a time window without bounds, ending when it starts, or on a date that does not exist', () => {
    assertRefused(() => setTimeWindow(FILE, 'new-checkout', {}), /^A time window needs a start or an end\.$/);
    assertRefused(
      () =>
        setTimeWindow(FILE, 'new-checkout', { from: '2026-12-01T10:00:00Z', until: '2026-12-01T10:00:00Z' }),
      /ends \(2026-12-01T10:00:00Z\) before it starts/,
    );
    assertRefused(
      () => setTimeWindow(FILE, 'new-checkout', { from: '2026-02-30T25:00:00Z' }),
      /"2026-02-30T25:00:00Z" is not a valid time\./,
    );
    assertRefused(
      () => setTimeWindow(FILE, 'new-checkout', { from: 'next tuesday' }),
      /"next tuesday" is not an ISO 8601 time/,
    );
    // A date alone is midnight UTC; a time without a zone is UTC too.
    const dated = edit(FILE, (text) => setTimeWindow(text, 'new-checkout', { from: '2026-12-01' }));
    assert.match(dated, new RegExp(String(Date.parse('2026-12-01T00:00:00Z') / 1000)));
    const local = edit(FILE, (text) => setTimeWindow(text, 'new-checkout', { until: '2026-12-01 08:30' }));
    assert.match(local, new RegExp(String(Date.parse('2026-12-01T08:30:00Z') / 1000)));
  });
});
