import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { cleanupFlag } from '../../server/src/core/cleanup/cleanupFlag';
import { literalMemberMisuses } from '../../server/src/core/cleanup/literalMembers';
import { PRESETS, type ApiSpec } from '../../server/src/core/usages/presets';

// Every flag API of every preset, read in the ways real code reads what it returns (the value, a
// member of a returned object, a listener on it, destructured, through a local, through a wrapper),
// cleaned up for a random value. Whatever the API returns, the output must parse, must never read a
// member of or call a literal (`true.value`, `'on'.onUpdate(render)`), and every read left in place
// must be in the report for a person.

const FLAG = 'api-shape-flag';

interface Api {
  module: string;
  spec: ApiSpec;
  isMethod: boolean;
}

/** A module of the preset: a prefix (`@openfeature/`, `launchdarkly-`) gets a package name. */
function moduleOf(prefix: string): string {
  return /[/-]$/.test(prefix) ? `${prefix}sdk` : prefix;
}

const APIS: Api[] = Object.values(PRESETS).flatMap((preset) => [
  ...preset.methods.map((spec) => ({ module: moduleOf(preset.modules[0]), spec, isMethod: true })),
  ...preset.functions.map((spec) => ({ module: moduleOf(preset.modules[0]), spec, isMethod: false })),
]);

type Context =
  | 'bare'
  | 'condition'
  | 'member'
  | 'listener'
  | 'local-member'
  | 'destructured'
  | 'awaited-member'
  | 'wrapper-member';

const CONTEXTS: Context[] = [
  'bare',
  'condition',
  'member',
  'listener',
  'local-member',
  'destructured',
  'awaited-member',
  'wrapper-member',
];
const MEMBERS = ['value', 'treatment', 'isDefaulted', 'reason', 'loading', 'on', 'ruleID'];

function callOf(api: Api, key: string): string {
  const name = api.spec.name;
  // The client form: the key first, with the default when the API takes one there.
  const withDefault = api.spec.defaultArg?.(2, [{ literalType: 'string' }, { literalType: 'boolean' }]) === 1;
  const args = withDefault ? `${key}, false` : key;
  return api.isMethod ? `client.${name}(${args})` : `${name}(${args})`;
}

function program(api: Api, context: Context, member: string): string {
  const key = `'${FLAG}'`;
  const read = callOf(api, key);
  const header = [
    api.isMethod
      ? `import '${api.module}';\ndeclare const client: any;`
      : `import { ${api.spec.name} } from '${api.module}';`,
    `declare function use(value: unknown): void;`,
    `declare function render(value: unknown): void;`,
  ];
  const body: string[] = [];
  switch (context) {
    case 'bare':
      body.push(`use(${read});`);
      break;
    case 'condition':
      body.push(`if (${read}) {`, `  render('a');`, `} else {`, `  render('b');`, `}`);
      break;
    case 'member':
      body.push(`use(${read}.${member});`);
      break;
    case 'listener':
      body.push(`${read}.onUpdate(render);`);
      break;
    case 'local-member':
      body.push(`const result = ${read};`, `use(result.${member});`, `use(result.value);`);
      break;
    case 'destructured':
      body.push(`const { value, ${member === 'value' ? 'reason' : member} } = ${read};`, `use(value);`);
      body.push(`use(${member === 'value' ? 'reason' : member});`);
      break;
    case 'awaited-member':
      body.push(`async function later() {`, `  use((await ${read}).${member});`, `}`, `use(later);`);
      break;
    case 'wrapper-member': {
      const call = api.isMethod
        ? `client.${api.spec.name}(name${callOf(api, key).includes(', false') ? ', false' : ''})`
        : `${api.spec.name}(name${callOf(api, key).includes(', false') ? ', false' : ''})`;
      body.push(
        `function readFlag(name: string) {`,
        `  return ${call};`,
        `}`,
        `use(readFlag(${key}).${member});`,
      );
      break;
    }
  }
  return [...header, '', 'export function run(): void {', ...body.map((line) => `  ${line}`), '}', ''].join(
    '\n',
  );
}

function parseErrorCount(text: string): number {
  const sourceFile = ts.createSourceFile('app.tsx', text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TSX);
  return (sourceFile as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics.length;
}

describe('stale-flag cleanup on every flag API shape (fast-check)', function () {
  this.timeout(120000);

  it('covers every API of every preset', () => {
    assert.ok(APIS.length >= 60, `only ${APIS.length} APIs`);
  });

  it('never leaves a member read or call on a literal, always parses, and reports every read it left', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...APIS),
        fc.constantFrom(...CONTEXTS),
        fc.constantFrom(...MEMBERS),
        fc.constantFrom<boolean | string | number>(true, false, 'on', 'dark', 0, 7),
        (api, context, member, value) => {
          const source = program(api, context, member);
          assert.equal(parseErrorCount(source), 0, source);
          const result = cleanupFlag({
            flag: FLAG,
            value,
            files: new Map([['app.tsx', source]]),
            usages: [],
          });
          const text = result.edits.get('app.tsx')?.newText ?? source;
          const label = `${api.spec.sdk} ${api.spec.name} (${api.spec.shape}) in ${context}.${member} = ${JSON.stringify(value)}\n${source}\n---\n${text}`;
          assert.equal(parseErrorCount(text), 0, `does not parse: ${label}`);
          const sourceFile = ts.createSourceFile(
            'app.tsx',
            text,
            ts.ScriptTarget.ES2022,
            true,
            ts.ScriptKind.TSX,
          );
          assert.deepEqual(
            literalMemberMisuses(sourceFile).map((node) => node.getText(sourceFile)),
            [],
            `member of a literal: ${label}`,
          );
          if (text.includes(`'${FLAG}'`))
            assert.ok(
              result.report.some((entry) => entry.needsHuman),
              `a read was left without a word to a person: ${label}`,
            );
        },
      ),
      { numRuns: 400 },
    );
  });
});
