/** Prints the ladders of a run folder (if any) after `run`'s table. */
import { readLoadFiles } from '../load/io.ts';
import { summarizeLadder } from '../load/goodput.ts';
import { formatLadder } from '../load/format-ladder.ts';
import { edgeVsCloud, formatEdgeVsCloud, ladderSeries } from '../load/fairness.ts';

export async function printLadders(dir: string): Promise<void> {
  for (const f of await readLoadFiles(dir)) console.log(`\n${formatLadder(f, summarizeLadder(f))}`);
  const fair = formatEdgeVsCloud(edgeVsCloud(await ladderSeries([dir])));
  if (fair) console.log(`\n${fair}`);
}
