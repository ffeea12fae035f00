import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
export const cliPath = join(repoRoot, 'dist/cli.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/cli.js, made by `npm run build`) as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, FLAGLENS_NOW: '2026-11-24T12:00:00Z', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A throw-away copy of a folder, removed after the test. */
export function copyToTemp(source: string): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flaglens-'));
  cpSync(source, dir, { recursive: true, filter: (path) => !path.includes('node_modules') });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flaglens-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
