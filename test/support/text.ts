/** 0-based position of the first occurrence of `needle` (after `after`, when given). */
export function positionOf(
  text: string,
  needle: string,
  after?: string,
): { line: number; character: number } {
  const from = after === undefined ? 0 : text.indexOf(after);
  const offset = text.indexOf(needle, from < 0 ? 0 : from);
  if (offset < 0) throw new Error(`fixture does not contain ${needle}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** A flagd file from a flags object, indented like hand-written files. */
export function flagdFile(flags: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', ...extra, flags }, null, 2)}\n`;
}
