/**
 * A small Parquet reader for tests, written from the format spec independently of the writer:
 * Thrift compact decoding of the footer and page headers, RLE/bit-packed definition levels, PLAIN
 * values. Reads flat files of BOOLEAN, INT32, DOUBLE and BYTE_ARRAY columns, uncompressed.
 */
type Thrift = Map<number, unknown>;

class Reader {
  pos: number;
  constructor(
    private readonly b: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }
  byte(): number {
    return this.b[this.pos++]!;
  }
  varint(): bigint {
    let shift = 0n;
    let out = 0n;
    for (;;) {
      const x = this.byte();
      out |= BigInt(x & 0x7f) << shift;
      if (!(x & 0x80)) return out;
      shift += 7n;
    }
  }
  zigzag(): number {
    const v = this.varint();
    return Number((v >> 1n) ^ -(v & 1n));
  }
  value(type: number): unknown {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return this.byte();
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 8: {
        const n = Number(this.varint());
        const s = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + n));
        this.pos += n;
        return s;
      }
      case 9: {
        const h = this.byte();
        const n = h >> 4 === 15 ? Number(this.varint()) : h >> 4;
        return Array.from({ length: n }, () => this.value(h & 15));
      }
      case 12:
        return this.struct();
      default:
        throw new Error(`thrift type ${type} not supported`);
    }
  }
  struct(): Thrift {
    const out: Thrift = new Map();
    let id = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      id = h >> 4 ? id + (h >> 4) : this.zigzag();
      out.set(id, this.value(h & 15));
    }
  }
}

function levels(b: Uint8Array, pos: number, count: number): { levels: number[]; end: number } {
  const len = new DataView(b.buffer, b.byteOffset + pos, 4).getUint32(0, true);
  const r = new Reader(b, pos + 4);
  const out: number[] = [];
  while (out.length < count) {
    const h = Number(r.varint());
    if (h & 1) {
      const groups = h >> 1;
      for (let g = 0; g < groups; g++) {
        const byte = r.byte();
        for (let k = 0; k < 8; k++) out.push((byte >> k) & 1);
      }
    } else {
      const v = r.byte();
      for (let k = 0; k < h >> 1; k++) out.push(v);
    }
  }
  return { levels: out.slice(0, count), end: pos + 4 + len };
}

export function readParquet(file: Uint8Array): { rows: number; columns: Record<string, unknown[]> } {
  const magic = new TextDecoder().decode(file.subarray(0, 4)) + new TextDecoder().decode(file.subarray(file.length - 4));
  if (magic !== 'PAR1PAR1') throw new Error('not a parquet file');
  const footerLen = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
  const meta = new Reader(file, file.length - 8 - footerLen).struct();
  const rows = meta.get(3) as number;
  const columns: Record<string, unknown[]> = {};
  for (const rg of meta.get(4) as Thrift[]) {
    for (const chunk of rg.get(1) as Thrift[]) {
      const md = chunk.get(3) as Thrift;
      const type = md.get(1) as number;
      const name = (md.get(3) as string[]).join('.');
      const r = new Reader(file, md.get(9) as number);
      const header = r.struct();
      const n = (header.get(5) as Thrift).get(1) as number;
      const { levels: defs, end } = levels(file, r.pos, n);
      const dv = new DataView(file.buffer, file.byteOffset);
      let p = end;
      let bit = 0;
      const values = defs.map((d) => {
        if (d === 0) return null;
        if (type === 0) {
          const v = ((file[end + (bit >> 3)]! >> (bit & 7)) & 1) === 1;
          bit++;
          return v;
        }
        if (type === 1) return ((p += 4), dv.getInt32(p - 4, true));
        if (type === 5) return ((p += 8), dv.getFloat64(p - 8, true));
        const len = dv.getUint32(p, true);
        const s = new TextDecoder().decode(file.subarray(p + 4, p + 4 + len));
        p += 4 + len;
        return s;
      });
      columns[name] = [...(columns[name] ?? []), ...values];
    }
  }
  return { rows, columns };
}
