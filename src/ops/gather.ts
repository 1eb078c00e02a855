/**
 * @file Gathers and scatters along an axis with an index per position: `gather` (NumPy's
 * take_along_axis), `scatterAdd` and `scatter` (put_along_axis, adding or setting). The gather and
 * the scatter-add are linear primitives, each other's transposes; the setting scatter is linear in
 * x and the updates jointly.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import {
  gatherAlongKernel, scatterAddAlongKernel, scatterKernel, wholeIndices, type Lanes,
} from '../tensor/kernels/gather.js';
import { broadcastShapes, formatShape, normalizeAxis, sizeOf, stridesOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, full, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { add, equal, greaterEqual } from './binary.js';
import { where } from './select.js';
import { emptyAxisError, indexModeOptions, isOptionsObject, modedIndexTensor, type GatherOptions, type IndexMode } from './indexModes.js';
import { broadcastTo, reshape } from './shape.js';
import { allBatched } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * A gather or scatter along `axis`. The indices are the primitive's last input (a float64 tensor
 * of whole numbers, as JAX's gather takes them), so a permutation computed by `argsort` inside a
 * jit recording or under vmap stays an op, never a value read; they are checked by the kernel,
 * whose errors name `op` (the public function called).
 */
interface AlongParams { readonly axis: number; readonly op: string }
/** A scatter-add makes the gathered-from tensor, of length `n` along the axis. */
interface ScatterAddParams extends AlongParams { readonly n: number }

/** The indices as whole numbers in [0, n), or an error naming the op, the position and the range. */
function checkedIndices(idx: Tensor, n: number, { axis, op }: AlongParams, xShape: Shape): Int32Array {
  const out = new Int32Array(idx.size);
  const bad = wholeIndices(idx.values, n, out);
  if (bad < 0) return out;
  const v = idx.values[bad]!;
  const at = `at position ${formatShape(unravel(bad, idx.shape))} of the indices (broadcast to ${formatShape(idx.shape)})`;
  if (!Number.isInteger(v)) {
    throw new InvalidArgumentError(`${op}: index ${v} ${at} is not an integer; indices must be whole numbers (round them first).`);
  }
  throw new InvalidArgumentError(
    `${op}: index ${v} ${at} is out of range for axis ${axis} of length ${n} (x of shape ${formatShape(xShape)}); ` +
      (n === 0 ? 'the axis is empty, so no index fits (the indices must be empty along it too).' : `use integers in [${-n}, ${n - 1}]${modeHint(op)}.`),
  );
}

/** The ops that take a mode for out-of-range indices say so in the error. */
function modeHint(op: string): string {
  return op === 'gather' || op === 'take' ? ", or pass { mode: 'clip' }, { mode: 'wrap' } or { mode: 'fill' } (JAX's default, NaN there)" : '';
}

function unravel(flat: number, shape: Shape): number[] {
  return stridesOf(shape).map((s, k) => Math.floor(flat / s) % shape[k]!);
}

/** The extents of a gather from `n` entries along `axis` at indices of `shape`. */
function lanes(shape: Shape, axis: number, n: number): Lanes {
  return { outer: sizeOf(shape.slice(0, axis)), n, m: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

/** One example's rule as a batch's: every input with the batch leading, the axis one further. */
function batchAlong<P extends AlongParams>(self: () => Primitive<P>) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], p: P, size: number) =>
    apply(self(), allBatched(inputs, batched, size), { ...p, axis: p.axis + 1 });
}

// gather and scatterAddAlong are each other's transposes in their first input (repeated indices
// accumulate); the indices have no derivative (null cotangent, ignored tangent).
const gatherP: Primitive<AlongParams> = definePrimitive<AlongParams>({
  name: 'gather',
  saves: 'inputs',
  forward: ([x, idx], p) => {
    const n = x!.shape[p.axis]!;
    return new Tensor(gatherAlongKernel(x!.values, checkedIndices(idx!, n, p, x!.shape), lanes(idx!.shape, p.axis, n)), idx!.shape);
  },
  vjp: (g, r, p) => [apply(scatterAddAlongP, [g, r.inputs[1]!], { ...p, n: r.shapes[0]![p.axis]! }), null],
  jvp: ([t], [, idx], _y, p) => (t === null ? null : apply(gatherP, [t, idx!], p)),
  batch: batchAlong(() => gatherP),
});
const scatterAddAlongP: Primitive<ScatterAddParams> = definePrimitive<ScatterAddParams>({
  name: 'scatterAddAlong',
  saves: 'inputs',
  forward: ([u, idx], p) => {
    const shape = u!.shape.map((d, k) => (k === p.axis ? p.n : d));
    const positions = checkedIndices(idx!, p.n, p, shape);
    return new Tensor(scatterAddAlongKernel(u!.values, positions, lanes(idx!.shape, p.axis, p.n)), shape);
  },
  vjp: (g, r, p) => [apply(gatherP, [g, r.inputs[1]!], p), null],
  jvp: ([t], [, idx], _y, p) => (t === null ? null : apply(scatterAddAlongP, [t, idx!], p)),
  batch: batchAlong(() => scatterAddAlongP),
});

// out = x off the written positions, the winning update on them: linear in (x, updates), so
// d out = scatter(dx, du); transposed, x receives g where nothing was written and each winning
// update receives g at its target (a losing update is overwritten: its cotangent is 0).
const scatterP: Primitive<AlongParams> = definePrimitive<AlongParams>({
  name: 'scatter',
  saves: 'inputs',
  forward: ([x, u, idx], p) => {
    const n = x!.shape[p.axis]!;
    return new Tensor(scatterKernel(x!.values, u!.values, checkedIndices(idx!, n, p, x!.shape), lanes(idx!.shape, p.axis, n)), x!.shape);
  },
  vjp: (g, r, p, needs) => {
    const idx = r.inputs[2]!;
    const { written, wins } = scatterMasks(idx, r.shapes[0]!, p);
    return [
      needs[0] ? where(written, 0, g) : null,
      needs[1] ? where(wins, apply(gatherP, [g, idx], p), 0) : null,
      null,
    ];
  },
  jvp: ([tx, tu], [x, u, idx], _y, p) =>
    tx === null && tu === null ? null : apply(scatterP, [tx ?? zeros(x!.shape), tu ?? zeros(u!.shape), idx!], p),
  batch: batchAlong(() => scatterP),
});

/**
 * Where a setting scatter at `idx` into a tensor of shape `big` writes (`written`, shaped as x)
 * and which updates it keeps (`wins`, shaped as the indices): scattering each update's own
 * position shows which one a target kept.
 */
function scatterMasks(idx: Tensor, big: Shape, p: AlongParams): { written: Tensor; wins: Tensor } {
  const m = idx.shape[p.axis]!;
  const positions = broadcastTo(reshape(arange(m), idx.shape.map((d, k) => (k === p.axis ? m : 1))), idx.shape);
  const kept = apply(scatterP, [full(big, -1), positions, idx], p);
  return { written: greaterEqual(kept, 0), wins: equal(apply(gatherP, [kept, idx], p), positions) };
}

/** The gather of `x` at `indices` (a tensor of whole numbers, shaped as x except along `axis`). @internal */
export function gatherAlong(x: Tensor, indices: Tensor, axis: number, op: string): Tensor {
  return apply(gatherP, [x, indices], { axis, op });
}

/** The scatter-add of `updates` at `indices` (shaped as updates) along `axis` into `n` entries of zeros; kernel errors name `op`. @internal */
export function scatterAddAlong(updates: Tensor, indices: Tensor, axis: number, n: number, op: string): Tensor {
  return apply(scatterAddAlongP, [updates, indices], { axis, op, n });
}

/** x with `updates` set at `indices` (shaped as updates) along `axis`, the last in order winning; kernel errors name `op`. @internal */
export function scatterAlong(x: Tensor, updates: Tensor, indices: Tensor, axis: number, op: string): Tensor {
  return apply(scatterP, [x, updates, indices], { axis, op });
}

/**
 * `take(x, indices, axis)` for indices whose values cannot be read while the call is traced (a
 * per-example batch of them under vmap): the same entries as a gather along `axis`, the indices
 * flattened and broadcast along x's other axes, then their shape put in place of the axis. The
 * mode maps them with tensor ops first (./indexModes.ts); 'fill' then sets the marked entries.
 * @internal
 */
export function takeWithTracedIndices(x: Tensor, indices: Tensor, axis: number, mode: IndexMode = 'raise', fill = Number.NaN): Tensor {
  const shape = indices.shape, m = sizeOf(shape), n = x.shape[axis]!;
  const outShape = [...x.shape.slice(0, axis), ...shape, ...x.shape.slice(axis + 1)];
  if (n === 0 && m > 0 && mode !== 'raise' && mode !== 'promise_in_bounds') {
    if (mode === 'fill') return full(outShape, fill);
    throw emptyAxisError('take', axis, x.shape, mode);
  }
  const moded = modedIndexTensor(indices, n, mode);
  const idx = broadcastTo(reshape(moded.idx, x.shape.map((d, k) => (k === axis ? m : 1))), withAxis(x.shape, axis, m));
  const out = reshape(gatherAlong(x, idx, axis, 'take'), outShape);
  if (moded.outOfRange === null) return out;
  const maskShape = [...x.shape.slice(0, axis).map(() => 1), ...shape, ...x.shape.slice(axis + 1).map(() => 1)];
  return where(reshape(moded.outOfRange, maskShape), fill, out);
}

/** The indices as a tensor with as many axes as x, and the axis normalised. */
function indexArgument(op: string, x: Tensor, indices: TensorInput, axis: number): { idx: Tensor; ax: number } {
  const ok = indices instanceof Tensor || typeof indices === 'number' || Array.isArray(indices) || ArrayBuffer.isView(indices);
  if (!ok) {
    throw new InvalidArgumentError(`${op}: indices must be a tensor or nested arrays of integers, got ${describe(indices)}.`);
  }
  let idx: Tensor;
  try {
    idx = tensor(indices);
  } catch (e) { // a ragged or non-numeric list: tensor's own message, named by the op the user called
    if (!(e instanceof ShapeError || e instanceof InvalidArgumentError)) throw e;
    throw new (e instanceof ShapeError ? ShapeError : InvalidArgumentError)(`${op}: the indices: ${e.message}`);
  }
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
 * `options` (after the axis, or in its place) are JAX's keywords: `mode` for out-of-range indices
 * ('raise' by default — JAX's default is 'fill' — or 'fill', 'clip', 'wrap', 'promise_in_bounds';
 * as jnp.take_along_axis, 'clip' adds n to a negative index before clamping) and `fillValue` (NaN)
 * for mode 'fill'.
 * @example
 * const x = ad.tensor([[10, 30, 20], [60, 40, 50]]);
 * ad.gather(x, ad.argsort(x), 1).toArray();           // => [[10, 20, 30], [40, 50, 60]]
 * ad.gather(x, [[2], [0]], 1).toArray();               // => [[20], [60]]
 * ad.gather(x, [[5], [-4]], 1, { mode: 'clip' }).toArray(); // => [[20], [60]]
 */
export function gather(x: TensorLike, indices: TensorInput, axis?: number | GatherOptions, options?: GatherOptions): Tensor;
export function gather(x: TensorLike, indices: TensorInput, axis: number | GatherOptions = -1, options?: GatherOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('gather', 'gather(x, indices, axis?, options?)', extra, options);
  [axis, options] = axisAndOptions('gather', axis, options, -1);
  const { mode, fill } = indexModeOptions('gather', options, ['mode', 'fillValue']);
  const t = asTensor(x, 'gather');
  const { idx, ax } = indexArgument('gather', t, indices, axis);
  const n = t.shape[ax]!;
  const common = broadcastShapes('gather (x and indices, off the axis)', withAxis(t.shape, ax, 1), withAxis(idx.shape, ax, 1));
  const shape = withAxis(common, ax, idx.shape[ax]!);
  if (n === 0 && idx.size > 0 && (mode === 'clip' || mode === 'wrap')) throw emptyAxisError('gather', ax, t.shape, mode);
  if (n === 0 && idx.size > 0 && mode === 'fill') return full(shape, fill);
  const moded = modedIndexTensor(broadcastTo(idx, shape), n, mode, true); // jnp.take_along_axis: a negative index gets n added first
  const out = gatherAlong(broadcastTo(t, withAxis(common, ax, n)), moded.idx, ax, 'gather');
  return moded.outOfRange === null ? out : where(moded.outOfRange, fill, out);
}

/**
 * The axis and the options of an op whose options may take the axis's place (`take(x, i, { mode })`),
 * `fallback` the axis then. Both given as objects is an error naming the op.
 * @internal
 */
export function axisAndOptions<A, O extends object>(op: string, axis: A | O, options: O | undefined, fallback: A): [A, O] {
  if (!isOptionsObject(axis)) return [axis as A, options ?? ({} as O)];
  if (options !== undefined) {
    throw new InvalidArgumentError(`${op}: options were given twice, in place of the axis and after it; pass the axis as a number (or leave it out) and the options once.`);
  }
  return [fallback, axis as O];
}

/** The arguments of a scatter into x: indices and updates broadcast to x's shape, with the indices' length along the axis. */
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
  return { t, u: broadcastTo(u, shape), idx: broadcastTo(idx, shape), p: { axis: ax, op } };
}

/**
 * x with `updates` added at `indices` along `axis` (NumPy's `np.add.at` through put_along_axis's
 * indexing): out[…, indices[…, i, …], …] += updates[…, i, …]; repeated indices add up. indices has
 * as many axes as x and broadcasts to x's shape off the axis; updates broadcast to the indices'.
 * Differentiable in x and updates.
 * @example
 * ad.scatterAdd(ad.zeros([4]), [1, 3, 1], ad.tensor([1, 2, 3]), 0).toArray();   // => [0, 4, 0, 2]
 */
export function scatterAdd(x: TensorLike, indices: TensorInput, updates: TensorLike, axis?: number): Tensor;
export function scatterAdd(x: TensorLike, indices: TensorInput, updates: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('scatterAdd', 'scatterAdd(x, indices, updates, axis?)', extra, axis);
  const { t, u, idx, p } = scatterArguments('scatterAdd', x, indices, updates, axis);
  return add(t, apply(scatterAddAlongP, [u, idx], { ...p, n: t.shape[p.axis]! }));
}

/**
 * x with the entries at `indices` along `axis` set to `updates` (NumPy's `put_along_axis`, as a new
 * tensor). Where an index repeats, the **last** update in index order along the axis wins, and
 * only it receives a gradient (JAX calls the order undefined but deterministic; here it is fixed).
 * Shapes as `scatterAdd`. Differentiable in x (zero where overwritten) and updates.
 * @example
 * ad.scatter(ad.zeros([4]), [1, 3, 1], ad.tensor([1, 2, 3]), 0).toArray();      // => [0, 3, 0, 2]
 */
export function scatter(x: TensorLike, indices: TensorInput, updates: TensorLike, axis?: number): Tensor;
export function scatter(x: TensorLike, indices: TensorInput, updates: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('scatter', 'scatter(x, indices, updates, axis?)', extra, axis);
  const { t, u, idx, p } = scatterArguments('scatter', x, indices, updates, axis);
  return apply(scatterP, [t, u, idx], p);
}
