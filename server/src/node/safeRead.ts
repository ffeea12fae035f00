import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import type { FileRead } from '../core/host';

const BOM = 0xfeff;

/** What a non-regular file is, for the message. */
export function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Reads a regular file as UTF-8 (invalid bytes decode to U+FFFD, a byte order mark is dropped),
 * never more than `maxBytes`. It stats before opening (a device is never opened), opens without
 * blocking (a FIFO swapped in meanwhile cannot wait for a writer) and checks the opened file
 * again; reads stop at the limit even when the file grows meanwhile. scanWorker.ts does the same
 * in its own thread.
 */
export function readRegularFile(path: string, maxBytes: number): FileRead {
  let fd: number | undefined;
  try {
    const before = statSync(path, { throwIfNoEntry: false });
    if (!before) return { status: 'missing' };
    if (!before.isFile()) return { status: 'notRegular', kind: fileKind(before) };
    if (before.size > maxBytes) return { status: 'tooLarge', size: before.size };
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { status: 'notRegular', kind: fileKind(stat) };
    if (stat.size > maxBytes) return { status: 'tooLarge', size: stat.size };
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stat.size + 1, 4096)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > maxBytes) return { status: 'tooLarge', size: length };
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) return { status: 'tooLarge', size: length };
    const text = buffer.toString('utf8', 0, length);
    return { status: 'ok', text: text.charCodeAt(0) === BOM ? text.slice(1) : text };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    return { status: 'unreadable', reason: code ?? String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
