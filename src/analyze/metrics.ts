/** Every metric edgebench computes, in report order. */
import type { Metric } from './metric.ts';
import { ttft } from './ttft.ts';
import { e2e } from './e2e.ts';
import { tpot } from './tpot.ts';
import { decodeThroughput } from './decode-throughput.ts';
import { prefillThroughput } from './prefill-throughput.ts';
import { itl } from './itl.ts';
import { roofline } from './roofline.ts';

export const METRICS: readonly Metric[] = [ttft, e2e, tpot, decodeThroughput, prefillThroughput, itl, roofline];
