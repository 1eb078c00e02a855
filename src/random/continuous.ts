/**
 * @file Keyed continuous samplers, as jax.random's in 64-bit mode: `uniform`, `normal`, `gumbel`.
 * Each is a transform of the unit uniforms of JAX's 64-bit bits (threefry.ts's `unitUniform`);
 * `uniform` and `normal` are reparameterised, so their results are differentiable in their
 * location and scale.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { add, less, mul, sub } from '../ops/binary.js';
import { isfinite } from '../ops/predicates.js';
import { where } from '../ops/select.js';
import type { TensorLike } from '../tensor/create.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { erfinv } from './erf.js';
import { toKey, type Key } from './key.js';
import { affine, checkParam, checkPositive, param, sampleSize, type Param } from './params.js';
import { unitUniform } from './threefry.js';
import { noise } from './keyPrimitives.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * What samplers accept where a key goes: a key, an integer seed read as `key(seed)`, or a tensor
 * of a key's two words (under `vmap`, a batch of keys: see batching.ts).
 */
export type KeyLike = Key | number | bigint | Tensor;

/** The unit uniforms of a sample: key and shape checked, 2 words per value (the key's words read: see unitNoise). */
export function unitSample(op: string, k: KeyLike, shape: Shape): Float64Array {
  const { words } = toKey(k, op);
  return unitUniform(words[0], words[1], sampleSize(op, shape, 2));
}

/**
 * The unit uniforms of a sample put through `transform` (in place; it must depend on nothing but
 * the uniforms): a Float64Array for a key with plain words; for a tensor key or a key traced by
 * `jit`, a tensor computed by a primitive on the key's words (./keyPrimitives.ts), which a jit
 * replay runs on the next call's key and vmap runs once per key.
 */
export function unitNoise(op: string, k: KeyLike, shape: Shape, transform?: (u: Float64Array) => void): Float64Array | Tensor {
  return noise(op, k, shape, 2, (k0, k1, n) => {
    const u = unitUniform(k0, k1, n);
    transform?.(u);
    return u;
  });
}

/** Standard normal noise of `shape` (see unitNoise), as a tensor. */
export function normalNoise(op: string, k: KeyLike, shape: Shape): Tensor {
  return noiseTensor(unitNoise(op, k, shape, toStandardNormal), shape);
}

/** A sampler's noise as a tensor of `shape` (see unitNoise). */
export function noiseTensor(e: Float64Array | Tensor, shape: Shape): Tensor {
  return e instanceof Tensor ? e : new Tensor(e, [...shape]);
}

/** Throws unless low < high (both finite) wherever their values can be read. */
function checkRange(op: string, low: Param, high: Param): void {
  const finite = (values: ArrayLike<number>) => {
    for (const v of Array.from(values)) {
      if (!Number.isFinite(v)) throw new InvalidArgumentError(`${op}: low and high must be finite, got ${v}; pass finite bounds.`);
    }
  };
  checkParam(low, finite);
  checkParam(high, finite);
  const unordered = () => new InvalidArgumentError(
    `${op}: low must be less than high${typeof low === 'number' && typeof high === 'number' ? `, got low = ${low}, high = ${high}` : ' everywhere'}; ` +
      'swap them, or widen the interval (the sample is in [low, high)).',
  );
  if (typeof low === 'number' && typeof high === 'number') {
    if (!(low < high)) throw unordered();
    return;
  }
  // On less(low, high), a tensor: under jit a guard each replay runs again (params.ts's checkParam).
  checkParam(less(low, high), (ordered) => {
    if (!Array.from(ordered).every((b) => b === 1)) throw unordered();
  });
}

/**
 * Uniform values in [low, high) (JAX's `random.uniform`, bit for bit in x64 mode): f·(high − low)
 * + low for f the 52-bit unit uniforms. Differentiable in `low` and `high`.
 * @example ad.random.uniform(ad.random.key(0), [2]).shape // [2]
 */
export function uniform(k: KeyLike, shape: Shape = [], low: TensorLike = 0, high: TensorLike = 1): Tensor {
  const op = 'random.uniform';
  const f = unitNoise(op, k, shape);
  const lo = param(op, 'low', low, shape), hi = param(op, 'high', high, shape);
  checkRange(op, lo, hi);
  // JAX also takes max(low, ·); f·(high − low) ≥ 0 makes the sum ≥ low already, so it is left out.
  // Where high − low overflows (finite bounds of opposite signs past ±9e307), JAX's f·(high − low) +
  // low is ∞ for every draw (NaN at f = 0); (1 − f)·low + f·high is the same in exact arithmetic and
  // finite, each term at most a bound in size. Elsewhere JAX's form, bit for bit.
  const wide = () => add(mul(sub(1, noiseTensor(f, shape)), lo), mul(noiseTensor(f, shape), hi));
  if (typeof lo === 'number' && typeof hi === 'number') return Number.isFinite(hi - lo) ? affine(f, shape, hi - lo, lo) : wide();
  const span = sub(hi, lo);
  return where(isfinite(span), affine(f, shape, span, lo), wide());
}

/** nextafter(−1, 0): JAX's `normal` draws u in [−1 + 2^−53, 1) so that erf⁻¹(u) stays finite. */
export const NORMAL_LOW = -1 + 2 ** -53;
/** JAX's maxval − minval for that interval, 1 − (−1 + 2^−53), which rounds to 2. */
export const NORMAL_SPAN = 1 - NORMAL_LOW;

/** Unit uniforms to standard normal values √2·erf⁻¹(u), u uniform in [−1 + 2^−53, 1), as JAX's `_normal_real` (in place). */
export function toStandardNormal(z: Float64Array): void {
  for (let i = 0; i < z.length; i++) z[i] = Math.SQRT2 * erfinv(Math.max(NORMAL_LOW, z[i]! * NORMAL_SPAN + NORMAL_LOW));
}

/** Standard normal values (toStandardNormal) for a key whose words are read. */
export function standardNormal(op: string, k: KeyLike, shape: Shape): Float64Array {
  const z = unitSample(op, k, shape);
  toStandardNormal(z);
  return z;
}

/**
 * Normal values mean + std·z, z standard normal by inversion (JAX's `random.normal`; with the
 * default mean and std, JAX's x64 values up to the last bits of erf⁻¹). Differentiable in `mean`
 * and `std`: the reparameterisation trick.
 * @example ad.random.normal(ad.random.key(0), [2, 3]).shape // [2, 3]
 */
export function normal(k: KeyLike, shape: Shape = [], mean: TensorLike = 0, std: TensorLike = 1): Tensor {
  const op = 'random.normal';
  const z = unitNoise(op, k, shape, toStandardNormal);
  const mu = param(op, 'mean', mean, shape), sigma = param(op, 'std', std, shape);
  checkPositive(op, 'std', sigma, false, 'pass a standard deviation ≥ 0 (its absolute value, say).');
  return affine(z, shape, sigma, mu);
}

/** The smallest positive normal float64, 2^−1022: JAX's `gumbel` draws u in [tiny, 1) so that log(u) is finite. */
export const TINY = 2.2250738585072014e-308;

/** Unit uniforms to standard Gumbel values −log(−log(u)), u uniform in [tiny, 1), as JAX's `_gumbel` (in place). */
export function toGumbel(g: Float64Array): void {
  const span = 1 - TINY;
  for (let i = 0; i < g.length; i++) g[i] = -Math.log(-Math.log(Math.max(TINY, g[i]! * span + TINY)));
}

/** Standard Gumbel values (toGumbel) for a key whose words are read. */
export function standardGumbel(op: string, k: KeyLike, shape: Shape): Float64Array {
  const g = unitSample(op, k, shape);
  toGumbel(g);
  return g;
}

/**
 * Standard Gumbel values (JAX's `random.gumbel`): the maximum of a Gumbel-perturbed set of logits
 * is a softmax sample (see `categorical`).
 * @example ad.random.gumbel(ad.random.key(0), [3]).shape // [3]
 */
export function gumbel(k: KeyLike, shape?: Shape): Tensor;
export function gumbel(k: KeyLike, shape: Shape = [], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.gumbel', 'random.gumbel(k, shape?)', extra, shape);
  return noiseTensor(unitNoise('random.gumbel', k, shape, toGumbel), shape);
}
