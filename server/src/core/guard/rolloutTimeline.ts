/**
 * The steps a rollout went through, from its plan: the first step from "start", then one
 * segment per recorded history entry. A check at `asOf` sees only what was recorded by then, so
 * `--at` replays a past check faithfully.
 */
import type { RolloutPlan } from '../../../../shared/src/rollout';

export interface TimelineSegment {
  /** Epoch ms; `end` is exclusive (the next segment's start, or asOf for the last). */
  start: number;
  end: number;
  percent: number;
  /** Index of the plan step with this percentage, when there is one. */
  step: number | null;
  action: 'start' | 'advance' | 'rollback';
}

export function rolloutTimeline(plan: RolloutPlan, asOf: number): TimelineSegment[] {
  const stepOf = (percent: number) => {
    const index = plan.steps.findIndex((step) => step.percent === percent);
    return index >= 0 ? index : null;
  };
  const begin = Date.parse(plan.start);
  const segments: TimelineSegment[] = [
    { start: begin, end: asOf, percent: plan.steps[0].percent, step: 0, action: 'start' },
  ];
  for (const entry of plan.history) {
    const at = Date.parse(entry.at);
    if (at > asOf) break;
    segments[segments.length - 1].end = at;
    segments.push({
      start: at,
      end: asOf,
      percent: entry.percent,
      step: stepOf(entry.percent),
      action: entry.action,
    });
  }
  return segments.filter((segment, index) => index === segments.length - 1 || segment.end > segment.start);
}
