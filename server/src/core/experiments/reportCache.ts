/**
 * The latest analysis of each experiment, for the editor: lenses and hovers read it without
 * waiting, the server recomputes it in the background when events, definitions or the registry
 * change. An analysis that failed keeps its message, so the editor can say why.
 */
import type { ExperimentReport } from '../../../../shared/src/experiment';

export type CachedAnalysis =
  | { kind: 'report'; report: ExperimentReport; computedAt: string }
  | { kind: 'error'; message: string; computedAt: string };

export class ExperimentReports {
  private readonly analyses = new Map<string, CachedAnalysis>();
  /** Bumped by every `replace`, so a consumer knows whether to refresh. */
  version = 0;

  get(key: string): CachedAnalysis | undefined {
    return this.analyses.get(key);
  }

  keys(): string[] {
    return [...this.analyses.keys()].sort();
  }

  /** Every experiment's analysis at once: a refresh replaces the whole set. */
  replace(analyses: Map<string, CachedAnalysis>): void {
    this.analyses.clear();
    for (const [key, analysis] of analyses) this.analyses.set(key, analysis);
    this.version++;
  }
}
