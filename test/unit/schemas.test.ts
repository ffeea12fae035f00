import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { repoRoot } from '../support/cli';

/** Errors of a value against a schema, as "<path> <message>" with ajv (draft-07). */
function check(schema: Record<string, unknown>, value: unknown): string[] {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validate(value)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}

describe('JSON schemas shipped for VS Code validation', () => {
  const flagdSchema = JSON.parse(readFileSync(join(repoRoot, 'schemas/flagd.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const configSchema = JSON.parse(
    readFileSync(join(repoRoot, 'schemas/flaglens.schema.json'), 'utf8'),
  ) as Record<string, unknown>;

  it('accept every registry file of the demo that flagd accepts', () => {
    for (const name of ['staging.flagd.json', 'production.flagd.json']) {
      const file = JSON.parse(readFileSync(join(repoRoot, 'examples/demo/flags', name), 'utf8')) as unknown;
      assert.deepEqual(check(flagdSchema, file), [], name);
    }
  });

  it('reject a flag with an invalid state or metadata that is not primitive', () => {
    const errors = check(flagdSchema, {
      flags: { a: { state: 'ON', variants: { on: true }, defaultVariant: 'on', metadata: { tags: ['x'] } } },
    });
    assert.deepEqual(errors, [
      '/flags/a/state must be equal to one of the allowed values',
      '/flags/a/metadata/tags must be string,number,boolean',
    ]);
  });

  it('accept the demo flaglens.json and reject unknown settings', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, 'examples/demo/flaglens.json'), 'utf8')) as unknown;
    assert.deepEqual(check(configSchema, config), []);
    assert.deepEqual(check(configSchema, { sdk: ['x'] }), ['/ must NOT have additional properties']);
  });

  it('accept the demo experiment and reject an unknown metric kind', () => {
    const schema = JSON.parse(
      readFileSync(join(repoRoot, 'schemas/experiment.schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    const demo = JSON.parse(
      readFileSync(join(repoRoot, 'examples/demo/experiments/checkout-cta-test.experiment.json'), 'utf8'),
    ) as { metrics: Record<string, unknown>[] };
    assert.deepEqual(check(schema, demo), []);
    const broken = { ...demo, metrics: [{ ...demo.metrics[0], kind: 'percentile' }] };
    assert.deepEqual(check(schema, broken), ['/metrics/0/kind must be equal to one of the allowed values']);
  });

  it('are all referenced from package.json', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { jsonValidation: { url: string }[] };
    };
    const shipped = readdirSync(join(repoRoot, 'schemas'))
      .map((name) => `./schemas/${name}`)
      .sort();
    assert.deepEqual(manifest.contributes.jsonValidation.map((entry) => entry.url).sort(), shipped);
  });
});
