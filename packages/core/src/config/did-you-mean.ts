/**
 * "Did you mean ...?" hints for misspelt option names.
 */

/** Levenshtein distance between two short strings. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The closest of `candidates` to `name`, if it is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  if (bestDistance <= tolerance) return best;
  // A different ending on the same stem (`bodySize` for `bodyBytes`) is still a likely slip.
  const stem = name.toLowerCase().slice(0, 4);
  const sameStem = stem.length === 4 ? candidates.filter((c) => c.toLowerCase().startsWith(stem)) : [];
  return sameStem.length === 1 ? sameStem[0] : undefined;
}
