/**
 * The flag APIs of the SDKs Flaglens recognises, as their vendors document them, and the catalog
 * the extractor and the linker look them up in.
 *
 * Evidence rule (what makes a call a usage):
 * - A method whose name only a flag SDK uses (`getBooleanValue`, `boolVariation`,
 *   `getFeatureValue`, ...) counts on any receiver.
 * - A method with a common name (`isEnabled`, `getVariant`, `variation`, `isOn`, `isOff`) counts
 *   when the receiver is a client of that SDK (made by its factory or constructor, or declared
 *   with its client type, in this file or exported by another). When the receiver's kind is
 *   unknown (an untyped parameter, a property chain), the receiver's name (`unleash`,
 *   `ldClient`, `gb`, ...) or an import of that SDK in the file is evidence enough. A receiver
 *   known to be something else (a local class instance, an object literal) never counts; a
 *   wrapper method found on it does.
 * - A hook or free function (`useFlag`, `useFeatureIsOn`, Unleash's `isEnabled`) counts only when
 *   it is imported from the SDK's package, directly or through local re-exports.
 * - Configured wrappers count wherever they are called; detected wrappers (named functions
 *   forwarding a parameter to a flag API) count where a call reaches them through scope or imports.
 */
import type { SdkPreset, WrapperConfig } from '../../../../shared/src/config';
import type { ExpectedType } from '../../../../shared/src/usage';

/** `fromDefault`: the API is generic; the type is the call-site default's, when it is a literal. */
export type ExpectedTypeRule = ExpectedType | 'fromDefault';

export interface ApiSpec {
  sdk: SdkPreset;
  /** The name as the SDK exports it (a method name, or a hook/function name). */
  name: string;
  keyArg: number;
  /** Where the call-site default is, given the number of arguments. */
  defaultArg?: (argumentCount: number) => number | undefined;
  type: ExpectedTypeRule;
}

export interface MethodSpec extends ApiSpec {
  /** True when no other library is likely to have a method of this name. */
  specific: boolean;
}

export interface PresetSpec {
  sdk: SdkPreset;
  /** Package names or prefixes (ending in `/` or `-`) of the SDK's modules. */
  modules: string[];
  methods: MethodSpec[];
  /** Hooks and free functions exported by the SDK's modules. */
  functions: ApiSpec[];
  /** Hooks returning an object of all flags, read by property (LaunchDarkly's `useFlags`). */
  flagsObjectHooks: string[];
  /** Exported paths whose call returns a client (`init`, `OpenFeature.getClient`). */
  factories: string[];
  /** Exported classes and types whose instances are clients. */
  clientTypes: string[];
  /** Receiver names that are evidence enough for the SDK's common-named methods. */
  receiverName?: RegExp;
}

const at =
  (index: number) =>
  (count: number): number | undefined =>
    count > index ? index : undefined;

/** LaunchDarkly: server SDKs take `(key, context, default)`, client SDKs `(key, default)`. */
const launchDarklyDefault = (count: number): number | undefined =>
  count >= 3 ? 2 : count === 2 ? 1 : undefined;

function typedApis(
  sdk: SdkPreset,
  names: Record<string, ExpectedTypeRule>,
  keyArg: number,
  defaultArg: ((count: number) => number | undefined) | undefined,
): ApiSpec[] {
  return Object.entries(names).map(([name, type]) => ({ sdk, name, keyArg, defaultArg, type }));
}

function methods(apis: ApiSpec[], specific: boolean): MethodSpec[] {
  return apis.map((api) => ({ ...api, specific }));
}

export const PRESETS: Record<SdkPreset, PresetSpec> = {
  openfeature: {
    sdk: 'openfeature',
    modules: ['@openfeature/'],
    methods: methods(
      typedApis(
        'openfeature',
        {
          getBooleanValue: 'boolean',
          getStringValue: 'string',
          getNumberValue: 'number',
          getObjectValue: 'object',
          getBooleanDetails: 'boolean',
          getStringDetails: 'string',
          getNumberDetails: 'number',
          getObjectDetails: 'object',
        },
        0,
        at(1),
      ),
      true,
    ),
    functions: typedApis(
      'openfeature',
      {
        useFlag: 'fromDefault',
        useSuspenseFlag: 'fromDefault',
        useBooleanFlagValue: 'boolean',
        useStringFlagValue: 'string',
        useNumberFlagValue: 'number',
        useObjectFlagValue: 'object',
        useBooleanFlagDetails: 'boolean',
        useStringFlagDetails: 'string',
        useNumberFlagDetails: 'number',
        useObjectFlagDetails: 'object',
      },
      0,
      at(1),
    ),
    flagsObjectHooks: [],
    factories: ['OpenFeature.getClient', 'useOpenFeatureClient'],
    clientTypes: ['Client', 'OpenFeatureClient'],
  },
  launchdarkly: {
    sdk: 'launchdarkly',
    modules: ['launchdarkly-', '@launchdarkly/'],
    methods: [
      ...methods(typedApis('launchdarkly', { variation: 'fromDefault' }, 0, launchDarklyDefault), false),
      ...methods(
        typedApis(
          'launchdarkly',
          {
            variationDetail: 'fromDefault',
            boolVariation: 'boolean',
            stringVariation: 'string',
            numberVariation: 'number',
            jsonVariation: 'object',
            boolVariationDetail: 'boolean',
            stringVariationDetail: 'string',
            numberVariationDetail: 'number',
            jsonVariationDetail: 'object',
          },
          0,
          launchDarklyDefault,
        ),
        true,
      ),
    ],
    functions: [],
    flagsObjectHooks: ['useFlags'],
    factories: ['init', 'initialize', 'createClient', 'useLDClient'],
    clientTypes: ['LDClient'],
    receiverName: /^(ld|launchdarkly)/i,
  },
  unleash: {
    sdk: 'unleash',
    modules: ['unleash-client', 'unleash-proxy-client', '@unleash/'],
    methods: methods(typedApis('unleash', { isEnabled: 'boolean', getVariant: 'any' }, 0, at(2)), false),
    functions: [
      // unleash-client's module-level functions use the global instance.
      ...typedApis('unleash', { isEnabled: 'boolean', getVariant: 'any' }, 0, at(2)),
      ...typedApis('unleash', { useFlag: 'boolean', useVariant: 'any' }, 0, undefined),
    ],
    flagsObjectHooks: [],
    factories: ['initialize', 'startUnleash', 'useUnleashClient', 'flagsClient'],
    clientTypes: ['Unleash', 'UnleashClient'],
    receiverName: /unleash/i,
  },
  growthbook: {
    sdk: 'growthbook',
    modules: ['@growthbook/'],
    methods: [
      ...methods(typedApis('growthbook', { isOn: 'boolean', isOff: 'boolean' }, 0, undefined), false),
      ...methods(typedApis('growthbook', { getFeatureValue: 'fromDefault' }, 0, at(1)), true),
      ...methods(typedApis('growthbook', { evalFeature: 'any' }, 0, undefined), true),
    ],
    functions: [
      ...typedApis('growthbook', { useFeatureIsOn: 'boolean', useFeature: 'any' }, 0, undefined),
      ...typedApis('growthbook', { useFeatureValue: 'fromDefault' }, 0, at(1)),
    ],
    flagsObjectHooks: [],
    factories: ['useGrowthBook'],
    clientTypes: ['GrowthBook'],
    receiverName: /^(gb|growthbook)/i,
  },
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The APIs of the enabled SDKs and the configured wrappers, indexed for the extractor and the linker. */
export class ApiCatalog {
  readonly presets: PresetSpec[];
  readonly wrappers: readonly WrapperConfig[];
  private readonly methodsByName = new Map<string, MethodSpec[]>();
  private readonly wrapperPaths: string[][];
  /** Every name whose call may be a usage: methods, hooks, functions, configured wrappers. */
  readonly callNames = new Set<string>();
  /** Patterns a text must match (any of them) to possibly call a flag API or import a flag SDK. */
  readonly prefilter: readonly RegExp[];

  constructor(sdks: readonly SdkPreset[], wrappers: readonly WrapperConfig[]) {
    this.presets = [...new Set(sdks)].map((sdk) => PRESETS[sdk]);
    this.wrappers = wrappers;
    for (const preset of this.presets) {
      for (const method of preset.methods) {
        const list = this.methodsByName.get(method.name) ?? [];
        list.push(method);
        this.methodsByName.set(method.name, list);
        this.callNames.add(method.name);
      }
      for (const fn of preset.functions) this.callNames.add(fn.name);
      for (const hook of preset.flagsObjectHooks) this.callNames.add(hook);
    }
    this.wrapperPaths = wrappers.map((wrapper) => wrapper.function.split('.').filter(Boolean));
    for (const path of this.wrapperPaths) if (path.length > 0) this.callNames.add(path[path.length - 1]);
    const names = [...this.callNames].map(escapeRegExp).join('|');
    // A name followed by a call or type arguments: `useFlag<boolean>(`. A lookbehind rather than
    // `\b` keeps V8's fast literal scan (7x faster on large corpora) and treats `$` as a name character.
    const apiCall = new RegExp(`(?<![\\w$])(?:${names || '(?!)'})\\s*[<(]`);
    const modules = this.presets.flatMap((preset) => preset.modules).map(escapeRegExp);
    this.prefilter = modules.length ? [apiCall, new RegExp(`['"](?:${modules.join('|')})`)] : [apiCall];
  }

  sdkOfModule(specifier: string): SdkPreset | undefined {
    for (const preset of this.presets) {
      for (const module of preset.modules) {
        const isPrefix = module.endsWith('/') || module.endsWith('-');
        if (
          isPrefix ? specifier.startsWith(module) : specifier === module || specifier.startsWith(`${module}/`)
        )
          return preset.sdk;
      }
    }
    return undefined;
  }

  methodsNamed(name: string): readonly MethodSpec[] {
    return this.methodsByName.get(name) ?? [];
  }

  preset(sdk: SdkPreset): PresetSpec | undefined {
    return this.presets.find((preset) => preset.sdk === sdk);
  }

  /** The hook or function an SDK module exports under `path`, if it is a flag API. */
  functionAt(sdk: SdkPreset, path: string): ApiSpec | undefined {
    return this.preset(sdk)?.functions.find((fn) => fn.name === path);
  }

  isFactory(sdk: SdkPreset, path: string): boolean {
    return this.preset(sdk)?.factories.includes(path) ?? false;
  }

  isClientType(sdk: SdkPreset, path: string): boolean {
    return this.preset(sdk)?.clientTypes.includes(path) ?? false;
  }

  isFlagsObjectHook(sdk: SdkPreset, path: string): boolean {
    return this.preset(sdk)?.flagsObjectHooks.includes(path) ?? false;
  }

  /** True when `name` is the name of some SDK's flags-object hook (checked again when linking). */
  mayBeFlagsObjectHook(name: string): boolean {
    return this.presets.some((preset) => preset.flagsObjectHooks.includes(name));
  }

  /**
   * The configured wrapper a callee path matches: `isOn` matches a plain call `isOn(...)`;
   * `flags.isOn` matches a method call whose callee ends with `flags.isOn` (`this.flags.isOn`);
   * `*` matches any one segment.
   */
  configuredWrapper(calleePath: readonly string[]): number | undefined {
    for (let index = 0; index < this.wrapperPaths.length; index++) {
      const path = this.wrapperPaths[index];
      if (path.length === 0 || path.length > calleePath.length) continue;
      if (path.length === 1 && calleePath.length !== 1) continue;
      const offset = calleePath.length - path.length;
      if (path.every((segment, i) => segment === '*' || segment === calleePath[offset + i])) return index;
    }
    return undefined;
  }
}
