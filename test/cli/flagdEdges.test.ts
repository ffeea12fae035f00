import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyToTemp, repoRoot, runCli } from '../support/cli';

const demo = join(repoRoot, 'examples/demo');

/** A qa environment with one flag, as bytes on disk. */
function qaFile(flag: Record<string, unknown>, description = 'qa'): string {
  return `${JSON.stringify(
    {
      flags: {
        'qa-rollout': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          metadata: { description },
          ...flag,
        },
      },
    },
    null,
    2,
  )}\n`;
}

describe('the CLI on registry edges where flagd has the last word', function () {
  this.timeout(30000);
  let temp: { dir: string; dispose(): void };
  beforeEach(() => (temp = copyToTemp(demo)));
  afterEach(() => temp.dispose());

  it('explain never prints NaN for weights of 1e308, and check reports them', () => {
    writeFileSync(
      join(temp.dir, 'flags/qa.flagd.json'),
      qaFile({
        targeting: {
          fractional: [
            ['on', 1e308],
            ['off', 1e308],
          ],
        },
      }),
    );
    const explain = runCli(['explain', 'qa-rollout', '--env', 'qa'], { cwd: temp.dir });
    assert.doesNotMatch(explain.stdout + explain.stderr, /NaN/);
    const check = runCli(['check'], { cwd: temp.dir });
    assert.match(check.stdout, /flags\/qa\.flagd\.json:\d+:\d+: error registry\/weights-too-large/);
  });

  it('a valid U+FFFD character is text, while bytes that are not UTF-8 are reported where they are', () => {
    writeFileSync(join(temp.dir, 'flags/qa.flagd.json'), qaFile({}, 'replacement \uFFFD character'));
    const valid = runCli(['check'], { cwd: temp.dir });
    assert.doesNotMatch(valid.stdout, /flags\/qa\.flagd\.json.*not-utf8/);
    const bytes = Buffer.from(qaFile({}, 'latin1 X here'), 'utf8');
    const at = bytes.indexOf('X');
    bytes[at] = 0xe9; // "é" in Latin-1: not UTF-8
    writeFileSync(join(temp.dir, 'flags/qa.flagd.json'), bytes);
    const invalid = runCli(['check'], { cwd: temp.dir });
    const line = bytes.subarray(0, at).toString('latin1').split('\n');
    assert.match(
      invalid.stdout,
      new RegExp(
        `flags/qa\\.flagd\\.json:${line.length}:${line[line.length - 1].length + 1}: error registry/not-utf8`,
      ),
    );
  });
});
