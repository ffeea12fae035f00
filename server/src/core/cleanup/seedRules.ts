/**
 * The first round: every read of the flag becomes the literal value it now always serves.
 * `await` goes with it; a details object's `.value` becomes the value; a destructured
 * `useFlags()` member or details `value` is inlined where it is used. Every replaced literal is
 * marked as a flag constant, which is what later rounds fold.
 */
import { ts } from 'ts-morph';
import { detailsMemberValue, type ValueMembers } from './flagApis';
import type { FlagRead } from './flagReads';
import { renderValue, type KnownValue } from './literals';
import {
  bindingElementDeletion,
  declaratorDeletion,
  isWriteReference,
  referenceReplacement,
} from './references';
import { codeSnippet, type Proposal, type RoundContext, type RoundFile } from './round';
import { text } from './trackedText';

function skipAwaits(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isAwaitExpression(current.parent) ||
    (ts.isParenthesizedExpression(current.parent) && ts.isAwaitExpression(current))
  ) {
    current = current.parent as ts.Expression;
  }
  return current;
}

/** Must the replacement stay a promise (the read is not awaited where a promise is expected)? */
function expectsPromise(target: ts.Expression): boolean {
  if (ts.isAwaitExpression(target)) return false;
  const parent = target.parent;
  if (
    ts.isPropertyAccessExpression(parent) &&
    parent.expression === target &&
    /^(?:then|catch|finally)$/.test(parent.name.text)
  )
    return true;
  let fn: ts.Node | undefined;
  if (ts.isReturnStatement(parent)) {
    fn = parent.parent;
    while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  } else if (ts.isArrowFunction(parent) && parent.body === target) fn = parent;
  if (!fn || !ts.isFunctionLike(fn)) return false;
  const isAsync = (ts.getModifiers(fn as ts.FunctionLikeDeclaration) ?? []).some(
    (modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword,
  );
  return !isAsync && !!fn.type && /^Promise\b/.test(fn.type.getText());
}

export class SeedRules {
  constructor(
    private readonly context: RoundContext,
    private readonly value: KnownValue,
  ) {}

  private file(path: string): RoundFile {
    const file = this.context.files.get(path);
    if (!file) throw new Error(`Not a file of the cleanup: ${path}`);
    return file;
  }

  private note(file: RoundFile, node: ts.Node, message: string, needsHuman: boolean): void {
    this.context.reporter.add(file.path, file.text, node.getStart(), message, needsHuman);
  }

  proposals(reads: readonly FlagRead[]): Proposal[] {
    const proposals: Proposal[] = [];
    for (const read of reads) {
      const file = this.file(read.path);
      if (file.isTest) {
        this.note(
          file,
          read.node,
          `A test reads ${this.context.flag} directly (\`${codeSnippet(read.node.getText())}\`): update or remove it by hand.`,
          true,
        );
        continue;
      }
      switch (read.shape) {
        case 'variant':
          this.note(
            file,
            read.node,
            `\`${codeSnippet(read.node.getText())}\` returns an object of ${this.context.flag} (a variant, a config or a payload), not its value: map it to code by hand.`,
            true,
          );
          break;
        case 'binding':
          proposals.push(...this.binding(file, read.node as ts.BindingElement, this.value, read.api));
          break;
        case 'details':
          proposals.push(...this.details(file, read.node as ts.CallExpression, read.members));
          break;
        case 'isOn':
          proposals.push(...this.replaceRead(file, read.node as ts.Expression, Boolean(this.value)));
          break;
        case 'isOff':
          proposals.push(...this.replaceRead(file, read.node as ts.Expression, !this.value));
          break;
        default:
          proposals.push(...this.replaceRead(file, read.node as ts.Expression, this.value));
      }
    }
    return proposals;
  }

  private replaceRead(file: RoundFile, node: ts.Expression, value: KnownValue): Proposal[] {
    const target = skipAwaits(node);
    const literal = renderValue(value, file.quote);
    const promised = expectsPromise(target);
    const pieces = promised
      ? [text('Promise.resolve('), text(literal, true), text(')')]
      : [text(literal, true)];
    return [
      {
        path: file.path,
        edit: { start: target.getStart(), end: target.end, pieces },
        report: {
          offset: target.getStart(),
          message: `Replaced \`${codeSnippet(target.getText())}\` with \`${promised ? `Promise.resolve(${literal})` : literal}\`.`,
        },
      },
    ];
  }

  /** A name bound to the flag value: every use becomes the literal, the binding goes. */
  private binding(file: RoundFile, element: ts.BindingElement, value: KnownValue, api: string): Proposal[] {
    if (!ts.isIdentifier(element.name)) {
      this.note(
        file,
        element,
        `\`${codeSnippet(element.getText())}\` destructures ${this.context.flag} further: rewrite by hand.`,
        true,
      );
      return [];
    }
    const symbol = this.context.program.symbolAt(element.name);
    if (!symbol) return [];
    const references = this.context.program.referencesOf(symbol);
    if (references.some(isWriteReference)) {
      this.note(
        file,
        element,
        `Not inlined: \`${element.name.text}\` (${this.context.flag}) is reassigned.`,
        true,
      );
      return [];
    }
    const literal = renderValue(value, file.quote);
    const proposals: Proposal[] = [];
    for (const reference of references) {
      const referenceFile = this.file(this.context.program.pathOf(reference.getSourceFile()));
      const edit = referenceReplacement(reference, literal);
      if (!edit) {
        this.note(
          referenceFile,
          reference,
          `\`${element.name.text}\` (${this.context.flag}) is used where a literal cannot go: rewrite by hand.`,
          true,
        );
        return [];
      }
      proposals.push({ path: referenceFile.path, edit });
    }
    const deletion = bindingElementDeletion(file, element);
    if (deletion) {
      proposals.push({
        path: file.path,
        edit: deletion,
        report: {
          offset: element.getStart(),
          message: `Inlined \`${element.name.text}\` from \`${api}\` as \`${literal}\`.`,
        },
      });
    }
    return proposals;
  }

  /** A details object: `.value` (and GrowthBook's `.on`/`.off`) become literals; other members stay for a person. */
  private details(file: RoundFile, call: ts.CallExpression, members?: ValueMembers): Proposal[] {
    const target = skipAwaits(call);
    const parent = target.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === target) {
      const member = detailsMemberValue(parent.name.text, this.value, members);
      if (member) return this.replaceRead(file, parent, member.value as KnownValue);
      this.note(
        file,
        parent,
        `\`${codeSnippet(parent.getText())}\` reads \`${parent.name.text}\` of ${this.context.flag}'s details: rewrite by hand.`,
        true,
      );
      return [];
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === target) {
      if (ts.isObjectBindingPattern(parent.name)) {
        const proposals: Proposal[] = [];
        for (const element of parent.name.elements) {
          const property = element.propertyName ?? element.name;
          const member = ts.isIdentifier(property)
            ? detailsMemberValue(property.text, this.value, members)
            : undefined;
          if (member)
            proposals.push(
              ...this.binding(file, element, member.value as KnownValue, call.getText().split('(')[0]),
            );
          else
            this.note(
              file,
              element,
              `\`${codeSnippet(element.getText())}\` of ${this.context.flag}'s details is still read: rewrite by hand.`,
              true,
            );
        }
        return proposals;
      }
      if (!ts.isIdentifier(parent.name)) return [];
      const symbol = this.context.program.symbolAt(parent.name);
      if (!symbol) return [];
      const proposals: Proposal[] = [];
      let unresolved = 0;
      for (const reference of this.context.program.referencesOf(symbol)) {
        const access = reference.parent;
        const member =
          ts.isPropertyAccessExpression(access) && access.expression === reference
            ? detailsMemberValue(access.name.text, this.value, members)
            : undefined;
        if (member && ts.isPropertyAccessExpression(access) && !isWriteReference(access.name)) {
          proposals.push(...this.replaceRead(file, access, member.value as KnownValue));
        } else {
          unresolved++;
          this.note(
            file,
            reference,
            `\`${codeSnippet(access.getText())}\` still reads ${this.context.flag}'s details (not its value): rewrite by hand.`,
            true,
          );
        }
      }
      if (unresolved === 0) {
        const deletion = declaratorDeletion(file, parent);
        if (deletion)
          proposals.push({
            path: file.path,
            edit: deletion,
            report: {
              offset: parent.getStart(),
              message: `Removed \`${parent.name.text}\`, the details of ${this.context.flag}.`,
            },
          });
      }
      return proposals;
    }
    this.note(
      file,
      call,
      `\`${codeSnippet(call.getText())}\` uses ${this.context.flag}'s details as a whole: rewrite by hand.`,
      true,
    );
    return [];
  }
}
