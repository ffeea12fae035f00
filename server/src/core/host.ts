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

export interface WorkspaceHost {
  readFile(path: string): Promise<string | undefined>;
  readDirectory(path: string): Promise<DirectoryEntry[]>;
  stat(path: string): Promise<FileStat | undefined>;
  /**
   * Optional bulk read: reads `paths` in order and yields what it found, a chunk at a time. A host
   * may do it on another thread so that reading and prefiltering overlap the parsing; without it
   * the core reads through `readFile` (see core/workspace/scanFiles.ts).
   */
  scanFiles?(request: ScanRequest): AsyncIterable<ScannedFile[]>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
