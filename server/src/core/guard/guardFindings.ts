/**
 * Rollback verdicts as findings, for the language server and any other client: one on the flag's
 * entry in the rollout's environment, one on every usage of the flag, one on the plan; each
 * carries what the fix (`rollbackEdits`) needs. Computing the reports needs the events, so the
 * server runs `checkRollout` (node/guard) in the background and passes the reports in.
 */
import type { Finding, JsonObject } from '../../../../shared/src/registryModel';
import type { GuardReport, RolloutPlan } from '../../../../shared/src/rollout';
import { toggleFlag } from '../edits/registryEdits';
import type { OffsetEdit } from '../textEdit';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { rampEdits } from './rampEdit';

export const GUARD_ROLLBACK_CODE = 'guard/rollback';

export function guardFindings(workspace: FlagWorkspace, reports: GuardReport[]): Finding[] {
  const findings: Finding[] = [];
  for (const report of reports) {
    if (report.decision.verdict !== 'rollback') continue;
    const data: JsonObject = {
      rollout: report.rollout,
      environment: report.environment,
      action: report.decision.action?.kind ?? 'rollout-to-zero',
    };
    const message = `Guarded rollout ${report.rollout} (${report.environment}): ${report.decision.reason}`;
    const add = (finding: Omit<Finding, 'code' | 'message' | 'flag' | 'data'>) =>
      findings.push({ ...finding, code: GUARD_ROLLBACK_CODE, message, flag: report.flag, data });
    const entry = workspace.registry.definition(report.flag, report.environment);
    if (entry) add({ file: entry.file, range: entry.keyRange, severity: 'error' });
    for (const usage of workspace.usages())
      if (usage.flag === report.flag) add({ file: usage.file, range: usage.keyRange, severity: 'warning' });
    const plan = workspace.rollouts.current(report.file);
    if (plan) add({ file: report.file, range: plan.rangeOf(['flag']), severity: 'error' });
  }
  return findings;
}

/** The registry edit a rollback code action applies: the plan's action, as `--apply` does it. */
export function rollbackEdits(registryText: string, plan: RolloutPlan): OffsetEdit[] {
  return plan.rollback === 'kill'
    ? toggleFlag(registryText, plan.flag, false)
    : rampEdits(registryText, plan.flag, plan.variant, 0);
}
