import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../shared/src/registryModel';
import {
  renderCondition,
  renderRules,
  renderRulesText,
  type RenderInput,
  type RuleLine,
} from '../../server/src/core/rules/renderRules';

const TS = { var: '$flagd.timestamp' };
const DEC_1 = 1764583200; // 2025-12-01 10:00 UTC
const JAN_1 = 1767225600; // 2026-01-01 00:00 UTC
const KEY = { var: 'targetingKey' };
const ACME = { ends_with: [{ var: 'email' }, '@acme.com'] };
const EVALUATORS: Record<string, JsonValue> = { 'beta-testers': ACME };

function flag(targeting: JsonObject | undefined, extra: Partial<RenderInput> = {}): RenderInput {
  return {
    flagKey: 'new-checkout',
    state: 'ENABLED',
    defaultVariant: 'off',
    variants: { on: true, off: false },
    targeting,
    evaluators: EVALUATORS,
    ...extra,
  };
}

function texts(input: RenderInput): string[] {
  return renderRules(input).map((line) => line.text);
}

function words(logic: JsonValue, evaluators: Record<string, JsonValue> = {}): string {
  return renderCondition(logic, evaluators);
}

describe('rendering one JsonLogic condition in words', () => {
  it('reads var as its path, with its default and with awkward paths in brackets', () => {
    assert.equal(words({ var: 'email' }), 'email');
    assert.equal(words({ var: ['plan', 'free'] }), 'plan (default "free")');
    assert.equal(words({ var: 'user name' }), 'context["user name"]');
    assert.equal(words({ var: '' }), 'context');
    assert.equal(words({ var: 'app.version' }), 'app.version');
  });

  it('quotes strings and writes numbers, booleans and null plainly', () => {
    assert.equal(words({ '==': [{ var: 'plan' }, 'pro'] }), 'plan = "pro"');
    assert.equal(words({ '==': [{ var: 'seats' }, 12.5] }), 'seats = 12.5');
    assert.equal(words({ '==': [{ var: 'beta' }, true] }), 'beta = true');
    assert.equal(words({ '==': [{ var: 'team' }, null] }), 'team = null');
    assert.equal(words({ '==': [{ var: 'name' }, 'say "hi"'] }), 'name = "say \\"hi\\""');
  });

  it('writes equality as = and inequality as ≠, loose or strict', () => {
    assert.equal(words({ '===': [{ var: 'plan' }, 'pro'] }), 'plan = "pro"');
    assert.equal(words({ '!=': [{ var: 'plan' }, 'pro'] }), 'plan ≠ "pro"');
    assert.equal(words({ '!==': [{ var: 'plan' }, 'pro'] }), 'plan ≠ "pro"');
  });

  it('writes the ordering comparisons and the three-argument between', () => {
    assert.equal(words({ '<': [{ var: 'age' }, 18] }), 'age < 18');
    assert.equal(words({ '<=': [{ var: 'age' }, 18] }), 'age <= 18');
    assert.equal(words({ '>': [{ var: 'age' }, 18] }), 'age > 18');
    assert.equal(words({ '>=': [{ var: 'age' }, 18] }), 'age >= 18');
    assert.equal(words({ '<': [1, { var: 'n' }, 10] }), '1 < n < 10');
    assert.equal(words({ '<=': [1, { var: 'n' }, 10] }), '1 <= n <= 10');
  });

  it('reads and, or, ! and !! with parentheses where the grouping matters', () => {
    const a = { '==': [{ var: 'a' }, 1] };
    const b = { '==': [{ var: 'b' }, 2] };
    const c = { '==': [{ var: 'c' }, 3] };
    assert.equal(words({ and: [a, b, c] }), 'a = 1 and b = 2 and c = 3');
    assert.equal(words({ or: [a, b] }), 'a = 1 or b = 2');
    assert.equal(words({ and: [{ or: [a, b] }, c] }), '(a = 1 or b = 2) and c = 3');
    assert.equal(words({ or: [{ and: [a, b] }, c] }), '(a = 1 and b = 2) or c = 3');
    assert.equal(words({ and: [a, { and: [b, c] }] }), 'a = 1 and b = 2 and c = 3');
    assert.equal(words({ '!': { var: 'beta' } }), 'not (beta)');
    assert.equal(words({ '!': [{ or: [a, b] }] }), 'not (a = 1 or b = 2)');
    assert.equal(words({ '!!': [{ var: 'email' }] }), 'email is truthy');
  });

  it('reads in with an array as "is one of" and in with a string as "contains"', () => {
    assert.equal(words({ in: [KEY, ['u-1', 'u-2']] }), 'targetingKey is one of "u-1", "u-2"');
    assert.equal(words({ in: ['x', { var: 'email' }] }), 'email contains "x"');
    assert.equal(words({ in: ['beta', 'alpha-beta'] }), '"alpha-beta" contains "beta"');
  });

  it('cuts long lists after ten values and says how many more there are', () => {
    const ids = Array.from({ length: 13 }, (_, i) => `u-${i + 1}`);
    assert.equal(
      words({ in: [KEY, ids] }),
      'targetingKey is one of "u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7", "u-8", "u-9", "u-10" (+3 more)',
    );
  });

  it('reads starts_with, ends_with and sem_ver', () => {
    assert.equal(words({ starts_with: [{ var: 'email' }, 'admin'] }), 'email starts with "admin"');
    assert.equal(words(ACME), 'email ends with "@acme.com"');
    assert.equal(
      words({ sem_ver: [{ var: 'app.version' }, '>=', '2.0.0'] }),
      'app.version semver >= "2.0.0"',
    );
    assert.equal(words({ sem_ver: [{ var: 'v' }, '^', '1.2.0'] }), 'v semver ^ "1.2.0"');
  });

  it('reads missing and missing_some', () => {
    assert.equal(words({ missing: ['email'] }), 'email is missing');
    assert.equal(words({ missing: 'email' }), 'email is missing');
    assert.equal(words({ missing: ['email', 'plan'] }), 'any of email, plan is missing');
    assert.equal(words({ missing_some: [1, ['email', 'phone']] }), 'all of email, phone are missing');
    assert.equal(words({ missing_some: [2, ['a', 'b', 'c']] }), 'fewer than 2 of a, b, c are set');
  });

  it('reads some, all and none with the element written as item', () => {
    assert.equal(
      words({ some: [{ var: 'tags' }, { '==': [{ var: '' }, 'beta'] }] }),
      'some of tags match (item = "beta")',
    );
    assert.equal(
      words({ all: [{ var: 'orders' }, { '>': [{ var: 'total' }, 10] }] }),
      'all of orders match (item.total > 10)',
    );
    assert.equal(
      words({ none: [{ var: 'roles' }, { '==': [{ var: '' }, 'banned'] }] }),
      'none of roles match (item = "banned")',
    );
  });

  it('reads map, filter, reduce, cat, substr, merge, min and max as calls', () => {
    assert.equal(words({ map: [{ var: 'items' }, { var: 'price' }] }), 'map(items, item.price)');
    assert.equal(
      words({ filter: [{ var: 'items' }, { '>': [{ var: 'qty' }, 0] }] }),
      'filter(items, item.qty > 0)',
    );
    assert.equal(
      words({ reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }),
      'reduce(xs, current + accumulator, 0)',
    );
    assert.equal(words({ cat: ['id-', { var: 'userId' }] }), 'cat("id-", userId)');
    assert.equal(words({ substr: [{ var: 'name' }, 0, 3] }), 'substr(name, 0, 3)');
    assert.equal(words({ merge: [{ var: 'a' }, ['x', 'y']] }), 'merge(a, ["x", "y"])');
    assert.equal(words({ min: [1, { var: 'n' }] }), 'min(1, n)');
    assert.equal(words({ max: [1, { var: 'n' }] }), 'max(1, n)');
  });

  it('reads arithmetic infix, bracketing every compound operand', () => {
    assert.equal(words({ '+': [{ var: 'a' }, 1] }), 'a + 1');
    assert.equal(words({ '+': [{ var: 'a' }] }), 'number(a)');
    assert.equal(words({ '-': [5, 2] }), '5 - 2');
    assert.equal(words({ '-': [{ var: 'a' }] }), '-a');
    assert.equal(words({ '*': [2, { '+': [1, 2] }] }), '2 * (1 + 2)');
    assert.equal(words({ '/': [{ var: 'a' }, 2] }), 'a / 2');
    assert.equal(words({ '==': [{ '%': [{ var: 'n' }, 2] }, 0] }), 'n % 2 = 0');
  });

  it('reads a conditional inside a condition as if/then/else', () => {
    assert.equal(words({ if: [{ var: 'a' }, 'x', 'y'] }), 'if a then "x" else "y"');
    assert.equal(
      words({ '?:': [{ var: 'a' }, 'x', { var: 'b' }, 'y', 'z'] }),
      'if a then "x" else if b then "y" else "z"',
    );
  });

  it('names a $ref segment with its definition, a missing one, and stops at a cycle', () => {
    assert.equal(
      words({ $ref: 'beta-testers' }, EVALUATORS),
      'segment beta-testers (email ends with "@acme.com")',
    );
    assert.equal(words({ $ref: 'ghosts' }, EVALUATORS), 'segment ghosts (not in $evaluators)');
    assert.equal(
      words({ $ref: 'a' }, { a: { $ref: 'b' }, b: { $ref: 'a' } }),
      'segment a (segment b (segment a))',
    );
    assert.equal(words({ $ref: 'constructor' }, {}), 'segment constructor (not in $evaluators)');
  });

  it('reads fractional inside a condition', () => {
    assert.equal(
      words({
        fractional: [
          ['a', 1],
          ['b', 1],
        ],
      }),
      'fractional(50% a / 50% b, sticky by targetingKey)',
    );
  });

  it('renders unknown operators and malformed known ones as compact JSON, even when nested', () => {
    assert.equal(words({ log: 'x' }), '{"log":"x"}');
    assert.equal(words({ frobnicate: [1, { var: 'a' }] }), '{"frobnicate":[1,{"var":"a"}]}');
    assert.equal(words({ '==': [1] }), '{"==":[1]}');
    assert.equal(words({ a: 1, b: 2 }), '{"a":1,"b":2}');
    assert.equal(words({}), '{}');
    assert.equal(words({ and: [{ '==': [{ var: 'a' }, 1] }, { frob: 1 }] }), 'a = 1 and {"frob":1}');
  });
});

describe('rendering time windows on $flagd.timestamp', () => {
  it('reads >= as from and < as until, in UTC', () => {
    assert.equal(words({ '>=': [TS, DEC_1] }), 'from 2025-12-01 10:00 UTC');
    assert.equal(words({ '<': [TS, DEC_1] }), 'until 2025-12-01 10:00 UTC');
  });

  it('joins both bounds of an and into one window', () => {
    assert.equal(
      words({ and: [{ '>=': [TS, DEC_1] }, { '<': [TS, JAN_1] }] }),
      'from 2025-12-01 10:00 UTC until 2026-01-01 00:00 UTC',
    );
  });

  it('turns strict and non-strict bounds into whole-second from/until, in either operand order', () => {
    assert.equal(words({ '>': [TS, DEC_1 - 1] }), 'from 2025-12-01 10:00 UTC');
    assert.equal(words({ '<=': [TS, DEC_1 - 1] }), 'until 2025-12-01 10:00 UTC');
    assert.equal(words({ '<=': [DEC_1, TS] }), 'from 2025-12-01 10:00 UTC');
    assert.equal(words({ '>': [JAN_1, TS] }), 'until 2026-01-01 00:00 UTC');
    assert.equal(
      words({ '<': [DEC_1 - 1, TS, JAN_1] }),
      'from 2025-12-01 10:00 UTC until 2026-01-01 00:00 UTC',
    );
    assert.equal(words({ '>=': [TS, DEC_1 + 30] }), 'from 2025-12-01 10:00:30 UTC');
  });

  it('renders the later of two start bounds, the one flagd serves by', () => {
    const rule = (bounds: JsonValue[]) =>
      JSON.stringify({
        flags: {
          launch: {
            state: 'ENABLED',
            variants: { on: true, off: false },
            defaultVariant: 'off',
            targeting: { if: [{ and: bounds }, 'on', 'off'] },
          },
        },
      });
    const servedAt = (config: string, seconds: number): string | undefined => {
      const core = new FlagdCore(undefined, {
        error: () => {},
        warn: () => {},
        info: () => {},
        debug: () => {},
      });
      core.setConfigurations(config);
      const realNow = Date.now;
      Date.now = () => seconds * 1000;
      try {
        return core.resolveBooleanEvaluation('launch', false, {}).variant;
      } finally {
        Date.now = realNow;
      }
    };
    for (const bounds of [
      [{ '>=': [TS, DEC_1] }, { '>=': [TS, JAN_1] }],
      [{ '>=': [TS, JAN_1] }, { '>=': [TS, DEC_1] }],
    ]) {
      assert.equal(words({ and: bounds }), 'from 2026-01-01 00:00 UTC');
      // flagd agrees: between the two starts the rule does not apply yet; from the later one it does.
      assert.equal(servedAt(rule(bounds), JAN_1 - 3600), 'off');
      assert.equal(servedAt(rule(bounds), JAN_1), 'on');
    }
  });

  it('keeps the window together when it is mixed with other conditions', () => {
    assert.equal(
      words({ and: [{ '>=': [TS, DEC_1] }, ACME, { '<': [TS, JAN_1] }] }),
      'from 2025-12-01 10:00 UTC until 2026-01-01 00:00 UTC and email ends with "@acme.com"',
    );
  });

  it('falls back to a plain comparison when the bound is not a number', () => {
    assert.equal(words({ '>=': [TS, { var: 'start' }] }), '$flagd.timestamp >= start');
  });
});

describe('rendering a flag targeting as a ladder of lines', () => {
  it('renders the canonical ladder, one line per rung with its kind', () => {
    const lines = renderRules(
      flag(
        {
          if: [
            { in: [KEY, ['u-9']] },
            'off',
            { in: [KEY, ['u-1', 'u-2']] },
            'on',
            { $ref: 'beta-testers' },
            'on',
            { and: [{ '>=': [TS, DEC_1] }, { '<': [TS, JAN_1] }] },
            { fractional: [{ cat: ['new-checkout', KEY] }, ['on', 25], ['off', 75]] },
            null,
          ],
        },
        { requires: ['new-api=on'] },
      ),
    );
    assert.deepEqual(lines, [
      { kind: 'exclusion', text: 'if targetingKey is one of "u-9" -> off' },
      { kind: 'override', text: 'if targetingKey is one of "u-1", "u-2" -> on' },
      { kind: 'prerequisite', text: 'requires new-api = on' },
      { kind: 'segment', text: 'if segment beta-testers (email ends with "@acme.com") -> on' },
      {
        kind: 'rollout',
        text: 'from 2025-12-01 10:00 UTC until 2026-01-01 00:00 UTC -> 25% on / 75% off, sticky by targetingKey',
      },
      { kind: 'default', text: 'otherwise -> off (default)' },
    ] satisfies RuleLine[]);
  });

  it('shows an exclusion that returns null as serving the default variant', () => {
    assert.deepEqual(renderRules(flag({ if: [{ in: [KEY, ['u-9']] }, null, ACME, 'on'] }))[0], {
      kind: 'exclusion',
      text: 'if targetingKey is one of "u-9" -> off (default)',
    });
  });

  it('tells exclusions from overrides by what they serve, for boolean and other flags', () => {
    const single = renderRules(flag({ if: [{ '==': [KEY, 'u-1'] }, 'on', null] }));
    assert.deepEqual(single[0], { kind: 'override', text: 'if targetingKey = "u-1" -> on' });
    const colors = { variants: { red: '#f00', blue: '#00f' }, defaultVariant: 'red' };
    const excluded = renderRules(flag({ if: [{ in: [KEY, ['u-3']] }, 'red', null] }, colors));
    assert.equal(excluded[0].kind, 'exclusion');
    const overridden = renderRules(flag({ if: [{ in: [KEY, ['u-3']] }, 'blue', null] }, colors));
    assert.equal(overridden[0].kind, 'override');
  });

  it('puts prerequisites after exclusions and overrides, or first when there are none', () => {
    assert.deepEqual(
      texts(flag({ if: [ACME, 'on', null] }, { requires: ['new-api=on', 'billing != legacy', ' '] })),
      [
        'requires new-api = on',
        'requires billing ≠ legacy',
        'if email ends with "@acme.com" -> on',
        'otherwise -> off (default)',
      ],
    );
    assert.deepEqual(texts(flag(undefined, { requires: ['new-api=on'] })), [
      'requires new-api = on',
      'everyone -> off (default)',
    ]);
  });

  it('classifies segment, schedule and plain rule lines', () => {
    const lines = renderRules(
      flag({
        if: [
          { and: [{ $ref: 'beta-testers' }, { '==': [{ var: 'country' }, 'DE'] }] },
          'on',
          { '>=': [TS, DEC_1] },
          'on',
          { and: [ACME, { '<': [TS, JAN_1] }] },
          'on',
          null,
        ],
      }),
    );
    assert.deepEqual(lines, [
      {
        kind: 'segment',
        text: 'if segment beta-testers (email ends with "@acme.com") and country = "DE" -> on',
      },
      { kind: 'schedule', text: 'from 2025-12-01 10:00 UTC -> on' },
      { kind: 'rule', text: 'if email ends with "@acme.com" and until 2026-01-01 00:00 UTC -> on' },
      { kind: 'default', text: 'otherwise -> off (default)' },
    ] satisfies RuleLine[]);
  });

  it('describes a salted, an unsalted and a differently salted rollout', () => {
    const rollout = (args: JsonValue[]) => texts(flag({ fractional: args }));
    assert.deepEqual(rollout([{ cat: ['new-checkout', KEY] }, ['on', 25], ['off', 75]]), [
      '25% on / 75% off, sticky by targetingKey',
      'otherwise -> off (default)',
    ]);
    assert.equal(
      rollout([
        ['on', 10],
        ['off', 90],
      ])[0],
      '10% on / 90% off, sticky by targetingKey',
    );
    assert.equal(
      rollout([{ cat: ['old-flag', KEY] }, ['on', 1], ['off', 3]])[0],
      '25% on / 75% off, sticky by targetingKey (salt "old-flag")',
    );
    assert.equal(
      rollout([{ cat: [{ var: '$flagd.flagKey' }, KEY] }, ['on', 1], ['off', 1]])[0],
      '50% on / 50% off, sticky by targetingKey',
    );
    assert.equal(rollout([{ var: 'orgId' }, ['on', 1], ['off', 1]])[0], '50% on / 50% off, sticky by orgId');
    assert.equal(rollout(['fixed', ['on', 1], ['off', 1]])[0], '50% on / 50% off, sticky by "fixed"');
  });

  it('computes rollout percentages from weights that default to 1, clamps negatives and shows null as the default', () => {
    const rollout = (args: JsonValue[], extra: Partial<RenderInput> = {}) =>
      texts(flag({ fractional: args }, extra))[0];
    assert.equal(
      rollout([['a'], ['b'], ['c']], { variants: { a: 'a', b: 'b', c: 'c' } }),
      '33.33% a / 33.33% b / 33.33% c, sticky by targetingKey',
    );
    assert.equal(
      rollout([
        ['on', 0],
        ['off', 5],
      ]),
      '0% on / 100% off, sticky by targetingKey',
    );
    assert.equal(
      rollout([
        ['on', -4],
        ['off', 1],
      ]),
      '0% on / 100% off, sticky by targetingKey',
    );
    assert.equal(
      rollout([
        [null, 1],
        ['on', 1],
      ]),
      '50% off (default) / 50% on, sticky by targetingKey',
    );
    assert.equal(
      rollout([
        ['on', 1],
        ['off', 9999999],
      ]),
      '<0.01% on / >99.99% off, sticky by targetingKey',
    );
  });

  it('shows a rollout flagd would reject as JSON rather than as percentages', () => {
    assert.deepEqual(
      texts(
        flag({
          fractional: [
            ['on', 1.5],
            ['off', 1],
          ],
        }),
      ),
      ['everyone -> variant named by {"fractional":[["on",1.5],["off",1]]}, else off (default)'],
    );
  });

  it('puts a rollout behind a condition on that condition', () => {
    assert.deepEqual(
      renderRules(
        flag({
          if: [
            { $ref: 'beta-testers' },
            {
              fractional: [
                ['on', 1],
                ['off', 1],
              ],
            },
            null,
          ],
        }),
      )[0],
      {
        kind: 'rollout',
        text: 'if segment beta-testers (email ends with "@acme.com") -> 50% on / 50% off, sticky by targetingKey',
      },
    );
  });

  it('serves the default variant to everyone when there is no targeting', () => {
    assert.deepEqual(renderRules(flag(undefined, { defaultVariant: 'on' })), [
      { kind: 'default', text: 'everyone -> on (default)' },
    ]);
    assert.deepEqual(texts(flag({}, { defaultVariant: 'on' })), ['everyone -> on (default)']);
    assert.deepEqual(texts(flag(undefined, { defaultVariant: null })), ["everyone -> the caller's default"]);
    assert.deepEqual(texts(flag({ if: [ACME, 'on'] }, { defaultVariant: null })), [
      'if email ends with "@acme.com" -> on',
      "otherwise -> the caller's default",
    ]);
  });

  it('names an explicit last else plainly and an absent or null one as the default', () => {
    assert.deepEqual(texts(flag({ if: [ACME, 'on', 'off'] })), [
      'if email ends with "@acme.com" -> on',
      'otherwise -> off',
    ]);
    assert.deepEqual(texts(flag({ if: [ACME, 'on'] })), [
      'if email ends with "@acme.com" -> on',
      'otherwise -> off (default)',
    ]);
    assert.deepEqual(texts(flag({ if: [ACME, 'on', null] })), [
      'if email ends with "@acme.com" -> on',
      'otherwise -> off (default)',
    ]);
  });

  it('puts the disabled line first and still shows the rules', () => {
    assert.deepEqual(renderRules(flag({ if: [ACME, 'on', null] }, { state: 'DISABLED' })), [
      { kind: 'disabled', text: "disabled: the caller's default is served" },
      { kind: 'rule', text: 'if email ends with "@acme.com" -> on' },
      { kind: 'default', text: 'otherwise -> off (default)' },
    ] satisfies RuleLine[]);
  });

  it('flattens nested if chains into one line per branch, first match first', () => {
    const a = { '==': [{ var: 'a' }, 1] };
    const b = { '==': [{ var: 'b' }, 2] };
    const c = { '==': [{ var: 'c' }, 3] };
    const variants = { x: 'x', y: 'y', z: 'z', w: 'w', off: 'off' };
    assert.deepEqual(texts(flag({ if: [a, { if: [b, 'x', 'y'] }, c, 'z', 'w'] }, { variants })), [
      'if a = 1 and b = 2 -> x',
      'if a = 1 -> y',
      'if c = 3 -> z',
      'otherwise -> w',
    ]);
    assert.deepEqual(texts(flag({ if: [a, 'x', { if: [b, 'y', { if: [c, 'z'] }] }] }, { variants })), [
      'if a = 1 -> x',
      'if b = 2 -> y',
      'if c = 3 -> z',
      'otherwise -> off (default)',
    ]);
    assert.deepEqual(texts(flag({ if: [a, { if: [b, 'x'] }, 'z'] }, { variants })), [
      'if a = 1 and b = 2 -> x',
      'if a = 1 -> off (default)',
      'otherwise -> z',
    ]);
  });

  it('joins a window split across nested ifs into one schedule line', () => {
    assert.deepEqual(
      renderRules(flag({ if: [{ '>=': [TS, DEC_1] }, { if: [{ '<': [TS, JAN_1] }, 'on'] }] }))[0],
      {
        kind: 'schedule',
        text: 'from 2025-12-01 10:00 UTC until 2026-01-01 00:00 UTC -> on',
      },
    );
  });

  it('prints non-string results, unknown variant names and computed variants', () => {
    const booleans = { variants: { true: true, false: false }, defaultVariant: 'false' };
    assert.equal(
      texts(flag({ if: [ACME, true, null] }, booleans))[0],
      'if email ends with "@acme.com" -> true',
    );
    assert.equal(
      texts(flag({ if: [ACME, 42, null] }))[0],
      'if email ends with "@acme.com" -> 42 (no such variant)',
    );
    assert.equal(
      texts(flag({ if: [ACME, 'blue', null] }))[0],
      'if email ends with "@acme.com" -> blue (no such variant)',
    );
    assert.equal(
      texts(flag({ if: [ACME, 'dark mode', null] }, { variants: { 'dark mode': 'd', off: 'o' } }))[0],
      'if email ends with "@acme.com" -> "dark mode"',
    );
    assert.equal(
      texts(flag({ if: [ACME, { var: 'plan' }, null] }))[0],
      'if email ends with "@acme.com" -> variant named by plan',
    );
    assert.deepEqual(texts(flag({ var: 'plan' })), ['everyone -> variant named by plan, else off (default)']);
  });

  it('renders unknown operators in a rule as JSON instead of dropping them', () => {
    assert.deepEqual(texts(flag({ if: [{ geo_within: [{ var: 'ip' }, 'EU'] }, 'on', null] })), [
      'if {"geo_within":[{"var":"ip"},"EU"]} -> on',
      'otherwise -> off (default)',
    ]);
  });

  it('joins the lines with newlines in the text form', () => {
    assert.equal(
      renderRulesText(flag({ if: [ACME, 'on', null] }, { state: 'DISABLED' })),
      'disabled: the caller\'s default is served\nif email ends with "@acme.com" -> on\notherwise -> off (default)',
    );
  });

  it('never throws on random JsonLogic-like targeting and always ends with the default line', () => {
    const operators = [
      'if',
      '?:',
      '==',
      '===',
      '!=',
      '!==',
      '<',
      '<=',
      '>',
      '>=',
      '!',
      '!!',
      'and',
      'or',
      'in',
      'starts_with',
      'ends_with',
      'sem_ver',
      'fractional',
      '$ref',
      'cat',
      'substr',
      'missing',
      'missing_some',
      'some',
      'all',
      'none',
      'map',
      'filter',
      'reduce',
      'merge',
      '+',
      '-',
      '*',
      '/',
      '%',
      'min',
      'max',
      'var',
      'log',
      'geo_within',
    ];
    const names = ['on', 'off', 'a', 'b', 'constructor', 'dark mode', 'line\nbreak'];
    const { node } = fc.letrec<{
      node: JsonValue;
      leaf: JsonValue;
      operation: JsonObject;
      array: JsonValue[];
      object: JsonObject;
    }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        tie('operation'),
        tie('operation'),
        tie('array'),
        tie('object'),
      ),
      leaf: fc.oneof(
        fc.constantFrom<JsonValue>(
          ...names,
          null,
          true,
          false,
          0,
          DEC_1,
          KEY,
          TS,
          { $ref: 'a' },
          { $ref: 'b' },
        ),
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      ),
      operation: fc
        .tuple(fc.constantFrom(...operators), fc.oneof(fc.array(tie('node'), { maxLength: 6 }), tie('node')))
        .map(([op, args]): JsonObject => ({ [op]: args })),
      array: fc.array(tie('node'), { maxLength: 4 }),
      object: fc.dictionary(fc.constantFrom('x', 'y', 'var', 'if'), tie('node'), { maxKeys: 3 }),
    }));
    const input = fc.record({
      flagKey: fc.constantFrom('new-checkout', 'a'),
      state: fc.constantFrom<'ENABLED' | 'DISABLED'>('ENABLED', 'DISABLED'),
      defaultVariant: fc.constantFrom<string | null>('on', 'off', null, 'line\nbreak'),
      variants: fc.constantFrom<RenderInput['variants']>({ on: true, off: false }, { a: 'a', b: 'b' }, {}),
      targeting: fc.oneof(
        fc.constant(undefined),
        fc.dictionary(fc.constantFrom('if', 'fractional', 'and', 'x'), node, { maxKeys: 2 }),
      ),
      evaluators: fc.dictionary(fc.constantFrom('a', 'b', 'c'), node, { maxKeys: 3 }),
      requires: fc.option(fc.array(fc.string(), { maxLength: 3 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(input, (generated) => {
        const lines = renderRules(generated);
        const last = lines[lines.length - 1];
        assert.equal(last.kind, 'default');
        assert.match(last.text, /^(otherwise|everyone) -> /);
        for (const line of lines) assert.doesNotMatch(line.text, /[\r\n]/);
        assert.equal(renderRulesText(generated).split('\n').length, lines.length);
      }),
      { numRuns: 500 },
    );
  });
});

interface GrammarRule {
  name?: string;
  match?: string;
  include?: string;
  captures?: Record<string, { name: string }>;
}
interface Grammar {
  scopeName: string;
  patterns: GrammarRule[];
  repository: Record<string, GrammarRule>;
}
interface Token {
  text: string;
  scope: string;
}

const grammarPath = join(__dirname, '..', '..', 'syntaxes', 'flaglens-rules.tmLanguage.json');

function loadGrammar(): Grammar {
  return JSON.parse(readFileSync(grammarPath, 'utf8')) as Grammar;
}

/**
 * A minimal TextMate-style scanner over the grammar's top-level `match` rules: at each point the
 * earliest match wins, and on a tie the rule listed first, as in TextMate.
 */
function tokenize(grammar: Grammar, line: string): Token[] {
  const rules = grammar.patterns.map((pattern) => grammar.repository[(pattern.include ?? '').slice(1)]);
  const tokens: Token[] = [];
  let position = 0;
  while (position < line.length) {
    let best: { rule: GrammarRule; match: RegExpExecArray } | undefined;
    for (const rule of rules) {
      const regex = new RegExp(rule.match as string, 'gu');
      regex.lastIndex = position;
      const match = regex.exec(line);
      if (match && match[0].length > 0 && (!best || match.index < best.match.index)) best = { rule, match };
    }
    if (!best) break;
    const { rule, match } = best;
    if (rule.name) tokens.push({ text: match[0], scope: rule.name });
    for (const [group, capture] of Object.entries(rule.captures ?? {})) {
      const text = match[Number(group)];
      if (text !== undefined) tokens.push({ text, scope: capture.name });
    }
    position = match.index + match[0].length;
  }
  return tokens;
}

function scopeOf(tokens: Token[], text: string): string | undefined {
  return tokens.find((token) => token.text === text)?.scope;
}

describe('the rule language grammar', () => {
  const grammar = loadGrammar();

  it('is a TextMate grammar for source.flaglens-rules whose patterns all resolve and compile', () => {
    assert.equal(grammar.scopeName, 'source.flaglens-rules');
    assert.ok(grammar.patterns.length > 0);
    for (const pattern of grammar.patterns) {
      const rule = grammar.repository[(pattern.include ?? '').slice(1)];
      assert.ok(rule, `unresolved ${pattern.include}`);
      assert.equal(typeof rule.match, 'string');
      assert.doesNotThrow(() => new RegExp(rule.match as string, 'u'));
    }
  });

  it('highlights keywords, the arrow, variants, strings and the default marker in rendered lines', () => {
    const [exclusion, override, prerequisite, segment, rollout, otherwise] = texts(
      flag(
        {
          if: [
            { in: [KEY, ['u-9']] },
            'off',
            { in: [KEY, ['u-1', 'u-2']] },
            'on',
            { $ref: 'beta-testers' },
            'on',
            { and: [{ '>=': [TS, DEC_1] }, { '<': [TS, JAN_1] }] },
            { fractional: [{ cat: ['new-checkout', KEY] }, ['on', 25], ['off', 75]] },
          ],
        },
        { requires: ['new-api=on'] },
      ),
    );
    const excluded = tokenize(grammar, exclusion);
    assert.equal(scopeOf(excluded, 'if'), 'keyword.control.flaglens-rules');
    assert.equal(scopeOf(excluded, 'is one of'), 'keyword.operator.word.flaglens-rules');
    assert.equal(scopeOf(excluded, '"u-9"'), 'string.quoted.double.flaglens-rules');
    assert.equal(scopeOf(excluded, '->'), 'keyword.operator.arrow.flaglens-rules');
    assert.equal(scopeOf(excluded, 'off'), 'entity.name.variant.flaglens-rules');
    assert.equal(scopeOf(tokenize(grammar, override), 'on'), 'entity.name.variant.flaglens-rules');

    const requires = tokenize(grammar, prerequisite);
    assert.equal(scopeOf(requires, 'requires'), 'keyword.control.flaglens-rules');
    assert.equal(scopeOf(requires, '='), 'keyword.operator.comparison.flaglens-rules');

    const segmentTokens = tokenize(grammar, segment);
    assert.equal(scopeOf(segmentTokens, 'segment'), 'keyword.other.segment.flaglens-rules');
    assert.equal(scopeOf(segmentTokens, 'beta-testers'), 'entity.name.segment.flaglens-rules');
    assert.equal(scopeOf(segmentTokens, 'ends with'), 'keyword.operator.word.flaglens-rules');

    const rolloutTokens = tokenize(grammar, rollout);
    assert.equal(scopeOf(rolloutTokens, 'from'), 'keyword.control.flaglens-rules');
    assert.equal(scopeOf(rolloutTokens, 'until'), 'keyword.control.flaglens-rules');
    assert.equal(scopeOf(rolloutTokens, '2025-12-01 10:00 UTC'), 'constant.other.date.flaglens-rules');
    assert.equal(scopeOf(rolloutTokens, '25%'), 'constant.numeric.percentage.flaglens-rules');
    assert.equal(scopeOf(rolloutTokens, 'on'), 'entity.name.variant.flaglens-rules');
    assert.equal(scopeOf(rolloutTokens, 'sticky by'), 'keyword.operator.word.flaglens-rules');

    const defaultTokens = tokenize(grammar, otherwise);
    assert.equal(scopeOf(defaultTokens, 'otherwise'), 'keyword.control.flaglens-rules');
    assert.equal(scopeOf(defaultTokens, 'off'), 'entity.name.variant.flaglens-rules');
    assert.equal(scopeOf(defaultTokens, '(default)'), 'storage.modifier.default.flaglens-rules');
  });

  it('highlights every keyword of the rule language where the renderer writes it', () => {
    const samples: Array<[string, string]> = [
      ['disabled', texts(flag(undefined, { state: 'DISABLED' }))[0]],
      ['everyone', texts(flag(undefined))[0]],
      ['and', words({ and: [ACME, { '==': [{ var: 'a' }, 1] }] })],
      ['or', words({ or: [ACME, { '==': [{ var: 'a' }, 1] }] })],
      ['not', words({ '!': ACME })],
      ['contains', words({ in: ['x', { var: 'email' }] })],
      ['starts with', words({ starts_with: [{ var: 'email' }, 'a'] })],
      ['semver', words({ sem_ver: [{ var: 'v' }, '>=', '2.0.0'] })],
    ];
    for (const [keyword, line] of samples) {
      const token = tokenize(grammar, line).find((candidate) => candidate.text === keyword);
      assert.ok(token, `"${keyword}" is not highlighted in: ${line}`);
      assert.match(token.scope, /^keyword\./);
    }
  });

  it("keeps arrows and keywords inside strings as string text, and marks the caller's default", () => {
    const tokens = tokenize(
      grammar,
      texts(flag({ if: [{ '==': [{ var: 'note' }, 'a -> if'] }, 'on'] }, { defaultVariant: null }))[0],
    );
    assert.deepEqual(
      tokens.filter((token) => token.scope.startsWith('keyword.operator.arrow')).map((token) => token.text),
      ['->'],
    );
    assert.equal(scopeOf(tokens, '"a -> if"'), 'string.quoted.double.flaglens-rules');
    const callers = tokenize(grammar, "otherwise -> the caller's default");
    assert.equal(scopeOf(callers, "the caller's default"), 'support.constant.default.flaglens-rules');
    assert.equal(
      callers.some((token) => token.scope === 'entity.name.variant.flaglens-rules'),
      false,
    );
  });
});

describe('renderRules with the ladder prerequisite rung', () => {
  it('shows a prerequisite checked by the targeting once, with what fails it', () => {
    const lines = renderRules({
      flagKey: 'usage-based-pricing',
      state: 'ENABLED',
      defaultVariant: 'off',
      variants: { on: true, off: false },
      targeting: { if: [{ '!==': [{ var: 'prerequisites.new-api' }, 'on'] }, 'off', 'on'] },
      evaluators: {},
      requires: ['new-api=on'],
    });
    assert.deepEqual(
      lines.map((line) => `${line.kind}: ${line.text}`),
      ['prerequisite: requires new-api = on, else off', 'default: otherwise -> on'],
    );
  });
});
