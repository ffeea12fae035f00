import { strict as assert } from 'node:assert';
import type { FlagUsage } from '../../shared/src/usage';
import { DEFAULT_CONFIG } from '../../shared/src/config';
import { codeFindings, flagOfUsage, unusedFlagFindings } from '../../server/src/core/analysis/codeFindings';
import { Registry } from '../../server/src/core/registry/registry';
import { detectStaleFlags } from '../../server/src/core/stale/staleness';
import { flagdFile } from '../support/text';

const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } };

function usage(flag: string, extra: Partial<FlagUsage> = {}): FlagUsage {
  return {
    flag,
    file: 'src/a.tsx',
    range: at,
    keyRange: at,
    sdk: 'launchdarkly',
    api: 'useFlags',
    resolution: 'destructured',
    expectedType: 'any',
    keyText: flag,
    keyIsLiteral: false,
    ...extra,
  };
}

describe('code findings for LaunchDarkly camelCased keys', () => {
  const registry = new Registry(() => new Date('2026-11-24T00:00:00Z'));
  registry.setFile(
    'flags/production.flagd.json',
    flagdFile({
      'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
    }),
  );

  it('matches a camelCased read to its registry key', () => {
    assert.equal(flagOfUsage(registry, usage('newCheckout', { camelCaseKey: true }))?.key, 'new-checkout');
    assert.deepEqual(
      codeFindings([usage('newCheckout', { camelCaseKey: true })], registry, { now: new Date() }),
      [],
    );
  });

  it('does not camelCase keys read by their exact name', () => {
    assert.equal(flagOfUsage(registry, usage('newCheckout')), undefined);
    assert.deepEqual(
      codeFindings([usage('newCheckout')], registry, { now: new Date() }).map((finding) => finding.code),
      ['code/unknown-flag'],
    );
  });
});

describe('archived flags (metadata.archived: true)', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  const registry = new Registry(() => now);
  const archived = {
    state: 'DISABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    metadata: { archived: true, type: 'kill-switch', expiresAt: '2024-01-01' },
  };
  const retired = { ...archived, metadata: { archived: true } };
  registry.setFile('flags/development.flagd.json', flagdFile({ 'old-search': archived, 'old-nav': retired }));
  registry.setFile('flags/production.flagd.json', flagdFile({ 'old-search': archived }));
  const read = usage('old-search', { sdk: 'openfeature', api: 'getBooleanValue', expectedType: 'string' });

  it('reads the flag as archived', () => {
    assert.equal(registry.flag('old-search')?.lifecycle.archived, true);
  });

  it('reports a read of an archived flag, and only that: no type, kill-switch or expiry findings', () => {
    assert.deepEqual(
      codeFindings([{ ...read, defaultLiteral: true }], registry, { now }).map((finding) => [
        finding.code,
        finding.severity,
        finding.message,
      ]),
      [
        [
          'code/flag-archived',
          'warning',
          'Flag "old-search" is archived: remove this read; flagd still serves it, but nobody maintains it.',
        ],
      ],
    );
  });

  it('never reports an archived flag as unused or stale', () => {
    assert.deepEqual(unusedFlagFindings([], registry), []);
    assert.deepEqual(
      detectStaleFlags({
        registry,
        usages: [],
        policy: DEFAULT_CONFIG.stale,
        protectedEnvironments: ['production'],
        now,
      }),
      [],
    );
  });

  it('does not report an archived flag missing in an environment', () => {
    assert.deepEqual(
      registry
        .findings()
        .filter((finding) => finding.code === 'registry/missing-in-environment')
        .map((finding) => finding.flag),
      [],
    );
  });
});
