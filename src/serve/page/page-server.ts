/**
 * The HTTP server behind `edgebench serve` (page mode). Everything lives under `/s/<token>/`:
 * the page, its script, onnxruntime-web's files, the model, and the JSON API the page posts
 * results to. A request without the token gets 403; a path not in the served table gets 404
 * (paths are looked up, never joined onto folders). Every response carries COOP/COEP so the
 * page is crossOriginIsolated and wasm threads work.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SuiteFile } from '../../config/suite.ts';
import { parseShape } from '../../config/shapes.ts';
import { EdgebenchError, isEdgebenchError } from '../../errors.ts';
import type { ResolvedModel } from '../../runners/types.ts';
import { readPackageVersion } from '../../version.ts';
import { clientBundle } from './client-bundle.ts';
import { DeviceRuns } from './device-runs.ts';
import { HttpError, readJson, sendError, sendJson, setCommonHeaders, validateBody } from './http-json.ts';
import { PAGE_CSP, pageHtml } from './page-html.ts';
import { newSessionToken, tokenMatches } from './session-token.ts';
import type { PageConfig } from './shared/protocol.ts';
import { modelFiles, ORT_BUILDS, ortWebVersion, runtimeFiles, type ServedFile } from './static-files.ts';
import { CellUpload, FinishUpload, LeaveUpload, ProgressUpload, RegisterRequest } from './uploads.ts';
import type { DeviceClassName } from '../../edge-cloud/device-class.ts';

export const CELL_BODY_LIMIT = 16 * 1024 ** 2;
export const SMALL_BODY_LIMIT = 256 * 1024;

export interface PageServerOptions {
  model: ResolvedModel;
  suite: SuiteFile;
  /** the serve folder: one run folder per device is created inside */
  runDir: string;
  host: string;
  port: number;
  token?: string;
  /** a running device silent this long is marked interrupted (default 120 s) */
  deviceTimeoutS?: number;
  argv?: string[];
  /** serve HTTPS (a phone on the LAN then gets a secure context: WebGPU, wasm threads) */
  tls?: { cert: Buffer; key: Buffer };
  log(msg: string): void;
  /** called when a device finished (serve --db: publish its run into the results store) */
  onRunEnded?: (dir: string) => Promise<void>;
  /** serve --device-class: the class of devices whose browser cannot tell */
  deviceClass?: DeviceClassName;
}

export interface PageServer {
  /** the URL to open, token included, e.g. http://127.0.0.1:8080/s/<token>/ */
  url: string;
  token: string;
  host: string;
  port: number;
  devices: DeviceRuns;
  /** GET requests for model files so far (a refused model is never downloaded) */
  modelDownloads(): number;
  close(): Promise<void>;
}

const DEVICE_ROUTE = /^api\/devices\/([a-f0-9]{16})\/(cells|progress|finish|leave)$/;

export async function startPageServer(o: PageServerOptions): Promise<PageServer> {
  const token = o.token ?? newSessionToken();
  const { source, info } = o.model;
  if (!source.arch)
    throw new EdgebenchError(
      'MODEL_INVALID',
      `model '${source.id}' has no readable config.json`,
      'the folder needs config.json with num_key_value_heads and head_dim',
    );
  const model = modelFiles(source);
  const files = new Map<string, ServedFile>([...runtimeFiles(), ...model.files]);
  const script = await clientBundle();
  const timeoutS = o.deviceTimeoutS ?? 120;
  const ortVersion = ortWebVersion();
  const config: PageConfig = {
    edgebenchVersion: readPackageVersion(),
    ortWebVersion: ortVersion,
    model: {
      id: info.id,
      dtype: source.dtype,
      bytes: info.bytes ?? model.onnx.bytes,
      params: info.params,
      synthetic: info.synthetic,
      onnx: model.onnx,
      externalData: model.externalData,
      numLayers: source.arch.numLayers,
      numKvHeads: source.arch.numKvHeads,
      headDim: source.arch.headDim,
      vocabSize: source.arch.vocabSize,
    },
    shapes: o.suite.shapes.map(parseShape),
    repetitions: o.suite.repetitions,
    seed: o.suite.seed,
    threads: o.suite.threads[0] === 'auto' || o.suite.threads[0] === undefined ? null : o.suite.threads[0],
    runtime: { wasm: `ort/${ORT_BUILDS.wasm}`, webgpu: `ort/${ORT_BUILDS.webgpu}` },
    deviceTimeoutS: timeoutS,
  };
  const devices = new DeviceRuns({
    root: o.runDir,
    suite: o.suite,
    model: o.model,
    ortWebVersion: ortVersion,
    argv: o.argv ?? process.argv.slice(2),
    timeoutMs: timeoutS * 1000,
    log: o.log,
    ...(o.onRunEnded && { onRunEnded: o.onRunEnded }),
    ...(o.deviceClass && { deviceClass: o.deviceClass }),
  });
  let downloads = 0;

  const sendFile = (req: IncomingMessage, res: ServerResponse, f: ServedFile) => {
    res.writeHead(200, { 'Content-Type': f.contentType, 'Content-Length': f.bytes, 'Cache-Control': 'private, max-age=3600' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(f.path)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const get = (req: IncomingMessage, res: ServerResponse, name: string) => {
    if (name === '' || name === 'index.html') {
      const html = pageHtml();
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
        'Cache-Control': 'no-store',
        'Content-Security-Policy': PAGE_CSP,
      });
      return res.end(req.method === 'HEAD' ? undefined : html);
    }
    if (name === 'app.js') {
      res.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Length': Buffer.byteLength(script),
        'Cache-Control': 'no-store',
      });
      return res.end(req.method === 'HEAD' ? undefined : script);
    }
    if (name === 'api/config') return sendJson(res, 200, config);
    const f = files.get(name);
    if (!f)
      throw new HttpError(
        404,
        'NOT_FOUND',
        'no such file in this session',
        'only the page, onnxruntime-web and the served model are available',
      );
    if (name.startsWith('model/') && req.method === 'GET') downloads++;
    return sendFile(req, res, f);
  };

  const post = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    if (name === 'api/devices') {
      const body = validateBody(RegisterRequest, await readJson(req, SMALL_BODY_LIMIT), 'device registration');
      return sendJson(res, 201, await devices.register(body));
    }
    const m = DEVICE_ROUTE.exec(name);
    if (!m) throw new HttpError(404, 'NOT_FOUND', 'no such API endpoint', 'reload the page');
    const [, id, action] = m as unknown as [string, string, string];
    if (action === 'cells') {
      const body = validateBody(CellUpload, await readJson(req, CELL_BODY_LIMIT), 'cell upload');
      return sendJson(res, 201, await devices.addCell(id, body));
    }
    const raw = await readJson(req, SMALL_BODY_LIMIT);
    if (action === 'progress') {
      await devices.progress(id, validateBody(ProgressUpload, raw, 'progress'));
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'finish') {
      validateBody(FinishUpload, raw, 'finish');
      return sendJson(res, 200, await devices.finish(id));
    }
    await devices.leave(id, validateBody(LeaveUpload, raw, 'leave').reason);
    return sendJson(res, 200, { ok: true });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    setCommonHeaders(res);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const m = /^\/s\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(path);
    if (!m || !tokenMatches(m[1]!, token)) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        'missing or wrong session token',
        'open the exact URL edgebench serve printed (it carries the token)',
      );
    }
    if (m[2] === undefined) {
      const query = (req.url ?? '').slice(path.length);
      res.writeHead(308, { Location: `/s/${token}/${query}` });
      return res.end();
    }
    const name = m[2].slice(1);
    if (req.method === 'GET' || req.method === 'HEAD') return get(req, res, name);
    if (req.method === 'POST') return post(req, res, name);
    res.setHeader('Allow', 'GET, HEAD, POST');
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed`);
  };

  const listener: RequestListener = (req, res) => {
    handle(req, res).catch((e: unknown) => {
      const err =
        e instanceof HttpError
          ? e
          : isEdgebenchError(e)
            ? new HttpError(500, e.code, e.message, e.hint)
            : new HttpError(
                500,
                'INTERNAL',
                (e as Error).message.split('\n')[0] ?? 'internal error',
                'this is a bug in edgebench; please report it',
              );
      if (err.status >= 500) o.log(`error: ${req.method} ${(req.url ?? '').replace(token, '<token>')}: ${err.message}`);
      // an unread (e.g. oversized) body: answer, then close the connection instead of reading it
      if (!req.complete) res.setHeader('Connection', 'close');
      sendError(res, err);
    });
  };
  const server = o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, listener) : createServer(listener);
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      void devices.close();
      reject(
        new EdgebenchError(
          'USAGE',
          `cannot listen on ${o.host}:${o.port}: ${e.code ?? e.message}`,
          e.code === 'EADDRINUSE'
            ? 'another program uses that port: pick another with --port (0 = any free port)'
            : 'check --host and --port',
        ),
      );
    };
    server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `${o.tls ? 'https' : 'http'}://${hostForUrl}:${addr.port}/s/${token}/`,
    token,
    host: addr.address,
    port: addr.port,
    devices,
    modelDownloads: () => downloads,
    async close() {
      await devices.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
