/**
 * What the tests inside the extension host share: the Flaglens extension and its index, the
 * demo workspace, and the editor features (lenses, hovers) as VS Code's own commands return them.
 */
import * as vscode from 'vscode';
import type { IndexReadyNotification } from '../../../shared/src/protocol';
import { withTimeout } from '../support/wait';

export { waitFor, withTimeout } from '../support/wait';

export const FLAGLENS_ID = 'flaglens.flaglens';

/** The part of the API Flaglens' activate() returns that the tests use. */
export interface FlaglensApi {
  indexReady: Promise<IndexReadyNotification.Params>;
  ruleEditors(): {
    flag: string;
    env: string;
    panel: { dispose(): void };
    apply(command: string, args: Record<string, unknown>): Promise<{ applied: boolean; reason?: string }>;
  }[];
}

/** Activates Flaglens (if VS Code has not yet) and returns its API. */
export async function activateFlaglens(): Promise<FlaglensApi> {
  const extension = vscode.extensions.getExtension<FlaglensApi>(FLAGLENS_ID);
  if (!extension) throw new Error(`${FLAGLENS_ID} is not installed in this VS Code`);
  const api = await extension.activate();
  if (!api || typeof api.indexReady?.then !== 'function') {
    throw new Error(`${FLAGLENS_ID} activated but its API has no indexReady promise`);
  }
  return api;
}

/** Waits for the server's first full index (`flaglens/indexReady`). */
export async function indexReady(timeoutMs = 90_000): Promise<IndexReadyNotification.Params> {
  const api = await activateFlaglens();
  return withTimeout(api.indexReady, timeoutMs, 'flaglens/indexReady');
}

/** A file of the workspace (the copy of examples/demo the test run opened). */
export function workspaceUri(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('VS Code has no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split('/'));
}

/** Opens a workspace file in an editor, as a person would before looking at lenses or hovers. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  return vscode.window.showTextDocument(document);
}

/** Position of the first `needle` in the document (after `after`, when given). */
export function positionOf(document: vscode.TextDocument, needle: string, after?: string): vscode.Position {
  const text = document.getText();
  const from = after === undefined ? 0 : text.indexOf(after);
  if (from < 0) throw new Error(`${document.uri.path} does not contain ${after}`);
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`${document.uri.path} does not contain ${needle}`);
  return document.positionAt(offset);
}

/** Titles of the code lenses on one line, in the order VS Code shows them. */
export async function lensTitlesOnLine(uri: vscode.Uri, line: number): Promise<string[]> {
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((lens) => lens.range.start.line === line).map((lens) => lens.command?.title ?? '');
}

/** The text of every hover at a position (markdown source, joined). */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers =
    (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ??
    [];
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n---\n');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
