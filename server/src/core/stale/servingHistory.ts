/**
 * When each flag appeared, and when its serving last changed, computed from the successive
 * versions of the registry files (their git history, read by server/src/node/gitHistory.ts).
 * Pure: versions come in as text, so this is tested without git.
 */
import type { FlagDefinition, JsonValue, RegistryFile } from '../../../../shared/src/registryModel';
import { asOperation, isJsonObject, ownValue } from '../rules/jsonLogic';
import { parseRegistryFile } from '../registry/parseRegistryFile';

/** What the history of the registry files says about one flag key. Dates are ISO strings. */
export interface FlagHistory {
  /** When the key first appeared in any registry file; absent when older than the history read. */
  firstSeen?: string;
  /** Environment -> when the flag's serving (state, default, variants, targeting, the segments it references) last changed there. */
  servingChangedAt?: Record<string, string>;
  /** Environment -> since when the flag has been DISABLED there without interruption. */
  disabledSince?: Record<string, string>;
  /** When the key left the last registry file that had it; only for keys no file has any more. */
  removedAt?: string;
}

/** One version of a registry file. */
export interface RegistryFileVersion {
  /** ISO date of the version (the commit date). */
  date: string;
  /** The file's text; undefined when the file did not exist in this version (deleted). */
  text: string | undefined;
}

export interface RegistryFileHistory {
  /** The file's current path (relative to the workspace), as the registry knows it. */
  file: string;
  /** Oldest first. */
  versions: RegistryFileVersion[];
  /**
   * True when older versions exist that were not read: what the oldest version shows may be older
   * than its date, so facts first seen there get no date rather than a wrong one.
   */
  truncated: boolean;
}

/** What one file's history says about one key. */
interface KeyTrack {
  present: boolean;
  firstSeen: string | undefined;
  signature: string;
  disabled: boolean;
  changedAt: string | undefined;
  disabledSince: string | undefined;
  removedAt: string | undefined;
}

interface FileTracks {
  /** The environment as the newest usable version names it (that is what the registry uses). */
  environment: string | undefined;
  keys: Map<string, KeyTrack>;
}

/** Flag histories from the histories of all registry files, keyed by flag key. */
export function flagHistoryFromVersions(files: RegistryFileHistory[]): Map<string, FlagHistory> {
  const tracked = files.map((file) => trackFile(file));
  const keys = new Set(tracked.flatMap((file) => [...file.keys.keys()]));
  const histories = new Map<string, FlagHistory>();
  for (const key of [...keys].sort()) {
    const history: FlagHistory = {};
    const tracks = tracked.flatMap((file) => {
      const track = file.keys.get(key);
      return track ? [{ environment: file.environment, track }] : [];
    });

    // The first appearance is only known when every file that ever had the key says when.
    const firstSeen = tracks.map(({ track }) => track.firstSeen);
    if (firstSeen.every((date): date is string => date !== undefined))
      history.firstSeen = earliest(firstSeen);

    for (const { environment, track } of tracks) {
      if (!track.present || environment === undefined) continue;
      if (track.changedAt !== undefined) (history.servingChangedAt ??= {})[environment] = track.changedAt;
      if (track.disabled && track.disabledSince !== undefined)
        (history.disabledSince ??= {})[environment] = track.disabledSince;
    }

    if (tracks.every(({ track }) => !track.present)) {
      const removed = tracks.map(({ track }) => track.removedAt);
      if (removed.every((date): date is string => date !== undefined)) history.removedAt = latest(removed);
    }
    histories.set(key, history);
  }
  return histories;
}

function trackFile(history: RegistryFileHistory): FileTracks {
  const keys = new Map<string, KeyTrack>();
  let environment: string | undefined;
  history.versions.forEach((version, index) => {
    // In a history cut short, the oldest version read shows a state of unknown age.
    const date = history.truncated && index === 0 ? undefined : version.date;
    let parsed: RegistryFile | undefined;
    if (version.text !== undefined) {
      parsed = parseRegistryFile(history.file, version.text);
      // A broken version changes nothing: the registry keeps serving the last good one.
      if (parsed.unusable) return;
      environment = parsed.environment;
    }
    const flags = parsed?.flags ?? new Map<string, FlagDefinition>();
    for (const [key, definition] of flags) {
      const signature = servingSignature(definition, parsed?.evaluators ?? {});
      const disabled = definition.state === 'DISABLED';
      const track = keys.get(key);
      if (!track) {
        keys.set(key, {
          present: true,
          firstSeen: date,
          signature,
          disabled,
          changedAt: date,
          disabledSince: disabled ? date : undefined,
          removedAt: undefined,
        });
        continue;
      }
      if (!track.present || track.signature !== signature) track.changedAt = date;
      if (disabled && (!track.present || !track.disabled)) track.disabledSince = date;
      if (!disabled) track.disabledSince = undefined;
      track.present = true;
      track.signature = signature;
      track.disabled = disabled;
      track.removedAt = undefined;
    }
    for (const [key, track] of keys) {
      if (track.present && !flags.has(key)) {
        track.present = false;
        track.removedAt = date;
      }
    }
  });
  return { environment, keys };
}

/**
 * Everything that decides what a flag serves in its file, as one comparable string: state,
 * default, variants, targeting, and the `$evaluators` the targeting references (editing a
 * shared segment changes who gets what). Keys are sorted so that reordering is not a change.
 */
export function servingSignature(definition: FlagDefinition, evaluators: Record<string, JsonValue>): string {
  const referenced: Record<string, JsonValue> = {};
  const collect = (node: JsonValue | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach(collect);
      return;
    }
    if (!isJsonObject(node)) return;
    const operation = asOperation(node);
    if (operation?.op === '$ref' && typeof operation.raw === 'string') {
      const name = operation.raw;
      if (name in referenced) return;
      const evaluator = ownValue(evaluators, name);
      referenced[name] = evaluator ?? null;
      collect(evaluator);
      return;
    }
    Object.values(node).forEach(collect);
  };
  collect(definition.targeting);
  return canonicalJson({
    state: definition.state,
    defaultVariant: definition.defaultVariant,
    variants: definition.variants,
    targeting: definition.targeting ?? null,
    evaluators: referenced,
  });
}

/** JSON with object keys sorted, so that equal values print equally. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function earliest(dates: string[]): string {
  return dates.reduce((best, date) => (Date.parse(date) < Date.parse(best) ? date : best));
}

function latest(dates: string[]): string {
  return dates.reduce((best, date) => (Date.parse(date) > Date.parse(best) ? date : best));
}
