/**
 * @file Keyed samplers that are a closed-form transform of uniform or normal draws, as jax.random's
 * in x64 mode (jax/_src/random.py: `_weibull_min`, `_pareto`, `_rayleigh`, `_maxwell`,
 * `_double_sided_maxwell`, `_lognormal`, `_triangular`, `_wald`): the same uniforms (minval 0,
 * maxval 1: the unit uniforms themselves) and normals, the same formulas, so the draws are JAX's up
 * to the last bits of log/pow/sqrt. The transforms are written with the library's ops, so every
 * draw is differentiable in its continuous parameters (the reparameterisation trick), as JAX's.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { add, div, less, lessEqual, mul, pow, sub } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { exp, log, log1p, neg, sqrt, square } from '../ops/unary.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, checkShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { customJvp } from '../transforms/customJvp.js';
import { logNdtr } from '../special/normal.js';
import { keyed } from './batching.js';
import { noiseTensor, normalNoise, toStandardNormal, unitNoise, type KeyLike } from './continuous.js';
import { noise } from './keyPrimitives.js';
import { split } from './keyTensors.js';
import { unitUniform } from './threefry.js';
import { rademacher } from './locationScale.js';
import { checkPositive, param, valuesToCheck, type Param, optionalShape } from './params.js';
import { extraArguments } from '../core/extraArguments.js';

/** A parameter's shape: a number's is []. */
const shapeOf = (v: TensorLike): Shape => (v instanceof Tensor ? v.shape : []);

/** The sample shape: `shape` if given, else the broadcast of the parameters' shapes (JAX's default for shape=None). */
export function defaultShape(op: string, shape: Shape | undefined, ...params: TensorLike[]): Shape {
  return optionalShape(op, shape) ?? params.map(shapeOf).reduce((a, b) => broadcastShapes(op, a, b), []);
}

/** A checked parameter as a tensor (a number becomes a 0-d tensor), for the ops below. */
function positive(op: string, name: string, v: TensorLike, shape: Shape, strict: boolean, fix: string): Tensor {
  const p = param(op, name, v, shape);
  checkPositive(op, name, p, strict, fix);
  return asTensor(p, op);
}

/** The unit uniforms JAX's `uniform(key, shape)` gives (minval 0, maxval 1), as a tensor. */
function uniforms(op: string, k: KeyLike, shape: Shape): Tensor {
  return noiseTensor(unitNoise(op, k, shape), shape);
}

/**
 * Weibull values, density (c/σ)(x/σ)^{c−1}e^{−(x/σ)^c} for x > 0 (JAX's `random.weibull_min`):
 * the inverse CDF σ·(−log1p(−u))^{1/c}. The shape defaults to the parameters' broadcast shape
 * (JAX's to []). Differentiable in `scale` σ and `concentration` c.
 * @example ad.random.weibullMin(ad.random.key(0), 1, 2, [3]).shape // [3]
 */
export function weibullMin(k: KeyLike, scale: TensorLike, concentration: TensorLike, shape?: Shape): Tensor;
export function weibullMin(k: KeyLike, scale: TensorLike, concentration: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.weibullMin', 'random.weibullMin(k, scale, concentration, shape?)', extra, shape);
  const op = 'random.weibullMin';
  return keyed(op, k, [scale, concentration] as const, (key, [scale, concentration]) => {
    const s = defaultShape(op, shape, scale, concentration);
    const sigma = positive(op, 'scale', scale, s, true, 'pass a scale > 0.');
    const c = positive(op, 'concentration', concentration, s, true, 'pass a concentration (shape parameter) > 0.');
    return mul(pow(neg(log1p(neg(uniforms(op, key, s)))), div(1, c)), sigma);
  });
}

/**
 * Pareto values, density b/x^{b+1} for x ≥ 1 (JAX's `random.pareto`): exp(E/b) for E standard
 * exponential (−log1p(−u)). The shape defaults to b's. Differentiable in `b`.
 * @example ad.random.pareto(ad.random.key(0), 3, [2]).shape // [2]
 */
export function pareto(k: KeyLike, b: TensorLike, shape?: Shape): Tensor;
export function pareto(k: KeyLike, b: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.pareto', 'random.pareto(k, b, shape?)', extra, shape);
  const op = 'random.pareto';
  return keyed(op, k, [b] as const, (key, [b]) => {
    const s = defaultShape(op, shape, b);
    const index = positive(op, 'b', b, s, true, 'pass a tail index b > 0.');
    return exp(div(neg(log1p(neg(uniforms(op, key, s)))), index));
  });
}

/**
 * Rayleigh values, density x e^{−x²/(2σ²)}/σ² for x ≥ 0 (JAX's `random.rayleigh`):
 * σ·√(−2 log u). The shape defaults to scale's. Differentiable in `scale` σ.
 * @example ad.random.rayleigh(ad.random.key(0), 2, [3]).shape // [3]
 */
export function rayleigh(k: KeyLike, scale: TensorLike, shape?: Shape): Tensor;
export function rayleigh(k: KeyLike, scale: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.rayleigh', 'random.rayleigh(k, scale, shape?)', extra, shape);
  const op = 'random.rayleigh';
  return keyed(op, k, [scale] as const, (key, [scale]) => {
    const s = defaultShape(op, shape, scale);
    const sigma = positive(op, 'scale', scale, s, true, 'pass a scale > 0.');
    return mul(sigma, sqrt(mul(log(uniforms(op, key, s)), -2)));
  });
}

/** The norms of the last axis of standard normal draws of shape [...shape, 3]: JAX's `_maxwell` (a tensor of `shape`). */
function maxwellDraws(op: string, k: KeyLike, shape: Shape): Tensor {
  return noiseTensor(noise(op, k, [...shape, 3], 2, (k0, k1, n) => {
    const z = unitUniform(k0, k1, n);
    toStandardNormal(z);
    const out = new Float64Array(n / 3);
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(z[3 * i]! * z[3 * i]! + z[3 * i + 1]! * z[3 * i + 1]! + z[3 * i + 2]! * z[3 * i + 2]!);
    return out;
  }, shape), shape);
}

/**
 * Maxwell values (the speed of a particle with standard normal velocity in 3-d), density
 * √(2/π)·x²e^{−x²/2} for x ≥ 0 (JAX's `random.maxwell`): the norm of three standard normals.
 * @example ad.random.maxwell(ad.random.key(0), [2]).shape // [2]
 */
export function maxwell(k: KeyLike, shape?: Shape): Tensor;
export function maxwell(k: KeyLike, shape: Shape = [], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.maxwell', 'random.maxwell(k, shape?)', extra, shape);
  const op = 'random.maxwell';
  checkShape(shape, op);
  return keyed(op, k, [] as const, (key) => maxwellDraws(op, key, shape));
}

/**
 * Double-sided Maxwell values, density ∝ z²e^{−z²/2} for z = (x − loc)/scale (JAX's
 * `random.double_sided_maxwell`): with split(key) = [km, kr], loc + scale·(±1)·maxwell(km), the
 * signs rademacher(kr). The shape defaults to the parameters' broadcast shape (JAX appends the
 * parameters' shape to `shape` instead; for number parameters the two agree). Differentiable in
 * `loc` and `scale`.
 * @example ad.random.doubleSidedMaxwell(ad.random.key(0), 0, 1, [3]).shape // [3]
 */
export function doubleSidedMaxwell(k: KeyLike, loc: TensorLike, scale: TensorLike, shape?: Shape): Tensor;
export function doubleSidedMaxwell(k: KeyLike, loc: TensorLike, scale: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.doubleSidedMaxwell', 'random.doubleSidedMaxwell(k, loc, scale, shape?)', extra, shape);
  const op = 'random.doubleSidedMaxwell';
  return keyed(op, k, [loc, scale] as const, (key, [loc, scale]) => {
    const s = defaultShape(op, shape, loc, scale);
    const l = asTensor(param(op, 'loc', loc, s), op);
    const sigma = positive(op, 'scale', scale, s, false, 'pass a scale ≥ 0.');
    const [km, kr] = split(key, 2);
    return add(mul(mul(rademacher(kr!, s), maxwellDraws(op, km!, s)), sigma), l);
  });
}

/**
 * Log-normal values exp(σ·z), z standard normal (JAX's `random.lognormal`; its log has mean 0 and
 * standard deviation σ). The shape defaults to sigma's. Differentiable in `sigma`.
 * @example ad.random.lognormal(ad.random.key(0), 0.5, [3]).shape // [3]
 */
export function lognormal(k: KeyLike, sigma?: TensorLike, shape?: Shape): Tensor;
export function lognormal(k: KeyLike, sigma: TensorLike = 1, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.lognormal', 'random.lognormal(k, sigma?, shape?)', extra, shape);
  const op = 'random.lognormal';
  return keyed(op, k, [sigma] as const, (key, [sigma]) => {
    const s = defaultShape(op, shape, sigma);
    const sd = positive(op, 'sigma', sigma, s, false, 'pass a standard deviation of the log ≥ 0.');
    return exp(mul(normalNoise(op, key, s), sd));
  });
}

/** Throws unless left ≤ mode ≤ right and left < right wherever their values can be read. */
function checkTriangle(op: string, left: Param, mode: Param, right: Param, shape: Shape): void {
  const [l, m, r] = [left, mode, right].map((p) => (valuesToCheck(p) === null ? null : asTensor(p, op)));
  if (l === null || m === null || r === null) return;
  const ordered = (a: Tensor, b: Tensor, strict: boolean) => (strict ? less(a, b) : lessEqual(a, b)).values.every((v) => v === 1);
  if (!ordered(l, m, false) || !ordered(m, r, false) || !ordered(l, r, true)) {
    throw new InvalidArgumentError(
      `${op}: the parameters must satisfy left ≤ mode ≤ right with left < right${shape.length > 0 ? ' everywhere' : ''}` +
        `${[left, mode, right].every((p) => typeof p === 'number') ? `, got left = ${left}, mode = ${mode}, right = ${right}` : ''}; order them so.`,
    );
  }
}

/**
 * Triangular values on [left, right] with peak at `mode` (JAX's `random.triangular`): the inverse
 * CDF, left + √(u(right − left)(mode − left)) for u < (mode − left)/(right − left), else
 * right − √((1 − u)(right − left)(right − mode)). The shape defaults to the parameters' broadcast
 * shape. Differentiable in all three.
 * @example ad.random.triangular(ad.random.key(0), 0, 1, 3, [2]).shape // [2]
 */
export function triangular(k: KeyLike, left: TensorLike, mode: TensorLike, right: TensorLike, shape?: Shape): Tensor;
export function triangular(k: KeyLike, left: TensorLike, mode: TensorLike, right: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.triangular', 'random.triangular(k, left, mode, right, shape?)', extra, shape);
  const op = 'random.triangular';
  return keyed(op, k, [left, mode, right] as const, (key, [left, mode, right]) => {
    const s = defaultShape(op, shape, left, mode, right);
    const [a, c, b] = [param(op, 'left', left, s), param(op, 'mode', mode, s), param(op, 'right', right, s)];
    checkTriangle(op, a, c, b, s);
    const u = uniforms(op, key, s);
    const width = sub(b, a);
    const fc = div(sub(c, a), width);
    const low = add(a, sqrt(mul(mul(u, width), sub(c, a))));
    const high = sub(b, sqrt(mul(mul(sub(1, u), width), sub(b, c))));
    return where(less(u, fc), low, high);
  });
}

/**
 * Wald (inverse Gaussian) values with mean μ and shape 1, density e^{−(x−μ)²/(2μ²x)}/√(2πx³)
 * (JAX's `random.wald`, Michael, Schucany & Haas 1976): with split(key) = [k1, k2], y = z² for
 * z = normal(k1), x = μ + μ²y/2 − (μ/2)√(4μy + μ²y²), and x if u = uniform(k2) ≤ μ/(μ + x), else
 * μ²/x (x computed without cancellation, so large means stay positive). The shape defaults to mean's.
 * Differentiable in `mean` by implicit reparameterisation (the transform's own derivative is biased).
 * @example ad.random.wald(ad.random.key(0), 2, [3]).shape // [3]
 */
export function wald(k: KeyLike, mean: TensorLike, shape?: Shape): Tensor;
export function wald(k: KeyLike, mean: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.wald', 'random.wald(k, mean, shape?)', extra, shape);
  const op = 'random.wald';
  return keyed(op, k, [mean] as const, (key, [mean]) => {
    const s = defaultShape(op, shape, mean);
    const mu = positive(op, 'mean', mean, s, true, 'pass a mean > 0.');
    const [k1, k2] = split(key, 2);
    const y = square(normalNoise(op, k1!, s));
    const u = uniforms(op, k2!, s);
    // JAX's x = μ + μ²y/2 − (μ/2)√(4μy + μ²y²) cancels catastrophically for t = μy ≫ 1 (negative
    // draws at μ = 1e7, half of them wrong at 1e9). Equal in exact arithmetic: x = μ/r with
    // r = 1 + t/2 + ½√t·√(t + 4) ≥ 1 (the product of the two roots is μ²), the other root μ²/x = μ·r,
    // and the test u ≤ μ/(μ + x) reads u ≤ r/(r + 1). Equal to JAX's draws to rounding where theirs are.
    const draw = (m: Tensor): Tensor => {
      const t = mul(m, y);
      const r = add(add(1, div(t, 2)), mul(0.5, mul(sqrt(t), sqrt(add(t, 4)))));
      return where(lessEqual(u, div(r, add(r, 1))), div(m, r), mul(m, r));
    };
    // The draw jumps between the roots where the test flips as μ moves, so its pathwise derivative
    // is biased (mean dx/dμ 1.30 at μ = 3, where dE[x]/dμ = 1). The derivative is the implicit
    // reparameterisation one instead (at fixed CDF value, as gamma's): waldSlope.
    const sample: (m: Tensor) => Tensor = customJvp(
      (m: Tensor) => draw(m),
      ([m]: [Tensor], [dm]: [Tensor]) => {
        const x = sample(m);
        return [x, mul(waldSlope(m, x), dm)];
      },
    );
    return sample(mu);
  });
}

/**
 * dx/dμ = −(∂F/∂μ)/f(x) for the Wald CDF F(x; μ) = Φ(a) + e^{2/μ}Φ(−b), a, b = (x/μ ∓ 1)/√x
 * (Chhikara & Folks 1989, eq. 2.7, shape λ = 1). As e^{2/μ}φ(b) = φ(a) (a² − b² = −4/μ), the φ
 * terms of ∂F/∂μ cancel, leaving −(2/μ²)e^{2/μ}Φ(−b); with log f(x) = −½log 2π − (3/2)log x −
 * (x − μ)²/(2μ²x), dx/dμ = (2/μ²)·exp(2/μ + log Φ(−b) − log f(x)), in logs so that e^{2/μ} and
 * Φ(−b) do not overflow or underflow apart. Written in ops: differentiable again.
 */
function waldSlope(m: Tensor, x: Tensor): Tensor {
  const b = div(add(div(x, m), 1), sqrt(x));
  const minusLogDensity = add(add(mul(1.5, log(x)), div(square(sub(x, m)), mul(mul(2, square(m)), x))), 0.5 * Math.log(2 * Math.PI));
  return mul(div(2, square(m)), exp(add(add(div(2, m), logNdtr(neg(b))), minusLogDensity)));
}
