/**
 * The statistics of an experiment: per metric and treatment, the frequentist, sequential,
 * CUPED and Bayesian figures of DESIGN.md section 9, with the multiple-comparison correction
 * across primary and secondary metrics × treatments. Pure: sufficient statistics in, reports out.
 *
 * Degenerate comparisons (an arm with fewer than 2 units, a control mean of 0, no variance in
 * either arm) never throw and never give NaN: lift is (m_t - m_c)/m_c when both arms have a unit
 * and m_c ≠ 0, else 0; ci (and fixedHorizonCi) [lift, lift]; pValue 1; chanceToBeatControl 0.5;
 * risk 0; standardError 0 and degreesOfFreedom 0 (a standard error of 0 marks them);
 * significant false, direction 'inconclusive'. They stay in the correction's family with p 1.
 */
import type {
  AnalysisPlan,
  MetricReport,
  MetricStatistics,
  VariantResult,
  VariantSummary,
} from '../../../../../shared/src/experiment';
import { bayesianLift } from './bayesian';
import { benjaminiHochbergAdjusted, holmAdjusted } from './corrections';
import { cupedAdjustment } from './cuped';
import { armMoments, type ArmMoments } from './moments';
import { relativeLift, type RelativeLift } from './relativeLift';
import { confidenceSequence, sequentialTuning } from './sequential';

export interface StatisticsInput {
  control: string;
  treatments: string[];
  plan: AnalysisPlan;
  metrics: MetricStatistics[];
}

const NO_UNITS: ArmMoments = { n: 0, mean: 0, variance: 0, varianceOfMean: 0 };

export function analyzeMetrics(input: StatisticsInput): MetricReport[] {
  const { control, treatments, plan } = input;
  const degenerate = new Set<VariantResult>();
  const family: VariantResult[] = [];
  const reports = input.metrics.map((metricStatistics): MetricReport => {
    const { metric } = metricStatistics;
    const moments: Record<string, ArmMoments> = {};
    const variants: Record<string, VariantSummary> = {};
    for (const [variant, s] of Object.entries(metricStatistics.variants)) {
      moments[variant] = armMoments(metric.kind, s);
      variants[variant] = {
        units: s.units,
        mean: moments[variant].mean,
        stdDev: Math.sqrt(moments[variant].variance),
      };
    }
    const cuped =
      plan.cuped && metric.kind !== 'ratio' ? cupedAdjustment(metricStatistics.variants) : undefined;
    const results = treatments.map((treatment): VariantResult => {
      const c = moments[control] ?? NO_UNITS;
      const t = moments[treatment] ?? NO_UNITS;
      const raw = relativeLift(c, t, plan.alpha);
      let fit: RelativeLift | undefined = raw;
      let cupedVarianceReduction: number | undefined;
      if (raw && cuped) {
        const adjusted = relativeLift(cuped.arms[control], cuped.arms[treatment], plan.alpha);
        if (adjusted) {
          fit = adjusted;
          cupedVarianceReduction = 1 - adjusted.variance / raw.variance;
        }
      }
      if (!fit) {
        const result = degenerateResult(treatment, c, t, plan.sequential);
        degenerate.add(result);
        return result;
      }
      const bayes = bayesianLift(fit.lift, fit.standardError, metric.goal);
      const result: VariantResult = {
        variant: treatment,
        lift: fit.lift,
        ci: fit.ci,
        pValue: fit.pValue,
        chanceToBeatControl: bayes.chanceToBeatControl,
        risk: bayes.risk,
        significant: false,
        standardError: fit.standardError,
        degreesOfFreedom: fit.degreesOfFreedom,
        direction: 'inconclusive',
      };
      if (plan.sequential) {
        const sequence = confidenceSequence(
          fit.lift,
          fit.standardError,
          c.n + t.n,
          plan.alpha,
          sequentialTuning(plan.plannedUnitsPerVariant),
        );
        result.fixedHorizonCi = fit.ci;
        result.ci = sequence.ci;
        result.pValue = sequence.pValue;
      }
      if (cupedVarianceReduction !== undefined) result.cupedVarianceReduction = cupedVarianceReduction;
      return result;
    });
    if (metric.role !== 'guardrail') family.push(...results);
    return { name: metric.name, role: metric.role, kind: metric.kind, goal: metric.goal, variants, results };
  });

  if (plan.correction !== 'none' && family.length > 0) {
    const p = family.map((r) => r.pValue);
    const adjusted = plan.correction === 'holm' ? holmAdjusted(p) : benjaminiHochbergAdjusted(p);
    family.forEach((r, i) => (r.adjustedPValue = adjusted[i]));
  }

  for (const report of reports) {
    for (const result of report.results) {
      if (degenerate.has(result)) continue;
      decide(result, report.goal === 'increase', plan);
    }
  }
  return reports;
}

/**
 * frequentist: adjusted p (p for guardrails or without correction) < α, and the sign of the lift
 * against the goal. bayesian: chance to beat control ≥ 1-α (better) or ≤ α (worse); corrections
 * do not apply to it.
 */
function decide(result: VariantResult, goalIncrease: boolean, plan: AnalysisPlan): void {
  let better: boolean;
  if (plan.engine === 'bayesian') {
    result.significant =
      result.chanceToBeatControl >= 1 - plan.alpha || result.chanceToBeatControl <= plan.alpha;
    better = result.chanceToBeatControl >= 1 - plan.alpha;
  } else {
    result.significant = (result.adjustedPValue ?? result.pValue) < plan.alpha;
    better = result.lift > 0 === goalIncrease;
  }
  result.direction = result.significant ? (better ? 'better' : 'worse') : 'inconclusive';
}

function degenerateResult(variant: string, c: ArmMoments, t: ArmMoments, sequential: boolean): VariantResult {
  const lift = c.n > 0 && t.n > 0 && c.mean !== 0 ? (t.mean - c.mean) / c.mean : 0;
  const result: VariantResult = {
    variant,
    lift,
    ci: [lift, lift],
    pValue: 1,
    chanceToBeatControl: 0.5,
    risk: 0,
    significant: false,
    standardError: 0,
    degreesOfFreedom: 0,
    direction: 'inconclusive',
  };
  if (sequential) result.fixedHorizonCi = [lift, lift];
  return result;
}
