/**
 * The bare client of bench:overhead's openai-http figure: what a user would write to read an
 * OpenAI-style stream — fetch, split the body into lines, JSON.parse each `data:` line, note the
 * time of every text chunk. No schema validation, usage accounting, retries or per-cell stats.
 */
import { nowMs } from '../../src/clock.ts';

/** POSTs `body` (stream: true, api 'completions') and returns the time of each token-bearing chunk. */
export async function bareCompletionStream(url: string, body: Record<string, unknown>): Promise<number[]> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} from ${url}`);
  const decoder = new TextDecoder();
  const times: number[] = [];
  let buf = '';
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    buf += decoder.decode(r.value, { stream: true });
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const c = (JSON.parse(line.slice(6)) as { choices?: { text?: unknown; finish_reason?: unknown }[] }).choices?.[0];
      if (typeof c?.text === 'string' && !c.finish_reason) times.push(nowMs());
    }
  }
  return times;
}
