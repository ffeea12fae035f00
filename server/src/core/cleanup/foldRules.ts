/**
 * Where a folded expression goes: an `if` keeps one branch, a `switch` keeps one case, an
 * expression statement keeps its effects, JSX drops `{false}` children and unwraps `{<X/>}`, a
 * boolean prop `={true}` becomes a bare attribute, and anywhere else the expression is replaced.
 */
import { ts } from 'ts-morph';
import { isFoldable, precedenceOf, type Outcome } from './fold';
import { deletionSpan, indentationOfLine, reindentFrom, sameLine, startsLine } from './layout';
import { isTruthy, literalValue, NOT_A_LITERAL, renderValue, type KnownValue } from './literals';
import { codeSnippet, type Proposal, type RoundContext, type RoundFile } from './round';
import { replaceStatement, statementListOf, terminates, unwrapCollides } from './statementSurgery';
import { slice, text, type Piece } from './trackedText';

/** Maximal foldable expressions that contain a flag constant. */
function foldRoots(file: RoundFile): ts.Expression[] {
  const roots: ts.Expression[] = [];
  const { folder } = file;
  const visit = (node: ts.Node): void => {
    if (!folder.containsFlagConstant(node)) return;
    if (
      (isFoldable(node) || folder.isFlagConstant(node)) &&
      !isFoldable(node.parent) &&
      ts.isExpression(node)
    ) {
      roots.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return roots;
}

export function foldProposals(context: RoundContext, file: RoundFile): Proposal[] {
  const proposals: Proposal[] = [];
  for (const root of foldRoots(file)) {
    const parent = root.parent;
    let found: Proposal[] | undefined;
    if (ts.isIfStatement(parent) && parent.expression === root) found = ifRule(context, file, parent);
    else if (ts.isExpressionStatement(parent)) found = expressionStatementRule(context, file, parent);
    else if (ts.isJsxExpression(parent)) found = jsxRule(file, parent, root);
    else if (ts.isSwitchStatement(parent) && parent.expression === root)
      found = switchRule(context, file, parent);
    else if (
      (ts.isWhileStatement(parent) && parent.expression === root) ||
      (ts.isDoStatement(parent) && parent.expression === root) ||
      (ts.isForStatement(parent) && parent.condition === root)
    ) {
      found = loopRule(context, file, parent, root);
    } else found = valueRule(context, file, root);
    proposals.push(...(found ?? []));
  }
  for (const refused of file.folder.refused.splice(0)) {
    context.reporter.add(
      file.path,
      file.text,
      refused.getStart(),
      `Not folded: \`${codeSnippet(refused.getText())}\` has side effects that cannot be kept here.`,
      true,
    );
  }
  return proposals;
}

/** The expression text of an outcome where `root` stood, or undefined when nothing changes. */
function outcomePieces(file: RoundFile, folded: Outcome, root: ts.Expression): Piece[] | undefined {
  let outcome = folded;
  if (outcome.kind === 'same') return undefined;
  if (outcome.effects.length > 0) {
    file.folder.refused.push(root);
    return undefined;
  }
  if (outcome.kind === 'const') return [text(renderValue(outcome.value, file.quote), true)];
  let node = outcome.node;
  if (
    node &&
    outcome.pieces.length === 1 &&
    ts.isParenthesizedExpression(node) &&
    parenthesesDroppable(node, root)
  ) {
    // `(await x)` where `true && (await x)` stood: the parentheses were for the `&&`.
    node = node.expression;
    outcome = { ...outcome, node, pieces: [slice(node.getStart(), node.end)] };
  }
  if (node && outcome.pieces.length === 1 && isPrimitiveLiteral(node)) {
    // The flag selected this literal: later rounds may fold what depends on it.
    return [text(node.getText(), 'derived')];
  }
  if (
    node &&
    outcome.pieces.length === 1 &&
    startsLine(file.text, node.getStart()) &&
    !startsLineAt(file, root)
  ) {
    // A branch hoisted out of a multi-line expression moves left with its lines.
    const reindent = reindentFrom(
      indentationOfLine(file.text, node.getStart()),
      indentationOfLine(file.text, root.getStart()),
    );
    return [slice(node.getStart(), node.end, reindent)];
  }
  return outcome.pieces;
}

function isPrimitiveLiteral(node: ts.Expression): boolean {
  const value = literalValue(node);
  return (
    value !== NOT_A_LITERAL &&
    (value === null || typeof value !== 'object') &&
    !ts.isParenthesizedExpression(node)
  );
}

function parenthesesDroppable(parenthesized: ts.ParenthesizedExpression, root: ts.Expression): boolean {
  const inner = parenthesized.expression;
  if (ts.isObjectLiteralExpression(inner) || ts.isFunctionExpression(inner) || ts.isClassExpression(inner))
    return false;
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.CommaToken) return false;
  const parent = root.parent;
  if (
    (ts.isExpressionStatement(parent) || ts.isArrowFunction(parent)) &&
    /^(?:\{|function\b|class\b|let\s*\[)/.test(inner.getText())
  )
    return false;
  // Where any expression may stand, the parentheses are never needed.
  const freePosition =
    ts.isIfStatement(parent) ||
    ts.isWhileStatement(parent) ||
    ts.isDoStatement(parent) ||
    ts.isSwitchStatement(parent) ||
    (ts.isForStatement(parent) && parent.condition === root) ||
    (ts.isReturnStatement(parent) &&
      sameLine(root.getSourceFile().text, parenthesized.getStart(), inner.getStart())) ||
    (ts.isJsxExpression(parent) &&
      !ts.isJsxElement(inner) &&
      !ts.isJsxSelfClosingElement(inner) &&
      !ts.isJsxFragment(inner));
  if (freePosition) return true;
  return precedenceOf(inner) >= precedenceOf(root) && !ts.isArrowFunction(inner) && precedenceOf(inner) > 2;
}

function startsLineAt(file: RoundFile, node: ts.Node): boolean {
  return startsLine(file.text, node.getStart());
}

function piecesText(file: RoundFile, pieces: Piece[]): string {
  return pieces
    .map((piece) => (piece.kind === 'text' ? piece.text : file.text.slice(piece.start, piece.end)))
    .join('');
}

function replaceExpression(file: RoundFile, root: ts.Expression, pieces: Piece[]): Proposal[] {
  let result = pieces;
  const parent = root.parent;
  const leading = piecesText(file, pieces).trimStart();
  if (ts.isArrowFunction(parent) && parent.body === root && leading.startsWith('{'))
    result = [text('('), ...pieces, text(')')];
  return [{ path: file.path, edit: { start: root.getStart(), end: root.end, pieces: result } }];
}

/** The text a substitution contributes to its template, when it is a known primitive. */
function templateText(file: RoundFile, outcome: Outcome, root: ts.Expression): string | undefined {
  if (outcome.kind !== 'same' && outcome.effects.length > 0) return undefined;
  let value: KnownValue | typeof NOT_A_LITERAL = NOT_A_LITERAL;
  if (outcome.kind === 'const') value = outcome.value;
  else if (outcome.kind === 'expr' && outcome.node) value = literalValue(outcome.node);
  else if (outcome.kind === 'same' && file.folder.isFlagConstant(root)) value = literalValue(root);
  if (value === NOT_A_LITERAL || (typeof value === 'object' && value !== null)) return undefined;
  return String(value).replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** `${'one-page'} (...)` -> `one-page (...)`: a substitution that became a literal joins the template. */
function templateSpanRule(
  file: RoundFile,
  span: ts.TemplateSpan,
  root: ts.Expression,
): Proposal[] | undefined {
  const textValue = templateText(file, file.folder.fold(root, 'value'), root);
  if (textValue === undefined) return undefined;
  const template = span.parent;
  const index = template.templateSpans.indexOf(span);
  const before = index === 0 ? template.head : template.templateSpans[index - 1].literal;
  return [
    {
      path: file.path,
      edit: { start: before.end - 2, end: span.literal.getStart() + 1, pieces: [text(textValue)] },
    },
  ];
}

function valueRule(_context: RoundContext, file: RoundFile, root: ts.Expression): Proposal[] | undefined {
  if (ts.isTemplateSpan(root.parent)) {
    const proposals = templateSpanRule(file, root.parent, root);
    if (proposals) return proposals;
  }
  if (file.folder.isFlagConstant(root)) {
    // `await true` (a field or promise that held the flag): the constant itself.
    const parent = root.parent;
    if (ts.isAwaitExpression(parent))
      return [
        {
          path: file.path,
          edit: { start: parent.getStart(), end: parent.end, pieces: [text(root.getText(), true)] },
        },
      ];
    return undefined;
  }
  const pieces = outcomePieces(file, file.folder.fold(root, 'value'), root);
  return pieces ? replaceExpression(file, root, pieces) : undefined;
}

function branchName(value: KnownValue): string {
  return isTruthy(value) ? 'then' : 'else';
}

function ifRule(context: RoundContext, file: RoundFile, statement: ts.IfStatement): Proposal[] | undefined {
  const condition = file.folder.fold(statement.expression, 'bool');
  if (condition.kind === 'same') return undefined;
  if (condition.kind === 'expr') {
    const pieces = outcomePieces(file, condition, statement.expression);
    return pieces ? replaceExpression(file, statement.expression, pieces) : undefined;
  }
  const kept = isTruthy(condition.value) ? statement.thenStatement : statement.elseStatement;
  const dropped = isTruthy(condition.value) ? statement.elseStatement : statement.thenStatement;
  const effects = condition.effects.length > 0 ? '; the calls in its condition are kept as statements' : '';
  const message = kept
    ? `Kept the ${branchName(condition.value)} branch of \`if (${codeSnippet(statement.expression.getText(), 40)})\`${dropped ? ' and removed the other' : ''}${effects}.`
    : `Removed \`if (${codeSnippet(statement.expression.getText(), 40)})\`: its condition is now always false${effects}.`;
  const proposals = replaceStatement(file, statement, { effects: condition.effects, kept, message });
  if (!proposals) {
    context.reporter.add(
      file.path,
      file.text,
      statement.getStart(),
      `Not folded: \`if (${codeSnippet(statement.expression.getText(), 40)})\` keeps side effects in a place that needs a single statement.`,
      true,
    );
  }
  return proposals;
}

function expressionStatementRule(
  context: RoundContext,
  file: RoundFile,
  statement: ts.ExpressionStatement,
): Proposal[] | undefined {
  const outcome = file.folder.fold(statement.expression, 'bool');
  if (outcome.kind === 'same') return undefined;
  if (outcome.kind === 'expr' && outcome.effects.length === 0) {
    const pieces = outcomePieces(file, outcome, statement.expression) ?? outcome.pieces;
    return [
      {
        path: file.path,
        edit: { start: statement.expression.getStart(), end: statement.expression.end, pieces },
      },
    ];
  }
  if (outcome.kind === 'const') {
    const proposals = replaceStatement(file, statement, {
      effects: outcome.effects,
      kept: undefined,
      message: `Removed \`${codeSnippet(statement.getText(), 40)}\`: it no longer does anything${outcome.effects.length ? ' but its calls, which are kept' : ''}.`,
    });
    if (!proposals) file.folder.refused.push(statement.expression);
    return proposals;
  }
  // A residual expression with effects to run first.
  if (!statementListOf(statement)) {
    file.folder.refused.push(statement.expression);
    return undefined;
  }
  const effects = [...outcome.effects, outcome.pieces];
  const proposals = replaceStatement(file, statement, {
    effects,
    kept: undefined,
    message: 'Kept the calls of a folded expression as statements.',
  });
  if (!proposals)
    context.reporter.add(
      file.path,
      file.text,
      statement.getStart(),
      'Not folded: effects could not be kept.',
      true,
    );
  return proposals;
}

function loopRule(
  _context: RoundContext,
  file: RoundFile,
  loop: ts.WhileStatement | ts.DoStatement | ts.ForStatement,
  root: ts.Expression,
): Proposal[] | undefined {
  const outcome = file.folder.fold(root, 'bool');
  if (outcome.kind === 'const' && !isTruthy(outcome.value) && ts.isWhileStatement(loop)) {
    return replaceStatement(file, loop, {
      effects: outcome.effects,
      kept: undefined,
      message: 'Removed a `while` loop whose condition is now always false.',
    });
  }
  if (
    outcome.kind === 'const' &&
    outcome.effects.length === 0 &&
    ts.isForStatement(loop) &&
    !isTruthy(outcome.value) &&
    !loop.initializer
  ) {
    return replaceStatement(file, loop, {
      effects: [],
      kept: undefined,
      message: 'Removed a `for` loop whose condition is now always false.',
    });
  }
  if (file.folder.isFlagConstant(root)) return undefined;
  const pieces = outcomePieces(file, outcome, root);
  return pieces ? replaceExpression(file, root, pieces) : undefined;
}

/** Values React renders as nothing. */
function rendersNothing(value: KnownValue): boolean {
  return value === true || value === false || value === null || value === undefined || value === '';
}

function isJsxNode(node: ts.Node): node is ts.JsxElement | ts.JsxSelfClosingElement | ts.JsxFragment {
  return ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node);
}

function stripParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

/** A string that can be written as a JSX attribute string (`attr="..."`). */
function isPlainAttributeString(value: string): boolean {
  return !/["\\\n\r{}<>&]/.test(value);
}

function jsxRule(file: RoundFile, container: ts.JsxExpression, root: ts.Expression): Proposal[] | undefined {
  const outcome = file.folder.fold(root, 'value');
  if (outcome.kind === 'same') return undefined;
  const parent = container.parent;
  if (ts.isJsxAttribute(parent)) {
    if (outcome.kind === 'const' && outcome.effects.length === 0) {
      if (outcome.value === true) {
        return [{ path: file.path, edit: { start: parent.name.end, end: parent.end, pieces: [] } }];
      }
      if (typeof outcome.value === 'string' && isPlainAttributeString(outcome.value)) {
        return [
          {
            path: file.path,
            edit: { start: container.getStart(), end: container.end, pieces: [text(`"${outcome.value}"`)] },
          },
        ];
      }
    }
    if (outcome.kind === 'expr' && outcome.node && outcome.effects.length === 0) {
      const value = literalValue(outcome.node);
      if (
        typeof value === 'string' &&
        isPlainAttributeString(value) &&
        ts.isStringLiteral(stripParentheses(outcome.node))
      ) {
        return [
          {
            path: file.path,
            edit: { start: container.getStart(), end: container.end, pieces: [text(`"${value}"`)] },
          },
        ];
      }
    }
    if (file.folder.isFlagConstant(root)) return undefined;
    const pieces = outcomePieces(file, outcome, root);
    return pieces ? replaceExpression(file, root, pieces) : undefined;
  }
  if (ts.isJsxElement(parent) || ts.isJsxFragment(parent)) {
    if (outcome.kind === 'const' && outcome.effects.length === 0 && rendersNothing(outcome.value)) {
      const span = deletionSpan(file.text, container, container);
      return [{ path: file.path, edit: { start: span.start, end: span.end, pieces: [] } }];
    }
    const shown =
      outcome.kind === 'const' && outcome.effects.length === 0
        ? outcome.value
        : outcome.kind === 'expr' && outcome.node
          ? literalValue(outcome.node)
          : NOT_A_LITERAL;
    if (
      (typeof shown === 'string' && /^[^{}<>&\s](?:[^{}<>&\n\r]*[^{}<>&\s])?$/.test(shown)) ||
      typeof shown === 'number'
    ) {
      // `{'Complete purchase'}` as a child is plain JSX text.
      return [
        {
          path: file.path,
          edit: { start: container.getStart(), end: container.end, pieces: [text(String(shown))] },
        },
      ];
    }
    if (outcome.kind === 'expr' && outcome.node && outcome.effects.length === 0) {
      const element = stripParentheses(outcome.node);
      if (isJsxNode(element)) {
        const reindent = startsLine(file.text, element.getStart())
          ? reindentFrom(
              indentationOfLine(file.text, element.getStart()),
              indentationOfLine(file.text, container.getStart()),
            )
          : undefined;
        return [
          {
            path: file.path,
            edit: {
              start: container.getStart(),
              end: container.end,
              pieces: [slice(element.getStart(), element.end, reindent)],
            },
          },
        ];
      }
    }
  }
  if (file.folder.isFlagConstant(root)) return undefined;
  const pieces = outcomePieces(file, outcome, root);
  return pieces ? replaceExpression(file, root, pieces) : undefined;
}

function caseStatements(clause: ts.CaseOrDefaultClause): readonly ts.Statement[] {
  const statements = clause.statements;
  if (
    statements.length >= 1 &&
    ts.isBlock(statements[0]) &&
    (statements.length === 1 ||
      (statements.length === 2 && ts.isBreakStatement(statements[1]) && !statements[1].label))
  ) {
    return [...statements[0].statements, ...statements.slice(1)];
  }
  return statements;
}

/** Does any `break` inside these statements leave the switch (other than a final one)? */
function breaksOutOfSwitch(statements: readonly ts.Statement[]): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isBreakStatement(node) && !node.label) {
      found = true;
      return;
    }
    if (
      ts.isIterationStatement(node, false) ||
      ts.isSwitchStatement(node) ||
      ts.isFunctionLike(node) ||
      ts.isClassLike(node)
    )
      return;
    ts.forEachChild(node, visit);
  };
  for (const statement of statements) visit(statement);
  return found;
}

function switchRule(
  context: RoundContext,
  file: RoundFile,
  statement: ts.SwitchStatement,
): Proposal[] | undefined {
  const outcome = file.folder.fold(statement.expression, 'value');
  if (outcome.kind === 'same') return undefined;
  if (outcome.kind === 'expr') {
    const pieces = outcomePieces(file, outcome, statement.expression);
    return pieces ? replaceExpression(file, statement.expression, pieces) : undefined;
  }
  const clauses = statement.caseBlock.clauses;
  let chosen = -1;
  for (let i = 0; i < clauses.length; i++) {
    const clause = clauses[i];
    if (!ts.isCaseClause(clause)) continue;
    const label = literalValue(clause.expression);
    if (label === NOT_A_LITERAL) {
      context.reporter.add(
        file.path,
        file.text,
        clause.getStart(),
        `Not folded: \`switch\` on the flag has a case that is not a literal (\`${codeSnippet(clause.expression.getText(), 30)}\`).`,
        true,
      );
      return undefined;
    }
    if (label === outcome.value) {
      chosen = i;
      break;
    }
  }
  if (chosen < 0) chosen = clauses.findIndex((clause) => ts.isDefaultClause(clause));
  const kept: ts.Statement[] = [];
  if (chosen >= 0) {
    for (let i = chosen; i < clauses.length; i++) {
      const statements = caseStatements(clauses[i]);
      kept.push(...statements);
      const last = statements[statements.length - 1];
      if (
        last &&
        (ts.isBreakStatement(last) ||
          ts.isReturnStatement(last) ||
          ts.isThrowStatement(last) ||
          ts.isContinueStatement(last))
      )
        break;
    }
  }
  const last = kept[kept.length - 1];
  if (last && ts.isBreakStatement(last) && !last.label) kept.pop();
  if (breaksOutOfSwitch(kept)) {
    context.reporter.add(
      file.path,
      file.text,
      statement.getStart(),
      'Not folded: the kept `case` leaves the `switch` with a `break` from inside a nested statement.',
      true,
    );
    return undefined;
  }
  let keptRun: readonly ts.Statement[] = kept;
  if (chosen >= 0 && unwrapCollides(kept, statement, statement)) {
    // `case 'a': { const x = ...; return x; }` where `x` collides: keep the block's braces.
    const own = clauses[chosen].statements;
    const block = own[0];
    const blockOnly = own.length === 1 || (own.length === 2 && ts.isBreakStatement(own[1]) && !own[1].label);
    if (
      block &&
      ts.isBlock(block) &&
      blockOnly &&
      !breaksOutOfSwitch(block.statements) &&
      (own.length === 2 || terminates(block))
    ) {
      keptRun = [block];
    }
  }
  const message =
    chosen >= 0
      ? `Kept \`${codeSnippet(clauses[chosen].getText().split(':')[0], 40)}\` of a \`switch\` on the flag and removed the other cases.`
      : 'Removed a `switch` on the flag: no case matches its value.';
  const proposals = replaceStatement(file, statement, {
    effects: outcome.effects,
    kept: undefined,
    keptStatements: keptRun,
    message,
  });
  if (!proposals) {
    context.reporter.add(
      file.path,
      file.text,
      statement.getStart(),
      'Not folded: the kept `case` declares names that collide with the enclosing scope.',
      true,
    );
  }
  return proposals;
}
