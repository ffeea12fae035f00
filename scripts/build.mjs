// Bundles the extension, the language server and the CLI into dist/ with esbuild.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser's UMD build hides its requires from bundlers; its ESM build does not.
  mainFields: ['module', 'main'],
};
const entries = [
  // The rule editor's webview page runs in a browser context.
  {
    entryPoints: ['client/webview/ruleEditor.ts'],
    outfile: 'dist/ruleEditor.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  { entryPoints: ['client/webview/ruleEditor.css'], outfile: 'dist/ruleEditor.css', platform: 'browser' },
  // The experiment report's page, with uPlot bundled in (minified: it ships as is).
  {
    entryPoints: ['client/webview/experimentReport.ts'],
    outfile: 'dist/experimentReport.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
  },
  {
    entryPoints: ['client/webview/experimentReport.css'],
    outfile: 'dist/experimentReport.css',
    platform: 'browser',
    minify: true,
  },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/node/serverMain.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (watch) {
  for (const entry of entries) {
    const ctx = await esbuild.context({ ...common, ...entry });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
}
