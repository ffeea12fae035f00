import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExperimentReportRequest } from '../../../shared/src/protocol';
import {
  standaloneReportHtml,
  type HostToReport,
  type ReportToHost,
} from '../../../shared/src/experimentReportView';
import type { ServerApi } from '../serverApi';

/**
 * One experiment's report as a webview: the server's analysis drawn as charts and a table,
 * refreshed after each background analysis, exported as markdown or standalone HTML.
 */
export class ExperimentReportPanel {
  private static readonly panels = new Map<string, ExperimentReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private answer: ExperimentReportRequest.Result | undefined;

  static show(context: vscode.ExtensionContext, api: ServerApi, experiment: string): ExperimentReportPanel {
    const existing = ExperimentReportPanel.panels.get(experiment);
    if (existing) {
      existing.panel.reveal();
      void existing.refresh();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      'flaglens.experimentReport',
      `Experiment ${experiment}`,
      vscode.ViewColumn.Beside,
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
      },
    );
    const report = new ExperimentReportPanel(context, api, panel, experiment);
    ExperimentReportPanel.panels.set(experiment, report);
    return report;
  }

  /** A new analysis is in: every open report shows it. */
  static refreshAll(): void {
    for (const panel of ExperimentReportPanel.panels.values()) void panel.refresh();
  }

  static all(): ExperimentReportPanel[] {
    return [...ExperimentReportPanel.panels.values()];
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly api: ServerApi,
    readonly panel: vscode.WebviewPanel,
    readonly experiment: string,
  ) {
    panel.webview.html = this.html(context);
    panel.webview.onDidReceiveMessage(
      (message: ReportToHost) => void this.receive(message),
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  /** The latest answer from the server, for tests. */
  get latest(): ExperimentReportRequest.Result | undefined {
    return this.answer;
  }

  async refresh(): Promise<void> {
    this.answer = await this.api.experimentReport(this.experiment);
    await this.post({ type: 'report', report: this.answer.report, error: this.answer.error });
  }

  private async receive(message: ReportToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.refresh();
        break;
      case 'ship':
        await vscode.commands.executeCommand('flaglens.shipExperimentWinner', {
          experiment: this.experiment,
        });
        await this.refresh();
        break;
      case 'exportMarkdown':
        await this.exportMarkdown();
        break;
      case 'exportHtml':
        await this.exportHtml(message.charts);
        break;
    }
  }

  /** The markdown report (what `flaglens experiment --format markdown` prints) as a new untitled document. */
  async exportMarkdown(): Promise<vscode.TextDocument | undefined> {
    const markdown = this.answer?.markdown;
    if (!markdown) return undefined;
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document, vscode.ViewColumn.Active);
    return document;
  }

  /** The standalone HTML file, where the person chooses. */
  async exportHtml(charts: Parameters<typeof standaloneReportHtml>[1]): Promise<vscode.Uri | undefined> {
    const report = this.answer?.report;
    if (!report) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${this.experiment}.report.html`) : undefined,
      filters: { HTML: ['html'] },
      title: `Export the report of ${this.experiment}`,
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(standaloneReportHtml(report, charts), 'utf8'));
    void vscode.window.showInformationMessage(
      `Flaglens: report saved to ${vscode.workspace.asRelativePath(target)}`,
    );
    return target;
  }

  private post(message: HostToReport): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private html(context: vscode.ExtensionContext): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(
      vscode.Uri.joinPath(context.extensionUri, 'dist', 'experimentReport.js'),
    );
    const style = webview.asWebviewUri(
      vscode.Uri.joinPath(context.extensionUri, 'dist', 'experimentReport.css'),
    );
    const nonce = randomBytes(16).toString('base64');
    // The experiment key only reaches the page through the report message; nothing here comes from events.
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link href="${style}" rel="stylesheet">
  <title>Experiment report</title>
</head>
<body>
  <main id="app"><p>Loading the report…</p></main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  private dispose(): void {
    ExperimentReportPanel.panels.delete(this.experiment);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
