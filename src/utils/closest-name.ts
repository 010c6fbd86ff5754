/**
 * The candidate `name` was most likely meant to be, for a "did you mean"
 * hint, ignoring case, `-` and `_`: the nearest by edit distance, within a
 * third of its length (at least 1, at most 3); else the first that starts
 * with it or that it starts with (`stripe` and `stripeConnect`), at least
 * three characters in common. `undefined` when none is that near.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalise(name);
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best ?? candidates.find((candidate) => isPrefixPair(wanted, normalise(candidate)));
}

/** True when one name starts with the other, and the shorter has three characters or more. */
function isPrefixPair(a: string, b: string): boolean {
  // Stryker disable next-line EqualityOperator: with `<`, names of one length swap roles; one then starts with the other only when they are equal, which the edit distance (0) already found.
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
