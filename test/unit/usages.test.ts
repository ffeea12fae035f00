import assert from 'node:assert/strict';
import { SDK_PRESETS, type WrapperConfig } from '../../shared/src/config';
import type { FlagUsage } from '../../shared/src/usage';
import { UsageIndex } from '../../server/src/core/usages/usageIndex';

/** Indexes in-memory files with every SDK preset. */
async function indexOf(files: Record<string, string[]>, wrappers: WrapperConfig[] = []): Promise<UsageIndex> {
  const index = new UsageIndex({ sdks: [...SDK_PRESETS], wrappers });
  await index.addFiles(Object.entries(files).map(([file, lines]) => ({ file, text: lines.join('\n') })));
  return index;
}

/**
 * One line per usage: `line:character flag resolution sdk.api expectedType default`, where the
 * position is the start of the key range and `-` stands for no default.
 */
function brief(usage: FlagUsage): string {
  const { line, character } = usage.keyRange.start;
  const resolution = usage.resolution === 'wrapper' ? `wrapper(${usage.keyResolution})` : usage.resolution;
  return `${line}:${character} ${usage.flag ?? '<dynamic>'} ${resolution} ${usage.sdk}.${usage.api} ${usage.expectedType} ${usage.defaultValue ?? '-'}`;
}

function briefs(index: UsageIndex, file: string): string[] {
  return index.usagesInFile(file).map(brief);
}

describe('usage index: SDK call shapes', () => {
  it('finds OpenFeature client methods and their Details forms with their types and defaults', async () => {
    const index = await indexOf({
      'src/server.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `const client = OpenFeature.getClient();`,
        `client.getBooleanValue('of-bool', false);`,
        `client.getStringValue('of-string', 'blue', { targetingKey: 'u-1' });`,
        `client.getNumberValue('of-number', 3);`,
        `client.getObjectValue('of-object', { a: 1 });`,
        `client.getBooleanDetails('of-bool-details', true);`,
        `client.getStringDetails('of-string-details', 'x');`,
        `client.getNumberDetails('of-number-details', -2);`,
        `client.getObjectDetails('of-object-details', []);`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/server.ts'), [
      `2:23 of-bool literal openfeature.getBooleanValue boolean false`,
      `3:22 of-string literal openfeature.getStringValue string 'blue'`,
      `4:22 of-number literal openfeature.getNumberValue number 3`,
      `5:22 of-object literal openfeature.getObjectValue object { a: 1 }`,
      `6:25 of-bool-details literal openfeature.getBooleanDetails boolean true`,
      `7:24 of-string-details literal openfeature.getStringDetails string 'x'`,
      `8:24 of-number-details literal openfeature.getNumberDetails number -2`,
      `9:24 of-object-details literal openfeature.getObjectDetails object []`,
    ]);
    const [bool, text, number] = index.usagesInFile('src/server.ts');
    assert.equal(bool.defaultLiteral, false);
    assert.equal(text.defaultLiteral, 'blue');
    assert.equal(number.defaultLiteral, 3);
    assert.equal(index.usagesInFile('src/server.ts')[6].defaultLiteral, -2);
    assert.equal(index.usagesInFile('src/server.ts')[3].defaultLiteral, undefined);
  });

  it('records the whole call as the range and the quoted literal as the key range', async () => {
    const index = await indexOf({
      'src/a.ts': [
        `import { OpenFeature } from '@openfeature/web-sdk';`,
        `const on = OpenFeature.getClient().getBooleanValue(`,
        `  'multi-line',`,
        `  false,`,
        `);`,
      ],
    });
    const [usage] = index.usagesInFile('src/a.ts');
    assert.deepEqual(usage.range, { start: { line: 1, character: 11 }, end: { line: 4, character: 1 } });
    assert.deepEqual(usage.keyRange, { start: { line: 2, character: 2 }, end: { line: 2, character: 14 } });
    assert.equal(usage.keyText, `'multi-line'`);
    assert.equal(usage.keyIsLiteral, true);
    assert.equal(usage.keyOrigin, undefined);
  });

  it('finds the OpenFeature React hooks imported from the React SDK', async () => {
    const index = await indexOf({
      'src/Page.tsx': [
        `import { useFlag, useBooleanFlagValue, useStringFlagValue, useNumberFlagValue, useObjectFlagValue, useBooleanFlagDetails, useSuspenseFlag } from '@openfeature/react-sdk';`,
        `export function Page() {`,
        `  const a = useFlag('r-flag', 'x');`,
        `  const b = useBooleanFlagValue('r-bool', false);`,
        `  const c = useStringFlagValue('r-string', '');`,
        `  const d = useNumberFlagValue('r-number', 0);`,
        `  const e = useObjectFlagValue('r-object', {});`,
        `  const f = useBooleanFlagDetails('r-details', true);`,
        `  const { value } = useSuspenseFlag('r-suspense', 1);`,
        `  const g = useFlag<boolean>('r-generic', someDefault);`,
        `  return <div>{String(a && b && c && d && e && f && g && value)}</div>;`,
        `}`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/Page.tsx'), [
      `2:20 r-flag literal openfeature.useFlag string 'x'`,
      `3:32 r-bool literal openfeature.useBooleanFlagValue boolean false`,
      `4:31 r-string literal openfeature.useStringFlagValue string ''`,
      `5:31 r-number literal openfeature.useNumberFlagValue number 0`,
      `6:31 r-object literal openfeature.useObjectFlagValue object {}`,
      `7:34 r-details literal openfeature.useBooleanFlagDetails boolean true`,
      `8:36 r-suspense literal openfeature.useSuspenseFlag number 1`,
      `9:29 r-generic literal openfeature.useFlag any someDefault`,
    ]);
  });

  it('finds LaunchDarkly server calls with the default as the third argument', async () => {
    const index = await indexOf({
      'src/ld.ts': [
        `import * as LaunchDarkly from '@launchdarkly/node-server-sdk';`,
        `const ldClient = LaunchDarkly.init('sdk-key');`,
        `const context = { kind: 'user', key: 'u-1' };`,
        `ldClient.variation('ld-any', context, false);`,
        `ldClient.variation('ld-untyped', context, fallback);`,
        `ldClient.variationDetail('ld-detail', context, 'x');`,
        `ldClient.boolVariation('ld-bool', context, true);`,
        `ldClient.stringVariation('ld-string', context, 'a');`,
        `ldClient.numberVariation('ld-number', context, 1);`,
        `ldClient.jsonVariation('ld-json', context, {});`,
        `ldClient.boolVariationDetail('ld-bool-detail', context, false);`,
        `ldClient.variation('ld-callback', context, 7, (err, value) => value);`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/ld.ts'), [
      `3:19 ld-any literal launchdarkly.variation boolean false`,
      `4:19 ld-untyped literal launchdarkly.variation any fallback`,
      `5:25 ld-detail literal launchdarkly.variationDetail string 'x'`,
      `6:23 ld-bool literal launchdarkly.boolVariation boolean true`,
      `7:25 ld-string literal launchdarkly.stringVariation string 'a'`,
      `8:25 ld-number literal launchdarkly.numberVariation number 1`,
      `9:23 ld-json literal launchdarkly.jsonVariation object {}`,
      `10:29 ld-bool-detail literal launchdarkly.boolVariationDetail boolean false`,
      `11:19 ld-callback literal launchdarkly.variation number 7`,
    ]);
  });

  it('reads the default of a two-argument LaunchDarkly client-side call from the second argument', async () => {
    const index = await indexOf({
      'src/browser.ts': [
        `import { initialize } from 'launchdarkly-js-client-sdk';`,
        `const client = initialize('env-id', { kind: 'user', key: 'u' });`,
        `client.variation('ld-client', 'fallback');`,
        `client.variation('ld-no-default');`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/browser.ts'), [
      `2:17 ld-client literal launchdarkly.variation string 'fallback'`,
      `3:17 ld-no-default literal launchdarkly.variation any -`,
    ]);
  });

  it('reads LaunchDarkly useFlags() by camelCased name, destructured or by property', async () => {
    const index = await indexOf({
      'src/Banner.tsx': [
        `import { useFlags } from 'launchdarkly-react-client-sdk';`,
        `export function Banner({ name }: { name: string }) {`,
        `  const { newCheckout, darkMode = false, 'beta-banner': betaBanner } = useFlags();`,
        `  const flags = useFlags();`,
        `  const a = flags.searchV2;`,
        `  const b = flags['promoCode'];`,
        `  const c = flags[name];`,
        `  return useFlags().footerLinks && newCheckout && darkMode && betaBanner && a && b && c;`,
        `}`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/Banner.tsx'), [
      `2:10 newCheckout destructured launchdarkly.useFlags any -`,
      `2:23 darkMode destructured launchdarkly.useFlags boolean false`,
      `2:41 beta-banner destructured launchdarkly.useFlags any -`,
      `4:18 searchV2 object-member launchdarkly.useFlags any -`,
      `5:18 promoCode object-member launchdarkly.useFlags any -`,
      `6:18 <dynamic> dynamic launchdarkly.useFlags any -`,
      `7:20 footerLinks object-member launchdarkly.useFlags any -`,
    ]);
    const usages = index.usagesInFile('src/Banner.tsx');
    assert.deepEqual(
      usages.map((usage) => [usage.flag, usage.camelCaseKey ?? false, usage.keyIsLiteral]),
      [
        ['newCheckout', true, false],
        ['darkMode', true, false],
        // A quoted key that camelCasing would change is the key itself.
        ['beta-banner', false, true],
        ['searchV2', true, false],
        ['promoCode', true, false],
        [null, false, false],
        ['footerLinks', true, false],
      ],
    );
    assert.deepEqual(usages[0].range, { start: { line: 2, character: 10 }, end: { line: 2, character: 21 } });
    assert.equal(usages[5].keyText, 'name');
    // The registry key `new-checkout` finds the camelCased read; an exact key does not need it.
    assert.deepEqual(
      index.usagesOf('new-checkout').map((usage) => usage.flag),
      ['newCheckout'],
    );
    assert.deepEqual(
      index.usagesOf('beta-banner').map((usage) => usage.flag),
      ['beta-banner'],
    );
  });

  it('finds Unleash client methods, module functions and React hooks', async () => {
    const index = await indexOf({
      'src/unleash.ts': [
        `import { initialize, isEnabled } from 'unleash-client';`,
        `const unleash = initialize({ url: 'http://unleash', appName: 'app' });`,
        `unleash.isEnabled('un-flag');`,
        `unleash.isEnabled('un-fallback', { userId: '1' }, true);`,
        `unleash.getVariant('un-variant');`,
        `isEnabled('un-global');`,
      ],
      'src/Toggle.tsx': [
        `import { useFlag, useVariant } from '@unleash/proxy-client-react';`,
        `const enabled = useFlag('un-react');`,
        `const variant = useVariant('un-react-variant');`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/unleash.ts'), [
      `2:18 un-flag literal unleash.isEnabled boolean -`,
      `3:18 un-fallback literal unleash.isEnabled boolean true`,
      `4:19 un-variant literal unleash.getVariant any -`,
      `5:10 un-global literal unleash.isEnabled boolean -`,
    ]);
    assert.deepEqual(briefs(index, 'src/Toggle.tsx'), [
      `1:24 un-react literal unleash.useFlag boolean -`,
      `2:27 un-react-variant literal unleash.useVariant any -`,
    ]);
  });

  it('finds GrowthBook methods and React hooks', async () => {
    const index = await indexOf({
      'src/gb.ts': [
        `import { GrowthBook } from '@growthbook/growthbook';`,
        `const gb = new GrowthBook({ apiHost: 'https://cdn', clientKey: 'key' });`,
        `gb.isOn('gb-on');`,
        `gb.isOff('gb-off');`,
        `gb.getFeatureValue('gb-value', 'blue');`,
        `gb.evalFeature('gb-eval');`,
      ],
      'src/Gb.tsx': [
        `import { useFeatureIsOn, useFeatureValue } from '@growthbook/growthbook-react';`,
        `const on = useFeatureIsOn('gb-react');`,
        `const size = useFeatureValue('gb-size', 10);`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/gb.ts'), [
      `2:8 gb-on literal growthbook.isOn boolean -`,
      `3:9 gb-off literal growthbook.isOff boolean -`,
      `4:19 gb-value literal growthbook.getFeatureValue string 'blue'`,
      `5:15 gb-eval literal growthbook.evalFeature any -`,
    ]);
    assert.deepEqual(briefs(index, 'src/Gb.tsx'), [
      `1:26 gb-react literal growthbook.useFeatureIsOn boolean -`,
      `2:29 gb-size literal growthbook.useFeatureValue number 10`,
    ]);
  });

  it('tells the two useFlag hooks apart by the package they are imported from', async () => {
    const index = await indexOf({
      'src/of.tsx': [`import { useFlag } from '@openfeature/react-sdk';`, `useFlag('same-name', 0);`],
      'src/un.tsx': [
        `import { useFlag as useUnleashFlag } from '@unleash/proxy-client-react';`,
        `useUnleashFlag('same-name');`,
      ],
      'src/local.tsx': [`function useFlag(key: string) { return key.length > 3; }`, `useFlag('not-a-flag');`],
    });
    assert.deepEqual(briefs(index, 'src/of.tsx'), [`1:8 same-name literal openfeature.useFlag number 0`]);
    assert.deepEqual(briefs(index, 'src/un.tsx'), [`1:15 same-name literal unleash.useFlag boolean -`]);
    assert.deepEqual(briefs(index, 'src/local.tsx'), []);
  });
});

describe('usage index: evidence for common method names', () => {
  it('ignores look-alike methods, calls in comments and API names inside strings', async () => {
    const index = await indexOf({
      'src/negative.ts': [
        `const someMap = new Map<string, boolean>();`,
        `someMap.isEnabled('x');`,
        `const settings = { isOn(name: string) { return name.length > 0; } };`,
        `settings.isOn('not-a-flag');`,
        `router.variation('not-launchdarkly', 1, 2);`,
        `feature.isOff('nope');`,
        `// client.getBooleanValue('commented-out', false);`,
        `/* gb.isOn('block-comment') */`,
        `const text = "getBooleanValue('fake')";`,
        "const tpl = `ldClient.variation('in-template', ctx, false)`;",
      ],
    });
    // The file was parsed (its API names pass the prefilter), and nothing in it is a usage.
    assert.equal(index.stats().parsedFiles, 1);
    assert.deepEqual(index.usages(), []);
  });

  it('accepts common method names on receivers named after the SDK, made by it, or typed with its client type', async () => {
    const index = await indexOf({
      'src/clients.ts': [
        `import { UnleashClient } from 'unleash-proxy-client';`,
        `export const featureClient = new UnleashClient({ url: 'u', clientKey: 'k', appName: 'a' });`,
      ],
      'src/types.ts': [`export type { LDClient as FlagClient } from '@launchdarkly/node-server-sdk';`],
      'src/app.ts': [
        `import { featureClient } from './clients';`,
        `import type { FlagClient } from './types';`,
        `unleash.isEnabled('by-name');`,
        `this.ldClient.variation('by-member-name', ctx, 1);`,
        `featureClient.isEnabled('by-imported-client');`,
        `export function check(client: FlagClient) {`,
        `  return client.variation('by-parameter-type', ctx, false);`,
        `}`,
        `export class Checkout {`,
        `  constructor(private readonly flags: FlagClient) {}`,
        `  run() { return this.flags.variation('by-injected-property', ctx, 'a'); }`,
        `}`,
        `export function other(client: Map<string, string>) { return client.variation('not-typed-as-client', ctx, 1); }`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/app.ts'), [
      `2:18 by-name literal unleash.isEnabled boolean -`,
      `3:24 by-member-name literal launchdarkly.variation number 1`,
      `4:24 by-imported-client literal unleash.isEnabled boolean -`,
      `6:26 by-parameter-type literal launchdarkly.variation boolean false`,
      `10:38 by-injected-property literal launchdarkly.variation string 'a'`,
    ]);
  });

  it('accepts common method names in a file that imports the SDK', async () => {
    const index = await indexOf({
      'src/gbFile.ts': [
        `import type { GrowthBook } from '@growthbook/growthbook';`,
        `export const check = (props: { sdk: unknown }) => props.sdk.isOn('file-evidence');`,
      ],
    });
    assert.deepEqual(briefs(index, 'src/gbFile.ts'), [
      `1:65 file-evidence literal growthbook.isOn boolean -`,
    ]);
  });

  it('only recognises the SDKs that are enabled', async () => {
    const index = new UsageIndex({ sdks: ['openfeature'], wrappers: [] });
    await index.addFiles([
      {
        file: 'src/a.ts',
        text: [
          `import { GrowthBook } from '@growthbook/growthbook';`,
          `const gb = new GrowthBook();`,
          `gb.getFeatureValue('gb', 1);`,
          `client.getBooleanValue('of', false);`,
        ].join('\n'),
      },
    ]);
    assert.deepEqual(index.usages().map(brief), [
      `3:23 of literal openfeature.getBooleanValue boolean false`,
    ]);
  });
});

describe('usage index: keys', () => {
  const keyFiles = {
    'src/keys.ts': [
      `export const IMPORTED = 'imported-const';`,
      `export const FLAGS = { X: 'imported-obj-x' } as const;`,
    ],
    'src/defaultKey.ts': [`const KEY = 'default-export';`, `export default KEY;`],
    'src/enums.ts': [`export enum Feature { Search = 'enum-search', Count = 3 }`],
    'src/app.ts': [
      `import { OpenFeature } from '@openfeature/web-sdk';`,
      `import { IMPORTED, FLAGS as RENAMED_FLAGS } from './keys';`,
      `import DEFAULT_KEY from './defaultKey';`,
      `import * as Keys from './keys';`,
      `import { Feature } from './enums';`,
      `const client = OpenFeature.getClient();`,
      `const LOCAL = 'local-const';`,
      `const LOCAL_FLAGS = { A: 'obj-a', nested: { B: 'obj-b' } };`,
      `const PLAIN_FLAGS = { C: 'obj-c' } as const;`,
      `const { D } = { D: 'destructured-d' };`,
      `const { A: aliasA } = LOCAL_FLAGS;`,
      `enum LocalEnum { On = 'enum-local' }`,
      `client.getBooleanValue('k-literal', false);`,
      'client.getBooleanValue(`k-template`, false);',
      `client.getBooleanValue(LOCAL, false);`,
      `client.getBooleanValue(IMPORTED, false);`,
      `client.getBooleanValue(DEFAULT_KEY, false);`,
      `client.getBooleanValue(Keys.IMPORTED, false);`,
      `client.getBooleanValue(RENAMED_FLAGS.X, false);`,
      `client.getBooleanValue(LOCAL_FLAGS.A, false);`,
      `client.getBooleanValue(LOCAL_FLAGS.nested.B, false);`,
      `client.getBooleanValue(PLAIN_FLAGS['C'], false);`,
      `client.getBooleanValue(D, false);`,
      `client.getBooleanValue(aliasA, false);`,
      `client.getBooleanValue(LocalEnum.On, false);`,
      `client.getBooleanValue(Feature.Search, false);`,
      `client.getBooleanValue(Keys.FLAGS.X, false);`,
      `client.getBooleanValue(LOCAL_FLAGS?.A!, false);`,
    ],
  };

  it('resolves every static key form and says how', async () => {
    const index = await indexOf(keyFiles);
    assert.deepEqual(
      index
        .usagesInFile('src/app.ts')
        .map(
          (usage) =>
            `${usage.keyRange.start.line}:${usage.keyRange.start.character} ${usage.flag} ${usage.resolution}`,
        ),
      [
        `12:23 k-literal literal`,
        `13:23 k-template template`,
        `14:23 local-const const`,
        `15:23 imported-const imported-const`,
        `16:23 default-export imported-const`,
        `17:23 imported-const imported-const`,
        `18:23 imported-obj-x object-member`,
        `19:23 obj-a object-member`,
        `20:23 obj-b object-member`,
        `21:23 obj-c object-member`,
        `22:23 destructured-d destructured`,
        `23:23 obj-a destructured`,
        `24:23 enum-local enum-member`,
        `25:23 enum-search enum-member`,
        `26:23 imported-obj-x object-member`,
        `27:23 obj-a object-member`,
      ],
    );
  });

  it('points keys written elsewhere at their string literal, and marks only call-site literals as renamable', async () => {
    const index = await indexOf(keyFiles);
    const usages = index.usagesInFile('src/app.ts');
    assert.deepEqual(
      usages.map((usage) => usage.keyIsLiteral),
      usages.map((_, index) => index < 2),
    );
    assert.equal(usages[0].keyOrigin, undefined);
    assert.deepEqual(usages[2].keyOrigin, {
      file: 'src/app.ts',
      range: { start: { line: 6, character: 14 }, end: { line: 6, character: 27 } },
    });
    assert.deepEqual(usages[3].keyOrigin, {
      file: 'src/keys.ts',
      range: { start: { line: 0, character: 24 }, end: { line: 0, character: 40 } },
    });
    assert.deepEqual(usages[4].keyOrigin, {
      file: 'src/defaultKey.ts',
      range: { start: { line: 0, character: 12 }, end: { line: 0, character: 28 } },
    });
    assert.deepEqual(usages[13].keyOrigin, {
      file: 'src/enums.ts',
      range: { start: { line: 0, character: 31 }, end: { line: 0, character: 44 } },
    });
    assert.equal(usages[3].keyText, 'IMPORTED');
  });

  it('parses the constants files that parsed files import, and no other file', async () => {
    const index = await indexOf({ ...keyFiles, 'src/unrelated.ts': [`export const NOT_A_FLAG_FILE = 'x';`] });
    assert.deepEqual(index.stats(), { files: 5, parsedFiles: 4, usages: 16, dynamic: 0, parses: 4 });
  });

  it('reports keys it cannot resolve as dynamic usages with their source text, never guessing', async () => {
    const index = await indexOf({
      'src/dynamic.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `const client = OpenFeature.getClient();`,
        `const KEY = 'outer';`,
        `const LOCAL_FLAGS = { A: 'a' };`,
        `let mutable = 'mutable';`,
        `client.getBooleanValue(someVar, false);`,
        'client.getBooleanValue(`prefix-${KEY}`, false);',
        `client.getBooleanValue(getKey(), false);`,
        `client.getBooleanValue(mutable, false);`,
        `client.getBooleanValue(LOCAL_FLAGS.MISSING, false);`,
        `client.getBooleanValue(cond ? 'a' : 'b', false);`,
        `['x', 'y'].forEach((key) => client.getBooleanValue(key, false));`,
        `function shadowed() {`,
        `  const KEY = computeKey();`,
        `  return client.getBooleanValue(KEY, false);`,
        `}`,
        `for (const each of ['p', 'q']) client.getBooleanValue(each, false);`,
      ],
    });
    assert.deepEqual(
      index
        .dynamicUsages()
        .map((usage) => [usage.keyRange.start.line, usage.keyText, usage.flag, usage.resolution]),
      [
        [5, 'someVar', null, 'dynamic'],
        [6, '`prefix-${KEY}`', null, 'dynamic'],
        [7, 'getKey()', null, 'dynamic'],
        [8, 'mutable', null, 'dynamic'],
        [9, 'LOCAL_FLAGS.MISSING', null, 'dynamic'],
        [10, `cond ? 'a' : 'b'`, null, 'dynamic'],
        [11, 'key', null, 'dynamic'],
        [14, 'KEY', null, 'dynamic'],
        [16, 'each', null, 'dynamic'],
      ],
    );
    assert.equal(index.usages().length, 9);
    assert.equal(index.dynamicUsages()[0].keyIsLiteral, false);
  });

  it('follows re-exports, export *, barrel index files and JavaScript extensions to the source', async () => {
    const index = await indexOf({
      'src/app.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `import { ONE, SIX, FOUR } from './barrel';`,
        `import { TWO } from './two.js';`,
        `import { THREE } from './three';`,
        `import { FIVE } from '../lib/five.mjs';`,
        `import { RENAMED } from './barrel/index';`,
        `const { SEVEN } = require('./seven');`,
        `import eight = require('./eight');`,
        `const client = OpenFeature.getClient();`,
        `client.getBooleanValue(ONE, false);`,
        `client.getBooleanValue(TWO, false);`,
        `client.getBooleanValue(THREE, false);`,
        `client.getBooleanValue(FOUR, false);`,
        `client.getBooleanValue(FIVE, false);`,
        `client.getBooleanValue(SIX, false);`,
        `client.getBooleanValue(SEVEN, false);`,
        `client.getBooleanValue(RENAMED, false);`,
        `client.getBooleanValue(eight.EIGHT, false);`,
      ],
      'src/barrel/index.ts': [
        `export { ONE } from './one';`,
        `export * from './more';`,
        `export const FOUR = 'four';`,
        `export { ONE as RENAMED } from './one';`,
      ],
      'src/barrel/one.ts': [`export const ONE = 'one';`],
      'src/barrel/more.ts': [`export * from './evenMore';`],
      'src/barrel/evenMore.ts': [`export const SIX = 'six';`],
      'src/two.ts': [`export const TWO = 'two';`],
      'src/three.tsx': [`export const THREE = 'three';`],
      'lib/five.mts': [`export const FIVE = 'five';`],
      'src/seven.cjs': [`module.exports = { SEVEN: 'seven' };`],
      'src/eight.js': [`exports.EIGHT = 'eight';`],
    });
    assert.deepEqual(
      index.usagesInFile('src/app.ts').map((usage) => `${usage.flag} ${usage.resolution}`),
      [
        'one imported-const',
        'two imported-const',
        'three imported-const',
        'four imported-const',
        'five imported-const',
        'six imported-const',
        'seven destructured',
        'one imported-const',
        'eight imported-const',
      ],
    );
  });
});

describe('usage index: wrappers', () => {
  it('treats configured wrapper functions and methods as flag APIs', async () => {
    const index = await indexOf(
      {
        'src/w.ts': [
          `import { isOn } from './flagService';`,
          `isOn('cfg-on');`,
          `flags.value(ctx, 'cfg-value', 42);`,
          `this.flags.value(ctx, 'cfg-this', 'x');`,
          `other.value(ctx, 'not-a-wrapper', 1);`,
          `isOn(someKey);`,
        ],
      },
      [
        { function: 'isOn', keyArg: 0, returns: 'boolean' },
        { function: 'flags.value', keyArg: 1, defaultArg: 2 },
      ],
    );
    assert.deepEqual(briefs(index, 'src/w.ts'), [
      `1:5 cfg-on wrapper(literal) custom.isOn boolean -`,
      `2:17 cfg-value wrapper(literal) custom.flags.value number 42`,
      `3:22 cfg-this wrapper(literal) custom.flags.value string 'x'`,
      `5:5 <dynamic> dynamic custom.isOn boolean -`,
    ]);
  });

  const wrapperFiles = {
    'src/flags/wrappers.ts': [
      `import { OpenFeature } from '@openfeature/server-sdk';`,
      `const client = OpenFeature.getClient();`,
      `export function isEnabled(flag: string) {`,
      `  return client.getBooleanValue(flag, false);`,
      `}`,
      `export const getVariant = (flag: string, fallback: string) => client.getStringValue(flag, fallback);`,
      `export class FlagService {`,
      `  async isOn(key: string) { return client.getBooleanValue(key, true); }`,
      `}`,
      `export const flagService = new FlagService();`,
      `export function useCheckout() { return isEnabled('wrapped-local'); }`,
      `export function isOnDeep(key: string) { return isEnabled(key); }`,
    ],
    'src/caller.ts': [
      `import { isEnabled, getVariant as variantOf, flagService, isOnDeep } from './flags/wrappers';`,
      `import * as W from './flags/wrappers';`,
      `isEnabled('wrapped-imported');`,
      `variantOf('wrapped-renamed', 'red');`,
      `flagService.isOn('wrapped-method');`,
      `W.isEnabled('wrapped-namespace');`,
      `isOnDeep('wrapped-deep');`,
      `isEnabled(dynamicKey);`,
    ],
    'src/reexport.ts': [`export { isEnabled as checkFlag } from './flags/wrappers';`],
    'src/caller2.ts': [`import { checkFlag } from './reexport';`, `checkFlag('wrapped-reexported');`],
  };

  it('detects functions, arrow functions and methods that forward their parameter as a key', async () => {
    const index = await indexOf(wrapperFiles);
    assert.deepEqual(
      index
        .detectedWrappers()
        .map(
          (wrapper) =>
            `${wrapper.file} ${wrapper.name}(${wrapper.keyArg}${wrapper.defaultArg === undefined ? '' : `, ${wrapper.defaultArg}`}) -> ${wrapper.sdk}.${wrapper.api}`,
        ),
      [
        'src/flags/wrappers.ts isEnabled(0) -> openfeature.getBooleanValue',
        'src/flags/wrappers.ts getVariant(0, 1) -> openfeature.getStringValue',
        'src/flags/wrappers.ts isOn(0) -> openfeature.getBooleanValue',
        'src/flags/wrappers.ts isOnDeep(0) -> openfeature.isEnabled',
      ],
    );
    // The forwarding calls inside the wrappers are not dynamic usages.
    assert.deepEqual(briefs(index, 'src/flags/wrappers.ts'), [
      `10:49 wrapped-local wrapper(literal) openfeature.isEnabled boolean false`,
    ]);
  });

  it('reports wrapper call sites in importing files, by name, namespace, method and re-export', async () => {
    const index = await indexOf(wrapperFiles);
    assert.deepEqual(briefs(index, 'src/caller.ts'), [
      `2:10 wrapped-imported wrapper(literal) openfeature.isEnabled boolean false`,
      `3:10 wrapped-renamed wrapper(literal) openfeature.getVariant string 'red'`,
      `4:17 wrapped-method wrapper(literal) openfeature.isOn boolean true`,
      `5:12 wrapped-namespace wrapper(literal) openfeature.isEnabled boolean false`,
      `6:9 wrapped-deep wrapper(literal) openfeature.isOnDeep boolean false`,
      `7:10 <dynamic> dynamic openfeature.isEnabled boolean false`,
    ]);
    // caller2.ts has no SDK name in it: it was found by the name the wrapper is re-exported under.
    assert.deepEqual(briefs(index, 'src/caller2.ts'), [
      `1:10 wrapped-reexported wrapper(literal) openfeature.isEnabled boolean false`,
    ]);
  });

  it('resolves the key at the wrapper call site through constants', async () => {
    const index = await indexOf({
      ...wrapperFiles,
      'src/keys.ts': [`export const Flags = { Checkout: 'wrapped-const' } as const;`],
      'src/caller.ts': [
        `import { isEnabled } from './flags/wrappers';`,
        `import { Flags } from './keys';`,
        `isEnabled(Flags.Checkout);`,
      ],
    });
    const [usage] = index.usagesInFile('src/caller.ts');
    assert.equal(usage.flag, 'wrapped-const');
    assert.equal(usage.resolution, 'wrapper');
    assert.equal(usage.keyResolution, 'object-member');
    assert.deepEqual(usage.keyOrigin?.file, 'src/keys.ts');
  });

  it('does not make an anonymous callback a wrapper', async () => {
    const index = await indexOf({
      'src/a.ts': [
        `import { useFlag } from '@openfeature/react-sdk';`,
        `export const results = ['a', 'b'].map((key) => useFlag(key, false));`,
      ],
    });
    assert.deepEqual(index.detectedWrappers(), []);
    assert.deepEqual(briefs(index, 'src/a.ts'), [`1:55 <dynamic> dynamic openfeature.useFlag boolean false`]);
  });
});

describe('usage index: prefilter', () => {
  it('passes texts that call a flag API or import an SDK, and later the names of detected wrappers', async () => {
    const index = new UsageIndex({
      sdks: [...SDK_PRESETS],
      wrappers: [{ function: 'flags.check', keyArg: 0 }],
    });
    assert.equal(index.mightContainUsages(`client.getBooleanValue('x', false)`), true);
    assert.equal(index.mightContainUsages(`const v = useFlag<boolean>('x', false)`), true);
    assert.equal(index.mightContainUsages(`import * as ld from 'launchdarkly-node-server-sdk';`), true);
    assert.equal(index.mightContainUsages(`flags.check('x')`), true);
    assert.equal(index.mightContainUsages(`export const isFeatureOn = (k) => k;`), false);
    assert.equal(index.mightContainUsages(`isFeatureOn('x')`), false);
    index.updateFile(
      'src/w.ts',
      `import { useFlag } from '@openfeature/react-sdk';\nexport const isFeatureOn = (k: string) => useFlag(k, false);`,
    );
    assert.equal(index.mightContainUsages(`isFeatureOn('x')`), true);
  });
});

describe("SDK-specific method names on this project's own objects", () => {
  it('does not count a method of a local class that happens to share an SDK name', async () => {
    const index = new UsageIndex({
      sdks: ['openfeature', 'launchdarkly', 'unleash', 'growthbook'],
      wrappers: [],
    });
    await index.addFiles([
      {
        file: 'src/prefs.ts',
        text: [
          'class Preferences { getBooleanValue(name: string, fallback: boolean): boolean { return fallback; } }',
          'const prefs = new Preferences();',
          "export const compact = prefs.getBooleanValue('compact-rows', false);",
          'export const settings = { getStringValue: (name: string) => name };',
          "export const theme = settings.getStringValue('theme');",
          'declare const client: { getBooleanValue(k: string, d: boolean): boolean };',
          "export const real = client.getBooleanValue('new-checkout', false);",
        ].join('\n'),
      },
    ]);
    assert.deepEqual(
      index.usages().map((usage) => usage.flag),
      ['new-checkout'],
    );
  });
});
