/**
 * Experiments: the definition file (`*.experiment.json`), the sufficient statistics an event
 * source yields, and the analysis answer (`flaglens experiment --format json`). DESIGN.md
 * section 9 is the contract; these types are its one typed copy.
 */

export type MetricKind = 'binomial' | 'mean' | 'ratio';
export type MetricGoal = 'increase' | 'decrease';
export type MetricRole = 'primary' | 'secondary' | 'guardrail';
export type AnalysisEngine = 'frequentist' | 'bayesian';
export type Correction = 'holm' | 'bh' | 'none';

export interface MetricDefinition {
  name: string;
  /** The tracked event whose values make the metric (the numerator of a ratio). */
  event: string;
  kind: MetricKind;
  goal: MetricGoal;
  role: MetricRole;
  /** Ratio metrics: the event whose per-unit sum is the denominator. */
  denominator?: string;
}

export interface AnalysisPlan {
  engine: AnalysisEngine;
  alpha: number;
  correction: Correction;
  /** Always-valid confidence sequences instead of fixed-horizon intervals. */
  sequential: boolean;
  minUnitsPerVariant: number;
  cuped: boolean;
  /** CUPED: the pre-experiment window `[start - days, start)` whose metric values are the covariate. */
  cupedLookbackDays: number;
  /** Planned units per variant: tunes the confidence sequence and measures progress. */
  plannedUnitsPerVariant?: number;
  /** Minimum detectable effect, relative (0.05 = 5%), for "how many more units". */
  minimumDetectableEffect?: number;
  /** Power for the minimum-detectable-effect computation. */
  power: number;
}

export const DEFAULT_ANALYSIS: AnalysisPlan = {
  engine: 'frequentist',
  alpha: 0.05,
  correction: 'holm',
  sequential: false,
  minUnitsPerVariant: 100,
  cuped: false,
  cupedLookbackDays: 14,
  power: 0.8,
};

export interface RecordedDecision {
  verdict: DecisionVerdict;
  variant?: string;
  reason: string;
  at: string;
  /** The rollout's shares while the experiment ran (the sample-ratio check's expectation after it). */
  shares?: Record<string, number>;
}

export interface ExperimentDefinition {
  key: string;
  /** Workspace-relative path of the definition file. */
  file: string;
  flag: string;
  environment: string;
  control: string;
  /** Every arm, control included. */
  variants: string[];
  hypothesis?: string;
  owner?: string;
  /** ISO instants; `end` null while running. */
  start: string;
  end: string | null;
  metrics: MetricDefinition[];
  analysis: AnalysisPlan;
  /** Set when the experiment was concluded (ship the winner). */
  decision?: RecordedDecision;
}

/**
 * Per-variant sufficient statistics of one metric over the variant's units (unit-level values
 * as DESIGN.md section 9 defines them): x is the metric's value (binomial: 0/1), y the ratio's
 * denominator, p the CUPED pre-period value of the same metric.
 */
export interface VariantStatistics {
  units: number;
  sum: number;
  sumSquares: number;
  /** Ratio metrics. */
  denominatorSum?: number;
  denominatorSumSquares?: number;
  /** Σ x·y (ratio metrics). */
  crossSum?: number;
  /** CUPED. */
  preSum?: number;
  preSumSquares?: number;
  /** Σ x·p (CUPED). */
  preCrossSum?: number;
}

export interface MetricStatistics {
  metric: MetricDefinition;
  variants: Record<string, VariantStatistics>;
}

/** A place in an events file, 1-based, workspace-relative. */
export interface EventProblem {
  file: string;
  line: number;
  message: string;
}

export interface DataHealth {
  /** Units counted per variant (after excluding units exposed to several variants). */
  units: Record<string, number>;
  multipleExposures: number;
  /** Exposures to variants the definition does not list (not analysed). */
  unknownVariantUnits: number;
  /** Lines or rows read and the ones that could not be used. */
  records: number;
  badRecords: number;
  /** The first few bad records, with their place. */
  badRecordSamples: EventProblem[];
  /** Units first exposed per UTC day (YYYY-MM-DD) and variant: adoption over time. */
  dailyUnits: { day: string; units: Record<string, number> }[];
}

/** What an event source hands the analysis. */
export interface ExperimentData {
  health: DataHealth;
  metrics: MetricStatistics[];
  /** Instant the data was cut at (`--at`, or now), ISO. */
  asOf: string;
  source: 'files' | 'postgres';
}

export type ExperimentStatus = 'running' | 'ready' | 'unhealthy' | 'concluded';
export type DecisionVerdict = 'ship' | 'rollback' | 'keep-running' | 'no-winner';

export interface VariantSummary {
  units: number;
  mean: number;
  /** Sample standard deviation of the unit-level value (ratio: of the delta-method linearisation). */
  stdDev: number;
}

export interface VariantResult {
  variant: string;
  lift: number;
  ci: [number, number];
  pValue: number;
  adjustedPValue?: number;
  chanceToBeatControl: number;
  risk: number;
  significant: boolean;
  /** Relative lift's standard error (delta method, CUPED-adjusted when CUPED ran). */
  standardError: number;
  degreesOfFreedom: number;
  /** The fixed-horizon interval when `ci` is a confidence sequence. */
  fixedHorizonCi?: [number, number];
  /** CUPED: 1 - adjusted variance / raw variance of the lift. */
  cupedVarianceReduction?: number;
  /** In the goal's direction: better, worse, or neither at the plan's alpha. */
  direction: 'better' | 'worse' | 'inconclusive';
}

export interface MetricReport {
  name: string;
  role: MetricRole;
  kind: MetricKind;
  goal: MetricGoal;
  variants: Record<string, VariantSummary>;
  results: VariantResult[];
}

export interface ExperimentHealthReport {
  srmPValue: number | null;
  srmOk: boolean;
  /** The configured `fractional` weights of the listed variants, normalised to 1. */
  expectedShares: Record<string, number>;
  multipleExposures: number;
  multipleExposureShare: number;
  units: Record<string, number>;
  badRecords: number;
  records: number;
  badRecordShare: number;
  badRecordSamples: EventProblem[];
  unknownVariantUnits: number;
  /** Sentences saying what is wrong with the data, empty when nothing is. */
  problems: string[];
}

export interface ExperimentDecision {
  verdict: DecisionVerdict;
  variant?: string;
  reason: string;
  /** keep-running: more units per variant needed at current traffic to detect the planned effect. */
  moreUnitsNeeded?: number;
  /** keep-running: days at the traffic seen so far. */
  moreDaysNeeded?: number;
}

export interface ExperimentReport {
  experiment: string;
  file: string;
  flag: string;
  environment: string;
  hypothesis?: string;
  owner?: string;
  start: string;
  end: string | null;
  asOf: string;
  source: 'files' | 'postgres';
  status: ExperimentStatus;
  control: string;
  variants: string[];
  analysis: AnalysisPlan;
  health: ExperimentHealthReport;
  metrics: MetricReport[];
  decision: ExperimentDecision;
  /** Share of planned units reached (min over variants), when a plan is set. */
  progress?: number;
  /** Problems `check` finds in the definition (1-based positions in its file). */
  definitionFindings: { line: number; column: number; severity: string; code: string; message: string }[];
  dailyUnits: DataHealth['dailyUnits'];
}
