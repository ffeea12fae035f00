/**
 * The places that read the flag, as syntax nodes: from the index's usages (by range), or, when the
 * caller has none, found here by key (literals, constants, enum and `as const` object members,
 * destructured `useFlags()` members, and calls of wrappers that forward their parameter to an SDK).
 */
import { ts } from 'ts-morph';
import type { FlagUsage } from '../../../../shared/src/usage';
import type { VariantType } from '../../../../shared/src/registryModel';
import { LineIndex } from '../text';
import { camelCaseFlagKey } from '../usages/camelCase';
import type { ArgumentHint } from '../usages/presets';
import {
  flagApiOf,
  FLAGS_OBJECT_HOOKS,
  isKnownFlagApi,
  keyArgumentOf,
  needsSdkEvidence,
  readShapeOf,
  SDK_RECEIVER_NAME,
  sdkOfModuleSpecifier,
  type ReadShape,
  type ValueMembers,
} from './flagApis';
import type { WorkspaceProgram } from './workspaceProgram';

export interface FlagRead {
  path: string;
  /** A call, a flags-object member access, or a destructured binding element. */
  node: ts.CallExpression | ts.PropertyAccessExpression | ts.ElementAccessExpression | ts.BindingElement;
  shape: ReadShape | 'binding';
  /** The API as written (`getBooleanValue`, `useFlags`, a wrapper's name). */
  api: string;
  /** For `details` reads: the members that are the value or a test of it. */
  members?: ValueMembers;
}

function stripExpression(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current) ||
    ts.isNonNullExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** The string a key expression stands for, followed through constants, enums and object members. */
export function resolveKeyString(
  program: WorkspaceProgram,
  expression: ts.Expression,
  depth = 0,
): string | undefined {
  const node = stripExpression(expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (depth > 6) return undefined;
  let target: ts.Node | undefined;
  if (ts.isIdentifier(node)) target = node;
  else if (ts.isPropertyAccessExpression(node)) target = node.name;
  else if (ts.isElementAccessExpression(node)) target = node.argumentExpression;
  if (!target) return undefined;
  let symbol = program.symbolAt(target);
  if (!symbol && ts.isElementAccessExpression(node)) {
    const key = resolveKeyString(program, node.argumentExpression, depth + 1);
    if (key === undefined) return undefined;
    symbol = program.checker.getTypeAtLocation(node.expression).getProperty(key);
  }
  if (!symbol) return undefined;
  const declaration = program.canonical(symbol).declarations?.[0];
  if (!declaration) return undefined;
  if (ts.isEnumMember(declaration) && declaration.initializer)
    return resolveKeyString(program, declaration.initializer, depth + 1);
  if (
    (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration)) &&
    declaration.initializer
  ) {
    if (ts.isVariableDeclaration(declaration) && !(declaration.parent.flags & ts.NodeFlags.Const))
      return undefined;
    return resolveKeyString(program, declaration.initializer, depth + 1);
  }
  if (ts.isPropertyDeclaration(declaration) && declaration.initializer)
    return resolveKeyString(program, declaration.initializer, depth + 1);
  if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
    // `const { NEW_CHECKOUT } = FLAGS`
    const variable = declaration.parent.parent;
    if (ts.isVariableDeclaration(variable) && variable.initializer) {
      const propertyName = declaration.propertyName ?? declaration.name;
      if (!ts.isIdentifier(propertyName) && !ts.isStringLiteral(propertyName)) return undefined;
      const property = program.checker.getTypeAtLocation(variable.initializer).getProperty(propertyName.text);
      const propertyDeclaration = property?.declarations?.[0];
      if (propertyDeclaration && ts.isPropertyAssignment(propertyDeclaration)) {
        return resolveKeyString(program, propertyDeclaration.initializer, depth + 1);
      }
    }
  }
  return undefined;
}

function calleeName(call: ts.CallExpression): { name: string; isMethod: boolean } | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return { name: callee.text, isMethod: false };
  if (ts.isPropertyAccessExpression(callee)) return { name: callee.name.text, isMethod: true };
  return undefined;
}

/** The SDK a hook or function call comes from, by the module its name is imported from. */
function sdkOfCall(program: WorkspaceProgram, call: ts.CallExpression): string {
  const callee = call.expression;
  const identifier = ts.isIdentifier(callee)
    ? callee
    : ts.isPropertyAccessExpression(callee)
      ? callee.expression
      : undefined;
  if (!identifier || !ts.isIdentifier(identifier)) return 'unknown';
  const declaration = program.symbolAt(identifier)?.declarations?.[0];
  let module: string | undefined;
  if (
    declaration &&
    (ts.isImportSpecifier(declaration) || ts.isNamespaceImport(declaration) || ts.isImportClause(declaration))
  ) {
    const importDeclaration = ts.isImportSpecifier(declaration)
      ? declaration.parent.parent.parent
      : ts.isNamespaceImport(declaration)
        ? declaration.parent.parent
        : declaration.parent;
    if (ts.isStringLiteral(importDeclaration.moduleSpecifier))
      module = importDeclaration.moduleSpecifier.text;
  }
  if (!module) return 'unknown';
  return sdkOfModuleSpecifier(module) ?? 'unknown';
}

/** SDKs the file imports or requires, in order. */
function sdksImportedBy(sourceFile: ts.SourceFile): string[] {
  const sdks: string[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const sdk = sdkOfModuleSpecifier(statement.moduleSpecifier.text);
      if (sdk && !sdks.includes(sdk)) sdks.push(sdk);
    }
  }
  return sdks;
}

/** The SDK of a read: where its callee is imported from, else an SDK the file imports that has the API. */
function sdkOfRead(
  program: WorkspaceProgram,
  call: ts.CallExpression,
  callee: { name: string; isMethod: boolean },
): string {
  const imported = sdkOfCall(program, call);
  if (imported !== 'unknown') return imported;
  return (
    sdksImportedBy(call.getSourceFile()).find(
      (sdk) => flagApiOf(callee.name, sdk, callee.isMethod)?.sdk === sdk,
    ) ?? 'unknown'
  );
}

/** What the cleanup can tell of an argument without the index: its literal type. */
function argumentHints(args: readonly ts.Expression[]): ArgumentHint[] {
  return args.map((argument) => {
    const node = stripExpression(argument);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node))
      return { literalType: 'string' };
    if (ts.isNumericLiteral(node)) return { literalType: 'number' };
    if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword)
      return { literalType: 'boolean' };
    if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node))
      return { literalType: 'object' };
    return {};
  });
}

/** The key argument of a call of a known flag API. */
function keyArgumentOfCall(
  call: ts.CallExpression,
  callee: { name: string; isMethod: boolean },
  sdk: string,
): ts.Expression | undefined {
  const api = flagApiOf(callee.name, sdk, callee.isMethod);
  return call.arguments[keyArgumentOf(api, argumentHints(call.arguments))];
}

/** A common name (`isOn`, `variation`) is a flag read only on an SDK client or when imported from an SDK. */
function hasSdkEvidence(
  program: WorkspaceProgram,
  call: ts.CallExpression,
  callee: { name: string; isMethod: boolean },
): boolean {
  if (!needsSdkEvidence(callee.name)) return true;
  if (sdkOfCall(program, call) !== 'unknown') return true;
  if (!callee.isMethod || !ts.isPropertyAccessExpression(call.expression)) return false;
  const receiver = call.expression.expression;
  const receiverName = ts.isIdentifier(receiver)
    ? receiver.text
    : ts.isPropertyAccessExpression(receiver)
      ? receiver.name.text
      : undefined;
  if (receiverName && SDK_RECEIVER_NAME.test(receiverName)) return true;
  // A file that imports an SDK calls its client's methods.
  return sdksImportedBy(call.getSourceFile()).length > 0;
}

/** Functions that forward one of their parameters as the key of an SDK read: `isFeatureOn(key)`. */
function findWrappers(program: WorkspaceProgram): Map<ts.Symbol, { keyArg: number; name: string }> {
  const wrappers = new Map<ts.Symbol, { keyArg: number; name: string }>();
  for (const path of program.paths()) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length > 0) {
        const callee = calleeName(node);
        const key =
          callee && isKnownFlagApi(callee.name)
            ? keyArgumentOfCall(node, callee, sdkOfRead(program, node, callee))
            : undefined;
        if (callee && key && ts.isIdentifier(key)) {
          const declaration = program.symbolAt(key)?.declarations?.[0];
          if (declaration && ts.isParameter(declaration) && ts.isIdentifier(declaration.name)) {
            const fn = declaration.parent;
            const index = fn.parameters.indexOf(declaration);
            let nameNode: ts.Node | undefined;
            if (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) nameNode = fn.name;
            else if (
              (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
              ts.isVariableDeclaration(fn.parent)
            )
              nameNode = fn.parent.name;
            const symbol = nameNode ? program.symbolAt(nameNode) : undefined;
            if (symbol && nameNode && ts.isIdentifier(nameNode))
              wrappers.set(program.canonical(symbol), { keyArg: index, name: nameNode.text });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(program.sourceFile(path));
  }
  return wrappers;
}

/** Is `expression` the result of a flags-object hook (`useFlags()`), directly or through a const? */
function isFlagsObject(program: WorkspaceProgram, expression: ts.Expression): boolean {
  const node = stripExpression(expression);
  if (ts.isCallExpression(node)) {
    const callee = calleeName(node);
    return !!callee && FLAGS_OBJECT_HOOKS.has(callee.name);
  }
  if (ts.isIdentifier(node)) {
    const declaration = program.symbolAt(node)?.declarations?.[0];
    return (
      !!declaration &&
      ts.isVariableDeclaration(declaration) &&
      !!declaration.initializer &&
      isFlagsObject(program, declaration.initializer)
    );
  }
  return false;
}

export function findFlagReads(program: WorkspaceProgram, flag: string): FlagRead[] {
  const reads: FlagRead[] = [];
  const wrappers = findWrappers(program);
  const flagNames = new Set([flag, camelCaseFlagKey(flag)]);
  for (const path of program.paths()) {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length > 0) {
        const callee = calleeName(node);
        const sdk = callee && isKnownFlagApi(callee.name) ? sdkOfRead(program, node, callee) : 'unknown';
        const apiKey =
          callee && isKnownFlagApi(callee.name) ? keyArgumentOfCall(node, callee, sdk) : undefined;
        if (
          callee &&
          apiKey &&
          hasSdkEvidence(program, node, callee) &&
          resolveKeyString(program, apiKey) === flag
        ) {
          reads.push(flagRead(path, node, callee, sdk));
        } else if (callee) {
          const nameNode = ts.isIdentifier(node.expression)
            ? node.expression
            : ts.isPropertyAccessExpression(node.expression)
              ? node.expression.name
              : undefined;
          const symbol = nameNode ? program.symbolAt(nameNode) : undefined;
          const wrapper = symbol ? wrappers.get(program.canonical(symbol)) : undefined;
          const key = wrapper ? node.arguments[wrapper.keyArg] : undefined;
          if (wrapper && key && resolveKeyString(program, key) === flag) {
            reads.push({ path, node, shape: 'value', api: wrapper.name });
          }
        }
      } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const variable = node.parent.parent;
        const property = node.propertyName ?? node.name;
        if (
          ts.isVariableDeclaration(variable) &&
          variable.initializer &&
          (ts.isIdentifier(property) || ts.isStringLiteral(property)) &&
          flagNames.has(property.text) &&
          isFlagsObject(program, variable.initializer)
        ) {
          reads.push({ path, node, shape: 'binding', api: 'useFlags' });
        }
      } else if (
        ts.isPropertyAccessExpression(node) &&
        flagNames.has(node.name.text) &&
        isFlagsObject(program, node.expression)
      ) {
        reads.push({ path, node, shape: 'value', api: 'useFlags' });
      } else if (
        ts.isElementAccessExpression(node) &&
        resolveKeyString(program, node.argumentExpression) !== undefined &&
        flagNames.has(resolveKeyString(program, node.argumentExpression) ?? '') &&
        isFlagsObject(program, node.expression)
      ) {
        reads.push({ path, node, shape: 'value', api: 'useFlags' });
      }
      ts.forEachChild(node, visit);
    };
    visit(program.sourceFile(path));
  }
  return reads;
}

/** A read through an SDK API, with the shape that API returns. */
function flagRead(
  path: string,
  node: ts.CallExpression,
  callee: { name: string; isMethod: boolean },
  sdk: string,
): FlagRead {
  const read: FlagRead = {
    path,
    node,
    shape: readShapeOf(callee.name, sdk, callee.isMethod),
    api: callee.name,
  };
  const members = flagApiOf(callee.name, sdk, callee.isMethod)?.members;
  if (members) read.members = members;
  return read;
}

/** The innermost node exactly covering [start, end) whose kind a read can have. */
function readNodeAt(sourceFile: ts.SourceFile, start: number, end: number): FlagRead['node'] | undefined {
  let found: FlagRead['node'] | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart() > start || node.end < end) return;
    if (node.getStart() === start && node.end === end) {
      if (
        ts.isCallExpression(node) ||
        ts.isPropertyAccessExpression(node) ||
        ts.isElementAccessExpression(node) ||
        ts.isBindingElement(node)
      ) {
        found ??= node;
      } else if (ts.isIdentifier(node) && ts.isBindingElement(node.parent)) {
        found ??= node.parent;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The index's usages of the flag as syntax nodes; usages that match no node are returned apart. */
export function readsFromUsages(
  program: WorkspaceProgram,
  usages: readonly FlagUsage[],
  flag: string,
  /** The type of the value the flag now serves; reads expecting another type are `mistyped`. */
  servedType?: VariantType,
): { reads: FlagRead[]; unmatched: FlagUsage[]; mistyped: { read: FlagRead; usage: FlagUsage }[] } {
  const reads: FlagRead[] = [];
  const unmatched: FlagUsage[] = [];
  const mistyped: { read: FlagRead; usage: FlagUsage }[] = [];
  const lineIndexes = new Map<string, LineIndex>();
  for (const usage of usages) {
    if (usage.flag !== flag && !(usage.camelCaseKey && usage.flag === camelCaseFlagKey(flag))) continue;
    if (!program.texts.has(usage.file)) {
      unmatched.push(usage);
      continue;
    }
    const sourceFile = program.sourceFile(usage.file);
    let lines = lineIndexes.get(usage.file);
    if (!lines) {
      lines = new LineIndex(sourceFile.text);
      lineIndexes.set(usage.file, lines);
    }
    const node = readNodeAt(sourceFile, lines.offsetAt(usage.range.start), lines.offsetAt(usage.range.end));
    if (!node) {
      unmatched.push(usage);
      continue;
    }
    let read: FlagRead;
    if (ts.isBindingElement(node)) read = { path: usage.file, node, shape: 'binding', api: usage.api };
    else if (ts.isCallExpression(node) && usage.resolution !== 'wrapper' && isKnownFlagApi(usage.api))
      read = flagRead(
        usage.file,
        node,
        { name: usage.api, isMethod: calleeName(node)?.isMethod ?? false },
        usage.sdk,
      );
    else read = { path: usage.file, node, shape: 'value', api: usage.api };
    // flagd answers a read of the wrong type with the caller's default (TYPE_MISMATCH), not the value.
    if (servedType && usage.expectedType !== 'any' && usage.expectedType !== servedType)
      mistyped.push({ read, usage });
    else reads.push(read);
  }
  return { reads, unmatched, mistyped };
}
