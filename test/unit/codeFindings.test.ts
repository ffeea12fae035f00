import { strict as assert } from 'node:assert';
import type { FlagUsage } from '../../shared/src/usage';
import { codeFindings, flagOfUsage } from '../../server/src/core/analysis/codeFindings';
import { Registry } from '../../server/src/core/registry/registry';
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
