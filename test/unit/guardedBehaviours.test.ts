// Behaviours that protect users' data and buckets and that no test guarded before (issue 15):
// each test here was checked to fail with the behaviour broken in the source.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { OffsetEditLog } from '../../server/src/core/edits/offsetEditLog';
import { setPrerequisite, setRollout } from '../../server/src/core/edits/registryEdits';
import { textVersion } from '../../server/src/core/text';
import { applyOffsetEdits, type OffsetEdit } from '../../server/src/core/textEdit';
import { FileChangedOnDiskError, writeFileAtomic } from '../../server/src/node/atomicWrite';
import { flagdFile } from '../support/text';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const USERS = Array.from({ length: 2000 }, (_, index) => `user-${index}`);

function edit(text: string, edits: OffsetEdit[]): string {
  const after = applyOffsetEdits(text, edits);
  assert.doesNotThrow(
    () => new MemoryStorage(quiet).setConfigurations(after, true),
    'flagd strict validation',
  );
  return after;
}

/** The variant the real flagd engine serves each user. */
function variantsByUser(text: string, flag: string): Map<string, string | undefined> {
  const core = new FlagdCore(undefined, quiet);
  core.setConfigurations(text);
  return new Map(
    USERS.map((targetingKey) => [
      targetingKey,
      core.resolveBooleanEvaluation(flag, false, { targetingKey }).variant,
    ]),
  );
}

describe('behaviours guarded against regressions', () => {
  describe('setRollout on a rollout salted with something else than the flag key', () => {
    // As after a rename that kept the salt: the salt still names the old key.
    const renamed = flagdFile({
      'new-checkout': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: {
          fractional: [{ cat: ['old-checkout', { var: 'targetingKey' }] }, ['on', 30], ['off', 70]],
        },
      },
    });

    it('keeps the salt, and every user keeps the variant when the weights stay', () => {
      const before = variantsByUser(renamed, 'new-checkout');
      const after = edit(
        renamed,
        setRollout(renamed, 'new-checkout', {
          weights: [
            ['on', 30],
            ['off', 70],
          ],
        }),
      );
      assert.deepEqual(
        (JSON.parse(after) as { flags: Record<string, { targeting: unknown }> }).flags['new-checkout']
          .targeting,
        { fractional: [{ cat: ['old-checkout', { var: 'targetingKey' }] }, ['on', 30], ['off', 70]] },
      );
      assert.deepEqual(variantsByUser(after, 'new-checkout'), before);
    });

    it('keeps every user who had the variant when its percentage grows', () => {
      const before = variantsByUser(renamed, 'new-checkout');
      const after = variantsByUser(
        edit(renamed, setRollout(renamed, 'new-checkout', { variant: 'on', percent: 50 })),
        'new-checkout',
      );
      const lost = USERS.filter((user) => before.get(user) === 'on' && after.get(user) !== 'on');
      assert.deepEqual(lost, []);
      // The engine really moved users: the edit did something.
      const gained = USERS.filter((user) => before.get(user) !== 'on' && after.get(user) === 'on');
      assert.ok(gained.length > 200, `only ${gained.length} users joined`);
    });
  });

  it('setting the same prerequisite twice leaves one requires entry and one rung', () => {
    const text = flagdFile({
      'new-api': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
      'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    });
    const once = edit(text, setPrerequisite(text, 'new-checkout', { flag: 'new-api', variant: 'on' }));
    const twice = edit(once, setPrerequisite(once, 'new-checkout', { flag: 'new-api', variant: 'on' }));
    const flag = (JSON.parse(twice) as { flags: Record<string, { metadata?: Record<string, unknown> }> })
      .flags['new-checkout'];
    assert.equal(flag.metadata?.requires, 'new-api=on');
    assert.equal(twice, once);
  });

  describe('an atomic write racing a writer that does not take the lock', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flaglens-race-'));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('is refused when the file changes between the version check and the rename, keeping the other text', async () => {
      const file = path.join(dir, 'production.flagd.json');
      await fs.writeFile(file, 'ours before');
      let raced = false;
      await assert.rejects(
        writeFileAtomic(file, 'ours after', textVersion('ours before'), {
          // An editor saves after our check passed and our temp file is staged.
          beforeCommit: async () => {
            raced = true;
            await fs.writeFile(file, 'saved by an editor');
          },
        }),
        (error: unknown) => {
          assert.ok(error instanceof FileChangedOnDiskError, String(error));
          assert.match(error.message, /changed on disk while it was being written; nothing was written/);
          return true;
        },
      );
      assert.ok(raced, 'the hook ran');
      assert.equal(await fs.readFile(file, 'utf8'), 'saved by an editor');
      assert.deepEqual(await fs.readdir(dir), ['production.flagd.json']);
    });
  });

  describe('edits narrowed to what really changes (found by the mutation run)', () => {
    /** The edits the log gives for replacing all of `original` with `changed` in one step. */
    const narrowed = (original: string, changed: string): OffsetEdit[] => {
      const log = new OffsetEditLog(original);
      log.record({ offset: 0, length: original.length, content: changed }, original);
      return log.edits();
    };

    it('never begins or ends inside a surrogate pair', () => {
      // U+1F600 and U+1F601 share their high surrogate; an edit of the low one alone would be
      // applied by some clients as two broken characters.
      assert.deepEqual(narrowed('a\u{1F600}b', 'a\u{1F601}b'), [
        { offset: 1, length: 2, content: '\u{1F601}' },
      ]);
      assert.deepEqual(narrowed('a\u{1F600}b', 'a\u{1F600}\u{1F601}b'), [
        { offset: 3, length: 0, content: '\u{1F601}' },
      ]);
    });

    it('never begins or ends between the CR and the LF of a line break', () => {
      assert.deepEqual(narrowed('a\r\nb', 'a\nb'), [{ offset: 1, length: 2, content: '\n' }]);
      assert.deepEqual(narrowed('a\r\nb', 'a\rb'), [{ offset: 1, length: 2, content: '\r' }]);
      assert.deepEqual(narrowed('x\r\n', 'x\r\n\r\n'), [{ offset: 3, length: 0, content: '\r\n' }]);
    });

    it('drops an edit that changes nothing', () => {
      assert.deepEqual(narrowed('same', 'same'), []);
    });
  });
});
