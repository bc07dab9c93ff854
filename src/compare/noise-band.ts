/**
 * Noise bands: the smallest change `compare` will call a regression or an improvement, however
 * significant. Rank tests only see the noise inside each run; between two runs on a shared CI
 * machine the whole distribution moves by 10–30 % (other tenants, CPU model, turbo, thermal
 * state), and that shift is invisible to the test. The band absorbs it.
 */
import { EdgebenchError } from '../errors.ts';

export const NOISE_ENVIRONMENTS = { dedicated: 2, laptop: 5, ci: 15 } as const;
export type NoiseEnvironment = keyof typeof NOISE_ENVIRONMENTS;

export interface NoiseBand {
  pct: number;
  environment: NoiseEnvironment | 'custom';
  /** how it was chosen, for the printed header */
  source: 'flag' | 'config' | 'default (CI detected)' | 'default';
}

export function isNoiseEnvironment(s: string): s is NoiseEnvironment {
  return Object.hasOwn(NOISE_ENVIRONMENTS, s);
}

function parseEnvironment(s: string): NoiseEnvironment {
  const name = s === 'shared-ci' ? 'ci' : s;
  if (!isNoiseEnvironment(name)) {
    const list = Object.entries(NOISE_ENVIRONMENTS)
      .map(([k, v]) => `${k} (${v} %)`)
      .join(', ');
    throw new EdgebenchError('USAGE', `unknown environment '${s}'`, `use one of ${list}, or --noise-band <pct>`);
  }
  return name;
}

export function parseNoiseBandPct(s: string): number {
  const n = Number(s.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n >= 100)
    throw new EdgebenchError('USAGE', `--noise-band ${s}: expected a percentage in [0, 100)`, 'e.g. --noise-band 5 for ±5 %');
  return n;
}

/**
 * An explicit band wins over an environment; without either, CI (the CI or GITHUB_ACTIONS
 * variable is set) means shared CI, otherwise a laptop.
 */
export function resolveNoiseBand(
  opts: { noiseBandPct?: number | undefined; environment?: string | undefined; from?: 'flag' | 'config' },
  env: NodeJS.ProcessEnv = process.env,
): NoiseBand {
  const source = opts.from ?? 'flag';
  if (opts.noiseBandPct !== undefined) {
    const environment = opts.environment !== undefined ? parseEnvironment(opts.environment) : 'custom';
    return { pct: opts.noiseBandPct, environment, source };
  }
  if (opts.environment !== undefined) {
    const e = parseEnvironment(opts.environment);
    return { pct: NOISE_ENVIRONMENTS[e], environment: e, source };
  }
  const onCi = Boolean(env.CI && env.CI !== 'false') || env.GITHUB_ACTIONS === 'true';
  const e: NoiseEnvironment = onCi ? 'ci' : 'laptop';
  return { pct: NOISE_ENVIRONMENTS[e], environment: e, source: onCi ? 'default (CI detected)' : 'default' };
}
