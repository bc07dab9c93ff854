/**
 * Decode cannot be faster than memory can deliver the weights: tok/s ≤ bandwidth ÷ bytes read per
 * token. On the CPU the bound uses the bandwidth measured in the same run (×1.5 for measurement
 * error and partial cache hits); on any local device a 10 TB/s ceiling (above the HBM of every
 * accelerator sold in 2026; the B200 has 8 TB/s). Remote endpoints (http-client boundary) are not
 * screened: SRAM-based ASICs legitimately exceed any DRAM bound.
 */
import { CACHE_BYTES, fmt, onCpu, type PlausibilityRule } from './rule.ts';

export const MEASURED_BANDWIDTH_MARGIN = 1.5;
export const MAX_DEVICE_BANDWIDTH_BYTES_PER_S = 10e12;

export const decodeRoofline: PlausibilityRule = {
  id: 'decode-beyond-memory-bandwidth',
  check({ cell, summary }) {
    const tps = summary.metrics.decodeTokensPerS?.median ?? null;
    const bpt = cell.model?.bytesPerToken ?? null;
    if (tps === null || bpt === null || bpt < CACHE_BYTES || cell.boundary === 'http-client') return null;
    const bw = cell.memoryBandwidthBytesPerS;
    if (onCpu(cell) && bw !== null) {
      const bound = (bw * MEASURED_BANDWIDTH_MARGIN) / bpt;
      if (tps > bound)
        return `decode ${fmt(tps)} tok/s exceeds the memory-bandwidth roofline: ${fmt(bw / 1e9)} GB/s measured ×${MEASURED_BANDWIDTH_MARGIN} ÷ ${fmt(bpt / 1e6)} MB/token = ${fmt(bound)} tok/s`;
    }
    const ceiling = MAX_DEVICE_BANDWIDTH_BYTES_PER_S / bpt;
    if (tps > ceiling)
      return `decode ${fmt(tps)} tok/s needs more than ${MAX_DEVICE_BANDWIDTH_BYTES_PER_S / 1e12} TB/s for ${fmt(bpt / 1e6)} MB/token (ceiling ${fmt(ceiling)} tok/s)`;
    return null;
  },
};
