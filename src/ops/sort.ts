/**
 * @file Sorting: `sort`, `argsort`, `topk`, and the positions of extrema `maxIndex`/`minIndex`
 * (named so, not argmax/argmin: `ad.argmin` is the differentiable optimizer). Sorted values are a
 * gather through the sorting permutation, so their gradient is the cotangent scattered back
 * through it; positions are float64 tensors of whole numbers, with no gradient.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError } from '../core/errors.js';
import { argsortKernel, extremumIndexKernel } from '../tensor/kernels/sort.js';
import { formatShape, keepdimsArg, normalizeAxis, reducedShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { gatherAlong } from './gather.js';
import { reshape } from './shape.js';
import { extraArguments } from '../core/extraArguments.js';

export interface SortOptions {
  /** Largest first (NaN first, as the greatest); ties keep their order either way. Default false. */
  readonly descending?: boolean | undefined;
}

interface ArgsortParams { readonly axis: number; readonly descending: boolean; readonly k: number }

// Positions are piecewise constant in x: no derivative rules (never recorded by grad or jvp). They
// are primitives rather than reads of x's values so jit records them and vmap batches them.
const argsortP: Primitive<ArgsortParams> = definePrimitive<ArgsortParams>({
  name: 'argsort',
  saves: 'none',
  forward: ([x], { axis, descending, k }) =>
    new Tensor(Float64Array.from(argsortKernel(x!.values, x!.shape, axis, descending, k)), x!.shape.map((d, i) => (i === axis ? k : d))),
  vjp: null,
  jvp: null,
  batch: ([x], _b, p) => apply(argsortP, [x!], { ...p, axis: p.axis + 1 }),
});

interface ExtremumParams { readonly axis: number; readonly keepdims: boolean }
function extremumIndexPrimitive(which: 'max' | 'min'): Primitive<ExtremumParams> {
  const prim: Primitive<ExtremumParams> = definePrimitive<ExtremumParams>({
    name: `${which}Index`,
    saves: 'none',
    forward: ([x], { axis, keepdims }) =>
      new Tensor(extremumIndexKernel(x!.values, x!.shape, axis, which), reducedShape(x!.shape, [axis], keepdims)),
    vjp: null,
    jvp: null,
    batch: ([x], _b, p) => apply(prim, [x!], { ...p, axis: p.axis + 1 }),
  });
  return prim;
}
const maxIndexP = extremumIndexPrimitive('max');
const minIndexP = extremumIndexPrimitive('min');

function descendingOption(op: string, options: SortOptions | undefined): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`${op}: options must be an object such as { descending: true }, got ${describe(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'descending') throw new InvalidArgumentError(`${op}: unknown option '${key}'; the one option is { descending: boolean }.`);
  }
  const d = options.descending ?? false;
  if (typeof d !== 'boolean') throw new InvalidArgumentError(`${op}: descending must be true or false, got ${describe(d)}.`);
  return d;
}

/** The sorting permutation of `x` along `axis` (its first k per lane), laid out as x with k along the axis. */
function permutation(op: string, x: TensorLike, axis: number, options: SortOptions | undefined, k?: number) {
  const t = asTensor(x, op);
  const ax = normalizeAxis(axis, t.ndim, op);
  const descending = descendingOption(op, options);
  return { t, ax, perm: apply(argsortP, [t], { axis: ax, descending, k: k ?? t.shape[ax]! }) };
}

/**
 * x sorted along `axis` (default the last), stably; NaN sorts last (first when descending), as NumPy.
 * The gradient sends each entry's cotangent back to where the entry came from (well defined away
 * from ties; at a tie, to the entry the stable order put there).
 * @example
 * ad.sort(ad.tensor([3, 1, 2])).toArray();                          // => [1, 2, 3]
 * ad.sort(ad.tensor([[3, 1], [0, 2]]), 0).toArray();                // => [[0, 1], [3, 2]]
 * ad.sort(ad.tensor([3, NaN, 1]), -1, { descending: true }).toArray(); // => [NaN, 3, 1]
 */
export function sort(x: TensorLike, axis?: number, options?: SortOptions): Tensor;
export function sort(x: TensorLike, axis = -1, options?: SortOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sort', 'sort(x, axis?, options?)', extra, options);
  const { t, ax, perm } = permutation('sort', x, axis, options);
  return gatherAlong(t, perm, ax, 'sort');
}

/**
 * The positions that sort x along `axis` (default the last): `gather(x, argsort(x, axis), axis)`
 * is `sort(x, axis)`. Stable (ties keep their order, descending too), NaN last as NumPy (first
 * when descending). A float64 tensor of whole numbers, with no gradient.
 * @example
 * ad.argsort(ad.tensor([30, 10, 20, 10])).toArray();                        // => [1, 3, 2, 0]
 * ad.argsort(ad.tensor([30, 10, 20, 10]), -1, { descending: true }).toArray(); // => [0, 2, 1, 3]
 */
export function argsort(x: TensorLike, axis?: number, options?: SortOptions): Tensor;
export function argsort(x: TensorLike, axis = -1, options?: SortOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('argsort', 'argsort(x, axis?, options?)', extra, options);
  return permutation('argsort', x, axis, options).perm;
}

/** Options of `topk`. */
export interface TopkOptions {
  /** false: the k smallest entries, smallest first (torch.topk's largest=False). Default true. */
  largest?: boolean;
}

/**
 * The k largest entries along `axis` (default the last), largest first, and their positions (as
 * `jax.lax.top_k`, along any axis): ties in order of position, NaN counted greatest. With
 * `{ largest: false }` (or `false`, torch.topk's positional form) the k smallest, smallest first
 * (NaN, still greatest, comes last). `values` is differentiable (the cotangent goes back to the
 * chosen entries); `indices` is a float64 tensor of whole numbers.
 * @example
 * const { values, indices } = ad.topk(ad.tensor([1, 5, 3, 5]), 2);
 * values.toArray();                 // => [5, 5]
 * indices.toArray();                // => [1, 3]
 * ad.topk(ad.tensor([1, 5, 3, 5]), 2, -1, { largest: false }).values.toArray(); // => [1, 3]
 */
export function topk(x: TensorLike, k: number, axis?: number, options?: TopkOptions | boolean): { values: Tensor; indices: Tensor };
export function topk(x: TensorLike, k: number, axis = -1, options?: TopkOptions | boolean, ...extra: unknown[]): { values: Tensor; indices: Tensor } {
  if (extra.length > 0) extraArguments('topk', 'topk(x, k, axis?, options?)', extra, options);
  const t = asTensor(x, 'topk');
  const ax = normalizeAxis(axis, t.ndim, 'topk');
  const n = t.shape[ax]!;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new InvalidArgumentError(
      `topk: k must be a whole number in [0, ${n}] (the length of axis ${ax} of x, shape ${formatShape(t.shape)}), got ${describe(k)}.`,
    );
  }
  const { perm } = permutation('topk', t, ax, { descending: largestOption(options) }, k);
  return { values: gatherAlong(t, perm, ax, 'topk'), indices: perm };
}

/** `largest` from topk's fourth argument: undefined, a boolean, or { largest }. */
function largestOption(options: unknown): boolean {
  if (options === undefined) return true;
  if (typeof options === 'boolean') return options;
  if (typeof options === 'object' && options !== null && !Array.isArray(options) && !(options instanceof Tensor)) {
    const unknownKeys = Object.keys(options).filter((key) => key !== 'largest');
    const largest = (options as TopkOptions).largest ?? true;
    if (unknownKeys.length === 0 && typeof largest === 'boolean') return largest;
  }
  throw new InvalidArgumentError(
    `topk: the fourth argument is { largest: boolean } (or a boolean), got ${describe(options)}; the results are always sorted.`,
  );
}

function extremumIndex(prim: Primitive<ExtremumParams>, x: TensorLike, axis: number | undefined, keepdims: boolean): Tensor {
  const op = prim.name;
  const t = asTensor(x, op);
  // No axis: the position in the flattened tensor, as NumPy's.
  const flat = axis === undefined;
  const source = flat ? reshape(t, [t.size]) : t;
  const ax = flat ? 0 : normalizeAxis(axis, t.ndim, op);
  if (source.shape[ax] === 0) {
    throw new InvalidArgumentError(
      `${op}: x of shape ${formatShape(t.shape)} is empty along ${flat ? 'its flattened length' : `axis ${ax}`}; there is no extremum to point to.`,
    );
  }
  const positions = apply(prim, [source], { axis: ax, keepdims: keepdimsArg(keepdims, op) && !flat });
  return flat ? reshape(positions, keepdims ? t.shape.map(() => 1) : []) : positions;
}

/**
 * The position of the maximum along `axis` (of the flattened tensor when `axis` is omitted), as
 * NumPy's `argmax`: the first of tied maxima, the first NaN where there is one. A float64 tensor of
 * whole numbers, no gradient.
 * @example
 * ad.maxIndex(ad.tensor([1, 7, 7, 2])).item();                    // => 1
 * ad.maxIndex(ad.tensor([[1, 9], [8, 2]]), 0).toArray();         // => [1, 0]
 */
export function maxIndex(x: TensorLike, axis?: number, keepdims?: boolean): Tensor;
export function maxIndex(x: TensorLike, axis?: number, keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('maxIndex', 'maxIndex(x, axis?, keepdims?)', extra, keepdims);
  return extremumIndex(maxIndexP, x, axis, keepdims);
}

/**
 * The position of the minimum along `axis` (of the flattened tensor when `axis` is omitted), as
 * NumPy's `argmin`: the first of tied minima, the first NaN where there is one. A float64 tensor of
 * whole numbers, no gradient. (`ad.argmin` is the differentiable optimizer, hence the name.)
 * @example
 * ad.minIndex(ad.tensor([[4, 1, 1], [0, 5, 0]]), 1).toArray();    // => [1, 0]
 */
export function minIndex(x: TensorLike, axis?: number, keepdims?: boolean): Tensor;
export function minIndex(x: TensorLike, axis?: number, keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('minIndex', 'minIndex(x, axis?, keepdims?)', extra, keepdims);
  return extremumIndex(minIndexP, x, axis, keepdims);
}
