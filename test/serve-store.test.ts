/** `serve --db`: a phone's run goes into the results store when the page finishes. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genLength } from '../src/measure/measure-cell.ts';
import { startPageServer, type PageServer } from '../src/serve/page/page-server.ts';
import type { RegisterResponse } from '../src/serve/page/shared/protocol.ts';
import { openStore, type StoreTarget } from '../src/store/open-store.ts';
import { createStorePublisher, type StorePublisher } from '../src/store/serve-publisher.ts';
import { fakeBrowser, raw, shortSuite, tinyModel } from './serve-page-fixture.ts';
import { embeddedBackend } from './helpers/store-backends.ts';

const backend = embeddedBackend();
let srv: PageServer;
let store: StorePublisher;
let target: StoreTarget;
const logs: string[] = [];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'eb-serve-store-'));
  await backend.setup();
  target = (await backend.fresh()).target;
  store = await createStorePublisher(target, (m) => logs.push(m), false);
  const model = await tinyModel(root);
  srv = await startPageServer({
    model,
    suite: shortSuite(model.info.id),
    runDir: join(root, 'serve'),
    host: '127.0.0.1',
    port: 0,
    argv: ['serve'],
    log: (m) => logs.push(m),
    onRunEnded: store.publish,
  });
});

afterAll(async () => {
  await srv?.close();
  await store?.close();
  await backend.teardown();
});

describe('serve --db', () => {
  it('publishes each finished device run (browser device, phone class, source serve)', async () => {
    const post = (path: string, body: unknown) => raw(srv.port, 'POST', `/s/${srv.token}/${path}`, JSON.stringify(body));
    const reg = JSON.parse(
      (await post('api/devices', { environment: fakeBrowser(), ep: 'wasm', epChoice: 'forced', threads: 2 })).body,
    ) as RegisterResponse;
    for (const [index, c] of reg.cells.entries()) {
      const n = genLength(c.shape);
      const trace = (i: number) => ({
        index: i,
        phase: 'measured',
        promptTokens: Math.max(1, c.shape.promptTokens),
        depth: c.shape.depth,
        tokenTimesMs: Array.from({ length: n }, (_, k) => 5 + k * 2 + i * 0.1),
        startedAt: new Date().toISOString(),
        offsetMs: i * 20,
      });
      const r = await post(`api/devices/${reg.deviceId}/cells`, {
        index,
        status: 'ok',
        loadMs: 12,
        requests: [0, 1, 2, 3, 4].map(trace),
        resolved: { executionProvider: 'wasm', threads: 2, settings: {}, versions: { 'onnxruntime-web': '1.30.0' }, fallback: false },
        startedAt: new Date(Date.now() - 1000).toISOString(),
        endedAt: new Date().toISOString(),
      });
      expect(r.status, r.body).toBe(201);
    }
    expect(JSON.parse((await post(`api/devices/${reg.deviceId}/finish`, {})).body)).toEqual({ status: 'complete', missing: [] });
    expect(logs.some((l) => /published serve-device-01-.* \(2 cells, 0 implausible\) to the embedded store/.test(l))).toBe(true);
    await store.close();
    const db = await openStore(target);
    try {
      const rows = await db.query<{ source: string; kind: string; device_class: string; cells: number }>(
        'SELECT r.source, d.kind, d.device_class, (SELECT count(*)::int FROM cells c WHERE c.run_pk = r.id) AS cells FROM runs r JOIN devices d ON d.id = r.device_id',
      );
      expect(rows).toEqual([{ source: 'serve', kind: 'browser', device_class: 'phone', cells: 2 }]);
    } finally {
      await db.close();
    }
  });
});
