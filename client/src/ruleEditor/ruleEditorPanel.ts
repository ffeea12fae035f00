import * as vscode from 'vscode';
import type { FlagDetailsRequest, PreviewChangeRequest } from '../../../shared/src/protocol';
import { runRegistryEdit } from '../registryEdits';
import { ruleEditorHtml } from './ruleEditorHtml';
import type { ServerApi } from '../serverApi';
import type { EditorToHost, HostToEditor } from '../../../shared/src/ruleEditorMessages';

/**
 * The rollout and targeting editor for one flag in one environment. The webview proposes
 * changes; the server previews them with flagd and applies them as structured edits.
 */
export class RuleEditorPanel {
  private static readonly panels = new Map<string, RuleEditorPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, api: ServerApi, flag: string, env: string): RuleEditorPanel {
    const id = `${flag}@${env}`;
    const existing = RuleEditorPanel.panels.get(id);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      'flaglens.ruleEditor',
      `${flag} · ${env}`,
      vscode.ViewColumn.Beside,
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
      },
    );
    const editor = new RuleEditorPanel(context, api, panel, flag, env);
    RuleEditorPanel.panels.set(id, editor);
    return editor;
  }

  /** Open editors, for tests and for refreshing after registry changes. */
  static all(): RuleEditorPanel[] {
    return [...RuleEditorPanel.panels.values()];
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly api: ServerApi,
    readonly panel: vscode.WebviewPanel,
    readonly flag: string,
    readonly env: string,
  ) {
    panel.webview.html = this.html(context);
    panel.webview.onDidReceiveMessage(
      (message: EditorToHost) => void this.receive(message),
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  /** Applies a change exactly as the Save button of the form does. */
  async apply(command: string, args: Record<string, unknown>) {
    const outcome = await runRegistryEdit(this.api, command, { ...args, flag: this.flag, env: this.env });
    await this.post({ type: 'applied', outcome });
    await this.refresh();
    return outcome;
  }

  async refresh(): Promise<void> {
    const details: FlagDetailsRequest.Result | null = await this.api.flagDetails(this.flag, this.env);
    await this.post({ type: 'details', details });
  }

  private async receive(message: EditorToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.refresh();
        break;
      case 'preview': {
        const params: PreviewChangeRequest.Params = {
          command: message.command,
          arguments: { ...message.arguments, flag: this.flag, env: this.env },
          contexts: message.contexts,
        };
        const result = await this.api.previewChange(params);
        await this.post({ type: 'preview', requestId: message.requestId, result });
        break;
      }
      case 'apply':
        await this.apply(message.command, message.arguments);
        break;
    }
  }

  private post(message: HostToEditor): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private html(context: vscode.ExtensionContext): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'ruleEditor.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'ruleEditor.css'));
    return ruleEditorHtml({
      flag: this.flag,
      env: this.env,
      scriptUri: script.toString(),
      styleUri: style.toString(),
      cspSource: webview.cspSource,
    });
  }

  private dispose(): void {
    RuleEditorPanel.panels.delete(`${this.flag}@${this.env}`);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
