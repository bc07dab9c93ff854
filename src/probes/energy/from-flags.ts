/** `edgebench run --energy … --tdp-watts … --energy-baseline …` → the run's energy recorder (or none). */
import { EdgebenchError } from '../../errors.ts';
import { parseEnergyChoice, parseTdpWatts, selectEnergySource } from './auto.ts';
import { createEnergyRun, type EnergyRun } from './run-energy.ts';

export interface EnergyFlags {
  energy?: string;
  tdpWatts?: string;
  energyBaseline?: string;
}

export const ENERGY_OPTION_HELP = {
  energy:
    'energy source: auto (default: measured where a source exists, else a labelled estimate), rapl, nvidia-smi, powermetrics, battery, estimate, meter-csv:PATH, off',
  tdpWatts: 'CPU power at full load for --energy estimate/auto (default: the TDP table)',
  energyBaseline: 'seconds of idle power measured before the run and subtracted (default 3–30 s by source; 0 = none)',
};

export async function energyFromFlags(
  flags: EnergyFlags,
  eps: readonly string[],
  log: (m: string) => void,
): Promise<EnergyRun | undefined> {
  // on by default so the edge-vs-cloud claims (C5, C6) always have a figure with its uncertainty class
  const choice = parseEnergyChoice(flags.energy ?? 'auto');
  const tdpWatts = parseTdpWatts(flags.tdpWatts);
  let baselineMs: number | undefined;
  if (flags.energyBaseline !== undefined) {
    const s = Number(flags.energyBaseline);
    if (!Number.isFinite(s) || s < 0 || s > 600)
      throw new EdgebenchError(
        'USAGE',
        `--energy-baseline ${flags.energyBaseline}: expected seconds between 0 and 600`,
        'e.g. --energy-baseline 5',
      );
    baselineMs = s * 1000;
  }
  if (choice.kind === 'off') {
    if (tdpWatts !== undefined) log('--tdp-watts has no effect without --energy (auto or estimate)');
    return undefined;
  }
  const source = await selectEnergySource(choice, { eps, ...(tdpWatts !== undefined && { tdpWatts }) }, log);
  if (!source) return undefined;
  return createEnergyRun(source, baselineMs !== undefined ? { baselineMs } : {});
}
