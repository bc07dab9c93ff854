/** What `publish` sends: no hostname, user name, path or credential anywhere in the payload. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunForStore } from '../src/store/load-run.ts';
import { buildPayload } from '../src/store/payload.ts';
import { browserTokens, modelName, scrubText } from '../src/store/privacy.ts';
import { writeStoreRun } from './fixtures/store/runs.ts';

describe('store privacy', () => {
  it('scrubs free text: URL credentials and queries, absolute paths, the hostname', () => {
    const ctx = { words: ['alice-laptop'] };
    expect(scrubText('GET https://bob:hunter2@api.example.com/v1/chat?key=sk-1#x failed', ctx)).toBe(
      'GET https://api.example.com/v1/chat failed',
    );
    expect(scrubText('cannot open /home/alice/models/tiny/model.onnx (ENOENT)', ctx)).toBe('cannot open …/model.onnx (ENOENT)');
    expect(scrubText('C:\\Users\\carol\\m.onnx and ~/x/y and /home/dave', ctx)).toBe('…/m.onnx and …/y and <path>');
    expect(scrubText('on alice-laptop: 12 tok/s, pp512+tg128@d1024', ctx)).toBe('on <redacted>: 12 tok/s, pp512+tg128@d1024');
    expect(modelName('/home/alice/models/llama-3.2-1b-q4')).toBe('llama-3.2-1b-q4');
    expect(modelName('meta-llama/Llama-3.2-1B')).toBe('meta-llama/Llama-3.2-1B');
    expect(
      browserTokens(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome/131 Android 14');
  });

  it('a run full of identifying strings publishes none of them', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'eb-privacy-')), 'run');
    await writeStoreRun(dir, {
      runId: 'privacy',
      hostname: 'alice-laptop.corp.example',
      argv: ['run', '--model', '/home/alice/models/llama-3.2-1b-q4', '--endpoint', 'https://bob:hunter2@api.example.com'],
      environment: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36' },
      cells: [
        {
          modelPath: '/home/alice/models/llama-3.2-1b-q4',
          settings: { endpoint: 'https://bob:hunter2@api.example.com/v1?api_key=sk-123', apiKey: 'sk-secret', graph: 'all' },
        },
        { status: 'errored', errorMessage: 'cannot open /home/alice/models/x.onnx on alice-laptop.corp.example' },
      ],
    });
    const payload = buildPayload(await loadRunForStore(dir), { source: 'cli', references: null });
    const text = JSON.stringify(payload);
    for (const secret of ['alice', 'hunter2', 'sk-123', 'sk-secret', '/home', 'bob', 'corp.example', 'argv', 'X11'])
      expect(text).not.toContain(secret);
    expect(payload.cells[0]!.model).toBe('llama-3.2-1b-q4');
    expect(payload.cells[0]!.resolved!.settings).toEqual({ endpoint: 'https://api.example.com/v1', graph: 'all' });
    expect(payload.cells[1]!.error!.message).toBe('cannot open …/x.onnx on <redacted>');
    expect(payload.environment.browser).toBe('Chrome/131 Linux x86_64');
    expect(Object.keys(payload.environment)).not.toContain('hostname');
  });
});
