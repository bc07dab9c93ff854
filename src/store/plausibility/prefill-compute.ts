/**
 * Prefill cannot beat the arithmetic: a forward pass costs about 2 × parameters operations per
 * token. Ceilings: on the CPU, 4096 operations per cycle per logical core at the maximum clock
 * (twice the AMX int8 peak of 2048); on any local device 20 POPS (twice the fp4 dense peak of
 * the fastest 2026 accelerator). Remote endpoints are not screened (batching and speculative
 * decoding make client-side figures incomparable with one device's compute).
 */
import { fmt, onCpu, type PlausibilityRule } from './rule.ts';

export const CPU_OPS_PER_CYCLE_PER_CORE = 4096;
export const MAX_DEVICE_OPS_PER_S = 20e15;
/** when the CPU clock is unknown */
const FALLBACK_GHZ = 6;

export const prefillCompute: PlausibilityRule = {
  id: 'prefill-beyond-compute',
  check({ cell, summary, env }) {
    const tps = summary.metrics.prefillTokensPerS?.median ?? null;
    const params = cell.model?.params ?? null;
    if (tps === null || params === null || params <= 0 || cell.boundary === 'http-client') return null;
    const ops = tps * 2 * params;
    if (onCpu(cell) && env.kind === 'node') {
      const ghz = env.cpu.speedMaxGHz ?? env.cpu.speedGHz ?? FALLBACK_GHZ;
      const cores = Math.max(1, env.cpu.logicalCores);
      const bound = cores * ghz * 1e9 * CPU_OPS_PER_CYCLE_PER_CORE;
      if (ops > bound)
        return `prefill ${fmt(tps)} tok/s × 2 × ${fmt(params / 1e9)} B params = ${fmt(ops / 1e12)} TOPS exceeds the CPU ceiling of ${fmt(bound / 1e12)} TOPS (${cores} cores × ${ghz} GHz × ${CPU_OPS_PER_CYCLE_PER_CORE} ops/cycle)`;
    }
    if (ops > MAX_DEVICE_OPS_PER_S)
      return `prefill ${fmt(tps)} tok/s × 2 × ${fmt(params / 1e9)} B params = ${fmt(ops / 1e15)} POPS exceeds ${MAX_DEVICE_OPS_PER_S / 1e15} POPS, more than any single device`;
    return null;
  },
};
