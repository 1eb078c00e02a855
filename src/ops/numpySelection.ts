/**
 * @file jax.numpy's choosing and picking, as composites (no new primitives): select, piecewise,
 * choose, compress, extract and resize. compress and extract read the condition eagerly, or take
 * JAX's static `{ size, fillValue }` to run under vmap and jit.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, formatShape, normalizeAxis, shapesEqual, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, zeros, type TensorLike } from '../tensor/create.js';
import { less, notEqual, sub } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { any } from './statistics.js';
import { broadcastTo, reshape, slice, stack, take } from './shape.js';
import { logicalNot } from './predicates.js';
import { mod } from './rounding.js';
import { sum } from './reduce.js';
import { ravel } from './layout.js';
import { gatherAlong } from './gather.js';
import { knownOptions } from './optionChecks.js';
import { checkArgumentValues } from './argumentChecks.js';
import { checkIntegerValues, integerArg } from './numpyBreadth.js';
import { flatnonzero } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * choicelist[i] where condlist[i] is the first true condition, `defaultValue` where none is
 * (numpy.select); conditions and choices broadcast together. Differentiable in the choices and
 * the default (each entry's cotangent to the one chosen).
 * @example ad.select([ad.tensor([1, 0, 0]), ad.tensor([1, 1, 0])], [ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])], -1).toArray(); // => [1, 5, -1]
 */
export function select(condlist: readonly TensorLike[], choicelist: readonly TensorLike[], defaultValue?: TensorLike): Tensor;
export function select(condlist: readonly TensorLike[], choicelist: readonly TensorLike[], defaultValue: TensorLike = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('select', 'select(condlist, choicelist, defaultValue?)', extra, defaultValue);
  if (!Array.isArray(condlist) || !Array.isArray(choicelist)) {
    throw new InvalidArgumentError(`select: condlist and choicelist must be lists of tensors, got ${describe(condlist)} and ${describe(choicelist)}.`);
  }
  if (condlist.length !== choicelist.length) {
    throw new InvalidArgumentError(`select: condlist has ${condlist.length} conditions but choicelist ${choicelist.length} choices; they must be the same length.`);
  }
  if (condlist.length === 0) {
    throw new InvalidArgumentError('select: condlist is empty; pass at least one condition (numpy.select refuses an empty list too), or use the default value itself.');
  }
  const conds = condlist.map((c) => asTensor(c, 'select')), choices = choicelist.map((c) => asTensor(c, 'select'));
  let out = asTensor(defaultValue, 'select');
  // The shapes first, so that a mismatch names select, not the where it is built of.
  const shape = broadcastShapes('select', out.shape, ...conds.map((c) => c.shape), ...choices.map((c) => c.shape));
  for (let i = conds.length - 1; i >= 0; i--) out = where(conds[i]!, choices[i]!, out);
  return broadcastTo(out, shape);
}

/** One piece of `piecewise`: a constant, or a function of x (all of x; its entries off the piece are not used). */
export type PiecewiseFunction = number | ((x: Tensor) => TensorLike);

/**
 * `funclist[i](x)` where `condlist[i]` holds (numpy.piecewise): a **later** condition overrides an
 * earlier one, as NumPy's; one function more than conditions is the value where none holds (else
 * 0). Each function gets all of x (NumPy passes only its piece; jnp, like this, evaluates it
 * everywhere) and must return x's shape or a broadcastable one. Differentiable through the functions.
 * @example ad.piecewise(ad.tensor([-2, 0, 3]), [ad.less(ad.tensor([-2, 0, 3]), 0)], [(v) => ad.neg(v), (v) => ad.square(v)]).toArray(); // => [2, 0, 9]
 */
export function piecewise(x: TensorLike, condlist: TensorLike | readonly TensorLike[], funclist: readonly PiecewiseFunction[]): Tensor;
export function piecewise(x: TensorLike, condlist: TensorLike | readonly TensorLike[], funclist: readonly PiecewiseFunction[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('piecewise', 'piecewise(x, condlist, funclist)', extra, funclist);
  const t = asTensor(x, 'piecewise');
  const conds = (Array.isArray(condlist) ? condlist : [condlist]).map((c, i) => {
    const cond = asTensor(c, 'piecewise');
    // Each condition must broadcast to x's shape (numpy.piecewise indexes x with it).
    if (!shapesEqual(broadcastShapes('piecewise', cond.shape, t.shape), t.shape)) {
      throw new ShapeError(`piecewise: condition ${i} has shape ${formatShape(cond.shape)}, which does not broadcast to x's shape ${formatShape(t.shape)}; give conditions shaped as x.`);
    }
    return broadcastTo(cond, t.shape);
  });
  if (!Array.isArray(funclist)) throw new InvalidArgumentError(`piecewise: funclist must be a list of numbers or functions, got ${describe(funclist)}.`);
  const n = conds.length;
  if (funclist.length !== n && funclist.length !== n + 1) {
    throw new InvalidArgumentError(`piecewise: ${n} conditions need ${n} or ${n + 1} functions (the last for where none holds), got ${funclist.length}.`);
  }
  const pieces = conds.slice();
  if (funclist.length === n + 1) pieces.push(n === 0 ? broadcastTo(1, t.shape) : logicalNot(any(stack(conds, 0), 0)));
  let out: Tensor = zeros(t.shape);
  pieces.forEach((c, i) => {
    const f = funclist[i]!;
    let value: TensorLike;
    if (typeof f === 'number') value = f;
    else if (typeof f === 'function') value = f(t);
    else throw new InvalidArgumentError(`piecewise: funclist[${i}] must be a number or a function of x, got ${describe(f)}.`);
    out = where(c, value, out);
  });
  return broadcastTo(out, t.shape);
}

/** How `choose` treats an index outside [0, n). */
export type ChooseMode = 'raise' | 'wrap' | 'clip';

/**
 * choices[a] entry by entry (numpy.choose): a holds whole numbers indexing the list; a and the
 * choices broadcast together. `mode`: 'raise' (default; an index outside [0, n) is an
 * AdjointError, also under jit), 'wrap' (modulo n) or 'clip'. Differentiable in the choices.
 * @example ad.choose(ad.tensor([0, 2, 1]), [ad.tensor([1, 2, 3]), 10, ad.tensor([7, 8, 9])]).toArray(); // => [1, 8, 10]
 */
export function choose(a: TensorLike, choices: readonly TensorLike[], mode?: ChooseMode): Tensor;
export function choose(a: TensorLike, choices: readonly TensorLike[], mode: ChooseMode = 'raise', ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('choose', 'choose(a, choices, mode?)', extra, mode);
  const idx = stopGradient(asTensor(a, 'choose'));
  if (!Array.isArray(choices) || choices.length === 0) throw new InvalidArgumentError(`choose: choices must be a non-empty list of tensors, got ${describe(choices)}.`);
  if (mode !== 'raise' && mode !== 'wrap' && mode !== 'clip') throw new InvalidArgumentError(`choose: mode must be 'raise', 'wrap' or 'clip', got ${describe(mode)}.`);
  const cs = choices.map((c) => asTensor(c, 'choose'));
  const n = cs.length;
  const shape = broadcastShapes('choose', idx.shape, ...cs.map((c) => c.shape));
  checkIntegerValues('choose', 'a', idx);
  let k = idx;
  if (mode === 'raise') {
    checkArgumentValues(idx, (v) => {
      for (let i = 0; i < v.length; i++) {
        if (v[i]! < 0 || v[i]! >= n) throw new InvalidArgumentError(`choose: a holds ${v[i]} (flat entry ${i} of shape ${formatShape(idx.shape)}), outside [0, ${n - 1}] for ${n} choices; pass mode 'wrap' or 'clip' to map it into range.`);
      }
    });
    // Under vmap the values are not checked here (checkArgumentValues leaves vmap out), and the
    // gather below reads a negative index from the end, so choose(−1) would pick the last choice
    // silently. Shifted to v − n (below −n), it fails the gather's own range check, which runs per
    // example under vmap; valid indices (≥ 0) are unchanged.
    k = where(less(idx, 0), sub(idx, n), idx);
  } else k = mode === 'wrap' ? mod(idx, n) : clip(idx, 0, n - 1);
  const stacked = stack(cs.map((c) => broadcastTo(c, shape)), 0);
  return reshape(gatherAlong(stacked, reshape(broadcastTo(k, shape), [1, ...shape]), 0, 'choose'), shape);
}

/** Options of `compress` and `extract` (JAX's static size). */
export interface CompressOptions {
  /** The number of slices returned: the first `size` selected ones, padded with `fillValue`. Makes the shape static (needed under vmap). */
  readonly size?: number | undefined;
  /** The value of the padding past the selected slices (default 0). */
  readonly fillValue?: number | undefined;
}

/**
 * The slices of a along `axis` where `condition` (1-d) is non-zero (numpy.compress; without an
 * axis, entries of the flattened a). A condition shorter than the axis keeps only that many slices
 * (NumPy's); a longer one may have only zeros past the axis. The count depends on the values: read
 * eagerly (under jit the function runs as written; under vmap an error), or fixed by `{ size,
 * fillValue }` (JAX's), which runs under vmap and jit. Differentiable in a.
 * @example ad.compress(ad.tensor([0, 1, 1]), ad.tensor([[1, 2, 3], [4, 5, 6]]), 1).toArray(); // => [[2, 3], [5, 6]]
 */
export function compress(condition: TensorLike, a: TensorLike, axis?: number, options?: CompressOptions): Tensor;
export function compress(condition: TensorLike, a: TensorLike, axis?: number, options: CompressOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('compress', 'compress(condition, a, axis?, options?)', extra, options);
  return compressed('compress', condition, a, axis, options);
}

function compressed(op: string, condition: TensorLike, a: TensorLike, axis: number | undefined, options: CompressOptions): Tensor {
  knownOptions(op, options, ['size', 'fillValue'], '{ size: 3, fillValue: 0 }');
  let c = stopGradient(asTensor(condition, op));
  let t = asTensor(a, op);
  if (c.ndim !== 1) throw new ShapeError(`${op}: condition must be 1-d, got shape ${formatShape(c.shape)}.`);
  if (axis === undefined) t = ravel(t);
  const ax = normalizeAxis(axis ?? 0, t.ndim, op);
  const n = t.shape[ax]!;
  if (c.size > n) {
    const extra = slice(c, [n], [c.size - n]);
    checkArgumentValues(extra, (v) => {
      if (v.some((e) => e !== 0)) throw new InvalidArgumentError(`${op}: condition of length ${c.size} selects past the end of axis ${ax} of length ${n} (a of shape ${formatShape(t.shape)}); shorten it.`);
    });
    c = slice(c, [0], [n]);
  }
  if (c.size < n) t = slice(t, t.shape.map(() => 0), t.shape.map((d, i) => (i === ax ? c.size : d)));
  const fill = options.fillValue ?? 0;
  if (typeof fill !== 'number') throw new InvalidArgumentError(`${op}: fillValue must be a number, got ${describe(fill)}.`);
  if (options.size === undefined) return take(t, flatnonzero(c), ax);
  const size = integerArg(op, 'size', options.size);
  const positions = flatnonzero(c, { size, fillValue: 0 });
  const picked = c.size === 0 ? broadcastTo(fill, t.shape.map((d, i) => (i === ax ? size : d))) : take(t, positions, ax);
  const valid = reshape(less(arange(size), sum(notEqual(c, 0))), t.shape.map((_, i) => (i === ax ? size : 1)));
  return where(valid, picked, fill);
}

/**
 * The entries of arr where `condition` is non-zero, flattened (numpy.extract; compress of the
 * flattened arrays). `{ size, fillValue }` as `compress`.
 * @example ad.extract(ad.tensor([[1, 0], [0, 1]]), ad.tensor([[5, 6], [7, 8]])).toArray(); // => [5, 8]
 */
export function extract(condition: TensorLike, arr: TensorLike, options?: CompressOptions): Tensor;
export function extract(condition: TensorLike, arr: TensorLike, options: CompressOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('extract', 'extract(condition, arr, options?)', extra, options);
  return compressed('extract', ravel(asTensor(condition, 'extract')), ravel(asTensor(arr, 'extract')), undefined, options);
}

/**
 * a's entries, flattened and repeated cyclically, in the shape `newShape` (numpy.resize); an empty a
 * gives zeros (NumPy's). Differentiable (repeated entries add their cotangents).
 * @example ad.resize(ad.tensor([1, 2, 3]), [2, 4]).toArray(); // => [[1, 2, 3, 1], [2, 3, 1, 2]]
 */
export function resize(a: TensorLike, newShape: number | Shape): Tensor;
export function resize(a: TensorLike, newShape: number | Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('resize', 'resize(a, newShape)', extra, newShape);
  const t = ravel(asTensor(a, 'resize'));
  const shape = typeof newShape === 'number' ? [newShape] : newShape;
  if (!Array.isArray(shape)) throw new InvalidArgumentError(`resize: newShape must be a whole number or a list of them, got ${describe(newShape)}.`);
  shape.forEach((d) => integerArg('resize', 'a dimension of newShape', d));
  const total = sizeOf(shape);
  if (t.size === 0) return zeros(shape);
  return reshape(take(t, Array.from({ length: total }, (_, i) => i % t.size), 0), shape);
}

