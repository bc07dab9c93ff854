/**
 * Machine conditions during a cell: CPU time of other processes (all CPU time the kernel counts
 * as busy minus edgebench's own), steal, clock frequency, temperature and power source. Read at
 * the cell's start and end (the mean over the cell) and every second in between (the busiest
 * second). On Linux from /proc and /sys; elsewhere from os.cpus() and process.cpuUsage().
 *
 * Other processes include a local server that an http runner talks to: that load is the
 * benchmark's own, which analyze says for http-client cells.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { MachineLoad } from '../results/machine-schema.ts';
import { readCpuFreqMHz, readMaxFreqMHz, readPowerSource, readThermalMaxC } from './machine-sensors.ts';

/** CPU time in one unit (Linux: USER_HZ ticks; elsewhere ms): all cores together. */
interface CpuTimes {
  total: number;
  busy: number;
  steal: number | null;
}

interface Snapshot {
  atMs: number;
  cpu: CpuTimes;
  self: number;
  procs: Map<number, { name: string; ticks: number }> | null;
  source: MachineLoad['source'];
}

const LINUX = process.platform === 'linux';

function readProcStat(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    return { total: user + nice + system + idle + iowait + irq + softirq + steal, busy: user + nice + system + irq + softirq, steal };
  } catch {
    return null;
  }
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line; the name is in parentheses. */
function parsePidStat(text: string): { name: string; ticks: number } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const name = text.slice(text.indexOf('(') + 1, close);
  const rest = text.slice(close + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]); // fields 14, 15 counted from 1 with pid and comm as 1, 2
  return Number.isFinite(ticks) ? { name, ticks } : null;
}

function readSelfTicks(): number | null {
  try {
    return parsePidStat(readFileSync('/proc/self/stat', 'utf8'))?.ticks ?? null;
  } catch {
    return null;
  }
}

function readProcs(): Map<number, { name: string; ticks: number }> | null {
  if (!LINUX) return null;
  const out = new Map<number, { name: string; ticks: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      const p = parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (p) out.set(Number(pid), p);
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

function osTimes(): { cpu: CpuTimes; self: number } {
  let total = 0;
  let busy = 0;
  for (const c of cpus()) {
    const t = c.times;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
    busy += t.user + t.nice + t.sys + t.irq;
  }
  const u = process.cpuUsage();
  return { cpu: { total, busy, steal: null }, self: (u.user + u.system) / 1000 };
}

function snapshot(withProcs: boolean): Snapshot {
  const atMs = performance.now();
  const stat = LINUX ? readProcStat() : null;
  const self = stat ? readSelfTicks() : null;
  if (stat && self !== null) return { atMs, cpu: stat, self, procs: withProcs ? readProcs() : null, source: 'linux-proc' };
  return { atMs, ...osTimes(), procs: null, source: 'os-cpus' };
}

/** Cores used by other processes between two snapshots, and by us, and the steal share. */
function between(a: Snapshot, b: Snapshot, cores: number): { other: number; self: number; stealPct: number | null } {
  const dTotal = b.cpu.total - a.cpu.total;
  if (dTotal <= 0) return { other: 0, self: 0, stealPct: null };
  const self = Math.max(0, b.self - a.self);
  const other = Math.max(0, b.cpu.busy - a.cpu.busy - self);
  const steal = a.cpu.steal !== null && b.cpu.steal !== null ? ((b.cpu.steal - a.cpu.steal) / dTotal) * 100 : null;
  return { other: (other / dTotal) * cores, self: (self / dTotal) * cores, stealPct: steal };
}

function topOther(a: Snapshot, b: Snapshot, cores: number): MachineLoad['topOther'] {
  if (!a.procs || !b.procs) return [];
  const dTotal = b.cpu.total - a.cpu.total;
  if (dTotal <= 0) return [];
  const used: { name: string; cores: number }[] = [];
  for (const [pid, p] of b.procs) {
    if (pid === process.pid) continue;
    const d = p.ticks - (a.procs.get(pid)?.ticks ?? 0); // a process born during the cell counts from 0
    if (d > 0) used.push({ name: p.name, cores: (d / dTotal) * cores });
  }
  return used
    .sort((x, y) => y.cores - x.cores)
    .slice(0, 3)
    .map((u) => ({ name: u.name, cores: Math.round(u.cores * 100) / 100 }));
}

export interface MachineLoadRecorder {
  stop(): MachineLoad;
}

/** Start recording machine conditions; stop() returns the record for the cell. */
export function startMachineLoad(opts: { intervalMs?: number } = {}): MachineLoadRecorder {
  const cores = cpus().length || 1;
  const first = snapshot(true);
  let prev = first;
  let maxOther: number | null = null;
  let samples = 1;
  const freqs: number[] = [];
  let thermal: number | null = null;
  const sample = () => {
    const s = snapshot(false);
    const o = between(prev, s, cores).other;
    maxOther = Math.max(maxOther ?? 0, o);
    prev = s;
    samples++;
    const f = readCpuFreqMHz();
    if (f !== null) freqs.push(f);
    const t = readThermalMaxC();
    if (t !== null) thermal = Math.max(thermal ?? -Infinity, t);
  };
  const f0 = readCpuFreqMHz();
  if (f0 !== null) freqs.push(f0);
  thermal = readThermalMaxC();
  const timer = setInterval(sample, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    stop(): MachineLoad {
      clearInterval(timer);
      const last = snapshot(true);
      samples++;
      const f = readCpuFreqMHz();
      if (f !== null) freqs.push(f);
      const all = between(first, last, cores);
      const round = (x: number) => Math.round(x * 1000) / 1000;
      return {
        source: first.source,
        logicalCores: cores,
        durationS: round((last.atMs - first.atMs) / 1000),
        otherCores: round(all.other),
        otherCoresMax: maxOther === null ? null : round(maxOther),
        selfCores: round(all.self),
        stealPct: all.stealPct === null ? null : round(Math.max(0, all.stealPct)),
        freqMHz: freqs.length
          ? { mean: round(freqs.reduce((s, x) => s + x, 0) / freqs.length), min: Math.min(...freqs), maxRated: readMaxFreqMHz() }
          : null,
        thermalMaxC: thermal,
        power: readPowerSource(),
        topOther: topOther(first, last, cores),
        samples,
      };
    },
  };
}

/** Cores used by other processes over `ms` of waiting (for --wait-for-quiet). */
export async function otherCoresOver(ms: number): Promise<number> {
  const a = snapshot(false);
  await new Promise<void>((r) => setTimeout(r, ms));
  return between(a, snapshot(false), cpus().length || 1).other;
}
