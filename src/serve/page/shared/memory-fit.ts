/**
 * Will the model fit in this browser? Decided on the page from the server's byte count and the
 * browser's own figures, before a single weight byte is downloaded. Pure (no DOM, no Node), so the
 * page and the Node tests run the same code.
 *
 * onnxruntime-web reads the model (graph + weights) into its wasm32 heap — for the WebGPU EP too,
 * before the weights move to GPU buffers — and a wasm32 heap ends at 4 GiB. The constants mirror
 * src/runners/ort-web/wasm-limits.ts (the Node ort-web runner refuses with the same numbers).
 */

export const WASM32_MAX_BYTES = 4 * 1024 ** 3;
export const WASM_OVERHEAD_FACTOR = 1.08;
export const WASM_OVERHEAD_FIXED = 64 * 1024 ** 2;
/** navigator.deviceMemory is rounded down to a power of two and capped (8 in Chrome); one tab gets a part of it */
export const DEVICE_MEMORY_FRACTION = 0.5;

export interface FitInput {
  modelBytes: number;
  /** navigator.deviceMemory in GB, null where the browser does not expose it (Safari, Firefox) */
  deviceMemoryGB: number | null;
  /** the user asked to try anyway: skips the deviceMemory rule (never the hard wasm32 limit) */
  force: boolean;
}

export type FitVerdict =
  | { ok: true; neededBytes: number; note: string | null }
  | { ok: false; neededBytes: number; rule: 'wasm32' | 'deviceMemory'; reason: string; hint: string };

const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;

export function neededWasmBytes(modelBytes: number): number {
  return modelBytes * WASM_OVERHEAD_FACTOR + WASM_OVERHEAD_FIXED;
}

export function checkBrowserFit(i: FitInput): FitVerdict {
  const neededBytes = neededWasmBytes(i.modelBytes);
  if (neededBytes > WASM32_MAX_BYTES) {
    return {
      ok: false,
      neededBytes,
      rule: 'wasm32',
      reason: `the model needs about ${gb(neededBytes)} (weights ${gb(i.modelBytes)} + runtime) but onnxruntime-web's wasm32 heap is limited to 4 GiB (${gb(WASM32_MAX_BYTES)})`,
      hint: 'serve a smaller model or dtype (e.g. --dtype q4), or benchmark this model natively with `edgebench run`',
    };
  }
  if (i.deviceMemoryGB !== null && i.deviceMemoryGB > 0) {
    const budget = i.deviceMemoryGB * 1024 ** 3 * DEVICE_MEMORY_FRACTION;
    if (neededBytes > budget && !i.force) {
      return {
        ok: false,
        neededBytes,
        rule: 'deviceMemory',
        reason: `the model needs about ${gb(neededBytes)} but this device reports ${i.deviceMemoryGB} GB of memory (navigator.deviceMemory); a tab can count on about ${gb(budget)}`,
        hint: 'serve a smaller model or dtype, or tick "try anyway" (add force=1 to the URL) if the device has more memory than it reports',
      };
    }
    if (neededBytes > budget)
      return {
        ok: true,
        neededBytes,
        note: `forced: the model needs about ${gb(neededBytes)}, more than the ${gb(budget)} this device can count on`,
      };
  }
  return { ok: true, neededBytes, note: null };
}
