/**
 * Deleting what became unused because of this cleanup, and only that: a declaration is looked at
 * only if one of its references was removed by an earlier round. Imports (specifier by specifier),
 * locals, destructured names, private members, functions, classes and types go when nothing refers
 * to them any more; an export goes only when no file of the workspace imports or re-exports it.
 */
import { ts } from 'ts-morph';
import { deletionSpan, listElementDeletionSpan } from './layout';
import { bindingElementDeletion, declaratorDeletion, isExported } from './references';
import { codeSnippet, type Proposal, type RoundContext, type RoundFile } from './round';
import { slice, text } from './trackedText';

function identifierAt(
  sourceFile: ts.SourceFile,
  offset: number,
): ts.Identifier | ts.PrivateIdentifier | undefined {
  let found: ts.Identifier | ts.PrivateIdentifier | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.getStart() > offset || node.end <= offset) return;
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && node.getStart() === offset) {
      found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function isPrivateMember(member: ts.ClassElement): boolean {
  if (member.name && ts.isPrivateIdentifier(member.name)) return true;
  return (ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : []).some(
    (modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword,
  );
}

function isDefaultExport(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)
  );
}

export class UnusedRules {
  constructor(private readonly context: RoundContext) {}

  proposals(file: RoundFile): Proposal[] {
    const proposals: Proposal[] = [];
    for (const offset of file.tracked.lostReferences) {
      const name = identifierAt(file.sourceFile, offset);
      if (!name) continue;
      const declaration = name.parent;
      if (
        ts.isImportSpecifier(declaration) ||
        ts.isImportClause(declaration) ||
        ts.isNamespaceImport(declaration)
      ) {
        proposals.push(...this.importBinding(file, name as ts.Identifier, declaration));
      } else if (ts.isVariableDeclaration(declaration) && declaration.name === name) {
        proposals.push(...this.variable(file, declaration));
      } else if (ts.isBindingElement(declaration) && declaration.name === name) {
        proposals.push(...this.bindingElement(file, declaration));
      } else if (
        (ts.isFunctionDeclaration(declaration) ||
          ts.isClassDeclaration(declaration) ||
          ts.isInterfaceDeclaration(declaration) ||
          ts.isTypeAliasDeclaration(declaration) ||
          ts.isEnumDeclaration(declaration)) &&
        declaration.name === name
      ) {
        proposals.push(...this.topLevelDeclaration(file, declaration));
      } else if (
        (ts.isPropertyDeclaration(declaration) || ts.isMethodDeclaration(declaration)) &&
        declaration.name === name
      ) {
        proposals.push(...this.privateMember(file, declaration));
      } else if (
        ts.isParameter(declaration) &&
        declaration.name === name &&
        ts.isParameterPropertyDeclaration(declaration, declaration.parent)
      ) {
        proposals.push(...this.privateParameterProperty(file, declaration));
      }
    }
    return proposals;
  }

  private deletion(
    file: RoundFile,
    node: ts.Node,
    message: string,
    needsHuman = false,
    keepLeadingComments = false,
  ): Proposal {
    const span = deletionSpan(file.text, node, node, keepLeadingComments);
    return {
      path: file.path,
      edit: { start: span.start, end: span.end, pieces: [] },
      report: { offset: node.getStart(), message, needsHuman },
    };
  }

  private importBinding(
    file: RoundFile,
    name: ts.Identifier,
    binding: ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport,
  ): Proposal[] {
    const alias = this.context.program.checker.getSymbolAtLocation(name);
    if (!alias || this.context.program.directReferencesOf(alias).length > 0) return [];
    const clause = ts.isImportClause(binding)
      ? binding
      : ts.isNamespaceImport(binding)
        ? binding.parent
        : binding.parent.parent;
    if (!ts.isImportClause(clause) || !ts.isImportDeclaration(clause.parent)) return [];
    const declaration = clause.parent;
    const named = clause.namedBindings;
    const count =
      (clause.name ? 1 : 0) + (named ? (ts.isNamedImports(named) ? named.elements.length : 1) : 0);
    if (count <= 1)
      return [
        this.deletion(
          file,
          declaration,
          `Removed the import of \`${name.text}\`, no longer used.`,
          false,
          true,
        ),
      ];
    let start: number;
    let end: number;
    if (ts.isImportSpecifier(binding) && named && ts.isNamedImports(named) && named.elements.length > 1) {
      const span = listElementDeletionSpan(file.text, named.elements, named.elements.indexOf(binding));
      start = span.start;
      end = span.end;
    } else if (ts.isImportClause(binding) && named) {
      // `D, { x }` -> `{ x }`
      start = binding.name?.getStart() ?? binding.getStart();
      end = named.getStart();
    } else if (clause.name) {
      // `D, { x }` or `D, * as ns` -> `D`
      start = clause.name.end;
      end = named?.end ?? clause.name.end;
    } else {
      return [];
    }
    return [
      {
        path: file.path,
        edit: { start, end, pieces: [] },
        report: {
          offset: binding.getStart(),
          message: `Removed the import of \`${name.text}\`, no longer used.`,
        },
      },
    ];
  }

  private references(declaration: ts.NamedDeclaration): ts.Node[] | undefined {
    const name = declaration.name;
    const raw = name ? this.context.program.checker.getSymbolAtLocation(name) : undefined;
    // `const { x } = require('./x')` declares an alias, used like an import: count its own uses.
    if (raw && raw.flags & ts.SymbolFlags.Alias) return this.context.program.directReferencesOf(raw);
    const symbol = this.context.program.declaredSymbol(declaration);
    return symbol ? this.context.program.referencesOf(symbol) : undefined;
  }

  /** With `keepUnusedExports`, an export no given file uses any more stays (other code may import it). */
  private keepsExport(file: RoundFile, declaration: ts.Node, name: string): boolean {
    if (!this.context.keepUnusedExports || !isExported(declaration)) return false;
    this.context.reporter.add(
      file.path,
      file.text,
      declaration.getStart(),
      `Kept export \`${name}\`: no given file uses it any more, but code outside them may.`,
      false,
    );
    return true;
  }

  private exportNote(node: ts.Node): string {
    return isExported(node) ? ' (exported, and no file of the workspace imports it)' : '';
  }

  private variable(file: RoundFile, declaration: ts.VariableDeclaration): Proposal[] {
    const list = declaration.parent;
    if (!ts.isVariableDeclarationList(list) || !ts.isVariableStatement(list.parent)) return [];
    if (isDefaultExport(list.parent)) return [];
    const references = this.references(declaration);
    if (!references || references.length > 0) return [];
    const name = declaration.name.getText();
    if (this.keepsExport(file, declaration, name)) return [];
    const initializer = declaration.initializer;
    if (initializer && !this.context.purity.isPure(initializer)) {
      if (list.declarations.length > 1) return [];
      // Keep what the initializer does; drop the name.
      return [
        {
          path: file.path,
          edit: {
            start: list.parent.getStart(),
            end: list.parent.end,
            pieces: [slice(initializer.getStart(), initializer.end), text(file.semicolons ? ';' : '')],
          },
          report: {
            offset: declaration.getStart(),
            message: `\`${name}\` is no longer used; its initializer \`${codeSnippet(initializer.getText(), 40)}\` may have effects, so it is kept as a statement.`,
            needsHuman: true,
          },
        },
      ];
    }
    const edit = declaratorDeletion(file, declaration);
    return edit
      ? [
          {
            path: file.path,
            edit,
            report: {
              offset: declaration.getStart(),
              message: `Removed \`${name}\`, no longer used${this.exportNote(declaration)}.`,
            },
          },
        ]
      : [];
  }

  private bindingElement(file: RoundFile, element: ts.BindingElement): Proposal[] {
    const pattern = element.parent;
    const variable = pattern.parent;
    if (!ts.isObjectBindingPattern(pattern) || !ts.isVariableDeclaration(variable)) return [];
    const references = this.references(element);
    if (!references || references.length > 0) return [];
    if (
      pattern.elements.length === 1 &&
      variable.initializer &&
      !this.context.purity.isPure(variable.initializer)
    )
      return [];
    const edit = bindingElementDeletion(file, element);
    return edit
      ? [
          {
            path: file.path,
            edit,
            report: {
              offset: element.getStart(),
              message: `Removed \`${element.name.getText()}\`, no longer used.`,
            },
          },
        ]
      : [];
  }

  private topLevelDeclaration(
    file: RoundFile,
    declaration:
      | ts.FunctionDeclaration
      | ts.ClassDeclaration
      | ts.InterfaceDeclaration
      | ts.TypeAliasDeclaration
      | ts.EnumDeclaration,
  ): Proposal[] {
    if (isDefaultExport(declaration) || !declaration.name) return [];
    const symbol = this.context.program.declaredSymbol(declaration);
    if (!symbol || (symbol.declarations?.length ?? 0) > 1) return [];
    if (this.context.program.referencesOf(symbol).length > 0) return [];
    if (this.keepsExport(file, declaration, declaration.name.text)) return [];
    const kind = ts.isFunctionDeclaration(declaration)
      ? 'function'
      : ts.isClassDeclaration(declaration)
        ? 'class'
        : ts.isEnumDeclaration(declaration)
          ? 'enum'
          : 'type';
    return [
      this.deletion(
        file,
        declaration,
        `Removed ${kind} \`${declaration.name.text}\`, no longer used${this.exportNote(declaration)}.`,
      ),
    ];
  }

  /** `private readonly flags: X` no longer read as a field: it stays a plain constructor parameter. */
  private privateParameterProperty(file: RoundFile, parameter: ts.ParameterPropertyDeclaration): Proposal[] {
    const modifiers = ts.getModifiers(parameter) ?? [];
    if (
      !modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword) ||
      !ts.isIdentifier(parameter.name)
    )
      return [];
    const [, property] = this.context.program.checker.getSymbolsOfParameterPropertyDeclaration(
      parameter,
      parameter.name.text,
    );
    if (
      !property ||
      this.context.program.memberReferences(this.context.program.canonical(property)).length > 0
    )
      return [];
    return [
      {
        path: file.path,
        edit: { start: modifiers[0].getStart(), end: parameter.name.getStart(), pieces: [] },
        report: {
          offset: parameter.getStart(),
          message: `\`${parameter.name.text}\` is no longer read as a field; it stays a constructor parameter.`,
        },
      },
    ];
  }

  private privateMember(file: RoundFile, member: ts.PropertyDeclaration | ts.MethodDeclaration): Proposal[] {
    if (!isPrivateMember(member)) return [];
    const symbol = this.context.program.symbolAt(member.name);
    if (!symbol) return [];
    if (this.context.program.memberReferences(this.context.program.canonical(symbol)).length > 0) return [];
    const name = member.name.getText();
    let occurrences = 0;
    const visit = (node: ts.Node): void => {
      if (
        (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) &&
        node.text === name &&
        node !== member.name
      )
        occurrences++;
      ts.forEachChild(node, visit);
    };
    visit(member.parent);
    if (occurrences > 0) return [];
    if (
      ts.isPropertyDeclaration(member) &&
      member.initializer &&
      !this.context.purity.isPure(member.initializer)
    )
      return [];
    return [
      this.deletion(
        file,
        member,
        `Removed private ${ts.isMethodDeclaration(member) ? 'method' : 'field'} \`${name}\`, no longer used.`,
      ),
    ];
  }
}
