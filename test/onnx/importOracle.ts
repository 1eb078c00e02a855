/**
 * @file One-node ONNX models built with proto.ts's encoder, run by ONNX Runtime (the oracle) and by
 * importModel, for the per-operator tests. ORT's CPU kernels exist for float64 for most
 * operators; where one does not, the model is rebuilt in float32 and compared at float32 precision.
 */
import { createRequire } from 'node:module';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import {
  AttributeType, DataType, encodeModel, float32Bytes, float64Bytes, int64Bytes,
  type AttributeProto, type ModelProto, type TensorProto,
} from '../../src/onnx/proto.js';

const require = createRequire(import.meta.url);
type Ort = typeof import('onnxruntime-node');
const ort: Ort = require('onnxruntime-node');

export type ElemType = 'float' | 'int64' | 'int32' | 'bool';
/** A node input: fed at the run, or an initializer (`init`), or omitted (`null`). */
export interface InputSpec { name: string; data: readonly number[]; shape: readonly number[]; type?: ElemType; init?: boolean }
export interface OutputSpec { name: string; type?: ElemType }
export interface Case {
  op: string;
  inputs: ReadonlyArray<InputSpec | null>;
  attributes?: AttributeProto[];
  outputs?: ReadonlyArray<OutputSpec>;
  opset?: number;
  /** The node's inputs where they are not all of `inputs` (an If's branches read the others by name). */
  nodeInputs?: readonly string[];
}

export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints }),
  floats: (name: string, floats: number[]): AttributeProto => ({ name, type: AttributeType.FLOATS, floats }),
  string: (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(s) }),
  tensor: (name: string, t: TensorProto): AttributeProto => ({ name, type: AttributeType.TENSOR, t }),
};

/** A float input of the given shape with reproducible values in about [−2, 2]. */
export function floats(name: string, shape: readonly number[], seed = 1, extra: Partial<InputSpec> = {}): InputSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => Math.round(1e6 * 2 * Math.sin(1.7 * (i + 1) * seed + seed)) / 1e6);
  return { name, data, shape, ...extra };
}
export const ints = (name: string, data: readonly number[], shape: readonly number[] = [data.length], init = true): InputSpec =>
  ({ name, data, shape, type: 'int64', init });

const DTYPE = { double: DataType.DOUBLE, float32: DataType.FLOAT } as const;
type Precision = keyof typeof DTYPE;

function elem(type: ElemType | undefined, precision: Precision): number {
  return type === 'int64' ? DataType.INT64 : type === 'int32' ? DataType.INT32 : type === 'bool' ? DataType.BOOL : DTYPE[precision];
}

function initializer(s: InputSpec, precision: Precision): TensorProto {
  const dataType = elem(s.type, precision);
  const rawData = s.type === 'int64' ? int64Bytes(s.data) : s.type === 'int32' ? new Uint8Array(Int32Array.from(s.data).buffer) : s.type === 'bool' ? Uint8Array.from(s.data)
    : precision === 'double' ? float64Bytes(s.data) : float32Bytes(s.data);
  return { name: s.name, dims: [...s.shape], dataType, rawData };
}

export function buildModel(c: Case, precision: Precision): ModelProto {
  const given = c.inputs.filter((s): s is InputSpec => s !== null);
  const outputs = c.outputs ?? [{ name: 'y' }];
  const info = (name: string, type: ElemType | undefined, shape?: readonly number[]) => ({
    name, type: { tensorType: { elemType: elem(type, precision), ...(shape ? { shape: { dim: shape.map((d) => ({ dimValue: d })) } } : {}) } },
  });
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: c.opset ?? 17 }],
    graph: {
      name: c.op,
      node: [{ opType: c.op, name: `the_${c.op}`, input: c.nodeInputs ? [...c.nodeInputs] : c.inputs.map((s) => s?.name ?? ''), output: outputs.map((o) => o.name), attribute: c.attributes ?? [] }],
      initializer: given.filter((s) => s.init).map((s) => initializer(s, precision)),
      input: given.filter((s) => !s.init).map((s) => info(s.name, s.type, s.shape)),
      output: outputs.map((o) => info(o.name, o.type ?? (given[0]?.type === 'int64' ? 'int64' : 'float'))),
    },
  };
}

function ortTensor(s: InputSpec, precision: Precision) {
  if (s.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(s.data.map((v) => BigInt(v))), [...s.shape]);
  if (s.type === 'int32') return new ort.Tensor('int32', Int32Array.from(s.data), [...s.shape]);
  if (s.type === 'bool') return new ort.Tensor('bool', Uint8Array.from(s.data), [...s.shape]);
  return precision === 'double' ? new ort.Tensor('float64', Float64Array.from(s.data), [...s.shape]) : new ort.Tensor('float32', Float32Array.from(s.data), [...s.shape]);
}

/** ORT's outputs as float64 arrays with shapes. */
async function runOrt(c: Case, precision: Precision): Promise<Array<{ data: Float64Array; shape: number[] }>> {
  const session = await ort.InferenceSession.create(encodeModel(buildModel(c, precision)));
  const feeds: Record<string, ReturnType<typeof ortTensor>> = {};
  for (const s of c.inputs) if (s && !s.init) feeds[s.name] = ortTensor(s, precision);
  const out = await session.run(feeds);
  return (c.outputs ?? [{ name: 'y' }]).map((o) => {
    const t = out[o.name]!;
    const data = Float64Array.from(Array.from(t.data as ArrayLike<number | bigint | boolean>, (v) => Number(v)));
    return { data, shape: [...t.dims] };
  });
}

export interface Comparison { precision: Precision; error: number; shapes: number[][]; expectedShapes: number[][] }

/** Runs the case on ORT (float64, or float32 where ORT has no float64 kernel) and importModel; the largest error relative to ORT's scale. */
export async function compareWithOrt(c: Case): Promise<Comparison> {
  let precision: Precision = 'double';
  let expected: Awaited<ReturnType<typeof runOrt>>;
  try {
    expected = await runOrt(c, precision);
  } catch (e) {
    if (!/NOT_IMPLEMENTED|Could not find an implementation|type.*double|tensor\(double\)|does not support double/i.test(String(e))) throw e;
    precision = 'float32';
    expected = await runOrt(c, precision);
  }
  const model = importModel(encodeModel(buildModel(c, precision)));
  const feeds: Record<string, ad.Tensor> = {};
  for (const s of c.inputs) {
    if (!s || s.init) continue;
    const values = precision === 'float32' && (s.type ?? 'float') === 'float' ? Float32Array.from(s.data) : s.data;
    feeds[s.name] = ad.tensor(Float64Array.from(values), [...s.shape]);
  }
  const result = model(feeds);
  const actual = result instanceof ad.Tensor ? [result] : (c.outputs ?? []).map((o) => result[o.name]!);
  let error = 0;
  expected.forEach((e, k) => {
    const a = actual[k]!.toFloat64Array();
    let scale = 0, diff = 0;
    e.data.forEach((v, i) => {
      scale = Math.max(scale, Math.abs(v));
      // Equal infinities and NaNs match; anything else differs by its size.
      const d = Object.is(v, a[i]) || v === a[i] ? 0 : Math.abs(v - a[i]!);
      diff = Math.max(diff, Number.isNaN(d) ? Infinity : d);
    });
    if (e.data.length !== a.length) diff = Infinity;
    error = Math.max(error, scale === 0 ? diff : diff / scale);
  });
  return { precision, error, shapes: actual.map((t) => [...t.shape]), expectedShapes: expected.map((e) => e.shape) };
}
