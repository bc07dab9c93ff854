/**
 * A stored cell is final: a device may not post a cell twice with other numbers (that would
 * overwrite the stored times while run.json still says what it said), nor post anything after it
 * finished. An identical re-post — the page retrying after a lost response — gets the stored row
 * back, so retries stay safe.
 */
import { createHash } from 'node:crypto';
import { HttpError } from './http-json.ts';
import type { CellRow } from './shared/protocol.ts';

export interface StoredCell {
  digest: string;
  row: CellRow;
}

export const uploadDigest = (upload: unknown): string => createHash('sha256').update(JSON.stringify(upload)).digest('hex');

/** The stored row for an identical re-post; throws 409 for a changed re-post or a finished device. */
export function checkCellOnce(
  stored: ReadonlyMap<number, StoredCell>,
  index: number,
  digest: string,
  ended: boolean,
  label: string,
): CellRow | null {
  const prev = stored.get(index);
  if (prev && prev.digest === digest) return prev.row;
  if (prev)
    throw new HttpError(
      409,
      'CELL_STORED',
      `${label}: cell ${index + 1} is already stored; a stored cell cannot be replaced`,
      'reload the page to start a new device run (it gets a new folder)',
    );
  if (ended)
    throw new HttpError(
      409,
      'DEVICE_FINISHED',
      `${label} already finished; no more cells are accepted`,
      'reload the page to start a new device run (it gets a new folder)',
    );
  return null;
}
