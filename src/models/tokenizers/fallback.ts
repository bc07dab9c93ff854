/**
 * A synthetic byte-level BPE tokenizer with exactly the model's vocabulary size, for model families
 * without a tokenizer on npm. Token ids do not match the real tokenizer: shapes and cost are right,
 * text is not. tokenizer_config.json says so (`edgebench_fallback: true`).
 */
export interface FallbackSpec {
  vocabSize: number;
  bosTokenId: number | null;
  eosTokenId: number | number[] | null;
  modelMaxLength: number;
  /** what it stands in for, e.g. 'HuggingFaceTB/SmolLM2-135M-Instruct' */
  standsInFor: string;
}

export interface FallbackTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfigJson: Record<string, unknown>;
  specials: { id: number; content: string }[];
}

const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** GPT-2's reversible byte → printable-unicode map used by ByteLevel pre-tokenizers. */
export function bytesToUnicode(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + n++));
  return out;
}

/** Frequent characters first so the first merges look like real ones ('Ġt', 'he', …). */
function mergeAlphabet(byteChar: string[]): string[] {
  const text = ' etaoinshrdlcumwfgypbvkjxqzETAOINSHRDLCUMWFGYPBVKJXQZ0123456789.,\'"-:;!?()\n';
  return [...text].map((ch) => byteChar[ch.charCodeAt(0)] ?? ch);
}

export function buildFallbackTokenizer(spec: FallbackSpec): FallbackTokenizer {
  const V = spec.vocabSize;
  const specialIds = assignSpecials(spec);
  if (V < 256 + specialIds.length + 1) throw new RangeError(`vocab ${V} too small for a byte-level tokenizer`);
  const taken = new Set(specialIds.map((s) => s.id));
  let nextId = 0;
  const freeId = (): number => {
    while (taken.has(nextId)) nextId++;
    return nextId++;
  };
  const vocab = new Map<string, number>();
  const byteChar = bytesToUnicode();
  for (const ch of byteChar) vocab.set(ch, freeId());
  const merges: string[] = [];
  const alphabet = mergeAlphabet(byteChar);
  const target = V - specialIds.length;
  // level k tokens = level k-1 token + one alphabet character, in rank order
  let frontier = alphabet;
  while (vocab.size < target) {
    const next: string[] = [];
    for (const left of frontier) {
      for (const right of alphabet) {
        if (vocab.size >= target) break;
        const tok = left + right;
        if (vocab.has(tok)) continue;
        vocab.set(tok, freeId());
        merges.push(`${left} ${right}`);
        next.push(tok);
      }
      if (vocab.size >= target) break;
    }
    frontier = next;
  }
  for (const s of specialIds) vocab.set(s.content, s.id);
  const eos = specialIds.find((s) => s.role === 'eos');
  const bos = specialIds.find((s) => s.role === 'bos');
  const note =
    `SYNTHETIC tokenizer written by edgebench: byte-level BPE with ${merges.length} arbitrary merges and exactly ${V} tokens, ` +
    `standing in for the real ${spec.standsInFor} tokenizer. Token ids and text do not match the real model; shapes and cost do.`;
  return {
    specials: specialIds.map(({ id, content }) => ({ id, content })),
    tokenizerJson: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specialIds.map((s) => ({
        id: s.id, content: s.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
      })),
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
        fuse_unk: false, byte_fallback: false, ignore_merges: false,
        vocab: Object.fromEntries([...vocab.entries()].sort((a, b) => a[1] - b[1])),
        merges,
      },
    },
    tokenizerConfigJson: {
      edgebench_fallback: true,
      edgebench_note: note,
      tokenizer_class: 'PreTrainedTokenizerFast',
      bos_token: bos?.content ?? null,
      eos_token: eos?.content ?? null,
      pad_token: eos?.content ?? null,
      unk_token: null,
      add_bos_token: false,
      add_eos_token: false,
      clean_up_tokenization_spaces: false,
      model_max_length: spec.modelMaxLength,
      chat_template: CHATML_TEMPLATE,
    },
  };
}

interface Special {
  id: number;
  content: string;
  role: 'bos' | 'eos' | 'chat';
}

/** eos → <|im_end|> (so ChatML turns end on the model's eos id), bos → <|begin_of_text|>, <|im_start|> at the top free id. */
function assignSpecials(spec: FallbackSpec): Special[] {
  const V = spec.vocabSize;
  const inRange = (id: number | null | undefined): id is number => typeof id === 'number' && id >= 0 && id < V;
  const out: Special[] = [];
  const eosFirst = Array.isArray(spec.eosTokenId) ? spec.eosTokenId[0] : spec.eosTokenId;
  if (inRange(spec.bosTokenId) && spec.bosTokenId !== eosFirst) out.push({ id: spec.bosTokenId, content: '<|begin_of_text|>', role: 'bos' });
  const top = (): number => {
    let id = V - 1;
    while (out.some((s) => s.id === id)) id--;
    return id;
  };
  out.push({ id: inRange(eosFirst) ? eosFirst : top(), content: '<|im_end|>', role: 'eos' });
  out.push({ id: top(), content: '<|im_start|>', role: 'chat' });
  return out.sort((a, b) => a.id - b.id);
}
