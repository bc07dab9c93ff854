import { basename } from 'node:path';
import { EdgebenchError } from '../../errors.ts';
import type { OnnxInspection } from './inspect-onnx.ts';

export interface DecoderIoNames {
  inputIds: string;
  attentionMask: string;
  /** printf-style with %d for the layer, e.g. 'past_key_values.%d.key' */
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
  logits: string;
}

export const HF_DECODER_IO: DecoderIoNames = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  pastKey: 'past_key_values.%d.key',
  pastValue: 'past_key_values.%d.value',
  presentKey: 'present.%d.key',
  presentValue: 'present.%d.value',
  logits: 'logits',
};

const layerName = (pattern: string, i: number): string => pattern.replace('%d', String(i));

/** Names a KV-cache decoder graph must have but this one lacks (inputs and outputs). */
export function missingDecoderIo(g: OnnxInspection, numLayers: number, names: DecoderIoNames = HF_DECODER_IO): string[] {
  const inputs = new Set(g.inputs.map((i) => i.name));
  const outputs = new Set(g.outputs.map((o) => o.name));
  const missing: string[] = [];
  for (const n of [names.inputIds, names.attentionMask]) if (!inputs.has(n)) missing.push(`input ${n}`);
  for (let i = 0; i < numLayers; i++) {
    for (const n of [layerName(names.pastKey, i), layerName(names.pastValue, i)]) if (!inputs.has(n)) missing.push(`input ${n}`);
    for (const n of [layerName(names.presentKey, i), layerName(names.presentValue, i)]) if (!outputs.has(n)) missing.push(`output ${n}`);
  }
  if (!outputs.has(names.logits)) missing.push(`output ${names.logits}`);
  return missing;
}

export function assertDecoderIo(g: OnnxInspection, numLayers: number, names: DecoderIoNames = HF_DECODER_IO): void {
  const missing = missingDecoderIo(g, numLayers, names);
  if (missing.length === 0) return;
  const shown = missing.slice(0, 4).join(', ') + (missing.length > 4 ? ` (+${missing.length - 4} more)` : '');
  throw new EdgebenchError(
    'MODEL_INVALID',
    `${basename(g.file)} is not a ${numLayers}-layer KV-cache decoder graph: missing ${shown}`,
    'export it with past key/values (optimum: --task text-generation-with-past; transformers.js `model.onnx` files have them)',
  );
}
