/**
 * Reads the git history of the registry files, for the dates stale-flag detection needs (when a
 * key appeared, when its serving last changed). Never blocks: git runs in child processes
 * (`execFile`/`spawn`, never the sync forms), every file's history is bounded, and any failure
 * (not a repository, git missing, a shallow clone...) gives what could be read, or nothing.
 *
 * Two git calls per run and file at most: `git log --follow` lists the commits that touched the
 * file (with its path in each, across renames), and one `git cat-file --batch` reads all those
 * versions at once.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  flagHistoryFromVersions,
  type FlagHistory,
  type RegistryFileHistory,
  type RegistryFileVersion,
} from '../core/stale/servingHistory';

export type { FlagHistory } from '../core/stale/servingHistory';

export interface FlagHistoryOptions {
  /** Commits read per file, newest first; older ones are not read (their facts get no date). Default 200. */
  maxCommits?: number;
  /**
   * The date given to uncommitted changes in the working tree (default: the time of the call).
   * A rollout changed but not committed yet changed "now", not at the last commit.
   */
  now?: Date;
}

const DEFAULT_MAX_COMMITS = 200;
/** Generous for a log of a few hundred commits; git output above it is an error, not a hang. */
const MAX_LOG_BYTES = 16 * 1024 * 1024;
/** Record separator in our `git log` format: cannot occur in a hash, a date or a path line. */
const RECORD = '\x1e';

/**
 * Flag histories of the given registry files (absolute, or relative to `root`), keyed by flag
 * key; an empty map when `root` is not in a git repository or git cannot be run.
 */
export async function readFlagHistory(
  root: string,
  registryFiles: string[],
  options: FlagHistoryOptions = {},
): Promise<Map<string, FlagHistory>> {
  const maxCommits = Math.max(1, options.maxCommits ?? DEFAULT_MAX_COMMITS);
  const topLevel = await gitTopLevel(root);
  if (topLevel === undefined) return new Map();
  const realRoot = await realPath(path.resolve(root));
  const histories: RegistryFileHistory[] = [];
  for (const file of registryFiles) {
    const absolute = await realPath(path.resolve(realRoot, file));
    const inRepository = toPosix(path.relative(topLevel, absolute));
    if (inRepository.startsWith('../') || path.isAbsolute(inRepository)) continue;
    try {
      const history = await readFileHistory(
        topLevel,
        inRepository,
        absolute,
        maxCommits,
        options.now ?? new Date(),
      );
      // Keys and environments are those of the workspace's own view of the file.
      if (history) histories.push({ ...history, file: toPosix(path.relative(realRoot, absolute)) });
    } catch {
      // One unreadable history (a corrupt object, a killed git) must not hide the others.
    }
  }
  return flagHistoryFromVersions(histories);
}

async function readFileHistory(
  topLevel: string,
  file: string,
  absolute: string,
  maxCommits: number,
  now: Date,
): Promise<RegistryFileHistory | undefined> {
  // One commit more than asked tells whether the history was cut short.
  const log = await git(topLevel, [
    '-c',
    'core.quotepath=off',
    'log',
    '--follow',
    // The mainline only: a change on a branch starts to serve when it is merged, so the merge
    // commit's date is the one that counts (and branch commits would interleave two histories).
    '--first-parent',
    '--no-color',
    '--no-show-signature',
    `--max-count=${maxCommits + 1}`,
    `--format=${RECORD}%H%x09%cI`,
    '--name-only',
    '--',
    file,
  ]);
  const commits = parseLog(log);
  const truncated = commits.length > maxCommits;
  const kept = commits.slice(0, maxCommits).reverse();
  if (kept.length === 0) return undefined;

  const contents = await catFiles(
    topLevel,
    kept.map((commit) => `${commit.sha}:${commit.path}`),
  );
  const versions: RegistryFileVersion[] = kept.map((commit, index) => ({
    date: commit.date,
    text: contents[index],
  }));

  // Uncommitted edits are part of what the workspace serves now.
  const working = await readText(absolute);
  const committed = versions[versions.length - 1].text;
  if (working !== committed) versions.push({ date: now.toISOString(), text: working });
  return { file, versions, truncated };
}

interface LoggedCommit {
  sha: string;
  /** Committer date in UTC ISO form: when the change landed, which is when it started to serve. */
  date: string;
  /** The file's path in that commit (it changes across renames with --follow). */
  path: string;
}

function parseLog(output: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  for (const record of output.split(RECORD)) {
    const lines = record.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) continue;
    const [sha, isoDate] = lines[0].split('\t');
    const time = Date.parse(isoDate ?? '');
    if (!/^[0-9a-f]{40,64}$/.test(sha) || Number.isNaN(time)) continue;
    commits.push({ sha, date: new Date(time).toISOString(), path: lines[lines.length - 1] });
  }
  return commits;
}

/** The blobs named `<sha>:<path>`, in order; undefined for one that does not exist (the file was deleted there). */
function catFiles(cwd: string, objects: string[]): Promise<(string | undefined)[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: gitEnvironment(),
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    // A closed stdin (git died early) is reported by 'close' below, not as an unhandled error.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`git cat-file exited with ${code}`));
        return;
      }
      try {
        resolve(parseBatch(Buffer.concat(chunks), objects.length));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(objects.map((object) => `${object}\n`).join(''));
  });
}

/** `git cat-file --batch` output: `<oid> <type> <size>\n<content>\n` or `<name> missing\n` per request. */
function parseBatch(output: Buffer, count: number): (string | undefined)[] {
  const results: (string | undefined)[] = [];
  let offset = 0;
  while (results.length < count) {
    const newline = output.indexOf(0x0a, offset);
    if (newline < 0) throw new Error('git cat-file output ended early');
    const header = output.subarray(offset, newline).toString('utf8');
    offset = newline + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) {
      // `missing`, `ambiguous`...: nothing follows the header.
      results.push(undefined);
      continue;
    }
    const size = Number(match[2]);
    const content = output.subarray(offset, offset + size);
    offset += size + 1;
    results.push(
      match[1] === 'blob' ? new TextDecoder('utf-8', { fatal: false }).decode(content) : undefined,
    );
  }
  return results;
}

export async function gitTopLevel(root: string): Promise<string | undefined> {
  try {
    const output = await git(root, ['rev-parse', '--show-toplevel']);
    const topLevel = output.trim();
    return topLevel === '' ? undefined : await realPath(topLevel);
  } catch {
    return undefined;
  }
}

export function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: MAX_LOG_BYTES, encoding: 'utf8', env: gitEnvironment(), windowsHide: true },
      (error, stdout) => {
        if (error) reject(error);
        else resolve(stdout);
      },
    );
  });
}

/** Read-only git: no pager, no prompts, no optional locks taken behind the user's back. */
function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function realPath(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return file;
  }
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
