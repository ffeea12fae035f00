import { strict as assert } from 'node:assert';
import {
  flagHistoryFromVersions,
  type RegistryFileVersion,
} from '../../server/src/core/stale/servingHistory';
import { flagdFile } from '../support/text';

const on = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };
const rollout = (percent: number) => ({
  ...on,
  defaultVariant: 'off',
  targeting: {
    fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on', percent], ['off', 100 - percent]],
  },
});

function version(
  date: string,
  flags: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
): RegistryFileVersion {
  return { date, text: flags === undefined ? undefined : flagdFile(flags, extra) };
}

describe('flag history from registry file versions', () => {
  it('dates the first appearance and the last serving change per environment', () => {
    const histories = flagHistoryFromVersions([
      {
        file: 'flags/production.flagd.json',
        truncated: false,
        versions: [
          version('2026-01-01T10:00:00.000Z', { f: rollout(10) }),
          version('2026-01-05T10:00:00.000Z', {
            f: { ...rollout(10), metadata: { owner: 'team-a' } },
            g: on,
          }),
          version('2026-01-09T10:00:00.000Z', { f: rollout(100), g: on }),
        ],
      },
      {
        file: 'flags/stage.flagd.json',
        truncated: false,
        versions: [version('2025-12-20T00:00:00.000Z', { f: on }, { metadata: { environment: 'staging' } })],
      },
    ]);
    assert.deepEqual(Object.fromEntries(histories), {
      // A metadata edit is not a serving change; the environment comes from the file's metadata.
      f: {
        firstSeen: '2025-12-20T00:00:00.000Z',
        servingChangedAt: { production: '2026-01-09T10:00:00.000Z', staging: '2025-12-20T00:00:00.000Z' },
      },
      g: {
        firstSeen: '2026-01-05T10:00:00.000Z',
        servingChangedAt: { production: '2026-01-05T10:00:00.000Z' },
      },
    });
  });

  it('treats an edit of a referenced segment as a serving change, and key order as none', () => {
    const segment = (emails: string[]) => ({ $evaluators: { beta: { in: [{ var: 'email' }, emails] } } });
    const flag = { ...on, targeting: { if: [{ $ref: 'beta' }, 'on', null] } };
    const reordered = {
      targeting: flag.targeting,
      defaultVariant: 'on',
      variants: { off: false, on: true },
      state: 'ENABLED',
    };
    const histories = flagHistoryFromVersions([
      {
        file: 'flags/production.flagd.json',
        truncated: false,
        versions: [
          version('2026-01-01T00:00:00.000Z', { f: flag }, segment(['a@x.io'])),
          version('2026-01-02T00:00:00.000Z', { f: reordered }, segment(['a@x.io'])),
          version('2026-01-03T00:00:00.000Z', { f: flag }, segment(['a@x.io', 'b@x.io'])),
        ],
      },
    ]);
    assert.deepEqual(histories.get('f')?.servingChangedAt, { production: '2026-01-03T00:00:00.000Z' });
  });

  it('dates a run of DISABLED and forgets it when the flag is enabled again', () => {
    const disabled = { ...on, state: 'DISABLED' };
    const histories = flagHistoryFromVersions([
      {
        file: 'flags/production.flagd.json',
        truncated: false,
        versions: [
          version('2026-01-01T00:00:00.000Z', { f: disabled, g: on }),
          version('2026-01-02T00:00:00.000Z', { f: on, g: disabled }),
          version('2026-01-03T00:00:00.000Z', { f: disabled, g: { ...disabled, defaultVariant: 'off' } }),
        ],
      },
    ]);
    assert.deepEqual(histories.get('f')?.disabledSince, { production: '2026-01-03T00:00:00.000Z' });
    assert.deepEqual(histories.get('g')?.disabledSince, { production: '2026-01-02T00:00:00.000Z' });
    assert.deepEqual(histories.get('g')?.servingChangedAt, { production: '2026-01-03T00:00:00.000Z' });
  });

  it('dates the removal of a key that no file has any more, and skips broken versions', () => {
    const histories = flagHistoryFromVersions([
      {
        file: 'flags/production.flagd.json',
        truncated: false,
        versions: [
          version('2026-01-01T00:00:00.000Z', { gone: on, kept: on }),
          { date: '2026-01-02T00:00:00.000Z', text: '{ "flags": ' },
          version('2026-01-03T00:00:00.000Z', { kept: on }),
        ],
      },
      {
        file: 'flags/staging.flagd.json',
        truncated: false,
        versions: [
          version('2026-01-01T00:00:00.000Z', { gone: on }),
          version('2026-01-05T00:00:00.000Z', undefined),
        ],
      },
    ]);
    assert.deepEqual(histories.get('gone'), {
      firstSeen: '2026-01-01T00:00:00.000Z',
      removedAt: '2026-01-05T00:00:00.000Z',
    });
    assert.deepEqual(histories.get('kept'), {
      firstSeen: '2026-01-01T00:00:00.000Z',
      servingChangedAt: { production: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('gives no date to what the oldest version of a history cut short shows', () => {
    const histories = flagHistoryFromVersions([
      {
        file: 'flags/production.flagd.json',
        truncated: true,
        versions: [
          version('2026-01-01T00:00:00.000Z', { old: on, changed: rollout(10) }),
          version('2026-01-02T00:00:00.000Z', { old: on, changed: rollout(20), fresh: on }),
        ],
      },
    ]);
    assert.deepEqual(Object.fromEntries(histories), {
      changed: { servingChangedAt: { production: '2026-01-02T00:00:00.000Z' } },
      fresh: {
        firstSeen: '2026-01-02T00:00:00.000Z',
        servingChangedAt: { production: '2026-01-02T00:00:00.000Z' },
      },
      old: {},
    });
  });
});
