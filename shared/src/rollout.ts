/**
 * Guarded rollouts: the plan file (`*.rollout.json`), the health figures a check computes from the
 * events, and the decision (`flaglens guard --format json`). DESIGN.md section 9 (events and
 * unit-level values) applies; these types are the one typed copy of the guard's contract.
 */

/** binomial: share of units with the event; mean: per-event mean of `value`; p95/p99: quantiles of `value`. */
export type GuardrailKind = 'binomial' | 'mean' | 'p95' | 'p99';
/** The direction that is better: errors and latency `decrease`. */
export type GuardrailDirection = 'increase' | 'decrease';
export type RollbackAction = 'rollout-to-zero' | 'kill';
export type GuardVerdict = 'continue' | 'hold' | 'rollback';

export interface RampStep {
  /** Share of units the rolled-out variant gets at this step, 0-100. */
  percent: number;
  /** The step lasts at least this long before the next one. */
  minDurationHours: number;
  /** Units first exposed to the rolled-out variant during the step before the next one. */
  minUnits: number;
}

export interface GuardrailDefinition {
  name: string;
  event: string;
  kind: GuardrailKind;
  direction: GuardrailDirection;
  /**
   * Non-inferiority margin, in the metric's own unit (binomial: a rate difference, 0.005 = 0.5
   * points; mean and quantiles: the value's unit, e.g. ms). Rollback when the interval lies
   * entirely beyond it on the worse side; with a margin, continuing also needs the interval
   * entirely within it.
   */
  margin?: number;
}

export interface RolloutHistoryEntry {
  at: string;
  action: 'advance' | 'rollback';
  /** The rolled-out variant's percentage after the action (0 after a rollback). */
  percent: number;
  reason: string;
}

export interface RolloutPlan {
  key: string;
  /** Workspace-relative path of the plan file. */
  file: string;
  flag: string;
  environment: string;
  /** The variant being rolled out, and the one it is compared with. */
  variant: string;
  baseline: string;
  /** When the first step began (ISO instant). */
  start: string;
  steps: RampStep[];
  guardrails: GuardrailDefinition[];
  /** Confidence of the intervals is 1 - alpha (always-valid over every check). */
  alpha: number;
  /** Total units (both arms) at which the confidence sequences are tightest. */
  sequentialTuning: number;
  rollback: RollbackAction;
  /** Roll back when the rolled-out variant has had no exposure for this long. */
  noTrafficHours: number;
  history: RolloutHistoryEntry[];
}

/** Per-variant figures of one guardrail, the sufficient statistics of its comparison. */
export interface GuardrailArm {
  /** Units (binomial, mean) or events (quantiles) behind the figure. */
  n: number;
  /** The rate, mean or quantile. */
  value: number;
  /** Standard error of `value`. */
  standardError: number;
}

export interface GuardrailResult {
  name: string;
  event: string;
  kind: GuardrailKind;
  direction: GuardrailDirection;
  margin: number;
  baseline: GuardrailArm;
  variant: GuardrailArm;
  /** variant - baseline, in the metric's unit; undefined when there is not enough data. */
  difference?: number;
  /** Always-valid (1 - alpha) confidence sequence of the difference. */
  interval?: [number, number];
  /** Always-valid p-value of "no difference". */
  pValue?: number;
  /** worse: beyond the margin on the worse side; ok: not worse (with a margin: within it). */
  status: 'worse' | 'ok' | 'inconclusive' | 'no-data';
}

export interface RolloutStepHealth {
  index: number;
  percent: number;
  start: string;
  /** Exclusive; the check's instant for the current step. */
  end: string;
  units: Record<string, number>;
}

export interface RolloutHealth {
  /** Units first exposed per variant, since the plan's start. */
  units: Record<string, number>;
  /** Exposure events per variant (every exposure, repeats included). */
  exposures: Record<string, number>;
  multipleExposures: number;
  multipleExposureShare: number;
  /** Units moved from the baseline to the variant by a ramp step (left out of the figures). */
  rampedUnits: number;
  records: number;
  badRecords: number;
  badRecordShare: number;
  badRecordSamples: { file: string; line: number; message: string }[];
  /** Sequential SRM test of the units against the registry's current shares. */
  expectedShares: Record<string, number>;
  srmPValue: number | null;
  srmOk: boolean;
  lastVariantExposure: string | null;
  /** Units first exposed per UTC hour / day and variant (hours and days with traffic). */
  hourlyUnits: { hour: string; units: Record<string, number> }[];
  dailyUnits: { day: string; units: Record<string, number> }[];
  steps: RolloutStepHealth[];
  problems: string[];
}

export interface GuardDecision {
  verdict: GuardVerdict;
  reason: string;
  /** What `--apply` would do: the next step's percentage, or the rollback. */
  action?: { kind: 'advance'; percent: number } | { kind: RollbackAction };
}

export interface GuardReport {
  rollout: string;
  file: string;
  flag: string;
  environment: string;
  variant: string;
  baseline: string;
  asOf: string;
  source: 'files' | 'postgres';
  /** The registry's current share of the rolled-out variant, in percent. */
  currentPercent: number | null;
  /** Index in `steps` of the current step, when the registry's share is one of them. */
  currentStep: number | null;
  stepStart: string | null;
  alpha: number;
  health: RolloutHealth;
  guardrails: GuardrailResult[];
  decision: GuardDecision;
}
