/** The experiments statistics: pure functions from sufficient statistics to reports. */
export { analyzeMetrics, type StatisticsInput } from './analyzeMetrics';
export { bayesianLift, type BayesianLift } from './bayesian';
export { benjaminiHochbergAdjusted, holmAdjusted } from './corrections';
export { cupedAdjustment, type CupedAdjustment } from './cuped';
export { armMoments, type ArmMoments } from './moments';
export { unitsPerVariantNeeded, type PowerInput } from './power';
export { relativeLift, type RelativeLift } from './relativeLift';
export {
  confidenceSequence,
  DEFAULT_SEQUENTIAL_TUNING,
  sequentialRho,
  sequentialTuning,
  type ConfidenceSequence,
} from './sequential';
export { sampleRatioMismatch, type SampleRatioMismatch } from './srm';
