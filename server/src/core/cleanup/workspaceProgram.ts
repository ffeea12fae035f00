/**
 * The files being cleaned up as one in-memory TypeScript program, for what only binding can tell:
 * which identifiers refer to which declaration (across files, through imports and re-exports).
 * No lib files and no type packages are loaded: only names are resolved, which is fast enough to
 * rebuild after every rewrite round.
 */
import { ts } from 'ts-morph';

const ROOT = '/__workspace__/';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  noLib: true,
  types: [],
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  jsx: ts.JsxEmit.Preserve,
};

export function scriptKindOf(path: string): ts.ScriptKind {
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/i.test(path)) return ts.ScriptKind.TS;
  if (/\.jsx$/i.test(path)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export function isCodeFile(path: string): boolean {
  return /\.(?:[cm]?[jt]sx?)$/i.test(path) && !/\.d\.[cm]?ts$/i.test(path);
}

export function parseCode(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(ROOT + path, text, ts.ScriptTarget.ES2022, true, scriptKindOf(path));
}

/** Source files kept across rounds: a file whose text did not change is not parsed again. */
export class SourceFileCache {
  private readonly files = new Map<string, ts.SourceFile>();
  get(path: string, text: string): ts.SourceFile {
    const cached = this.files.get(path);
    if (cached && cached.text === text) return cached;
    const parsed = parseCode(path, text);
    this.files.set(path, parsed);
    return parsed;
  }
}

/** Names that stand for a declaration rather than refer to one. */
function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isBindingElement(parent)) return parent.name === node || parent.propertyName === node;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return true;
  if (ts.isJsxAttribute(parent) || ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return true;
  if (ts.isPropertyAssignment(parent) || ts.isEnumMember(parent)) return parent.name === node;
  return (
    (ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isClassExpression(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isEnumDeclaration(parent) ||
      ts.isModuleDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isTypeParameterDeclaration(parent) ||
      ts.isImportClause(parent) ||
      ts.isNamespaceImport(parent) ||
      ts.isNamespaceExport(parent) ||
      ts.isImportEqualsDeclaration(parent)) &&
    (parent as ts.NamedDeclaration).name === node
  );
}

export class WorkspaceProgram {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  private readonly byPath = new Map<string, ts.SourceFile>();
  private referenceIndex: Map<ts.Symbol, ts.Identifier[]> | undefined;
  private directIndex: Map<ts.Symbol, ts.Identifier[]> | undefined;

  constructor(
    readonly texts: ReadonlyMap<string, string>,
    cache: SourceFileCache,
  ) {
    const byFileName = new Map<string, ts.SourceFile>();
    for (const [path, text] of texts) {
      const sourceFile = cache.get(path, text);
      this.byPath.set(path, sourceFile);
      byFileName.set(sourceFile.fileName, sourceFile);
    }
    const host: ts.CompilerHost = {
      getSourceFile: (fileName) => byFileName.get(fileName),
      fileExists: (fileName) => byFileName.has(fileName),
      readFile: (fileName) => byFileName.get(fileName)?.text,
      directoryExists: (directory) => {
        const prefix = directory.endsWith('/') ? directory : `${directory}/`;
        for (const fileName of byFileName.keys()) if (fileName.startsWith(prefix)) return true;
        return false;
      },
      getDirectories: () => [],
      getDefaultLibFileName: () => `${ROOT}__lib__.d.ts`,
      writeFile: () => undefined,
      getCurrentDirectory: () => ROOT,
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
    };
    this.program = ts.createProgram([...byFileName.keys()], COMPILER_OPTIONS, host);
    this.checker = this.program.getTypeChecker();
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  sourceFile(path: string): ts.SourceFile {
    const sourceFile = this.byPath.get(path);
    if (!sourceFile) throw new Error(`Not a file of the cleanup: ${path}`);
    return sourceFile;
  }

  pathOf(sourceFile: ts.SourceFile): string {
    return sourceFile.fileName.slice(ROOT.length);
  }

  /** The symbol an identifier refers to, as written (an import alias stays an alias). */
  symbolAt(node: ts.Node): ts.Symbol | undefined {
    try {
      if (ts.isIdentifier(node) && ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node) {
        return this.checker.getShorthandAssignmentValueSymbol(node.parent);
      }
      if (ts.isIdentifier(node) && ts.isExportSpecifier(node.parent)) {
        return this.checker.getExportSpecifierLocalTargetSymbol(node.parent);
      }
      return this.checker.getSymbolAtLocation(node);
    } catch {
      return undefined;
    }
  }

  /** The declaration a symbol finally stands for: aliases followed, export and local symbols merged. */
  canonical(symbol: ts.Symbol): ts.Symbol {
    let result = symbol;
    if (result.flags & ts.SymbolFlags.Alias) {
      try {
        const target = this.checker.getAliasedSymbol(result);
        if (target.declarations?.length) result = target;
      } catch {
        // An unresolvable alias stands for itself.
      }
    }
    try {
      return this.checker.getExportSymbolOfSymbol(result);
    } catch {
      return result;
    }
  }

  /** The symbol declared by a declaration (its name), canonical. */
  declaredSymbol(declaration: ts.NamedDeclaration): ts.Symbol | undefined {
    const name = declaration.name;
    if (!name) return undefined;
    const symbol = this.checker.getSymbolAtLocation(name) ?? (declaration as { symbol?: ts.Symbol }).symbol;
    return symbol ? this.canonical(symbol) : undefined;
  }

  private buildIndexes(): void {
    const references = new Map<ts.Symbol, ts.Identifier[]>();
    const direct = new Map<ts.Symbol, ts.Identifier[]>();
    const add = (map: Map<ts.Symbol, ts.Identifier[]>, symbol: ts.Symbol, node: ts.Identifier) => {
      const list = map.get(symbol);
      if (list) list.push(node);
      else map.set(symbol, [node]);
    };
    for (const sourceFile of this.byPath.values()) {
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node)) {
          const parent = node.parent;
          if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.name === node) {
            // An import or re-export is a reference to what it imports: the importer of an export.
            const alias = this.checker.getSymbolAtLocation(node);
            if (alias) {
              const target = this.canonical(alias);
              if (target !== alias) add(references, target, node);
            }
            if (ts.isExportSpecifier(parent) && !parent.parent.parent.moduleSpecifier) {
              const local = this.symbolAt(node);
              if (local) add(references, this.canonical(local), node);
            }
          } else if (ts.isImportClause(parent) && parent.name === node) {
            const alias = this.checker.getSymbolAtLocation(node);
            if (alias) {
              const target = this.canonical(alias);
              if (target !== alias) add(references, target, node);
            }
          } else if (!isDeclarationName(node) && !ts.isPropertyAccessExpression(parent) && !ts.isQualifiedName(parent)) {
            const symbol = this.symbolAt(node);
            if (symbol) {
              add(direct, symbol, node);
              const target = this.canonical(symbol);
              add(references, target, node);
            }
          } else if (
            (ts.isPropertyAccessExpression(parent) && parent.expression === node) ||
            (ts.isQualifiedName(parent) && parent.left === node)
          ) {
            const symbol = this.symbolAt(node);
            if (symbol) {
              add(direct, symbol, node);
              add(references, this.canonical(symbol), node);
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
    }
    this.referenceIndex = references;
    this.directIndex = direct;
  }

  /**
   * Every place that refers to a declaration's symbol (canonical), in every file: uses, imports
   * and re-exports of it, and member accesses `ns.name` through namespace imports.
   */
  referencesOf(symbol: ts.Symbol): ts.Node[] {
    if (!this.referenceIndex) this.buildIndexes();
    const canonical = this.canonical(symbol);
    const found: ts.Node[] = [...(this.referenceIndex?.get(canonical) ?? [])];
    found.push(...this.memberReferences(canonical));
    return found;
  }

  /** Uses of a symbol exactly as written (for an import alias: the uses in its file). */
  directReferencesOf(symbol: ts.Symbol): ts.Identifier[] {
    if (!this.directIndex) this.buildIndexes();
    return this.directIndex?.get(symbol) ?? [];
  }

  /** `x.name` and `ns.name` accesses that resolve to `symbol` (class fields, namespace members). */
  memberReferences(symbol: ts.Symbol): ts.Node[] {
    const name = symbol.getName();
    const found: ts.Node[] = [];
    for (const sourceFile of this.byPath.values()) {
      if (!sourceFile.text.includes(name)) continue;
      const visit = (node: ts.Node): void => {
        if (
          (ts.isPropertyAccessExpression(node) && node.name.text === name) ||
          (ts.isQualifiedName(node) && node.right.text === name)
        ) {
          const nameNode = ts.isPropertyAccessExpression(node) ? node.name : node.right;
          const resolved = this.symbolAt(nameNode);
          if (resolved && this.canonical(resolved) === symbol) found.push(nameNode);
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
    }
    return found;
  }

  /** The file a module specifier of `fromPath` resolves to, among the cleanup's files. */
  resolveModule(fromPath: string, specifier: string): string | undefined {
    const result = ts.resolveModuleName(specifier, ROOT + fromPath, COMPILER_OPTIONS, {
      fileExists: (fileName) => this.byPath.has(fileName.slice(ROOT.length)),
      readFile: (fileName) => this.texts.get(fileName.slice(ROOT.length)),
      directoryExists: (directory) => {
        const prefix = (directory.endsWith('/') ? directory : `${directory}/`).slice(ROOT.length);
        for (const path of this.byPath.keys()) if (path.startsWith(prefix)) return true;
        return false;
      },
    });
    const fileName = result.resolvedModule?.resolvedFileName;
    return fileName?.startsWith(ROOT) ? fileName.slice(ROOT.length) : undefined;
  }
}
