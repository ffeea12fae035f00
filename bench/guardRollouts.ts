/**
 * `npm run bench:guard`: guarded rollouts simulated hour by hour (test/support/guardSimulation.ts,
 * the real decision code): how often 2,000 rollouts without a real difference roll back, and how
 * long 2,000 with a real +1 point error regression take to roll back. Measured, never asserted
 * (the thresholds are asserted by test/unit/guardSimulation.test.ts).
 */
import { BASE_ERROR_RATE, median, PLAN_HOURS, simulate } from '../test/support/guardSimulation';

const started = Date.now();
const none = Array.from({ length: 2000 }, (_, index) => simulate(1000 + index, BASE_ERROR_RATE));
const falseRollbacks = none.filter((outcome) => outcome.rollbackHour !== undefined).length;
const regressed = Array.from({ length: 2000 }, (_, index) =>
  simulate(500_000 + index, BASE_ERROR_RATE + 0.01),
);
const hours = regressed
  .map((outcome) => outcome.rollbackHour)
  .filter((hour): hour is number => hour !== undefined);
const sorted = [...hours].sort((a, b) => a - b);
const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`Guarded rollouts, 20,000 units a day, checked hourly for 14 days (plan: ${PLAN_HOURS} h):`);
console.log(
  `  no real difference: ${falseRollbacks} of 2,000 rolled back (${((falseRollbacks / 2000) * 100).toFixed(2)}%; target <= 5%)`,
);
console.log(
  `  +1 point errors:    ${hours.length} of 2,000 rolled back; time to rollback median ${median(hours)} h, p10 ${quantile(0.1)} h, p90 ${quantile(0.9)} h; within the plan: ${hours.filter((hour) => hour <= PLAN_HOURS).length}`,
);
console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
