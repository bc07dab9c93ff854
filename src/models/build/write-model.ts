/**
 * Writes a GraphBuilder as an .onnx file without ever holding the large initializers in memory:
 * - external: each large tensor is streamed into `<file>_data` (64 KiB-aligned like onnx.save's
 *   align_offset, so ORT can mmap it) and referenced by location/offset/length;
 * - inline: the protobuf is framed by hand — ModelProto fields, then field 7 (graph) whose body is
 *   the encoded small graph followed by one field-5 TensorProto per large tensor, each ending in
 *   field 9 (raw_data) whose bytes are streamed. Protobuf accepts fields in any order.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { onnx, type GraphBuilder, type LazyInit } from './onnx-graph.ts';
import { readPackageVersion } from '../../version.ts';

export const OPSET = 17;
export const IR_VERSION = 8;
const ALIGN = 65536;
const ALIGN_THRESHOLD = 1 << 20;

export interface WriteModelOptions {
  graph: GraphBuilder;
  graphName: string;
  outFile: string;
  external: boolean;
  onProgress?: (doneBytes: number, totalBytes: number) => Promise<void> | void;
}

export interface WriteModelResult {
  bytesWritten: number;
  externalDataFile: string | null;
}

export function lazyBytes(graph: GraphBuilder): number {
  return graph.lazyInits.reduce((a, t) => a + t.byteLength, 0);
}

function modelHead(): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    producerName: 'edgebench',
    producerVersion: readPackageVersion(),
    opsetImport: [
      { domain: '', version: OPSET },
      { domain: 'com.microsoft', version: 1 },
    ],
  }).finish();
}

function graphProto(g: GraphBuilder, name: string, extraInits: InstanceType<typeof onnx.TensorProto>[]): Uint8Array {
  return onnx.GraphProto.encode({
    name,
    node: g.nodes,
    initializer: [...g.smallInits, ...extraInits],
    input: g.inputs,
    output: g.outputs,
  }).finish();
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

class Sink {
  private pos = 0;
  constructor(private readonly fd: number) {}
  write(buf: Uint8Array): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.pos + off);
    this.pos += buf.length;
  }
  get offset(): number {
    return this.pos;
  }
  pad(to: number): void {
    if (to > this.pos) this.write(new Uint8Array(to - this.pos));
  }
}

async function streamTensor(sink: Sink, t: LazyInit, progress: (n: number) => Promise<void>): Promise<void> {
  let written = 0;
  for (const chunk of t.chunks()) {
    sink.write(chunk);
    written += chunk.length;
    await progress(chunk.length);
  }
  if (written !== t.byteLength) throw new Error(`initializer ${t.name}: produced ${written} bytes, expected ${t.byteLength}`);
  // let timers (progress bars, signal handlers) run between tensors
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function writeModel(o: WriteModelOptions): Promise<WriteModelResult> {
  const total = lazyBytes(o.graph);
  let done = 0;
  const progress = async (n: number): Promise<void> => {
    done += n;
    await o.onProgress?.(done, total);
  };
  return o.external ? writeExternal(o, progress) : writeInline(o, progress);
}

async function writeExternal(o: WriteModelOptions, progress: (n: number) => Promise<void>): Promise<WriteModelResult> {
  const dataFile = `${o.outFile}_data`;
  const location = basename(dataFile);
  const fd = openSync(dataFile, 'w');
  const refs: InstanceType<typeof onnx.TensorProto>[] = [];
  let dataBytes = 0;
  try {
    const sink = new Sink(fd);
    for (const t of o.graph.lazyInits) {
      if (t.byteLength >= ALIGN_THRESHOLD) sink.pad(Math.ceil(sink.offset / ALIGN) * ALIGN);
      const offset = sink.offset;
      await streamTensor(sink, t, progress);
      refs.push(
        onnx.TensorProto.create({
          name: t.name,
          dataType: t.dataType,
          dims: t.dims,
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: location },
            { key: 'offset', value: String(offset) },
            { key: 'length', value: String(t.byteLength) },
          ],
        }),
      );
    }
    dataBytes = sink.offset;
  } finally {
    closeSync(fd);
  }
  const head = modelHead();
  const graph = graphProto(o.graph, o.graphName, refs);
  const mfd = openSync(o.outFile, 'w');
  try {
    const sink = new Sink(mfd);
    sink.write(head);
    sink.write(Uint8Array.of(0x3a));
    sink.write(varint(graph.length));
    sink.write(graph);
    return { bytesWritten: dataBytes + sink.offset, externalDataFile: dataFile };
  } finally {
    closeSync(mfd);
  }
}

async function writeInline(o: WriteModelOptions, progress: (n: number) => Promise<void>): Promise<WriteModelResult> {
  const head = modelHead();
  const graph = graphProto(o.graph, o.graphName, []);
  const frames = o.graph.lazyInits.map((t) => {
    const header = onnx.TensorProto.encode({ name: t.name, dataType: t.dataType, dims: t.dims }).finish();
    const rawLen = varint(t.byteLength);
    const tensorLen = header.length + 1 + rawLen.length + t.byteLength;
    const tensorLenBytes = varint(tensorLen);
    return { t, header, rawLen, tensorLenBytes, entryLen: 1 + tensorLenBytes.length + tensorLen };
  });
  const graphLen = graph.length + frames.reduce((a, f) => a + f.entryLen, 0);
  const fd = openSync(o.outFile, 'w');
  try {
    const sink = new Sink(fd);
    sink.write(head);
    sink.write(Uint8Array.of(0x3a));
    sink.write(varint(graphLen));
    sink.write(graph);
    for (const f of frames) {
      sink.write(Uint8Array.of(0x2a));
      sink.write(f.tensorLenBytes);
      sink.write(f.header);
      sink.write(Uint8Array.of(0x4a));
      sink.write(f.rawLen);
      await streamTensor(sink, f.t, progress);
    }
    return { bytesWritten: sink.offset, externalDataFile: null };
  } finally {
    closeSync(fd);
  }
}
