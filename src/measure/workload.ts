/**
 * Seeded token workloads. Ids are drawn from a fixed range that avoids the low special-token
 * region, so every run of a suite feeds identical ids. Text prompts go through the tokenizer
 * instead (outside the timed window).
 */
export function seededTokenIds(count: number, vocabSize: number, seed: number): number[] {
  let s = seed >>> 0 || 0x9e3779b9;
  const lo = Math.min(1000, Math.floor(vocabSize / 4));
  const span = Math.max(1, vocabSize - lo - 1);
  const ids: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    ids[i] = lo + (s % span);
  }
  return ids;
}
