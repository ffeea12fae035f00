import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagWorkspace } from '../../server/src/core/workspace/flagWorkspace';
import { nodeHost } from '../../server/src/node/nodeHost';
import { tempDir } from '../support/cli';
import { flagdFile } from '../support/text';

describe('a workspace on real files', () => {
  let temp: { dir: string; dispose(): void };
  afterEach(() => temp.dispose());

  async function open(files: Record<string, string>): Promise<FlagWorkspace> {
    temp = tempDir();
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(temp.dir, name, '..'), { recursive: true });
      writeFileSync(join(temp.dir, name), text);
    }
    const workspace = new FlagWorkspace({ root: temp.dir, host: nodeHost });
    await workspace.load();
    await workspace.indexCode();
    return workspace;
  }

  it('evaluates prerequisites first and passes their variants in the context', async () => {
    const workspace = await open({
      'flags/production.flagd.json': flagdFile({
        'new-api': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ in: [{ var: 'tenant' }, ['acme']] }, 'on', null] },
        },
        'usage-pricing': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'on',
          targeting: { if: [{ '!==': [{ var: 'prerequisites.new-api' }, 'on'] }, 'off', null] },
          metadata: { requires: 'new-api=on' },
        },
      }),
    });
    assert.equal(workspace.evaluate('usage-pricing', 'production', { tenant: 'acme' })?.value, true);
    assert.equal(workspace.evaluate('usage-pricing', 'production', { tenant: 'globex' })?.value, false);
    assert.equal(
      workspace.evaluate('usage-pricing', 'production', {
        tenant: 'globex',
        prerequisites: { 'new-api': 'on' },
      })?.value,
      true,
      'a context that says it already evaluated them wins',
    );
  });

  it('honours .gitignore and the size limit when it lists code, and reports skipped files', async () => {
    const workspace = await open({
      'flaglens.json': JSON.stringify({ maxFileBytes: 200 }),
      '.gitignore': 'generated/\n',
      'src/app.ts': "client.getBooleanValue('a', false);\n",
      'src/big.ts': `client.getBooleanValue('b', false);\n${'// padding\n'.repeat(50)}`,
      'generated/out.ts': "client.getBooleanValue('c', false);\n",
      'node_modules/lib/index.ts': "client.getBooleanValue('d', false);\n",
      'flags/dev.flagd.json': flagdFile({}),
    });
    assert.deepEqual(workspace.codeFiles, ['src/app.ts']);
    assert.deepEqual(
      workspace.tooLarge.map((entry) => entry.file),
      ['src/big.ts'],
    );
    assert.deepEqual(
      workspace.usages().map((usage) => usage.flag),
      ['a'],
    );
  });

  it('keeps production protected when flaglens.json names other environments only', async () => {
    const workspace = await open({
      'flaglens.json': JSON.stringify({ environments: { staging: { protected: true } } }),
    });
    assert.equal(workspace.isProtected('production'), true);
    assert.equal(workspace.isProtected('staging'), true);
    assert.equal(workspace.isProtected('development'), false);
  });
  it('serves an open buffer before the rest is indexed, and indexing keeps the buffer over the disk', async () => {
    const workspace = await open({
      'src/app.ts': "client.getBooleanValue('on-disk', false);\n",
      'src/other.ts': "client.getBooleanValue('other', false);\n",
      'flags/dev.flagd.json': flagdFile({}),
    });
    workspace.updateBuffer('src/app.ts', "client.getBooleanValue('in-buffer', false);\n");
    // A reload (as when flaglens.json changes) indexes the buffer first, then the rest.
    await workspace.load();
    assert.equal(workspace.isCodeIndexed(), false);
    assert.deepEqual(
      workspace.usages().map((usage) => usage.flag),
      ['in-buffer'],
    );
    await workspace.indexCode();
    assert.equal(workspace.isCodeIndexed(), true);
    assert.deepEqual(
      workspace.usages().map((usage) => usage.flag),
      ['in-buffer', 'other'],
    );
    workspace.closeBuffer('src/app.ts');
    await workspace.load();
    await workspace.indexCode();
    assert.deepEqual(
      workspace.usages().map((usage) => usage.flag),
      ['on-disk', 'other'],
    );
  });
});
