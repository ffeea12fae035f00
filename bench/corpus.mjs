/**
 * Generates the benchmark corpus: a deterministic (seeded) TypeScript/TSX code base of N code
 * files laid out like a large single application (`src/features/<feature>/...` around a shared
 * `src/flags/` module), its flagd registry files, and the ground truth of every flag usage in it.
 *
 * The ground truth is written by the generator as it emits each usage, from what the code means,
 * never from what the index reports: `{ file, line, flag }` where `line` (1-based) is the line the
 * call (or the destructured element, or the property read) starts on, and `flag` is the key the
 * code reads (LaunchDarkly's camelCased name for `useFlags()` reads, with `registryKey` beside it),
 * or null for a key that cannot be known before run time.
 *
 * Around 3.5% of files read flags, through every supported key form and SDK; the rest is ordinary
 * code, and about 1% of files hold decoys that are not usages (comments and strings mentioning
 * SDK calls, look-alike methods on unrelated objects, a look-alike hook, test mocks). Files that
 * must not be indexed at all (node_modules, build output, a .gitignored folder, a declaration file,
 * a file over the size limit) are there too, each with flag calls in it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ADJECTIVES,
  NOUNS,
  cap,
  chunkCount,
  fileVocabulary,
  fillerChunk,
  fillerImports,
  functionChunk,
  statements,
} from './filler.mjs';
import { Random } from './random.mjs';

/** Bump when the generated output changes, so cached corpora are regenerated. */
export const GENERATOR_VERSION = 4;

/** Share of ordinary files that read flags, and that hold decoys. */
const USAGE_FILE_RATE = 0.045;
const DECOY_FILE_RATE = 0.012;
/**
 * Names teams give their own in-file flag helpers: a few, reused, some common and some rare, as in
 * real code bases (a rare name is first seen deep into the walk).
 */
const LOCAL_WRAPPER_NAMES = [
  ['isFlagOn', 40],
  ['checkFlag', 30],
  ['featureOn', 20],
  ['flagEnabled', 8],
  ['readFlag', 2],
];
const FLAG_WORDS = [
  'new-flow',
  'redesign',
  'v2',
  'beta',
  'fast-path',
  'rollout',
  'experiment',
  'kill-switch',
  'limit',
  'copy',
  'layout',
  'ranking',
  'cache',
  'sync',
  'preview',
  'batching',
  'retry',
  'dark-launch',
  'sidebar',
  'onboarding',
  'recommendations',
  'export',
  'bulk-edit',
  'inline-edit',
  'smart-defaults',
  'audit-log',
  'webhooks',
  'sso',
];
const TEAMS = ['team-checkout', 'team-growth', 'team-platform', 'team-search', 'team-billing', 'team-mobile'];
const LIFECYCLE = [
  ['release', 60],
  ['experiment', 15],
  ['operational', 10],
  ['kill-switch', 10],
  ['permission', 5],
];

// ---------------------------------------------------------------------------------------------
// Names

const upperSnake = (key) =>
  key
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^(\d)/, 'F_$1');
const pascal = (key) =>
  key
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map(cap)
    .join('')
    .replace(/^(\d)/, 'F$1');

/**
 * LaunchDarkly's camelCasing (lodash `camelCase`) for keys made of lower-case letters, digits
 * and hyphens: letter runs and digit runs are separate words. Written from lodash's documented
 * behaviour (`v2-api` -> `v2Api`, `flag2fa` -> `flag2Fa`), independently of the index's copy.
 */
export function launchDarklyCamelCase(key) {
  const words = key.match(/[a-z]+|[0-9]+/g) ?? [];
  return words.map((word, i) => (i === 0 ? word : cap(word))).join('');
}

const RESERVED = new Set([
  'delete',
  'export',
  'import',
  'new',
  'default',
  'return',
  'switch',
  'case',
  'class',
  'function',
]);

// ---------------------------------------------------------------------------------------------
// The registry

function makeFlags(rng, count) {
  const keys = new Set(['enable-2fa', 'checkout-3ds-v2']);
  while (keys.size < count) {
    const noun = rng.pick(NOUNS);
    const word = rng.pick(FLAG_WORDS);
    let key = rng.chance(0.3) ? `${noun}-${rng.pick(ADJECTIVES)}-${word}` : `${noun}-${word}`;
    if (keys.has(key)) key = `${key}-${rng.between(2, 9)}`;
    keys.add(key);
  }
  return [...keys].map((key, index) => {
    const type =
      index < 2
        ? 'boolean'
        : rng.weighted([
            ['boolean', 60],
            ['string', 20],
            ['number', 10],
            ['object', 10],
          ]);
    return {
      key,
      type,
      lifecycle: rng.weighted(LIFECYCLE),
      owner: rng.pick(TEAMS),
      disabled: rng.chance(0.08),
      devOnly: rng.chance(0.03),
    };
  });
}

function variantsOf(flag) {
  switch (flag.type) {
    case 'boolean':
      return { variants: { on: true, off: false }, defaultVariant: 'off' };
    case 'string':
      return {
        variants: { control: 'control', treatment: 'treatment', holdout: 'holdout' },
        defaultVariant: 'control',
      };
    case 'number':
      return { variants: { low: 10, medium: 25, high: 50 }, defaultVariant: 'medium' };
    default:
      return {
        variants: { standard: { columns: 3, dense: false }, compact: { columns: 5, dense: true } },
        defaultVariant: 'standard',
      };
  }
}

function registryFile(rng, flags, environment, date) {
  const entries = {};
  for (const flag of flags) {
    if (environment === 'production' && flag.devOnly) continue;
    const { variants, defaultVariant } = variantsOf(flag);
    const names = Object.keys(variants);
    const entry = {
      state: flag.disabled && environment === 'production' ? 'DISABLED' : 'ENABLED',
      variants,
      defaultVariant,
    };
    const roll = rng.next();
    if (roll < 0.4) {
      const share = environment === 'production' ? rng.pick([5, 10, 25, 50]) : 100;
      entry.targeting = {
        fractional: [
          { cat: [flag.key, { var: 'targetingKey' }] },
          [names[0], share],
          [names[1], 100 - share],
        ],
      };
    } else if (roll < 0.6) {
      entry.targeting = { if: [{ ends_with: [{ var: 'email' }, '@example.com'] }, names[0], null] };
    }
    entry.metadata = {
      description: `${cap(flag.key.replace(/-/g, ' '))}.`,
      owner: flag.owner,
      type: flag.lifecycle,
      createdAt: date,
    };
    entries[flag.key] = entry;
  }
  return `${JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', metadata: { environment }, flags: entries }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// One source file under construction

class SourceFile {
  /** @param {string} file workspace-relative path */
  constructor(file, { typed, commonJs, tsx }) {
    this.file = file;
    this.dir = path.posix.dirname(file);
    this.typed = typed;
    this.commonJs = commonJs;
    this.tsx = tsx;
    /** module -> { named: Set, types: Set, namespace?: string, default?: string } */
    this.imports = new Map();
    this.importOrder = [];
    this.extraHeader = [];
    this.headerNames = new Set();
    this.body = [];
    /** Ground truth entries with `bodyLine` until rendered. */
    this.usages = [];
    this.decoys = [];
  }

  /** A module path relative to this file, for a workspace path like `src/flags/keys`. */
  relative(target) {
    let rel = path.posix.relative(this.dir, target);
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return rel;
  }

  importEntry(module) {
    let entry = this.imports.get(module);
    if (!entry) {
      entry = { named: new Set(), types: new Set() };
      this.imports.set(module, entry);
      this.importOrder.push(module);
    }
    return entry;
  }

  importNamed(module, name) {
    this.importEntry(module).named.add(name);
    return name;
  }

  importType(module, name) {
    if (this.typed && !this.commonJs) this.importEntry(module).types.add(name);
  }

  importNamespace(module, name) {
    this.importEntry(module).namespace = name;
    return name;
  }

  /** A top-level declaration placed after the imports, once per name. */
  header(name, line) {
    if (this.headerNames.has(name)) return name;
    this.headerNames.add(name);
    this.extraHeader.push(...line.split('\n'));
    return name;
  }

  /** Appends body text; embedded newlines make several lines, so recorded line numbers stay exact. */
  line(text) {
    if (text.includes('\n')) this.body.push(...text.split('\n'));
    else this.body.push(text);
  }

  lines(texts) {
    for (const text of texts) this.line(text);
  }

  /** Records that the next body line starts a flag usage. */
  usage(entry) {
    this.usages.push({ ...entry, bodyLine: this.body.length });
  }

  decoy(category) {
    this.decoys.push({ category, bodyLine: this.body.length });
  }

  render(fillerImportLines) {
    const head = [];
    for (const module of this.importOrder) {
      const { named, types, namespace } = this.imports.get(module);
      if (this.commonJs) {
        if (namespace) head.push(`const ${namespace} = require('${module}');`);
        if (named.size) head.push(`const { ${[...named].join(', ')} } = require('${module}');`);
        continue;
      }
      if (namespace) head.push(`import * as ${namespace} from '${module}';`);
      const parts = [
        ...named,
        ...[...types].filter((name) => !named.has(name)).map((name) => `type ${name}`),
      ];
      if (parts.length) head.push(`import { ${parts.join(', ')} } from '${module}';`);
    }
    head.push(...fillerImportLines);
    if (this.extraHeader.length) head.push('', ...this.extraHeader);
    head.push('');
    const offset = head.length;
    // CommonJS files export through module.exports; the chunk builders write ESM `export`s.
    const body = this.commonJs
      ? this.body.map((line) => line.replace(/^export (?=(?:async function|function|class|const) )/, ''))
      : this.body;
    const text = `${[...head, ...body].join('\n')}\n`;
    const usages = this.usages.map(({ bodyLine, ...entry }) => ({
      file: this.file,
      line: offset + bodyLine + 1,
      ...entry,
    }));
    const decoys = this.decoys.map(({ bodyLine, category }) => ({
      file: this.file,
      line: offset + bodyLine + 1,
      category,
    }));
    return { text, usages, decoys };
  }
}

// ---------------------------------------------------------------------------------------------
// The generator

export function generateCorpus({ files: codeFileTarget, seed, dir }) {
  const rng = new Random(seed);
  const flagRng = rng.fork('flags');
  const flagCount = Math.min(1000, 60 + Math.round(codeFileTarget / 40));
  const flags = makeFlags(flagRng, flagCount);
  const byType = (list, type) => list.filter((flag) => flag.type === type);
  const creationDate = '2026-09-01';

  // Key sources: disjoint slices of the registry, so exported names never collide in a file.
  const shuffled = flagRng.shuffle([...flags]);
  const take = (n) => shuffled.splice(0, Math.min(n, Math.max(0, shuffled.length - 20)));
  const sources = {
    flagsObject: take(Math.min(150, Math.round(flagCount * 0.2))).map((flag) => ({
      member: upperSnake(flag.key),
      flag,
    })),
    flagKeyEnum: take(Math.min(80, Math.round(flagCount * 0.1))).map((flag) => ({
      member: pascal(flag.key),
      flag,
    })),
    legacy: take(Math.min(30, Math.round(flagCount * 0.04))).map((flag) => ({
      member: upperSnake(flag.key),
      flag,
    })),
    constants: take(Math.min(80, Math.round(flagCount * 0.1))).map((flag) => ({
      member: upperSnake(flag.key),
      flag,
    })),
  };
  const launchDarklyFlags = flags.filter((flag) => {
    const camel = launchDarklyCamelCase(flag.key);
    return /^[a-z][A-Za-z0-9]*$/.test(camel) && !RESERVED.has(camel);
  });
  // The keys whose camelCasing splits digits from letters must be read through useFlags() somewhere.
  const specialLaunchDarkly = flags.filter(
    (flag) => flag.key === 'enable-2fa' || flag.key === 'checkout-3ds-v2',
  );

  const output = { written: 0, bytes: 0, usages: [], decoys: [], excluded: [], tooLarge: [] };
  // Files are written as they are made: a 100,000-file corpus does not fit comfortably in memory.
  const made = new Set();
  const write = (file, text) => {
    const absolute = path.join(dir, file);
    const folder = path.dirname(absolute);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(absolute, text);
    output.written++;
    output.bytes += Buffer.byteLength(text);
  };

  // ---- registry, configuration, ignore rules
  write(
    'flags/development.flagd.json',
    registryFile(flagRng.fork('development'), flags, 'development', creationDate),
  );
  write(
    'flags/production.flagd.json',
    registryFile(flagRng.fork('production'), flags, 'production', creationDate),
  );
  write(
    'flaglens.json',
    `${JSON.stringify(
      {
        environments: { development: { protected: false }, production: { protected: true } },
        contexts: {
          'internal-user': { targetingKey: 'u-1', email: 'ada@example.com', plan: 'enterprise' },
          anonymous: { targetingKey: 'anon-7' },
          'eu-shopper': { targetingKey: 'u-4821', email: 'lena@example.de', country: 'DE' },
        },
      },
      null,
      2,
    )}\n`,
  );
  write('.gitignore', 'node_modules/\ndist/\ncoverage/\nsrc/generated/\n');
  write(
    'package.json',
    `${JSON.stringify({ name: 'storefront', private: true, version: '1.0.0' }, null, 2)}\n`,
  );

  // ---- the shared flags module
  let codeFiles = 0;
  const emitted = (sf, fillerImportLines = []) => {
    const { text, usages, decoys } = sf.render(fillerImportLines);
    write(sf.file, text);
    output.usages.push(...usages);
    output.decoys.push(...decoys);
    codeFiles++;
  };
  const keysLines = [
    '/** Flag keys shared by the web app and the API. The definitions live in flags/*.flagd.json. */',
    'export const FLAGS = {',
    ...sources.flagsObject.map(({ member, flag }) => `  ${member}: '${flag.key}',`),
    '} as const;',
    '',
    'export type FlagName = (typeof FLAGS)[keyof typeof FLAGS];',
    '',
    '/** Merchandising flags, named the way the marketing tools show them. */',
    'export enum FlagKey {',
    ...sources.flagKeyEnum.map(({ member, flag }) => `  ${member} = '${flag.key}',`),
    '}',
    '',
    '/** Keys the mobile clients still send; this object predates `as const`. */',
    'export const LEGACY_FLAGS = {',
    ...sources.legacy.map(({ member, flag }) => `  ${member}: '${flag.key}',`),
    '};',
    '',
    ...sources.constants.map(({ member, flag }) => `export const ${member} = '${flag.key}';`),
    '',
  ];
  write('src/flags/keys.ts', keysLines.join('\n'));
  write(
    'src/flags/index.ts',
    [
      `export * from './keys';`,
      `export { flagVariant, isFeatureEnabled } from './wrappers';`,
      `export { useFeatureToggle } from './hooks';`,
      '',
    ].join('\n'),
  );
  write(
    'src/flags/client.ts',
    [
      `import { OpenFeature, type Client } from '@openfeature/server-sdk';`,
      '',
      `/** The OpenFeature domain of the storefront; its provider is set at start-up. */`,
      `export const APP_DOMAIN = 'storefront';`,
      '',
      `export const flagClient: Client = OpenFeature.getClient(APP_DOMAIN);`,
      '',
    ].join('\n'),
  );
  write(
    'src/flags/wrappers.ts',
    [
      `import type { EvaluationContext } from '@openfeature/server-sdk';`,
      `import { flagClient } from './client';`,
      '',
      '/** Release flags default to off, so an unknown flag keeps an unreleased feature dark. */',
      'export async function isFeatureEnabled(key: string, context?: EvaluationContext): Promise<boolean> {',
      '  return flagClient.getBooleanValue(key, false, context);',
      '}',
      '',
      'export async function flagVariant(key: string, fallback: string, context?: EvaluationContext): Promise<string> {',
      '  return flagClient.getStringValue(key, fallback, context);',
      '}',
      '',
    ].join('\n'),
  );
  write(
    'src/flags/hooks.ts',
    [
      `import { useBooleanFlagValue } from '@openfeature/react-sdk';`,
      '',
      '/** The component-side shorthand for release flags. */',
      'export function useFeatureToggle(key: string): boolean {',
      '  return useBooleanFlagValue(key, false);',
      '}',
      '',
    ].join('\n'),
  );
  write(
    'src/flags/launchdarkly.ts',
    [
      `import * as LaunchDarkly from '@launchdarkly/node-server-sdk';`,
      '',
      `export const ldClient = LaunchDarkly.init(process.env.LD_SDK_KEY ?? '');`,
      '',
    ].join('\n'),
  );
  write(
    'src/flags/growthbook.ts',
    [
      `import { GrowthBook } from '@growthbook/growthbook';`,
      '',
      `export const gb = new GrowthBook({ apiHost: 'https://cdn.growthbook.io', clientKey: process.env.GB_CLIENT_KEY });`,
      '',
    ].join('\n'),
  );
  write(
    'src/flags/unleash.ts',
    [
      `import { initialize } from 'unleash-client';`,
      '',
      `export const unleash = initialize({ url: 'https://unleash.example.com/api', appName: 'storefront' });`,
      '',
    ].join('\n'),
  );
  write(
    'src/flags/featureService.ts',
    [
      `import type { Client, EvaluationContext } from '@openfeature/server-sdk';`,
      `import { flagClient } from './client';`,
      '',
      'export class FeatureService {',
      '  constructor(private readonly client: Client) {}',
      '',
      '  /** True when the flag is on for this context; off when it is unknown. */',
      '  isEnabled(key: string, context?: EvaluationContext): Promise<boolean> {',
      '    return this.client.getBooleanValue(key, false, context);',
      '  }',
      '}',
      '',
      'export const featureService = new FeatureService(flagClient);',
      '',
    ].join('\n'),
  );
  // Look-alikes that are not flag APIs: a query-string hook named like an SDK hook, a permission set.
  write(
    'src/hooks/useFlag.ts',
    [
      `import { useState } from 'react';`,
      '',
      '/** Support switches from the query string (`?flag=verbose`). Not feature flags: nothing is evaluated. */',
      'export function useFlag(name: string): boolean {',
      '  const [params] = useState(() => new URLSearchParams(window.location.search));',
      `  return params.getAll('flag').includes(name);`,
      '}',
      '',
    ].join('\n'),
  );
  write(
    'src/lib/permissions.ts',
    [
      'export class PermissionSet {',
      '  constructor(private readonly granted: ReadonlySet<string>) {}',
      '',
      '  isEnabled(permission: string): boolean {',
      '    return this.granted.has(permission);',
      '  }',
      '}',
      '',
      'declare const grants: string[];',
      'export const permissions = new PermissionSet(new Set(grants));',
      '',
    ].join('\n'),
  );
  codeFiles += 11;

  // ---- files that must not be indexed: each holds flag calls
  const excludedCall = (key) => `client.getBooleanValue('${key}', false);`;
  const excluded = [
    [
      'node_modules/@openfeature/server-sdk/dist/index.js',
      `class OpenFeatureClient {\n  getBooleanValue(flagKey, defaultValue, context) {\n    return this.evaluate(flagKey, defaultValue, context);\n  }\n}\n${excludedCall('sdk-internal')}\n`,
    ],
    [
      'node_modules/some-widget/index.js',
      `const { OpenFeature } = require('@openfeature/server-sdk');\nconst client = OpenFeature.getClient();\n${excludedCall('vendored-flag')}\n`,
    ],
    [
      'dist/main.js',
      `"use strict";\nconst client = require("@openfeature/server-sdk").OpenFeature.getClient();\n${excludedCall(flags[0].key)}\n`,
    ],
    ['coverage/lcov-report/prettify.js', `${excludedCall(flags[1].key)}\n`],
    [
      'src/generated/flagAccessors.ts',
      `import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\nexport const generated = ${excludedCall(flags[2].key)}\n`,
    ],
    [
      'src/types/sdk.d.ts',
      `export interface FlagReader {\n  getBooleanValue(flagKey: string, defaultValue: boolean): Promise<boolean>;\n}\ndeclare function useFlags(): Record<string, unknown>;\n`,
    ],
  ];
  for (const [file, text] of excluded) {
    write(file, text);
    output.excluded.push(file);
  }

  // ---- features and their files
  const featureCount = Math.max(4, Math.round(codeFileTarget / 50));
  const areas = [
    'admin',
    'mobile',
    'api',
    'portal',
    'legacy',
    'reports',
    'settings',
    'partner',
    'kiosk',
    'batch',
  ];
  const features = [];
  for (let i = 0; i < featureCount; i++) {
    const noun = NOUNS[i % NOUNS.length];
    const round = Math.floor(i / NOUNS.length);
    const name =
      round === 0
        ? noun
        : `${noun}-${areas[(round - 1) % areas.length]}${round > areas.length ? Math.ceil(round / areas.length) : ''}`;
    features.push({ name, noun, dir: `src/features/${name}`, flagsModule: undefined });
  }
  // A quarter of the features keep their own flag keys next to their code.
  const featureRng = rng.fork('features');
  for (const feature of features) {
    if (!featureRng.chance(0.25) || shuffled.length < 30) continue;
    const own = take(featureRng.between(2, 5)).map((flag) => ({
      member: upperSnake(flag.key.replace(`${feature.noun}-`, '')) || 'MAIN',
      flag,
    }));
    const seen = new Set();
    feature.flagsModule = {
      objectName: `${upperSnake(feature.name)}_FLAGS`,
      entries: own.filter(({ member }) => !seen.has(member) && seen.add(member)),
    };
  }

  // The big file over the size limit: data, plus one call the index must not report.
  const bigRows = [];
  for (let i = 0, size = 0; size < 1_100_000; i++) {
    const row = `  { code: 'C${i}', name: '${NOUNS[i % NOUNS.length]} ${i}', rate: ${(i % 97) / 100} },`;
    bigRows.push(row);
    size += row.length + 1;
  }
  write(
    'src/data/rateTable.ts',
    `import { OpenFeature } from '@openfeature/server-sdk';\nexport const RATES = [\n${bigRows.join('\n')}\n];\nexport const ratesOn = OpenFeature.getClient().getBooleanValue('${flags[3].key}', false);\n`,
  );
  output.tooLarge.push('src/data/rateTable.ts');
  codeFiles++;

  const remaining = codeFileTarget - codeFiles;
  const fileRng = rng.fork('files');
  const kinds = [
    ['component', 30],
    ['hook', 8],
    ['service', 16],
    ['util', 14],
    ['api', 8],
    ['types', 6],
    ['test', 14],
    ['script', 4],
  ];
  const subdirOf = {
    component: 'components',
    hook: 'hooks',
    service: 'services',
    util: 'utils',
    api: 'api',
    types: 'types',
    test: '__tests__',
    script: 'scripts',
  };
  const suffixOf = {
    component: ['Card', 'List', 'Page', 'Panel', 'Form', 'Table', 'Dialog', 'Summary', 'Row', 'Badge'],
    hook: ['State', 'Query', 'Options', 'Filters', 'Selection'],
    service: ['Service', 'Sync', 'Jobs', 'Repository', 'Handler'],
    util: ['Utils', 'Format', 'Math', 'Parse', 'Validation'],
    api: ['Api', 'Client', 'Routes', 'Endpoints'],
    types: ['Types', 'Model', 'Schema'],
    test: ['Service', 'Utils', 'Card', 'Api', 'Format'],
    script: ['Migrate', 'Seed', 'Report', 'Backfill'],
  };
  const ctx = { flags, sources, launchDarklyFlags, specialLaunchDarkly, byType };
  let featureIndex = 0;
  for (let n = 0; n < remaining; n++) {
    const feature = features[featureIndex];
    featureIndex = (featureIndex + 1) % features.length;
    const frng = fileRng.fork(`${n}`);
    const vocab = fileVocabulary(frng, frng.chance(0.6) ? feature.noun : frng.pick(NOUNS));
    let file;
    let kind;
    const isFeatureRoot = n < features.length;
    if (isFeatureRoot) {
      // Each feature's first file: its flags module when it has one, else its barrel.
      kind = feature.flagsModule ? 'flagsModule' : 'barrel';
      file = feature.flagsModule ? `${feature.dir}/flags.ts` : `${feature.dir}/index.ts`;
    } else {
      kind = frng.weighted(kinds);
      const suffix = frng.pick(suffixOf[kind]);
      const base = `${kind === 'hook' ? `use${vocab.Noun}` : kind === 'component' ? vocab.Noun : vocab.noun}${suffix}${Math.floor(n / features.length)}`;
      const ext =
        kind === 'component'
          ? 'tsx'
          : kind === 'test'
            ? frng.pick(['test.ts', 'test.tsx'])
            : kind === 'script'
              ? frng.pick(['js', 'cjs', 'mjs', 'jsx'])
              : 'ts';
      file = `${feature.dir}/${subdirOf[kind]}/${base}.${ext}`;
    }
    const tsx = /\.[jt]sx$/.test(file);
    const typed = /\.tsx?$/.test(file);
    const commonJs = file.endsWith('.cjs') || (file.endsWith('.js') && frng.chance(0.5));
    const sf = new SourceFile(file, { typed, commonJs, tsx });
    const shape = { isTsx: tsx, isTest: kind === 'test', typed };

    if (kind === 'flagsModule') {
      const { objectName, entries } = feature.flagsModule;
      sf.lines([
        `/** Flags of the ${feature.name} feature. */`,
        `export const ${objectName} = {`,
        ...entries.map(({ member, flag }) => `  ${member}: '${flag.key}',`),
        '} as const;',
      ]);
      emitted(sf);
      continue;
    }
    if (kind === 'barrel') {
      sf.lines([
        `export * from './components/${vocab.Noun}Card0';`,
        `export * from './services/${vocab.noun}Service0';`,
        `export type { ${vocab.Noun} } from './types/${vocab.noun}Types0';`,
      ]);
      emitted(sf);
      continue;
    }

    const role =
      kind === 'types'
        ? 'filler'
        : frng.chance(kind === 'test' ? 0 : USAGE_FILE_RATE)
          ? 'usage'
          : frng.chance(kind === 'test' ? DECOY_FILE_RATE * 3 : DECOY_FILE_RATE)
            ? 'decoy'
            : 'filler';
    const chunks = chunkCount(frng);
    const usageAt =
      role === 'usage'
        ? new Set(
            Array.from(
              {
                length: frng.weighted([
                  [1, 50],
                  [2, 25],
                  [3, 15],
                  [4, 10],
                ]),
              },
              () => frng.int(chunks + 1),
            ),
          )
        : new Set();
    const decoyAt = role === 'decoy' || (role === 'usage' && frng.chance(0.2)) ? frng.int(chunks + 1) : -1;
    const flavor = role === 'usage' ? chooseFlavor(frng, kind, file, commonJs) : undefined;
    const state = { counter: 0 };
    for (let c = 0; c <= chunks; c++) {
      if (usageAt.has(c)) emitUsageBlock(frng, sf, vocab, flavor, ctx, feature, state);
      if (c === decoyAt) emitDecoy(frng, sf, vocab, role === 'usage', kind, ctx);
      if (c < chunks) {
        sf.lines(fillerChunk(frng, vocab, shape));
        sf.line('');
      }
    }
    emitted(sf, fillerImports(frng, vocab, { isTsx: tsx, isCommonJs: commonJs }));
  }

  return {
    truth: {
      generatorVersion: GENERATOR_VERSION,
      seed,
      codeFiles,
      flags: flags.length,
      usages: output.usages,
      decoys: output.decoys,
      excluded: output.excluded,
      tooLarge: output.tooLarge,
    },
    summary: {
      codeFiles,
      allFiles: output.written,
      bytes: output.bytes,
      flags: flags.length,
      usages: output.usages.length,
      usageFiles: new Set(output.usages.map((usage) => usage.file)).size,
      dynamicUsages: output.usages.filter((usage) => usage.flag === null).length,
      decoys: output.decoys.length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Usages

function chooseFlavor(rng, kind, file, commonJs) {
  if (commonJs) return 'cjs';
  if (file.endsWith('.jsx')) return 'of-react';
  if (file.endsWith('.mjs') || file.endsWith('.js')) return 'of-server';
  if (kind === 'component' || kind === 'hook')
    return rng.weighted([
      ['of-react', 36],
      ['ld-react', 24],
      ['growthbook-react', 14],
      ['unleash-react', 8],
      ['wrapper-hook', 12],
      ['of-react-ns', 6],
    ]);
  return rng.weighted([
    ['of-server', 38],
    ['wrapper', 18],
    ['ld-server', 14],
    ['unleash', 10],
    ['growthbook', 10],
    ['local-wrapper', 10],
  ]);
}

const FORMS = [
  ['literal', 30],
  ['template', 5],
  ['local-const', 10],
  ['imported-const', 10],
  ['namespace', 3],
  ['enum-member', 8],
  ['object-member', 15],
  ['destructured', 6],
  ['dynamic', 6],
];

/** Expected `resolution` of a usage written with each key form (checked for information only). */
const RESOLUTION_OF_FORM = {
  literal: 'literal',
  template: 'template',
  'local-const': 'const',
  'imported-const': 'imported-const',
  namespace: 'imported-const',
  'enum-member': 'enum-member',
  'object-member': 'object-member',
  destructured: 'destructured',
  dynamic: 'dynamic',
};

function typo(key, rng) {
  const i = rng.between(1, key.length - 2);
  return key[i] === '-' || key[i + 1] === '-'
    ? `${key}s`
    : key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
}

/** Picks an entry from a key source, preferring flags of `type` when the API wants one. */
function pickEntry(rng, entries, type) {
  if (type) {
    const typed = entries.filter((entry) => entry.flag.type === type);
    if (typed.length && rng.chance(0.85)) return rng.pick(typed);
  }
  return rng.pick(entries);
}

/**
 * The key expression for one usage in `form`: adds the imports and declarations it needs.
 * Returns `{ expr, flag }` where `flag` is the registry flag read (undefined for typos) and `key`
 * the key string (null when dynamic).
 */
function keyExpression(rng, sf, form, ctx, feature, preferType, dynamicExpr) {
  const keys = sf.relative('src/flags/keys');
  const fromKeys = (name) =>
    rng.chance(0.3) && !sf.commonJs
      ? sf.importNamed(sf.relative('src/flags'), name)
      : sf.importNamed(keys, name);
  switch (form) {
    case 'literal':
    case 'template':
    case 'local-const': {
      const pool = preferType ? ctx.byType(ctx.flags, preferType) : ctx.flags;
      const flag = rng.pick(pool.length ? pool : ctx.flags);
      const key = form === 'literal' && rng.chance(0.05) ? typo(flag.key, rng) : flag.key;
      if (form === 'literal') return { expr: `'${key}'`, key, flag: key === flag.key ? flag : undefined };
      if (form === 'template') return { expr: `\`${key}\``, key, flag };
      const name = sf.header(`${upperSnake(key)}_FLAG`, `const ${upperSnake(key)}_FLAG = '${key}';`);
      return { expr: name, key, flag };
    }
    case 'imported-const': {
      const entry = pickEntry(rng, ctx.sources.constants, preferType);
      return { expr: fromKeys(entry.member), key: entry.flag.key, flag: entry.flag };
    }
    case 'namespace': {
      if (sf.commonJs) return keyExpression(rng, sf, 'imported-const', ctx, feature, preferType, dynamicExpr);
      const entry = pickEntry(rng, ctx.sources.constants, preferType);
      sf.importNamespace(keys, 'flagKeys');
      return { expr: `flagKeys.${entry.member}`, key: entry.flag.key, flag: entry.flag };
    }
    case 'enum-member': {
      const entry = pickEntry(rng, ctx.sources.flagKeyEnum, preferType);
      return { expr: `${fromKeys('FlagKey')}.${entry.member}`, key: entry.flag.key, flag: entry.flag };
    }
    case 'object-member': {
      const roll = rng.next();
      if (roll < 0.2 && feature.flagsModule && !sf.commonJs) {
        const { objectName, entries } = feature.flagsModule;
        const entry = pickEntry(rng, entries, preferType);
        const module = sf.relative(`${feature.dir}/flags`);
        return {
          expr: `${sf.importNamed(module, objectName)}.${entry.member}`,
          key: entry.flag.key,
          flag: entry.flag,
        };
      }
      if (roll < 0.35) {
        const entry = pickEntry(rng, ctx.sources.legacy, preferType);
        return { expr: `${fromKeys('LEGACY_FLAGS')}.${entry.member}`, key: entry.flag.key, flag: entry.flag };
      }
      const entry = pickEntry(rng, ctx.sources.flagsObject, preferType);
      const object = fromKeys('FLAGS');
      return {
        expr: rng.chance(0.1) ? `${object}['${entry.member}']` : `${object}.${entry.member}`,
        key: entry.flag.key,
        flag: entry.flag,
      };
    }
    case 'destructured': {
      const entry = pickEntry(rng, ctx.sources.flagsObject, preferType);
      const object = fromKeys('FLAGS');
      sf.header(`destructure:${entry.member}`, `const { ${entry.member} } = ${object};`);
      return { expr: entry.member, key: entry.flag.key, flag: entry.flag };
    }
    default:
      return { expr: dynamicExpr(), key: null, flag: undefined };
  }
}

/**
 * Emits one function or component that reads one to three flags with `flavor`, recording each
 * usage in the ground truth.
 */
function emitUsageBlock(rng, sf, vocab, flavor, ctx, feature, state) {
  const id = state.counter++;
  if (flavor === 'ld-react') return emitLaunchDarklyReact(rng, sf, vocab, ctx, id);
  const react = flavor.includes('react') || flavor === 'wrapper-hook';
  const t = (annotation) => (sf.typed ? annotation : '');
  const reads = rng.weighted([
    [1, 60],
    [2, 30],
    [3, 10],
  ]);
  const { noun, Noun } = vocab;
  if (react) {
    const isComponent = sf.tsx;
    sf.line(
      isComponent
        ? `export function ${Noun}Flagged${id}({ ${noun}, flagKey }${t(`: { ${noun}: ${Noun}; flagKey: string }`)}) {`
        : // No key parameter: a named function forwarding one would be a wrapper, not a dynamic read.
          `export function use${Noun}Flagged${id}(${noun}${t(`: ${Noun}`)}) {`,
    );
  } else {
    if (flavor.startsWith('of') || flavor === 'wrapper' || flavor === 'local-wrapper')
      sf.importType('@openfeature/server-sdk', 'EvaluationContext');
    const contextType =
      flavor.startsWith('of') || flavor === 'wrapper' || flavor === 'local-wrapper'
        ? 'EvaluationContext'
        : 'Record<string, unknown>';
    sf.line(
      `export async function ${vocab.verb}${Noun}WithFlags${id}(${noun}${t(`: ${Noun}`)}, context${t(`: ${contextType}`)} = {})${t(`: Promise<${Noun}>`)} {`,
    );
    if (flavor === 'ld-server')
      sf.line(`  const ldContext = { kind: 'user', key: ${noun}.ownerId ?? 'anonymous' };`);
  }
  sf.lines(statements(rng, vocab, rng.between(0, 2), 2, { typed: sf.typed }));
  const results = [];
  for (let r = 0; r < reads; r++) {
    const result = `${rng.pick(['show', 'use', 'allow', 'with'])}${cap(rng.pick(NOUNS))}${id}_${r}`;
    const form =
      flavor === 'cjs' ? rng.weighted(FORMS.filter(([name]) => name !== 'namespace')) : rng.weighted(FORMS);
    const dynamicStyle = rng.weighted(
      react
        ? [
            ['template', 1],
            [sf.tsx ? 'prop' : 'member', 1],
          ]
        : [
            ['template', 1],
            ['env', 1],
            ['callback', 1],
            ['member', 1],
          ],
    );
    const dynamicExpr = () => {
      switch (dynamicStyle) {
        case 'template':
          return `\`${noun}-\${${noun}.region}-rollout\``;
        case 'prop':
          return 'flagKey';
        case 'env':
          return sf.header(
            'RUNTIME_FLAG_KEY',
            `const RUNTIME_FLAG_KEY = process.env.RUNTIME_FLAG_KEY ?? 'runtime-default';`,
          );
        case 'member':
          return `${noun}.experimentFlag`;
        default:
          return 'name';
      }
    };
    const call = flavorCall(rng, sf, flavor, ctx, feature, form, dynamicExpr);
    // A wrapper call whose key cannot be known is a dynamic usage like any other (DESIGN.md section 3).
    const viaWrapper = call.isWrapper && form !== 'dynamic';
    const truth = {
      flag: call.key,
      form,
      resolution: viaWrapper ? 'wrapper' : RESOLUTION_OF_FORM[form],
      ...(viaWrapper ? { keyResolution: RESOLUTION_OF_FORM[form] } : {}),
      sdk: call.sdk,
      api: call.api,
      flavor,
    };
    if (call.flag === undefined && call.key !== null) truth.unknownToRegistry = true;
    const awaitText = call.await ? 'await ' : '';
    const callText = `${call.callee}(${call.args.join(', ')})${call.suffix ?? ''}`;
    if (form === 'dynamic' && dynamicStyle === 'callback' && !react) {
      // An anonymous callback's parameter: the key is only known at run time.
      const list = sf.header(
        'ROLLOUT_CANDIDATES',
        `const ROLLOUT_CANDIDATES = ['${rng.pick(ctx.flags).key}', '${rng.pick(ctx.flags).key}'];`,
      );
      sf.usage(truth);
      sf.line(`  const ${result} = await Promise.all(${list}.map((name) => ${callText}));`);
      results.push(`${result}.every(Boolean)`);
      continue;
    }
    const layout = rng.weighted([
      ['const', 70],
      ['multiline', 15],
      ['if', 15],
    ]);
    if (layout === 'multiline' && call.args.length >= 2) {
      sf.usage(truth);
      sf.lines([
        `  const ${result} = ${awaitText}${call.callee}(`,
        ...call.args.map((arg) => `    ${arg},`),
        `  )${call.suffix ?? ''};`,
      ]);
      results.push(result);
    } else if (layout === 'if' && !react) {
      sf.usage(truth);
      sf.line(`  if (${awaitText}${callText}) {`);
      sf.lines(statements(rng, vocab, rng.between(1, 2), 4, { typed: sf.typed }));
      sf.line('  }');
    } else {
      sf.usage(truth);
      sf.line(`  const ${result} = ${awaitText}${callText};`);
      results.push(result);
    }
  }
  if (react && sf.tsx) {
    sf.lines(['  return (', `    <div className="${noun}-flagged" data-id={${noun}.id}>`]);
    for (const result of results)
      sf.line(`      {${result} ? <span className="badge">${cap(rng.pick(ADJECTIVES))}</span> : null}`);
    sf.lines(['    </div>', '  );', '}', '']);
  } else if (react) {
    sf.lines([`  return { ${noun}, flags: [${results.join(', ')}] };`, '}', '']);
  } else {
    if (results.length)
      sf.line(
        `  logger.debug('${noun} flags', { ${results.map((result) => result.replace(/\..*$/, '')).join(', ')} });`,
      );
    sf.lines([`  return ${noun};`, '}', '']);
  }
}

/** One SDK (or wrapper) call: `{ callee, args, suffix, await, api, sdk, key, flag, isWrapper }`. */
function flavorCall(rng, sf, flavor, ctx, feature, form, dynamicExpr) {
  const preferType =
    { 'wrapper-hook': 'boolean', 'local-wrapper': 'boolean', 'unleash-react': 'boolean', unleash: 'boolean' }[
      flavor
    ] ??
    rng.weighted([
      ['boolean', 70],
      ['string', 18],
      ['number', 6],
      ['object', 6],
    ]);
  const key = keyExpression(rng, sf, form, ctx, feature, preferType, dynamicExpr);
  const type = key.flag?.type ?? preferType;
  const base = { key: key.key, flag: key.flag, await: false, isWrapper: false };
  const defaultOf = {
    boolean: 'false',
    string: `'control'`,
    number: '25',
    object: '{ columns: 3, dense: false }',
  };
  const openFeatureServer = () => {
    let receiver;
    const roll = rng.next();
    if (sf.commonJs) {
      sf.importNamed('@openfeature/server-sdk', 'OpenFeature');
      receiver = sf.header('client', 'const client = OpenFeature.getClient();');
    } else if (roll < 0.6) receiver = sf.importNamed(sf.relative('src/flags/client'), 'flagClient');
    else if (roll < 0.9) {
      sf.importNamed('@openfeature/server-sdk', 'OpenFeature');
      receiver = sf.header('client', `const client = OpenFeature.getClient('${rng.pick(NOUNS)}-service');`);
    } else {
      sf.importNamed('@openfeature/server-sdk', 'OpenFeature');
      receiver = 'OpenFeature.getClient()';
    }
    const Type = cap(type);
    const details = rng.chance(0.15);
    const api = `get${Type}${details ? 'Details' : 'Value'}`;
    const args = [key.expr, defaultOf[type]];
    if (rng.chance(0.7) && !sf.commonJs) args.push('context');
    return { ...base, callee: `${receiver}.${api}`, args, api, sdk: 'openfeature', await: true };
  };
  const openFeatureReact = (namespace) => {
    const module = '@openfeature/react-sdk';
    const Type = cap(type);
    const generic = rng.chance(0.25);
    const api = generic ? 'useFlag' : `use${Type}FlagValue`;
    const callee = namespace ? `${sf.importNamespace(module, 'OF')}.${api}` : sf.importNamed(module, api);
    return {
      ...base,
      callee,
      args: [key.expr, defaultOf[type]],
      api,
      sdk: 'openfeature',
      suffix: generic ? '.value' : '',
    };
  };
  switch (flavor) {
    case 'of-server':
    case 'cjs':
      return openFeatureServer();
    case 'of-react':
      return openFeatureReact(false);
    case 'of-react-ns':
      return openFeatureReact(true);
    case 'ld-server': {
      const receiver = sf.importNamed(sf.relative('src/flags/launchdarkly'), 'ldClient');
      const typedApi = {
        boolean: 'boolVariation',
        string: 'stringVariation',
        number: 'numberVariation',
        object: 'jsonVariation',
      }[type];
      const api = rng.chance(0.5) ? 'variation' : typedApi;
      return {
        ...base,
        callee: `${receiver}.${api}`,
        args: [key.expr, 'ldContext', defaultOf[type]],
        api,
        sdk: 'launchdarkly',
        await: true,
      };
    }
    case 'unleash': {
      if (type !== 'boolean') {
        const receiver = sf.importNamed(sf.relative('src/flags/unleash'), 'unleash');
        return {
          ...base,
          callee: `${receiver}.getVariant`,
          args: [key.expr],
          api: 'getVariant',
          sdk: 'unleash',
          suffix: '.name',
        };
      }
      if (rng.chance(0.3))
        return {
          ...base,
          callee: sf.importNamed('unleash-client', 'isEnabled'),
          args: [key.expr],
          api: 'isEnabled',
          sdk: 'unleash',
        };
      const receiver = sf.importNamed(sf.relative('src/flags/unleash'), 'unleash');
      return { ...base, callee: `${receiver}.isEnabled`, args: [key.expr], api: 'isEnabled', sdk: 'unleash' };
    }
    case 'unleash-react': {
      const api = type === 'boolean' ? 'useFlag' : 'useVariant';
      return {
        ...base,
        callee: sf.importNamed('@unleash/proxy-client-react', api),
        args: [key.expr],
        api,
        sdk: 'unleash',
        suffix: api === 'useVariant' ? '.name' : '',
      };
    }
    case 'growthbook': {
      const receiver = sf.importNamed(sf.relative('src/flags/growthbook'), 'gb');
      if (type === 'boolean') {
        const api = rng.pick(['isOn', 'isOn', 'isOff']);
        return { ...base, callee: `${receiver}.${api}`, args: [key.expr], api, sdk: 'growthbook' };
      }
      if (rng.chance(0.2))
        return {
          ...base,
          callee: `${receiver}.evalFeature`,
          args: [key.expr],
          api: 'evalFeature',
          sdk: 'growthbook',
          suffix: '.value',
        };
      return {
        ...base,
        callee: `${receiver}.getFeatureValue`,
        args: [key.expr, defaultOf[type]],
        api: 'getFeatureValue',
        sdk: 'growthbook',
      };
    }
    case 'growthbook-react': {
      const module = '@growthbook/growthbook-react';
      if (type === 'boolean')
        return {
          ...base,
          callee: sf.importNamed(module, 'useFeatureIsOn'),
          args: [key.expr],
          api: 'useFeatureIsOn',
          sdk: 'growthbook',
        };
      return {
        ...base,
        callee: sf.importNamed(module, 'useFeatureValue'),
        args: [key.expr, defaultOf[type]],
        api: 'useFeatureValue',
        sdk: 'growthbook',
      };
    }
    case 'wrapper': {
      if (type === 'string') {
        const callee = rng.chance(0.5)
          ? sf.importNamed(sf.relative('src/flags'), 'flagVariant')
          : sf.importNamed(sf.relative('src/flags/wrappers'), 'flagVariant');
        return {
          ...base,
          callee,
          args: [key.expr, `'control'`],
          api: 'flagVariant',
          sdk: 'openfeature',
          await: true,
          isWrapper: true,
        };
      }
      if (type !== 'boolean') return openFeatureServer();
      if (rng.chance(0.25)) {
        const receiver = sf.importNamed(sf.relative('src/flags/featureService'), 'featureService');
        return {
          ...base,
          callee: `${receiver}.isEnabled`,
          args: [key.expr, 'context'],
          api: 'isEnabled',
          sdk: 'openfeature',
          await: true,
          isWrapper: true,
        };
      }
      const callee = rng.chance(0.5)
        ? sf.importNamed(sf.relative('src/flags'), 'isFeatureEnabled')
        : sf.importNamed(sf.relative('src/flags/wrappers'), 'isFeatureEnabled');
      return {
        ...base,
        callee,
        args: [key.expr, 'context'],
        api: 'isFeatureEnabled',
        sdk: 'openfeature',
        await: true,
        isWrapper: true,
      };
    }
    case 'wrapper-hook': {
      if (type !== 'boolean') return openFeatureReact(false);
      const callee = rng.chance(0.5)
        ? sf.importNamed(sf.relative('src/flags'), 'useFeatureToggle')
        : sf.importNamed(sf.relative('src/flags/hooks'), 'useFeatureToggle');
      return {
        ...base,
        callee,
        args: [key.expr],
        api: 'useFeatureToggle',
        sdk: 'openfeature',
        isWrapper: true,
      };
    }
    case 'local-wrapper': {
      if (type !== 'boolean') return openFeatureServer();
      const name = rng.weighted(LOCAL_WRAPPER_NAMES);
      const client = sf.importNamed(sf.relative('src/flags/client'), 'flagClient');
      sf.header(
        `wrapper:${name}`,
        rng.chance(0.5)
          ? `const ${name} = (key: string): Promise<boolean> => ${client}.getBooleanValue(key, false);`
          : `async function ${name}(key: string, context?: EvaluationContext): Promise<boolean> {\n  return ${client}.getBooleanValue(key, false, context);\n}`,
      );
      sf.importType('@openfeature/server-sdk', 'EvaluationContext');
      return {
        ...base,
        callee: name,
        args: [key.expr],
        api: name,
        sdk: 'openfeature',
        await: true,
        isWrapper: true,
      };
    }
    default:
      throw new Error(`unknown flavor ${flavor}`);
  }
}

/** LaunchDarkly React: `useFlags()` destructured or read by property, keys camelCased. */
function emitLaunchDarklyReact(rng, sf, vocab, ctx, id) {
  const useFlags = sf.importNamed('launchdarkly-react-client-sdk', 'useFlags');
  const t = (annotation) => (sf.typed ? annotation : '');
  const { noun, Noun } = vocab;
  const pool = ctx.launchDarklyFlags;
  const pickFlag = () => (rng.chance(0.1) ? rng.pick(ctx.specialLaunchDarkly) : rng.pick(pool));
  const truthOf = (flag, form) => ({
    flag: launchDarklyCamelCase(flag.key),
    registryKey: flag.key,
    form,
    resolution: form === 'useFlags-destructured' ? 'destructured' : 'object-member',
    sdk: 'launchdarkly',
    api: 'useFlags',
    flavor: 'ld-react',
  });
  const isComponent = sf.tsx;
  sf.line(
    isComponent
      ? `export function ${Noun}Experiment${id}({ ${noun}, flagName }${t(`: { ${noun}: ${Noun}; flagName: string }`)}) {`
      : `export function use${Noun}Experiment${id}(${noun}${t(`: ${Noun}`)}, flagName${t(': string')}) {`,
  );
  const shown = [];
  const style = rng.weighted([
    ['destructure', 55],
    ['object', 30],
    ['multiline', 15],
  ]);
  if (style === 'destructure') {
    const chosen = [...new Set([pickFlag(), ...(rng.chance(0.5) ? [pickFlag()] : [])])];
    for (const flag of chosen) sf.usage(truthOf(flag, 'useFlags-destructured'));
    const parts = chosen.map((flag, i) => {
      const camel = launchDarklyCamelCase(flag.key);
      shown.push(camel);
      return i === 1 ? `${camel} = false` : camel;
    });
    sf.line(`  const { ${parts.join(', ')} } = ${useFlags}();`);
  } else if (style === 'multiline') {
    const chosen = [...new Set([pickFlag(), pickFlag(), pickFlag()])];
    sf.line('  const {');
    for (const flag of chosen) {
      const camel = launchDarklyCamelCase(flag.key);
      sf.usage(truthOf(flag, 'useFlags-destructured'));
      const alias = `${camel}Enabled`;
      sf.line(`    ${camel}: ${alias} = false,`);
      shown.push(alias);
    }
    sf.line(`  } = ${useFlags}();`);
  } else {
    sf.line(`  const flags = ${useFlags}();`);
    const chosen = [...new Set([pickFlag(), ...(rng.chance(0.4) ? [pickFlag()] : [])])];
    chosen.forEach((flag, i) => {
      const camel = launchDarklyCamelCase(flag.key);
      sf.usage(truthOf(flag, 'useFlags-member'));
      sf.line(`  const ${camel}On${i} = Boolean(flags.${camel});`);
      shown.push(`${camel}On${i}`);
    });
    if (rng.chance(0.35)) {
      // A computed read: which flag is only known at run time.
      sf.usage({
        flag: null,
        form: 'dynamic',
        resolution: 'dynamic',
        sdk: 'launchdarkly',
        api: 'useFlags',
        flavor: 'ld-react',
      });
      sf.line(`  const requested = Boolean(flags[flagName]);`);
      shown.push('requested');
    }
  }
  sf.lines(statements(rng, vocab, rng.between(0, 2), 2, { typed: sf.typed }));
  if (isComponent) {
    sf.lines(['  return (', `    <div className="${noun}-experiment">`]);
    for (const name of shown)
      sf.line(`      {${name} && <span className="badge">${cap(rng.pick(ADJECTIVES))}</span>}`);
    sf.lines(['    </div>', '  );', '}', '']);
  } else {
    sf.lines([`  return { ${noun}, flags: [${shown.join(', ')}] };`, '}', '']);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoys: code that mentions flag APIs without reading a flag

function emitDecoy(rng, sf, vocab, inUsageFile, kind, ctx) {
  const key = rng.pick(ctx.flags).key;
  const { noun, Noun } = vocab;
  const t = (annotation) => (sf.typed ? annotation : '');
  const categories = inUsageFile
    ? [
        ['comment', 3],
        ['jsdoc', 2],
        ['string', 2],
        ['local-object-method', 1],
      ]
    : kind === 'test'
      ? [
          ['test-mock', 4],
          ['comment', 1],
          ['string', 1],
        ]
      : [
          ['comment', 3],
          ['jsdoc', 2],
          ['string', 2],
          ['unrelated-receiver', 3],
          ['local-object-method', 2],
          ['lookalike-hook', sf.tsx ? 2 : 0],
          ['interface-signature', sf.typed ? 1 : 0],
          ['local-class-specific-method', sf.typed ? 1 : 0],
        ];
  const category = rng.weighted(categories);
  switch (category) {
    case 'comment':
      sf.decoy(category);
      sf.line(
        `// Was: if (await client.getBooleanValue('${key}', false)) { ... } (flag retired, see ${rng.pick(['ADR-12', 'the changelog', 'PLAT-311'])}).`,
      );
      sf.line('');
      return;
    case 'jsdoc':
      sf.lines(['/**', ` * ${cap(vocab.verb)}s ${noun}s.`]);
      sf.decoy(category);
      sf.lines([
        ` * @example isFeatureEnabled('${key}') ? render${Noun}() : null`,
        ` * Components read it with \`useBooleanFlagValue('${key}', false)\` or \`useFlags().${launchDarklyCamelCase(key)}\`.`,
        ' */',
      ]);
      sf.lines(functionChunk(rng, vocab, { typed: sf.typed }));
      sf.line('');
      return;
    case 'string':
      sf.decoy(category);
      sf.line(
        `export const ${noun.toUpperCase()}_FLAG_HELP = "Read it with client.getBooleanValue('${key}', false) or useFeatureIsOn('${key}').";`,
      );
      sf.line(
        `export const ${noun.toUpperCase()}_FLAG_ERROR = \`gb.isOn('${key}') failed for \${${JSON.stringify(noun)}}\`;`,
      );
      sf.line('');
      return;
    case 'unrelated-receiver': {
      const permissions = sf.importNamed(sf.relative('src/lib/permissions'), 'permissions');
      sf.line(`export function can${Noun}Export${rng.int(100)}()${t(': boolean')} {`);
      sf.decoy(category);
      sf.line(
        `  return ${permissions}.isEnabled('${noun}:export') && ${permissions}.isEnabled('${rng.pick(['billing', 'admin', 'reports'])}:read');`,
      );
      sf.lines(['}', '']);
      return;
    }
    case 'local-object-method':
      sf.line(`const ${noun}Columns = {`);
      sf.line(`  visible: new Set${t('<string>')}(['name', 'status']),`);
      sf.line(`  isOn(column${t(': string')})${t(': boolean')} {`);
      sf.line('    return this.visible.has(column);');
      sf.lines(['  },', '};']);
      sf.decoy(category);
      sf.line(
        `export const ${noun}ShowsStatus = ${noun}Columns.isOn('status') || ${noun}Columns.isOn('${key}');`,
      );
      sf.line('');
      return;
    case 'lookalike-hook': {
      const useFlag = sf.importNamed(sf.relative('src/hooks/useFlag'), 'useFlag');
      sf.line(`export function ${Noun}Debug${rng.int(100)}() {`);
      sf.decoy(category);
      sf.line(`  const verbose = ${useFlag}('verbose');`);
      sf.lines([`  return verbose ? <pre className="debug">${noun}</pre> : null;`, '}', '']);
      return;
    }
    case 'interface-signature':
      sf.line(`export interface ${Noun}Settings {`);
      sf.decoy(category);
      sf.lines([
        '  getBooleanValue(name: string, fallback: boolean): boolean;',
        '  getStringValue(name: string, fallback: string): string;',
        '}',
        '',
      ]);
      return;
    case 'local-class-specific-method':
      sf.lines([
        `class ${Noun}Preferences {`,
        '  private readonly values = new Map<string, string>();',
        '',
        '  getBooleanValue(name: string, fallback: boolean): boolean {',
        `    const raw = this.values.get(name);`,
        `    return raw === undefined ? fallback : raw === 'true';`,
        '  }',
        '}',
        '',
        `const ${noun}Preferences = new ${Noun}Preferences();`,
      ]);
      sf.decoy(category);
      sf.line(
        `export const ${noun}Compact = ${noun}Preferences.getBooleanValue('compact-${noun}-rows', false);`,
      );
      sf.line('');
      return;
    case 'test-mock': {
      const client = sf.importNamed(sf.relative('src/flags/client'), 'flagClient');
      sf.line(`describe('${noun} flag wiring', () => {`);
      sf.line(`  it('asks for the flag once', async () => {`);
      sf.decoy(category);
      sf.line(`    const spy = vi.spyOn(${client}, 'getBooleanValue').mockResolvedValue(true);`);
      sf.decoy(category);
      sf.line(
        `    expect(${client}.getBooleanValue).toHaveBeenCalledWith('${key}', false, expect.anything());`,
      );
      sf.lines(['    spy.mockRestore();', '  });', '});', '']);
      return;
    }
    default:
      throw new Error(`unknown decoy ${category}`);
  }
}
