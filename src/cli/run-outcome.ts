/**
 * The exit code and last line of `run`: a run where no cell measured anything failed (1); one
 * where some cells errored or were unsupported is partial (3) and says which; Ctrl-C is 130.
 * CI scripts can tell "nothing measured" from "measured, with gaps" without parsing the table.
 */
import type { RunSummary } from '../results/schema.ts';

export const EXIT = { ok: 0, failed: 1, assertion: 2, partial: 3, interrupted: 130 } as const;

/** The exit-code table, as `--help` prints it (the README has the same table). */
export const EXIT_CODES_HELP = `Exit codes: 0 ok · 1 tool or usage error, or a run where no cell measured anything · 2 a failed
assertion or regression (assert, compare) · 3 a partial run (some cells errored or were unsupported;
the last line says which) · 130 interrupted (finished cells are kept; --resume finishes the rest)`;

export interface RunOutcome {
  code: number;
  /** the line printed last (null: all cells measured, nothing to add) */
  line: string | null;
}

export function runOutcome(summaries: readonly RunSummary[], interrupted: boolean, resumeHint: string): RunOutcome {
  const cells = summaries.flatMap((s) => s.cells);
  const measured = cells.filter((c) => c.status === 'ok' && c.requests.measured > 0).length;
  const errored = cells.filter((c) => c.status === 'errored').length;
  const unsupported = cells.filter((c) => c.status === 'unsupported').length;
  const empty = cells.length - measured - errored - unsupported;
  const parts = [
    errored && `${errored} errored`,
    unsupported && `${unsupported} unsupported`,
    empty && `${empty} without measured requests`,
  ]
    .filter(Boolean)
    .join(', ');
  if (interrupted) return { code: EXIT.interrupted, line: `interrupted after ${measured} measured cell(s): resume with ${resumeHint}` };
  if (measured === 0) {
    return {
      code: EXIT.failed,
      line: `failed: no cell measured anything (${cells.length} cell(s)${parts ? `: ${parts}` : ''}); the errors are listed above (exit ${EXIT.failed})`,
    };
  }
  if (measured < cells.length)
    return { code: EXIT.partial, line: `partial: ${measured} of ${cells.length} cells measured, ${parts} (exit ${EXIT.partial})` };
  return { code: EXIT.ok, line: null };
}
