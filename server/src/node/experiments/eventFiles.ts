/**
 * The embedded event source: NDJSON and CSV files read in one streaming pass each. Lines are
 * split by hand over large chunks (much faster than readline at millions of lines); CSV goes
 * through csv-parse. A record that cannot be used is counted and the first few are reported
 * with file:line; nothing stops the run.
 */
import { createReadStream } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse';
import type { EventProblem, ExperimentData, ExperimentDefinition } from '../../../../shared/src/experiment';
import { BadRecord, type ExperimentEvent, readEventRecord } from '../../core/experiments/events/eventRecord';
import { type RecordCounts, UnitAggregator } from '../../core/experiments/events/unitAggregator';
import { ExperimentSourceError } from '../../core/experiments/sourceError';

const MAX_SAMPLES = 5;

export interface FileSourceOptions {
  at: Date;
  /** Workspace root (forward slashes): problems name files relative to it. */
  root: string;
}

export type EventFileFormat = 'ndjson' | 'csv';

export function eventFileFormat(file: string): EventFileFormat | undefined {
  if (/\.(ndjson|jsonl)$/i.test(file)) return 'ndjson';
  if (/\.csv$/i.test(file)) return 'csv';
  return undefined;
}

/** Where the records read go: the experiments' unit aggregator, or the guard's passes. */
export interface EventSink {
  add(event: ExperimentEvent): void;
}

class Counter implements RecordCounts {
  records = 0;
  badRecords = 0;
  badRecordSamples: EventProblem[] = [];
  bad(file: string, line: number, message: string): void {
    this.badRecords++;
    if (this.badRecordSamples.length < MAX_SAMPLES) this.badRecordSamples.push({ file, line, message });
  }
}

async function readNdjson(
  path: string,
  file: string,
  aggregator: EventSink,
  counter: Counter,
): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  let line = 0;
  const handle = (raw: string): void => {
    line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    counter.records++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      counter.bad(file, line, 'not valid JSON (a truncated or malformed line)');
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      counter.bad(file, line, 'not a JSON object');
      return;
    }
    const event = readEventRecord(value as Record<string, unknown>, false);
    if (event instanceof BadRecord) counter.bad(file, line, event.message);
    else aggregator.add(event);
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    let from = 0;
    let newline = chunk.indexOf('\n');
    if (newline >= 0) {
      handle(rest + chunk.slice(0, newline));
      rest = '';
      from = newline + 1;
      while ((newline = chunk.indexOf('\n', from)) >= 0) {
        handle(chunk.slice(from, newline));
        from = newline + 1;
      }
    }
    rest += chunk.slice(from);
  }
  if (rest !== '') handle(rest);
}

async function readCsv(path: string, file: string, aggregator: EventSink, counter: Counter): Promise<void> {
  const parser = createReadStream(path).pipe(
    parseCsv({
      columns: (header: string[]) => header.map((name) => name.trim()),
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
      skip_records_with_error: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => {
    counter.records++;
    counter.bad(file, error.lines ?? 0, `not a valid CSV row: ${error.message}`);
  });
  for await (const row of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    counter.records++;
    const event = readEventRecord(row.record, true);
    if (event instanceof BadRecord) counter.bad(file, row.info.lines, event.message);
    else aggregator.add(event);
  }
}

/** Reads every event file once into `sink`; the counts say how many records were (un)usable. */
export async function readEventFiles(
  files: string[],
  sink: EventSink,
  rootPath: string,
): Promise<RecordCounts> {
  const counter = new Counter();
  const root = rootPath.replace(/\/$/, '');
  for (const path of files) {
    const file = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
    const format = eventFileFormat(path);
    if (!format)
      throw new ExperimentSourceError(`${file}: not an event file (expected .ndjson, .jsonl or .csv).`);
    // Only regular files: a FIFO or a device named like an event file must not hang the run.
    const link = await lstat(path).catch(() => undefined);
    const target = link && (await stat(path).catch(() => undefined));
    if (!link || !target) throw new ExperimentSourceError(`${file}: event file not found.`);
    if (!target.isFile()) throw new ExperimentSourceError(`${file}: not a regular file.`);
    try {
      if (format === 'ndjson') await readNdjson(path, file, sink, counter);
      else await readCsv(path, file, sink, counter);
    } catch (error) {
      throw new ExperimentSourceError(`${file}: could not be read (${(error as Error).message}).`);
    }
  }
  return counter;
}

/** Reads every event file once and aggregates them for one experiment. */
export async function collectFromFiles(
  definition: ExperimentDefinition,
  files: string[],
  options: FileSourceOptions,
): Promise<ExperimentData> {
  const aggregator = new UnitAggregator(definition, options.at);
  const counter = await readEventFiles(files, aggregator, options.root);
  const { health, metrics } = aggregator.finish(counter);
  return { health, metrics, asOf: options.at.toISOString(), source: 'files' };
}
