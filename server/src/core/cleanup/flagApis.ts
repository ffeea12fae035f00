/**
 * What a flag read returns, by API, so that the read can be replaced by the right literal: the
 * value itself, a details object (`{ value, reason, ... }`), a truthiness test, or a variant
 * object that only a person can map to code.
 */

export type ReadShape = 'value' | 'details' | 'isOn' | 'isOff' | 'variant';

/** Methods called on an SDK client (any receiver), by name. */
const METHOD_SHAPES: Record<string, ReadShape> = {
  // OpenFeature
  getBooleanValue: 'value',
  getStringValue: 'value',
  getNumberValue: 'value',
  getObjectValue: 'value',
  getBooleanDetails: 'details',
  getStringDetails: 'details',
  getNumberDetails: 'details',
  getObjectDetails: 'details',
  // LaunchDarkly
  variation: 'value',
  boolVariation: 'value',
  stringVariation: 'value',
  numberVariation: 'value',
  jsonVariation: 'value',
  variationDetail: 'details',
  boolVariationDetail: 'details',
  stringVariationDetail: 'details',
  numberVariationDetail: 'details',
  jsonVariationDetail: 'details',
  // Unleash
  isEnabled: 'value',
  getVariant: 'variant',
  // GrowthBook
  isOn: 'isOn',
  isOff: 'isOff',
  getFeatureValue: 'value',
  evalFeature: 'details',
};

/** Hooks and free functions, by name; `useFlag` depends on the SDK. */
const FUNCTION_SHAPES: Record<string, ReadShape> = {
  useBooleanFlagValue: 'value',
  useStringFlagValue: 'value',
  useNumberFlagValue: 'value',
  useObjectFlagValue: 'value',
  useBooleanFlagDetails: 'details',
  useStringFlagDetails: 'details',
  useNumberFlagDetails: 'details',
  useObjectFlagDetails: 'details',
  useSuspenseFlag: 'details',
  useFeatureIsOn: 'isOn',
  useFeatureValue: 'value',
  useFeature: 'details',
  useVariant: 'variant',
  isEnabled: 'value',
};

/** Hooks returning an object with every flag, read by (camelCased) property: LaunchDarkly's `useFlags`. */
export const FLAGS_OBJECT_HOOKS = new Set(['useFlags']);

/** Calls that make or fetch an SDK client, or read flags: reading has no effect worth keeping. */
const PURE_SDK_CALLS = new Set([
  'getClient',
  'useOpenFeatureClient',
  'useLDClient',
  'useFlags',
  'useGrowthBook',
  'useUnleashClient',
  'useFlagsStatus',
  ...Object.keys(METHOD_SHAPES),
  ...Object.keys(FUNCTION_SHAPES),
  'useFlag',
]);

/**
 * Names other libraries use too (`isOn`, `isEnabled`, `variation`, `useFlag`...): a call of one is
 * a flag read only with evidence of its SDK (an import from it, or a receiver named like a client).
 */
const COMMON_NAMES = new Set([
  'isOn',
  'isOff',
  'isEnabled',
  'variation',
  'getVariant',
  'useFlag',
  'useFeature',
  'useVariant',
]);
export const SDK_RECEIVER_NAME = /^(?:ld|launchdarkly|gb|growthbook)|unleash|client$|flags$/i;

export function needsSdkEvidence(name: string): boolean {
  return COMMON_NAMES.has(name);
}

export function isKnownFlagApi(name: string): boolean {
  return name in METHOD_SHAPES || name in FUNCTION_SHAPES || name === 'useFlag';
}

export function isPureSdkCall(name: string): boolean {
  return PURE_SDK_CALLS.has(name);
}

/**
 * The shape of a read through `api`. `sdk` disambiguates `useFlag` (a details object in
 * OpenFeature's React SDK, a boolean in Unleash's). Configured and detected wrappers return the
 * value.
 */
export function readShapeOf(api: string, sdk: string, isMethod: boolean): ReadShape {
  if (api === 'useFlag') return sdk === 'unleash' ? 'value' : 'details';
  if (isMethod && api in METHOD_SHAPES) return METHOD_SHAPES[api];
  if (!isMethod && api in FUNCTION_SHAPES) return FUNCTION_SHAPES[api];
  return METHOD_SHAPES[api] ?? FUNCTION_SHAPES[api] ?? 'value';
}

/** Members of a details object that are the served value, or a test of it. */
export function detailsMemberValue(member: string, value: unknown): { value: unknown } | undefined {
  if (member === 'value') return { value };
  if (member === 'on') return { value: Boolean(value) };
  if (member === 'off') return { value: !value };
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
