import type { VariantValue } from './registryModel';

/** Stale-flag verdicts: computed by the server's core, shown by the CLI and the client's Stale view. */
export type StaleReason =
  'fully-rolled-out' | 'past-lifetime' | 'expired' | 'disabled-everywhere' | 'unused' | 'used-but-gone';

/** The order reasons are listed in; the first one found leads the message. */
export const STALE_REASONS: readonly StaleReason[] = [
  'fully-rolled-out',
  'past-lifetime',
  'expired',
  'disabled-everywhere',
  'unused',
  'used-but-gone',
];

/** One fact behind a verdict. `line` is 1-based; `file` is relative to the workspace. */
export interface StaleEvidence {
  env?: string;
  file?: string;
  line?: number;
  detail: string;
}

export interface StaleVerdict {
  flag: string;
  reasons: StaleReason[];
  /** One sentence a person reads. */
  message: string;
  evidence: StaleEvidence[];
  /**
   * The value the code should keep: the variant value served to everyone in every judged
   * environment, or, for a flag that serves no variant (disabled everywhere, not in the
   * registry), the call-site default all its usages agree on.
   */
  servedValue?: VariantValue;
  /** The variant behind `servedValue`, when it is a registry variant. */
  servedVariant?: string;
  /** ISO date since when the leading reason's condition holds, when known. */
  since?: string;
  /** Whole days from `since` to now. */
  ageDays?: number;
  /** True when nothing stands in the way of removing the flag (`blockers` is empty). */
  readyForRemoval: boolean;
  /** Why it is not ready, one short phrase each. */
  blockers: string[];
}
