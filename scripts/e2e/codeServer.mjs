// Runs VS Code in the browser through code-server, as installed by scripts/e2e/install.sh: a fresh
// profile, extensions installed from VSIX files, and a server on a free loopback port. Used by the
// end-to-end tests (test/e2e/) and by `npm start` on machines without desktop VS Code.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * User settings for a profile nobody has used: full mode without the trust prompt (the
 * workspace is our own copy of the demo), and no welcome page or chat panel covering the editor.
 */
export const quietSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

/** Where install.sh put Node 24 and code-server; throws with the fix when it has not run. */
export function readInstallation(cacheDir = process.env.FLAGLENS_E2E_CACHE ?? join(repoRoot, '.e2e')) {
  const pathsFile = join(cacheDir, 'paths.json');
  if (!existsSync(pathsFile)) {
    throw new Error(`code-server is not installed (no ${pathsFile}): run bash scripts/e2e/install.sh`);
  }
  const installation = JSON.parse(readFileSync(pathsFile, 'utf8'));
  for (const key of ['node', 'codeServer', 'chromium']) {
    if (!installation[key] || !existsSync(installation[key])) {
      throw new Error(
        `${key} from ${pathsFile} is missing (${installation[key]}): run bash scripts/e2e/install.sh`,
      );
    }
  }
  return installation;
}

/** A user-data folder with the given settings and an empty extensions folder, under `dir`. */
export function createProfile(dir, settings = quietSettings) {
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return { dir, userDataDir, extensionsDir };
}

/** Installs VSIX files into the profile with code-server's own `--install-extension`. */
export async function installExtensions(installation, profile, vsixFiles, logFile) {
  // --force: reinstall over the same version (npm start reuses its profile between runs).
  const args = [...vsixFiles.flatMap((file) => ['--install-extension', file]), '--force'];
  const { code, output } = await runCodeServer(installation, profile, args, logFile);
  if (code !== 0) throw new Error(`code-server --install-extension exited with ${code}:\n${output}`);
  const failed = /Failed Installing Extensions|Error while installing/i.exec(output);
  if (failed) throw new Error(`code-server could not install the extensions:\n${output}`);
  return output;
}

/**
 * Starts code-server on `folder` and resolves once it listens. `env` reaches the extension
 * host (that is how the test runner extension learns which suite to run).
 */
export async function startCodeServer(
  installation,
  profile,
  { folder, env = {}, logFile, port = 0, readyTimeoutMs = 60_000 },
) {
  const args = ['--bind-addr', `127.0.0.1:${port}`, folder];
  const child = spawnCodeServer(installation, profile, args, env);
  const log = logFile ? openLog(logFile) : undefined;
  const exited = new Promise((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(code ?? signal)),
  );
  // If the test process dies without stopping the server, take the server down with it.
  const killOnExit = () => killGroup(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);

  const baseUrl = await new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`code-server did not listen within ${readyTimeoutMs} ms:\n${seen}`)),
      readyTimeoutMs,
    );
    const onData = (chunk) => {
      const text = chunk.toString();
      log?.write(text);
      seen += text;
      const match = /HTTP server listening on (http:\/\/[^\s]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1].endsWith('/') ? match[1] : `${match[1]}/`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before listening:\n${seen}`));
    });
  });

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child.pid, 'SIGTERM');
    const forced = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
    // The extension host and language server are in the same group and may outlive the parent.
    killGroup(child.pid, 'SIGKILL');
    log?.end();
  };
  return { baseUrl, folderUrl: folderUrl(baseUrl, folder), pid: child.pid, exited, stop };
}

/** The address that opens `folder` in the workbench (slashes left readable for people). */
export function folderUrl(baseUrl, folder) {
  const url = new URL(baseUrl);
  url.searchParams.set('folder', folder);
  return url.toString().replace(/%2F/g, '/');
}

function runCodeServer(installation, profile, args, logFile) {
  const child = spawnCodeServer(installation, profile, args, {});
  let output = '';
  const log = logFile ? openLog(logFile) : undefined;
  const collect = (chunk) => {
    output += chunk.toString();
    log?.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolveRun, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      log?.end();
      resolveRun({ code, output });
    });
  });
}

function spawnCodeServer(installation, profile, args, env) {
  const childEnv = { ...process.env, ...env };
  // Inside a VS Code terminal these would make code-server hand its work to that VS Code.
  for (const name of Object.keys(childEnv)) {
    if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') delete childEnv[name];
  }
  // Keep code-server's config, logs and caches in the profile rather than in ~/.config, ~/.local
  // and ~/.cache.
  childEnv.CODE_SERVER_CONFIG = join(profile.dir, 'code-server.yaml');
  childEnv.XDG_DATA_HOME = join(profile.dir, 'xdg-data');
  childEnv.XDG_CONFIG_HOME = join(profile.dir, 'xdg-config');
  childEnv.XDG_CACHE_HOME = join(profile.dir, 'xdg-cache');
  const fullArgs = [
    installation.codeServer,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    ...args,
  ];
  // Its own process group, so that stop() ends the server with every process it started.
  return spawn(installation.node, fullArgs, {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function openLog(file) {
  mkdirSync(dirname(file), { recursive: true });
  return createWriteStream(file, { flags: 'a' });
}
