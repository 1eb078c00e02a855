/**
 * @file jax.numpy's functional updates and partial orders: copy, fillDiagonal, put, place (NumPy's
 * in-place writers, which jnp turns into functions returning a new array: `inplace=False`, the only
 * form here, as tensors are immutable), partition and argpartition. Composites of adjoint's ops
 * (scatter, gather, sort; no new primitives), so grad, jvp, vmap, jit and ONNX export come with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, type TensorInput, type TensorLike } from '../tensor/create.js';
import { add, less, notEqual, sub } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { cumsum } from './reduce.js';
import { concat, reshape, slice } from './shape.js';
import { mod } from './rounding.js';
import { ravel } from './layout.js';
import { flip } from './rearrange.js';
import { gather, scatter } from './gather.js';
import { argsort, sort } from './sort.js';
import { knownOptions } from './optionChecks.js';
import { checkArgumentValues } from './argumentChecks.js';
import { checkIntegerValues } from './numpyBreadth.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of the functional updates (`fillDiagonal`, `put`, `place`): JAX's `inplace`. */
export interface InplaceOptions {
  /** Must be false (the default): tensors are immutable, so the update comes back as a new tensor (jnp's inplace=False). */
  readonly inplace?: false | undefined;
}

/** Checks the options object of a functional update: only `inplace`, and never true. */
function inplaceOption(op: string, options: unknown): void {
  knownOptions(op, options, ['inplace'], '{ inplace: false }');
  const inplace = (options as InplaceOptions).inplace as unknown;
  if (inplace === undefined || inplace === false) return;
  throw new InvalidArgumentError(
    `${op}: inplace must be false (or left out), got ${describe(inplace)}: tensors are immutable, so ${op} cannot change its input; ` +
      `it returns the updated tensor instead (jnp's inplace=False): write x = ad.${op}(x, …).`,
  );
}

/** `count` values from v flattened, repeated from its start or cut short (numpy's `a.flat[…] = v`, jnp's _tile_to_size). */
function cycled(op: string, name: string, v: Tensor, count: number): Tensor {
  const flat = ravel(v);
  if (flat.size === 0) throw new InvalidArgumentError(`${op}: ${name} is empty (shape ${formatShape(v.shape)}); give at least one value to write.`);
  if (flat.size === count) return flat;
  return gather(flat, Array.from({ length: count }, (_, i) => i % flat.size), 0);
}

/**
 * A copy of a (numpy.copy, jnp.copy). Tensors are immutable, so the copy is a itself: the same
 * values and shape, derivative 1.
 * @example ad.copy(ad.tensor([1, 2])).toArray(); // => [1, 2]
 */
export function copy(a: TensorLike): Tensor;
export function copy(a: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('copy', 'copy(a)', extra, a);
  return asTensor(a, 'copy');
}

/**
 * a with its main diagonal set to val (numpy.fill_diagonal as jnp's, which returns a new array):
 * a[i, i, …, i] for an a of two axes or more (all of one length past two axes); val flattened and
 * repeated from its start, or cut short, to fill them. A tall 2-d a is filled down its first
 * columns² entries, or with `wrap` (NumPy's; jnp has none) on down, the diagonal starting again
 * after a blank row, as `a.flat[::cols + 1]`. An empty val is an error (NumPy leaves a as it is).
 * Differentiable in a (0 on the diagonal) and val.
 * @example ad.fillDiagonal(ad.zeros([3, 3]), ad.tensor([1, 2])).toArray(); // => [[1, 0, 0], [0, 2, 0], [0, 0, 1]]
 */
export function fillDiagonal(a: TensorLike, val: TensorLike, wrap?: boolean, options?: InplaceOptions): Tensor;
export function fillDiagonal(a: TensorLike, val: TensorLike, wrap = false, options: InplaceOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fillDiagonal', 'fillDiagonal(a, val, wrap?, options?)', extra, options);
  const t = asTensor(a, 'fillDiagonal');
  const v = asTensor(val, 'fillDiagonal');
  if (typeof wrap !== 'boolean') throw new InvalidArgumentError(`fillDiagonal: wrap must be true or false, got ${describe(wrap)}.`);
  inplaceOption('fillDiagonal', options);
  if (t.ndim < 2) throw new ShapeError(`fillDiagonal: a of shape ${formatShape(t.shape)} has ${t.ndim} axes; it needs two or more (a matrix, or an array of equal lengths).`);
  if (t.ndim > 2 && t.shape.some((d) => d !== t.shape[0])) {
    throw new ShapeError(`fillDiagonal: a of shape ${formatShape(t.shape)} has more than two axes of different lengths; past two axes every length must be equal (a cube's diagonal a[i, i, i]).`);
  }
  // numpy: step = 1 + Σ strides of the leading axes (cols + 1 for a matrix), through the flat a; a
  // tall matrix stops after cols² entries unless wrap.
  const cols = t.shape[t.ndim - 1]!;
  let step = 1, stride = 1;
  for (let i = t.ndim - 1; i > 0; i--) {
    stride *= t.shape[i]!;
    step += stride;
  }
  const end = t.ndim === 2 && !wrap ? Math.min(t.size, cols * cols) : t.size;
  const positions: number[] = [];
  for (let p = 0; p < end; p += step) positions.push(p);
  if (positions.length === 0) return t;
  const filled = scatter(ravel(t), positions, cycled('fillDiagonal', 'val', v, positions.length), 0);
  return reshape(filled, t.shape);
}

/**
 * a with the entries at flat positions `ind` set to v (numpy.put as jnp's, which returns a new
 * array): v flattened and repeated, or cut short, to one value per index; a repeated index takes
 * its last value (NumPy's order). `mode` for positions outside [−size, size): undefined or 'raise'
 * an AdjointError (NumPy's; negative positions count from the end; jnp clips instead), 'wrap'
 * (modulo the size), or 'clip' (to [0, size − 1]; negative positions become 0). An empty `ind` or v
 * leaves a as it is. Differentiable in a (0 where written) and v.
 * @example ad.put(ad.zeros([2, 3]), [0, -1, 4], ad.tensor([10, 20])).toArray(); // => [[10, 0, 0], [0, 10, 20]]
 */
export function put(a: TensorLike, ind: TensorInput, v: TensorLike, mode?: 'raise' | 'wrap' | 'clip', options?: InplaceOptions): Tensor;
export function put(a: TensorLike, ind: TensorInput, v: TensorLike, mode?: 'raise' | 'wrap' | 'clip', options: InplaceOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('put', 'put(a, ind, v, mode?, options?)', extra, options);
  const t = asTensor(a, 'put');
  const values = asTensor(v, 'put');
  if (mode !== undefined && mode !== 'raise' && mode !== 'wrap' && mode !== 'clip') {
    throw new InvalidArgumentError(`put: mode must be 'raise' (the default: positions out of range are an error), 'wrap' or 'clip', got ${describe(mode)}.`);
  }
  inplaceOption('put', options);
  let idx: Tensor;
  try {
    idx = stopGradient(ravel(ind instanceof Tensor ? ind : tensor(ind)));
  } catch (e) {
    if (!(e instanceof InvalidArgumentError || e instanceof ShapeError)) throw e;
    throw new InvalidArgumentError(`put: ind must be a tensor or (nested) arrays of whole numbers, flat positions in a (${e.message}).`);
  }
  if (idx.size === 0 || values.size === 0) return t;
  const n = t.size;
  checkIntegerValues('put', 'ind', idx);
  if (n === 0) throw new ShapeError(`put: a of shape ${formatShape(t.shape)} is empty, so it has no position to write ${idx.size} value(s) into.`);
  if (mode === 'wrap') idx = mod(idx, n);
  else if (mode === 'clip') idx = clip(idx, 0, n - 1);
  else {
    checkArgumentValues(idx, (e) => {
      for (let i = 0; i < e.length; i++) {
        if (!(e[i]! >= -n && e[i]! < n)) {
          throw new InvalidArgumentError(
            `put: index ${e[i]} (entry ${i} of ind) is out of bounds for a of shape ${formatShape(t.shape)} (size ${n}); use flat positions in [${-n}, ${n - 1}], or mode 'wrap' or 'clip'.`,
          );
        }
      }
    });
    // In range (checked where the values can be read); under vmap, kept in range as jnp's.
    idx = clip(where(less(idx, 0), add(idx, n), idx), 0, n - 1);
  }
  return reshape(scatter(ravel(t), idx, cycled('put', 'v', values, idx.size), 0), t.shape);
}

/**
 * arr with the entries where mask is nonzero set to vals in order (numpy.place as jnp's, which
 * returns a new array): the k-th such entry, in row-major order, takes vals[k mod len(vals)] (vals
 * flattened; a NaN in mask counts as true). mask has arr's size (any shape); an empty vals is an
 * error (jnp's; NumPy allows it where mask is all false). The positions come from a running count
 * of mask, so the shapes are static (vmap and jit replay them). Differentiable in arr (0 where
 * replaced) and vals.
 * @example ad.place(ad.arange(6), ad.tensor([0, 1, 0, 1, 1, 0]), ad.tensor([7, 8])).toArray(); // => [0, 7, 2, 8, 7, 5]
 */
export function place(arr: TensorLike, mask: TensorLike, vals: TensorLike, options?: InplaceOptions): Tensor;
export function place(arr: TensorLike, mask: TensorLike, vals: TensorLike, options: InplaceOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('place', 'place(arr, mask, vals, options?)', extra, options);
  const t = asTensor(arr, 'place');
  const m = stopGradient(asTensor(mask, 'place'));
  const v = ravel(asTensor(vals, 'place'));
  inplaceOption('place', options);
  if (m.size !== t.size) {
    throw new ShapeError(`place: mask of shape ${formatShape(m.shape)} has ${m.size} entries but arr of shape ${formatShape(t.shape)} has ${t.size}; give one mask entry per entry of arr.`);
  }
  if (v.size === 0) throw new InvalidArgumentError(`place: vals is empty; give at least one value to place (they repeat to fill every masked entry).`);
  if (t.size === 0) return t;
  const chosen = notEqual(ravel(m), 0);
  // Entry p takes vals[(number of chosen entries before p) mod len(vals)]: exact whole numbers.
  const rank = mod(sub(cumsum(chosen, 0), 1), v.size);
  const picked = gather(v, where(chosen, rank, 0), 0);
  return reshape(where(chosen, picked, ravel(t)), t.shape);
}

/** kth checked against the axis's length n (an integer in [−n, n), jnp's canonicalize_axis), made ≥ 0. */
function kthArg(op: string, t: Tensor, kth: unknown, ax: number): number {
  const n = t.shape[ax]!;
  if (typeof kth !== 'number' || !Number.isInteger(kth)) {
    const list = Array.isArray(kth) || kth instanceof Tensor ? ' (one kth, as jnp takes; ad.sort puts every entry in its place at once)' : '';
    throw new InvalidArgumentError(`${op}: kth must be an integer, got ${describe(kth)}${list}.`);
  }
  if (kth < -n || kth >= n) {
    throw new InvalidArgumentError(`${op}: kth ${kth} is out of range for axis ${ax} of length ${n} (a of shape ${formatShape(t.shape)}); use an integer in [${-n}, ${n - 1}].`);
  }
  return kth < 0 ? kth + n : kth;
}

/**
 * a partly sorted along `axis` (numpy.partition / jnp.partition, kth one integer, negative counting
 * from the end): the entry at position kth is the one a full sort puts there, every entry before it
 * is ≤ it and every entry after it ≥ it. The order within the two sides is not specified (jnp's
 * differs from NumPy's; here: the smaller side ascending, the larger descending, as jnp returns
 * them). NaN sorts last, as NumPy (jnp puts NaNs with the sign bit first). Differentiable, as sort.
 * @example ad.partition(ad.tensor([6, 8, 4, 3, 1, 9, 7, 5, 2, 3]), 4).toArray(); // => [1, 2, 3, 3, 4, 9, 8, 7, 6, 5]
 */
export function partition(a: TensorLike, kth: number, axis?: number): Tensor;
export function partition(a: TensorLike, kth: number, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('partition', 'partition(a, kth, axis?)', extra, axis);
  const t = asTensor(a, 'partition');
  const ax = normalizeAxis(axis, t.ndim, 'partition');
  const k = kthArg('partition', t, kth, ax);
  const sorted = sort(t, ax);
  const n = t.shape[ax]!;
  if (k + 1 >= n - 1) return sorted;
  const begin = t.shape.map(() => 0);
  const low = slice(sorted, begin, t.shape.map((d, i) => (i === ax ? k + 1 : d)));
  const high = slice(sorted, begin.map((_, i) => (i === ax ? k + 1 : 0)), t.shape.map((d, i) => (i === ax ? n - k - 1 : d)));
  return concat([low, flip(high, ax)], ax);
}

/**
 * The positions that partition a along `axis` (numpy.argpartition / jnp.argpartition):
 * `gather(a, argpartition(a, kth, axis), axis)` is partitioned at kth as `partition` describes.
 * Within the sides the order is not specified (here, as jnp's: the smaller side in sorted order —
 * ties by position — the larger side by position). NaN sorts last. Whole numbers, no gradient.
 * @example ad.argpartition(ad.tensor([6, 8, 4, 3, 1, 9, 7, 5, 2, 3]), 4).toArray(); // => [4, 8, 3, 9, 2, 0, 1, 5, 6, 7]
 */
export function argpartition(a: TensorLike, kth: number, axis?: number): Tensor;
export function argpartition(a: TensorLike, kth: number, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('argpartition', 'argpartition(a, kth, axis?)', extra, axis);
  const t = asTensor(a, 'argpartition');
  const ax = normalizeAxis(axis, t.ndim, 'argpartition');
  const k = kthArg('argpartition', t, kth, ax);
  const order = argsort(t, ax);
  const n = t.shape[ax]!;
  if (k + 1 >= n - 1) return order;
  const begin = t.shape.map(() => 0);
  const low = slice(order, begin, t.shape.map((d, i) => (i === ax ? k + 1 : d)));
  const high = slice(order, begin.map((_, i) => (i === ax ? k + 1 : 0)), t.shape.map((d, i) => (i === ax ? n - k - 1 : d)));
  return concat([low, sort(high, ax)], ax);
}
