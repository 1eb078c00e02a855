/**
 * @file Gathers and scatters along an axis with an index per position: `gather` (NumPy's
 * take_along_axis), `scatterAdd` and `scatter` (put_along_axis, adding or setting). The gather and
 * the scatter-add are linear primitives, each other's transposes; the setting scatter is linear in
 * x and the updates jointly.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastKernel } from '../tensor/kernels/binary.js';
import {
  gatherAlongKernel, scatterAddAlongKernel, scatterKernel, scatterWinners, type Lanes,
} from '../tensor/kernels/gather.js';
import { broadcastShapes, formatShape, normalizeAxis, shapesEqual, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { add } from './binary.js';
import { where } from './select.js';
import { broadcastTo } from './shape.js';
import { linearTangent } from './rules.js';

/** A gather along `axis`: `indices` (in [0, n)) laid out as `shape`, gathering from a tensor of shape `big`. */
interface AlongParams {
  readonly indices: Int32Array;
  readonly shape: Shape;
  readonly big: Shape;
  readonly lanes: Lanes;
}

// gather and scatterAddAlong are each other's transposes; repeated indices accumulate.
const gatherP: Primitive<AlongParams> = definePrimitive<AlongParams>({
  name: 'gather',
  saves: 'none',
  forward: ([x], p) => new Tensor(gatherAlongKernel(x!.data, p.indices, p.lanes), p.shape),
  vjp: (g, _r, p) => [apply(scatterAddAlongP, [g], p)],
  // At first order the cotangent is added straight into x's buffer (sorting one long row, say).
  accumulate: (acc, g, p) => scatterAddAlongKernel(g.data, p.indices, p.lanes, acc),
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(gatherP, [u], p)),
});
const scatterAddAlongP: Primitive<AlongParams> = definePrimitive<AlongParams>({
  name: 'scatterAddAlong',
  saves: 'none',
  forward: ([g], p) => new Tensor(scatterAddAlongKernel(g!.data, p.indices, p.lanes), p.big),
  vjp: (g, _r, p) => [apply(gatherP, [g], p)],
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(scatterAddAlongP, [u], p)),
});

/** A setting scatter, with where it writes: `written` shaped as x, `wins` (the kept updates) as the indices. */
interface ScatterParams extends AlongParams { readonly written: Tensor; readonly wins: Tensor }

// out = x off the written positions, the winning update on them. Linear in (x, updates), so
// d out = scatter(dx, du); transposed, x receives g where nothing was written and each winning
// update receives g at its target (a losing update is overwritten: its cotangent is 0).
const scatterP: Primitive<ScatterParams> = definePrimitive<ScatterParams>({
  name: 'scatter',
  saves: 'none',
  forward: ([x, u], p) => new Tensor(scatterKernel(x!.data, u!.data, p.indices, p.wins.data, p.lanes), p.big),
  vjp: (g, _r, p, needs) => [
    needs[0] ? where(p.written, 0, g) : null,
    needs[1] ? where(p.wins, apply(gatherP, [g], p), 0) : null,
  ],
  jvp: ([tx, tu], _xs, _y, p) =>
    tx === null && tu === null ? null : apply(scatterP, [tx ?? zeros(p.big), tu ?? zeros(p.shape)], p),
});

/** The gather of `x` at `indices` (already in [0, n), shaped as x except along `axis`). @internal */
export function gatherAlong(x: Tensor, indices: Int32Array, shape: Shape, axis: number): Tensor {
  return apply(gatherP, [x], alongParams(indices, shape, x.shape, axis));
}

function alongParams(indices: Int32Array, shape: Shape, big: Shape, axis: number): AlongParams {
  const lanes = { outer: sizeOf(shape.slice(0, axis)), n: big[axis]!, m: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
  return { indices, shape, big, lanes };
}

/**
 * The index argument as whole numbers in [0, n), broadcast to `shape`: negative indices count from
 * the end (as NumPy's); anything else names the op, the position and the range.
 */
function checkedIndices(op: string, idx: Tensor, shape: Shape, n: number, axis: number, x: Tensor): Int32Array {
  const data = shapesEqual(idx.shape, shape) ? idx.data : broadcastKernel(idx.data, idx.shape, shape);
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isInteger(v) && v >= -n && v < n) {
      out[i] = v < 0 ? v + n : v;
      continue;
    }
    const at = `at position ${formatShape(unravel(i, shape))} of the indices (broadcast to ${formatShape(shape)})`;
    if (!Number.isInteger(v)) {
      throw new InvalidArgumentError(`${op}: index ${v} ${at} is not an integer; indices must be whole numbers (round them first).`);
    }
    throw new InvalidArgumentError(
      `${op}: index ${v} ${at} is out of range for axis ${axis} of length ${n} (x of shape ${formatShape(x.shape)}); ` +
        `use integers in [${-n}, ${n - 1}].`,
    );
  }
  return out;
}

function unravel(flat: number, shape: Shape): number[] {
  return stridesOf(shape).map((s, k) => Math.floor(flat / s) % shape[k]!);
}

/** The indices as a tensor with as many axes as x, and the axis normalised. */
function indexArgument(op: string, x: Tensor, indices: TensorInput, axis: number): { idx: Tensor; ax: number } {
  const ok = indices instanceof Tensor || typeof indices === 'number' || Array.isArray(indices) || ArrayBuffer.isView(indices);
  if (!ok) {
    throw new InvalidArgumentError(`${op}: indices must be a tensor or nested arrays of integers, got ${describe(indices)}.`);
  }
  const idx = tensor(indices);
  const ax = normalizeAxis(axis, x.ndim, op);
  if (idx.ndim !== x.ndim) {
    throw new ShapeError(
      `${op}: indices of shape ${formatShape(idx.shape)} have ${idx.ndim} axes but x of shape ${formatShape(x.shape)} has ${x.ndim}; ` +
        `they need the same number of axes (as NumPy's take_along_axis). Add axes of length 1 with ad.expandDims, or use ad.take for one list of indices.`,
    );
  }
  return { idx, ax };
}

/** `shape` with `axis` set to `length`. */
function withAxis(shape: Shape, axis: number, length: number): number[] {
  const out = [...shape];
  out[axis] = length;
  return out;
}

/**
 * The entries of `x` at `indices` along `axis` (NumPy's `take_along_axis`): out[…, i, …] =
 * x[…, indices[…, i, …], …]. `indices` has as many axes as x; along the other axes the two
 * broadcast against each other, and the result has indices' length along `axis`. Negative indices
 * count from the end. Differentiable in x (the cotangent is scattered back, repeated indices adding).
 * @example
 * const x = ad.tensor([[10, 30, 20], [60, 40, 50]]);
 * ad.gather(x, ad.argsort(x), 1).toArray();           // => [[10, 20, 30], [40, 50, 60]]
 * ad.gather(x, [[2], [0]], 1).toArray();               // => [[20], [60]]
 */
export function gather(x: TensorLike, indices: TensorInput, axis = -1): Tensor {
  const t = asTensor(x, 'gather');
  const { idx, ax } = indexArgument('gather', t, indices, axis);
  const n = t.shape[ax]!;
  const common = broadcastShapes('gather (x and indices, off the axis)', withAxis(t.shape, ax, 1), withAxis(idx.shape, ax, 1));
  const shape = withAxis(common, ax, idx.shape[ax]!);
  const source = broadcastTo(t, withAxis(common, ax, n));
  return gatherAlong(source, checkedIndices('gather', idx, shape, n, ax, t), shape, ax);
}

/** Params of a scatter into x: indices and updates broadcast to x's shape, with indices' length along the axis. */
function scatterArguments(op: string, x: TensorLike, indices: TensorInput, updates: TensorLike, axis: number) {
  const t = asTensor(x, op);
  const { idx, ax } = indexArgument(op, t, indices, axis);
  const shape = withAxis(t.shape, ax, idx.shape[ax]!);
  const u = asTensor(updates, op);
  for (const [what, s] of [['indices', idx.shape], ['updates', u.shape]] as const) {
    const offset = shape.length - s.length;
    if (offset < 0 || s.some((d, k) => d !== 1 && d !== shape[offset + k])) {
      throw new ShapeError(
        `${op}: ${what} of shape ${formatShape(s)} do not broadcast to ${formatShape(shape)} (x's shape ${formatShape(t.shape)} ` +
          `with the indices' length along axis ${ax}); off the axis they must match x or be 1.`,
      );
    }
  }
  const p = alongParams(checkedIndices(op, idx, shape, t.shape[ax]!, ax, t), shape, t.shape, ax);
  return { t, u: broadcastTo(u, shape), p };
}

/**
 * x with `updates` added at `indices` along `axis` (NumPy's `np.add.at` through put_along_axis's
 * indexing): out[…, indices[…, i, …], …] += updates[…, i, …]; repeated indices add up. indices has
 * as many axes as x and broadcasts to x's shape off the axis; updates broadcast to the indices'.
 * Differentiable in x and updates.
 * @example
 * ad.scatterAdd(ad.zeros([4]), [1, 3, 1], ad.tensor([1, 2, 3]), 0).toArray();   // => [0, 4, 0, 2]
 */
export function scatterAdd(x: TensorLike, indices: TensorInput, updates: TensorLike, axis = -1): Tensor {
  const { t, u, p } = scatterArguments('scatterAdd', x, indices, updates, axis);
  return add(t, apply(scatterAddAlongP, [u], p));
}

/**
 * x with the entries at `indices` along `axis` set to `updates` (NumPy's `put_along_axis`, as a new
 * tensor). Where an index repeats, the **last** update in index order along the axis wins, and
 * only it receives a gradient (JAX calls the order undefined but deterministic; here it is fixed).
 * Shapes as `scatterAdd`. Differentiable in x (zero where overwritten) and updates.
 * @example
 * ad.scatter(ad.zeros([4]), [1, 3, 1], ad.tensor([1, 2, 3]), 0).toArray();      // => [0, 3, 0, 2]
 */
export function scatter(x: TensorLike, indices: TensorInput, updates: TensorLike, axis = -1): Tensor {
  const { t, u, p } = scatterArguments('scatter', x, indices, updates, axis);
  const { written, wins } = scatterWinners(p.indices, p.lanes);
  return apply(scatterP, [t, u], { ...p, written: new Tensor(written, p.big), wins: new Tensor(wins, p.shape) });
}
