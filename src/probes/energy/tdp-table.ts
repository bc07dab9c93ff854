/**
 * CPU thermal design power for the estimate: TDP (Intel: Processor Base Power; AMD: default TDP)
 * and hardware threads per package, from the vendors' product pages (ark.intel.com, amd.com).
 * A model not listed falls back to the median watts per thread of its family here (with the
 * family's min–max range), else of the whole table — labelled as such. Add rows with their source.
 */
export interface TdpEntry {
  model: string;
  /** matched against os.cpus()[0].model, case-insensitive */
  match: RegExp;
  family: 'intel-core' | 'intel-xeon' | 'amd-ryzen' | 'amd-epyc';
  tdpWatts: number;
  threads: number;
  source: string;
}

const INTEL = 'ark.intel.com product specifications (Processor Base Power)';
const AMD = 'amd.com product specifications (Default TDP)';

export const TDP_TABLE: readonly TdpEntry[] = [
  { model: 'Intel Core i7-1260P', match: /i7-1260P\b/i, family: 'intel-core', tdpWatts: 28, threads: 16, source: INTEL },
  { model: 'Intel Core i7-12700H', match: /i7-12700H\b/i, family: 'intel-core', tdpWatts: 45, threads: 20, source: INTEL },
  { model: 'Intel Core i9-13900K', match: /i9-13900K\b/i, family: 'intel-core', tdpWatts: 125, threads: 32, source: INTEL },
  { model: 'Intel Core i9-14900K', match: /i9-14900K\b/i, family: 'intel-core', tdpWatts: 125, threads: 32, source: INTEL },
  { model: 'Intel Core Ultra 7 155H', match: /Ultra 7 155H\b/i, family: 'intel-core', tdpWatts: 28, threads: 22, source: INTEL },
  { model: 'Intel Xeon Platinum 8380', match: /Platinum 8380\b/i, family: 'intel-xeon', tdpWatts: 270, threads: 80, source: INTEL },
  { model: 'Intel Xeon Platinum 8480+', match: /Platinum 8480\+?/i, family: 'intel-xeon', tdpWatts: 350, threads: 112, source: INTEL },
  { model: 'AMD Ryzen 7 5800X', match: /Ryzen 7 5800X\b/i, family: 'amd-ryzen', tdpWatts: 105, threads: 16, source: AMD },
  { model: 'AMD Ryzen 9 5950X', match: /Ryzen 9 5950X\b/i, family: 'amd-ryzen', tdpWatts: 105, threads: 32, source: AMD },
  { model: 'AMD Ryzen 9 7950X', match: /Ryzen 9 7950X\b/i, family: 'amd-ryzen', tdpWatts: 170, threads: 32, source: AMD },
  { model: 'AMD Ryzen 7 7840U', match: /Ryzen 7 7840U\b/i, family: 'amd-ryzen', tdpWatts: 28, threads: 16, source: AMD },
  { model: 'AMD EPYC 7763', match: /EPYC 7763\b/i, family: 'amd-epyc', tdpWatts: 280, threads: 128, source: AMD },
  { model: 'AMD EPYC 9124', match: /EPYC 9124\b/i, family: 'amd-epyc', tdpWatts: 200, threads: 32, source: AMD },
  { model: 'AMD EPYC 9354', match: /EPYC 9354\b/i, family: 'amd-epyc', tdpWatts: 280, threads: 64, source: AMD },
  { model: 'AMD EPYC 9454', match: /EPYC 9454\b/i, family: 'amd-epyc', tdpWatts: 290, threads: 96, source: AMD },
  { model: 'AMD EPYC 9554', match: /EPYC 9554\b/i, family: 'amd-epyc', tdpWatts: 360, threads: 128, source: AMD },
  { model: 'AMD EPYC 9654', match: /EPYC 9654\b/i, family: 'amd-epyc', tdpWatts: 360, threads: 192, source: AMD },
];

const FAMILY_MATCH: [RegExp, TdpEntry['family']][] = [
  [/\bEPYC\b/i, 'amd-epyc'],
  [/\bRyzen\b/i, 'amd-ryzen'],
  [/\bXeon\b/i, 'intel-xeon'],
  [/\bCore\b.*\b(i[3579]|Ultra)\b|\bCore\(TM\)/i, 'intel-core'],
];

export interface TdpLookup {
  /** watts per busy hardware thread */
  wattsPerThread: number;
  /** range over the rows the figure came from (equal to wattsPerThread for an exact row) */
  rangeWattsPerThread: [number, number];
  how: 'table' | 'family-median' | 'table-median';
  description: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fromRows(rows: readonly TdpEntry[], how: TdpLookup['how'], label: string): TdpLookup {
  const per = rows.map((r) => r.tdpWatts / r.threads);
  const w = median(per);
  return {
    wattsPerThread: w,
    rangeWattsPerThread: [Math.min(...per), Math.max(...per)],
    how,
    description: `${label}: median ${w.toFixed(2)} W per thread over ${rows.length} listed models (${Math.min(...per).toFixed(2)}–${Math.max(...per).toFixed(2)} W) — ${rows.map((r) => r.model).join(', ')}`,
  };
}

export function lookupTdp(cpuModel: string): TdpLookup {
  const hit = TDP_TABLE.find((e) => e.match.test(cpuModel));
  if (hit) {
    const w = hit.tdpWatts / hit.threads;
    return {
      wattsPerThread: w,
      rangeWattsPerThread: [w, w],
      how: 'table',
      description: `${hit.model}: ${hit.tdpWatts} W over ${hit.threads} threads (${hit.source})`,
    };
  }
  const fam = FAMILY_MATCH.find(([re]) => re.test(cpuModel))?.[1];
  if (fam)
    return fromRows(
      TDP_TABLE.filter((e) => e.family === fam),
      'family-median',
      `"${cpuModel}" is not in the TDP table; ${fam} family`,
    );
  return fromRows(TDP_TABLE, 'table-median', `"${cpuModel}" is not in the TDP table and its family is unknown; whole table`);
}
