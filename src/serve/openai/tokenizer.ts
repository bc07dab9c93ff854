/**
 * The served model's tokenizer (transformers.js AutoTokenizer from the model folder, local files
 * only): chat messages through the folder's chat template when it has one, plain prompts as is,
 * and an incremental detokenizer that turns each generated id into the text it adds.
 */
import { basename, dirname } from 'node:path';
import type { AutoTokenizer } from '@huggingface/transformers';
import { EdgebenchError } from '../../errors.ts';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ServeTokenizer {
  hasChatTemplate: boolean;
  encodeChat(messages: ChatMessage[]): number[];
  encodePrompt(text: string): number[];
  /** the text of one token on its own (logprobs entries) */
  tokenText(id: number): string;
  /** a fresh detokenizer for one answer */
  detokenizer(): IncrementalDetokenizer;
}

export interface IncrementalDetokenizer {
  /** the text token `id` adds; held back while it ends in half a UTF-8 character, unless `last` */
  push(id: number, last: boolean): string;
  readonly text: string;
}

type Tok = Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;

function toIds(x: unknown): number[] {
  const v = Array.isArray(x) ? x : (x as { input_ids?: unknown }).input_ids;
  if (!Array.isArray(v)) throw new Error('tokenizer returned no ids');
  return v.map(Number);
}

/** Plain transcript when the folder has no chat template: "role: content" lines, then "assistant:". */
function plainTranscript(messages: ChatMessage[]): string {
  return `${messages.map((m) => `${m.role}: ${m.content}`).join('\n')}\nassistant:`;
}

export async function loadServeTokenizer(dir: string): Promise<ServeTokenizer> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = `${dirname(dir)}/`;
  let tok: Tok;
  try {
    tok = await tf.AutoTokenizer.from_pretrained(basename(dir));
  } catch (e) {
    throw new EdgebenchError(
      'MODEL_INVALID',
      `cannot load the tokenizer of ${dir}: ${(e as Error).message.split('\n')[0]}`,
      'the model folder needs tokenizer.json and tokenizer_config.json',
    );
  }
  const hasChatTemplate = Boolean(tok.chat_template);
  return {
    hasChatTemplate,
    encodeChat(messages) {
      if (!hasChatTemplate) return toIds(tok.encode(plainTranscript(messages)));
      return toIds(
        tok.apply_chat_template(messages, { add_generation_prompt: true, tokenize: true, return_tensor: false, return_dict: false }),
      );
    },
    encodePrompt(text) {
      return toIds(tok.encode(text));
    },
    tokenText(id) {
      return tok.decode([id], { skip_special_tokens: false });
    },
    detokenizer() {
      // TGI / vLLM-style windowed decoding: O(1) per token, and a held-back tail while a character is incomplete
      const ids: number[] = [];
      let prefixOffset = 0;
      let readOffset = 0;
      let text = '';
      const decode = (a: number, b?: number) => {
        const part = ids.slice(a, b);
        return part.length === 0 ? '' : tok.decode(part, { skip_special_tokens: true });
      };
      return {
        push(id, last) {
          ids.push(id);
          const prefix = decode(prefixOffset, readOffset);
          const full = decode(prefixOffset);
          if (full.length <= prefix.length || (!last && full.endsWith('\uFFFD'))) return '';
          const delta = full.slice(prefix.length);
          prefixOffset = readOffset;
          readOffset = ids.length;
          text += delta;
          return delta;
        },
        get text() {
          return text;
        },
      };
    },
  };
}
