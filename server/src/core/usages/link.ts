/**
 * Turns one file's facts into usages, following imports into other files' facts: which calls are
 * flag APIs (SDK methods, hooks, configured and detected wrappers) and which keys they read.
 * Linking never parses; it records the files it consulted so that a change to one of them
 * re-links this file.
 */
import type { SdkPreset } from '../../../../shared/src/config';
import type { JsonPrimitive, Range } from '../../../../shared/src/registryModel';
import type { ExpectedType, FlagUsage, KeyResolution } from '../../../../shared/src/usage';
import { camelCaseFlagKey } from './camelCase';
import type {
  ArgumentFact,
  CallSite,
  ClassFact,
  Fact,
  FileFacts,
  FlagsObjectRead,
  ObjectFact,
} from './facts';
import { isRelativeSpecifier, resolveRelativeModule } from './moduleResolution';
import type { ApiCatalog, ApiSpec, ExpectedTypeRule } from './presets';

/** A function that forwards one of its parameters as the key of a flag API call. */
export interface DetectedWrapper {
  /** The function's index in its file's facts. */
  fn: number;
  name: string;
  keyArg: number;
  /** The parameter forwarded as the default, when there is one. */
  defaultArg?: number;
  sdk: string;
  /** The API the wrapper calls. */
  innerApi: string;
  type: ExpectedTypeRule;
  /** The default the wrapper passes itself, when it does not forward one. */
  innerDefault?: DefaultValue;
}

interface DefaultValue {
  text: string;
  literal?: JsonPrimitive;
  literalType?: ArgumentFact['literalType'];
}

export interface LinkEnvironment {
  catalog: ApiCatalog;
  /** Facts of a parsed file. */
  factsOf(file: string): FileFacts | undefined;
  /** True when the file exists in the workspace (parsed or not). */
  isKnown(file: string): boolean;
  /** The wrappers other files were found to define when they were last linked. */
  wrappersOf(file: string): ReadonlyMap<number, DetectedWrapper> | undefined;
  /** Names of detected wrappers anywhere: calls by these names are worth loading files for. */
  isWrapperName(name: string): boolean;
}

export interface LinkResult {
  usages: FlagUsage[];
  wrappers: Map<number, DetectedWrapper>;
  /** Names wrappers are called by: their own, and the names this file exports them under (re-exports included). */
  wrapperNames: string[];
  /** Every path consulted, existing or not: a change there may change this result. */
  dependencies: Set<string>;
  /**
   * Paths a flag call's resolution needs parsed: files consulted for a key or an API, and the
   * paths probed for them that do not exist yet.
   */
  needed: Set<string>;
}

type Resolved =
  | { k: 'str'; value: string; file: string; range: Range }
  | { k: 'obj'; file: string; fact: ObjectFact }
  | { k: 'ns'; file: string }
  | { k: 'fn'; file: string; id: number }
  | { k: 'class'; file: string; fact: ClassFact }
  | { k: 'instance'; file: string; fact: ClassFact }
  | { k: 'client'; sdk: SdkPreset }
  | { k: 'sdk'; sdk: SdkPreset; path: string }
  | { k: 'param'; file: string; fn: number; index: number; type?: Fact }
  | { k: 'unknown' };

const NOTHING: Resolved = { k: 'unknown' };
/** Deeper chains than this are cycles in practice (`a` re-exports `b` re-exports `a`). */
const MAX_DEPTH = 64;

interface ApiMatch {
  sdk: string;
  api: string;
  keyArg: number;
  defaultArg: number | undefined;
  type: ExpectedTypeRule;
  /** Wrappers (configured or detected) make `wrapper` usages. */
  isWrapper: boolean;
  innerDefault?: DefaultValue;
}

export function linkFile(facts: FileFacts, env: LinkEnvironment): LinkResult {
  return new Linker(facts, env).link();
}

class Linker {
  private readonly dependencies = new Set<string>();
  private readonly needed = new Set<string>();
  private readonly wrappers = new Map<number, DetectedWrapper>();
  private readonly moduleCache = new Map<string, { file: string | undefined; probed: string[] }>();

  constructor(
    private readonly facts: FileFacts,
    private readonly env: LinkEnvironment,
  ) {}

  link(): LinkResult {
    let usages: FlagUsage[] = [];
    // Wrappers calling wrappers of the same file are found over a few rounds.
    for (let round = 0; round <= this.facts.functions.length + 1; round++) {
      const before = wrapperSignature(this.wrappers);
      usages = [];
      for (const call of this.facts.calls) {
        const usage = this.linkCall(call);
        if (usage) usages.push(usage);
      }
      if (wrapperSignature(this.wrappers) === before) break;
    }
    for (const read of this.facts.flagsObjectReads) {
      const usage = this.linkFlagsObjectRead(read);
      if (usage) usages.push(usage);
    }
    usages.sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    return {
      usages,
      wrappers: this.wrappers,
      wrapperNames: this.wrapperNames(),
      dependencies: this.dependencies,
      needed: this.needed,
    };
  }

  private wrapperNames(): string[] {
    const names = new Set<string>();
    for (const wrapper of this.wrappers.values()) names.add(wrapper.name);
    for (const [name, fact] of this.facts.exports) {
      if (fact.k !== 'fn' && fact.k !== 'import') continue;
      const target = this.resolve(fact, this.facts.file, false);
      if (target.k !== 'fn' || !this.wrapperAt(target.file, target.id)) continue;
      // A default export is imported under any name, but the import names this module's path.
      names.add(name === 'default' ? moduleStem(this.facts.file) : name);
    }
    return [...names].filter(Boolean).sort();
  }

  // ---- resolution

  private resolveModule(fromFile: string, specifier: string, demand: boolean): string | undefined {
    const cacheKey = `${fromFile}\0${specifier}`;
    let resolution = this.moduleCache.get(cacheKey);
    if (!resolution) {
      resolution = resolveRelativeModule(fromFile, specifier, (candidate) => this.env.isKnown(candidate));
      this.moduleCache.set(cacheKey, resolution);
      for (const path of resolution.probed) this.dependencies.add(path);
      if (resolution.file) this.dependencies.add(resolution.file);
    }
    // A file created at a probed path later must be parsed when it arrives.
    if (demand) for (const path of resolution.probed) this.needed.add(path);
    return resolution.file;
  }

  private resolve(fact: Fact, file: string, demand: boolean, depth = 0): Resolved {
    if (depth > MAX_DEPTH) return NOTHING;
    switch (fact.k) {
      case 'str':
        return { k: 'str', value: fact.value, file, range: fact.range };
      case 'obj':
        return { k: 'obj', file, fact };
      case 'fn':
        return { k: 'fn', file, id: fact.id };
      case 'class':
        return { k: 'class', file, fact };
      case 'param':
        return {
          k: 'param',
          file,
          fn: fact.fn,
          index: fact.index,
          ...(fact.type ? { type: fact.type } : {}),
        };
      case 'import':
        return this.resolveImport(file, fact.module, fact.name, demand, depth + 1);
      case 'member':
        return (
          this.member(this.resolve(fact.of, file, demand, depth + 1), fact.name, demand, depth + 1) ?? NOTHING
        );
      case 'call': {
        const callee = this.resolve(fact.callee, file, demand, depth + 1);
        if (callee.k === 'sdk' && this.env.catalog.isFactory(callee.sdk, callee.path))
          return { k: 'client', sdk: callee.sdk };
        return NOTHING;
      }
      case 'instance': {
        const of = this.resolve(fact.of, file, demand, depth + 1);
        if (of.k === 'class') return { k: 'instance', file: of.file, fact: of.fact };
        if (of.k === 'sdk' && this.env.catalog.isClientType(of.sdk, of.path))
          return { k: 'client', sdk: of.sdk };
        return NOTHING;
      }
      default:
        return NOTHING;
    }
  }

  private resolveImport(
    fromFile: string,
    module: string,
    name: string,
    demand: boolean,
    depth: number,
  ): Resolved {
    if (isRelativeSpecifier(module)) {
      const target = this.resolveModule(fromFile, module, demand);
      if (target === undefined) return NOTHING;
      return this.exportOf(target, name, demand, depth) ?? NOTHING;
    }
    const sdk = this.env.catalog.sdkOfModule(module);
    if (!sdk) return NOTHING;
    return { k: 'sdk', sdk, path: name === '*' || name === 'default' ? '' : name };
  }

  /** What `file` exports as `name`; undefined when it does not export it at all. */
  private exportOf(file: string, name: string, demand: boolean, depth: number): Resolved | undefined {
    if (depth > MAX_DEPTH) return NOTHING;
    this.dependencies.add(file);
    if (demand) this.needed.add(file);
    const facts = this.env.factsOf(file);
    if (!facts) return NOTHING;
    if (name === '*') {
      return facts.commonJsExport
        ? this.resolve(facts.commonJsExport, file, demand, depth + 1)
        : { k: 'ns', file };
    }
    const fact = facts.exports.get(name);
    if (fact) return this.resolve(fact, file, demand, depth + 1);
    if (facts.commonJsExport) {
      const namespace = this.resolve(facts.commonJsExport, file, demand, depth + 1);
      return name === 'default' ? namespace : this.member(namespace, name, demand, depth + 1);
    }
    if (name === 'default') return undefined;
    for (const specifier of facts.starExports) {
      if (!isRelativeSpecifier(specifier)) {
        const sdk = this.env.catalog.sdkOfModule(specifier);
        // `export * from '@openfeature/react-sdk'`: the hooks pass through under their names.
        if (sdk) return { k: 'sdk', sdk, path: name };
        continue;
      }
      const target = this.resolveModule(file, specifier, demand);
      if (target === undefined) continue;
      const found = this.exportOf(target, name, demand, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /** The member `name` of a resolved value; undefined when it certainly has no such member. */
  private member(of: Resolved, name: string, demand: boolean, depth: number): Resolved | undefined {
    if (depth > MAX_DEPTH) return NOTHING;
    switch (of.k) {
      case 'obj': {
        const entries = of.fact.entries;
        for (let index = entries.length - 1; index >= 0; index--) {
          const entry = entries[index];
          if ('spread' in entry) {
            const spread = this.resolve(entry.spread, of.file, demand, depth + 1);
            if (spread.k !== 'obj' && spread.k !== 'ns') return NOTHING; // it may hold anything
            const found = this.member(spread, name, demand, depth + 1);
            if (found) return found;
          } else if (entry.name === name) return this.resolve(entry.value, of.file, demand, depth + 1);
        }
        return undefined;
      }
      case 'ns':
        return this.exportOf(of.file, name, demand, depth + 1);
      case 'class':
      case 'instance': {
        const method = of.fact.methods[name];
        if (method !== undefined) return { k: 'fn', file: of.file, id: method };
        const property = of.fact.properties[name];
        return property ? this.resolve(property, of.file, demand, depth + 1) : NOTHING;
      }
      case 'sdk':
        return { k: 'sdk', sdk: of.sdk, path: of.path ? `${of.path}.${name}` : name };
      case 'param':
        return of.type
          ? this.member(this.resolve(of.type, of.file, demand, depth + 1), name, demand, depth + 1)
          : NOTHING;
      default:
        return NOTHING;
    }
  }

  /** A receiver's value: a typed parameter counts as an instance of its type. */
  private resolveReceiver(fact: Fact, demand: boolean): Resolved {
    const resolved = this.resolve(fact, this.facts.file, demand);
    if (resolved.k === 'param' && resolved.type) return this.resolve(resolved.type, resolved.file, demand);
    return resolved;
  }

  // ---- APIs

  private wrapperAt(file: string, fn: number): DetectedWrapper | undefined {
    return file === this.facts.file ? this.wrappers.get(fn) : this.env.wrappersOf(file)?.get(fn);
  }

  private isWorthLoading(name: string): boolean {
    return this.env.catalog.callNames.has(name) || this.env.isWrapperName(name);
  }

  private sdkApi(sdk: SdkPreset, spec: ApiSpec, args: readonly ArgumentFact[]): ApiMatch {
    return {
      sdk,
      api: spec.name,
      keyArg: typeof spec.keyArg === 'number' ? spec.keyArg : spec.keyArg(args),
      defaultArg: spec.defaultArg?.(args.length, args),
      type: spec.type,
      isWrapper: false,
    };
  }

  private fromTarget(target: Resolved, call: CallSite): ApiMatch | undefined {
    if (target.k === 'fn') {
      const wrapper = this.wrapperAt(target.file, target.id);
      if (!wrapper) return undefined;
      return {
        sdk: wrapper.sdk,
        // An anonymous default export is known by the name it is imported under.
        api: wrapper.name === 'default' ? call.name : wrapper.name,
        keyArg: wrapper.keyArg,
        defaultArg: wrapper.defaultArg,
        type: wrapper.type,
        isWrapper: true,
        ...(wrapper.innerDefault ? { innerDefault: wrapper.innerDefault } : {}),
      };
    }
    if (target.k === 'sdk') {
      const spec = this.env.catalog.functionAt(target.sdk, target.path);
      if (spec) return this.sdkApi(target.sdk, spec, call.args);
    }
    return undefined;
  }

  private identify(call: CallSite): ApiMatch | undefined {
    const catalog = this.env.catalog;
    if (call.configuredWrapper !== undefined) {
      const configured = catalog.wrappers[call.configuredWrapper];
      return {
        sdk: 'custom',
        api: configured.function,
        keyArg: configured.keyArg,
        defaultArg: configured.defaultArg,
        type: configured.returns ?? 'fromDefault',
        isWrapper: true,
      };
    }
    const demand = this.isWorthLoading(call.name);
    if (call.isMethod && call.callee.k === 'member') {
      const methods = catalog.methodsNamed(call.name);
      const specific = catalog.specificMethod(call.name, this.facts.importedSdks);
      const receiver = this.resolveReceiver(call.callee.of, demand);
      // SDK-specific names count on any receiver, except one known to be something of this
      // project's own (a local object or class instance): `prefs.getBooleanValue(...)` on a
      // Preferences class is not a flag read, unless that method forwards to an SDK (below).
      const ownValue =
        receiver.k === 'obj' ||
        receiver.k === 'instance' ||
        receiver.k === 'class' ||
        receiver.k === 'fn' ||
        receiver.k === 'str';
      if (specific && !ownValue) return this.sdkApi(specific.sdk, specific, call.args);
      // A wrapper method (or an SDK function reached through a namespace) on a known receiver.
      const target = this.member(receiver, call.name, demand, 0);
      const viaTarget = target ? this.fromTarget(target, call) : undefined;
      if (viaTarget) return viaTarget;
      // Common names: a client of the SDK, or, on a receiver of unknown kind, the receiver's name or the file's imports.
      const opaque = receiver.k === 'unknown' || receiver.k === 'param';
      for (const method of methods) {
        if (receiver.k === 'client') {
          if (receiver.sdk === method.sdk) return this.sdkApi(method.sdk, method, call.args);
          continue;
        }
        if (!opaque) continue;
        const namePattern = catalog.preset(method.sdk)?.receiverName;
        const named = call.receiverName !== undefined && (namePattern?.test(call.receiverName) ?? false);
        if (named || this.facts.importedSdks.includes(method.sdk))
          return this.sdkApi(method.sdk, method, call.args);
      }
      return undefined;
    }
    return this.fromTarget(this.resolve(call.callee, this.facts.file, demand), call);
  }

  private keyResolution(argument: ArgumentFact): Exclude<KeyResolution, 'wrapper' | 'dynamic'> {
    switch (argument.form) {
      case 'literal':
      case 'template':
      case 'const':
      case 'imported-const':
      case 'destructured':
        return argument.form;
      case 'member': {
        if (argument.fact.k !== 'member') return 'object-member';
        const container = this.resolve(argument.fact.of, this.facts.file, false);
        if (container.k === 'obj' && container.fact.isEnum) return 'enum-member';
        if (container.k === 'ns') return 'imported-const';
        return 'object-member';
      }
      default:
        return 'const';
    }
  }

  private linkCall(call: CallSite): FlagUsage | undefined {
    const match = this.identify(call);
    if (!match) return undefined;
    const keyArgument = call.args[match.keyArg];
    if (!keyArgument) return undefined;
    const defaultArgument = match.defaultArg !== undefined ? call.args[match.defaultArg] : undefined;
    const key = this.resolve(keyArgument.fact, this.facts.file, true);

    if (key.k === 'param' && key.file === this.facts.file) {
      const fn = this.facts.functions[key.fn];
      // Only a function callable by name can be a wrapper; an anonymous callback's key is dynamic.
      if (fn?.name !== undefined) {
        this.recordWrapper(key.fn, fn.name, key.index, match, defaultArgument);
        return undefined;
      }
    }

    const innerDefault: DefaultValue | undefined = defaultArgument
      ? {
          text: defaultArgument.text,
          literal: defaultArgument.literal,
          literalType: defaultArgument.literalType,
        }
      : match.innerDefault;
    const usage: FlagUsage = {
      flag: key.k === 'str' ? key.value : null,
      file: this.facts.file,
      range: call.range,
      keyRange: keyArgument.range,
      sdk: match.sdk,
      api: match.api,
      resolution: 'dynamic',
      expectedType: expectedType(match.type, innerDefault?.literalType),
      keyText: keyArgument.text,
      keyIsLiteral: key.k === 'str' && (keyArgument.form === 'literal' || keyArgument.form === 'template'),
    };
    if (innerDefault) {
      usage.defaultValue = innerDefault.text;
      if (innerDefault.literal !== undefined) usage.defaultLiteral = innerDefault.literal;
    }
    if (key.k === 'str') {
      const how = this.keyResolution(keyArgument);
      if (match.isWrapper) {
        usage.resolution = 'wrapper';
        usage.keyResolution = how;
      } else usage.resolution = how;
      if (!usage.keyIsLiteral) usage.keyOrigin = { file: key.file, range: key.range };
    }
    return usage;
  }

  private recordWrapper(
    fn: number,
    name: string,
    keyArg: number,
    match: ApiMatch,
    defaultArgument: ArgumentFact | undefined,
  ): void {
    if (this.wrappers.has(fn)) return; // the first forwarding call defines it
    const wrapper: DetectedWrapper = {
      fn,
      name,
      keyArg,
      sdk: match.sdk,
      innerApi: match.api,
      type: match.type,
    };
    const forwarded = defaultArgument
      ? this.resolve(defaultArgument.fact, this.facts.file, false)
      : undefined;
    if (forwarded?.k === 'param' && forwarded.fn === fn) {
      wrapper.defaultArg = forwarded.index;
    } else {
      const innerDefault = defaultArgument
        ? {
            text: defaultArgument.text,
            literal: defaultArgument.literal,
            literalType: defaultArgument.literalType,
          }
        : match.innerDefault;
      if (innerDefault) wrapper.innerDefault = innerDefault;
      // The call sites cannot change the default, so they cannot change the type either.
      wrapper.type = expectedType(match.type, innerDefault?.literalType);
    }
    this.wrappers.set(fn, wrapper);
  }

  private linkFlagsObjectRead(read: FlagsObjectRead): FlagUsage | undefined {
    const hook = this.resolve(read.hook, this.facts.file, true);
    if (hook.k !== 'sdk' || !this.env.catalog.isFlagsObjectHook(hook.sdk, hook.path)) return undefined;
    // Identifiers are camelCased keys; a quoted key is the key itself unless it is camelCase already.
    const camelCaseKey = read.name !== null && (read.identifier || camelCaseFlagKey(read.name) === read.name);
    const usage: FlagUsage = {
      flag: read.name,
      file: this.facts.file,
      range: read.range,
      keyRange: read.keyRange,
      sdk: hook.sdk,
      api: read.hookName,
      resolution: read.name === null ? 'dynamic' : read.destructured ? 'destructured' : 'object-member',
      expectedType: expectedType('fromDefault', read.defaultType),
      keyText: read.keyText,
      keyIsLiteral: read.name !== null && !camelCaseKey,
    };
    if (camelCaseKey) usage.camelCaseKey = true;
    if (read.defaultText !== undefined) {
      usage.defaultValue = read.defaultText;
      if (read.defaultLiteral !== undefined) usage.defaultLiteral = read.defaultLiteral;
    }
    return usage;
  }
}

function expectedType(rule: ExpectedTypeRule, defaultType: ArgumentFact['literalType']): ExpectedType {
  return rule === 'fromDefault' ? (defaultType ?? 'any') : rule;
}

/** `src/check.ts` -> `check`; `src/check/index.ts` -> `check`. */
function moduleStem(file: string): string {
  const parts = file.split('/');
  const base = (parts.pop() ?? '').replace(/\.[^.]*$/, '');
  return base === 'index' ? (parts.pop() ?? '') : base;
}

export function wrapperSignature(wrappers: ReadonlyMap<number, DetectedWrapper>): string {
  return JSON.stringify([...wrappers.values()].sort((a, b) => a.fn - b.fn));
}
