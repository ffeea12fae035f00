import * as vscode from 'vscode';
import type { FlagEnvironmentInfo, FlagInfo } from '../../../shared/src/protocol';
import type { StaleVerdict } from '../../../shared/src/stale';
import type { ServerApi } from '../serverApi';

/** A flag, or one environment of a flag: the two levels of the Flags views. */
export type FlagNode =
  | { kind: 'flag'; flag: FlagInfo }
  | { kind: 'environment'; flag: FlagInfo; environment: FlagEnvironmentInfo }
  | { kind: 'missing'; flag: FlagInfo; env: string };

function environmentIcon(environment: FlagEnvironmentInfo): vscode.ThemeIcon {
  if (environment.state === 'DISABLED')
    return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  if (environment.rollout) return new vscode.ThemeIcon('pie-chart', new vscode.ThemeColor('charts.yellow'));
  if (environment.serving.startsWith('rules'))
    return new vscode.ThemeIcon('filter', new vscode.ThemeColor('charts.blue'));
  return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green'));
}

/** Flags by environment, with state icons and rollout percentages. */
export class FlagsTreeProvider implements vscode.TreeDataProvider<FlagNode> {
  private readonly changed = new vscode.EventEmitter<FlagNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly api: ServerApi,
    private readonly scope: 'all' | 'activeFile',
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: FlagNode): Promise<FlagNode[]> {
    if (!node) {
      const uri =
        this.scope === 'activeFile' ? vscode.window.activeTextEditor?.document.uri.toString() : undefined;
      if (this.scope === 'activeFile' && !uri) return [];
      const flags = await this.api.flags(uri);
      return flags.map((flag) => ({ kind: 'flag', flag }));
    }
    if (node.kind !== 'flag') return [];
    return [
      ...node.flag.environments.map((environment): FlagNode => ({
        kind: 'environment',
        flag: node.flag,
        environment,
      })),
      ...node.flag.missing.map((env): FlagNode => ({ kind: 'missing', flag: node.flag, env })),
    ];
  }

  getTreeItem(node: FlagNode): vscode.TreeItem {
    if (node.kind === 'flag') {
      const item = new vscode.TreeItem(node.flag.key, vscode.TreeItemCollapsibleState.Collapsed);
      const facts = [
        node.flag.archived ? 'archived' : undefined,
        node.flag.variantType,
        node.flag.type,
        `${node.flag.usages} usage${node.flag.usages === 1 ? '' : 's'}`,
      ].filter(Boolean);
      item.description = facts.join(' · ');
      item.tooltip = new vscode.MarkdownString(
        [
          `**${node.flag.key}**`,
          node.flag.description ?? '',
          node.flag.owner ? `owner ${node.flag.owner}` : '',
          node.flag.archived ? 'Archived: kept for the record; remove any read of it.' : '',
          node.flag.stale ? `⚠ ${node.flag.stale.message}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
      );
      item.iconPath = new vscode.ThemeIcon(
        node.flag.archived ? 'archive' : node.flag.stale ? 'warning' : 'symbol-boolean',
      );
      item.contextValue = node.flag.stale ? 'flaglens.flag.stale' : 'flaglens.flag';
      item.id = `${this.scope}:${node.flag.key}`;
      return item;
    }
    if (node.kind === 'missing') {
      const item = new vscode.TreeItem(node.env, vscode.TreeItemCollapsibleState.None);
      item.description = 'missing';
      item.iconPath = new vscode.ThemeIcon(
        'warning',
        new vscode.ThemeColor('problemsWarningIcon.foreground'),
      );
      item.contextValue = 'flaglens.environment.missing';
      return item;
    }
    const { environment } = node;
    const item = new vscode.TreeItem(
      `${environment.env}${environment.protected ? ' 🔒' : ''}`,
      vscode.TreeItemCollapsibleState.None,
    );
    item.description = environment.serving;
    item.tooltip = new vscode.MarkdownString(['```flaglens-rules', ...environment.rules, '```'].join('\n'));
    item.iconPath = environmentIcon(environment);
    item.contextValue = 'flaglens.environment';
    item.id = `${this.scope}:${node.flag.key}:${environment.env}`;
    item.command = { title: 'Reveal in registry', command: 'flaglens.revealInRegistry', arguments: [node] };
    return item;
  }
}

/** Stale flags with their reasons; the evidence is in the tooltip. */
export class StaleTreeProvider implements vscode.TreeDataProvider<StaleVerdict> {
  private readonly changed = new vscode.EventEmitter<StaleVerdict | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly api: ServerApi) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(verdict?: StaleVerdict): Promise<StaleVerdict[]> {
    return verdict ? [] : this.api.staleFlags();
  }

  getTreeItem(verdict: StaleVerdict): vscode.TreeItem {
    const item = new vscode.TreeItem(verdict.flag, vscode.TreeItemCollapsibleState.None);
    item.description = verdict.reasons.join(', ');
    item.tooltip = new vscode.MarkdownString(
      [
        verdict.message,
        ...verdict.evidence.map(
          (evidence) =>
            `- ${evidence.file ? `${evidence.file}${evidence.line ? `:${evidence.line}` : ''}: ` : ''}${evidence.detail}`,
        ),
        verdict.readyForRemoval ? '' : `Not ready: ${verdict.blockers.join('; ')}`,
      ].join('\n'),
    );
    item.iconPath = new vscode.ThemeIcon(verdict.readyForRemoval ? 'trash' : 'clock');
    item.contextValue =
      verdict.readyForRemoval && verdict.servedValue !== undefined
        ? 'flaglens.stale.ready'
        : 'flaglens.stale';
    return item;
  }
}

/** Flaglens diagnostics across the workspace, grouped by file. */
export class ProblemsTreeProvider implements vscode.TreeDataProvider<ProblemNode> {
  private readonly changed = new vscode.EventEmitter<ProblemNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: ProblemNode): ProblemNode[] {
    if (!node) {
      return vscode.languages
        .getDiagnostics()
        .map(([uri, diagnostics]) => ({
          uri,
          diagnostics: diagnostics.filter((diagnostic) => diagnostic.source === 'flaglens'),
        }))
        .filter((entry) => entry.diagnostics.length > 0)
        .map((entry) => ({ kind: 'file', uri: entry.uri, diagnostics: entry.diagnostics }));
    }
    return node.kind === 'file'
      ? node.diagnostics.map((diagnostic) => ({ kind: 'problem', uri: node.uri, diagnostic }))
      : [];
  }

  getTreeItem(node: ProblemNode): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.diagnostics.length}`;
      return item;
    }
    const { diagnostic } = node;
    const item = new vscode.TreeItem(diagnostic.message, vscode.TreeItemCollapsibleState.None);
    item.description = `${typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code ?? '')} · ${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`;
    item.iconPath = new vscode.ThemeIcon(
      diagnostic.severity === vscode.DiagnosticSeverity.Error
        ? 'error'
        : diagnostic.severity === vscode.DiagnosticSeverity.Warning
          ? 'warning'
          : 'info',
    );
    item.command = {
      title: 'Open',
      command: 'vscode.open',
      arguments: [node.uri, { selection: diagnostic.range }],
    };
    return item;
  }
}

export type ProblemNode =
  | { kind: 'file'; uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }
  | { kind: 'problem'; uri: vscode.Uri; diagnostic: vscode.Diagnostic };
