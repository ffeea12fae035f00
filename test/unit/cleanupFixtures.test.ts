import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Project, ts } from 'ts-morph';
import { cleanupFlag, type CleanupResult } from '../../server/src/core/cleanup/cleanupFlag';
import { applyOffsetEdits } from '../../server/src/core/textEdit';
import { UsageIndex } from '../../server/src/core/usages/usageIndex';
import { SDK_PRESETS } from '../../shared/src/config';

// Before/after pairs in test/fixtures/cleanup/<case>/: `before/` is the workspace, `after/` what the
// cleanup must leave (a file missing from `after/` must be deleted), `case.json` the flag, its
// value, and the report entries a person must see.

const FIXTURES = resolve(__dirname, '../fixtures/cleanup');
// Found the way Node finds modules, so it also works from a copy of the repo without its own
// node_modules (Stryker's sandbox when node_modules is a symbolic link).
const NODE_TYPES = dirname(dirname(require.resolve('@types/node/package.json')));

interface ExpectedReport {
  file: string;
  /** 1-based line in before/, when the entry must point at one. */
  line?: number;
  includes: string;
  needsHuman: boolean;
}

interface FixtureCase {
  name: string;
  description: string;
  flag: string;
  value: boolean | string | number | null | object;
  /** Report entries that must be present; every `needsHuman` entry of the result must be listed. */
  report?: ExpectedReport[];
  before: Map<string, string>;
  after: Map<string, string>;
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory).sort()) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  if (existsSync(root)) walk(root);
  return files;
}

function loadCases(): FixtureCase[] {
  return readdirSync(FIXTURES)
    .filter((name) => !name.startsWith('_') && existsSync(join(FIXTURES, name, 'case.json')))
    .sort()
    .map((name) => {
      const manifest = JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')) as Omit<
        FixtureCase,
        'name' | 'before' | 'after'
      >;
      return {
        ...manifest,
        name,
        before: readTree(join(FIXTURES, name, 'before')),
        after: readTree(join(FIXTURES, name, 'after')),
      };
    });
}

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.ts')) return ts.ScriptKind.TS;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/** The file reprinted without comments or formatting: equal when the syntax trees are equal. */
function normalizedSyntax(path: string, text: string): string {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, scriptKind(path));
  return ts.createPrinter({ removeComments: true }).printFile(sourceFile);
}

function parseErrors(path: string, text: string): string[] {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, scriptKind(path));
  const diagnostics = (sourceFile as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

function resultTree(before: Map<string, string>, result: CleanupResult): Map<string, string> {
  const tree = new Map(before);
  for (const [path, change] of result.edits) tree.set(path, change.newText);
  for (const path of result.deletedFiles) tree.delete(path);
  return tree;
}

/**
 * Type errors of each tree, by tree name, as `file: TS<code> message` (positions left out, so that
 * moved code does not count as a new error). One checked program holds every tree.
 */
function typeErrors(trees: Map<string, Map<string, string>>): Map<string, string[]> {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-cleanup-'));
  try {
    const project = new Project({
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        jsx: ts.JsxEmit.Preserve,
        strict: true,
        noUnusedLocals: true,
        allowJs: true,
        checkJs: false,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        typeRoots: [NODE_TYPES],
        types: ['node'],
      },
    });
    project.addSourceFileAtPath(join(FIXTURES, '_types', 'sdks.d.ts'));
    for (const [treeName, files] of trees) {
      for (const [path, text] of files) {
        const absolute = join(root, treeName, path);
        mkdirSync(dirname(absolute), { recursive: true });
        writeFileSync(absolute, text);
        if (/\.[jt]sx?$/.test(path)) project.addSourceFileAtPath(absolute);
      }
    }
    const errors = new Map<string, string[]>([...trees.keys()].map((name) => [name, []]));
    for (const diagnostic of project.getPreEmitDiagnostics()) {
      const file = diagnostic.getSourceFile()?.getFilePath();
      if (!file) continue;
      const [treeName, ...rest] = relative(root, file).split(/[\\/]/);
      const message = ts.flattenDiagnosticMessageText(
        diagnostic.getMessageText() as string | ts.DiagnosticMessageChain,
        ' ',
      );
      errors.get(treeName)?.push(`${rest.join('/')}: TS${diagnostic.getCode()} ${message}`);
    }
    return errors;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('stale-flag cleanup fixtures (before/after pairs)', function () {
  this.timeout(120000);
  const cases = loadCases();
  const results = new Map<string, CleanupResult>();
  let errors = new Map<string, string[]>();

  before(function () {
    const trees = new Map<string, Map<string, string>>();
    for (const fixture of cases) {
      const result = cleanupFlag({
        flag: fixture.flag,
        value: fixture.value,
        files: new Map(fixture.before),
        usages: [],
      });
      results.set(fixture.name, result);
      trees.set(`${fixture.name}.before`, fixture.before);
      trees.set(`${fixture.name}.result`, resultTree(fixture.before, result));
    }
    errors = typeErrors(trees);
  });

  it('has at least 25 cases, in TypeScript, TSX and JavaScript', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} cases`);
    const extensions = new Set(
      cases.flatMap((fixture) => [...fixture.before.keys()].map((path) => path.split('.').pop())),
    );
    for (const extension of ['ts', 'tsx', 'js'])
      assert.ok(extensions.has(extension), `no .${extension} fixture`);
  });

  for (const fixture of cases) {
    describe(`${fixture.name}: ${fixture.description}`, () => {
      it('leaves the expected syntax trees, and deletes exactly the files missing from after/', () => {
        const result = results.get(fixture.name) as CleanupResult;
        const actual = resultTree(fixture.before, result);
        assert.deepEqual([...actual.keys()].sort(), [...fixture.after.keys()].sort());
        for (const [path, expected] of fixture.after) {
          assert.equal(
            normalizedSyntax(path, actual.get(path) as string),
            normalizedSyntax(path, expected),
            `syntax of ${path}`,
          );
        }
      });

      it('leaves the expected text, changed only inside its edits and byte-identical elsewhere', () => {
        const result = results.get(fixture.name) as CleanupResult;
        for (const [path, expected] of fixture.after) {
          const original = fixture.before.get(path) as string;
          const change = result.edits.get(path);
          if (!change) {
            assert.equal(expected, original, `${path} should be unchanged`);
            continue;
          }
          assert.equal(change.newText, expected, `text of ${path}`);
          assert.equal(
            applyOffsetEdits(original, change.edits),
            change.newText,
            `edits of ${path} reproduce its text`,
          );
          let previousEnd = 0;
          for (const edit of [...change.edits].sort((a, b) => a.offset - b.offset)) {
            assert.ok(edit.offset >= previousEnd, `edits of ${path} overlap`);
            const removed = original.slice(edit.offset, edit.offset + edit.length);
            assert.ok(
              removed[0] !== edit.content[0] || removed === '' || edit.content === '',
              `edit of ${path} at ${edit.offset} is not trimmed`,
            );
            previousEnd = edit.offset + edit.length;
          }
          assert.deepEqual(parseErrors(path, change.newText), [], `${path} parses`);
        }
      });

      it('reports what it did, and exactly the places that need a person', () => {
        const result = results.get(fixture.name) as CleanupResult;
        const expected = fixture.report ?? [];
        for (const entry of expected) {
          assert.ok(
            result.report.some(
              (actual) =>
                actual.file === entry.file &&
                (entry.line === undefined || actual.line === entry.line) &&
                actual.message.includes(entry.includes) &&
                actual.needsHuman === entry.needsHuman,
            ),
            `missing report entry ${JSON.stringify(entry)} in ${JSON.stringify(result.report, null, 1)}`,
          );
        }
        const needsHuman = result.report.filter((entry) => entry.needsHuman);
        assert.equal(
          needsHuman.length,
          expected.filter((entry) => entry.needsHuman).length,
          `entries needing a person: ${JSON.stringify(needsHuman, null, 1)}`,
        );
        if (result.edits.size > 0)
          assert.ok(
            result.report.some((entry) => !entry.needsHuman),
            'no report of what was done',
          );
      });

      it('gives the same result when the reads come from the usage index, as in the editor and the CLI', async () => {
        const index = new UsageIndex({ sdks: [...SDK_PRESETS], wrappers: [] });
        await index.addFiles(
          [...fixture.before]
            .filter(([path]) => /\.[cm]?[jt]sx?$/.test(path))
            .map(([file, text]) => ({ file, text })),
        );
        const viaIndex = cleanupFlag({
          flag: fixture.flag,
          value: fixture.value,
          files: new Map(fixture.before),
          usages: index.usages(),
        });
        const expected = resultTree(fixture.before, results.get(fixture.name) as CleanupResult);
        assert.deepEqual(resultTree(fixture.before, viaIndex), expected);
      });

      it('is a fixpoint: cleaning the result again changes nothing', () => {
        const result = results.get(fixture.name) as CleanupResult;
        const again = cleanupFlag({
          flag: fixture.flag,
          value: fixture.value,
          files: resultTree(fixture.before, result),
          usages: [],
        });
        assert.deepEqual([...again.edits.keys()], []);
        assert.deepEqual(again.deletedFiles, []);
      });

      it('still type-checks: the result has no type error the original did not have', () => {
        const before = errors.get(`${fixture.name}.before`) ?? [];
        const after = errors.get(`${fixture.name}.result`) ?? [];
        const added = after.filter((error) => !before.includes(error));
        assert.deepEqual(before, [], 'the fixture itself should type-check');
        assert.deepEqual(added, []);
      });
    });
  }
});
