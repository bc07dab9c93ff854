/**
 * Derive the structured fields of a figure from the published free text (batch, token counts,
 * precision, model family/size, device class, evidence kind). Used once to import the
 * published compilation and for `references add` with a file in the published (flat) format.
 * The results are stored in the data files, where a reviewer can correct them.
 */
import type { BatchClass, DeviceClass, EvidenceKind, Precision } from './schema.ts';

export function deriveBatch(text: string | null): { batch: BatchClass; batch_size: number | null } {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '') return { batch: 'unknown', batch_size: null };
  if (/^(1\b|concurrency 1\b|1 request)/.test(t)) return { batch: 'single', batch_size: 1 };
  const seqs = /max_num_seqs (\d+)/.exec(t);
  if (seqs?.[1]) return { batch: 'batched', batch_size: Number(seqs[1]) };
  if (t.startsWith('per user')) return { batch: 'per-user', batch_size: null };
  if (t.startsWith('max load')) return { batch: 'max-load', batch_size: null };
  if (t.startsWith('offline')) return { batch: 'offline', batch_size: null };
  if (t.startsWith('server')) return { batch: 'server', batch_size: null };
  const n = /^batch (\d+)/.exec(t);
  if (n?.[1]) return { batch: Number(n[1]) === 1 ? 'single' : 'batched', batch_size: Number(n[1]) };
  return { batch: 'unknown', batch_size: null };
}

function num(s: string | undefined): number | null {
  return s === undefined ? null : Number(s.replace(/,/g, ''));
}

/** Prompt and output token counts stated in the conditions text (llama-bench, ISL/OSL, …). */
export function deriveTokens(text: string): { prompt_tokens: number | null; output_tokens: number | null } {
  const t = text.toLowerCase();
  const tg = /^tg ?(\d+)/.exec(t);
  if (tg) return { prompt_tokens: 0, output_tokens: num(tg[1]) };
  const pp = /^pp ?(\d+)/.exec(t);
  if (pp) return { prompt_tokens: num(pp[1]), output_tokens: null };
  const isl = /isl\/osl (\d+)\/(\d+)/.exec(t);
  if (isl) return { prompt_tokens: num(isl[1]), output_tokens: num(isl[2]) };
  const io = /input (\d+), output (\d+)/.exec(t) ?? /([\d,]+) input \/ ([\d,]+) output/.exec(t);
  if (io) return { prompt_tokens: num(io[1]), output_tokens: num(io[2]) };
  const patterns: RegExp[] = [
    /prompt <= ?(\d+) tokens/,
    /prompt length (\d+)/,
    /full (\d+)-token prompt/,
    /prompt filling (\d+)-token context/,
    /fixed (\d+)-token prompt/,
    /run on a (\d+)-token input/,
  ];
  let prompt: number | null = null;
  for (const p of patterns) {
    const m = p.exec(t);
    if (m) {
      prompt = num(m[1]);
      break;
    }
  }
  const out = /avg output (\d+) tokens/.exec(t) ?? /(\d+) generated tokens/.exec(t);
  return { prompt_tokens: prompt, output_tokens: out ? num(out[1]) : null };
}

export function derivePrecision(quantization: string | null): Precision {
  const q = (quantization ?? '').toLowerCase();
  if (q === '' || /^(not stated|not disclosed|not visible|per submission|assumed)/.test(q)) return 'unknown';
  if (/^mixed|see model/.test(q)) return 'mixed';
  if (/\bfp4\b|mxfp4/.test(q) && !/fp8/.test(q)) return 'fp4';
  if (/^fp8|\bfp8\b/.test(q) && !/not stated/.test(q)) return 'fp8';
  if (/q4|4-bit|w4a|int4|3\.5 bits|palletization/.test(q)) return '4-bit';
  if (/8-bit|q8|int8|w8a/.test(q)) return '8-bit';
  if (/bf16|fp16|16-bit|unquantized/.test(q)) return '16-bit';
  return 'unknown';
}

const FAMILIES: Array<[RegExp, string]> = [
  [/llama[- ]?3\.3/i, 'llama-3.3'],
  [/llama[- ]?3\.2/i, 'llama-3.2'],
  [/llama[- ]?3\.1/i, 'llama-3.1'],
  [/llama[- ]?3/i, 'llama-3'],
  [/llama[- ]?2|llama 2/i, 'llama-2'],
  [/llama-65b|llama 65b/i, 'llama-1'],
  [/qwen2\.5/i, 'qwen2.5'],
  [/qwen3/i, 'qwen3'],
  [/gemma ?4/i, 'gemma-4'],
  [/mistral/i, 'mistral'],
  [/mixtral/i, 'mixtral'],
  [/gpt-j/i, 'gpt-j'],
  [/lfm2/i, 'lfm2'],
  [/apple foundation model/i, 'apple-afm'],
];

/** Family and parameter count (billions). Ambiguous strings (several sizes, MoE totals) give null size. */
export function deriveModel(model: string | null): { model_family: string | null; model_params_b: number | null } {
  if (!model) return { model_family: null, model_params_b: null };
  const family = FAMILIES.find(([re]) => re.test(model))?.[1] ?? null;
  if (/\d+x\d+b|\/\d+b|up to|gpt-4o|mix of/i.test(model)) return { model_family: family, model_params_b: null };
  const sizes = [...model.matchAll(/(?:^|[^\w.])(?:e|~)?(\d+(?:\.\d+)?)\s*-?b\b/gi)].map((m) => Number(m[1]));
  const distinct = [...new Set(sizes)];
  return { model_family: family, model_params_b: distinct.length === 1 ? (distinct[0] ?? null) : null };
}

export function deriveDeviceClass(system: string, category: string): DeviceClass {
  const s = system.toLowerCase();
  if (/\(phone|iphone|galaxy|oneplus|pixel|snapdragon 8 |dimensity|a18|a17|a19/.test(s)) return 'phone';
  if (/raspberry|hailo|jetson/.test(s)) return 'embedded';
  if (/\(desktop\)|rtx 4090|rtx 5090|rtx 30[789]0|rtx 40[78]0|mac mini|m[1-4] ultra/.test(s)) return 'desktop';
  if (/laptop|macbook|snapdragon x|lunar lake|meteor lake|core ultra|copilot\+|apple m[1-5]/.test(s)) return 'laptop';
  if (
    category === 'cloud-gpu' ||
    category === 'asic' ||
    /nvidia [abhv]\d00|h100|h200|b200|a100|a40|tpu|dgx|aws|google|\bapi\b|groq|cerebras|sambanova|openai|nvidia gpu/.test(s)
  ) {
    return 'datacenter';
  }
  return 'unknown';
}

/** Normalize the published evidence label to one weight class; `secondary` when read in a copy. */
export function deriveEvidence(evidence: string): { evidence_kind: EvidenceKind; evidence_secondary: boolean } {
  const e = evidence.toLowerCase();
  const secondary = /secondary|reported by a competitor|analyst report/.test(e);
  const rules: Array<[RegExp, EvidenceKind]> = [
    [/^independent-measured/, 'independent-measured'],
    [/^audited-benchmark/, 'audited-benchmark'],
    [/^vendor-measured/, 'vendor-measured'],
    [/^community-measured/, 'community-measured'],
    [/^vendor-claim/, 'vendor-claim'],
    [/^vendor-spec/, 'vendor-spec'],
    [/^vendor-price/, 'vendor-price'],
    [/^independent-estimate/, 'independent-estimate'],
    [/^analyst-estimate/, 'analyst-estimate'],
    [/^press-report/, 'press-report'],
    [/^secondary-report/, 'secondary-report'],
    [/^benchmark rule/, 'benchmark-rule'],
    [/^official-statistic/, 'official-statistic'],
  ];
  const kind = rules.find(([re]) => re.test(e))?.[1] ?? 'secondary-report';
  return { evidence_kind: kind, evidence_secondary: secondary || kind === 'secondary-report' };
}
