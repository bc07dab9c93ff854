/**
 * The OpenAI-compatible HTTP server of `edgebench serve --openai` (node:http, loopback by default):
 *   POST /v1/chat/completions, POST /v1/completions (SSE streaming or one JSON answer),
 *   GET /v1/models, GET /v1/models/<id>, GET /health.
 * Requests run one at a time on the engine; the others queue (x-edgebench-queue-ms says how long).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgebenchError } from '../../errors.ts';
import type { ServeEngine } from './engine.ts';
import { handleGenerate, type ApiKind } from './generate-handler.ts';
import { HttpError, readJsonBody, sendError, sendJson } from './http-util.ts';

export interface OpenAiServerOptions {
  engine: ServeEngine;
  host: string;
  /** 0 = any free port */
  port: number;
  log(msg: string): void;
}

export interface OpenAiServer {
  /** http://host:port (the API base is url + '/v1') */
  url: string;
  port: number;
  /** stop accepting connections, let the running request finish, release the model */
  close(): Promise<void>;
}

const ROUTES: Record<string, ApiKind> = { '/v1/chat/completions': 'chat', '/v1/completions': 'completions' };

function modelEntry(engine: ServeEngine): Record<string, unknown> {
  return {
    id: engine.id,
    object: 'model',
    created: 0,
    owned_by: 'edgebench',
    // extension: what is actually served
    edgebench: {
      dir: engine.dir,
      dtype: engine.dtype,
      synthetic: engine.synthetic,
      threads: engine.threads,
      contextLength: engine.contextLength,
      sampling: 'greedy',
      runner: engine.runner,
      parallel: engine.parallel,
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, o: OpenAiServerOptions): Promise<void> {
  let path: string;
  try {
    path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '') || '/';
  } catch {
    throw new HttpError(400, 'the request target is not a valid URL path');
  }
  const kind = ROUTES[path];
  if (kind) {
    if (req.method !== 'POST') throw new HttpError(405, `${path} takes POST`);
    const body = await readJsonBody(req);
    const queuedBefore = o.engine.queued;
    const r = await handleGenerate(kind, body, res, o.engine);
    o.log(
      `POST ${path}: ${r.promptTokens} prompt + ${r.completionTokens} completion tokens (${r.finishReason}), waited ${r.queueMs.toFixed(0)} ms in the queue (${queuedBefore} waiting on arrival), ${r.totalMs.toFixed(0)} ms`,
    );
    return;
  }
  if (req.method !== 'GET') throw new HttpError(req.method === 'POST' ? 404 : 405, `no route ${req.method} ${path}`);
  if (path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [modelEntry(o.engine)] });
  if (path.startsWith('/v1/models/')) {
    let id: string;
    try {
      id = decodeURIComponent(path.slice('/v1/models/'.length));
    } catch {
      throw new HttpError(400, `malformed percent-encoding in ${path} (each % must start a %XX escape of UTF-8)`);
    }
    if (id !== o.engine.id) throw new HttpError(404, `model '${id}' is not served here (serving '${o.engine.id}')`);
    return sendJson(res, 200, modelEntry(o.engine));
  }
  if (path === '/health') return sendJson(res, 200, { status: 'ok', model: o.engine.id, queued: o.engine.queued });
  throw new HttpError(404, `no route GET ${path} (try /v1/models, /v1/chat/completions, /v1/completions)`);
}

export async function startOpenAiServer(o: OpenAiServerOptions): Promise<OpenAiServer> {
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    route(req, res, o).catch((e: unknown) => {
      if (res.headersSent) {
        o.log(`request failed after the answer started: ${(e as Error).message.split('\n')[0]}`);
        if (!res.writableEnded) res.end();
        return;
      }
      const err = e instanceof HttpError ? e : new HttpError(500, `internal error: ${(e as Error).message.split('\n')[0]}`);
      if (err.status >= 500) o.log(`${req.method} ${req.url}: ${err.message}`);
      sendError(res, err);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const msg =
        e.code === 'EADDRINUSE' ? `port ${o.port} on ${o.host} is already in use` : `cannot listen on ${o.host}:${o.port}: ${e.message}`;
      reject(
        new EdgebenchError(
          'USAGE',
          msg,
          e.code === 'EADDRINUSE' ? 'pick another --port (or --port 0 for any free one)' : 'check --host and --port',
        ),
      );
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await o.engine.close();
    },
  };
}
