/**
 * @file jnp.finfo for the one dtype adjoint computes in: the limits of IEEE 754 binary64, with
 * numpy.finfo(np.float64)'s field names in camelCase, so ported code reading `finfo(x.dtype).eps`
 * keeps working.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/create.js';
import { extraArguments } from '../core/extraArguments.js';

/** numpy.finfo(np.float64)'s fields. */
export interface FloatInfo {
  readonly dtype: 'float64';
  readonly bits: 64;
  /** 2⁻⁵²: the gap between 1 and the next number. */
  readonly eps: number;
  /** 2⁻⁵³: the gap between 1 and the number before it. */
  readonly epsneg: number;
  /** The largest finite number, (2 − 2⁻⁵²)·2¹⁰²³. */
  readonly max: number;
  /** −max. */
  readonly min: number;
  /** The smallest positive normal number, 2⁻¹⁰²². */
  readonly tiny: number;
  /** The same as tiny (numpy's newer name). */
  readonly smallestNormal: number;
  /** The smallest positive subnormal number, 2⁻¹⁰⁷⁴. */
  readonly smallestSubnormal: number;
  /** 10⁻¹⁵: 10^−precision. */
  readonly resolution: number;
  /** 15: the decimal digits that survive a round trip. */
  readonly precision: number;
  /** 52 fraction bits, 11 exponent bits. */
  readonly nmant: number;
  readonly nexp: number;
  readonly iexp: number;
  /** The exponents of eps and epsneg: −52, −53. */
  readonly machep: number;
  readonly negep: number;
  /** The exponent range: 2^minexp is tiny, 2^maxexp the first overflow: −1022, 1024. */
  readonly minexp: number;
  readonly maxexp: number;
}

const FLOAT64: FloatInfo = Object.freeze({
  dtype: 'float64', bits: 64, eps: 2 ** -52, epsneg: 2 ** -53, max: Number.MAX_VALUE, min: -Number.MAX_VALUE,
  tiny: 2 ** -1022, smallestNormal: 2 ** -1022, smallestSubnormal: Number.MIN_VALUE, resolution: 1e-15, precision: 15,
  nmant: 52, nexp: 11, iexp: 11, machep: -52, negep: -53, minexp: -1022, maxexp: 1024,
});

/**
 * The limits of float64, every tensor's type (jnp.finfo, numpy.finfo): `dtype` may be left out,
 * 'float64', a tensor, or a number.
 * @example ad.finfo().eps; // => 2.220446049250313e-16
 */
export function finfo(dtype?: 'float64' | Tensor | number): FloatInfo;
export function finfo(dtype?: 'float64' | Tensor | number, ...extra: unknown[]): FloatInfo {
  if (extra.length > 0) extraArguments('finfo', 'finfo(dtype?)', extra, dtype);
  if (dtype === undefined || dtype === 'float64' || dtype instanceof Tensor || typeof dtype === 'number') return FLOAT64;
  throw new InvalidArgumentError(
    `finfo: adjoint computes in float64 only, so finfo takes 'float64', a tensor or a number (or nothing), got ${describe(dtype)}.`,
  );
}
