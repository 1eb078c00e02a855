/**
 * @file ONNX's shape operators in adjoint's ops: Reshape, Transpose, Concat, Split, Squeeze,
 * Unsqueeze, Flatten, Expand, Tile, and the shape-computing ones (Shape, Size, ConstantOfShape,
 * Range, Constant) whose results are known before the run, so a Reshape fed by a computed shape
 * has its numbers.
 */
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, formatShape, sizeOf } from '../tensor/shape.js';
import { full } from '../tensor/create.js';
import { broadcastTo, concat, reshape, slice, transpose } from '../ops/shape.js';
import { tile } from '../ops/rearrange.js';
import { add, mul } from '../ops/binary.js';
import { constantValue, numbers, oneNumber, same, type NodeContext, type OperatorDef, type Value } from './importNode.js';

/** An axis in [−rank, rank) as a position, or a run-time error naming the node. */
export function axisIn(node: NodeContext, axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    node.runError(`${what} ${axis} is out of range for a tensor of rank ${rank}; use an integer in [${-rank}, ${rank - 1}].`);
  }
  return axis < 0 ? axis + rank : axis;
}

const intValue = (values: readonly number[], shape: number[]): Value => ({ tensor: new Tensor(Float64Array.from(values), shape), kind: 'int' });

/** Reshape's target: 0 copies the input's extent (unless allowzero), −1 takes what is left. */
function reshapeTarget(node: NodeContext, input: readonly number[], spec: readonly number[], allowZero: boolean): number[] {
  const out = spec.map((d, i) => (d === 0 && !allowZero ? input[i] ?? node.runError(`shape entry ${i} is 0 (copy) but the input has rank ${input.length}.`) : d));
  const unknown = out.indexOf(-1);
  if (unknown >= 0) {
    if (out.lastIndexOf(-1) !== unknown) node.runError(`shape ${JSON.stringify(spec)} has more than one -1.`);
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    const total = sizeOf(input);
    if (known === 0 || total % known !== 0) node.runError(`cannot infer the -1 of shape ${JSON.stringify(spec)} for an input of shape ${formatShape(input)}.`);
    out[unknown] = total / known;
  }
  if (sizeOf(out) !== sizeOf(input)) node.runError(`shape ${JSON.stringify(spec)} (${formatShape(out)}) does not hold the ${sizeOf(input)} entries of ${formatShape(input)}.`);
  return out;
}

const reshapeOp: OperatorDef = {
  attributes: ['allowzero', 'shape'],
  staticInputs: [1],
  compile: (node) => {
    const allowZero = node.int('allowzero', 0) === 1;
    const legacy = node.opset < 5 ? node.ints('shape') : undefined;
    return ([x, shape]) => {
      const spec = legacy ?? numbers(shape!);
      return [same(x!, reshape(x!.tensor, reshapeTarget(node, x!.tensor.shape, spec, allowZero)))];
    };
  },
};

const transposeOp: OperatorDef = {
  attributes: ['perm'],
  compile: (node) => {
    const perm = node.ints('perm');
    return ([x]) => [same(x!, transpose(x!.tensor, perm ?? x!.tensor.shape.map((_, i) => x!.tensor.ndim - 1 - i)))];
  },
};

const concatOp: OperatorDef = {
  attributes: ['axis'],
  compile: (node) => {
    if (!node.has('axis')) node.fail('attribute axis is required.');
    const axis = node.int('axis', 0);
    return (inputs) => {
      const ts = inputs.map((v) => v!.tensor);
      return [same(inputs[0]!, concat(ts, axisIn(node, axis, ts[0]!.ndim)))];
    };
  },
};

/** Split: sizes from the `split` attribute (before opset 13) or input, `num_outputs` (opset 18), or equal parts. */
const splitOp: OperatorDef = {
  attributes: ['axis', 'split', 'num_outputs'],
  staticInputs: [1],
  compile: (node) => {
    const axis = node.int('axis', 0);
    const legacy = node.opset < 13 ? node.ints('split') : undefined;
    const parts = node.int('num_outputs', node.outputs.length);
    return ([x, split]) => {
      const t = x!.tensor;
      const ax = axisIn(node, axis, t.ndim);
      const n = t.shape[ax]!;
      let sizes = legacy ?? (split !== undefined ? numbers(split) : undefined);
      if (sizes === undefined) {
        // num_outputs: parts of ⌈n/k⌉, the last smaller; without it the parts must be equal.
        const chunk = node.has('num_outputs') ? Math.ceil(n / parts) : n / parts;
        if (!Number.isInteger(chunk)) node.runError(`cannot split length ${n} into ${parts} equal parts.`);
        sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, n - i * chunk)));
      }
      if (sizes.reduce((a, b) => a + b, 0) !== n) node.runError(`split sizes ${JSON.stringify(sizes)} do not add up to ${n}.`);
      let offset = 0;
      return sizes.map((s) => {
        const begin = t.shape.map((_, i) => (i === ax ? offset : 0));
        offset += s;
        return same(x!, slice(t, begin, t.shape.map((d, i) => (i === ax ? s : d))));
      });
    };
  },
};

/** Squeeze/Unsqueeze's axes: an attribute before opset 13, an input from 13 on. */
function axesOf(node: NodeContext, input: Value | undefined): number[] | undefined {
  return node.opset < 13 ? node.ints('axes') : input === undefined ? undefined : numbers(input);
}

const squeezeOp: OperatorDef = {
  attributes: ['axes'],
  staticInputs: [1],
  compile: (node) => ([x, axesInput]) => {
    const t = x!.tensor;
    const axes = axesOf(node, axesInput)?.map((a) => axisIn(node, a, t.ndim)) ?? t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of axes) if (t.shape[a] !== 1) node.runError(`axis ${a} of shape ${formatShape(t.shape)} has length ${t.shape[a]}, not 1.`);
    return [same(x!, reshape(t, t.shape.filter((_, i) => !axes.includes(i))))];
  },
};

const unsqueezeOp: OperatorDef = {
  attributes: ['axes'],
  staticInputs: [1],
  compile: (node) => ([x, axesInput]) => {
    const t = x!.tensor;
    const given = axesOf(node, axesInput) ?? node.runError('axes are required.');
    const rank = t.ndim + given.length;
    const axes = new Set(given.map((a) => axisIn(node, a, rank)));
    if (axes.size !== given.length) node.runError(`axes ${JSON.stringify(given)} repeat an axis.`);
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(axes.has(i) ? 1 : t.shape[k++]!);
    return [same(x!, reshape(t, shape))];
  },
};

const flattenOp: OperatorDef = {
  attributes: ['axis'],
  compile: (node) => {
    const axis = node.int('axis', 1);
    return ([x]) => {
      const t = x!.tensor;
      if (axis < -t.ndim || axis > t.ndim) node.runError(`axis ${axis} is out of range for rank ${t.ndim}.`);
      const a = axis < 0 ? axis + t.ndim : axis;
      return [same(x!, reshape(t, [sizeOf(t.shape.slice(0, a)), sizeOf(t.shape.slice(a))]))];
    };
  },
};

const expandOp: OperatorDef = {
  attributes: [],
  staticInputs: [1],
  compile: (node) => ([x, shape]) => [same(x!, broadcastTo(x!.tensor, broadcastShapes(`onnx Expand (node '${node.name}')`, x!.tensor.shape, numbers(shape!))))],
};

const tileOp: OperatorDef = {
  attributes: [],
  staticInputs: [1],
  compile: () => ([x, repeats]) => [same(x!, tile(x!.tensor, numbers(repeats!)))],
};

// ---- Computed from shapes and constants only: known before the run ----

/** Shape, with opset 15's start and end (clamped, negative from the end). */
const shapeOp: OperatorDef = {
  attributes: ['start', 'end'],
  shapeOnly: true,
  compile: (node) => {
    const start = node.int('start', 0), end = node.int('end', Number.MAX_SAFE_INTEGER);
    return ([x]) => {
      const shape = x!.tensor.shape, r = shape.length;
      const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + r : i, 0), r);
      const dims = shape.slice(clamp(start), Math.max(clamp(start), clamp(end)));
      return [intValue(dims, [dims.length])];
    };
  },
};

const sizeOp: OperatorDef = { attributes: [], shapeOnly: true, compile: () => ([x]) => [intValue([x!.tensor.size], [])] };

const constantOfShape: OperatorDef = {
  attributes: ['value'],
  staticInputs: [0],
  compile: (node) => {
    const t = node.tensor('value');
    const value = t === undefined ? { tensor: new Tensor(Float64Array.of(0), []), kind: 'float' as const } : constantValue(t, `the value of node '${node.name}'`);
    if (value.tensor.size !== 1) node.fail('attribute value must hold one element.');
    return ([shape]) => [{ tensor: full(numbers(shape!), value.tensor.values[0]!), kind: value.kind }];
  },
};

/**
 * Range: start + i·delta for i < max(⌈(limit − start)/delta⌉, 0). All three are read as numbers (they fix
 * the length); a start or delta computed from the inputs' values is also a value the output is
 * differentiated in, so there the output is start + i·delta as ops.
 */
const rangeOp: OperatorDef = {
  attributes: [],
  staticInputs: [0, 1, 2],
  compile: (node) => ([start, limit, delta], known) => {
    const [s, l, d] = [oneNumber(node, start!, 'start'), oneNumber(node, limit!, 'limit'), oneNumber(node, delta!, 'delta')];
    if (d === 0) node.runError('delta is 0.');
    const n = Math.max(Math.ceil((l - s) / d), 0);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = known[0] && known[2] ? s + i * d : i;
    const steps = new Tensor(values, [n]);
    if (known[0] && known[2]) return [{ tensor: steps, kind: start!.kind }];
    return [{ tensor: add(reshape(start!.tensor, []), mul(steps, reshape(delta!.tensor, []))), kind: start!.kind }];
  },
};

/** Constant: a tensor attribute, or one of the value_* shorthands. */
const constantOp: OperatorDef = {
  attributes: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'],
  compile: (node) => {
    const names = node.attributeNames();
    if (names.length !== 1) node.fail(`needs exactly one of value, value_float, value_floats, value_int, value_ints; got ${JSON.stringify(names)}.`);
    let v: Value;
    if (node.has('value')) v = constantValue(node.tensor('value')!, `the value of node '${node.name}'`);
    else if (node.has('value_float')) v = { tensor: new Tensor(Float64Array.of(node.float('value_float', 0)), []), kind: 'float' };
    else if (node.has('value_int')) v = intValue([node.int('value_int', 0)], []);
    else if (node.has('value_floats')) {
      const fs = node.floats('value_floats')!;
      v = { tensor: new Tensor(Float64Array.from(fs), [fs.length]), kind: 'float' };
    } else {
      const is = node.ints('value_ints')!;
      v = intValue(is, [is.length]);
    }
    return () => [v];
  },
};

/** Shape operators by ONNX name. */
export const SHAPE: Record<string, OperatorDef> = {
  Reshape: reshapeOp,
  Transpose: transposeOp,
  Concat: concatOp,
  Split: splitOp,
  Squeeze: squeezeOp,
  Unsqueeze: unsqueezeOp,
  Flatten: flattenOp,
  Expand: expandOp,
  Tile: tileOp,
  Shape: shapeOp,
  Size: sizeOp,
  ConstantOfShape: constantOfShape,
  Range: rangeOp,
  Constant: constantOp,
};

