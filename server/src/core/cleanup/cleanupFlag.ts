/**
 * Stale-flag cleanup, the way Uber's Piranha does it: given a flag and the value it now always
 * serves, rewrite the code as if the flag had never existed.
 *
 * Round 0 replaces every read of the flag by its value (marking each literal as a flag constant)
 * and removes pins of the flag (setters, listeners, mock entries, tests of the dead variant).
 * Later rounds fold what those constants made constant, inline names that held them, remove
 * unreachable code and delete what lost its last reference, until a round changes nothing.
 * Every round re-parses the changed files; edits are text edits of the touched ranges only.
 */
import { ts } from 'ts-morph';
import type { FlagUsage } from '../../../../shared/src/usage';
import type { JsonValue } from '../../../../shared/src/registryModel';
import { variantTypeOf } from '../registry/parseRegistryFile';
import type { OffsetEdit } from '../textEdit';
import { isTestFile } from './flagApis';
import { findFlagReads, readsFromUsages, type FlagRead } from './flagReads';
import { ExpressionFolder } from './fold';
import { foldProposals } from './foldRules';
import { InlineRules } from './inlineRules';
import { collapseBlankLines, eolOf, templateSpans } from './layout';
import { quoteStyleOf, type KnownValue, type QuoteStyle } from './literals';
import { minimalEdits } from './minimalEdits';
import { PurityAnalysis } from './purity';
import { Reporter, type Proposal, type ReportEntry, type RoundContext, type RoundFile } from './round';
import { SeedRules } from './seedRules';
import { pinProposals } from './flagPins';
import {
  applyPlannedEdits,
  editsConflict,
  plannedText,
  removedSpansOf,
  trackedFile,
  type PlannedEdit,
  type Span,
  type TrackedFile,
} from './trackedText';
import { UnusedRules } from './unusedRules';
import { isCodeFile, parseCode, SourceFileCache, WorkspaceProgram } from './workspaceProgram';
import { literalMemberMisuses } from './literalMembers';

export interface CleanupRequest {
  /** The registry key. */
  flag: string;
  /** The value the flag now always serves. */
  value: boolean | string | number | null | object;
  /**
   * Workspace-relative path -> text of every code file that may be touched: at least the files with
   * usages and the files importing them (all indexed code files when the workspace is small).
   * Exports are only deleted when no file given here imports them.
   */
  files: Map<string, string>;
  /** The index's usages of this flag. When empty, reads are found here by key. */
  usages: FlagUsage[];
  /**
   * Keep exported declarations that no file of `files` uses any more (default false: they are
   * deleted). Set it when `files` may miss importers, e.g. tests outside the indexed globs.
   */
  keepUnusedExports?: boolean;
}

export interface CleanupFileChange {
  /** The file's text after the cleanup. */
  newText: string;
  /** Minimal edits of the original text producing `newText`; outside them the text is byte-identical. */
  edits: OffsetEdit[];
}

export interface CleanupResult {
  /** Changed files (not those in `deletedFiles`). */
  edits: Map<string, CleanupFileChange>;
  /** Files that became empty because of this cleanup and that no other file imports. */
  deletedFiles: string[];
  /** What was done and what was skipped, in order; `needsHuman` marks what a person must finish. */
  report: ReportEntry[];
}

/** Enough for deep nesting; a cleanup that does not settle by then is reported, not looped. */
const MAX_ROUNDS = 200;

interface FileStyle {
  quote: QuoteStyle;
  eol: string;
  semicolons: boolean;
}

function styleOf(sourceFile: ts.SourceFile): FileStyle {
  const text = sourceFile.text;
  let withSemicolon = 0;
  let without = 0;
  const visit = (node: ts.Node): void => {
    if (
      ts.isExpressionStatement(node) ||
      ts.isVariableStatement(node) ||
      ts.isReturnStatement(node) ||
      ts.isImportDeclaration(node)
    ) {
      if (text[node.end - 1] === ';') withSemicolon++;
      else without++;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { quote: quoteStyleOf(sourceFile), eol: eolOf(text), semicolons: withSemicolon >= without };
}

/** Syntax errors of a text (a parse, not a type check). */
function syntaxErrorCount(sourceFile: ts.SourceFile): number {
  // `parseDiagnostics` is how the parser hands its errors to the program; reading it avoids a program.
  return (
    (sourceFile as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics
      ?.length ?? 0
  );
}

/** Deletions that touch become one, so that blank lines around the whole run collapse once. */
function mergeAdjacentDeletions(text: string, edits: PlannedEdit[]): PlannedEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const merged: PlannedEdit[] = [];
  for (const edit of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && previous.pieces.length === 0 && edit.pieces.length === 0 && previous.end === edit.start) {
      merged[merged.length - 1] = {
        ...collapseBlankLines(text, { start: previous.start, end: edit.end }),
        pieces: [],
      };
    } else {
      merged.push(edit);
    }
  }
  return merged.filter((edit, index) => index === 0 || edit.start >= merged[index - 1].end);
}

/** One round's edits of a file: each replaced span, before and after. */
type EditRecord = { before: Span; after: Span }[];

/** Maps an offset of the text after a round back to the text before it (into an edit: its start). */
function offsetBefore(records: EditRecord, offset: number): number {
  let delta = 0;
  for (const record of records) {
    if (offset < record.after.start) return offset - delta;
    if (offset < record.after.end) return record.before.start;
    delta = record.after.end - record.before.end;
  }
  return offset - delta;
}

class CleanupRun {
  /** Per file, the edits of every round, to report lines of the text the caller gave. */
  private readonly history = new Map<string, EditRecord[]>();
  private readonly reporter = new Reporter((file, offset) => {
    const text = this.request.files.get(file);
    if (text === undefined) return undefined;
    const rounds = this.history.get(file) ?? [];
    let mapped = offset;
    for (let i = rounds.length - 1; i >= 0; i--) mapped = offsetBefore(rounds[i], mapped);
    return { text, offset: mapped };
  });
  private readonly cache = new SourceFileCache();
  private readonly tracked = new Map<string, TrackedFile>();
  private readonly styles = new Map<string, FileStyle>();
  private previousProgram: WorkspaceProgram | undefined;
  /** Edits (file, range, text) whose result did not parse: never proposed again. */
  private readonly refusedEdits = new Set<string>();

  constructor(private readonly request: CleanupRequest) {
    for (const [path, text] of request.files) {
      if (!isCodeFile(path)) continue;
      this.tracked.set(path, trackedFile(text));
    }
  }

  private startRound(): RoundContext {
    const texts = new Map<string, string>();
    for (const [path, file] of this.tracked) texts.set(path, file.text);
    const program = new WorkspaceProgram(texts, this.cache, this.previousProgram);
    this.previousProgram = program;
    const purity = new PurityAnalysis(program);
    const files = new Map<string, RoundFile>();
    for (const [path, tracked] of this.tracked) {
      const style = this.styleOf(path, program.sourceFile(path));
      files.set(path, {
        path,
        sourceFile: program.sourceFile(path),
        text: tracked.text,
        tracked,
        folder: new ExpressionFolder(tracked.flagConstants, purity, style.quote, (node) =>
          program.isBooleanTyped(node),
        ),
        quote: style.quote,
        eol: style.eol,
        semicolons: style.semicolons,
        isTest: isTestFile(path),
      });
    }
    return {
      flag: this.request.flag,
      value: this.request.value as KnownValue,
      keepUnusedExports: this.request.keepUnusedExports ?? false,
      program,
      files,
      purity,
      reporter: this.reporter,
    };
  }

  /** A file's quotes, line ends and semicolons, as given (only files that get rewritten need them). */
  private styleOf(path: string, sourceFile: ts.SourceFile): FileStyle {
    let style = this.styles.get(path);
    if (!style) {
      style = styleOf(sourceFile);
      this.styles.set(path, style);
    }
    return style;
  }

  private reads(context: RoundContext): FlagRead[] {
    const servedType = variantTypeOf(this.request.value as JsonValue);
    const { reads, unmatched, mistyped } = readsFromUsages(
      context.program,
      this.request.usages,
      this.request.flag,
      servedType,
    );
    for (const { usage } of mistyped) {
      this.reporter.entries.push({
        file: usage.file,
        line: usage.range.start.line + 1,
        message: `\`${usage.api}(${usage.keyText}, …)\` reads the flag as ${usage.expectedType === 'object' ? 'an object' : `a ${usage.expectedType}`}, but it serves ${servedType === 'object' ? 'objects' : `${servedType}s`}: flagd answers this call with its default, not the value. Left for a person.`,
        needsHuman: true,
      });
    }
    for (const usage of unmatched) {
      this.reporter.entries.push({
        file: usage.file,
        line: usage.range.start.line + 1,
        message: `The usage \`${usage.keyText}\` (${usage.api}) was not found in the given text: rewrite it by hand.`,
        needsHuman: true,
      });
    }
    const seen = new Set(
      [...reads, ...mistyped.map(({ read }) => read)].map(
        (read) => `${read.path}:${read.node.getStart()}:${read.node.end}`,
      ),
    );
    // The index may not know every shape; add what the key search finds.
    for (const read of findFlagReads(context.program, this.request.flag)) {
      const key = `${read.path}:${read.node.getStart()}:${read.node.end}`;
      if (!seen.has(key)) {
        seen.add(key);
        reads.push(read);
      }
    }
    // A read nested in another read's replaced range would conflict; the outer one wins.
    return reads;
  }

  run(): CleanupResult {
    const seedContext = this.startRound();
    const seeds = new SeedRules(seedContext, this.request.value as KnownValue).proposals(
      this.reads(seedContext),
    );
    const pins = [...seedContext.files.values()].flatMap((file) =>
      this.guarded(file, () => pinProposals(seedContext, file)),
    );
    this.apply(seedContext, [...seeds, ...pins]);

    let rounds = 0;
    for (; rounds < MAX_ROUNDS; rounds++) {
      const context = this.startRound();
      const inline = new InlineRules(context);
      const unused = new UnusedRules(context);
      const proposals: Proposal[] = [];
      for (const file of context.files.values())
        proposals.push(...this.guarded(file, () => foldProposals(context, file)));
      for (const file of context.files.values())
        proposals.push(...this.guarded(file, () => inline.proposals(file)));
      for (const file of context.files.values())
        proposals.push(...this.guarded(file, () => unused.proposals(file)));
      if (!this.apply(context, proposals)) break;
    }
    if (rounds === MAX_ROUNDS) {
      this.reporter.entries.push({
        file: '',
        line: 0,
        message: `Cleanup of ${this.request.flag} stopped after ${MAX_ROUNDS} rounds; review the result.`,
        needsHuman: true,
      });
    }
    return this.result();
  }

  /** A rule's proposals for one file; a rule that fails leaves the file as it is and says so. */
  private guarded(file: RoundFile, rule: () => Proposal[]): Proposal[] {
    try {
      return rule();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.reporter.add(
        file.path,
        file.text,
        0,
        `Cleanup stopped short in this file (${message}): finish it by hand.`,
        true,
      );
      return [];
    }
  }

  /** Never proposes these edits again, and tells a person where. */
  private refuse(path: string, file: RoundFile, edits: readonly PlannedEdit[], message: string): void {
    for (const edit of edits)
      this.refusedEdits.add(`${path}:${edit.start}:${edit.end}:${plannedText(file.text, edit)}`);
    this.reporter.add(path, file.text, edits[0].start, message, true);
  }

  /**
   * Accepts the proposals that change something and do not overlap earlier ones; false when none.
   * A file whose edits would not parse keeps its text, and those edits are not tried again.
   */
  private apply(context: RoundContext, proposals: readonly Proposal[]): boolean {
    const accepted = new Map<string, PlannedEdit[]>();
    const reports: { proposal: Proposal; file: RoundFile }[] = [];
    for (const proposal of proposals) {
      const file = context.files.get(proposal.path);
      if (!file) continue;
      const { edit } = proposal;
      const planned = plannedText(file.text, edit);
      if (planned === file.text.slice(edit.start, edit.end)) continue;
      if (this.refusedEdits.has(`${proposal.path}:${edit.start}:${edit.end}:${planned}`)) continue;
      const list = accepted.get(proposal.path) ?? [];
      if (list.some((other) => editsConflict(other, edit))) continue;
      list.push(edit);
      accepted.set(proposal.path, list);
      if (proposal.report) reports.push({ proposal, file });
    }
    if (accepted.size === 0) return false;
    let refusedSome = false;
    for (const [path, edits] of accepted) {
      const file = context.files.get(path) as RoundFile;
      const merged = mergeAdjacentDeletions(file.text, edits);
      const after = applyPlannedEdits(this.tracked.get(path) as TrackedFile, merged, []).file.text;
      // The next round parses the new text anyway: the cache keeps this parse for it.
      const parsed = this.cache.get(path, after);
      if (syntaxErrorCount(parsed) > syntaxErrorCount(file.sourceFile)) {
        // A rewrite this engine got wrong: keep the file's text rather than break it.
        this.refuse(
          path,
          file,
          edits,
          'A rewrite here would not parse, so it was not made: finish it by hand.',
        );
        accepted.delete(path);
        refusedSome = true;
        continue;
      }
      // Replacing an object-returning read by its value would leave `true.value`: it parses, but
      // it is wrong. Only the edits that do it are refused; the others of the file go ahead.
      const misusesBefore = literalMemberMisuses(file.sourceFile).length;
      if (literalMemberMisuses(parsed).length > misusesBefore) {
        const tracked = this.tracked.get(path) as TrackedFile;
        const misuses = (candidate: readonly PlannedEdit[]): number =>
          literalMemberMisuses(parseCode(path, applyPlannedEdits(tracked, candidate, []).file.text)).length;
        const culprits = merged.filter((edit) => misuses([edit]) > misusesBefore);
        const rest = merged.filter((edit) => !culprits.includes(edit));
        const restIsClean =
          culprits.length > 0 &&
          rest.length > 0 &&
          misuses(rest) <= misusesBefore &&
          syntaxErrorCount(parseCode(path, applyPlannedEdits(tracked, rest, []).file.text)) <=
            syntaxErrorCount(file.sourceFile);
        this.refuse(
          path,
          file,
          restIsClean ? culprits : merged,
          'A rewrite here would read a member of a literal value (the API returns an object, not the value), so it was not made: finish it by hand.',
        );
        refusedSome = true;
        if (restIsClean) accepted.set(path, rest);
        else accepted.delete(path);
      } else {
        accepted.set(path, merged);
      }
    }
    for (const { proposal, file } of reports) {
      if (!proposal.report || !accepted.has(file.path)) continue;
      const { edit } = proposal;
      if (this.refusedEdits.has(`${proposal.path}:${edit.start}:${edit.end}:${plannedText(file.text, edit)}`))
        continue;
      this.reporter.add(
        file.path,
        file.text,
        proposal.report.offset,
        proposal.report.message,
        proposal.report.needsHuman ?? false,
        false,
      );
    }
    if (accepted.size === 0) return refusedSome;
    // Declarations that lose a reference, found on the old trees before any file changes.
    for (const [path, edits] of accepted) {
      for (const edit of edits) {
        for (const span of removedSpansOf(edit)) this.noteLostReferences(context, path, span);
      }
    }
    for (const [path, edits] of accepted) {
      const file = context.files.get(path) as RoundFile;
      const applied = applyPlannedEdits(
        this.tracked.get(path) as TrackedFile,
        edits,
        templateSpans(file.sourceFile),
      );
      this.tracked.set(path, applied.file);
      const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
      const records = sorted.map((edit, index) => ({
        before: { start: edit.start, end: edit.end },
        after: applied.newSpans[index],
      }));
      this.history.set(path, [...(this.history.get(path) ?? []), records]);
    }
    return true;
  }

  private noteLostReferences(context: RoundContext, path: string, span: Span): void {
    const { program } = context;
    const sourceFile = program.sourceFile(path);
    const note = (declarations: readonly ts.Declaration[] | undefined, reference: ts.Node) => {
      for (const declaration of declarations ?? []) {
        const name = (declaration as ts.NamedDeclaration).name;
        if (!name || !(ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) continue;
        // A declaration that only referred to itself was not used before this cleanup either.
        const inside =
          declaration.getSourceFile() === sourceFile &&
          reference.getStart() >= declaration.getStart() &&
          reference.end <= declaration.end;
        if (inside) continue;
        const declarationPath = program.pathOf(declaration.getSourceFile());
        const tracked = this.tracked.get(declarationPath);
        if (!tracked) continue;
        const offset = name.getStart();
        if (!tracked.lostReferences.includes(offset)) tracked.lostReferences.push(offset);
      }
    };
    const visit = (node: ts.Node): void => {
      if (node.end <= span.start || node.getStart() >= span.end) return;
      if (
        (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) &&
        node.getStart() >= span.start &&
        node.end <= span.end
      ) {
        const parent = node.parent;
        if (
          (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent)) &&
          parent.name === node
        ) {
          const alias = program.checker.getSymbolAtLocation(node);
          if (alias) note(program.canonical(alias).declarations, node);
        } else {
          const symbol = program.symbolAt(node);
          if (symbol)
            note(
              symbol.flags & ts.SymbolFlags.Alias
                ? symbol.declarations
                : program.canonical(symbol).declarations,
              node,
            );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }

  private result(): CleanupResult {
    const edits = new Map<string, CleanupFileChange>();
    const deletedFiles: string[] = [];
    const finalTexts = new Map<string, string>();
    for (const [path, tracked] of this.tracked) finalTexts.set(path, tracked.text);
    const program = new WorkspaceProgram(finalTexts, this.cache, this.previousProgram);
    for (const [path, tracked] of this.tracked) {
      const original = this.request.files.get(path) as string;
      if (tracked.text === original) continue;
      const became = program.sourceFile(path);
      if (became.statements.length === 0 && parseCode(path, original).statements.length > 0) {
        const importer = this.importerOf(program, path);
        if (importer) {
          this.reporter.entries.push({
            file: path,
            line: 1,
            message: `Nothing is left in this file, but ${importer} still imports it: delete both by hand.`,
            needsHuman: true,
          });
        } else {
          deletedFiles.push(path);
          this.reporter.entries.push({
            file: path,
            line: 1,
            message: 'Deleted the file: nothing is left in it.',
            needsHuman: false,
          });
          continue;
        }
      }
      edits.set(path, { newText: tracked.text, edits: minimalEdits(original, tracked.text) });
    }
    return { edits, deletedFiles, report: this.reporter.entries };
  }

  private importerOf(program: WorkspaceProgram, path: string): string | undefined {
    for (const other of program.paths()) {
      if (other === path) continue;
      for (const statement of program.sourceFile(other).statements) {
        const specifier =
          ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)
            ? statement.moduleSpecifier
            : undefined;
        if (
          specifier &&
          ts.isStringLiteral(specifier) &&
          program.resolveModule(other, specifier.text) === path
        )
          return other;
      }
    }
    return undefined;
  }
}

/** Rewrites the workspace's code as if `flag` always served `value`. Pure: no file system access. */
export function cleanupFlag(request: CleanupRequest): CleanupResult {
  return new CleanupRun(request).run();
}
