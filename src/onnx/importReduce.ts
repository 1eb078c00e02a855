/**
 * @file ONNX's reductions and the operators that act along an axis, in adjoint's ops: Reduce*
 * (axes as an attribute before opset 13 (ReduceSum) or 18 (the others) and as an input after;
 * keepdims; noop_with_empty_axes), ArgMax/ArgMin (index tensors, no gradient), CumSum, and
 * Softmax/LogSoftmax (whose axis meant a 2-D coercion before opset 13).
 */
import type { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { log, abs, square, sqrt } from '../ops/unary.js';
import { sub } from '../ops/binary.js';
import { cumsum, logSoftmax, logsumexp, max, mean, min, softmax, sum } from '../ops/reduce.js';
import { maxIndex, minIndex } from '../ops/sort.js';
import { flip } from '../ops/rearrange.js';
import { concat, reshape, slice } from '../ops/shape.js';
import { prod } from '../products/prod.js';
import { zeros } from '../tensor/create.js';
import { numbers, oneNumber, same, type NodeContext, type OperatorDef } from './importNode.js';
import { axisIn } from './importShape.js';

type Reducer = (x: Tensor, axes: number[], keepdims: boolean) => Tensor;

/** The shape of a reduction of `shape` over `axes`. */
const reducedShape = (shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] =>
  keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));

/** A Reduce* operator; `inputSince` is the opset from which its axes are an input. */
function reduction(fn: Reducer, inputSince: number): OperatorDef {
  return {
    attributes: ['axes', 'keepdims', 'noop_with_empty_axes'],
    staticInputs: [1],
    compile: (node) => {
      const keepdims = node.int('keepdims', 1) === 1;
      const noop = node.int('noop_with_empty_axes', 0) === 1;
      const fromInput = node.opset >= inputSince;
      if (fromInput && node.has('axes')) node.fail(`from opset ${inputSince} the axes are an input, not an attribute.`);
      return ([x, axesIn]) => {
        const t = x!.tensor;
        const given = fromInput ? (axesIn ? numbers(axesIn) : []) : (node.ints('axes') ?? []);
        if (given.length === 0 && noop) return [x!];
        const axes = given.length === 0 ? t.shape.map((_, i) => i) : given.map((a) => axisIn(node, a, t.ndim));
        return [same(x!, fn(t, axes, keepdims))];
      };
    },
  };
}

/** ArgMax/ArgMin: the first (or, with select_last_index, the last) extremum's position, as an int tensor. */
function argExtremum(pick: typeof maxIndex): OperatorDef {
  return {
    attributes: ['axis', 'keepdims', 'select_last_index'],
    compile: (node) => {
      const axis = node.int('axis', 0), keepdims = node.int('keepdims', 1) === 1;
      const last = node.int('select_last_index', 0) === 1;
      return ([x]) => {
        const t = x!.tensor, ax = axisIn(node, axis, t.ndim);
        // The last of tied extrema is the first one of the reversed axis, counted from the end.
        const index = last ? sub(t.shape[ax]! - 1, pick(flip(t, ax), ax, keepdims)) : pick(t, ax, keepdims);
        return [{ tensor: index, kind: 'int' }];
      };
    },
  };
}

/** CumSum along the axis input; exclusive shifts by one (a zero first), reverse runs from the end. */
const cumSumOp: OperatorDef = {
  attributes: ['exclusive', 'reverse'],
  staticInputs: [1],
  compile: (node) => {
    const exclusive = node.int('exclusive', 0) === 1, reverse = node.int('reverse', 0) === 1;
    return ([x, axisInput]) => {
      const t = x!.tensor, ax = axisIn(node, oneNumber(node, axisInput!, 'axis'), t.ndim);
      let y = cumsum(reverse ? flip(t, ax) : t, ax);
      if (exclusive) {
        // Shifted rather than y − x, which would not be exact in floating point.
        const n = t.shape[ax]!;
        const head = zeros(t.shape.map((d, i) => (i === ax ? Math.min(1, n) : d)));
        y = concat([head, slice(y, t.shape.map(() => 0), t.shape.map((d, i) => (i === ax ? Math.max(n - 1, 0) : d)))], ax);
      }
      return [same(x!, reverse ? flip(y, ax) : y)];
    };
  },
};

/**
 * Softmax and LogSoftmax. From opset 13 along one axis (default −1); before, the input was
 * coerced to 2-D [∏ dims before axis, ∏ dims from axis] (default axis 1) and normalised along the second.
 */
export function softmaxLike(fn: (x: Tensor, axis: number) => Tensor): OperatorDef {
  return {
    attributes: ['axis'],
    compile: (node: NodeContext) => {
      const modern = node.opset >= 13;
      const axis = node.int('axis', modern ? -1 : 1);
      return ([x]) => {
        const t = x!.tensor;
        if (modern) return [same(x!, fn(t, axisIn(node, axis, t.ndim)))];
        const a = axis < 0 ? axis + t.ndim : axis;
        if (a < 0 || a > t.ndim) node.runError(`axis ${axis} is out of range for rank ${t.ndim}.`);
        const flat = reshape(t, [sizeOf(t.shape.slice(0, a)), sizeOf(t.shape.slice(a))]);
        return [same(x!, reshape(fn(flat, 1), t.shape))];
      };
    },
  };
}

/** Reductions and axis operators by ONNX name. */
export const REDUCE: Record<string, OperatorDef> = {
  ReduceSum: reduction(sum, 13),
  // Over no entries ONNX Runtime's ReduceMean is 0, not NumPy's NaN (PyTorch's EmbeddingBag gives an empty bag 0 and exports through it).
  ReduceMean: reduction((x, axes, keepdims) => (axes.some((a) => x.shape[a] === 0) ? zeros(reducedShape(x.shape, axes, keepdims)) : mean(x, axes, keepdims)), 18),
  ReduceMax: reduction(max, 18),
  ReduceMin: reduction(min, 18),
  ReduceProd: reduction(prod, 18),
  ReduceLogSumExp: reduction(logsumexp, 18),
  ReduceLogSum: reduction((x, a, k) => log(sum(x, a, k)), 18),
  ReduceSumSquare: reduction((x, a, k) => sum(square(x), a, k), 18),
  ReduceL1: reduction((x, a, k) => sum(abs(x), a, k), 18),
  ReduceL2: reduction((x, a, k) => sqrt(sum(square(x), a, k)), 18),
  ArgMax: argExtremum(maxIndex),
  ArgMin: argExtremum(minIndex),
  CumSum: cumSumOp,
  Softmax: softmaxLike(softmax),
  LogSoftmax: softmaxLike(logSoftmax),
};
