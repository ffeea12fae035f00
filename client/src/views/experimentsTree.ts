import * as vscode from 'vscode';
import type { ExperimentListItem } from '../../../shared/src/protocol';
import type { ServerApi } from '../serverApi';

/** A status group, or one experiment in it. */
export type ExperimentNode =
  | { kind: 'group'; group: ExperimentListItem['group']; items: ExperimentListItem[] }
  | { kind: 'experiment'; item: ExperimentListItem };

/** What needs attention first. */
const GROUPS: { group: ExperimentListItem['group']; label: string; icon: vscode.ThemeIcon }[] = [
  {
    group: 'unhealthy',
    label: 'Unhealthy',
    icon: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  },
  {
    group: 'rollback',
    label: 'Roll back',
    icon: new vscode.ThemeIcon('debug-step-back', new vscode.ThemeColor('list.errorForeground')),
  },
  {
    group: 'error',
    label: 'No results',
    icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  },
  {
    group: 'ready',
    label: 'Ready to ship',
    icon: new vscode.ThemeIcon('rocket', new vscode.ThemeColor('charts.green')),
  },
  {
    group: 'running',
    label: 'Running',
    icon: new vscode.ThemeIcon('pulse', new vscode.ThemeColor('charts.blue')),
  },
  {
    group: 'concluded',
    label: 'Concluded',
    icon: new vscode.ThemeIcon('pass', new vscode.ThemeColor('disabledForeground')),
  },
];

/** Experiments grouped by status, each with its primary lift and state. */
export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentNode> {
  private readonly changed = new vscode.EventEmitter<ExperimentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly api: ServerApi) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: ExperimentNode): Promise<ExperimentNode[]> {
    if (node?.kind === 'group') return node.items.map((item) => ({ kind: 'experiment', item }));
    if (node) return [];
    const items = await this.api.experiments();
    return GROUPS.map(({ group }) => ({
      kind: 'group' as const,
      group,
      items: items.filter((item) => item.group === group),
    })).filter((entry) => entry.items.length > 0);
  }

  getTreeItem(node: ExperimentNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const meta = GROUPS.find((entry) => entry.group === node.group)!;
      const item = new vscode.TreeItem(
        `${meta.label} (${node.items.length})`,
        vscode.TreeItemCollapsibleState.Expanded,
      );
      item.iconPath = meta.icon;
      item.contextValue = 'flaglens.experimentGroup';
      return item;
    }
    const { item: experiment } = node;
    const item = new vscode.TreeItem(experiment.key, vscode.TreeItemCollapsibleState.None);
    item.description = experiment.summary;
    item.tooltip = new vscode.MarkdownString().appendText(
      `${experiment.key}: flag ${experiment.flag} in ${experiment.environment}\n\n${experiment.detail}`,
    );
    item.iconPath = GROUPS.find((entry) => entry.group === experiment.group)?.icon;
    item.contextValue = experiment.winner ? 'flaglens.experiment.ready' : 'flaglens.experiment';
    item.command = {
      title: 'Open Experiment Report',
      command: 'flaglens.openExperimentReport',
      arguments: [{ experiment: experiment.key }],
    };
    return item;
  }
}
