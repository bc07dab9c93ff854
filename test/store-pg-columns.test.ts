/**
 * Publish sends its big tables as columns in PostgreSQL's binary array format (pg-columns.ts):
 * the bytes, hand-computed from array_recv's format, and what both backends read back from them —
 * every type publish uses, nulls, NaN and ±Infinity (NULL, as JSON sent them before), text beyond
 * ASCII, the float8 edges — compared with what the same values give through JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnParam, ColumnWriter, sqlArrayType, type ColumnType } from '../src/store/pg-columns.ts';
import { postgresAvailable } from './helpers/postgres-server.ts';
import { embeddedBackend, serverBackend, withStore, type Backend } from './helpers/store-backends.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('binary array columns: the bytes', () => {
  it('int4 [7, null, -1] as array_recv reads it (hand-computed)', () => {
    const w = new ColumnWriter('n', 'int4');
    for (const v of [7, null, -1]) w.push(v);
    const col = w.done();
    expect(col).toMatchObject({ count: 3, hasNull: true });
    expect(hex(col.bytes)).toBe(['00000004', '00000007', 'ffffffff', '00000004', 'ffffffff'].join(''));
    // ndim 1, has nulls, element oid 23 (int4), length 3, lower bound 1, then the elements
    expect(hex(columnParam('int4', [col]))).toBe(['00000001', '00000001', '00000017', '00000003', '00000001'].join('') + hex(col.bytes));
  });

  it('float8, bool, text and jsonb elements', () => {
    const f = new ColumnWriter('x', 'float8');
    f.push(1.5); // 0x3FF8000000000000
    f.push(Number.NaN); // NULL, as JSON.stringify would send it
    f.push(-0); // 0, as JSON.stringify prints it
    expect(hex(f.done().bytes)).toBe('00000008' + '3ff8000000000000' + 'ffffffff' + '00000008' + '0000000000000000');
    const b = new ColumnWriter('b', 'bool');
    b.push(true);
    b.push(false);
    expect(hex(b.done().bytes)).toBe('0000000101' + '0000000100');
    const t = new ColumnWriter('t', 'text');
    t.push('é'); // two UTF-8 bytes
    expect(hex(t.done().bytes)).toBe('00000002c3a9');
    const j = new ColumnWriter('j', 'jsonb');
    j.push('[]'); // version byte 1, then the text
    expect(hex(j.done().bytes)).toBe('00000003015b5d');
  });

  it('runs of one column are put together under one header; counts and the null flag add up', () => {
    const a = new ColumnWriter('s', 'text');
    a.push('ab');
    const b = new ColumnWriter('s', 'text');
    b.push(null);
    b.push('c');
    const p = columnParam('text', [a.done(), b.done()]);
    expect(hex(p.subarray(0, 20))).toBe(['00000001', '00000001', '00000019', '00000003', '00000001'].join(''));
    expect(hex(p.subarray(20))).toBe('000000026162' + 'ffffffff' + '0000000163');
  });

  it('refuses a value its column cannot hold instead of casting it', () => {
    const w = new ColumnWriter('idx', 'int4');
    expect(() => w.push(1.5)).toThrow(/column idx \(int4\) cannot hold 1\.5/);
    expect(() => w.push(2 ** 31)).toThrow(/cannot hold 2147483648/);
    expect(() => new ColumnWriter('t', 'text').push(3)).toThrow(/column t \(text\) cannot hold 3/);
    expect(() => new ColumnWriter('b', 'bool').push('true')).toThrow(/cannot hold "true"/);
  });
});

const VALUES: Record<ColumnType, readonly (string | number | boolean | null)[]> = {
  text: ['plain', '', 'naïve — 東京 🚀', null, 'quote " and \\ backslash'],
  int4: [0, -(2 ** 31), 2 ** 31 - 1, null, 42],
  float8: [0, -0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, null, Number.POSITIVE_INFINITY, -123.456],
  bool: [true, false, null],
  json: ['[1.5,2,-0.25]', '{"b":1,"a":[true,null]}', null, '"text"'],
  jsonb: ['{"b":1,"a":[true,null]}', '[]', null, '{"é":"東京"}'],
};

for (const backend of [embeddedBackend(), serverBackend()] as Backend[]) {
  describe.skipIf(backend.name === 'server' && !postgresAvailable())(`binary array columns read back (${backend.name})`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('every type: the same values as their JSON text gives, in order', async () => {
      const { target } = await backend.fresh();
      await withStore(target, async (db) => {
        for (const [type, values] of Object.entries(VALUES) as [ColumnType, (typeof VALUES)[ColumnType]][]) {
          const w = new ColumnWriter('v', type);
          for (const v of values) w.push(v);
          const binary = await db.query<{ v: unknown }>(
            `SELECT to_json(v)::text AS v FROM unnest($1::${sqlArrayType(type)}) WITH ORDINALITY AS x(v, i) ORDER BY i`,
            [columnParam(type, [w.done()])],
          );
          // the reference: each value as JSON, read as the column's type (non-finite numbers as null, as JSON has them)
          const asJson = values.map((v) => (v === null ? null : type === 'json' || type === 'jsonb' ? JSON.parse(v as string) : v));
          const viaJson = await db.query<{ v: unknown }>(
            `SELECT to_json(x.v)::text AS v FROM ROWS FROM (json_to_recordset($1::json) AS (v ${type})) WITH ORDINALITY AS x(v, i) ORDER BY i`,
            [JSON.stringify(asJson.map((v) => ({ v })))],
          );
          expect(binary, type).toEqual(viaJson);
          expect(binary).toHaveLength(values.length);
        }
      });
    });
  });
}
