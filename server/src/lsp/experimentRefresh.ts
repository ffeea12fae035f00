/**
 * Recomputes every experiment's analysis in the background, debounced, after the first index and
 * whenever events, definitions or the registry change. Hovers and lenses never wait for it: they
 * show the last analysis, and clients are asked to refresh their lenses when a new one is in.
 */
import type { ExperimentDefinition, ExperimentReport } from '../../../shared/src/experiment';
import type { Logger } from '../core/host';
import type { CachedAnalysis } from '../core/experiments/reportCache';
import type { FlagWorkspace } from '../core/workspace/flagWorkspace';

export type AnalyzeExperiment = (
  workspace: FlagWorkspace,
  definition: ExperimentDefinition,
) => Promise<ExperimentReport>;

export interface ExperimentRefresher {
  /** Asks for a new analysis; calls within the delay are merged, a call during a run reruns after it. */
  schedule(): void;
}

export function createExperimentRefresher(options: {
  workspaces: () => FlagWorkspace[];
  analyze: AnalyzeExperiment;
  onRefreshed: () => void;
  logger: Logger;
  delayMs?: number;
}): ExperimentRefresher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const runOnce = async (): Promise<void> => {
    for (const workspace of options.workspaces()) {
      const analyses = new Map<string, CachedAnalysis>();
      for (const definition of workspace.experiments.definitions()) {
        const computedAt = new Date().toISOString();
        try {
          analyses.set(definition.key, {
            kind: 'report',
            report: await options.analyze(workspace, definition),
            computedAt,
          });
        } catch (error) {
          analyses.set(definition.key, { kind: 'error', message: (error as Error).message, computedAt });
        }
      }
      workspace.experimentReports.replace(analyses);
    }
    options.onRefreshed();
  };

  const run = (): void => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = runOnce()
      .catch((error: unknown) => options.logger.error(`experiment analysis failed: ${String(error)}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
  };

  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, options.delayMs ?? 300);
  };

  return { schedule };
}
