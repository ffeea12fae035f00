import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG, type StalePolicy } from '../../shared/src/config';
import type { FlagUsage } from '../../shared/src/usage';
import { Registry } from '../../server/src/core/registry/registry';
import {
  detectStaleFlags,
  type FlagHistory,
  type StaleDetectionInput,
  type StaleVerdict,
} from '../../server/src/core/stale/staleness';
import { flagdFile, positionOf } from '../support/text';

const NOW = new Date('2026-03-01T12:00:00Z');
const policy: StalePolicy = DEFAULT_CONFIG.stale;

const bool = (extra: Record<string, unknown> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'on',
  ...extra,
});
const halfRollout = (key: string) => ({
  fractional: [{ cat: [key, { var: 'targetingKey' }] }, ['on', 50], ['off', 50]],
});

/** A registry with one file per environment, named `flags/<env>.flagd.json`. */
function registryOf(environments: Record<string, Record<string, unknown>>): {
  registry: Registry;
  texts: Record<string, string>;
} {
  const registry = new Registry(() => NOW);
  const texts: Record<string, string> = {};
  for (const [environment, flags] of Object.entries(environments)) {
    texts[environment] = flagdFile(flags, { metadata: { environment } });
    registry.setFile(`flags/${environment}.flagd.json`, texts[environment]);
  }
  return { registry, texts };
}

/** 1-based line of a flag's key in an environment's fixture text. */
function keyLine(texts: Record<string, string>, environment: string, key: string): number {
  return positionOf(texts[environment], `"${key}": {`).line + 1;
}

function metadataLine(texts: Record<string, string>, environment: string, key: string, name: string): number {
  return positionOf(texts[environment], `"${name}"`, `"${key}": {`).line + 1;
}

function usage(flag: string | null, file: string, line: number, extra: Partial<FlagUsage> = {}): FlagUsage {
  const range = { start: { line: line - 1, character: 2 }, end: { line: line - 1, character: 40 } };
  return {
    flag,
    file,
    range,
    keyRange: range,
    sdk: 'openfeature',
    api: 'getBooleanValue',
    resolution: flag === null ? 'dynamic' : 'literal',
    expectedType: 'boolean',
    keyText: flag === null ? 'key' : `'${flag}'`,
    keyIsLiteral: flag !== null,
    defaultValue: 'false',
    defaultLiteral: false,
    ...extra,
  };
}

/** Runs detection with the defaults of these tests: production protected, every flag used once. */
function detect(registry: Registry, overrides: Partial<StaleDetectionInput> = {}): StaleVerdict[] {
  const usages = [...registry.flags().keys()].map((key) => usage(key, 'src/app.ts', 10));
  return detectStaleFlags({
    registry,
    usages,
    policy,
    protectedEnvironments: ['production'],
    now: NOW,
    ...overrides,
  });
}

function only(verdicts: StaleVerdict[], flag: string): StaleVerdict {
  const found = verdicts.filter((verdict) => verdict.flag === flag);
  assert.equal(
    found.length,
    1,
    `expected one verdict for ${flag}, got ${JSON.stringify(verdicts.map((verdict) => verdict.flag))}`,
  );
  return found[0];
}

describe('stale flags: fully rolled out', () => {
  it('reports a flag serving one variant to everyone in production, with the value, the date and the age', () => {
    const { registry, texts } = registryOf({
      production: { 'express-shipping': bool({ metadata: { createdAt: '2026-01-01' } }) },
    });
    assert.deepEqual(detect(registry), [
      {
        flag: 'express-shipping',
        reasons: ['fully-rolled-out'],
        message: 'express-shipping serves "on" to everyone in production since 2026-01-01 (59 days)',
        evidence: [
          {
            env: 'production',
            file: 'flags/production.flagd.json',
            line: keyLine(texts, 'production', 'express-shipping'),
            detail: 'serves "on" (true) to everyone (no targeting) since 2026-01-01 (metadata.createdAt)',
          },
        ],
        servedValue: true,
        servedVariant: 'on',
        since: '2026-01-01',
        ageDays: 59,
        readyForRemoval: true,
        blockers: [],
      },
    ]);
  });

  it('takes the number of days from the policy, counting whole days', () => {
    const { registry } = registryOf({ production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) } });
    assert.deepEqual(detect(registry, { policy: { ...policy, fullyRolledOutDays: 60 } }), []);
    assert.deepEqual(
      detect(registry, { policy: { ...policy, fullyRolledOutDays: 59 } }).map((verdict) => verdict.reasons),
      [['fully-rolled-out']],
    );
  });

  it('counts a 100/0 rollout and a rule that always gives the same variant', () => {
    const { registry, texts } = registryOf({
      production: {
        rollout: bool({
          defaultVariant: 'off',
          targeting: { fractional: [{ cat: ['rollout', { var: 'targetingKey' }] }, ['on', 100], ['off', 0]] },
          metadata: { createdAt: '2026-01-01' },
        }),
        ladder: bool({
          defaultVariant: 'on',
          targeting: { if: [{ in: [{ var: 'targetingKey' }, ['u-1']] }, 'on', null] },
          metadata: { createdAt: '2026-01-01' },
        }),
      },
    });
    const verdicts = detect(registry);
    assert.deepEqual(
      verdicts.map((verdict) => [verdict.flag, verdict.servedValue, verdict.evidence[0].detail]),
      [
        [
          'ladder',
          true,
          'serves "on" (true) to everyone (every targeting rule gives this variant) since 2026-01-01 (metadata.createdAt)',
        ],
        [
          'rollout',
          true,
          'serves "on" (true) to everyone (every targeting rule gives this variant) since 2026-01-01 (metadata.createdAt)',
        ],
      ],
    );
    assert.equal(verdicts[1].evidence[0].line, keyLine(texts, 'production', 'rollout'));
  });

  it('looks only at protected environments: a 50% rollout in staging does not matter', () => {
    const { registry } = registryOf({
      production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
      staging: {
        f: bool({
          defaultVariant: 'off',
          targeting: halfRollout('f'),
          metadata: { createdAt: '2026-01-01' },
        }),
      },
    });
    assert.deepEqual(
      detect(registry).map((verdict) => verdict.message),
      ['f serves "on" to everyone in production since 2026-01-01 (59 days)'],
    );
    // Both protected, or none protected (all environments count): staging's rollout decides.
    assert.deepEqual(detect(registry, { protectedEnvironments: ['production', 'staging'] }), []);
    assert.deepEqual(detect(registry, { protectedEnvironments: [] }), []);
  });

  it('judges every environment when no protected environment exists in the registry, and says so', () => {
    const { registry } = registryOf({
      development: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
      staging: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
    });
    assert.deepEqual(
      detect(registry).map((verdict) => [verdict.message, verdict.evidence.map((item) => item.env)]),
      [
        [
          'f serves "on" to everyone in every environment since 2026-01-01 (59 days)',
          ['development', 'staging'],
        ],
      ],
    );
  });

  it('lists several protected environments and needs the same value in all of them', () => {
    const same = registryOf({
      production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
      'production-eu': { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
    });
    assert.deepEqual(
      detect(same.registry, { protectedEnvironments: ['production', 'production-eu'] }).map(
        (verdict) => verdict.message,
      ),
      // In the registry's order of environments (by file path).
      ['f serves "on" to everyone in production-eu and production since 2026-01-01 (59 days)'],
    );
    const different = registryOf({
      production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
      'production-eu': { f: bool({ defaultVariant: 'off', metadata: { createdAt: '2026-01-01' } }) },
    });
    assert.deepEqual(
      detect(different.registry, { protectedEnvironments: ['production', 'production-eu'] }),
      [],
    );
  });

  it('does not count a flag missing from a protected environment', () => {
    const { registry } = registryOf({
      production: {},
      staging: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
    });
    assert.deepEqual(detect(registry), []);
  });

  it('prefers the date git saw the serving change over createdAt', () => {
    const { registry, texts } = registryOf({
      production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
    });
    const recent = new Map<string, FlagHistory>([
      [
        'f',
        {
          firstSeen: '2025-12-01T00:00:00.000Z',
          servingChangedAt: { production: '2026-02-25T12:00:00.000Z' },
        },
      ],
    ]);
    assert.deepEqual(detect(registry, { history: recent }), [], 'changed 4 days ago: not yet 7 days');

    const older = new Map<string, FlagHistory>([
      ['f', { servingChangedAt: { production: '2026-02-20T09:30:00.000Z' } }],
    ]);
    const verdict = only(detect(registry, { history: older }), 'f');
    assert.equal(verdict.message, 'f serves "on" to everyone in production since 2026-02-20 (9 days)');
    assert.equal(verdict.since, '2026-02-20T09:30:00.000Z');
    assert.equal(verdict.ageDays, 9);
    assert.deepEqual(verdict.evidence, [
      {
        env: 'production',
        file: 'flags/production.flagd.json',
        line: keyLine(texts, 'production', 'f'),
        detail: 'serves "on" (true) to everyone (no targeting) since 2026-02-20 (git history)',
      },
    ]);
  });

  it("keeps an earlier createdAt when git has seen the serving only since the key's first commit", () => {
    // The registry came to git after the flag was created (an import): git knows nothing earlier.
    const imported = new Map<string, FlagHistory>([
      [
        'f',
        {
          firstSeen: '2026-02-27T00:00:00.000Z',
          servingChangedAt: { production: '2026-02-27T00:00:00.000Z' },
        },
      ],
    ]);
    const withCreatedAt = registryOf({ production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) } });
    const verdict = only(detect(withCreatedAt.registry, { history: imported }), 'f');
    assert.deepEqual([verdict.since, verdict.ageDays], ['2026-01-01', 59]);
    assert.equal(
      verdict.evidence[0].detail,
      'serves "on" (true) to everyone (no targeting) since 2026-01-01 (metadata.createdAt; unchanged since the key\'s first commit on 2026-02-27)',
    );

    const withoutCreatedAt = registryOf({ production: { f: bool() } });
    assert.deepEqual(detect(withoutCreatedAt.registry, { history: imported }), [], 'first commit 2 days ago');
    const twoDays = only(
      detect(withoutCreatedAt.registry, { history: imported, policy: { ...policy, fullyRolledOutDays: 2 } }),
      'f',
    );
    assert.deepEqual(
      [twoDays.since, twoDays.ageDays, twoDays.evidence[0].detail],
      [
        '2026-02-27T00:00:00.000Z',
        2,
        'serves "on" (true) to everyone (no targeting) since 2026-02-27 (git history: the key\'s first commit)',
      ],
    );
  });

  it('counts the latest change among protected environments as the start', () => {
    const { registry } = registryOf({
      production: { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
      'production-eu': { f: bool({ metadata: { createdAt: '2026-01-01' } }) },
    });
    const history = new Map<string, FlagHistory>([
      [
        'f',
        {
          servingChangedAt: {
            production: '2026-01-10T00:00:00.000Z',
            'production-eu': '2026-02-01T00:00:00.000Z',
          },
        },
      ],
    ]);
    const verdict = only(
      detect(registry, { history, protectedEnvironments: ['production', 'production-eu'] }),
      'f',
    );
    assert.deepEqual([verdict.since, verdict.ageDays], ['2026-02-01T00:00:00.000Z', 28]);
    assert.deepEqual(
      verdict.evidence.map((item) => [item.env, item.detail]),
      [
        ['production-eu', 'serves "on" (true) to everyone (no targeting) since 2026-02-01 (git history)'],
        ['production', 'serves "on" (true) to everyone (no targeting) since 2026-01-10 (git history)'],
      ],
    );
  });

  it('reports a flag whose start is unknown, and says that it is unknown', () => {
    const { registry } = registryOf({ production: { f: bool() } });
    const verdict = only(detect(registry), 'f');
    assert.equal(verdict.message, 'f serves "on" to everyone in production (since when is unknown)');
    assert.equal(
      verdict.evidence[0].detail,
      'serves "on" (true) to everyone (no targeting); since when is unknown (no metadata.createdAt, no git history), counted as long enough',
    );
    assert.equal(verdict.since, undefined);
    assert.equal(verdict.ageDays, undefined);
    assert.equal(verdict.readyForRemoval, true);
  });

  it('never reports kill switches, permissions or permanent flags by serving or age', () => {
    const { registry } = registryOf({
      production: {
        'kill-switch': bool({ metadata: { type: 'kill-switch', createdAt: '2020-01-01' } }),
        permission: bool({ metadata: { type: 'permission', createdAt: '2020-01-01' } }),
        permanent: bool({ metadata: { type: 'release', permanent: true, createdAt: '2020-01-01' } }),
        'disabled-permanent': bool({
          state: 'DISABLED',
          metadata: { type: 'operational', permanent: true, createdAt: '2020-01-01' },
        }),
      },
    });
    assert.deepEqual(detect(registry), []);
  });
});

describe('stale flags: past their lifetime, expired', () => {
  it('reports a flag older than its type allows, from createdAt, and asks which value to keep when it serves several', () => {
    const { registry, texts } = registryOf({
      production: {
        exp: bool({
          targeting: halfRollout('exp'),
          metadata: { type: 'experiment', createdAt: '2026-01-19' },
        }),
      },
    });
    assert.deepEqual(detect(registry), [
      {
        flag: 'exp',
        reasons: ['past-lifetime'],
        message: 'exp is 41 days old, past the 40-day lifetime of an experiment flag',
        evidence: [
          {
            file: 'flags/production.flagd.json',
            line: metadataLine(texts, 'production', 'exp', 'createdAt'),
            detail:
              'created 2026-01-19 (metadata.createdAt), 41 days ago; an experiment flag may live 40 days',
          },
        ],
        since: '2026-01-19',
        ageDays: 41,
        readyForRemoval: false,
        blockers: ['serves more than one value in production; choose the value to keep'],
      },
    ]);
  });

  it('counts "older than" strictly: a flag exactly as old as its lifetime is not stale', () => {
    const { registry } = registryOf({
      production: {
        exp: bool({
          targeting: halfRollout('exp'),
          metadata: { type: 'experiment', createdAt: '2026-01-20' },
        }),
      },
    });
    assert.deepEqual(detect(registry), []);
  });

  it('takes lifetimes from the policy, and gives no lifetime verdict to untyped flags or types without one', () => {
    const { registry } = registryOf({
      production: {
        op: bool({
          targeting: halfRollout('op'),
          metadata: { type: 'operational', createdAt: '2026-02-20' },
        }),
        untyped: bool({ targeting: halfRollout('untyped'), metadata: { createdAt: '2020-01-01' } }),
        rel: bool({ targeting: halfRollout('rel'), metadata: { type: 'release', createdAt: '2026-02-20' } }),
      },
    });
    assert.deepEqual(
      detect(registry).map((verdict) => [verdict.flag, verdict.ageDays]),
      [['op', 9]],
    );
    const custom: StalePolicy = { ...policy, lifetimeDays: { release: 5, operational: null } };
    assert.deepEqual(
      detect(registry, { policy: custom }).map((verdict) => [verdict.flag, verdict.message]),
      [['rel', 'rel is 9 days old, past the 5-day lifetime of a release flag']],
    );
  });

  it('takes the age from git when there is no createdAt', () => {
    const { registry } = registryOf({
      production: { rel: bool({ targeting: halfRollout('rel'), metadata: { type: 'release' } }) },
    });
    const history = new Map<string, FlagHistory>([
      [
        'rel',
        {
          firstSeen: '2026-01-01T08:00:00.000Z',
          servingChangedAt: { production: '2026-02-01T00:00:00.000Z' },
        },
      ],
    ]);
    const verdict = only(detect(registry, { history }), 'rel');
    assert.equal(verdict.message, 'rel is 59 days old, past the 40-day lifetime of a release flag');
    assert.equal(
      verdict.evidence[0].detail,
      'created 2026-01-01 (first commit with the key), 59 days ago; a release flag may live 40 days',
    );
    assert.equal(verdict.since, '2026-01-01T08:00:00.000Z');
  });

  it('lists every reason in one sentence, led by the first, with the value to keep when the flag serves one', () => {
    const { registry } = registryOf({
      production: { old: bool({ metadata: { type: 'release', createdAt: '2025-12-01' } }) },
    });
    const verdict = only(detect(registry), 'old');
    assert.deepEqual(verdict.reasons, ['fully-rolled-out', 'past-lifetime']);
    assert.equal(
      verdict.message,
      'old serves "on" to everyone in production since 2025-12-01 (90 days), and is 90 days old, past the 40-day lifetime of a release flag',
    );
    assert.deepEqual(
      [verdict.servedValue, verdict.servedVariant, verdict.readyForRemoval],
      [true, 'on', true],
    );
  });

  it('keeps the value of a flag past its lifetime that serves one variant, even if not for long', () => {
    const { registry } = registryOf({
      production: { rel: bool({ metadata: { type: 'release', createdAt: '2026-01-01' } }) },
    });
    const history = new Map<string, FlagHistory>([
      ['rel', { servingChangedAt: { production: '2026-02-28T00:00:00.000Z' } }],
    ]);
    const verdict = only(detect(registry, { history }), 'rel');
    assert.deepEqual(verdict.reasons, ['past-lifetime']);
    assert.deepEqual(
      [verdict.servedValue, verdict.servedVariant, verdict.readyForRemoval, verdict.blockers],
      [true, 'on', true, []],
    );
  });

  it('reports a flag past its expiresAt, even a permanent one or a kill switch', () => {
    const { registry, texts } = registryOf({
      production: {
        banner: bool({
          targeting: halfRollout('banner'),
          metadata: {
            type: 'kill-switch',
            permanent: true,
            createdAt: '2026-01-01',
            expiresAt: '2026-02-15',
          },
        }),
        later: bool({ targeting: halfRollout('later'), metadata: { expiresAt: '2026-03-02' } }),
      },
    });
    assert.deepEqual(detect(registry), [
      {
        flag: 'banner',
        reasons: ['expired'],
        message: 'banner expired on 2026-02-15 (14 days ago)',
        evidence: [
          {
            file: 'flags/production.flagd.json',
            line: metadataLine(texts, 'production', 'banner', 'expiresAt'),
            detail: 'metadata.expiresAt is 2026-02-15',
          },
        ],
        since: '2026-02-15',
        ageDays: 14,
        readyForRemoval: false,
        blockers: ['serves more than one value in production; choose the value to keep'],
      },
    ]);
  });
});

describe('stale flags: disabled everywhere', () => {
  it('reports a flag DISABLED in every environment for the policy days, keeping the default its callers agree on', () => {
    const { registry, texts } = registryOf({
      production: { gift: bool({ state: 'DISABLED', metadata: { createdAt: '2026-01-30' } }) },
      staging: { gift: bool({ state: 'DISABLED', metadata: { createdAt: '2026-01-30' } }) },
    });
    const usages = [usage('gift', 'src/a.ts', 3), usage('gift', 'src/b.ts', 8)];
    assert.deepEqual(detect(registry, { usages }), [
      {
        flag: 'gift',
        reasons: ['disabled-everywhere'],
        message: 'gift is disabled in every environment since 2026-01-30 (30 days)',
        evidence: [
          {
            env: 'production',
            file: 'flags/production.flagd.json',
            line: keyLine(texts, 'production', 'gift'),
            detail: 'DISABLED since 2026-01-30 (metadata.createdAt); callers get their code default',
          },
          {
            env: 'staging',
            file: 'flags/staging.flagd.json',
            line: keyLine(texts, 'staging', 'gift'),
            detail: 'DISABLED since 2026-01-30 (metadata.createdAt); callers get their code default',
          },
        ],
        servedValue: false,
        since: '2026-01-30',
        ageDays: 30,
        readyForRemoval: true,
        blockers: [],
      },
    ]);
    assert.deepEqual(detect(registry, { usages, policy: { ...policy, disabledDays: 31 } }), []);
  });

  it('is not ready when callers disagree on the default or have none', () => {
    const { registry } = registryOf({
      production: { gift: bool({ state: 'DISABLED', metadata: { createdAt: '2026-01-01' } }) },
    });
    const disagree = only(
      detect(registry, {
        usages: [
          usage('gift', 'src/a.ts', 3),
          usage('gift', 'src/b.ts', 8, { defaultValue: 'true', defaultLiteral: true }),
        ],
      }),
      'gift',
    );
    assert.deepEqual(
      [disagree.readyForRemoval, disagree.blockers, disagree.servedValue],
      [false, ['call sites disagree on the default (false at src/a.ts:3, true at src/b.ts:8)'], undefined],
    );
    const none = only(
      detect(registry, {
        usages: [usage('gift', 'src/a.ts', 3, { defaultValue: 'fallback()', defaultLiteral: undefined })],
      }),
      'gift',
    );
    assert.deepEqual(none.blockers, ['no literal default at src/a.ts:3; choose the value to keep']);
  });

  it('needs every environment disabled, and prefers the date git saw it disabled', () => {
    const { registry } = registryOf({
      production: { gift: bool({ state: 'DISABLED', metadata: { createdAt: '2025-06-01' } }) },
      staging: { gift: bool({ state: 'DISABLED', metadata: { createdAt: '2025-06-01' } }) },
    });
    const history = new Map<string, FlagHistory>([
      [
        'gift',
        { disabledSince: { production: '2026-01-01T00:00:00.000Z', staging: '2026-02-10T00:00:00.000Z' } },
      ],
    ]);
    assert.deepEqual(detect(registry, { history }), [], 'staging disabled 19 days ago');
    const earlier = new Map<string, FlagHistory>([
      [
        'gift',
        { disabledSince: { production: '2026-01-01T00:00:00.000Z', staging: '2026-01-15T00:00:00.000Z' } },
      ],
    ]);
    const verdict = only(detect(registry, { history: earlier }), 'gift');
    assert.deepEqual(
      [verdict.since, verdict.ageDays, verdict.message],
      ['2026-01-15T00:00:00.000Z', 45, 'gift is disabled in every environment since 2026-01-15 (45 days)'],
    );

    // Disabled since the key's first commit: createdAt, when earlier, is the start.
    const imported = new Map<string, FlagHistory>([
      [
        'gift',
        {
          firstSeen: '2026-02-27T00:00:00.000Z',
          disabledSince: { production: '2026-02-27T00:00:00.000Z', staging: '2026-02-27T00:00:00.000Z' },
        },
      ],
    ]);
    assert.deepEqual(only(detect(registry, { history: imported }), 'gift').since, '2025-06-01');

    const partly = registryOf({
      production: { gift: bool({ state: 'DISABLED', metadata: { createdAt: '2025-06-01' } }) },
      staging: { gift: bool({ defaultVariant: 'off', metadata: { createdAt: '2025-06-01' } }) },
    });
    assert.deepEqual(detect(partly.registry), []);
  });
});

describe('stale flags: unused, and used but gone', () => {
  it('reports a registry flag no usage reads as unused and ready to archive', () => {
    const { registry, texts } = registryOf({
      production: { orphan: bool({ defaultVariant: 'off', targeting: halfRollout('orphan') }) },
      staging: { orphan: bool({ defaultVariant: 'off' }) },
    });
    const usages = [usage('other', 'src/a.ts', 1)];
    const verdicts = detect(registry, { usages });
    assert.deepEqual(only(verdicts, 'orphan'), {
      flag: 'orphan',
      reasons: ['unused'],
      message: 'orphan is defined in the registry but not used in the code',
      evidence: [
        {
          env: 'production',
          file: 'flags/production.flagd.json',
          line: keyLine(texts, 'production', 'orphan'),
          detail: 'defined here; none of the 1 indexed usages reads it',
        },
        {
          env: 'staging',
          file: 'flags/staging.flagd.json',
          line: keyLine(texts, 'staging', 'orphan'),
          detail: 'defined here; none of the 1 indexed usages reads it',
        },
      ],
      readyForRemoval: true,
      blockers: [],
    });
  });

  it('counts LaunchDarkly camelCased usages and keys a dynamic template may build as uses', () => {
    const { registry } = registryOf({
      production: {
        'new-checkout': bool({ defaultVariant: 'off', targeting: halfRollout('new-checkout') }),
        'payment-method-card': bool({ defaultVariant: 'off', targeting: halfRollout('payment-method-card') }),
        'gift-cards': bool({ defaultVariant: 'off', targeting: halfRollout('gift-cards') }),
      },
    });
    const usages = [
      usage('newCheckout', 'src/web/App.tsx', 4, {
        camelCaseKey: true,
        api: 'useFlags',
        resolution: 'destructured',
      }),
      usage(null, 'src/pay.ts', 16, { keyText: '`payment-method-${method}`' }),
      usage(null, 'src/other.ts', 3, { keyText: 'someKey' }),
    ];
    assert.deepEqual(
      detect(registry, { usages }).map((verdict) => [verdict.flag, verdict.reasons]),
      [['gift-cards', ['unused']]],
    );
    // Without camelCaseKey the name is taken as written: an unknown key.
    const plain = detect(registry, { usages: [usage('newCheckout', 'src/web/App.tsx', 4)] });
    assert.deepEqual(
      plain.map((verdict) => [verdict.flag, verdict.reasons]),
      [
        ['gift-cards', ['unused']],
        ['new-checkout', ['unused']],
        ['newCheckout', ['used-but-gone']],
        ['payment-method-card', ['unused']],
      ],
    );
  });

  it('judges neither rule when the code was not indexed', () => {
    const { registry } = registryOf({
      production: { orphan: bool({ defaultVariant: 'off', targeting: halfRollout('orphan') }) },
    });
    assert.deepEqual(detect(registry, { usages: [usage('ghost', 'src/a.ts', 1)], usagesIndexed: false }), []);
  });

  it('reports a key used in code but defined nowhere, with every usage, not ready: it may be a flag in the making', () => {
    const { registry } = registryOf({ production: {} });
    const usages = [
      usage('new-onboarding', 'src/server/checkout.ts', 73, {
        api: 'isFeatureOn',
        keyText: "'new-onboarding'",
      }),
      usage('new-onboarding', 'src/web/Onboarding.tsx', 12, {
        api: 'useBooleanFlagValue',
        defaultValue: 'false',
      }),
    ];
    assert.deepEqual(detect(registry, { usages }), [
      {
        flag: 'new-onboarding',
        reasons: ['used-but-gone'],
        message: 'new-onboarding is used in code (2 places) but is not defined in any registry file',
        evidence: [
          {
            file: 'src/server/checkout.ts',
            line: 73,
            detail: "isFeatureOn('new-onboarding') with default false",
          },
          {
            file: 'src/web/Onboarding.tsx',
            line: 12,
            detail: "useBooleanFlagValue('new-onboarding') with default false",
          },
        ],
        servedValue: false,
        readyForRemoval: false,
        blockers: ['never in the registry as far as git history tells: it may be a new flag not defined yet'],
      },
    ]);
  });

  it('makes a key git saw removed from the registry ready for removal, with the default its callers serve', () => {
    const { registry } = registryOf({ production: {} });
    const history = new Map<string, FlagHistory>([
      ['old-banner', { firstSeen: '2025-10-01T00:00:00.000Z', removedAt: '2026-02-01T10:00:00.000Z' }],
    ]);
    const verdict = only(
      detect(registry, {
        history,
        usages: [usage('old-banner', 'src/banner.ts', 5, { defaultValue: 'true', defaultLiteral: true })],
      }),
      'old-banner',
    );
    assert.deepEqual(
      {
        message: verdict.message,
        since: verdict.since,
        ageDays: verdict.ageDays,
        servedValue: verdict.servedValue,
        readyForRemoval: verdict.readyForRemoval,
        blockers: verdict.blockers,
      },
      {
        message: 'old-banner is used in code (1 place) but was removed from the registry on 2026-02-01',
        since: '2026-02-01T10:00:00.000Z',
        ageDays: 28,
        servedValue: true,
        readyForRemoval: true,
        blockers: [],
      },
    );
  });
});

describe('stale flags: prerequisites', () => {
  it('blocks the removal of a flag another flag requires, in any environment', () => {
    const { registry } = registryOf({
      production: {
        'new-api': bool({ metadata: { createdAt: '2026-01-01' } }),
        'usage-based-pricing': bool({
          defaultVariant: 'off',
          targeting: halfRollout('usage-based-pricing'),
          metadata: { createdAt: '2026-01-01', requires: 'new-api=on' },
        }),
      },
      staging: {
        'new-api': bool({ metadata: { createdAt: '2026-01-01' } }),
        'usage-based-pricing': bool({ metadata: { createdAt: '2026-01-01' } }),
        'metered-invoices': bool({ metadata: { requires: 'new-api=on' } }),
      },
    });
    const verdict = only(detect(registry), 'new-api');
    assert.deepEqual(verdict.reasons, ['fully-rolled-out']);
    assert.deepEqual(
      [verdict.readyForRemoval, verdict.blockers],
      [false, ['prerequisite of metered-invoices', 'prerequisite of usage-based-pricing']],
    );
  });
});

describe('stale flags on the demo shop', () => {
  const demo = path.resolve(__dirname, '../../examples/demo');
  const registry = new Registry(() => NOW);
  for (const environment of ['development', 'staging', 'production']) {
    const file = `flags/${environment}.flagd.json`;
    registry.setFile(file, readFileSync(path.join(demo, file), 'utf8'));
  }
  const demoNow = new Date('2026-11-24T12:00:00Z');
  // The usages the demo's README lists (line numbers as shipped); referral-program has none.
  const demoUsages: FlagUsage[] = [
    usage('new-checkout', 'src/server/checkout.ts', 45),
    usage('newCheckout', 'src/web/StorefrontHeader.tsx', 13, {
      sdk: 'launchdarkly',
      api: 'useFlags',
      resolution: 'destructured',
      keyText: 'newCheckout',
      keyIsLiteral: false,
      camelCaseKey: true,
    }),
    usage('pricing-page-layout', 'src/web/PricingPage.tsx', 78, {
      defaultValue: "'grid'",
      defaultLiteral: 'grid',
    }),
    usage('checkout-cta-copy', 'src/server/checkout.ts', 46),
    usage('holiday-banner', 'src/web/HolidayBanner.tsx', 19),
    usage('banner-config', 'src/web/HolidayBanner.tsx', 20),
    usage('new-api', 'src/server/quote.ts', 36),
    usage('usage-based-pricing', 'src/server/quote.ts', 36),
    usage('external-tax-api', 'src/server/checkout.ts', 49),
    usage('max-cart-items', 'src/server/quote.ts', 30),
    usage('express-shipping', 'src/server/shipping.ts', 39),
    usage('gift-cards', 'src/server/checkout.ts', 63),
    usage('smart-recommendations', 'src/web/Recommendations.tsx', 11),
    usage('new-onboarding', 'src/server/checkout.ts', 72, { api: 'isFeatureOn' }),
    usage(null, 'src/server/paymentMethods.ts', 16, { keyText: '`payment-method-${method}`' }),
  ];
  const run = (usages: FlagUsage[]) =>
    detectStaleFlags({ registry, usages, policy, protectedEnvironments: ['production'], now: demoNow });

  it('finds express-shipping fully rolled out in production, serving true, since its createdAt', () => {
    const verdict = only(run(demoUsages), 'express-shipping');
    assert.deepEqual(verdict.reasons, ['fully-rolled-out', 'past-lifetime']);
    assert.equal(
      verdict.message,
      'express-shipping serves "on" to everyone in production since 2026-05-01 (207 days), and is 207 days old, past the 40-day lifetime of a release flag',
    );
    assert.deepEqual(
      [verdict.servedValue, verdict.servedVariant, verdict.since, verdict.ageDays, verdict.readyForRemoval],
      [true, 'on', '2026-05-01', 207, true],
    );
    assert.deepEqual(verdict.evidence[0], {
      env: 'production',
      file: 'flags/production.flagd.json',
      line: 200,
      detail: 'serves "on" (true) to everyone (no targeting) since 2026-05-01 (metadata.createdAt)',
    });
  });

  it('finds referral-program unused when the code reads nothing (usages: [])', () => {
    const verdict = only(run([]), 'referral-program');
    assert.deepEqual(verdict.reasons, ['past-lifetime', 'unused']);
    assert.equal(verdict.readyForRemoval, true);
  });

  it('lists exactly the demo flags that are stale, and never the kill switch', () => {
    const verdicts = run(demoUsages);
    assert.deepEqual(
      verdicts.map((verdict) => [verdict.flag, verdict.reasons, verdict.readyForRemoval, verdict.blockers]),
      [
        ['express-shipping', ['fully-rolled-out', 'past-lifetime'], true, []],
        ['gift-cards', ['past-lifetime', 'disabled-everywhere'], true, []],
        [
          'new-api',
          ['past-lifetime'],
          false,
          [
            'prerequisite of usage-based-pricing',
            'serves more than one value in production; choose the value to keep',
          ],
        ],
        [
          'new-checkout',
          ['past-lifetime'],
          false,
          ['serves more than one value in production; choose the value to keep'],
        ],
        [
          'new-onboarding',
          ['used-but-gone'],
          false,
          ['never in the registry as far as git history tells: it may be a new flag not defined yet'],
        ],
        ['referral-program', ['past-lifetime', 'unused'], true, []],
      ],
    );
    assert.equal(
      verdicts.some((verdict) => verdict.flag === 'external-tax-api'),
      false,
    );
    assert.equal(only(verdicts, 'gift-cards').servedValue, false);
  });
});
