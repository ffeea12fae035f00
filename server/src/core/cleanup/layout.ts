/**
 * Where text goes when code is deleted or moved: whole lines with their own comments, blank lines
 * collapsed, indentation of the surrounding code kept. Pure text arithmetic over a parsed file.
 */
import { ts } from 'ts-morph';
import type { Reindent, Span } from './trackedText';

export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) !== 10) i--;
  return i;
}

/** Offset of the line break ending the line of `offset` (or the text's end). */
export function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) !== 10) i++;
  if (i > 0 && text.charCodeAt(i - 1) === 13) return i - 1;
  return i;
}

/** Offset just past the line break of the line of `offset`. */
export function nextLineStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text.charCodeAt(i) !== 10) i++;
  return Math.min(text.length, i + 1);
}

export function indentationOfLine(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** True when only spaces or tabs stand between the line start and `offset`. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOf(text, offset), offset));
}

/** True when only spaces, tabs (or a line break) follow `offset` on its line. */
export function endsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(offset, lineEndOf(text, offset)));
}

function isBlankLineAt(text: string, lineStart: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart, lineEndOf(text, lineStart)));
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Comments above `node` that belong to it: on their own lines, and not separated from it (or from
 * each other) by a blank line. A file header separated by a blank line is not the node's.
 */
export function ownedLeadingCommentStart(text: string, node: ts.Node): number {
  const comments = ts.getLeadingCommentRanges(text, node.pos) ?? [];
  let start = node.getStart();
  for (let i = comments.length - 1; i >= 0; i--) {
    const between = text.slice(comments[i].end, start);
    if ((between.match(/\n/g) ?? []).length > 1) break;
    if (!startsLine(text, comments[i].pos)) break;
    start = comments[i].pos;
  }
  return start;
}

/** End of `node` with the comments that trail it on the same line. */
export function endWithTrailingComments(text: string, node: ts.Node): number {
  let end = node.end;
  for (const comment of ts.getTrailingCommentRanges(text, node.end) ?? []) end = comment.end;
  return end;
}

/**
 * The span to delete for a run of consecutive statements (or JSX children): whole lines when they
 * stand on their own lines, with their own comments; a blank line is collapsed so that deleting
 * never leaves two blank lines in a row or a blank line after an opening brace.
 */
export function deletionSpan(text: string, first: ts.Node, last: ts.Node, keepLeadingComments = false): Span {
  const nodeStart = first.getStart();
  const start = keepLeadingComments ? nodeStart : ownedLeadingCommentStart(text, first);
  const end = endWithTrailingComments(text, last);
  if (!startsLine(text, start)) {
    // Shares its line with earlier code: delete from the end of that code.
    return { start: keepLeadingComments ? nodeStart : first.pos, end };
  }
  if (!endsLine(text, end)) {
    // Code follows on the same line: keep the indentation for it.
    let next = end;
    while (next < text.length && (text[next] === ' ' || text[next] === '\t')) next++;
    return { start, end: next };
  }
  return collapseBlankLines(text, { start: lineStartOf(text, start), end: nextLineStart(text, end) });
}

/**
 * Widens a deletion of whole lines so that it leaves no blank line at the start of a file or a
 * block, no blank line before a closing brace, and never two blank lines in a row.
 */
export function collapseBlankLines(text: string, span: Span): Span {
  let { start, end } = span;
  if (
    !(start === 0 || text.charCodeAt(start - 1) === 10) ||
    !(end === text.length || text.charCodeAt(end - 1) === 10)
  )
    return span;
  const previousLineStart = start > 0 ? lineStartOf(text, start - 1) : -1;
  const previousBlank = previousLineStart >= 0 && isBlankLineAt(text, previousLineStart);
  const atEnd = end >= text.length;
  const nextBlank = !atEnd && isBlankLineAt(text, end);
  const nextCloses =
    atEnd ||
    /^[ \t]*[})\]]/.test(text.slice(end, lineEndOf(text, end) + 1)) ||
    /^[ \t]*<\//.test(text.slice(end, end + 200));
  const previousOpens = previousLineStart < 0 || /[{([>]\s*$/.test(text.slice(previousLineStart, start));
  if (previousBlank && (nextBlank || nextCloses)) {
    start = previousLineStart;
  } else if (previousOpens && nextBlank) {
    end = nextLineStart(text, end);
  }
  return { start, end };
}

/** Deleting one element of a comma-separated list (specifiers, properties, bindings, declarators). */
export function listElementDeletionSpan(text: string, elements: readonly ts.Node[], index: number): Span {
  const element = elements[index];
  const next = elements[index + 1];
  const previous = elements[index - 1];
  if (next) {
    const ownLine =
      startsLine(text, element.getStart()) && !sameLine(text, element.getStart(), next.getStart());
    if (ownLine) {
      return {
        start: lineStartOf(text, ownedLeadingCommentStart(text, element)),
        end: lineStartOf(text, ownedLeadingCommentStart(text, next)),
      };
    }
    return { start: element.getStart(), end: next.getStart() };
  }
  if (previous) {
    const afterElement = text.slice(element.end, lineEndOf(text, element.end));
    const hasTrailingComma = /^\s*,/.test(afterElement);
    if (hasTrailingComma && startsLine(text, element.getStart())) {
      return {
        start: lineStartOf(text, ownedLeadingCommentStart(text, element)),
        end: nextLineStart(text, element.end),
      };
    }
    return { start: previous.end, end: element.end };
  }
  return { start: element.getStart(), end: element.end };
}

export function sameLine(text: string, a: number, b: number): boolean {
  const [low, high] = a < b ? [a, b] : [b, a];
  return !text.slice(low, high).includes('\n');
}

/**
 * The inside of a block, as whole lines when the braces stand on their own lines: from the line
 * after `{` to the end of the last line before `}`. Undefined for an empty block.
 */
export function blockInterior(
  text: string,
  block: ts.Block | ts.CaseBlock | ts.ModuleBlock,
): Span | undefined {
  const open = block.getStart() + 1;
  const close = block.end - 1;
  let start = open;
  if (endsLine(text, open)) start = nextLineStart(text, open);
  let end = close;
  if (startsLine(text, close)) {
    end = lineStartOf(text, close);
    if (end > start && text.charCodeAt(end - 1) === 10) end--;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
  }
  if (start >= end || text.slice(start, end).trim() === '') return undefined;
  if (!startsLine(text, start) || start === open) {
    // `{ a(); b(); }` on one line: the trimmed inside.
    const inner = text.slice(open, close);
    const lead = inner.length - inner.trimStart().length;
    const trail = inner.length - inner.trimEnd().length;
    return { start: open + lead, end: close - trail };
  }
  return { start, end };
}

/** How to move lines that start with `from` indentation to `to` indentation. */
export function reindentFrom(from: string, to: string, first = false): Reindent | undefined {
  if (from === to) return undefined;
  return { remove: from, add: to, first };
}

/** Spans inside which line starts are part of a string (template literals): never re-indent them. */
export function templateSpans(sourceFile: ts.SourceFile): Span[] {
  const spans: Span[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isNoSubstitutionTemplateLiteral(node) ||
      node.kind === ts.SyntaxKind.TemplateHead ||
      node.kind === ts.SyntaxKind.TemplateMiddle ||
      node.kind === ts.SyntaxKind.TemplateTail
    ) {
      spans.push({ start: node.getStart(), end: node.end });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return spans;
}
