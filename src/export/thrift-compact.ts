/**
 * The slice of the Thrift compact protocol Parquet's footer and page headers need: structs of
 * i32/i64/binary/list/struct fields. Field ids ascend within a struct (short-form headers).
 */
export type TValue =
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: number }
  | { t: 'binary'; v: string }
  | { t: 'list'; elem: 'i32' | 'binary' | 'struct'; v: TValue[] }
  | { t: 'struct'; v: [number, TValue][] };

const TYPE = { i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

export class ThriftWriter {
  private bytes: number[] = [];

  varint(n: bigint): void {
    let x = n;
    while (x >= 0x80n) {
      this.bytes.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  zigzag(n: number): void {
    const b = BigInt(n);
    this.varint(b >= 0n ? b << 1n : (-b << 1n) - 1n);
  }

  value(x: TValue): void {
    switch (x.t) {
      case 'i32':
      case 'i64':
        this.zigzag(x.v);
        return;
      case 'binary': {
        const b = new TextEncoder().encode(x.v);
        this.varint(BigInt(b.length));
        this.bytes.push(...b);
        return;
      }
      case 'list': {
        const n = x.v.length;
        const et = TYPE[x.elem];
        if (n < 15) this.bytes.push((n << 4) | et);
        else {
          this.bytes.push(0xf0 | et);
          this.varint(BigInt(n));
        }
        for (const e of x.v) this.value(e);
        return;
      }
      case 'struct': {
        let last = 0;
        for (const [id, v] of x.v) {
          const delta = id - last;
          if (delta < 1 || delta > 15) throw new RangeError(`thrift: field ids must ascend by 1..15 (${last} → ${id})`);
          this.bytes.push((delta << 4) | TYPE[v.t]);
          this.value(v);
          last = id;
        }
        this.bytes.push(0);
      }
    }
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export function encodeStruct(fields: [number, TValue][]): Uint8Array {
  const w = new ThriftWriter();
  w.value({ t: 'struct', v: fields });
  return w.done();
}

export const i32 = (v: number): TValue => ({ t: 'i32', v });
export const i64 = (v: number): TValue => ({ t: 'i64', v });
export const bin = (v: string): TValue => ({ t: 'binary', v });
export const struct = (v: [number, TValue][]): TValue => ({ t: 'struct', v });
export const list = (elem: 'i32' | 'binary' | 'struct', v: TValue[]): TValue => ({ t: 'list', elem, v });
