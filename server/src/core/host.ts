/**
 * The only way the core touches the outside world. The server and the CLI give it a Node
 * implementation (server/src/node/nodeHost.ts); tests may use the same one on real files.
 * Paths are absolute, with forward slashes.
 */
export interface DirectoryEntry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** A bulk read for indexing: which files to read and which texts are worth returning. */
export interface ScanRequest {
  /** Absolute paths. */
  paths: readonly string[];
  /** A file matches when any of these finds something in its text (none has the `g` or `y` flag). */
  patterns: readonly RegExp[];
  /** Texts longer than this (in UTF-16 code units) are reported as too large, not tested. */
  maxChars: number;
}

/** What a scan learnt of one file: its text only when it matched, so most texts never travel. */
export type ScannedFile =
  | { path: string; status: 'matched'; text: string }
  | { path: string; status: 'unmatched' }
  | { path: string; status: 'tooLarge'; size: number }
  | { path: string; status: 'unreadable' };

/**
 * What reading one file found. Only regular files are read (a FIFO would block the reader, a
 * link to /dev/zero would never end), and never more than the limit asked for.
 */
export type FileRead =
  /** `invalidUtf8At`: where the first bytes that are not UTF-8 decoded to U+FFFD, if any. */
  | { status: 'ok'; text: string; invalidUtf8At?: number }
  | { status: 'missing' }
  /** A FIFO, a socket, a device or a folder: `kind` says which, for the message. */
  | { status: 'notRegular'; kind: string }
  | { status: 'tooLarge'; size: number }
  | { status: 'unreadable'; reason: string };

export interface WorkspaceHost {
  /** A regular file's text; undefined when it is missing, not a regular file, too large or unreadable. */
  readFile(path: string): Promise<string | undefined>;
  /**
   * Like `readFile`, saying why a file could not be read, so that it can be reported. Hosts
   * without it are read through `readFile` (see `readChecked`).
   */
  readChecked?(path: string, maxBytes: number): Promise<FileRead>;
  readDirectory(path: string): Promise<DirectoryEntry[]>;
  stat(path: string): Promise<FileStat | undefined>;
  /**
   * Optional bulk read: reads `paths` in order and yields what it found, a chunk at a time. A host
   * may do it on another thread so that reading and prefiltering overlap the parsing; without it
   * the core reads through `readFile` (see core/workspace/scanFiles.ts).
   */
  scanFiles?(request: ScanRequest): AsyncIterable<ScannedFile[]>;
}

/** The host's checked read, or its plain one (which cannot tell a missing file from a failed read). */
export async function readChecked(host: WorkspaceHost, path: string, maxBytes: number): Promise<FileRead> {
  if (host.readChecked) return host.readChecked(path, maxBytes);
  const text = await host.readFile(path).catch(() => undefined);
  if (text === undefined) return { status: 'missing' };
  return text.length > maxBytes ? { status: 'tooLarge', size: text.length } : { status: 'ok', text };
}

/** Why a file could not be read, to follow its name ("is a FIFO..."), or undefined when it is simply absent. */
export function describeFailedRead(read: FileRead, limitBytes: number): string | undefined {
  switch (read.status) {
    case 'notRegular':
      return `is not a regular file (${read.kind})`;
    case 'tooLarge':
      return `is ${read.size} bytes, over the ${limitBytes}-byte limit`;
    case 'unreadable':
      return `could not be read (${read.reason})`;
    default:
      return undefined;
  }
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
