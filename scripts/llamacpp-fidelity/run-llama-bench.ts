/**
 * One llama-bench invocation (`-o json`), its output checked with a zod schema: the per-repetition
 * tokens/s (`samples_ts`) and the settings llama-bench reports for the test.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';

const LlamaBenchRow = z.object({
  build_commit: z.string(),
  n_batch: z.number().int(),
  n_ubatch: z.number().int(),
  n_threads: z.number().int(),
  flash_attn: z.union([z.number().int(), z.boolean()]),
  type_k: z.string(),
  type_v: z.string(),
  poll: z.number().int(),
  n_prompt: z.number().int(),
  n_gen: z.number().int(),
  n_depth: z.number().int().optional(),
  samples_ts: z.array(z.number().positive()).min(1),
});
export type LlamaBenchRow = z.infer<typeof LlamaBenchRow>;

export interface LlamaBenchTest {
  model: string;
  promptTokens: number;
  genTokens: number;
  threads: number;
  reps: number;
  /** llama-bench's own flags for the settings under test (e.g. `-fa auto -b 2048 -ub 512`) */
  flags: string[];
}

export function llamaBenchArgs(t: LlamaBenchTest): string[] {
  return [
    '-m',
    t.model,
    '-p',
    String(t.promptTokens),
    '-n',
    String(t.genTokens),
    '-t',
    String(t.threads),
    '-r',
    String(t.reps),
    ...t.flags,
    '-o',
    'json',
  ];
}

export function runLlamaBench(bin: string, t: LlamaBenchTest): Promise<LlamaBenchRow> {
  const args = llamaBenchArgs(t);
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    p.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-4000)));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`llama-bench ${args.join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      let json: unknown;
      try {
        json = JSON.parse(out);
      } catch {
        return reject(new Error(`llama-bench printed no JSON: ${out.slice(0, 200)}`));
      }
      const r = z.array(LlamaBenchRow).length(1).safeParse(json);
      if (!r.success) {
        const i = r.error.issues[0]!;
        return reject(new Error(`llama-bench JSON: ${i.path.join('.')}: ${i.message}`));
      }
      resolve(r.data[0]!);
    });
  });
}
