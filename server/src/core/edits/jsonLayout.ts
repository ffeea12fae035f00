/**
 * How a JSON file is laid out (indent unit, line ends, inline or expanded containers) and how to
 * print a new value so that it looks like it was written by the same hand.
 *
 * jsonc-parser's formatter is not used for new text: it re-lays the whole line around an
 * insertion (exploding a neighbouring `{ "on": true, "off": false }` into five lines), which would
 * change text outside the edit. Printing here only ever produces the new value itself.
 */
import { type Node, parseTree } from 'jsonc-parser';
import type { JsonValue } from '../../../../shared/src/registryModel';

export type ContainerStyle =
  /** One line, no spaces: `{"on":true}` (minified files). */
  | 'compact'
  /** Every non-empty object and array on several lines, as JSON.stringify(value, null, 2) writes. */
  | 'expanded'
  /** Prettier's way: a container stays on one line when it fits, `{ "var": "email" }`. */
  | 'fit';

export interface JsonLayout {
  /** One level of indentation: `"\t"` or a run of spaces. */
  indentUnit: string;
  eol: '\n' | '\r\n';
  style: ContainerStyle;
}

/** Lines longer than this are broken when the file itself keeps short containers on one line. */
export const PRINT_WIDTH = 80;

/** Width of a tab when measuring whether an inline container fits. */
const TAB_WIDTH = 4;

export function inferLayout(text: string, root: Node | undefined = parseTree(text)): JsonLayout {
  const firstLineEnd = text.indexOf('\n');
  const eol = firstLineEnd > 0 && text[firstLineEnd - 1] === '\r' ? '\r\n' : '\n';
  if (!/[\r\n]/.test(text.trim())) return { indentUnit: '', eol, style: 'compact' };
  return { indentUnit: inferIndentUnit(text), eol, style: containerStyle(text, root) };
}

/** The smallest indentation in the file: top-level properties sit exactly one unit deep. */
function inferIndentUnit(text: string): string {
  let smallest: number | undefined;
  for (const match of text.matchAll(/(?:^|\n)([ \t]+)\S/g)) {
    const indent = match[1];
    if (indent.startsWith('\t')) return '\t';
    if (smallest === undefined || indent.length < smallest) smallest = indent.length;
  }
  return ' '.repeat(smallest ?? 2);
}

/**
 * `fit` when some non-empty container keeps its first element on its opening line, `expanded`
 * when every non-empty container below the root is expanded, and `fit` when the file has too
 * little to tell (a new file holding `{"flags": {}}`).
 */
function containerStyle(text: string, root: Node | undefined): ContainerStyle {
  let expandedSeen = false;
  const pending: Node[] = root ? [root] : [];
  while (pending.length > 0) {
    const node = pending.pop() as Node;
    if ((node.type === 'object' || node.type === 'array') && node.children && node.children.length > 0) {
      if (!/[\r\n]/.test(text.slice(node.offset + 1, node.children[0].offset))) return 'fit';
      if (node !== root) expandedSeen = true;
    }
    for (const child of node.children ?? []) pending.push(child);
  }
  return expandedSeen ? 'expanded' : 'fit';
}

/** A path inside a printed value: object keys and array indexes from the value's root. */
export type ValuePath = readonly (string | number)[];

export interface PrintOptions {
  /** The indentation of the line the value starts on. */
  indent: string;
  /** The column the value starts at, to know whether an inline container still fits. */
  column: number;
  /** Containers that must be expanded even when they would fit (the rungs of a ladder read better one per line). */
  expand?: (path: ValuePath) => boolean;
  /** Keep the value on one line whatever its width (it goes into a one-line container). */
  oneLine?: boolean;
}

export function printJson(value: JsonValue, layout: JsonLayout, options: PrintOptions): string {
  if (layout.style === 'compact') return JSON.stringify(value);
  const printer = new Printer(layout, options.expand ?? (() => false));
  return (
    (options.oneLine ? printer.inline(value, []) : undefined) ??
    printer.print(value, options.indent, options.column, [])
  );
}

/** Visual width of a piece of a line, tabs counted as TAB_WIDTH. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch === '\t' ? TAB_WIDTH : 1;
  return width;
}

class Printer {
  constructor(
    private readonly layout: JsonLayout,
    private readonly mustExpand: (path: ValuePath) => boolean,
  ) {}

  print(value: JsonValue, indent: string, column: number, path: ValuePath): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const entries = containerEntries(value);
    if (entries.length === 0) return Array.isArray(value) ? '[]' : '{}';
    if (this.layout.style === 'fit') {
      const inline = this.inline(value, path);
      if (inline !== undefined && column + inline.length <= PRINT_WIDTH) return inline;
    }
    const inner = indent + this.layout.indentUnit;
    const innerWidth = textWidth(inner);
    const lines = entries.map(([key, child]) => {
      const label = typeof key === 'string' ? `${JSON.stringify(key)}: ` : '';
      return inner + label + this.print(child, inner, innerWidth + label.length, [...path, key]);
    });
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    const { eol } = this.layout;
    return `${open}${eol}${lines.join(`,${eol}`)}${eol}${indent}${close}`;
  }

  /** The one-line form, or undefined when some container inside must be expanded. */
  inline(value: JsonValue, path: ValuePath): string | undefined {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const entries = containerEntries(value);
    if (entries.length === 0) return Array.isArray(value) ? '[]' : '{}';
    if (this.mustExpand(path)) return undefined;
    const parts: string[] = [];
    for (const [key, child] of entries) {
      const printed = this.inline(child, [...path, key]);
      if (printed === undefined) return undefined;
      parts.push(typeof key === 'string' ? `${JSON.stringify(key)}: ${printed}` : printed);
    }
    return Array.isArray(value) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
  }
}

function containerEntries(value: JsonValue[] | { [key: string]: JsonValue }): [string | number, JsonValue][] {
  return Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
}
