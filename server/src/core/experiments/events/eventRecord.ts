/**
 * One event as DESIGN.md section 9 writes it: an OpenFeature evaluation (`exposure`) or a
 * `track()` call. Records from NDJSON (JSON values) and CSV (strings) are checked here, so both
 * formats accept and refuse the same things.
 */

export type ExperimentEvent =
  | { type: 'exposure'; ts: number; unit: string; flag: string; variant: string }
  | { type: 'track'; ts: number; unit: string; event: string; value: number | undefined };

/** A record that cannot be used, with the reason in words. */
export class BadRecord {
  constructor(readonly message: string) {}
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function instant(value: unknown): number | undefined {
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * A record's fields, from JSON (values typed) or CSV (every value a string, empty = absent).
 * `fromCsv` parses `value` as a number.
 */
export function readEventRecord(
  record: Record<string, unknown>,
  fromCsv: boolean,
): ExperimentEvent | BadRecord {
  const type = record.type;
  const ts = instant(record.ts);
  if (ts === undefined)
    return new BadRecord(
      record.ts === undefined || record.ts === ''
        ? 'no "ts"'
        : `"ts" is not a date-time: ${JSON.stringify(record.ts)}`,
    );
  const unit = text(record.unit);
  if (unit === undefined) return new BadRecord('no "unit"');
  if (type === 'exposure') {
    const flag = text(record.flag);
    const variant = text(record.variant);
    if (flag === undefined) return new BadRecord('an exposure without "flag"');
    if (variant === undefined) return new BadRecord('an exposure without "variant"');
    return { type, ts, unit, flag, variant };
  }
  if (type === 'track') {
    const event = text(record.event);
    if (event === undefined) return new BadRecord('a track event without "event"');
    let value: number | undefined;
    const raw = record.value;
    if (raw === undefined || raw === null || raw === '') value = undefined;
    else if (typeof raw === 'number' && Number.isFinite(raw)) value = raw;
    else if (fromCsv && typeof raw === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw))
      value = Number(raw);
    else return new BadRecord(`"value" is not a number: ${JSON.stringify(raw)}`);
    return { type, ts, unit, event, value };
  }
  return new BadRecord(
    type === undefined || type === ''
      ? 'no "type" (expected "exposure" or "track")'
      : `unknown "type" ${JSON.stringify(type)} (expected "exposure" or "track")`,
  );
}
