/**
 * Bayesian figures of a relative lift: flat prior, normal approximation L ~ N(lift, se²)
 * (DESIGN.md section 9; GrowthBook's "Statistical Details", Bayesian engine, with an improper prior).
 */
import type { MetricGoal } from '../../../../../shared/src/experiment';
import { standardNormalCdf, standardNormalPdf } from './distributions';

export interface BayesianLift {
  /** P(the treatment is better in the goal's direction). */
  chanceToBeatControl: number;
  /** Expected loss of choosing the treatment, in units of relative lift. */
  risk: number;
}

/** `standardError` must be > 0; the analysis reports chance 0.5 and risk 0 otherwise. */
export function bayesianLift(lift: number, standardError: number, goal: MetricGoal): BayesianLift {
  // D, the lift in the goal's direction: larger is better.
  const mu = goal === 'increase' ? lift : -lift;
  const z = mu / standardError;
  return {
    chanceToBeatControl: standardNormalCdf(z),
    // E[max(0, -D)] for D ~ N(mu, σ²) = σ φ(mu/σ) - mu Φ(-mu/σ): the normal partial expectation
    // below 0, GrowthBook's risk of the treatment (gbstats bayesian get_risk, which takes it as
    // P(D < 0) times the truncated mean). Clamped at 0 against rounding in the far tail.
    risk: Math.max(0, standardError * standardNormalPdf(z) - mu * standardNormalCdf(-z)),
  };
}
