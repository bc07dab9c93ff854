/**
 * A small ONNX graph builder on top of onnx-proto: nodes with tagged attributes, small constant
 * initializers inline, and large initializers as lazy byte producers (streamed by write-model.ts).
 */
import onnxProto from 'onnx-proto';
import { toFloat16Bits as f16 } from './float16.ts';

const { onnx } = onnxProto;
export { onnx };

export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;
export type DataType = (typeof DT)[keyof typeof DT];

export const MS_DOMAIN = 'com.microsoft';

export type Attr =
  | { kind: 'i'; v: number }
  | { kind: 'f'; v: number }
  | { kind: 'ints'; v: number[] }
  | { kind: 's'; v: string };
export const attr = {
  i: (v: number): Attr => ({ kind: 'i', v }),
  f: (v: number): Attr => ({ kind: 'f', v }),
  ints: (v: number[]): Attr => ({ kind: 'ints', v }),
  s: (v: string): Attr => ({ kind: 's', v }),
};

/** A large initializer whose bytes are produced on demand, chunk by chunk. */
export interface LazyInit {
  name: string;
  dataType: DataType;
  dims: number[];
  byteLength: number;
  chunks: () => Iterable<Uint8Array>;
}

export type Dim = number | string;

export interface OpOptions {
  domain?: string;
  /** number of outputs (default 1) or explicit output names ('' = omitted optional output) */
  outputs?: number | string[];
  name?: string;
}

export class GraphBuilder {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly smallInits: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly lazyInits: LazyInit[] = [];
  readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly opCounts = new Map<string, number>();
  private readonly constCache = new Map<string, string>();
  private counter = 0;
  scope = '';

  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, opts: OpOptions = {}): string[] {
    const id = this.counter++;
    const name = opts.name ?? `${this.scope}/${opType}_${id}`;
    const outs = typeof opts.outputs === 'object' ? opts.outputs : Array.from({ length: opts.outputs ?? 1 }, (_, j) => `${name}/output_${j}`);
    this.nodes.push(
      onnx.NodeProto.create({
        name,
        opType,
        domain: opts.domain ?? '',
        input: inputs,
        output: outs,
        attribute: Object.entries(attrs).map(([k, a]) => toAttribute(k, a)),
      }),
    );
    const key = opts.domain ? `${opts.domain}.${opType}` : opType;
    this.opCounts.set(key, (this.opCounts.get(key) ?? 0) + 1);
    return outs;
  }

  /** Single-output convenience. */
  op1(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, opts: OpOptions = {}): string {
    const [out] = this.op(opType, inputs, attrs, opts);
    if (out === undefined) throw new Error(`${opType} has no output`);
    return out;
  }

  small(name: string, dataType: DataType, dims: number[], raw: Uint8Array): string {
    this.smallInits.push(onnx.TensorProto.create({ name, dataType, dims, rawData: raw }));
    return name;
  }

  int64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const cached = this.constCache.get(key);
    if (cached) return cached;
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    const name = this.small(`const_i64_${this.constCache.size}`, DT.INT64, dims, new Uint8Array(raw.buffer));
    this.constCache.set(key, name);
    return name;
  }

  /** A scalar (dims []) or 1-element float constant in fp32 or fp16. */
  scalar(value: number, dataType: DataType, dims: number[] = []): string {
    const key = `s:${dataType}:${dims.join('x')}:${value}`;
    const cached = this.constCache.get(key);
    if (cached) return cached;
    let raw: Uint8Array;
    if (dataType === DT.FLOAT16) raw = new Uint8Array(new Uint16Array([f16(value)]).buffer);
    else if (dataType === DT.FLOAT) raw = new Uint8Array(new Float32Array([value]).buffer);
    else if (dataType === DT.INT32) raw = new Uint8Array(new Int32Array([value]).buffer);
    else throw new Error(`scalar of data type ${dataType}`);
    const name = this.small(`const_${this.constCache.size}`, dataType, dims, raw);
    this.constCache.set(key, name);
    return name;
  }

  lazy(init: LazyInit): string {
    this.lazyInits.push(init);
    return init.name;
  }

  input(name: string, elemType: DataType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: DataType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.opCounts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

function toAttribute(name: string, a: Attr): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'i':
      return onnx.AttributeProto.create({ name, type: T.INT, i: a.v });
    case 'f':
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.v });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: a.v });
    case 's':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.v) });
  }
}

function valueInfo(name: string, elemType: DataType, dims: Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}
