import { strict as assert } from 'node:assert';
import type { TextDocumentEdit } from 'vscode-languageserver';
import type { CleanupPlan } from '../../server/src/core/features/cleanupPlan';
import { cleanupWorkspaceEdit, workspaceEditSupport } from '../../server/src/lsp/cleanupEdit';

const plan = (deleted: boolean): CleanupPlan => ({
  flags: [{ flag: 'old-banner', value: false }],
  files: [
    {
      file: 'src/a.ts',
      version: 'v1',
      before: 'x',
      after: '',
      edits: [{ offset: 0, length: 1, content: '' }],
    },
  ],
  deletedFiles: deleted ? [{ file: 'src/b.ts', version: 'v2', before: 'y' }] : [],
  report: [],
});
const versioned = async (
  file: string,
  _version: string,
  _text: string,
  _edits: unknown,
  annotationId?: string,
) =>
  ({
    textDocument: { uri: `file:///w/${file}`, version: null },
    edits: [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
        newText: '',
        ...(annotationId ? { annotationId } : {}),
      },
    ],
  }) as TextDocumentEdit;
const uriOf = (file: string) => `file:///w/${file}`;

describe('cleanup edit under the client capabilities', () => {
  it('uses deletes and change annotations when the client declares them', async () => {
    const support = workspaceEditSupport({
      documentChanges: true,
      resourceOperations: ['create', 'delete'],
      changeAnnotationSupport: {},
    });
    const edit = await cleanupWorkspaceEdit(plan(true), 'Clean up', versioned, uriOf, support);
    assert.ok(typeof edit !== 'string');
    assert.deepEqual(edit.documentChanges?.[1], {
      kind: 'delete',
      uri: 'file:///w/src/b.ts',
      annotationId: 'cleanup',
    });
    assert.ok(edit.changeAnnotations?.cleanup);
  });

  it('leaves out change annotations for a client without changeAnnotationSupport', async () => {
    const support = workspaceEditSupport({ documentChanges: true, resourceOperations: ['delete'] });
    const edit = await cleanupWorkspaceEdit(plan(true), 'Clean up', versioned, uriOf, support);
    assert.ok(typeof edit !== 'string');
    assert.equal(edit.changeAnnotations, undefined);
    assert.equal(JSON.stringify(edit).includes('annotationId'), false);
  });

  it('refuses, naming the file, a cleanup that deletes a file when the client cannot delete', async () => {
    const support = workspaceEditSupport({ documentChanges: true, changeAnnotationSupport: {} });
    const edit = await cleanupWorkspaceEdit(plan(true), 'Clean up', versioned, uriOf, support);
    assert.equal(typeof edit, 'string');
    assert.match(String(edit), /cannot delete files.*src\/b\.ts/);
    const noDelete = await cleanupWorkspaceEdit(plan(false), 'Clean up', versioned, uriOf, support);
    assert.notEqual(typeof noDelete, 'string', 'a cleanup that deletes nothing still goes');
  });

  it('refuses a cleanup for a client without documentChanges', async () => {
    const edit = await cleanupWorkspaceEdit(
      plan(false),
      'Clean up',
      versioned,
      uriOf,
      workspaceEditSupport({}),
    );
    assert.match(String(edit), /documentChanges/);
  });
});
