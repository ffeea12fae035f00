import type { CodeLens } from 'vscode-languageserver-types';
import { Commands } from '../../../../shared/src/protocol';
import { flagOfUsage } from '../analysis/codeFindings';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { servingSummary } from './serving';
import { experimentLensTitle, experimentsOfFlag, OPEN_EXPERIMENT_REPORT } from './experimentInsights';

/** Arguments of the toggle command that lenses carry (also accepted from any LSP client). */
export interface ToggleArguments {
  flag: string;
  env: string;
  /** Desired state; when absent the command flips the current one. */
  enabled?: boolean;
  /** Set by clients that already asked the user about a protected environment. */
  confirmed?: boolean;
}

/**
 * On each usage: one lens per environment showing what it serves; clicking toggles the flag
 * there. On each registry entry: the number of usages, which opens them.
 */
export function codeLenses(workspace: FlagWorkspace, file: string): CodeLens[] {
  const kind = workspace.kindOf(file);
  const lenses: CodeLens[] = [];
  if (kind === 'code') {
    const seenLines = new Set<number>();
    for (const usage of workspace.usagesInFile(file)) {
      if (usage.flag === null) continue;
      const summary = flagOfUsage(workspace.registry, usage);
      const line = usage.range.start.line;
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      const range = { start: usage.range.start, end: usage.range.start };
      if (!summary) {
        lenses.push({
          range,
          command: {
            title: `${usage.flag}: not in registry`,
            command: Commands.createFlag,
            arguments: [{ flag: usage.flag, type: usage.expectedType }],
          },
        });
        continue;
      }
      for (const experiment of experimentsOfFlag(workspace, summary.key))
        lenses.push({
          range,
          command: {
            title: experimentLensTitle(experiment, workspace.experimentReports.get(experiment.key)),
            command: OPEN_EXPERIMENT_REPORT,
            arguments: [{ experiment: experiment.key }],
          },
        });
      for (const environment of workspace.environments()) {
        const definition = summary.definitions.find((candidate) => candidate.environment === environment);
        if (!definition) {
          lenses.push({
            range,
            command: {
              title: `${environment}: missing`,
              command: Commands.addToEnvironment,
              arguments: [{ flag: summary.key, env: environment }],
            },
          });
          continue;
        }
        const args: ToggleArguments = {
          flag: summary.key,
          env: environment,
          enabled: definition.state === 'DISABLED',
        };
        lenses.push({
          range,
          command: {
            title: `${environment}: ${servingSummary(definition)}`,
            command: Commands.toggle,
            arguments: [args],
          },
        });
      }
    }
  } else if (kind === 'registry') {
    const parsed = workspace.registry.currentFile(file);
    for (const definition of parsed?.flags.values() ?? []) {
      const usages = workspace.usagesOf(definition.key);
      const range = { start: definition.keyRange.start, end: definition.keyRange.start };
      lenses.push({
        range,
        command: {
          title:
            usages.length === 0 ? 'no usages' : `${usages.length} usage${usages.length === 1 ? '' : 's'}`,
          command: Commands.showFlag,
          arguments: [{ flag: definition.key }],
        },
      });
    }
  }
  return lenses;
}
