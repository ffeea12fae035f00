import { strict as assert } from 'node:assert';
import type { JsonValue, VariantType } from '../../shared/src/registryModel';
import { EnvironmentEngine } from '../../server/src/core/evaluation/evaluate';
import { parseRegistryFile } from '../../server/src/core/registry/parseRegistryFile';
import { alwaysServes, uniformServing } from '../../server/src/core/stale/uniformServing';
import { flagdFile } from '../support/text';

const evaluators = {
  'beta-testers': { in: [{ var: 'email' }, ['grace@example.com']] },
  'always-on': 'on',
  loop: { $ref: 'loop' },
};

/** One flag named `f` in a file with the evaluators above, as the registry parses it. */
function fixture(flag: Record<string, unknown>) {
  const text = flagdFile({ f: { variants: { on: true, off: false }, ...flag } }, { $evaluators: evaluators });
  const file = parseRegistryFile('flags/production.flagd.json', text);
  const definition = file.flags.get('f');
  assert.ok(definition, 'fixture flag parsed');
  return { text, file, definition };
}

/** Contexts that take different paths through the rules below (and one without targetingKey). */
const CONTEXTS: Record<string, unknown>[] = [
  {},
  { targetingKey: 'u-1' },
  { targetingKey: 'u-2', email: 'grace@example.com' },
  { targetingKey: 'u-3', plan: 'enterprise' },
  ...Array.from({ length: 40 }, (_, index) => ({ targetingKey: `user-${index}` })),
];

/** What flagd-core serves to each context: the ground truth `alwaysServes` must agree with. */
function servedVariants(text: string, type: VariantType = 'boolean'): Set<string | null> {
  const engine = new EnvironmentEngine('production', text);
  return new Set(
    CONTEXTS.map((context) => {
      const result = engine.evaluate('f', type, null as unknown as JsonValue, context);
      return result.errorCode ? `error:${result.errorCode}` : result.variant;
    }),
  );
}

describe('alwaysServes: one variant to everyone, read from the targeting', () => {
  const uniformCases: [string, Record<string, unknown>, string, string][] = [
    ['no targeting', { state: 'ENABLED', defaultVariant: 'on' }, 'on', 'no-targeting'],
    ['empty targeting', { state: 'ENABLED', defaultVariant: 'off', targeting: {} }, 'off', 'no-targeting'],
    [
      'an if chain whose every result is the same variant',
      {
        state: 'ENABLED',
        defaultVariant: 'off',
        targeting: {
          if: [{ in: [{ var: 'targetingKey' }, ['u-1']] }, 'on', { $ref: 'beta-testers' }, 'on', 'on'],
        },
      },
      'on',
      'single-outcome-targeting',
    ],
    [
      'an if chain without else whose results equal the default variant',
      {
        state: 'ENABLED',
        defaultVariant: 'on',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'enterprise'] }, 'on'] },
      },
      'on',
      'single-outcome-targeting',
    ],
    [
      'a 100/0 rollout with the explicit salt',
      {
        state: 'ENABLED',
        defaultVariant: 'off',
        targeting: { fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on', 100], ['off', 0]] },
      },
      'on',
      'single-outcome-targeting',
    ],
    [
      'a 100/0 rollout without salt when the default is the same variant',
      {
        state: 'ENABLED',
        defaultVariant: 'on',
        targeting: {
          fractional: [
            ['on', 100],
            ['off', 0],
          ],
        },
      },
      'on',
      'single-outcome-targeting',
    ],
    [
      'a nested rollout inside the last rung of a ladder',
      {
        state: 'ENABLED',
        defaultVariant: 'off',
        targeting: {
          if: [
            { in: [{ var: 'targetingKey' }, ['u-1']] },
            'on',
            { fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['off', 0], ['on', 100]] },
          ],
        },
      },
      'on',
      'single-outcome-targeting',
    ],
    [
      'a $ref in result position',
      {
        state: 'ENABLED',
        defaultVariant: 'off',
        targeting: { if: [{ var: 'email' }, { $ref: 'always-on' }, 'on'] },
      },
      'on',
      'single-outcome-targeting',
    ],
    [
      'a boolean result naming the variant "true"',
      {
        state: 'ENABLED',
        variants: { true: 'yes', false: 'no' },
        defaultVariant: 'true',
        targeting: { if: [{ var: 'email' }, true, true] },
      },
      'true',
      'single-outcome-targeting',
    ],
  ];
  for (const [name, flag, variant, how] of uniformCases) {
    it(`finds ${name}, as flagd-core serves it`, () => {
      const { text, file, definition } = fixture(flag);
      assert.deepEqual(alwaysServes(definition, file.evaluators), { variant });
      assert.deepEqual(uniformServing(definition, file.evaluators), { variant, how });
      const type: VariantType = typeof definition.variants[variant] === 'string' ? 'string' : 'boolean';
      assert.deepEqual([...servedVariants(text, type)], [variant]);
    });
  }

  const mixedCases: [string, Record<string, unknown>][] = [
    [
      'a 50/50 rollout',
      {
        state: 'ENABLED',
        defaultVariant: 'off',
        targeting: { fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on', 50], ['off', 50]] },
      },
    ],
    [
      'a 100/0 rollout without salt whose default differs (no targetingKey -> default)',
      {
        state: 'ENABLED',
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 100],
            ['off', 0],
          ],
        },
      },
    ],
    [
      'an if chain without else whose default differs',
      { state: 'ENABLED', defaultVariant: 'off', targeting: { if: [{ $ref: 'beta-testers' }, 'on'] } },
    ],
    [
      'exclusions then everyone on',
      {
        state: 'ENABLED',
        defaultVariant: 'on',
        targeting: { if: [{ in: [{ var: 'targetingKey' }, ['u-1']] }, 'off', 'on'] },
      },
    ],
  ];
  for (const [name, flag] of mixedCases) {
    it(`refuses ${name}, where flagd-core serves several variants`, () => {
      const { text, file, definition } = fixture(flag);
      assert.equal(alwaysServes(definition, file.evaluators), undefined);
      assert.ok(servedVariants(text).size > 1, 'the fixture really serves more than one variant');
    });
  }

  const unknownCases: [string, Record<string, unknown>][] = [
    ['a DISABLED flag (callers get their code default)', { state: 'DISABLED', defaultVariant: 'on' }],
    [
      'a null default variant without targeting (the code default)',
      { state: 'ENABLED', defaultVariant: null },
    ],
    [
      'an unknown $ref (flagd cannot parse the targeting)',
      { state: 'ENABLED', defaultVariant: 'on', targeting: { if: [{ $ref: 'nobody' }, 'on', 'on'] } },
    ],
    [
      'a circular $ref',
      { state: 'ENABLED', defaultVariant: 'on', targeting: { if: [{ $ref: 'loop' }, 'on', 'on'] } },
    ],
    [
      'a result computed from the context',
      { state: 'ENABLED', defaultVariant: 'on', targeting: { var: 'plan' } },
    ],
    [
      'a result that is not a variant',
      { state: 'ENABLED', defaultVariant: 'on', targeting: { if: [{ var: 'email' }, 'of', 'of'] } },
    ],
    [
      'a rollout whose weights are all zero (flagd falls back to a null default)',
      {
        state: 'ENABLED',
        defaultVariant: null,
        targeting: {
          fractional: [
            ['on', 0],
            ['off', 0],
          ],
        },
      },
    ],
  ];
  for (const [name, flag] of unknownCases) {
    it(`gives no variant for ${name}`, () => {
      const { file, definition } = fixture(flag);
      assert.equal(alwaysServes(definition, file.evaluators), undefined);
    });
  }
});
