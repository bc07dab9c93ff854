/**
 * Every runner edgebench knows: what can be said of it without loading it (id, help text, settings
 * schema) and how to load it. A runner's module — and the runtime behind it — is imported only
 * when a command runs that runner. Adding a runner = its folder + one line here.
 */
import { EdgebenchError } from '../errors.ts';
import { closestNames } from '../util/closest.ts';
import { fakeInfo } from './fake/info.ts';
import { llamaCppInfo } from './llama-cpp/info.ts';
import { openAiHttpInfo } from './openai-http/info.ts';
import { ortNodeInfo } from './ort-node/info.ts';
import { ortWebInfo } from './ort-web/info.ts';
import { transformersJsInfo } from './transformers-js/info.ts';
import type { RunnerFactory, RunnerInfo, RunnerRole } from './types.ts';

export interface RunnerEntry extends RunnerInfo {
  load(): Promise<RunnerFactory>;
}

const RUNNERS: readonly RunnerEntry[] = [
  { ...ortNodeInfo, load: async () => (await import('./ort-node/ort-node-runner.ts')).ortNodeRunner },
  { ...ortWebInfo, load: async () => (await import('./ort-web/ort-web-runner.ts')).ortWebRunner },
  { ...transformersJsInfo, load: async () => (await import('./transformers-js/transformers-js-runner.ts')).transformersJsRunner },
  { ...openAiHttpInfo, load: async () => (await import('./openai-http/openai-http-runner.ts')).openAiHttpRunner },
  { ...llamaCppInfo, load: async () => (await import('./llama-cpp/llama-cpp-runner.ts')).llamaCppRunner },
  { ...fakeInfo, load: async () => (await import('./fake/fake-runner.ts')).fakeRunner },
];

export function listRunners(): readonly RunnerEntry[] {
  return RUNNERS;
}

/** The registry entry of a runner id; unknown ids are RUNNER_UNKNOWN with the closest names. */
export function runnerEntry(id: string): RunnerEntry {
  const r = RUNNERS.find((x) => x.id === id);
  if (!r) {
    const near = closestNames(
      id,
      RUNNERS.map((x) => x.id),
      3,
      Math.max(2, Math.floor(id.length / 3)),
    );
    throw new EdgebenchError(
      'RUNNER_UNKNOWN',
      `no runner '${id}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
      `runners: ${RUNNERS.map((x) => x.id).join(', ')}`,
    );
  }
  return r;
}

/** The runner itself (imports its module on first use). */
export function loadRunner(id: string): Promise<RunnerFactory> {
  return runnerEntry(id).load();
}

/** The id of the runner that holds a role (see RunnerRole); one holds each, checked by test/runner-roles. */
export function runnerIdFor(role: RunnerRole): string {
  const r = RUNNERS.find((x) => x.roles?.includes(role));
  if (!r) throw new Error(`no runner holds the role '${role}'`);
  return r.id;
}
