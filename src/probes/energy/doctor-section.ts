/** The "energy sources" part of `edgebench doctor`: what `--energy auto` would pick, and why the others are out. */
import type { DoctorSection } from '../doctor.ts';
import { autoOrder, probeAllSources } from './auto.ts';

export const energyDoctorSection: DoctorSection = async () => {
  const sources = await probeAllSources();
  const auto = autoOrder().find((name) => sources.find((s) => s.name === name)?.ok);
  const w = Math.max(...sources.map((s) => s.name.length));
  const lines: string[] = [];
  for (const s of sources) {
    const tag = s.method === 'estimated' ? ' (estimate)' : '';
    lines.push(`${s.ok ? '✓' : '✗'} ${s.name.padEnd(w)}  ${s.ok ? (s.note ?? 'usable') : (s.reason ?? 'unavailable')}${tag}`);
    if (!s.ok && s.hint) lines.push(`  ${' '.repeat(w)}  fix: ${s.hint}`);
  }
  lines.push(
    `--energy auto would use: ${auto ?? 'nothing'}${auto === 'estimate' ? ' (an ESTIMATE: no meter is usable here)' : ''}; nvidia-smi is preferred when the suite runs on cuda/tensorrt`,
  );
  return { lines, data: { sources, auto: auto ?? null } };
};
