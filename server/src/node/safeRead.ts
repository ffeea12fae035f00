import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
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
    const bytes = buffer.subarray(0, length);
    const decoded = bytes.toString('utf8');
    const bom = decoded.charCodeAt(0) === BOM ? 1 : 0;
    const text = bom ? decoded.slice(1) : decoded;
    if (isUtf8(bytes)) return { status: 'ok', text };
    return { status: 'ok', text, invalidUtf8At: firstInvalid(decoded, bytes) - bom };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    return { status: 'unreadable', reason: code ?? String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The offset in `decoded` of the first U+FFFD that stands for invalid bytes rather than for a
 * real U+FFFD (encoded EF BF BD). Every U+FFFD before it is real, so the byte offsets of the
 * text before it are exact.
 */
function firstInvalid(decoded: string, bytes: Buffer): number {
  let from = 0;
  let byteOffset = 0;
  for (let at = decoded.indexOf('\uFFFD'); at >= 0; at = decoded.indexOf('\uFFFD', at + 1)) {
    byteOffset += Buffer.byteLength(decoded.slice(from, at));
    from = at;
    if (!(bytes[byteOffset] === 0xef && bytes[byteOffset + 1] === 0xbf && bytes[byteOffset + 2] === 0xbd))
      return at;
  }
  return Math.max(0, decoded.indexOf('\uFFFD'));
}
