import assert from 'node:assert/strict';
import { SDK_PRESETS, type SdkPreset } from '../../shared/src/config';
import type { FlagUsage } from '../../shared/src/usage';
import { UsageIndex } from '../../server/src/core/usages/usageIndex';

// The SDK presets added for PostHog, Statsig, Flagsmith, ConfigCat, DevCycle and Split, each with
// the server, browser and React forms their vendors document.

async function indexOf(
  files: Record<string, string[]>,
  sdks: readonly SdkPreset[] = SDK_PRESETS,
): Promise<UsageIndex> {
  const index = new UsageIndex({ sdks: [...sdks], wrappers: [] });
  await index.addFiles(Object.entries(files).map(([file, lines]) => ({ file, text: lines.join('\n') })));
  return index;
}

/** `line:character flag resolution sdk.api expectedType default`, the position being the key's. */
function brief(usage: FlagUsage): string {
  const { line, character } = usage.keyRange.start;
  return `${line}:${character} ${usage.flag ?? '<dynamic>'} ${usage.resolution} ${usage.sdk}.${usage.api} ${usage.expectedType} ${usage.defaultValue ?? '-'}`;
}

async function briefsOf(lines: string[], file = 'src/app.ts'): Promise<string[]> {
  const index = await indexOf({ [file]: lines });
  return index.usagesInFile(file).map(brief);
}

describe('usage index: PostHog, Statsig, Flagsmith, ConfigCat, DevCycle and Split presets', () => {
  it('PostHog: the browser instance, the Node client (key before the distinct id) and the React hooks', async () => {
    assert.deepEqual(
      await briefsOf([
        `import posthog from 'posthog-js';`,
        `posthog.isFeatureEnabled('ph-enabled');`,
        `posthog.getFeatureFlag('ph-variant');`,
        `posthog.getFeatureFlagPayload('ph-payload');`,
      ]),
      [
        `1:25 ph-enabled literal posthog.isFeatureEnabled boolean -`,
        `2:23 ph-variant literal posthog.getFeatureFlag any -`,
        `3:30 ph-payload literal posthog.getFeatureFlagPayload any -`,
      ],
    );
    assert.deepEqual(
      await briefsOf([
        `import { PostHog } from 'posthog-node';`,
        `const client = new PostHog('phc_key');`,
        `export async function run(id: string) {`,
        `  await client.isFeatureEnabled('ph-node', id);`,
        `  return client.getFeatureFlag('ph-node-variant', id, { groups: {} });`,
        `}`,
      ]),
      [
        `3:32 ph-node literal posthog.isFeatureEnabled boolean -`,
        `4:31 ph-node-variant literal posthog.getFeatureFlag any -`,
      ],
    );
    assert.deepEqual(
      await briefsOf(
        [
          `import { useFeatureFlagEnabled, useFeatureFlagVariantKey, useFeatureFlagPayload } from 'posthog-js/react';`,
          `export function Banner() {`,
          `  const on = useFeatureFlagEnabled('ph-react');`,
          `  const variant = useFeatureFlagVariantKey('ph-react-variant');`,
          `  const payload = useFeatureFlagPayload('ph-react-payload');`,
          `  return on ? String(variant) + JSON.stringify(payload) : null;`,
          `}`,
        ],
        'src/Banner.tsx',
      ),
      [
        `2:35 ph-react literal posthog.useFeatureFlagEnabled boolean -`,
        `3:43 ph-react-variant literal posthog.useFeatureFlagVariantKey any -`,
        `4:40 ph-react-payload literal posthog.useFeatureFlagPayload any -`,
      ],
    );
  });

  it('Statsig: server calls take the user first, client calls the name first, and the React hooks', async () => {
    assert.deepEqual(
      await briefsOf([
        `import Statsig from 'statsig-node';`,
        `export async function run(user: { userID: string }) {`,
        `  await Statsig.checkGate(user, 'st-gate');`,
        `  const config = await Statsig.getConfig(user, 'st-config');`,
        `  return [config, await Statsig.getExperiment(user, 'st-exp')];`,
        `}`,
      ]),
      [
        `2:32 st-gate literal statsig.checkGate boolean -`,
        `3:47 st-config literal statsig.getConfig object -`,
        `4:52 st-exp literal statsig.getExperiment object -`,
      ],
    );
    assert.deepEqual(
      await briefsOf([
        `import { StatsigClient } from '@statsig/js-client';`,
        `const client = new StatsigClient('client-key', { userID: 'u-1' });`,
        `client.checkGate('st-client-gate');`,
        `client.getFeatureGate('st-feature-gate').value;`,
        `client.getDynamicConfig('st-dynamic');`,
        `client.getExperiment('st-client-exp');`,
        `client.checkGate('st-quiet', { disableExposureLog: true });`,
        `client.getLayer('st-layer');`,
      ]),
      [
        `2:17 st-client-gate literal statsig.checkGate boolean -`,
        `3:22 st-feature-gate literal statsig.getFeatureGate boolean -`,
        `4:24 st-dynamic literal statsig.getDynamicConfig object -`,
        `5:21 st-client-exp literal statsig.getExperiment object -`,
        `6:17 st-quiet literal statsig.checkGate boolean -`,
        `7:16 st-layer literal statsig.getLayer object -`,
      ],
    );
    assert.deepEqual(
      await briefsOf(
        [
          `import { useGateValue, useFeatureGate, useExperiment } from '@statsig/react-bindings';`,
          `export function Page() {`,
          `  const on = useGateValue('st-r-gate');`,
          `  const gate = useFeatureGate('st-r-feature');`,
          `  const experiment = useExperiment('st-r-exp');`,
          `  return on && gate.value ? experiment.get('title', 'x') : null;`,
          `}`,
        ],
        'src/Page.tsx',
      ),
      [
        `2:26 st-r-gate literal statsig.useGateValue boolean -`,
        `3:30 st-r-feature literal statsig.useFeatureGate boolean -`,
        `4:35 st-r-exp literal statsig.useExperiment object -`,
      ],
    );
  });

  it('Flagsmith: the browser instance and the Node Flags object; a shared method name goes to the imported SDK', async () => {
    assert.deepEqual(
      await briefsOf([
        `import flagsmith from 'flagsmith';`,
        `flagsmith.hasFeature('fs-has');`,
        `flagsmith.getValue('fs-value', { fallback: 12 });`,
      ]),
      [
        `1:21 fs-has literal flagsmith.hasFeature boolean -`,
        `2:19 fs-value literal flagsmith.getValue any -`,
      ],
    );
    const index = await indexOf({
      'src/server.ts': [
        `import Flagsmith from 'flagsmith-nodejs';`,
        `const flagsmith = new Flagsmith({ environmentKey: 'key' });`,
        `export async function run() {`,
        `  const flags = await flagsmith.getEnvironmentFlags();`,
        `  return [flags.isFeatureEnabled('fs-node-enabled'), flags.getFeatureValue('fs-node-value')];`,
        `}`,
      ],
      'src/growth.ts': [
        `import { GrowthBook } from '@growthbook/growthbook';`,
        `const gb = new GrowthBook({});`,
        `gb.getFeatureValue('gb-value', 'blue');`,
      ],
    });
    assert.deepEqual(index.usagesInFile('src/server.ts').map(brief), [
      `4:33 fs-node-enabled literal flagsmith.isFeatureEnabled boolean -`,
      `4:75 fs-node-value literal flagsmith.getFeatureValue any -`,
    ]);
    assert.deepEqual(index.usagesInFile('src/growth.ts').map(brief), [
      `2:19 gb-value literal growthbook.getFeatureValue string 'blue'`,
    ]);
  });

  it('ConfigCat: getValueAsync and its details form typed by the default, and the React hook', async () => {
    assert.deepEqual(
      await briefsOf([
        `import * as configcat from 'configcat-node';`,
        `const client = configcat.getClient('sdk-key');`,
        `export async function run(user: configcat.User) {`,
        `  await client.getValueAsync('cc-flag', false);`,
        `  await client.getValueAsync('cc-text', 'x', user);`,
        `  return client.getValueDetailsAsync('cc-details', 0);`,
        `}`,
      ]),
      [
        `3:29 cc-flag literal configcat.getValueAsync boolean false`,
        `4:29 cc-text literal configcat.getValueAsync string 'x'`,
        `5:37 cc-details literal configcat.getValueDetailsAsync number 0`,
      ],
    );
    assert.deepEqual(
      await briefsOf(
        [
          `import { useFeatureFlag } from 'configcat-react';`,
          `export function Nav() {`,
          `  const { value: on, loading } = useFeatureFlag('cc-react', false);`,
          `  return loading || !on ? null : 'new';`,
          `}`,
        ],
        'src/Nav.tsx',
      ),
      [`2:48 cc-react literal configcat.useFeatureFlag boolean false`],
    );
  });

  it('DevCycle: client (key, default), server (user, key, default), the variable object and the React hooks', async () => {
    assert.deepEqual(
      await briefsOf([
        `import { initializeDevCycle } from '@devcycle/js-client-sdk';`,
        `const client = initializeDevCycle('client-key', { user_id: 'u-1' });`,
        `client.variableValue('dvc-value', false);`,
        `client.variable('dvc-variable', 'x').value;`,
      ]),
      [
        `2:21 dvc-value literal devcycle.variableValue boolean false`,
        `3:16 dvc-variable literal devcycle.variable string 'x'`,
      ],
    );
    assert.deepEqual(
      await briefsOf([
        `import { initializeDevCycle } from '@devcycle/nodejs-server-sdk';`,
        `const devcycleClient = initializeDevCycle('server-key');`,
        `export function run(user: { user_id: string }) {`,
        `  return devcycleClient.variableValue(user, 'dvc-node', 10);`,
        `}`,
      ]),
      [`3:44 dvc-node literal devcycle.variableValue number 10`],
    );
    assert.deepEqual(
      await briefsOf(
        [
          `import { useVariableValue, useVariable } from '@devcycle/react-client-sdk';`,
          `export function Nav() {`,
          `  const on = useVariableValue('dvc-react', false);`,
          `  const title = useVariable('dvc-react-title', 'Home');`,
          `  return on ? title.value : null;`,
          `}`,
        ],
        'src/Nav.tsx',
      ),
      [
        `2:30 dvc-react literal devcycle.useVariableValue boolean false`,
        `3:28 dvc-react-title literal devcycle.useVariable string 'Home'`,
      ],
    );
  });

  it('Split: the split name after the key in Node, first in the browser, and getTreatmentWithConfig', async () => {
    assert.deepEqual(
      await briefsOf([
        `import { SplitFactory } from '@splitsoftware/splitio';`,
        `const factory = SplitFactory({ core: { authorizationKey: 'key' } });`,
        `const client = factory.client();`,
        `const attributes = { plan: 'pro' };`,
        `client.getTreatment('user-1', 'split-node');`,
        `client.getTreatment('split-browser', { plan: 'pro' });`,
        `client.getTreatment('split-solo');`,
        `client.getTreatmentWithConfig('user-1', 'split-config', attributes);`,
      ]),
      [
        `4:30 split-node literal split.getTreatment string -`,
        `5:20 split-browser literal split.getTreatment string -`,
        `6:20 split-solo literal split.getTreatment string -`,
        `7:40 split-config literal split.getTreatmentWithConfig string -`,
      ],
    );
  });

  it('common names (getConfig, getValue, variable, getExperiment) count only with evidence of their SDK', async () => {
    assert.deepEqual(
      await briefsOf([
        `const settings = { getConfig(name: string) { return name; } };`,
        `declare const store: { getValue(key: string, fallback: number): number; variable(name: string, x: string): string };`,
        `settings.getConfig('not-a-flag');`,
        `store.getValue('not-a-flag-either', 1);`,
        `store.variable('nor-this', 'x');`,
        `declare const lab: { getExperiment(name: string): unknown };`,
        `lab.getExperiment('no-sdk-imported');`,
      ]),
      [],
    );
  });

  it('a disabled preset finds nothing of its SDK', async () => {
    const index = await indexOf(
      { 'src/app.ts': [`import posthog from 'posthog-js';`, `posthog.isFeatureEnabled('ph-enabled');`] },
      ['openfeature'],
    );
    assert.deepEqual(index.usagesInFile('src/app.ts'), []);
  });
});
