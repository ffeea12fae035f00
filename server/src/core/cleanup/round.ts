/**
 * One rewrite round: every file parsed once, rules propose edits, the driver accepts those that do
 * not overlap and runs another round. What a round's rules share lives here.
 */
import type { ts } from 'ts-morph';
import type { ExpressionFolder } from './fold';
import type { KnownValue, QuoteStyle } from './literals';
import type { PurityAnalysis } from './purity';
import type { PlannedEdit, TrackedFile } from './trackedText';
import type { WorkspaceProgram } from './workspaceProgram';

export interface ReportEntry {
  file: string;
  /** 1-based line in the file as it was given (code the cleanup moved points at where it came from). */
  line: number;
  message: string;
  needsHuman: boolean;
}

export interface RoundFile {
  path: string;
  sourceFile: ts.SourceFile;
  text: string;
  tracked: TrackedFile;
  folder: ExpressionFolder;
  quote: QuoteStyle;
  eol: string;
  /** True when the file ends its statements with semicolons. */
  semicolons: boolean;
  isTest: boolean;
}

/** A rule's proposed edit, with what to report if it is applied. */
export interface Proposal {
  path: string;
  edit: PlannedEdit;
  report?: { offset: number; message: string; needsHuman?: boolean };
}

export interface RoundContext {
  flag: string;
  value: KnownValue;
  /** Exports that no given file uses any more stay (the caller could not give every importer). */
  keepUnusedExports: boolean;
  program: WorkspaceProgram;
  files: Map<string, RoundFile>;
  purity: PurityAnalysis;
  reporter: Reporter;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Where an offset of a file's current text was in the text the cleanup was given. */
export type OriginalPosition = (file: string, offset: number) => { text: string; offset: number } | undefined;

/** What was done and what was left, without repeating itself across rounds. */
export class Reporter {
  readonly entries: ReportEntry[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly original: OriginalPosition = () => undefined) {}

  /** Adds an entry; a `once` entry (a note made while looking, which rounds repeat) is added only once. */
  add(file: string, text: string, offset: number, message: string, needsHuman: boolean, once = true): void {
    const origin = this.original(file, offset);
    const entry = {
      file,
      line: origin ? lineAt(origin.text, origin.offset) : lineAt(text, offset),
      message,
      needsHuman,
    };
    const key = `${file}\n${message}`;
    if (once && this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(entry);
  }
}

/** A short, one-line rendering of code for messages. */
export function codeSnippet(text: string, limit = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}
