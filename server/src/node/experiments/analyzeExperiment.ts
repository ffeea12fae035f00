/**
 * One experiment from its definition to its report: the registry's rollout shares, the events
 * from the configured source, the statistics. Shared by the CLI and the language server.
 */
import type {
  ExperimentData,
  ExperimentDefinition,
  ExperimentReport,
} from '../../../../shared/src/experiment';
import { experimentFlag, rolloutShares } from '../../core/experiments/definitionChecks';
import { listEventFiles } from '../../core/experiments/events/eventFileList';
import { buildExperimentReport } from '../../core/experiments/report';
import { ExperimentSourceError } from '../../core/experiments/sourceError';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { collectFromPostgres } from '../postgresEventSource';
import { collectFromFiles } from './eventFiles';

export interface AnalyzeOptions {
  /** Cut the data at this instant (default: the workspace's now). */
  at?: Date;
  env?: NodeJS.ProcessEnv;
}

/** Events of one experiment from the source `flaglens.json` names. */
export async function collectExperimentData(
  workspace: FlagWorkspace,
  definition: ExperimentDefinition,
  options: AnalyzeOptions = {},
): Promise<ExperimentData> {
  const at = options.at ?? workspace.now();
  const settings = workspace.config.experiments;
  if (settings.source === 'postgres') {
    if (!settings.postgres)
      throw new ExperimentSourceError(
        '"experiments.source" is "postgres" but "experiments.postgres" is not set in flaglens.json (it names the connection variable and the tables).',
      );
    return collectFromPostgres(definition, settings.postgres, { at, env: options.env ?? process.env });
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
  return collectFromFiles(
    definition,
    files.map((file) => workspace.absolute(file)),
    { at, root: workspace.root },
  );
}

/** Refuses what cannot be analysed: an unknown experiment, or one whose flag is not in the registry. */
export function analysableDefinition(workspace: FlagWorkspace, key: string): ExperimentDefinition {
  const definition = workspace.experiments.definition(key);
  if (!definition) {
    const known = workspace.experiments.definitions().map((item) => item.key);
    const broken = workspace.experiments
      .fileNames()
      .filter((file) => workspace.experiments.current(file)?.definition === undefined);
    throw new ExperimentSourceError(
      `No experiment "${key}"${known.length ? `; known: ${known.join(', ')}` : ''}${broken.length ? `; unreadable definitions: ${broken.join(', ')} (run flaglens check)` : ''}.`,
    );
  }
  if (!experimentFlag(workspace.registry, definition))
    throw new ExperimentSourceError(
      `${definition.file}: flag "${definition.flag}" is not defined in ${definition.environment}; run flaglens check.`,
    );
  return definition;
}

export async function analyzeExperiment(
  workspace: FlagWorkspace,
  definition: ExperimentDefinition,
  options: AnalyzeOptions = {},
): Promise<ExperimentReport> {
  const flag = experimentFlag(workspace.registry, definition);
  if (!flag)
    throw new ExperimentSourceError(
      `${definition.file}: flag "${definition.flag}" is not defined in ${definition.environment}; run flaglens check.`,
    );
  const data = await collectExperimentData(workspace, definition, options);
  return buildExperimentReport({
    definition,
    data,
    shares: rolloutShares(flag),
    findings: workspace.experimentFindings(),
  });
}
