/**
 * Partial evaluation of expressions around flag constants. Only what the flag made constant is
 * folded: a literal folds only when it is a flag constant (or is compared with one). Operands that
 * are dropped but may have effects travel along as `effects`, for the caller to keep as statements;
 * where that is not possible the fold is refused and the original text stays.
 *
 * `bool` context: only the truthiness of the result matters (an `if` condition, an operand of `!`),
 * so `x && true` is `x`. `value` context: the value matters, so it is only simplified where the
 * value is the same.
 */
import { ts } from 'ts-morph';
import {
  compareKnown,
  isTruthy,
  literalValue,
  NOT_A_LITERAL,
  renderValue,
  typeofKnown,
  type KnownValue,
  type QuoteStyle,
} from './literals';
import { isBooleanExpression, type PurityAnalysis } from './purity';
import { slice, text, type ConstantSpan, type Piece } from './trackedText';

export type FoldContext = 'bool' | 'value';

export type Outcome = SameOutcome | ConstOutcome | ExprOutcome;

/** No flag constant involved: the text stays. */
export interface SameOutcome {
  kind: 'same';
}
/** The value is known; `effects` are impure dropped operands to evaluate first. */
export interface ConstOutcome {
  kind: 'const';
  value: KnownValue;
  effects: Piece[][];
}
/** A simplified expression; `node` when it is exactly one original expression. */
export interface ExprOutcome {
  kind: 'expr';
  pieces: Piece[];
  effects: Piece[][];
  node?: ts.Expression;
}

const SAME: SameOutcome = { kind: 'same' };

/** A flag constant that is an object: opaque, truthy, equal only to itself. */
const OPAQUE_OBJECT = Object.freeze({});

export class ExpressionFolder {
  /** Expressions whose fold was refused because an operand with effects could not be kept. */
  readonly refused: ts.Node[] = [];

  constructor(
    private readonly flagConstants: readonly ConstantSpan[],
    private readonly purity: PurityAnalysis,
    private readonly quote: QuoteStyle,
    /** Whether the checker knows an expression to be a boolean (a `boolean` parameter, a predicate call). */
    private readonly isBooleanTyped: (node: ts.Expression) => boolean = () => false,
  ) {}

  isFlagConstant(node: ts.Node): boolean {
    const start = node.getStart();
    return this.flagConstants.some((span) => span.start === start && span.end === node.end);
  }

  /** A constant the user wrote that a fold of the flag selected, rather than the flag's value itself. */
  isDerivedConstant(node: ts.Node): boolean {
    const start = node.getStart();
    return this.flagConstants.some((span) => span.start === start && span.end === node.end && span.derived);
  }

  containsFlagConstant(node: ts.Node): boolean {
    const start = node.getStart();
    return this.flagConstants.some((span) => span.start >= start && span.end <= node.end);
  }

  /** The value of a flag constant node. */
  constantValue(node: ts.Expression): KnownValue {
    const value = literalValue(node);
    if (value !== NOT_A_LITERAL) return value;
    return OPAQUE_OBJECT;
  }

  fold(node: ts.Expression, context: FoldContext): Outcome {
    if (!this.containsFlagConstant(node)) return SAME;
    if (this.isFlagConstant(node)) return { kind: 'const', value: this.constantValue(node), effects: [] };
    if (ts.isParenthesizedExpression(node)) return this.foldParenthesized(node, context);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      const operand = this.fold(node.operand, 'bool');
      if (operand.kind === 'const')
        return { kind: 'const', value: !isTruthy(operand.value), effects: operand.effects };
      if (operand.kind === 'same') return SAME;
      return this.expr([
        slice(node.getStart(), node.operand.getStart()),
        ...this.piecesOf(operand, node.operand),
      ]);
    }
    if (ts.isTypeOfExpression(node)) {
      const operand = this.fold(node.expression, 'value');
      if (operand.kind === 'const')
        return { kind: 'const', value: typeofKnown(operand.value), effects: operand.effects };
      return SAME;
    }
    if (ts.isBinaryExpression(node) && isFoldable(node)) return this.foldBinary(node, context);
    if (ts.isConditionalExpression(node)) return this.foldConditional(node, context);
    return SAME;
  }

  /** The text of an outcome where `original` stood; a fold that would lose effects is refused. */
  piecesOf(outcome: Outcome, original: ts.Expression): Piece[] {
    if (outcome.kind === 'same') return [slice(original.getStart(), original.end)];
    if (outcome.effects.length > 0) {
      this.refused.push(original);
      return [slice(original.getStart(), original.end)];
    }
    if (outcome.kind === 'const') return [text(renderValue(outcome.value, this.quote), true)];
    return outcome.pieces;
  }

  private expr(pieces: Piece[], effects: Piece[][] = [], node?: ts.Expression): ExprOutcome {
    return { kind: 'expr', pieces, effects, node };
  }

  /** A rebuilt expression whose text did not change is the original node (so parentheses can go). */
  private rebuilt(node: ts.Expression, pieces: Piece[]): ExprOutcome {
    const source = node.getSourceFile().text;
    const rendered = pieces
      .map((piece) => (piece.kind === 'text' ? piece.text : source.slice(piece.start, piece.end)))
      .join('');
    return rendered === node.getText() ? this.original(node) : this.expr(pieces);
  }

  private original(node: ts.Expression): ExprOutcome {
    return this.expr([slice(node.getStart(), node.end)], [], node);
  }

  private withEffects(effects: Piece[][], outcome: Outcome, original: ts.Expression): Outcome {
    const resolved = outcome.kind === 'same' ? this.original(original) : outcome;
    if (effects.length === 0) return resolved;
    return { ...resolved, effects: [...effects, ...resolved.effects] };
  }

  /** The operand kept as an effect when dropped, or nothing when it is pure. */
  private effectOf(outcome: Outcome, original: ts.Expression): Piece[][] {
    if (outcome.kind === 'const') return outcome.effects;
    if (this.purity.isPure(original)) return [];
    if (outcome.kind === 'expr') return [...outcome.effects, outcome.pieces];
    return [[slice(original.getStart(), original.end)]];
  }

  private foldParenthesized(node: ts.ParenthesizedExpression, context: FoldContext): Outcome {
    const inner = this.fold(node.expression, context);
    if (inner.kind !== 'expr') return inner;
    if (inner.node && isSimpleExpression(inner.node)) return inner;
    if (inner.effects.length > 0) return inner;
    return this.rebuilt(node, [
      slice(node.getStart(), node.expression.getStart()),
      ...inner.pieces,
      slice(node.expression.end, node.end),
    ]);
  }

  private rebuildBinary(node: ts.BinaryExpression, left: Outcome, right: Outcome): Outcome {
    if (left.kind === 'same' && right.kind === 'same') return SAME;
    return this.rebuilt(node, [
      ...this.piecesOf(left, node.left),
      slice(node.left.end, node.right.getStart()),
      ...this.piecesOf(right, node.right),
    ]);
  }

  private foldBinary(node: ts.BinaryExpression, context: FoldContext): Outcome {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
      return this.foldLogical(node, context, operator === ts.SyntaxKind.AmpersandAmpersandToken);
    }
    if (operator === ts.SyntaxKind.QuestionQuestionToken) {
      const left = this.fold(node.left, 'value');
      if (left.kind === 'const') {
        if (left.value !== null && left.value !== undefined) return left;
        return this.withEffects(left.effects, this.fold(node.right, context), node.right);
      }
      return this.rebuildBinary(node, left, this.fold(node.right, 'value'));
    }
    const left = this.fold(node.left, 'value');
    const right = this.fold(node.right, 'value');
    if (left.kind === 'const' || right.kind === 'const') {
      const leftValue =
        left.kind === 'const' ? left.value : left.kind === 'same' ? literalValue(node.left) : NOT_A_LITERAL;
      const rightValue =
        right.kind === 'const'
          ? right.value
          : right.kind === 'same'
            ? literalValue(node.right)
            : NOT_A_LITERAL;
      if (leftValue !== NOT_A_LITERAL && rightValue !== NOT_A_LITERAL) {
        const result = compareKnown(operator, leftValue, rightValue);
        if (result !== undefined) {
          const effects = [
            ...(left.kind === 'const' ? left.effects : []),
            ...(right.kind === 'const' ? right.effects : []),
          ];
          return { kind: 'const', value: result, effects };
        }
      }
    }
    return this.rebuildBinary(node, left, right);
  }

  private foldLogical(node: ts.BinaryExpression, context: FoldContext, isAnd: boolean): Outcome {
    const left = this.fold(node.left, context);
    if (left.kind === 'const') {
      // `falsy && x` and `truthy || x` are the left value; x is never evaluated.
      if (isTruthy(left.value) !== isAnd) return left;
      return this.withEffects(left.effects, this.fold(node.right, context), node.right);
    }
    const right = this.fold(node.right, context);
    if (right.kind === 'const' && right.effects.length === 0) {
      const booleanLeft = isBooleanExpression(node.left) || this.isBooleanTyped(node.left);
      const neutral = isAnd ? isTruthy(right.value) : !isTruthy(right.value);
      if (neutral) {
        // `x && true`, `x || false`: x, when only truthiness matters or x is a boolean already.
        if (context === 'bool' || (booleanLeft && right.value === isAnd)) {
          return left.kind === 'same' ? this.original(node.left) : left;
        }
      } else if (context === 'bool' || (booleanLeft && right.value === !isAnd)) {
        // `x && false`, `x || true`: the constant, once x has been evaluated.
        return { kind: 'const', value: right.value, effects: this.effectOf(left, node.left) };
      }
    }
    return this.rebuildBinary(node, left, right);
  }

  private foldConditional(node: ts.ConditionalExpression, context: FoldContext): Outcome {
    const condition = this.fold(node.condition, 'bool');
    if (condition.kind === 'const') {
      const branch = isTruthy(condition.value) ? node.whenTrue : node.whenFalse;
      return this.withEffects(condition.effects, this.fold(branch, context), branch);
    }
    const whenTrue = this.fold(node.whenTrue, context);
    const whenFalse = this.fold(node.whenFalse, context);
    if (
      whenTrue.kind === 'const' &&
      whenFalse.kind === 'const' &&
      whenTrue.effects.length === 0 &&
      whenFalse.effects.length === 0 &&
      Object.is(whenTrue.value, whenFalse.value)
    ) {
      // `c ? K : K`: the flag decides the value whichever way `c` goes.
      return { kind: 'const', value: whenTrue.value, effects: this.effectOf(condition, node.condition) };
    }
    if (condition.kind === 'same' && whenTrue.kind === 'same' && whenFalse.kind === 'same') return SAME;
    return this.rebuilt(node, [
      ...this.piecesOf(condition, node.condition),
      slice(node.condition.end, node.whenTrue.getStart()),
      ...this.piecesOf(whenTrue, node.whenTrue),
      slice(node.whenTrue.end, node.whenFalse.getStart()),
      ...this.piecesOf(whenFalse, node.whenFalse),
    ]);
  }
}

/** Expressions that need no parentheses wherever an operand stood. */
function isSimpleExpression(node: ts.Expression): boolean {
  return (
    ts.isIdentifier(node) ||
    ts.isStringLiteral(node) ||
    ts.isNumericLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node) ||
    ts.isCallExpression(node) ||
    ts.isPropertyAccessExpression(node) ||
    ts.isElementAccessExpression(node) ||
    ts.isParenthesizedExpression(node) ||
    ts.isArrayLiteralExpression(node) ||
    ts.isJsxElement(node) ||
    ts.isJsxSelfClosingElement(node) ||
    ts.isJsxFragment(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.ThisKeyword
  );
}

/** How tightly an expression binds (higher binds tighter), for dropping parentheses safely. */
export function precedenceOf(node: ts.Expression): number {
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.CommaToken) return 0;
    if (operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment) return 1;
    switch (operator) {
      case ts.SyntaxKind.QuestionQuestionToken:
        return 3;
      case ts.SyntaxKind.BarBarToken:
        return 4;
      case ts.SyntaxKind.AmpersandAmpersandToken:
        return 5;
      case ts.SyntaxKind.BarToken:
        return 6;
      case ts.SyntaxKind.CaretToken:
        return 7;
      case ts.SyntaxKind.AmpersandToken:
        return 8;
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken:
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
        return 9;
      case ts.SyntaxKind.LessThanToken:
      case ts.SyntaxKind.GreaterThanToken:
      case ts.SyntaxKind.LessThanEqualsToken:
      case ts.SyntaxKind.GreaterThanEqualsToken:
      case ts.SyntaxKind.InstanceOfKeyword:
      case ts.SyntaxKind.InKeyword:
        return 10;
      case ts.SyntaxKind.LessThanLessThanToken:
      case ts.SyntaxKind.GreaterThanGreaterThanToken:
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
        return 11;
      case ts.SyntaxKind.PlusToken:
      case ts.SyntaxKind.MinusToken:
        return 12;
      case ts.SyntaxKind.AsteriskAsteriskToken:
        return 14;
      default:
        return 13;
    }
  }
  if (ts.isArrowFunction(node) || ts.isYieldExpression(node)) return 1;
  if (ts.isConditionalExpression(node)) return 2;
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return 10;
  if (
    ts.isPrefixUnaryExpression(node) ||
    ts.isAwaitExpression(node) ||
    ts.isTypeOfExpression(node) ||
    ts.isVoidExpression(node) ||
    ts.isDeleteExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    return 15;
  }
  if (ts.isPostfixUnaryExpression(node)) return 16;
  if (
    ts.isCallExpression(node) ||
    ts.isPropertyAccessExpression(node) ||
    ts.isElementAccessExpression(node) ||
    ts.isNewExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isTaggedTemplateExpression(node)
  )
    return 17;
  return 18;
}

/** Expression kinds the folder looks into: a flag constant inside anything else is a leaf. */
export function isFoldable(node: ts.Node): node is ts.Expression {
  if (ts.isParenthesizedExpression(node) || ts.isConditionalExpression(node) || ts.isTypeOfExpression(node))
    return true;
  if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.ExclamationToken;
  if (ts.isBinaryExpression(node)) {
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.AmpersandAmpersandToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
      case ts.SyntaxKind.EqualsEqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      case ts.SyntaxKind.EqualsEqualsToken:
      case ts.SyntaxKind.ExclamationEqualsToken:
      case ts.SyntaxKind.LessThanToken:
      case ts.SyntaxKind.LessThanEqualsToken:
      case ts.SyntaxKind.GreaterThanToken:
      case ts.SyntaxKind.GreaterThanEqualsToken:
        return true;
    }
  }
  return false;
}
