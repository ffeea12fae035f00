import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { IndexReadyNotification } from '../../shared/src/protocol';

let client: LanguageClient | undefined;

/** Starts the bundled Flaglens language server over IPC and shows its state in the status bar. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const output = vscode.window.createOutputChannel('Flaglens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'typescriptreact' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'javascriptreact' },
      { scheme: 'file', pattern: '**/*.flagd.json' },
    ],
    outputChannel: output,
  };
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.text = '$(sync~spin) Flaglens';
  status.tooltip = 'Flaglens: indexing flags';
  status.command = 'flaglens.showOutput';
  status.show();
  context.subscriptions.push(status, output, vscode.commands.registerCommand('flaglens.showOutput', () => output.show()));

  client = new LanguageClient('flaglens', 'Flaglens', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onNotification(IndexReadyNotification.method, (params: IndexReadyNotification.Params) => {
      status.text = `$(flag) ${params.flags} flags`;
      status.tooltip = `Flaglens: ${params.usages} usages in ${params.files} files, indexed in ${params.durationMs} ms`;
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
