/**
 * The last guard of the cleanup: a rewrite must never leave a member read or a call on a literal
 * (`true.value`, `'on'.treatment`, `false.onUpdate(render)`, `3()`). Such code is what replacing an
 * object-returning read by its value would write; it parses, but it is wrong. Reads of members a
 * string really has (`'blue'.length`) and reads of an object or array literal's own properties
 * (which later rounds fold) are fine.
 */
import { ts } from 'ts-morph';

const STRING_MEMBERS = new Set(Object.getOwnPropertyNames(String.prototype));

function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current))
    current = current.expression;
  return current;
}

function isScalarLiteral(node: ts.Expression): boolean {
  return (
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    ts.isNumericLiteral(node) ||
    ts.isBigIntLiteral(node) ||
    (ts.isIdentifier(node) && node.text === 'undefined')
  );
}

function isStringLiteral(node: ts.Expression): boolean {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

function memberName(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  const argument = unwrap(node.argumentExpression);
  return ts.isStringLiteral(argument) || ts.isNumericLiteral(argument) ? argument.text : undefined;
}

/** Where `sourceFile` reads a member of, or calls, a literal that has no such member. */
export function literalMemberMisuses(sourceFile: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const receiver = unwrap(node.expression);
      const name = memberName(node);
      if (isScalarLiteral(receiver)) found.push(node);
      else if (
        isStringLiteral(receiver) &&
        (name === undefined || !(STRING_MEMBERS.has(name) || /^\d+$/.test(name)))
      )
        found.push(node);
    } else if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (
        isScalarLiteral(callee) ||
        isStringLiteral(callee) ||
        ts.isObjectLiteralExpression(callee) ||
        ts.isArrayLiteralExpression(callee)
      )
        found.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
