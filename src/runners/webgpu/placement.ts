/**
 * Which execution provider really ran the graph. onnxruntime assigns every node the requested EP
 * cannot run to the CPU EP without a word; a session "on webgpu" whose heavy nodes all run on the
 * CPU is a silent fallback. We read it from onnxruntime's own profile of one short warm-up step
 * (profiling is switched off again right after, so measured requests are not slowed down).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export interface EpPlacement {
  /** kernel executions per provider during the profiled step (e.g. WebGpuExecutionProvider: 256) */
  nodes: Record<string, number>;
  /** kernel time per provider, µs */
  kernelUs: Record<string, number>;
}

const EP_PROVIDER: Record<string, string> = {
  cpu: 'CPUExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  tensorrt: 'TensorrtExecutionProvider',
  coreml: 'CoreMLExecutionProvider',
  dml: 'DmlExecutionProvider',
  qnn: 'QNNExecutionProvider',
};

export function providerName(ep: string): string {
  return EP_PROVIDER[ep] ?? ep;
}

const ProfileEvent = z.looseObject({
  cat: z.string(),
  name: z.string(),
  dur: z.number().nonnegative().optional(),
  args: z.looseObject({ provider: z.string().optional() }).optional(),
});
const Profile = z.array(z.unknown());

export function placementFromProfile(json: unknown): EpPlacement {
  const events = Profile.parse(json);
  const nodes: Record<string, number> = {};
  const kernelUs: Record<string, number> = {};
  for (const raw of events) {
    const e = ProfileEvent.safeParse(raw);
    if (!e.success || e.data.cat !== 'Node' || !e.data.name.endsWith('_kernel_time')) continue;
    const p = e.data.args?.provider;
    if (!p) continue;
    nodes[p] = (nodes[p] ?? 0) + 1;
    kernelUs[p] = (kernelUs[p] ?? 0) + (e.data.dur ?? 0);
  }
  return { nodes, kernelUs };
}

/** Share (0..1) of kernel time spent on the requested EP; null when nothing was profiled. */
export function requestedShare(p: EpPlacement, ep: string): number | null {
  const total = Object.values(p.kernelUs).reduce((a, b) => a + b, 0);
  const nodes = Object.values(p.nodes).reduce((a, b) => a + b, 0);
  if (nodes === 0) return null;
  if (total === 0) return (p.nodes[providerName(ep)] ?? 0) / nodes;
  return (p.kernelUs[providerName(ep)] ?? 0) / total;
}

/**
 * Asked for a non-CPU EP but it ran (almost) nothing: fallback. Shape bookkeeping nodes (Shape,
 * Gather on int64, Range) always stay on the CPU and take microseconds, hence the 50 % threshold.
 */
export function isSilentFallback(p: EpPlacement, ep: string): boolean {
  if (ep === 'cpu') return false;
  const share = requestedShare(p, ep);
  return share !== null && share < 0.5;
}

export function placementSettings(p: EpPlacement, ep: string): Record<string, number | string | null> {
  const share = requestedShare(p, ep);
  return {
    nodesOnRequestedEp: p.nodes[providerName(ep)] ?? 0,
    nodesOnCpuEp: p.nodes.CPUExecutionProvider ?? 0,
    kernelTimeShareOnRequestedEp: share === null ? null : Math.round(share * 1000) / 1000,
  };
}

/** A profile file location for one session, and a reader that collects and deletes it. */
export function profileTarget(): { prefix: string; read(): EpPlacement | null } {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-profile-'));
  const prefix = join(dir, 'ort');
  return {
    prefix,
    read() {
      try {
        const f = readdirSync(dir).find((n) => n.endsWith('.json'));
        return f ? placementFromProfile(JSON.parse(readFileSync(join(dir, f), 'utf8'))) : null;
      } catch {
        return null;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export function fallbackWarning(ep: string, p: EpPlacement): string {
  const share = requestedShare(p, ep);
  return `asked for '${ep}' but ${share === null ? 'no' : `only ${(share * 100).toFixed(0)} % of`} kernel time ran on it (nodes: ${Object.entries(
    p.nodes,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}): onnxruntime fell back to the CPU`;
}
