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
