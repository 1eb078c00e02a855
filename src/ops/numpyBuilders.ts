/**
 * @file jax.numpy's functions that build arrays, index sets and functions from other ones:
 * vectorize (numpy.vectorize as jnp's, through vmap, with gufunc signatures such as
 * '(n),(n)->()'), fromfunction (through vmap, as jnp's), ix_ (open meshes), maskIndices (the
 * positions a mask function picks), in1d (isin, flattened) and histogramBinEdges (histogram's
 * edges). Composites of adjoint's ops and transformations (no new primitives).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, ones, tensor, type TensorInput, type TensorLike, tensorArg } from '../tensor/create.js';
import { flatten, unflatten } from '../core/pytree.js';
import type { TensorTree } from '../core/pytree.js';
import type { TreeFunction } from '../core/functions.js';
import { vmap } from '../transforms/vmap.js';
import { reshape } from './shape.js';
import { ravel } from './layout.js';
import { nonzero } from './numpyPositions.js';
import { binEdges, isin, type HistogramOptions } from './numpyCounting.js';
import { knownOptions, flag } from './optionChecks.js';
import { integerArg } from './numpyBreadth.js';
import { extraArguments } from '../core/extraArguments.js';

// ---------------------------------------------------------------------------------------------
// vectorize

/** Options of `vectorize` (numpy.vectorize's keywords that jnp keeps). */
export interface VectorizeOptions {
  /** Positions of arguments passed to the function as they are, not mapped (numbers ≥ 0). */
  readonly excluded?: Iterable<number> | undefined;
  /**
   * A generalized-ufunc signature, such as '(n),(n)->()' (a dot product) or '(m,n),(n)->(m)': the
   * core axes each argument's function call sees, last in the argument, and those of each result
   * (several results: a list). Without one, the function sees 0-d tensors and may return any shape.
   */
  readonly signature?: string | undefined;
}

/** The arguments of a vectorized function: where pyfunc takes a tensor, anything `ad.tensor` reads (jnp.vectorize's asarray). */
export type VectorizedArgs<P extends readonly unknown[]> = { [K in keyof P]: P[K] extends Tensor ? TensorInput : P[K] };

/** A signature's core axes: one list of names per argument and per result. */
interface Signature {
  readonly inputs: string[][];
  readonly outputs: string[][];
}

// numpy/lib/function_base.py: _SIGNATURE = '^{0:}->{0:}$' over comma-separated '(name,…)' groups.
const CORE = String.raw`\((?:\w+(?:,\w+)*)?\)`;
const SIGNATURE = new RegExp(`^${CORE}(?:,${CORE})*->${CORE}(?:,${CORE})*$`);

function parseSignature(signature: unknown): Signature {
  if (typeof signature !== 'string') throw new InvalidArgumentError(`vectorize: signature must be a string such as '(n),(n)->()', got ${describe(signature)}.`);
  const s = signature.replace(/\s+/g, ''); // NumPy strips whitespace
  if (!SIGNATURE.test(s)) {
    throw new InvalidArgumentError(
      `vectorize: '${signature}' is not a gufunc signature; write one parenthesized list of axis names per argument, '->', and one per result, e.g. '(n),(n)->()' or '(m,n),(n)->(m)'.`,
    );
  }
  const side = (part: string) => [...part.matchAll(/\(([^)]*)\)/g)].map((m) => (m[1] === '' ? [] : m[1]!.split(',')));
  const [ins, outs] = s.split('->') as [string, string];
  return { inputs: side(ins), outputs: side(outs) };
}

/** Records (or checks against earlier ones) the sizes of the core axes `dims` at the end of `shape`. */
function coreSizes(sizes: Map<string, number>, shape: readonly number[], dims: readonly string[], what: string, context: string, exact: boolean): void {
  if (exact ? shape.length !== dims.length : shape.length < dims.length) {
    const axes = `${dims.length} core ax${dims.length === 1 ? 'is' : 'es'} (${dims.join(',')})`;
    throw new ShapeError(
      exact
        ? `vectorize: ${what} has shape ${formatShape(shape)}, but ${context} gives it ${axes} and no others; return a tensor of exactly that many axes.`
        : `vectorize: ${what} of shape ${formatShape(shape)} has fewer axes than its ${axes} in ${context}; give it those axes last (ad.expandDims or ad.reshape).`,
    );
  }
  const core = shape.slice(shape.length - dims.length);
  dims.forEach((name, i) => {
    const known = sizes.get(name);
    if (known === undefined) sizes.set(name, core[i]!);
    else if (known !== core[i]) {
      throw new ShapeError(`vectorize: core axis '${name}' has length ${core[i]} in ${what} of shape ${formatShape(shape)} but ${known} elsewhere, in ${context}; an axis name stands for one length.`);
    }
  });
}

/** t with axes of length 1 inserted at `axes` (ascending positions in the result). */
function insertAxes(t: Tensor, axes: readonly number[]): Tensor {
  const shape = [...t.shape];
  for (const a of axes) shape.splice(a, 0, 1);
  return reshape(t, shape);
}

/**
 * A function that maps `pyfunc` over the leading axes of its arguments, broadcasting them against
 * each other (numpy.vectorize as jnp.vectorize: through `vmap`, not a loop, so it batches every
 * primitive and composes with grad, jvp and jit). Without a `signature` pyfunc sees 0-d tensors;
 * with one, such as '(n),(n)->()', each argument's trailing core axes are passed whole and the
 * leading axes (the loop axes) broadcast, as a generalized ufunc's; results with several outputs
 * come back as a list. `excluded` lists argument positions passed as they are (numbers, options,
 * functions); `null`/`undefined` arguments are passed as they are too. The results' loop axes are
 * the broadcast loop shape. Differentiable through pyfunc.
 * @example
 * const dot = ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.dot(a, b), { signature: '(n),(n)->()' });
 * dot(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, 1])).toArray(); // => [3, 7]
 */
export function vectorize<F extends TreeFunction<unknown>>(pyfunc: F, options?: VectorizeOptions): (...args: VectorizedArgs<Parameters<F>>) => TensorTree<ReturnType<F>>;
export function vectorize<F extends TreeFunction<unknown>>(pyfunc: F, options: VectorizeOptions = {}, ...extra: unknown[]): (...args: VectorizedArgs<Parameters<F>>) => TensorTree<ReturnType<F>> {
  if (extra.length > 0) extraArguments('vectorize', 'vectorize(pyfunc, options?)', extra, options);
  if (typeof pyfunc !== 'function') throw new InvalidArgumentError(`vectorize: pyfunc must be a function, got ${describe(pyfunc)}.`);
  knownOptions('vectorize', options, ['excluded', 'signature'], "{ signature: '(n),(n)->()' }");
  const given = options.excluded ?? [];
  if (typeof given !== 'object' || given === null || typeof (given as Iterable<number>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(`vectorize: excluded must be a list (or Set) of argument positions, such as [1], got ${describe(given)}.`);
  }
  const excluded = new Set([...given].map((e) => integerArg('vectorize', 'each excluded position', e)));
  const sig = options.signature === undefined ? null : parseSignature(options.signature);
  const context = `a function vectorized with ${sig === null ? 'no signature' : `signature '${options.signature}'`}`;

  return ((...args: unknown[]) => {
    // Arguments passed as they are: the excluded ones, then null/undefined (jnp's None).
    const fixed = new Map<number, unknown>();
    const free: number[] = [];
    args.forEach((a, i) => (excluded.has(i) ? fixed.set(i, a) : free.push(i)));
    const inputs = sig?.inputs ?? free.map(() => []);
    if (inputs.length !== free.length) {
      throw new InvalidArgumentError(
        `vectorize: ${context} takes ${inputs.length} mapped argument(s), but it was called with ${free.length} (of ${args.length}, ${excluded.size} position(s) excluded); pass one argument per signature entry.`,
      );
    }
    const mapped: number[] = [];
    const cores: string[][] = [];
    free.forEach((i, j) => {
      if (args[i] === null || args[i] === undefined) {
        if (inputs[j]!.length !== 0) throw new InvalidArgumentError(`vectorize: argument ${i} is ${String(args[i])}, but ${context} gives it core axes (${inputs[j]!.join(',')}); pass a tensor.`);
        fixed.set(i, args[i]);
      } else {
        mapped.push(i);
        cores.push(inputs[j]!);
      }
    });
    const tensors = mapped.map((i) => {
      const a = args[i];
      if (a instanceof Tensor || typeof a === 'number') return asTensor(a, 'vectorize');
      if (Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView))) return tensor(a as TensorInput);
      throw new InvalidArgumentError(`vectorize: argument ${i} is ${describe(a)}, which cannot be mapped; list its position in excluded to pass it as it is.`);
    });
    const sizes = new Map<string, number>();
    tensors.forEach((t, j) => coreSizes(sizes, t.shape, cores[j]!, `argument ${mapped[j]}`, context, false));
    const loops = tensors.map((t, j) => t.shape.slice(0, t.ndim - cores[j]!.length));
    const loopShape = broadcastShapes('vectorize (the arguments\u2019 loop axes)', ...loops);

    // One example's call: the fixed arguments back in place, the results checked against the signature.
    const call = (...xs: Tensor[]): unknown => {
      const full: unknown[] = [];
      let k = 0;
      for (let i = 0; i < args.length; i++) full.push(fixed.has(i) ? fixed.get(i) : xs[k++]);
      const out = (pyfunc as (...a: unknown[]) => unknown)(...full);
      if (sig === null) return typeof out === 'number' ? asTensor(out, 'vectorize') : out;
      const many = sig.outputs.length > 1;
      if (many && !Array.isArray(out)) throw new InvalidArgumentError(`vectorize: ${context} returns ${sig.outputs.length} results, so pyfunc must return a list of them, got ${describe(out)}.`);
      const list = (Array.isArray(out) ? out : [out]) as unknown[];
      if (list.length !== sig.outputs.length) throw new InvalidArgumentError(`vectorize: pyfunc returned ${list.length} result(s), but ${context} has ${sig.outputs.length}.`);
      const own = new Map(sizes);
      const results = list.map((r, j) => {
        if (!(r instanceof Tensor) && typeof r !== 'number') throw new InvalidArgumentError(`vectorize: result ${j} of pyfunc is ${describe(r)}; with a signature each result must be a tensor.`);
        const t = asTensor(r, 'vectorize');
        coreSizes(own, t.shape, sig.outputs[j]!, `result ${j}`, context, true);
        return t;
      });
      return Array.isArray(out) ? results : results[0];
    };

    // numpy-style broadcasting pushed into vmap (jnp's): loop axes of length 1 squeezed out, one
    // vmap per loop axis over the arguments that have it, and axes no argument has put back at the end.
    const squeezed = tensors.map((t, j) => {
      const keep = t.shape.filter((d, a) => a >= loops[j]!.length || d !== 1);
      return keep.length === t.ndim ? t : reshape(t, keep);
    });
    const filled = loops.map((s) => [...new Array<number>(loopShape.length - s.length).fill(1), ...s]);
    let f: (...xs: Tensor[]) => unknown = call;
    const missing: number[] = [];
    for (let axis = loopShape.length - 1; axis >= 0; axis--) {
      const inAxes = filled.map((s) => (s[axis] === 1 ? null : 0));
      if (inAxes.every((a) => a === null)) missing.push(axis);
      else f = vmap(f as TreeFunction<unknown>, inAxes) as (...xs: Tensor[]) => unknown;
    }
    const result = f(...squeezed);
    if (missing.length === 0) return result;
    const axes = missing.sort((x, y) => x - y);
    const { leaves, def } = flatten(result, 'vectorize');
    return unflatten(def, leaves.map((l) => insertAxes(asTensor(l, 'vectorize'), axes)));
  }) as (...args: VectorizedArgs<Parameters<F>>) => TensorTree<ReturnType<F>>;
}

// ---------------------------------------------------------------------------------------------
// fromfunction, ix_, maskIndices

/**
 * An array of shape `shape` whose entry [i, j, …] is fn(i, j, …) (numpy.fromfunction as jnp's:
 * through vmap, so fn sees 0-d float64 index tensors, not whole grids as NumPy's does, and may
 * return a tensor or a list of them, which get `shape` as leading axes).
 * @example ad.fromfunction((i: ad.Tensor, j: ad.Tensor) => ad.add(ad.mul(i, 3), ad.square(j)), [2, 3]).toArray(); // => [[0, 1, 4], [3, 4, 7]]
 */
export function fromfunction<F extends TreeFunction<unknown>>(fn: F, shape: number | readonly number[]): TensorTree<ReturnType<F>>;
export function fromfunction<F extends TreeFunction<unknown>>(fn: F, shape: number | readonly number[], ...extra: unknown[]): TensorTree<ReturnType<F>> {
  if (extra.length > 0) extraArguments('fromfunction', 'fromfunction(fn, shape)', extra, shape);
  if (typeof fn !== 'function') throw new InvalidArgumentError(`fromfunction: fn must be a function of one index per axis, got ${describe(fn)}.`);
  const list = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`fromfunction: shape must be a list of whole numbers such as [2, 3], got ${describe(shape)}.`);
  const dims = Array.from(list as readonly unknown[], (d) => integerArg('fromfunction', 'each length of shape', d as number)); // a hole ([1, , 3]) read as undefined, refused
  const call = (...xs: Tensor[]): unknown => {
    const out = (fn as (...a: Tensor[]) => unknown)(...xs);
    return typeof out === 'number' ? asTensor(out, 'fromfunction') : out;
  };
  // The innermost vmap maps the last index, the outermost the first (jnp's order).
  let f: (...xs: Tensor[]) => unknown = call;
  for (let i = dims.length - 1; i >= 0; i--) f = vmap(f as TreeFunction<unknown>, dims.map((_, j) => (j === i ? 0 : null))) as (...xs: Tensor[]) => unknown;
  return f(...dims.map((d) => arange(d))) as TensorTree<ReturnType<F>>;
}

/**
 * An open mesh from 1-d sequences (numpy.ix_): argument i reshaped to length 1 on every axis but
 * axis i, so that the results broadcast against each other to the full grid (for `ad.gather`, or
 * arithmetic over every combination). Differentiable (reshapes).
 * @example ad.ix_([0, 1], [2, 4, 5]).map((t) => t.shape); // => [[2, 1], [1, 3]]
 */
export function ix_(...args: Array<TensorLike | readonly number[]>): Tensor[] {
  return args.map((a, i) => {
    const t = Array.isArray(a) ? tensorArg(a as number[], 'ix_') : asTensor(a as TensorLike, 'ix_');
    if (t.ndim !== 1) throw new ShapeError(`ix_: argument ${i} has shape ${formatShape(t.shape)}; each argument must be 1-d (ad.ravel it first).`);
    return reshape(t, args.map((_, j) => (j === i ? t.size : 1)));
  });
}

/** Options of `maskIndices`. */
export interface MaskIndicesOptions {
  /** The number of positions returned (JAX's static size): the first `size`, padded with 0; lets it run under vmap and replay under jit. */
  readonly size?: number | undefined;
}

/**
 * The positions [rows, cols] where maskFunc(ones([n, n]), k) is nonzero, row by row
 * (numpy.mask_indices): `maskIndices(n, ad.triu)` is `triuIndices(n)`. The count depends on the
 * mask's values, as `nonzero`'s; `{ size }` fixes it (JAX's). Whole numbers, no gradient.
 * @example ad.maskIndices(3, ad.triu, 1).map((t) => t.toArray()); // => [[0, 0, 1], [1, 2, 2]]
 */
export function maskIndices(n: number, maskFunc: (a: Tensor, k: number) => TensorLike, k?: number, options?: MaskIndicesOptions): [Tensor, Tensor];
export function maskIndices(n: number, maskFunc: (a: Tensor, k: number) => TensorLike, k = 0, options: MaskIndicesOptions = {}, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('maskIndices', 'maskIndices(n, maskFunc, k?, options?)', extra, options);
  const size = integerArg('maskIndices', 'n', n);
  if (typeof maskFunc !== 'function') throw new InvalidArgumentError(`maskIndices: maskFunc must be a function (a, k) => mask, such as ad.triu or ad.tril, got ${describe(maskFunc)}.`);
  if (typeof k !== 'number') throw new InvalidArgumentError(`maskIndices: k must be a number (passed to maskFunc), got ${describe(k)}.`);
  knownOptions('maskIndices', options, ['size'], '{ size: 3 }');
  const mask = asTensor(maskFunc(ones([size, size]), k), 'maskIndices');
  if (mask.ndim !== 2 || mask.shape[0] !== size || mask.shape[1] !== size) {
    throw new ShapeError(`maskIndices: maskFunc returned a mask of shape ${formatShape(mask.shape)}; it must return one of its input's shape, [${size},${size}].`);
  }
  const [rows, cols] = nonzero(mask, options.size === undefined ? {} : { size: options.size });
  return [rows!, cols!];
}

// ---------------------------------------------------------------------------------------------
// in1d, histogramBinEdges

/**
 * Whether each entry of ar1, flattened, is in ar2 (numpy.in1d, a flat `isin`): 0/1, 1-d; with
 * `invert`, whether it is not. `assumeUnique` (NumPy's speed hint) changes nothing. NaN is in nothing.
 * @example ad.in1d(ad.tensor([[1, 2], [3, 4]]), ad.tensor([3, 1])).toArray(); // => [1, 0, 1, 0]
 */
export function in1d(ar1: TensorLike, ar2: TensorLike, assumeUnique?: boolean, invert?: boolean): Tensor;
export function in1d(ar1: TensorLike, ar2: TensorLike, assumeUnique = false, invert = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('in1d', 'in1d(ar1, ar2, assumeUnique?, invert?)', extra, invert);
  flag('in1d', 'assumeUnique', assumeUnique, false);
  const inverted = flag('in1d', 'invert', invert, false);
  return ravel(isin(asTensor(ar1, 'in1d'), asTensor(ar2, 'in1d'), { invert: inverted }));
}

/** Options of `histogramBinEdges`. */
export interface HistogramBinEdgesOptions {
  /** The lower and upper edges of equal bins (default a's minimum and maximum). */
  readonly range?: HistogramOptions['range'];
  /** A weight per entry of a (its shape): checked, and unused, as NumPy's without string bins. */
  readonly weights?: TensorLike | undefined;
}

/**
 * The bin edges `histogram(a, bins, { range })` uses (numpy.histogram_bin_edges): `bins` + 1 equal
 * steps over `range` (default a's minimum and maximum, widened by ½ each side when equal), or the
 * given edges, checked increasing. Differentiable in a through its minimum and maximum.
 * @example ad.histogramBinEdges(ad.tensor([2, 5, 3, 6, 4, 1]), 5).toArray(); // => [1, 2, 3, 4, 5, 6]
 */
export function histogramBinEdges(a: TensorLike, bins?: number | TensorLike | readonly number[], options?: HistogramBinEdgesOptions): Tensor;
export function histogramBinEdges(a: TensorLike, bins: number | TensorLike | readonly number[] = 10, options: HistogramBinEdgesOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('histogramBinEdges', 'histogramBinEdges(a, bins?, options?)', extra, options);
  const t = asTensor(a, 'histogramBinEdges');
  knownOptions('histogramBinEdges', options, ['range', 'weights'], '{ range: [0, 1] }');
  if (options.weights !== undefined) {
    const w = asTensor(options.weights, 'histogramBinEdges');
    if (w.shape.length !== t.shape.length || w.shape.some((d, i) => d !== t.shape[i])) {
      throw new ShapeError(`histogramBinEdges: weights of shape ${formatShape(w.shape)} must have a's shape ${formatShape(t.shape)}.`);
    }
  }
  return binEdges('histogramBinEdges', ravel(t), bins, options.range);
}
