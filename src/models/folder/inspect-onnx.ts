import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { EdgebenchError } from '../../errors.ts';
import { isLfsPointer, lfsPointerError, sha256File } from './file-checks.ts';
import { dataTypeName, tensorBytes } from './onnx-types.ts';
import { ProtoDecodeError, ProtoFileReader } from './proto-reader.ts';

const { onnx } = onnxProto;

export interface OnnxIo {
  name: string;
  type: string;
  /** numbers for fixed dims, names for symbolic ones ('batch_size'), '?' when unknown */
  dims: (number | string)[];
}

export interface OnnxExternalFile {
  file: string;
  bytes: number;
  /** highest offset + length the graph reads from it */
  requiredBytes: number;
}

export interface OnnxInspection {
  file: string;
  fileBytes: number;
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: OnnxIo[];
  outputs: OnnxIo[];
  nodeCount: number;
  opCounts: Record<string, number>;
  initializers: { count: number; bytes: number; inlineBytes: number; externalBytes: number; byType: Record<string, number> };
  externalData: OnnxExternalFile[];
  /** sha256 of the .onnx file (not of external data); null when not requested */
  sha256: string | null;
}

/** What the protobuf walk accumulates: the inspection's fields, under their walk-time names. */
interface Acc extends Pick<OnnxInspection, 'producer' | 'opsets' | 'inputs' | 'outputs' | 'nodeCount' | 'opCounts'> {
  ir: number;
  init: OnnxInspection['initializers'];
  external: Map<string, number>;
  sawGraph: boolean;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)));
const utf8 = new TextDecoder();

function toIo(bytes: Uint8Array): OnnxIo {
  const vi = onnx.ValueInfoProto.decode(bytes);
  const t = vi.type?.tensorType;
  const dims = (t?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? num(d.dimValue) : '?'));
  return { name: vi.name ?? '', type: t ? dataTypeName(t.elemType ?? 0) : 'non-tensor', dims };
}

function walkTensor(r: ProtoFileReader, start: number, end: number, acc: Acc): void {
  let dataType = 0;
  const dims: number[] = [];
  let rawLen: number | null = null;
  const ext: Record<string, string> = {};
  for (const f of r.fields(start, end)) {
    if (f.field === 1) {
      if (f.wire === 0) dims.push(ProtoFileReader.int64(f.value));
      else if (f.wire === 2) dims.push(...r.packedVarints(f.start, f.len));
    } else if (f.field === 2 && f.wire === 0) dataType = Number(f.value);
    else if (f.field === 9 && f.wire === 2) rawLen = f.len;
    else if (f.field === 13 && f.wire === 2) {
      const e = onnx.StringStringEntryProto.decode(r.bytes(f.start, f.len));
      ext[e.key] = e.value;
    }
  }
  const bytes = rawLen ?? tensorBytes(dataType, dims);
  acc.init.count++;
  acc.init.bytes += bytes;
  const typeName = dataTypeName(dataType);
  acc.init.byType[typeName] = (acc.init.byType[typeName] ?? 0) + bytes;
  if (ext.location !== undefined) {
    acc.init.externalBytes += bytes;
    const offset = Number(ext.offset ?? 0);
    const length = ext.length !== undefined ? Number(ext.length) : tensorBytes(dataType, dims);
    acc.external.set(ext.location, Math.max(acc.external.get(ext.location) ?? 0, offset + length));
  } else {
    acc.init.inlineBytes += bytes;
  }
}

function walkGraph(r: ProtoFileReader, start: number, end: number, acc: Acc): void {
  acc.sawGraph = true;
  for (const f of r.fields(start, end)) {
    if (f.wire !== 2) continue;
    if (f.field === 1) {
      const node = onnx.NodeProto.decode(r.bytes(f.start, f.len));
      acc.nodeCount++;
      // same keys as the builder's counts: 'MatMul', 'com.microsoft.MatMulNBits'
      const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
      acc.opCounts[key] = (acc.opCounts[key] ?? 0) + 1;
    } else if (f.field === 5) walkTensor(r, f.start, f.start + f.len, acc);
    else if (f.field === 11) acc.inputs.push(toIo(r.bytes(f.start, f.len)));
    else if (f.field === 12) acc.outputs.push(toIo(r.bytes(f.start, f.len)));
  }
}

function walkModel(r: ProtoFileReader, acc: Acc): void {
  for (const f of r.fields(0, r.size)) {
    if (f.field === 1 && f.wire === 0) acc.ir = Number(f.value);
    else if (f.field === 2 && f.wire === 2) acc.producer = utf8.decode(r.bytes(f.start, f.len));
    else if (f.field === 3 && f.wire === 2) acc.producer += ` ${utf8.decode(r.bytes(f.start, f.len))}`;
    else if (f.field === 7 && f.wire === 2) walkGraph(r, f.start, f.start + f.len, acc);
    else if (f.field === 8 && f.wire === 2) {
      const o = onnx.OperatorSetIdProto.decode(r.bytes(f.start, f.len));
      acc.opsets.push({ domain: o.domain || 'ai.onnx', version: num(o.version) });
    }
  }
}

function corrupt(file: string, why: string): EdgebenchError {
  return new EdgebenchError('MODEL_INVALID', `${file} is truncated or corrupt (${why})`, 're-download it (`edgebench models pull …`) or rebuild it (`edgebench models build …`)');
}

/**
 * Read an .onnx file's graph (inputs/outputs, operators, initializer sizes, opsets) without
 * loading weights: inline tensor payloads are skipped by seeking; external data files are only
 * stat()ed to check they hold every byte the graph references.
 */
export async function inspectOnnx(file: string, opts: { checksum?: boolean } = {}): Promise<OnnxInspection> {
  if (!existsSync(file)) throw new EdgebenchError('MODEL_NOT_FOUND', `${file} does not exist`, 'check the path');
  if (isLfsPointer(file)) throw lfsPointerError(file);
  const acc: Acc = {
    ir: 0, producer: '', opsets: [], inputs: [], outputs: [], nodeCount: 0, opCounts: {},
    init: { count: 0, bytes: 0, inlineBytes: 0, externalBytes: 0, byType: {} }, external: new Map(), sawGraph: false,
  };
  const r = new ProtoFileReader(file);
  try {
    walkModel(r, acc);
  } catch (e) {
    if (e instanceof ProtoDecodeError || e instanceof RangeError || (e instanceof Error && /invalid|index out of range/i.test(e.message))) {
      throw corrupt(file, `protobuf decode failed: ${e.message}`);
    }
    throw e;
  } finally {
    r.close();
  }
  if (!acc.sawGraph || acc.nodeCount === 0) throw corrupt(file, 'no graph with nodes in it');
  const externalData: OnnxExternalFile[] = [];
  for (const [location, requiredBytes] of acc.external) {
    const dataFile = join(dirname(file), location);
    if (!existsSync(dataFile)) {
      throw new EdgebenchError('MODEL_INVALID', `external data file ${location} referenced by ${basename(file)} is missing`, `copy ${location} next to ${basename(file)} (download it with the .onnx file)`);
    }
    if (isLfsPointer(dataFile)) throw lfsPointerError(dataFile);
    const bytes = statSync(dataFile).size;
    if (bytes < requiredBytes) {
      throw corrupt(dataFile, `${bytes} bytes but ${basename(file)} reads up to byte ${requiredBytes}`);
    }
    externalData.push({ file: dataFile, bytes, requiredBytes });
  }
  return {
    file,
    fileBytes: statSync(file).size,
    irVersion: acc.ir,
    producer: acc.producer.trim(),
    opsets: acc.opsets,
    inputs: acc.inputs,
    outputs: acc.outputs,
    nodeCount: acc.nodeCount,
    opCounts: acc.opCounts,
    initializers: acc.init,
    externalData,
    sha256: opts.checksum === false ? null : await sha256File(file),
  };
}
