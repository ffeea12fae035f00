import * as vscode from 'vscode';
import { type CommandOutcome, Commands } from '../../shared/src/protocol';
import type { ServerApi } from './serverApi';

/** Server commands that change registry files. */
export const REGISTRY_EDIT_COMMANDS: ReadonlySet<string> = new Set([
  Commands.toggle,
  Commands.setRollout,
  Commands.setDefaultVariant,
  Commands.addOverride,
  Commands.removeOverride,
  Commands.addExclusion,
  Commands.removeExclusion,
  Commands.addSegment,
  Commands.removeSegment,
  Commands.setPrerequisite,
  Commands.removePrerequisite,
  Commands.setTimeWindow,
  Commands.createFlag,
  Commands.addToEnvironment,
  Commands.shipWinner,
]);

/**
 * Every registry edit goes through here, whether it comes from a lens, a tree item, the palette
 * or the rule editor: refused in Restricted Mode; a protected environment asks first, showing
 * what changes; the edit is one undoable workspace edit, then saved so flagd sees it.
 */
export async function runRegistryEdit(
  api: ServerApi,
  command: string,
  args: Record<string, unknown>,
  send: (command: string, args: Record<string, unknown>) => Promise<CommandOutcome | null> = (c, a) =>
    api.execute(c, a),
): Promise<CommandOutcome> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Flaglens: registry edits are disabled in Restricted Mode. Trust this workspace to edit flags.',
    );
    return { applied: false, reason: 'untrusted workspace' };
  }
  if (args.confirmed !== true) {
    const preview = await api.previewChange({ command, arguments: args });
    if (preview?.error) {
      void vscode.window.showErrorMessage(`Flaglens: ${preview.error}`);
      return { applied: false, reason: preview.error };
    }
    if (preview && preview.protectedEnvironments.length > 0) {
      const detail = [
        ...preview.preview.map((entry) => `${entry.env}: ${entry.before} → ${entry.after}`),
        ...preview.evaluations
          .filter((entry) => entry.before !== entry.after)
          .map((entry) => `${entry.context} (${entry.env}): ${entry.before ?? '—'} → ${entry.after ?? '—'}`),
      ].join('\n');
      const choice = await vscode.window.showWarningMessage(
        `${preview.description}? ${preview.protectedEnvironments.join(', ')} is a protected environment.`,
        { modal: true, detail },
        'Apply',
      );
      if (choice !== 'Apply') return { applied: false, reason: 'cancelled' };
    }
  }
  return saveAfter(
    async () =>
      (await send(command, { ...args, confirmed: true })) ?? {
        applied: false,
        reason: 'no answer from the server',
      },
  );
}

/**
 * Runs an edit through the server and saves the files it touched, so flagd and git see it.
 * A file the user was already editing is left unsaved: their change is not ours to save.
 */
export async function saveAfter(edit: () => Promise<CommandOutcome>): Promise<CommandOutcome> {
  const dirtyBefore = new Set(
    vscode.workspace.textDocuments
      .filter((document) => document.isDirty)
      .map((document) => document.uri.toString()),
  );
  const outcome = await edit();
  if (!outcome.applied) return outcome;
  for (const uri of outcome.uris ?? []) {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri);
    if (document?.isDirty && !dirtyBefore.has(uri)) await document.save();
  }
  return outcome;
}

/** Saves those of `uris` that are open with unsaved changes. */
export async function saveDirty(uris: readonly string[]): Promise<void> {
  for (const uri of uris) {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri);
    if (document?.isDirty) await document.save();
  }
}
