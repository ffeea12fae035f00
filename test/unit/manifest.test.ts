import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/cli';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { enum?: string[] }> };
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;

describe('extension manifest', () => {
  it('activates only in a workspace that holds Flaglens files, never on a language alone', () => {
    // Views and commands activate by themselves (implicit events since VS Code 1.74).
    assert.deepEqual(manifest.activationEvents, [
      'workspaceContains:**/*.flagd.json',
      'workspaceContains:**/flaglens.json',
      'workspaceContains:**/*.experiment.json',
      'workspaceContains:**/*.rollout.json',
    ]);
  });

  it('contributes only settings something reads, and the trace the language client looks up', () => {
    const settings = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(settings).sort(), ['flaglens.codeLens.enabled', 'flaglens.trace.server']);
    // vscode-languageclient reads `<client id>.trace.server`: the id is 'flaglens'.
    assert.deepEqual(settings['flaglens.trace.server'].enum, ['off', 'messages', 'verbose']);
    const source = readFileSync(join(repoRoot, 'client/src/extension.ts'), 'utf8');
    assert.match(source, /new LanguageClient\('flaglens',/);
    assert.match(source, /get<boolean>\('codeLens\.enabled'/);
  });

  it('offers a command to restart the language server', () => {
    assert.ok(manifest.contributes.commands.some((command) => command.command === 'flaglens.restartServer'));
    const source = readFileSync(join(repoRoot, 'client/src/extension.ts'), 'utf8');
    assert.match(source, /registerCommand\('flaglens\.restartServer'/);
  });
});
