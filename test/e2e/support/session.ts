/**
 * One end-to-end session: a copy of examples/demo opened in real VS Code (code-server) with the
 * packaged Flaglens VSIX and the test-runner extension installed in a fresh profile, a Debian
 * Chromium page driven by Playwright showing the workbench, and the report of the suite that ran
 * inside the extension host. Started once for the whole outer mocha run by ./hooks.ts.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  watch,
  createWriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';
import type { RunningCodeServer } from '../../../scripts/e2e/codeServer.mjs' with {
  'resolution-mode': 'import',
};
import type { InnerReport } from './report';

export const repoRoot = join(__dirname, '../../..');
/** Screenshots and logs of the last run (git-ignored; CI keeps them as artifacts). */
export const artifactsDir = join(repoRoot, 'test-results/e2e');
/** The VSIX under test: `npm run package`'s, or another one named by FLAGLENS_E2E_VSIX. */
export const flaglensVsix = process.env.FLAGLENS_E2E_VSIX ?? join(repoRoot, 'dist-vsix/flaglens.vsix');
export const runnerVsix = join(repoRoot, 'out/e2e/flaglens-e2e-runner.vsix');
export const innerSuite = join(repoRoot, 'out/e2e/suite/index.js');
const demoSource = join(repoRoot, 'examples/demo');

/** Chromium flags measured to work on these machines (FIELD_NOTES.md); the network is closed. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Session {
  /** The workspace folder VS Code has open: a throw-away copy of examples/demo. */
  workspace: string;
  page: Page;
  browser: Browser;
  codeServer: RunningCodeServer;
  /** What the suite inside the extension host reported. */
  inner: InnerReport;
  /** Saves a PNG of the whole window to test-results/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
}

let current: Session | undefined;
/** Undo steps of the session so far, run in reverse by stopSession (also after a failed start). */
const cleanups: (() => Promise<void> | void)[] = [];
let tempRoot: string | undefined;

/** The running session; only valid inside tests (./hooks.ts starts it before them). */
export function session(): Session {
  if (!current) throw new Error('the end-to-end session did not start (see the "before all" hook error)');
  return current;
}

export async function startSession(log: (line: string) => void): Promise<Session> {
  const launcher = await import('../../../scripts/e2e/codeServer.mjs');
  const installation = launcher.readInstallation();
  for (const [file, how] of [
    [flaglensVsix, 'npm run package'],
    [runnerVsix, 'node scripts/e2e/build.mjs'],
    [innerSuite, 'node scripts/e2e/build.mjs'],
  ]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run ${how} (npm run test:e2e does both)`);
  }

  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(artifactsDir, { recursive: true });
  tempRoot = mkdtempSync(join(tmpdir(), 'flaglens-e2e-'));
  const workspace = join(tempRoot, 'demo');
  cpSync(demoSource, workspace, {
    recursive: true,
    filter: (path) => !['node_modules', 'dist'].includes(basename(path)),
  });

  const profile = launcher.createProfile(join(tempRoot, 'profile'));
  cleanups.push(() => {
    // VS Code's own logs (extension host, Flaglens output channel) are the first thing to read
    // when a test fails; keep them with the screenshots.
    const logs = join(profile.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, join(artifactsDir, 'vscode-logs'), { recursive: true });
  });
  const codeServerLog = join(artifactsDir, 'code-server.log');
  log(`installing ${basename(flaglensVsix)} and ${basename(runnerVsix)} into ${profile.extensionsDir}`);
  await launcher.installExtensions(installation, profile, [flaglensVsix, runnerVsix], codeServerLog);

  const resultsFile = join(tempRoot, 'inner-results.json');
  const codeServer = await launcher.startCodeServer(installation, profile, {
    folder: workspace,
    env: { FLAGLENS_E2E_SUITE: innerSuite, FLAGLENS_E2E_RESULTS: resultsFile, ...grepEnv() },
    logFile: codeServerLog,
  });
  cleanups.push(() => codeServer.stop());
  log(`code-server ${installation.codeServerVersion} listening at ${codeServer.baseUrl}`);

  const browser = await chromium.launch({
    executablePath: installation.chromium,
    args: chromiumArgs,
    headless: true,
    // Chromium keeps crash reports and settings in ~/.config and ~/.cache whatever its profile.
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(tempRoot, 'chromium-config'),
      XDG_CACHE_HOME: join(tempRoot, 'chromium-cache'),
    },
  });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const consoleLog = createWriteStream(join(artifactsDir, 'browser-console.log'));
  cleanups.push(() => new Promise<void>((resolve) => consoleLog.end(resolve)));
  // Formatted in order: the extension host's console (the inner suite's spec reporter) arrives
  // here as printf-style arguments.
  let consoleQueue = Promise.resolve();
  page.on('console', (message) => {
    consoleQueue = consoleQueue.then(async () => {
      consoleLog.write(`[${message.type()}] ${await formatConsoleMessage(message)}\n`);
    });
  });
  page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.stack ?? error.message}\n`));

  const screenshot = async (name: string) => {
    const file = join(artifactsDir, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
  // The extension host starts when the workbench connects, and with it the inner suite.
  await page.goto(codeServer.folderUrl);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  log('workbench loaded; waiting for the suite inside the extension host');
  const inner = await waitForReport(resultsFile, codeServer, 300_000);
  await screenshot('workbench-after-inner-suite');

  current = { workspace, page, browser, codeServer, inner, screenshot };
  return current;
}

/** Ends everything the session started; keeps the temporary folder when asked to. */
export async function stopSession(keepTemp: boolean, log: (line: string) => void): Promise<void> {
  current = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!tempRoot) return;
  if (keepTemp) log(`kept the workspace and profile in ${tempRoot}`);
  else rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = undefined;
}

/** A console message with its `%s`/`%d`/`%c` placeholders filled in, as devtools shows it. */
async function formatConsoleMessage(message: ConsoleMessage): Promise<string> {
  const values = await Promise.all(
    message.args().map((arg) => arg.jsonValue().catch(() => '?') as Promise<unknown>),
  );
  const [format, ...rest] = values;
  if (typeof format !== 'string') return message.text();
  const filled = format.replace(/%[sdifoOc]/g, (placeholder) => {
    const value = rest.shift();
    if (placeholder === '%c') return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  return [filled, ...rest.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))].join(
    ' ',
  );
}

/** FLAGLENS_E2E_GREP passed on to the suite inside the extension host, when set. */
function grepEnv(): Record<string, string> {
  const grep = process.env.FLAGLENS_E2E_GREP;
  return grep ? { FLAGLENS_E2E_GREP: grep } : {};
}

/** Resolves when the report file appears (it is renamed into place whole). */
function waitForReport(file: string, codeServer: RunningCodeServer, timeoutMs: number): Promise<InnerReport> {
  return new Promise<InnerReport>((resolve, reject) => {
    const watcher = watch(dirname(file));
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(JSON.parse(readFileSync(file, 'utf8')) as InnerReport);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `the suite inside the extension host wrote no report within ${timeoutMs} ms (see test-results/e2e/vscode-logs)`,
          ),
        ),
      timeoutMs,
    );
    watcher.on('change', () => {
      if (existsSync(file)) finish();
    });
    void codeServer.exited.then((code) =>
      finish(new Error(`code-server exited (${code}) before the suite reported`)),
    );
    if (existsSync(file)) finish();
  });
}
