import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { cleanupFlag } from '../../server/src/core/cleanup/cleanupFlag';

// Random small programs mixing a flag read with pure operands (`a`, `b`, literals), calls with
// side effects (`sideEffectN()`), `!`, `&&`, `||`, `=== true`, ternaries, `if`/`else`, locals and
// returns. Each is cleaned up for a random value of the flag, then both versions run side by side.

type Expr =
  | { kind: 'flag' }
  | { kind: 'param'; name: 'a' | 'b' }
  | { kind: 'literal'; value: boolean }
  | { kind: 'call'; id: number }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'strictEquals'; operand: Expr; value: boolean }
  | { kind: 'conditional'; condition: Expr; whenTrue: Expr; whenFalse: Expr };

type Statement =
  | { kind: 'if'; condition: Expr; then: Statement[]; otherwise: Statement[] | undefined }
  | { kind: 'expression'; expression: Expr }
  | { kind: 'use'; expression: Expr }
  | { kind: 'local'; expression: Expr }
  | { kind: 'return'; expression: Expr };

const FLAG = 'checkout-v2';

const { expression: exprArbitrary } = fc.letrec<{ expression: Expr }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Expr>({ kind: 'flag' }),
    fc.constantFrom<Expr>({ kind: 'param', name: 'a' }, { kind: 'param', name: 'b' }),
    fc.boolean().map<Expr>((value) => ({ kind: 'literal', value })),
    fc.constant<Expr>({ kind: 'call', id: -1 }),
    tie('expression').map<Expr>((operand) => ({ kind: 'not', operand: operand as Expr })),
    fc
      .tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('expression'), tie('expression'))
      .map<Expr>(([kind, left, right]) => ({ kind, left: left as Expr, right: right as Expr })),
    fc
      .tuple(tie('expression'), fc.boolean())
      .map<Expr>(([operand, value]) => ({ kind: 'strictEquals', operand: operand as Expr, value })),
    fc
      .tuple(tie('expression'), tie('expression'), tie('expression'))
      .map<Expr>(([condition, whenTrue, whenFalse]) => ({
        kind: 'conditional',
        condition: condition as Expr,
        whenTrue: whenTrue as Expr,
        whenFalse: whenFalse as Expr,
      })),
  ),
}));

const { statements: statementsArbitrary } = fc.letrec<{ statement: Statement; statements: Statement[] }>(
  (tie) => ({
    statement: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      exprArbitrary.map<Statement>((expression) => ({ kind: 'expression', expression })),
      exprArbitrary.map<Statement>((expression) => ({ kind: 'use', expression })),
      exprArbitrary.map<Statement>((expression) => ({ kind: 'local', expression })),
      exprArbitrary.map<Statement>((expression) => ({ kind: 'return', expression })),
      fc
        .tuple(exprArbitrary, tie('statements'), fc.option(tie('statements'), { nil: undefined }))
        .map<Statement>(([condition, then, otherwise]) => ({
          kind: 'if',
          condition,
          then: then as Statement[],
          otherwise: otherwise as Statement[] | undefined,
        })),
    ),
    statements: fc.array(tie('statement'), { minLength: 1, maxLength: 4 }),
  }),
);

/** Gives every call a distinct number, so that each `sideEffectN()` can be counted. */
function numberCalls(statements: Statement[]): number {
  let next = 0;
  const visitExpr = (expression: Expr): void => {
    switch (expression.kind) {
      case 'call':
        expression.id = next++;
        break;
      case 'not':
        visitExpr(expression.operand);
        break;
      case 'and':
      case 'or':
        visitExpr(expression.left);
        visitExpr(expression.right);
        break;
      case 'strictEquals':
        visitExpr(expression.operand);
        break;
      case 'conditional':
        visitExpr(expression.condition);
        visitExpr(expression.whenTrue);
        visitExpr(expression.whenFalse);
        break;
    }
  };
  const visit = (list: Statement[]): void => {
    for (const statement of list) {
      if (statement.kind === 'if') {
        visitExpr(statement.condition);
        visit(statement.then);
        if (statement.otherwise) visit(statement.otherwise);
      } else {
        visitExpr(statement.expression);
      }
    }
  };
  visit(statements);
  return next;
}

function renderExpr(expression: Expr): string {
  switch (expression.kind) {
    case 'flag':
      return `client.getBooleanValue('${FLAG}', false)`;
    case 'param':
      return expression.name;
    case 'literal':
      return String(expression.value);
    case 'call':
      return `sideEffect${expression.id}()`;
    case 'not':
      return `!(${renderExpr(expression.operand)})`;
    case 'and':
      return `(${renderExpr(expression.left)} && ${renderExpr(expression.right)})`;
    case 'or':
      return `(${renderExpr(expression.left)} || ${renderExpr(expression.right)})`;
    case 'strictEquals':
      return `(${renderExpr(expression.operand)} === ${expression.value})`;
    case 'conditional':
      return `(${renderExpr(expression.condition)} ? ${renderExpr(expression.whenTrue)} : ${renderExpr(expression.whenFalse)})`;
  }
}

function renderProgram(statements: Statement[], calls: number): string {
  let locals = 0;
  const lines: string[] = [];
  const render = (list: Statement[], indent: string): void => {
    for (const statement of list) {
      switch (statement.kind) {
        case 'if':
          lines.push(`${indent}if (${renderExpr(statement.condition)}) {`);
          render(statement.then, `${indent}  `);
          if (statement.otherwise) {
            lines.push(`${indent}} else {`);
            render(statement.otherwise, `${indent}  `);
          }
          lines.push(`${indent}}`);
          break;
        case 'expression':
          lines.push(`${indent}${renderExpr(statement.expression)};`);
          break;
        case 'use':
          lines.push(`${indent}use(${renderExpr(statement.expression)});`);
          break;
        case 'local': {
          const name = `value${locals++}`;
          lines.push(`${indent}const ${name} = ${renderExpr(statement.expression)};`);
          lines.push(`${indent}use(${name});`);
          break;
        }
        case 'return':
          lines.push(`${indent}return ${renderExpr(statement.expression)};`);
          break;
      }
    }
  };
  render(statements, '  ');
  const sideEffects = Array.from({ length: calls }, (_, id) => `  sideEffect${id}: () => boolean,`).join(
    '\n',
  );
  return [
    'interface FlagClient {',
    '  getBooleanValue(key: string, defaultValue: boolean): boolean;',
    '}',
    '',
    'export function run(',
    '  a: boolean,',
    '  b: boolean,',
    '  client: FlagClient,',
    '  use: (value: unknown) => void,',
    sideEffects,
    '): unknown {',
    ...lines,
    "  return 'end';",
    '}',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

type Truth = 'true' | 'false' | 'unknown';

/**
 * Which calls can run, for a known flag value (or an unknown one): a call is dead when no values
 * of `a`, `b` and the other calls' results can reach it. With `literalsKnown` false, the literals
 * the program writes count as unknown too: the cleanup only folds what the flag made constant.
 */
function reachableCalls(
  statements: Statement[],
  flag: boolean | undefined,
  literalsKnown = true,
): Set<number> {
  const reached = new Set<number>();
  const evaluate = (expression: Expr, reachable: boolean): Truth => {
    switch (expression.kind) {
      case 'flag':
        return flag === undefined ? 'unknown' : flag ? 'true' : 'false';
      case 'param':
        return 'unknown';
      case 'literal':
        if (!literalsKnown) return 'unknown';
        return expression.value ? 'true' : 'false';
      case 'call':
        if (reachable) reached.add(expression.id);
        return 'unknown';
      case 'not': {
        const operand = evaluate(expression.operand, reachable);
        return operand === 'unknown' ? 'unknown' : operand === 'true' ? 'false' : 'true';
      }
      case 'and':
      case 'or': {
        const shortCircuit: Truth = expression.kind === 'and' ? 'false' : 'true';
        const left = evaluate(expression.left, reachable);
        const right = evaluate(expression.right, reachable && left !== shortCircuit);
        if (left === shortCircuit) return shortCircuit;
        if (left !== 'unknown') return right;
        return right === shortCircuit ? shortCircuit : 'unknown';
      }
      case 'strictEquals': {
        const operand = evaluate(expression.operand, reachable);
        if (operand === 'unknown') return 'unknown';
        return (operand === 'true') === expression.value ? 'true' : 'false';
      }
      case 'conditional': {
        const condition = evaluate(expression.condition, reachable);
        const whenTrue = evaluate(expression.whenTrue, reachable && condition !== 'false');
        const whenFalse = evaluate(expression.whenFalse, reachable && condition !== 'true');
        if (condition === 'true') return whenTrue;
        if (condition === 'false') return whenFalse;
        return whenTrue === whenFalse ? whenTrue : 'unknown';
      }
    }
  };
  /** Runs a list; true when it returns on every path that reaches its end. */
  const run = (list: Statement[], reachable: boolean): boolean => {
    let live = reachable;
    for (const statement of list) {
      if (statement.kind === 'if') {
        const condition = evaluate(statement.condition, live);
        const thenReturns = run(statement.then, live && condition !== 'false');
        const elseReturns = run(statement.otherwise ?? [], live && condition !== 'true');
        const returns =
          condition === 'true'
            ? thenReturns
            : condition === 'false'
              ? elseReturns
              : thenReturns && elseReturns;
        if (returns) live = false;
      } else {
        evaluate(statement.expression, live);
        if (statement.kind === 'return') live = false;
      }
    }
    return !live;
  };
  run(statements, true);
  return reached;
}

type Trace = string[];

/** Runs `run` from a program's text: the calls made, the values used, and the result. */
function execute(source: string, flag: boolean, a: boolean, b: boolean, results: boolean[]): Trace {
  const javascript = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const exports: { run?: (...args: unknown[]) => unknown } = {};
  new Function('exports', javascript)(exports);
  const trace: Trace = [];
  const client = { getBooleanValue: () => flag };
  const use = (value: unknown) => trace.push(`use ${JSON.stringify(value)}`);
  const sideEffects = results.map((result, id) => () => {
    trace.push(`sideEffect${id}`);
    return result;
  });
  const returned = exports.run?.(a, b, client, use, ...sideEffects);
  trace.push(`return ${JSON.stringify(returned)}`);
  return trace;
}

function countCalls(source: string, id: number): number {
  return source.split(`sideEffect${id}()`).length - 1;
}

function parseErrors(source: string): string[] {
  const sourceFile = ts.createSourceFile(
    'program.ts',
    source,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.TS,
  );
  const diagnostics = (sourceFile as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

const programArbitrary = fc.tuple(statementsArbitrary, fc.boolean()).map(([statements, flag]) => {
  // A deep copy without shared nodes (fast-check reuses constant values), so each call gets its own number.
  const copy = JSON.parse(JSON.stringify(statements)) as Statement[];
  const calls = numberCalls(copy);
  return { statements: copy, calls, flag, source: renderProgram(copy, calls) };
});

function cleaned(source: string, flag: boolean) {
  const result = cleanupFlag({
    flag: FLAG,
    value: flag,
    files: new Map([['program.ts', source]]),
    usages: [],
  });
  return { text: result.edits.get('program.ts')?.newText ?? source, report: result.report };
}

describe('stale-flag cleanup properties (fast-check)', function () {
  this.timeout(120000);

  it('always leaves a program that parses', () => {
    fc.assert(
      fc.property(programArbitrary, ({ source, flag }) => {
        assert.deepEqual(parseErrors(cleaned(source, flag).text), []);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every side-effect call that can still run, and removes the ones only the flag made dead', () => {
    fc.assert(
      fc.property(programArbitrary, ({ statements, calls, source, flag }) => {
        const { text, report } = cleaned(source, flag);
        const live = reachableCalls(statements, flag);
        const liveByFlagAlone = reachableCalls(statements, flag, false);
        const liveWithoutFlag = reachableCalls(statements, undefined, false);
        for (let id = 0; id < calls; id++) {
          if (live.has(id))
            assert.equal(
              countCalls(text, id),
              1,
              `sideEffect${id}() can still run but was lost:\n${source}\n---\n${text}`,
            );
          const deadBecauseOfFlag = !liveByFlagAlone.has(id) && liveWithoutFlag.has(id);
          if (deadBecauseOfFlag && !report.some((entry) => entry.needsHuman)) {
            assert.equal(
              countCalls(text, id),
              0,
              `sideEffect${id}() is dead with the flag ${flag} but was kept:\n${source}\n---\n${text}`,
            );
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('behaves exactly like the original with the flag fixed: same calls, same values, same result', () => {
    fc.assert(
      fc.property(
        programArbitrary,
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        ({ source, flag, calls }, a, b, results) => {
          const { text } = cleaned(source, flag);
          const table = Array.from({ length: Math.max(calls, 1) }, (_, id) => results[id % results.length]);
          assert.deepEqual(
            execute(text, flag, a, b, table),
            execute(source, flag, a, b, table),
            `${source}\n---\n${text}`,
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

// Number and string flags: comparisons with literals (the value equal to the literal included),
// mixed with operands that change state (`++`, `--`, assignment, `delete`), which must all still run.
type Atom =
  | {
      kind: 'compare';
      operator: '<' | '<=' | '>' | '>=' | '===' | '!==';
      literal: number | string;
      flagLeft: boolean;
    }
  | { kind: 'mutate'; form: 'postIncrement' | 'preDecrement' | 'assign' | 'delete'; bound: number };
type Condition =
  Atom | { kind: 'not'; operand: Condition } | { kind: 'and' | 'or'; left: Condition; right: Condition };

function typedFlagArbitrary(type: 'number' | 'string') {
  const values = type === 'number' ? [1, 5, 10] : ['a', 'b', 'c'];
  const atom = fc.oneof(
    fc.record<Atom & { kind: 'compare' }>({
      kind: fc.constant('compare'),
      operator: fc.constantFrom('<', '<=', '>', '>=', '===', '!=='),
      literal: fc.constantFrom(...values),
      flagLeft: fc.boolean(),
    }),
    fc.record<Atom & { kind: 'mutate' }>({
      kind: fc.constant('mutate'),
      form: fc.constantFrom('postIncrement', 'preDecrement', 'assign', 'delete'),
      bound: fc.integer({ min: -1, max: 2 }),
    }),
  );
  const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
    condition: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      tie('condition').map<Condition>((operand) => ({ kind: 'not', operand: operand as Condition })),
      fc
        .tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('condition'), tie('condition'))
        .map<Condition>(([kind, left, right]) => ({
          kind,
          left: left as Condition,
          right: right as Condition,
        })),
    ),
  }));
  const statement = fc.record({ condition, asIf: fc.boolean() });
  return fc.tuple(fc.array(statement, { minLength: 1, maxLength: 5 }), fc.constantFrom(...values));
}

function renderMutation(atom: Atom & { kind: 'mutate' }): string {
  switch (atom.form) {
    case 'postIncrement':
      return `(state.n++ > ${atom.bound})`;
    case 'preDecrement':
      return `(--state.n < ${atom.bound})`;
    case 'assign':
      return `((state.n = ${atom.bound}) > 0)`;
    case 'delete':
      return `(delete state.o.x)`;
  }
}

function renderCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'compare': {
      const literal = JSON.stringify(condition.literal);
      return condition.flagLeft
        ? `(value ${condition.operator} ${literal})`
        : `(${literal} ${condition.operator} value)`;
    }
    case 'mutate':
      return renderMutation(condition);
    case 'not':
      return `!${renderCondition(condition.operand)}`;
    case 'and':
      return `(${renderCondition(condition.left)} && ${renderCondition(condition.right)})`;
    case 'or':
      return `(${renderCondition(condition.left)} || ${renderCondition(condition.right)})`;
  }
}

function renderTypedProgram(
  type: 'number' | 'string',
  statements: { condition: Condition; asIf: boolean }[],
): string {
  const method = type === 'number' ? 'getNumberValue' : 'getStringValue';
  const fallback = type === 'number' ? '0' : "''";
  return [
    'interface FlagClient {',
    `  ${method}(key: string, defaultValue: ${type}): ${type};`,
    '}',
    'export function run(state: { n: number; o: { x?: number } }, client: FlagClient, use: (value: unknown) => void): unknown {',
    `  const value = client.${method}('${FLAG}', ${fallback});`,
    ...statements.map(({ condition, asIf }, index) =>
      asIf ? `  if (${renderCondition(condition)}) use(${index});` : `  use(${renderCondition(condition)});`,
    ),
    '  return state;',
    '}',
    '',
  ].join('\n');
}

function executeTyped(source: string, value: number | string): string[] {
  const javascript = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const exports: { run?: (...args: unknown[]) => unknown } = {};
  new Function('exports', javascript)(exports);
  const trace: string[] = [];
  const client = { getNumberValue: () => value, getStringValue: () => value };
  const returned = exports.run?.({ n: 0, o: { x: 1 } }, client, (used: unknown) =>
    trace.push(`use ${JSON.stringify(used)}`),
  );
  trace.push(`return ${JSON.stringify(returned)}`);
  return trace;
}

describe('stale-flag cleanup properties for number and string flags (fast-check)', function () {
  this.timeout(120000);
  for (const type of ['number', 'string'] as const) {
    it(`behaves exactly like the original for a ${type} flag, keeping every ++, --, assignment and delete`, () => {
      fc.assert(
        fc.property(typedFlagArbitrary(type), ([statements, value]) => {
          const source = renderTypedProgram(type, statements);
          const result = cleanupFlag({
            flag: FLAG,
            value,
            files: new Map([['program.ts', source]]),
            usages: [],
          });
          const text = result.edits.get('program.ts')?.newText ?? source;
          assert.deepEqual(parseErrors(text), [], text);
          assert.notEqual(text, source, `the ${type} flag read was not cleaned up:\n${source}`);
          assert.deepEqual(executeTyped(text, value), executeTyped(source, value), `${source}\n---\n${text}`);
        }),
        { numRuns: 100 },
      );
    });
  }
});
