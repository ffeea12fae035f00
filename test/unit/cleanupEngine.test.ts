import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FlagUsage } from '../../shared/src/usage';
import { cleanupFlag } from '../../server/src/core/cleanup/cleanupFlag';
import { minimalEdits } from '../../server/src/core/cleanup/minimalEdits';
import { LineIndex } from '../../server/src/core/text';
import { applyOffsetEdits } from '../../server/src/core/textEdit';

/** A usage as the index reports it, for the call text `call` found in `text`. */
function usageOf(
  file: string,
  text: string,
  call: string,
  fields: Partial<FlagUsage> & Pick<FlagUsage, 'flag' | 'api'>,
): FlagUsage {
  const start = text.indexOf(call);
  assert.ok(start >= 0, `${call} not in the text`);
  const lines = new LineIndex(text);
  const keyStart = text.indexOf("'", start);
  const keyEnd = text.indexOf("'", keyStart + 1) + 1;
  return {
    file,
    range: lines.rangeOf(start, start + call.length),
    keyRange: lines.rangeOf(keyStart, keyEnd),
    sdk: 'custom',
    resolution: 'wrapper',
    expectedType: 'boolean',
    keyText: text.slice(keyStart, keyEnd),
    keyIsLiteral: true,
    ...fields,
  };
}

describe('stale-flag cleanup engine', () => {
  const customWrapper = [
    "import { isOn } from './toggles';",
    '',
    'export function discount(cents: number): number {',
    "  if (isOn('loyalty-discount')) {",
    '    return Math.round(cents * 0.9);',
    '  }',
    '  return cents;',
    '}',
    '',
  ].join('\n');
  const toggles = [
    'const enabled = new Set<string>();',
    '',
    'export function isOn(key: string): boolean {',
    '  return enabled.has(key);',
    '}',
    '',
  ].join('\n');

  const banner = [
    "import { isOn } from './toggles';",
    '',
    "export const showBanner = (): boolean => isOn('holiday-banner');",
    '',
  ].join('\n');

  it('rewrites the calls the index reports, even through a configured wrapper it cannot see into', () => {
    const usage = usageOf('discount.ts', customWrapper, "isOn('loyalty-discount')", {
      flag: 'loyalty-discount',
      api: 'isOn',
    });
    const result = cleanupFlag({
      flag: 'loyalty-discount',
      value: true,
      files: new Map([
        ['discount.ts', customWrapper],
        ['toggles.ts', toggles],
        ['banner.ts', banner],
      ]),
      usages: [usage],
    });
    assert.equal(
      result.edits.get('discount.ts')?.newText,
      [
        'export function discount(cents: number): number {',
        '  return Math.round(cents * 0.9);',
        '}',
        '',
      ].join('\n'),
    );
    // The wrapper lost a caller but another file still imports it: it stays.
    assert.deepEqual([...result.edits.keys()], ['discount.ts']);
    assert.deepEqual(result.deletedFiles, []);
  });

  it('deletes the wrapper, and its file, once no file of the workspace calls it any more', () => {
    const usage = usageOf('discount.ts', customWrapper, "isOn('loyalty-discount')", {
      flag: 'loyalty-discount',
      api: 'isOn',
    });
    const result = cleanupFlag({
      flag: 'loyalty-discount',
      value: true,
      files: new Map([
        ['discount.ts', customWrapper],
        ['toggles.ts', toggles],
      ]),
      usages: [usage],
    });
    assert.deepEqual(result.deletedFiles, ['toggles.ts']);
  });

  it('leaves a configured wrapper alone when no usage names it and its body reads no SDK', () => {
    const result = cleanupFlag({
      flag: 'loyalty-discount',
      value: true,
      files: new Map([
        ['discount.ts', customWrapper],
        ['toggles.ts', toggles],
      ]),
      usages: [],
    });
    assert.equal(result.edits.size, 0);
  });

  it('reports a usage whose range no longer matches the text, for a person to rewrite', () => {
    const usage = usageOf('discount.ts', customWrapper, "isOn('loyalty-discount')", {
      flag: 'loyalty-discount',
      api: 'isOn',
    });
    const shifted = { ...usage, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } } };
    const result = cleanupFlag({
      flag: 'loyalty-discount',
      value: true,
      files: new Map([['discount.ts', customWrapper]]),
      usages: [shifted],
    });
    assert.deepEqual(
      result.report.filter((entry) => entry.needsHuman).map((entry) => [entry.file, entry.line]),
      [['discount.ts', 1]],
    );
  });

  it('ignores usages of other flags', () => {
    const usage = usageOf('discount.ts', customWrapper, "isOn('loyalty-discount')", {
      flag: 'loyalty-discount',
      api: 'isOn',
    });
    const result = cleanupFlag({
      flag: 'other-flag',
      value: true,
      files: new Map([['discount.ts', customWrapper]]),
      usages: [usage],
    });
    assert.equal(result.edits.size, 0);
    assert.deepEqual(result.report, []);
  });

  it('leaves a read of the wrong type to a person: flagd answers it with the call default', () => {
    const colors = [
      "import { OpenFeature } from '@openfeature/server-sdk';",
      '',
      'const client = OpenFeature.getClient();',
      '',
      'export async function color(): Promise<string> {',
      "  return client.getStringValue('button-color', 'red');",
      '}',
      '',
      'export async function colorful(): Promise<boolean> {',
      "  return client.getBooleanValue('button-color', false);",
      '}',
      '',
    ].join('\n');
    const common = { flag: 'button-color', sdk: 'openfeature', resolution: 'literal' } as const;
    const usages = [
      usageOf('colors.ts', colors, "client.getStringValue('button-color', 'red')", {
        ...common,
        api: 'getStringValue',
        expectedType: 'string',
      }),
      usageOf('colors.ts', colors, "client.getBooleanValue('button-color', false)", {
        ...common,
        api: 'getBooleanValue',
        expectedType: 'boolean',
      }),
    ];
    const result = cleanupFlag({
      flag: 'button-color',
      value: 'blue',
      files: new Map([['colors.ts', colors]]),
      usages,
    });
    assert.equal(
      result.edits.get('colors.ts')?.newText,
      colors.replace("client.getStringValue('button-color', 'red')", "'blue'"),
    );
    assert.deepEqual(result.report, [
      {
        file: 'colors.ts',
        line: 10,
        message:
          "`getBooleanValue('button-color', …)` reads the flag as a boolean, but it serves strings: flagd answers this call with its default, not the value. Left for a person.",
        needsHuman: true,
      },
      {
        file: 'colors.ts',
        line: 6,
        message: "Replaced `client.getStringValue('button-color', 'red')` with `'blue'`.",
        needsHuman: false,
      },
    ]);
  });

  it('deletes an export nothing imports any more, unless asked to keep unused exports', () => {
    const shipping = [
      "import { OpenFeature } from '@openfeature/server-sdk';",
      '',
      'const client = OpenFeature.getClient();',
      '',
      'export function legacyOptions(): string[] {',
      "  return ['standard'];",
      '}',
      '',
      'export async function options(): Promise<string[]> {',
      "  return (await client.getBooleanValue('express', false)) ? ['standard', 'express'] : legacyOptions();",
      '}',
      '',
    ].join('\n');
    const cleaned = [
      'export async function options(): Promise<string[]> {',
      "  return ['standard', 'express'];",
      '}',
      '',
    ].join('\n');
    const deleting = cleanupFlag({
      flag: 'express',
      value: true,
      files: new Map([['shipping.ts', shipping]]),
      usages: [],
    });
    assert.equal(deleting.edits.get('shipping.ts')?.newText, cleaned);

    const keeping = cleanupFlag({
      flag: 'express',
      value: true,
      files: new Map([['shipping.ts', shipping]]),
      usages: [],
      keepUnusedExports: true,
    });
    assert.equal(
      keeping.edits.get('shipping.ts')?.newText,
      ['export function legacyOptions(): string[] {', "  return ['standard'];", '}', '', cleaned].join('\n'),
    );
    assert.ok(
      keeping.report.some(
        (entry) => entry.message.startsWith('Kept export `legacyOptions`') && entry.line === 5,
      ),
    );
  });

  it('keeps the line endings of a CRLF file', () => {
    const text = [
      "import { OpenFeature } from '@openfeature/server-sdk';",
      '',
      'const client = OpenFeature.getClient();',
      '',
      'export async function total(validate: () => boolean): Promise<number> {',
      "  if (validate() && (await client.getBooleanValue('k', false))) {",
      '    return 1;',
      '  }',
      '  return 2;',
      '}',
      '',
    ].join('\r\n');
    const result = cleanupFlag({ flag: 'k', value: false, files: new Map([['a.ts', text]]), usages: [] });
    assert.equal(
      result.edits.get('a.ts')?.newText,
      [
        'export async function total(validate: () => boolean): Promise<number> {',
        '  validate();',
        '  return 2;',
        '}',
        '',
      ].join('\r\n'),
    );
  });

  it('changes nothing in a workspace that does not use the flag', () => {
    const result = cleanupFlag({
      flag: 'absent',
      value: true,
      files: new Map([['toggles.ts', toggles]]),
      usages: [],
    });
    assert.deepEqual(result, { edits: new Map(), deletedFiles: [], report: [] });
  });
});

describe('minimal edits of a cleaned file', () => {
  it('are one trimmed edit per changed region, reproducing the new text', () => {
    const before = ['a', 'keep 1', 'if (x) {', '  y();', '}', 'keep 2', 'z(1);', ''].join('\n');
    const after = ['a', 'keep 1', 'y();', 'keep 2', 'z(2);', ''].join('\n');
    const edits = minimalEdits(before, after);
    assert.deepEqual(edits, [
      { offset: 9, length: 17, content: 'y();' },
      { offset: 36, length: 1, content: '2' },
    ]);
    assert.equal(applyOffsetEdits(before, edits), after);
  });

  it('are empty for an unchanged text', () => {
    assert.deepEqual(minimalEdits('same\n', 'same\n'), []);
  });
});

describe('the cleanup core', () => {
  it('touches no file system, process or editor API (it is a pure library)', () => {
    const directory = resolve(__dirname, '../../server/src/core/cleanup');
    for (const name of readdirSync(directory)) {
      const source = readFileSync(join(directory, name), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      for (const module of imports) {
        assert.ok(
          module.startsWith('.') || module === 'ts-morph' || module === 'diff',
          `${name} imports ${module}`,
        );
      }
    }
  });
});
