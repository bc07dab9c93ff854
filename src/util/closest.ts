/** "Did you mean …" support: edit distance and the closest names to an input. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The `n` names nearest to `name` (substring matches favoured), optionally only within `maxDistance`. */
export function closestNames(name: string, names: readonly string[], n: number, maxDistance = Infinity): string[] {
  const key = name.toLowerCase();
  return names
    .map((c) => ({ c, d: editDistance(key, c.toLowerCase()) - (c.toLowerCase().includes(key) || key.includes(c.toLowerCase()) ? 2 : 0) }))
    .filter((x) => x.d <= maxDistance)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, n)
    .map((x) => x.c);
}
