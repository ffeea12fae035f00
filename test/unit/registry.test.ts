import { strict as assert } from 'node:assert';
import { parseRegistryFile } from '../../server/src/core/registry/parseRegistryFile';
import { Registry } from '../../server/src/core/registry/registry';
import { flagdFile, positionOf } from '../support/text';

const boolFlag = (extra: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  ...extra,
});

function codes(text: string): string[] {
  return parseRegistryFile('flags/dev.flagd.json', text).findings.map((finding) => finding.code);
}

function only(text: string, code: string) {
  const findings = parseRegistryFile('flags/dev.flagd.json', text).findings.filter(
    (finding) => finding.code === code,
  );
  assert.equal(findings.length, 1, `expected one ${code}, got ${JSON.stringify(findings)}`);
  return findings[0];
}

describe('registry file parsing', () => {
  it('reads flags, variants, lifecycle metadata and the environment from the file name', () => {
    const text = flagdFile({
      'new-checkout': boolFlag({
        metadata: { owner: 'team-pay', type: 'release', createdAt: '2026-01-02', requires: 'new-api=on' },
      }),
    });
    const file = parseRegistryFile('flags/production.flagd.json', text);
    assert.equal(file.environment, 'production');
    assert.deepEqual(file.findings, []);
    const flag = file.flags.get('new-checkout');
    assert.ok(flag);
    assert.equal(flag.variantType, 'boolean');
    assert.equal(flag.defaultVariant, 'off');
    assert.deepEqual(flag.lifecycle, {
      owner: 'team-pay',
      type: 'release',
      createdAt: '2026-01-02',
      requires: ['new-api=on'],
      description: undefined,
      experiment: undefined,
    });
    assert.deepEqual(flag.keyRange.start, positionOf(text, '"new-checkout"'));
  });

  it('takes the environment name from metadata.environment when present', () => {
    const file = parseRegistryFile(
      'flags/prod.flagd.json',
      flagdFile({}, { metadata: { environment: 'production' } }),
    );
    assert.equal(file.environment, 'production');
  });

  it('reports invalid JSON at its line and column', () => {
    const text = '{\n  "flags": {\n    "a": { "state": "ENABLED" "variants": {} }\n  }\n}\n';
    const finding = only(text, 'registry/invalid-json');
    assert.deepEqual(finding.range.start, positionOf(text, '"variants"'));
    assert.match(finding.message, /comma expected/);
  });

  it('reports an empty file and a file that is not an object', () => {
    assert.deepEqual(codes(''), ['registry/empty']);
    assert.deepEqual(codes('[1, 2]'), ['registry/not-an-object']);
    assert.deepEqual(codes('"flags"'), ['registry/not-an-object']);
  });

  it('reports truncated JSON instead of throwing', () => {
    const text = flagdFile({ a: boolFlag() }).slice(0, 40);
    assert.ok(codes(text).includes('registry/invalid-json'));
    assert.equal(parseRegistryFile('x.flagd.json', text).unusable, true);
  });

  it('reports text that is not UTF-8 where the host found the bad bytes, and accepts a real U+FFFD', () => {
    const text = '{"flags": {"a\uFFFD": {}}}';
    const notUtf8 = parseRegistryFile('x.flagd.json', text, text.indexOf('\uFFFD'));
    assert.deepEqual(
      notUtf8.findings.map((finding) => `${finding.code} ${finding.range.start.character}`),
      [`registry/not-utf8 ${text.indexOf('\uFFFD')}`],
    );
    // Read from a valid file, the same character is just a character.
    assert.ok(!codes(text).includes('registry/not-utf8'));
  });

  it('reports an invalid state at the state value', () => {
    const text = flagdFile({ a: boolFlag({ state: 'ON' }) });
    const finding = only(text, 'registry/invalid-state');
    assert.deepEqual(finding.range.start, positionOf(text, '"ON"'));
  });

  it('reports variants of mixed types', () => {
    const text = flagdFile({
      a: { state: 'ENABLED', variants: { on: true, off: 'no' }, defaultVariant: 'on' },
    });
    const finding = only(text, 'registry/mixed-variant-types');
    assert.deepEqual(finding.range.start, positionOf(text, '{', '"variants"'));
  });

  it('reports a default variant that is not a variant', () => {
    const text = flagdFile({ a: boolFlag({ defaultVariant: 'maybe' }) });
    const finding = only(text, 'registry/unknown-default-variant');
    assert.deepEqual(finding.range.start, positionOf(text, '"maybe"'));
  });

  it('reports targeting that is not valid JsonLogic for flagd', () => {
    const text = flagdFile({ a: boolFlag({ targeting: { bogus_operator: [1, 2] } }) });
    const finding = only(text, 'registry/schema');
    assert.match(finding.message, /bogus_operator/);
    assert.deepEqual(finding.range.start, positionOf(text, '{', '"targeting"'));
  });

  it('reports an unknown $ref with the known evaluators', () => {
    const text = flagdFile(
      { a: boolFlag({ targeting: { if: [{ $ref: 'betas' }, 'on', null] } }) },
      { $evaluators: { 'beta-testers': { in: ['@acme.com', { var: 'email' }] } } },
    );
    const finding = only(text, 'registry/unknown-ref');
    assert.deepEqual(finding.range.start, positionOf(text, '"betas"'));
    assert.match(finding.message, /beta-testers/);
  });

  it('reports a targeting rule that returns an unknown variant', () => {
    const text = flagdFile({
      a: boolFlag({ targeting: { if: [{ '==': [{ var: 'email' }, 'x'] }, 'enabled', 'off'] } }),
    });
    const finding = only(text, 'registry/unknown-variant');
    assert.deepEqual(finding.range.start, positionOf(text, '"enabled"'));
  });

  it('reports negative and all-zero rollout weights', () => {
    const negative = flagdFile({
      a: boolFlag({
        targeting: {
          fractional: [
            ['on', -5],
            ['off', 105],
          ],
        },
      }),
    });
    assert.deepEqual(only(negative, 'registry/negative-weight').range.start, positionOf(negative, '-5'));
    const zero = flagdFile({
      a: boolFlag({
        targeting: {
          fractional: [
            ['on', 0],
            ['off', 0],
          ],
        },
      }),
    });
    only(zero, 'registry/zero-weights');
  });

  it('reports metadata values that are not primitives', () => {
    const text = flagdFile({ a: boolFlag({ metadata: { tags: ['x'] } }) });
    const finding = only(text, 'registry/metadata-not-primitive');
    assert.deepEqual(finding.range.start, positionOf(text, '[', '"tags"'));
  });

  it('refuses a 10 MB file with a clear message', () => {
    const text = `{"flags": {}, "padding": "${'x'.repeat(10_000_000)}"}`;
    const finding = only(text, 'registry/file-too-large');
    assert.match(finding.message, /10 MB/);
  });
});

describe('registry checks across environment files', () => {
  const now = () => new Date('2026-11-24T00:00:00Z');

  it('reports a key missing in some environment at the key in the files that have it', () => {
    const registry = new Registry(now);
    const dev = flagdFile({ a: boolFlag(), b: boolFlag() });
    registry.setFile('flags/development.flagd.json', dev);
    registry.setFile('flags/production.flagd.json', flagdFile({ a: boolFlag() }));
    const findings = registry
      .findings()
      .filter((finding) => finding.code === 'registry/missing-in-environment');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].file, 'flags/development.flagd.json');
    assert.deepEqual(findings[0].range.start, positionOf(dev, '"b"'));
    assert.match(findings[0].message, /missing in production/);
  });

  it('reports variant types that differ between environments', () => {
    const registry = new Registry(now);
    registry.setFile('flags/development.flagd.json', flagdFile({ a: boolFlag() }));
    registry.setFile(
      'flags/production.flagd.json',
      flagdFile({ a: { state: 'ENABLED', variants: { on: 'yes', off: 'no' }, defaultVariant: 'on' } }),
    );
    const findings = registry
      .findings()
      .filter((finding) => finding.code === 'registry/variant-type-mismatch');
    assert.equal(findings.length, 2);
    assert.match(
      findings[0].message,
      /development: boolean, production: string|production: string, development: boolean/,
    );
  });

  it('reports prerequisites naming an unknown flag or variant, and cycles', () => {
    const registry = new Registry(now);
    const text = flagdFile({
      a: boolFlag({ metadata: { requires: 'ghost=on' } }),
      b: boolFlag({ metadata: { requires: 'a=maybe' } }),
      c: boolFlag({ metadata: { requires: 'd=on' } }),
      d: boolFlag({ metadata: { requires: 'c=on' } }),
    });
    registry.setFile('flags/production.flagd.json', text);
    const byCode = (code: string) => registry.findings().filter((finding) => finding.code === code);
    assert.equal(byCode('registry/unknown-prerequisite')[0].flag, 'a');
    assert.deepEqual(byCode('registry/unknown-prerequisite')[0].range.start, positionOf(text, '"ghost=on"'));
    assert.equal(byCode('registry/unknown-prerequisite-variant')[0].flag, 'b');
    const cycles = byCode('registry/prerequisite-cycle');
    assert.equal(cycles.length, 1);
    assert.match(cycles[0].message, /c -> d -> c/);
  });

  it('reports expiresAt in the past at the metadata value', () => {
    const registry = new Registry(now);
    const text = flagdFile({
      a: boolFlag({ metadata: { expiresAt: '2026-10-01' } }),
      b: boolFlag({ metadata: { expiresAt: '2027-01-01' } }),
    });
    registry.setFile('flags/production.flagd.json', text);
    const expired = registry.findings().filter((finding) => finding.code === 'registry/expired');
    assert.equal(expired.length, 1);
    assert.deepEqual(expired[0].range.start, positionOf(text, '"2026-10-01"'));
  });

  it('keeps serving the last good state of a file that became broken', () => {
    const registry = new Registry(now);
    registry.setFile('flags/production.flagd.json', flagdFile({ a: boolFlag() }));
    registry.setFile('flags/production.flagd.json', '{"flags": {"a": ');
    assert.ok(registry.flag('a'), 'flag a is still served');
    assert.ok(registry.findings().some((finding) => finding.code === 'registry/invalid-json'));
    registry.setFile('flags/production.flagd.json', flagdFile({ b: boolFlag() }));
    assert.equal(registry.flag('a'), undefined);
    assert.ok(registry.flag('b'));
  });
});
