// `npm start`: builds and packages Flaglens, then opens VS Code on the bundled example,
// examples/demo, with the extension:
//   - desktop VS Code as an extension development host when a `code` binary is on the PATH;
//   - otherwise VS Code in the browser through code-server (installed on first use into .e2e/
//     by scripts/e2e/install.sh, which takes a few minutes), served at a printed local address
//     until Ctrl-C. PORT picks the port (default: a free one).
// When code-server cannot be installed or started, it shows what the CLI finds in the demo.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  createProfile,
  installExtensions,
  readInstallation,
  repoRoot,
  startCodeServer,
} from './e2e/codeServer.mjs';

const demo = join(repoRoot, 'examples/demo');
const vsix = join(repoRoot, 'dist-vsix/flaglens.vsix');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(message) {
  console.log(`\n[flaglens start] ${message}`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  return result.status === 0;
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** What `npm start` shows when there is no VS Code to open: the CLI on the demo. */
function showCli(reason) {
  step(
    `${reason}\nShowing what the Flaglens CLI finds in examples/demo instead (the editor features need VS Code).`,
  );
  const cli = join(repoRoot, 'dist/cli.js');
  for (const args of [['check'], ['explain', 'new-checkout']]) {
    console.log(`\n$ flaglens ${args.join(' ')}`);
    spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: demo });
  }
}

step('building and packaging (npm run package)');
if (!run(npm, ['run', 'package'])) process.exit(1);

if (onPath('code')) {
  step('opening desktop VS Code with Flaglens as an extension development host');
  const code = spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, demo], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 0));
} else {
  await startInBrowser();
}

async function startInBrowser() {
  step(
    'no `code` on the PATH: using VS Code in the browser (code-server). The first run installs it into .e2e/ (a few minutes, ~650 MB)',
  );
  if (!run('bash', [join(repoRoot, 'scripts/e2e/install.sh')])) {
    showCli('Installing code-server failed (see above).');
    return;
  }
  let server;
  try {
    const installation = readInstallation();
    // Kept between runs, like a normal VS Code profile; the VSIX is reinstalled every time.
    const profile = createProfile(join(repoRoot, '.e2e/start-profile'));
    step(`installing ${vsix} into code-server`);
    await installExtensions(installation, profile, [vsix]);
    server = await startCodeServer(installation, profile, {
      folder: demo,
      port: Number(process.env.PORT ?? 0),
      logFile: join(profile.dir, 'code-server.log'),
    });
  } catch (error) {
    showCli(`code-server did not start: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  step(
    `VS Code with Flaglens on examples/demo is at\n\n    ${server.folderUrl}\n\nOpen it in a browser on this machine. Ctrl-C stops it.`,
  );
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await server.exited;
  if (stopping) return;
  step(`code-server stopped (${code}); its log is in .e2e/start-profile/code-server.log`);
  process.exit(1);
}
