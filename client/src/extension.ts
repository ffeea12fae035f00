import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CodeLensRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  Commands,
  ExperimentsAnalysedNotification,
  type FlaglensInitializationOptions,
  IndexReadyNotification,
  RollbackVerdictNotification,
  WorkspaceTrustedNotification,
} from '../../shared/src/protocol';
import { type CommandContext, finishCleanupAction, registerCommands } from './commands';
import { REGISTRY_EDIT_COMMANDS, runRegistryEdit } from './registryEdits';
import { ExperimentReportPanel } from './experimentReport/experimentReportPanel';
import { RuleEditorPanel } from './ruleEditor/ruleEditorPanel';
import { ServerApi } from './serverApi';
import { ExperimentsTreeProvider } from './views/experimentsTree';
import { FlagsTreeProvider, ProblemsTreeProvider, StaleTreeProvider } from './views/flagTrees';

/** What the extension gives other extensions and its own end-to-end tests. */
export interface FlaglensApi {
  indexReady: Promise<IndexReadyNotification.Params>;
  client: LanguageClient;
  api: ServerApi;
  ruleEditors(): RuleEditorPanel[];
}

let client: LanguageClient | undefined;

function codeLensEnabled(resource: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('flaglens', resource).get<boolean>('codeLens.enabled', true);
}

export async function activate(context: vscode.ExtensionContext): Promise<FlaglensApi> {
  const output = vscode.window.createOutputChannel('Flaglens', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };

  // The middleware needs the API, which needs the client the middleware configures.
  const server: { api?: ServerApi; commands?: CommandContext } = {};
  const documentSelector = [
    { scheme: 'file', language: 'typescript' },
    { scheme: 'file', language: 'typescriptreact' },
    { scheme: 'file', language: 'javascript' },
    { scheme: 'file', language: 'javascriptreact' },
    { scheme: 'file', pattern: '**/*.flagd.json' },
    { scheme: 'file', pattern: '**/*.experiment.json' },
    { scheme: 'file', pattern: '**/*.rollout.json' },
  ];
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    // The server enforces Restricted Mode itself: no edits, no git, until trust is granted.
    // A function: a restarted server must learn the trust of now, not of the activation.
    initializationOptions: (): FlaglensInitializationOptions => ({
      workspaceTrusted: vscode.workspace.isTrusted,
    }),
    // Hovers link to the experiment report; no other command link in them is trusted, since flag
    // descriptions come from the repository.
    markdown: { isTrusted: { enabledCommands: ['flaglens.openExperimentReport'] } },
    middleware: {
      // `flaglens.codeLens.enabled`, per resource (a folder may turn lenses off).
      provideCodeLenses: (document, token, next) =>
        codeLensEnabled(document.uri) ? next(document, token) : [],
      // Lenses and code actions run server commands directly: route registry edits through
      // the confirmation and save flow the rest of the UI uses.
      executeCommand: async (command, args, next) => {
        const first = (args[0] ?? {}) as Record<string, unknown>;
        if (server.api && REGISTRY_EDIT_COMMANDS.has(command))
          return runRegistryEdit(server.api, command, first, (c, a) => Promise.resolve(next(c, [a])));
        // "N usages" on a registry entry: show them in the references view.
        if (command === Commands.showFlag && typeof first.flag === 'string')
          return vscode.commands.executeCommand('flaglens.findUsages', first.flag);
        // A resolved cleanup code action was applied: the server checks it is whole, we save.
        if (command === Commands.cleanupApplied && server.commands)
          return finishCleanupAction(server.commands, () => Promise.resolve(next(command, args)));
        // The stale-flag code action of a client that does not resolve: the command's flow.
        if (command === Commands.cleanup)
          return vscode.commands.executeCommand('flaglens.cleanupStaleFlag', {
            flag: first.flag,
            servedValue: first.value,
          });
        return next(command, args);
      },
      // VS Code applies a resolved action's edit itself: in Restricted Mode, the cleanup
      // command (which says it is disabled) instead.
      resolveCodeAction: (item, token, next) => {
        if (vscode.workspace.isTrusted) return next(item, token);
        const cleanup = (item as { data?: { cleanup?: { flag: string; value: unknown } } }).data?.cleanup;
        item.command = {
          title: item.title,
          command: 'flaglens.cleanupStaleFlag',
          arguments: [{ flag: cleanup?.flag, servedValue: cleanup?.value }],
        };
        return item;
      },
    },
  };

  // The status of Flaglens next to the language of a file it serves, with the restart at hand.
  const languageStatus = vscode.languages.createLanguageStatusItem('flaglens.status', documentSelector);
  languageStatus.name = 'Flaglens';
  languageStatus.text = '$(sync~spin) Flaglens: indexing';
  languageStatus.command = { title: 'Restart Server', command: 'flaglens.restartServer' };

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.text = '$(sync~spin) Flaglens';
  status.tooltip = 'Flaglens: indexing flags';
  status.command = 'flaglens.showOutput';
  status.show();

  client = new LanguageClient('flaglens', 'Flaglens', serverOptions, clientOptions);
  const api = new ServerApi(client);
  server.api = api;

  const flags = new FlagsTreeProvider(api, 'all');
  const fileFlags = new FlagsTreeProvider(api, 'activeFile');
  const stale = new StaleTreeProvider(api);
  const problems = new ProblemsTreeProvider();
  const experiments = new ExperimentsTreeProvider(api);
  const refreshViews = () => {
    experiments.refresh();
    flags.refresh();
    fileFlags.refresh();
    stale.refresh();
    problems.refresh();
    for (const editor of RuleEditorPanel.all()) void editor.refresh();
  };

  const commandContext: CommandContext = { extension: context, api, output, refreshViews };
  server.commands = commandContext;

  let resolveReady: (params: IndexReadyNotification.Params) => void = () => {};
  const indexReady = new Promise<IndexReadyNotification.Params>((resolve) => (resolveReady = resolve));

  const updateStatus = (params: IndexReadyNotification.Params) => {
    const counts = vscode.languages
      .getDiagnostics()
      .flatMap(([, diagnostics]) => diagnostics)
      .filter(
        (diagnostic) =>
          diagnostic.source === 'flaglens' && diagnostic.severity <= vscode.DiagnosticSeverity.Warning,
      ).length;
    status.text = `$(flag) ${params.flags} flags${counts ? ` $(warning) ${counts}` : ''}`;
    languageStatus.text = `$(flag) Flaglens: ${params.flags} flags`;
    languageStatus.detail = `${params.usages} usages in ${params.files} files${vscode.workspace.isTrusted ? '' : ' · read-only (Restricted Mode)'}`;
    status.tooltip = `Flaglens: ${params.usages} usages in ${params.files} files, indexed in ${params.durationMs} ms${vscode.workspace.isTrusted ? '' : ' · Restricted Mode: read-only'}. Click for the output.`;
  };
  let lastReady: IndexReadyNotification.Params | undefined;

  context.subscriptions.push(
    status,
    languageStatus,
    vscode.commands.registerCommand('flaglens.restartServer', async () => {
      status.text = '$(sync~spin) Flaglens';
      languageStatus.text = '$(sync~spin) Flaglens: indexing';
      await client?.restart();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('flaglens.codeLens.enabled') || !client) return;
      // Ask VS Code for the lenses again: shown or hidden under the new setting.
      const feature = client.getFeature(CodeLensRequest.method);
      for (const editor of vscode.window.visibleTextEditors)
        feature.getProvider(editor.document)?.onDidChangeCodeLensEmitter.fire();
    }),
    output,
    vscode.window.registerTreeDataProvider('flaglens.flags', flags),
    vscode.window.registerTreeDataProvider('flaglens.fileFlags', fileFlags),
    vscode.window.registerTreeDataProvider('flaglens.staleFlags', stale),
    vscode.window.registerTreeDataProvider('flaglens.problems', problems),
    vscode.window.registerTreeDataProvider('flaglens.experiments', experiments),
    // A new analysis of the experiments: their view and open reports show it (lenses are refreshed by the server).
    client.onNotification(ExperimentsAnalysedNotification.method, () => {
      experiments.refresh();
      ExperimentReportPanel.refreshAll();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => fileFlags.refresh()),
    vscode.languages.onDidChangeDiagnostics(() => {
      problems.refresh();
      if (lastReady) updateStatus(lastReady);
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.fileName.endsWith('.flagd.json') || document.fileName.endsWith('flaglens.json'))
        refreshViews();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification(WorkspaceTrustedNotification.method);
      if (lastReady) updateStatus(lastReady);
    }),
    ...registerCommands(commandContext),
    // Once per rollback verdict: the rollback (confirmed on protected environments, as every
    // registry edit) or the report.
    client.onNotification(
      RollbackVerdictNotification.method,
      (params: RollbackVerdictNotification.Params) => {
        void offerRollback(params, server.api);
      },
    ),
    client.onNotification(IndexReadyNotification.method, (params: IndexReadyNotification.Params) => {
      lastReady = params;
      updateStatus(params);
      refreshViews();
      resolveReady(params);
    }),
  );
  await client.start();
  return { indexReady, client, api, ruleEditors: () => RuleEditorPanel.all() };
}

async function offerRollback(
  params: RollbackVerdictNotification.Params,
  api: ServerApi | undefined,
): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `Flaglens: roll back ${params.flag} in ${params.environment}? ${params.reason}`,
    'Roll back',
    'Open report',
  );
  if (choice === 'Roll back' && api) {
    const [args] = params.rollback.arguments as Record<string, unknown>[];
    const outcome = await runRegistryEdit(api, params.rollback.command, args);
    if (outcome.applied)
      void vscode.window.showInformationMessage(
        `Flaglens: rolled back ${params.flag} in ${params.environment}.`,
      );
  } else if (choice === 'Open report') {
    const document = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: params.markdown,
    });
    await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
