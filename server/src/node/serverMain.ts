import {
  createConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type MessageReader,
  type MessageWriter,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { startServer } from '../lsp/flagServer';
import { applyFileChanges, staysInside } from './atomicWrite';
import { readFlagHistory } from './gitHistory';
import { loadPreregisteredPlans } from './experiments/planHistory';
import { analyzeExperiment } from './experiments/analyzeExperiment';
import { checkRollouts } from './guard/analyzeRollout';
import { nodeHost } from './nodeHost';
import { guardInput } from './lspInput';
import { watchFiles } from './watchFiles';

// The only file that knows the server runs on Node: `node dist/server.js --stdio` (or --node-ipc).
// The transports are made here rather than by vscode-languageserver so that every message passes
// `guardInput` first (a second initialize, initialize without params, a stream out of step).
const stdio = process.argv.includes('--stdio');
const ipc = !stdio && process.argv.includes('--node-ipc');
let transport: { reader: MessageReader; writer: MessageWriter } | undefined;
if (stdio)
  transport = {
    reader: new StreamMessageReader(process.stdin),
    writer: new StreamMessageWriter(process.stdout),
  };
else if (ipc) transport = { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process) };

let shutdownReceived = false;
const exit = (code: number): never => process.exit(code);
const guarded =
  transport &&
  guardInput(transport.reader, transport.writer, {
    onShutdown: () => (shutdownReceived = true),
    // A framed stream that lost its place cannot be read again: exit, so the client notices and
    // may restart the server, instead of a server that is alive and deaf.
    onUnusable: (reason) => {
      process.stderr.write(`flaglens: the LSP input is unusable (${reason}); exiting.\n`);
      exit(1);
    },
    framed: stdio,
  });
const connection = guarded
  ? createConnection(ProposedFeatures.all, guarded, transport!.writer)
  : createConnection(ProposedFeatures.all);
if (stdio) {
  // What vscode-languageserver does for its own --stdio: the input's end ends the server, and
  // console output goes to the client's log, never into the protocol stream.
  const end = (): void => exit(shutdownReceived ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
}
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
