import type { Location, Range } from './registryModel';

/** How a usage's key was found. */
export type KeyResolution =
  | 'literal'
  | 'template'
  | 'const'
  | 'imported-const'
  | 'enum-member'
  | 'object-member'
  | 'destructured'
  | 'wrapper'
  | 'dynamic';

export type ExpectedType = 'boolean' | 'string' | 'number' | 'object' | 'any';

/** One place in code that reads a flag. */
export interface FlagUsage {
  /** The flag key, or null when it cannot be resolved statically (a dynamic usage). */
  flag: string | null;
  file: string;
  /** Range of the whole call (or destructured name) in the file. */
  range: Range;
  /** Range of the key expression (where rename and completion act). */
  keyRange: Range;
  sdk: string;
  /** The API that was called, e.g. `getBooleanValue`, `useFlags`, or a wrapper's name. */
  api: string;
  resolution: KeyResolution;
  expectedType: ExpectedType;
  /** The call-site default as source text, when there is one. */
  defaultValue?: string;
  /** The default parsed as JSON when it is a literal. */
  defaultLiteral?: boolean | string | number | null;
  /** Source text of the key expression (for dynamic usages, what could not be resolved). */
  keyText: string;
  /** True when the key range holds the literal key text itself, so rename may edit it. */
  keyIsLiteral: boolean;
  /** True when `flag` is LaunchDarkly's camelCased form of the registry key (React `useFlags()`). */
  camelCaseKey?: boolean;
  /** For `wrapper` usages: how the key argument was resolved at the call site. */
  keyResolution?: KeyResolution;
  /**
   * Where the key's string is written when that is not at the call site (a constant, an enum or
   * object member, possibly in another file): the string literal's range, quotes included.
   */
  keyOrigin?: Location;
}
