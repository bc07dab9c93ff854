import { join, resolve } from 'node:path';
import { EdgebenchError } from '../../errors.ts';

/** Root of generated and downloaded models: $EDGEBENCH_MODELS_DIR or ./models. */
export function modelsRoot(): string {
  return resolve(process.env.EDGEBENCH_MODELS_DIR ?? 'models');
}

const HUB_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** 'org/name' as on huggingface.co (no '..', no further slashes). */
export function isHubId(s: string): boolean {
  return HUB_ID_RE.test(s) && !s.includes('..');
}

/** models/hub/<org>/<name>/ — where `models pull` puts a hub repo. */
export function hubCacheDir(hfId: string): string {
  if (!isHubId(hfId)) throw new EdgebenchError('USAGE', `'${hfId}' is not a Hugging Face model id (expected org/name)`, 'e.g. onnx-community/Qwen2.5-0.5B-Instruct');
  const [org, name] = hfId.split('/') as [string, string];
  return join(modelsRoot(), 'hub', org, name);
}
