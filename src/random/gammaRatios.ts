/**
 * @file Samplers built on gamma draws beyond gammaFamily.ts, as jax.random builds them: `f` (a
 * ratio of chi-squares), `generalizedNormal` (a signed gamma draw to the power 1/p) and `ball`
 * (uniform in the unit p-norm ball, Barthe, Guédon, Mendelson & Naor 2005). Differentiable in the
 * degrees of freedom through gamma's implicit-reparameterisation derivative.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { add, div, mul, pow, sub } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { sum } from '../ops/reduce.js';
import { abs, exp } from '../ops/unary.js';
import type { TensorLike } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { keyed } from './batching.js';
import type { KeyLike } from './continuous.js';
import { defaultShape } from './closedForm.js';
import { gammaSample } from './gamma.js';
import { split, toKey } from './key.js';
import { exponential, rademacher } from './locationScale.js';
import { checkPositive, optionalShape, param } from './params.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * Snedecor's F(dfnum, dfden) values (JAX's `random.f`): with split(key) = [kden, knum],
 * (chisquare(knum, dfnum)/dfnum)/(chisquare(kden, dfden)/dfden), the ratio formed in log space. The shape defaults to the
 * parameters' broadcast shape. Differentiable in both degrees of freedom.
 * @example ad.random.f(ad.random.key(0), 3, 5, [2]).shape // [2]
 */
export function f(k: KeyLike, dfnum: TensorLike, dfden: TensorLike, shape?: Shape): Tensor;
export function f(k: KeyLike, dfnum: TensorLike, dfden: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.f', 'random.f(k, dfnum, dfden, shape?)', extra, shape);
  const op = 'random.f';
  return keyed(op, k, [dfnum, dfden] as const, (key, [dfnum, dfden]) => {
    const s = defaultShape(op, shape, dfnum, dfden);
    for (const [name, v] of [['dfnum', dfnum], ['dfden', dfden]] as const) {
      checkPositive(op, name, param(op, name, v, s), true, `pass degrees of freedom ${name} > 0.`);
    }
    const [kden, knum] = split(toKey(key, op), 2);
    // JAX's chisquare is 2·exp(loggamma(df/2)); the ratio is taken in log space, exp(log g_num −
    // log g_den)·dfden/dfnum: for df below about 0.02 the chi-squares underflow to 0 (0/0 = NaN
    // draws, a quarter of them at df = 0.001) where their ratio is representable.
    const half = (v: TensorLike) => (typeof v === 'number' ? v / 2 : div(v, 2));
    const logNum = gammaSample(op, knum!, half(dfnum), 'dfnum', s, true), logDen = gammaSample(op, kden!, half(dfden), 'dfden', s, true);
    return mul(exp(sub(logNum, logDen)), div(dfden, dfnum));
  });
}

/** Throws unless p is a positive finite number (JAX's generalized_normal and ball take a float p). */
function checkPower(op: string, p: unknown): asserts p is number {
  if (typeof p !== 'number' || !(p > 0) || p === Infinity) {
    throw new InvalidArgumentError(`${op}: p must be a positive finite number, got ${describe(p)}; pass e.g. 2 (normal-like) or 1 (Laplace-like).`);
  }
}

/**
 * Generalized normal values, density p·e^{−|x|^p}/(2Γ(1/p)) (JAX's `random.generalized_normal`):
 * with split(key) = [kg, kr], ±g^{1/p} for g = gamma(kg, 1/p) and the sign rademacher(kr).
 * p = 2 gives normal values of variance ½, p = 1 Laplace values.
 * @example ad.random.generalizedNormal(ad.random.key(0), 1.5, [3]).shape // [3]
 */
export function generalizedNormal(k: KeyLike, p: number, shape?: Shape): Tensor;
export function generalizedNormal(k: KeyLike, p: number, shape: Shape = [], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.generalizedNormal', 'random.generalizedNormal(k, p, shape?)', extra, shape);
  const op = 'random.generalizedNormal';
  checkPower(op, p);
  return keyed(op, k, [] as const, (key) => signedPower(op, key, p, shape));
}

/** JAX's `_generalized_normal`: rademacher(kr)·gamma(kg, 1/p)^{1/p}. */
function signedPower(op: string, key: KeyLike, p: number, shape: Shape): Tensor {
  const [kg, kr] = split(toKey(key, op), 2);
  // g^{1/p} as exp(log g / p) from loggamma (the same draws): gamma(1/p) underflows to 0 for large p
  // (half the draws at p = 1000, where |x| should be near uniform on [0, 1]).
  const logG = gammaSample(op, kg!, 1 / p, 'p', shape, true).values;
  const r = rademacher(kr!, shape).values;
  const out = new Float64Array(logG.length);
  for (let i = 0; i < out.length; i++) out[i] = r[i]! * Math.exp(logG[i]! / p);
  return new Tensor(out, [...shape]);
}

/**
 * Points uniform in the d-dimensional unit p-norm ball, shape [...shape, d] (JAX's `random.ball`,
 * after Barthe et al. 2005): with split(key) = [k1, k2], g generalized normal of shape
 * [...shape, d] from k1 and e exponential of shape `shape` from k2, g/(Σ|g|^p + e)^{1/p}.
 * @example ad.random.ball(ad.random.key(0), 3, 2, [5]).shape // [5, 3]
 */
export function ball(k: KeyLike, d: number, p?: number, shape?: Shape): Tensor;
export function ball(k: KeyLike, d: number, p = 2, shape: Shape = [], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.ball', 'random.ball(k, d, p?, shape?)', extra, shape);
  const op = 'random.ball';
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
    throw new InvalidArgumentError(`${op}: d must be a positive integer (the dimension), got ${describe(d)}; pass e.g. 3.`);
  }
  checkPower(op, p);
  const batch = optionalShape(op, shape) ?? []; // [...shape, d] is spread before any sampler sees the shape
  return keyed(op, k, [] as const, (key) => {
    const [k1, k2] = split(toKey(key, op), 2);
    const g = signedPower(op, k1!, p, [...batch, d]);
    const e = exponential(k2!, batch);
    const radius = pow(add(sum(pow(abs(g), p), -1), e), 1 / p);
    return div(g, reshape(radius, [...batch, 1]));
  });
}
