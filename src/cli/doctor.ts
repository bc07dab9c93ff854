/** `edgebench doctor`: what this machine has and what it can stream — printed or as JSON. */
import type { Command } from 'commander';
import { threadsFlag } from '../config/bounds.ts';
import { isFailed, runDoctor, type DoctorReport, type DoctorRunner } from '../probes/doctor.ts';
import type { KernelProbeResult } from '../probes/kernels.ts';
import type { MemoryBandwidth } from '../probes/memory-bandwidth.ts';
import { listRunners } from '../runners/registry.ts';

interface DoctorFlags {
  json?: boolean;
  full?: boolean;
  fast?: boolean;
  threads?: string;
}

const GB = 1e9;
const GiB = 2 ** 30;
const f1 = (x: number): string => x.toFixed(1);
const pct = (x: number): string => `${Math.round(100 * x)} %`;

function environmentLines(r: DoctorReport): string[] {
  const e = r.environment;
  const sw = Object.entries(e.software)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
  const gpus = e.gpus.length
    ? e.gpus.map((g) => `${g.vendor} ${g.model}${g.vramBytes ? ` (${f1(g.vramBytes / GiB)} GiB)` : ''}`).join(', ')
    : 'none found';
  const speed = e.cpu.speedMaxGHz ?? e.cpu.speedGHz;
  return [
    'environment',
    `  cpu          ${e.cpu.manufacturer} ${e.cpu.brand} · ${e.cpu.physicalCores} physical / ${e.cpu.logicalCores} logical cores${speed ? ` · ${speed} GHz` : ''}`,
    `  isa          ${e.cpu.flags.join(' ') || 'none of the inference flags found'}`,
    `  governor     ${e.cpu.governor ?? 'unknown (no cpufreq)'}`,
    `  memory       ${f1(e.memory.totalBytes / GiB)} GiB total, ${f1(e.memory.availableBytes / GiB)} GiB available`,
    `  os           ${e.os.distro} ${e.os.release} (${e.os.platform} ${e.os.arch}, kernel ${e.os.kernel})`,
    `  gpus         ${gpus}`,
    `  power        ${e.power.source}${e.power.batteryPercent !== null ? ` (battery ${e.power.batteryPercent} %)` : ''}`,
    `  software     ${sw}`,
    `  git          ${e.git ? `${e.git.commit.slice(0, 12)}${e.git.dirty ? ' (dirty)' : ''}` : 'not a git checkout'}`,
    `  fingerprint  ${e.fingerprint}`,
  ];
}

function statusLines(title: string, rows: { name: string; ok: boolean; reason?: string; hint?: string }[]): string[] {
  const w = Math.max(...rows.map((x) => x.name.length), 4);
  const out = [title];
  for (const x of rows) {
    out.push(`  ${x.ok ? '✓' : '✗'} ${x.name.padEnd(w)}  ${x.ok ? (x.reason ?? 'ok') : (x.reason ?? 'unavailable')}`);
    if (!x.ok && x.hint) out.push(`    ${' '.repeat(w)}  fix: ${x.hint}`);
  }
  return out;
}

function bandwidthLines(bw: NonNullable<DoctorReport['memoryBandwidth']>): string[] {
  const out = ['memory bandwidth (best of n; [median]; cpu = share of the asked-for cores the probe got)'];
  for (const [threads, r] of Object.entries(bw)) {
    if (isFailed(r)) {
      out.push(`  ${threads} thread(s): failed — ${r.error}`);
      continue;
    }
    const m: MemoryBandwidth = r;
    const mib = Math.round(m.ort.bufferBytes / 2 ** 20);
    out.push(
      `  ${threads} thread(s), ${mib} MiB`,
      `    ORT fp32 GEMV (MatMul [1,K]×[K,N])  ${f1(m.ort.bytesPerS / GB)} GB/s  [${f1(m.ort.medianBytesPerS / GB)}]  n=${m.ort.samples}  cpu ${pct(m.ort.cpuShare)}  ← memoryBandwidthBytesPerS`,
      `    JS Float64Array sum                ${f1(m.js.bytesPerS / GB)} GB/s  [${f1(m.js.medianBytesPerS / GB)}]  n=${m.js.samples}  cpu ${pct(m.js.cpuShare)}`,
    );
  }
  return out;
}

function kernelLines(arch: string, k: KernelProbeResult, bandwidthBytesPerS: number | null): string[] {
  const out = [`matmul kernels: ${arch} shapes, ${k.threads} thread(s), ORT CPU EP (best time per kernel; weights streamed from DRAM)`];
  const groups = new Set(k.timings.map((t) => `${t.variant}|${t.phase}`));
  for (const key of groups) {
    const rows = k.timings.filter((t) => `${t.variant}|${t.phase}` === key);
    const first = rows[0];
    if (!first) continue;
    const kind = first.variant === 'fp32' ? 'fp32 MatMul' : `q4 MatMulNBits accuracy_level ${first.variant === 'q4-acc4' ? 4 : 0}`;
    out.push(`  ${kind}, ${first.phase} (M=${first.m})`);
    out.push(`    ${'kernel'.padEnd(10)} ${'K×N'.padEnd(12)} ${'ms'.padStart(8)} ${'GFLOP/s'.padStart(8)} ${'GB/s'.padStart(6)}`);
    for (const t of rows) {
      out.push(
        `    ${t.kernel.padEnd(10)} ${`${t.k}×${t.n}`.padEnd(12)} ${t.ms.toFixed(3).padStart(8)} ${f1(t.gflopPerS).padStart(8)} ${f1(t.weightGBPerS).padStart(6)}`,
      );
    }
    const roof = k.rooflines.find((x) => x.variant === first.variant && x.phase === first.phase);
    if (roof) {
      const unit = roof.phase === 'decode' ? 'tok/s decode' : `prompt tok/s (pp${k.prefillTokens})`;
      out.push(
        `    kernel roofline: ${roof.msPerStep.toFixed(1)} ms of matmuls per ${roof.phase === 'decode' ? 'token' : 'prompt'} → ≤ ${f1(roof.maxTokensPerS)} ${unit}` +
          ` (${f1(roof.weightBytesPerStep / GB)} GB weights at ${f1(roof.effectiveGBPerS)} GB/s${roof.partial ? '; partial' : ''})`,
      );
      if (roof.phase === 'decode' && bandwidthBytesPerS) {
        out.push(
          `    memory roofline: ${f1(bandwidthBytesPerS / GB)} GB/s ÷ ${f1(roof.weightBytesPerStep / GB)} GB per token → ≤ ${f1(bandwidthBytesPerS / roof.weightBytesPerStep)} tok/s decode`,
        );
      }
    }
  }
  return out;
}

export function formatDoctor(r: DoctorReport): string {
  const blocks: string[][] = [environmentLines(r)];
  blocks.push(
    statusLines(
      'execution providers (onnxruntime-node)',
      r.executionProviders.map((e) => ({ name: e.ep, ...e })),
    ),
  );
  blocks.push(
    statusLines(
      'runners (cpu)',
      r.runners.map((x) => ({ name: x.id, ...x, reason: x.ok ? (x.description ?? undefined) : x.reason })),
    ),
  );
  if (r.memoryBandwidth) blocks.push(bandwidthLines(r.memoryBandwidth));
  if (r.kernels) {
    const { arch, ...k } = r.kernels;
    const bw = r.memoryBandwidth?.[String(r.threads)];
    const bytesPerS = bw && !isFailed(bw) ? bw.memoryBandwidthBytesPerS : null;
    blocks.push(isFailed(k) ? [`matmul kernels: failed — ${k.error}`] : kernelLines(arch, k as KernelProbeResult, bytesPerS));
  }
  for (const [name, s] of Object.entries(r.sections))
    blocks.push(isFailed(s) ? [`${name}: failed — ${s.error}`] : [name, ...s.lines.map((l) => `  ${l}`)]);
  if (!r.memoryBandwidth) blocks.push(['(timing probes skipped: --fast)']);
  if (r.warnings.length) blocks.push(['warnings', ...r.warnings.map((w) => `  ! ${w}`)]);
  blocks.push([`done in ${f1(r.elapsedMs / 1000)} s`]);
  return blocks.map((b) => b.join('\n')).join('\n\n');
}

function parseThreads(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  return threadsFlag(v) ?? undefined;
}

/** Each runner is imported when it is probed (a runner whose module fails to load shows as not available). */
const registeredRunners = (): DoctorRunner[] =>
  listRunners().map((e) => ({ id: e.id, description: e.description, probe: async (o) => (await e.load()).probe(o) }));

export async function doctorCommand(flags: DoctorFlags, runners: readonly DoctorRunner[] = registeredRunners()): Promise<void> {
  const threads = parseThreads(flags.threads);
  const onProgress =
    !flags.json && process.stderr.isTTY ? (what: string): void => void process.stderr.write(`  probing ${what}…\n`) : undefined;
  const report = await runDoctor({ threads, full: flags.full, fast: flags.fast, runners, onProgress });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctor(report)}\n`);
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check this machine: environment, execution providers, runners, memory bandwidth, matmul-kernel roofline')
    .option('--json', 'print the report as JSON')
    .option('--full', 'more probes: bandwidth at 1 and N threads; q4 (accuracy 4 and 0) and fp32 kernels, decode and prefill (~1–2 min)')
    .option('--fast', 'skip the timing probes (bandwidth, kernels)')
    .option('--threads <n>', 'intra-op threads for the probes (default: physical cores)')
    .action(async (flags: DoctorFlags) => doctorCommand(flags));
}
