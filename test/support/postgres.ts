/**
 * A real, throwaway PostgreSQL 15 server for tests and benchmarks: `initdb` on a temporary
 * directory, `pg_ctl start` on a free port of 127.0.0.1 with password (SCRAM) authentication,
 * and `stop()` that shuts it down and deletes the directory. As root, the server runs as the
 * `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `postgres://user:password@127.0.0.1:port/database`. */
  connectionString: string;
  /** Connects a client (the caller ends it). */
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Extra server settings (`-c name=value`), e.g. `work_mem` for a benchmark. */
  settings?: Record<string, string>;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const initdb = join(POSTGRES_BIN, 'initdb');
  const pgCtl = join(POSTGRES_BIN, 'pg_ctl');
  if (!existsSync(initdb) || !existsSync(pgCtl)) {
    throw new Error(
      `PostgreSQL 15 is not installed (${initdb} is missing): install it with ` +
        '`apt-get update && apt-get install -y postgresql`.',
    );
  }
  const asRoot = process.getuid?.() === 0;
  const run = (file: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
    asRoot ? execFileAsync('runuser', ['-u', 'postgres', '--', file, ...args]) : execFileAsync(file, args);

  const dir = await fs.mkdtemp(join(tmpdir(), 'flaglens-pg-'));
  const data = join(dir, 'data');
  const user = 'flaglens';
  const password = `pw-${process.pid}-${Date.now()}`;
  await fs.writeFile(join(dir, 'password'), `${password}\n`, { mode: 0o600 });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    await fs.chown(dir, uid, gid);
    await fs.chown(join(dir, 'password'), uid, gid);
  }
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // A test server keeps nothing: durability only slows loading.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...options.settings,
  };
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  let started = false;
  const stopNow = (): void => {
    if (started)
      spawnSync(asRoot ? 'runuser' : pgCtl, [
        ...(asRoot ? ['-u', 'postgres', '--', pgCtl] : []),
        'stop',
        '-D',
        data,
        '-m',
        'immediate',
      ]);
  };
  // A test run that dies before its after-hook must not leave a server behind.
  process.once('exit', stopNow);
  try {
    await run(initdb, [
      '-D',
      data,
      '-U',
      user,
      `--pwfile=${join(dir, 'password')}`,
      '-A',
      'scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    // -w: pg_ctl returns once the server accepts connections (it polls the postmaster itself).
    await run(pgCtl, ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    started = true;
  } catch (error) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    await fs.rm(dir, { recursive: true, force: true });
    process.removeListener('exit', stopNow);
    throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
  }
  const host = '127.0.0.1';
  const database = 'postgres';
  const connectionString = `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
  const server: PostgresServer = {
    host,
    port,
    user,
    password,
    database,
    connectionString,
    async connect() {
      const client = new Client({ connectionString });
      await client.connect();
      return client;
    },
    async stop() {
      process.removeListener('exit', stopNow);
      try {
        await run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  };
  // pg_ctl -w saw the postmaster ready; one real connection proves authentication works too.
  const client = await server.connect();
  await client.end();
  return server;
}

/** A port nothing listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
