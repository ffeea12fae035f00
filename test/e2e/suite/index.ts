/**
 * Entry of the suite that runs inside VS Code's extension host. `run()` has the shape
 * @vscode/test-electron's `extensionTestsPath` expects, so the same suite can run in desktop
 * VS Code; in code-server, the test-runner extension (test/e2e/runner) calls it. It loads every
 * `*.test.js` next to it (the bundles of test/e2e/suite/*.test.ts made by scripts/e2e/build.mjs)
 * and, when FLAGLENS_E2E_RESULTS names a file, writes the report there.
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InnerReport, InnerTestResult } from '../support/report';

export async function run(): Promise<void> {
  // Mocha 12 is an ES module; its default export is the Mocha class.
  const { default: Mocha } = await import('mocha');
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.FLAGLENS_E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const file of readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(join(__dirname, file));
  }

  const startedAt = new Date().toISOString();
  const tests: InnerTestResult[] = [];
  const record = (test: Mocha.Runnable, state: InnerTestResult['state'], error?: Error) =>
    tests.push({
      titlePath: test.titlePath(),
      state,
      durationMs: test.duration,
      error: error && { message: error.message, stack: error.stack },
    });
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => record(test, 'passed'));
    // Also fired for failing hooks, whose tests then do not run.
    runner.on('fail', (test, error: Error) => record(test, 'failed', error));
    runner.on('pending', (test) => record(test, 'pending'));
  });

  const resultsFile = process.env.FLAGLENS_E2E_RESULTS;
  if (resultsFile) {
    const report: InnerReport = {
      vscodeVersion: vscode.version,
      startedAt,
      finishedAt: new Date().toISOString(),
      tests,
    };
    // Written whole and renamed, so the outer run never reads half a report.
    writeFileSync(`${resultsFile}.tmp`, JSON.stringify(report, null, 2));
    renameSync(`${resultsFile}.tmp`, resultsFile);
  }
  if (failures > 0) throw new Error(`${failures} end-to-end test(s) failed inside VS Code`);
}
