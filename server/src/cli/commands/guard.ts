import type { GuardReport, RolloutHistoryEntry, RolloutPlan } from '../../../../shared/src/rollout';
import { ExperimentSourceError } from '../../core/experiments/sourceError';
import { renderGuardMarkdown, renderGuardSummary, renderGuardText } from '../../core/guard/guardText';
import { rollbackEdits } from '../../core/guard/guardFindings';
import { appendHistory } from '../../core/guard/planHistory';
import { rampEdits } from '../../core/guard/rampEdit';
import { showGuardQueries } from '../../core/guard/guardQueries';
import { rolloutTimeline } from '../../core/guard/rolloutTimeline';
import { textVersion } from '../../core/text';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { applyFileEdit } from '../../node/atomicWrite';
import { checkRollout } from '../../node/guard/analyzeRollout';
import type { CommandIo, OutputFormat } from '../cliContext';
import { runRegistryEdit } from './edit';

export interface GuardOptions {
  flag: string | undefined;
  format: OutputFormat;
  at: Date | undefined;
  apply: boolean;
  yes: boolean;
}

interface GuardError {
  rollout: string;
  file: string;
  error: string;
}

/** Performs the decided step: the registry edit (with the protected-environment rule), then the record. */
async function applyDecision(
  workspace: FlagWorkspace,
  plan: RolloutPlan,
  report: GuardReport,
  options: GuardOptions,
  io: CommandIo,
): Promise<{ applied: boolean; message: string }> {
  const action = report.decision.action;
  if (!action)
    return { applied: false, message: `${plan.key}: nothing to apply (${report.decision.verdict}).` };
  const messages: string[] = [];
  const quiet: CommandIo = {
    out: (text) => messages.push(text),
    err: (text) => messages.push(text),
    now: io.now,
  };
  const description =
    action.kind === 'advance'
      ? `advance ${plan.flag} to ${action.percent}% ${plan.variant} (${plan.key})`
      : action.kind === 'kill'
        ? `disable ${plan.flag} (rollback of ${plan.key})`
        : `roll ${plan.flag} back to 0% ${plan.variant} (${plan.key})`;
  const code = await runRegistryEdit(
    workspace,
    {
      flag: plan.flag,
      env: plan.environment,
      description,
      yes: options.yes,
      format: 'text',
      makeEdits: (text) =>
        action.kind === 'advance'
          ? rampEdits(text, plan.flag, plan.variant, action.percent)
          : rollbackEdits(text, plan),
    },
    quiet,
  );
  if (code !== 0) return { applied: false, message: messages.join('\n') };
  // The next rollout may edit the same registry file: the workspace must see this version.
  const registryFile = workspace.registry.fileOfEnvironment(plan.environment)?.file;
  const written = registryFile && (await workspace.host.readFile(workspace.absolute(registryFile)));
  if (registryFile && written !== undefined && written !== '') workspace.updateFile(registryFile, written);
  const entry: RolloutHistoryEntry = {
    at: report.asOf.replace(/\.000Z$/, 'Z'),
    action: action.kind === 'advance' ? 'advance' : 'rollback',
    percent: action.kind === 'advance' ? action.percent : 0,
    reason: report.decision.reason,
  };
  const path = workspace.absolute(plan.file);
  const text = await workspace.host.readFile(path);
  if (text === undefined)
    return {
      applied: true,
      message: `${messages.join('\n')}\n${plan.file}: could not be read to record the step.`,
    };
  await applyFileEdit({ file: path, expectedVersion: textVersion(text), edits: appendHistory(text, entry) });
  messages.push(`${plan.file}: recorded "${entry.action}" to ${entry.percent}% in "history"`);
  return { applied: true, message: messages.join('\n') };
}

/** Every guarded rollout (or one flag's): exit 1 when any rolls back, or cannot be checked. */
export async function runGuard(
  workspace: FlagWorkspace,
  options: GuardOptions,
  io: CommandIo,
): Promise<number> {
  const broken: GuardError[] = [];
  for (const file of workspace.rollouts.fileNames()) {
    const parsed = workspace.rollouts.current(file);
    if (parsed?.plan) continue;
    const first = parsed?.findings.find((finding) => finding.severity === 'error');
    broken.push({
      rollout: file,
      file,
      error: first
        ? `${file}:${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message}`
        : `${file}: unreadable`,
    });
  }
  const plans = workspace.rollouts
    .plans()
    .filter((plan) => options.flag === undefined || plan.flag === options.flag);
  if (options.flag !== undefined && plans.length === 0) {
    const known = workspace.rollouts.plans().map((plan) => plan.flag);
    io.err(
      `flaglens guard: no rollout plan for flag "${options.flag}"${known.length ? `; plans exist for ${[...new Set(known)].join(', ')}` : ''}.`,
    );
    return 1;
  }
  const reports: GuardReport[] = [];
  const applied: string[] = [];
  let failed = broken.length > 0;
  // A plan that does not match the registry (unknown variant, no rollout...) is not checked: its
  // figures would mean nothing, and --apply must never act on it.
  const planErrors = workspace.rolloutFindings().filter((finding) => finding.severity === 'error');
  for (const plan of plans) {
    const problem = planErrors.find((finding) => finding.file === plan.file);
    if (problem) {
      broken.push({
        rollout: plan.key,
        file: plan.file,
        error: `${plan.file}:${problem.range.start.line + 1}:${problem.range.start.character + 1}: ${problem.message}`,
      });
      failed = true;
      continue;
    }
    let report: GuardReport;
    try {
      report = await checkRollout(workspace, plan, { at: options.at });
    } catch (error) {
      if (!(error instanceof ExperimentSourceError)) throw error;
      broken.push({ rollout: plan.key, file: plan.file, error: error.message });
      failed = true;
      continue;
    }
    reports.push(report);
    if (report.decision.verdict === 'rollback') failed = true;
    if (options.apply) {
      const outcome = await applyDecision(workspace, plan, report, options, io);
      applied.push(outcome.message);
      if (!outcome.applied && report.decision.action) failed = true;
    }
  }
  if (options.format === 'json')
    io.out(JSON.stringify({ rollouts: reports, errors: broken, ...(options.apply && { applied }) }, null, 2));
  else {
    const blocks =
      options.format === 'markdown'
        ? reports.map(renderGuardMarkdown)
        : reports.map((report) => renderGuardText(report));
    if (reports.length === 0 && broken.length === 0) blocks.push('No rollout plans (*.rollout.json) found.');
    for (const item of broken) blocks.push(`${item.rollout}: error. ${item.error}`);
    if (options.format === 'text' && reports.length > 1)
      blocks.push(reports.map(renderGuardSummary).join('\n'));
    io.out([...blocks, ...applied].join('\n\n').trimEnd());
  }
  return failed ? 1 : 0;
}

/** `--show-sql`: the PostgreSQL source's queries for every rollout (or one flag's), run nowhere. */
export function runGuardShowSql(
  workspace: FlagWorkspace,
  flag: string | undefined,
  at: Date | undefined,
  io: CommandIo,
): number {
  const postgres = workspace.config.experiments.postgres;
  if (!postgres) {
    io.err(
      'flaglens guard: --show-sql needs "experiments.postgres" in flaglens.json (the connection variable and the tables).',
    );
    return 1;
  }
  const plans = workspace.rollouts.plans().filter((plan) => flag === undefined || plan.flag === flag);
  if (plans.length === 0) {
    io.err(`flaglens guard: no rollout plan${flag === undefined ? '' : ` for flag "${flag}"`}.`);
    return 1;
  }
  const when = at ?? workspace.now();
  try {
    io.out(
      plans
        .map(
          (plan) =>
            `-- rollout ${plan.key} (${plan.file})\n` +
            showGuardQueries(plan, postgres, when, rolloutTimeline(plan, when.getTime())),
        )
        .join('\n\n'),
    );
  } catch (error) {
    io.err(`flaglens guard: ${(error as Error).message}`);
    return 1;
  }
  return 0;
}
