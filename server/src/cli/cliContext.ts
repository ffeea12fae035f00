import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding, Range } from '../../../shared/src/registryModel';
import { FlagWorkspace } from '../core/workspace/flagWorkspace';
import { nodeHost } from '../node/nodeHost';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}

export type OutputFormat = 'text' | 'json' | 'sarif' | 'markdown';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  now(): Date;
}

export function resolveWorkspaceDir(dir: string | undefined, cwd: string): string {
  const absolute = resolve(cwd, dir ?? '.');
  if (!existsSync(absolute)) throw new UsageError(`directory not found: ${dir ?? absolute}`);
  if (!statSync(absolute).isDirectory()) throw new UsageError(`not a directory: ${dir ?? absolute}`);
  return absolute.replace(/\\/g, '/');
}

/** Loads the registry; indexes the code too when the command looks at usages. */
export async function openWorkspace(root: string, io: CommandIo, withCode: boolean): Promise<FlagWorkspace> {
  const workspace = new FlagWorkspace({ root, host: nodeHost, now: () => io.now() });
  await workspace.load();
  if (withCode) await workspace.indexCode();
  return workspace;
}

/** The stable JSON shape of a finding: 1-based line and column, workspace-relative file. */
export interface FindingRow {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
  flag?: string;
}

/** A place as the CLI prints it: workspace-relative file, 1-based lines and columns. */
export function cliLocation(
  file: string,
  range: Range,
): { file: string; line: number; column: number; endLine: number; endColumn: number } {
  return {
    file,
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

export function findingRow(finding: Finding): FindingRow {
  const row: FindingRow = {
    ...cliLocation(finding.file, finding.range),
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
  };
  if (finding.flag !== undefined) row.flag = finding.flag;
  return row;
}

export function sortFindings<T extends { file: string; range: Finding['range']; code: string }>(
  findings: T[],
): T[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.code.localeCompare(b.code),
  );
}

export function parseJsonOption(name: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON: ${(error as Error).message}`);
  }
}
