/** Names within a small edit distance of `input`, best first (for "did you mean" hints). */
export function closest(input: string, names: readonly string[], max = 3): string[] {
  const a = input.toLowerCase();
  return names
    .map((n) => ({ n, d: levenshtein(a, n.toLowerCase()) - (n.toLowerCase().includes(a) || a.includes(n.toLowerCase()) ? 2 : 0) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(a.length / 3)))
    .sort((x, y) => x.d - y.d)
    .slice(0, max)
    .map((x) => x.n);
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
