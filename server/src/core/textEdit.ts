import type { Range } from '../../../shared/src/registryModel';
import { rangeOf } from './text';

/** A minimal edit of a file's text, by offset (the shape jsonc-parser produces). */
export interface OffsetEdit {
  offset: number;
  length: number;
  content: string;
}

/** Edits to one file, refused if the file no longer has `expectedVersion` when applied. */
export interface FileEdit {
  file: string;
  expectedVersion: string;
  edits: OffsetEdit[];
}

export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let result = text;
  for (const edit of sorted) {
    result = result.slice(0, edit.offset) + edit.content + result.slice(edit.offset + edit.length);
  }
  return result;
}

export function offsetEditToRange(text: string, edit: OffsetEdit): { range: Range; newText: string } {
  return { range: rangeOf(text, edit.offset, edit.offset + edit.length), newText: edit.content };
}
