/**
 * A runner with scripted timings, for lifecycle tests of the harness (scheduler, resume,
 * interruption, errors) without a model. Its timings come from `settings`:
 *   prefillMsPerToken, decodeMs, loadMs, jitter (fraction), failOn ('load' | 'generate'), seed
 */
import type { LoadedModel, LoadOptions, ModelSource, PreparedSequence, RunnerFactory } from '../types.ts';
import { EdgebenchError } from '../../errors.ts';
import { codePointIds, modellessModel } from '../modelless.ts';
import { parseRunnerSettings } from '../settings.ts';
import { fakeInfo } from './info.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const fakeRunner: RunnerFactory = {
  ...fakeInfo,
  async resolveModel(spec, dtype) {
    return modellessModel(spec, dtype, true);
  },
  async tokenize(model, text) {
    return codePointIds(model, text);
  },
  async probe() {
    return { ok: true };
  },
  startEnv(opts) {
    const s = parseRunnerSettings(fakeInfo.id, fakeInfo.settings, opts.settings);
    if (!s.startEnv) return null;
    const [name, value] = s.startEnv.split('=') as [string, string];
    return { env: { [name]: value }, why: 'the fake runner was told to need it (startEnv)' };
  },
  async load(model: ModelSource, opts: LoadOptions): Promise<LoadedModel> {
    const s = parseRunnerSettings(fakeInfo.id, fakeInfo.settings, opts.settings);
    if (s.failOn === 'load')
      throw new EdgebenchError(
        'MODEL_INVALID',
        `fake runner told to fail loading ${model.id}`,
        'remove failOn from the fake runner settings',
      );
    await sleep(s.loadMs);
    const prefill = s.prefillMsPerToken;
    const decode = s.decodeMs;
    const jitter = s.jitter;
    let state = s.seed >>> 0 || 1;
    const rand = () => {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state / 0x100000000;
    };
    const wobble = (ms: number) => ms * (1 + jitter * (rand() * 2 - 1));
    return {
      resolved: {
        runner: 'fake',
        executionProvider: opts.ep,
        dtype: model.dtype,
        threads: opts.threads,
        settings: {
          prefillMsPerToken: prefill,
          decodeMs: decode,
          jitter,
          ...(s.startEnv && { startEnvSeen: process.env[s.startEnv.split('=')[0]!] ?? 'unset' }),
        },
        fallback: false,
        versions: {},
      },
      async prepare(): Promise<PreparedSequence> {
        return {
          async generate(inputIds, maxNewTokens, onToken) {
            if (s.failOn === 'generate') throw new EdgebenchError('INTERNAL', 'fake runner told to fail generating', 'remove failOn');
            await sleep(wobble(prefill * inputIds.length));
            for (let i = 0; i < maxNewTokens; i++) {
              if (i > 0) await sleep(wobble(decode));
              onToken(i % 7);
            }
          },
        };
      },
      async [Symbol.asyncDispose]() {},
    };
  },
};
