import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { type Node, getNodeValue, parseTree } from 'jsonc-parser';
import type { JsonValue } from '../../shared/src/registryModel';
import * as edits from '../../server/src/core/edits/registryEdits';
import { type OffsetEdit, applyOffsetEdits } from '../../server/src/core/textEdit';

/**
 * Every structured edit of a registry file touches only what it changes: the bytes of every value
 * it leaves as it was stay as they were, however that value was laid out (one line or several).
 * Where the edits may write is computed from the two JSON values alone (`allowedChanges`), not from
 * how the editor works.
 */

type Json = JsonValue;
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((item) => sorted(item) as Json);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted(value[key]) as Json]),
  );
}

interface Allowed {
  /** Ranges of the old text that may change. */
  regions: [number, number][];
  /** Ranges of values kept as they were: no edit may write inside them. */
  kept: [number, number][];
}

/**
 * Compares the old text's tree with the new value. Unchanged values are kept; an object with the
 * same keys and an array of the same length differ child by child; an array that grew or shrank
 * keeps the elements equal at its start and end and may change between them; an object that
 * gained or lost keys may change around the properties whose values stayed.
 */
function allowedChanges(node: Node, value: Json, out: Allowed): void {
  const old = getNodeValue(node) as Json;
  const range: [number, number] = [node.offset, node.offset + node.length];
  if (sameJson(old, value)) {
    out.kept.push(range);
    return;
  }
  if (node.type === 'object' && isObject(value)) {
    const properties = node.children ?? [];
    const keys = properties.map((property) => property.children?.[0].value as string);
    const sameKeys = keys.length === Object.keys(value).length && keys.every((key) => key in value);
    if (!sameKeys) out.regions.push(range);
    for (const property of properties) {
      const [keyNode, child] = property.children ?? [];
      const key = keyNode.value as string;
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (!sameKeys && sameJson(getNodeValue(child) as Json, value[key]))
        out.kept.push([keyNode.offset, child.offset + child.length]);
      else allowedChanges(child, value[key], out);
    }
    return;
  }
  if (node.type === 'array' && Array.isArray(value)) {
    const items = node.children ?? [];
    if (items.length === value.length) {
      items.forEach((item, index) => allowedChanges(item, value[index], out));
      return;
    }
    const olds = items.map((item) => getNodeValue(item) as Json);
    let prefix = 0;
    while (prefix < items.length && prefix < value.length && sameJson(olds[prefix], value[prefix])) prefix++;
    let suffix = 0;
    while (
      suffix < items.length - prefix &&
      suffix < value.length - prefix &&
      sameJson(olds[items.length - 1 - suffix], value[value.length - 1 - suffix])
    )
      suffix++;
    for (const item of [...items.slice(0, prefix), ...items.slice(items.length - suffix)])
      out.kept.push([item.offset, item.offset + item.length]);
    const start = prefix > 0 ? items[prefix - 1].offset + items[prefix - 1].length : node.offset + 1;
    const end = suffix > 0 ? items[items.length - suffix].offset : node.offset + node.length - 1;
    out.regions.push([start, end]);
    return;
  }
  out.regions.push(range);
}

function violations(before: string, made: OffsetEdit[]): string[] {
  const after = applyOffsetEdits(before, made);
  const root = parseTree(before) as Node;
  const allowed: Allowed = { regions: [], kept: [] };
  allowedChanges(root, JSON.parse(after) as Json, allowed);
  const problems: string[] = [];
  for (const edit of made) {
    const start = edit.offset;
    const end = edit.offset + edit.length;
    const shown = `${JSON.stringify(before.slice(start, end))} -> ${JSON.stringify(edit.content)} at ${start}`;
    if (!allowed.regions.some(([from, to]) => from <= start && end <= to))
      problems.push(`${shown}: outside every changed value`);
    const inside = allowed.kept.find(([from, to]) =>
      end > start ? start < to && end > from : from < start && start < to,
    );
    if (inside) problems.push(`${shown}: inside the unchanged ${JSON.stringify(before.slice(...inside))}`);
  }
  return problems;
}

/** Prints a value with each container on one line or several, as `oneLine` decides in turn. */
function layOut(value: Json, indentUnit: string, oneLine: boolean[]): string {
  let turn = 0;
  const print = (node: Json, indent: string): string => {
    if (node === null || typeof node !== 'object') return JSON.stringify(node);
    const entries: [string | undefined, Json][] = Array.isArray(node)
      ? node.map((item) => [undefined, item])
      : Object.entries(node);
    if (entries.length === 0) return Array.isArray(node) ? '[]' : '{}';
    const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
    const label = (key: string | undefined) => (key === undefined ? '' : `${JSON.stringify(key)}: `);
    const inline = oneLine[turn++ % oneLine.length];
    if (inline) {
      const parts = entries.map(([key, child]) => label(key) + print(child, indent));
      return Array.isArray(node) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
    }
    const inner = indent + indentUnit;
    const lines = entries.map(([key, child]) => inner + label(key) + print(child, inner));
    return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
  };
  return `${print(value, '')}\n`;
}

const FLAGS: Record<string, string[]> = { a: ['on', 'off'], b: ['red', 'blue'], c: ['on', 'off'] };

const base: Json = {
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  flags: {
    a: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      metadata: { owner: 'x' },
    },
    b: { state: 'ENABLED', variants: { red: 'red', blue: 'blue' }, defaultVariant: 'red' },
    c: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  },
  $evaluators: { beta: { in: [{ var: 'email' }, ['ada@acme.com', 'grace@acme.com']] } },
};

type Edit = (text: string) => OffsetEdit[];

const flagKey = fc.constantFrom('a', 'b', 'c');
const user = fc.constantFrom('u-1', 'u-2', 'u-3');
const variantOf = (flag: string, pick: number) => FLAGS[flag][pick % FLAGS[flag].length];

/** One structured edit, as the server's commands and the CLI make them. */
const anEdit: fc.Arbitrary<{ name: string; run: Edit }> = fc.oneof(
  fc.record({ flag: flagKey, on: fc.boolean() }).map(({ flag, on }) => ({
    name: `toggle ${flag} ${on}`,
    run: (text: string) => edits.toggleFlag(text, flag, on),
  })),
  fc.record({ flag: flagKey, pick: fc.nat() }).map(({ flag, pick }) => ({
    name: `default ${flag}`,
    run: (text: string) => edits.setDefaultVariant(text, flag, variantOf(flag, pick)),
  })),
  fc.record({ flag: flagKey, pick: fc.nat(), percent: fc.integer({ min: 0, max: 100 }) }).map((change) => ({
    name: `rollout ${change.flag} ${change.percent}`,
    run: (text: string) =>
      edits.setRollout(text, change.flag, {
        variant: variantOf(change.flag, change.pick),
        percent: change.percent,
      }),
  })),
  fc.record({ flag: flagKey, value: user, pick: fc.nat() }).map(({ flag, value, pick }) => ({
    name: `override ${flag} ${value}`,
    run: (text: string) => edits.addOverride(text, flag, { value, variant: variantOf(flag, pick) }),
  })),
  fc.record({ flag: flagKey, value: user }).map(({ flag, value }) => ({
    name: `remove override ${flag} ${value}`,
    run: (text: string) => edits.removeOverride(text, flag, { value }),
  })),
  fc.record({ flag: flagKey, value: user }).map(({ flag, value }) => ({
    name: `exclude ${flag} ${value}`,
    run: (text: string) => edits.addExclusion(text, flag, value),
  })),
  fc.record({ flag: flagKey, value: user }).map(({ flag, value }) => ({
    name: `remove exclusion ${flag} ${value}`,
    run: (text: string) => edits.removeExclusion(text, flag, value),
  })),
  fc
    .record({ flag: flagKey, day: fc.integer({ min: 1, max: 20 }), open: fc.boolean() })
    .map(({ flag, day, open }) => ({
      name: `window ${flag} ${day}`,
      run: (text: string) =>
        edits.setTimeWindow(text, flag, {
          from: `2026-12-${String(day).padStart(2, '0')}T00:00:00Z`,
          ...(open ? {} : { until: '2027-01-01T00:00:00Z' }),
        }),
    })),
  fc.record({ flag: flagKey, pick: fc.nat() }).map(({ flag, pick }) => ({
    name: `segment ${flag}`,
    run: (text: string) => edits.addSegment(text, flag, { name: 'beta', variant: variantOf(flag, pick) }),
  })),
  flagKey.map((flag) => ({
    name: `remove segment ${flag}`,
    run: (text: string) => edits.removeSegment(text, flag, 'beta'),
  })),
  fc.record({ flag: flagKey, other: flagKey, pick: fc.nat() }).map(({ flag, other, pick }) => ({
    name: `prerequisite ${flag} on ${other}`,
    run: (text: string) =>
      edits.setPrerequisite(text, flag, { flag: other, variant: variantOf(other, pick) }),
  })),
  fc.record({ flag: flagKey, other: flagKey }).map(({ flag, other }) => ({
    name: `remove prerequisite ${flag} on ${other}`,
    run: (text: string) => edits.removePrerequisite(text, flag, other),
  })),
  fc
    .record({
      flag: flagKey,
      key: fc.constantFrom('owner', 'ticket'),
      value: fc.option(fc.string({ maxLength: 5 })),
    })
    .map(({ flag, key, value }) => ({
      name: `metadata ${flag} ${key}`,
      run: (text: string) => edits.setMetadata(text, flag, key, value ?? undefined),
    })),
  flagKey.map((flag) => ({ name: `remove ${flag}`, run: (text: string) => edits.removeFlag(text, flag) })),
  flagKey.map((flag) => ({
    name: `rename ${flag}`,
    run: (text: string) => edits.renameFlag(text, flag, `${flag}2`),
  })),
  fc.constant({
    name: 'add d',
    run: (text: string) =>
      edits.addFlag(text, 'd', { variants: { on: true, off: false }, defaultVariant: 'off' }),
  }),
);

/** Applies an edit, or leaves the text as it is when the edit is refused (unknown user, cycle...). */
function tryEdit(text: string, edit: Edit): OffsetEdit[] | undefined {
  try {
    return edit(text);
  } catch (error) {
    if (error instanceof edits.RegistryEditError) return undefined;
    throw error;
  }
}

describe('structured edits touch only what they change', () => {
  it('leaves every unchanged value byte for byte, in files laid out on one line or several', () => {
    fc.assert(
      fc.property(
        fc.array(anEdit, { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('  ', '    ', '\t'),
        anEdit,
        (setup, oneLine, indentUnit, edit) => {
          // Rules built up by earlier edits, then the file laid out as a person might have it.
          let text = `${JSON.stringify(base, null, 2)}\n`;
          for (const step of setup) {
            const made = tryEdit(text, step.run);
            if (made) text = applyOffsetEdits(text, made);
          }
          const before = layOut(JSON.parse(text) as Json, indentUnit, oneLine);
          const made = tryEdit(before, edit.run);
          if (!made) return;
          assert.deepEqual(violations(before, made), [], `${edit.name} on\n${before}`);
        },
      ),
      { numRuns: 1000, seed: 20261204 },
    );
  });

  it('changes only the weights when a rollout is saved next to a one-line exclusion', () => {
    // The case that was reported: the exclusion rung was re-laid over six lines.
    const before = [
      '{',
      '  "flags": {',
      '    "f": {',
      '      "state": "ENABLED",',
      '      "variants": {',
      '        "on": true,',
      '        "off": false',
      '      },',
      '      "defaultVariant": "off",',
      '      "targeting": {',
      '        "if": [',
      '          { "in": [{ "var": "targetingKey" }, ["u-1", "u-2"]] },',
      '          "off",',
      '          {',
      '            "fractional": [',
      '              {',
      '                "cat": [',
      '                  "f",',
      '                  {',
      '                    "var": "targetingKey"',
      '                  }',
      '                ]',
      '              },',
      '              [',
      '                "on",',
      '                10',
      '              ],',
      '              [',
      '                "off",',
      '                90',
      '              ]',
      '            ]',
      '          }',
      '        ]',
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const after = applyOffsetEdits(before, edits.setRollout(before, 'f', { variant: 'on', percent: 30 }));
    assert.equal(
      after,
      before
        .replace('                10\n', '                30\n')
        .replace('                90\n', '                70\n'),
    );
  });
});
