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

/** The in-memory file name of a workspace path (relative, or absolute as some callers give it). */
function virtualFileName(path: string): string {
  return ROOT + path.replace(/\\/g, '/').replace(/^\/+/, '');
}

export function parseCode(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(virtualFileName(path), text, ts.ScriptTarget.ES2022, true, scriptKindOf(path));
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
  if (ts.isJsxAttribute(parent) || ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent))
    return true;
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
  private readonly pathByFileName = new Map<string, string>();
  /** Per file, its identifiers by the symbol they refer to (canonical, and as written). */
  private readonly fileIndexes = new Map<
    string,
    { references: Map<ts.Symbol, ts.Identifier[]>; direct: Map<ts.Symbol, ts.Identifier[]> }
  >();
  private readonly directories = new Set<string>();

  /** `previous`: the program of the round before, whose unchanged files and resolutions are reused. */
  constructor(
    readonly texts: ReadonlyMap<string, string>,
    cache: SourceFileCache,
    previous?: WorkspaceProgram,
  ) {
    const byFileName = new Map<string, ts.SourceFile>();
    for (const [path, text] of texts) {
      const sourceFile = cache.get(path, text);
      this.byPath.set(path, sourceFile);
      this.pathByFileName.set(sourceFile.fileName, path);
      byFileName.set(sourceFile.fileName, sourceFile);
      for (
        let slash = sourceFile.fileName.lastIndexOf('/');
        slash > 0;
        slash = sourceFile.fileName.lastIndexOf('/', slash - 1)
      ) {
        const directory = sourceFile.fileName.slice(0, slash);
        if (this.directories.has(directory)) break;
        this.directories.add(directory);
      }
    }
    const host: ts.CompilerHost = {
      getSourceFile: (fileName) => byFileName.get(fileName),
      fileExists: (fileName) => byFileName.has(fileName),
      readFile: (fileName) => byFileName.get(fileName)?.text,
      directoryExists: (directory) => this.directories.has(directory.replace(/\/+$/, '')),
      getDirectories: () => [],
      getDefaultLibFileName: () => `${ROOT}__lib__.d.ts`,
      writeFile: () => undefined,
      getCurrentDirectory: () => ROOT,
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
    };
    this.program = ts.createProgram({
      rootNames: [...byFileName.keys()],
      options: COMPILER_OPTIONS,
      host,
      oldProgram: previous?.program,
    });
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
    const path = this.pathByFileName.get(sourceFile.fileName);
    if (path === undefined) throw new Error(`Not a file of the cleanup: ${sourceFile.fileName}`);
    return path;
  }

  /** The symbol an identifier refers to, as written (an import alias stays an alias). */
  symbolAt(node: ts.Node): ts.Symbol | undefined {
    try {
      if (
        ts.isIdentifier(node) &&
        ts.isShorthandPropertyAssignment(node.parent) &&
        node.parent.name === node
      ) {
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

  /** The identifiers of one file by the symbol they refer to, built on first use. */
  private fileIndex(path: string): {
    references: Map<ts.Symbol, ts.Identifier[]>;
    direct: Map<ts.Symbol, ts.Identifier[]>;
  } {
    const cached = this.fileIndexes.get(path);
    if (cached) return cached;
    const references = new Map<ts.Symbol, ts.Identifier[]>();
    const direct = new Map<ts.Symbol, ts.Identifier[]>();
    const add = (map: Map<ts.Symbol, ts.Identifier[]>, symbol: ts.Symbol, node: ts.Identifier) => {
      const list = map.get(symbol);
      if (list) list.push(node);
      else map.set(symbol, [node]);
    };
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
        } else if (
          (!isDeclarationName(node) &&
            !ts.isPropertyAccessExpression(parent) &&
            !ts.isQualifiedName(parent)) ||
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
    visit(this.sourceFile(path));
    const index = { references, direct };
    this.fileIndexes.set(path, index);
    return index;
  }

  /** Names under which a symbol may be referred to: its own, and the local names of imports of it. */
  private namesOf(symbol: ts.Symbol): Set<string> {
    const names = new Set([symbol.getName()]);
    for (const declaration of symbol.declarations ?? []) {
      const name = (declaration as ts.NamedDeclaration).name;
      if (name && ts.isIdentifier(name)) names.add(name.text);
    }
    // `import { x as y }`, `export { x as y }`: the files that mention `x` mention `y` next to it.
    for (const sourceFile of this.byPath.values()) {
      if (![...names].some((name) => sourceFile.text.includes(name))) continue;
      for (const statement of sourceFile.statements) {
        const clause = ts.isImportDeclaration(statement)
          ? statement.importClause?.namedBindings
          : ts.isExportDeclaration(statement)
            ? statement.exportClause
            : undefined;
        if (!clause || ts.isNamespaceImport(clause) || ts.isNamespaceExport(clause)) continue;
        for (const element of clause.elements) {
          if (element.propertyName && names.has(element.propertyName.getText())) names.add(element.name.text);
        }
      }
    }
    if (symbol.getName() === 'default') {
      // A default export is imported under any name: every file may refer to it.
      names.add('');
    }
    return names;
  }

  /**
   * Every place that refers to a declaration's symbol (canonical), in every file: uses, imports
   * and re-exports of it, and member accesses `ns.name` through namespace imports.
   */
  referencesOf(symbol: ts.Symbol): ts.Node[] {
    const canonical = this.canonical(symbol);
    const names = this.namesOf(canonical);
    const found: ts.Node[] = [];
    for (const [path, sourceFile] of this.byPath) {
      if (![...names].some((name) => sourceFile.text.includes(name))) continue;
      found.push(...(this.fileIndex(path).references.get(canonical) ?? []));
    }
    found.push(...this.memberReferences(canonical));
    return found;
  }

  /** Uses of a symbol exactly as written (for an import alias: the uses in its file). */
  directReferencesOf(symbol: ts.Symbol): ts.Identifier[] {
    const found: ts.Identifier[] = [];
    const files = new Set((symbol.declarations ?? []).map((declaration) => declaration.getSourceFile()));
    for (const sourceFile of files) {
      const path = this.pathByFileName.get(sourceFile.fileName);
      if (path !== undefined) found.push(...(this.fileIndex(path).direct.get(symbol) ?? []));
    }
    return found;
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

  /** Does the checker know this expression to be a boolean (declared or inferred `boolean`)? */
  isBooleanTyped(node: ts.Expression): boolean {
    try {
      const type = this.checker.getTypeAtLocation(node);
      return !!(type.flags & ts.TypeFlags.BooleanLike) && !(type.flags & ts.TypeFlags.Any);
    } catch {
      return false;
    }
  }

  /** The file a module specifier of `fromPath` resolves to, among the cleanup's files. */
  resolveModule(fromPath: string, specifier: string): string | undefined {
    const result = ts.resolveModuleName(specifier, virtualFileName(fromPath), COMPILER_OPTIONS, {
      fileExists: (fileName) => this.pathByFileName.has(fileName),
      readFile: (fileName) => {
        const path = this.pathByFileName.get(fileName);
        return path === undefined ? undefined : this.texts.get(path);
      },
      directoryExists: (directory) => {
        const prefix = directory.endsWith('/') ? directory : `${directory}/`;
        for (const fileName of this.pathByFileName.keys()) if (fileName.startsWith(prefix)) return true;
        return false;
      },
    });
    const fileName = result.resolvedModule?.resolvedFileName;
    return fileName === undefined ? undefined : this.pathByFileName.get(fileName);
  }
}
