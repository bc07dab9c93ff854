/**
 * Apache Parquet without a dependency: one row group, one uncompressed PLAIN data page (v1) per
 * column, every column OPTIONAL (definition levels RLE-encoded, bit width 1) so nulls are exact.
 * Types: strings as BYTE_ARRAY/UTF8, whole numbers INT32, reals DOUBLE, flags BOOLEAN. Enough for
 * pandas, DuckDB, Polars and Arrow readers; the footer is Thrift compact (thrift-compact.ts).
 */
import { bin, encodeStruct, i32, i64, list, struct, type TValue } from './thrift-compact.ts';
import type { MetricRow } from './rows.ts';

export type ColumnType = 'string' | 'int32' | 'double' | 'boolean';
export interface Column {
  name: string;
  type: ColumnType;
  values: readonly (string | number | boolean | null)[];
}

const PHYSICAL: Record<ColumnType, number> = { boolean: 0, int32: 1, double: 5, string: 6 };
const MAGIC = new TextEncoder().encode('PAR1');

/** RLE runs of definition levels (0 = null, 1 = present), with the 4-byte length prefix of page v1. */
function definitionLevels(values: readonly unknown[]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < values.length;) {
    const level = values[i] === null ? 0 : 1;
    let j = i;
    while (j < values.length && (values[j] === null ? 0 : 1) === level) j++;
    // one RLE run: ULEB128 header (count << 1, low bit 0 = RLE), then the level in one byte (bit width 1)
    let header = (j - i) * 2;
    do {
      out.push((header & 0x7f) | (header > 0x7f ? 0x80 : 0));
      header = Math.floor(header / 128);
    } while (header > 0);
    out.push(level);
    i = j;
  }
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, out.length, true);
  return concat([len, Uint8Array.from(out)]);
}

function plain(type: ColumnType, values: readonly (string | number | boolean)[]): Uint8Array {
  if (type === 'string') {
    const enc = new TextEncoder();
    return concat(
      values.map((v) => {
        const b = enc.encode(String(v));
        const out = new Uint8Array(4 + b.length);
        new DataView(out.buffer).setUint32(0, b.length, true);
        out.set(b, 4);
        return out;
      }),
    );
  }
  if (type === 'boolean') {
    const out = new Uint8Array(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v) out[i >> 3]! |= 1 << (i & 7);
    });
    return out;
  }
  const size = type === 'double' ? 8 : 4;
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => (type === 'double' ? dv.setFloat64(i * 8, Number(v), true) : dv.setInt32(i * 4, Number(v), true)));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function writeParquet(columns: readonly Column[], createdBy = 'edgebench'): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  if (columns.some((c) => c.values.length !== rows)) throw new RangeError('parquet: columns of different lengths');
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const chunks: TValue[] = [];
  let total = 0;
  for (const c of columns) {
    const present = c.values.filter((v): v is string | number | boolean => v !== null);
    const body = concat([definitionLevels(c.values), plain(c.type, present)]);
    const header = encodeStruct([
      [1, i32(0)], // DATA_PAGE
      [2, i32(body.length)],
      [3, i32(body.length)],
      [
        5,
        struct([
          [1, i32(rows)],
          [2, i32(0)],
          [3, i32(3)],
          [4, i32(3)],
        ]),
      ], // PLAIN values, RLE levels
    ]);
    const size = header.length + body.length;
    chunks.push(
      struct([
        [2, i64(offset)],
        [
          3,
          struct([
            [1, i32(PHYSICAL[c.type])],
            [2, list('i32', [i32(0), i32(3)])],
            [3, list('binary', [bin(c.name)])],
            [4, i32(0)],
            [5, i64(rows)],
            [6, i64(size)],
            [7, i64(size)],
            [9, i64(offset)],
          ]),
        ],
      ]),
    );
    parts.push(header, body);
    offset += size;
    total += size;
  }
  const schema: TValue[] = [
    struct([
      [4, bin('schema')],
      [5, i32(columns.length)],
    ]),
    ...columns.map((c) =>
      struct([
        [1, i32(PHYSICAL[c.type])],
        [3, i32(1)],
        [4, bin(c.name)],
        ...(c.type === 'string' ? ([[6, i32(0)]] as [number, TValue][]) : []),
      ]),
    ),
  ];
  const footer = encodeStruct([
    [1, i32(1)],
    [2, list('struct', schema)],
    [3, i64(rows)],
    [
      4,
      list('struct', [
        struct([
          [1, list('struct', chunks)],
          [2, i64(total)],
          [3, i64(rows)],
        ]),
      ]),
    ],
    [6, bin(createdBy)],
  ]);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, footer.length, true);
  parts.push(footer, len, MAGIC);
  return concat(parts);
}

const COLUMNS: [keyof MetricRow, ColumnType][] = [
  ['runId', 'string'],
  ['createdAt', 'string'],
  ['commit', 'string'],
  ['device', 'string'],
  ['deviceClass', 'string'],
  ['model', 'string'],
  ['dtype', 'string'],
  ['runner', 'string'],
  ['ep', 'string'],
  ['threads', 'int32'],
  ['shape', 'string'],
  ['synthetic', 'boolean'],
  ['metric', 'string'],
  ['unit', 'string'],
  ['n', 'int32'],
  ['median', 'double'],
  ['ciLo', 'double'],
  ['ciHi', 'double'],
  ['p90', 'double'],
];

export const parquetExporter = {
  format: 'parquet',
  extension: 'parquet',
  render: (rows: readonly MetricRow[]): Uint8Array =>
    writeParquet(COLUMNS.map(([name, type]) => ({ name, type, values: rows.map((r) => r[name]) }))),
};
