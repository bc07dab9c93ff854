/** Every runner edgebench knows, by id. Runners are reached only through the harness (src/measure). */
import { EdgebenchError } from '../errors.ts';
import { closestNames } from '../util/closest.ts';
import { fakeRunner } from './fake/fake-runner.ts';
import { ortNodeRunner } from './ort-node/ort-node-runner.ts';
import { ortWebRunner } from './ort-web/ort-web-runner.ts';
import { transformersJsRunner } from './transformers-js/transformers-js-runner.ts';
import { openAiHttpRunner } from './openai-http/openai-http-runner.ts';
import { llamaCppRunner } from './llama-cpp/llama-cpp-runner.ts';
import type { RunnerFactory } from './types.ts';

const RUNNERS: readonly RunnerFactory[] = [ortNodeRunner, ortWebRunner, transformersJsRunner, openAiHttpRunner, llamaCppRunner, fakeRunner];

export function listRunners(): readonly RunnerFactory[] {
  return RUNNERS;
}

export function getRunner(id: string): RunnerFactory {
  const r = RUNNERS.find((x) => x.id === id);
  if (!r) {
    const near = closestNames(id, RUNNERS.map((x) => x.id), 3, Math.max(2, Math.floor(id.length / 3)));
    throw new EdgebenchError('RUNNER_UNKNOWN', `no runner '${id}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`, `runners: ${RUNNERS.map((x) => x.id).join(', ')}`);
  }
  return r;
}
