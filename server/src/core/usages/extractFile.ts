/**
 * One parse and one walk of a file, keeping only facts: candidate calls with their arguments,
 * flags-object reads, exports, and the functions a call may reach. Names are resolved through
 * the file's own scopes here (so shadowing is respected); references to other modules stay
 * symbolic for the linker. The AST is dropped when this returns.
 */
import { ts as typescript } from 'ts-morph';
import type { JsonPrimitive, Range } from '../../../../shared/src/registryModel';
import type {
  ArgumentFact,
  CallSite,
  ClassFact,
  Fact,
  FileFacts,
  FlagsObjectRead,
  FunctionInfo,
  KeyForm,
  ObjectEntry,
} from './facts';
import { UNKNOWN } from './facts';
import type { ApiCatalog } from './presets';

/**
 * A plain copy of the compiler's namespace: the bundled one answers every member through a
 * getter (ts-morph's re-export, then TypeScript's own), which cost about 6% of a cold index.
 */
const ts = { ...typescript } as typeof typescript;

/** Argument texts longer than this are shortened: they are shown, never parsed again. */
const MAX_TEXT = 200;

type LazyBinding = {
  kind: 'lazy';
  form: 'const' | 'destructured';
  init: typescript.Expression;
  /** Property path inside the initializer, for destructured names. */
  path: string[];
  scope: Scope;
  name: string;
  declaredType: typescript.TypeNode | undefined;
  state: 'new' | 'busy' | 'done';
  fact: Fact;
};
type FixedBinding = { kind: 'fixed'; fact: Fact; form: KeyForm };
type OpaqueBinding = { kind: 'opaque' };
type Binding = LazyBinding | FixedBinding | OpaqueBinding;

const OPAQUE: OpaqueBinding = { kind: 'opaque' };
const ANONYMOUS_FUNCTION: FunctionInfo = Object.freeze({
  name: undefined,
  isMethod: false,
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
});

class Scope {
  readonly bindings = new Map<string, Binding>();
  /** What `this` is here; undefined means "as in the parent scope" (arrow functions, blocks). */
  constructor(
    readonly parent: Scope | undefined,
    readonly thisFact?: Fact,
  ) {}

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }

  private childVisitor: ((child: typescript.Node) => void) | undefined;

  /** One callback per scope for `ts.forEachChild`, instead of a closure per node. */
  visitor(walker: {
    visitNode(node: typescript.Node, scope: Scope): void;
  }): (child: typescript.Node) => void {
    this.childVisitor ??= (child) => walker.visitNode(child, this);
    return this.childVisitor;
  }

  thisValue(): Fact {
    return this.thisFact ?? this.parent?.thisValue() ?? UNKNOWN;
  }
}

function scriptKindOf(file: string): typescript.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/i.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function shorten(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
function skipOuter(expr: typescript.Expression): typescript.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(expr) ||
      ts.isAsExpression(expr) ||
      ts.isSatisfiesExpression(expr) ||
      ts.isNonNullExpression(expr) ||
      ts.isTypeAssertionExpression(expr)
    )
      expr = expr.expression;
    else return expr;
  }
}

function hasModifier(node: typescript.Node, kind: typescript.SyntaxKind): boolean {
  return (
    ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false)
  );
}

function isConstList(list: typescript.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) === ts.NodeFlags.Const;
}

export function extractFile(file: string, text: string, catalog: ApiCatalog): FileFacts {
  const sourceFile = ts.createSourceFile(
    file,
    text,
    // JSDoc is never read here; skipping it saves part of the parse.
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    scriptKindOf(file),
  );
  return new Extractor(file, sourceFile, catalog).run();
}

class Extractor {
  private readonly facts: FileFacts;
  private readonly functionIds = new Map<typescript.Node, number>();
  private readonly classes = new Map<typescript.Node, ClassFact>();
  private readonly filledClasses = new Set<typescript.Node>();
  private readonly importedSdks = new Set<string>();
  private readonly pendingExports: { name: string; fact: () => Fact }[] = [];
  private pendingCommonJsExport: (() => Fact) | undefined;

  constructor(
    file: string,
    private readonly sourceFile: typescript.SourceFile,
    private readonly catalog: ApiCatalog,
  ) {
    this.facts = {
      file,
      exports: new Map(),
      starExports: [],
      functions: [],
      calls: [],
      flagsObjectReads: [],
      importedSdks: [],
    };
  }

  run(): FileFacts {
    const moduleScope = new Scope(undefined, UNKNOWN);
    this.declareStatements(this.sourceFile.statements, moduleScope, true);
    for (const statement of this.sourceFile.statements) this.visit(statement, moduleScope);
    for (const { name, fact } of this.pendingExports)
      if (!this.facts.exports.has(name)) this.facts.exports.set(name, fact());
    if (this.pendingCommonJsExport) this.facts.commonJsExport = this.pendingCommonJsExport();
    this.facts.importedSdks = [...this.importedSdks];
    return this.facts;
  }

  // ---- positions and texts

  private range(node: typescript.Node): Range {
    const start = this.sourceFile.getLineAndCharacterOfPosition(node.getStart(this.sourceFile));
    const end = this.sourceFile.getLineAndCharacterOfPosition(node.getEnd());
    return {
      start: { line: start.line, character: start.character },
      end: { line: end.line, character: end.character },
    };
  }

  private text(node: typescript.Node): string {
    return shorten(node.getText(this.sourceFile));
  }

  // ---- declarations

  private noteModule(specifier: string): void {
    const sdk = this.catalog.sdkOfModule(specifier);
    if (sdk) this.importedSdks.add(sdk);
  }

  private functionId(
    node: typescript.Node,
    name?: string,
    nameNode?: typescript.Node,
    isMethod = false,
  ): number {
    const existing = this.functionIds.get(node);
    if (existing !== undefined) {
      if (this.facts.functions[existing].name === undefined && name !== undefined) {
        this.facts.functions[existing] = { name, isMethod, range: this.range(nameNode ?? node) };
      }
      return existing;
    }
    const id = this.facts.functions.length;
    // Anonymous callbacks are most functions and can never be wrappers: they share one record.
    this.facts.functions.push(
      name === undefined ? ANONYMOUS_FUNCTION : { name, isMethod, range: this.range(nameNode ?? node) },
    );
    this.functionIds.set(node, id);
    return id;
  }

  /** Binds a scope's declarations before its statements are walked, as hoisting does. */
  private declareStatements(
    statements: readonly typescript.Statement[],
    scope: Scope,
    isModule: boolean,
  ): void {
    for (const statement of statements) {
      const exported = isModule && hasModifier(statement, ts.SyntaxKind.ExportKeyword);
      const isDefault = exported && hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      if (ts.isVariableStatement(statement)) {
        const isConst = isConstList(statement.declarationList);
        for (const declaration of statement.declarationList.declarations) {
          const names = this.bindName(
            declaration.name,
            declaration.initializer,
            declaration.type,
            scope,
            isConst,
            [],
          );
          if (exported) for (const name of names) this.exportBinding(name, name, scope);
        }
      } else if (ts.isFunctionDeclaration(statement)) {
        const name = statement.name?.text;
        const fact: Fact = {
          k: 'fn',
          id: this.functionId(statement, name ?? (isDefault ? 'default' : undefined), statement.name),
        };
        if (name) scope.bindings.set(name, { kind: 'fixed', fact, form: 'other' });
        if (exported) this.facts.exports.set(isDefault ? 'default' : (name ?? 'default'), fact);
      } else if (ts.isClassDeclaration(statement)) {
        const fact = this.classFact(statement);
        const name = statement.name?.text;
        if (name) scope.bindings.set(name, { kind: 'fixed', fact, form: 'other' });
        if (exported) this.facts.exports.set(isDefault ? 'default' : (name ?? 'default'), fact);
      } else if (ts.isEnumDeclaration(statement)) {
        const fact = this.enumFact(statement);
        scope.bindings.set(statement.name.text, { kind: 'fixed', fact, form: 'other' });
        if (exported) this.facts.exports.set(statement.name.text, fact);
      } else if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        this.declareImport(statement, statement.moduleSpecifier.text, scope);
      } else if (ts.isImportEqualsDeclaration(statement)) {
        const reference = statement.moduleReference;
        if (ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)) {
          this.noteModule(reference.expression.text);
          const fact: Fact = { k: 'import', module: reference.expression.text, name: '*' };
          scope.bindings.set(statement.name.text, { kind: 'fixed', fact, form: 'imported-const' });
        }
      } else if (isModule && ts.isExportDeclaration(statement)) {
        this.declareExport(statement, scope);
      } else if (isModule && ts.isExportAssignment(statement)) {
        const expression = statement.expression;
        const thunk = (): Fact => this.evaluate(expression, scope, 'default');
        if (statement.isExportEquals) this.pendingCommonJsExport = thunk;
        else this.pendingExports.push({ name: 'default', fact: thunk });
      } else if (isModule && ts.isExpressionStatement(statement)) {
        this.declareCommonJsExport(statement.expression, scope);
      }
    }
  }

  private declareImport(statement: typescript.ImportDeclaration, module: string, scope: Scope): void {
    this.noteModule(module);
    const clause = statement.importClause;
    if (!clause) return;
    if (clause.name)
      scope.bindings.set(clause.name.text, {
        kind: 'fixed',
        fact: { k: 'import', module, name: 'default' },
        form: 'imported-const',
      });
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) {
      scope.bindings.set(named.name.text, {
        kind: 'fixed',
        fact: { k: 'import', module, name: '*' },
        form: 'imported-const',
      });
    } else if (named) {
      for (const element of named.elements) {
        const imported = element.propertyName
          ? moduleExportNameText(element.propertyName)
          : element.name.text;
        scope.bindings.set(element.name.text, {
          kind: 'fixed',
          fact: { k: 'import', module, name: imported },
          form: 'imported-const',
        });
      }
    }
  }

  private declareExport(statement: typescript.ExportDeclaration, scope: Scope): void {
    const module =
      statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (module) this.noteModule(module);
    const clause = statement.exportClause;
    if (!clause) {
      if (module) this.facts.starExports.push(module);
      return;
    }
    if (ts.isNamespaceExport(clause)) {
      if (module)
        this.facts.exports.set(moduleExportNameText(clause.name), { k: 'import', module, name: '*' });
      return;
    }
    for (const element of clause.elements) {
      const exportedName = moduleExportNameText(element.name);
      const localName = element.propertyName ? moduleExportNameText(element.propertyName) : exportedName;
      if (module) this.facts.exports.set(exportedName, { k: 'import', module, name: localName });
      else this.exportBinding(exportedName, localName, scope);
    }
  }

  /** `module.exports = x`, `module.exports.NAME = x`, `exports.NAME = x`. */
  private declareCommonJsExport(expression: typescript.Expression, scope: Scope): void {
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken)
      return;
    const target = dottedPath(expression.left);
    const value = expression.right;
    if (!target) return;
    if (target.length === 2 && target[0] === 'module' && target[1] === 'exports') {
      this.pendingCommonJsExport = () => this.evaluate(value, scope, 'default');
    } else if (target.length === 3 && target[0] === 'module' && target[1] === 'exports') {
      this.pendingExports.push({ name: target[2], fact: () => this.evaluate(value, scope, target[2]) });
    } else if (target.length === 2 && target[0] === 'exports') {
      this.pendingExports.push({ name: target[1], fact: () => this.evaluate(value, scope, target[1]) });
    }
  }

  private exportBinding(exportedName: string, localName: string, scope: Scope): void {
    this.pendingExports.push({
      name: exportedName,
      fact: () => {
        const binding = scope.lookup(localName);
        return binding ? this.bindingFact(binding) : UNKNOWN;
      },
    });
  }

  /** Binds the names a declaration introduces; returns them. Only `const` values are ever trusted. */
  private bindName(
    name: typescript.BindingName,
    init: typescript.Expression | undefined,
    declaredType: typescript.TypeNode | undefined,
    scope: Scope,
    isConst: boolean,
    path: string[],
  ): string[] {
    if (init && path.length === 0) {
      const inner = skipOuter(init);
      if (ts.isCallExpression(inner) && isRequireCall(inner))
        this.noteModule((inner.arguments[0] as typescript.StringLiteral).text);
    }
    if (ts.isIdentifier(name)) {
      if (isConst && init) {
        const binding: LazyBinding = {
          kind: 'lazy',
          form: path.length ? 'destructured' : 'const',
          init,
          path,
          scope,
          name: name.text,
          declaredType,
          state: 'new',
          fact: UNKNOWN,
        };
        scope.bindings.set(name.text, binding);
      } else if (declaredType) {
        // A mutable variable's value is never trusted, but its declared type is evidence of what it holds.
        scope.bindings.set(name.text, {
          kind: 'fixed',
          fact: this.typeFact(declaredType, scope),
          form: 'other',
        });
      } else scope.bindings.set(name.text, OPAQUE);
      return [name.text];
    }
    const names: string[] = [];
    if (ts.isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        if (element.dotDotDotToken) {
          names.push(...this.bindName(element.name, undefined, undefined, scope, false, path));
          continue;
        }
        const property = element.propertyName
          ? this.propertyNameText(element.propertyName, scope)
          : ts.isIdentifier(element.name)
            ? element.name.text
            : undefined;
        const trusted = isConst && property !== undefined && element.initializer === undefined;
        names.push(
          ...this.bindName(element.name, trusted ? init : undefined, undefined, scope, trusted, [
            ...path,
            property ?? '',
          ]),
        );
      }
    } else {
      for (const element of name.elements)
        if (!ts.isOmittedExpression(element))
          names.push(...this.bindName(element.name, undefined, undefined, scope, false, path));
    }
    return names;
  }

  private bindingFact(binding: Binding): Fact {
    if (binding.kind === 'fixed') return binding.fact;
    if (binding.kind === 'opaque') return UNKNOWN;
    if (binding.state === 'done') return binding.fact;
    if (binding.state === 'busy') return UNKNOWN; // a cycle: `const a = b, b = a`
    binding.state = 'busy';
    let fact = this.evaluate(binding.init, binding.scope, binding.path.length ? undefined : binding.name);
    for (const segment of binding.path) fact = { k: 'member', of: fact, name: segment };
    if (fact.k === 'unknown' && binding.declaredType)
      fact = this.typeFact(binding.declaredType, binding.scope);
    binding.fact = fact;
    binding.state = 'done';
    return fact;
  }

  private enumFact(node: typescript.EnumDeclaration): Fact {
    const entries: ObjectEntry[] = [];
    for (const member of node.members) {
      const name =
        ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
      if (name === undefined) continue;
      const init = member.initializer ? skipOuter(member.initializer) : undefined;
      const value: Fact =
        init && (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init))
          ? { k: 'str', value: init.text, range: this.range(init) }
          : UNKNOWN;
      entries.push({ name, value });
    }
    return { k: 'obj', isEnum: true, entries };
  }

  /** The class's fact object; members are filled when the class is walked (its scope is complete then). */
  private classFact(node: typescript.ClassLikeDeclaration): ClassFact {
    let fact = this.classes.get(node);
    if (!fact) {
      fact = { k: 'class', methods: {}, properties: {} };
      this.classes.set(node, fact);
    }
    return fact;
  }

  private fillClass(node: typescript.ClassLikeDeclaration, scope: Scope): ClassFact {
    const fact = this.classFact(node);
    if (this.filledClasses.has(node)) return fact;
    this.filledClasses.add(node);
    for (const member of node.members) {
      const name = member.name ? this.propertyNameText(member.name, scope) : undefined;
      if (ts.isMethodDeclaration(member) && name !== undefined) {
        fact.methods[name] = this.functionId(member, name, member.name, true);
      } else if (ts.isPropertyDeclaration(member) && name !== undefined) {
        const init = member.initializer ? skipOuter(member.initializer) : undefined;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)))
          fact.methods[name] = this.functionId(init, name, member.name, true);
        else if (init) fact.properties[name] = this.evaluate(init, scope);
        else if (member.type) fact.properties[name] = this.typeFact(member.type, scope);
      } else if (ts.isConstructorDeclaration(member)) {
        for (const parameter of member.parameters) {
          const isProperty = (ts.getModifiers(parameter)?.length ?? 0) > 0;
          if (isProperty && ts.isIdentifier(parameter.name) && parameter.type)
            fact.properties[parameter.name.text] = this.typeFact(parameter.type, scope);
        }
      }
    }
    return fact;
  }

  /** A declared type as evidence: `client: LDClient` holds an instance of `LDClient`. */
  private typeFact(type: typescript.TypeNode, scope: Scope): Fact {
    if (ts.isParenthesizedTypeNode(type)) return this.typeFact(type.type, scope);
    if (ts.isUnionTypeNode(type)) {
      const meaningful = type.types.filter(
        (member) =>
          member.kind !== ts.SyntaxKind.UndefinedKeyword &&
          member.kind !== ts.SyntaxKind.NullKeyword &&
          !(ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword),
      );
      return meaningful.length === 1 ? this.typeFact(meaningful[0], scope) : UNKNOWN;
    }
    if (ts.isTypeReferenceNode(type)) {
      const entity = this.entityFact(type.typeName, scope);
      return entity.k === 'unknown' ? UNKNOWN : { k: 'instance', of: entity };
    }
    return UNKNOWN;
  }

  private entityFact(name: typescript.EntityName, scope: Scope): Fact {
    if (ts.isIdentifier(name)) {
      const binding = scope.lookup(name.text);
      return binding ? this.bindingFact(binding) : UNKNOWN;
    }
    const left = this.entityFact(name.left, scope);
    return left.k === 'unknown' ? UNKNOWN : { k: 'member', of: left, name: name.right.text };
  }

  private propertyNameText(name: typescript.PropertyName, scope: Scope): string | undefined {
    if (
      ts.isIdentifier(name) ||
      ts.isPrivateIdentifier(name) ||
      ts.isStringLiteral(name) ||
      ts.isNumericLiteral(name) ||
      ts.isNoSubstitutionTemplateLiteral(name)
    )
      return name.text;
    if (ts.isComputedPropertyName(name)) {
      const fact = this.evaluate(name.expression, scope);
      return fact.k === 'str' ? fact.value : undefined;
    }
    return undefined;
  }

  // ---- evaluation

  /** What an expression refers to, as far as this file can tell. */
  private evaluate(node: typescript.Expression, scope: Scope, nameHint?: string): Fact {
    const expr = skipOuter(node);
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr))
      return { k: 'str', value: expr.text, range: this.range(expr) };
    if (ts.isIdentifier(expr)) {
      const binding = scope.lookup(expr.text);
      return binding ? this.bindingFact(binding) : UNKNOWN;
    }
    if (expr.kind === ts.SyntaxKind.ThisKeyword) return scope.thisValue();
    if (ts.isPropertyAccessExpression(expr)) {
      const of = this.evaluate(expr.expression, scope);
      return of.k === 'unknown' || of.k === 'str' ? UNKNOWN : { k: 'member', of, name: expr.name.text };
    }
    if (ts.isElementAccessExpression(expr)) {
      const of = this.evaluate(expr.expression, scope);
      const argument = skipOuter(expr.argumentExpression);
      const name = ts.isNumericLiteral(argument) ? argument.text : this.evaluate(argument, scope);
      const nameText = typeof name === 'string' ? name : name.k === 'str' ? name.value : undefined;
      return of.k === 'unknown' || of.k === 'str' || nameText === undefined
        ? UNKNOWN
        : { k: 'member', of, name: nameText };
    }
    if (ts.isAwaitExpression(expr)) return this.evaluate(expr.expression, scope);
    if (ts.isCallExpression(expr)) {
      if (isRequireCall(expr)) {
        const module = (expr.arguments[0] as typescript.StringLiteral).text;
        this.noteModule(module);
        return { k: 'import', module, name: '*' };
      }
      const callee = this.evaluate(expr.expression, scope);
      return callee.k === 'unknown' ? UNKNOWN : { k: 'call', callee };
    }
    if (ts.isNewExpression(expr)) {
      const callee = this.evaluate(expr.expression, scope);
      return callee.k === 'unknown' ? UNKNOWN : { k: 'instance', of: callee };
    }
    if (ts.isObjectLiteralExpression(expr)) return this.objectFact(expr, scope);
    if (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr))
      return { k: 'fn', id: this.functionId(expr, nameHint ?? expr.name?.text, expr.name) };
    if (ts.isClassExpression(expr)) return this.fillClass(expr, scope);
    return UNKNOWN;
  }

  private objectFact(expr: typescript.ObjectLiteralExpression, scope: Scope): Fact {
    const entries: ObjectEntry[] = [];
    for (const property of expr.properties) {
      if (ts.isSpreadAssignment(property)) {
        entries.push({ spread: this.evaluate(property.expression, scope) });
        continue;
      }
      const name = property.name ? this.propertyNameText(property.name, scope) : undefined;
      if (name === undefined) continue;
      if (ts.isPropertyAssignment(property))
        entries.push({ name, value: this.evaluate(property.initializer, scope, name) });
      else if (ts.isShorthandPropertyAssignment(property))
        entries.push({ name, value: this.evaluate(property.name, scope) });
      else if (ts.isMethodDeclaration(property))
        entries.push({ name, value: { k: 'fn', id: this.functionId(property, name, property.name, true) } });
      else entries.push({ name, value: UNKNOWN }); // accessors: computed at run time
    }
    return { k: 'obj', isEnum: false, entries };
  }

  /** A key argument: what it refers to and how it is written. */
  private keyFact(expr: typescript.Expression, scope: Scope): { fact: Fact; form: KeyForm } {
    if (ts.isStringLiteral(expr)) return { fact: this.evaluate(expr, scope), form: 'literal' };
    if (ts.isNoSubstitutionTemplateLiteral(expr))
      return { fact: this.evaluate(expr, scope), form: 'template' };
    if (ts.isIdentifier(expr)) {
      const binding = scope.lookup(expr.text);
      if (!binding || binding.kind === 'opaque') return { fact: UNKNOWN, form: 'other' };
      return { fact: this.bindingFact(binding), form: binding.form };
    }
    if (ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr))
      return { fact: this.evaluate(expr, scope), form: 'member' };
    return { fact: UNKNOWN, form: 'other' };
  }

  private argumentFact(node: typescript.Expression, scope: Scope): ArgumentFact {
    const expr = skipOuter(node);
    const argument: ArgumentFact = {
      ...this.keyFact(expr, scope),
      text: this.text(node),
      range: this.range(node),
    };
    const literal = literalOf(expr);
    if (literal !== undefined) {
      argument.literal = literal.value;
      if (literal.type) argument.literalType = literal.type;
    } else if (ts.isObjectLiteralExpression(expr) || ts.isArrayLiteralExpression(expr))
      argument.literalType = 'object';
    return argument;
  }

  // ---- the walk

  visitNode(node: typescript.Node, scope: Scope): void {
    this.visit(node, scope);
  }

  private visit(node: typescript.Node, scope: Scope): void {
    const SK = ts.SyntaxKind;
    switch (node.kind) {
      case SK.Block:
      case SK.ModuleBlock: {
        const statements = (node as typescript.Block | typescript.ModuleBlock).statements;
        const inner = new Scope(scope);
        this.declareStatements(statements, inner, false);
        for (const statement of statements) this.visit(statement, inner);
        return;
      }
      case SK.CaseBlock: {
        const inner = new Scope(scope);
        for (const clause of (node as typescript.CaseBlock).clauses)
          this.declareStatements(clause.statements, inner, false);
        ts.forEachChild(node, inner.visitor(this));
        return;
      }
      case SK.ForStatement:
      case SK.ForOfStatement:
      case SK.ForInStatement: {
        const loop = node as typescript.ForStatement | typescript.ForOfStatement | typescript.ForInStatement;
        const inner = new Scope(scope);
        const initializer = loop.initializer;
        if (initializer && ts.isVariableDeclarationList(initializer)) {
          // Only a plain `for (const x = ...;;)` keeps one value; loop variables of for-of/in change.
          const trusted = node.kind === SK.ForStatement && isConstList(initializer);
          for (const declaration of initializer.declarations)
            this.bindName(
              declaration.name,
              trusted ? declaration.initializer : undefined,
              declaration.type,
              inner,
              trusted,
              [],
            );
        }
        ts.forEachChild(node, inner.visitor(this));
        return;
      }
      case SK.CatchClause: {
        const clause = node as typescript.CatchClause;
        const inner = new Scope(scope);
        if (clause.variableDeclaration)
          this.bindName(clause.variableDeclaration.name, undefined, undefined, inner, false, []);
        this.visit(clause.block, inner);
        return;
      }
      case SK.ClassDeclaration:
      case SK.ClassExpression: {
        const fact = this.fillClass(node as typescript.ClassLikeDeclaration, scope);
        ts.forEachChild(node, new Scope(scope, { k: 'instance', of: fact }).visitor(this));
        return;
      }
      case SK.FunctionDeclaration:
      case SK.FunctionExpression:
      case SK.ArrowFunction:
      case SK.MethodDeclaration:
      case SK.Constructor:
      case SK.GetAccessor:
      case SK.SetAccessor:
        this.visitFunction(node as typescript.FunctionLikeDeclaration, scope);
        return;
      case SK.ObjectLiteralExpression:
        // Inside an object literal's methods `this` is the object, not the enclosing class instance.
        ts.forEachChild(node, new Scope(scope, UNKNOWN).visitor(this));
        return;
      case SK.VariableDeclaration: {
        const declaration = node as typescript.VariableDeclaration;
        const init = declaration.initializer ? skipOuter(declaration.initializer) : undefined;
        if (
          init &&
          ts.isIdentifier(declaration.name) &&
          (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
        )
          this.functionId(init, declaration.name.text, declaration.name);
        if (init && ts.isObjectBindingPattern(declaration.name))
          this.recordDestructuredFlags(declaration.name, init, scope);
        break;
      }
      case SK.PropertyAssignment: {
        const property = node as typescript.PropertyAssignment;
        const init = skipOuter(property.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
          const name = this.propertyNameText(property.name, scope);
          if (name !== undefined) this.functionId(init, name, property.name, true);
        }
        break;
      }
      case SK.CallExpression:
        this.recordCall(node as typescript.CallExpression, scope);
        break;
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression:
        this.recordFlagsObjectAccess(
          node as typescript.PropertyAccessExpression | typescript.ElementAccessExpression,
          scope,
        );
        break;
      case SK.BinaryExpression:
        if ((node as typescript.BinaryExpression).operatorToken.kind === SK.EqualsToken)
          this.recordThisAssignment(node as typescript.BinaryExpression, scope);
        break;
      // Nothing in types, imports or literals can read a flag.
      case SK.ImportDeclaration:
      case SK.InterfaceDeclaration:
      case SK.TypeAliasDeclaration:
      case SK.StringLiteral:
      case SK.NumericLiteral:
      case SK.NoSubstitutionTemplateLiteral:
      case SK.Identifier:
        return;
      default:
        if (node.kind >= SK.FirstTypeNode && node.kind <= SK.LastTypeNode) return;
    }
    ts.forEachChild(node, scope.visitor(this));
  }

  private visitFunction(node: typescript.FunctionLikeDeclaration, scope: Scope): void {
    const isMember =
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node);
    const methodName = ts.isMethodDeclaration(node) ? this.propertyNameText(node.name, scope) : undefined;
    const id =
      methodName !== undefined ? this.functionId(node, methodName, node.name, true) : this.functionId(node);
    // Arrow functions keep the enclosing `this`; methods keep the class instance; plain functions lose it.
    const thisFact = ts.isArrowFunction(node) ? undefined : isMember ? scope.thisValue() : UNKNOWN;
    const inner = new Scope(scope, thisFact);
    if (ts.isFunctionExpression(node) && node.name)
      inner.bindings.set(node.name.text, { kind: 'fixed', fact: { k: 'fn', id }, form: 'other' });
    node.parameters.forEach((parameter, index) => {
      if (ts.isIdentifier(parameter.name)) {
        const fact: Fact = {
          k: 'param',
          fn: id,
          index,
          ...(parameter.type ? { type: this.typeFact(parameter.type, scope) } : {}),
        };
        inner.bindings.set(parameter.name.text, { kind: 'fixed', fact, form: 'other' });
      } else this.bindName(parameter.name, undefined, undefined, inner, false, []);
    });
    for (const parameter of node.parameters) {
      if (parameter.initializer) this.visit(parameter.initializer, inner);
    }
    const body = node.body;
    if (!body) return;
    if (ts.isBlock(body)) {
      this.declareStatements(body.statements, inner, false);
      for (const statement of body.statements) this.visit(statement, inner);
    } else this.visit(body, inner);
  }

  /** `this.client = init(...)` inside a class: the property's value, when not declared otherwise. */
  private recordThisAssignment(node: typescript.BinaryExpression, scope: Scope): void {
    const left = skipOuter(node.left);
    if (!ts.isPropertyAccessExpression(left) || left.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
    const self = scope.thisValue();
    if (self.k !== 'instance' || self.of.k !== 'class') return;
    const name = left.name.text;
    if (!(name in self.of.properties)) self.of.properties[name] = this.evaluate(node.right, scope);
  }

  private recordCall(node: typescript.CallExpression, scope: Scope): void {
    const calleeExpr = skipOuter(node.expression);
    let site: Omit<CallSite, 'args' | 'range'>;
    if (ts.isPropertyAccessExpression(calleeExpr)) {
      const name = calleeExpr.name.text;
      const path = dottedPath(calleeExpr);
      const configuredWrapper = path ? this.catalog.configuredWrapper(path) : undefined;
      const receiver = this.evaluate(calleeExpr.expression, scope);
      const couldHoldApi = receiver.k !== 'unknown' && receiver.k !== 'str';
      if (configuredWrapper === undefined && !this.catalog.callNames.has(name) && !couldHoldApi) return;
      site = {
        callee: { k: 'member', of: receiver, name },
        name,
        isMethod: true,
        receiverName: lastName(skipOuter(calleeExpr.expression)),
      };
      if (configuredWrapper !== undefined) site.configuredWrapper = configuredWrapper;
    } else if (ts.isIdentifier(calleeExpr)) {
      const name = calleeExpr.text;
      const configuredWrapper = this.catalog.configuredWrapper([name]);
      const callee = this.evaluate(calleeExpr, scope);
      const couldBeApi = callee.k === 'import' || callee.k === 'fn' || callee.k === 'member';
      if (configuredWrapper === undefined && !couldBeApi) return;
      site = { callee, name, isMethod: false };
      if (configuredWrapper !== undefined) site.configuredWrapper = configuredWrapper;
    } else return;
    if (node.arguments.length === 0) return; // no key: an incomplete call, or not a flag read
    this.facts.calls.push({
      ...site,
      args: node.arguments.map((argument) => this.argumentFact(argument, scope)),
      range: this.range(node),
    });
  }

  /** The hook, when `expr` calls something that may be a flags-object hook (`useFlags()`). */
  private flagsHookCall(
    node: typescript.Expression,
    scope: Scope,
  ): { hook: Fact; hookName: string } | undefined {
    const expr = skipOuter(node);
    if (!ts.isCallExpression(expr)) return undefined;
    const callee = skipOuter(expr.expression);
    const localName = ts.isIdentifier(callee)
      ? callee.text
      : ts.isPropertyAccessExpression(callee)
        ? callee.name.text
        : undefined;
    if (localName === undefined) return undefined;
    const hook = this.evaluate(callee, scope);
    const hookName = hook.k === 'import' ? hook.name : localName;
    if (!this.catalog.mayBeFlagsObjectHook(hookName) || hook.k === 'unknown') return undefined;
    return { hook, hookName };
  }

  /** `const { newCheckout, 'beta-x': beta = false } = useFlags()`. */
  private recordDestructuredFlags(
    pattern: typescript.ObjectBindingPattern,
    init: typescript.Expression,
    scope: Scope,
  ): void {
    const call = this.flagsHookCall(init, scope);
    if (!call) return;
    for (const element of pattern.elements) {
      if (element.dotDotDotToken) continue;
      const keyNode = element.propertyName ?? element.name;
      const name = ts.isIdentifier(keyNode) || ts.isStringLiteral(keyNode) ? keyNode.text : undefined;
      const read: FlagsObjectRead = {
        ...call,
        name: name ?? null,
        identifier: ts.isIdentifier(keyNode),
        destructured: true,
        keyText: this.text(keyNode),
        keyRange: this.range(keyNode),
        range: this.range(element),
      };
      if (element.initializer) {
        read.defaultText = this.text(element.initializer);
        const literal = literalOf(skipOuter(element.initializer));
        if (literal) {
          read.defaultLiteral = literal.value;
          if (literal.type) read.defaultType = literal.type;
        } else if (
          ts.isObjectLiteralExpression(skipOuter(element.initializer)) ||
          ts.isArrayLiteralExpression(skipOuter(element.initializer))
        )
          read.defaultType = 'object';
      }
      this.facts.flagsObjectReads.push(read);
    }
  }

  /** `flags.newCheckout`, `flags['newCheckout']`, `useFlags().newCheckout` where `flags = useFlags()`. */
  private recordFlagsObjectAccess(
    node: typescript.PropertyAccessExpression | typescript.ElementAccessExpression,
    scope: Scope,
  ): void {
    const base = skipOuter(node.expression);
    let call: { hook: Fact; hookName: string } | undefined;
    if (ts.isIdentifier(base)) {
      const binding = scope.lookup(base.text);
      if (binding?.kind === 'lazy' && binding.form === 'const')
        call = this.flagsHookCall(binding.init, binding.scope);
    } else if (ts.isCallExpression(base)) call = this.flagsHookCall(base, scope);
    if (!call) return;
    if (ts.isPropertyAccessExpression(node)) {
      this.facts.flagsObjectReads.push({
        ...call,
        name: node.name.text,
        identifier: true,
        destructured: false,
        keyText: node.name.text,
        keyRange: this.range(node.name),
        range: this.range(node),
      });
      return;
    }
    const argument = skipOuter(node.argumentExpression);
    const key = this.evaluate(argument, scope);
    this.facts.flagsObjectReads.push({
      ...call,
      name: key.k === 'str' ? key.value : null,
      identifier: false,
      destructured: false,
      keyText: this.text(node.argumentExpression),
      keyRange: this.range(node.argumentExpression),
      range: this.range(node),
    });
  }
}

function isRequireCall(expr: typescript.CallExpression): boolean {
  return (
    ts.isIdentifier(expr.expression) &&
    expr.expression.text === 'require' &&
    expr.arguments.length === 1 &&
    ts.isStringLiteral(expr.arguments[0])
  );
}

function moduleExportNameText(name: typescript.ModuleExportName): string {
  return name.text;
}

/** `a.b.c` as segments (`this` included); undefined for anything else. */
function dottedPath(expr: typescript.Expression): string[] | undefined {
  const inner = skipOuter(expr);
  if (ts.isIdentifier(inner)) return [inner.text];
  if (inner.kind === ts.SyntaxKind.ThisKeyword) return ['this'];
  if (ts.isPropertyAccessExpression(inner)) {
    const left = dottedPath(inner.expression);
    return left ? [...left, inner.name.text] : undefined;
  }
  return undefined;
}

function lastName(expr: typescript.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isCallExpression(expr)) return lastName(skipOuter(expr.expression));
  return undefined;
}

function literalOf(
  expr: typescript.Expression,
): { value: JsonPrimitive; type?: 'boolean' | 'string' | 'number' } | undefined {
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr))
    return { value: expr.text, type: 'string' };
  if (ts.isNumericLiteral(expr)) return { value: Number(expr.text), type: 'number' };
  if (expr.kind === ts.SyntaxKind.TrueKeyword) return { value: true, type: 'boolean' };
  if (expr.kind === ts.SyntaxKind.FalseKeyword) return { value: false, type: 'boolean' };
  if (expr.kind === ts.SyntaxKind.NullKeyword) return { value: null };
  if (ts.isPrefixUnaryExpression(expr) && ts.isNumericLiteral(expr.operand)) {
    if (expr.operator === ts.SyntaxKind.MinusToken)
      return { value: -Number(expr.operand.text), type: 'number' };
    if (expr.operator === ts.SyntaxKind.PlusToken)
      return { value: Number(expr.operand.text), type: 'number' };
  }
  return undefined;
}
