// Writes examples/demo/.vscode/settings.json: the bundled flagd schema, inline, for the URL the
// demo's registry files name in "$schema". VS Code's JSON language features load a document's
// "$schema" URL as it is (extension jsonValidation entries do not replace it) and refuse
// untrusted or unreachable URLs with a warning; an inline `json.schemas` entry for that URL is
// the one mapping they read first, and only from user or workspace settings.
// test/unit/demoSettings.test.ts checks the file is up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas/flagd.schema.json'), 'utf8'));
const settings = {
  'json.schemas': [{ url: 'https://flagd.dev/schema/v0/flags.json', schema }],
};
writeFileSync(join(root, 'examples/demo/.vscode/settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
