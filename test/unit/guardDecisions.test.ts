import { strict as assert } from 'node:assert';
import type { RolloutPlan } from '../../shared/src/rollout';
import type { RolloutData } from '../../server/src/core/guard/guardEvents';
import { buildGuardReport } from '../../server/src/core/guard/guardReport';
import type { CurrentShare } from '../../server/src/core/guard/rolloutChecks';
import type { TimelineSegment } from '../../server/src/core/guard/rolloutTimeline';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00Z');

const plan: RolloutPlan = {
  key: 'new-api',
  file: 'rollouts/new-api.rollout.json',
  flag: 'new-api',
  environment: 'production',
  variant: 'on',
  baseline: 'off',
  start: '2026-11-01T00:00:00Z',
  steps: [
    { percent: 5, minDurationHours: 24, minUnits: 100 },
    { percent: 100, minDurationHours: 0, minUnits: 0 },
  ],
  guardrails: [{ name: 'errors', event: 'api_error', kind: 'binomial', direction: 'decrease' }],
  alpha: 0.01,
  sequentialTuning: 5000,
  rollback: 'kill',
  noTrafficHours: 6,
  history: [],
};

/** A check `hours` after the start, at `percent`, with `on`/`off` units and error counts. */
function check(
  hours: number,
  arms: { on: [number, number]; off: [number, number] },
  options: { percent?: number; share?: CurrentShare; planOverride?: Partial<RolloutPlan> } = {},
) {
  const now = START + hours * HOUR;
  const percent = options.percent ?? 5;
  const step = (options.planOverride?.steps ?? plan.steps).findIndex((item) => item.percent === percent);
  const segments: TimelineSegment[] = [
    { start: START, end: now, percent, step: step >= 0 ? step : null, action: 'start' },
  ];
  const statistics = ([units, errors]: [number, number]) => ({ units, sum: errors, sumSquares: errors });
  const data: RolloutData = {
    asOf: new Date(now).toISOString(),
    source: 'files',
    records: arms.on[0] + arms.off[0],
    badRecords: 0,
    badRecordSamples: [],
    units: { on: arms.on[0], off: arms.off[0] },
    exposures: { on: arms.on[0], off: arms.off[0] },
    multipleExposures: 0,
    otherVariantUnits: 0,
    rampedUnits: 0,
    lastExposure: { on: now - HOUR / 2, off: now - HOUR / 2 },
    hourlyUnits: [],
    segmentUnits: [{ on: arms.on[0], off: arms.off[0] }],
    guardrails: [
      {
        baseline: { kind: 'binomial', statistics: statistics(arms.off) },
        variant: { kind: 'binomial', statistics: statistics(arms.on) },
      },
    ],
  };
  const share: CurrentShare = options.share ?? {
    kind: 'percent',
    percent,
    shares: { on: percent / 100, off: 1 - percent / 100 },
  };
  return buildGuardReport({ plan: { ...plan, ...options.planOverride }, data, share, segments }).decision;
}

describe('guard decisions', () => {
  it('holds until the step has lasted its hours and reached its units, saying how far it is', () => {
    const decision = check(10, { on: [40, 1], off: [760, 15] });
    assert.equal(decision.verdict, 'hold');
    assert.equal(decision.action, undefined);
    assert.equal(decision.reason, 'Hold: the 5% step has run 10 h of 24 h; 40 of 100 on units in this step.');
  });

  it('continues to the next step once the step is complete and no guardrail is worse', () => {
    const decision = check(30, { on: [150, 3], off: [2850, 57] });
    assert.equal(decision.verdict, 'continue');
    assert.deepEqual(decision.action, { kind: 'advance', percent: 100 });
    assert.match(
      decision.reason,
      /^Healthy at 5% for 30 h with 150 on units \(errors 0\.00 pts vs off .*\): continue to 100%\.$/,
    );
  });

  it('rolls back as the plan says (kill) when the errors are clearly higher', () => {
    const decision = check(30, { on: [1000, 80], off: [19000, 380] });
    assert.equal(decision.verdict, 'rollback');
    assert.deepEqual(decision.action, { kind: 'kill' });
    assert.match(
      decision.reason,
      /^on is worse: errors \+6\.00 pts vs off \(on 8\.00%, off 2\.00%\), 99% interval \+\d\.\d\d to \+\d\.\d\d pts: roll back \(disable new-api\)\.$/,
    );
  });

  it('holds while a guardrail with a margin is not yet shown to be within it', () => {
    const decision = check(
      30,
      { on: [150, 3], off: [2850, 57] },
      {
        planOverride: { guardrails: [{ ...plan.guardrails[0], margin: 0.005 }] },
      },
    );
    assert.equal(decision.verdict, 'hold');
    assert.match(decision.reason, /errors 0\.00 pts vs off .*margin 0\.50 pts: not yet within the margin\.$/);
  });

  it('says the rollout is complete at its last step, with nothing to apply', () => {
    const decision = check(30, { on: [3000, 60], off: [3000, 60] }, { percent: 100 });
    assert.equal(decision.verdict, 'continue');
    assert.equal(decision.action, undefined);
    assert.match(decision.reason, /^Healthy at 100%, the last step: the rollout is complete/);
  });

  it('takes no action when the registry was changed outside the plan, or the flag is disabled', () => {
    const changed = check(
      30,
      { on: [1000, 80], off: [19000, 380] },
      {
        share: { kind: 'percent', percent: 50, shares: { on: 0.5, off: 0.5 } },
      },
    );
    assert.equal(changed.verdict, 'hold');
    assert.equal(changed.action, undefined);
    assert.match(
      changed.reason,
      /^No automatic action: the registry serves on to 50% but the plan's last step is 5%/,
    );
    const offPlan = check(
      30,
      { on: [1000, 80], off: [19000, 380] },
      {
        percent: 12,
        share: { kind: 'percent', percent: 12, shares: { on: 0.12, off: 0.88 } },
      },
    );
    assert.equal(offPlan.verdict, 'hold');
    assert.equal(
      offPlan.reason,
      'No automatic action: on is at 12%, which is not a step of the plan (5%, 100%).',
    );
    const early = check(-2, { on: [0, 0], off: [0, 0] });
    assert.equal(early.reason, 'The rollout starts on 2026-11-01T00:00:00Z; nothing to check yet.');
    const disabled = check(30, { on: [1000, 80], off: [19000, 380] }, { share: { kind: 'disabled' } });
    assert.equal(disabled.verdict, 'hold');
    assert.equal(disabled.reason, 'No automatic action: new-api is disabled in production.');
  });
});
