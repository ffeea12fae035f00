import assert from 'node:assert/strict';
import { SDK_PRESETS } from '../../shared/src/config';
import { camelCaseFlagKey } from '../../server/src/core/usages/camelCase';
import { candidatePaths, resolveRelativeModule } from '../../server/src/core/usages/moduleResolution';
import { UsageIndex } from '../../server/src/core/usages/usageIndex';

async function indexOf(files: Record<string, string[]>): Promise<UsageIndex> {
  const index = new UsageIndex({ sdks: [...SDK_PRESETS], wrappers: [] });
  await index.addFiles(Object.entries(files).map(([file, lines]) => ({ file, text: lines.join('\n') })));
  return index;
}

describe('LaunchDarkly key camelCasing', () => {
  it('gives what lodash.camelcase 4.3.0 gives (outputs recorded from that package)', () => {
    const recorded: Record<string, string> = {
      'new-checkout': 'newCheckout',
      my_flag: 'myFlag',
      FLAG_ONE: 'flagOne',
      XMLHttpRequest: 'xmlHttpRequest',
      'v2-api': 'v2Api',
      flag2fa: 'flag2Fa',
      'dev.test.flag': 'devTestFlag',
      ABCdef: 'abCdef',
      'step-1st-try': 'step1StTry',
      newCheckout: 'newCheckout',
      a1b: 'a1B',
      'Foo Bar': 'fooBar',
      FOO: 'foo',
      'checkout__v2--beta': 'checkoutV2Beta',
      'enable-SSO-login': 'enableSsoLogin',
      'feature.x_y-z': 'featureXYZ',
      '10x-speed': '10XSpeed',
      "don't-do": 'dontDo',
    };
    assert.deepEqual(
      Object.fromEntries(Object.keys(recorded).map((key) => [key, camelCaseFlagKey(key)])),
      recorded,
    );
  });

  it('drops accents as lodash deburrs them', () => {
    assert.equal(camelCaseFlagKey('café-menu'), 'cafeMenu');
  });
});

describe('module resolution between workspace files', () => {
  it('tries TypeScript sources before JavaScript, then the folder index', () => {
    assert.deepEqual(candidatePaths('src/app.ts', './flags'), [
      'src/flags.ts',
      'src/flags.tsx',
      'src/flags.mts',
      'src/flags.cts',
      'src/flags.js',
      'src/flags.jsx',
      'src/flags.mjs',
      'src/flags.cjs',
      'src/flags/index.ts',
      'src/flags/index.tsx',
      'src/flags/index.mts',
      'src/flags/index.cts',
      'src/flags/index.js',
      'src/flags/index.jsx',
      'src/flags/index.mjs',
      'src/flags/index.cjs',
    ]);
  });

  it('maps written JavaScript extensions to their TypeScript sources', () => {
    const exists = (files: string[]) => (file: string) => files.includes(file);
    assert.equal(resolveRelativeModule('src/a.ts', './b.js', exists(['src/b.ts'])).file, 'src/b.ts');
    assert.equal(resolveRelativeModule('src/a.ts', './b.js', exists(['src/b.js'])).file, 'src/b.js');
    assert.equal(resolveRelativeModule('src/a.ts', './b.jsx', exists(['src/b.tsx'])).file, 'src/b.tsx');
    assert.equal(resolveRelativeModule('src/a.ts', './b.mjs', exists(['src/b.mts'])).file, 'src/b.mts');
    assert.equal(resolveRelativeModule('src/a.ts', './b.cjs', exists(['src/b.cts'])).file, 'src/b.cts');
    assert.equal(
      resolveRelativeModule('src/deep/a.ts', '../b', exists(['src/b/index.tsx'])).file,
      'src/b/index.tsx',
    );
    assert.equal(resolveRelativeModule('src/a.ts', '.', exists(['src/index.ts'])).file, 'src/index.ts');
    assert.equal(resolveRelativeModule('a.ts', '../outside', exists(['outside.ts'])).file, undefined);
  });

  it('lists the paths probed before the answer, which a new file there would change', () => {
    const result = resolveRelativeModule('src/a.ts', './b', (file) => file === 'src/b.js');
    assert.deepEqual(result, {
      file: 'src/b.js',
      probed: ['src/b.ts', 'src/b.tsx', 'src/b.mts', 'src/b.cts'],
    });
  });
});

describe('usage index: more shapes', () => {
  it('follows CommonJS requires of SDKs and of constants', async () => {
    const index = await indexOf({
      'src/server.js': [
        `const LaunchDarkly = require('launchdarkly-node-server-sdk');`,
        `const { FLAGS } = require('./flags');`,
        `const client = LaunchDarkly.init(process.env.LD_KEY);`,
        `client.variation(FLAGS.search, { key: 'u' }, false);`,
      ],
      'src/flags.js': [`module.exports.FLAGS = { search: 'cjs-search' };`],
    });
    assert.deepEqual(
      index.usages().map((usage) => [usage.flag, usage.resolution, usage.sdk, usage.expectedType]),
      [['cjs-search', 'object-member', 'launchdarkly', 'boolean']],
    );
  });

  it('finds SDK hooks re-exported by a local module, by name or with export *', async () => {
    const index = await indexOf({
      'src/flags/index.ts': [
        `export { useFlag as useFeature } from '@openfeature/react-sdk';`,
        `export * from '@growthbook/growthbook-react';`,
      ],
      'src/App.tsx': [
        `import { useFeature, useFeatureIsOn } from './flags';`,
        `export const App = () => useFeature('through-barrel', true) && useFeatureIsOn('through-star');`,
      ],
    });
    assert.deepEqual(
      index
        .usagesInFile('src/App.tsx')
        .map((usage) => [usage.flag, usage.sdk, usage.api, usage.expectedType]),
      [
        ['through-barrel', 'openfeature', 'useFlag', 'boolean'],
        ['through-star', 'growthbook', 'useFeatureIsOn', 'boolean'],
      ],
    );
  });

  it('finds namespace-imported hooks and SDK module functions', async () => {
    const index = await indexOf({
      'src/a.tsx': [
        `import * as OF from '@openfeature/react-sdk';`,
        `import * as Unleash from 'unleash-client';`,
        `OF.useFlag('ns-hook', 'x');`,
        `Unleash.isEnabled('ns-function');`,
      ],
    });
    assert.deepEqual(
      index.usages().map((usage) => [usage.flag, usage.sdk, usage.api]),
      [
        ['ns-hook', 'openfeature', 'useFlag'],
        ['ns-function', 'unleash', 'isEnabled'],
      ],
    );
  });

  it('prefers a wrapper method over a same-named SDK method, and rejects receivers known not to be clients', async () => {
    const index = await indexOf({
      'src/service.ts': [
        `import { GrowthBook } from '@growthbook/growthbook';`,
        `const gb = new GrowthBook();`,
        `class Features {`,
        `  isOn(name: string) { return gb.isOn(name); }`,
        `  banner() { return this.isOn('via-this'); }`,
        `}`,
        `class Cache { isOn(name: string) { return name === 'x'; } }`,
        `const cache = new Cache();`,
        `cache.isOn('not-a-flag');`,
        `const settings = { isOff: (name: string) => name === '' };`,
        `settings.isOff('not-a-flag-either');`,
      ],
    });
    assert.deepEqual(
      index.usages().map((usage) => [usage.flag, usage.api, usage.resolution]),
      [['via-this', 'isOn', 'wrapper']],
    );
  });

  it('names an anonymous default-exported wrapper after the name it is imported under', async () => {
    const index = await indexOf({
      'src/check.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `export default (key: string) => OpenFeature.getClient().getNumberValue(key, 0);`,
      ],
      // No SDK or wrapper name in this file: the prefilter finds it by the module path it imports.
      'src/use.ts': [`import checkFlag from './check';`, `checkFlag('anonymous-default');`],
    });
    assert.deepEqual(
      index
        .usagesInFile('src/use.ts')
        .map((usage) => [usage.flag, usage.api, usage.expectedType, usage.defaultValue]),
      [['anonymous-default', 'checkFlag', 'number', '0']],
    );
  });

  it('unwraps as const, satisfies, parentheses and non-null assertions around keys', async () => {
    const index = await indexOf({
      'src/a.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `const FLAGS = { A: 'wrapped-a' } satisfies Record<string, string>;`,
        `const client = OpenFeature.getClient();`,
        `client.getBooleanValue(('paren') as const, false);`,
        `client.getBooleanValue(FLAGS.A!, false);`,
        `client.getBooleanValue(<string>'asserted', false);`,
      ],
    });
    assert.deepEqual(
      index.usages().map((usage) => [usage.flag, usage.resolution, usage.keyIsLiteral]),
      [
        ['paren', 'literal', true],
        ['wrapped-a', 'object-member', false],
        ['asserted', 'literal', true],
      ],
    );
  });

  it('merges spread flag objects, later entries winning, and stops at spreads it cannot see into', async () => {
    const index = await indexOf({
      'src/flags.ts': [
        `export const CHECKOUT = { PAY: 'pay-v1' };`,
        `export const ALL = { ...CHECKOUT, SEARCH: 'search' , PAY: 'pay-v2' };`,
        `export const OPEN = { KNOWN: 'known', ...unknownObject };`,
      ],
      'src/a.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `import { ALL, OPEN } from './flags';`,
        `const client = OpenFeature.getClient();`,
        `client.getBooleanValue(ALL.PAY, false);`,
        `client.getBooleanValue(ALL.SEARCH, false);`,
        `client.getBooleanValue(OPEN.KNOWN, false);`,
      ],
    });
    assert.deepEqual(
      index.usages().map((usage) => usage.flag),
      ['pay-v2', 'search', null],
    );
  });
});
