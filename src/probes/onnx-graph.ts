/**
 * A tiny ONNX graph writer for the probes (single nodes, a handful of initializers).
 * The full model builder lives under src/models/build; this one stays small on purpose.
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'uint8' | 'int32' | 'int64';

const ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

export type Dim = number | string;
export type AttrValue = number | string | number[];

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** integer-valued numbers become INT attributes; use `floatAttrs` for FLOAT ones */
  attrs?: Record<string, AttrValue>;
  floatAttrs?: Record<string, number>;
  domain?: string;
}

export interface Initializer {
  name: string;
  type: ElemType;
  dims: number[];
  data: Float32Array | Uint8Array | Int32Array | BigInt64Array;
}

export interface GraphIO {
  name: string;
  type: ElemType;
  dims: Dim[];
}

export interface GraphSpec {
  nodes: GraphNode[];
  inputs: GraphIO[];
  outputs: GraphIO[];
  initializers?: Initializer[];
}

function valueInfo(io: GraphIO): OnnxTypes.IValueInfoProto {
  return {
    name: io.name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[io.type],
        shape: { dim: io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue, asFloat: boolean): OnnxTypes.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return asFloat ? { name, type: T.FLOAT, f: v } : { name, type: T.INT, i: v };
}

function tensor(init: Initializer): OnnxTypes.ITensorProto {
  const d = init.data;
  return {
    name: init.name,
    dataType: ELEM_TYPE[init.type],
    dims: init.dims,
    rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
  };
}

/** Serialize a graph to an ONNX model (opset 17 + com.microsoft 1) ready for InferenceSession.create. */
export function buildModel(spec: GraphSpec): Uint8Array {
  const nodes = spec.nodes.map((n, i) => ({
    name: `${n.op}_${i}`,
    opType: n.op,
    domain: n.domain ?? '',
    input: n.inputs,
    output: n.outputs,
    attribute: [
      ...Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v, false)),
      ...Object.entries(n.floatAttrs ?? {}).map(([k, v]) => attribute(k, v, true)),
    ],
  }));
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'edgebench-probe',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'probe',
      node: nodes,
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map(tensor),
    },
  }).finish();
}

/** The smallest useful model: y = x + x on float32 [2]. Used to test that a backend can run at all. */
export function buildAddModel(): Uint8Array {
  return buildModel({
    nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', dims: [2] }],
    outputs: [{ name: 'y', type: 'float32', dims: [2] }],
  });
}
