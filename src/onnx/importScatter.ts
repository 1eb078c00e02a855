/**
 * @file ONNX's multi-index operators in adjoint's ops: GatherND and ScatterND (each index tuple
 * turned into a position of the flattened leading axes, then `gather` / `scatter` along that one
 * axis), OneHot, EyeLike and ReverseSequence (a per-batch permutation of the time axis as a
 * `gather`). Indices may be computed by the model; data and updates stay differentiable.
 */
import { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { add, equal, less, lessEqual, maximum, minimum, mul, sub } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { where } from '../ops/select.js';
import { reshape, slice } from '../ops/shape.js';
import { gather, scatter, scatterAdd } from '../ops/gather.js';
import { arange } from '../tensor/create.js';
import { kindOf, oneNumber, same, type NodeContext, type OperatorDef } from './importNode.js';
import { axisIn } from './importShape.js';

/**
 * The flat position Σⱼ idx[…, j]·strideⱼ of index tuples idx [..., k] into axes `dims` (negative
 * entries counting from the end, as ONNX allows), with strides of the row-major layout of `dims`.
 */
function flatPositions(idx: Tensor, dims: readonly number[]): Tensor {
  const k = dims.length;
  const strides = dims.map((_, j) => sizeOf(dims.slice(j + 1)));
  const extent = new Tensor(Float64Array.from(dims), [k]);
  const wrapped = where(less(idx, 0), add(idx, extent), idx);
  return sum(mul(wrapped, new Tensor(Float64Array.from(strides), [k])), -1);
}

/**
 * GatherND with batch_dims b: data [B…, D₁…D_k, R…], indices [B…, M…, k] → [B…, M…, R…]. The data
 * is seen as [∏B, ∏D, ∏R] and the tuples as flat positions [∏B, ∏M, 1], gathered along axis 1.
 */
const gatherND: OperatorDef = {
  attributes: ['batch_dims'],
  compile: (node) => {
    const b = node.int('batch_dims', 0);
    return ([x, indices]) => {
      const data = x!.tensor, idx = indices!.tensor;
      const k = idx.shape[idx.ndim - 1] ?? node.runError('indices must have at least one axis.');
      if (b < 0 || b >= idx.ndim || b + k > data.ndim) node.runError(`batch_dims ${b} and index tuples of length ${k} do not fit data of rank ${data.ndim} and indices of rank ${idx.ndim}.`);
      const batch = data.shape.slice(0, b), indexed = data.shape.slice(b, b + k), rest = data.shape.slice(b + k);
      if (idx.shape.slice(0, b).join() !== batch.join()) node.runError(`the batch axes of data [${data.shape}] and indices [${idx.shape}] differ.`);
      const tuples = idx.shape.slice(b, -1);
      const flat = reshape(flatPositions(idx, indexed), [sizeOf(batch), sizeOf(tuples), 1]);
      const out = gather(reshape(data, [sizeOf(batch), sizeOf(indexed), sizeOf(rest)]), flat, 1);
      return [same(x!, reshape(out, [...batch, ...tuples, ...rest]))];
    };
  },
};

/**
 * ScatterND: data [D₁…D_k, R…] with updates [M…, R…] written at index tuples [M…, k]. 'none'
 * writes and 'add' adds (through `scatter` / `scatterAdd` on the data seen as [∏D, ∏R]); 'mul',
 * 'max' and 'min' fold the updates in one at a time, in order, as ONNX Runtime does.
 */
const scatterND: OperatorDef = {
  attributes: ['reduction'],
  compile: (node) => {
    const allowed = node.opset >= 18 ? ['none', 'add', 'mul', 'max', 'min'] : node.opset >= 16 ? ['none', 'add', 'mul'] : ['none'];
    const reduction = node.oneOf('reduction', node.string('reduction', 'none'), allowed);
    const fold = { mul, max: maximum, min: minimum }[reduction as 'mul' | 'max' | 'min'];
    return ([x, indices, updates]) => {
      const data = x!.tensor, idx = indices!.tensor, u = updates!.tensor;
      const k = idx.shape[idx.ndim - 1] ?? node.runError('indices must have at least one axis.');
      if (k > data.ndim) node.runError(`index tuples of length ${k} for data of rank ${data.ndim}.`);
      const tuples = idx.shape.slice(0, -1), rest = data.shape.slice(k), m = sizeOf(tuples), r = sizeOf(rest);
      const want = [...tuples, ...rest];
      if (u.shape.join() !== want.join()) node.runError(`updates of shape [${u.shape}] must be [${want}] (the indices' leading axes, then the data's axes after the first ${k}).`);
      const flatData = reshape(data, [sizeOf(data.shape.slice(0, k)), r]);
      const positions = reshape(flatPositions(idx, data.shape.slice(0, k)), [m, 1]);
      const rows = reshape(u, [m, r]);
      let out: Tensor;
      if (fold === undefined) out = (reduction === 'add' ? scatterAdd : scatter)(flatData, positions, rows, 0);
      else {
        out = flatData;
        for (let i = 0; i < m; i++) {
          const at = slice(positions, [i, 0], [1, 1]);
          out = scatter(out, at, fold(gather(out, at, 0), slice(rows, [i, 0], [1, r])), 0);
        }
      }
      return [same(x!, reshape(out, data.shape))];
    };
  },
};

/**
 * OneHot: indices (negative ones counting from the end, out-of-range ones all "off") against
 * positions 0…depth − 1 along a new axis; values = [off, on].
 */
const oneHotOp: OperatorDef = {
  attributes: ['axis'],
  staticInputs: [1],
  compile: (node) => {
    const axis = node.int('axis', -1);
    return ([indices, depthIn, values]) => {
      const idx = indices!.tensor, depth = oneNumber(node, depthIn!, 'depth'), rank = idx.ndim + 1;
      if (!(depth >= 1)) node.runError(`depth must be at least 1, got ${depth}.`);
      const n = Math.trunc(depth), ax = axisIn(node, axis, rank);
      const v = values!.tensor;
      if (v.size !== 2) node.runError(`values must hold two entries [off, on], got shape [${v.shape}].`);
      const wrapped = where(less(idx, 0), add(idx, n), idx);
      const expanded = reshape(wrapped, [...idx.shape.slice(0, ax), 1, ...idx.shape.slice(ax)]);
      const positions = reshape(arange(n), Array.from({ length: rank }, (_, i) => (i === ax ? n : 1)));
      const hit = equal(expanded, positions);
      const [off, on] = [reshape(slice(v, [0], [1]), []), reshape(slice(v, [1], [1]), [])];
      return [same(values!, where(hit, on, off))];
    };
  },
};

/** EyeLike: ones on diagonal k of a matrix shaped as the input, of the dtype given (or the input's). */
const eyeLike: OperatorDef = {
  attributes: ['dtype', 'k'],
  shapeOnly: true,
  compile: (node: NodeContext) => {
    const k = node.int('k', 0);
    const kind = node.has('dtype') ? (kindOf(node.int('dtype', 1)) ?? node.fail(`dtype ${node.int('dtype', 1)} is not supported (float types, integer types and bool are).`)) : undefined;
    return ([x]) => {
      const shape = x!.tensor.shape;
      if (shape.length !== 2) node.runError(`input of shape [${shape}] is not a matrix.`);
      const [rows, cols] = shape as [number, number];
      const values = new Float64Array(rows * cols);
      for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) values[i * cols + i + k] = 1;
      return [{ tensor: new Tensor(values, [rows, cols]), kind: kind ?? x!.kind }];
    };
  },
};

/**
 * ReverseSequence: along the time axis, each batch entry's first sequence_lens[b] steps reversed,
 * the rest kept — out[t, b] = x[L_b − 1 − t, b] for t < L_b, x[t, b] after: one `gather` with those
 * positions (shaped to broadcast over the other axes).
 */
const reverseSequence: OperatorDef = {
  attributes: ['batch_axis', 'time_axis'],
  compile: (node) => {
    const batchAxis = node.oneOf('batch_axis', node.int('batch_axis', 1), [0, 1]);
    const timeAxis = node.oneOf('time_axis', node.int('time_axis', 0), [0, 1]);
    if (batchAxis === timeAxis) node.fail('batch_axis and time_axis must differ (one is 0, the other 1).');
    return ([x, lens]) => {
      const t = x!.tensor, T = t.shape[timeAxis]!, B = t.shape[batchAxis]!;
      if (lens!.tensor.size !== B) node.runError(`sequence_lens has ${lens!.tensor.size} entries for a batch of ${B}.`);
      const along = (axis: number, n: number) => Array.from({ length: t.ndim }, (_, i) => (i === axis ? n : 1));
      const steps = reshape(arange(T), along(timeAxis, T));
      const L = reshape(lens!.tensor, along(batchAxis, B));
      const positions = where(lessEqual(add(steps, 1), L), sub(sub(L, 1), steps), steps);
      return [same(x!, gather(t, positions, timeAxis))];
    };
  },
};

/** Multi-index operators by ONNX name. */
export const SCATTER: Record<string, OperatorDef> = {
  GatherND: gatherND,
  ScatterND: scatterND,
  OneHot: oneHotOp,
  EyeLike: eyeLike,
  ReverseSequence: reverseSequence,
};
