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
      this.apply({
        offset: existing.offset,
        length: existing.length,
        content: this.printAt(value, existing.offset, expand),
      });
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

  private printAt(value: JsonValue, offset: number, expand?: (path: ValuePath) => boolean): string {
    const text = this.current;
    return printJson(value, this.layout, {
      indent: lineIndent(text, offset),
      column: textWidth(linePrefix(text, offset)),
      expand,
    });
  }
}

function wrap(
  key: string,
  expand: ((path: ValuePath) => boolean) | undefined,
): ((path: ValuePath) => boolean) | undefined {
  return expand && ((inner: ValuePath) => inner.length > 0 && inner[0] === key && expand(inner.slice(1)));
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
