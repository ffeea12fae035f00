import { GUARD_ROLLBACK_CODE } from '../guard/guardFindings';
import { type CodeAction, CodeActionKind, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { Commands } from '../../../../shared/src/protocol';
import { CodeFinding } from '../analysis/codeFindings';
import { setMetadata } from '../edits/registryEdits';
import { rangeContains } from '../text';
import { offsetEditToRange } from '../textEdit';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { uriOf } from './navigation';

/**
 * Quick fixes for the diagnostics in range: create an unknown flag, fix a typo'd key,
 * add a flag to the environments that miss it, clean up a stale flag. With `only` (the
 * request's `context.only`), just the actions of those kinds or their sub-kinds.
 */
export function codeActions(
  workspace: FlagWorkspace,
  file: string,
  range: Range,
  diagnostics: Diagnostic[],
  only?: readonly string[],
  options: CodeActionOptions = {},
): CodeAction[] {
  const wanted = (kind: string | undefined) =>
    !only || only.some((prefix) => kind !== undefined && (kind === prefix || kind.startsWith(`${prefix}.`)));
  return allCodeActions(workspace, file, range, diagnostics, options).filter((action) => wanted(action.kind));
}

export interface CodeActionOptions {
  /**
   * The client resolves a code action's `edit` and `command` (`codeAction/resolve`): the
   * cleanup then comes without a command, carrying `data.cleanup` for the server to plan on
   * resolve, so the editor applies (or previews) the whole edit itself.
   */
  resolvesEdits?: boolean;
}

/** What an unresolved cleanup action carries for `codeAction/resolve`. */
export interface CleanupActionData {
  cleanup: { flag: string; value: unknown; uri: string };
}

export function isCleanupActionData(data: unknown): data is CleanupActionData {
  const cleanup = (data as Partial<CleanupActionData> | undefined)?.cleanup;
  return typeof cleanup?.flag === 'string' && typeof cleanup.uri === 'string' && 'value' in cleanup;
}

function allCodeActions(
  workspace: FlagWorkspace,
  file: string,
  range: Range,
  diagnostics: Diagnostic[],
  options: CodeActionOptions,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = (diagnostic.data ?? {}) as { flag?: string; suggestions?: string[]; missing?: string[] };
    if (diagnostic.source !== 'flaglens' || !data.flag) continue;
    if (diagnostic.code === CodeFinding.unknownFlag) {
      const usage = workspace
        .usagesInFile(file)
        .find((candidate) => rangeContains(candidate.keyRange, diagnostic.range.start));
      for (const suggestion of data.suggestions ?? []) {
        if (!usage?.keyIsLiteral) break;
        const quote = /^['"`]/.test(usage.keyText) ? usage.keyText[0] : '';
        actions.push({
          title: `Change to "${suggestion}"`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: actions.length === 0,
          edit: {
            changes: {
              [uriOf(workspace, file)]: [{ range: usage.keyRange, newText: `${quote}${suggestion}${quote}` }],
            },
          },
        });
      }
      actions.push({
        title: `Create flag "${data.flag}" in the registry`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: {
          title: 'Create flag',
          command: Commands.createFlag,
          arguments: [{ flag: data.flag, type: usage?.expectedType ?? 'boolean' }],
        },
      });
    } else if (diagnostic.code === CodeFinding.staleFlag || diagnostic.code === 'registry/stale-flag') {
      const stale = diagnostic.data as { flag: string; servedValue?: unknown; readyForRemoval?: boolean };
      if (stale.servedValue === undefined) continue;
      actions.push({
        title: `Clean up stale flag "${data.flag}" (keep ${JSON.stringify(stale.servedValue)})`,
        // A quick fix, so the diagnostic's hover ("Quick Fix...") and quickfix-only requests offer it.
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: stale.readyForRemoval === true,
        ...(options.resolvesEdits
          ? {
              data: {
                cleanup: { flag: data.flag, value: stale.servedValue, uri: uriOf(workspace, file) },
              } satisfies CleanupActionData,
            }
          : {
              command: {
                title: 'Clean up stale flag',
                command: Commands.cleanup,
                arguments: [{ flag: data.flag, value: stale.servedValue }],
              },
            }),
      });
    } else if (diagnostic.code === 'experiment/flag-not-linked') {
      const experiment = (diagnostic.data as { experiment?: string }).experiment;
      if (experiment === undefined) continue;
      const linkEdits = linkFlagToExperiment(workspace, data.flag, experiment);
      if (Object.keys(linkEdits).length > 0)
        actions.push({
          title: `Link "${data.flag}" to experiment "${experiment}" (metadata.experiment)`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: linkEdits },
        });
    } else if (
      diagnostic.code === CodeFinding.missingInEnvironment ||
      diagnostic.code === 'registry/missing-in-environment'
    ) {
      for (const env of data.missing ?? []) {
        actions.push({
          title: `Add "${data.flag}" to ${env}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          command: {
            title: `Add to ${env}`,
            command: Commands.addToEnvironment,
            arguments: [{ flag: data.flag, env }],
          },
        });
      }
    }
  }
  actions.push(...guardRollbackActions(workspace, diagnostics));
  void range;
  return actions;
}

/** `metadata.experiment` set to the experiment in every environment file that defines the flag. */
function linkFlagToExperiment(
  workspace: FlagWorkspace,
  flag: string,
  experiment: string,
): Record<string, { range: Range; newText: string }[]> {
  const changes: Record<string, { range: Range; newText: string }[]> = {};
  for (const definition of workspace.registry.flag(flag)?.definitions ?? []) {
    const text = workspace.registry.currentText(definition.file);
    if (text === undefined) continue;
    try {
      const edits = setMetadata(text, flag, 'experiment', experiment);
      if (edits.length > 0)
        changes[uriOf(workspace, definition.file)] = edits.map((edit) => offsetEditToRange(text, edit));
    } catch {
      // A file the editor cannot change (broken meanwhile): the others are still linked.
    }
  }
  return changes;
}

/**
 * A guarded rollout's rollback as a registry command: disable the flag (`kill`) or take the
 * rolled-out variant to 0%. Through the commands, a protected environment asks first.
 */
export function rollbackCommand(
  plan: { flag: string; environment: string; variant: string },
  action: 'kill' | 'rollout-to-zero',
): { title: string; command: string; arguments: unknown[] } {
  return action === 'kill'
    ? {
        title: `Roll back: disable ${plan.flag} in ${plan.environment}`,
        command: Commands.toggle,
        arguments: [{ flag: plan.flag, env: plan.environment, enabled: false }],
      }
    : {
        title: `Roll back: ${plan.flag} to 0% ${plan.variant} in ${plan.environment}`,
        command: Commands.setRollout,
        arguments: [{ flag: plan.flag, env: plan.environment, variant: plan.variant, percent: 0 }],
      };
}

/**
 * A rollback verdict's fix: the plan's rollback through the registry commands, so a protected
 * environment asks for confirmation as every other registry edit does.
 */
function guardRollbackActions(workspace: FlagWorkspace, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'flaglens' || diagnostic.code !== GUARD_ROLLBACK_CODE) continue;
    const data = diagnostic.data as { flag: string; rollout: string; environment: string; action: string };
    const plan = workspace.rollouts.plans().find((item) => item.key === data.rollout);
    if (!plan) continue;
    const rollback = rollbackCommand(plan, data.action === 'kill' ? 'kill' : 'rollout-to-zero');
    actions.push({
      title: rollback.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      command: { title: 'Roll back', command: rollback.command, arguments: rollback.arguments },
    });
  }
  return actions;
}
