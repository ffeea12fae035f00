/** Formatting of literal values, instants and shares in rendered rules. */
import type { JsonValue } from '../../../../shared/src/registryModel';

/** Strings as quoted JSON, numbers and booleans plain, anything else as compact JSON. */
export function formatLiteral(value: JsonValue): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// Date's own range; beyond it (or beyond four-digit years) a number reads better than a date.
const MAX_DATE_MS = 8.64e15;

/** A unix time in seconds as `2025-12-01 10:00 UTC` (seconds shown only when not zero). */
export function formatInstant(unixSeconds: number): string | undefined {
  const ms = unixSeconds * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return undefined;
  const iso = date.toISOString();
  const seconds = iso.slice(17, 19);
  const clock = seconds === '00' ? iso.slice(11, 16) : iso.slice(11, 19);
  return `${iso.slice(0, 10)} ${clock} UTC`;
}

/** A share of 100 with at most two decimals; tiny non-zero shares are not shown as 0%. */
export function formatPercent(share: number): string {
  if (share <= 0) return '0%';
  if (share < 0.01) return '<0.01%';
  if (share >= 100) return '100%';
  if (share > 99.99) return '>99.99%';
  return `${Number(share.toFixed(2))}%`;
}

// Names that could be misread inside a rule line (spaces, quotes, separators, line breaks) are quoted.
const PLAIN_NAME = /^[^\s"(),/\\]+$/u;

/** A variant or segment name: bare when it reads unambiguously, else as a JSON string. */
export function formatName(name: string): string {
  return PLAIN_NAME.test(name) ? name : JSON.stringify(name);
}
