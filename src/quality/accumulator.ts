/**
 * Accumulates per-position comparisons into the quality summary of one (runner, dtype) against
 * its reference. Keeps every KL value (a few thousand numbers) so p99 is exact, nearest-rank as
 * everywhere else in edgebench.
 */
import { percentileSorted } from '../stats/percentile.ts';
import type { RowComparison } from './divergence.ts';

export interface QualityFigures {
  positions: number;
  sameTopRate: number;
  klMeanNats: number;
  klP99Nats: number;
  klMaxNats: number;
  deltaPMean: number;
  /** exp(mean NLL of the real next token): meaningful for real weights only */
  perplexityRef: number | null;
  perplexityTest: number | null;
}

export class QualityAccumulator {
  private readonly kl: number[] = [];
  private sameTop = 0;
  private deltaP = 0;
  private refNll = 0;
  private testNll = 0;
  private nllCount = 0;

  add(row: RowComparison): void {
    this.kl.push(row.klNats);
    if (row.sameTop) this.sameTop++;
    this.deltaP += row.deltaP;
    if (row.refNll !== null && row.testNll !== null) {
      this.refNll += row.refNll;
      this.testNll += row.testNll;
      this.nllCount++;
    }
  }

  get positions(): number {
    return this.kl.length;
  }

  figures(): QualityFigures {
    const n = this.kl.length;
    if (n === 0) throw new RangeError('no positions compared');
    const sorted = [...this.kl].sort((a, b) => a - b);
    return {
      positions: n,
      sameTopRate: this.sameTop / n,
      klMeanNats: this.kl.reduce((a, b) => a + b, 0) / n,
      klP99Nats: percentileSorted(sorted, 99),
      klMaxNats: sorted[n - 1]!,
      deltaPMean: this.deltaP / n,
      perplexityRef: this.nllCount > 0 ? Math.exp(this.refNll / this.nllCount) : null,
      perplexityTest: this.nllCount > 0 ? Math.exp(this.testNll / this.nllCount) : null,
    };
  }
}
