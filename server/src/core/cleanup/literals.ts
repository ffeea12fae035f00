/**
 * Flag values as source text and literals as values: what a flag read is replaced with, and what
 * the folder may compare it against.
 */
import { ts } from 'ts-morph';

/** A value the folder knows: a flag's served value, or a literal written next to it. */
export type KnownValue = boolean | string | number | null | undefined | object;

export type QuoteStyle = "'" | '"';

/** The quote the file uses most for string literals (single when it has none). */
export function quoteStyleOf(sourceFile: ts.SourceFile): QuoteStyle {
  let single = 0;
  let double = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node)) {
      const quote = sourceFile.text[node.getStart()];
      if (quote === "'") single++;
      else if (quote === '"') double++;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return double > single ? '"' : "'";
}

export function renderString(value: string, quote: QuoteStyle): string {
  const json = JSON.stringify(value);
  if (quote === '"') return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Source text of a value: JSON-like, with the file's quotes and unquoted identifier keys. */
export function renderValue(value: KnownValue, quote: QuoteStyle): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return renderString(value, quote);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return `[${value.map((item) => renderValue(item as KnownValue, quote)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, KnownValue>);
  if (entries.length === 0) return '{}';
  const body = entries
    .map(
      ([key, item]) =>
        `${IDENTIFIER.test(key) ? key : renderString(key, quote)}: ${renderValue(item, quote)}`,
    )
    .join(', ');
  return `{ ${body} }`;
}

export function isTruthy(value: KnownValue): boolean {
  return Boolean(value);
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

/**
 * The value of a literal written in code (`'a'`, `-1`, `true`, `null`, `undefined`, `void 0`),
 * or `none` when the expression is not a plain literal.
 */
export const NOT_A_LITERAL: unique symbol = Symbol('not a literal');

export function literalValue(expression: ts.Expression): KnownValue | typeof NOT_A_LITERAL {
  const node = skipParentheses(expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(node) && node.text === 'undefined') return undefined;
  if (ts.isVoidExpression(node) && ts.isNumericLiteral(skipParentheses(node.expression))) return undefined;
  if (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand)) {
    if (node.operator === ts.SyntaxKind.MinusToken) return -Number(node.operand.text);
    if (node.operator === ts.SyntaxKind.PlusToken) return Number(node.operand.text);
  }
  return NOT_A_LITERAL;
}

/** Equality of two known values as `===` sees them (objects are only equal to themselves). */
function strictEquals(a: KnownValue, b: KnownValue): boolean {
  if (typeof a === 'object' && a !== null) return a === b;
  return a === b;
}

function looseEquals(a: KnownValue, b: KnownValue): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  // Same rules as `==` for primitives.
  return a == b;
}

/** The result of a comparison between known values, or undefined when it cannot be decided here. */
export function compareKnown(
  operator: ts.SyntaxKind,
  left: KnownValue,
  right: KnownValue,
): boolean | undefined {
  switch (operator) {
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
      return strictEquals(left, right);
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      return !strictEquals(left, right);
    case ts.SyntaxKind.EqualsEqualsToken:
      return looseEquals(left, right);
    case ts.SyntaxKind.ExclamationEqualsToken:
      return !looseEquals(left, right);
  }
  if (typeof left === 'number' && typeof right === 'number') {
    switch (operator) {
      case ts.SyntaxKind.LessThanToken:
        return left < right;
      case ts.SyntaxKind.LessThanEqualsToken:
        return left <= right;
      case ts.SyntaxKind.GreaterThanToken:
        return left > right;
      case ts.SyntaxKind.GreaterThanEqualsToken:
        return left >= right;
    }
  }
  return undefined;
}

export function typeofKnown(value: KnownValue): string {
  if (value === null) return 'object';
  return typeof value;
}
