import type { OffsetEdit } from '../textEdit';

/**
 * Folds a sequence of edits, each made against the text as it was after the previous ones, into
 * one set of non-overlapping edits against the original text. A structured change (say, adding a
 * prerequisite) is easiest to make step by step on the current text, yet the client must receive
 * edits of the text it has; and two steps may touch the same place (two properties appended to
 * one object), which independent edits could not express.
 */
export class OffsetEditLog {
  /** Against the original text: sorted, non-overlapping and not touching. */
  private readonly merged: OffsetEdit[] = [];

  constructor(private readonly original: string) {}

  /** Records `edit`, made against `before` (the original with every recorded edit applied). */
  record(edit: OffsetEdit, before: string): void {
    const editStart = edit.offset;
    const editEnd = edit.offset + edit.length;
    // `shift` converts a position of `before` to one of the original, past the edits seen so far.
    let shift = 0;
    let first = 0;
    while (first < this.merged.length) {
      const earlier = this.merged[first];
      if (earlier.offset + shift + earlier.content.length >= editStart) break;
      shift += earlier.content.length - earlier.length;
      first++;
    }
    // Earlier edits overlapping or touching the new one become part of it.
    let last = first;
    let shiftAfter = shift;
    let start = editStart;
    let end = editEnd;
    while (last < this.merged.length) {
      const earlier = this.merged[last];
      const earlierStart = earlier.offset + shiftAfter;
      if (earlierStart > editEnd) break;
      start = Math.min(start, earlierStart);
      end = Math.max(end, earlierStart + earlier.content.length);
      shiftAfter += earlier.content.length - earlier.length;
      last++;
    }
    const originalStart = start - shift;
    const originalEnd = end - shiftAfter;
    const content = before.slice(start, editStart) + edit.content + before.slice(editEnd, end);
    this.merged.splice(first, last - first, {
      offset: originalStart,
      length: originalEnd - originalStart,
      content,
    });
  }

  /** The edits, each narrowed to the characters that really change. */
  edits(): OffsetEdit[] {
    const narrowed: OffsetEdit[] = [];
    for (const edit of this.merged) {
      const replaced = this.original.slice(edit.offset, edit.offset + edit.length);
      const limit = Math.min(replaced.length, edit.content.length);
      let prefix = 0;
      while (prefix < limit && replaced[prefix] === edit.content[prefix]) prefix++;
      while (prefix > 0 && splitsPair(replaced, prefix)) prefix--;
      let suffix = 0;
      while (
        suffix < limit - prefix &&
        replaced[replaced.length - 1 - suffix] === edit.content[edit.content.length - 1 - suffix]
      ) {
        suffix++;
      }
      while (suffix > 0 && splitsPair(replaced, replaced.length - suffix)) suffix--;
      const result = {
        offset: edit.offset + prefix,
        length: edit.length - prefix - suffix,
        content: edit.content.slice(prefix, edit.content.length - suffix),
      };
      if (result.length === 0 && result.content === '') continue;
      const previous = narrowed[narrowed.length - 1];
      // Narrowing can make two edits meet; clients apply touching edits in unclear orders.
      if (previous && previous.offset + previous.length === result.offset) {
        previous.length += result.length;
        previous.content += result.content;
      } else {
        narrowed.push(result);
      }
    }
    return narrowed;
  }
}

/** True when `offset` falls inside a surrogate pair or a CRLF, where no edit should begin or end. */
function splitsPair(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  const highThenLow = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  return highThenLow || (before === 13 && after === 10);
}
