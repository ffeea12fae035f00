import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOutcome } from '../../shared/src/protocol';
import { copyToTemp, repoRoot } from '../support/cli';
import { TestLspClient } from '../support/lspClient';

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');

describe('registry commands with wrong arguments, over a real LSP connection', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  let client: TestLspClient;
  const registry = () =>
    ['development', 'production'].map((env) =>
      readFileSync(join(temp.dir, `flags/${env}.flagd.json`), 'utf8'),
    );
  const run = (command: string, args: unknown[]) =>
    client.request<CommandOutcome>('workspace/executeCommand', { command, arguments: args });

  beforeEach(async () => {
    temp = copyToTemp(fixture);
    client = await TestLspClient.start(temp.dir);
    await client.indexReady;
  });
  afterEach(async () => {
    await client.stop();
    temp.dispose();
  });

  it('refuses a toggle whose "enabled" is not true or false, and changes nothing', async () => {
    const before = registry();
    const outcome = await run('flaglens.toggle', [
      { flag: 'payments-enabled', env: 'development', enabled: 'yes' },
    ]);
    assert.equal(outcome.applied, false);
    assert.match(outcome.reason ?? '', /"enabled" must be true or false, not "yes"/);
    assert.deepEqual(client.appliedEdits, []);
    assert.deepEqual(registry(), before);
  });

  it('answers createFlag of a flag every environment has with applied: false and a reason', async () => {
    const outcome = await run('flaglens.createFlag', [{ flag: 'payments-enabled', type: 'boolean' }]);
    assert.deepEqual(
      [outcome.applied, outcome.reason],
      [false, 'Flag "payments-enabled" already exists in every environment (development, production).'],
    );
    assert.deepEqual(client.appliedEdits, []);
  });

  it('refuses null arguments, a text percentage and an unknown flag type cleanly', async () => {
    const before = registry();
    for (const [command, args, reason] of [
      ['flaglens.toggle', [null], /"flag" is required/],
      ['flaglens.toggle', ['payments-enabled'], /arguments as an object/],
      [
        'flaglens.setRollout',
        [{ flag: 'payments-enabled', env: 'development', percent: '50' }],
        /"percent" must be a number/,
      ],
      [
        'flaglens.setRollout',
        [
          {
            flag: 'payments-enabled',
            env: 'development',
            weights: [
              ['on', 0.5],
              ['off', 1],
            ],
          },
        ],
        /whole weights/,
      ],
      ['flaglens.createFlag', [{ flag: 'brand-new', type: 'date' }], /"type" must be one of/],
    ] as const) {
      const outcome = await run(command, [...args]);
      assert.equal(outcome.applied, false, `${command} ${JSON.stringify(args)}`);
      assert.match(outcome.reason ?? '', reason);
    }
    assert.deepEqual(client.appliedEdits, []);
    assert.deepEqual(registry(), before);
    assert.deepEqual(
      client.errors.filter((message) => /internal|TypeError/i.test(message)),
      [],
    );
  });
});
