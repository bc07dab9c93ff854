/**
 * Streaming GGUF v3 writer: header (metadata key/values + tensor infos), then each tensor's data,
 * aligned to 32 bytes, generated and quantized a few rows at a time — memory stays at one chunk
 * whatever the model size. Writes to a temporary file and renames it into place when complete.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { GGUF_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, GgmlType, GgufValueType, rowBytes, type GgmlTypeName } from './format.ts';
import { quantizeRows } from './quantize.ts';

export type GgufValue =
  | { t: 'u32'; v: number }
  | { t: 'i32'; v: number }
  | { t: 'f32'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'str'; v: string }
  | { t: 'arr_str'; v: readonly string[] }
  | { t: 'arr_i32'; v: ArrayLike<number> }
  | { t: 'arr_f32'; v: ArrayLike<number> };

export interface GgufTensorPlan {
  name: string;
  /** ggml order: dims[0] is the row length (innermost), e.g. [in, out] for a HF [out, in] weight */
  dims: number[];
  type: GgmlTypeName;
  /** fills `rows` rows of dims[0] values, starting at row `row0`, into out */
  fill(row0: number, rows: number, out: Float32Array): void;
}

export function tensorRows(t: GgufTensorPlan): number {
  return t.dims.slice(1).reduce((a, b) => a * b, 1);
}

export function tensorBytes(t: GgufTensorPlan): number {
  return tensorRows(t) * rowBytes(t.type, t.dims[0]!);
}

const pad = (n: number): number => (GGUF_ALIGNMENT - (n % GGUF_ALIGNMENT)) % GGUF_ALIGNMENT;

/** Little-endian byte builder for the header. */
class Bytes {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v, this.length); this.length += 4; }
  i32(v: number): void { this.ensure(4); this.buf.writeInt32LE(v, this.length); this.length += 4; }
  u64(v: number): void { this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v), this.length); this.length += 8; }
  f32(v: number): void { this.ensure(4); this.buf.writeFloatLE(v, this.length); this.length += 4; }
  u8(v: number): void { this.ensure(1); this.buf[this.length++] = v; }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
  }
  zeros(n: number): void { this.ensure(n); this.buf.fill(0, this.length, this.length + n); this.length += n; }
  view(): Buffer { return this.buf.subarray(0, this.length); }
}

function writeValue(b: Bytes, value: GgufValue): void {
  const T = GgufValueType;
  switch (value.t) {
    case 'u32': b.u32(T.UINT32); b.u32(value.v); break;
    case 'i32': b.u32(T.INT32); b.i32(value.v); break;
    case 'f32': b.u32(T.FLOAT32); b.f32(value.v); break;
    case 'bool': b.u32(T.BOOL); b.u8(value.v ? 1 : 0); break;
    case 'str': b.u32(T.STRING); b.str(value.v); break;
    case 'arr_str': b.u32(T.ARRAY); b.u32(T.STRING); b.u64(value.v.length); for (const s of value.v) b.str(s); break;
    case 'arr_i32': b.u32(T.ARRAY); b.u32(T.INT32); b.u64(value.v.length); for (let i = 0; i < value.v.length; i++) b.i32(value.v[i]!); break;
    case 'arr_f32': b.u32(T.ARRAY); b.u32(T.FLOAT32); b.u64(value.v.length); for (let i = 0; i < value.v.length; i++) b.f32(value.v[i]!); break;
  }
}

export function ggufHeader(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensorPlan[]): Buffer {
  const b = new Bytes();
  b.u32(GGUF_MAGIC);
  b.u32(GGUF_VERSION);
  b.u64(tensors.length);
  b.u64(metadata.size);
  for (const [key, value] of metadata) {
    b.str(key);
    writeValue(b, value);
  }
  let offset = 0;
  for (const t of tensors) {
    b.str(t.name);
    b.u32(t.dims.length);
    for (const d of t.dims) b.u64(d);
    b.u32(GgmlType[t.type]);
    b.u64(offset);
    offset += tensorBytes(t) + pad(tensorBytes(t));
  }
  b.zeros(pad(b.length));
  return b.view();
}

/** Rows per chunk: about 4 M values (16 MB of fp32) at a time. */
const CHUNK_VALUES = 1 << 22;

export async function writeGguf(
  path: string,
  metadata: ReadonlyMap<string, GgufValue>,
  tensors: readonly GgufTensorPlan[],
  onProgress?: (doneBytes: number, totalBytes: number) => void,
): Promise<{ bytesWritten: number }> {
  const header = ggufHeader(metadata, tensors);
  const total = header.length + tensors.reduce((a, t) => a + tensorBytes(t) + pad(tensorBytes(t)), 0);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let done = 0;
  try {
    writeSync(fd, header);
    done += header.length;
    for (const t of tensors) {
      const n = t.dims[0]!;
      const rows = tensorRows(t);
      const chunkRows = Math.max(1, Math.min(rows, Math.floor(CHUNK_VALUES / n)));
      const values = new Float32Array(chunkRows * n);
      const out = new Uint8Array(chunkRows * rowBytes(t.type, n));
      for (let r = 0; r < rows; r += chunkRows) {
        const k = Math.min(chunkRows, rows - r);
        t.fill(r, k, values);
        const bytes = quantizeRows(t.type, values, k, n, out, 0);
        writeSync(fd, out, 0, bytes);
        done += bytes;
      }
      const p = pad(tensorBytes(t));
      if (p > 0) writeSync(fd, new Uint8Array(p));
      done += p;
      onProgress?.(done, total);
      await new Promise<void>((r) => setImmediate(r)); // let progress bars and signals through
    }
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return { bytesWritten: done };
}
