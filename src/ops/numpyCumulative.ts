/**
 * @file The array API's running sum and product (numpy 2's cumulative_sum and cumulative_prod,
 * jnp.cumulative_sum and jnp.cumulative_prod), as composites of cumsum and cumprod: the axis is an
 * option that a 1-D x may leave out, and `includeInitial` prepends the empty sum 0 (product 1).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, full, type TensorLike } from '../tensor/create.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { cumsum } from './reduce.js';
import { concat } from './shape.js';
import { cumprod } from '../products/cumprod.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of cumulativeSum and cumulativeProd. */
export interface RunningOptions {
  /** The axis to run along; may be left out only for a 1-D x. */
  readonly axis?: number | undefined;
  /** Prepend the empty sum 0 (product 1): the result is one longer along the axis. Default false. */
  readonly includeInitial?: boolean | undefined;
}

/**
 * x's running sum along `axis`, as numpy.cumulative_sum / jnp.cumulative_sum: for a 1-D x the axis
 * may be left out; with `includeInitial` the result starts with 0 (length n + 1). Differentiable as
 * cumsum is (the prepended 0 is a constant).
 * @example ad.cumulativeSum(ad.tensor([1, 2, 3]), { includeInitial: true }).toArray(); // => [0, 1, 3, 6]
 */
export function cumulativeSum(x: TensorLike, options?: RunningOptions): Tensor;
export function cumulativeSum(x: TensorLike, options: RunningOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cumulativeSum', 'cumulativeSum(x, { axis, includeInitial })', extra, options);
  return cumulative('cumulativeSum', x, options, 0, (t, axis) => cumsum(t, axis));
}

/**
 * x's running product along `axis`, as numpy.cumulative_prod / jnp.cumulative_prod: for a 1-D x the
 * axis may be left out; with `includeInitial` the result starts with 1 (length n + 1). Its
 * derivatives are cumprod's, exact with zeros among the factors.
 * @example ad.cumulativeProd(ad.tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray(); // => [[1, 2], [3, 12]]
 */
export function cumulativeProd(x: TensorLike, options?: RunningOptions): Tensor;
export function cumulativeProd(x: TensorLike, options: RunningOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cumulativeProd', 'cumulativeProd(x, { axis, includeInitial })', extra, options);
  return cumulative('cumulativeProd', x, options, 1, (t, axis) => cumprod(t, axis));
}

function cumulative(op: string, x: TensorLike, options: RunningOptions, initial: number, run: (t: Tensor, axis: number) => Tensor): Tensor {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: options must be an object such as { axis: 0, includeInitial: true }, got ${describe(options)}.`);
  }
  const unknown = Object.keys(options).find((k) => k !== 'axis' && k !== 'includeInitial');
  if (unknown !== undefined) throw new InvalidArgumentError(`${op}: unknown option '${unknown}'; the options are axis and includeInitial.`);
  const { axis: given, includeInitial = false } = options;
  if (typeof includeInitial !== 'boolean') throw new InvalidArgumentError(`${op}: includeInitial must be true or false, got ${describe(includeInitial)}.`);
  const t = asTensor(x, op);
  if (given === undefined && t.ndim !== 1) {
    throw new InvalidArgumentError(
      `${op}: x has shape ${formatShape(t.shape)}; the axis may be left out only for a 1-D x (as numpy's and jnp's). Pass { axis }, e.g. { axis: 0 }.`,
    );
  }
  const axis = normalizeAxis(given ?? 0, t.ndim, op);
  const running = run(t, axis);
  if (!includeInitial) return running;
  const shape = t.shape.slice();
  shape[axis] = 1;
  return concat([full(shape, initial), running], axis);
}
