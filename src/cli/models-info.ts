import { basename, relative } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { countParams } from '../models/arch.ts';
import type { OnnxInspection, OnnxIo } from '../models/folder/inspect-onnx.ts';
import type { ModelFolder } from '../models/folder/load-folder.ts';
import { formatBytes, formatCount, formatInt, formatOpCounts } from '../format/model-sizes.ts';

/** Collapse per-layer names: past_key_values.{0..27}.key float32 [batch_size, 2, past_sequence_length, 64] */
export function groupIo(ios: OnnxIo[]): string[] {
  const groups = new Map<string, { first: OnnxIo; layers: number[] }>();
  for (const io of ios) {
    const m = /^(.*?\.)(\d+)(\..*)$/.exec(io.name);
    const key = m ? `${m[1]}{i}${m[3]}` : io.name;
    const g = groups.get(key) ?? { first: io, layers: [] };
    if (m?.[2]) g.layers.push(Number(m[2]));
    groups.set(key, g);
  }
  return [...groups.entries()].map(([key, g]) => {
    const name = g.layers.length > 1 ? key.replace('{i}', `{${Math.min(...g.layers)}..${Math.max(...g.layers)}}`) : g.first.name;
    return `${name} ${g.first.type} [${g.first.dims.join(', ')}]`;
  });
}

const SyntheticInfoSchema = z.looseObject({
  seed: z.number().optional(),
  files: z.record(z.string(), z.looseObject({ style: z.string().optional() })).optional(),
});

/** 'SYNTHETIC (… genai graph, seed 42)' from config.json's `edgebench` block. */
function weightsLine(f: ModelFolder): string {
  if (!f.synthetic) return 'real (not built by edgebench)';
  const info = SyntheticInfoSchema.safeParse(f.config.edgebench);
  const style = info.success ? info.data.files?.[basename(f.chosen.file)]?.style : undefined;
  const seed = info.success ? info.data.seed : undefined;
  const extra = [style ? `${style} graph` : '', seed !== undefined ? `seed ${seed}` : ''].filter(Boolean).join(', ');
  return `SYNTHETIC (seeded random weights written by edgebench${extra ? `; ${extra}` : ''})`;
}

function paramsLine(f: ModelFolder): string {
  const n = countParams(f.arch);
  const p = f.preset;
  if (!p) return `${formatInt(n)} (${formatCount(n)}) computed from config.json; no preset has this architecture`;
  const official = p.params.official
    ? `official ${p.params.official}${p.params.officialKind === 'size-class' ? ' (size class)' : ''}`
    : 'no official figure';
  return `${formatInt(n)} (${formatCount(n)}) computed from config.json; matches preset ${p.id} (${official})`;
}

export function infoJson(f: ModelFolder, g: OnnxInspection): Record<string, unknown> {
  return {
    dir: f.dir,
    layout: f.layout,
    synthetic: f.synthetic,
    preset: f.preset?.id ?? null,
    arch: f.arch,
    params: { computed: countParams(f.arch), official: f.preset?.params.official || null },
    caveats: f.caveats,
    files: f.onnxFiles.map((o) => ({ ...o, chosen: o.file === f.chosen.file })),
    graph: g,
    tokenizer: f.tokenizer,
    warnings: f.warnings,
  };
}

export function registerModelsInfo(models: Command): void {
  models
    .command('info')
    .description('Inspect a model folder (or a pulled hub id): architecture, parameters, files, operators, inputs/outputs, checksum')
    .argument('<folder|hf-id>', 'a model folder, or org/name already pulled into models/hub/')
    .option(
      '--dtype <dtype>',
      'which weights to inspect: q4 | q4f16 | q8 | int8 | uint8 | fp32 | fp16 | bnb4 (default: q4 if present, else the next smallest)',
    )
    .option('--json', 'print JSON')
    .option('--no-checksum', 'skip the sha256 of the .onnx file')
    .addHelpText('after', '\nThe graph is read without loading weights into ONNX Runtime; external data files are only checked for size.')
    .action(async (target: string, o: { dtype?: string; json?: boolean; checksum: boolean }) => {
      const [{ loadModelFolder }, { inspectOnnx }] = await Promise.all([
        import('../models/folder/load-folder.ts'),
        import('../models/folder/inspect-onnx.ts'),
      ]);
      const f = await loadModelFolder(target, o.dtype ? { dtype: o.dtype } : {});
      const g = await inspectOnnx(f.chosen.file, { checksum: o.checksum });
      if (o.json) {
        console.log(JSON.stringify(infoJson(f, g), null, 2));
        return;
      }
      const a = f.arch;
      const rel = (p: string): string => relative(f.dir, p);
      console.log(`folder     ${f.dir} (${f.layout} layout)`);
      console.log(`weights    ${weightsLine(f)}`);
      console.log(
        `model      ${a.family}: ${a.numLayers} layers, ${a.numHeads} heads / ${a.numKvHeads} kv heads, head dim ${a.headDim}, hidden ${a.hiddenSize}, ` +
          `intermediate ${a.intermediateSize}, vocab ${a.vocabSize}, ${a.tieWordEmbeddings ? 'tied' : 'untied'} lm_head`,
      );
      console.log(`params     ${paramsLine(f)}`);
      for (const c of f.caveats) console.log(`caveat     ${c}`);
      for (const [i, file] of f.onnxFiles.entries()) {
        const ext = file.externalData.length ? ` (+ ${file.externalData.map(rel).join(', ')})` : '';
        const mark = file.file === f.chosen.file ? '  ← inspected' : '';
        console.log(
          `${i === 0 ? 'files     ' : '          '} ${file.dtype.padEnd(5)} ${rel(file.file)}${ext}  ${formatBytes(file.bytes)}${mark}`,
        );
      }
      const opsets = g.opsets.map((s) => `${s.domain} ${s.version}`).join(', ');
      console.log(`graph      ir ${g.irVersion}, opsets ${opsets}${g.producer ? `, producer ${g.producer}` : ''}`);
      console.log(`operators  ${g.nodeCount} nodes: ${formatOpCounts(g.opCounts)}`);
      const byType = Object.entries(g.initializers.byType)
        .map(([t, b]) => `${t} ${formatBytes(b)}`)
        .join(', ');
      const where = g.initializers.externalBytes > 0 ? `${formatBytes(g.initializers.externalBytes)} in external data` : 'inline';
      console.log(`weights    ${g.initializers.count} initializers, ${formatBytes(g.initializers.bytes)} (${byType}); ${where}`);
      for (const [i, line] of groupIo(g.inputs).entries()) console.log(`${i === 0 ? 'inputs    ' : '          '} ${line}`);
      for (const [i, line] of groupIo(g.outputs).entries()) console.log(`${i === 0 ? 'outputs   ' : '          '} ${line}`);
      const tok = f.tokenizer.present
        ? f.tokenizer.fallback
          ? 'present — SYNTHETIC fallback (ids do not match the real model)'
          : 'present'
        : 'absent';
      console.log(`tokenizer  ${tok}`);
      if (g.sha256) console.log(`sha256     ${g.sha256}  ${rel(f.chosen.file)}`);
      for (const w of f.warnings) console.log(`warning    ${w}`);
    });
}
