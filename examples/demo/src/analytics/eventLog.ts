import { appendFileSync } from 'node:fs';
import type { EvaluationDetails, FlagValue, Hook, HookContext } from '@openfeature/server-sdk';

/**
 * The shop's analytics events, one JSON object a line (NDJSON), in the shape Flaglens reads
 * (`flaglens experiment`): exposures recorded by an OpenFeature hook, conversions by `track`.
 * Written to the file named by EVENTS_FILE; without it nothing is recorded.
 */
export type AnalyticsEvent =
  | { type: 'exposure'; ts: string; unit: string; flag: string; variant: string }
  | { type: 'track'; ts: string; unit: string; event: string; value?: number };

export interface EventLog {
  record(event: AnalyticsEvent): void;
}

export function fileEventLog(path: string): EventLog {
  // Appends are small and synchronous: a line is never split between two writers of one process.
  return { record: (event) => appendFileSync(path, `${JSON.stringify(event)}\n`) };
}

export const noEventLog: EventLog = { record: () => undefined };

let log: EventLog = process.env.EVENTS_FILE ? fileEventLog(process.env.EVENTS_FILE) : noEventLog;

export function setEventLog(next: EventLog): void {
  log = next;
}

/**
 * Records an exposure whenever a flag that runs an experiment (`metadata.experiment` in the
 * flag file) is evaluated for a known user: the variant flagd served is the unit's arm.
 */
export const exposureHook: Hook = {
  after(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>) {
    const unit = hookContext.context.targetingKey;
    if (!unit || details.variant === undefined || typeof details.flagMetadata.experiment !== 'string') return;
    log.record({
      type: 'exposure',
      ts: new Date().toISOString(),
      unit,
      flag: hookContext.flagKey,
      variant: details.variant,
    });
  },
};

/** A conversion or another tracked event of a user (OpenFeature's `track()` shape). */
export function track(unit: string | undefined, event: string, value?: number): void {
  if (!unit) return;
  log.record({
    type: 'track',
    ts: new Date().toISOString(),
    unit,
    event,
    ...(value !== undefined && { value }),
  });
}
