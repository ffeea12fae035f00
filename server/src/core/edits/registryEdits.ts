/**
 * Structured edits of one flagd file. Each function reads the file's text and returns minimal
 * edits of that text (nothing outside the changed properties moves), or throws a
 * RegistryEditError that says why the edit cannot be made. Pure: the caller writes the result
 * (server/src/node/atomicWrite.ts) or sends it to the editor as a workspace edit.
 */
import { type ParseError, parseTree, printParseErrorCode, getNodeValue } from 'jsonc-parser';
import { inspectJson, MAX_JSON_DEPTH } from '../jsonShape';
import type { JsonObject, JsonValue } from '../../../../shared/src/registryModel';
import { LineIndex } from '../text';
import type { OffsetEdit } from '../textEdit';
import { JsonTextEditor, type PropertyPath } from './jsonTextEditor';
import type { ValuePath } from './jsonLayout';
import { type TargetingLadder, TARGETING_KEY, buildTargeting, parseLadder } from './ladder';
import { RegistryEditError } from './registryEditError';
import { MAX_TOTAL_WEIGHT, type Weights, shareOut, stickyWeights } from './stickyRollout';

export { RegistryEditError } from './registryEditError';

export interface NewFlag {
  variants: Record<string, JsonValue>;
  defaultVariant: string;
  state?: 'ENABLED' | 'DISABLED';
  targeting?: JsonObject;
  /** Primitive values only (flagd allows nothing else); checked when the flag is added. */
  metadata?: Record<string, JsonValue>;
}

export type RolloutChange = { variant: string; percent: number } | { weights: [string, number][] };

export function toggleFlag(text: string, flagKey: string, enabled: boolean): OffsetEdit[] {
  const flag = openFlag(text, flagKey);
  const state = enabled ? 'ENABLED' : 'DISABLED';
  if (flag.definition.state !== state) flag.editor.set([...flag.path, 'state'], state);
  return flag.editor.edits();
}

export function setDefaultVariant(text: string, flagKey: string, variant: string): OffsetEdit[] {
  const flag = openFlag(text, flagKey);
  flag.requireVariant(variant);
  if (flag.definition.defaultVariant !== variant) flag.editor.set([...flag.path, 'defaultVariant'], variant);
  return flag.editor.edits();
}

/**
 * Sets the rollout, keeping users sticky: with a percentage, the variant order and the total
 * weight stay (see stickyRollout.ts); explicit weights replace the buckets as given. A new rollout
 * puts the chosen variant first and gives the rest to what everyone got before (the ladder's
 * fallback or the default variant).
 */
export function setRollout(text: string, flagKey: string, change: RolloutChange): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder, flag) => {
    const salt = ladder.rollout?.salt ?? flagKey;
    let weights: Weights;
    if ('weights' in change) {
      weights = checkedWeights(flag, change.weights);
    } else {
      flag.requireVariant(change.variant);
      // Users outside the chosen variant go where they go today: the fallback or the default variant.
      const rest = ladder.fallback ?? flag.definition.defaultVariant;
      const others =
        typeof rest === 'string' && rest !== change.variant && flag.isVariant(rest)
          ? [rest]
          : flag.variants.filter((name) => name !== change.variant);
      let current: Weights;
      if (!ladder.rollout) {
        const shares = shareOut(
          100,
          others.map(() => 0),
        );
        current = [
          [change.variant, 0],
          ...others.map((name, index): [string, number] => [name, shares[index]]),
        ];
      } else {
        current = ladder.rollout.weights.map(([name, weight]) => [name, weight]);
        // A rollout of the chosen variant alone: the others join it, with nobody yet.
        if (current.every(([name]) => name === change.variant))
          current.push(...others.map((name): [string, number] => [name, 0]));
      }
      weights = stickyWeights(current, change.variant, change.percent);
    }
    ladder.rollout = { salt, weights };
    ladder.fallback = null;
  });
}

export function addOverride(
  text: string,
  flagKey: string,
  override: { attribute?: string; value: string; variant: string },
): OffsetEdit[] {
  const attribute = override.attribute ?? TARGETING_KEY;
  return editLadder(text, flagKey, (ladder, flag) => {
    flag.requireVariant(override.variant);
    requireValue(override.value, attribute);
    const { exclusions } = ladder;
    if (exclusions && exclusions.attribute === attribute && exclusions.values.includes(override.value)) {
      throw new RegistryEditError(
        `${attribute} "${override.value}" is excluded from "${flagKey}", which wins over overrides; remove the exclusion first.`,
      );
    }
    // One override per user: a user moved to another variant leaves the old list.
    for (const entry of ladder.overrides) {
      if (entry.attribute === attribute && entry.variant !== override.variant) {
        entry.values = entry.values.filter((value) => value !== override.value);
      }
    }
    ladder.overrides = ladder.overrides.filter((entry) => entry.values.length > 0);
    const target = ladder.overrides.find(
      (entry) => entry.attribute === attribute && entry.variant === override.variant,
    );
    if (!target) ladder.overrides.push({ attribute, values: [override.value], variant: override.variant });
    else if (!target.values.includes(override.value)) target.values.push(override.value);
  });
}

export function removeOverride(
  text: string,
  flagKey: string,
  override: { attribute?: string; value: string },
): OffsetEdit[] {
  const attribute = override.attribute ?? TARGETING_KEY;
  return editLadder(text, flagKey, (ladder) => {
    const holding = ladder.overrides.filter(
      (entry) => entry.attribute === attribute && entry.values.includes(override.value),
    );
    if (holding.length === 0)
      throw new RegistryEditError(`${attribute} "${override.value}" has no override in "${flagKey}".`);
    for (const entry of holding) entry.values = entry.values.filter((value) => value !== override.value);
    ladder.overrides = ladder.overrides.filter((entry) => entry.values.length > 0);
  });
}

/** Excludes a user: served the off variant before any other rung. */
export function addExclusion(
  text: string,
  flagKey: string,
  value: string,
  attribute: string = TARGETING_KEY,
): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder, flag) => {
    requireValue(value, attribute);
    const { exclusions } = ladder;
    if (exclusions && exclusions.attribute !== attribute) {
      throw new RegistryEditError(
        `Exclusions of "${flagKey}" match on ${exclusions.attribute}; one attribute per exclusion list, so "${value}" cannot be excluded by ${attribute}.`,
      );
    }
    const overridden = ladder.overrides.find(
      (entry) => entry.attribute === attribute && entry.values.includes(value),
    );
    if (overridden) {
      throw new RegistryEditError(
        `${attribute} "${value}" has an override to "${overridden.variant}" in "${flagKey}"; remove the override first.`,
      );
    }
    if (exclusions?.values.includes(value)) return;
    ladder.exclusions = {
      attribute,
      values: [...(exclusions?.values ?? []), value],
      variant: exclusions?.variant ?? flag.offVariant(),
    };
  });
}

export function removeExclusion(
  text: string,
  flagKey: string,
  value: string,
  attribute: string = TARGETING_KEY,
): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder) => {
    const { exclusions } = ladder;
    if (!exclusions || exclusions.attribute !== attribute || !exclusions.values.includes(value)) {
      throw new RegistryEditError(`${attribute} "${value}" is not excluded from "${flagKey}".`);
    }
    const values = exclusions.values.filter((excluded) => excluded !== value);
    ladder.exclusions = values.length > 0 ? { ...exclusions, values } : undefined;
  });
}

/**
 * Serves `variant` to a segment (a `$evaluators` entry). With `rule`, a missing segment is
 * created; an existing one is never changed here, since other flags may use it.
 */
export function addSegment(
  text: string,
  flagKey: string,
  segment: { name: string; variant: string; rule?: JsonValue },
): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder, flag) => {
    flag.requireVariant(segment.variant);
    if (segment.name === '') throw new RegistryEditError('A segment needs a name.');
    const evaluators = flag.document.$evaluators;
    if (evaluators !== undefined && !isObject(evaluators))
      throw new RegistryEditError('"$evaluators" is not a JSON object.');
    const existing = evaluators && ownValue(evaluators, segment.name);
    if (segment.rule !== undefined) {
      if (!isObject(segment.rule))
        throw new RegistryEditError(`The rule of segment "${segment.name}" must be a JsonLogic object.`);
      if (existing === undefined) flag.editor.set(['$evaluators', segment.name], segment.rule);
      else if (!deepEqual(existing, segment.rule)) {
        throw new RegistryEditError(
          `Segment "${segment.name}" already exists with another rule; other flags may use it, so edit it in "$evaluators" or pick another name.`,
        );
      }
    } else if (existing === undefined) {
      throw new RegistryEditError(
        `There is no segment "${segment.name}" in "$evaluators"; give its rule to create it.`,
      );
    }
    const entry = ladder.segments.find((candidate) => candidate.name === segment.name);
    if (entry) entry.variant = segment.variant;
    else ladder.segments.push({ name: segment.name, variant: segment.variant });
  });
}

/** Stops serving a segment's variant; the segment stays in `$evaluators` for other flags. */
export function removeSegment(text: string, flagKey: string, name: string): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder) => {
    if (!ladder.segments.some((segment) => segment.name === name)) {
      throw new RegistryEditError(`"${flagKey}" does not target segment "${name}".`);
    }
    ladder.segments = ladder.segments.filter((segment) => segment.name !== name);
  });
}

/**
 * Limits the flag to a window of time: outside [from, until) it serves `variant` (the off
 * variant by default). Times are ISO 8601; one without a zone is read as UTC, like the times
 * Flaglens shows. The file holds unix seconds, what `$flagd.timestamp` is compared with.
 */
export function setTimeWindow(
  text: string,
  flagKey: string,
  window: { from?: string; until?: string; variant?: string } | undefined,
): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder, flag) => {
    if (window === undefined) {
      ladder.timeWindow = undefined;
      return;
    }
    const from = window.from === undefined ? undefined : unixSeconds(window.from);
    const until = window.until === undefined ? undefined : unixSeconds(window.until);
    if (from === undefined && until === undefined)
      throw new RegistryEditError('A time window needs a start or an end.');
    if (from !== undefined && until !== undefined && from >= until) {
      throw new RegistryEditError(
        `The time window of "${flagKey}" ends (${window.until}) before it starts (${window.from}).`,
      );
    }
    const variant = window.variant ?? ladder.timeWindow?.variant ?? flag.offVariant();
    flag.requireVariant(variant);
    ladder.timeWindow = {
      ...(from !== undefined && { from }),
      ...(until !== undefined && { until }),
      variant,
    };
  });
}

/**
 * Makes `flagKey` depend on another flag of the same file: recorded in `metadata.requires`
 * (`new-api=on`) and enforced by a ladder rung reading the context (see ladder.ts).
 */
export function setPrerequisite(
  text: string,
  flagKey: string,
  prerequisite: { flag: string; variant: string; elseVariant?: string },
): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder, flag) => {
    if (prerequisite.flag === flagKey)
      throw new RegistryEditError(`"${flagKey}" cannot be its own prerequisite.`);
    const required = flag.otherFlag(prerequisite.flag);
    if (!required)
      throw new RegistryEditError(`There is no flag "${prerequisite.flag}" in this file to depend on.`);
    const requiredVariants = isObject(required.variants) ? Object.keys(required.variants) : [];
    if (!requiredVariants.includes(prerequisite.variant)) {
      throw new RegistryEditError(
        `"${prerequisite.flag}" has no variant "${prerequisite.variant}" (it has ${listNames(requiredVariants)}).`,
      );
    }
    if (dependsOn(flag.document, prerequisite.flag, flagKey)) {
      throw new RegistryEditError(
        `"${prerequisite.flag}" already depends on "${flagKey}"; prerequisites cannot form a cycle.`,
      );
    }
    const existing = ladder.prerequisites.find((rung) => rung.flag === prerequisite.flag);
    const elseVariant = prerequisite.elseVariant ?? existing?.elseVariant ?? flag.offVariant();
    flag.requireVariant(elseVariant);
    const rung = { flag: prerequisite.flag, variant: prerequisite.variant, elseVariant };
    if (existing) Object.assign(existing, rung);
    else ladder.prerequisites.push(rung);
    const requires = flag.requires().filter((entry) => requirementFlag(entry) !== prerequisite.flag);
    flag.setRequires([...requires, `${prerequisite.flag}=${prerequisite.variant}`]);
  });
}

export function removePrerequisite(text: string, flagKey: string, prerequisiteFlag: string): OffsetEdit[] {
  return editLadder(text, flagKey, (ladder, flag) => {
    const requires = flag.requires();
    const kept = requires.filter((entry) => requirementFlag(entry) !== prerequisiteFlag);
    const hasRung = ladder.prerequisites.some((rung) => rung.flag === prerequisiteFlag);
    if (!hasRung && kept.length === requires.length) {
      throw new RegistryEditError(`"${flagKey}" does not depend on "${prerequisiteFlag}".`);
    }
    ladder.prerequisites = ladder.prerequisites.filter((rung) => rung.flag !== prerequisiteFlag);
    if (kept.length !== requires.length) flag.setRequires(kept);
  });
}

export function addFlag(text: string, flagKey: string, definition: NewFlag): OffsetEdit[] {
  const file = openFile(text);
  if (flagKey === '') throw new RegistryEditError('A flag needs a key.');
  if (file.flags && ownValue(file.flags, flagKey) !== undefined) {
    throw new RegistryEditError(`Flag "${flagKey}" already exists in this file.`);
  }
  const variantNames = Object.keys(definition.variants);
  if (variantNames.length === 0) throw new RegistryEditError(`Flag "${flagKey}" needs at least one variant.`);
  const kinds = new Set(Object.values(definition.variants).map(variantKind));
  if (kinds.has('invalid') || kinds.size > 1) {
    throw new RegistryEditError(
      `The variants of "${flagKey}" must all be booleans, all strings, all numbers or all objects (flagd rejects mixed variants).`,
    );
  }
  if (!variantNames.includes(definition.defaultVariant)) {
    throw new RegistryEditError(
      `The default variant "${definition.defaultVariant}" of "${flagKey}" is not one of its variants (${listNames(variantNames)}).`,
    );
  }
  if (definition.metadata) {
    for (const [key, value] of Object.entries(definition.metadata)) requireMetadataValue(key, value);
  }
  const value: JsonObject = {
    state: definition.state ?? 'ENABLED',
    variants: definition.variants,
    defaultVariant: definition.defaultVariant,
    ...(definition.targeting !== undefined && { targeting: definition.targeting }),
    ...(definition.metadata !== undefined && { metadata: definition.metadata }),
  };
  file.editor.set(['flags', flagKey], value, expandFlagDefinition);
  return file.editor.edits();
}

export function removeFlag(text: string, flagKey: string): OffsetEdit[] {
  const flag = openFlag(text, flagKey);
  flag.editor.remove(flag.path);
  return flag.editor.edits();
}

/**
 * Renames a flag. Rollout salts equal to the old key follow the new key (so the salt keeps
 * naming its flag), which re-buckets users; `keepSalt` keeps every user's bucket instead.
 * Prerequisites on the flag in other flags of the file (metadata and rungs) follow the rename.
 */
export function renameFlag(
  text: string,
  oldKey: string,
  newKey: string,
  options: { keepSalt?: boolean } = {},
): OffsetEdit[] {
  const flag = openFlag(text, oldKey);
  if (newKey === oldKey) return [];
  if (newKey === '') throw new RegistryEditError('A flag needs a key.');
  if (flag.otherFlag(newKey) !== undefined)
    throw new RegistryEditError(`Flag "${newKey}" already exists in this file.`);
  const { editor } = flag;
  const renamedPath: PropertyPath = ['flags', newKey];
  editor.renameKey(flag.path, newKey);
  if (!options.keepSalt && flag.definition.targeting !== undefined) {
    for (const path of saltPaths(flag.definition.targeting, oldKey)) {
      editor.set([...renamedPath, 'targeting', ...path], newKey);
    }
  }
  for (const [otherKey, other] of Object.entries(flag.flags)) {
    if (otherKey === oldKey || !isObject(other)) continue;
    const otherPath: PropertyPath = ['flags', otherKey];
    const metadata = other.metadata;
    if (isObject(metadata) && typeof metadata.requires === 'string') {
      const entries = splitRequires(metadata.requires);
      if (entries.some((entry) => requirementFlag(entry) === oldKey)) {
        const renamed = entries.map((entry) =>
          requirementFlag(entry) === oldKey
            ? `${newKey}=${entry.slice(entry.indexOf('=') + 1).trim()}`
            : entry,
        );
        editor.set([...otherPath, 'metadata', 'requires'], renamed.join(','));
      }
    }
    if (other.targeting !== undefined) {
      for (const path of prerequisiteVarPaths(other.targeting, oldKey)) {
        editor.set([...otherPath, 'targeting', ...path], `prerequisites.${newKey}`);
      }
    }
  }
  return editor.edits();
}

/** Sets (or with undefined, removes) one flag-level metadata value. */
export function setMetadata(
  text: string,
  flagKey: string,
  key: string,
  value: string | number | boolean | undefined,
): OffsetEdit[] {
  const flag = openFlag(text, flagKey);
  if (key === '') throw new RegistryEditError('A metadata entry needs a key.');
  const metadata = flag.definition.metadata;
  if (metadata !== undefined && !isObject(metadata))
    throw new RegistryEditError(`The metadata of "${flagKey}" is not a JSON object.`);
  if (value === undefined) {
    flag.removeMetadata(key);
  } else {
    requireMetadataValue(key, value);
    if (!metadata || ownValue(metadata, key) !== value)
      flag.editor.set([...flag.path, 'metadata', key], value);
  }
  return flag.editor.edits();
}

// ---------------------------------------------------------------------------------------------

interface OpenFile {
  editor: JsonTextEditor;
  document: JsonObject;
  flags: JsonObject | undefined;
}

function openFile(text: string): OpenFile {
  const shape = inspectJson(text);
  if (shape.tooDeepAt !== undefined) {
    const { line, character } = new LineIndex(text).positionAt(shape.tooDeepAt);
    throw new RegistryEditError(
      `The file is nested more than ${MAX_JSON_DEPTH} levels deep (at line ${line + 1}, column ${character + 1}); Flaglens does not edit it.`,
    );
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0) {
    const { line, character } = new LineIndex(text).positionAt(errors[0].offset);
    throw new RegistryEditError(
      `The file is not valid JSON (${printParseErrorCode(errors[0].error)} at line ${line + 1}, column ${character + 1}); fix it before editing.`,
    );
  }
  // An edit would change one of two equal keys, maybe the one flagd ignores: refuse instead.
  const [duplicate] = shape.duplicates;
  if (duplicate) {
    const { line, character } = new LineIndex(text).positionAt(duplicate.offset);
    throw new RegistryEditError(
      `The file has the key ${JSON.stringify(duplicate.key)} twice in one object (again at line ${line + 1}, column ${character + 1}); remove one before editing.`,
    );
  }
  const document = root ? (getNodeValue(root) as JsonValue) : undefined;
  if (!isObject(document))
    throw new RegistryEditError('The file is not a flagd file: its top level must be a JSON object.');
  const flags = document.flags;
  if (flags !== undefined && !isObject(flags)) throw new RegistryEditError('"flags" is not a JSON object.');
  return { editor: new JsonTextEditor(text), document, flags };
}

function openFlag(text: string, flagKey: string): FlagInFile {
  const file = openFile(text);
  const definition = file.flags && ownValue(file.flags, flagKey);
  if (definition === undefined) throw new RegistryEditError(`Flag "${flagKey}" is not defined in this file.`);
  if (!isObject(definition)) throw new RegistryEditError(`Flag "${flagKey}" is not a JSON object.`);
  return new FlagInFile(file, flagKey, definition);
}

/** One flag of an open file, with the checks every edit needs. */
class FlagInFile {
  readonly editor: JsonTextEditor;
  readonly document: JsonObject;
  readonly flags: JsonObject;
  readonly path: PropertyPath;
  readonly variants: string[];

  constructor(
    file: OpenFile,
    readonly key: string,
    readonly definition: JsonObject,
  ) {
    this.editor = file.editor;
    this.document = file.document;
    this.flags = file.flags ?? {};
    this.path = ['flags', key];
    this.variants = isObject(definition.variants) ? Object.keys(definition.variants) : [];
  }

  isVariant(name: string): boolean {
    return this.variants.includes(name);
  }

  requireVariant(name: string): void {
    if (!this.isVariant(name)) {
      throw new RegistryEditError(
        `"${this.key}" has no variant "${name}" (it has ${listNames(this.variants)}).`,
      );
    }
  }

  /**
   * What excluded users, users outside the time window and users failing a prerequisite get:
   * the `false` variant of a boolean flag, else the default variant.
   */
  offVariant(): string {
    const variants = isObject(this.definition.variants) ? this.definition.variants : {};
    const falseVariant = this.variants.find((name) => variants[name] === false);
    if (falseVariant !== undefined) return falseVariant;
    const { defaultVariant } = this.definition;
    if (typeof defaultVariant === 'string' && this.isVariant(defaultVariant)) return defaultVariant;
    if (this.isVariant('off')) return 'off';
    throw new RegistryEditError(`"${this.key}" has no off or default variant; name the variant to serve.`);
  }

  otherFlag(key: string): JsonObject | undefined {
    const other = ownValue(this.flags, key);
    return isObject(other) ? other : undefined;
  }

  /** `metadata.requires` as a list: `"a=on, b=off"` -> `["a=on", "b=off"]`. */
  requires(): string[] {
    const metadata = this.definition.metadata;
    const requires = isObject(metadata) ? metadata.requires : undefined;
    if (requires === undefined) return [];
    if (typeof requires !== 'string')
      throw new RegistryEditError(`metadata.requires of "${this.key}" is not a string; fix it by hand.`);
    return splitRequires(requires);
  }

  setRequires(entries: string[]): void {
    if (entries.length === 0) this.removeMetadata('requires');
    else this.editor.set([...this.path, 'metadata', 'requires'], entries.join(','));
  }

  /** Removes one metadata key, and the metadata object with its last key. */
  removeMetadata(key: string): void {
    const metadata = this.editor.valueAt([...this.path, 'metadata']);
    if (!isObject(metadata) || ownValue(metadata, key) === undefined) return;
    if (Object.keys(metadata).length === 1) this.editor.remove([...this.path, 'metadata']);
    else this.editor.remove([...this.path, 'metadata', key]);
  }
}

/** Parses the flag's ladder, lets `change` edit it, and writes the targeting back if it changed. */
function editLadder(
  text: string,
  flagKey: string,
  change: (ladder: TargetingLadder, flag: FlagInFile) => void,
): OffsetEdit[] {
  const flag = openFlag(text, flagKey);
  const current = flag.definition.targeting;
  const ladder = current === undefined || isObject(current) ? parseLadder(flagKey, current) : undefined;
  if (!ladder) {
    throw new RegistryEditError(
      `The targeting of "${flagKey}" is custom JSON, not Flaglens' rule ladder (exclusions, overrides, prerequisites, segments, time window, rollout), so it can only be edited as JSON.`,
    );
  }
  change(ladder, flag);
  const targeting = buildTargeting(flagKey, ladder);
  const targetingPath = [...flag.path, 'targeting'];
  if (targeting === undefined) flag.editor.remove(targetingPath);
  else if (current === undefined || !deepEqual(current, targeting))
    flag.editor.set(targetingPath, targeting, expandLadder);
  return flag.editor.edits();
}

/** Containers of a ladder shown one element per line: the chain and the rollout buckets. */
function expandLadder(path: ValuePath): boolean {
  if (path.length === 0) return true;
  if (path.length === 1) return path[0] === 'if' || path[0] === 'fractional';
  return path.length === 3 && path[0] === 'if' && path[2] === 'fractional';
}

function expandFlagDefinition(path: ValuePath): boolean {
  if (path.length === 0) return true;
  return path[0] === 'targeting' && expandLadder(path.slice(1));
}

function checkedWeights(flag: FlagInFile, weights: [string, number][]): Weights {
  if (weights.length === 0) throw new RegistryEditError('A rollout needs at least one variant.');
  const seen = new Set<string>();
  let total = 0;
  for (const [variant, weight] of weights) {
    flag.requireVariant(variant);
    if (seen.has(variant)) throw new RegistryEditError(`Variant "${variant}" appears twice in the rollout.`);
    seen.add(variant);
    if (!Number.isInteger(weight) || weight < 0) {
      throw new RegistryEditError(
        `The weight of "${variant}" must be a whole number of at least 0, not ${weight}.`,
      );
    }
    total += weight;
  }
  if (total === 0)
    throw new RegistryEditError('The rollout weights add up to 0; give at least one variant a weight.');
  if (total > MAX_TOTAL_WEIGHT)
    throw new RegistryEditError(
      `The rollout weights add up to ${total}, more than flagd allows (${MAX_TOTAL_WEIGHT}).`,
    );
  return weights.map(([variant, weight]) => [variant, weight]);
}

function requireValue(value: string, attribute: string): void {
  if (value === '') throw new RegistryEditError(`An empty ${attribute} cannot be targeted.`);
}

function requireMetadataValue(key: string, value: unknown): void {
  const ok =
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value));
  if (!ok)
    throw new RegistryEditError(
      `Metadata "${key}" must be a string, a number or a boolean (flagd allows nothing else).`,
    );
}

/** ISO 8601 (a date, or a date and time; UTC when no zone is given) as unix seconds. */
function unixSeconds(iso: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
    iso.trim(),
  );
  if (!match) throw new RegistryEditError(`"${iso}" is not an ISO 8601 time such as 2025-12-01T10:00:00Z.`);
  const [, date, time, zone] = match;
  const ms = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone ?? 'Z'}`);
  if (Number.isNaN(ms)) throw new RegistryEditError(`"${iso}" is not a valid time.`);
  // `$flagd.timestamp` is whole seconds: the first whole second at or after the instant keeps
  // `from` inclusive and `until` exclusive.
  return Math.ceil(ms / 1000);
}

function splitRequires(requires: string): string[] {
  return requires
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function requirementFlag(entry: string): string {
  const at = entry.indexOf('=');
  return (at < 0 ? entry : entry.slice(0, at)).trim();
}

/** True when `from` requires `target`, directly or through other flags' `metadata.requires`. */
function dependsOn(document: JsonObject, from: string, target: string): boolean {
  const flags = isObject(document.flags) ? document.flags : {};
  const seen = new Set<string>();
  const pending = [from];
  while (pending.length > 0) {
    const key = pending.pop() as string;
    if (key === target) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    const definition = ownValue(flags, key);
    const metadata = isObject(definition) ? definition.metadata : undefined;
    const requires = isObject(metadata) ? metadata.requires : undefined;
    if (typeof requires === 'string') pending.push(...splitRequires(requires).map(requirementFlag));
  }
  return false;
}

/** Paths (inside a targeting rule) of rollout salts equal to `flagKey`: `{"fractional": [{"cat": ["<flagKey>", ...]}, ...]}`. */
function saltPaths(targeting: JsonValue, flagKey: string): PropertyPath[] {
  const found: PropertyPath[] = [];
  walk(targeting, [], (node, path) => {
    if (!isObject(node) || !Array.isArray(node.fractional)) return;
    const bucketBy = node.fractional[0];
    if (isObject(bucketBy) && Array.isArray(bucketBy.cat) && bucketBy.cat[0] === flagKey) {
      found.push([...path, 'fractional', 0, 'cat', 0]);
    }
  });
  return found;
}

/** Paths of `"prerequisites.<flagKey>"` inside `{"var": ...}` nodes of a targeting rule. */
function prerequisiteVarPaths(targeting: JsonValue, flagKey: string): PropertyPath[] {
  const found: PropertyPath[] = [];
  walk(targeting, [], (node, path) => {
    if (isObject(node) && node.var === `prerequisites.${flagKey}`) found.push([...path, 'var']);
  });
  return found;
}

function walk(
  node: JsonValue,
  path: PropertyPath,
  visit: (node: JsonValue, path: PropertyPath) => void,
): void {
  visit(node, path);
  if (Array.isArray(node)) node.forEach((child, index) => walk(child, [...path, index], visit));
  else if (isObject(node))
    for (const [key, child] of Object.entries(node)) walk(child, [...path, key], visit);
}

function variantKind(value: JsonValue): string {
  if (typeof value === 'boolean' || typeof value === 'string') return typeof value;
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : 'invalid';
  return isObject(value) ? 'object' : 'invalid';
}

function listNames(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((name) => `"${name}"`).join(', ');
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own-property lookup: flag keys such as "constructor" must not hit Object.prototype. */
function ownValue(record: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => deepEqual(item, b[index]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => ownValue(b, key) !== undefined && deepEqual(a[key], b[key]))
  );
}
