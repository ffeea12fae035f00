/**
 * The Node host's bulk scan on a worker thread: the worker reads each file and tests the
 * prefilter patterns, and sends back the texts of the few files that match. On two cores this
 * takes reading, decoding and the regular expressions (about a third of a cold index) off the
 * thread that parses, and the two overlap.
 *
 * The worker is started on first use, kept (unreferenced, so it never holds a process open) and
 * shared by every scan; scans queue on it. It stays at most a few chunks ahead of the consumer, and
 * a scan the consumer gives up stops it. If it cannot start or dies, the rest of each scan is
 * done on this thread through the same verdicts (core/workspace/scanFiles.ts).
 */
import { Worker } from 'node:worker_threads';
import type { ScanRequest, ScannedFile } from '../core/host';
import { scanWithReadFile } from '../core/workspace/scanFiles';

/** Files per message: small enough for the parser to start early, large enough to batch. */
const CHUNK = 128;
/**
 * Chunks sent and not yet consumed before the worker waits: without a bound it reads far ahead
 * of the parser and the queued texts cost more memory than the index (848 MB against 458 MB
 * peak RSS at 100,000 files).
 */
const MAX_IN_FLIGHT = 8;
/** Slots of a scan's shared control array. */
const IN_FLIGHT = 0;
const CANCELLED = 1;

/** One result as it crosses threads: the index of the path in the request, and the verdict. */
type WireFile =
  | { i: number; s: 'matched'; text: string }
  | { i: number; s: 'unmatched' | 'unreadable' }
  | { i: number; s: 'tooLarge'; size: number };

interface WireChunk {
  id: number;
  files: WireFile[];
  done: boolean;
}

/**
 * The worker's code, self-contained (no bundle to locate at run time). Its verdicts must match
 * `scanText`: BOM dropped, too large before the patterns, any pattern matching wins.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const CHUNK = ${CHUNK};
// As safeRead.ts: regular files only (stat first, open without blocking, check again), never
// more than maxBytes. Returns the text, or a verdict.
function readRegular(path, maxBytes) {
  let fd;
  try {
    const before = fs.statSync(path, { throwIfNoEntry: false });
    if (!before || !before.isFile()) return { s: 'unreadable' };
    if (before.size > maxBytes) return { s: 'tooLarge', size: before.size };
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { s: 'unreadable' };
    if (stat.size > maxBytes) return { s: 'tooLarge', size: stat.size };
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stat.size + 1, 4096)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > maxBytes) return { s: 'tooLarge', size: length };
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) return { s: 'tooLarge', size: length };
    return { text: buffer.toString('utf8', 0, length) };
  } catch {
    return { s: 'unreadable' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
parentPort.on('message', ({ id, paths, patterns, maxChars, control }) => {
  const flow = new Int32Array(control);
  // A UTF-16 code unit takes at least one byte and at most three (plus a byte order mark): more
  // bytes than this cannot fit in maxChars.
  const maxBytes = 3 * maxChars + 3;
  let files = [];
  for (let i = 0; i < paths.length; i++) {
    if (Atomics.load(flow, ${CANCELLED}) !== 0) break;
    const read = readRegular(paths[i], maxBytes);
    let text = read.text;
    if (text === undefined) files.push(read.s === 'tooLarge' ? { i, s: 'tooLarge', size: read.size } : { i, s: 'unreadable' });
    else {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length > maxChars) files.push({ i, s: 'tooLarge', size: text.length });
      else if (patterns.some((pattern) => pattern.test(text))) files.push({ i, s: 'matched', text });
      else files.push({ i, s: 'unmatched' });
    }
    if (files.length === CHUNK) {
      Atomics.add(flow, ${IN_FLIGHT}, 1);
      parentPort.postMessage({ id, files, done: false });
      files = [];
      for (let sent; (sent = Atomics.load(flow, ${IN_FLIGHT})) >= ${MAX_IN_FLIGHT} && Atomics.load(flow, ${CANCELLED}) === 0; )
        Atomics.wait(flow, ${IN_FLIGHT}, sent);
    }
  }
  parentPort.postMessage({ id, files, done: true });
});
`;

interface Listener {
  deliver(message: WireChunk | Error): void;
  /** The scan's flow control, shared with the worker. */
  flow: Int32Array;
}

export class ScanWorker {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 0;
  private readonly listeners = new Map<number, Listener>();

  constructor(private readonly readFileInThread: (path: string) => Promise<string | undefined>) {}

  async *scan(request: ScanRequest): AsyncGenerator<ScannedFile[]> {
    const { paths } = request;
    if (paths.length === 0) return;
    const worker = this.start();
    /** Paths answered so far: after a failure, the rest is scanned here. */
    let answered = 0;
    if (worker) {
      const id = this.nextId++;
      const queue: (WireChunk | Error)[] = [];
      let wake: (() => void) | undefined;
      const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
      const flow = new Int32Array(control);
      this.listeners.set(id, {
        deliver: (message) => {
          queue.push(message);
          wake?.();
        },
        flow,
      });
      if (this.listeners.size === 1) worker.ref();
      try {
        worker.postMessage({ id, paths, patterns: request.patterns, maxChars: request.maxChars, control });
        for (;;) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          const message = queue.shift() as WireChunk | Error;
          if (message instanceof Error) break;
          answered += message.files.length;
          yield message.files.map((file) => fromWire(paths[file.i], file));
          if (message.done) return;
          // Consumed: the worker may read one chunk further.
          Atomics.sub(flow, IN_FLIGHT, 1);
          Atomics.notify(flow, IN_FLIGHT);
        }
      } finally {
        // A scan given up (or failed) stops the worker's loop, which may be waiting on it.
        cancel(flow);
        this.listeners.delete(id);
        if (this.listeners.size === 0) this.worker?.unref();
      }
    }
    if (answered < paths.length)
      yield* scanWithReadFile(this.readFileInThread, { ...request, paths: paths.slice(answered) });
  }

  /** Stops the worker (tests, shutdown); a later scan starts a new one. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    // Scans still waiting finish on this thread.
    for (const listener of this.listeners.values()) {
      cancel(listener.flow);
      listener.deliver(new Error('the scan worker was stopped'));
    }
    await worker?.terminate();
  }

  private start(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        resourceLimits: { maxYoungGenerationSizeMb: 4 },
      });
      worker.unref();
      const fail = (error: Error): void => {
        this.broken = true;
        if (this.worker === worker) this.worker = undefined;
        for (const listener of this.listeners.values()) listener.deliver(error);
      };
      worker.on('message', (message: WireChunk) => this.listeners.get(message.id)?.deliver(message));
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (this.worker === worker) fail(new Error(`the scan worker exited with code ${code}`));
      });
      this.worker = worker;
    } catch {
      this.broken = true;
    }
    return this.worker;
  }
}

function cancel(flow: Int32Array): void {
  Atomics.store(flow, CANCELLED, 1);
  // Changing the waited-on slot too: a worker between its CANCELLED check and its wait then
  // finds the value changed and does not sleep, so the wake-up cannot be lost.
  Atomics.store(flow, IN_FLIGHT, -1);
  Atomics.notify(flow, IN_FLIGHT);
}

function fromWire(path: string, file: WireFile): ScannedFile {
  switch (file.s) {
    case 'matched':
      return { path, status: 'matched', text: file.text };
    case 'tooLarge':
      return { path, status: 'tooLarge', size: file.size };
    default:
      return { path, status: file.s };
  }
}
