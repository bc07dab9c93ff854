/**
 * `edgebench serve` without --openai: serve the benchmark page for phones and browsers, print
 * the URL and a QR code, collect every device's results until Ctrl-C. The suite comes from
 * --suite (default quick) with the usual `run` overrides (--model, --shape, --reps, …); runner
 * and EP are chosen on each device (WebGPU when it has an adapter, else wasm).
 */
import { runStamp, shownPath } from '../../util/shown-path.ts';
import { waitForStop } from '../../util/wait-for-stop.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suiteFromFlags } from '../../config/run-options.ts';
import { EdgebenchError } from '../../errors.ts';
import { ortWebRunner } from '../../runners/ort-web/ort-web-runner.ts';
import { PROJECT_ROOT } from '../../version.ts';
import type { StorePublisher } from '../../store/serve-publisher.ts';
import { startPageServer } from './page-server.ts';
import { isLoopback, reachableUrls, terminalQr } from './terminal-qr.ts';
import { runnerIdFor } from '../../runners/registry.ts';
import { parseDeviceClass } from '../../edge-cloud/device-class.ts';

export interface PageServeFlags {
  model?: string;
  dtype: string;
  style: string;
  host: string;
  port: string;
  threads?: string;
  quiet?: boolean;
  suite?: string;
  shape?: string;
  reps?: string;
  minTime?: string;
  warmup?: string;
  seed?: string;
  out?: string;
  deviceTimeout?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** publish each finished device run into this results store */
  db?: string;
  /** the class of devices whose browser cannot tell (desktop browsers) */
  deviceClass?: string;
}

function wholeNumber(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new EdgebenchError('USAGE', `--${flag} ${v}: expected a whole number ${min}..${max}`, `e.g. --${flag} ${Math.max(min, 1)}`);
  return n;
}

function prepareOut(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new EdgebenchError(
      'RESULTS_EXISTS',
      `${dir} already holds files`,
      'choose a new folder with --out (each serve session writes one folder per device inside it)',
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new EdgebenchError('OUTPUT_UNWRITABLE', `cannot create ${dir}: ${(e as Error).message}`, 'choose a writable folder with --out');
  }
}

function readTls(flags: PageServeFlags): { cert: Buffer; key: Buffer } | undefined {
  if (flags.tlsCert === undefined && flags.tlsKey === undefined) return undefined;
  if (flags.tlsCert === undefined || flags.tlsKey === undefined)
    throw new EdgebenchError(
      'USAGE',
      'HTTPS needs both --tls-cert and --tls-key',
      'e.g. mkcert 192.168.1.5, then --tls-cert 192.168.1.5.pem --tls-key 192.168.1.5-key.pem',
    );
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new EdgebenchError(
        'USAGE',
        `--${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'pass PEM files, e.g. made by mkcert',
      );
    }
  };
  return { cert: read('tls-cert', flags.tlsCert), key: read('tls-key', flags.tlsKey) };
}

async function openStorePublisher(db: string, log: (m: string) => void): Promise<StorePublisher> {
  const { resolveStoreTarget } = await import('../../store/open-store.ts');
  const { createStorePublisher } = await import('../../store/serve-publisher.ts');
  return createStorePublisher(resolveStoreTarget(db), log);
}

/** Resolves with the exit code once the server has stopped (SIGINT / SIGTERM). */
export async function servePage(flags: PageServeFlags): Promise<number> {
  const log = (m: string) => {
    if (!flags.quiet) process.stderr.write(`${m}\n`);
  };
  if (flags.model === undefined && flags.suite === undefined) {
    // a bare `serve` must not start building the quick suite's 1B model
    throw new EdgebenchError(
      'USAGE',
      'serve needs a mode: --model <preset|folder> for the phone and browser benchmark page, or --openai',
      'e.g. edgebench serve --model qwen2.5-0.5b --host 0.0.0.0, or edgebench serve --openai --model tiny-llama',
    );
  }
  const suite = suiteFromFlags({
    suite: flags.suite ?? 'quick',
    runner: runnerIdFor('browser'),
    ep: 'wasm',
    ...(flags.model !== undefined && { model: flags.model }),
    ...(flags.shape !== undefined && { shape: flags.shape }),
    ...(flags.dtype !== undefined && { dtype: flags.dtype }),
    ...(flags.style !== undefined && { style: flags.style }),
    ...(flags.threads !== undefined && { threads: flags.threads }),
    ...(flags.reps !== undefined && { reps: flags.reps }),
    ...(flags.minTime !== undefined && { minTime: flags.minTime }),
    ...(flags.warmup !== undefined && { warmup: flags.warmup }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
  });
  if (suite.models.length !== 1)
    throw new EdgebenchError(
      'USAGE',
      `serve runs one model, the suite lists ${suite.models.length}`,
      'pick one with --model <preset|folder>',
    );
  if (suite.threads.length !== 1)
    throw new EdgebenchError(
      'USAGE',
      'serve takes one --threads value',
      'e.g. --threads 4 (devices can override it with threads= in the URL)',
    );
  if (suite.prompt.kind !== 'tokens')
    throw new EdgebenchError('USAGE', 'serve runs seeded token prompts only (no tokenizer in the page)', 'remove prompt: from the suite');
  const port = wholeNumber('port', flags.port, 0, 65535);
  const deviceTimeoutS = flags.deviceTimeout !== undefined ? wholeNumber('device-timeout', flags.deviceTimeout, 1, 86400) : 120;
  const tls = readTls(flags);
  const deviceClass = flags.deviceClass !== undefined ? parseDeviceClass(flags.deviceClass) : undefined;
  const model = await ortWebRunner.resolveModel(suite.models[0]!, suite.dtype, { style: suite.style, log });
  const runDir = flags.out ?? join(PROJECT_ROOT, 'results', `serve-${runStamp()}`);
  prepareOut(runDir);
  const store = flags.db !== undefined ? await openStorePublisher(flags.db, log) : null;
  const server = await startPageServer({
    model,
    suite,
    runDir,
    host: flags.host,
    port,
    deviceTimeoutS,
    log,
    ...(tls && { tls }),
    ...(store && { onRunEnded: store.publish }),
    ...(deviceClass && { deviceClass }),
  }).catch(async (e: unknown) => {
    await store?.close();
    throw e;
  });
  const urls = reachableUrls(server.url, server.host);
  // the one line scripts and tests wait for
  process.stdout.write(`edgebench serve: ${model.info.id} (${model.source.dtype}) — open ${urls[0]}\n`);
  for (const u of urls.slice(1)) log(`  also: ${u}`);
  if (!flags.quiet) process.stderr.write(`${await terminalQr(urls[0]!)}\n`);
  log(`  results: ${shownPath(runDir)}/<device>/ (one run folder per device); shapes ${suite.shapes.join(', ')}; Ctrl-C stops`);
  if (isLoopback(server.host)) {
    log('  listening on loopback only: a phone needs --host 0.0.0.0, or (Android over USB) `adb reverse tcp:<port> tcp:<port>`');
  } else {
    log(`  listening on ${server.host}: anyone on this network with the URL (it carries a secret token) can run the page`);
    if (!tls)
      log(
        '  plain HTTP on a LAN address is not a secure context in browsers: no WebGPU, no wasm threads. Use --tls-cert/--tls-key (e.g. mkcert) or adb reverse + localhost',
      );
  }

  if (store) log(`  each device's run is published to the ${store.where} when it finishes`);
  await waitForStop(log, 'stopping: devices still running are marked interrupted (their finished cells are kept)', () => server.close());
  await store?.close();
  const devices = server.devices.list();
  if (devices.length === 0) {
    log('no device joined');
    return 0;
  }
  for (const d of devices) log(`  ${shownPath(d.dir)}: ${d.status}, ${d.posted}/${d.planned} cells`);
  log(`report: edgebench report ${shownPath(runDir)}   (every device folder in it is one device)`);
  return 0;
}
