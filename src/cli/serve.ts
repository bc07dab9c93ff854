/**
 * `edgebench serve`: long-running servers. One mode per flag, each in src/serve/<mode>/:
 *   --openai   an OpenAI-compatible API over a local model (src/serve/openai)
 *   (none)     the benchmark page for phones and browsers (src/serve/page)
 */
import { restartForRunners } from './restart.ts';
import { waitForStop } from '../util/wait-for-stop.ts';
import type { Command } from 'commander';
import { EdgebenchError } from '../errors.ts';
import { threadsFlag } from '../config/bounds.ts';
import type { OpenAiServer } from '../serve/openai/server.ts';
import type { PageServeFlags } from '../serve/page/serve-page.ts';
import { runnerIdFor } from '../runners/registry.ts';

/** page-mode flags plus --openai (the OpenAI mode uses the common subset) */
interface ServeFlags extends PageServeFlags {
  openai?: boolean;
  runner?: string;
  parallel?: string;
}

function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new EdgebenchError('USAGE', `--port ${v}: expected a whole number 0..65535`, 'e.g. --port 8080 (0 = any free port)');
  return n;
}

function threadCount(v: string | undefined): number | null {
  return v === undefined ? null : threadsFlag(v);
}

const MAX_SERVE_PARALLEL = 64;

function parallelFlag(v: string | undefined): number {
  const n = Number(v ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SERVE_PARALLEL)
    throw new EdgebenchError(
      'USAGE',
      `--parallel ${v}: expected a whole number from 1 to ${MAX_SERVE_PARALLEL}`,
      'e.g. --parallel 4 --runner llama-cpp',
    );
  return n;
}

/** Resolves when the server has stopped (SIGINT / SIGTERM). */
async function serveOpenAi(flags: ServeFlags): Promise<number> {
  if (!flags.model)
    throw new EdgebenchError('USAGE', 'serve --openai needs --model <preset|folder>', 'e.g. edgebench serve --openai --model tiny-llama');
  if (flags.style !== 'optimum' && flags.style !== 'genai')
    throw new EdgebenchError(
      'USAGE',
      `--style ${flags.style}: expected optimum or genai`,
      'optimum = transformers.js exports, genai = onnxruntime-genai exports',
    );
  const port = portNumber(flags.port);
  const threads = threadCount(flags.threads);
  const log = (m: string) => {
    if (!flags.quiet) process.stderr.write(`${m}\n`);
  };
  if (flags.host !== '127.0.0.1' && flags.host !== 'localhost' && flags.host !== '::1') {
    log(`warning: listening on ${flags.host} exposes the model to the network without authentication`);
  }
  // each mode loads its own stack when chosen (the page mode bundles its script with esbuild)
  const { createServeEngine } = await import('../serve/openai/engine.ts');
  const { startOpenAiServer } = await import('../serve/openai/server.ts');
  const parallel = parallelFlag(flags.parallel);
  const runner = flags.runner ?? runnerIdFor('default');
  const restarted = await restartForRunners([{ runner, ep: 'cpu', threads, settings: {} }], log);
  if (restarted !== null) return restarted;
  const engine = await createServeEngine({
    model: flags.model,
    dtype: flags.dtype,
    style: flags.style,
    threads,
    log,
    runner,
    parallel,
  });
  let server: OpenAiServer;
  try {
    server = await startOpenAiServer({ engine, host: flags.host, port, log });
  } catch (e) {
    await engine.close();
    throw e;
  }
  // the one line tests and scripts wait for: the actual port (with --port 0)
  process.stdout.write(
    `edgebench serve: ${engine.id} (${engine.dtype}${engine.synthetic ? ', synthetic weights' : ''}) on ${server.url}/v1\n`,
  );
  log(
    `  POST ${server.url}/v1/chat/completions | /v1/completions, GET /v1/models; ${engine.runner}, ${engine.parallel > 1 ? `${engine.parallel} requests at once (batched sequences)` : 'one request at a time'}; Ctrl-C stops`,
  );
  await waitForStop(log, 'stopping: finishing the running request (Ctrl-C again to quit now)', () => server.close());
  log('stopped');
  return 0;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve a local model over HTTP: by default a benchmark page that phones and browsers run (results collected per device); --openai: an OpenAI-compatible API other tools and `edgebench run --runner openai-http` can measure',
    )
    .option('--openai', 'OpenAI-compatible API: POST /v1/chat/completions, /v1/completions (streaming), GET /v1/models')
    .option('--model <preset|folder>', 'model preset id (built on first use) or model folder')
    .option('--dtype <dtype>', 'weights: q4, q8, fp16, fp32', 'q4')
    .option('--style <style>', 'graph style for built presets: optimum | genai', 'optimum')
    .option('--host <host>', 'address to listen on (loopback by default; anything else exposes the model)', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', '8080')
    .option('--threads <n>', 'onnxruntime intra-op threads (default: the runtime default)')
    .option(
      '--runner <id>',
      `openai mode: runner that generates (default ${runnerIdFor('default')}; ${runnerIdFor('gguf')} for --parallel)`,
    )
    .option(
      '--parallel <n>',
      `openai mode: requests generated at once, batched as sequences of one context (llama-cpp; 1..${MAX_SERVE_PARALLEL}); others queue`,
      '1',
    )
    .option('--quiet', 'no request log on stderr')
    .option('--suite <name|file>', 'page mode: suite for shapes and repetitions: quick (default), ci, publish or a YAML file')
    .option('--shape <list>', 'page mode: llama-bench shapes, e.g. pp128,tg32')
    .option('--reps <n>', 'page mode: minimum measured requests per shape')
    .option('--min-time <s>', 'page mode: minimum measured seconds per shape')
    .option('--warmup <n>', 'page mode: warmup requests per shape')
    .option('--seed <n>', 'page mode: seed of the token workload')
    .option('--out <dir>', 'page mode: results folder (default results/serve-<timestamp>; one run folder per device inside)')
    .option('--device-timeout <s>', 'page mode: mark a device interrupted after this many silent seconds', '120')
    .option(
      '--tls-cert <file>',
      'page mode: serve HTTPS with this PEM certificate (phones need a secure context for WebGPU and wasm threads)',
    )
    .option(
      '--db <url|dir>',
      "page mode: publish each device's run into the results store when it finishes (postgres://… or a folder; see `edgebench publish`)",
    )
    .option('--tls-key <file>', 'page mode: the PEM private key for --tls-cert')
    .option(
      '--device-class <class>',
      'page mode: class of the devices whose browser cannot tell (desktop browsers: laptop, desktop…); phones keep theirs, and a device can give its own with ?device-class= in the page URL',
    )
    .addHelpText(
      'after',
      `
Decoding is greedy. Extensions for fixed-length benchmarks (as in vLLM): "ignore_eos": true and
"min_tokens": N in the request body. Usage is in the final streamed chunk.

Examples:
  edgebench serve --model qwen2.5-0.5b --host 0.0.0.0      # page for phones: prints URL + QR code
  edgebench serve --openai --model tiny-llama --port 8080
  curl -N http://127.0.0.1:8080/v1/chat/completions -d '{"model":"tiny-llama","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":8}'
  edgebench run --runner openai-http --endpoint http://127.0.0.1:8080 --model tiny-llama --shape pp64+tg16`,
    )
    .action(async (flags: ServeFlags) => {
      if (flags.openai) {
        process.exitCode = await serveOpenAi(flags);
        return;
      }
      process.exitCode = await (await import('../serve/page/serve-page.ts')).servePage(flags);
    });
}
