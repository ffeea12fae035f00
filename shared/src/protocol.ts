import type { ExperimentReport } from './experiment';
import type { FlagState, JsonValue, Range, VariantType, VariantValue } from './registryModel';
import type { StaleVerdict } from './stale';

/**
 * Messages between the Flaglens client and server beyond standard LSP, declared once and
 * imported on both sides.
 */

/** Sent by the server once the first full index is done. */
export namespace IndexReadyNotification {
  export const method = 'flaglens/indexReady';
  export interface Params {
    files: number;
    usages: number;
    flags: number;
    durationMs: number;
  }
}

/** What the client tells the server in `initialize` (`initializationOptions`). */
export interface FlaglensInitializationOptions {
  /**
   * False in VS Code's Restricted Mode: the server then edits nothing and runs no process (git)
   * until `flaglens/workspaceTrusted` arrives. Clients without workspace trust leave it out.
   */
  workspaceTrusted?: boolean;
}

/** Sent by the client when the user trusts the workspace (trust cannot be revoked in a session). */
export namespace WorkspaceTrustedNotification {
  export const method = 'flaglens/workspaceTrusted';
}

/**
 * Sent once per rollback verdict of a guarded rollout (a new verdict when the rollout's share or
 * its action changes, not on every check): the client offers the rollback and the report.
 */
export namespace RollbackVerdictNotification {
  export const method = 'flaglens/rollbackVerdict';
  export interface Params {
    rollout: string;
    flag: string;
    environment: string;
    /** The decision's sentence, with its numbers. */
    reason: string;
    /** The plan file, workspace-relative, and its URI. */
    file: string;
    uri: string;
    /** The rollback, as a command the server executes (protected environments confirm first). */
    rollback: { title: string; command: string; arguments: unknown[] };
    /** The guard report as markdown (what `flaglens guard --format markdown` prints). */
    markdown: string;
  }
}

/** One experiment's latest analysis, with its report as markdown (what `flaglens experiment --format markdown` prints). */
export namespace ExperimentReportRequest {
  export const method = 'flaglens/experimentReport';
  export interface Params {
    experiment: string;
  }
  export interface Result {
    report: ExperimentReport | null;
    markdown: string | null;
    /** Why there is no report (an unknown experiment, a source that failed). */
    error: string | null;
  }
}

/** One experiment as the Experiments view lists it. */
export interface ExperimentListItem {
  key: string;
  /** Workspace-relative definition file, and its URI. */
  file: string;
  uri: string;
  flag: string;
  environment: string;
  /** How the view groups it: what needs attention first. */
  group: 'unhealthy' | 'rollback' | 'ready' | 'running' | 'concluded' | 'error';
  /** The lens's sentence: primary lift, chance to win, state. */
  summary: string;
  /** The decision's reason, or why there are no results. */
  detail: string;
  winner: string | null;
}

export namespace ExperimentsRequest {
  export const method = 'flaglens/experiments';
  export type Result = ExperimentListItem[];
}

/** Sent after each background analysis of the experiments (lenses and hovers then show it). */
export namespace ExperimentsAnalysedNotification {
  export const method = 'flaglens/experimentsAnalysed';
  export interface Params {
    /** Experiments analysed, across workspace folders. */
    experiments: number;
  }
}

export const Commands = {
  toggle: 'flaglens.toggle',
  setRollout: 'flaglens.setRollout',
  setDefaultVariant: 'flaglens.setDefaultVariant',
  addOverride: 'flaglens.addOverride',
  removeOverride: 'flaglens.removeOverride',
  addExclusion: 'flaglens.addExclusion',
  removeExclusion: 'flaglens.removeExclusion',
  addSegment: 'flaglens.addSegment',
  removeSegment: 'flaglens.removeSegment',
  setPrerequisite: 'flaglens.setPrerequisite',
  removePrerequisite: 'flaglens.removePrerequisite',
  setTimeWindow: 'flaglens.setTimeWindow',
  createFlag: 'flaglens.createFlag',
  addToEnvironment: 'flaglens.addToEnvironment',
  cleanup: 'flaglens.cleanup',
  shipWinner: 'flaglens.shipWinner',
  cleanupAll: 'flaglens.cleanupAll',
  /** Run by the editor after it applied a resolved cleanup code action: checks it applied whole. */
  cleanupApplied: 'flaglens.cleanupApplied',
  evaluate: 'flaglens.evaluate',
  showFlag: 'flaglens.showFlag',
} as const;

/** The commands that only read: every other command edits files, refused in Restricted Mode. */
export const QUERY_COMMANDS: readonly string[] = [Commands.evaluate, Commands.showFlag];

/** One flag in one environment, as tree views and the rule editor show it. */
export interface FlagEnvironmentInfo {
  env: string;
  protected: boolean;
  /** Workspace-relative registry file and the key's range there. */
  file: string;
  uri: string;
  range: Range;
  state: FlagState;
  defaultVariant: string | null;
  /** A few words: `on`, `25% on`, `disabled`, `rules, else off`. */
  serving: string;
  /** Percentage per variant when the targeting ends in a rollout. */
  rollout?: [string, number][];
  /** The rule lines in plain language. */
  rules: string[];
}

export interface FlagInfo {
  key: string;
  variantType: VariantType | null;
  variants: Record<string, VariantValue>;
  description?: string;
  owner?: string;
  type?: string;
  environments: FlagEnvironmentInfo[];
  /** Environments without the flag. */
  missing: string[];
  usages: number;
  stale?: StaleVerdict;
  /** Retired (`metadata.archived`): kept for the record, never to be read. */
  archived?: boolean;
}

/** Every flag of every workspace folder, for the Flags view. */
export namespace FlagsRequest {
  export const method = 'flaglens/flags';
  export interface Params {
    /** Only flags used in this document, for "Flags in this file". */
    uri?: string;
  }
  export type Result = FlagInfo[];
}

export namespace StaleFlagsRequest {
  export const method = 'flaglens/staleFlags';
  export type Result = StaleVerdict[];
}

/** The structured view of one flag in one environment, for the rule editor. */
export namespace FlagDetailsRequest {
  export const method = 'flaglens/flagDetails';
  export interface Params {
    flag: string;
    env: string;
  }
  export interface Result {
    flag: FlagInfo;
    env: string;
    /** The ladder, or null when the targeting is custom JSON (edit it as JSON). */
    ladder: JsonValue | null;
    /** Named sample contexts from flaglens.json. */
    contexts: Record<string, Record<string, unknown>>;
    segments: string[];
    flags: string[];
  }
}

/** What a registry command would change, computed without changing anything. */
export namespace PreviewChangeRequest {
  export const method = 'flaglens/previewChange';
  export interface Params {
    command: string;
    arguments: Record<string, unknown>;
    /** Extra contexts to evaluate before and after, e.g. one the user typed. */
    contexts?: Record<string, Record<string, unknown>>;
  }
  export interface Result {
    description: string;
    protectedEnvironments: string[];
    preview: { env: string; before: string; after: string }[];
    /** Per context and environment: the variant before and after the change. */
    evaluations: { context: string; env: string; before: string | null; after: string | null }[];
    /** Set when the change cannot be made; nothing else is meaningful then. */
    error?: string;
  }
}

/** The answer of every registry command sent through `workspace/executeCommand`. */
export interface CommandOutcome {
  applied: boolean;
  reason?: string;
  description?: string;
  /** Workspace-relative files changed, for clients that save after applying. */
  files?: string[];
  uris?: string[];
}
