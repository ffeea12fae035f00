// `npm run test:e2e` after `npm run package`: builds the suite and the test-runner extension,
// then runs the end-to-end tests in real VS Code:
//   - by default in code-server driven by Debian's Chromium (installed on first use by
//     install.sh): the outer mocha run of test/e2e/*.test.ts, which also reports the suite that
//     ran inside the extension host;
//   - with FLAGLENS_E2E_VSCODE=<a desktop VS Code executable>, the suite inside the extension
//     host only, through @vscode/test-electron (no download: the given build is used).
// Prints how long each step took.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { repoRoot } from './codeServer.mjs';

const started = Date.now();
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;

function timed(title, command, args, env = {}) {
  const stepStarted = Date.now();
  console.log(`\n[e2e] ${title}`);
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(
    `[e2e] ${title}: ${result.status === 0 ? 'done' : `failed (${result.status ?? result.signal})`} in ${seconds(stepStarted)}`,
  );
  return result.status ?? 1;
}

let status = timed('building the suite and the test-runner extension', process.execPath, [
  join(repoRoot, 'scripts/e2e/build.mjs'),
]);
if (status === 0)
  status = process.env.FLAGLENS_E2E_VSCODE
    ? await runInDesktopVsCode(process.env.FLAGLENS_E2E_VSCODE)
    : runInCodeServer();
console.log(`\n[e2e] end-to-end run ${status === 0 ? 'passed' : 'failed'} in ${seconds(started)}`);
process.exit(status);

function runInCodeServer() {
  const installed = timed('installing code-server, Node 24 and Chromium (skipped when present)', 'bash', [
    join(repoRoot, 'scripts/e2e/install.sh'),
  ]);
  if (installed !== 0) return installed;
  const mocha = join(repoRoot, 'node_modules/mocha/bin/mocha.js');
  return timed('running the tests in code-server', process.execPath, [
    mocha,
    '--config',
    join(repoRoot, 'test/e2e/.mocharc.json'),
  ]);
}

async function runInDesktopVsCode(vscodeExecutablePath) {
  const { runTests } = await import('@vscode/test-electron');
  const temp = mkdtempSync(join(tmpdir(), 'flaglens-e2e-desktop-'));
  const workspace = join(temp, 'demo');
  cpSync(join(repoRoot, 'examples/demo'), workspace, {
    recursive: true,
    filter: (path) => !['node_modules', 'dist'].includes(basename(path)),
  });
  const resultsFile = join(temp, 'inner-results.json');
  const stepStarted = Date.now();
  console.log(`\n[e2e] running the suite in desktop VS Code (${vscodeExecutablePath})`);
  let status = 0;
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out/e2e/suite/index.js'),
      extensionTestsEnv: { FLAGLENS_E2E_RESULTS: resultsFile },
      // Our own profile folders: test-electron's defaults are under .vscode-test/ in the repository.
      launchArgs: [
        workspace,
        `--user-data-dir=${join(temp, 'user-data')}`,
        `--extensions-dir=${join(temp, 'extensions')}`,
      ],
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    status = 1;
  }
  if (!existsSync(resultsFile)) {
    console.error(`[e2e] the suite wrote no report (${resultsFile})`);
    status = 1;
  } else {
    for (const test of JSON.parse(readFileSync(resultsFile, 'utf8')).tests) {
      console.log(
        `  ${test.state === 'passed' ? 'ok  ' : test.state === 'pending' ? 'skip' : 'FAIL'} ${test.titlePath.join(' › ')}`,
      );
      if (test.error) console.log(`       ${test.error.stack ?? test.error.message}`);
    }
  }
  console.log(`[e2e] desktop VS Code run ${status === 0 ? 'passed' : 'failed'} in ${seconds(stepStarted)}`);
  if (status === 0) rmSync(temp, { recursive: true, force: true });
  else console.log(`[e2e] kept ${temp}`);
  return status;
}
