/**
 * The flag registry as Flaglens sees it: OpenFeature flagd flag-definition files, one per
 * environment. Positions are 0-based (LSP style); the CLI adds one when it prints them.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A variant value as flagd allows it. */
export type VariantValue = boolean | string | number | JsonObject;
export type VariantType = 'boolean' | 'string' | 'number' | 'object';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
/** A place in a file: path relative to the workspace root, with a range. */
export interface Location {
  file: string;
  range: Range;
}

export type FlagState = 'ENABLED' | 'DISABLED';

export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

/** Lifecycle facts read from a flag's `metadata`. */
export interface FlagLifecycle {
  description?: string;
  owner?: string;
  type?: FlagType;
  createdAt?: string;
  expiresAt?: string;
  permanent?: boolean;
  /**
   * Retired (`metadata.archived: true`): kept in the file for the record, never to be read
   * again. Reads of it are reported; it is never unused, stale or missing.
   */
  archived?: boolean;
  /** Prerequisites such as `new-api=on`. */
  requires?: string[];
  experiment?: string;
}

/** One flag's entry in one environment file. */
export interface FlagDefinition {
  key: string;
  environment: string;
  file: string;
  state: FlagState;
  defaultVariant: string | null;
  variants: Record<string, VariantValue>;
  /** The variant type when all variants agree, else undefined. */
  variantType: VariantType | undefined;
  targeting: JsonObject | undefined;
  metadata: Record<string, JsonPrimitive>;
  lifecycle: FlagLifecycle;
  /** Range of the key string in the file. */
  keyRange: Range;
  /** Range of the whole flag object. */
  range: Range;
  /** Ranges of each variant name (for go-to and rename). */
  variantRanges: Record<string, Range>;
  /** Ranges of each metadata value (for diagnostics on lifecycle facts). */
  metadataRanges: Record<string, Range>;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem found in the registry or in code, always at a place. */
export interface Finding {
  file: string;
  range: Range;
  severity: Severity;
  /** Stable machine-readable code such as `registry/invalid-json`. */
  code: string;
  message: string;
  /** The flag this finding is about, when there is one. */
  flag?: string;
  data?: JsonObject;
}

/** One parsed registry file. */
export interface RegistryFile {
  file: string;
  environment: string;
  /** Hash of the text this was parsed from, to detect changes on disk. */
  version: string;
  flags: Map<string, FlagDefinition>;
  /** `$evaluators`: shared targeting fragments referenced with `$ref`. */
  evaluators: Record<string, JsonValue>;
  evaluatorRanges: Record<string, Range>;
  metadata: Record<string, JsonPrimitive>;
  /** Problems found in this file alone. */
  findings: Finding[];
  /** True when the file could not be used at all (not JSON, not an object...). */
  unusable: boolean;
}

/** A flag across environments: the union of its entries. */
export interface FlagSummary {
  key: string;
  definitions: FlagDefinition[];
  variantType: VariantType | undefined;
  lifecycle: FlagLifecycle;
}
