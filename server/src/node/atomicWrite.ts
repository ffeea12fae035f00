/**
 * Writing registry files without ever clobbering a change made meanwhile by someone else.
 *
 * - Writers of a file take its lock first (fileLock.ts: across processes, one at a time), then
 *   read the file and check it, so a check cannot go stale before the write it guards.
 * - The new text replaces the file in one step (temp file in the same directory, fsync, then
 *   rename), so readers such as a running flagd never see half a file.
 * - A change of several files (a cleanup) is checked whole before anything is renamed, and rolled
 *   back if a rename fails: all of it or none of it.
 * - With a workspace root, a file whose real path (through symbolic links) leaves the workspace
 *   is refused, and so is anything that is not a regular file.
 * - Temp files of our own naming that a killed writer left next to the file are removed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { textVersion } from '../core/text';
import { type FileEdit, type OffsetEdit, applyOffsetEdits } from '../core/textEdit';
import { type FileLock, KeyedMutex, acquireAll, isOwnLockLeftover, releaseAll } from './fileLock';
import { FileChangedOnDiskError, WriteRefusedError } from './writeErrors';

export { FileChangedOnDiskError, WriteRefusedError } from './writeErrors';

export interface WriteOptions {
  /** Files whose real path lies outside this folder are refused (symbolic links leaving it). */
  workspaceRoot?: string;
  /**
   * Test hook: runs once every file is checked and staged, right before the first rename, to
   * let a test change a file at the last moment (a writer that does not take our lock).
   */
  beforeCommit?: () => Promise<void>;
  /** Called each time this writer finds the file locked by another and waits (tests use it). */
  onLockWait?: () => void;
}

/** A file to delete, refused if it no longer has `expectedVersion`. */
export interface FileDeletion {
  file: string;
  expectedVersion: string;
}

const BOM = '\uFEFF';

export interface FileOnDisk {
  /** The text as the workspace reads it (nodeHost.ts): UTF-8 with any byte order mark removed. */
  text: string;
  bytes: Buffer;
  hasBom: boolean;
  mode: number;
}

/**
 * What to do with one file, decided on its current content under its lock: a new text, `null` to
 * delete it, or `undefined` to leave it as it is. Throws (FileChangedOnDiskError,
 * RegistryEditError) to refuse the whole change.
 */
type Planner = (current: FileOnDisk | undefined) => string | null | undefined;

/**
 * Replaces `path` with `newText` if the file still has `expectedVersion` (textVersion of its
 * text); undefined means the file must not exist yet. A byte order mark and the file mode are kept.
 */
export async function writeFileAtomic(
  path: string,
  newText: string,
  expectedVersion: string | undefined,
  options: WriteOptions = {},
): Promise<void> {
  await transact(
    [
      {
        path,
        plan: (current) => {
          checkVersion(path, current, expectedVersion);
          return current?.text === newText ? undefined : newText;
        },
      },
    ],
    options,
  );
}

/** Applies one FileEdit on disk and returns the file's new text. */
export async function applyFileEdit(edit: FileEdit, options: WriteOptions = {}): Promise<string> {
  const [text] = await applyFileChanges([edit], [], options);
  return text as string;
}

/**
 * Applies edits planned on the file's current text: `makeEdits` runs under the file's lock on
 * what is on disk then, so an edit computed from an older read is planned again rather than
 * refused or, worse, written over someone else's change. Returns the new text and the edits.
 */
export async function updateFile(
  path: string,
  makeEdits: (text: string) => OffsetEdit[],
  options: WriteOptions = {},
): Promise<{ text: string; edits: OffsetEdit[] }> {
  let edits: OffsetEdit[] = [];
  const [text] = await transact(
    [
      {
        path,
        plan: (current) => {
          if (!current)
            throw new FileChangedOnDiskError(
              path,
              `${path} was deleted since it was read; nothing was written.`,
            );
          edits = makeEdits(current.text);
          const newText = applyOffsetEdits(current.text, edits);
          return newText === current.text ? undefined : newText;
        },
      },
    ],
    options,
  );
  return { text: text as string, edits };
}

/**
 * Edits and deletes several files as one change: every file is checked against the version its
 * edit was computed from before anything is written; then all are renamed into place, and if
 * one fails the others are put back. Returns the new text of each edited file.
 */
export async function applyFileChanges(
  edits: readonly FileEdit[],
  deletions: readonly FileDeletion[],
  options: WriteOptions = {},
): Promise<(string | undefined)[]> {
  const results = await transact(
    [
      ...edits.map((edit) => ({
        path: edit.file,
        plan: (current: FileOnDisk | undefined) => {
          checkVersion(edit.file, current, edit.expectedVersion);
          const text = (current as FileOnDisk).text;
          const newText = applyOffsetEdits(text, edit.edits);
          return newText === text ? undefined : newText;
        },
      })),
      ...deletions.map((deletion) => ({
        path: deletion.file,
        plan: (current: FileOnDisk | undefined) => {
          checkVersion(deletion.file, current, deletion.expectedVersion);
          return null;
        },
      })),
    ],
    options,
  );
  return results.slice(0, edits.length).map((result) => result ?? undefined);
}

interface Entry {
  path: string;
  plan: Planner;
}

/** One file of a change, between checking and committing. */
interface Staged {
  path: string;
  /** The file itself, symbolic links resolved: what is locked, renamed over and checked. */
  target: string;
  current: FileOnDisk | undefined;
  /** The new text; null to delete; undefined to leave the file alone. */
  result: string | null | undefined;
  temp?: string;
  /** Where a deleted file was moved until the change is complete. */
  aside?: string;
  committed?: boolean;
}

/** Returns, per entry, the file's text afterwards (null when deleted). */
async function transact(entries: readonly Entry[], options: WriteOptions): Promise<(string | null)[]> {
  // Queued by the paths as given before anything is awaited, so that this process applies its
  // own writes of a file in the order they were asked for.
  const queued = [...new Set(entries.map((entry) => nodePath.resolve(entry.path)))]
    .sort()
    .map((key) => callOrder.acquire(key));
  const released = await Promise.all(queued);
  try {
    return await transactInOrder(entries, options);
  } finally {
    for (const release of released) release();
  }
}

const callOrder = new KeyedMutex();

async function transactInOrder(entries: readonly Entry[], options: WriteOptions): Promise<(string | null)[]> {
  const root = options.workspaceRoot === undefined ? undefined : await realDirectory(options.workspaceRoot);
  const targets = await Promise.all(entries.map((entry) => resolveTarget(entry.path, root)));
  const locks: FileLock[] = await acquireAll(targets, { onWait: options.onLockWait });
  const staged: Staged[] = [];
  try {
    for (const [index, entry] of entries.entries()) {
      const target = targets[index];
      await removeLeftovers(target);
      // A link swapped in since the path was resolved: the locked file is not this path's file.
      if ((await resolveTarget(entry.path, root)) !== target)
        throw new FileChangedOnDiskError(
          entry.path,
          `${entry.path} was replaced since it was read; nothing was written.`,
        );
      const current = await readFileOnDisk(entry.path, target);
      staged.push({ path: entry.path, target, current, result: entry.plan(current) });
    }
    for (const file of staged) {
      if (typeof file.result === 'string') file.temp = await stage(file.target, file.result, file.current);
    }
    await options.beforeCommit?.();
    await commit(staged, locks);
    for (const file of staged) if (file.aside) await fs.rm(file.aside, { force: true });
    return staged.map((file) => (file.result === undefined ? (file.current?.text ?? null) : file.result));
  } finally {
    for (const file of staged) if (file.temp) await fs.rm(file.temp, { force: true });
    await releaseAll(locks);
  }
}

async function commit(staged: Staged[], locks: FileLock[]): Promise<void> {
  try {
    for (const file of staged) {
      if (file.result === undefined) continue;
      if (!(await locks.find((lock) => lock.path === file.target)?.stillHeld()))
        throw new WriteRefusedError(
          file.path,
          `${file.path}: another writer took over this file's lock; nothing was written.`,
        );
      // Writers that do not take our lock (an editor saving) are caught here, as late as can be.
      const now = await readFileOnDisk(file.path, file.target);
      if (now?.text !== file.current?.text)
        throw new FileChangedOnDiskError(
          file.path,
          `${file.path} changed on disk while it was being written; nothing was written. Reload it and try again.`,
        );
      if (file.result === null) {
        file.aside = tempName(file.target);
        await fs.rename(file.target, file.aside);
      } else if (file.current) {
        await fs.rename(file.temp as string, file.target);
      } else {
        await createExclusively(file.temp as string, file.path, file.target);
      }
      file.committed = true;
    }
  } catch (error) {
    const unrestored = await rollBack(staged);
    if (unrestored.length === 0) throw error;
    throw new WriteRefusedError(
      (error as WriteRefusedError).path ?? unrestored[0],
      `${(error as Error).message.replace(/; nothing was written\..*$/, '.')} Some files were already written and could not be put back: ${unrestored.join(', ')}.`,
    );
  }
}

/** Puts committed files back as they were; returns those it could not restore. */
async function rollBack(staged: Staged[]): Promise<string[]> {
  const unrestored: string[] = [];
  for (const file of [...staged].reverse()) {
    if (!file.committed) continue;
    try {
      if (file.result === null) {
        await fs.link(file.aside as string, file.target);
        await fs.rm(file.aside as string, { force: true });
        file.aside = undefined;
      } else if (file.current) {
        // Restore only what still holds our text: a newer write by someone else stays.
        const now = await readFileOnDisk(file.path, file.target);
        if (now?.text !== file.result) throw new Error('changed again');
        const temp = tempName(file.target);
        await writeDurably(temp, file.current.bytes, file.current.mode);
        await fs.rename(temp, file.target);
      } else {
        const now = await readFileOnDisk(file.path, file.target);
        if (now?.text === file.result) await fs.rm(file.target);
      }
    } catch {
      unrestored.push(file.path);
    }
  }
  return unrestored;
}

/** Writes the new text to a temp file next to `target`, with the old file's mark and mode. */
async function stage(target: string, newText: string, current: FileOnDisk | undefined): Promise<string> {
  const temp = tempName(target);
  const bytes = Buffer.from((current?.hasBom ? BOM : '') + newText, 'utf8');
  await writeDurably(temp, bytes, current ? current.mode : undefined);
  return temp;
}

async function writeDurably(path: string, bytes: Buffer, mode: number | undefined): Promise<void> {
  const handle = await fs.open(path, 'wx', mode ?? 0o666);
  try {
    // open() applies the umask; an existing file's permissions must survive the replacement.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(bytes);
    // The rename must not become visible before the data it points to.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(path, { force: true });
    throw error;
  }
  await handle.close();
}

function tempName(target: string): string {
  return nodePath.join(
    nodePath.dirname(target),
    `.${nodePath.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Removes what a writer killed mid-write left next to `target`: our temp files and moved-aside
 * locks. Called under the file's lock, so no live writer of this file is using them.
 */
async function removeLeftovers(target: string): Promise<void> {
  const dir = nodePath.dirname(target);
  const base = nodePath.basename(target);
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const ours =
      (name.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))) ||
      isOwnLockLeftover(target, name);
    if (ours) await fs.rm(nodePath.join(dir, name), { force: true });
  }
}

/** Moves `temp` to `path` only if nothing is at `path`: link() fails when the name is taken. */
async function createExclusively(temp: string, path: string, target: string): Promise<void> {
  try {
    await fs.link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new FileChangedOnDiskError(
        path,
        `${path} was created by someone else meanwhile; nothing was written.`,
      );
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: the lock keeps other Flaglens writers out.
    checkVersion(path, await readFileOnDisk(path, target), undefined);
    await fs.rename(temp, target);
  }
}

function checkVersion(
  path: string,
  current: FileOnDisk | undefined,
  expectedVersion: string | undefined,
): void {
  if (expectedVersion === undefined) {
    if (current) throw new FileChangedOnDiskError(path, `${path} already exists; nothing was written.`);
    return;
  }
  if (!current)
    throw new FileChangedOnDiskError(path, `${path} was deleted since it was read; nothing was written.`);
  if (textVersion(current.text) !== expectedVersion) {
    throw new FileChangedOnDiskError(
      path,
      `${path} changed on disk since it was read; nothing was written. Reload it and try again.`,
    );
  }
}

async function realDirectory(path: string): Promise<string> {
  return fs.realpath(nodePath.resolve(path));
}

/**
 * The file `path` names, symbolic links resolved (its directory's when it does not exist yet),
 * refused when that lies outside `root`.
 */
async function resolveTarget(path: string, root: string | undefined): Promise<string> {
  const absolute = nodePath.resolve(path);
  let target: string;
  try {
    target = await fs.realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw error;
    const link = await fs.lstat(absolute).catch(() => undefined);
    if (link?.isSymbolicLink())
      throw new WriteRefusedError(path, `${path} is a symbolic link to a missing file; nothing was written.`);
    target = nodePath.join(await fs.realpath(nodePath.dirname(absolute)), nodePath.basename(absolute));
  }
  if (root !== undefined && !isInside(target, root)) {
    throw new WriteRefusedError(
      path,
      `${path} leads outside the workspace (to ${target}) through a symbolic link; Flaglens does not write there, so nothing was written.`,
    );
  }
  return target;
}

/** True when `path`, symbolic links followed, lies inside the folder `root`. */
export async function staysInside(path: string, root: string): Promise<boolean> {
  try {
    await resolveTarget(path, await realDirectory(root));
    return true;
  } catch (error) {
    if (error instanceof WriteRefusedError) return false;
    throw error;
  }
}

function isInside(path: string, root: string): boolean {
  const relative = nodePath.relative(root, path);
  return relative !== '' && !relative.startsWith('..') && !nodePath.isAbsolute(relative);
}

async function readFileOnDisk(path: string, target: string): Promise<FileOnDisk | undefined> {
  let bytes: Buffer;
  let mode: number;
  try {
    const stat = await fs.stat(target);
    // A FIFO or a device would block the read or never end: only regular files are registry files.
    if (!stat.isFile())
      throw new WriteRefusedError(path, `${path} is not a regular file; nothing was written.`);
    mode = stat.mode & 0o7777;
    bytes = await fs.readFile(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Decoded exactly as nodeHost.ts reads workspace files, so versions agree with the registry's.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { text, bytes, hasBom, mode };
}
