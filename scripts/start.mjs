// `npm start`: runs Flaglens on the bundled example, examples/demo.
// Until the VS Code client lands this shows what the CLI sees there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'examples/demo');
const cli = join(root, 'dist/cli.js');
const run = (...args) => {
  console.log(`\n$ flaglens ${args.join(' ')}`);
  spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: demo });
};

run('check');
run('explain', 'new-checkout');
run('eval', 'new-checkout', '--env', 'production', '--context', '{"targetingKey":"u-1"}');
