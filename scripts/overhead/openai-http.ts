/**
 * openai-http: `edgebench serve --openai` in a child process on loopback (so its engine does not
 * share the client's event loop); harness = the openai-http runner (SSE parsing, zod validation,
 * usage and stats, measureCell); bare = a minimal fetch-and-split client (bare-sse.ts) reading the
 * same server with the same request body.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openAiHttpRunner } from '../../src/runners/openai-http/openai-http-runner.ts';
import { requestBody } from '../../src/runners/openai-http/request-body.ts';
import { parseSettings } from '../../src/runners/openai-http/settings.ts';
import { bareCompletionStream } from './bare-sse.ts';
import type { OverheadSubject, SubjectOptions } from './subject.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 600_000; // a preset is built on first use

export async function openAiHttpSubject(spec: string, o: SubjectOptions): Promise<OverheadSubject> {
  const child = spawn(
    process.execPath,
    ['bin/edgebench.js', 'serve', '--openai', '--model', spec, '--dtype', 'q4', '--port', '0', '--threads', String(o.threads), '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // the server never outlives the script, even when it fails or is interrupted
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  let base: string;
  try {
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve --openai did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.on('exit', (code) => reject(new Error(`serve --openai exited (code ${code}) before listening`)));
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const url = / on (http:\/\/\S+\/v1)$/.exec(l)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const models = (await (await fetch(`${base}/models`)).json()) as { data: { id: string; edgebench?: { synthetic?: boolean } }[] };
  const served = models.data[0]!;
  const raw = { endpoint: base, api: 'completions', model: served.id, maxRetries: 0 };
  const resolved = await openAiHttpRunner.resolveModel(served.id, 'q4', { style: 'optimum', log: o.log });
  const harness = await openAiHttpRunner.load(resolved.source, { ep: 'remote', threads: null, settings: raw });
  const s = parseSettings(raw);
  return {
    harness,
    vocabSize: resolved.vocabSize,
    synthetic: served.edgebench?.synthetic ?? false,
    bareIs: 'fetch + line split + JSON.parse per data: line against the same server, same request body',
    async bare(tg) {
      return bareCompletionStream(`${base}/completions`, requestBody({ settings: s, model: served.id, text: 'the', maxTokens: tg }));
    },
    async dispose() {
      await harness[Symbol.asyncDispose]();
      await stop();
    },
  };
}
