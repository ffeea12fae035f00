import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import type { UsageRow } from '../../server/src/cli/commands/scan';
import type { KeyResolution } from '../../shared/src/usage';
import { copyToTemp, repoRoot, runCli, tempDir } from '../support/cli';
import { flagdFile } from '../support/text';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

const production = flagdFile({
  'new-checkout': {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    targeting: { fractional: [{ cat: ['new-checkout', { var: 'targetingKey' }] }, ['on', 25], ['off', 75]] },
    metadata: { owner: 'team-pay', type: 'release', description: 'The new checkout flow' },
  },
  'button-color': {
    state: 'ENABLED',
    variants: { red: 'red', blue: 'blue' },
    defaultVariant: 'red',
    targeting: { if: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, 'blue', null] },
  },
});

/** A row of `scan --format json`; `where` is `file:line:column-endColumn` of the key on one line. */
function scanRow(
  where: string,
  row: Omit<
    UsageRow,
    'file' | 'line' | 'column' | 'endLine' | 'endColumn' | 'sdk' | 'known' | 'keyResolution'
  > &
    Partial<Pick<UsageRow, 'sdk' | 'known' | 'keyResolution'>>,
): UsageRow {
  const match = /^(.+):(\d+):(\d+)-(\d+)$/.exec(where);
  if (!match) throw new Error(`bad position ${where}`);
  const [, file, line, column, endColumn] = match;
  const position = {
    line: Number(line),
    column: Number(column),
    endLine: Number(line),
    endColumn: Number(endColumn),
  };
  // Only a wrapper call's key resolves differently from the call itself.
  return { sdk: 'openfeature', known: true, keyResolution: row.resolution, ...row, file, ...position };
}

function workspace(files: Record<string, string>): { dir: string; dispose(): void } {
  const temp = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(temp.dir, name, '..'), { recursive: true });
    writeFileSync(join(temp.dir, name), text);
  }
  return temp;
}

describe('flaglens CLI', () => {
  it('prints help with every command and exits 0', () => {
    const result = runCli(['--help']);
    assert.equal(result.status, 0);
    for (const command of ['check', 'eval', 'explain', 'toggle', 'rollout'])
      assert.match(result.stdout, new RegExp(`\\b${command}\\b`));
  });

  it('exits 2 on an unknown command or option, with usage on stderr', () => {
    const unknown = runCli(['frobnicate']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const badOption = runCli(['check', '--frob']);
    assert.equal(badOption.status, 2);
    assert.match(badOption.stderr, /usage: flaglens check/);
  });

  it('exits 2 with a clear message for a missing directory, never a stack trace', () => {
    const result = runCli(['check', '/no/such/dir']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /directory not found: \/no\/such\/dir/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  describe('check', () => {
    it('exits 0 and says so on a clean registry', () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      try {
        const result = runCli(['check', temp.dir]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /No problems found/);
      } finally {
        temp.dispose();
      }
    });

    it('reports problems as JSON with 1-based lines and columns and exits 1', () => {
      const broken = production.replace('"defaultVariant": "red"', '"defaultVariant": "purple"');
      const temp = workspace({ 'flags/production.flagd.json': broken });
      try {
        const result = runCli(['check', '--dir', temp.dir, '--format', 'json']);
        assert.equal(result.status, 1);
        const rows = JSON.parse(result.stdout) as {
          file: string;
          line: number;
          column: number;
          code: string;
          severity: string;
        }[];
        const lines = broken.split('\n');
        const line = lines.findIndex((text) => text.includes('"purple"')) + 1;
        const column = lines[line - 1].indexOf('"purple"') + 1;
        assert.deepEqual(
          rows.map(({ file, line, column, code, severity }) => ({ file, line, column, code, severity })),
          [
            {
              file: 'flags/production.flagd.json',
              line,
              column,
              code: 'registry/unknown-default-variant',
              severity: 'error',
            },
          ],
        );
      } finally {
        temp.dispose();
      }
    });

    it('emits SARIF 2.1.0', () => {
      const temp = workspace({ 'flags/production.flagd.json': '{"flags": {' });
      try {
        const result = runCli(['check', temp.dir, '--format', 'sarif']);
        assert.equal(result.status, 1);
        const sarif = JSON.parse(result.stdout) as {
          version: string;
          runs: {
            tool: { driver: { name: string } };
            results: {
              ruleId: string;
              level: string;
              locations: { physicalLocation: { region: { startLine: number } } }[];
            }[];
          }[];
        };
        assert.equal(sarif.version, '2.1.0');
        assert.equal(sarif.runs[0].tool.driver.name, 'flaglens');
        assert.equal(sarif.runs[0].results[0].ruleId, 'registry/invalid-json');
        assert.equal(sarif.runs[0].results[0].level, 'error');
        assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine, 1);
      } finally {
        temp.dispose();
      }
    });

    for (const [name, text, code] of [
      ['an empty file', '', 'registry/empty'],
      ['truncated JSON', production.slice(0, 60), 'registry/invalid-json'],
      ['valid JSON that is not an object', '[]', 'registry/not-an-object'],
    ] as const) {
      it(`reports ${name} with a clear message and exit 1`, () => {
        const temp = workspace({ 'flags/production.flagd.json': text });
        try {
          const result = runCli(['check', temp.dir, '--format', 'json']);
          assert.equal(result.status, 1);
          const codes = (JSON.parse(result.stdout) as { code: string }[]).map((row) => row.code);
          assert.ok(codes.length > 0 && codes.every((c) => c === code), codes.join(', '));
          assert.doesNotMatch(result.stderr, /\n\s+at /);
        } finally {
          temp.dispose();
        }
      });
    }

    it('reports a file that is not UTF-8 and a 10 MB file without crashing', () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      writeFileSync(
        join(temp.dir, 'flags/latin1.flagd.json'),
        Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
      );
      writeFileSync(
        join(temp.dir, 'flags/huge.flagd.json'),
        `{"flags":{},"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`,
      );
      try {
        const result = runCli(['check', temp.dir, '--format', 'json']);
        assert.equal(result.status, 1);
        const codes = (JSON.parse(result.stdout) as { code: string; file: string }[]).map(
          (row) => `${row.file} ${row.code}`,
        );
        assert.ok(codes.includes('flags/latin1.flagd.json registry/not-utf8'), codes.join('\n'));
        assert.ok(codes.includes('flags/huge.flagd.json registry/file-too-large'), codes.join('\n'));
      } finally {
        temp.dispose();
      }
    });
  });

  describe('eval', () => {
    it('prints exactly what flagd-core answers, as JSON', () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      const reference = new FlagdCore(undefined, quiet);
      reference.setConfigurations(production);
      try {
        for (const key of ['u-1', 'u-2', 'u-3', 'u-4', 'u-5']) {
          const result = runCli([
            'eval',
            'new-checkout',
            '--env',
            'production',
            '--context',
            JSON.stringify({ targetingKey: key }),
            '--dir',
            temp.dir,
            '--format',
            'json',
          ]);
          assert.equal(result.status, 0, result.stderr);
          const expected = reference.resolveBooleanEvaluation('new-checkout', false, { targetingKey: key });
          assert.deepEqual(JSON.parse(result.stdout), {
            flag: 'new-checkout',
            env: 'production',
            value: expected.value,
            variant: expected.variant,
            reason: expected.reason,
          });
        }
      } finally {
        temp.dispose();
      }
    });

    it('evaluates a DISABLED boolean flag without --default to false, as flagd-core does', () => {
      const disabled = flagdFile({
        'dark-mode': { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
      });
      const temp = workspace({ 'flags/production.flagd.json': disabled });
      const reference = new FlagdCore(undefined, quiet);
      reference.setConfigurations(disabled);
      try {
        const result = runCli([
          'eval',
          'dark-mode',
          '--env',
          'production',
          '--dir',
          temp.dir,
          '--format',
          'json',
        ]);
        assert.equal(result.status, 0, result.stderr);
        // The caller's default of a boolean read is false; flagd serves it for a DISABLED flag.
        const expected = reference.resolveBooleanEvaluation('dark-mode', false, {});
        assert.equal(expected.value, false);
        assert.deepEqual(JSON.parse(result.stdout), {
          flag: 'dark-mode',
          env: 'production',
          value: expected.value,
          variant: expected.variant ?? null,
          reason: expected.reason,
        });
      } finally {
        temp.dispose();
      }
    });

    it('prints flag, env, value, variant and reason as text by default', () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      try {
        const result = runCli([
          'eval',
          'button-color',
          '--env',
          'production',
          '--context',
          '{"email":"ada@acme.com"}',
          '--dir',
          temp.dir,
        ]);
        assert.equal(result.status, 0);
        assert.equal(
          result.stdout,
          'flag: button-color\nenv: production\nvalue: blue\nvariant: blue\nreason: TARGETING_MATCH\n',
        );
      } finally {
        temp.dispose();
      }
    });

    it('exits 2 for an unknown environment or bad context JSON, and 1 for an unknown flag', () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      try {
        assert.equal(runCli(['eval', 'new-checkout', '--env', 'moon', '--dir', temp.dir]).status, 2);
        const badContext = runCli([
          'eval',
          'new-checkout',
          '--env',
          'production',
          '--context',
          '{nope',
          '--dir',
          temp.dir,
        ]);
        assert.equal(badContext.status, 2);
        assert.match(badContext.stderr, /--context is not valid JSON/);
        const unknown = runCli([
          'eval',
          'ghost',
          '--env',
          'production',
          '--dir',
          temp.dir,
          '--format',
          'json',
        ]);
        assert.equal(unknown.status, 1);
        assert.equal(JSON.parse(unknown.stdout).errorCode, 'FLAG_NOT_FOUND');
      } finally {
        temp.dispose();
      }
    });
  });

  describe('explain', () => {
    it("renders each environment's rules in plain language", () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      try {
        const result = runCli(['explain', 'button-color', '--dir', temp.dir]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(
          result.stdout,
          /production:\n {2}if email ends with "@acme.com" -> blue\n {2}otherwise -> red \(default\)/,
        );
      } finally {
        temp.dispose();
      }
    });
  });

  describe('toggle and rollout', () => {
    it('refuses a protected environment without --yes and changes only the state with it', () => {
      const temp = workspace({ 'flags/production.flagd.json': production });
      const path = join(temp.dir, 'flags/production.flagd.json');
      try {
        const refused = runCli(['toggle', 'new-checkout', '--env', 'production', '--off', '--dir', temp.dir]);
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /protected environment/);
        assert.equal(readFileSync(path, 'utf8'), production);
        const done = runCli([
          'toggle',
          'new-checkout',
          '--env',
          'production',
          '--off',
          '--yes',
          '--dir',
          temp.dir,
        ]);
        assert.equal(done.status, 0, done.stderr);
        const after = readFileSync(path, 'utf8');
        assert.equal(after, production.replace('"state": "ENABLED"', '"state": "DISABLED"'));
      } finally {
        temp.dispose();
      }
    });

    it('sets a rollout percentage that flagd then serves', () => {
      const temp = workspace({ 'flags/staging.flagd.json': production });
      try {
        const result = runCli([
          'rollout',
          'new-checkout',
          '--env',
          'staging',
          '--percent',
          '100',
          '--dir',
          temp.dir,
        ]);
        assert.equal(result.status, 0, result.stderr);
        const evaluated = runCli([
          'eval',
          'new-checkout',
          '--env',
          'staging',
          '--context',
          '{"targetingKey":"anyone"}',
          '--dir',
          temp.dir,
          '--format',
          'json',
        ]);
        assert.equal(JSON.parse(evaluated.stdout).value, true);
      } finally {
        temp.dispose();
      }
    });

    it('exits 2 when --on and --off are both missing', () => {
      assert.equal(runCli(['toggle', 'new-checkout', '--env', 'production']).status, 2);
    });
  });
});

describe('flaglens on examples/demo', () => {
  const demo = 'examples/demo';

  it('check reports the seeded registry and code problems with file:line:column', () => {
    const result = runCli(['check', demo, '--format', 'json']);
    assert.equal(result.status, 1);
    const rows = JSON.parse(result.stdout) as { file: string; line: number; column: number; code: string }[];
    const text = (file: string) => readFileSync(join(demo, file), 'utf8').split('\n');
    const at = (file: string, needle: string, nth = 0) => {
      const lines = text(file);
      let seen = 0;
      for (let i = 0; i < lines.length; i++) {
        const column = lines[i].indexOf(needle);
        if (column >= 0 && seen++ === nth) return `${file}:${i + 1}:${column + 1}`;
      }
      throw new Error(`${needle} not in ${file}`);
    };
    const found = new Set(rows.map((row) => `${row.file}:${row.line}:${row.column} ${row.code}`));
    for (const expected of [
      `${at('flags/development.flagd.json', '"comparision"')} registry/unknown-variant`,
      `${at('flags/development.flagd.json', '"beta-tester"')} registry/unknown-ref`,
      `${at('src/server/checkout.ts', "'new-onboarding'")} code/unknown-flag`,
      `${at('src/server/checkout.ts', "'holiday-banner'")} code/type-mismatch`,
      `${at('src/server/quote.ts', "'external-tax-api'")} code/unsafe-kill-switch-default`,
      `${at('src/server/paymentMethods.ts', '`payment-method-${method}`')} code/dynamic-key`,
    ]) {
      assert.ok(found.has(expected), `missing ${expected} in\n${[...found].join('\n')}`);
    }
  });

  /**
   * Every usage of the demo, written from reading its source (`src/`; flaglens.json leaves the
   * tests out): the key's position (1-based, end exclusive), the API, how the key was resolved.
   */
  const demoUsages: UsageRow[] = [
    // checkout.ts imports its keys through the src/features barrel.
    scanRow('src/server/checkout.ts:45:47-59', {
      flag: 'new-checkout',
      api: 'getBooleanDetails',
      resolution: 'destructured', // const { NEW_CHECKOUT } = FLAGS
      expectedType: 'boolean',
      keyText: 'NEW_CHECKOUT',
      defaultValue: 'false',
    }),
    scanRow('src/server/checkout.ts:46:47-66', {
      flag: 'checkout-cta-copy',
      api: 'getStringValue',
      resolution: 'const',
      expectedType: 'string',
      keyText: 'CTA_EXPERIMENT_FLAG',
      defaultValue: "'Place order'",
    }),
    scanRow('src/server/checkout.ts:49:48-70', {
      flag: 'external-tax-api',
      api: 'getBooleanValue',
      resolution: 'object-member',
      expectedType: 'boolean',
      keyText: 'FLAGS.EXTERNAL_TAX_API',
      defaultValue: 'false',
    }),
    scanRow('src/server/checkout.ts:54:56-72', {
      flag: 'express-shipping',
      api: 'getBooleanValue',
      resolution: 'imported-const',
      expectedType: 'boolean',
      keyText: 'EXPRESS_SHIPPING',
      defaultValue: 'false',
    }),
    scanRow('src/server/checkout.ts:63:36-53', {
      flag: 'gift-cards',
      api: 'getBooleanValue',
      resolution: 'enum-member',
      expectedType: 'boolean',
      keyText: 'FlagKey.GiftCards',
      defaultValue: 'false',
    }),
    scanRow('src/server/checkout.ts:69:53-69', {
      flag: 'holiday-banner',
      api: 'getStringValue', // on a boolean flag: check's type mismatch
      resolution: 'literal',
      expectedType: 'string',
      keyText: "'holiday-banner'",
      defaultValue: "'off'",
    }),
    scanRow('src/server/checkout.ts:72:39-55', {
      flag: 'new-onboarding',
      sdk: 'custom',
      api: 'isFeatureOn', // the wrapper flaglens.json declares, without a default argument
      resolution: 'wrapper',
      keyResolution: 'literal',
      expectedType: 'boolean',
      keyText: "'new-onboarding'",
      defaultValue: null,
      known: false,
    }),
    scanRow('src/server/paymentMethods.ts:16:38-64', {
      flag: null,
      api: 'getBooleanValue',
      resolution: 'dynamic',
      expectedType: 'boolean',
      keyText: '`payment-method-${method}`',
      defaultValue: 'false',
      known: false,
    }),
    scanRow('src/server/quote.ts:30:48-64', {
      flag: 'max-cart-items',
      api: 'getNumberValue',
      resolution: 'template',
      expectedType: 'number',
      keyText: '`max-cart-items`',
      defaultValue: '50',
    }),
    scanRow('src/server/quote.ts:36:24-33', {
      flag: 'new-api',
      sdk: 'custom',
      api: 'isFeatureOn',
      resolution: 'wrapper',
      keyResolution: 'literal',
      expectedType: 'boolean',
      keyText: "'new-api'",
      defaultValue: null,
    }),
    scanRow('src/server/quote.ts:36:67-92', {
      flag: 'usage-based-pricing',
      sdk: 'custom',
      api: 'isFeatureOn', // FLAGS and isFeatureOn both come through the src/features barrel
      resolution: 'wrapper',
      keyResolution: 'object-member',
      expectedType: 'boolean',
      keyText: 'FLAGS.USAGE_BASED_PRICING',
      defaultValue: null,
    }),
    scanRow('src/server/quote.ts:41:48-66', {
      flag: 'external-tax-api',
      api: 'getBooleanValue',
      resolution: 'literal',
      expectedType: 'boolean',
      keyText: "'external-tax-api'",
      defaultValue: 'true',
    }),
    scanRow('src/server/shipping.ts:39:42-58', {
      flag: 'express-shipping',
      api: 'getBooleanValue',
      resolution: 'imported-const', // imported directly from src/flags.ts
      expectedType: 'boolean',
      keyText: 'EXPRESS_SHIPPING',
      defaultValue: 'false',
    }),
    scanRow('src/web/CheckoutButton.tsx:5:43-61', {
      flag: 'new-checkout',
      api: 'useBooleanFlagValue',
      resolution: 'object-member',
      expectedType: 'boolean',
      keyText: 'FLAGS.NEW_CHECKOUT',
      defaultValue: 'false',
    }),
    scanRow('src/web/CheckoutButton.tsx:6:23-42', {
      flag: 'checkout-cta-copy',
      api: 'useFlag',
      resolution: 'literal',
      expectedType: 'string',
      keyText: "'checkout-cta-copy'",
      defaultValue: "'Place order'",
    }),
    scanRow('src/web/HolidayBanner.tsx:19:42-58', {
      flag: 'holiday-banner',
      api: 'useBooleanFlagValue',
      resolution: 'literal',
      expectedType: 'boolean',
      keyText: "'holiday-banner'",
      defaultValue: 'false',
    }),
    scanRow('src/web/HolidayBanner.tsx:20:37-57', {
      flag: 'banner-config',
      api: 'useObjectFlagValue',
      resolution: 'enum-member',
      expectedType: 'object',
      keyText: 'FlagKey.BannerConfig',
      defaultValue: 'DEFAULT_BANNER',
    }),
    scanRow('src/web/PricingPage.tsx:78:37-62', {
      flag: 'pricing-page-layout',
      api: 'useStringFlagValue',
      resolution: 'object-member',
      expectedType: 'string',
      keyText: 'FLAGS.PRICING_PAGE_LAYOUT',
      defaultValue: "'grid'",
    }),
    scanRow('src/web/PricingPage.tsx:79:47-63', {
      flag: 'express-shipping',
      api: 'useBooleanFlagValue',
      resolution: 'imported-const',
      expectedType: 'boolean',
      keyText: 'EXPRESS_SHIPPING',
      defaultValue: 'false',
    }),
    scanRow('src/web/PricingPage.tsx:80:43-63', {
      flag: 'max-cart-items',
      api: 'useNumberFlagValue',
      resolution: 'object-member',
      expectedType: 'number',
      keyText: 'FLAGS.MAX_CART_ITEMS',
      defaultValue: '50',
    }),
    scanRow('src/web/Recommendations.tsx:11:39-67', {
      flag: 'smart-recommendations',
      api: 'useBooleanFlagValue',
      resolution: 'enum-member',
      expectedType: 'boolean',
      keyText: 'FlagKey.SmartRecommendations',
      defaultValue: 'false',
    }),
    scanRow('src/web/StorefrontHeader.tsx:13:11-22', {
      flag: 'new-checkout', // read under LaunchDarkly's camelCased key
      sdk: 'launchdarkly',
      api: 'useFlags',
      resolution: 'destructured',
      expectedType: 'boolean',
      keyText: 'newCheckout',
      defaultValue: 'false',
    }),
  ];

  it('scan lists every usage of the demo with where it is and how its key was resolved', () => {
    const result = runCli(['scan', demo, '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as UsageRow[];
    assert.deepStrictEqual(rows, demoUsages);
    assert.equal(rows.filter((row) => row.flag === null).length, 1, 'one dynamic usage');
  });

  it('the expected demo usages cover every key resolution the index knows', () => {
    assert.deepStrictEqual([...new Set(demoUsages.map((usage) => usage.resolution))].sort(), [
      'const',
      'destructured',
      'dynamic',
      'enum-member',
      'imported-const',
      'literal',
      'object-member',
      'template',
      'wrapper',
    ] satisfies KeyResolution[]);
  });

  it('scan prints one aligned line per usage and a summary as text', () => {
    const result = runCli(['scan', demo]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, demoUsages.length + 1);
    assert.equal(
      lines[0],
      'src/server/checkout.ts:45:47        new-checkout  getBooleanDetails [destructured]',
    );
    assert.equal(
      lines[6],
      'src/server/checkout.ts:72:39        new-onboarding  isFeatureOn [wrapper]  not in registry',
    );
    assert.equal(
      lines[7],
      'src/server/paymentMethods.ts:16:38  (dynamic: `payment-method-${method}`)  getBooleanValue [dynamic]',
    );
    assert.equal(lines[21], 'src/web/StorefrontHeader.tsx:13:11  new-checkout  useFlags [destructured]');
    assert.equal(lines[22], '22 usage(s) of 13 flag(s) in 9 file(s); 1 dynamic.');
  });
});

describe('flaglens stale on examples/demo', () => {
  it('lists the stale flags with reasons, evidence and the value to keep', () => {
    const result = runCli(['stale', 'examples/demo', '--format', 'json']);
    assert.equal(result.status, 1, 'stale flags found');
    const verdicts = JSON.parse(result.stdout) as {
      flag: string;
      reasons: string[];
      servedValue?: unknown;
      readyForRemoval: boolean;
      evidence: unknown[];
    }[];
    const byFlag = new Map(verdicts.map((verdict) => [verdict.flag, verdict]));
    assert.deepEqual(byFlag.get('express-shipping')?.reasons, ['fully-rolled-out', 'past-lifetime']);
    assert.equal(byFlag.get('express-shipping')?.servedValue, true);
    assert.equal(byFlag.get('express-shipping')?.readyForRemoval, true);
    assert.ok(byFlag.get('referral-program')?.reasons.includes('unused'));
    assert.ok(byFlag.get('gift-cards')?.reasons.includes('disabled-everywhere'));
    assert.deepEqual(byFlag.get('new-onboarding')?.reasons, ['used-but-gone']);
    assert.equal(byFlag.has('external-tax-api'), false, 'kill switches are meant to stay');
    for (const verdict of verdicts) assert.ok(verdict.evidence.length > 0, `${verdict.flag} has evidence`);
  });
});

describe('flaglens cleanup on a copy of examples/demo', function () {
  this.timeout(60000);

  it('prints a unified diff without writing, then --write applies it', () => {
    const temp = copyToTemp(join(repoRoot, 'examples/demo'));
    try {
      const shippingBefore = readFileSync(join(temp.dir, 'src/server/shipping.ts'), 'utf8');
      const dry = runCli(['cleanup', 'express-shipping', '--value', 'true', '--dir', temp.dir]);
      assert.equal(dry.status, 0, dry.stderr);
      assert.match(
        dry.stdout,
        /^--- a\/src\/server\/shipping\.ts\n\+\+\+ b\/src\/server\/shipping\.ts\n@@ /m,
      );
      assert.match(dry.stdout, /^-function legacyShippingOptions/m);
      assert.match(dry.stdout, /^-    "express-shipping": \{/m);
      assert.equal(
        readFileSync(join(temp.dir, 'src/server/shipping.ts'), 'utf8'),
        shippingBefore,
        'a dry run writes nothing',
      );

      const written = runCli([
        'cleanup',
        'express-shipping',
        '--value',
        'true',
        '--dir',
        temp.dir,
        '--write',
        // production is protected in the demo
        '--yes',
      ]);
      assert.equal(written.status, 0, written.stderr);
      const shipping = readFileSync(join(temp.dir, 'src/server/shipping.ts'), 'utf8');
      assert.doesNotMatch(shipping, /EXPRESS_SHIPPING|legacyShippingOptions/);
      assert.match(
        shipping,
        /return \[\.\.\.standardOptions\(subtotalCents\), expressOption\(subtotalCents\)\];/,
      );
      for (const env of ['development', 'staging', 'production'])
        assert.doesNotMatch(
          readFileSync(join(temp.dir, `flags/${env}.flagd.json`), 'utf8'),
          /"express-shipping"/,
        );
      const scan = JSON.parse(runCli(['scan', temp.dir, '--format', 'json']).stdout) as {
        flag: string | null;
      }[];
      assert.equal(scan.filter((usage) => usage.flag === 'express-shipping').length, 0);
    } finally {
      temp.dispose();
    }
  });
});
