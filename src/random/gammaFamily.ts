/**
 * @file Samplers built from gamma draws as jax.random builds them: `beta` (two log-gamma draws from
 * split keys, normalised in log space), `dirichlet` (a softmax of log-gamma draws), `chisquare`
 * (2·gamma(df/2) through loggamma) and `t` (a normal over √(gamma(df/2)/(df/2))). Each is
 * differentiable in its parameters through gamma's implicit-reparameterisation derivative.
 */
import { ShapeError } from '../core/errors.js';
import { add, div, greaterEqual, maximum, mul, sub } from '../ops/binary.js';
import { max, sum } from '../ops/reduce.js';
import { stopGradient, where } from '../ops/select.js';
import { exp, log, sqrt } from '../ops/unary.js';
import { isfinite } from '../ops/predicates.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { broadcastShapes, formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { standardNormal, TINY, type KeyLike } from './continuous.js';
import { gammaSample } from './gamma.js';
import { split, toKey } from './key.js';
import { broadcastsTo, checkPositive, param, valuesToCheck, type Param, optionalShape } from './params.js';
import { keyed } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

/** A parameter's shape: a number's is []. */
const shapeOf = (v: TensorLike): Shape => (v instanceof Tensor ? v.shape : []);

/**
 * Beta(a, b) values in [0, 1], density ∝ x^{a−1}(1 − x)^{b−1}, as JAX's `random.beta`: with
 * split(key) = [ka, kb], log-gamma draws la = loggamma(ka, a), lb = loggamma(kb, b) and
 * x = e^{la − m}/(e^{la − m} + e^{lb − m}) for m = max(la, lb) (no underflow for small a and b).
 * The shape defaults to the broadcast of a's and b's. Differentiable in `a` and `b`.
 * @example ad.random.beta(ad.random.key(0), 2, 5, [3]).shape // [3]
 */
export function beta(k: KeyLike, a: TensorLike, b: TensorLike, shape?: Shape): Tensor;
export function beta(k: KeyLike, a: TensorLike, b: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.beta', 'random.beta(k, a, b, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.beta', k, [a, b] as const, (key, [a, b]) => beta(key, a, b, shape));
  const op = 'random.beta';
  const sampleShape = optionalShape(op, shape) ?? broadcastShapes(op, shapeOf(a), shapeOf(b));
  const [ka, kb] = split(toKey(k, op), 2);
  const la = gammaSample(op, ka!, a, 'a', sampleShape, true), lb = gammaSample(op, kb!, b, 'b', sampleShape, true);
  // The shift m cancels in the value; stopGradient keeps it out of the derivative (JAX's lax.max: the same value).
  const m = stopGradient(maximum(la, lb));
  const ea = exp(sub(la, m)), eb = exp(sub(lb, m));
  return div(ea, add(ea, eb));
}

/**
 * Dirichlet(alpha) vectors (nonnegative, summing to 1) for concentrations `alpha` of shape
 * [..., K], as JAX's `random.dirichlet`: a softmax over the last axis of loggamma(key, alpha) draws
 * of shape [...shape, K] (`shape` is the batch shape, default alpha's without its last axis).
 * Differentiable in `alpha`.
 * @example ad.random.dirichlet(ad.random.key(0), ad.tensor([1, 2, 3]), [4]).shape // [4, 3]
 */
export function dirichlet(k: KeyLike, alpha: TensorLike, shape?: Shape): Tensor;
export function dirichlet(k: KeyLike, alpha: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.dirichlet', 'random.dirichlet(k, alpha, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.dirichlet', k, [alpha] as const, (key, [alpha]) => dirichlet(key, alpha, shape));
  const op = 'random.dirichlet';
  const concentration = asTensor(alpha, op);
  if (concentration.ndim < 1) {
    throw new ShapeError(`${op}: alpha must have at least one axis (the K categories, shape [..., K]), got a scalar; pass e.g. ad.tensor([1, 1, 1]), or use random.beta for K = 2.`);
  }
  const K = concentration.shape[concentration.ndim - 1]!;
  if (shape !== undefined && !Array.isArray(shape)) {
    throw new ShapeError(`${op}: shape must be an array of sizes (the batch shape, without the categories' axis), got ${describe(shape)}; pass e.g. [${String(shape)}].`);
  }
  const batch = shape ?? concentration.shape.slice(0, -1);
  if (!broadcastsTo(concentration.shape.slice(0, -1), batch)) {
    throw new ShapeError(
      `${op}: shape ${formatShape(batch)} is the batch shape and must end with (or broadcast) alpha's batch shape ` +
        `${formatShape(concentration.shape.slice(0, -1))} (alpha ${formatShape(concentration.shape)} without its last axis, the categories); ` +
        `pass e.g. [n, ${concentration.shape.slice(0, -1).join(', ')}] for n draws.`.replace(', ]', ']'),
    );
  }
  const logs = gammaSample(op, k, concentration, 'alpha', [...batch, K], true);
  // JAX's _softmax: exp(x − stop_gradient(max)) / sum.
  const e = exp(sub(logs, stopGradient(max(logs, -1, true))));
  return div(e, sum(e, -1, true));
}

/** df checked positive, and df/2 (a number, or a tensor with its derivative kept). */
function halfDf(op: string, df: TensorLike, shape: Shape): Param {
  const d = param(op, 'df', df, shape);
  checkPositive(op, 'df', d, true, 'pass degrees of freedom df > 0.');
  return typeof d === 'number' ? d / 2 : div(d, 2);
}

/**
 * Chi-square(df) values, as JAX's `random.chisquare`: 2·exp(loggamma(key, df/2)). The shape
 * defaults to df's. Differentiable in `df`.
 * @example ad.random.chisquare(ad.random.key(0), 3, [2]).shape // [2]
 */
export function chisquare(k: KeyLike, df: TensorLike, shape?: Shape): Tensor;
export function chisquare(k: KeyLike, df: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.chisquare', 'random.chisquare(k, df, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.chisquare', k, [df] as const, (key, [df]) => chisquare(key, df, shape));
  const op = 'random.chisquare';
  const sampleShape = optionalShape(op, shape) ?? shapeOf(df);
  return mul(exp(gammaSample(op, k, halfDf(op, df, sampleShape), 'df', sampleShape, true)), 2);
}

/**
 * Student's t(df) values, as JAX's `random.t`: with split(key) = [kn, kg], z = normal(kn) and
 * g = gamma(kg, df/2), x = z·√((df/2)/g) (from log g where g underflows, for df < 0.2). The shape
 * defaults to df's (JAX's to []).
 * Differentiable in `df`.
 * @example ad.random.t(ad.random.key(0), 5, [3]).shape // [3]
 */
export function t(k: KeyLike, df: TensorLike, shape?: Shape): Tensor;
export function t(k: KeyLike, df: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.t', 'random.t(k, df, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.t', k, [df] as const, (key, [df]) => t(key, df, shape));
  const op = 'random.t';
  const sampleShape = optionalShape(op, shape) ?? shapeOf(df);
  const [kn, kg] = split(toKey(k, op), 2);
  const half = halfDf(op, df, sampleShape);
  const z = new Tensor(standardNormal(op, kn!, sampleShape), [...sampleShape]);
  const g = gammaSample(op, kg!, half, 'df', sampleShape, false);
  if (!mayUnderflow(half)) return mul(z, sqrt(div(half, g)));
  // For a small df the gamma draw underflows: P(g < 2^−1022) ≈ e^{−708h}/Γ(h + 1) for h = df/2,
  // 3 % at df = 0.01, where JAX's √(h/g) is then ∞ (or loses digits among the subnormals) though
  // the t draw, near 1e152, is finite (P(|t| > 1.8e308) is 0.08 % there). Those draws take the
  // same gamma draw's log, √(h/g) = exp((log h − log g)/2); the others keep JAX's formula, bit for bit.
  const lg = gammaSample(op, kg!, half, 'df', sampleShape, true);
  const normal = greaterEqual(g, TINY); // g is a normal number
  const direct = sqrt(div(half, where(normal, g, 1))); // g = 1 where unused: no ∞ or NaN in its derivative
  const viaLog = exp(mul(sub(typeof half === 'number' ? Math.log(half) : log(half), lg), 0.5));
  // The values as above; the derivative in df always through the log form. Through √(h/g) it
  // needs h/g², and g² underflows from g ≈ 1e−154 on, well inside the normal numbers: ∂t/∂df was
  // ±∞ for 14 % of the finite draws at df = 0.01 (t ≈ 1e75 and beyond, a derivative near 1e87).
  // The log form's derivative is the same function's, and finite wherever the draw is.
  const value = stopGradient(where(normal, direct, viaLog));
  const slope = where(isfinite(viaLog), sub(viaLog, stopGradient(viaLog)), 0); // 0 in value, viaLog's derivative
  return mul(z, add(value, slope));
}

/**
 * Whether a gamma(h) draw may fall below 2^−1022: with probability about e^{−708h}/Γ(h + 1), so
 * never in practice from h = 0.1 on (1e−31); also when h cannot be read (traced, or batched by vmap).
 */
function mayUnderflow(half: Param): boolean {
  const values = valuesToCheck(half);
  return values === null || Array.from(values).some((h) => h < 0.1);
}
