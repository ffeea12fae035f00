import { strict as assert } from 'node:assert';
import { FlagdCore } from '@openfeature/flagd-core';
import { EnvironmentEngine } from '../../server/src/core/evaluation/evaluate';
import { flagdFile } from '../support/text';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

const text = flagdFile(
  {
    rollout: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          { $ref: 'staff' },
          'on',
          { fractional: [{ cat: ['rollout', { var: 'targetingKey' }] }, ['on', 30], ['off', 70]] },
        ],
      },
    },
    color: {
      state: 'ENABLED',
      variants: { red: 'red', blue: 'blue', green: 'green' },
      defaultVariant: 'red',
      targeting: {
        if: [
          { sem_ver: [{ var: 'version' }, '>=', '2.0.0'] },
          'blue',
          { starts_with: [{ var: 'email' }, 'qa'] },
          'green',
          null,
        ],
      },
    },
    banner: {
      state: 'ENABLED',
      variants: { shown: { text: 'Sale' }, hidden: {} },
      defaultVariant: 'hidden',
      targeting: { if: [{ '>=': [{ var: '$flagd.timestamp' }, 1798761600] }, 'shown', null] },
    },
    limit: { state: 'DISABLED', variants: { low: 5, high: 50 }, defaultVariant: 'high' },
  },
  { $evaluators: { staff: { ends_with: [{ var: 'email' }, '@acme.com'] } } },
);

describe('evaluation through flagd-core', () => {
  const engine = new EnvironmentEngine('production', text);
  const reference = new FlagdCore(undefined, quiet);
  reference.setConfigurations(text);

  const contexts: Record<string, string>[] = [
    {},
    { targetingKey: 'u-1' },
    { targetingKey: 'u-2', email: 'ada@acme.com' },
    { targetingKey: 'u-3', email: 'qa@example.com', version: '1.9.0' },
    { targetingKey: 'u-4', version: '2.1.0' },
    ...Array.from({ length: 50 }, (_, i) => ({ targetingKey: `user-${i}` })),
  ];

  it('answers exactly what flagd-core answers for every flag and context', () => {
    for (const context of contexts) {
      const expectations: [string, 'boolean' | 'string' | 'number' | 'object', unknown][] = [
        ['rollout', 'boolean', reference.resolveBooleanEvaluation('rollout', false, context)],
        ['color', 'string', reference.resolveStringEvaluation('color', '', context)],
        ['limit', 'number', reference.resolveNumberEvaluation('limit', 1, context)],
      ];
      for (const [flag, type, expected] of expectations) {
        const actual = engine.evaluate(
          flag,
          type,
          type === 'boolean' ? false : type === 'number' ? 1 : '',
          context,
        );
        const details = expected as { value: unknown; variant?: string; reason: string };
        assert.deepEqual(
          { value: actual.value, variant: actual.variant ?? undefined, reason: actual.reason },
          { value: details.value, variant: details.variant, reason: details.reason },
          `${flag} ${JSON.stringify(context)}`,
        );
      }
    }
  });

  it('buckets about 30% of users into a 30% rollout', () => {
    let on = 0;
    for (let i = 0; i < 2000; i++)
      if (engine.evaluate('rollout', 'boolean', false, { targetingKey: `k${i}` }).value === true) on++;
    assert.ok(on > 500 && on < 700, `${on} of 2000`);
  });

  it('returns the caller default with reason DISABLED for a disabled flag', () => {
    const result = engine.evaluate('limit', 'number', 7, { targetingKey: 'u' });
    assert.deepEqual({ value: result.value, reason: result.reason }, { value: 7, reason: 'DISABLED' });
  });

  it('previews at a chosen time by controlling $flagd.timestamp', () => {
    const before = engine.evaluate('banner', 'object', {}, {}, new Date('2026-12-31T23:59:59Z'));
    const after = engine.evaluate('banner', 'object', {}, {}, new Date('2027-01-01T00:00:00Z'));
    assert.equal(before.variant, 'hidden');
    assert.equal(after.variant, 'shown');
    assert.deepEqual(after.value, { text: 'Sale' });
    assert.ok(Math.abs(Date.now() - new Date().getTime()) < 1000, 'the real clock is restored');
  });

  it('reports an unknown flag as FLAG_NOT_FOUND', () => {
    const result = engine.evaluate('nope', 'boolean', false, {});
    assert.equal(result.reason, 'ERROR');
    assert.equal(result.errorCode, 'FLAG_NOT_FOUND');
  });
});
