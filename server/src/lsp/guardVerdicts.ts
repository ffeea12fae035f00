/**
 * Rollback verdicts for the language server: the guard checks run in the background (they read
 * the event files), at most every few minutes per workspace and again when its registry or plans change;
 * diagnostics publish whatever the last check found and are republished when a check finishes.
 * Code edits do not start a check: only the registry, the plans and time do.
 */
import type { Finding } from '../../../shared/src/registryModel';
import type { GuardReport } from '../../../shared/src/rollout';
import type { Logger } from '../core/host';
import { guardFindings } from '../core/guard/guardFindings';
import type { FlagWorkspace } from '../core/workspace/flagWorkspace';

/** New events arrive without any file change the server sees: checks are redone this often. */
const RECHECK_MS = 5 * 60_000;

export type CheckRollouts = (workspace: FlagWorkspace) => Promise<GuardReport[]>;

export class GuardVerdicts {
  private readonly checked = new Map<FlagWorkspace, { key: string; at: number; reports: GuardReport[] }>();
  private readonly running = new Set<FlagWorkspace>();
  /** Rollback verdicts already announced, so that each is announced once. */
  private readonly announced = new Set<string>();

  constructor(
    private readonly check: CheckRollouts,
    private readonly onUpdate: () => void,
    private readonly logger: Logger,
    /** Called once per new rollback verdict. */
    private readonly onRollback?: (workspace: FlagWorkspace, report: GuardReport) => void,
  ) {}

  /** The findings of the last check; starts a new one when that is out of date. */
  findings(workspace: FlagWorkspace): Finding[] {
    if (workspace.rollouts.fileNames().length === 0) return [];
    const last = this.checked.get(workspace);
    const key = inputsOf(workspace);
    const stale = !last || last.key !== key || Date.now() - last.at > RECHECK_MS;
    if (stale && !this.running.has(workspace)) {
      this.running.add(workspace);
      this.check(workspace)
        .then((reports) => {
          this.checked.set(workspace, { key, at: Date.now(), reports });
          for (const report of reports) this.announce(workspace, report);
          this.onUpdate();
        })
        .catch((error: unknown) => this.logger.warn(`guard check failed: ${String(error)}`))
        .finally(() => this.running.delete(workspace));
    }
    return last ? guardFindings(workspace, last.reports) : [];
  }

  /**
   * A rollback verdict is new when its rollout, share or action is: the same regression seen
   * again by the next check (with fresher numbers) is not announced twice.
   */
  private announce(workspace: FlagWorkspace, report: GuardReport): void {
    if (report.decision.verdict !== 'rollback' || !this.onRollback) return;
    const verdict = JSON.stringify([
      workspace.root,
      report.rollout,
      report.environment,
      report.currentPercent,
      report.decision.action?.kind ?? 'rollout-to-zero',
    ]);
    if (this.announced.has(verdict)) return;
    this.announced.add(verdict);
    this.onRollback(workspace, report);
  }
}

/** What a check depends on besides the events: the registry files and the plans (not the code). */
function inputsOf(workspace: FlagWorkspace): string {
  const registry = workspace.registry
    .files()
    .map((file) => `${file}@${workspace.registry.currentFile(file)?.version ?? ''}`);
  return JSON.stringify([registry, workspace.rollouts.plans()]);
}
