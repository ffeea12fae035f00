import { promises as fs } from 'node:fs';
import type { DirectoryEntry, FileStat, WorkspaceHost } from '../core/host';

/** The core's window on real files. Missing files read as undefined, never as errors. */
export const nodeHost: WorkspaceHost = {
  async readFile(path: string): Promise<string | undefined> {
    try {
      const bytes = await fs.readFile(path);
      return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    } catch {
      return undefined;
    }
  },
  async readDirectory(path: string): Promise<DirectoryEntry[]> {
    try {
      const entries = await fs.readdir(path, { withFileTypes: true });
      return entries.map((entry) => ({
        name: entry.name,
        isDirectory: entry.isDirectory(),
        isFile: entry.isFile(),
      }));
    } catch {
      return [];
    }
  },
  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const stat = await fs.stat(path);
      return { size: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
      return undefined;
    }
  },
};
