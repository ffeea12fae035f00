// `npm run test:demo`: the stale-flag cleanup on a real app. Copies examples/demo, installs its
// dependencies (from the npm registry), checks it builds and passes its tests, cleans up the
// stale flag `express-shipping` with `flaglens cleanup --write`, and checks again.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'flaglens-demo-'));
const demo = join(work, 'demo');
cpSync(join(root, 'examples/demo'), demo, {
  recursive: true,
  filter: (path) => !/node_modules|[/\\]dist$/.test(path),
});

const run = (command, args, cwd = demo) => {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, npm_config_user_agent: undefined },
  });
  if (result.status !== 0) {
    console.error(`failed: ${command} ${args.join(' ')} (exit ${result.status})`);
    rmSync(work, { recursive: true, force: true });
    process.exit(1);
  }
};

run('npm', ['ci', '--no-audit', '--no-fund']);
run('npm', ['run', 'build']);
run('npm', ['test']);
run(process.execPath, [
  join(root, 'dist/cli.js'),
  'cleanup',
  'express-shipping',
  '--value',
  'true',
  '--write',
  // production is a protected environment in the demo
  '--yes',
]);
const shipping = readFileSync(join(demo, 'src/server/shipping.ts'), 'utf8');
if (/EXPRESS_SHIPPING|legacyShippingOptions/.test(shipping)) {
  console.error('the cleanup left express-shipping in src/server/shipping.ts');
  process.exit(1);
}
run('npm', ['run', 'build']);
run('npm', ['test']);
rmSync(work, { recursive: true, force: true });
console.log(
  '\ndemo: builds and passes its tests after `flaglens cleanup express-shipping --value true --write --yes`',
);
