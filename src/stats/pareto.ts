/**
 * @file The Pareto distribution (jax.scipy.stats.pareto, SciPy's parameters): y = (x − loc)/scale on y ≥ 1,
 * density b/y^{b+1}/scale. b ≤ 0 or scale ≤ 0 give NaN, as SciPy (JAX does not check them).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { div, greaterEqual, less, log, logicalAnd, mul, sub, add, where } from './ops.js';
import { args, fromLog, greaterZero, inSupport, nanUnless, validAndNotNaN } from './args.js';
import { extraArguments } from '../core/extraArguments.js';

/** log b − (b + 1) log y − log scale on y ≥ 1, −∞ below (and at y = ∞). @example ad.stats.pareto.logpdf(1, 3) // log 3 */
export function logpdf(x: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logpdf(x: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.pareto.logpdf', 'stats.pareto.logpdf(x, b, loc?, scale?)', extra, scale);
  const [xt, bt, l, s] = args('stats.pareto.logpdf', x, b, loc, scale);
  const y = div(sub(xt!, l!), s!);
  const valid = validAndNotNaN(greaterZero(bt!, s!), xt!, l!);
  const inside = logicalAnd(greaterEqual(y, 1), less(y, Infinity));
  const yIn = where(inside, y, 1);
  const value = sub(sub(log(bt!), mul(add(bt!, 1), log(yIn))), log(s!));
  return nanUnless(valid, inSupport(inside, value, -Infinity));
}
/** @example ad.stats.pareto.pdf(2, 1) // 0.25 */
export function pdf(x: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function pdf(x: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.pareto.pdf', 'stats.pareto.pdf(x, b, loc?, scale?)', extra, scale);
  return fromLog(logpdf(x, b, loc, scale));
}
