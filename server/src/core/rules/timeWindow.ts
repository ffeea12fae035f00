/**
 * Time windows: comparisons of `$flagd.timestamp` (unix seconds, injected by flagd as an integer)
 * with a number read as `from <date>` / `until <date>`.
 */
import type { JsonValue } from '../../../../shared/src/registryModel';
import { formatInstant } from './format';
import { varPath, type Operation } from './jsonLogic';

/** `from` is inclusive, `until` exclusive, both unix seconds. */
export interface TimeWindow {
  from?: number;
  until?: number;
}

const TIMESTAMP = '$flagd.timestamp';

function isTimestamp(node: JsonValue): boolean {
  return varPath(node) === TIMESTAMP;
}

// The timestamp is an integer, so every strict or non-strict bound becomes an inclusive start or
// an exclusive end; that lets one vocabulary (from/until) describe all four comparison operators.
const startAtOrAfter = (n: number): number => Math.ceil(n);
const startAfter = (n: number): number => Math.floor(n) + 1;
const endBefore = (n: number): number => Math.ceil(n);
const endAtOrBefore = (n: number): number => Math.floor(n) + 1;

/** The window a comparison describes, or undefined when it is not a timestamp-vs-number comparison. */
export function windowOfComparison(operation: Operation): TimeWindow | undefined {
  const { op, args } = operation;
  const window = comparisonWindow(op, args);
  if (!window) return undefined;
  // A bound that cannot be shown as a date is left to the generic comparison wording.
  if (window.from !== undefined && formatInstant(window.from) === undefined) return undefined;
  if (window.until !== undefined && formatInstant(window.until) === undefined) return undefined;
  return window;
}

function comparisonWindow(op: string, args: JsonValue[]): TimeWindow | undefined {
  if (args.length === 3 && (op === '<' || op === '<=')) {
    const [low, middle, high] = args;
    if (!isTimestamp(middle) || typeof low !== 'number' || typeof high !== 'number') return undefined;
    return op === '<'
      ? { from: startAfter(low), until: endBefore(high) }
      : { from: startAtOrAfter(low), until: endAtOrBefore(high) };
  }
  if (args.length !== 2) return undefined;
  const [left, right] = args;
  if (isTimestamp(left) && typeof right === 'number') {
    switch (op) {
      case '>=':
        return { from: startAtOrAfter(right) };
      case '>':
        return { from: startAfter(right) };
      case '<':
        return { until: endBefore(right) };
      case '<=':
        return { until: endAtOrBefore(right) };
    }
  }
  if (typeof left === 'number' && isTimestamp(right)) {
    switch (op) {
      case '<=':
        return { from: startAtOrAfter(left) };
      case '<':
        return { from: startAfter(left) };
      case '>':
        return { until: endBefore(left) };
      case '>=':
        return { until: endAtOrBefore(left) };
    }
  }
  return undefined;
}

/** Both windows must hold (they come from one `and`). */
export function intersectWindows(a: TimeWindow, b: TimeWindow): TimeWindow {
  const from = a.from === undefined ? b.from : b.from === undefined ? a.from : Math.max(a.from, b.from);
  const until =
    a.until === undefined ? b.until : b.until === undefined ? a.until : Math.min(a.until, b.until);
  return { ...(from !== undefined && { from }), ...(until !== undefined && { until }) };
}

export function describeWindow(window: TimeWindow): string {
  const parts: string[] = [];
  if (window.from !== undefined) parts.push(`from ${formatInstant(window.from) ?? String(window.from)}`);
  if (window.until !== undefined) parts.push(`until ${formatInstant(window.until) ?? String(window.until)}`);
  return parts.join(' ');
}
