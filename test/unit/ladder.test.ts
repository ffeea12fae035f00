import { strict as assert } from 'node:assert';
import { MemoryStorage } from '@openfeature/flagd-core';
import fc from 'fast-check';
import type { JsonObject } from '../../shared/src/registryModel';
import {
  type TargetingLadder,
  buildTargeting,
  emptyLadder,
  parseLadder,
} from '../../server/src/core/edits/ladder';
import { RegistryEditError } from '../../server/src/core/edits/registryEditError';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** Throws when flagd's strict schema validation rejects the targeting. */
function assertFlagdAccepts(flagKey: string, targeting: JsonObject | undefined): void {
  const flag = {
    state: 'ENABLED',
    variants: { on: true, off: false, beta: true },
    defaultVariant: 'off',
    ...(targeting && { targeting }),
  };
  const text = JSON.stringify({
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: { [flagKey]: flag },
    $evaluators: {
      'beta-testers': { in: ['@acme.com', { var: 'email' }] },
      staff: { ends_with: [{ var: 'email' }, '@staff.com'] },
    },
  });
  new MemoryStorage(quiet).setConfigurations(text, true);
}

const fullLadder: TargetingLadder = {
  exclusions: { attribute: 'targetingKey', values: ['u-9', 'u-10'], variant: 'off' },
  overrides: [
    { attribute: 'targetingKey', values: ['u-1'], variant: 'on' },
    { attribute: 'email', values: ['ceo@acme.com'], variant: 'beta' },
  ],
  prerequisites: [{ flag: 'new-api', variant: 'on', elseVariant: 'off' }],
  segments: [{ name: 'beta-testers', variant: 'on' }],
  timeWindow: { from: 1764583200, until: 1767225600, variant: 'off' },
  rollout: {
    salt: 'new-checkout',
    weights: [
      ['on', 25],
      ['off', 75],
    ],
  },
  fallback: null,
};

const fullTargeting: JsonObject = {
  if: [
    { or: [{ in: [{ var: 'targetingKey' }, ['u-9', 'u-10']] }] },
    'off',
    { in: [{ var: 'targetingKey' }, ['u-1']] },
    'on',
    { in: [{ var: 'email' }, ['ceo@acme.com']] },
    'beta',
    { '!==': [{ var: 'prerequisites.new-api' }, 'on'] },
    'off',
    { $ref: 'beta-testers' },
    'on',
    { '<': [{ var: '$flagd.timestamp' }, 1764583200] },
    'off',
    { '>=': [{ var: '$flagd.timestamp' }, 1767225600] },
    'off',
    { fractional: [{ cat: ['new-checkout', { var: 'targetingKey' }] }, ['on', 25], ['off', 75]] },
  ],
};

describe('the targeting ladder', () => {
  it('builds every rung in ladder order as one if chain', () => {
    assert.deepEqual(buildTargeting('new-checkout', fullLadder), fullTargeting);
  });

  it('parses the canonical chain back into the same ladder', () => {
    assert.deepEqual(parseLadder('new-checkout', fullTargeting), fullLadder);
  });

  it('produces targeting that flagd accepts under strict validation', () => {
    assert.doesNotThrow(() => assertFlagdAccepts('new-checkout', buildTargeting('new-checkout', fullLadder)));
  });

  it('reads no targeting and an empty object as the empty ladder, and builds the empty ladder as no targeting', () => {
    assert.deepEqual(parseLadder('f', undefined), emptyLadder());
    assert.deepEqual(parseLadder('f', {}), emptyLadder());
    assert.equal(buildTargeting('f', emptyLadder()), undefined);
  });

  it('writes a rollout alone without an if and a lone fallback as a one-element if', () => {
    const rolloutOnly = {
      ...emptyLadder(),
      rollout: {
        salt: 'f',
        weights: [
          ['on', 10],
          ['off', 90],
        ] as [string, number][],
      },
    };
    assert.deepEqual(buildTargeting('f', rolloutOnly), {
      fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on', 10], ['off', 90]],
    });
    assert.deepEqual(buildTargeting('f', { ...emptyLadder(), fallback: 'on' }), { if: ['on'] });
    assert.deepEqual(parseLadder('f', { if: ['on'] }), { ...emptyLadder(), fallback: 'on' });
  });

  it('reads a fractional without salt as a rollout salted with the flag key', () => {
    assert.deepEqual(
      parseLadder('f', {
        fractional: [
          ['on', 30],
          ['off', 70],
        ],
      })?.rollout,
      {
        salt: 'f',
        weights: [
          ['on', 30],
          ['off', 70],
        ],
      },
    );
  });

  it('reads an if without an else as falling back to the default variant', () => {
    assert.deepEqual(parseLadder('f', { if: [{ $ref: 'staff' }, 'on'] }), {
      ...emptyLadder(),
      segments: [{ name: 'staff', variant: 'on' }],
    });
  });

  it('keeps a time window with only a start or only an end', () => {
    const startOnly = { ...emptyLadder(), timeWindow: { from: 100, variant: 'off' } };
    const endOnly = { ...emptyLadder(), timeWindow: { until: 200, variant: 'off' } };
    assert.deepEqual(parseLadder('f', buildTargeting('f', startOnly)), startOnly);
    assert.deepEqual(parseLadder('f', buildTargeting('f', endOnly)), endOnly);
  });

  const customShapes: [string, JsonObject][] = [
    ['an unknown operator', { if: [{ starts_with: [{ var: 'email' }, 'admin'] }, 'on', null] }],
    [
      'overrides after a segment',
      { if: [{ $ref: 'staff' }, 'on', { in: [{ var: 'targetingKey' }, ['u-1']] }, 'on', null] },
    ],
    [
      'an exclusion after an override',
      {
        if: [
          { in: [{ var: 'targetingKey' }, ['u-1']] },
          'on',
          { or: [{ in: [{ var: 'targetingKey' }, ['u-9']] }] },
          'off',
          null,
        ],
      },
    ],
    [
      'a nested if as the else',
      { if: [{ $ref: 'staff' }, 'on', { if: [{ $ref: 'beta-testers' }, 'on', null] }] },
    ],
    ['a rung serving null', { if: [{ $ref: 'staff' }, null, 'on'] }],
    ['a var with a default value', { if: [{ in: [{ var: ['targetingKey', 'x'] }, ['u-1']] }, 'on', null] }],
    ['a membership list with numbers', { if: [{ in: [{ var: 'userId' }, [1, 2]] }, 'on', null] }],
    [
      'a time window serving two variants',
      {
        if: [
          { '<': [{ var: '$flagd.timestamp' }, 1] },
          'off',
          { '>=': [{ var: '$flagd.timestamp' }, 2] },
          'on',
          null,
        ],
      },
    ],
    [
      'a window end before its start rung',
      {
        if: [
          { '>=': [{ var: '$flagd.timestamp' }, 2] },
          'off',
          { '<': [{ var: '$flagd.timestamp' }, 1] },
          'off',
          null,
        ],
      },
    ],
    [
      'a salt computed from another attribute',
      { fractional: [{ cat: ['f', { var: 'email' }] }, ['on', 50], ['off', 50]] },
    ],
    [
      'a bucket without weight',
      { fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on'], ['off', 50]] },
    ],
    [
      'a fractional weight',
      { fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on', 0.5], ['off', 50]] },
    ],
    ['a rollout in the middle of the chain', { if: [{ $ref: 'staff' }, { fractional: [['on', 1]] }, null] }],
    ['an operation that is not a ladder at all', { in: [{ var: 'targetingKey' }, ['u-1']] }],
    ['an operator object with two keys', { if: [{ $ref: 'staff', in: [] }, 'on', null] }],
    [
      'a prerequisite path with a dot in the flag key',
      { if: [{ '!==': [{ var: 'prerequisites.a.b' }, 'on'] }, 'off', null] },
    ],
  ];
  for (const [name, targeting] of customShapes) {
    it(`treats ${name} as custom targeting`, () => {
      assert.equal(parseLadder('f', targeting), undefined);
    });
  }

  it('refuses to build a ladder with both a rollout and a fallback variant', () => {
    const ladder = {
      ...emptyLadder(),
      fallback: 'off',
      rollout: { salt: 'f', weights: [['on', 1]] as [string, number][] },
    };
    assert.throws(
      () => buildTargeting('f', ladder),
      (error: unknown) =>
        error instanceof RegistryEditError && /both a rollout and a fallback/.test(error.message),
    );
  });

  it('refuses a time window without bounds and a prerequisite whose key has a dot', () => {
    assert.throws(
      () => buildTargeting('f', { ...emptyLadder(), timeWindow: { variant: 'off' } }),
      /needs a start or an end/,
    );
    assert.throws(
      () =>
        buildTargeting('f', {
          ...emptyLadder(),
          prerequisites: [{ flag: 'a.b', variant: 'on', elseVariant: 'off' }],
        }),
      /without dots/,
    );
  });

  it('round-trips any ladder and flagd accepts what it builds', () => {
    const name = fc.string({ minLength: 1, maxLength: 8 });
    const variant = fc.constantFrom('on', 'off', 'beta');
    const attribute = fc.constantFrom('targetingKey', 'email', 'org.id');
    const match = fc.record({ attribute, values: fc.array(name, { maxLength: 4 }), variant });
    const prerequisiteFlag = fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !key.includes('.'));
    const time = fc.integer({ min: 0, max: 4_000_000_000 });
    const ladder: fc.Arbitrary<TargetingLadder> = fc
      .record({
        exclusions: fc.option(match, { nil: undefined }),
        overrides: fc.array(match, { maxLength: 3 }),
        prerequisites: fc.array(fc.record({ flag: prerequisiteFlag, variant: name, elseVariant: variant }), {
          maxLength: 2,
        }),
        segments: fc.array(fc.record({ name: fc.constantFrom('beta-testers', 'staff'), variant }), {
          maxLength: 2,
        }),
        timeWindow: fc.option(
          fc.oneof(
            fc.record({ from: time, variant }),
            fc.record({ until: time, variant }),
            fc.record({ from: time, until: time, variant }),
          ),
          { nil: undefined },
        ),
        rollout: fc.option(
          fc.record({
            salt: name,
            weights: fc.array(fc.tuple(variant, fc.integer({ min: 0, max: 1000 })), {
              minLength: 1,
              maxLength: 3,
            }),
          }),
          { nil: undefined },
        ),
        fallback: fc.option(variant, { nil: null }),
      })
      .map((generated) => (generated.rollout ? { ...generated, fallback: null } : generated));
    fc.assert(
      fc.property(ladder, (arbitrary) => {
        // fast-check builds records without a prototype; the parser returns plain objects.
        const generated = structuredClone(arbitrary);
        const targeting = buildTargeting('flag-key', generated);
        assert.deepEqual(parseLadder('flag-key', targeting), generated);
        assertFlagdAccepts('flag-key', targeting);
      }),
      { numRuns: 300 },
    );
  });
});
