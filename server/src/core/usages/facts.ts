/**
 * What the extractor keeps of a parsed file: small, AST-free facts. Local names are already
 * resolved through the file's scopes; what refers to other files stays symbolic (`import`) and is
 * resolved when linking, so editing one file re-links its dependents without re-parsing them.
 */
import type { JsonPrimitive, Range } from '../../../../shared/src/registryModel';

/** A statically known value, or the recipe to find it in other files. */
export type Fact =
  | StringFact
  | ObjectFact
  | ImportFact
  | MemberFact
  | CallFact
  | InstanceFact
  | FunctionFact
  | ClassFact
  | ParamFact
  | UnknownFact;

/** A string literal or a template literal without substitutions. */
export interface StringFact {
  k: 'str';
  value: string;
  /** The literal's range, quotes included. */
  range: Range;
}

/** An object literal or an enum. Later entries win, as in JavaScript. */
export interface ObjectFact {
  k: 'obj';
  isEnum: boolean;
  entries: ObjectEntry[];
}

export type ObjectEntry = { name: string; value: Fact } | { spread: Fact };

/** A binding imported from a module: `name` is an export name, `default`, or `*` for the namespace. */
export interface ImportFact {
  k: 'import';
  module: string;
  name: string;
}

export interface MemberFact {
  k: 'member';
  of: Fact;
  name: string;
}

/** The result of calling something (a client factory, a hook). */
export interface CallFact {
  k: 'call';
  callee: Fact;
}

/** An instance of a class or SDK type: `new X()`, a binding declared `: X`, or `this`. */
export interface InstanceFact {
  k: 'instance';
  of: Fact;
}

/** A function of this file, by its index in `FileFacts.functions`. */
export interface FunctionFact {
  k: 'fn';
  id: number;
}

export interface ClassFact {
  k: 'class';
  /** Methods (static and instance) by name, as function indexes. */
  methods: Record<string, number>;
  /** Properties with a known value or declared type, by name. */
  properties: Record<string, Fact>;
}

/** A parameter of one of this file's functions. */
export interface ParamFact {
  k: 'param';
  fn: number;
  index: number;
  /** The declared type, evidence of what a receiver parameter holds (`client: LDClient`). */
  type?: Fact;
}

export interface UnknownFact {
  k: 'unknown';
}

export const UNKNOWN: UnknownFact = { k: 'unknown' };

/** How a key expression is written, before linking says what it refers to. */
export type KeyForm =
  'literal' | 'template' | 'const' | 'imported-const' | 'destructured' | 'member' | 'other';

/** One argument of a candidate call. */
export interface ArgumentFact {
  /** What the argument refers to; only evaluated for expressions that may be keys. */
  fact: Fact;
  form: KeyForm;
  /** Source text (shortened when long). */
  text: string;
  range: Range;
  /** The value when the argument is a primitive literal. */
  literal?: JsonPrimitive;
  /** The type its literal form shows (`'x'` string, `{}` object), for APIs typed by their default. */
  literalType?: 'boolean' | 'string' | 'number' | 'object';
}

/** A call that may read a flag: an SDK API, a configured wrapper, or a possible detected wrapper. */
export interface CallSite {
  /** For method calls a `member` fact of the receiver; else what the callee refers to. */
  callee: Fact;
  /** The called name: method name or function name. */
  name: string;
  isMethod: boolean;
  /** The receiver's last name (`this.ldClient.variation` -> `ldClient`), evidence for common methods. */
  receiverName?: string;
  /** Index in the catalog's configured wrappers, when the callee matches one. */
  configuredWrapper?: number;
  args: ArgumentFact[];
  range: Range;
}

/** A read of a flags object returned by a hook such as LaunchDarkly's `useFlags()`. */
export interface FlagsObjectRead {
  /** What the hook refers to (checked when linking to be the SDK's hook). */
  hook: Fact;
  hookName: string;
  /** The property name read; null when computed at run time. */
  name: string | null;
  /** True when written as an identifier (`flags.newCheckout`, `{ newCheckout }`). */
  identifier: boolean;
  destructured: boolean;
  keyText: string;
  keyRange: Range;
  range: Range;
  defaultText?: string;
  defaultLiteral?: JsonPrimitive;
  defaultType?: ArgumentFact['literalType'];
}

export interface FunctionInfo {
  /** The name it is called by; undefined for anonymous callbacks, which cannot be wrappers. */
  name: string | undefined;
  /** True for class and object-literal methods. */
  isMethod: boolean;
  /** Range of the name (or of the function when anonymous). */
  range: Range;
}

export interface FileFacts {
  file: string;
  /** Exports by name (`default` included). Re-exports are `import` facts. */
  exports: Map<string, Fact>;
  /** Specifiers of `export * from '...'`. */
  starExports: string[];
  /** CommonJS `module.exports = ...`, which is the module namespace when present. */
  commonJsExport?: Fact;
  functions: FunctionInfo[];
  calls: CallSite[];
  flagsObjectReads: FlagsObjectRead[];
  /** SDKs whose modules this file imports: evidence for their common-named methods. */
  importedSdks: string[];
}
