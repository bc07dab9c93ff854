/** The page's calls to `edgebench serve`, relative to the session base `/s/<token>/`. */
import { API, type ApiError, type CellRow, type PageConfig, type RegisterResponse } from '../shared/protocol.ts';
import type { CellUpload, ProgressUpload, RegisterRequest } from '../uploads.ts';

const base = () => new URL('./', location.href);

async function call<T>(path: string, body?: unknown, attempts = 1): Promise<T> {
  const init: RequestInit =
    body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  for (let i = 1; ; i++) {
    let res: Response;
    try {
      res = await fetch(new URL(path, base()), init);
    } catch (e) {
      if (i < attempts) {
        await new Promise((r) => setTimeout(r, 1000 * i));
        continue;
      }
      throw new Error(`cannot reach edgebench serve (${(e as Error).message}); is it still running?`);
    }
    const json = (await res.json().catch(() => null)) as unknown;
    if (!res.ok) {
      const err = (json as ApiError | null)?.error;
      throw new Error(err ? `${err.message}${err.hint ? ` — ${err.hint}` : ''}` : `HTTP ${res.status} from edgebench serve`);
    }
    return json as T;
  }
}

export const api = {
  config: () => call<PageConfig>(API.config),
  register: (r: RegisterRequest) => call<RegisterResponse>(API.devices, r),
  cell: (id: string, c: CellUpload) => call<CellRow>(API.cell(id), c, 3),
  progress: (id: string, p: ProgressUpload) => call<{ ok: true }>(API.progress(id), p),
  finish: (id: string) => call<{ status: string; missing: number[] }>(API.finish(id), {}, 3),
  leave: (id: string, reason: string) => call<{ ok: true }>(API.leave(id), { reason }),
  /** for pagehide: the browser sends it even as the tab goes away */
  leaveBeacon: (id: string, reason: string) => navigator.sendBeacon(new URL(API.leave(id), base()), JSON.stringify({ reason })),
};
