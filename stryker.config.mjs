// Mutation testing (npm run mutation): not part of npm test or CI. It mutates the core code that
// guards users' data and code, and runs only the unit tests of those folders (stryker.mocharc.json).
// Scope one run with --mutate, e.g. `npm run mutation -- --mutate server/src/core/edits/**/*.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'server/src/core/edits/**/*.ts',
    'server/src/core/cleanup/**/*.ts',
    'server/src/core/registry/**/*.ts',
    'server/src/node/atomicWrite.ts',
  ],
  testRunner: 'mocha',
  // See scripts/stryker/mocha12.cjs: lets the 10.0.0 mocha runner find mocha 12's CLI helpers.
  testRunnerNodeArgs: ['--require', `${process.cwd()}/scripts/stryker/mocha12.cjs`],
  checkerNodeArgs: ['--require', `${process.cwd()}/scripts/stryker/mocha12.cjs`],
  mochaOptions: { config: 'stryker.mocharc.json' },
  // perTest: each mutant runs only the tests that reach it, so a mutant takes seconds.
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  // The server project alone: mutated files live there, and the checker then skips client and tests.
  // Only source files get `// @ts-nocheck`: the default pattern also matches test/fixtures, whose
  // line numbers the cleanup fixtures assert.
  disableTypeChecks: 'server/src/**/*.ts',
  tsconfigFile: 'server/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Reuses the results of mutants whose code and tests did not change. The file is committed, so a
  // fresh clone starts from the last recorded run instead of the ~hour-long full one.
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  // Two cores shared with other engineers: one test runner and one checker.
  concurrency: 1,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 80, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  // Not needed by the unit tests; keeps the sandbox copy small.
  ignorePatterns: ['dist', 'out', 'dist-vsix', '.e2e', 'bench/corpus', 'reports'],
  cleanTempDir: 'always',
};
