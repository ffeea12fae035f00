import type { FlaglensInitializationOptions } from '../../../shared/src/protocol';

export const RESTRICTED_MODE_REFUSAL =
  'Flaglens is read-only in Restricted Mode: trust the workspace to change flags.';

/**
 * The editor's workspace trust, as the server must enforce it itself: an untrusted repository
 * may not get its files edited (commands, rename, code actions) nor make the server run
 * processes (git reads its config, hooks and filters from the repository). Trust can be granted
 * during a session, never revoked (VS Code restarts the extension host for that).
 */
export class WorkspaceTrust {
  private trusted = true;
  private deferred: (() => void)[] = [];

  /** From `initialize`: only a client that says so (VS Code in Restricted Mode) is untrusted. */
  initialize(options: unknown): void {
    this.trusted = (options as FlaglensInitializationOptions | null | undefined)?.workspaceTrusted !== false;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  /** Runs `work` now when trusted, else once trust is granted; true when it ran now. */
  whenTrusted(work: () => void): boolean {
    if (this.trusted) work();
    else this.deferred.push(work);
    return this.trusted;
  }

  grant(): void {
    if (this.trusted) return;
    this.trusted = true;
    const deferred = this.deferred;
    this.deferred = [];
    for (const work of deferred) work();
  }
}
