// Types of codeServer.mjs for the TypeScript end-to-end tests.

/** Where scripts/e2e/install.sh put what the tests run (paths.json in the cache folder). */
export interface Installation {
  /** Node 24, which runs code-server. */
  node: string;
  /** code-server's entry script (out/node/entry.js). */
  codeServer: string;
  codeServerVersion: string;
  /** Debian's Chromium. */
  chromium: string;
}

export interface Profile {
  dir: string;
  userDataDir: string;
  extensionsDir: string;
}

export interface RunningCodeServer {
  /** `http://127.0.0.1:<port>/` */
  baseUrl: string;
  /** The address that opens the workspace folder. */
  folderUrl: string;
  pid: number;
  /** Resolves with the exit code (or signal) when code-server ends. */
  exited: Promise<number | string | null>;
  /** Ends code-server and every process it started. */
  stop(): Promise<void>;
}

export const repoRoot: string;
export const quietSettings: Record<string, unknown>;
export function readInstallation(cacheDir?: string): Installation;
export function createProfile(dir: string, settings?: Record<string, unknown>): Profile;
export function installExtensions(
  installation: Installation,
  profile: Profile,
  vsixFiles: string[],
  logFile?: string,
): Promise<string>;
export function startCodeServer(
  installation: Installation,
  profile: Profile,
  options: {
    folder: string;
    env?: Record<string, string>;
    logFile?: string;
    port?: number;
    readyTimeoutMs?: number;
  },
): Promise<RunningCodeServer>;
export function folderUrl(baseUrl: string, folder: string): string;
