/** Edit distance, for "did you mean" on unknown flag keys. Keys are short, so O(n*m) is fine. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(
        previous[j] + 1,
        previous[j - 1] + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[b.length];
}

const normalise = (key: string): string => key.toLowerCase().replace(/[-_.\s]/g, '');

/** The closest known keys, best first: same letters ignoring case and separators, then small typos. */
export function closestKeys(key: string, known: Iterable<string>, limit = 3): string[] {
  const target = normalise(key);
  const scored: { key: string; score: number }[] = [];
  for (const candidate of known) {
    if (candidate === key) continue;
    const distance =
      normalise(candidate) === target ? 0 : editDistance(key.toLowerCase(), candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(key.length, candidate.length) / 4));
    if (distance <= allowed) scored.push({ key: candidate, score: distance });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map((entry) => entry.key);
}
