import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/flagServer';
import { applyFileChanges, staysInside } from './atomicWrite';
import { readFlagHistory } from './gitHistory';
import { loadPreregisteredPlans } from './experiments/planHistory';
import { analyzeExperiment } from './experiments/analyzeExperiment';
import { checkRollouts } from './guard/analyzeRollout';
import { nodeHost } from './nodeHost';
import { watchFiles } from './watchFiles';

// The only file that knows the server runs on Node: `node dist/server.js --stdio` (or --node-ipc).
const connection = createConnection(ProposedFeatures.all);
startServer(connection, {
  host: nodeHost,
  // A fixed clock for tests and reproducible reports, as the CLI honours it.
  now: process.env.FLAGLENS_NOW ? () => new Date(process.env.FLAGLENS_NOW ?? '') : undefined,
  watchFiles,
  readFlagHistory: (root, files) => readFlagHistory(root, files),
  readPreregisteredPlans: loadPreregisteredPlans,
  analyzeExperiment: (workspace, definition) => analyzeExperiment(workspace, definition),
  writeFiles: async (edits, workspaceRoot) => {
    await applyFileChanges(edits, [], { workspaceRoot });
  },
  staysInside,
  checkRollouts: (workspace) => checkRollouts(workspace),
});
connection.listen();

process.on('uncaughtException', (error) =>
  connection.console.error(`uncaught: ${error.stack ?? String(error)}`),
);
process.on('unhandledRejection', (reason) =>
  connection.console.error(`unhandled rejection: ${String(reason)}`),
);
