/**
 * A file's text during cleanup, with the facts that must survive rewrites: which spans are
 * constants this cleanup introduced (only those may be folded: an `if (true)` the user wrote is
 * left alone) and which declarations lost a reference (only those may be deleted as unused).
 *
 * Rewrites are planned as edits made of pieces: new text, or slices of the old text. Slices carry
 * their marks along (a constant moved out of an unwrapped block stays a flag constant), and can be
 * re-indented line by line (unwrapping a block de-indents it by one level).
 */

export interface Span {
  start: number;
  end: number;
}

/** A flag constant's span; `derived` when it is a literal the user wrote that a fold selected. */
export interface ConstantSpan extends Span {
  derived?: boolean;
}

/** Re-indentation of a slice: each line start that begins with `remove` gets `add` instead. */
export interface Reindent {
  remove: string;
  add: string;
  /** Also re-indent the slice's first line (when the slice starts at a line start). */
  first?: boolean;
}

export type Piece = TextPiece | SlicePiece;

export interface TextPiece {
  kind: 'text';
  text: string;
  /**
   * True when this text is a constant produced by the cleanup (a flag value or a fold of one);
   * `derived` for a user-written literal that a fold of the flag selected (`flag ? 'a' : 'b'`).
   */
  flagConstant?: boolean | 'derived';
}

export interface SlicePiece {
  kind: 'slice';
  start: number;
  end: number;
  reindent?: Reindent;
}

export interface PlannedEdit {
  start: number;
  end: number;
  pieces: Piece[];
}

export const text = (value: string, flagConstant: boolean | 'derived' = false): TextPiece => ({
  kind: 'text',
  text: value,
  flagConstant,
});
export const slice = (start: number, end: number, reindent?: Reindent): SlicePiece => ({
  kind: 'slice',
  start,
  end,
  reindent,
});

export interface TrackedFile {
  text: string;
  /** Spans of constants introduced by this cleanup, sorted by start. */
  flagConstants: ConstantSpan[];
  /** Offsets of declaration names that lost a reference to this cleanup. */
  lostReferences: number[];
}

export function trackedFile(textValue: string): TrackedFile {
  return { text: textValue, flagConstants: [], lostReferences: [] };
}

/** Two edits conflict when they overlap, or insert at the same point, or one inserts inside the other. */
export function editsConflict(a: Span, b: Span): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Renders a slice, re-indenting line starts that are not inside a protected span (template literals). */
function renderSlice(
  source: string,
  piece: SlicePiece,
  protectedSpans: readonly Span[],
): { out: string; map: (offset: number) => number } {
  const { start, end, reindent } = piece;
  if (!reindent) return { out: source.slice(start, end), map: (offset) => offset - start };
  // Breakpoints: at old offset `old`, the new offset is `neu`; between breakpoints offsets shift equally.
  const breaks: { old: number; neu: number }[] = [];
  let out = '';
  let cursor = start;
  const lineStarts: number[] = [];
  if (reindent.first) lineStarts.push(start);
  for (let i = start; i < end; i++) if (source.charCodeAt(i) === 10 && i + 1 < end) lineStarts.push(i + 1);
  const isProtected = (offset: number) =>
    protectedSpans.some((span) => offset > span.start && offset < span.end);
  for (const lineStart of lineStarts) {
    if (isProtected(lineStart) || !source.startsWith(reindent.remove, lineStart)) continue;
    if (lineStart + reindent.remove.length > end) continue;
    out += source.slice(cursor, lineStart);
    out += reindent.add;
    cursor = lineStart + reindent.remove.length;
    breaks.push({ old: cursor, neu: out.length });
  }
  out += source.slice(cursor, end);
  const map = (offset: number): number => {
    let best = { old: start, neu: 0 };
    for (const point of breaks) if (point.old <= offset) best = point;
    return best.neu + (offset - best.old);
  };
  return { out, map };
}

export interface AppliedEdits {
  file: TrackedFile;
  /** Old-text spans whose content is gone (not carried over by a slice). */
  removed: Span[];
  /** Old-text spans replaced, with where their replacement now is, for re-mapping positions. */
  newSpans: Span[];
}

/**
 * Applies non-overlapping planned edits and carries the marks over: marks outside every edit
 * shift, marks inside a slice move with it, other marks inside an edit are dropped.
 */
export function applyPlannedEdits(
  file: TrackedFile,
  edits: readonly PlannedEdit[],
  protectedSpans: readonly Span[],
): AppliedEdits {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const source = file.text;
  let result = '';
  let cursor = 0;
  const flagConstants: ConstantSpan[] = [];
  const lostReferences: number[] = [];
  const removed: Span[] = [];
  const newSpans: Span[] = [];
  // Shift for marks between edits: new = old + delta.
  const segments: { oldStart: number; oldEnd: number; delta: number }[] = [];
  const moved: { oldStart: number; oldEnd: number; map: (offset: number) => number }[] = [];

  for (const edit of sorted) {
    segments.push({ oldStart: cursor, oldEnd: edit.start, delta: result.length - cursor });
    result += source.slice(cursor, edit.start);
    const editNewStart = result.length;
    for (const piece of edit.pieces) {
      if (piece.kind === 'text') {
        if (piece.flagConstant && piece.text.length > 0) {
          const span: ConstantSpan = { start: result.length, end: result.length + piece.text.length };
          if (piece.flagConstant === 'derived') span.derived = true;
          flagConstants.push(span);
        }
        result += piece.text;
      } else {
        const rendered = renderSlice(source, piece, protectedSpans);
        const base = result.length;
        moved.push({
          oldStart: piece.start,
          oldEnd: piece.end,
          map: (offset) => base + rendered.map(offset),
        });
        result += rendered.out;
      }
    }
    newSpans.push({ start: editNewStart, end: result.length });
    removed.push(...removedSpansOf(edit));
    cursor = edit.end;
  }
  segments.push({ oldStart: cursor, oldEnd: source.length, delta: result.length - cursor });
  result += source.slice(cursor);

  const mapSpan = (span: Span): Span | undefined => {
    for (const segment of segments) {
      if (span.start >= segment.oldStart && span.end <= segment.oldEnd) {
        return { start: span.start + segment.delta, end: span.end + segment.delta };
      }
    }
    for (const slicePiece of moved) {
      if (span.start >= slicePiece.oldStart && span.end <= slicePiece.oldEnd) {
        return { start: slicePiece.map(span.start), end: slicePiece.map(span.end) };
      }
    }
    return undefined;
  };
  for (const span of file.flagConstants) {
    const mapped = mapSpan(span);
    if (mapped) flagConstants.push(span.derived ? { ...mapped, derived: true } : mapped);
  }
  for (const offset of file.lostReferences) {
    const mapped = mapSpan({ start: offset, end: offset + 1 });
    if (mapped) lostReferences.push(mapped.start);
  }
  flagConstants.sort((a, b) => a.start - b.start);
  return {
    file: {
      text: result,
      flagConstants: dedupeSpans(flagConstants),
      lostReferences: [...new Set(lostReferences)],
    },
    removed: removed.filter((span) => span.end > span.start),
    newSpans,
  };
}

/** The old-text spans an edit drops: its range minus the slices it carries over. */
export function removedSpansOf(edit: PlannedEdit): Span[] {
  const kept = edit.pieces
    .filter((piece): piece is SlicePiece => piece.kind === 'slice')
    .map((piece) => ({ start: piece.start, end: piece.end }))
    .sort((a, b) => a.start - b.start);
  const removed: Span[] = [];
  let from = edit.start;
  for (const span of kept) {
    if (span.start > from) removed.push({ start: from, end: Math.min(span.start, edit.end) });
    from = Math.max(from, span.end);
  }
  if (from < edit.end) removed.push({ start: from, end: edit.end });
  return removed.filter((span) => span.end > span.start);
}

function dedupeSpans(spans: ConstantSpan[]): ConstantSpan[] {
  const seen = new Set<string>();
  return spans.filter((span) => {
    const key = `${span.start}:${span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The text a planned edit would insert (for no-op detection). */
export function plannedText(source: string, edit: PlannedEdit): string {
  return edit.pieces
    .map((piece) => (piece.kind === 'text' ? piece.text : renderSlice(source, piece, []).out))
    .join('');
}
