/**
 * Code that pins, overrides or listens to the flag rather than reading it: setters and mocks
 * (`setFlag('x', true)`), listeners (`client.on('change:x', ...)`), and flag maps handed to mocks,
 * test providers and bootstraps (`mockFlags({ 'x': true })`). A pin to the value the flag now
 * serves just goes; a pin to the dead value makes its test meaningless, so the test goes too.
 */
import { ts } from 'ts-morph';
import { camelCaseFlagKey } from '../usages/camelCase';
import {
  LISTENER_CALL_NAME,
  PIN_CALL_NAME,
  PIN_OBJECT_CALLEE,
  TEST_CASE_NAMES,
  TEST_GROUP_NAMES,
} from './flagApis';
import { resolveKeyString } from './flagReads';
import { deletionSpan, listElementDeletionSpan } from './layout';
import { literalValue, NOT_A_LITERAL, renderValue, type KnownValue } from './literals';
import { codeSnippet, type Proposal, type RoundContext, type RoundFile } from './round';
import { text } from './trackedText';

/** Calls that register a handler for flag changes (OpenFeature's `addHandler`, emitters' `on`). */
const HANDLER_REGISTRATION = /^(?:addHandler|addEventListener|addListener|on|once|subscribe|onChange)$/;

const HOOK_NAMES = new Set([
  'before',
  'beforeEach',
  'beforeAll',
  'after',
  'afterEach',
  'afterAll',
  'setup',
  'teardown',
]);

function calleeBaseName(expression: ts.Expression): string | undefined {
  let current = expression;
  // `it.only`, `test.skip`, `describe.each(table)`.
  while (true) {
    if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isPropertyAccessExpression(current) && ts.isIdentifier(current.expression))
      current = current.expression;
    else break;
  }
  return ts.isIdentifier(current) ? current.text : undefined;
}

function methodName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

/** The statement of the test case (or group, when pinned in a hook) that depends on this pin. */
function enclosingTest(node: ts.Node): ts.ExpressionStatement | undefined {
  let inHook = false;
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (!ts.isCallExpression(current)) continue;
    const name = calleeBaseName(current.expression);
    if (!name) continue;
    if (HOOK_NAMES.has(name)) inHook = true;
    const isCase = TEST_CASE_NAMES.has(name) && !inHook;
    const isGroup = TEST_GROUP_NAMES.has(name) && inHook;
    if ((isCase || isGroup) && ts.isExpressionStatement(current.parent)) return current.parent;
  }
  return undefined;
}

function testTitle(statement: ts.ExpressionStatement): string {
  const call = statement.expression as ts.CallExpression;
  const title = call.arguments[0];
  return title && (ts.isStringLiteral(title) || ts.isNoSubstitutionTemplateLiteral(title))
    ? title.text
    : codeSnippet(title?.getText() ?? '', 40);
}

/** The value a pinned entry serves: a literal, or an in-memory provider's `{ variants, defaultVariant }`. */
function pinnedValue(expression: ts.Expression): KnownValue | typeof NOT_A_LITERAL {
  const literal = literalValue(expression);
  if (literal !== NOT_A_LITERAL) return literal;
  if (!ts.isObjectLiteralExpression(expression)) return NOT_A_LITERAL;
  const property = (name: string) =>
    expression.properties.find(
      (candidate): candidate is ts.PropertyAssignment =>
        ts.isPropertyAssignment(candidate) &&
        (ts.isIdentifier(candidate.name) || ts.isStringLiteral(candidate.name)) &&
        candidate.name.text === name,
    );
  const defaultVariant = property('defaultVariant');
  const variants = property('variants');
  if (!defaultVariant || !variants || !ts.isObjectLiteralExpression(variants.initializer))
    return NOT_A_LITERAL;
  const variantName = literalValue(defaultVariant.initializer);
  if (typeof variantName !== 'string') return NOT_A_LITERAL;
  const variant = variants.initializer.properties.find(
    (candidate): candidate is ts.PropertyAssignment =>
      ts.isPropertyAssignment(candidate) &&
      (ts.isIdentifier(candidate.name) || ts.isStringLiteral(candidate.name)) &&
      candidate.name.text === variantName,
  );
  return variant ? literalValue(variant.initializer) : NOT_A_LITERAL;
}

function sameValue(a: KnownValue, b: KnownValue): boolean {
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/**
 * Tests inside a change handler of whether the changed flag is this one:
 * `flagsChanged.includes('x')`, `event.flagKey === 'x'`. The flag no longer changes, so they are false.
 */
function changeChecks(context: RoundContext, handler: ts.Node): ts.Expression[] {
  const checks: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'includes' &&
      node.arguments.length === 1 &&
      resolveKeyString(context.program, node.arguments[0]) === context.flag
    ) {
      checks.push(node);
      return;
    }
    if (
      ts.isBinaryExpression(node) &&
      (node.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
        node.operatorToken.kind === ts.SyntaxKind.EqualsEqualsToken) &&
      [node.left, node.right].some((side) => resolveKeyString(context.program, side) === context.flag) &&
      [node.left, node.right].some((side) => literalValue(side) === NOT_A_LITERAL)
    ) {
      checks.push(node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(handler);
  return checks;
}

/** A handler that does nothing unless the changed flag is this one. */
function reactsOnlyTo(body: ts.ConciseBody, checks: readonly ts.Expression[]): boolean {
  const guards = (condition: ts.Expression): boolean =>
    checks.some(
      (check) =>
        check === condition ||
        (ts.isBinaryExpression(condition) &&
          condition.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
          guards(condition.left)),
    );
  if (ts.isBlock(body)) {
    const only = body.statements.length === 1 ? body.statements[0] : undefined;
    return !!only && ts.isIfStatement(only) && !only.elseStatement && guards(only.expression);
  }
  return (
    ts.isBinaryExpression(body) &&
    body.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
    guards(body.left)
  );
}

export function pinProposals(context: RoundContext, file: RoundFile): Proposal[] {
  const proposals: Proposal[] = [];
  const { program, flag } = context;
  const flagNames = new Set([flag, camelCaseFlagKey(flag)]);
  const served = renderValue(context.value, file.quote);

  /** A pin to a dead value: its test goes; outside a test, the pin goes and a person looks. */
  const deadPin = (pin: ts.Node, remove: Proposal): void => {
    const test = enclosingTest(pin);
    if (test) {
      const span = deletionSpan(file.text, test, test);
      proposals.push({
        path: file.path,
        edit: { start: span.start, end: span.end, pieces: [] },
        report: {
          offset: test.getStart(),
          message: `Removed test "${testTitle(test)}": it pins ${flag} to a value it no longer serves.`,
          needsHuman: false,
        },
      });
    } else {
      proposals.push({
        ...remove,
        report: {
          offset: pin.getStart(),
          message: `Removed \`${codeSnippet(pin.getText())}\`, which pins ${flag} to a value other than ${served}: check what depended on it.`,
          needsHuman: true,
        },
      });
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const name = methodName(node.expression);
      const statement = ts.isExpressionStatement(node.parent)
        ? node.parent
        : ts.isAwaitExpression(node.parent) && ts.isExpressionStatement(node.parent.parent)
          ? node.parent.parent
          : undefined;
      const first = node.arguments[0];
      if (name && statement && PIN_CALL_NAME.test(name) && resolveKeyString(program, first) === flag) {
        const span = deletionSpan(file.text, statement, statement);
        const remove: Proposal = {
          path: file.path,
          edit: { start: span.start, end: span.end, pieces: [] },
          report: {
            offset: statement.getStart(),
            message: `Removed \`${codeSnippet(statement.getText())}\`, which overrides ${flag}.`,
          },
        };
        const pinned = node.arguments[1] ? pinnedValue(node.arguments[1]) : NOT_A_LITERAL;
        if (pinned !== NOT_A_LITERAL && !sameValue(pinned, context.value)) deadPin(node, remove);
        else proposals.push(remove);
        return;
      }
      const handler = node.arguments[node.arguments.length - 1];
      if (
        name &&
        statement &&
        HANDLER_REGISTRATION.test(name) &&
        (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler))
      ) {
        const checks = changeChecks(context, handler.body);
        if (checks.length > 0) {
          if (reactsOnlyTo(handler.body, checks)) {
            const span = deletionSpan(file.text, statement, statement);
            proposals.push({
              path: file.path,
              edit: { start: span.start, end: span.end, pieces: [] },
              report: {
                offset: statement.getStart(),
                message: `Removed the handler \`${codeSnippet(statement.getText())}\`: it only reacts to changes of ${flag}, which no longer changes.`,
              },
            });
          } else {
            for (const check of checks) {
              proposals.push({
                path: file.path,
                edit: { start: check.getStart(), end: check.end, pieces: [text('false', true)] },
                report: {
                  offset: check.getStart(),
                  message: `\`${codeSnippet(check.getText())}\` is now always false: ${flag} no longer changes.`,
                },
              });
            }
          }
          return;
        }
      }
      const eventName =
        ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) ? first.text : undefined;
      if (
        name &&
        statement &&
        LISTENER_CALL_NAME.test(name) &&
        eventName &&
        /^(?:change|update):/.test(eventName) &&
        eventName.slice(eventName.indexOf(':') + 1) === flag
      ) {
        const span = deletionSpan(file.text, statement, statement);
        proposals.push({
          path: file.path,
          edit: { start: span.start, end: span.end, pieces: [] },
          report: {
            offset: statement.getStart(),
            message: `Removed the ${flag} listener \`${codeSnippet(statement.getText())}\`: the flag no longer changes.`,
          },
        });
        return;
      }
    }
    if (ts.isObjectLiteralExpression(node) && isPinMap(node)) {
      node.properties.forEach((property, index) => {
        if (!ts.isPropertyAssignment(property)) return;
        const key = ts.isComputedPropertyName(property.name)
          ? resolveKeyString(program, property.name.expression)
          : ts.isIdentifier(property.name) ||
              ts.isStringLiteral(property.name) ||
              ts.isNoSubstitutionTemplateLiteral(property.name)
            ? property.name.text
            : undefined;
        if (key === undefined || !flagNames.has(key)) return;
        const span = listElementDeletionSpan(file.text, node.properties, index);
        const remove: Proposal = {
          path: file.path,
          edit: { start: span.start, end: span.end, pieces: [] },
          report: {
            offset: property.getStart(),
            message: `Removed ${flag} from the flag map \`${codeSnippet(node.getText(), 40)}\`.`,
          },
        };
        const pinned = pinnedValue(property.initializer);
        if (pinned !== NOT_A_LITERAL && !sameValue(pinned, context.value)) deadPin(property, remove);
        else proposals.push(remove);
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return proposals;
}

/** An object literal that maps flag keys to pinned values: an argument of a mock, provider or bootstrap call. */
function isPinMap(node: ts.ObjectLiteralExpression): boolean {
  let current: ts.Node = node;
  while (ts.isPropertyAssignment(current.parent) || ts.isObjectLiteralExpression(current.parent))
    current = current.parent;
  const parent = current.parent;
  if (
    !(ts.isCallExpression(parent) || ts.isNewExpression(parent)) ||
    !parent.arguments?.includes(current as ts.Expression)
  )
    return false;
  const name = methodName(parent.expression);
  return !!name && PIN_OBJECT_CALLEE.test(name);
}
