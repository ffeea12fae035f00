// The whole test-runner extension. code-server has no `--extensionTestsPath`, so this extension
// plays that part: it loads the suite named by FLAGLENS_E2E_SUITE in the real extension host and
// calls its `run()`, the function @vscode/test-electron would call. The suite writes its report
// to FLAGLENS_E2E_RESULTS; this file only reports what the suite could not (it failed to load).
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import type { InnerReport } from '../support/report';

interface SuiteModule {
  run(): Promise<void>;
}

export function activate(): void {
  const suite = process.env.FLAGLENS_E2E_SUITE;
  const resultsFile = process.env.FLAGLENS_E2E_RESULTS;
  // Once per test session: a browser that reconnects restarts the extension host.
  if (!suite || !resultsFile || existsSync(resultsFile)) return;
  // After activate() returns, so that the workbench does not wait for the suite.
  setImmediate(() => void runSuite(suite, resultsFile));
}

export function deactivate(): void {}

async function runSuite(suite: string, resultsFile: string): Promise<void> {
  try {
    // The suite is a CommonJS bundle whose path is known only now; require() keeps its own
    // `require('vscode')` going through the extension host's module loader.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const suiteModule = require(suite) as SuiteModule;
    await suiteModule.run();
  } catch (error) {
    if (existsSync(resultsFile)) return; // The suite wrote its report: the failures are in it.
    const report: InnerReport = {
      crashed: error instanceof Error ? (error.stack ?? error.message) : String(error),
      vscodeVersion: '',
      startedAt: '',
      finishedAt: new Date().toISOString(),
      tests: [],
    };
    writeFileSync(`${resultsFile}.tmp`, JSON.stringify(report, null, 2));
    renameSync(`${resultsFile}.tmp`, resultsFile);
  }
}
