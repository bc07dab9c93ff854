/**
 * The recording every worker-sampled source keeps: the sampler's lifecycle, the samples so far and
 * the first loss (a sampler error, or one the source reports). Sources only turn readings into samples.
 */
import type { EnergySample } from '../../results/energy-schema.ts';
import type { Recording } from './interface.ts';
import { startSampler, type Sampler, type SamplerMessage, type SamplerTask } from './sampler-worker.ts';

type Data = Exclude<SamplerMessage, { type: 'error' }>;

export class SampledRecording {
  samples: EnergySample[] = [];
  private lostAt: Recording['lost'] = null;
  private sampler: Sampler | null = null;

  /** `errorPrefix` names the source in the loss reason (e.g. "RAPL read failed: "). */
  async start(task: SamplerTask, onData: (m: Data) => void, errorPrefix = ''): Promise<void> {
    this.samples = [];
    this.lostAt = null;
    this.sampler = startSampler(task, (m) => {
      if (m.type === 'error') this.lose(m.t, `${errorPrefix}${m.message}`);
      else onData(m);
    });
    await this.sampler.ready;
  }

  lose(atMs: number, reason: string): void {
    this.lostAt ??= { atMs, reason };
  }

  sampleNow(): void {
    this.sampler?.sampleNow();
  }

  /** Stops the sampler; `beforeResult` runs after the last message (to flush a half-built sample). */
  async stop(beforeResult: () => void = () => {}): Promise<Recording> {
    await this.sampler?.stop();
    this.sampler = null;
    beforeResult();
    return { samples: this.samples, lost: this.lostAt };
  }
}
