/** Writes a suite YAML for the fake runner (scripted timings) and returns its path. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeSuite {
  name: string;
  shapes: string;
  repetitions: {
    warmup: number;
    minCount: number;
    minTimeS: number;
    maxCount: number;
    maxTimeS: number;
    targetCiPct?: number;
    checkEvery?: number;
  };
  fake: { decodeMs: number; prefillMsPerToken: number; loadMs: number; jitter?: number };
  /** more YAML appended verbatim */
  extra?: string;
}

export function writeFakeSuite(dir: string, s: FakeSuite): string {
  const f = join(dir, `${s.name}.yaml`);
  const r = s.repetitions;
  writeFileSync(
    f,
    `name: ${s.name}
models: [fake-model]
runners: [fake]
shapes: [${s.shapes}]
repetitions: { warmup: ${r.warmup}, minCount: ${r.minCount}, minTimeS: ${r.minTimeS}, maxCount: ${r.maxCount}, maxTimeS: ${r.maxTimeS}${r.targetCiPct !== undefined ? `, targetCiPct: ${r.targetCiPct}` : ''}${r.checkEvery !== undefined ? `, checkEvery: ${r.checkEvery}` : ''} }
runnerSettings:
  fake: { decodeMs: ${s.fake.decodeMs}, prefillMsPerToken: ${s.fake.prefillMsPerToken}, loadMs: ${s.fake.loadMs}${s.fake.jitter !== undefined ? `, jitter: ${s.fake.jitter}` : ''} }
${s.extra ?? ''}`,
  );
  return f;
}
