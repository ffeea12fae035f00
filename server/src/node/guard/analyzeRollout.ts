/**
 * One guarded rollout from its plan to its check: the registry's current share, the events from
 * the configured source (two passes over the files, see guardEvents.ts), the decision. The
 * PostgreSQL source plugs in at `collectRolloutData`: it must return the same `RolloutData`, the
 * per-unit rules of guardEvents.ts in SQL (first exposure per unit and arm, ramp moves, Σ per
 * unit), the sums per arm as `VariantStatistics`, and each quantile guardrail as bucket counts
 * (`QuantileSketch.bucketOf`, `addBucket`); nothing downstream reads rows. It does
 * (core/guard/guardQueries.ts), on the experiments source's read-only snapshot.
 */
import type { PostgresSourceConfig } from '../../../../shared/src/config';
import type { GuardReport, RolloutPlan } from '../../../../shared/src/rollout';
import { listEventFiles } from '../../core/experiments/events/eventFileList';
import { ExperimentSourceError } from '../../core/experiments/sourceError';
import { ExposurePass, GuardrailPass, type RolloutData } from '../../core/guard/guardEvents';
import { type GuardQueries, buildGuardQueries, readGuardRows } from '../../core/guard/guardQueries';
import { buildGuardReport } from '../../core/guard/guardReport';
import { currentShare } from '../../core/guard/rolloutChecks';
import { rolloutTimeline, type TimelineSegment } from '../../core/guard/rolloutTimeline';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { readEventFiles } from '../experiments/eventFiles';
import { runOnSnapshot } from '../postgresEventSource';

export async function collectRolloutData(
  workspace: FlagWorkspace,
  plan: RolloutPlan,
  asOf: Date,
  segments: TimelineSegment[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<RolloutData> {
  const settings = workspace.config.experiments;
  if (settings.source === 'postgres') {
    if (!settings.postgres)
      throw new ExperimentSourceError(
        '"experiments.source" is "postgres" but "experiments.postgres" is not set in flaglens.json (it names the connection variable and the tables).',
      );
    return collectRolloutFromPostgres(plan, settings.postgres, asOf, segments, options.env ?? process.env);
  }
  if (settings.events.length === 0)
    throw new ExperimentSourceError(
      'No event files configured: set "experiments": {"events": ["data/events/*.ndjson"]} in flaglens.json.',
    );
  const files = await listEventFiles(workspace.root, workspace.host, settings.events);
  if (files.length === 0)
    throw new ExperimentSourceError(
      `No event files match ${settings.events.map((glob) => `"${glob}"`).join(', ')}.`,
    );
  const paths = files.map((file) => workspace.absolute(file));
  const exposures = new ExposurePass(plan, asOf.getTime());
  const counts = await readEventFiles(paths, exposures, workspace.root);
  exposures.settle(segments);
  const guardrails = new GuardrailPass(plan, exposures, asOf.getTime());
  await readEventFiles(paths, guardrails, workspace.root);
  return guardrails.finish(counts, segments, 'files');
}

/** The same figures from PostgreSQL: the database does the per-unit work, aggregates come back. */
export async function collectRolloutFromPostgres(
  plan: RolloutPlan,
  config: PostgresSourceConfig,
  asOf: Date,
  segments: TimelineSegment[],
  env: NodeJS.ProcessEnv,
): Promise<RolloutData> {
  let queries: GuardQueries;
  try {
    queries = buildGuardQueries(plan, config, asOf, segments);
  } catch (error) {
    throw new ExperimentSourceError((error as Error).message);
  }
  const [health, ...guardrails] = await runOnSnapshot(config, [queries.health, ...queries.guardrails], {
    env,
  });
  return readGuardRows(plan, asOf, segments, health, guardrails);
}

export async function checkRollout(
  workspace: FlagWorkspace,
  plan: RolloutPlan,
  options: { at?: Date; env?: NodeJS.ProcessEnv } = {},
): Promise<GuardReport> {
  const flag = workspace.registry.definition(plan.flag, plan.environment);
  if (!flag)
    throw new ExperimentSourceError(
      `${plan.file}: flag "${plan.flag}" is not defined in ${plan.environment}; run flaglens check.`,
    );
  const at = options.at ?? workspace.now();
  const segments = rolloutTimeline(plan, at.getTime());
  const data = await collectRolloutData(workspace, plan, at, segments, options);
  return buildGuardReport({ plan, data, share: currentShare(flag, plan), segments });
}

/**
 * Every plan that can be checked (no error finding against the registry, a readable source),
 * for the language server; the CLI reports the others.
 */
export async function checkRollouts(
  workspace: FlagWorkspace,
  options: { at?: Date } = {},
): Promise<GuardReport[]> {
  const broken = new Set(
    workspace
      .rolloutFindings()
      .filter((finding) => finding.severity === 'error')
      .map((finding) => finding.file),
  );
  const reports: GuardReport[] = [];
  for (const plan of workspace.rollouts.plans()) {
    if (broken.has(plan.file)) continue;
    try {
      reports.push(await checkRollout(workspace, plan, options));
    } catch (error) {
      if (!(error instanceof ExperimentSourceError)) throw error;
    }
  }
  return reports;
}
