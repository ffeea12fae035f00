/**
 * Advisory locks that serialize Flaglens writers of one file across processes (CLI runs, the
 * server): a lock file next to the file, created with O_EXCL, holding who took it. A lock left by
 * a process that died (kill -9) is recognised by its pid, or by its age when the pid cannot be
 * checked (another host on a shared disk), and broken. Within one process a queue per path
 * serializes writers first, so a process never waits for its own lock file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as nodePath from 'node:path';
import { WriteRefusedError } from './writeErrors';

/** How long a writer waits for a lock before it gives up with a message. */
export const LOCK_WAIT_MS = 30_000;
/**
 * A lock older than this is stale even if its pid seems alive (pid reuse, another host). Writes
 * hold a lock for milliseconds; a holder that resumes after its lock was broken notices before it
 * renames (`FileLock.stillHeld`) and writes nothing.
 */
export const LOCK_STALE_MS = 15_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: number;
}

/** The lock file of `path`: hidden, next to it, in the same directory (the same file system). */
export function lockPathOf(path: string): string {
  return nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.flaglens-lock`);
}

/** Names of our own leftovers next to `path` that a crash can leave: broken-lock files. */
export function isOwnLockLeftover(path: string, name: string): boolean {
  const prefix = `.${nodePath.basename(path)}.flaglens-lock.`;
  return name.startsWith(prefix) && /^[0-9a-f]{16}\.stale$/.test(name.slice(prefix.length));
}

export class FileLock {
  private constructor(
    readonly path: string,
    private readonly lockPath: string,
    private readonly body: string,
    private readonly releaseInProcess: () => void,
  ) {}

  /**
   * Takes the lock of `path` (an absolute, resolved path), waiting while another writer holds
   * it. `onWait` is called once per wait (tests use it to know a writer is waiting).
   */
  static async acquire(path: string, options: { onWait?: () => void } = {}): Promise<FileLock> {
    const releaseInProcess = await inProcess.acquire(path);
    try {
      const lockPath = lockPathOf(path);
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        token: randomBytes(8).toString('hex'),
        since: Date.now(),
      };
      const body = JSON.stringify(owner);
      const deadline = Date.now() + LOCK_WAIT_MS;
      // The lock last read and found held by a live process: while the lock file is the same
      // one (inode and mtime), a poll needs only a stat, not a read and a pid check.
      let checked: string | undefined;
      let holder: LockOwner | undefined;
      for (let attempt = 0; ; attempt++) {
        if (await tryCreate(lockPath, body)) return new FileLock(path, lockPath, body, releaseInProcess);
        const stat = await fs.stat(lockPath).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        if (stat === undefined) continue; // released meanwhile: try again at once
        const identity = `${stat.ino}:${stat.mtimeMs}`;
        if (identity !== checked || Date.now() - stat.mtimeMs > LOCK_STALE_MS) {
          const seen = await readLock(lockPath);
          if (seen === undefined) continue;
          if (isStale(seen)) {
            await breakStale(lockPath, seen.text);
            continue;
          }
          checked = identity;
          holder = seen.owner;
        }
        if (Date.now() > deadline) {
          const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
          throw new WriteRefusedError(
            path,
            `${path} is being written by ${who} (lock ${lockPath}); nothing was written. If no Flaglens is running, delete the lock file and try again.`,
          );
        }
        options.onWait?.();
        // No signal crosses processes here; a short, growing, jittered pause keeps 50 waiting
        // writers from polling in step.
        await pause(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
      }
    } catch (error) {
      releaseInProcess();
      throw error;
    }
  }

  /** True while the lock file is still ours: checked right before a rename makes a write visible. */
  async stillHeld(): Promise<boolean> {
    return (await readLock(this.lockPath))?.text === this.body;
  }

  async release(): Promise<void> {
    try {
      if (await this.stillHeld()) await fs.rm(this.lockPath, { force: true });
    } finally {
      this.releaseInProcess();
    }
  }
}

/** Takes the locks of several files in one order (sorted paths), so two writers cannot deadlock. */
export async function acquireAll(
  paths: readonly string[],
  options: { onWait?: () => void } = {},
): Promise<FileLock[]> {
  const locks: FileLock[] = [];
  try {
    for (const path of [...new Set(paths)].sort()) locks.push(await FileLock.acquire(path, options));
    return locks;
  } catch (error) {
    await releaseAll(locks);
    throw error;
  }
}

export async function releaseAll(locks: readonly FileLock[]): Promise<void> {
  for (const lock of [...locks].reverse()) await lock.release();
}

async function tryCreate(lockPath: string, body: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(body, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

interface SeenLock {
  text: string;
  owner: LockOwner | undefined;
  mtimeMs: number;
}

async function readLock(lockPath: string): Promise<SeenLock | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    return { text, owner: parseOwner(text), mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string')
      return { pid: value.pid, host: value.host, token: value.token, since: Number(value.since) };
  } catch {
    // empty or half written: its creator is between open() and write(), or died there
  }
  return undefined;
}

function isStale(seen: SeenLock): boolean {
  if (Date.now() - seen.mtimeMs > LOCK_STALE_MS) return true;
  const owner = seen.owner;
  return owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock, unless it was replaced after we looked: the lock is moved aside (an
 * atomic rename) and checked; a lock taken meanwhile by a live writer is put back.
 */
async function breakStale(lockPath: string, seenText: string): Promise<void> {
  const aside = `${lockPath}.${randomBytes(8).toString('hex')}.stale`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await fs.readFile(aside, 'utf8')) !== seenText) {
      await fs.link(aside, lockPath).catch((error: NodeJS.ErrnoException) => {
        // Someone took the free name at once; the holder we moved aside sees its lock is gone.
        if (error.code !== 'EEXIST') throw error;
      });
    }
  } finally {
    await fs.rm(aside, { force: true });
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One holder per key in this process: waiting here costs nothing, unlike polling a lock file. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Joins the queue of `key` at once (synchronously), so callers are served in call order. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

const inProcess = new KeyedMutex();
