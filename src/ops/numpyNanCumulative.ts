/**
 * @file jax.numpy's NaN-skipping products, running sums and positions, as composites (no new
 * primitives): nanprod, nancumsum, nancumprod, nanMaxIndex and nanMinIndex (numpy.nanargmax and
 * nanargmin, named as `maxIndex`/`minIndex` are, since `ad.argmin` is the optimizer).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import { where } from './select.js';
import { cumsum, type Axis } from './reduce.js';
import { all } from './statistics.js';
import { isnan } from './predicates.js';
import { ravel } from './layout.js';
import { maxIndex, minIndex } from './sort.js';
import { prod } from '../products/prod.js';
import { cumprod } from '../products/cumprod.js';
import { extraArguments } from '../core/extraArguments.js';
import { maskOf, reductionOptions, type ReduceOptions } from './reductionOptions.js';

/** x with NaN replaced by `fill`, flattened when no axis is given (NumPy's axis=None). */
function filled(op: string, x: TensorLike, fill: number, axis: number | undefined): { t: Tensor; ax: number } {
  const t = asTensor(x, op);
  if (axis !== undefined && (typeof axis !== 'number' || !Number.isInteger(axis))) {
    throw new InvalidArgumentError(`${op}: axis must be an integer, or left out to work on the flattened x, got ${describe(axis)}.`);
  }
  const f = where(isnan(t), fill, t);
  return axis === undefined ? { t: ravel(f), ax: 0 } : { t: f, ax: axis };
}

/**
 * The product over `axis` with NaN read as 1 (numpy.nanprod): all axes by default; an all-NaN lane
 * gives 1. NaN entries get a zero gradient; the others prod's (exact with zeros, to every order).
 * @example ad.nanprod(ad.tensor([[2, NaN], [3, 4]]), 1).toArray(); // => [2, 12]
 */
export function nanprod(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function nanprod(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanprod', 'nanprod(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('nanprod', axis, keepdims, ['where', 'initial']);
  const t = asTensor(x, 'nanprod');
  normalizeAxes(o.axis, t.ndim, 'nanprod'); // a bad axis named as nanprod's, not prod's
  const kept = o.where === undefined ? t : where(maskOf('nanprod', o.where, t.shape), t, 1);
  return prod(where(isnan(kept), 1, kept), o.axis, { keepdims: o.keepdims, initial: o.initial });
}

/**
 * The running sum along `axis` with NaN read as 0 (numpy.nancumsum); without an axis, of the
 * flattened x. NaN entries get a zero gradient.
 * @example ad.nancumsum(ad.tensor([1, NaN, 3])).toArray(); // => [1, 1, 4]
 */
export function nancumsum(x: TensorLike, axis?: number): Tensor;
export function nancumsum(x: TensorLike, axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nancumsum', 'nancumsum(x, axis?)', extra, axis);
  const { t, ax } = filled('nancumsum', x, 0, axis);
  return cumsum(t, ax);
}

/**
 * The running product along `axis` with NaN read as 1 (numpy.nancumprod); without an axis, of the
 * flattened x. NaN entries get a zero gradient.
 * @example ad.nancumprod(ad.tensor([2, NaN, 3])).toArray(); // => [2, 2, 6]
 */
export function nancumprod(x: TensorLike, axis?: number): Tensor;
export function nancumprod(x: TensorLike, axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nancumprod', 'nancumprod(x, axis?)', extra, axis);
  const { t, ax } = filled('nancumprod', x, 1, axis);
  return cumprod(t, ax);
}

function nanPosition(op: string, which: typeof maxIndex, fill: number, x: TensorLike, axis: number | undefined, keepdims: boolean): Tensor {
  const t = asTensor(x, op);
  const ax = axis === undefined ? undefined : normalizeAxis(axis, t.ndim, op); // a bad axis named as this op's, not maxIndex's
  if (t.size === 0 && (ax === undefined || t.shape[ax] === 0)) {
    throw new InvalidArgumentError(`${op}: x of shape [${t.shape.join(', ')}] is empty along ${ax === undefined ? 'its flattened length' : `axis ${ax}`}; there is no position to point to (NumPy raises too).`);
  }
  const position = which(where(isnan(t), fill, t), axis, keepdims);
  // A lane of NaNs has no position: −1, as jnp's (NumPy raises 'All-NaN slice encountered').
  return where(all(isnan(t), axis, keepdims), -1, position);
}

/**
 * The position of the largest non-NaN entry along `axis` (of the flattened x without one), as
 * numpy.nanargmax / jnp.nanargmax: the first of ties; −1 for a lane of NaNs (jnp's; NumPy raises).
 * Named as `maxIndex` (numpy.argmax). No gradient.
 * @example ad.nanMaxIndex(ad.tensor([[NaN, 4, 1], [NaN, NaN, NaN]]), 1).toArray(); // => [1, -1]
 */
export function nanMaxIndex(x: TensorLike, axis?: number, keepdims?: boolean): Tensor;
export function nanMaxIndex(x: TensorLike, axis?: number, keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanMaxIndex', 'nanMaxIndex(x, axis?, keepdims?)', extra, keepdims);
  return nanPosition('nanMaxIndex', maxIndex, -Infinity, x, axis, keepdims);
}

/**
 * The position of the smallest non-NaN entry along `axis` (numpy.nanargmin); as `nanMaxIndex`.
 * @example ad.nanMinIndex(ad.tensor([3, NaN, 1, 1])).item(); // => 2
 */
export function nanMinIndex(x: TensorLike, axis?: number, keepdims?: boolean): Tensor;
export function nanMinIndex(x: TensorLike, axis?: number, keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanMinIndex', 'nanMinIndex(x, axis?, keepdims?)', extra, keepdims);
  return nanPosition('nanMinIndex', minIndex, Infinity, x, axis, keepdims);
}
