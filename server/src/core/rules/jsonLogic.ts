/**
 * Reading JsonLogic trees as data. Nothing here evaluates a rule (flagd-core does that); these
 * helpers only recognise shapes so the renderer can put them into words.
 */
import type { JsonObject, JsonValue } from '../../../../shared/src/registryModel';

/** One JsonLogic operation: `{"op": args}`. */
export interface Operation {
  op: string;
  /** The arguments as JsonLogic reads them: a non-array argument is a single argument. */
  args: JsonValue[];
  /** The value under the operator key, as written. */
  raw: JsonValue;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The operation a node stands for, or undefined for literals and objects that are not one-key operations. */
export function asOperation(node: JsonValue | undefined): Operation | undefined {
  if (!isJsonObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const op = keys[0];
  const raw = node[op];
  return { op, raw, args: Array.isArray(raw) ? raw : [raw] };
}

/** The context path read by a `var`, when the node is a `var` with a literal string path. */
export function varPath(node: JsonValue | undefined): string | undefined {
  const operation = asOperation(node);
  if (operation?.op !== 'var') return undefined;
  const path = Array.isArray(operation.raw) ? operation.raw[0] : operation.raw;
  if (Array.isArray(operation.raw) && operation.raw.length > 2) return undefined;
  return typeof path === 'string' ? path : undefined;
}

/** Own-property lookup: registry keys such as "constructor" must not hit Object.prototype. */
export function ownValue<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export function hasOwnKey(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The faithful fallback for anything the renderer has no words for. */
export function compactJson(value: JsonValue): string {
  return JSON.stringify(value);
}
