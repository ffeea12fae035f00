/**
 * Reading a JSON definition file of the repository (an experiment, a rollout plan) with positions.
 * Never throws: an empty file, invalid JSON, nesting too deep to parse safely, duplicate keys, a
 * value that is not an object and unknown top-level properties each become a finding at a line and
 * column; the caller then reads the fields it knows through the same `add`.
 */
import {
  type Node,
  type ParseError,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import type { Finding, Range, Severity } from '../../../shared/src/registryModel';
import { inspectJson, MAX_JSON_DEPTH } from './jsonShape';
import { LineIndex } from './text';

/** JSON paths of the parts a check may point at. */
export type JsonPath = (string | number)[];

/** Records a finding at a JSON path (the nearest existing ancestor when the path is missing). */
export type AddFinding = (path: JsonPath, severity: Severity, code: string, message: string) => void;

export interface JsonDocumentKind {
  /** Prefix of the finding codes: `experiment` gives `experiment/invalid-json`. */
  codePrefix: string;
  /** The document as a sentence subject: "An experiment file", "A rollout plan". */
  noun: string;
  /** What an empty file is told it should contain. */
  emptyMessage: string;
  /** The top-level properties the format knows (`$schema` is allowed and not listed). */
  topLevel: ReadonlySet<string>;
}

export interface JsonDocument {
  findings: Finding[];
  rangeOf(path: JsonPath): Range;
  add: AddFinding;
  /** The node at a path, for the exact text of a part. */
  nodeAt(path: JsonPath): Node | undefined;
  /** The top-level object, when the text is one; otherwise the findings say why. */
  object: Record<string, unknown> | undefined;
}

export function readJsonDocument(file: string, text: string, kind: JsonDocumentKind): JsonDocument {
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const errors: ParseError[] = [];
  // Too deep to parse safely (the parser recurses): reported below instead of overflowing the stack.
  const shape = inspectJson(text);
  const root =
    text.trim() === '' || shape.tooDeepAt !== undefined
      ? undefined
      : parseTree(text, errors, { allowTrailingComma: false });
  const nodeAt = (path: JsonPath): Node | undefined => (root ? findNodeAtLocation(root, path) : undefined);
  const rangeOf = (path: JsonPath): Range => {
    // The nearest existing ancestor: a missing property is reported at its object.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = nodeAt(path.slice(0, depth));
      if (node) return lines.rangeOf(node.offset, node.offset + node.length);
    }
    return lines.rangeOf(0, 0);
  };
  const at = (offset: number, length: number, severity: Severity, code: string, message: string): void => {
    findings.push({
      file,
      range: lines.rangeOf(offset, offset + length),
      severity,
      code: `${kind.codePrefix}/${code}`,
      message,
    });
  };
  const add: AddFinding = (path, severity, code, message) => {
    findings.push({ file, range: rangeOf(path), severity, code: `${kind.codePrefix}/${code}`, message });
  };
  const document: JsonDocument = { findings, rangeOf, add, nodeAt, object: undefined };

  if (text.trim() === '') {
    add([], 'error', 'empty', kind.emptyMessage);
    return document;
  }
  if (shape.tooDeepAt !== undefined) {
    at(
      shape.tooDeepAt,
      1,
      'error',
      'too-deep',
      `Nested more than ${MAX_JSON_DEPTH} levels deep here: Flaglens cannot read this file.`,
    );
    return document;
  }
  for (const error of errors)
    at(
      error.offset,
      Math.max(error.length, 1),
      'error',
      'invalid-json',
      `Invalid JSON: ${printParseErrorCode(error.error)}.`,
    );
  if (errors.length > 0 || !root) return document;
  for (const duplicate of shape.duplicates) {
    const first = lines.positionAt(duplicate.firstOffset);
    at(
      duplicate.offset,
      duplicate.length,
      'error',
      'duplicate-key',
      `Duplicate key ${JSON.stringify(duplicate.key)} (also at line ${first.line + 1}, column ${first.character + 1}): this last one is used and the other ignored; remove one.`,
    );
  }
  if (root.type !== 'object') {
    add([], 'error', 'not-an-object', `${kind.noun} must be a JSON object.`);
    return document;
  }
  for (const property of root.children ?? []) {
    const name = property.children?.[0];
    if (name && typeof name.value === 'string' && !kind.topLevel.has(name.value))
      at(
        name.offset,
        name.length,
        'warning',
        'unknown-property',
        `Unknown property "${name.value}"; known: ${[...kind.topLevel].filter((key) => key !== '$schema').join(', ')}.`,
      );
  }
  document.object = getNodeValue(root) as Record<string, unknown>;
  return document;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `"a", "b", "c"`: the allowed values of a field, for messages. */
export function quotedList(values: readonly string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}

/** `checkout-button` for `experiments/checkout-button.experiment.json` and suffix `.experiment.json`. */
export function keyFromFileName(file: string, suffix: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

export function isIsoInstant(text: string): boolean {
  // A date and a time with an explicit zone: a bare date or local time would depend on the reader.
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(Date.parse(text))
  );
}

/**
 * Reads the string fields of one object of a list (a metric, a guardrail): each missing or invalid
 * field is a finding at the item (when missing) or at the field, and `undefined`.
 */
export function itemStringField(
  item: Record<string, unknown>,
  at: JsonPath,
  add: AddFinding,
  labels: { noun: string; code: string; choiceCode?: string },
): <T extends string>(name: string, allowed?: readonly T[], fallback?: T) => T | undefined {
  return <T extends string>(name: string, allowed?: readonly T[], fallback?: T): T | undefined => {
    const raw = item[name] ?? fallback;
    if (typeof raw === 'string' && raw !== '' && (!allowed || (allowed as readonly string[]).includes(raw)))
      return raw as T;
    const given = item[name];
    add(
      given === undefined ? at : [...at, name],
      'error',
      allowed ? (labels.choiceCode ?? labels.code) : labels.code,
      allowed
        ? `${labels.noun} "${name}" must be one of ${quotedList(allowed)}${given === undefined ? '' : `, not ${JSON.stringify(given)}`}.`
        : `${labels.noun} "${name}" must be a non-empty string.`,
    );
    return undefined;
  };
}

/** A required non-empty string property of the top-level object, or a finding and `undefined`. */
export function requiredString(
  object: Record<string, unknown>,
  name: string,
  add: AddFinding,
): string | undefined {
  const value = object[name];
  if (typeof value === 'string' && value.trim() !== '') return value;
  add(value === undefined ? [] : [name], 'error', 'missing-field', `"${name}" must be a non-empty string.`);
  return undefined;
}

/** A required ISO date-time with a zone, or a finding and `undefined`. */
export function requiredInstant(
  object: Record<string, unknown>,
  name: string,
  add: AddFinding,
  example: string,
): string | undefined {
  const value = object[name];
  if (typeof value === 'string' && isIsoInstant(value)) return value;
  add(
    value === undefined ? [] : [name],
    'error',
    'invalid-date',
    `"${name}" must be an ISO date-time with a zone, e.g. "${example}".`,
  );
  return undefined;
}
