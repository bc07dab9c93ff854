import { relative } from 'node:path';
import type { Command } from 'commander';
import { formatBytes } from '../format/model-sizes.ts';

export function registerModelsPull(models: Command): void {
  models
    .command('pull')
    .description('Download a model folder (config, tokenizer, one ONNX weight variant) from the Hugging Face hub')
    .argument('<hf-id>', 'repository id, e.g. onnx-community/Qwen2.5-0.5B-Instruct')
    .option(
      '--dtype <dtype>',
      'weight variant to fetch: q4 | q4f16 | q8 | int8 | uint8 | fp32 | fp16 | bnb4 (default: q4 if the repo has it, else the next smallest)',
    )
    .option('--out <dir>', 'target folder (default: models/hub/<org>/<name>)')
    .addHelpText(
      'after',
      '\nResumable: an interrupted download continues from <file>.part. Gated repos (meta-llama/*) need HF_TOKEN.\n' +
        'EDGEBENCH_HF_ENDPOINT (or HF_ENDPOINT) points at a mirror. Offline? Download the folder elsewhere and pass its path.',
    )
    .action(async (hfId: string, o: { dtype?: string; out?: string }) => {
      const [{ default: cliProgress }, { pullModel }] = await Promise.all([import('cli-progress'), import('../models/pull.ts')]);
      const bar = new cliProgress.SingleBar(
        { format: '{file} [{bar}] {percentage}% | {done}/{total} | file {index}/{count}', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let current = '';
      try {
        const r = await pullModel(hfId, {
          ...(o.dtype ? { dtype: o.dtype } : {}),
          ...(o.out ? { dir: o.out } : {}),
          onProgress: (p) => {
            const payload = {
              file: p.file,
              done: formatBytes(p.doneBytes),
              total: formatBytes(p.totalBytes),
              index: p.fileIndex + 1,
              count: p.fileCount,
            };
            if (p.file !== current) {
              if (current) bar.stop();
              bar.start(p.totalBytes, p.doneBytes, payload);
              current = p.file;
            }
            bar.setTotal(p.totalBytes);
            bar.update(p.doneBytes, payload);
          },
        });
        if (current) bar.stop();
        current = '';
        const rel = relative(process.cwd(), r.dir) || '.';
        const skipped = r.files.filter((f) => f.skipped).length;
        console.log(
          `pulled ${hfId}${r.dtype ? ` (${r.dtype})` : ''} → ${rel}: ${r.files.length} files, ${formatBytes(r.downloadedBytes)} downloaded in ${r.seconds.toFixed(1)} s${skipped ? ` (${skipped} already complete)` : ''}`,
        );
        console.log(`  next: edgebench models info ${hfId}`);
      } finally {
        if (current) bar.stop();
      }
    });
}
