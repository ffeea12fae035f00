/**
 * Replacing a statement by what is left of it: the kept branch unwrapped into the enclosing list
 * (de-indented by one level, only when none of its block-scoped names collides), the effects of
 * dropped operands kept as statements, and the statements that became unreachable after a
 * `return`/`throw` the unwrapping brought up.
 */
import { ts } from 'ts-morph';
import {
  blockInterior,
  deletionSpan,
  endWithTrailingComments,
  indentationOfLine,
  lineStartOf,
  ownedLeadingCommentStart,
  reindentFrom,
  startsLine,
} from './layout';
import type { Proposal, RoundFile } from './round';
import { slice, text, type Piece } from './trackedText';

export type StatementList = ts.NodeArray<ts.Statement>;

export function statementListOf(statement: ts.Node): StatementList | undefined {
  const parent = statement.parent;
  if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isModuleBlock(parent)) return parent.statements;
  if (ts.isCaseClause(parent) || ts.isDefaultClause(parent)) return parent.statements;
  return undefined;
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else
    for (const element of name.elements)
      if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** Names a statement list declares in its own block scope (`let`, `const`, classes, functions, enums). */
export function blockScopedNames(statements: readonly ts.Statement[]): Set<string> {
  const names = new Set<string>();
  for (const statement of statements) {
    if (ts.isVariableStatement(statement)) {
      if (statement.declarationList.flags & ts.NodeFlags.BlockScoped) {
        for (const declaration of statement.declarationList.declarations)
          bindingNames(declaration.name, names);
      }
    } else if (
      (ts.isClassDeclaration(statement) ||
        ts.isFunctionDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

function enclosingScope(node: ts.Node): ts.Node {
  let current = node.parent;
  while (
    current &&
    !ts.isSourceFile(current) &&
    !ts.isFunctionLike(current) &&
    !ts.isClassStaticBlockDeclaration(current)
  ) {
    current = current.parent;
  }
  return current ?? node.getSourceFile();
}

/**
 * Would moving `statements` out of their block into the list holding `site` make a name collide
 * (a redeclaration, or a later use in the enclosing scope that would see the moved name)?
 */
export function unwrapCollides(
  statements: readonly ts.Statement[],
  site: ts.Node,
  movedFrom: ts.Node,
): boolean {
  const names = blockScopedNames(statements);
  if (names.size === 0) return false;
  const scope = enclosingScope(site);
  let collides = false;
  const visit = (node: ts.Node): void => {
    if (collides || node === movedFrom) return;
    if (ts.isIdentifier(node) && names.has(node.text)) {
      collides = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return collides;
}

/** Never completes normally: nothing after it in the same list runs. `assumed` terminates by fiat. */
export function terminates(statement: ts.Statement | undefined, assumed?: ts.Statement): boolean {
  if (!statement) return false;
  if (statement === assumed) return true;
  if (
    ts.isReturnStatement(statement) ||
    ts.isThrowStatement(statement) ||
    ts.isBreakStatement(statement) ||
    ts.isContinueStatement(statement)
  ) {
    return true;
  }
  if (ts.isBlock(statement)) return statement.statements.some((inner) => terminates(inner, assumed));
  if (ts.isIfStatement(statement)) {
    return (
      !!statement.elseStatement &&
      terminates(statement.thenStatement, assumed) &&
      terminates(statement.elseStatement, assumed)
    );
  }
  return false;
}

/** The statement whose block or branch holds `statement` (an `if`, a bare block), if any. */
function enclosingStatement(statement: ts.Statement): ts.Statement | undefined {
  let parent: ts.Node = statement.parent;
  if (ts.isBlock(parent)) {
    if (statementListOf(parent)) return parent;
    parent = parent.parent;
  }
  return ts.isIfStatement(parent) ? parent : undefined;
}

/** Declarations that stay even after a `return`: hoisted functions and types. */
function survivesUnreachable(statement: ts.Statement): boolean {
  return (
    ts.isFunctionDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    (ts.isModuleDeclaration(statement) && !!(statement.flags & ts.NodeFlags.Namespace) === false) ||
    ts.isEmptyStatement(statement)
  );
}

/** Deletions of the statements after `statement` in its list (they can no longer run). */
export function unreachableDeletions(file: RoundFile, statement: ts.Statement): Proposal[] {
  const list = statementListOf(statement);
  if (!list) return [];
  const index = list.indexOf(statement);
  const proposals: Proposal[] = [];
  let runStart: ts.Statement | undefined;
  let runEnd: ts.Statement | undefined;
  const flush = () => {
    if (!runStart || !runEnd) return;
    const span = deletionSpan(file.text, runStart, runEnd);
    proposals.push({
      path: file.path,
      edit: { start: span.start, end: span.end, pieces: [] },
      report: {
        offset: runStart.getStart(),
        message: 'Removed code that became unreachable after the kept branch returns.',
      },
    });
    runStart = runEnd = undefined;
  };
  for (const sibling of list.slice(index + 1)) {
    if (survivesUnreachable(sibling)) {
      flush();
      continue;
    }
    runStart ??= sibling;
    runEnd = sibling;
  }
  flush();
  return proposals;
}

/** An effect expression as a statement of its own. */
export function effectStatement(file: RoundFile, effect: Piece[]): Piece[] {
  const first = effect[0];
  const firstText =
    first?.kind === 'text' ? first.text : first ? file.text.slice(first.start, first.end) : '';
  const needsParentheses = /^\s*(?:\{|function\b|class\b|let\s*\[)/.test(firstText);
  const pieces = needsParentheses ? [text('('), ...effect, text(')')] : effect;
  return [...pieces, text(file.semicolons ? ';' : '')];
}

/** The pieces of `statement`'s lines (with its own comments), re-indented to `indent`. */
export function statementRunPieces(
  file: RoundFile,
  first: ts.Statement,
  last: ts.Statement,
  indent: string,
): Piece[] {
  const start = lineStartOf(file.text, ownedLeadingCommentStart(file.text, first));
  const end = endWithTrailingComments(file.text, last);
  if (!startsLine(file.text, first.getStart())) {
    // `case 'a': {` — the block's later lines move with the line it starts on.
    return [
      text(indent),
      slice(first.getStart(), end, reindentFrom(indentationOfLine(file.text, first.getStart()), indent)),
    ];
  }
  const from = indentationOfLine(file.text, first.getStart());
  return [slice(start, end, reindentFrom(from, indent, true) ?? undefined)];
}

export interface Replacement {
  /** Dropped operands with effects, evaluated first. */
  effects: Piece[][];
  /** The statement that stays in place of the original (a branch), if any. */
  kept: ts.Statement | undefined;
  /** For switch: several kept statements in a row, from case clauses. */
  keptStatements?: readonly ts.Statement[];
  message: string;
  needsHuman?: boolean;
}

/**
 * Replaces `statement` (an `if`, a `switch`, an expression statement, a loop) by what is left of
 * it. Returns undefined when the shape cannot be rewritten safely (the caller reports it).
 */
export function replaceStatement(
  file: RoundFile,
  statement: ts.Statement,
  replacement: Replacement,
): Proposal[] | undefined {
  const { effects, kept, message } = replacement;
  const keptStatements =
    replacement.keptStatements ?? (kept ? (ts.isBlock(kept) ? kept.statements : [kept]) : []);
  const report = { offset: statement.getStart(), message, needsHuman: replacement.needsHuman };
  const list = statementListOf(statement);
  const parent = statement.parent;

  if (!list) {
    if (effects.length > 0) return undefined;
    if (ts.isIfStatement(parent) && parent.elseStatement === statement) {
      // `else if (...)`: becomes `else <kept>` or disappears.
      if (
        !kept ||
        (ts.isBlock(kept) && kept.statements.length === 0 && replacement.keptStatements === undefined)
      ) {
        return [
          {
            path: file.path,
            edit: { start: parent.thenStatement.end, end: statement.end, pieces: [] },
            report,
          },
        ];
      }
      if (replacement.keptStatements) return undefined;
      return [
        {
          path: file.path,
          edit: {
            start: statement.getStart(),
            end: statement.end,
            pieces: [slice(kept.getStart(), kept.end)],
          },
          report,
        },
      ];
    }
    if (replacement.keptStatements) return undefined;
    const pieces = kept ? [slice(kept.getStart(), kept.end)] : [text('{}')];
    return [{ path: file.path, edit: { start: statement.getStart(), end: statement.end, pieces }, report }];
  }

  if (
    effects.length === 0 &&
    keptStatements.length === 0 &&
    !(kept && ts.isBlock(kept) && blockInterior(file.text, kept))
  ) {
    const span = deletionSpan(file.text, statement, statement);
    return [{ path: file.path, edit: { start: span.start, end: span.end, pieces: [] }, report }];
  }

  const ownLine = startsLine(file.text, statement.getStart());
  const indent = indentationOfLine(file.text, statement.getStart());
  const start = ownLine ? lineStartOf(file.text, statement.getStart()) : statement.getStart();
  const lead = ownLine ? indent : '';
  const pieces: Piece[] = [];
  const newline = () => pieces.push(text(file.eol));
  for (const effect of effects) {
    if (pieces.length > 0) newline();
    pieces.push(text(pieces.length === 0 ? lead : indent), ...effectStatement(file, effect));
  }
  const separator = () => {
    if (pieces.length > 0) newline();
  };
  if (kept && ts.isBlock(kept) && !replacement.keptStatements) {
    const interior = blockInterior(file.text, kept);
    if (interior) {
      const collides = unwrapCollides(kept.statements, statement, kept);
      separator();
      if (collides) {
        pieces.push(text(pieces.length === 0 ? lead : indent), slice(kept.getStart(), kept.end));
      } else if (startsLine(file.text, interior.start) && interior.start > kept.getStart() + 1) {
        const innerIndent = indentationOfLine(file.text, interior.start);
        const reindent = reindentFrom(innerIndent, indent, true);
        if (!ownLine) {
          // The statement shares its line: the first interior line joins it without indentation.
          pieces.push(
            slice(interior.start + innerIndent.length, interior.end, reindentFrom(innerIndent, indent)),
          );
        } else {
          pieces.push(slice(interior.start, interior.end, reindent));
        }
      } else {
        pieces.push(text(pieces.length === 0 ? lead : indent), slice(interior.start, interior.end));
      }
    }
  } else if (keptStatements.length > 0) {
    if (replacement.keptStatements && unwrapCollides(keptStatements, statement, statement)) return undefined;
    // Runs of consecutive statements keep their blank lines and comments.
    let runFirst = keptStatements[0];
    for (let i = 0; i < keptStatements.length; i++) {
      const current = keptStatements[i];
      const next = keptStatements[i + 1];
      const contiguous = next && next.parent === current.parent;
      if (contiguous) continue;
      separator();
      const run = statementRunPieces(file, runFirst, current, indent);
      if (!ownLine && pieces.length === 0) {
        // The statement shares its line: the kept code joins it without indentation.
        const head = run[0];
        if (head.kind === 'text') run.shift();
        else if (head.reindent?.first) {
          run[0] = slice(
            runFirst.getStart(),
            head.end,
            reindentFrom(indentationOfLine(file.text, runFirst.getStart()), indent),
          );
        }
      }
      pieces.push(...run);
      if (next) runFirst = next;
    }
  }
  const proposals: Proposal[] = [{ path: file.path, edit: { start, end: statement.end, pieces }, report }];
  if (keptStatements.some((kept) => terminates(kept)) && !terminates(statement)) {
    proposals.push(...unreachableDeletions(file, statement));
    // The enclosing statements may now never complete either (`if (a) { <this> } else { return; }`).
    let current: ts.Statement = statement;
    for (let owner = enclosingStatement(current); owner; owner = enclosingStatement(current)) {
      if (terminates(owner) || !terminates(owner, statement)) break;
      proposals.push(...unreachableDeletions(file, owner));
      current = owner;
    }
  }
  return proposals;
}
