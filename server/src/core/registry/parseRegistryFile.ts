import {
  type Node,
  type ParseError,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { MemoryStorage } from '@openfeature/flagd-core';
import {
  FLAG_TYPES,
  type FlagDefinition,
  type FlagLifecycle,
  type FlagType,
  type Finding,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
  type Range,
  type RegistryFile,
  type Severity,
  type VariantType,
  type VariantValue,
} from '../../../../shared/src/registryModel';
import { LineIndex, textVersion } from '../text';
import { inspectJson, MAX_JSON_DEPTH } from '../jsonShape';

/** Files above this size are refused: flag files are small, and a huge one is a mistake. */
export const MAX_REGISTRY_FILE_BYTES = 5_000_000;

const FLAGD_SCHEMA_ERROR_PREFIX = 'invalid flagd flag configuration:';

/** Environment name from a registry file path: `flags/production.flagd.json` -> `production`. */
export function environmentFromPath(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base.replace(/\.flagd\.json$/i, '').replace(/\.json$/i, '');
}

export function variantTypeOf(value: VariantValue | JsonValue): VariantType | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return 'object';
  return undefined;
}

class FileFindings {
  readonly findings: Finding[] = [];
  constructor(
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}
  rangeOfNode(node: Node | undefined): Range {
    if (!node) return this.lines.rangeOf(0, 0);
    return this.lines.rangeOf(node.offset, node.offset + node.length);
  }
  /** The range of a property's key when the node is a property value, else the node. */
  add(node: Node | undefined, severity: Severity, code: string, message: string, flag?: string): void {
    this.findings.push({ file: this.file, range: this.rangeOfNode(node), severity, code, message, flag });
  }
  addAt(range: Range, severity: Severity, code: string, message: string, flag?: string): void {
    this.findings.push({ file: this.file, range, severity, code, message, flag });
  }
}

/** The key node of a property; of the last one when a key repeats, as `JSON.parse` and flagd read it. */
function propertyKeyNode(objectNode: Node | undefined, key: string): Node | undefined {
  if (!objectNode || objectNode.type !== 'object') return undefined;
  let found: Node | undefined;
  for (const property of objectNode.children ?? []) {
    const keyNode = property.children?.[0];
    if (keyNode?.value === key) found = keyNode;
  }
  return found;
}

function propertyValueNode(objectNode: Node | undefined, key: string): Node | undefined {
  return propertyKeyNode(objectNode, key)?.parent?.children?.[1];
}

function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function emptyResult(file: string, text: string, findings: Finding[]): RegistryFile {
  return {
    file,
    environment: environmentFromPath(file),
    version: textVersion(text),
    flags: new Map(),
    evaluators: {},
    evaluatorRanges: {},
    metadata: {},
    findings,
    unusable: true,
  };
}

/**
 * Parses one flagd file with positions and checks everything that can be checked in the file
 * alone. Never throws: every problem becomes a finding at a line and column, and a failure of
 * the analysis itself is a finding at the file (the other files are still checked).
 */
export function parseRegistryFile(
  file: string,
  text: string,
  /**
   * Where the bytes read from disk first were not UTF-8 (the host knows; a text alone cannot tell
   * a real U+FFFD from a replaced byte). Texts from an editor are always valid.
   */
  invalidUtf8At?: number,
): RegistryFile {
  try {
    return parseChecked(file, text, invalidUtf8At);
  } catch (error) {
    return emptyResult(file, text, [
      {
        file,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'error',
        code: 'registry/analysis-failed',
        message: `Flaglens could not analyse this file (${error instanceof Error ? error.message : String(error)}); its flags are left out of every check.`,
      },
    ]);
  }
}

function parseChecked(file: string, text: string, invalidUtf8At: number | undefined): RegistryFile {
  const lines = new LineIndex(text);
  const out = new FileFindings(file, lines);
  const result = emptyResult(file, text, out.findings);

  if (text.length > MAX_REGISTRY_FILE_BYTES) {
    out.add(
      undefined,
      'error',
      'registry/file-too-large',
      `Registry file is ${Math.round(text.length / 1e6)} MB; the limit is ${MAX_REGISTRY_FILE_BYTES / 1e6} MB.`,
    );
    return result;
  }
  if (invalidUtf8At !== undefined) {
    const offset = Math.min(Math.max(0, invalidUtf8At), text.length);
    out.addAt(
      lines.rangeOf(offset, offset + 1),
      'error',
      'registry/not-utf8',
      'Registry file is not valid UTF-8 text.',
    );
    return result;
  }
  if (text.trim() === '') {
    out.add(
      undefined,
      'error',
      'registry/empty',
      'Registry file is empty; expected a flagd JSON object with "flags".',
    );
    return result;
  }

  const shape = inspectJson(text);
  if (shape.tooDeepAt !== undefined) {
    out.addAt(
      lines.rangeOf(shape.tooDeepAt, shape.tooDeepAt + 1),
      'error',
      'registry/too-deep',
      `Nested more than ${MAX_JSON_DEPTH} levels deep here: Flaglens cannot analyse this file, so its flags are left out of every check.`,
    );
    return result;
  }

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  for (const error of errors) {
    out.addAt(
      lines.rangeOf(error.offset, error.offset + Math.max(error.length, 1)),
      'error',
      'registry/invalid-json',
      `Invalid JSON: ${describeParseError(printParseErrorCode(error.error))}.`,
    );
  }
  if (errors.length > 0 || !root) return result;
  for (const duplicate of shape.duplicates) {
    const first = lines.positionAt(duplicate.firstOffset);
    out.addAt(
      lines.rangeOf(duplicate.offset, duplicate.offset + duplicate.length),
      'error',
      'registry/duplicate-key',
      `Duplicate key ${JSON.stringify(duplicate.key)} (also at line ${first.line + 1}, column ${first.character + 1}): flagd uses this last one and ignores the other; remove one.`,
    );
  }
  if (root.type !== 'object') {
    out.add(
      root,
      'error',
      'registry/not-an-object',
      `A flagd file must be a JSON object with "flags", not ${root.type === 'array' ? 'an array' : `a ${root.type}`}.`,
    );
    return result;
  }

  const metadataNode = propertyValueNode(root, 'metadata');
  if (metadataNode) {
    const metadata = getNodeValue(metadataNode) as JsonValue;
    if (isPlainObject(metadata)) {
      for (const [key, value] of Object.entries(metadata)) {
        if (isPrimitive(value)) result.metadata[key] = value;
        else
          out.add(
            propertyValueNode(metadataNode, key),
            'error',
            'registry/metadata-not-primitive',
            `Metadata "${key}" must be a string, number or boolean.`,
          );
      }
      if (typeof metadata.environment === 'string' && metadata.environment.trim() !== '') {
        result.environment = metadata.environment;
      }
    } else {
      out.add(metadataNode, 'error', 'registry/schema', 'File "metadata" must be an object.');
    }
  }

  const evaluatorsNode = propertyValueNode(root, '$evaluators');
  if (evaluatorsNode) {
    const evaluators = getNodeValue(evaluatorsNode) as JsonValue;
    if (isPlainObject(evaluators)) {
      result.evaluators = evaluators;
      for (const name of Object.keys(evaluators)) {
        result.evaluatorRanges[name] = out.rangeOfNode(propertyKeyNode(evaluatorsNode, name));
      }
    } else {
      out.add(
        evaluatorsNode,
        'error',
        'registry/schema',
        '"$evaluators" must be an object of named targeting rules.',
      );
    }
  }

  const flagsNode = propertyValueNode(root, 'flags');
  if (!flagsNode) {
    out.addAt(
      lines.rangeOf(root.offset, root.offset + 1),
      'error',
      'registry/schema',
      'A flagd file needs a "flags" object.',
    );
    return result;
  }
  if (flagsNode.type !== 'object') {
    out.add(flagsNode, 'error', 'registry/schema', '"flags" must be an object keyed by flag key.');
    return result;
  }
  result.unusable = false;

  for (const property of flagsNode.children ?? []) {
    const keyNode = property.children?.[0];
    const valueNode = property.children?.[1];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    // A flag defined twice: flagd keeps the last definition, so only that one is checked.
    if (propertyKeyNode(flagsNode, key) !== keyNode) continue;
    const definition = parseFlag(key, keyNode, valueNode, result, out);
    if (definition) result.flags.set(key, definition);
  }

  checkWithFlagd(text, root, result, out);
  return result;
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: 'closing brace "}" expected',
    CloseBracketExpected: 'closing bracket "]" expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed in flagd files',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return words[code] ?? code;
}

function isPrimitive(value: JsonValue): value is JsonPrimitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function parseFlag(
  key: string,
  keyNode: Node,
  valueNode: Node,
  file: RegistryFile,
  out: FileFindings,
): FlagDefinition | undefined {
  const value = getNodeValue(valueNode) as JsonValue;
  if (!isPlainObject(value)) {
    out.add(
      valueNode,
      'error',
      'registry/schema',
      `Flag "${key}" must be an object with state, variants and defaultVariant.`,
      key,
    );
    return undefined;
  }
  const state = value.state;
  if (state !== 'ENABLED' && state !== 'DISABLED') {
    const node = propertyValueNode(valueNode, 'state') ?? keyNode;
    out.add(
      node,
      'error',
      'registry/invalid-state',
      `Flag "${key}": "state" must be "ENABLED" or "DISABLED"${state === undefined ? '' : `, not ${JSON.stringify(state)}`}.`,
      key,
    );
  }

  const variants: Record<string, VariantValue> = {};
  const variantRanges: Record<string, Range> = {};
  const variantsNode = propertyValueNode(valueNode, 'variants');
  let variantType: VariantType | undefined;
  if (!variantsNode || !isPlainObject(value.variants)) {
    out.add(
      variantsNode ?? keyNode,
      'error',
      'registry/schema',
      `Flag "${key}" needs a "variants" object.`,
      key,
    );
  } else {
    const types = new Set<VariantType>();
    for (const [name, variantValue] of Object.entries(value.variants)) {
      const type = variantTypeOf(variantValue);
      if (!type) {
        out.add(
          propertyValueNode(variantsNode, name),
          'error',
          'registry/invalid-variant',
          `Variant "${name}" of "${key}" must be a boolean, string, number or object.`,
          key,
        );
        continue;
      }
      types.add(type);
      variants[name] = variantValue as VariantValue;
      variantRanges[name] = out.rangeOfNode(propertyKeyNode(variantsNode, name));
    }
    if (Object.keys(value.variants).length === 0) {
      out.add(variantsNode, 'error', 'registry/schema', `Flag "${key}" has no variants.`, key);
    }
    if (types.size > 1) {
      out.add(
        variantsNode,
        'error',
        'registry/mixed-variant-types',
        `Variants of "${key}" mix types (${[...types].join(', ')}); flagd needs all variants of one type.`,
        key,
      );
    } else {
      variantType = [...types][0];
    }
  }

  let defaultVariant: string | null = null;
  const defaultNode = propertyValueNode(valueNode, 'defaultVariant');
  if (typeof value.defaultVariant === 'string') {
    defaultVariant = value.defaultVariant;
    if (!Object.hasOwn(variants, defaultVariant) && variantsNode) {
      out.add(
        defaultNode,
        'error',
        'registry/unknown-default-variant',
        `Default variant "${defaultVariant}" of "${key}" is not one of its variants (${Object.keys(variants).join(', ')}).`,
        key,
      );
    }
  } else if (value.defaultVariant !== null && value.defaultVariant !== undefined) {
    out.add(
      defaultNode,
      'error',
      'registry/schema',
      `"defaultVariant" of "${key}" must be a variant name or null.`,
      key,
    );
  } else if (value.defaultVariant === undefined) {
    out.add(keyNode, 'error', 'registry/schema', `Flag "${key}" needs a "defaultVariant".`, key);
  }

  let targeting: JsonObject | undefined;
  const targetingNode = propertyValueNode(valueNode, 'targeting');
  if (value.targeting !== undefined) {
    if (isPlainObject(value.targeting)) {
      if (Object.keys(value.targeting).length > 0) targeting = value.targeting;
      if (targetingNode) checkTargeting(key, targetingNode, variants, file, out);
    } else {
      out.add(
        targetingNode,
        'error',
        'registry/schema',
        `"targeting" of "${key}" must be a JsonLogic object.`,
        key,
      );
    }
  }

  const metadata: Record<string, JsonPrimitive> = {};
  const metadataNode = propertyValueNode(valueNode, 'metadata');
  if (value.metadata !== undefined) {
    if (isPlainObject(value.metadata)) {
      for (const [name, metaValue] of Object.entries(value.metadata)) {
        if (isPrimitive(metaValue)) metadata[name] = metaValue;
        else
          out.add(
            propertyValueNode(metadataNode, name),
            'error',
            'registry/metadata-not-primitive',
            `Metadata "${name}" of "${key}" must be a string, number or boolean (flagd allows primitives only).`,
            key,
          );
      }
    } else {
      out.add(metadataNode, 'error', 'registry/schema', `"metadata" of "${key}" must be an object.`, key);
    }
  }
  const lifecycle = readLifecycle(key, metadata, metadataNode, out);
  const metadataRanges: Record<string, Range> = {};
  for (const name of Object.keys(metadata))
    metadataRanges[name] = out.rangeOfNode(propertyValueNode(metadataNode, name));

  return {
    key,
    environment: file.environment,
    file: file.file,
    state: state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    defaultVariant,
    variants,
    variantType,
    targeting,
    metadata,
    lifecycle,
    keyRange: out.rangeOfNode(keyNode),
    range: out.rangeOfNode(valueNode),
    variantRanges,
    metadataRanges,
  };
}

function readLifecycle(
  key: string,
  metadata: Record<string, JsonPrimitive>,
  metadataNode: Node | undefined,
  out: FileFindings,
): FlagLifecycle {
  const lifecycle: FlagLifecycle = {};
  const text = (name: string): string | undefined =>
    typeof metadata[name] === 'string' ? (metadata[name] as string) : undefined;
  lifecycle.description = text('description');
  lifecycle.owner = text('owner');
  lifecycle.experiment = text('experiment');
  const type = text('type');
  if (type !== undefined) {
    if ((FLAG_TYPES as readonly string[]).includes(type)) lifecycle.type = type as FlagType;
    else
      out.add(
        propertyValueNode(metadataNode, 'type'),
        'warning',
        'registry/unknown-flag-type',
        `Flag type "${type}" of "${key}" is not one of ${FLAG_TYPES.join(', ')}.`,
        key,
      );
  }
  for (const dateKey of ['createdAt', 'expiresAt'] as const) {
    const date = text(dateKey);
    if (date === undefined) continue;
    if (Number.isNaN(Date.parse(date))) {
      out.add(
        propertyValueNode(metadataNode, dateKey),
        'error',
        'registry/invalid-date',
        `"${dateKey}" of "${key}" is not an ISO date: ${JSON.stringify(date)}.`,
        key,
      );
    } else {
      lifecycle[dateKey] = date;
    }
  }
  if (metadata.permanent !== undefined)
    lifecycle.permanent = metadata.permanent === true || metadata.permanent === 'true';
  if (metadata.archived !== undefined)
    lifecycle.archived = metadata.archived === true || metadata.archived === 'true';
  const requires = text('requires');
  if (requires !== undefined) {
    lifecycle.requires = requires
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  }
  return lifecycle;
}

/** Targeting checks flagd-core would only log: unknown `$ref`, unknown variants, bad weights. */
function checkTargeting(
  key: string,
  node: Node,
  variants: Record<string, VariantValue>,
  file: RegistryFile,
  out: FileFindings,
): void {
  const visit = (current: Node, returnsVariant: boolean): void => {
    if (current.type === 'object') {
      for (const property of current.children ?? []) {
        const operator = String(property.children?.[0]?.value);
        const argument = property.children?.[1];
        if (!argument) continue;
        if (operator === '$ref') {
          if (argument.type !== 'string')
            out.add(
              argument,
              'error',
              'registry/schema',
              '"$ref" must name an evaluator in "$evaluators".',
              key,
            );
          else if (!Object.hasOwn(file.evaluators, String(argument.value))) {
            const known = Object.keys(file.evaluators);
            out.add(
              argument,
              'error',
              'registry/unknown-ref',
              `"$ref" names "${argument.value}", which is not in "$evaluators"${known.length ? ` (known: ${known.join(', ')})` : ''}.`,
              key,
            );
          } else {
            const cycle = refCycleFrom(file.evaluators, String(argument.value));
            if (cycle)
              out.add(
                argument,
                'error',
                'registry/ref-cycle',
                `"$ref" "${argument.value}" leads to a cycle of evaluators (${cycle.join(' -> ')}): flagd fails every evaluation of "${key}".`,
                key,
              );
          }
        } else if (operator === 'if' && argument.type === 'array') {
          const args = argument.children ?? [];
          args.forEach((child, index) => {
            const isResult = index % 2 === 1 || index === args.length - 1;
            visit(child, isResult && returnsVariant);
          });
        } else if (operator === 'fractional' && argument.type === 'array') {
          checkFractional(key, argument, variants, out);
        } else {
          for (const child of argument.type === 'array' ? (argument.children ?? []) : [argument])
            visit(child, false);
        }
      }
    } else if (current.type === 'string' && returnsVariant) {
      const name = String(current.value);
      if (!Object.hasOwn(variants, name)) {
        out.add(
          current,
          'error',
          'registry/unknown-variant',
          `Targeting of "${key}" returns "${name}", which is not a variant (${Object.keys(variants).join(', ')}).`,
          key,
        );
      }
    }
  };
  visit(node, true);
}

/** flagd-core's limit on the sum of a rollout's weights (a 32-bit signed integer). */
export const MAX_TOTAL_WEIGHT = 2147483647;

/** The `$ref`s inside a JsonLogic value, walked without recursion. */
function refsIn(value: JsonValue): string[] {
  const refs: string[] = [];
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) stack.push(...current);
    else if (isPlainObject(current))
      for (const [name, inner] of Object.entries(current)) {
        if (name === '$ref' && typeof inner === 'string') refs.push(inner);
        else stack.push(inner);
      }
  }
  return refs;
}

/** A cycle reachable from evaluator `start` (names in order, first repeated at the end), if any. */
function refCycleFrom(evaluators: Record<string, JsonValue>, start: string): string[] | undefined {
  const path: string[] = [];
  const done = new Set<string>();
  const walk = (name: string): string[] | undefined => {
    const at = path.indexOf(name);
    if (at >= 0) return [...path.slice(at), name];
    if (done.has(name) || !Object.hasOwn(evaluators, name)) return undefined;
    path.push(name);
    for (const next of refsIn(evaluators[name])) {
      const cycle = walk(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(name);
    return undefined;
  };
  return walk(start);
}

function checkFractional(
  key: string,
  node: Node,
  variants: Record<string, VariantValue>,
  out: FileFindings,
): void {
  const buckets = (node.children ?? []).filter((child) => child.type === 'array');
  let total = 0;
  let invalid = false;
  for (const bucket of buckets) {
    const [nameNode, weightNode] = bucket.children ?? [];
    if (nameNode?.type === 'string' && !Object.hasOwn(variants, String(nameNode.value))) {
      out.add(
        nameNode,
        'error',
        'registry/unknown-variant',
        `Rollout of "${key}" names "${nameNode.value}", which is not a variant (${Object.keys(variants).join(', ')}).`,
        key,
      );
    }
    const weight =
      weightNode === undefined ? 1 : weightNode.type === 'number' ? Number(weightNode.value) : NaN;
    if (weightNode && (weightNode.type !== 'number' || !Number.isInteger(weight))) {
      // flagd-core refuses the whole rollout then and serves the default variant.
      out.add(
        weightNode,
        'error',
        'registry/invalid-weight',
        `Rollout weight ${weightNode.type === 'number' ? String(weight) : `${JSON.stringify(getNodeValue(weightNode))} (a ${weightNode.type})`} of "${key}" is not a whole number: flagd ignores this rollout and serves the default variant.`,
        key,
      );
      invalid = true;
      continue;
    }
    if (weight < 0)
      out.add(
        weightNode,
        'error',
        'registry/negative-weight',
        `Rollout weight ${weight} of "${key}" is negative.`,
        key,
      );
    else total += weight;
  }
  if (invalid) return;
  if (total > MAX_TOTAL_WEIGHT) {
    out.add(
      node,
      'error',
      'registry/weights-too-large',
      `Rollout weights of "${key}" add up to ${total}, over flagd's limit of ${MAX_TOTAL_WEIGHT}: flagd ignores this rollout and serves the default variant.`,
      key,
    );
    return;
  }
  if (buckets.length > 0 && total === 0) {
    out.add(
      node,
      'error',
      'registry/zero-weights',
      `Every rollout weight of "${key}" is zero: nobody can be bucketed.`,
      key,
    );
  }
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * The flagd schema itself, as flagd-core embeds it: catches what the hand-written checks above
 * do not (unknown JsonLogic operators, malformed operator arguments, extra properties).
 */
function checkWithFlagd(text: string, root: Node, file: RegistryFile, out: FileFindings): void {
  let ajvErrors: AjvError[] = [];
  try {
    new MemoryStorage(quietFlagdLogger).setConfigurations(text, true);
    return;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const jsonStart = message.indexOf(FLAGD_SCHEMA_ERROR_PREFIX);
    if (jsonStart >= 0) {
      try {
        ajvErrors = JSON.parse(message.slice(jsonStart + FLAGD_SCHEMA_ERROR_PREFIX.length)) as AjvError[];
      } catch {
        ajvErrors = [];
      }
    }
    if (ajvErrors.length === 0 && out.findings.every((finding) => finding.severity !== 'error')) {
      out.add(root, 'error', 'registry/schema', `flagd rejects this file: ${message.split('\n')[0]}`);
      return;
    }
  }
  const seen = new Set<string>();
  const covered = (path: string): boolean =>
    out.findings.some(
      (finding) =>
        finding.severity === 'error' &&
        finding.data?.path !== undefined &&
        path.startsWith(String(finding.data.path)),
    );
  // Keep the most specific errors: drop anyOf/oneOf summaries when a deeper error exists.
  const specific = ajvErrors.filter(
    (error) =>
      !['anyOf', 'oneOf', 'if'].includes(error.keyword) ||
      !ajvErrors.some(
        (other) =>
          other !== error &&
          other.instancePath.startsWith(error.instancePath) &&
          !['anyOf', 'oneOf', 'if'].includes(other.keyword),
      ),
  );
  for (const error of specific) {
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    const flagKey = segments[0] === 'flags' ? segments[1] : undefined;
    const dedupe = `${error.instancePath}|${error.message}`;
    if (seen.has(dedupe) || covered(error.instancePath)) continue;
    seen.add(dedupe);
    // Skip what the own checks above already reported for this flag in better words.
    if (flagKey && out.findings.some((finding) => finding.flag === flagKey && finding.severity === 'error'))
      continue;
    const node = findNodeAtLocation(
      root,
      segments.map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    );
    const detail = error.params?.additionalProperty
      ? ` "${String(error.params.additionalProperty)}"`
      : error.params?.allowedValues
        ? ` ${JSON.stringify(error.params.allowedValues)}`
        : '';
    out.add(
      node ?? root,
      'error',
      'registry/schema',
      `flagd schema: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}${detail}.`,
      flagKey,
    );
  }
  void file;
}

const quietFlagdLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
