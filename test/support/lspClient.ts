import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  createProtocolConnection,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
  type ApplyWorkspaceEditParams,
  type TextEdit,
  type ShowMessageRequestParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { repoRoot } from './cli';
import { IndexReadyNotification, RollbackVerdictNotification } from '../../shared/src/protocol';

const STOP_GRACE_MS = 5000;

/** Servers not stopped yet: a test that timed out before `stop()` must not leave one running. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A small LSP client for tests: starts the real server (`node dist/server.js --stdio`), speaks
 * LSP over its stdio, applies `workspace/applyEdit` to files on disk like an editor that saves,
 * and answers confirmation prompts as told.
 */
export class TestLspClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams['diagnostics']>();
  private diagnosticWaiters: (() => void)[] = [];
  private logWaiters: (() => void)[] = [];
  readonly indexReady: Promise<IndexReadyNotification.Params>;
  readonly prompts: ShowMessageRequestParams[] = [];
  /** `flaglens/rollbackVerdict` notifications, in order. */
  readonly rollbackVerdicts: RollbackVerdictNotification.Params[] = [];
  readonly errors: string[] = [];
  readonly logs: string[] = [];
  /** `$/progress` values in arrival order (begin, report, end). */
  readonly progress: { kind: string; title?: string; message?: string }[] = [];
  /** Progress and readiness in arrival order: `progress:begin`, ..., `indexReady`. */
  readonly events: string[] = [];
  /** Every `workspace/applyEdit` the server sent, in order. */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  /** Runs when a `workspace/applyEdit` arrives, before it is applied: another writer's turn. */
  beforeApplyEdit: (() => void) | undefined;
  /** Which button to press on the next prompt (title), or undefined to dismiss it. */
  promptAnswer: string | undefined = 'Apply';
  private versions = new Map<string, number>();
  /** Text of each open document, as the editor holds it. */
  private readonly buffers = new Map<string, string>();

  constructor(
    readonly root: string,
    /** Answers `window/workDoneProgress/create` only once this settles: the index waits for it. */
    progressCreated: Promise<void> = Promise.resolve(),
    /** Overrides of the server's environment (FLAGLENS_NOW, to check events of another day). */
    env: Record<string, string> = {},
  ) {
    this.process = spawn(process.execPath, [join(repoRoot, 'dist/server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // The clock the CLI tests use too, so dates in the fixtures (expiry, creation) are stable.
      env: { ...process.env, FLAGLENS_NOW: '2026-11-24T12:00:00Z', ...env },
    });
    live.add(this.process);
    this.process.once('exit', () => live.delete(this.process));
    this.process.stderr?.on('data', (chunk: Buffer) => this.logs.push(chunk.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.indexReady = new Promise((resolve) =>
      this.connection.onNotification(
        IndexReadyNotification.method,
        (params: IndexReadyNotification.Params) => {
          this.events.push('indexReady');
          resolve(params);
        },
      ),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      const waiters = this.diagnosticWaiters;
      this.diagnosticWaiters = [];
      for (const wake of waiters) wake();
    });
    this.connection.onNotification(
      '$/progress',
      (params: { value: { kind: string; title?: string; message?: string } }) => {
        this.progress.push(params.value);
        this.events.push(`progress:${params.value.kind}`);
      },
    );
    this.connection.onNotification(
      RollbackVerdictNotification.method,
      (params: RollbackVerdictNotification.Params) => {
        this.rollbackVerdicts.push(params);
      },
    );
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      const waiters = this.logWaiters;
      this.logWaiters = [];
      for (const wake of waiters) wake();
    });
    this.connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      if (params.type === 1) this.errors.push(params.message);
    });
    this.connection.onRequest('window/showMessageRequest', (params: ShowMessageRequestParams) => {
      this.prompts.push(params);
      return this.promptAnswer === undefined ? null : { title: this.promptAnswer };
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', async () => {
      await progressCreated;
      return null;
    });
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => null),
    );
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) =>
      this.applyEdit(params),
    );
    this.connection.listen();
  }

  /** `watchers: false` plays a client that cannot register file watchers (Neovim 0.7, Helix). */
  static async start(
    root: string,
    options: {
      watchers?: boolean;
      progressCreated?: Promise<void>;
      /** Plays a client that resolves code actions' `edit` and `command` (VS Code does). */
      resolveCodeActions?: boolean;
      env?: Record<string, string>;
      /** What VS Code's client sends: `{ workspaceTrusted: false }` in Restricted Mode. */
      initializationOptions?: unknown;
    } = {},
  ): Promise<TestLspClient> {
    const client = new TestLspClient(root, options.progressCreated, options.env);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      initializationOptions: options.initializationOptions,
      rootUri: URI.file(root).toString(),
      workspaceFolders: [{ uri: URI.file(root).toString(), name: 'test' }],
      capabilities: {
        workspace: {
          applyEdit: true,
          workspaceEdit: {
            documentChanges: true,
            resourceOperations: ['create', 'delete'],
            changeAnnotationSupport: {},
          },
          didChangeWatchedFiles: { dynamicRegistration: options.watchers !== false },
        },
        window: { workDoneProgress: true },
        textDocument: {
          hover: { contentFormat: ['markdown'] },
          rename: { prepareSupport: true },
          ...(options.resolveCodeActions
            ? { codeAction: { dataSupport: true, resolveSupport: { properties: ['edit', 'command'] } } }
            : {}),
        },
      },
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  uri(file: string): string {
    return URI.file(join(this.root, file)).toString();
  }

  async open(file: string, text = readFileSync(join(this.root, file), 'utf8')): Promise<void> {
    this.versions.set(file, 1);
    this.buffers.set(file, text);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: this.uri(file), languageId: languageOf(file), version: 1, text },
    });
  }

  async change(file: string, text: string): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    this.buffers.set(file, text);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.uri(file), version },
      contentChanges: [{ text }],
    });
  }

  /** An incremental change: `text` replaces `range` of the open document (LSP ranged didChange). */
  async changeRange(
    file: string,
    range: { start: { line: number; character: number }; end: { line: number; character: number } },
    text: string,
  ): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    const buffer = this.buffers.get(file);
    if (buffer !== undefined) this.buffers.set(file, applyTextEdits(buffer, [{ range, newText: text }]));
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.uri(file), version },
      contentChanges: [{ range, text }],
    });
  }

  /** Tells the server a file changed on disk, as an editor's file watcher would. */
  async changedOnDisk(file: string, type: 1 | 2 | 3 = 2): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: this.uri(file), type }],
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Resolves with the first log message (`window/logMessage`) matching `pattern`. */
  async waitForLog(pattern: RegExp): Promise<string> {
    for (;;) {
      const found = this.logs.find((message) => pattern.test(message));
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.logWaiters.push(resolve));
    }
  }

  /** Every URI the server has published diagnostics for. */
  diagnosedUris(): string[] {
    return [...this.diagnostics.keys()];
  }

  diagnosticsOf(file: string): PublishDiagnosticsParams['diagnostics'] {
    return this.diagnostics.get(this.uri(file)) ?? [];
  }

  /** Resolves once a diagnostics publication satisfies the predicate: a signal, never a sleep. */
  async waitForDiagnostics(
    file: string,
    predicate: (diagnostics: PublishDiagnosticsParams['diagnostics']) => boolean,
  ): Promise<PublishDiagnosticsParams['diagnostics']> {
    for (;;) {
      const current = this.diagnostics.get(this.uri(file));
      if (current && predicate(current)) return current;
      await new Promise<void>((resolve) => this.diagnosticWaiters.push(resolve));
    }
  }

  /**
   * Applies the edit like an editor: an open document's buffer changes (`didChange`, sent before
   * the answer, so the server knows the new text when its command returns) and is saved.
   */
  private async applyEdit(params: ApplyWorkspaceEditParams): Promise<{ applied: boolean }> {
    this.appliedEdits.push(params);
    this.beforeApplyEdit?.();
    const byUri = new Map<string, TextEdit[]>();
    for (const change of params.edit.documentChanges ?? []) {
      if ('textDocument' in change)
        byUri.set(change.textDocument.uri, [
          ...(byUri.get(change.textDocument.uri) ?? []),
          ...(change.edits as TextEdit[]),
        ]);
    }
    for (const change of params.edit.documentChanges ?? [])
      if ('kind' in change && change.kind === 'create') writeFileSync(URI.parse(change.uri).fsPath, '');
    const deleted = (params.edit.documentChanges ?? []).flatMap((change) =>
      'kind' in change && change.kind === 'delete' ? [change.uri] : [],
    );
    for (const [uri, edits] of Object.entries(params.edit.changes ?? {}))
      byUri.set(uri, [...(byUri.get(uri) ?? []), ...edits]);
    for (const [uri, edits] of byUri) {
      const path = URI.parse(uri).fsPath;
      const file = relative(this.root, path);
      const before = this.buffers.get(file) ?? readFileSync(path, 'utf8');
      const after = applyTextEdits(before, edits);
      if (this.buffers.has(file)) await this.change(file, after);
      writeFileSync(path, after);
    }
    for (const uri of deleted) rmSync(URI.parse(uri).fsPath);
    return { applied: true };
  }

  /**
   * Asks the server to shut down and waits for it to exit, but never longer than
   * `STOP_GRACE_MS`: a server that is stuck (a bug under test looping) never answers `shutdown`,
   * and a child left alive keeps mocha from exiting after the failing run. It is killed then.
   */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
    const polite = (async () => {
      try {
        await this.connection.sendRequest('shutdown');
        await this.connection.sendNotification('exit');
        await exited;
      } catch {
        // the server may already be gone
      }
    })();
    try {
      await Promise.race([polite, exited, gaveUp]);
    } finally {
      clearTimeout(timer);
      this.connection.dispose();
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
      live.delete(this.process);
    }
  }
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offsetOf = (position: { line: number; character: number }): number => {
    let offset = 0;
    for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
    return offset + position.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let result = text;
  for (const edit of sorted)
    result =
      result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end));
  return result;
}

function languageOf(file: string): string {
  if (file.endsWith('.json')) return 'json';
  if (file.endsWith('.tsx')) return 'typescriptreact';
  if (file.endsWith('.jsx')) return 'javascriptreact';
  if (/\.[cm]?js$/.test(file)) return 'javascript';
  return 'typescript';
}
