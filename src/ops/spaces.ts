/**
 * @file linspace with endpoints that are tensors — traced by grad or jit, mapped by vmap, or
 * arrays of starts and stops — as jnp.linspace differentiates them: NumPy's values a + i·(b − a)/div
 * written in ops (the same arithmetic as the numbers' kernel, so the same bits), so ∂/∂a = 1 − i/div
 * and ∂/∂b = i/div. Array endpoints broadcast, the new axis first (NumPy's and JAX's axis=0).
 * geomspace's tensor form follows NumPy's recipe the same way.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, endpointArg, linspace as linspaceOfNumbers, type TensorLike } from '../tensor/create.js';
import { add, div, equal, less, mul, pow, sub } from './binary.js';
import { where } from './select.js';
import { broadcastTo, concat, expandDims, reshape, take } from './shape.js';
import { log10 } from './logBases.js';
import { any, checkableValues } from './statistics.js';
import { extraArguments } from '../core/extraArguments.js';
import { moveaxis } from './layout.js';

/** The endpoints as tensors broadcast to one shape, or an AdjointError naming `op`. */
function endpoints(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, number[]] {
  const [lo, hi] = [asTensor(a, op), asTensor(b, op)];
  const shape = broadcastShapes(op, lo.shape, hi.shape);
  return [broadcastTo(lo, shape), broadcastTo(hi, shape), [...shape]];
}

/** `rows` (n along the first axis) with its last row replaced by `last` (the endpoint, set exactly as NumPy's). */
function withLastRow(rows: Tensor, last: Tensor): Tensor {
  const n = rows.shape[0]!;
  return concat([take(rows, Int32Array.from({ length: n - 1 }, (_, i) => i), 0), expandDims(last, 0)], 0);
}

/** linspace's options (NumPy's and jnp.linspace's keywords). */
export interface LinspaceOptions {
  /** Whether `b` is the last value (default true); false spaces n values over [a, b), step (b − a)/n. */
  readonly endpoint?: boolean | undefined;
  /** Return `[samples, step]` (NumPy's retstep): step (b − a)/div, shaped as the endpoints; NaN when there is no step (n ≤ 1 with the endpoint, n = 0 without). */
  readonly retstep?: boolean | undefined;
  /** Where the new axis of the samples goes among the endpoints' axes (default 0; −1 puts it last), as NumPy's axis. */
  readonly axis?: number | undefined;
}

/**
 * `n` evenly spaced values from `a` to `b` (numpy.linspace, jnp.linspace; n = 50 by default, as both): `b` included, or left
 * out with `endpoint` false (positional, or `{ endpoint: false }`) — the step then (b − a)/n rather
 * than (b − a)/(n − 1). Values a + i·step, as NumPy's. The endpoints may be tensors: being
 * differentiated (∂/∂a = 1 − i/div, ∂/∂b = i/div), mapped by vmap, or arrays of starts and stops,
 * which broadcast and give shape [n, ...their shape] — the new axis at `axis` instead with
 * `{ axis }`. `{ retstep: true }` returns `[samples, step]` (NumPy's retstep).
 * @example ad.linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]
 * @example ad.linspace(0, 1, 5, false) // [0, 0.2, 0.4, 0.6, 0.8]
 * @example ad.grad((b: ad.Tensor) => ad.sum(ad.linspace(0, b, 5)))(ad.scalar(2)) // 2.5
 * @example ad.linspace(0, 1, 5, { retstep: true })[1] // 0.25
 */
export function linspace(a: TensorLike, b: TensorLike, n: number | undefined, options: LinspaceOptions & { readonly retstep: true }): [Tensor, Tensor];
export function linspace(a: TensorLike, b: TensorLike, n?: number, endpoint?: boolean | (LinspaceOptions & { readonly retstep?: false | undefined })): Tensor;
export function linspace(a: TensorLike, b: TensorLike, n?: number, endpoint?: boolean | LinspaceOptions): Tensor | [Tensor, Tensor];
export function linspace(a: TensorLike, b: TensorLike, n = 50, endpoint: boolean | LinspaceOptions = true, ...extra: unknown[]): Tensor | [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('linspace', 'linspace(a, b, n, endpoint?)', extra, endpoint);
  if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) return samples(a, b, n, endpoint);
  const unknown = Object.keys(endpoint).find((k) => k !== 'endpoint' && k !== 'retstep' && k !== 'axis');
  if (unknown !== undefined) throw new InvalidArgumentError(`linspace: unknown option '${unknown}'; the options are endpoint, retstep and axis.`);
  const { retstep, axis } = endpoint;
  if (retstep !== undefined && typeof retstep !== 'boolean') throw new InvalidArgumentError(`linspace: retstep must be true or false, got ${describe(retstep)}.`);
  const closed = endpointArg({ endpoint: endpoint.endpoint });
  let out = samples(a, b, n, closed);
  if (axis !== undefined) {
    if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -out.ndim || axis >= out.ndim) {
      throw new InvalidArgumentError(`linspace: axis must be an integer in [${-out.ndim}, ${out.ndim - 1}] (the samples have ${out.ndim} axes, the new one and the endpoints'), got ${describe(axis)}.`);
    }
    if (out.ndim > 1) out = moveaxis(out, 0, axis);
  }
  if (!retstep) return out;
  // numpy.linspace: div = n − 1 (or n without the endpoint); step = (b − a)/div, NaN when div ≤ 0.
  const steps = closed ? n - 1 : n;
  if (steps <= 0) return [out, Tensor.scalar(NaN)];
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) return [out, Tensor.scalar((b - a) / steps)];
  const [lo, hi] = endpoints('linspace', a, b);
  return [out, div(sub(hi, lo), steps)];
}

function samples(a: TensorLike, b: TensorLike, n: number, endpoint: unknown): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) return linspaceOfNumbers(a, b, n, endpoint as boolean);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`linspace: n (the number of values) must be a non-negative integer, got ${describe(n)}.`);
  }
  const closed = endpointArg(endpoint);
  const [lo, hi, shape] = endpoints('linspace', a, b);
  // numpy.linspace: div = n − 1 with the endpoint, n without; step = (b − a)/div; y = i·step + a.
  const steps = closed ? n - 1 : n;
  const i = reshape(arange(n), [n, ...shape.map(() => 1)]);
  // Where any step rounds to 0 (a == b in some column, or a subnormal range), NumPy takes
  // (i/div)·(b − a) for every entry instead (numpy.linspace's any_step_zero, gh-5437): the same
  // value to an ulp elsewhere, and the only one that moves at all in linspace(5e-324, 0, 5).
  let rows: Tensor;
  if (steps > 0) {
    const delta = sub(hi, lo), step = div(delta, steps);
    rows = add(where(any(equal(step, 0)), mul(div(i, steps), delta), mul(i, step)), lo);
  } else rows = add(mul(i, 0), lo); // n ≤ 1: [a] (or none)
  return closed && n > 1 ? withLastRow(rows, hi) : rows;
}

/**
 * geomspace over tensor endpoints, numpy.geomspace's recipe in ops: both negative flips the sign,
 * the exponents 10^linspace(log10 start, log10 stop), then the ends set to start and stop exactly.
 * A zero endpoint is an error where its value can be read (NumPy's); under a trace it gives zeros.
 * @internal
 */
export function geomspaceOfTensors(start: TensorLike, stop: TensorLike, num: number, endpoint: boolean): Tensor {
  const [s, e] = endpoints('geomspace', start, stop);
  for (const t of [s, e]) {
    const values = checkableValues(t);
    if (values !== null && values.some((v) => v === 0)) throw new InvalidArgumentError('geomspace: a geometric sequence cannot include zero (a start or stop is 0).');
  }
  const sign = where(mul(less(s, 0), less(e, 0)), -1, 1);
  const [lo, hi] = [mul(s, sign), mul(e, sign)];
  let rows = pow(10, linspace(log10(lo), log10(hi), num, endpoint));
  if (num > 0) rows = concat([expandDims(lo, 0), take(rows, Int32Array.from({ length: num - 1 }, (_, i) => i + 1), 0)], 0);
  if (num > 1 && endpoint) rows = withLastRow(rows, hi);
  return mul(rows, sign);
}
