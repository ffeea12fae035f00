// Builds what the end-to-end run installs besides Flaglens' own VSIX, into out/e2e/:
//   suite/index.js, suite/*.test.js   the suite that runs inside the extension host, one
//                                     CommonJS bundle per test file (test/e2e/suite/*.ts)
//   flaglens-e2e-runner.vsix          the test-runner extension (test/e2e/runner) that runs it
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createVSIX } from '@vscode/vsce';
import * as esbuild from 'esbuild';
import { repoRoot } from './codeServer.mjs';

const out = join(repoRoot, 'out/e2e');
const suiteSource = join(repoRoot, 'test/e2e/suite');
const runnerSource = join(repoRoot, 'test/e2e/runner');
const runnerStage = join(out, 'runner');
export const runnerVsix = join(out, 'flaglens-e2e-runner.vsix');

rmSync(out, { recursive: true, force: true });
mkdirSync(runnerStage, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // `vscode` exists only inside the extension host; mocha is loaded from the repository's
  // node_modules, next to which out/e2e/suite lives.
  external: ['vscode', 'mocha'],
};
await esbuild.build({
  ...common,
  entryPoints: readdirSync(suiteSource)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(suiteSource, name)),
  outdir: join(out, 'suite'),
});
await esbuild.build({
  ...common,
  entryPoints: [join(runnerSource, 'extension.ts')],
  outfile: join(runnerStage, 'extension.js'),
});
for (const file of ['package.json', 'README.md']) cpSync(join(runnerSource, file), join(runnerStage, file));
await createVSIX({
  cwd: runnerStage,
  packagePath: runnerVsix,
  dependencies: false,
  skipLicense: true,
  allowMissingRepository: true,
});
console.log(`built ${join(out, 'suite')} and ${runnerVsix}`);
