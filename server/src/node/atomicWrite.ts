/**
 * Writing registry files without ever clobbering a change made meanwhile by someone else: the
 * file must still have the version the edit was computed from, and the new text replaces it
 * in one step (temp file in the same directory, then rename), so readers such as a running flagd
 * never see half a file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { textVersion } from '../core/text';
import { type FileEdit, applyOffsetEdits } from '../core/textEdit';

export class FileChangedOnDiskError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileChangedOnDiskError';
  }
}

const BOM = '\uFEFF';

interface FileOnDisk {
  /** The text as the workspace reads it (nodeHost.ts): UTF-8 with any byte order mark removed. */
  text: string;
  hasBom: boolean;
  mode: number;
  /** The path of the file itself when `path` is a symbolic link, so the link survives the write. */
  realPath: string;
}

/**
 * Replaces `path` with `newText` if the file still has `expectedVersion` (textVersion of its
 * text); undefined means the file must not exist yet. A byte order mark and the file mode are kept.
 */
export async function writeFileAtomic(
  path: string,
  newText: string,
  expectedVersion: string | undefined,
): Promise<void> {
  await serialized(nodePath.resolve(path), () => writeChecked(path, newText, expectedVersion));
}

/** Applies one FileEdit on disk and returns the file's new text. */
export async function applyFileEdit(edit: FileEdit): Promise<string> {
  return serialized(nodePath.resolve(edit.file), async () => {
    const current = await readFileOnDisk(edit.file);
    checkVersion(edit.file, current, edit.expectedVersion);
    const text = (current as FileOnDisk).text;
    const newText = applyOffsetEdits(text, edit.edits);
    if (newText !== text) await writeChecked(edit.file, newText, edit.expectedVersion);
    return newText;
  });
}

async function writeChecked(
  path: string,
  newText: string,
  expectedVersion: string | undefined,
): Promise<void> {
  const current = await readFileOnDisk(path);
  checkVersion(path, current, expectedVersion);
  const target = current?.realPath ?? path;
  const temp = nodePath.join(
    nodePath.dirname(target),
    `.${nodePath.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const handle = await fs.open(temp, 'wx', current ? current.mode : 0o666);
    try {
      // open() applies the umask; an existing file's permissions must survive the replacement.
      if (current) await handle.chmod(current.mode);
      await handle.writeFile((current?.hasBom ? BOM : '') + newText, 'utf8');
      // The rename must not become visible before the data it points to.
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (current) {
      // Another process may have written since the first check; look once more right before
      // the rename to keep that window as small as it can be.
      checkVersion(path, await readFileOnDisk(path), expectedVersion);
      await fs.rename(temp, target);
    } else {
      await createExclusively(temp, path);
    }
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Moves `temp` to `path` only if nothing is at `path`: link() fails when the name is taken. */
async function createExclusively(temp: string, path: string): Promise<void> {
  try {
    await fs.link(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new FileChangedOnDiskError(
        path,
        `${path} was created by someone else meanwhile; nothing was written.`,
      );
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: check and rename, with the same small race as updates.
    checkVersion(path, await readFileOnDisk(path), undefined);
    await fs.rename(temp, path);
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

async function readFileOnDisk(path: string): Promise<FileOnDisk | undefined> {
  let bytes: Buffer;
  let mode: number;
  let realPath: string;
  try {
    realPath = await fs.realpath(path);
    bytes = await fs.readFile(realPath);
    mode = (await fs.stat(realPath)).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Decoded exactly as nodeHost.ts reads workspace files, so versions agree with the registry's.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { text, hasBom, mode, realPath };
}

/** One write at a time per file in this process, so two edits of one version cannot both pass the check. */
const queues = new Map<string, Promise<unknown>>();

async function serialized<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const result = previous.then(run, run);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  try {
    return await result;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
