/**
 * Whether evaluating an expression can have an effect that must survive its deletion. Conservative:
 * calls, assignments, `++`, `await`, `new`, `delete`, `yield` and tagged templates are effects,
 * except reads of flags and SDK clients, `Boolean()`-style conversions, and calls of this
 * workspace's functions whose body only returns a pure expression (`flagClient()`).
 */
import { ts } from 'ts-morph';
import { isPureSdkCall } from './flagApis';
import type { WorkspaceProgram } from './workspaceProgram';

const PURE_GLOBAL_CALLS = new Set(['Boolean', 'String', 'Number']);
/** Constructors of plain containers: making one and dropping it does nothing. */
const PURE_CONSTRUCTORS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'Object']);

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

export class PurityAnalysis {
  private readonly functionPurity = new Map<ts.Node, boolean>();

  constructor(private readonly program?: WorkspaceProgram) {}

  isPure(node: ts.Expression, depth = 0): boolean {
    const pure = (child: ts.Expression) => this.isPure(child, depth);
    if (
      ts.isIdentifier(node) ||
      ts.isLiteralExpression(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
    ) {
      return true;
    }
    switch (node.kind) {
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
      case ts.SyntaxKind.NullKeyword:
      case ts.SyntaxKind.ThisKeyword:
      case ts.SyntaxKind.SuperKeyword:
        return true;
    }
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) {
      return pure(node.expression);
    }
    if (ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) return pure(node.expression);
    if (ts.isPropertyAccessExpression(node)) return pure(node.expression);
    if (ts.isElementAccessExpression(node)) return pure(node.expression) && pure(node.argumentExpression);
    if (ts.isTemplateExpression(node)) return node.templateSpans.every((span) => pure(span.expression));
    if (ts.isArrayLiteralExpression(node)) return node.elements.every((element) => pure(element));
    if (ts.isSpreadElement(node)) return pure(node.expression);
    if (ts.isObjectLiteralExpression(node)) {
      return node.properties.every((property) => {
        if (ts.isPropertyAssignment(property)) {
          const computed = ts.isComputedPropertyName(property.name) ? pure(property.name.expression) : true;
          return computed && pure(property.initializer);
        }
        if (ts.isSpreadAssignment(property)) return pure(property.expression);
        return (
          ts.isShorthandPropertyAssignment(property) ||
          ts.isMethodDeclaration(property) ||
          ts.isAccessor(property)
        );
      });
    }
    if (ts.isPrefixUnaryExpression(node)) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
        return false;
      return pure(node.operand);
    }
    if (ts.isPostfixUnaryExpression(node)) return false;
    if (ts.isTypeOfExpression(node) || ts.isVoidExpression(node)) return pure(node.expression);
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment) return false;
      return pure(node.left) && pure(node.right);
    }
    if (ts.isConditionalExpression(node))
      return pure(node.condition) && pure(node.whenTrue) && pure(node.whenFalse);
    if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node))
      return this.isPureJsx(node, depth);
    if (ts.isClassExpression(node)) return false;
    if (ts.isNewExpression(node)) {
      return (
        ts.isIdentifier(node.expression) &&
        PURE_CONSTRUCTORS.has(node.expression.text) &&
        (node.arguments ?? []).every((argument) => pure(argument))
      );
    }
    if (ts.isCallExpression(node)) return this.isPureCall(node, depth);
    return false;
  }

  private isPureJsx(node: ts.Node, depth: number): boolean {
    let pure = true;
    const visit = (child: ts.Node): void => {
      if (!pure) return;
      if (ts.isJsxExpression(child)) {
        if (child.expression && !this.isPure(child.expression, depth)) pure = false;
        return;
      }
      if (ts.isJsxSpreadAttribute(child) && !this.isPure(child.expression, depth)) {
        pure = false;
        return;
      }
      ts.forEachChild(child, visit);
    };
    ts.forEachChild(node, visit);
    return pure;
  }

  private isPureCall(call: ts.CallExpression, depth: number): boolean {
    if (!call.arguments.every((argument) => this.isPure(argument, depth))) return false;
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && !this.isPure(callee.expression, depth)) return false;
    const name = calleeName(call);
    // `require('x')` is an import: dropping an unused one is what deleting an import does.
    if (
      name === 'require' &&
      ts.isIdentifier(callee) &&
      call.arguments.length === 1 &&
      ts.isStringLiteral(call.arguments[0])
    )
      return true;
    if (
      name !== undefined &&
      (isPureSdkCall(name) || (ts.isIdentifier(callee) && PURE_GLOBAL_CALLS.has(name)))
    ) {
      return true;
    }
    if (!this.program || depth > 3 || !ts.isIdentifier(callee)) return false;
    const symbol = this.program.symbolAt(callee);
    const declaration = symbol ? this.program.canonical(symbol).declarations?.[0] : undefined;
    if (!declaration) return false;
    return this.isPureFunction(declaration, depth + 1);
  }

  /** A function whose body only returns a pure expression (or an arrow with a pure expression body). */
  private isPureFunction(declaration: ts.Declaration, depth: number): boolean {
    const cached = this.functionPurity.get(declaration);
    if (cached !== undefined) return cached;
    this.functionPurity.set(declaration, false);
    let body: ts.ConciseBody | undefined;
    if (ts.isFunctionDeclaration(declaration)) body = declaration.body;
    else if (
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer &&
      (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer))
    ) {
      body = declaration.initializer.body;
    }
    let pure = false;
    if (body && ts.isBlock(body)) {
      const only = body.statements.length === 1 ? body.statements[0] : undefined;
      pure =
        !!only && ts.isReturnStatement(only) && (!only.expression || this.isPure(only.expression, depth));
    } else if (body) {
      pure = this.isPure(body, depth);
    }
    this.functionPurity.set(declaration, pure);
    return pure;
  }
}

/** Syntactically boolean: `X && true` is `X` wherever `X` is one of these. */
export function isBooleanExpression(node: ts.Expression): boolean {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  if (current.kind === ts.SyntaxKind.TrueKeyword || current.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(current)) return current.operator === ts.SyntaxKind.ExclamationToken;
  if (
    ts.isCallExpression(current) &&
    ts.isIdentifier(current.expression) &&
    current.expression.text === 'Boolean'
  )
    return true;
  if (ts.isBinaryExpression(current)) {
    switch (current.operatorToken.kind) {
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken:
      case ts.SyntaxKind.LessThanToken:
      case ts.SyntaxKind.LessThanEqualsToken:
      case ts.SyntaxKind.GreaterThanToken:
      case ts.SyntaxKind.GreaterThanEqualsToken:
      case ts.SyntaxKind.InstanceOfKeyword:
      case ts.SyntaxKind.InKeyword:
        return true;
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.BarBarToken:
        return isBooleanExpression(current.left) && isBooleanExpression(current.right);
    }
  }
  return false;
}
