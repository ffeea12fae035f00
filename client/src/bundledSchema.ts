import * as vscode from 'vscode';

/** The URL flagd's own files name in "$schema" (flagd.dev's published schema). */
export const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json';

interface JsonSchemaSetting {
  url?: string;
  fileMatch?: string[];
  schema?: unknown;
}

/**
 * Maps the flagd "$schema" URL to the schema Flaglens ships, in this workspace's settings.
 * VS Code's JSON language features load a document's "$schema" URL as it is, before any
 * extension's jsonValidation entry, and warn when it is untrusted or cannot be downloaded;
 * a `json.schemas` entry that carries the schema inline for that URL is the one mapping they
 * read first, and they read it only from user or workspace settings, so it is written on
 * request, never behind the person's back. Replaces an earlier entry for the URL.
 */
export async function useBundledSchema(extension: vscode.ExtensionContext): Promise<boolean> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showWarningMessage(
      'Flaglens: open a folder first; the mapping goes into its settings.',
    );
    return false;
  }
  const bytes = await vscode.workspace.fs.readFile(
    vscode.Uri.joinPath(extension.extensionUri, 'schemas/flagd.schema.json'),
  );
  const schema = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  const json = vscode.workspace.getConfiguration('json');
  const current = json.inspect<JsonSchemaSetting[]>('schemas')?.workspaceValue ?? [];
  const others = current.filter((entry) => entry.url !== FLAGD_SCHEMA_URL);
  await json.update(
    'schemas',
    [...others, { url: FLAGD_SCHEMA_URL, schema }],
    vscode.ConfigurationTarget.Workspace,
  );
  void vscode.window.showInformationMessage(
    `Flaglens: registry files naming ${FLAGD_SCHEMA_URL} are now checked against the bundled flagd schema (workspace settings).`,
  );
  return true;
}
