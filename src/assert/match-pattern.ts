/**
 * An `assertMatrix` match value: a literal (`pp128`) or a regular expression written `/…/flags`
 * (`/^pp/`). The expression is compiled when the file is read, so a bad one is a CONFIG_INVALID
 * naming the field instead of a SyntaxError in the middle of `assert`.
 */
const SLASHED = /^\/(.*)\/([a-z]*)$/s;

/** Why `want` is not a usable pattern, or null. */
export function matchPatternProblem(want: string): string | null {
  const re = SLASHED.exec(want);
  if (!re) return null;
  try {
    new RegExp(re[1]!, re[2]);
    return null;
  } catch (e) {
    return `${want} is not a valid regular expression (${(e as Error).message.split('\n')[0]})`;
  }
}

/** Whether `got` matches `want` (undefined matches anything). Call after matchPatternProblem. */
export function matchesPattern(want: string | undefined, got: string): boolean {
  if (want === undefined) return true;
  const re = SLASHED.exec(want);
  return re ? new RegExp(re[1]!, re[2]).test(got) : want === got;
}
