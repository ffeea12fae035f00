import { strict as assert } from 'node:assert';
import { BASE_ERROR_RATE, median, PLAN_HOURS, simulate } from '../support/guardSimulation';

describe('guarded rollouts checked every hour for 14 days (seeded simulation)', function () {
  this.timeout(60000);

  it('2,000 rollouts with no real difference roll back in at most 5% of them, and most reach 100%', () => {
    const outcomes = Array.from({ length: 2000 }, (_, index) => simulate(1000 + index, BASE_ERROR_RATE));
    const rolledBack = outcomes.filter((outcome) => outcome.rollbackHour !== undefined).length;
    const complete = outcomes.filter((outcome) => outcome.finalPercent === 100).length;
    console.log(
      `      no difference: ${rolledBack} of 2,000 rolled back (${((rolledBack / 2000) * 100).toFixed(2)}%), ${complete} reached 100%`,
    );
    assert.ok(rolledBack / outcomes.length <= 0.05, `${rolledBack} false rollbacks`);
    assert.ok(complete / outcomes.length >= 0.9, `${complete} completed`);
  });

  it('2,000 rollouts with a real +1 point error regression roll back, at least 90% within the plan duration', () => {
    const outcomes = Array.from({ length: 2000 }, (_, index) =>
      simulate(500_000 + index, BASE_ERROR_RATE + 0.01),
    );
    const hours = outcomes
      .map((outcome) => outcome.rollbackHour)
      .filter((hour): hour is number => hour !== undefined);
    const inTime = hours.filter((hour) => hour <= PLAN_HOURS).length;
    const reached100 = outcomes.filter(
      (outcome) => outcome.rollbackHour === undefined && outcome.finalPercent === 100,
    ).length;
    console.log(
      `      +1 point: ${hours.length} of 2,000 rolled back, ${inTime} within the plan's ${PLAN_HOURS} h; median ${median(hours)} h to rollback; ${reached100} reached 100% unnoticed`,
    );
    assert.ok(inTime / outcomes.length >= 0.9, `${inTime} rolled back within ${PLAN_HOURS} h`);
  });
});
