import assert from 'node:assert/strict';
import { SDK_PRESETS } from '../../shared/src/config';
import type { FlagUsage } from '../../shared/src/usage';
import { type IndexChange, UsageIndex } from '../../server/src/core/usages/usageIndex';

/** A workspace on "disk": the index reads files it did not parse from here. */
function workspace(files: Record<string, string[]>): {
  disk: Map<string, string>;
  index: UsageIndex;
  reads: string[];
} {
  const disk = new Map(Object.entries(files).map(([file, lines]) => [file, lines.join('\n')]));
  const reads: string[] = [];
  const index = new UsageIndex({
    sdks: [...SDK_PRESETS],
    wrappers: [],
    readFile: async (file) => {
      reads.push(file);
      return disk.get(file);
    },
  });
  return { disk, index, reads };
}

async function load(index: UsageIndex, disk: Map<string, string>): Promise<IndexChange> {
  return index.addFiles([...disk].map(([file, text]) => ({ file, text })));
}

function flags(usages: FlagUsage[]): (string | null)[] {
  return usages.map((usage) => usage.flag);
}

const app = [
  `import { OpenFeature } from '@openfeature/server-sdk';`,
  `import { FLAGS } from './flags';`,
  `const client = OpenFeature.getClient();`,
  `client.getBooleanValue(FLAGS.NEW_CHECKOUT, false);`,
];

describe('usage index: incremental updates', () => {
  it('lists the files that have usages after the first load', async () => {
    const { disk, index } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'new-checkout' };`],
      'src/plain.ts': [`export const x = 1;`],
    });
    const change = await load(index, disk);
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), ['new-checkout']);
    assert.deepEqual(index.indexedFiles(), ['src/app.ts', 'src/flags.ts', 'src/plain.ts']);
  });

  it('re-links the importing file when the constants file changes, parsing only the edited file', async () => {
    const { disk, index } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'new-checkout' };`],
    });
    await load(index, disk);
    const parsesBefore = index.stats().parses;
    const change = index.updateFile('src/flags.ts', `export const FLAGS = { NEW_CHECKOUT: 'checkout-v2' };`);
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.equal(change.pending, undefined);
    assert.equal(index.stats().parses, parsesBefore + 1);
    assert.deepEqual(flags(index.usagesInFile('src/app.ts')), ['checkout-v2']);
    assert.deepEqual(flags(index.usagesOf('checkout-v2')), ['checkout-v2']);
    assert.deepEqual(index.usagesOf('new-checkout'), []);
  });

  it('reports no changed file when an edit changes no usage', async () => {
    const { disk, index } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'new-checkout' };`],
    });
    await load(index, disk);
    const change = index.updateFile(
      'src/flags.ts',
      `export const FLAGS = { NEW_CHECKOUT: 'new-checkout', OTHER: 'other' }; // more`,
    );
    assert.deepEqual(change.changedFiles, []);
    // Moving the literal moves where the usage's key is written: that is a change.
    const moved = index.updateFile(
      'src/flags.ts',
      `// a comment\nexport const FLAGS = { NEW_CHECKOUT: 'new-checkout' };`,
    );
    assert.deepEqual(moved.changedFiles, ['src/app.ts']);
    assert.equal(index.usagesInFile('src/app.ts')[0].keyOrigin?.range.start.line, 1);
  });

  it('makes usages dynamic when their constants file is removed, and drops a removed file’s usages', async () => {
    const { disk, index } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'new-checkout' };`],
    });
    await load(index, disk);
    assert.deepEqual(index.removeFile('src/flags.ts').changedFiles, ['src/app.ts']);
    assert.deepEqual(
      index.usagesInFile('src/app.ts').map((usage) => [usage.flag, usage.resolution, usage.keyText]),
      [[null, 'dynamic', 'FLAGS.NEW_CHECKOUT']],
    );
    assert.deepEqual(index.removeFile('src/app.ts').changedFiles, ['src/app.ts']);
    assert.deepEqual(index.usages(), []);
    assert.deepEqual(index.indexedFiles(), []);
  });

  it('resolves an import once the file it names is created', async () => {
    const { disk, index } = workspace({ 'src/app.ts': app });
    await load(index, disk);
    assert.deepEqual(flags(index.usages()), [null]);
    const change = index.updateFile('src/flags/index.ts', `export const FLAGS = { NEW_CHECKOUT: 'late' };`);
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), ['late']);
    // A file that takes precedence over the folder's index (flags.ts before flags/index.ts) wins once it exists.
    assert.deepEqual(
      index.updateFile('src/flags.ts', `export const FLAGS = { NEW_CHECKOUT: 'closer' };`).changedFiles,
      ['src/app.ts'],
    );
    assert.deepEqual(flags(index.usages()), ['closer']);
  });

  it('reads a constants file that was never parsed when an edit starts importing it', async () => {
    const { disk, index, reads } = workspace({
      'src/app.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `OpenFeature.getClient().getBooleanValue('literal', false);`,
      ],
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'from-disk' };`],
    });
    await load(index, disk);
    assert.equal(index.stats().parsedFiles, 1);
    const change = index.updateFile('src/app.ts', app.join('\n'));
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), [null]);
    assert.ok(change.pending, 'the change waits for src/flags.ts');
    const later = await change.pending;
    assert.deepEqual(later.changedFiles, ['src/app.ts']);
    assert.deepEqual(reads, ['src/flags.ts']);
    assert.deepEqual(flags(index.usages()), ['from-disk']);
  });

  it('never lets a late read overwrite a newer text of the same file', async () => {
    const { disk, index } = workspace({
      'src/app.ts': [`import { OpenFeature } from '@openfeature/server-sdk';`],
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'stale-on-disk' };`],
    });
    await load(index, disk);
    const change = index.updateFile('src/app.ts', app.join('\n'));
    // The editor's buffer arrives while the disk text is being read.
    index.updateFile('src/flags.ts', `export const FLAGS = { NEW_CHECKOUT: 'from-editor' };`);
    await change.pending;
    await index.whenIdle();
    assert.deepEqual(flags(index.usages()), ['from-editor']);
  });

  it('re-links callers when a wrapper’s file changes its type, and drops them when it stops being a wrapper', async () => {
    const wrapper = (api: string): string =>
      [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `const client = OpenFeature.getClient();`,
        `export function flag(key: string) { return client.${api}(key, 'off'); }`,
      ].join('\n');
    const { disk, index } = workspace({
      'src/wrap.ts': [wrapper('getStringValue')],
      'src/use.ts': [`import { flag } from './wrap';`, `flag('wrapped');`],
    });
    await load(index, disk);
    assert.deepEqual(
      index
        .usagesInFile('src/use.ts')
        .map((usage) => [usage.flag, usage.api, usage.expectedType, usage.defaultValue]),
      [['wrapped', 'flag', 'string', `'off'`]],
    );
    const retyped = index.updateFile('src/wrap.ts', wrapper('getObjectValue'));
    assert.deepEqual(retyped.changedFiles, ['src/use.ts']);
    assert.equal(index.usagesInFile('src/use.ts')[0].expectedType, 'object');

    const unwrapped = index.updateFile(
      'src/wrap.ts',
      `export function flag(key: string) { return key.length > 0; }`,
    );
    assert.deepEqual(unwrapped.changedFiles, ['src/use.ts']);
    assert.deepEqual(index.usages(), []);
    assert.deepEqual(index.detectedWrappers(), []);
  });

  it('finds callers of a newly detected wrapper in files that were never parsed', async () => {
    const { disk, index } = workspace({
      'src/wrap.ts': [`export function showBanner(key: string) { return key !== ''; }`],
      'src/use.ts': [
        `import { showBanner } from './wrap';`,
        `export const shown = showBanner('found-later');`,
      ],
      'src/other.ts': [`export const nothing = 0;`],
    });
    await load(index, disk);
    assert.equal(index.stats().parsedFiles, 0);
    const change = index.updateFile(
      'src/wrap.ts',
      `import { useFeatureIsOn } from '@growthbook/growthbook-react';\nexport function showBanner(key: string) { return useFeatureIsOn(key); }`,
    );
    assert.deepEqual(change.changedFiles, []);
    const later = await change.pending;
    assert.deepEqual(later?.changedFiles, ['src/use.ts']);
    assert.deepEqual(
      index.usages().map((usage) => [usage.file, usage.flag, usage.sdk, usage.api, usage.resolution]),
      [['src/use.ts', 'found-later', 'growthbook', 'showBanner', 'wrapper']],
    );
    assert.equal(index.stats().parsedFiles, 2);
  });

  it('forgets usages of a file edited so that it no longer calls a flag API', async () => {
    const { disk, index } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'new-checkout' };`],
    });
    await load(index, disk);
    const change = index.updateFile('src/app.ts', `export const nothing = 0;`);
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.deepEqual(index.usages(), []);
    // The constants file keeps its facts (they are small) until its own next update.
    assert.deepEqual(index.stats(), { files: 2, parsedFiles: 1, usages: 0, dynamic: 0, parses: 2 });
  });

  it('keeps texts given to addFiles only while loading when there is no reader', async () => {
    const index = new UsageIndex({ sdks: [...SDK_PRESETS], wrappers: [] });
    const change = await index.addFiles([
      { file: 'src/app.ts', text: app.join('\n') },
      { file: 'src/flags.ts', text: `export const FLAGS = { NEW_CHECKOUT: 'held' };` },
    ]);
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), ['held']);
    // Without a reader, a later need for an unparsed file cannot be met until its text is given.
    const unmet = index.updateFile(
      'src/other.ts',
      `import { OpenFeature } from '@openfeature/server-sdk';\nimport { X } from './x';\nOpenFeature.getClient().getBooleanValue(X, false);`,
    );
    index.updateFile('src/x.ts', `export const X = 'given-later';`);
    assert.equal(unmet.pending, undefined);
    assert.deepEqual(flags(index.usagesInFile('src/other.ts')), ['given-later']);
  });

  it('resolves across batches when the bulk load comes in several calls, with the reader given to addFiles', async () => {
    const disk = new Map([
      ['src/app.ts', app.join('\n')],
      ['src/flags.ts', `export const FLAGS = { NEW_CHECKOUT: 'second-batch' };`],
    ]);
    const index = new UsageIndex({ sdks: [...SDK_PRESETS], wrappers: [] });
    const readFile = async (file: string): Promise<string | undefined> => disk.get(file);
    const first = await index.addFiles(
      [{ file: 'src/app.ts', text: disk.get('src/app.ts') ?? '' }],
      readFile,
    );
    assert.deepEqual(first.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), [null]);
    const second = await index.addFiles(
      [{ file: 'src/flags.ts', text: disk.get('src/flags.ts') ?? '' }],
      readFile,
    );
    assert.deepEqual(second.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), ['second-batch']);
  });

  it('reads a file given without its text (it matched no prefilter pattern) only when another file needs it', async () => {
    const { disk, index, reads } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'from-disk' };`],
      'src/plain.ts': [`export const x = 1;`],
    });
    const patterns = index.prefilterPatterns();
    const matches = (text: string): boolean => patterns.some((pattern) => pattern.test(text));
    assert.deepEqual(
      [...disk.values()].map(matches),
      [true, false, false],
      'only the file calling the SDK matches the prefilter',
    );
    const change = await index.addFiles(
      [...disk].map(([file, text]) => (matches(text) ? { file, text } : { file })),
    );
    assert.deepEqual(change.changedFiles, ['src/app.ts']);
    assert.deepEqual(flags(index.usages()), ['from-disk']);
    assert.deepEqual(reads, ['src/flags.ts']);
    assert.deepEqual(index.indexedFiles(), ['src/app.ts', 'src/flags.ts', 'src/plain.ts']);
  });

  it('scans unparsed files for calls of a wrapper found later, parsing only the callers', async () => {
    const { disk, index, reads } = workspace({
      'src/caller.ts': [
        `import { featureOn } from './flags';`,
        `export const shown = featureOn('late-wrapper');`,
      ],
      'src/plain.ts': [`export const x = 1;`],
      'src/flags.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `export function featureOn(key: string) { return OpenFeature.getClient().getBooleanValue(key, false); }`,
      ],
    });
    const parsesBefore = index.stats().parses;
    await load(index, disk);
    assert.deepEqual(
      flags(index.usages()),
      ['late-wrapper'],
      'the forwarding call inside the wrapper is not a usage',
    );
    assert.deepEqual(reads.sort(), ['src/caller.ts', 'src/plain.ts'], 'unparsed files are scanned once');
    assert.equal(index.stats().parses - parsesBefore, 2, 'the wrapper file and its caller');
  });

  it('resolves an early buffer through files declared but not given yet, without reading them twice', async () => {
    const { disk, index, reads } = workspace({
      'src/app.ts': app,
      'src/flags.ts': [`export const FLAGS = { NEW_CHECKOUT: 'declared-early' };`],
      'src/plain.ts': [`export const x = 1;`],
    });
    index.declareFiles(disk.keys());
    const early = index.updateFile('src/app.ts', disk.get('src/app.ts') ?? '');
    await early.pending;
    assert.deepEqual(flags(index.usages()), ['declared-early']);
    assert.deepEqual(reads, ['src/flags.ts']);
    assert.deepEqual(index.indexedFiles(), ['src/app.ts'], 'declared files are not indexed files yet');
    // The bulk load brings the other files; neither matches the prefilter.
    await index.addFiles([{ file: 'src/flags.ts' }, { file: 'src/plain.ts' }]);
    assert.deepEqual(reads, ['src/flags.ts'], 'the constants read moments ago are kept');
    assert.deepEqual(flags(index.usages()), ['declared-early']);
    assert.deepEqual(index.indexedFiles(), ['src/app.ts', 'src/flags.ts', 'src/plain.ts']);
  });

  it('stops on import cycles between files', async () => {
    const { disk, index } = workspace({
      'src/app.ts': [
        `import { OpenFeature } from '@openfeature/server-sdk';`,
        `import { LOOP } from './a';`,
        `OpenFeature.getClient().getBooleanValue(LOOP, false);`,
      ],
      'src/a.ts': [`export * from './b';`],
      'src/b.ts': [`export * from './a';`, `export { LOOP } from './a';`],
    });
    await load(index, disk);
    assert.deepEqual(flags(index.usages()), [null]);
  });
});
