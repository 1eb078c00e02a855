/**
 * @file NumPy's layout helpers — moveaxis, swapaxes, ravel (and the method flatten), atleast1d/2d/3d, vstack,
 * hstack, dstack, columnStack, meshgrid — as composites of transpose, reshape, concat and
 * broadcastTo, so every transformation comes with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { broadcastTo, concat, reshape, transpose } from './shape.js';
import { registerTensorMethods } from './methods.js';
import { flag, knownOptions } from './optionChecks.js';
import { isPlainObject } from '../core/pytree.js';
import { extraArguments } from '../core/extraArguments.js';

/** One axis or a list of axes, normalised, or an AdjointError naming the op (repeats are refused). */
function axisList(op: string, name: string, axes: number | readonly number[], ndim: number): number[] {
  if (typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new InvalidArgumentError(`${op}: ${name} must be an axis or a list of axes, got ${describe(axes)}.`);
  }
  const list = Array.from(typeof axes === 'number' ? [axes] : axes, (a) => normalizeAxis(a, ndim, op)); // holes refused
  if (new Set(list).size !== list.length) {
    throw new InvalidArgumentError(`${op}: ${name} [${String(axes)}] repeats an axis; each axis may appear once.`);
  }
  return list;
}

/**
 * x with the axes `source` moved to positions `destination`, the others keeping their order
 * (numpy.moveaxis). Both are one axis or lists of the same length; negative axes count from the end.
 * @example
 * ad.moveaxis(ad.zeros([2, 3, 4]), 0, -1).shape;          // => [3, 4, 2]
 * ad.moveaxis(ad.zeros([2, 3, 4]), [0, 1], [-1, -2]).shape; // => [4, 3, 2]
 */
export function moveaxis(x: TensorLike, source: number | readonly number[], destination: number | readonly number[]): Tensor;
export function moveaxis(x: TensorLike, source: number | readonly number[], destination: number | readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('moveaxis', 'moveaxis(x, source, destination)', extra, destination);
  const t = asTensor(x, 'moveaxis');
  const src = axisList('moveaxis', 'source', source, t.ndim);
  const dst = axisList('moveaxis', 'destination', destination, t.ndim);
  if (src.length !== dst.length) {
    throw new InvalidArgumentError(
      `moveaxis: ${src.length} source axes but ${dst.length} destination axes (x of shape ${formatShape(t.shape)}); give one destination per source axis.`,
    );
  }
  const rest = t.shape.map((_, i) => i).filter((i) => !src.includes(i));
  const perm = new Array<number>(t.ndim);
  src.forEach((s, k) => { perm[dst[k]!] = s; });
  for (let i = 0; i < t.ndim; i++) if (perm[i] === undefined) perm[i] = rest.shift()!;
  return transpose(t, perm);
}

/**
 * x with axes `axis1` and `axis2` exchanged (numpy.swapaxes).
 * @example ad.swapaxes(ad.zeros([2, 3, 4]), 0, 2).shape; // => [4, 3, 2]
 */
export function swapaxes(x: TensorLike, axis1: number, axis2: number): Tensor;
export function swapaxes(x: TensorLike, axis1: number, axis2: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('swapaxes', 'swapaxes(x, axis1, axis2)', extra, axis2);
  const t = asTensor(x, 'swapaxes');
  const [a, b] = [normalizeAxis(axis1, t.ndim, 'swapaxes'), normalizeAxis(axis2, t.ndim, 'swapaxes')];
  const perm = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return transpose(t, perm);
}

/**
 * x as one axis, in row-major order (numpy.ravel; the method `x.flatten()` is the same).
 * @example ad.ravel(ad.tensor([[1, 2], [3, 4]])).toArray(); // => [1, 2, 3, 4]
 */
export function ravel(x: TensorLike): Tensor;
export function ravel(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ravel', 'ravel(x)', extra, x);
  const t = asTensor(x, 'ravel');
  return reshape(t, [t.size]);
}

/** x as one axis (ndarray.flatten, a method only: `ad.tree.flatten` is the pytree one). */
function flatten(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('flatten', 'x.flatten()', extra, x);
  const t = asTensor(x, 'flatten');
  return reshape(t, [t.size]);
}

/** NumPy's atleast_Nd layout of one tensor: 0-d → [1,…], 1-d → [1, n] / [1, n, 1], 2-d → [m, n, 1] for 3. */
function atLeast(t: Tensor, rank: 1 | 2 | 3): Tensor {
  if (t.ndim >= rank) return t;
  const s = t.shape;
  if (rank === 1) return reshape(t, [1]);
  if (rank === 2) return reshape(t, t.ndim === 0 ? [1, 1] : [1, s[0]!]);
  return reshape(t, t.ndim === 0 ? [1, 1, 1] : t.ndim === 1 ? [1, s[0]!, 1] : [s[0]!, s[1]!, 1]);
}

function atLeastAll(op: string, rank: 1 | 2 | 3, xs: readonly TensorLike[]): Tensor | Tensor[] {
  const out = xs.map((x) => atLeast(asTensor(x, op), rank));
  return out.length === 1 ? out[0]! : out;
}

/**
 * Each input with at least one axis (numpy.atleast_1d): a 0-d tensor becomes [1]. One input gives
 * a tensor, several a list.
 * @example ad.atleast1d(5).shape; // => [1]
 */
export function atleast1d(x: TensorLike): Tensor;
export function atleast1d(...xs: TensorLike[]): Tensor | Tensor[];
export function atleast1d(...xs: TensorLike[]): Tensor | Tensor[] { return atLeastAll('atleast1d', 1, xs); }

/**
 * Each input with at least two axes (numpy.atleast_2d): 0-d → [1, 1], [n] → [1, n].
 * @example ad.atleast2d(ad.tensor([1, 2])).shape; // => [1, 2]
 */
export function atleast2d(x: TensorLike): Tensor;
export function atleast2d(...xs: TensorLike[]): Tensor | Tensor[];
export function atleast2d(...xs: TensorLike[]): Tensor | Tensor[] { return atLeastAll('atleast2d', 2, xs); }

/**
 * Each input with at least three axes (numpy.atleast_3d): 0-d → [1, 1, 1], [n] → [1, n, 1],
 * [m, n] → [m, n, 1].
 * @example ad.atleast3d(ad.ones([2, 3])).shape; // => [2, 3, 1]
 */
export function atleast3d(x: TensorLike): Tensor;
export function atleast3d(...xs: TensorLike[]): Tensor | Tensor[];
export function atleast3d(...xs: TensorLike[]): Tensor | Tensor[] { return atLeastAll('atleast3d', 3, xs); }

/** The inputs of a stacking op, as tensors (a non-empty list), or an AdjointError naming it. */
function stackInputs(op: string, xs: readonly TensorLike[]): Tensor[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new InvalidArgumentError(`${op}: expected a non-empty list of tensors, got ${Array.isArray(xs) ? 'an empty list' : describe(xs)}.`);
  }
  return xs.map((x) => asTensor(x, op));
}

/** concat with the error naming the stacking op the user called and the shapes as given. */
function joined(op: string, given: readonly Tensor[], parts: Tensor[], axis: number): Tensor {
  const ref = parts[0]!;
  const bad = parts.findIndex((p) => p.ndim !== ref.ndim || p.shape.some((d, i) => i !== axis && d !== ref.shape[i]));
  if (bad >= 0) {
    throw new ShapeError(
      `${op}: the inputs' shapes ${given.map((g) => formatShape(g.shape)).join(', ')} (as ${parts.map((p) => formatShape(p.shape)).join(', ')}) ` +
        `differ off the joining axis ${axis}; every axis but that one must match.`,
    );
  }
  return concat(parts, axis);
}

/**
 * The inputs joined along their first axis after atleast2d (numpy.vstack): rows stacked.
 * @example ad.vstack([ad.tensor([1, 2]), ad.tensor([3, 4])]).toArray(); // => [[1, 2], [3, 4]]
 */
export function vstack(xs: readonly TensorLike[]): Tensor;
export function vstack(xs: readonly TensorLike[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('vstack', 'vstack(xs)', extra, xs);
  const ts = stackInputs('vstack', xs);
  return joined('vstack', ts, ts.map((t) => atLeast(t, 2)), 0);
}

/**
 * The inputs joined along their second axis (numpy.hstack), or their first when they are 1-D;
 * 0-d inputs count as [1].
 * @example ad.hstack([ad.tensor([1, 2]), ad.tensor([3])]).toArray(); // => [1, 2, 3]
 */
export function hstack(xs: readonly TensorLike[]): Tensor;
export function hstack(xs: readonly TensorLike[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hstack', 'hstack(xs)', extra, xs);
  const ts = stackInputs('hstack', xs);
  const parts = ts.map((t) => atLeast(t, 1));
  return joined('hstack', ts, parts, parts[0]!.ndim === 1 ? 0 : 1);
}

/**
 * The inputs joined along their third axis after atleast3d (numpy.dstack).
 * @example ad.dstack([ad.tensor([1, 2]), ad.tensor([3, 4])]).toArray(); // => [[[1, 3], [2, 4]]]
 */
export function dstack(xs: readonly TensorLike[]): Tensor;
export function dstack(xs: readonly TensorLike[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('dstack', 'dstack(xs)', extra, xs);
  const ts = stackInputs('dstack', xs);
  return joined('dstack', ts, ts.map((t) => atLeast(t, 3)), 2);
}

/**
 * 1-D inputs as columns, side by side (numpy.column_stack); inputs of two or more axes are joined
 * along their second axis as they are.
 * @example ad.columnStack([ad.tensor([1, 2]), ad.tensor([3, 4])]).toArray(); // => [[1, 3], [2, 4]]
 */
export function columnStack(xs: readonly TensorLike[]): Tensor;
export function columnStack(xs: readonly TensorLike[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('columnStack', 'columnStack(xs)', extra, xs);
  const ts = stackInputs('columnStack', xs);
  const parts = ts.map((t) => (t.ndim < 2 ? reshape(t, [t.size, 1]) : t));
  return joined('columnStack', ts, parts, 1);
}

/** Options of `meshgrid`. */
export interface MeshgridOptions {
  /** 'xy' (default, NumPy's Cartesian: the first two output axes swapped) or 'ij' (matrix indexing). */
  readonly indexing?: 'xy' | 'ij' | undefined;
  /** Each grid with length 1 along the other axes, to broadcast against the others (default false). */
  readonly sparse?: boolean | undefined;
}

/**
 * Coordinate grids from 1-D coordinate vectors (numpy.meshgrid): with inputs of lengths n₀, n₁, …
 * each output has shape [n₀, n₁, …] for indexing 'ij', or [n₁, n₀, …] for 'xy' (the default), and
 * varies along its input's axis only (with `sparse`, has length 1 along the others). Inputs of other
 * ranks are flattened, as NumPy's. A trailing options object sets `indexing` and `sparse`. Differentiable (each grid is a broadcast of its input).
 * @example
 * const [X, Y] = ad.meshgrid(ad.tensor([1, 2, 3]), ad.tensor([10, 20]));
 * X.toArray();                      // => [[1, 2, 3], [1, 2, 3]]
 * Y.toArray();                      // => [[10, 10, 10], [20, 20, 20]]
 */
export function meshgrid(...args: Array<TensorLike | MeshgridOptions>): Tensor[] {
  const last = args[args.length - 1];
  // Only a plain object: an array or typed array last is a coordinate vector (meshgrid([1, 2], [3, 4])).
  const hasOptions = isPlainObject(last);
  const options = (hasOptions ? last : {}) as MeshgridOptions;
  knownOptions('meshgrid', options, ['indexing', 'sparse'], "{ indexing: 'ij' }");
  const sparse = flag('meshgrid', 'sparse', options.sparse, false);
  const indexing = options.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') {
    throw new InvalidArgumentError(`meshgrid: indexing must be 'xy' or 'ij', got ${describe(indexing)}.`);
  }
  const vectors = (hasOptions ? args.slice(0, -1) : args).map((x) => ravel(asTensor(x as TensorLike, 'meshgrid')));
  const lengths = vectors.map((v) => v.size);
  // 'xy' swaps the roles of the first two inputs' axes (Cartesian x along columns).
  const place = (k: number) => (indexing === 'xy' && vectors.length >= 2 && k < 2 ? 1 - k : k);
  const shape = lengths.map((_, i) => lengths[place(i)]!);
  return vectors.map((v, k) => {
    const along = reshape(v, shape.map((n, i) => (i === place(k) ? n : 1)));
    return sparse ? along : broadcastTo(along, shape);
  });
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.ravel(x)`. @example ad.ones([2, 2]).ravel().shape // [4] */ ravel(): Tensor;
    /** x as one axis, row-major (ndarray.flatten; `ad.ravel(x)`). @example ad.ones([2, 2]).flatten().shape // [4] */ flatten(): Tensor;
    /** `ad.swapaxes(x, a, b)`. @example ad.ones([2, 3]).swapaxes(0, 1).shape // [3, 2] */ swapaxes(axis1: number, axis2: number): Tensor;
    /** `ad.moveaxis(x, source, destination)`. */ moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
  }
}

registerTensorMethods({ ravel, flatten, swapaxes, moveaxis });
