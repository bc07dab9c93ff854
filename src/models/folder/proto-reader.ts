/**
 * Walks the protobuf wire format of a file through positional reads, so an .onnx graph can be
 * inspected without reading its (possibly gigabytes of inline) weights: length-delimited fields
 * are skipped by seeking, and only the small messages are read and handed to onnx-proto.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class ProtoDecodeError extends Error {}

export interface WireField {
  field: number;
  wire: 0 | 1 | 2 | 5;
  /** varint value (wire 0) */
  value: bigint;
  /** payload start and length (wire 1, 2, 5) */
  start: number;
  len: number;
}

// small windows: after seeking past a large tensor only the next few tags are needed
const CHUNK = 1 << 16;

export class ProtoFileReader {
  readonly size: number;
  private readonly fd: number;
  private buf = Buffer.alloc(CHUNK);
  private bufStart = 0;
  private bufLen = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** bytes [pos, pos + n) — a copy, safe to keep */
  bytes(pos: number, n: number): Uint8Array {
    if (pos + n > this.size) throw new ProtoDecodeError(`field at byte ${pos} needs ${n} bytes but the file ends at ${this.size}`);
    if (pos >= this.bufStart && pos + n <= this.bufStart + this.bufLen) {
      return Uint8Array.prototype.slice.call(this.buf, pos - this.bufStart, pos - this.bufStart + n);
    }
    if (n > CHUNK) {
      const out = Buffer.alloc(n);
      this.readFully(out, pos);
      return out;
    }
    this.bufStart = pos;
    this.bufLen = Math.min(CHUNK, this.size - pos);
    this.readFully(this.buf.subarray(0, this.bufLen), pos);
    return Uint8Array.prototype.slice.call(this.buf, 0, n);
  }

  private readFully(target: Buffer, pos: number): void {
    let off = 0;
    while (off < target.length) {
      const n = readSync(this.fd, target, off, target.length - off, pos + off);
      if (n === 0) throw new ProtoDecodeError(`unexpected end of file at byte ${pos + off}`);
      off += n;
    }
  }

  private byte(pos: number): number {
    if (pos >= this.size) throw new ProtoDecodeError(`unexpected end of file at byte ${pos}`);
    if (pos < this.bufStart || pos >= this.bufStart + this.bufLen) this.bytes(pos, Math.min(16, this.size - pos));
    return this.buf[pos - this.bufStart] ?? 0;
  }

  /** varint at pos → [value, next position] */
  varint(pos: number, end: number): [bigint, number] {
    let result = 0n;
    let shift = 0n;
    for (let p = pos; p < Math.min(end, pos + 10); p++) {
      const b = this.byte(p);
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return [result, p + 1];
      shift += 7n;
    }
    throw new ProtoDecodeError(`bad varint at byte ${pos}`);
  }

  /** the fields of the message occupying [start, end) */
  *fields(start: number, end: number): Generator<WireField> {
    let pos = start;
    while (pos < end) {
      const [tag, p] = this.varint(pos, end);
      const field = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      if (field === 0) throw new ProtoDecodeError(`invalid field number 0 at byte ${pos}`);
      if (wire === 0) {
        const [value, next] = this.varint(p, end);
        yield { field, wire, value, start: p, len: next - p };
        pos = next;
      } else if (wire === 2) {
        const [len, q] = this.varint(p, end);
        const n = Number(len);
        if (q + n > end) throw new ProtoDecodeError(`field ${field} at byte ${pos} is ${n} bytes long but its message ends at byte ${end}`);
        yield { field, wire, value: 0n, start: q, len: n };
        pos = q + n;
      } else if (wire === 1 || wire === 5) {
        const n = wire === 1 ? 8 : 4;
        if (p + n > end) throw new ProtoDecodeError(`fixed field at byte ${pos} runs past byte ${end}`);
        yield { field, wire, value: 0n, start: p, len: n };
        pos = p + n;
      } else {
        throw new ProtoDecodeError(`unsupported wire type ${wire} at byte ${pos}`);
      }
    }
  }

  /** signed int64 varint value → number */
  static int64(v: bigint): number {
    return Number(BigInt.asIntN(64, v));
  }

  /** packed repeated varints in [start, start+len) */
  packedVarints(start: number, len: number): number[] {
    const out: number[] = [];
    let pos = start;
    while (pos < start + len) {
      const [v, next] = this.varint(pos, start + len);
      out.push(ProtoFileReader.int64(v));
      pos = next;
    }
    return out;
  }
}
