/**
 * Names that now always hold a flag constant are replaced by it where they are read, by symbol:
 * locals (`const showExpress = true`), class fields (`private readonly express = true`, or set
 * once in the constructor), and functions that only return it (`isExpressOn()`). A name that is
 * assigned again is left alone and reported.
 */
import { ts } from 'ts-morph';
import { isFoldable } from './fold';
import { declaratorDeletion, isExported, isWriteReference, referenceReplacement } from './references';
import { deletionSpan } from './layout';
import { codeSnippet, type Proposal, type RoundContext, type RoundFile } from './round';

function flagConstantNodes(file: RoundFile): ts.Expression[] {
  const found: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (!file.folder.containsFlagConstant(node)) return;
    if (ts.isExpression(node) && file.folder.isFlagConstant(node)) {
      found.push(node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return found;
}

/**
 * A derived string or number constant (`const label = flag ? 'One page' : 'Wizard'`) keeps its
 * name where it is displayed; it is only inlined where a fold can use it.
 */
function isNamedValue(file: RoundFile, constant: ts.Expression): boolean {
  return (
    file.folder.isDerivedConstant(constant) &&
    (ts.isStringLiteral(constant) ||
      ts.isNumericLiteral(constant) ||
      ts.isNoSubstitutionTemplateLiteral(constant) ||
      ts.isPrefixUnaryExpression(constant))
  );
}

/** A place where a constant lets the folder simplify: an operand of a comparison or condition. */
function isFoldingPosition(reference: ts.Node): boolean {
  const parent = reference.parent;
  if (isFoldable(parent)) return true;
  if (
    (ts.isIfStatement(parent) ||
      ts.isWhileStatement(parent) ||
      ts.isDoStatement(parent) ||
      ts.isSwitchStatement(parent)) &&
    parent.expression === reference
  )
    return true;
  return ts.isForStatement(parent) && parent.condition === reference;
}

function isPrivateMember(member: ts.ClassElement): boolean {
  if (member.name && ts.isPrivateIdentifier(member.name)) return true;
  return (ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : []).some(
    (modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword,
  );
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind)
  );
}

export class InlineRules {
  constructor(private readonly context: RoundContext) {}

  proposals(file: RoundFile): Proposal[] {
    const proposals: Proposal[] = [];
    for (const constant of flagConstantNodes(file)) {
      // An object value keeps its name: inlining it would copy it into every use.
      if (ts.isObjectLiteralExpression(constant) || ts.isArrayLiteralExpression(constant)) continue;
      const parent = constant.parent;
      if (
        ts.isVariableDeclaration(parent) &&
        parent.initializer === constant &&
        ts.isIdentifier(parent.name)
      ) {
        proposals.push(...this.local(file, parent, constant));
      } else if (isNamedValue(file, constant)) {
        // A string or number the user wrote, selected by a fold: only folds may use it.
        continue;
      } else if (ts.isPropertyDeclaration(parent) && parent.initializer === constant) {
        proposals.push(...this.field(file, parent, constant));
      } else if (
        ts.isBinaryExpression(parent) &&
        parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        parent.right === constant &&
        ts.isPropertyAccessExpression(parent.left) &&
        parent.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        ts.isExpressionStatement(parent.parent) &&
        ts.isBlock(parent.parent.parent) &&
        ts.isConstructorDeclaration(parent.parent.parent.parent)
      ) {
        proposals.push(...this.constructorField(file, parent.parent, parent.left, constant));
      } else {
        proposals.push(...this.constantFunction(constant));
      }
    }
    return proposals;
  }

  private fileOf(node: ts.Node): RoundFile {
    const file = this.context.files.get(this.context.program.pathOf(node.getSourceFile()));
    if (!file) throw new Error('Reference outside the cleanup files.');
    return file;
  }

  private note(file: RoundFile, node: ts.Node, message: string, needsHuman: boolean): void {
    this.context.reporter.add(file.path, file.text, node.getStart(), message, needsHuman);
  }

  private local(file: RoundFile, declaration: ts.VariableDeclaration, constant: ts.Expression): Proposal[] {
    const name = declaration.name as ts.Identifier;
    const list = declaration.parent;
    if (
      !ts.isVariableDeclarationList(list) ||
      ts.isForStatement(list.parent) ||
      ts.isForOfStatement(list.parent) ||
      ts.isForInStatement(list.parent)
    )
      return [];
    const symbol = this.context.program.symbolAt(name);
    if (!symbol) return [];
    const references = this.context.program.referencesOf(symbol);
    if (references.some(isWriteReference)) {
      this.note(
        file,
        declaration,
        `Not inlined: \`${name.text}\` holds ${this.context.flag} but is reassigned.`,
        true,
      );
      return [];
    }
    const isVar = !(list.flags & ts.NodeFlags.BlockScoped);
    if (
      isVar &&
      references.some(
        (reference) =>
          reference.getSourceFile() === declaration.getSourceFile() &&
          reference.getStart() < declaration.getStart(),
      )
    ) {
      this.note(file, declaration, `Not inlined: \`var ${name.text}\` is read before its declaration.`, true);
      return [];
    }
    const literal = constant.getText();
    const namedValue = isNamedValue(file, constant);
    const proposals: Proposal[] = [];
    let importers = 0;
    for (const reference of references) {
      const referenceFile = this.fileOf(reference);
      const edit =
        namedValue && !isFoldingPosition(reference) ? undefined : referenceReplacement(reference, literal);
      if (!edit) {
        importers++;
        continue;
      }
      const pieces = edit.pieces.map((piece) =>
        piece.kind === 'text' && piece.flagConstant && namedValue
          ? { ...piece, flagConstant: 'derived' as const }
          : piece,
      );
      proposals.push({ path: referenceFile.path, edit: { ...edit, pieces } });
    }
    if (importers === 0 && !isExported(declaration)) {
      const deletion = declaratorDeletion(file, declaration);
      if (deletion) {
        proposals.push({
          path: file.path,
          edit: deletion,
          report: {
            offset: declaration.getStart(),
            message: references.length
              ? `Inlined \`${name.text}\` (${literal}).`
              : `Removed \`${name.text}\` (${literal}), no longer used.`,
          },
        });
      }
    } else if (proposals.length > 0) {
      proposals[0].report = {
        offset: declaration.getStart(),
        message: `Inlined \`${name.text}\` (${literal}) where it is read.`,
      };
    }
    return proposals;
  }

  private field(file: RoundFile, property: ts.PropertyDeclaration, constant: ts.Expression): Proposal[] {
    const symbol = this.context.program.symbolAt(property.name);
    if (!symbol) return [];
    const references = this.context.program.memberReferences(this.context.program.canonical(symbol));
    const name = property.name.getText();
    if (references.some(isWriteReference)) {
      this.note(
        file,
        property,
        `Not inlined: field \`${name}\` holds ${this.context.flag} but is assigned elsewhere.`,
        true,
      );
      return [];
    }
    const literal = constant.getText();
    const proposals: Proposal[] = [];
    for (const reference of references) {
      const access = reference.parent;
      if (!ts.isPropertyAccessExpression(access) || !this.context.purity.isPure(access.expression)) {
        this.note(
          file,
          reference,
          `Not inlined: \`${codeSnippet(access.getText())}\` reads field \`${name}\` through an expression with effects.`,
          true,
        );
        continue;
      }
      const referenceFile = this.fileOf(reference);
      const edit = referenceReplacement(reference, literal);
      if (edit) proposals.push({ path: referenceFile.path, edit });
    }
    if (references.length === 0) {
      if (isPrivateMember(property) && !this.nameOccursElsewhere(property)) {
        const span = deletionSpan(file.text, property, property);
        proposals.push({
          path: file.path,
          edit: { start: span.start, end: span.end, pieces: [] },
          report: {
            offset: property.getStart(),
            message: `Removed field \`${name}\` (${literal}), no longer read.`,
          },
        });
      } else if (!isPrivateMember(property)) {
        this.note(
          file,
          property,
          `Kept public field \`${name}\` (${literal}): code outside these files may read it.`,
          true,
        );
      }
    } else if (proposals.length > 0) {
      proposals[0].report = {
        offset: property.getStart(),
        message: `Inlined field \`${name}\` (${literal}) where it is read.`,
      };
    }
    return proposals;
  }

  /** Does the member's name appear in its class other than as `x.name` (e.g. destructured from `this`)? */
  private nameOccursElsewhere(member: ts.ClassElement): boolean {
    const name = member.name?.getText();
    if (!name) return true;
    let count = 0;
    const visit = (node: ts.Node): void => {
      if (
        (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) &&
        node.text === name &&
        node !== member.name
      )
        count++;
      ts.forEachChild(node, visit);
    };
    visit(member.parent);
    return count > 0;
  }

  private constructorField(
    file: RoundFile,
    statement: ts.ExpressionStatement,
    target: ts.PropertyAccessExpression,
    constant: ts.Expression,
  ): Proposal[] {
    const symbol = this.context.program.symbolAt(target.name);
    if (!symbol) return [];
    const references = this.context.program
      .memberReferences(this.context.program.canonical(symbol))
      .filter((reference) => reference !== target.name);
    const name = target.name.text;
    if (references.some(isWriteReference)) {
      this.note(
        file,
        statement,
        `Not inlined: field \`${name}\` holds ${this.context.flag} but is assigned elsewhere.`,
        true,
      );
      return [];
    }
    const constructorBody = statement.parent;
    if (
      references.some(
        (reference) =>
          reference.getStart() >= constructorBody.getStart() && reference.end <= statement.getStart(),
      )
    ) {
      this.note(
        file,
        statement,
        `Not inlined: field \`${name}\` is read in the constructor before it is set.`,
        true,
      );
      return [];
    }
    const literal = constant.getText();
    const proposals: Proposal[] = [];
    for (const reference of references) {
      const access = reference.parent;
      if (!ts.isPropertyAccessExpression(access) || !this.context.purity.isPure(access.expression)) continue;
      const referenceFile = this.fileOf(reference);
      const edit = referenceReplacement(reference, literal);
      if (edit) proposals.push({ path: referenceFile.path, edit });
    }
    const declaration = symbol.valueDeclaration ?? this.context.program.canonical(symbol).valueDeclaration;
    const isPrivate = !!declaration && ts.isPropertyDeclaration(declaration) && isPrivateMember(declaration);
    if (!isPrivate) {
      if (proposals.length > 0)
        proposals[0].report = {
          offset: statement.getStart(),
          message: `Inlined field \`${name}\` (${literal}) where it is read.`,
        };
      this.note(
        file,
        statement,
        `Kept public field \`${name}\` (${literal}): code outside these files may read it.`,
        true,
      );
      return proposals;
    }
    if (proposals.length === references.length) {
      const span = deletionSpan(file.text, statement, statement);
      proposals.push({
        path: file.path,
        edit: { start: span.start, end: span.end, pieces: [] },
        report: {
          offset: statement.getStart(),
          message: `Inlined field \`${name}\` (${literal}) and removed its assignment.`,
        },
      });
    }
    return proposals;
  }

  /** `function isExpressOn() { return true; }`: its calls become the constant. */
  private constantFunction(constant: ts.Expression): Proposal[] {
    let returned: ts.Expression = constant;
    let promised = false;
    const parent = constant.parent;
    if (
      ts.isCallExpression(parent) &&
      parent.arguments.length === 1 &&
      parent.arguments[0] === constant &&
      parent.expression.getText() === 'Promise.resolve'
    ) {
      returned = parent;
      promised = true;
    }
    let fn: ts.Node | undefined;
    const holder = returned.parent;
    if (ts.isReturnStatement(holder) && ts.isBlock(holder.parent) && holder.parent.statements.length === 1)
      fn = holder.parent.parent;
    else if (ts.isArrowFunction(holder) && holder.body === returned) fn = holder;
    if (!fn) return [];
    let nameNode: ts.Identifier | undefined;
    if (ts.isFunctionDeclaration(fn) && fn.body && !fn.asteriskToken) nameNode = fn.name;
    else if (
      (ts.isArrowFunction(fn) || (ts.isFunctionExpression(fn) && !fn.asteriskToken)) &&
      ts.isVariableDeclaration(fn.parent) &&
      fn.parent.initializer === fn &&
      ts.isIdentifier(fn.parent.name) &&
      fn.parent.parent.flags & ts.NodeFlags.Const
    ) {
      nameNode = fn.parent.name;
    }
    if (!nameNode) return [];
    const isAsync = promised || hasModifier(fn, ts.SyntaxKind.AsyncKeyword);
    const symbol = this.context.program.symbolAt(nameNode);
    if (!symbol) return [];
    const literal = constant.getText();
    const proposals: Proposal[] = [];
    for (const reference of this.context.program.referencesOf(symbol)) {
      const callee =
        ts.isPropertyAccessExpression(reference.parent) && reference.parent.name === reference
          ? reference.parent
          : reference;
      const call = callee.parent;
      if (!ts.isCallExpression(call) || call.expression !== callee) continue;
      if (!call.arguments.every((argument) => this.context.purity.isPure(argument))) continue;
      let target: ts.Expression = call;
      if (isAsync) {
        if (!ts.isAwaitExpression(call.parent)) continue;
        target = call.parent;
      }
      const referenceFile = this.fileOf(reference);
      proposals.push({
        path: referenceFile.path,
        edit: {
          start: target.getStart(),
          end: target.end,
          pieces: [{ kind: 'text', text: literal, flagConstant: true }],
        },
        report: {
          offset: target.getStart(),
          message: `Replaced \`${codeSnippet(target.getText())}\` with \`${literal}\`: \`${nameNode.text}\` now always returns it.`,
        },
      });
    }
    return proposals;
  }
}
