/**
 * Mocha root hooks of the outer end-to-end run (test/e2e/.mocharc.json requires this file):
 * one session for all spec files, a screenshot of every failing test, and the session's
 * temporary folder kept when something failed.
 */
import type { Context, RootHookObject } from 'mocha';
import { session, startSession, stopSession } from './session';

const log = (line: string) => console.log(`      [e2e] ${line}`);
let anyFailed = false;

export const mochaHooks: RootHookObject = {
  async beforeAll(this: Context) {
    // Installing the VSIX, starting code-server and the browser, and the inner suite.
    this.timeout(420_000);
    try {
      await startSession(log);
    } catch (error) {
      anyFailed = true;
      throw error;
    }
  },
  async afterEach(this: Context) {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    anyFailed = true;
    const name = `failed-${test
      .fullTitle()
      .replace(/[^a-z0-9]+/gi, '-')
      .slice(0, 80)}`;
    try {
      log(`screenshot: ${await session().screenshot(name)}`);
    } catch (error) {
      log(`no screenshot: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
  async afterAll(this: Context) {
    this.timeout(60_000);
    await stopSession(anyFailed || process.env.FLAGLENS_E2E_KEEP === '1', log);
  },
};
