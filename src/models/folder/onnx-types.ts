/** ONNX TensorProto.DataType → name and bytes per element (0.5 for 4-bit types; 0 when variable). */
const DATA_TYPES: Record<number, [string, number]> = {
  1: ['float32', 4],
  2: ['uint8', 1],
  3: ['int8', 1],
  4: ['uint16', 2],
  5: ['int16', 2],
  6: ['int32', 4],
  7: ['int64', 8],
  8: ['string', 0],
  9: ['bool', 1],
  10: ['float16', 2],
  11: ['float64', 8],
  12: ['uint32', 4],
  13: ['uint64', 8],
  14: ['complex64', 8],
  15: ['complex128', 16],
  16: ['bfloat16', 2],
  17: ['float8e4m3fn', 1],
  18: ['float8e4m3fnuz', 1],
  19: ['float8e5m2', 1],
  20: ['float8e5m2fnuz', 1],
  21: ['uint4', 0.5],
  22: ['int4', 0.5],
};

export function dataTypeName(t: number): string {
  return DATA_TYPES[t]?.[0] ?? `type${t}`;
}

export function dataTypeBytes(t: number): number {
  return DATA_TYPES[t]?.[1] ?? 0;
}

/** Logical byte size of a tensor (ceil for 4-bit types). */
export function tensorBytes(dataType: number, dims: number[]): number {
  const n = dims.reduce((a, d) => a * d, 1);
  return Math.ceil(n * dataTypeBytes(dataType));
}
