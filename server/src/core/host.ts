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

export interface WorkspaceHost {
  readFile(path: string): Promise<string | undefined>;
  readDirectory(path: string): Promise<DirectoryEntry[]>;
  stat(path: string): Promise<FileStat | undefined>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
