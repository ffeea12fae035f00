/**
 * The final change of a file as small offset edits: a line diff between the original and the
 * cleaned text, each changed hunk trimmed to what really differs. Outside the edits the text is
 * byte-identical by construction.
 */
import { diffLines } from 'diff';
import type { OffsetEdit } from '../textEdit';

export function minimalEdits(before: string, after: string): OffsetEdit[] {
  if (before === after) return [];
  const edits: OffsetEdit[] = [];
  let offset = 0;
  let removed = '';
  let added = '';
  let hunkStart = 0;
  const flush = () => {
    if (removed === '' && added === '') return;
    let prefix = 0;
    const maxPrefix = Math.min(removed.length, added.length);
    while (prefix < maxPrefix && removed[prefix] === added[prefix]) prefix++;
    let suffix = 0;
    const maxSuffix = Math.min(removed.length, added.length) - prefix;
    while (suffix < maxSuffix && removed[removed.length - 1 - suffix] === added[added.length - 1 - suffix])
      suffix++;
    edits.push({
      offset: hunkStart + prefix,
      length: removed.length - prefix - suffix,
      content: added.slice(prefix, added.length - suffix),
    });
    removed = '';
    added = '';
  };
  for (const change of diffLines(before, after)) {
    if (change.added) {
      if (removed === '' && added === '') hunkStart = offset;
      added += change.value;
    } else if (change.removed) {
      if (removed === '' && added === '') hunkStart = offset;
      removed += change.value;
      offset += change.value.length;
    } else {
      flush();
      offset += change.value.length;
    }
  }
  flush();
  return edits;
}
