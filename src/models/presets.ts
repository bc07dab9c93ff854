import { readFileSync } from 'node:fs';
import { closestNames, editDistance } from '../util/closest.ts';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { countParams, type ModelArch } from './arch.ts';
import { EdgebenchError, zodToError } from '../errors.ts';
import { archFromHfConfig, parseHfConfig, type HfConfig } from './folder/hf-config.ts';
import { TOKENIZER_KINDS, type TokenizerKind } from './tokenizers/kinds.ts';

export type OfficialKind = 'precise' | 'rounded' | 'size-class';

export interface ModelPreset {
  /** kebab-case id, e.g. 'llama-3.2-1b' */
  id: string;
  /** Hugging Face repo of the real model (null for tiny test presets) */
  hfId: string | null;
  arch: ModelArch;
  /** the config.json the architecture comes from (unknown keys kept) */
  hfConfig: HfConfig;
  params: {
    /** countParams(arch); equals param_count.architecture_exact in configs.json */
    exact: number;
    nonEmbedding: number;
    /** as quoted, e.g. '1.23B'; '' for tiny presets */
    official: string;
    /** parsed official figure; null for size classes and tiny presets */
    officialValue: number | null;
    officialNonEmbeddingValue: number | null;
    officialKind: OfficialKind | null;
  };
  tokenizer: TokenizerKind;
  notes: string[];
  tiny?: boolean;
  /** model_id of the models/configs.json entry (null for tiny presets) */
  configId: string | null;
  /** where the architecture numbers were read (configs.json source) */
  source: string | null;
}

const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));
export const CONFIGS_FILE = `${MODELS_DIR}configs.json`;
export const PRESETS_FILE = `${MODELS_DIR}presets.yaml`;

const ConfigEntrySchema = z.looseObject({
  model_id: z.string().min(1),
  verified: z.boolean(),
  source: z.string(),
  config: z.unknown(),
  param_count: z.looseObject({
    architecture_exact: z.number().int().positive(),
    official: z.looseObject({ value: z.string() }),
  }),
});
const ConfigsFileSchema = z.array(ConfigEntrySchema).min(1);

const kebab = z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'must be kebab-case');
const PresetEntrySchema = z.strictObject({
  id: kebab,
  config: z.string().optional(),
  inline_config: z.unknown().optional(),
  hf_id: z.string().nullable(),
  official: z.string().optional(),
  official_non_embedding: z.string().optional(),
  official_kind: z.enum(['precise', 'rounded', 'size-class']).optional(),
  tokenizer: z.enum(TOKENIZER_KINDS),
  notes: z.array(z.string()),
  tiny: z.boolean().optional(),
});
const PresetsFileSchema = z.strictObject({
  presets: z.array(PresetEntrySchema).min(1),
  unsupported: z.array(z.strictObject({ config: z.string(), why: z.string() })),
});
type PresetEntry = z.infer<typeof PresetEntrySchema>;

/** Parse '135M', '1.23B', '494M', '0.49B total, …' → a count (first figure only); null if none. */
export function parseParamCount(s: string): number | null {
  const m = /(\d+(?:\.\d+)?)\s*([KMBT])\b/i.exec(s);
  if (!m || !m[1] || !m[2]) return null;
  const scale = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[m[2].toUpperCase() as 'K' | 'M' | 'B' | 'T'];
  return Math.round(Number(m[1]) * scale);
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EdgebenchError('CONFIG_INVALID', `${file}: ${(e as Error).message.split('\n')[0]}`, 'restore it from git');
  }
}

interface PresetData {
  presets: ModelPreset[];
  unsupported: { config: string; why: string }[];
}
let cache: PresetData | null = null;

function loadPresetData(): PresetData {
  if (cache) return cache;
  const configs = ConfigsFileSchema.safeParse(readJsonFile(CONFIGS_FILE));
  if (!configs.success) throw zodToError('CONFIG_INVALID', CONFIGS_FILE, configs.error, 'restore models/configs.json from git');
  const byModelId = new Map(configs.data.map((c) => [c.model_id, c]));
  const yaml = PresetsFileSchema.safeParse(parseYaml(readFileSync(PRESETS_FILE, 'utf8')));
  if (!yaml.success) throw zodToError('CONFIG_INVALID', PRESETS_FILE, yaml.error, 'fix models/presets.yaml');
  const presets = yaml.data.presets.map((p) => toPreset(p, byModelId));
  const dup = presets.find((p, i) => presets.findIndex((q) => q.id === p.id) !== i);
  if (dup) throw new EdgebenchError('CONFIG_INVALID', `${PRESETS_FILE}: duplicate preset id '${dup.id}'`, 'preset ids must be unique');
  cache = { presets, unsupported: yaml.data.unsupported };
  return cache;
}

function toPreset(p: PresetEntry, byModelId: Map<string, z.infer<typeof ConfigEntrySchema>>): ModelPreset {
  const where = `${PRESETS_FILE} preset '${p.id}'`;
  let rawConfig: unknown;
  let source: string | null = null;
  let expectedExact: number | null = null;
  if (p.config !== undefined) {
    const entry = byModelId.get(p.config);
    if (!entry) throw new EdgebenchError('CONFIG_INVALID', `${where}: config '${p.config}' is not in ${CONFIGS_FILE}`, 'use a model_id from models/configs.json');
    rawConfig = entry.config;
    source = entry.source;
    expectedExact = entry.param_count.architecture_exact;
  } else if (p.inline_config !== undefined) {
    rawConfig = p.inline_config;
  } else {
    throw new EdgebenchError('CONFIG_INVALID', `${where}: needs 'config' or 'inline_config'`, 'see the header of models/presets.yaml');
  }
  const hfConfig = parseHfConfig(rawConfig, `${where} config`);
  const { arch, caveats } = archFromHfConfig(hfConfig, `${where} config`);
  const exact = countParams(arch);
  if (expectedExact !== null && exact !== expectedExact) {
    throw new EdgebenchError('INTERNAL', `${where}: countParams ${exact} ≠ architecture_exact ${expectedExact}`, 'the config → arch mapping is wrong');
  }
  const embed = arch.vocabSize * arch.hiddenSize;
  const kind = p.official_kind ?? null;
  const official = p.official ?? '';
  return {
    id: p.id,
    hfId: p.hf_id,
    arch,
    hfConfig,
    params: {
      exact,
      nonEmbedding: exact - embed * (arch.tieWordEmbeddings ? 1 : 2),
      official,
      officialValue: kind === 'size-class' ? null : parseParamCount(official),
      officialNonEmbeddingValue: p.official_non_embedding ? parseParamCount(p.official_non_embedding) : null,
      officialKind: kind,
    },
    tokenizer: p.tokenizer,
    notes: [...p.notes, ...caveats],
    ...(p.tiny ? { tiny: true } : {}),
    configId: p.config ?? null,
    source,
  };
}

export function listPresets(): ModelPreset[] {
  return loadPresetData().presets;
}

/** Architectures in configs.json that have no preset, with the reason. */
export function listUnsupported(): { config: string; why: string }[] {
  return loadPresetData().unsupported;
}

export function findPreset(id: string): ModelPreset | undefined {
  const key = id.toLowerCase();
  return listPresets().find((p) => p.id === key || p.hfId?.toLowerCase() === key);
}

export function getPreset(id: string): ModelPreset {
  const found = findPreset(id);
  if (found) return found;
  const close = closestNames(id, listPresets().map((p) => p.id), 3);
  throw new EdgebenchError(
    'PRESET_UNKNOWN',
    `unknown model preset '${id}'${close.length ? `; did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : ''}`,
    'run `edgebench models list` for all presets',
  );
}

/** Presets whose architecture equals the given one (used to label a loaded folder). */
export function presetForArch(a: ModelArch): ModelPreset | undefined {
  const same = (p: ModelPreset): boolean =>
    p.arch.family === a.family && p.arch.hiddenSize === a.hiddenSize && p.arch.intermediateSize === a.intermediateSize &&
    p.arch.numLayers === a.numLayers && p.arch.numHeads === a.numHeads && p.arch.numKvHeads === a.numKvHeads &&
    p.arch.headDim === a.headDim && p.arch.vocabSize === a.vocabSize && p.arch.tieWordEmbeddings === a.tieWordEmbeddings;
  return listPresets().find(same);
}

export { closestNames, editDistance };
