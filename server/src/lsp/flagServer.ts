import {
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
  TextDocuments,
  type WorkspaceEdit,
  type TextDocumentEdit,
  ResponseError,
  ErrorCodes,
  LSPErrorCodes,
  type CancellationToken,
  type CodeAction,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import {
  Commands,
  FlagDetailsRequest,
  FlagsRequest,
  ExperimentReportRequest,
  ExperimentsRequest,
  ExperimentsAnalysedNotification,
  RollbackVerdictNotification,
  IndexReadyNotification,
  PreviewChangeRequest,
  QUERY_COMMANDS,
  StaleFlagsRequest,
  WorkspaceTrustedNotification,
} from '../../../shared/src/protocol';
import { flagDetails, flagInfos, previewChange } from '../core/features/flagInfo';
import { type CleanupPlan, planCleanup } from '../core/features/cleanupPlan';
import {
  type AppliedState,
  appliedState,
  cleanupWorkspaceEdit,
  FULL_EDIT_SUPPORT,
  undoWorkspaceEdit,
  workspaceEditSupport,
} from './cleanupEdit';
import type { Finding, VariantValue } from '../../../shared/src/registryModel';
import { workspaceFindings } from '../core/analysis/workspaceFindings';
import { codeActions, isCleanupActionData, rollbackCommand } from '../core/features/codeActions';
import { renderGuardMarkdown } from '../core/guard/guardText';
import type { GuardReport } from '../../../shared/src/rollout';
import { codeLenses } from '../core/features/codeLens';
import { completionsAt } from '../core/features/completion';
import { hoverAt } from '../core/features/hover';
import { definitionsAt, referencesAt } from '../core/features/navigation';
import {
  CommandError,
  planRegistryCommand,
  type RegistryChangePlan,
} from '../core/features/registryCommands';
import { prepareRename, RenameError, renameAt } from '../core/features/rename';
import { documentSymbols, workspaceSymbols } from '../core/features/symbols';
import { OperationCancelled } from '../core/cancellation';
import type { Logger, WorkspaceHost } from '../core/host';
import { textVersion } from '../core/text';
import { type FileEdit, type OffsetEdit, applyOffsetEdits, offsetEditToRange } from '../core/textEdit';
import { FlagWorkspace } from '../core/workspace/flagWorkspace';
import type { FlagHistory } from '../core/stale/staleness';
import { type AnalyzeExperiment, createExperimentRefresher } from './experimentRefresh';
import { renderReportMarkdown } from '../core/experiments/reportText';
import { planShipWinner, readShipWinnerArguments } from '../core/experiments/shipWinner';
import { experimentList } from '../core/features/experimentInsights';
import { type CheckRollouts, GuardVerdicts } from './guardVerdicts';
import { RESTRICTED_MODE_REFUSAL, WorkspaceTrust } from './workspaceTrust';

/** What the server needs from the process it runs in (Node today; a browser worker later). */
export interface ServerRuntime {
  host: WorkspaceHost;
  now?: () => Date;
  /**
   * Watches a workspace folder for changes on disk, for clients that cannot register file
   * watchers (Neovim before 0.9, Helix): the registry must not go stale behind the editor.
   */
  watchFiles?: (
    root: string,
    onChange: (absolutePath: string, deleted: boolean) => void,
  ) => { dispose(): void };
  /** Registry history for stale-flag dates (git on Node); read in the background. */
  readFlagHistory?: (root: string, registryFiles: string[]) => Promise<Map<string, FlagHistory>>;
  /** One experiment's analysis from its events (the file or SQL source on Node), run in the background. */
  analyzeExperiment?: AnalyzeExperiment;
  /** Experiment definitions as committed before their start, for the plan lock (git on Node). */
  readPreregisteredPlans?: (workspace: FlagWorkspace) => Promise<void>;
  /**
   * Writes edits of files no editor has open, all or none, each refused unless the file still
   * has the version the edit was planned on (under the lock the CLI takes too, on Node). Without
   * it, such edits go to the client with `version: null`, which cannot detect a change.
   */
  writeFiles?: (edits: FileEdit[], workspaceRoot: string) => Promise<void>;
  /** False when `path`, symbolic links followed, lies outside `root`: no edit may go there. */
  staysInside?: (path: string, root: string) => Promise<boolean>;
  /** Guarded-rollout checks (they read event files): rollback verdicts become diagnostics. */
  checkRollouts?: CheckRollouts;
}

const SEVERITIES: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The Flaglens language server: wires the core to an LSP connection. Every handler is
 * guarded so that one failure answers a default and is logged, and never stops the server.
 */
export function startServer(connection: Connection, runtime: ServerRuntime): void {
  const documents = new TextDocuments(TextDocument);
  const workspaces: FlagWorkspace[] = [];
  const now = runtime.now ?? (() => new Date());
  const logger: Logger = {
    info: (message) => connection.console.info(message),
    warn: (message) => connection.console.warn(message),
    error: (message) => connection.console.error(message),
  };
  /** The first full index (and every later reload of the configuration). */
  let ready: Promise<void> = Promise.resolve();
  /** The registry loaded and the open buffers indexed: enough to answer about an open code file. */
  let loaded: Promise<void> = Promise.resolve();
  let canRegisterWatchers = false;
  let canShowProgress = false;
  let canRefreshLenses = false;
  let canResolveCodeActions = false;
  const published = new Set<string>();
  const trust = new WorkspaceTrust();
  let editSupport = FULL_EDIT_SUPPORT;
  const experiments = runtime.analyzeExperiment
    ? createExperimentRefresher({
        workspaces: () => workspaces,
        analyze: runtime.analyzeExperiment,
        logger,
        onRefreshed: () => {
          if (canRefreshLenses) connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
          const count = workspaces.reduce(
            (sum, workspace) => sum + workspace.experiments.definitions().length,
            0,
          );
          void connection.sendNotification(ExperimentsAnalysedNotification.method, {
            experiments: count,
          } satisfies ExperimentsAnalysedNotification.Params);
        },
      })
    : undefined;
  /** Events, definitions and the registry feed the experiments' analysis. */
  const feedsExperiments = (file: string): boolean =>
    /\.(experiment\.json|rollout\.json|flagd\.json|ndjson|jsonl|csv)$/.test(file) ||
    file.endsWith('flaglens.json');

  /**
   * True for a request about an open code file whose current text the index holds: it can be
   * answered before the whole tree is read. A file opened or edited while indexing is not yet.
   */
  const isAboutIndexedBuffer = (params: unknown): boolean => {
    const uri = (params as { textDocument?: { uri?: unknown } }).textDocument?.uri;
    if (typeof uri !== 'string') return false;
    const located = locate(uri);
    const text = documents.get(uri)?.getText();
    return (
      located !== undefined &&
      text !== undefined &&
      located.workspace.kindOf(located.file) === 'code' &&
      located.workspace.bufferText(located.file) === text
    );
  };

  /**
   * (Re)indexes through `work` after whatever indexing runs now: requests and edits wait for it
   * (`ready`), early requests for its `markLoaded` (`loaded`). Reloads never overlap.
   */
  const reindex = (work: (markLoaded: () => void) => Promise<void>): Promise<void> => {
    let markLoaded = (): void => undefined;
    loaded = new Promise<void>((resolve) => (markLoaded = resolve));
    ready = ready
      .then(() => work(markLoaded))
      .catch((error: unknown) => logger.error(`indexing failed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => markLoaded());
    return ready;
  };

  // A cancelled request is answered with RequestCancelled, as LSP asks: an empty result would
  // read as "nothing found".
  const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
  const guard =
    <P, R>(
      name: string,
      fallback: R,
      handler: (params: P, token: CancellationToken) => R | Promise<R>,
      /** 'early': a request about a code file is answered once its buffer is indexed (large trees index for seconds). */
      when: 'indexed' | 'early' = 'indexed',
    ) =>
    async (params: P, token: CancellationToken): Promise<R> => {
      try {
        if (when === 'early') {
          await loaded;
          if (!isAboutIndexedBuffer(params)) await ready;
        } else await ready;
        if (token?.isCancellationRequested) throw cancelled();
        return await handler(params, token);
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        if (error instanceof OperationCancelled) throw cancelled();
        logger.error(`${name} failed: ${(error as Error).stack ?? String(error)}`);
        return fallback;
      }
    };

  /** A request about an open code file, answered once its buffer is indexed (large trees index for seconds). */
  const guardEarly = <P, R>(
    name: string,
    fallback: R,
    handler: (params: P, token: CancellationToken) => R | Promise<R>,
  ) => guard(name, fallback, handler, 'early');

  const locate = (uri: string): { workspace: FlagWorkspace; file: string } | undefined => {
    const path = URI.parse(uri).fsPath.replace(/\\/g, '/');
    let best: { workspace: FlagWorkspace; file: string } | undefined;
    for (const workspace of workspaces) {
      const file = workspace.relative(path);
      if (file !== undefined && (!best || workspace.root.length > best.workspace.root.length))
        best = { workspace, file };
    }
    return best;
  };

  const announceRollback = (workspace: FlagWorkspace, report: GuardReport): void => {
    const plan = workspace.rollouts.plans().find((item) => item.key === report.rollout);
    if (!plan) return;
    void connection.sendNotification(RollbackVerdictNotification.method, {
      rollout: report.rollout,
      flag: report.flag,
      environment: report.environment,
      reason: report.decision.reason,
      file: report.file,
      uri: URI.file(workspace.absolute(report.file)).toString(),
      rollback: rollbackCommand(plan, report.decision.action?.kind === 'kill' ? 'kill' : 'rollout-to-zero'),
      markdown: renderGuardMarkdown(report),
    } satisfies RollbackVerdictNotification.Params);
  };
  const guardVerdicts =
    runtime.checkRollouts &&
    new GuardVerdicts(runtime.checkRollouts, () => scheduleDiagnostics(), logger, announceRollback);
  let diagnosticsRun = 0;
  /** Publishes every workspace's findings; a run overtaken by a newer one stops between folders. */
  const publishDiagnostics = async (): Promise<void> => {
    const run = ++diagnosticsRun;
    const byUri = new Map<string, Diagnostic[]>();
    for (const workspace of workspaces) {
      const findings = [
        ...(await workspaceFindings(workspace)),
        ...(guardVerdicts?.findings(workspace) ?? []),
      ];
      // Let edits that arrived meanwhile in: if one started a newer run, that run publishes.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (run !== diagnosticsRun) return;
      for (const finding of findings) {
        const uri = URI.file(workspace.absolute(finding.file)).toString();
        const diagnostic: Diagnostic = {
          range: finding.range,
          severity: SEVERITIES[finding.severity],
          code: finding.code,
          source: 'flaglens',
          message: finding.message,
          data: { flag: finding.flag, ...(finding.data ?? {}) },
        };
        const list = byUri.get(uri) ?? [];
        list.push(diagnostic);
        byUri.set(uri, list);
      }
    }
    for (const uri of published)
      if (!byUri.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published.clear();
    for (const [uri, diagnostics] of byUri) {
      published.add(uri);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
    // Lenses show what each environment serves: after a registry change they are out of date.
    if (canRefreshLenses) connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };

  let diagnosticsTimer: ReturnType<typeof setImmediate> | undefined;
  const scheduleDiagnostics = (): void => {
    if (diagnosticsTimer) return;
    diagnosticsTimer = setImmediate(() => {
      diagnosticsTimer = undefined;
      publishDiagnostics().catch((error: unknown) => logger.error(`diagnostics failed: ${String(error)}`));
    });
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    trust.initialize(params.initializationOptions);
    editSupport = workspaceEditSupport(params.capabilities.workspace?.workspaceEdit);
    const folders =
      params.workspaceFolders?.map((folder) => URI.parse(folder.uri).fsPath) ??
      (params.rootUri ? [URI.parse(params.rootUri).fsPath] : params.rootPath ? [params.rootPath] : []);
    for (const folder of folders) {
      const workspace = new FlagWorkspace({ root: folder, host: runtime.host, logger, now });
      workspace.onDeferredChange = () => scheduleDiagnostics();
      workspaces.push(workspace);
    }
    canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canShowProgress = params.capabilities.window?.workDoneProgress === true;
    canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    const resolvable = params.capabilities.textDocument?.codeAction?.resolveSupport?.properties ?? [];
    canResolveCodeActions = resolvable.includes('edit') && resolvable.includes('command');
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: ['"', "'", '`'] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: ['quickfix'], resolveProvider: canResolveCodeActions },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        executeCommandProvider: { commands: Object.values(Commands) },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'flaglens', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (canRegisterWatchers) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.flagd.json' },
          { globPattern: '**/flaglens.json' },
          { globPattern: '**/*.experiment.json' },
          { globPattern: '**/*.rollout.json' },
          { globPattern: '**/*.{ndjson,jsonl,csv}' },
          { globPattern: '**/*.{ts,tsx,js,jsx,mts,cts,mjs,cjs}' },
        ],
      });
    }
    void reindex((markLoaded) => indexAll(markLoaded));
    if (!canRegisterWatchers && runtime.watchFiles) {
      for (const workspace of workspaces) {
        runtime.watchFiles(workspace.root, (absolutePath, deleted) => {
          const uri = URI.file(absolutePath).toString();
          void ready.then(() =>
            onDiskChange([{ uri, type: deleted ? FileChangeType.Deleted : FileChangeType.Changed }]),
          );
        });
      }
    }
  });

  /** Loads every folder, indexes the open buffers (then `onLoaded`), then the rest of the code. */
  /**
   * Loads `targets`, indexes the open buffers among them (then `onLoaded`), then the rest of their
   * code, reporting work-done progress. Used for the first index and for configuration reloads.
   */
  const indexWorkspaces = async (targets: FlagWorkspace[], onLoaded: () => void): Promise<void> => {
    const progress = canShowProgress ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Flaglens: indexing flags', 0, undefined, false);
    try {
      for (const workspace of targets) {
        let lastReport = 0;
        await workspace.load((found) => {
          // Discovery of a large tree takes seconds: say so, at most every 1,000 files.
          if (found - lastReport >= 1000) {
            lastReport = found;
            progress?.report(`finding files: ${found}`);
          }
        });
      }
      // Open documents hold the newest text; they are what the user looks at, so they are
      // indexed first and served while the rest is read (`load` re-applied those it knew).
      for (const document of documents.all()) {
        const located = locate(document.uri);
        if (located && targets.includes(located.workspace)) {
          if (located.workspace.bufferText(located.file) !== document.getText()) applyDocument(document);
        }
      }
      // Their imported constants and wrappers are read before they are answered.
      for (const workspace of targets) await workspace.whenIndexIdle();
      onLoaded();
      for (const workspace of targets) {
        await workspace.indexCode((done, total) =>
          progress?.report(total === 0 ? 100 : Math.round((done / total) * 100), `${done}/${total} files`),
        );
      }
    } finally {
      progress?.done();
    }
  };

  /** The first index of every folder, then diagnostics, `flaglens/indexReady` and git history. */
  const indexAll = async (onLoaded: () => void): Promise<void> => {
    const started = Date.now();
    try {
      await indexWorkspaces(workspaces, onLoaded);
    } catch (error) {
      logger.error(`indexing failed: ${(error as Error).stack ?? String(error)}`);
      onLoaded();
    }
    await publishDiagnostics();
    const stats = workspaces.reduce(
      (sum, workspace) => ({
        files: sum.files + workspace.codeFiles.length,
        usages: sum.usages + workspace.usages().length,
        flags: sum.flags + workspace.registry.flags().size,
      }),
      { files: 0, usages: 0, flags: 0 },
    );
    void connection.sendNotification(IndexReadyNotification.method, {
      ...stats,
      durationMs: Date.now() - started,
    } satisfies IndexReadyNotification.Params);
    experiments?.schedule();
    // Git history only refines stale-flag dates: read it after the index, never before, and
    // never in an untrusted workspace (git runs what the repository's config says).
    const readHistory = () => {
      for (const workspace of workspaces) {
        runtime
          .readFlagHistory?.(workspace.root, workspace.registry.files())
          .then((history) => {
            workspace.setHistory(history);
            scheduleDiagnostics();
          })
          .catch((error: unknown) => logger.warn(`registry history unavailable: ${String(error)}`));
        runtime
          .readPreregisteredPlans?.(workspace)
          .then(() => scheduleDiagnostics())
          .catch((error: unknown) => logger.warn(`experiment plan history unavailable: ${String(error)}`));
      }
    };
    if (!trust.whenTrusted(readHistory))
      logger.info('Restricted Mode: git history is not read until the workspace is trusted.');
  };

  connection.onNotification(WorkspaceTrustedNotification.method, () => trust.grant());
  /** Edits wait for trust: the editor's own checks are not the only line. */
  const refuseUntrusted = (): void => {
    if (!trust.isTrusted) throw new ResponseError(ErrorCodes.InvalidRequest, RESTRICTED_MODE_REFUSAL);
  };

  const applyDocument = (document: TextDocument): boolean => {
    const located = locate(document.uri);
    if (!located) return false;
    return located.workspace.updateBuffer(located.file, document.getText());
  };

  documents.onDidChangeContent((change) => {
    ready
      .then(() => {
        // Closed meanwhile: the close put the disk's text back, which must stay.
        const current = documents.get(change.document.uri);
        if (current && applyDocument(current)) {
          scheduleDiagnostics();
          if (feedsExperiments(current.uri)) experiments?.schedule();
        }
      })
      .catch((error: unknown) => logger.error(`update failed: ${String(error)}`));
  });

  documents.onDidClose((event) => {
    // The editor's buffer is gone: what is on disk is the truth again.
    const located = locate(event.document.uri);
    if (!located) return;
    located.workspace.closeBuffer(located.file);
    void ready.then(async () => {
      await located.workspace.refreshFromDisk(located.file);
      scheduleDiagnostics();
    });
  });

  const onDiskChange = async (changes: { uri: string; type: FileChangeType }[]): Promise<void> => {
    let changed = false;
    for (const change of changes) {
      const located = locate(change.uri);
      if (!located) continue;
      if (located.file === 'flaglens.json') {
        // The configuration is what is saved, even while the file is open in an editor.
        const { workspace } = located;
        void reindex(async (markLoaded) => {
          await indexWorkspaces([workspace], markLoaded);
          scheduleDiagnostics();
        });
        continue;
      }
      if (documents.get(change.uri)) continue; // the open buffer wins over the disk
      // Event files only feed the experiments' analysis, which reads them itself.
      if (located.workspace.kindOf(located.file) === 'other') continue;
      if (change.type === FileChangeType.Deleted)
        changed = located.workspace.removeFile(located.file) || changed;
      // Read with the checks of a load: a FIFO or a link to a device is reported, never read.
      else changed = (await located.workspace.refreshFromDisk(located.file)) || changed;
    }
    if (changed) scheduleDiagnostics();
    if (changes.some((change) => feedsExperiments(change.uri))) experiments?.schedule();
  };

  connection.onDidChangeWatchedFiles((params) => {
    void ready.then(() => onDiskChange(params.changes));
  });

  connection.onHover(
    guardEarly('hover', null, (params) => {
      const located = locate(params.textDocument.uri);
      return located ? hoverAt(located.workspace, located.file, params.position) : null;
    }),
  );

  connection.onCodeLens(
    guardEarly('codeLens', [], (params) => {
      const located = locate(params.textDocument.uri);
      return located ? codeLenses(located.workspace, located.file) : [];
    }),
  );

  connection.onCompletion(
    guardEarly('completion', [], (params) => {
      const located = locate(params.textDocument.uri);
      const document = documents.get(params.textDocument.uri);
      if (!located || !document) return [];
      return completionsAt(located.workspace, located.file, params.position, document.getText());
    }),
  );

  connection.onDefinition(
    guardEarly('definition', [], (params) => {
      const located = locate(params.textDocument.uri);
      return located ? definitionsAt(located.workspace, located.file, params.position) : [];
    }),
  );

  connection.onReferences(
    guard('references', [], (params, token) => {
      const located = locate(params.textDocument.uri);
      return located
        ? referencesAt(
            located.workspace,
            located.file,
            params.position,
            params.context.includeDeclaration,
            token,
          )
        : [];
    }),
  );

  connection.onPrepareRename(
    guard('prepareRename', null, (params) => {
      refuseUntrusted();
      const located = locate(params.textDocument.uri);
      return located ? prepareRename(located.workspace, located.file, params.position) : null;
    }),
  );

  connection.onRenameRequest(
    guard('rename', null, (params) => {
      refuseUntrusted();
      const located = locate(params.textDocument.uri);
      if (!located) return null;
      try {
        return renameAt(located.workspace, located.file, params.position, params.newName);
      } catch (error) {
        if (error instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
        throw error;
      }
    }),
  );

  connection.onCodeAction(
    guard('codeAction', [], (params) => {
      const located = locate(params.textDocument.uri);
      // Every Flaglens code action edits files.
      return located && trust.isTrusted
        ? codeActions(
            located.workspace,
            located.file,
            params.range,
            params.context.diagnostics,
            params.context.only,
            { resolvesEdits: canResolveCodeActions },
          )
        : [];
    }),
  );

  // On failure the action comes back as it was (guard's fallback).
  const resolveCodeAction = (unresolved: CodeAction) =>
    guard('codeActionResolve', unresolved, async (action: CodeAction): Promise<CodeAction> => {
      if (!isCleanupActionData(action.data) || !trust.isTrusted) return action;
      const { flag, value, uri } = action.data.cleanup;
      const workspace = locate(uri)?.workspace;
      const prepared = workspace && (await prepareCleanup(workspace, Commands.cleanup, { flag, value }));
      // Refused (or no workspace): the command explains why when the person picks the action.
      if (!workspace || !prepared || typeof prepared === 'string')
        return {
          ...action,
          command: { title: action.title, command: Commands.cleanup, arguments: [{ flag, value }] },
        };
      rememberCleanup({ workspace, ...prepared });
      // No arguments: VS Code forgets a code action's command arguments when its menu closes,
      // and after the refactor preview the menu is long closed.
      return {
        ...action,
        edit: prepared.edit,
        command: { title: 'Check the cleanup', command: Commands.cleanupApplied },
      };
    });
  connection.onCodeActionResolve((action, token) => resolveCodeAction(action)(action, token));

  connection.onDocumentSymbol(
    guardEarly('documentSymbol', [], (params) => {
      const located = locate(params.textDocument.uri);
      return located ? documentSymbols(located.workspace, located.file) : [];
    }),
  );

  connection.onWorkspaceSymbol(
    guard('workspaceSymbol', [], async (params, token) => {
      const symbols = [];
      for (const workspace of workspaces)
        symbols.push(...(await workspaceSymbols(workspace, params.query, token)));
      return symbols;
    }),
  );

  connection.onExecuteCommand(
    guard('executeCommand', null, async (params) => {
      const args = (params.arguments?.[0] ?? {}) as Record<string, unknown>;
      const workspace = workspaceForCommand(args);
      if (!workspace) throw new ResponseError(ErrorCodes.InvalidParams, 'No workspace folder is open.');
      if (!trust.isTrusted && !QUERY_COMMANDS.includes(params.command))
        return refuse(RESTRICTED_MODE_REFUSAL);
      if (params.command === Commands.evaluate) {
        const flag = String(args.flag ?? '');
        const envs = typeof args.env === 'string' ? [args.env] : workspace.environments();
        const context = (args.context ?? {}) as Record<string, unknown>;
        const at = typeof args.at === 'string' ? new Date(args.at) : undefined;
        return envs.map((env) => workspace.evaluate(flag, env, context, { at }));
      }
      if (params.command === Commands.showFlag) {
        const flag = String(args.flag ?? '');
        return {
          flag,
          usages: workspace.usagesOf(flag),
          definitions:
            workspace.registry.flag(flag)?.definitions.map((definition) => ({
              env: definition.environment,
              file: definition.file,
              range: definition.keyRange,
            })) ?? [],
        };
      }
      if (params.command === Commands.cleanup || params.command === Commands.cleanupAll) {
        return applyCleanup(workspace, params.command, args);
      }
      if (params.command === Commands.cleanupApplied) return checkCleanupApplied();
      // One registry command at a time per workspace: each is planned on what the one before wrote.
      return inRegistryQueue(workspace, async () => {
        let plan: RegistryChangePlan;
        try {
          plan =
            params.command === Commands.shipWinner
              ? shipWinnerPlan(workspace, args)
              : planRegistryCommand(workspace, params.command, args, now());
        } catch (error) {
          if (error instanceof CommandError || (error as Error).name === 'RegistryEditError') {
            void connection.window.showErrorMessage(`Flaglens: ${(error as Error).message}`);
            return { applied: false, reason: (error as Error).message };
          }
          throw error;
        }
        if (plan.protectedEnvironments.length > 0 && args.confirmed !== true) {
          const changes = plan.preview
            .map((entry) => `${entry.env}: ${entry.before} → ${entry.after}`)
            .join('; ');
          const answer = await connection.window.showWarningMessage(
            `${plan.description}? ${plan.protectedEnvironments.join(', ')} is protected. ${changes}`,
            { title: 'Apply' },
            { title: 'Cancel' },
          );
          if (answer?.title !== 'Apply') return { applied: false, reason: 'cancelled' };
        }
        return applyPlan(workspace, plan);
      });
    }),
  );

  const registryQueues = new Map<FlagWorkspace, Promise<unknown>>();
  const inRegistryQueue = <T>(workspace: FlagWorkspace, run: () => Promise<T>): Promise<T> => {
    const previous = registryQueues.get(workspace) ?? Promise.resolve();
    const result = previous.then(run, run);
    registryQueues.set(
      workspace,
      result.then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  };

  connection.onRequest(
    FlagsRequest.method,
    guard('flags', [] as FlagsRequest.Result, (params: FlagsRequest.Params) => {
      if (params?.uri) {
        const located = locate(params.uri);
        return located ? flagInfos(located.workspace, located.file) : [];
      }
      return workspaces.flatMap((workspace) => flagInfos(workspace));
    }),
  );

  connection.onRequest(
    ExperimentReportRequest.method,
    guard(
      'experimentReport',
      { report: null, markdown: null, error: 'internal error' } as ExperimentReportRequest.Result,
      async (params: ExperimentReportRequest.Params): Promise<ExperimentReportRequest.Result> => {
        const workspace = workspaces.find((candidate) => candidate.experiments.definition(params.experiment));
        const definition = workspace?.experiments.definition(params.experiment);
        if (!workspace || !definition)
          return { report: null, markdown: null, error: `No experiment "${params.experiment}".` };
        let analysis = workspace.experimentReports.get(definition.key);
        if (!analysis && runtime.analyzeExperiment) {
          try {
            const report = await runtime.analyzeExperiment(workspace, definition);
            analysis = { kind: 'report', report, computedAt: new Date().toISOString() };
          } catch (error) {
            analysis = {
              kind: 'error',
              message: (error as Error).message,
              computedAt: new Date().toISOString(),
            };
          }
        }
        if (!analysis)
          return { report: null, markdown: null, error: 'Experiments are not analysed by this server.' };
        return analysis.kind === 'report'
          ? { report: analysis.report, markdown: renderReportMarkdown(analysis.report), error: null }
          : { report: null, markdown: null, error: analysis.message };
      },
    ),
  );

  connection.onRequest(
    ExperimentsRequest.method,
    guard('experiments', [] as ExperimentsRequest.Result, () =>
      workspaces.flatMap((workspace) => experimentList(workspace)),
    ),
  );

  connection.onRequest(
    StaleFlagsRequest.method,
    guard('staleFlags', [] as StaleFlagsRequest.Result, () =>
      workspaces.flatMap((workspace) => workspace.staleVerdicts()),
    ),
  );

  connection.onRequest(
    FlagDetailsRequest.method,
    guard('flagDetails', null as FlagDetailsRequest.Result | null, (params: FlagDetailsRequest.Params) => {
      const workspace = workspaceForCommand({ flag: params.flag });
      return workspace ? flagDetails(workspace, params.flag, params.env) : null;
    }),
  );

  connection.onRequest(
    PreviewChangeRequest.method,
    guard(
      'previewChange',
      null as PreviewChangeRequest.Result | null,
      (params: PreviewChangeRequest.Params) => {
        const workspace = workspaceForCommand(params.arguments);
        if (!workspace) return null;
        return previewChange(workspace, params, now(), (command, args) =>
          command === Commands.shipWinner
            ? shipWinnerPlan(workspace, args)
            : planRegistryCommand(workspace, command, args, now()),
        );
      },
    ),
  );

  /** Ship the winner on the latest background analysis (the lens and the report show the same). */
  const shipWinnerPlan = (workspace: FlagWorkspace, args: Record<string, unknown>): RegistryChangePlan => {
    const shipArgs = readShipWinnerArguments(args);
    const analysis = workspace.experimentReports.get(shipArgs.experiment);
    return planShipWinner(
      workspace,
      analysis?.kind === 'report' ? analysis.report : undefined,
      shipArgs,
      now(),
    );
  };

  const workspaceForCommand = (args: Record<string, unknown>): FlagWorkspace | undefined => {
    if (typeof args.uri === 'string') return locate(args.uri)?.workspace;
    if (typeof args.experiment === 'string') {
      const key = args.experiment;
      const owner = workspaces.find((workspace) => workspace.experiments.definition(key));
      if (owner) return owner;
    }
    const flag = typeof args.flag === 'string' ? args.flag : undefined;
    return (
      workspaces.find((workspace) => flag !== undefined && workspace.registry.flag(flag)) ?? workspaces[0]
    );
  };

  /**
   * One file's edits for `workspace/applyEdit`, or why they must be refused: the text they were
   * computed on must still be what the editor buffer (versioned) or the disk holds.
   */
  const versionedEdit = async (
    workspace: FlagWorkspace,
    file: string,
    version: string,
    text: string,
    edits: OffsetEdit[],
    annotationId?: string,
  ): Promise<TextDocumentEdit | string> => {
    const uri = URI.file(workspace.absolute(file)).toString();
    const open = documents.get(uri);
    if (open) {
      if (textVersion(open.getText()) !== version)
        return `${file} changed while the edit was prepared; try again.`;
    } else {
      const onDisk = await runtime.host.readFile(workspace.absolute(file));
      if (onDisk === undefined || textVersion(onDisk) !== version) {
        if (onDisk !== undefined) workspace.updateFile(file, onDisk);
        scheduleDiagnostics();
        return `${file} changed on disk since Flaglens read it; nothing was written. Try again.`;
      }
    }
    return {
      textDocument: { uri, version: open ? open.version : null },
      edits: edits.map((edit) => ({
        ...offsetEditToRange(text, edit),
        ...(annotationId ? { annotationId } : {}),
      })),
    };
  };

  /**
   * Applies registry edits, refusing when a file changed since it was read: open documents
   * through the client (their version guards the edit), files no editor has open written by the
   * server itself (`runtime.writeFiles`), since the client could not tell that such a file
   * changed and would apply the edit at the offsets of an older text. Afterwards the workspace
   * holds the new texts, so the next command is planned on them.
   */
  const applyPlan = async (workspace: FlagWorkspace, plan: RegistryChangePlan) => {
    const documentChanges: TextDocumentEdit[] = [];
    const closed: typeof plan.files = [];
    for (const fileEdit of plan.files) {
      const uri = URI.file(workspace.absolute(fileEdit.file)).toString();
      if (!documents.get(uri) && runtime.writeFiles) {
        closed.push(fileEdit);
        continue;
      }
      // Saving an open document writes through a link it may be; never out of the workspace.
      if (
        runtime.staysInside &&
        !(await runtime.staysInside(workspace.absolute(fileEdit.file), workspace.root))
      )
        return refuse(
          `${fileEdit.file} leads outside the workspace through a symbolic link; Flaglens does not write there, so nothing was written.`,
        );
      const change = await versionedEdit(
        workspace,
        fileEdit.file,
        fileEdit.version,
        fileEdit.text,
        fileEdit.edits,
      );
      if (typeof change === 'string') return refuse(change);
      documentChanges.push(change);
    }
    const writeClosed = async (edits: FileEdit[]): Promise<string | undefined> => {
      try {
        await runtime.writeFiles?.(edits, workspace.root);
        return undefined;
      } catch (error) {
        for (const edit of edits) {
          const onDisk = await runtime.host.readFile(edit.file);
          const file = workspace.relative(edit.file);
          if (onDisk !== undefined && file !== undefined) workspace.updateFile(file, onDisk);
        }
        scheduleDiagnostics();
        if (
          (error as Error).name === 'FileChangedOnDiskError' ||
          (error as Error).name === 'WriteRefusedError'
        )
          return (error as Error).message;
        throw error;
      }
    };
    const newTexts = closed.map((fileEdit) => applyOffsetEdits(fileEdit.text, fileEdit.edits));
    const failure = await writeClosed(
      closed.map((fileEdit) => ({
        file: workspace.absolute(fileEdit.file),
        expectedVersion: fileEdit.version,
        edits: fileEdit.edits,
      })),
    );
    if (failure) return refuse(failure);
    closed.forEach((fileEdit, index) => workspace.updateFile(fileEdit.file, newTexts[index]));
    if (documentChanges.length > 0) {
      const edit: WorkspaceEdit = { documentChanges };
      const result = await connection.workspace.applyEdit({ label: plan.description, edit });
      if (!result.applied) {
        // All or none: the files written above get their old text back.
        const notUndone = await writeClosed(
          closed.map((fileEdit, index) => ({
            file: workspace.absolute(fileEdit.file),
            expectedVersion: textVersion(newTexts[index]),
            edits: [{ offset: 0, length: newTexts[index].length, content: fileEdit.text }],
          })),
        );
        // When even that is refused, writeClosed has re-read what the disk holds.
        if (!notUndone) closed.forEach((fileEdit) => workspace.updateFile(fileEdit.file, fileEdit.text));
        return refuse(result.failureReason ?? 'The editor did not apply the edit.');
      }
      for (const change of documentChanges) {
        const document = documents.get(change.textDocument.uri);
        if (document) applyDocument(document);
      }
    }
    scheduleDiagnostics();
    return {
      applied: true,
      description: plan.description,
      preview: plan.preview,
      files: plan.files.map((file) => file.file),
      uris: plan.files.map((file) => URI.file(workspace.absolute(file.file)).toString()),
    };
  };

  /**
   * Plans a stale-flag cleanup as one workspace edit (cleanupEdit.ts), or says why not: the
   * command and the resolved code action share it.
   */
  const prepareCleanup = async (
    workspace: FlagWorkspace,
    command: string,
    args: Record<string, unknown>,
  ): Promise<{ plan: CleanupPlan; label: string; edit: WorkspaceEdit } | string> => {
    let targets: { flag: string; value: VariantValue | null }[];
    if (command === Commands.cleanupAll) {
      targets = workspace
        .staleVerdicts()
        .filter((verdict) => verdict.readyForRemoval && verdict.servedValue !== undefined)
        .map((verdict) => ({ flag: verdict.flag, value: verdict.servedValue ?? null }));
    } else {
      const flag = typeof args.flag === 'string' ? args.flag : undefined;
      if (!flag) return 'Which flag? Pass {"flag": "...", "value": ...}.';
      const verdict = workspace.staleVerdicts().find((candidate) => candidate.flag === flag);
      const value = 'value' in args ? (args.value as VariantValue | null) : verdict?.servedValue;
      if (value === undefined)
        return `No value to keep for ${flag}: pass one, or wait until it serves one value everywhere.`;
      targets = [{ flag, value }];
    }
    if (targets.length === 0) return 'No stale flag is ready for removal.';
    const plan = await planCleanup(workspace, targets, {
      removeFromRegistry: args.keepRegistry !== true,
      force: args.force === true,
    });
    const label =
      targets.length === 1
        ? `Clean up ${targets[0].flag} (always ${JSON.stringify(targets[0].value)})`
        : `Clean up ${targets.length} stale flags`;
    const uriOfFile = (file: string) => URI.file(workspace.absolute(file)).toString();
    const edit = await cleanupWorkspaceEdit(
      plan,
      label,
      (file, version, text, edits, annotationId) =>
        versionedEdit(workspace, file, version, text, edits, annotationId),
      uriOfFile,
      editSupport,
    );
    return typeof edit === 'string' ? edit : { plan, label, edit };
  };

  /** Applies a cleanup through the client as one edit; the report comes back. */
  const applyCleanup = async (workspace: FlagWorkspace, command: string, args: Record<string, unknown>) => {
    const prepared = await prepareCleanup(workspace, command, args);
    if (typeof prepared === 'string') return refuse(prepared);
    const { plan, label, edit } = prepared;
    const result = await connection.workspace.applyEdit({ label, edit });
    if (!result.applied)
      return {
        applied: false,
        reason: result.failureReason ?? 'The cleanup was not applied.',
        report: plan.report,
      };
    return cleanupDone(workspace, plan, label);
  };

  const cleanupDone = (workspace: FlagWorkspace, plan: CleanupPlan, label: string) => {
    const needsHuman = plan.report.filter((entry) => entry.needsHuman);
    if (needsHuman.length > 0) {
      void connection.window.showWarningMessage(
        `Flaglens: ${label} done; ${needsHuman.length} place(s) need a look: ${needsHuman.map((entry) => `${entry.file}:${entry.line} ${entry.message}`).join('; ')}`,
      );
    }
    return {
      applied: true,
      description: label,
      files: [...plan.files.map((file) => file.file), ...plan.deletedFiles.map((file) => file.file)],
      uris: plan.files.map((file) => URI.file(workspace.absolute(file.file)).toString()),
      report: plan.report,
    };
  };

  /** Cleanups handed to the editor in resolved code actions, newest last (a few at most). */
  const pendingCleanups: { workspace: FlagWorkspace; plan: CleanupPlan; label: string }[] = [];
  const rememberCleanup = (cleanup: { workspace: FlagWorkspace; plan: CleanupPlan; label: string }) => {
    pendingCleanups.push(cleanup);
    if (pendingCleanups.length > 20) pendingCleanups.shift();
  };

  /**
   * After the editor applied a resolved cleanup action (directly, or from its refactor preview,
   * where files can be unticked): whole is done; in part is put back, since code would then read
   * a flag the registry no longer has. The applied one is the newest whose files changed.
   */
  const checkCleanupApplied = async () => {
    // Only VS Code-like clients (which resolve code actions) send this; they show the reason.
    const notDone = (reason: string, uris?: string[]) => ({
      applied: false,
      reason,
      ...(uris ? { uris } : {}),
    });
    const textIn = (workspace: FlagWorkspace) => async (file: string) => {
      const open = documents.get(URI.file(workspace.absolute(file)).toString());
      return open ? open.getText() : runtime.host.readFile(workspace.absolute(file));
    };
    // The one applied: most files holding its result, newest first; else any it changed.
    let pending: (typeof pendingCleanups)[number] | undefined;
    let state: AppliedState | undefined;
    for (const candidate of [...pendingCleanups].reverse()) {
      const candidateState = await appliedState(candidate.plan, textIn(candidate.workspace));
      const score = (s?: AppliedState) => (s ? s.applied.length * 1000 + s.changedOtherwise.length : 0);
      if (score(candidateState) > score(state)) {
        pending = candidate;
        state = candidateState;
      }
    }
    // Planned on texts that are gone now: none of them can be checked again.
    pendingCleanups.length = 0;
    if (!pending || !state) return notDone('The cleanup was not applied.');
    const { workspace, plan, label } = pending;
    if (state.untouched.length === 0 && state.changedOtherwise.length === 0)
      return cleanupDone(workspace, plan, label);
    const uriOfFile = (file: string) => URI.file(workspace.absolute(file)).toString();
    const changed = new Map<string, string | undefined>();
    for (const file of [...state.applied, ...state.changedOtherwise])
      changed.set(file, await textIn(workspace)(file));
    const undo = await undoWorkspaceEdit(
      plan,
      changed,
      (file, version, text, edits) => versionedEdit(workspace, file, version, text, edits),
      uriOfFile,
    );
    const total = plan.files.length + plan.deletedFiles.length;
    const part = `${label} was applied to ${state.applied.length} of ${total} files only`;
    if (typeof undo === 'string') return notDone(`${part}, and could not be put back: ${undo}`);
    const undone = await connection.workspace.applyEdit({ label: `Undo the partial ${label}`, edit: undo });
    if (!undone.applied)
      return notDone(
        `${part}, and the editor did not put them back: undo it (${[...changed.keys()].join(', ')}).`,
      );
    // Put back as they are on disk: the client saves them, so no editor is left dirty.
    return notDone(
      `${part}, so Flaglens put them back: in part, code would read a flag the registry no longer has (${[...state.untouched, ...state.changedOtherwise].join(', ')} not wholly applied). Apply the cleanup whole.`,
      [...changed.keys()].map(uriOfFile),
    );
  };

  const refuse = (reason: string) => {
    void connection.window.showErrorMessage(`Flaglens: ${reason}`);
    return { applied: false, reason };
  };

  documents.listen(connection);
}
