export { loadModelFolder, resolveModelDir, type ModelFolder } from './load-folder.ts';
export { inspectOnnx, type OnnxInspection, type OnnxIo, type OnnxExternalFile } from './inspect-onnx.ts';
export { missingDecoderIo, assertDecoderIo, HF_DECODER_IO } from './decoder-io.ts';
export { FOLDER_DTYPES, normaliseDtype, type FolderDtype, type OnnxFileEntry } from './onnx-files.ts';
export { archFromHfConfig, parseHfConfig, HfConfigSchema, type HfConfig } from './hf-config.ts';
export { hubCacheDir, isHubId, modelsRoot } from './hub-cache.ts';
export { isLfsPointer, sha256File } from './file-checks.ts';
