/**
 * @file ONNX forms of the reductions, scans, sorting and product primitives: ReduceSum/Max/Min/Prod
 * (opset 18: axes as an input), logsumexp with adjoint's shift (all −∞ gives −∞), CumSum, TopK
 * for argsort, ArgMax/ArgMin, and the products. ONNX has no cumulative product or first-order
 * recurrence, so those are unrolled along their axis (Split, one Mul/Add per position, Concat):
 * n nodes for an axis of length n, which is what the recorded program's kernel loops over too.
 */
import { rules, type GraphBuilder, type Lowering, type Operand } from './graph.js';
import { mulStrong } from './exportElementwise.js';

interface ReduceParams { readonly axes: readonly number[]; readonly keepdims: boolean }

/** Reduce<opType> over `axes` (none: a copy, as adjoint's kernel; ONNX would reduce all). */
function reduce(g: GraphBuilder, opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
  if (axes.length === 0) return g.node('Identity', [x]);
  return g.node(opType, [x, g.ints(axes)], { keepdims: keepdims ? 1 : 0 });
}

const reduction = (opType: string): Lowering<ReduceParams> => (g, [x], { axes, keepdims }) => reduce(g, opType, x!.name, axes, keepdims);

/**
 * ReduceMax/ReduceMin with NaN propagated, as adjoint's kernels (and NumPy's max): ONNX Runtime's
 * result for a lane holding NaN depends on where the NaN sits (max([1, 5, NaN]) gave 5).
 */
function reduceNaN(g: GraphBuilder, opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
  const r = reduce(g, opType, x, axes, keepdims);
  if (axes.length === 0) return r;
  const anyNaN = reduce(g, 'ReduceMax', g.toFloat(g.node('IsNaN', [x])), axes, keepdims);
  return g.node('Where', [g.node('Greater', [anyNaN, g.floats(0)]), g.floats(NaN), r]);
}
const extremum = (opType: string): Lowering<ReduceParams> => (g, [x], { axes, keepdims }) => reduceNaN(g, opType, x!.name, axes, keepdims);

/**
 * logsumexp = m + log Σ exp(x − m) with m the maximum (kept), as adjoint's kernel: where m is −∞
 * (every entry −∞), +∞ or NaN the result is m itself.
 */
export const logsumexp: Lowering<ReduceParams> = (g, [x], { axes, keepdims }, out) => {
  if (axes.length === 0) return g.node('Identity', [x!.name]);
  const m = reduceNaN(g, 'ReduceMax', x!.name, axes, true);
  const finite = g.node('Not', [g.node('Or', [g.node('IsInf', [m]), g.node('IsNaN', [m])])]);
  const shift = g.node('Where', [finite, m, g.floats(0)]);
  const s = reduce(g, 'ReduceSum', g.node('Exp', [g.node('Sub', [x!.name, shift])]), axes, true);
  const y = g.node('Where', [finite, g.node('Add', [shift, g.node('Log', [s])]), m]);
  return keepdims ? y : g.reshape(y, out);
};

const cumsum: Lowering<{ axis: number; reverse: boolean }> = (g, [x], { axis, reverse }) =>
  g.node('CumSum', [x!.name, g.ints([axis], [])], { reverse: reverse ? 1 : 0 });

/**
 * argsort's first k positions along `axis`, as floats: adjoint's stable order, NaNs last ascending
 * and first descending. TopK orders ties by position, but NaN compares as nothing (ONNX Runtime
 * scatters NaNs among the values), so two stable passes make the order lexicographic: TopK of x
 * with NaN read as +∞, then a TopK of the NaN flags in that order (0s first ascending, 1s first
 * descending), composed with GatherElements; the first k are kept.
 */
const argsort: Lowering<{ axis: number; descending: boolean; k: number }> = (g, [x], { axis, descending, k }) => {
  const n = x!.shape[axis]!;
  const largest = descending ? 1 : 0;
  const isNaN = g.node('IsNaN', [x!.name]);
  const keys = g.node('Where', [isNaN, g.floats(Infinity), x!.name]);
  const [, byValue] = g.nodeN('TopK', [keys, g.ints([n])], { axis, largest, sorted: 1 }, 2);
  const flags = g.node('GatherElements', [g.toFloat(isNaN), byValue!], { axis });
  const [, byFlag] = g.nodeN('TopK', [flags, g.ints([n])], { axis, largest, sorted: 1 }, 2);
  let order = g.node('GatherElements', [byValue!, byFlag!], { axis });
  if (k < n) order = g.node('Slice', [order, g.ints([0]), g.ints([k]), g.ints([axis])]);
  return g.toFloat(order);
};

/** ArgMax/ArgMin (first of ties), or the first NaN's position in a lane holding one (adjoint's kernel; ONNX Runtime skips some NaNs). */
const extremumIndex = (opType: string): Lowering<{ axis: number; keepdims: boolean }> => (g, [x], { axis, keepdims }) => {
  const attributes = { axis, keepdims: keepdims ? 1 : 0, select_last_index: 0 };
  const flags = g.toFloat(g.node('IsNaN', [x!.name]));
  const anyNaN = g.node('Greater', [reduce(g, 'ReduceMax', flags, [axis], keepdims), g.floats(0)]);
  const index = g.node('Where', [anyNaN, g.node('ArgMax', [flags], attributes), g.node(opType, [x!.name], attributes)]);
  return g.toFloat(index);
};

/** The n slices of `x` along `axis` (each keeping the axis, length 1). */
function split(g: GraphBuilder, x: Operand, axis: number): string[] {
  const n = x.shape[axis]!;
  if (n === 1) return [x.name];
  return g.nodeN('Split', [x.name], { axis, num_outputs: n }, n);
}

/** Positions 0…n−1 along the axis in the order a scan visits them. */
const order = (n: number, reverse: boolean) => Array.from({ length: n }, (_, i) => (reverse ? n - 1 - i : i));

/** Cumulative products along `axis`, each slice in place: c_k = Π_{j≤k} (or j<k, exclusive; from the end with reverse). */
function cumprodSlices(g: GraphBuilder, x: Operand, axis: number, reverse: boolean, exclusive: boolean): string[] {
  const parts = split(g, x, axis);
  const out = new Array<string>(parts.length);
  let acc: string | null = null;
  for (const k of order(parts.length, reverse)) {
    if (exclusive) {
      out[k] = acc ?? g.node('Expand', [g.floats(1), g.node('Shape', [parts[k]!])]);
      acc = acc === null ? parts[k]! : g.node('Mul', [acc, parts[k]!]);
    } else {
      acc = acc === null ? parts[k]! : g.node('Mul', [acc, parts[k]!]);
      out[k] = acc;
    }
  }
  return out;
}

const join = (g: GraphBuilder, parts: string[], axis: number) => (parts.length === 1 ? g.node('Identity', [parts[0]!]) : g.node('Concat', parts, { axis }));

/**
 * An empty axis has no slices to split into (Split needs at least one output, so the graph would be
 * invalid): the result is as empty as the input, zeros of the output's shape.
 */
const emptyAlong = (x: Operand, axis: number) => x.shape[axis] === 0;

const cumprod: Lowering<{ axis: number; reverse: boolean; exclusive: boolean }> = (g, [x], { axis, reverse, exclusive }, out) =>
  (emptyAlong(x!, axis) ? g.zeros(out) : join(g, cumprodSlices(g, x!, axis, reverse, exclusive), axis));

/** Π of the other entries along `axis`: exclusive prefix products times exclusive suffix products (no division). */
const leaveOneOutProd: Lowering<{ axis: number }> = (g, [x], { axis }, out) => {
  if (emptyAlong(x!, axis)) return g.zeros(out);
  const before = cumprodSlices(g, x!, axis, false, true);
  const after = cumprodSlices(g, x!, axis, true, true);
  return join(g, before.map((b, k) => g.node('Mul', [b, after[k]!])), axis);
};

/** r_k = a_k · r_{k−1} + b_k along `axis` (r_0 = b_0; from the end with reverse), the product strong (0 where either is 0) as the kernel's. */
const linearRecurrence: Lowering<{ axis: number; reverse: boolean }> = (g, [a, b], { axis, reverse }, shape) => {
  if (emptyAlong(a!, axis)) return g.zeros(shape);
  const as = split(g, a!, axis), bs = split(g, b!, axis);
  const out = new Array<string>(as.length);
  let r: string | null = null;
  for (const k of order(as.length, reverse)) {
    r = r === null ? bs[k]! : g.node('Add', [mulStrong(g, as[k]!, r), bs[k]!]);
    out[k] = r;
  }
  return join(g, out, axis);
};

const prod: Lowering<{ axis: number }> = (g, [x], { axis }) => reduce(g, 'ReduceProd', x!.name, [axis], true);

/** log |Π x| along `axis` (kept) as Σ log |x|: never overflows; differs from the kernel's scaled product by rounding. */
const logAbsProd: Lowering<{ axis: number }> = (g, [x], { axis }) =>
  reduce(g, 'ReduceSum', g.node('Log', [g.node('Abs', [x!.name])]), [axis], true);

/**
 * Σ sᵢ e^{lᵢ} along `axis` as [sign, log|Σ|] in a trailing axis of 2: m = max l, t = Σ sᵢ e^{lᵢ − m},
 * sign(t) and m + log|t| (−∞ and sign 0 for an all-zero row). The kernel's double-double sum is
 * exact under cancellation; this form is accurate where the terms do not cancel to rounding.
 */
const signedLogSum: Lowering<{ axis: number }> = (g, [s, l], { axis }, out) => {
  const m = reduce(g, 'ReduceMax', l!.name, [axis], true);
  const finite = g.node('Not', [g.node('IsInf', [m])]);
  const shift = g.node('Where', [finite, m, g.floats(0)]);
  const terms = g.node('Mul', [s!.name, g.node('Exp', [g.node('Sub', [l!.name, shift])])]);
  const t = reduce(g, 'ReduceSum', terms, [axis], true);
  const logAbs = g.node('Add', [shift, g.node('Log', [g.node('Abs', [t])])]);
  const kept = out.slice(0, -1);
  const pair = [g.reshape(g.node('Sign', [t]), [...kept, 1]), g.reshape(logAbs, [...kept, 1])];
  return g.node('Concat', pair, { axis: -1 });
};

export const reduceRules = rules({
  sum: reduction('ReduceSum'),
  max: extremum('ReduceMax'),
  min: extremum('ReduceMin'),
  logsumexp,
  cumsum,
  argsort,
  maxIndex: extremumIndex('ArgMax'),
  minIndex: extremumIndex('ArgMin'),
  prod,
  cumprod,
  leaveOneOutProd,
  linearRecurrence,
  logAbsProd,
  signedLogSum,
});
