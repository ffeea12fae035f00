import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { type CleanupPlan, lineEdits } from '../core/features/cleanupPlan';
import { textVersion } from '../core/text';
import type { OffsetEdit } from '../core/textEdit';

/** One file's versioned edit, or why it must be refused (built by the server, which knows the buffers). */
export type VersionedEdit = (
  file: string,
  version: string,
  text: string,
  edits: OffsetEdit[],
  annotationId?: string,
) => Promise<TextDocumentEdit | string>;

const ANNOTATION = 'cleanup';

/** What the client said it can apply (`workspace.workspaceEdit` capabilities). */
export interface WorkspaceEditSupport {
  documentChanges: boolean;
  deleteFiles: boolean;
  changeAnnotations: boolean;
}

export const FULL_EDIT_SUPPORT: WorkspaceEditSupport = {
  documentChanges: true,
  deleteFiles: true,
  changeAnnotations: true,
};

export function workspaceEditSupport(
  capability: {
    documentChanges?: boolean;
    resourceOperations?: string[];
    changeAnnotationSupport?: object;
  } = {},
): WorkspaceEditSupport {
  return {
    documentChanges: capability.documentChanges === true,
    deleteFiles: capability.resourceOperations?.includes('delete') === true,
    changeAnnotations: capability.changeAnnotationSupport !== undefined,
  };
}

/**
 * A cleanup as one workspace edit. No change needs confirmation: VS Code's refactor preview
 * starts every change that does unticked, and a cleanup applies whole or not at all. The one
 * annotation labels the changes in the preview (the code action's Ctrl+Enter) and the undo stack.
 */
export async function cleanupWorkspaceEdit(
  plan: CleanupPlan,
  label: string,
  versionedEdit: VersionedEdit,
  uriOf: (file: string) => string,
  support: WorkspaceEditSupport = FULL_EDIT_SUPPORT,
): Promise<WorkspaceEdit | string> {
  // Versioned edits and deletes exist only in `documentChanges`; a cleanup without them could
  // not apply whole, so it is refused rather than sent in a form the client drops.
  if (!support.documentChanges)
    return 'This editor cannot apply versioned workspace edits (documentChanges), which a cleanup needs.';
  if (plan.deletedFiles.length > 0 && !support.deleteFiles)
    return `This editor cannot delete files through an edit, and the cleanup empties ${plan.deletedFiles.map((file) => file.file).join(', ')}; run \`flaglens cleanup\` instead.`;
  const annotation = support.changeAnnotations ? ANNOTATION : undefined;
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const file of plan.files) {
    const change = await versionedEdit(file.file, file.version, file.before, file.edits, annotation);
    if (typeof change === 'string') return change;
    documentChanges.push(change);
  }
  for (const file of plan.deletedFiles)
    documentChanges.push({
      kind: 'delete',
      uri: uriOf(file.file),
      ...(annotation ? { annotationId: annotation } : {}),
    });
  if (!annotation) return { documentChanges };
  return {
    documentChanges,
    changeAnnotations: {
      [ANNOTATION]: { label, needsConfirmation: false, description: 'Flaglens stale-flag cleanup' },
    },
  };
}

/** Which files of a plan hold their planned result now, which still hold the old text, which neither. */
export interface AppliedState {
  applied: string[];
  untouched: string[];
  changedOtherwise: string[];
}

/**
 * Reads back what the editor made of a cleanup edit: the refactor preview lets a person untick
 * files, and a cleanup applied in part leaves code reading a flag the registry no longer has.
 */
export async function appliedState(
  plan: CleanupPlan,
  currentText: (file: string) => Promise<string | undefined>,
): Promise<AppliedState> {
  const state: AppliedState = { applied: [], untouched: [], changedOtherwise: [] };
  for (const file of plan.files) {
    const text = await currentText(file.file);
    if (text === file.after) state.applied.push(file.file);
    else if (text === file.before) state.untouched.push(file.file);
    else state.changedOtherwise.push(file.file);
  }
  for (const file of plan.deletedFiles) {
    const text = await currentText(file.file);
    if (text === undefined) state.applied.push(file.file);
    else if (text === file.before) state.untouched.push(file.file);
    else state.changedOtherwise.push(file.file);
  }
  return state;
}

/**
 * The edit that puts back the files of a plan that the editor changed (wholly or in part) or
 * deleted: `changed` maps each to its text now (undefined when deleted).
 */
export async function undoWorkspaceEdit(
  plan: CleanupPlan,
  changed: ReadonlyMap<string, string | undefined>,
  versionedEdit: VersionedEdit,
  uriOf: (file: string) => string,
): Promise<WorkspaceEdit | string> {
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const file of [...plan.files, ...plan.deletedFiles]) {
    if (!changed.has(file.file)) continue;
    const now = changed.get(file.file);
    if (now !== undefined) {
      const change = await versionedEdit(file.file, textVersion(now), now, lineEdits(now, file.before));
      if (typeof change === 'string') return change;
      documentChanges.push(change);
      continue;
    }
    const uri = uriOf(file.file);
    documentChanges.push(
      { kind: 'create', uri },
      {
        textDocument: { uri, version: null },
        edits: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            newText: file.before,
          },
        ],
      },
    );
  }
  return { documentChanges };
}
