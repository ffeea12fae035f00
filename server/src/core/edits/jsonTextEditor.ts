/**
 * Edits of a JSON text by path that touch nothing but the changed property: the rest of the file
 * keeps its bytes, and new text follows the file's indentation, line ends and container style.
 *
 * jsonc-parser reads the text (offsets of every node); its `modify` is not used to write, because
 * with formatting options it re-lays the lines around an insertion and without them it writes
 * new properties on the line of the previous one and removes a first property together with the
 * line break after `{`. The cases here are few enough to lay out by hand.
 */
import { type Node, findNodeAtLocation, getNodeValue, parseTree } from 'jsonc-parser';
import type { JsonValue } from '../../../../shared/src/registryModel';
import type { OffsetEdit } from '../textEdit';
import { type JsonLayout, type ValuePath, inferLayout, printJson, textWidth } from './jsonLayout';
import { OffsetEditLog } from './offsetEditLog';
import { RegistryEditError } from './registryEditError';

/** A path from the document root: object keys and array indexes. */
export type PropertyPath = readonly (string | number)[];

export class JsonTextEditor {
  private current: string;
  private readonly layout: JsonLayout;
  private readonly log: OffsetEditLog;

  constructor(original: string) {
    this.current = original;
    this.layout = inferLayout(original);
    this.log = new OffsetEditLog(original);
  }

  get text(): string {
    return this.current;
  }

  /** The value at `path` in the current text, or undefined when there is none. */
  valueAt(path: PropertyPath): JsonValue | undefined {
    const node = findNodeAtLocation(parseTree(this.current) as Node, [...path]);
    return node ? (getNodeValue(node) as JsonValue) : undefined;
  }

  /**
   * Sets the value at `path`, replacing an existing value in place or appending a property to
   * its object (creating missing parent objects). `expand` names containers of `value` that must
   * be laid out one element per line.
   */
  set(path: PropertyPath, value: JsonValue, expand?: (path: ValuePath) => boolean): void {
    if (path.length === 0) throw new Error('The document root cannot be replaced by a structured edit.');
    const root = parseTree(this.current) as Node;
    const existing = findNodeAtLocation(root, [...path]);
    if (existing) {
      this.replace(existing, value, expand, isOnOneLine(this.current, existing.parent));
      return;
    }
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    const parent = parentPath.length === 0 ? root : findNodeAtLocation(root, [...parentPath]);
    if (typeof key !== 'string')
      throw new Error(`Array element ${key} of "${parentPath.join('.')}" does not exist.`);
    if (!parent) {
      this.set(parentPath, { [key]: value }, wrap(key, expand));
      return;
    }
    if (parent.type !== 'object') {
      throw new RegistryEditError(`"${parentPath.join('.') || 'the document'}" is not a JSON object.`);
    }
    this.appendProperty(parent, key, value, expand);
  }

  /** Removes the property at `path` with its comma; nothing happens when it is absent. */
  remove(path: PropertyPath): void {
    const root = parseTree(this.current) as Node;
    const property = findNodeAtLocation(root, [...path])?.parent;
    const parent = property?.parent;
    if (!property || property.type !== 'property' || parent?.type !== 'object') return;
    const siblings = parent.children ?? [];
    const index = siblings.indexOf(property);
    if (siblings.length === 1) {
      // An emptied object reads better as `{}` than as its leftover line break.
      this.apply({ offset: parent.offset, length: parent.length, content: '{}' });
    } else if (index === 0) {
      // Up to the next property: the whitespace after `{` stays, so the next one takes this place.
      this.apply({ offset: property.offset, length: siblings[1].offset - property.offset, content: '' });
    } else {
      // From the end of the previous property: its comma and this property's line go.
      const previous = siblings[index - 1];
      const start = previous.offset + previous.length;
      this.apply({ offset: start, length: property.offset + property.length - start, content: '' });
    }
  }

  /** Renames the property at `path`, keeping its value and position. */
  renameKey(path: PropertyPath, newKey: string): void {
    const root = parseTree(this.current) as Node;
    const keyNode = findNodeAtLocation(root, [...path])?.parent?.children?.[0];
    if (!keyNode) throw new RegistryEditError(`"${path.join('.')}" does not exist.`);
    this.apply({ offset: keyNode.offset, length: keyNode.length, content: JSON.stringify(newKey) });
  }

  /**
   * Turns `node` into `value` touching only what differs: an object with the same keys or an
   * array of the same length is changed child by child, an array that grows or shrinks keeps
   * the elements it shares at its start and end; only what is left is printed anew. Unchanged
   * values keep their bytes, one-line or not. Children are visited from the last to the first,
   * so the offsets of those still to visit stay valid.
   */
  private replace(
    node: Node,
    value: JsonValue,
    expand: ((path: ValuePath) => boolean) | undefined,
    /** Whether the container holding `node` is on one line, judged before any edit inside it. */
    inOneLine: boolean,
  ): void {
    const old = getNodeValue(node) as JsonValue;
    if (sameJson(old, value)) return;
    if (node.type === 'object' && isJsonObject(value) && isJsonObject(old) && sameKeys(old, value)) {
      const oneLine = isOnOneLine(this.current, node);
      for (const property of [...(node.children ?? [])].reverse()) {
        const [keyNode, child] = property.children ?? [];
        if (!keyNode || !child) continue;
        const key = keyNode.value as string;
        this.replace(child, value[key], descend(expand, key), oneLine);
      }
      return;
    }
    if (
      node.type === 'array' &&
      Array.isArray(value) &&
      (node.children ?? []).length > 0 &&
      value.length > 0
    ) {
      this.replaceElements(node, value, expand);
      return;
    }
    this.apply({
      offset: node.offset,
      length: node.length,
      content: this.printAt(value, node.offset, expand, inOneLine),
    });
  }

  private replaceElements(
    node: Node,
    value: JsonValue[],
    expand: ((path: ValuePath) => boolean) | undefined,
  ): void {
    const items = node.children ?? [];
    const text = this.current;
    const oneLine = isOnOneLine(text, node);
    if (items.length === value.length) {
      for (let index = items.length - 1; index >= 0; index--)
        this.replace(items[index], value[index], descend(expand, index), oneLine);
      return;
    }
    const oldValues = items.map((item) => getNodeValue(item) as JsonValue);
    let prefix = 0;
    while (prefix < items.length && prefix < value.length && sameJson(oldValues[prefix], value[prefix]))
      prefix++;
    let suffix = 0;
    while (
      suffix < items.length - prefix &&
      suffix < value.length - prefix &&
      sameJson(oldValues[items.length - 1 - suffix], value[value.length - 1 - suffix])
    )
      suffix++;
    const separator = elementSeparator(text, node, oneLine, this.layout);
    const first = items[0];
    const indent =
      oneLine || !startsLine(text, first.offset)
        ? lineIndent(text, node.offset)
        : lineIndent(text, first.offset);
    const printed = value.slice(prefix, value.length - suffix).map((element, offset) =>
      printJson(element, this.layout, {
        indent,
        column: oneLine ? textWidth(linePrefix(text, first.offset)) : textWidth(indent),
        expand: descend(expand, prefix + offset),
        oneLine,
      }),
    );
    const removed = items.slice(prefix, items.length - suffix);
    if (removed.length > 0 && printed.length > 0) {
      const start = removed[0].offset;
      const last = removed[removed.length - 1];
      this.apply({
        offset: start,
        length: last.offset + last.length - start,
        content: printed.join(separator),
      });
    } else if (removed.length > 0) {
      // Removing elements takes one separator with them: the one before, or else the one after.
      const last = removed[removed.length - 1];
      const start = prefix > 0 ? items[prefix - 1].offset + items[prefix - 1].length : removed[0].offset;
      const end = prefix > 0 ? last.offset + last.length : items[items.length - suffix].offset;
      this.apply({ offset: start, length: end - start, content: '' });
    } else if (prefix > 0) {
      const after = items[prefix - 1];
      this.apply({
        offset: after.offset + after.length,
        length: 0,
        content: separator + printed.join(separator),
      });
    } else {
      this.apply({ offset: first.offset, length: 0, content: printed.join(separator) + separator });
    }
  }

  /** Edits of the original text that produce the current text. */
  edits(): OffsetEdit[] {
    return this.log.edits();
  }

  private apply(edit: OffsetEdit): void {
    this.log.record(edit, this.current);
    this.current =
      this.current.slice(0, edit.offset) + edit.content + this.current.slice(edit.offset + edit.length);
  }

  private appendProperty(
    parent: Node,
    key: string,
    value: JsonValue,
    expand?: (path: ValuePath) => boolean,
  ): void {
    const properties = parent.children ?? [];
    if (properties.length === 0) {
      // `{}` becomes a whole new object, laid out like any other new value.
      this.apply({
        offset: parent.offset,
        length: parent.length,
        content: this.printAt({ [key]: value }, parent.offset, wrap(key, expand)),
      });
      return;
    }
    const text = this.current;
    const first = properties[0];
    const last = properties[properties.length - 1];
    const multiline = /[\r\n]/.test(text.slice(parent.offset + 1, first.offset));
    let separator: string;
    let indent: string;
    if (multiline) {
      indent = startsLine(text, first.offset)
        ? lineIndent(text, first.offset)
        : lineIndent(text, parent.offset) + this.layout.indentUnit;
      separator = `,${this.layout.eol}${indent}`;
    } else {
      indent = lineIndent(text, parent.offset);
      const between =
        properties.length > 1
          ? text.slice(properties[0].offset + properties[0].length, properties[1].offset)
          : '';
      separator = /^[ \t]*,[ \t]*$/.test(between) ? between : this.layout.style === 'compact' ? ',' : ', ';
    }
    const lastKey = last.children?.[0];
    const lastValue = last.children?.[1];
    const between = lastKey && lastValue ? text.slice(lastKey.offset + lastKey.length, lastValue.offset) : '';
    const colon = /^[ \t]*:[ \t]*$/.test(between) ? between : this.layout.style === 'compact' ? ':' : ': ';
    const label = `${JSON.stringify(key)}${colon}`;
    const insertAt = last.offset + last.length;
    const column = multiline ? textWidth(indent) : textWidth(linePrefix(text, insertAt)) + separator.length;
    const printed = printJson(value, this.layout, {
      indent,
      column: column + label.length,
      expand,
      oneLine: !multiline,
    });
    this.apply({ offset: insertAt, length: 0, content: `${separator}${label}${printed}` });
  }

  private printAt(
    value: JsonValue,
    offset: number,
    expand?: (path: ValuePath) => boolean,
    oneLine = false,
  ): string {
    const text = this.current;
    return printJson(value, this.layout, {
      indent: lineIndent(text, offset),
      column: textWidth(linePrefix(text, offset)),
      expand,
      oneLine,
    });
  }
}

function wrap(
  key: string,
  expand: ((path: ValuePath) => boolean) | undefined,
): ((path: ValuePath) => boolean) | undefined {
  return expand && ((inner: ValuePath) => inner.length > 0 && inner[0] === key && expand(inner.slice(1)));
}

/** `expand` for the value at `key` inside the value it was given for. */
function descend(
  expand: ((path: ValuePath) => boolean) | undefined,
  key: string | number,
): ((path: ValuePath) => boolean) | undefined {
  return expand && ((inner: ValuePath) => expand([key, ...inner]));
}

/** The container holding a node (a property's object), or the node itself when it is one. */
function containerOf(node: Node | undefined): Node | undefined {
  return node?.type === 'property' ? node.parent : node;
}

/** True when the container `node` (or the one holding it) is written on one line. */
function isOnOneLine(text: string, node: Node | undefined): boolean {
  const container = containerOf(node);
  if (!container) return false;
  return !/[\r\n]/.test(text.slice(container.offset, container.offset + container.length));
}

/** What separates two elements of the array `node`: the text between its first two, else the layout's. */
function elementSeparator(text: string, node: Node, oneLine: boolean, layout: JsonLayout): string {
  const items = node.children ?? [];
  if (items.length >= 2) {
    const between = text.slice(items[0].offset + items[0].length, items[1].offset);
    if (/^\s*,\s*$/.test(between)) return between;
  }
  if (oneLine) return layout.style === 'compact' ? ',' : ', ';
  const indent = startsLine(text, items[0].offset)
    ? lineIndent(text, items[0].offset)
    : lineIndent(text, node.offset) + layout.indentUnit;
  return `,${layout.eol}${indent}`;
}

function isJsonObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameKeys(a: { [key: string]: JsonValue }, b: { [key: string]: JsonValue }): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key))
  );
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b))
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameJson(item, b[index]))
    );
  if (!isJsonObject(a) || !isJsonObject(b) || !sameKeys(a, b)) return false;
  return Object.keys(a).every((key) => sameJson(a[key], b[key]));
}

function lineStart(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  return start;
}

function linePrefix(text: string, offset: number): string {
  return text.slice(lineStart(text, offset), offset);
}

/** The leading whitespace of the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(linePrefix(text, offset))?.[0] ?? '';
}

function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(linePrefix(text, offset));
}
