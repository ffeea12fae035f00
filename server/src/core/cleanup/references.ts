/**
 * Edits on references and declarations shared by the rules: replacing a reference by a flag
 * constant (by symbol, never by name), telling reads from writes, deleting a declarator or a
 * destructured binding with the right commas and lines.
 */
import { ts } from 'ts-morph';
import { deletionSpan, listElementDeletionSpan } from './layout';
import type { RoundFile } from './round';
import { slice, text, type PlannedEdit } from './trackedText';

function outerExpression(node: ts.Node): ts.Node {
  let current = node;
  while (
    ts.isParenthesizedExpression(current.parent) ||
    ts.isNonNullExpression(current.parent) ||
    ts.isAsExpression(current.parent) ||
    ts.isSatisfiesExpression(current.parent) ||
    ts.isTypeAssertionExpression(current.parent)
  ) {
    current = current.parent;
  }
  return current;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Is this reference written to (assigned, incremented, a destructuring or for-in/of target)? */
export function isWriteReference(reference: ts.Node): boolean {
  let node = outerExpression(
    ts.isPropertyAccessExpression(reference.parent) && reference.parent.name === reference
      ? reference.parent
      : reference,
  );
  let parent = node.parent;
  if (
    ts.isBinaryExpression(parent) &&
    isAssignmentOperator(parent.operatorToken.kind) &&
    parent.left === node
  )
    return true;
  if (
    (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) &&
    (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    return true;
  }
  if ((ts.isForInStatement(parent) || ts.isForOfStatement(parent)) && parent.initializer === node)
    return true;
  // Destructuring assignment: `({ a: x } = o)`, `[x] = list`.
  while (
    ts.isShorthandPropertyAssignment(parent) ||
    (ts.isPropertyAssignment(parent) && parent.initializer === node) ||
    ts.isArrayLiteralExpression(parent) ||
    ts.isObjectLiteralExpression(parent) ||
    ts.isSpreadElement(parent) ||
    ts.isSpreadAssignment(parent)
  ) {
    node = parent;
    parent = node.parent;
    if (
      ts.isBinaryExpression(parent) &&
      parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      parent.left === node
    )
      return true;
  }
  return false;
}

/**
 * The edit replacing a reference by a literal, or undefined when the reference cannot hold one
 * (an import/export specifier, a type position).
 */
export function referenceReplacement(reference: ts.Node, literal: string): PlannedEdit | undefined {
  const parent = reference.parent;
  if (
    ts.isImportSpecifier(parent) ||
    ts.isExportSpecifier(parent) ||
    ts.isImportClause(parent) ||
    ts.isExportAssignment(parent)
  )
    return undefined;
  if (ts.isTypeQueryNode(parent) || ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent))
    return undefined;
  if (ts.isShorthandPropertyAssignment(parent) && parent.name === reference) {
    return {
      start: parent.getStart(),
      end: parent.end,
      pieces: [slice(reference.getStart(), reference.end), text(': '), text(literal, true)],
    };
  }
  if (ts.isPropertyAccessExpression(parent) && parent.name === reference) {
    // `ns.flag` / `this.flag`: the whole access becomes the literal.
    return { start: parent.getStart(), end: parent.end, pieces: [text(literal, true)] };
  }
  if (ts.isPropertyAccessExpression(parent) && parent.expression === reference && /^[-\d]/.test(literal)) {
    return {
      start: reference.getStart(),
      end: reference.end,
      pieces: [text('('), text(literal, true), text(')')],
    };
  }
  if (!ts.isIdentifier(reference)) return undefined;
  return { start: reference.getStart(), end: reference.end, pieces: [text(literal, true)] };
}

/** Deleting one declarator (the whole statement when it is the only one). */
export function declaratorDeletion(
  file: RoundFile,
  declaration: ts.VariableDeclaration,
): PlannedEdit | undefined {
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list)) return undefined;
  const statement = list.parent;
  if (list.declarations.length === 1) {
    if (!ts.isVariableStatement(statement)) return undefined;
    const span = deletionSpan(file.text, statement, statement);
    return { start: span.start, end: span.end, pieces: [] };
  }
  const span = listElementDeletionSpan(file.text, list.declarations, list.declarations.indexOf(declaration));
  return { start: span.start, end: span.end, pieces: [] };
}

/** Deleting one element of an object binding pattern (the declarator when it is the last one). */
export function bindingElementDeletion(file: RoundFile, element: ts.BindingElement): PlannedEdit | undefined {
  const pattern = element.parent;
  if (!ts.isObjectBindingPattern(pattern)) return undefined;
  if (pattern.elements.length === 1) {
    const declaration = pattern.parent;
    return ts.isVariableDeclaration(declaration) ? declaratorDeletion(file, declaration) : undefined;
  }
  const span = listElementDeletionSpan(file.text, pattern.elements, pattern.elements.indexOf(element));
  return { start: span.start, end: span.end, pieces: [] };
}

/** Is the declaration written with `export` (or `export default`)? */
export function isExported(node: ts.Node): boolean {
  let current: ts.Node = node;
  if (ts.isVariableDeclaration(current)) current = current.parent.parent;
  if (!ts.canHaveModifiers(current)) return false;
  return (ts.getModifiers(current) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}
