import * as vscode from 'vscode';
import { type CommandOutcome, Commands, type FlagInfo } from '../../shared/src/protocol';
import type { StaleVerdict } from '../../shared/src/stale';
import { useBundledSchema } from './bundledSchema';
import { runRegistryEdit, saveAfter, saveDirty } from './registryEdits';
import { ExperimentReportPanel } from './experimentReport/experimentReportPanel';
import { RuleEditorPanel } from './ruleEditor/ruleEditorPanel';
import type { ServerApi } from './serverApi';
import type { FlagNode } from './views/flagTrees';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  api: ServerApi;
  output: vscode.LogOutputChannel;
  refreshViews(): void;
}

async function pickFlag(ctx: CommandContext, placeHolder: string): Promise<FlagInfo | undefined> {
  const flags = await ctx.api.flags();
  const picked = await vscode.window.showQuickPick(
    flags.map((flag) => ({
      label: flag.key,
      description: flag.environments.map((env) => `${env.env}: ${env.serving}`).join(' · '),
      detail: flag.description,
      flag,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.flag;
}

async function pickEnvironment(flag: FlagInfo, placeHolder: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    flag.environments.map((env) => ({
      label: env.env,
      description: `${env.serving}${env.protected ? ' · protected' : ''}`,
    })),
    { placeHolder },
  );
  return picked?.label;
}

/** Arguments from a tree item, a lens or nothing (then asked for). */
async function flagAndEnvironment(
  ctx: CommandContext,
  node: unknown,
  verb: string,
): Promise<{ flag: FlagInfo; env: string } | undefined> {
  const tree = node as FlagNode | undefined;
  if (tree?.kind === 'environment') return { flag: tree.flag, env: tree.environment.env };
  const flag = tree?.kind === 'flag' ? tree.flag : await pickFlag(ctx, `Flag to ${verb}`);
  if (!flag) return undefined;
  const env = await pickEnvironment(flag, `Environment to ${verb} ${flag.key} in`);
  return env ? { flag, env } : undefined;
}

/** Palette and context-menu commands, as factories over the extension's context. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const register = (id: string, run: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, run);
  return [
    register('flaglens.showOutput', () => ctx.output.show()),
    register('flaglens.openExperimentDefinition', async (node?: unknown) => {
      const uri = (node as { item?: { uri?: unknown } } | undefined)?.item?.uri;
      if (typeof uri === 'string') await vscode.window.showTextDocument(vscode.Uri.parse(uri));
    }),
    register('flaglens.revealExperimentFlag', (node?: unknown) => {
      const flag = (node as { item?: { flag?: unknown } } | undefined)?.item?.flag;
      return typeof flag === 'string'
        ? vscode.commands.executeCommand('flaglens.findUsages', flag)
        : undefined;
    }),
    // Ship the winner: the same confirmation and save as every registry edit.
    register('flaglens.shipExperimentWinner', async (node?: unknown) => {
      const experiment =
        (node as { item?: { key?: unknown } } | undefined)?.item?.key ??
        (node as { experiment?: unknown } | undefined)?.experiment;
      if (typeof experiment !== 'string') return undefined;
      const outcome = await runRegistryEdit(ctx.api, Commands.shipWinner, { experiment });
      if (outcome.applied) ctx.refreshViews();
      return outcome;
    }),
    // The experiment lens, hover link and view: the report as a webview, one per experiment.
    register('flaglens.openExperimentReport', async (node?: unknown) => {
      const experiment =
        (node as { experiment?: unknown } | undefined)?.experiment ??
        (node as { item?: { key?: unknown } } | undefined)?.item?.key;
      const key =
        typeof experiment === 'string'
          ? experiment
          : await vscode.window.showInputBox({ prompt: 'Experiment key (its *.experiment.json file name)' });
      if (!key) return undefined;
      return ExperimentReportPanel.show(ctx.extension, ctx.api, key);
    }),
    register('flaglens.refresh', () => ctx.refreshViews()),
    register('flaglens.toggleFlag', async (node?: unknown) => {
      const target = await flagAndEnvironment(ctx, node, 'toggle');
      if (!target) return undefined;
      const current = target.flag.environments.find((env) => env.env === target.env);
      return runRegistryEdit(ctx.api, Commands.toggle, {
        flag: target.flag.key,
        env: target.env,
        enabled: current?.state === 'DISABLED',
      });
    }),
    register('flaglens.editRollout', async (node?: unknown, env?: unknown) => {
      if (typeof node === 'string' && typeof env === 'string')
        return RuleEditorPanel.show(ctx.extension, ctx.api, node, env);
      const target = await flagAndEnvironment(ctx, node, 'edit');
      return target ? RuleEditorPanel.show(ctx.extension, ctx.api, target.flag.key, target.env) : undefined;
    }),
    register('flaglens.newFlag', async (key?: unknown) => {
      const flag =
        typeof key === 'string'
          ? key
          : await vscode.window.showInputBox({
              prompt: 'Key of the new flag',
              placeHolder: 'new-checkout',
              validateInput: (value) =>
                /^[A-Za-z0-9][\w.-]*$/.test(value) ? undefined : 'Use letters, digits, "-", "_" or "."',
            });
      if (!flag) return undefined;
      const type = await vscode.window.showQuickPick(['boolean', 'string', 'number', 'object'], {
        placeHolder: 'Variant type',
      });
      return type ? runRegistryEdit(ctx.api, Commands.createFlag, { flag, type }) : undefined;
    }),
    register('flaglens.goToFlag', async (node?: unknown) => {
      const tree = node as FlagNode | undefined;
      const flag = tree && tree.kind !== 'missing' ? tree.flag : await pickFlag(ctx, 'Go to flag');
      const env = tree?.kind === 'environment' ? tree.environment : flag?.environments[0];
      if (!env) return undefined;
      const range = new vscode.Range(
        env.range.start.line,
        env.range.start.character,
        env.range.end.line,
        env.range.end.character,
      );
      return vscode.window.showTextDocument(vscode.Uri.parse(env.uri), { selection: range });
    }),
    register('flaglens.revealInRegistry', (node?: unknown) =>
      vscode.commands.executeCommand('flaglens.goToFlag', node),
    ),
    register('flaglens.findUsages', async (node?: unknown) => {
      const tree = node as FlagNode | undefined;
      const flag =
        typeof node === 'string'
          ? (await ctx.api.flags()).find((candidate) => candidate.key === node)
          : tree && tree.kind !== 'missing'
            ? tree.flag
            : await pickFlag(ctx, 'Find usages of');
      const env = flag?.environments[0];
      if (!flag || !env) return undefined;
      const uri = vscode.Uri.parse(env.uri);
      const position = new vscode.Position(env.range.start.line, env.range.start.character + 1);
      const locations =
        (await vscode.commands.executeCommand<vscode.Location[]>(
          'vscode.executeReferenceProvider',
          uri,
          position,
        )) ?? [];
      return vscode.commands.executeCommand('editor.action.showReferences', uri, position, locations);
    }),
    register('flaglens.evaluateForContext', async (node?: unknown) => {
      const tree = node as FlagNode | undefined;
      const flag = tree && tree.kind !== 'missing' ? tree.flag : await pickFlag(ctx, 'Evaluate flag');
      if (!flag) return undefined;
      const text = await vscode.window.showInputBox({
        prompt: `What does this user get for ${flag.key}? Evaluation context as JSON`,
        value: '{"targetingKey": "u-1"}',
        validateInput: (value) => {
          try {
            const parsed = JSON.parse(value) as unknown;
            return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
              ? undefined
              : 'A JSON object, please';
          } catch (error) {
            return (error as Error).message;
          }
        },
      });
      if (!text) return undefined;
      const results = (await ctx.api.execute(Commands.evaluate, {
        flag: flag.key,
        context: JSON.parse(text),
      })) as unknown as { env: string; value: unknown; variant: string | null; reason: string }[];
      const lines = results.map(
        (result) =>
          `${result.env}: ${JSON.stringify(result.value)}${result.variant ? ` (${result.variant})` : ''} · ${result.reason}`,
      );
      void vscode.window.showInformationMessage(`${flag.key} for ${text}: ${lines.join(' | ')}`, {
        modal: false,
      });
      return results;
    }),
    // From a view or the palette the server applies the cleanup as one edit with nothing to
    // tick (VS Code's refactor preview would start every change unticked); the quick fix on a
    // stale usage is where it can be previewed (Ctrl+Enter). A `{ preview }` argument of older
    // callers is ignored.
    register('flaglens.cleanupStaleFlag', async (node?: unknown) => {
      const verdict = node as StaleVerdict | undefined;
      const stale = verdict?.flag ? verdict : await pickStale(ctx);
      if (!stale) return undefined;
      return runCleanup(ctx, Commands.cleanup, { flag: stale.flag, value: stale.servedValue });
    }),
    register('flaglens.listStaleFlags', () => ctx.api.staleFlags()),
    register('flaglens.useBundledSchema', () => useBundledSchema(ctx.extension)),
    register('flaglens.cleanupAllStaleFlags', () => runCleanup(ctx, Commands.cleanupAll, {})),
  ];
}

/**
 * Runs a cleanup on the server, which applies it as one workspace edit; what was applied is
 * saved, the report is shown.
 */
async function runCleanup(
  ctx: CommandContext,
  command: string,
  args: Record<string, unknown>,
): Promise<CommandOutcome | null> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Flaglens: cleanup is disabled in Restricted Mode.');
    return null;
  }
  const outcome = await saveAfter(async () => (await ctx.api.execute(command, args)) ?? { applied: false });
  return reportCleanup(ctx, outcome);
}

/**
 * After VS Code applied a cleanup code action's edit (directly, or from the refactor preview):
 * the server checks it applied whole (`check` sends flaglens.cleanupApplied), then the changed
 * files are saved, so flagd and git see the cleanup, and the report is shown.
 */
export async function finishCleanupAction(
  ctx: CommandContext,
  check: () => Promise<CommandOutcome | null>,
): Promise<CommandOutcome> {
  const outcome = (await check()) ?? { applied: false, reason: 'no answer from the server' };
  // Applied: the cleaned files; put back (applied in part): the files, as they are on disk.
  await saveDirty(outcome.uris ?? []);
  return reportCleanup(ctx, outcome);
}

function reportCleanup(ctx: CommandContext, outcome: CommandOutcome): CommandOutcome {
  if (outcome.applied) {
    void vscode.window.showInformationMessage(`Flaglens: ${outcome.description ?? 'cleanup applied'}.`);
  } else if (outcome.reason) {
    void vscode.window.showWarningMessage(`Flaglens: ${outcome.reason}`);
  }
  ctx.refreshViews();
  return outcome;
}

async function pickStale(ctx: CommandContext): Promise<StaleVerdict | undefined> {
  const verdicts = (await ctx.api.staleFlags()).filter((verdict) => verdict.servedValue !== undefined);
  const picked = await vscode.window.showQuickPick(
    verdicts.map((verdict) => ({
      label: verdict.flag,
      description: verdict.reasons.join(', '),
      detail: verdict.message,
      verdict,
    })),
    { placeHolder: 'Stale flag to clean up' },
  );
  return picked?.verdict;
}
