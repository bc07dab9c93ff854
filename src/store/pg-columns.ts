/**
 * Rows as columns in PostgreSQL's binary array format (what array_recv reads): publish sends each
 * column of a table as one `$n::<type>[]` parameter and inserts `FROM unnest($1, $2, …)`. Nothing
 * is parsed on the way in — no JSON lexing of the whole batch, as `json_to_recordset` did, which
 * in PGlite's WASM was most of a publish's time in the store. Only the `json`/`jsonb` values are
 * checked by PostgreSQL, once each. A worker thread encodes a run's columns (render-run.ts); the
 * writer puts the runs of a batch together with a header per column (`columnParam`).
 */

export type ColumnType = 'text' | 'int4' | 'float8' | 'bool' | 'json' | 'jsonb';

/** Each type's oid and its array type's: array_recv refuses elements of another type than the cast names. */
const OIDS: Record<ColumnType, { element: number; array: number }> = {
  text: { element: 25, array: 1009 },
  int4: { element: 23, array: 1007 },
  float8: { element: 701, array: 1022 },
  bool: { element: 16, array: 1000 },
  json: { element: 114, array: 199 },
  jsonb: { element: 3802, array: 3807 },
};

/** The array types' oids (what a `$n::<type>[]` parameter is described as), for the drivers. */
export const ARRAY_OIDS: readonly number[] = Object.values(OIDS).map((o) => o.array);

/** The SQL type of a column's parameter. */
export const sqlArrayType = (type: ColumnType): string => `${type}[]`;

/** A column's elements (each: int32 length, −1 for null, then the value's bytes), without the array header. */
export interface EncodedColumn {
  count: number;
  hasNull: boolean;
  bytes: Uint8Array;
}

const utf8 = new TextEncoder();
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Grows one buffer (doubling) instead of keeping a piece per value. */
class ByteSink {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  length = 0;

  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  int32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v);
    this.length += 4;
  }

  /** int32 length, then the UTF-8 of `s` (encoded in place: no intermediate copy) */
  text(s: string, prefix?: number): void {
    const extra = prefix === undefined ? 0 : 1;
    this.reserve(4 + extra + s.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const at = this.length;
    if (prefix !== undefined) this.buf[at + 4] = prefix;
    const { written } = utf8.encodeInto(s, this.buf.subarray(at + 4 + extra));
    this.view.setInt32(at, written + extra);
    this.length = at + 4 + extra + written;
  }
}

/**
 * One column being encoded, value by value. A value that does not fit the column's type is a bug
 * in the caller (the results schema guarantees the types), so it throws instead of casting.
 */
export class ColumnWriter {
  private readonly sink = new ByteSink();
  private count = 0;
  private hasNull = false;

  constructor(
    readonly name: string,
    readonly type: ColumnType,
  ) {}

  /** json/jsonb take the value's JSON text, the others the value itself; numbers arrive as JSON gave them before (NaN and ±Infinity NULL, −0 as 0) */
  push(v: string | number | boolean | null | undefined): void {
    this.count++;
    const s = this.sink;
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
      this.hasNull = true;
      s.int32(-1);
      return;
    }
    switch (this.type) {
      case 'text':
      case 'json':
        if (typeof v !== 'string') break;
        s.text(v);
        return;
      case 'jsonb':
        if (typeof v !== 'string') break;
        s.text(v, 1); // jsonb's binary format: version 1, then the text
        return;
      case 'int4':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) break;
        s.int32(4);
        s.int32(v);
        return;
      case 'float8':
        if (typeof v !== 'number') break;
        s.int32(8);
        s.reserve(8);
        s.view.setFloat64(s.length, v === 0 ? 0 : v); // −0 as 0: JSON prints it "0"
        s.length += 8;
        return;
      case 'bool':
        if (typeof v !== 'boolean') break;
        s.int32(1);
        s.reserve(1);
        s.buf[s.length++] = v ? 1 : 0;
        return;
    }
    throw new Error(`column ${this.name} (${this.type}) cannot hold ${JSON.stringify(v)}`);
  }

  /** The elements so far, in a buffer of their own (a worker moves it to the writer without a copy). */
  done(): EncodedColumn {
    return { count: this.count, hasNull: this.hasNull, bytes: this.sink.buf.slice(0, this.sink.length) };
  }
}

/** Several runs' parts of one column → the parameter: a one-dimensional array, header then elements. */
export function columnParam(type: ColumnType, parts: readonly EncodedColumn[]): Uint8Array {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const head = new DataView(new ArrayBuffer(20));
  head.setInt32(0, 1); // dimensions
  head.setInt32(4, parts.some((p) => p.hasNull) ? 1 : 0);
  head.setInt32(8, OIDS[type].element);
  head.setInt32(12, count); // length of the one dimension
  head.setInt32(16, 1); // its lower bound
  return Buffer.concat([new Uint8Array(head.buffer), ...parts.map((p) => p.bytes)]);
}
