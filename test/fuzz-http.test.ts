/**
 * Property tests over the HTTP bodies and request targets of both `serve` modes, against real
 * servers on loopback with real tiny models: generated bodies and paths (malformed JSON, wrong
 * types, huge numbers, bad percent-encoding) are answered with a 4xx JSON error — never a 500,
 * never a stack trace — and the server keeps answering. Also: a finished device's cells are final.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyLlamaFolder } from './helpers/tiny-llama-folder.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genLength } from '../src/measure/measure-cell.ts';
import { readCells } from '../src/results/io.ts';
import { createServeEngine } from '../src/serve/openai/engine.ts';
import { startOpenAiServer, type OpenAiServer } from '../src/serve/openai/server.ts';
import type { PageServer } from '../src/serve/page/page-server.ts';
import type { RegisterResponse } from '../src/serve/page/shared/protocol.ts';
import type { CellUpload } from '../src/serve/page/uploads.ts';
import { fakeBrowser, raw, startServer, tinyModel } from './serve-page-fixture.ts';

let root: string;
let page: PageServer;
let api: OpenAiServer;
let apiPort: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eb-fuzz-http-'));
  page = await startServer(await tinyModel(root), root, 'serve-fuzz');
  const dir = await buildTinyLlamaFolder(root);
  const engine = await createServeEngine({ model: dir, dtype: 'q4', style: 'optimum', threads: 1, log: () => {} });
  api = await startOpenAiServer({ engine, host: '127.0.0.1', port: 0, log: () => {} });
  apiPort = api.port;
}, 120_000);
afterAll(async () => {
  await page?.close();
  await api?.close();
});

/** A 4xx answer must be a JSON error object; nothing may be a 5xx or carry a stack trace. */
function expectHandled(r: { status: number; body: string }): void {
  expect(r.status, r.body).toBeLessThan(500);
  expect(r.body).not.toMatch(/\n\s+at |INTERNAL/);
  // Node's own HTTP parser answers a request line it cannot read (e.g. raw non-ASCII) with a bare 400
  if (r.status >= 400 && r.body !== '') expect(() => JSON.parse(r.body) as unknown).not.toThrow();
}

const num = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e308, -1, 0, 2 ** 53, 1e12));
const json = fc.jsonValue({ maxDepth: 3 });
// request targets: percent-encoding good and bad, dots, unicode, query strings
const pathPart = fc.oneof(
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '..', '%2e%2e', '%C0%AF', '?x=%', 'é', '%FF', '%%'),
);

describe('serve --openai: generated bodies and paths', () => {
  it('answers every generated request target without a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/models/', '/v1/', '/', '/health/', '/v1/chat/completions/'),
        fc.array(pathPart, { maxLength: 3 }),
        fc.constantFrom('GET', 'POST', 'PUT'),
        async (prefix, parts, method) => {
          expectHandled(await raw(apiPort, method, prefix + parts.join(''), method === 'POST' ? '{}' : undefined));
        },
      ),
      { numRuns: 60 },
    );
    expect((await raw(apiPort, 'GET', '/v1/models/%E0%A4%A')).status).toBe(400);
  });

  it('answers every generated body with a result or a 4xx', async () => {
    const body = fc.oneof(
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: json.map((j) => JSON.stringify(j)) },
      {
        weight: 3,
        arbitrary: fc
          .record(
            {
              model: fc.oneof(fc.string({ maxLength: 8 }), num),
              messages: fc.oneof(
                json,
                fc.array(
                  fc.record({ role: fc.constantFrom('user', 'system', 'bot'), content: fc.oneof(fc.string({ maxLength: 20 }), json) }),
                  { maxLength: 2 },
                ),
              ),
              prompt: fc.oneof(fc.string({ maxLength: 20 }), fc.array(num, { maxLength: 4 }), json),
              max_tokens: fc.oneof(fc.integer({ min: -2, max: 4 }), num, fc.string({ maxLength: 3 })),
              min_tokens: fc.oneof(fc.integer({ min: 0, max: 4 }), num),
              stream: fc.oneof(fc.boolean(), json),
              ignore_eos: fc.boolean(),
              stream_options: json,
            },
            { requiredKeys: ['max_tokens'] },
          )
          .map((o) => JSON.stringify(o)),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/chat/completions', '/v1/completions'), body, async (path, b) => {
        expectHandled(await raw(apiPort, 'POST', path, b));
      }),
      { numRuns: 80 },
    );
    expect((await raw(apiPort, 'GET', '/health')).status).toBe(200);
  });
});

describe('serve page: generated bodies and paths', () => {
  const base = () => `/s/${page.token}/`;
  const post = (path: string, body: string) => raw(page.port, 'POST', base() + path, body);

  it('answers every generated request target and body without a 500', async () => {
    const reg = await post('api/devices', JSON.stringify({ environment: fakeBrowser(), ep: 'wasm', epChoice: 'forced', threads: 2 }));
    const id = (JSON.parse(reg.body) as RegisterResponse).deviceId;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'api/devices',
          `api/devices/${id}/cells`,
          `api/devices/${id}/progress`,
          `api/devices/${id}/leave`,
          'api/config',
          'model/',
        ),
        fc.array(pathPart, { maxLength: 2 }),
        fc.oneof(
          fc.string({ maxLength: 20 }),
          json.map((j) => JSON.stringify(j)),
          fc
            .record({ index: num, status: fc.constantFrom('ok', 'errored'), requests: json, loadMs: num }, { requiredKeys: [] })
            .map((o) => JSON.stringify(o)),
        ),
        async (route, parts, body) => {
          expectHandled(await post(route + parts.join(''), body));
          expectHandled(await raw(page.port, 'GET', base() + route + parts.join('')));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('keeps a stored cell final: an identical re-post gets the stored row, a changed one or a post after finish gets 409', async () => {
    const r = JSON.parse(
      (await post('api/devices', JSON.stringify({ environment: fakeBrowser(), ep: 'wasm', epChoice: 'forced', threads: 2 }))).body,
    ) as RegisterResponse;
    const cell = (index: number, ms: number): CellUpload => {
      const shape = r.cells[index]!.shape;
      const trace = (i: number, phase: 'cold' | 'measured') => ({
        index: i,
        phase,
        promptTokens: Math.max(1, shape.promptTokens),
        depth: shape.depth,
        tokenTimesMs: Array.from({ length: genLength(shape) }, (_, k) => ms + k * 2),
        startedAt: '2026-11-23T08:00:00.500Z',
        offsetMs: i * 20,
      });
      return {
        index,
        status: 'ok',
        loadMs: 12,
        requests: [trace(0, 'cold'), trace(1, 'measured'), trace(2, 'measured')],
        resolved: { executionProvider: 'wasm', threads: 2, settings: {}, versions: {}, fallback: false },
        startedAt: '2026-11-23T08:00:00.000Z',
        endedAt: '2026-11-23T08:00:01.000Z',
      };
    };
    const first = await post(`api/devices/${r.deviceId}/cells`, JSON.stringify(cell(0, 5)));
    expect(first.status, first.body).toBe(201);
    const again = await post(`api/devices/${r.deviceId}/cells`, JSON.stringify(cell(0, 5)));
    expect(again.status).toBe(201);
    expect(JSON.parse(again.body)).toEqual(JSON.parse(first.body));
    const changed = await post(`api/devices/${r.deviceId}/cells`, JSON.stringify(cell(0, 50)));
    expect(changed.status).toBe(409);
    expect(changed.body).toMatch(/CELL_STORED/);
    expect((await post(`api/devices/${r.deviceId}/cells`, JSON.stringify(cell(1, 5)))).status).toBe(201);
    expect((await post(`api/devices/${r.deviceId}/finish`, '{}')).status).toBe(200);
    const late = await post(`api/devices/${r.deviceId}/cells`, JSON.stringify(cell(1, 99)));
    expect(late.status).toBe(409);
    const stored = await readCells(r.runDir);
    expect(stored.map((c) => c.requests[1]!.tokenTimesMs[0])).toEqual([5, 5]); // nothing overwritten
  });
});
