/**
 * @file NumPy's and jax.numpy's dtype functions for ported code, in a library with one storage
 * type: `astype` (the values a dtype would hold, kept in float64), `iinfo` and `isdtype`, and the
 * `x.dtype` every tensor reports ('float64').
 *
 * astype follows jnp.astype with 64-bit types on (JAX's x64 mode, float64 throughout):
 * - to a float format, each value rounded to its nearest number in that format, ties to even
 *   (float32 as Math.fround; float16 and bfloat16 likewise, with their subnormals), past the
 *   format's largest finite number to ±Infinity; the derivative is 1, as the derivative of JAX's
 *   convert_element_type between float types;
 * - to an integer type, truncated toward zero and saturated to the type's range, NaN to 0 (XLA's
 *   float-to-integer conversion, which jnp.astype runs; NumPy leaves out-of-range casts undefined);
 *   the derivative is 0 (JAX's float0 zeros);
 * - to bool, 1 where x ≠ 0 (NaN included), else 0; derivative 0.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { extraArguments } from '../core/extraArguments.js';
import { add, greater, mul, notEqual, sub } from './binary.js';
import { abs } from './unary.js';
import { trunc } from './rounding.js';
import { clip, stopGradient, where } from './select.js';
import { isfinite, isnan } from './predicates.js';
import { frexp, ldexp } from './numpyBreadth.js';
import { rint } from './numpyMore.js';
import { registerTensorMethods } from './methods.js';

/** The dtypes `astype` converts to (values stored as float64, as every tensor's). */
export type DType =
  | 'float64' | 'float32' | 'float16' | 'bfloat16'
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool';

/** A float format: significand bits (the implicit one included), frexp's exponent of its smallest normal, its largest finite number. */
interface FloatFormat { readonly bits: number; readonly minExponent: number; readonly max: number }

const FLOATS: Readonly<Record<'float32' | 'float16' | 'bfloat16', FloatFormat>> = {
  // frexp's exponent e has x = m·2^e with m in [0.5, 1): the smallest normal 2^−126 is 0.5·2^−125.
  float32: { bits: 24, minExponent: -125, max: (2 - 2 ** -23) * 2 ** 127 },
  float16: { bits: 11, minExponent: -13, max: 65504 },
  bfloat16: { bits: 8, minExponent: -125, max: (2 - 2 ** -7) * 2 ** 127 },
};

/** numpy.iinfo's fields. */
export interface IntInfo {
  readonly dtype: 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64';
  readonly bits: 8 | 16 | 32 | 64;
  /** 'i' signed, 'u' unsigned (numpy's dtype.kind). */
  readonly kind: 'i' | 'u';
  /** The smallest value: −2^(bits−1), or 0. */
  readonly min: number;
  /** The largest, 2^(bits−1) − 1 or 2^bits − 1 — as a float64: for 64 bits, 2^63 and 2^64 (the integer itself is not a float64). */
  readonly max: number;
}

const INTS: Readonly<Record<IntInfo['dtype'], IntInfo>> = Object.freeze({
  int8: Object.freeze({ dtype: 'int8', bits: 8, kind: 'i', min: -128, max: 127 }),
  int16: Object.freeze({ dtype: 'int16', bits: 16, kind: 'i', min: -32768, max: 32767 }),
  int32: Object.freeze({ dtype: 'int32', bits: 32, kind: 'i', min: -(2 ** 31), max: 2 ** 31 - 1 }),
  int64: Object.freeze({ dtype: 'int64', bits: 64, kind: 'i', min: -(2 ** 63), max: 2 ** 63 }),
  uint8: Object.freeze({ dtype: 'uint8', bits: 8, kind: 'u', min: 0, max: 255 }),
  uint16: Object.freeze({ dtype: 'uint16', bits: 16, kind: 'u', min: 0, max: 65535 }),
  uint32: Object.freeze({ dtype: 'uint32', bits: 32, kind: 'u', min: 0, max: 2 ** 32 - 1 }),
  uint64: Object.freeze({ dtype: 'uint64', bits: 64, kind: 'u', min: 0, max: 2 ** 64 }),
}) as Readonly<Record<IntInfo['dtype'], IntInfo>>;

const DTYPES: readonly DType[] = ['float64', 'float32', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];

/** `dtype` as one of DTYPES (a tensor or number stands for float64), or an error naming `op` and the names it takes. */
function dtypeOf(op: string, dtype: unknown): DType {
  if (dtype instanceof Tensor || typeof dtype === 'number') return 'float64';
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  const hint = dtype === 'complex64' || dtype === 'complex128' ? ' (adjoint has no complex numbers)' : '';
  throw new InvalidArgumentError(`${op}: unknown dtype ${describe(dtype)}${hint}; use one of ${DTYPES.map((d) => `'${d}'`).join(', ')} (or a tensor, for its dtype 'float64').`);
}

/** Each value rounded to the nearest number of `format` (ties to even; subnormals as the format has them; past its max, ±∞), derivative 0. */
function roundedTo(x: Tensor, { bits, minExponent, max }: FloatFormat): Tensor {
  const [, e] = frexp(x);
  // The unit of the last significand bit is 2^(e − bits), or the subnormals' fixed unit below the normals.
  const unit = sub(clip(e, minExponent, Infinity), bits);
  const r = ldexp(rint(ldexp(x, sub(0, unit))), unit);
  return where(greater(abs(r), max), mul(r, Infinity), r); // rounded past the largest finite number: ±∞ (r·∞ keeps r's sign)
}

/**
 * x's values as `dtype` would hold them, in a float64 tensor (jnp.astype, ndarray.astype; see the
 * file's notes for each kind). 'float64' returns x itself; a tensor as `dtype` means its dtype,
 * float64.
 * @example ad.astype(ad.tensor([2.7, -2.7, 300, NaN]), 'int8').toArray(); // => [2, -2, 127, 0]
 * @example ad.astype(ad.tensor([0.1]), 'float32').item(); // => 0.10000000149011612
 */
export function astype(x: TensorLike, dtype: DType | Tensor): Tensor;
export function astype(x: TensorLike, dtype: DType | Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('astype', 'astype(x, dtype)', extra, dtype);
  const t = asTensor(x, 'astype');
  const to = dtypeOf('astype', dtype);
  if (to === 'float64') return t;
  const held = stopGradient(t);
  if (to === 'bool') return notEqual(held, 0);
  if (to in INTS) {
    const { min, max } = INTS[to as IntInfo['dtype']];
    return where(isnan(held), 0, add(clip(trunc(held), min, max), 0)); // + 0: an integer has no −0
  }
  const r = roundedTo(held, FLOATS[to as keyof typeof FLOATS]);
  // Derivative 1 with r's bits exactly: r − (x_held − x) is r − (+0) for finite x, which keeps −0;
  // ±∞ and NaN round to themselves, so there x itself is r.
  return where(isfinite(held), sub(r, sub(held, t)), t);
}

/**
 * The limits of an integer type (numpy.iinfo, jnp.iinfo): `min`, `max`, `bits`, `kind`. The
 * 64-bit types' maxima are not float64 numbers; `max` there is the float64 just above, 2^63 or 2^64.
 * @example ad.iinfo('int8').max; // => 127
 */
export function iinfo(dtype: IntInfo['dtype']): IntInfo;
export function iinfo(dtype: IntInfo['dtype'], ...extra: unknown[]): IntInfo {
  if (extra.length > 0) extraArguments('iinfo', 'iinfo(dtype)', extra, dtype);
  const info = typeof dtype === 'string' ? INTS[dtype as IntInfo['dtype']] : undefined;
  if (info === undefined || !Object.prototype.hasOwnProperty.call(INTS, dtype)) {
    throw new InvalidArgumentError(
      `iinfo: ${describe(dtype)} is not an integer type; use one of ${Object.keys(INTS).map((d) => `'${d}'`).join(', ')} ` +
        `(a tensor's dtype is 'float64': its limits are ad.finfo()).`,
    );
  }
  return info;
}

/** The kinds of the array API's isdtype. */
export type DTypeKind = 'bool' | 'signed integer' | 'unsigned integer' | 'integral' | 'real floating' | 'complex floating' | 'numeric';

const KINDS: Readonly<Record<DTypeKind, (d: DType) => boolean>> = {
  bool: (d) => d === 'bool',
  'signed integer': (d) => d.startsWith('int'),
  'unsigned integer': (d) => d.startsWith('uint'),
  integral: (d) => d.startsWith('int') || d.startsWith('uint'),
  'real floating': (d) => d.startsWith('float') || d === 'bfloat16',
  'complex floating': () => false,
  numeric: (d) => d !== 'bool',
};

/**
 * Whether `dtype` is of `kind` (the array API's isdtype, numpy.isdtype, jnp.isdtype): a kind
 * name, a dtype name (the same dtype), or a list of them (any). A tensor as `dtype` is float64.
 * @example ad.isdtype(ad.ones([2]).dtype, 'real floating'); // => true
 */
export function isdtype(dtype: DType | Tensor, kind: DTypeKind | DType | ReadonlyArray<DTypeKind | DType>): boolean;
export function isdtype(dtype: DType | Tensor, kind: DTypeKind | DType | ReadonlyArray<DTypeKind | DType>, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('isdtype', 'isdtype(dtype, kind)', extra, kind);
  const d = dtypeOf('isdtype', dtype);
  const one = (k: unknown): boolean => {
    if (typeof k === 'string' && Object.prototype.hasOwnProperty.call(KINDS, k)) return KINDS[k as DTypeKind](d);
    if (typeof k === 'string' && (DTYPES as readonly string[]).includes(k)) return k === d;
    throw new InvalidArgumentError(
      `isdtype: unknown kind ${describe(k)}; use ${Object.keys(KINDS).map((n) => `'${n}'`).join(', ')}, a dtype name, or a list of them.`,
    );
  };
  return Array.isArray(kind) ? kind.map(one).some(Boolean) : one(kind);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.astype(x, dtype)`: the values `dtype` would hold, in float64. @example ad.tensor([1.7]).astype('int32').toArray() // [1] */
    astype(dtype: DType | Tensor): Tensor;
  }
}

registerTensorMethods({ astype });
