/**
 * The report the suite inside the extension host writes (FLAGLENS_E2E_RESULTS) and the outer
 * mocha run reads: JSON, because the two are different processes.
 */

export interface InnerTestResult {
  /** Titles from the outermost `describe` to the test (or hook) itself. */
  titlePath: string[];
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: { message: string; stack?: string };
}

export interface InnerReport {
  /** Set when the suite could not load or run at all. */
  crashed?: string;
  /** `vscode.version` of the extension host. */
  vscodeVersion: string;
  startedAt: string;
  finishedAt: string;
  tests: InnerTestResult[];
}
