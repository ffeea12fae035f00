/**
 * What a flag read returns, by API, so that the read can be replaced by the right literal: the
 * value itself, a details object (`{ value, reason, ... }`), a truthiness test, or a variant
 * object that only a person can map to code.
 */

import {
  PRESETS,
  type ApiSpec,
  type ArgumentHint,
  type PresetSpec,
  type ValueMembers,
} from '../usages/presets';

export type { ReadShape, ValueMembers } from '../usages/presets';
import type { ReadShape } from '../usages/presets';

const ALL_PRESETS: readonly PresetSpec[] = Object.values(PRESETS);

/** Every SDK API of that name, methods or hooks/functions. */
function apisNamed(name: string, isMethod: boolean): ApiSpec[] {
  return ALL_PRESETS.flatMap((preset) =>
    (isMethod ? preset.methods : preset.functions).filter((api) => api.name === name),
  );
}

const API_NAMES = new Set(
  ALL_PRESETS.flatMap((preset) => [...preset.methods, ...preset.functions]).map((api) => api.name),
);
const FLAGS_OBJECT_HOOK_NAMES = ALL_PRESETS.flatMap((preset) => preset.flagsObjectHooks);
/** Hooks that fetch a client (`useLDClient`); factories such as `init` start one, which is an effect. */
const CLIENT_HOOK_NAMES = ALL_PRESETS.flatMap((preset) =>
  preset.factories.map((path) => path.split('.').pop() as string).filter((name) => /^use[A-Z]/.test(name)),
);

/** Hooks returning an object with every flag, read by (camelCased) property: LaunchDarkly's `useFlags`. */
export const FLAGS_OBJECT_HOOKS = new Set(FLAGS_OBJECT_HOOK_NAMES);

/** Calls that make or fetch an SDK client, or read flags: reading has no effect worth keeping. */
const PURE_SDK_CALLS = new Set([
  'getClient',
  'useFlagsStatus',
  ...CLIENT_HOOK_NAMES,
  ...FLAGS_OBJECT_HOOK_NAMES,
  ...API_NAMES,
]);

/**
 * Names other libraries use too (`isOn`, `isEnabled`, `variation`, `useFlag`...): a call of one is
 * a flag read only with evidence of its SDK (an import from it, or a receiver named like a client).
 * That is every method no SDK marks specific, and the hooks with generic names.
 */
const GENERIC_HOOKS = [
  'useFlag',
  'useFeature',
  'useVariant',
  'useGate',
  'useConfig',
  'useExperiment',
  'useLayer',
  'useVariable',
  'useFeatureFlag',
];
const COMMON_NAMES = new Set([
  ...GENERIC_HOOKS,
  ...ALL_PRESETS.flatMap((preset) => preset.methods)
    .map((method) => method.name)
    .filter(
      (name) =>
        !ALL_PRESETS.some((preset) =>
          preset.methods.some((method) => method.name === name && method.specific),
        ),
    ),
]);
export const SDK_RECEIVER_NAME = new RegExp(
  [
    ...ALL_PRESETS.flatMap((preset) => (preset.receiverName ? [preset.receiverName.source] : [])),
    'client$',
    'flags$',
  ].join('|'),
  'i',
);

export function needsSdkEvidence(name: string): boolean {
  return COMMON_NAMES.has(name);
}

export function isKnownFlagApi(name: string): boolean {
  return API_NAMES.has(name);
}

export function isPureSdkCall(name: string): boolean {
  return PURE_SDK_CALLS.has(name);
}

/** The SDK a module specifier belongs to, among every preset. */
export function sdkOfModuleSpecifier(specifier: string): string | undefined {
  for (const preset of ALL_PRESETS) {
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

/**
 * The API a read goes through: of `sdk` when it is known, else the only one of that name, else
 * (several SDKs disagree and none is known) undefined.
 */
export function flagApiOf(api: string, sdk: string, isMethod: boolean): ApiSpec | undefined {
  const own = [...apisNamed(api, isMethod), ...apisNamed(api, !isMethod)];
  const ofSdk = own.find((spec) => spec.sdk === sdk);
  if (ofSdk) return ofSdk;
  const shapes = new Set(own.map((spec) => `${spec.shape}:${JSON.stringify(spec.members ?? {})}`));
  return shapes.size === 1 ? own[0] : undefined;
}

/**
 * The shape of a read through `api`. `sdk` disambiguates names several SDKs share (`useFlag` is a
 * details object in OpenFeature's React SDK, a boolean in Unleash's); when it cannot, the read is
 * left for a person. Configured and detected wrappers return the value.
 */
export function readShapeOf(api: string, sdk: string, isMethod: boolean): ReadShape {
  if (!isKnownFlagApi(api)) return 'value';
  return flagApiOf(api, sdk, isMethod)?.shape ?? 'variant';
}

/** The argument that holds the key of a read through `api` (server SDKs put the user first). */
export function keyArgumentOf(api: ApiSpec | undefined, args: readonly ArgumentHint[]): number {
  if (!api) return 0;
  return typeof api.keyArg === 'number' ? api.keyArg : api.keyArg(args);
}

const VALUE_ONLY: ValueMembers = { value: 'value' };

/** Members of a details object that are the served value, or a test of it. */
export function detailsMemberValue(
  member: string,
  value: unknown,
  members: ValueMembers = VALUE_ONLY,
): { value: unknown } | undefined {
  const meaning = Object.prototype.hasOwnProperty.call(members, member) ? members[member] : undefined;
  if (meaning === 'value') return { value };
  if (meaning === 'truthy') return { value: Boolean(value) };
  if (meaning === 'falsy') return { value: !value };
  return undefined;
}

/** Methods that set, override, mock or listen to one flag, taking its key first. */
export const PIN_CALL_NAME =
  /^(?:set|override|mock|stub|fake|force|toggle|enable|disable)[A-Za-z]*$|^(?:remove|add)?(?:Override|Flag|Listener|Handler)s?$/;
/** Event-emitter methods that take `change:<key>` / `update:<key>` (LaunchDarkly's listeners). */
export const LISTENER_CALL_NAME =
  /^(?:on|once|off|addListener|removeListener|addEventListener|removeEventListener)$/;
/** Callees whose object argument maps flag keys to pinned values (mocks, test providers, bootstrap). */
export const PIN_OBJECT_CALLEE =
  /mock|stub|fake|override|flags?$|provider|bootstrap|setFlags|initialize|init$/i;

/** A test case or a group of them (mocha, jest, vitest, node:test). */
export const TEST_CASE_NAMES = new Set(['it', 'test', 'specify']);
export const TEST_GROUP_NAMES = new Set(['describe', 'context', 'suite']);

export function isTestFile(path: string): boolean {
  return (
    /(?:^|\/)(?:test|tests|__tests__|__mocks__|spec)\//.test(path) ||
    /\.(?:test|spec)\.[cm]?[jt]sx?$/.test(path)
  );
}
