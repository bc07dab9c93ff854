/**
 * tokenizer.ggml.* metadata from a Hugging Face tokenizer.json (byte-level BPE: Llama 3, Qwen, and
 * edgebench's fallback), the way convert_hf_to_gguf.py's _set_vocab_gpt2 writes it: one token
 * string per embedding row (rows the tokenizer never produces become [PAD<id>], type UNUSED),
 * added special tokens typed CONTROL, merges as "left right", bos/eos ids and the chat template.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';
import type { ModelArch } from '../arch.ts';
import type { TokenizerKind } from '../tokenizers/kinds.ts';
import { TokenType } from './format.ts';
import type { GgufValue } from './writer.ts';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const TokenizerJson = z.looseObject({
  model: z.looseObject({
    type: z.literal('BPE'),
    vocab: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object of token → id'),
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])),
  }),
  added_tokens: z.array(z.looseObject({ id: z.number().int().nonnegative(), content: z.string(), special: z.boolean().optional() })),
});
const TokenizerConfig = z.looseObject({
  add_bos_token: z.boolean().optional(),
  chat_template: z.string().optional().nullable(),
});

/** llama.cpp's pre-tokenizer names (llama-vocab.cpp) for the tokenizers edgebench ships. */
const PRE: Record<TokenizerKind, string> = { llama3_1: 'llama-bpe', llama3: 'llama-bpe', qwen3: 'qwen2', fallback: 'gpt-2' };

export interface TokenizerMetaInput {
  tokenizerJson: string;
  tokenizerConfigJson: string;
  kind: TokenizerKind;
  arch: ModelArch;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EdgebenchError('MODEL_INVALID', `${file}: ${(e as Error).message.split('\n')[0]}`, 'regenerate or re-install the tokenizer files');
  }
}

export function tokenizerMetadata(t: TokenizerMetaInput): Map<string, GgufValue> {
  const parsed = TokenizerJson.safeParse(readJson(t.tokenizerJson));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EdgebenchError('MODEL_INVALID', `${t.tokenizerJson}: not a byte-level BPE tokenizer.json (${issue?.path.join('.')}: ${issue?.message})`, 'GGUF tokenizer metadata is written for BPE tokenizers (Llama 3, Qwen, edgebench fallback)');
  }
  const cfg = TokenizerConfig.safeParse(readJson(t.tokenizerConfigJson));
  const V = t.arch.vocabSize;
  const tokens: (string | undefined)[] = new Array<string | undefined>(V);
  const types = new Int32Array(V).fill(TokenType.NORMAL);
  for (const [tok, id] of Object.entries(parsed.data.model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new EdgebenchError('MODEL_INVALID', `${t.tokenizerJson}: vocab id of '${tok}' is not a non-negative integer`, 'regenerate tokenizer.json');
    if (id < V) tokens[id] = tok;
  }
  for (const a of parsed.data.added_tokens) {
    if (a.id >= V) continue;
    tokens[a.id] = a.content;
    types[a.id] = a.special === false ? TokenType.USER_DEFINED : TokenType.CONTROL;
  }
  const list: string[] = new Array<string>(V);
  for (let i = 0; i < V; i++) {
    const tok = tokens[i];
    if (tok === undefined) {
      list[i] = `[PAD${i}]`;
      types[i] = TokenType.UNUSED;
    } else list[i] = tok;
  }
  const merges = parsed.data.model.merges.map((m) => (typeof m === 'string' ? m : `${m[0]} ${m[1]}`));
  const kv = new Map<string, GgufValue>();
  kv.set('tokenizer.ggml.model', { t: 'str', v: 'gpt2' });
  kv.set('tokenizer.ggml.pre', { t: 'str', v: PRE[t.kind] });
  kv.set('tokenizer.ggml.tokens', { t: 'arr_str', v: list });
  kv.set('tokenizer.ggml.token_type', { t: 'arr_i32', v: types });
  kv.set('tokenizer.ggml.merges', { t: 'arr_str', v: merges });
  const inRange = (id: number | null | undefined): id is number => typeof id === 'number' && id >= 0 && id < V;
  const eos = Array.isArray(t.arch.eosTokenId) ? t.arch.eosTokenId[0] : t.arch.eosTokenId;
  if (inRange(t.arch.bosTokenId)) kv.set('tokenizer.ggml.bos_token_id', { t: 'u32', v: t.arch.bosTokenId });
  if (inRange(eos)) kv.set('tokenizer.ggml.eos_token_id', { t: 'u32', v: eos });
  const addBos = cfg.success && cfg.data.add_bos_token !== undefined ? cfg.data.add_bos_token : t.kind === 'llama3' || t.kind === 'llama3_1';
  kv.set('tokenizer.ggml.add_bos_token', { t: 'bool', v: addBos });
  if (cfg.success && typeof cfg.data.chat_template === 'string') kv.set('tokenizer.chat_template', { t: 'str', v: cfg.data.chat_template });
  return kv;
}
