import { strict as assert } from 'node:assert';
import { FlagdCore } from '@openfeature/flagd-core';
import { parseRegistryFile } from '../../server/src/core/registry/parseRegistryFile';
import { parseExperimentFile } from '../../server/src/core/experiments/definition';
import { loadConfig } from '../../server/src/core/config/loadConfig';
import { toggleFlag, RegistryEditError } from '../../server/src/core/edits/registryEdits';
import { positionOf } from '../support/text';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** What the real flagd engine serves for a boolean flag of `text`, or the error it throws. */
function flagdServes(text: string, flag: string, context: Record<string, string> = {}): string {
  const core = new FlagdCore(undefined, quiet);
  try {
    core.setConfigurations(text);
    const resolution = core.resolveBooleanEvaluation(flag, false, context);
    return `${resolution.reason}:${String(resolution.value)}`;
  } catch (error) {
    return `error:${error instanceof Error ? error.message : String(error)}`;
  }
}

function at(text: string, needle: string, after?: string): string {
  const { line, character } = positionOf(text, needle, after);
  return `${line}:${character}`;
}

function findings(file: string, text: string): string[] {
  return parseRegistryFile(file, text).findings.map(
    (finding) => `${finding.code} ${finding.range.start.line}:${finding.range.start.character}`,
  );
}

describe('checks that agree with flagd', () => {
  describe('duplicate JSON keys', () => {
    const killSwitch = [
      '{',
      '  "flags": {',
      '    "payments-kill": {',
      '      "state": "DISABLED",',
      '      "state": "ENABLED",',
      '      "variants": { "on": true, "off": false },',
      '      "defaultVariant": "on"',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');

    it('are an error at the later key, and the flag is read as flagd reads it', () => {
      // The real engine keeps the last "state": the flag is served, not disabled.
      assert.equal(flagdServes(killSwitch, 'payments-kill'), 'STATIC:true');
      const parsed = parseRegistryFile('flags/production.flagd.json', killSwitch);
      assert.equal(parsed.flags.get('payments-kill')?.state, 'ENABLED');
      assert.deepEqual(findings('flags/production.flagd.json', killSwitch), [
        `registry/duplicate-key ${at(killSwitch, '"state"', 'DISABLED')}`,
      ]);
      assert.match(parsed.findings[0].message, /also at line 4, column 7/);
    });

    it('of a whole flag keep only the last definition, as flagd does', () => {
      const text = `{ "flags": { "f": { "state": "ENABLED", "variants": { "on": true }, "defaultVariant": "on" },\n "f": { "state": "DISABLED", "variants": { "on": true }, "defaultVariant": "on" } } }\n`;
      assert.equal(flagdServes(text, 'f'), 'DISABLED:false');
      assert.equal(parseRegistryFile('flags/p.flagd.json', text).flags.get('f')?.state, 'DISABLED');
      assert.deepEqual(findings('flags/p.flagd.json', text), [
        `registry/duplicate-key ${at(text, '"f"', 'ENABLED')}`,
      ]);
    });

    it('make an edit refuse instead of changing the key flagd ignores', () => {
      assert.throws(
        () => toggleFlag(killSwitch, 'payments-kill', false),
        (error: unknown) => {
          assert.ok(error instanceof RegistryEditError);
          assert.match(error.message, /"state" twice .*line 5, column 7/);
          return true;
        },
      );
    });

    it('are an error in experiment definitions and in flaglens.json too', () => {
      const experiment = '{ "flag": "a", "flag": "b" }';
      const parsed = parseExperimentFile('experiments/x.experiment.json', experiment);
      const duplicate = parsed.findings.find((finding) => finding.code === 'experiment/duplicate-key');
      assert.equal(duplicate?.range.start.character, experiment.lastIndexOf('"flag"'));
      const config = '{ "include": ["a/**"], "include": ["b/**"] }';
      const loaded = loadConfig(config);
      assert.deepEqual(loaded.config.include, ['b/**']);
      const configDuplicate = loaded.findings.find((finding) =>
        /Duplicate key "include"/.test(finding.message),
      );
      assert.equal(configDuplicate?.range.start.character, config.lastIndexOf('"include"'));
    });
  });

  describe('targeting edges flagd refuses', () => {
    const flag = (extra: Record<string, unknown>): Record<string, unknown> => ({
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      ...extra,
    });
    const file = (flags: Record<string, unknown>, evaluators?: Record<string, unknown>): string =>
      `${JSON.stringify({ flags, ...(evaluators ? { $evaluators: evaluators } : {}) }, null, 2)}\n`;
    const context = { targetingKey: 'user-1' };

    it('variant names from Object.prototype are not variants, as flagd says', () => {
      const byDefault = file({ f: flag({ defaultVariant: 'toString' }) });
      assert.match(flagdServes(byDefault, 'f'), /^error:/);
      assert.deepEqual(findings('flags/p.flagd.json', byDefault), [
        `registry/unknown-default-variant ${at(byDefault, '"toString"')}`,
      ]);
      const byTargeting = file({ f: flag({ targeting: { if: [true, 'constructor', 'off'] } }) });
      assert.match(flagdServes(byTargeting, 'f', context), /^ERROR:/);
      assert.deepEqual(findings('flags/p.flagd.json', byTargeting), [
        `registry/unknown-variant ${at(byTargeting, '"constructor"')}`,
      ]);
      const byRollout = file({
        f: flag({
          targeting: {
            fractional: [
              ['hasOwnProperty', 50],
              ['off', 50],
            ],
          },
        }),
      });
      assert.deepEqual(findings('flags/p.flagd.json', byRollout), [
        `registry/unknown-variant ${at(byRollout, '"hasOwnProperty"')}`,
      ]);
    });

    it('weights that add up past 2^31 - 1 (1e308) are an error, as flagd serves the default', () => {
      const text = file({
        f: flag({
          targeting: {
            fractional: [
              ['on', 1e308],
              ['off', 1e308],
            ],
          },
        }),
      });
      assert.equal(flagdServes(text, 'f', context), 'DEFAULT:false');
      assert.deepEqual(findings('flags/p.flagd.json', text), [
        `registry/weights-too-large ${at(text, '[', '"fractional"')}`,
      ]);
    });

    it('string and fractional weights are called what they are, as flagd serves the default', () => {
      const text = file({
        f: flag({
          targeting: {
            fractional: [
              ['on', '50'],
              ['off', 12.5],
            ],
          },
        }),
      });
      assert.equal(flagdServes(text, 'f', context), 'DEFAULT:false');
      const parsed = parseRegistryFile('flags/p.flagd.json', text);
      assert.deepEqual(
        parsed.findings.map(
          (finding) => `${finding.code} ${finding.range.start.line}:${finding.range.start.character}`,
        ),
        [`registry/invalid-weight ${at(text, '"50"')}`, `registry/invalid-weight ${at(text, '12.5')}`],
      );
      assert.match(parsed.findings[0].message, /"50" \(a string\) .* not a whole number/);
      assert.ok(parsed.findings.every((finding) => !/zero/.test(finding.message)));
    });

    it('a $ref cycle through nested evaluators is an error at the $ref, as flagd fails every evaluation', () => {
      const text = file(
        { f: flag({ targeting: { if: [{ $ref: 'staff' }, 'on', 'off'] } }) },
        { staff: { or: [{ $ref: 'admins' }, false] }, admins: { and: [{ $ref: 'staff' }, true] } },
      );
      assert.match(flagdServes(text, 'f', context), /^ERROR:/);
      const parsed = parseRegistryFile('flags/p.flagd.json', text);
      assert.deepEqual(
        parsed.findings.map(
          (finding) => `${finding.code} ${finding.range.start.line}:${finding.range.start.character}`,
        ),
        [`registry/ref-cycle ${at(text, '"staff"', '"$ref"')}`],
      );
      assert.match(parsed.findings[0].message, /staff -> admins -> staff/);
      // Nested evaluators without a cycle are fine, for flagd and here.
      const nested = file(
        { f: flag({ targeting: { if: [{ $ref: 'staff' }, 'on', 'off'] } }) },
        { staff: { or: [{ $ref: 'admins' }, false] }, admins: { '==': [1, 1] } },
      );
      assert.equal(flagdServes(nested, 'f', context), 'TARGETING_MATCH:true');
      assert.deepEqual(findings('flags/p.flagd.json', nested), []);
    });
  });
});
