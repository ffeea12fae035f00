import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readFlagHistory } from '../../server/src/node/gitHistory';
import { flagdFile } from '../support/text';

const on = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };
const rollout = (percent: number, extra: Record<string, unknown> = {}) => ({
  ...on,
  defaultVariant: 'off',
  targeting: {
    fractional: [{ cat: ['f', { var: 'targetingKey' }] }, ['on', percent], ['off', 100 - percent]],
  },
  ...extra,
});

/** A throw-away repository; git runs with a home of its own so no user configuration leaks in. */
class TempRepo {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'flaglens-git-'));
  constructor() {
    this.git(['-c', 'init.defaultBranch=main', 'init', '-q']);
    this.git(['config', 'user.name', 'Flaglens Test']);
    this.git(['config', 'user.email', 'test@flaglens.invalid']);
    this.git(['config', 'commit.gpgsign', 'false']);
  }
  git(args: string[], date?: string): string {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: this.dir, GIT_CONFIG_NOSYSTEM: '1' };
    if (date) {
      env.GIT_AUTHOR_DATE = date;
      env.GIT_COMMITTER_DATE = date;
    }
    return execFileSync('git', args, { cwd: this.dir, env, encoding: 'utf8' });
  }
  write(file: string, text: string): void {
    mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    writeFileSync(path.join(this.dir, file), text);
  }
  commit(date: string, message: string): void {
    this.git(['add', '-A'], date);
    this.git(['commit', '-q', '-m', message], date);
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('flag history from git', () => {
  let repo: TempRepo;
  const now = new Date('2026-03-01T00:00:00Z');
  const production = 'app/flags/production.flagd.json';

  before(() => {
    repo = new TempRepo();
    // The workspace is a folder inside the repository, as examples/demo is.
    repo.write(production, flagdFile({ f: rollout(10), g: on }));
    repo.write('app/flags/staging.flagd.json', flagdFile({ f: on }));
    repo.commit('2026-01-10T09:00:00Z', 'add flags');

    repo.write(production, flagdFile({ f: rollout(10, { metadata: { owner: 'team-a' } }), g: on }));
    repo.commit('2026-02-01T12:00:00+02:00', 'owner only: not a serving change');

    repo.write(
      production,
      flagdFile({ f: rollout(100, { metadata: { owner: 'team-a' } }), g: on, h: rollout(0) }),
    );
    repo.commit('2026-02-15T08:30:00Z', 'roll out f, add h');

    // A rename keeps the history (git log --follow); the environment name now comes from metadata.
    repo.git(['mv', 'app/flags/staging.flagd.json', 'app/flags/stage.flagd.json']);
    repo.write('app/flags/stage.flagd.json', flagdFile({ f: on }, { metadata: { environment: 'staging' } }));
    repo.commit('2026-02-20T10:00:00Z', 'rename staging');

    repo.write(production, flagdFile({ f: rollout(100, { metadata: { owner: 'team-a' } }), h: rollout(0) }));
    repo.commit('2026-02-25T16:45:00Z', 'remove g');

    // Not committed: h's rollout changes in the working tree.
    repo.write(production, flagdFile({ f: rollout(100, { metadata: { owner: 'team-a' } }), h: rollout(30) }));
  });

  after(() => repo.remove());

  it('dates when each key appeared, when its serving last changed per environment, and when it was removed', async () => {
    const histories = await readFlagHistory(
      path.join(repo.dir, 'app'),
      ['flags/production.flagd.json', 'flags/stage.flagd.json'],
      { now },
    );
    assert.deepEqual(Object.fromEntries(histories), {
      f: {
        firstSeen: '2026-01-10T09:00:00.000Z',
        servingChangedAt: { production: '2026-02-15T08:30:00.000Z', staging: '2026-01-10T09:00:00.000Z' },
      },
      g: { firstSeen: '2026-01-10T09:00:00.000Z', removedAt: '2026-02-25T16:45:00.000Z' },
      // The uncommitted rollout change happened "now".
      h: {
        firstSeen: '2026-02-15T08:30:00.000Z',
        servingChangedAt: { production: '2026-03-01T00:00:00.000Z' },
      },
    });
  });

  it('accepts absolute paths and leaves out what a history cut short cannot date', async () => {
    const histories = await readFlagHistory(
      path.join(repo.dir, 'app'),
      [path.join(repo.dir, production), path.join(repo.dir, 'app/flags/stage.flagd.json')],
      { now, maxCommits: 2 },
    );
    // Production: only the last two commits are read, so what the older one shows has no date;
    // the removal happened in the newer one, so it keeps its date.
    assert.deepEqual(Object.fromEntries(histories), {
      f: { servingChangedAt: { staging: '2026-01-10T09:00:00.000Z' } },
      g: { removedAt: '2026-02-25T16:45:00.000Z' },
      h: { servingChangedAt: { production: '2026-03-01T00:00:00.000Z' } },
    });
  });

  it('answers an empty map outside a git repository', async () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'flaglens-nogit-'));
    try {
      writeFileSync(path.join(plain, 'production.flagd.json'), flagdFile({ f: on }));
      assert.deepEqual(await readFlagHistory(plain, ['production.flagd.json']), new Map());
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('answers an empty map when git cannot be run', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(repo.dir, 'no-such-bin');
    try {
      assert.deepEqual(
        await readFlagHistory(path.join(repo.dir, 'app'), ['flags/production.flagd.json']),
        new Map(),
      );
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('ignores files that are not in the repository or were never committed', async () => {
    repo.write('app/flags/new.flagd.json', flagdFile({ n: on }));
    try {
      const histories = await readFlagHistory(
        path.join(repo.dir, 'app'),
        ['flags/new.flagd.json', '../../elsewhere.flagd.json'],
        { now },
      );
      assert.deepEqual(histories, new Map());
    } finally {
      rmSync(path.join(repo.dir, 'app/flags/new.flagd.json'));
    }
  });
});
