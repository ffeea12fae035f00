import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { repoRoot } from '../support/cli';

describe("the demo's VS Code settings", () => {
  it('map the flagd $schema URL to the bundled schema, inline and up to date', () => {
    const settings = parse(readFileSync(join(repoRoot, 'examples/demo/.vscode/settings.json'), 'utf8')) as {
      'json.schemas': { url: string; schema: unknown }[];
    };
    const bundled = JSON.parse(readFileSync(join(repoRoot, 'schemas/flagd.schema.json'), 'utf8')) as unknown;
    const entry = settings['json.schemas'].find(
      (candidate) => candidate.url === 'https://flagd.dev/schema/v0/flags.json',
    );
    assert.ok(entry, 'an entry for the URL the registry files name');
    assert.deepEqual(entry.schema, bundled, 'run node scripts/demoJsonSettings.mjs');
    for (const file of ['development', 'staging', 'production']) {
      const registry = JSON.parse(
        readFileSync(join(repoRoot, `examples/demo/flags/${file}.flagd.json`), 'utf8'),
      ) as {
        $schema: string;
      };
      assert.equal(registry.$schema, entry.url, file);
    }
  });
});
