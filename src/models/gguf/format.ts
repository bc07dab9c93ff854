/**
 * GGUF v3 constants (ggml's gguf.h / gguf-py constants.py): value types, the ggml tensor types
 * edgebench writes, and llama.cpp's file types. All numbers little-endian.
 */
export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

/** ggml_type ids of the tensor types written here (plus the K-quants used by q4_k_m). */
export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, Q4_K: 12, Q6_K: 14 } as const;
export type GgmlTypeName = keyof typeof GgmlType;

/** Elements per block and bytes per block of each type. */
export const GGML_BLOCK: Record<GgmlTypeName, { elems: number; bytes: number }> = {
  F32: { elems: 1, bytes: 4 },
  F16: { elems: 1, bytes: 2 },
  Q4_0: { elems: 32, bytes: 18 }, // fp16 scale + 16 bytes of 4-bit codes
  Q8_0: { elems: 32, bytes: 34 }, // fp16 scale + 32 int8 codes
  Q4_K: { elems: 256, bytes: 144 }, // fp16 d + fp16 dmin + 12 bytes of 6-bit scales/mins + 128 bytes codes
  Q6_K: { elems: 256, bytes: 210 }, // 128 low nibbles + 64 high bits + 16 int8 scales + fp16 d
};

/** Bytes of a row of `n` elements (n must be a multiple of the block size). */
export function rowBytes(type: GgmlTypeName, n: number): number {
  const b = GGML_BLOCK[type];
  return (n / b.elems) * b.bytes;
}

/** llama_ftype (general.file_type). */
export const LlamaFileType = { ALL_F32: 0, MOSTLY_F16: 1, MOSTLY_Q4_0: 2, MOSTLY_Q8_0: 7, MOSTLY_Q4_K_M: 15 } as const;

/** Weight formats the GGUF builder writes. */
export const GGUF_DTYPES = ['q4_0', 'q8_0', 'f16', 'f32', 'q4_k_m'] as const;
export type GgufDtype = (typeof GGUF_DTYPES)[number];

/** The ONNX dtype names edgebench suites use, mapped to the closest GGUF format (`--dtype q4` on both runners). */
export const GGUF_DTYPE_FOR_ONNX: Record<string, GgufDtype> = { q4: 'q4_0', q8: 'q8_0', fp16: 'f16', fp32: 'f32' };

/** A GGUF dtype from a suite/CLI dtype: GGUF names as they are, ONNX names mapped; null when neither. */
export function toGgufDtype(dtype: string): GgufDtype | null {
  const d = dtype.toLowerCase();
  if ((GGUF_DTYPES as readonly string[]).includes(d)) return d as GgufDtype;
  return GGUF_DTYPE_FOR_ONNX[d] ?? null;
}

/** tokenizer.ggml.token_type values. */
export const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;
