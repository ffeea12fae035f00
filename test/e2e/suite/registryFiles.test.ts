/**
 * The registry files and the walkthrough as VS Code itself reads them, inside the extension
 * host: the Outline's document symbols (VS Code rejects a symbol whose selection lies outside
 * it), the JSON language features' schema for the flagd `$schema` URL, and the walkthrough's
 * media in the installed extension.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { closeAllEditors, FLAGLENS_ID, indexReady, openWorkspaceFile, waitFor } from './helpers';

const registryFiles = [
  'flags/development.flagd.json',
  'flags/staging.flagd.json',
  'flags/production.flagd.json',
];

describe('Registry files and the walkthrough in VS Code', () => {
  before(async function () {
    this.timeout(120_000);
    await indexReady();
  });

  after(closeAllEditors);

  it('lists every flag of each demo registry file as a document symbol, as the Outline asks', async () => {
    for (const file of registryFiles) {
      const editor = await openWorkspaceFile(file);
      const flags = Object.keys((JSON.parse(editor.document.getText()) as { flags: object }).flags);
      // VS Code checks each symbol (selectionRange inside range) and fails the whole request.
      const symbols = await waitFor(
        async () =>
          (
            await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>(
              'vscode.executeDocumentSymbolProvider',
              editor.document.uri,
            )
          )?.filter((symbol) => flags.includes(symbol.name)),
        `the document symbols of ${file}`,
      );
      assert.deepEqual(
        symbols.map((symbol) => symbol.name),
        flags,
        file,
      );
    }
  });

  it('checks a registry file against the bundled flagd schema once mapped, with no warning about its $schema URL', async function () {
    this.timeout(180_000);
    const json = vscode.workspace.getConfiguration('json');
    // Without the demo's mapping first: VS Code's JSON features then warn on the $schema line.
    await json.update('schemas', undefined, vscode.ConfigurationTarget.Workspace);
    const editor = await openWorkspaceFile('flags/staging.flagd.json');
    const document = editor.document;
    const text = document.getText();
    const schemaLine = document.positionAt(text.indexOf('"$schema"')).line;
    const offset = text.indexOf('"ENABLED"');
    const stateLine = document.positionAt(offset).line;
    const valueRange = () => new vscode.Range(document.positionAt(offset), document.positionAt(offset + 11));
    // One value the flagd schema rejects, unsaved: the JSON language server's diagnostics for
    // it prove which schema applies, and carry any problem loading it on the $schema line.
    await editor.edit((edit) =>
      edit.replace(
        new vscode.Range(document.positionAt(offset), document.positionAt(offset + 9)),
        '"SOMETIMES"',
      ),
    );
    const jsonDiagnostics = () =>
      vscode.languages.getDiagnostics(document.uri).filter((diagnostic) => diagnostic.source !== 'flaglens');
    const seen = () =>
      JSON.stringify(jsonDiagnostics().map((d) => [d.range.start.line, d.source, d.message]));
    const onLine = (line: number) =>
      jsonDiagnostics().filter((diagnostic) => diagnostic.range.start.line === line);
    try {
      await waitFor(
        () => (onLine(schemaLine).length > 0 ? true : undefined),
        'the warning about the $schema URL without the mapping',
        60_000,
      );

      assert.equal(await vscode.commands.executeCommand('flaglens.useBundledSchema'), true);

      await waitFor(
        () => (onLine(stateLine).length > 0 && onLine(schemaLine).length === 0 ? true : undefined),
        'the JSON language server to reject "SOMETIMES" by the bundled schema, with nothing on the $schema line',
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; JSON diagnostics: ${seen()}`);
      });
      const entries = (
        json.inspect<{ url?: string; schema?: unknown }[]>('schemas')?.workspaceValue ?? []
      ).filter((entry) => entry.url === 'https://flagd.dev/schema/v0/flags.json');
      const extension = vscode.extensions.getExtension(FLAGLENS_ID);
      assert.ok(extension);
      const bundled = JSON.parse(
        new TextDecoder().decode(
          await vscode.workspace.fs.readFile(
            vscode.Uri.joinPath(extension.extensionUri, 'schemas/flagd.schema.json'),
          ),
        ),
      ) as unknown;
      assert.deepEqual(
        entries.map((entry) => entry.schema),
        [bundled],
        'one inline mapping, the bundled schema',
      );
    } finally {
      // Put the value back and save (the same bytes as on disk), so the server reads the file
      // as it was and later tests see a valid registry.
      await editor.edit((edit) => edit.replace(valueRange(), '"ENABLED"'));
      assert.equal(document.getText(), text);
      await document.save();
    }
  });

  it('gives each walkthrough step its own media, shipped in the extension, and descriptions without raw backticks', async () => {
    const extension = vscode.extensions.getExtension(FLAGLENS_ID);
    assert.ok(extension);
    const walkthroughs = (
      extension.packageJSON as {
        contributes: {
          walkthroughs: {
            steps: { id: string; description: string; media: { markdown?: string; image?: string } }[];
          }[];
        };
      }
    ).contributes.walkthroughs;
    const steps = walkthroughs.flatMap((walkthrough) => walkthrough.steps);
    assert.ok(steps.length >= 4, `steps: ${steps.length}`);
    const media = new Set<string>();
    for (const step of steps) {
      assert.doesNotMatch(
        step.description,
        /`/,
        `${step.id}: VS Code shows backticks in step descriptions as they are`,
      );
      const path = step.media.markdown ?? step.media.image;
      assert.ok(path, `${step.id} has media`);
      media.add(path);
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, path));
      assert.ok(bytes.byteLength > 0, `${step.id}: ${path} is empty`);
    }
    assert.equal(media.size, steps.length, 'one media file per step');
  });
});
