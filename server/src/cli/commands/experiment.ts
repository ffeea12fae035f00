import type { ExperimentReport } from '../../../../shared/src/experiment';
import {
  renderReportMarkdown,
  renderReportSummary,
  renderReportText,
} from '../../core/experiments/reportText';
import { ExperimentSourceError } from '../../core/experiments/sourceError';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { analysableDefinition, analyzeExperiment } from '../../node/experiments/analyzeExperiment';
import { showPostgresQueries } from '../../node/postgresEventSource';
import { planShipWinner, type ShipWinnerArguments } from '../../core/experiments/shipWinner';
import { CommandError } from '../../core/features/registryCommands';
import { RegistryEditError } from '../../core/edits/registryEditError';
import { applyFileChanges, WriteRefusedError } from '../../node/atomicWrite';
import type { CommandIo, OutputFormat } from '../cliContext';

export interface ExperimentOptions {
  format: OutputFormat;
  at: Date | undefined;
}

/** A report that should stop a pipeline: the data is unhealthy or a treatment must be rolled back. */
function alarming(report: ExperimentReport): boolean {
  return report.status === 'unhealthy' || report.decision.verdict === 'rollback';
}

function render(report: ExperimentReport, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'markdown') return renderReportMarkdown(report).trimEnd();
  return renderReportText(report).trimEnd();
}

export async function runExperiment(
  workspace: FlagWorkspace,
  key: string,
  options: ExperimentOptions,
  io: CommandIo,
): Promise<number> {
  try {
    const definition = analysableDefinition(workspace, key);
    const report = await analyzeExperiment(workspace, definition, { at: options.at });
    io.out(render(report, options.format));
    return alarming(report) ? 1 : 0;
  } catch (error) {
    if (error instanceof ExperimentSourceError) {
      io.err(`flaglens experiment: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** `--show-sql`: the queries of the PostgreSQL source for this experiment, run nowhere. */
export function runShowSql(workspace: FlagWorkspace, key: string, at: Date, io: CommandIo): number {
  try {
    const definition = analysableDefinition(workspace, key);
    const postgres = workspace.config.experiments.postgres;
    if (!postgres) {
      io.err(
        'flaglens experiment: --show-sql needs "experiments.postgres" in flaglens.json (the connection variable and the tables).',
      );
      return 1;
    }
    io.out(showPostgresQueries(definition, postgres, at));
    return 0;
  } catch (error) {
    if (error instanceof ExperimentSourceError) {
      io.err(`flaglens experiment: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

interface ExperimentSummary {
  experiment: string;
  file: string;
  flag: string | null;
  environment: string | null;
  status: ExperimentReport['status'] | 'error';
  verdict: ExperimentReport['decision']['verdict'] | null;
  variant: string | null;
  reason: string;
}

/** Every experiment with its status and decision; exit 1 when any is unhealthy, rolls back or fails. */
export async function runExperiments(
  workspace: FlagWorkspace,
  options: ExperimentOptions,
  io: CommandIo,
): Promise<number> {
  const summaries: ExperimentSummary[] = [];
  const reports: ExperimentReport[] = [];
  let failed = false;
  for (const file of workspace.experiments.fileNames()) {
    const parsed = workspace.experiments.current(file);
    if (!parsed?.definition) {
      const first = parsed?.findings.find((finding) => finding.severity === 'error');
      summaries.push({
        experiment: file,
        file,
        flag: null,
        environment: null,
        status: 'error',
        verdict: null,
        variant: null,
        reason: first
          ? `${file}:${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message}`
          : 'unreadable',
      });
      failed = true;
    }
  }
  for (const definition of workspace.experiments.definitions()) {
    try {
      const report = await analyzeExperiment(workspace, definition, { at: options.at });
      reports.push(report);
      summaries.push({
        experiment: report.experiment,
        file: report.file,
        flag: report.flag,
        environment: report.environment,
        status: report.status,
        verdict: report.decision.verdict,
        variant: report.decision.variant ?? null,
        reason: report.decision.reason,
      });
      if (alarming(report)) failed = true;
    } catch (error) {
      if (!(error instanceof ExperimentSourceError)) throw error;
      failed = true;
      summaries.push({
        experiment: definition.key,
        file: definition.file,
        flag: definition.flag,
        environment: definition.environment,
        status: 'error',
        verdict: null,
        variant: null,
        reason: error.message,
      });
    }
  }
  if (options.format === 'json') io.out(JSON.stringify(summaries, null, 2));
  else if (options.format === 'markdown')
    io.out(
      reports
        .map((report) => renderReportMarkdown(report))
        .join('\n')
        .trimEnd() || 'No experiments.',
    );
  else if (summaries.length === 0) io.out('No experiments (*.experiment.json) found.');
  else
    io.out(
      summaries
        .map((summary) => {
          const report = reports.find((item) => item.file === summary.file);
          return report ? renderReportSummary(report) : `${summary.experiment}: error. ${summary.reason}`;
        })
        .join('\n'),
    );
  return failed ? 1 : 0;
}

/**
 * `flaglens ship <experiment>`: rolls the winner out to 100% where asked and concludes the
 * experiment, all files or none; protected environments need --yes.
 */
export async function runShip(
  workspace: FlagWorkspace,
  args: ShipWinnerArguments & { yes: boolean; format: OutputFormat },
  io: CommandIo,
): Promise<number> {
  try {
    const definition = analysableDefinition(workspace, args.experiment);
    const report = await analyzeExperiment(workspace, definition);
    const plan = planShipWinner(workspace, report, args, io.now());
    const changes = plan.preview.map((entry) => `  ${entry.env}: ${entry.before} -> ${entry.after}`);
    if (plan.protectedEnvironments.length > 0 && !args.yes) {
      io.err(
        `flaglens ship: ${plan.protectedEnvironments.join(', ')} is protected; re-run with --yes to ${plan.description.charAt(0).toLowerCase()}${plan.description.slice(1)}:\n${changes.join('\n')}`,
      );
      return 1;
    }
    await applyFileChanges(
      plan.files.map((file) => ({
        file: workspace.absolute(file.file),
        expectedVersion: file.version,
        edits: file.edits,
      })),
      [],
      { workspaceRoot: workspace.root },
    );
    const variant = args.variant ?? report.decision.variant ?? '';
    const value = workspace.registry.definition(definition.flag, definition.environment)?.variants[variant];
    const next = `When ${definition.flag} serves ${variant} in every environment, remove it from the code: flaglens cleanup ${definition.flag} --value '${JSON.stringify(value)}'`;
    if (args.format === 'json')
      io.out(
        JSON.stringify(
          {
            experiment: definition.key,
            variant,
            files: plan.files.map((file) => file.file),
            preview: plan.preview,
            next,
          },
          null,
          2,
        ),
      );
    else
      io.out(
        [`${plan.description}.`, ...changes, `  ${definition.file}: end and decision recorded`, next].join(
          '\n',
        ),
      );
    return 0;
  } catch (error) {
    if (
      error instanceof ExperimentSourceError ||
      error instanceof CommandError ||
      error instanceof RegistryEditError ||
      error instanceof WriteRefusedError
    ) {
      io.err(`flaglens ship: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
