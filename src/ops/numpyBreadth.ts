/**
 * @file More of jax.numpy, as composites of adjoint's ops (no new primitives): rot90, fliplr,
 * flipud, nanToNum, logspace, geomspace, diagflat, identity, floorDivide, frexp, ldexp, nextafter,
 * gcd, lcm, arraySplit, hsplit, vsplit, dsplit, append, insert and delete. NumPy 1.24's semantics;
 * every transformation comes with the ops they are built of.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, broadcastOperands, describe, eye, tensor, type TensorLike } from '../tensor/create.js';
import { geomspaceOfTensors, linspace } from './spaces.js';
import { add, div, equal, greater, greaterEqual, less, maximum, mul, mulStrong, notEqual, pow, sub } from './binary.js';
import { abs } from './unary.js';
import { clip, stopGradient, where } from './select.js';
import { broadcastTo, concat, reshape, take, transpose } from './shape.js';
import { flip, pad } from './rearrange.js';
import { floor, fmod } from './rounding.js';
import { isfinite, isnan, logicalAnd, logicalOr } from './predicates.js';
import { log2 } from './logBases.js';
import { copysign } from './elementwiseExtras.js';
import { ravel, moveaxis } from './layout.js';
import { split } from './arrayHelpers.js';
import { checkArgumentValues } from './argumentChecks.js';
import { checkableValues } from './statistics.js';
import { knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';

/** An integer (≥ 0 unless `signed`), or an AdjointError naming the op and the argument. */
export function integerArg(op: string, name: string, v: unknown, signed = false): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || (!signed && v < 0)) {
    throw new InvalidArgumentError(`${op}: ${name} must be ${signed ? 'an integer' : 'a whole number ≥ 0'}, got ${typeof v === 'number' ? String(v) : describe(v)}.`);
  }
  return v;
}

/** Checks that t holds whole numbers (≥ 0 with `nonNegative`), as NumPy's integer arguments (checkArgumentValues). @internal */
export function checkIntegerValues(op: string, name: string, t: Tensor, nonNegative = false): void {
  checkArgumentValues(t, (v) => {
    for (let i = 0; i < v.length; i++) {
      const e = v[i]!;
      if (!Number.isInteger(e) || (nonNegative && e < 0)) {
        throw new InvalidArgumentError(
          `${op}: ${name} must hold ${nonNegative ? 'whole numbers ≥ 0' : 'integers'} (NumPy takes an integer array there), but entry ${i} ` +
            `(flat) of shape ${formatShape(t.shape)} is ${e}; round the values first (ad.round) or pass ${nonNegative ? 'non-negative ' : ''}integers.`,
        );
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Flips and rotations

/**
 * m rotated by 90° k times in the plane of `axes` (numpy.rot90), from the first axis towards the
 * second: k = 1 is `transpose(flip(m, axes[1]))`. k may be negative; only k mod 4 matters.
 * @example ad.rot90(ad.tensor([[1, 2], [3, 4]])).toArray(); // => [[2, 4], [1, 3]]
 */
export function rot90(m: TensorLike, k?: number, axes?: readonly [number, number]): Tensor;
export function rot90(m: TensorLike, k = 1, axes: readonly [number, number] = [0, 1], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('rot90', 'rot90(m, k?, axes?)', extra, axes);
  const t = asTensor(m, 'rot90');
  integerArg('rot90', 'k', k, true);
  if (!Array.isArray(axes) || axes.length !== 2) throw new InvalidArgumentError(`rot90: axes must be a pair of axes such as [0, 1], got ${describe(axes)}.`);
  const [a0, a1] = axes.map((a) => integerArg('rot90', 'an axis', a, true)) as [number, number];
  if (t.ndim < 2) throw new ShapeError(`rot90: m of shape ${formatShape(t.shape)} has ${t.ndim} axes; it needs two or more to rotate in a plane.`);
  const [p, q] = [normalizeAxis(a0, t.ndim, 'rot90'), normalizeAxis(a1, t.ndim, 'rot90')];
  if (p === q) throw new InvalidArgumentError(`rot90: the two axes must differ, got [${a0}, ${a1}] for shape ${formatShape(t.shape)}.`);
  const turns = ((k % 4) + 4) % 4;
  if (turns === 0) return t;
  if (turns === 2) return flip(t, [p, q]);
  const perm = t.shape.map((_, i) => (i === p ? q : i === q ? p : i));
  return turns === 1 ? transpose(flip(t, q), perm) : flip(transpose(t, perm), q);
}

/**
 * m with its columns reversed, axis 1 (numpy.fliplr); m needs two axes or more.
 * @example ad.fliplr(ad.tensor([[1, 2], [3, 4]])).toArray(); // => [[2, 1], [4, 3]]
 */
export function fliplr(m: TensorLike): Tensor;
export function fliplr(m: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fliplr', 'fliplr(m)', extra, m);
  const t = asTensor(m, 'fliplr');
  if (t.ndim < 2) throw new ShapeError(`fliplr: m of shape ${formatShape(t.shape)} needs two axes or more (use ad.flip(m, 0) for one).`);
  return flip(t, 1);
}

/**
 * m with its rows reversed, axis 0 (numpy.flipud); m needs an axis.
 * @example ad.flipud(ad.tensor([[1, 2], [3, 4]])).toArray(); // => [[3, 4], [1, 2]]
 */
export function flipud(m: TensorLike): Tensor;
export function flipud(m: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('flipud', 'flipud(m)', extra, m);
  const t = asTensor(m, 'flipud');
  if (t.ndim < 1) throw new ShapeError('flipud: m is 0-d; it needs an axis to flip (reshape it to [1] first).');
  return flip(t, 0);
}

// ---------------------------------------------------------------------------------------------
// Elementwise

/** Options of `nanToNum` (numpy.nan_to_num's keywords). */
export interface NanToNumOptions {
  /** The value for NaN (default 0). */
  readonly nan?: number | undefined;
  /** The value for +∞ (default the largest finite number, `Number.MAX_VALUE`). */
  readonly posinf?: number | undefined;
  /** The value for −∞ (default `−Number.MAX_VALUE`). */
  readonly neginf?: number | undefined;
}

/**
 * x with NaN, +∞ and −∞ replaced (numpy.nan_to_num): by 0, the largest finite number and its
 * negative unless given. The gradient is 1 where x is finite and 0 where an entry was replaced.
 * @example ad.nanToNum(ad.tensor([NaN, Infinity, -Infinity, 2])).toArray(); // => [0, Number.MAX_VALUE, -Number.MAX_VALUE, 2]
 */
export function nanToNum(x: TensorLike, options?: NanToNumOptions): Tensor;
export function nanToNum(x: TensorLike, options: NanToNumOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanToNum', 'nanToNum(x, options?)', extra, options);
  const t = asTensor(x, 'nanToNum');
  knownOptions('nanToNum', options, ['nan', 'posinf', 'neginf'], '{ nan: 0, posinf: 1e300 }');
  const value = (name: 'nan' | 'posinf' | 'neginf', fallback: number) => {
    const v = options[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number') throw new InvalidArgumentError(`nanToNum: ${name} must be a number, got ${describe(v)}.`);
    return v;
  };
  const [nan, posinf, neginf] = [value('nan', 0), value('posinf', Number.MAX_VALUE), value('neginf', -Number.MAX_VALUE)];
  return where(isfinite(t), t, where(isnan(t), nan, where(greater(t, 0), posinf, neginf)));
}

/**
 * The floor of a/b as numpy.floor_divide (Python's //, npy_divmod): (a − fmod(a, b))/b, one less
 * where the remainder and b differ in sign, snapped to the nearest integer; a/b where b = 0
 * (±∞ or NaN); signed zeros as NumPy's. Piecewise constant: gradient 0.
 * @example ad.floorDivide(ad.tensor([7, -7, 7, -7]), ad.tensor([2, 2, -2, -2])).toArray(); // => [3, -4, -4, 3]
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor;
export function floorDivide(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('floorDivide', 'floorDivide(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('floorDivide', a, b).map(stopGradient) as [Tensor, Tensor];
  const m = fmod(ta, tb);
  const q = div(sub(ta, m), tb);
  const adjusted = where(logicalAnd(notEqual(m, 0), notEqual(less(tb, 0), less(m, 0))), sub(q, 1), q);
  const f = floor(adjusted);
  const snapped = where(greater(sub(adjusted, f), 0.5), add(f, 1), f);
  const quotient = div(ta, tb);
  const signed = where(equal(adjusted, 0), copysign(0, quotient), snapped);
  return where(equal(tb, 0), quotient, signed);
}

/** 2^k for integer tensors k in [−1074, 1023] (exact: Math.pow's powers of two). */
const exp2Int = (k: Tensor) => pow(2, k);

/**
 * The mantissa and exponent of x (numpy.frexp): x = m·2^e with 0.5 ≤ |m| < 1 and e an integer,
 * subnormals included; (x, 0) for 0 (signed), ±∞ and NaN. The mantissa's derivative is 2^−e (the
 * exponent is piecewise constant, with no gradient).
 * @example
 * const [m, e] = ad.frexp(ad.tensor([8, -0.3, 0]));
 * m.toArray(); // => [0.5, -0.6, 0]
 * e.toArray(); // => [4, -1, 0]
 */
export function frexp(x: TensorLike): [Tensor, Tensor];
export function frexp(x: TensorLike, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('frexp', 'frexp(x)', extra, x);
  const t = asTensor(x, 'frexp');
  const s = stopGradient(t);
  const a = abs(s);
  const regular = logicalAnd(isfinite(s), notEqual(s, 0));
  // Subnormals scaled by 2⁵⁴ first (exact), so every 2^−e below is a representable power of two.
  const small = less(a, 2 ** -1022);
  const shift = where(small, 54, 0);
  const scaled = where(regular, mul(a, exp2Int(shift)), 1);
  // ⌊log₂ a⌋ + 1 may be one off next to powers of two: fixed by the scaled value's range.
  let e = add(floor(log2(scaled)), 1);
  const m0 = mul(scaled, exp2Int(mul(e, -1)));
  e = where(less(m0, 0.5), sub(e, 1), where(greaterEqual(m0, 1), add(e, 1), e));
  const exponent = where(regular, sub(e, shift), 0);
  // x·2^shift·2^−e: two exact scalings (the result is in [0.5, 1)), differentiable in x.
  const mantissa = where(regular, mul(mul(t, exp2Int(shift)), exp2Int(mul(where(regular, e, 0), -1))), t);
  return [mantissa, exponent];
}

/**
 * x·2^n (numpy.ldexp), exact and correctly rounded at every magnitude (subnormal results rounded
 * once, as C's ldexp; 2^n itself may under- or overflow where x·2^n does not). n must hold
 * integers (an AdjointError otherwise, as NumPy refuses float exponents). The gradient in x is 2^n;
 * n gets none.
 * @example ad.ldexp(ad.tensor([1, 3, 1e-300]), ad.tensor([10, -1, -800])).toArray(); // => [1024, 1.5, 1e-300 * 2 ** -800]
 */
export function ldexp(x: TensorLike, n: TensorLike): Tensor;
export function ldexp(x: TensorLike, n: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ldexp', 'ldexp(x, n)', extra, n);
  const [tx, tn] = broadcastOperands('ldexp', x, n);
  checkIntegerValues('ldexp', 'the exponents n', tn);
  const [sx, sn] = [stopGradient(tx), stopGradient(tn)];
  const [m, e] = frexp(sx);
  // x = m·2^e, 0.5 ≤ |m| < 1, so x·2^n = (2m)·2^k with k = e + n − 1 and 1 ≤ |2m| < 2. Below 2^−1022
  // or above 2^1023 the power is split in two: (2m)·2^−1022 is exact, and only the last product rounds.
  const k = clip(sub(add(e, sn), 1), -1200, 1200);
  const hi = clip(k, -1022, 1023);
  const exact = mul(mul(mul(m, 2), exp2Int(hi)), exp2Int(sub(k, hi)));
  // The derivative 2^n, correctly rounded (Math.pow's powers of two: 0 below 2^−1074, ∞ above 2^1023),
  // not through the chain above, whose partial products over- or underflow where 2^n does not
  // (grad of ldexp(1, 1023) was ∞, of ldexp(2^−1000, −80) 0, the jvp at x = 5e-324, n = 1000 ∞).
  // sx − x is +0 with derivative −1 (finite x), the strong product keeps 0·∞ = 0, and subtracting
  // +0 keeps a −0 result. Infinite or NaN x: x·2^n itself (x where 2^n rounds to 0).
  const c = exp2Int(clip(sn, -1100, 1100));
  const finite = sub(exact, mulStrong(sub(sx, tx), c));
  return where(isfinite(sx), finite, where(equal(c, 0), sx, mulStrong(tx, c)));
}

/**
 * The next float64 after x towards y (numpy.nextafter, C's nextafter): y where x = y, NaN if
 * either is NaN; ±2^−1074 from zero, ±`Number.MAX_VALUE` from ±∞. No gradient.
 * @example ad.nextafter(ad.tensor([1, 1, 0]), ad.tensor([2, 0, -1])).toArray(); // => [1 + Number.EPSILON, 1 - Number.EPSILON / 2, -5e-324]
 */
export function nextafter(x: TensorLike, y: TensorLike): Tensor;
export function nextafter(x: TensorLike, y: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nextafter', 'nextafter(x, y)', extra, y);
  const [tx, ty] = broadcastOperands('nextafter', x, y).map(stopGradient) as [Tensor, Tensor];
  const [m, e] = frexp(tx);
  const a = abs(tx);
  // Within [2^(e−1), 2^e) the spacing is 2^(e−53), and below 2^(e−1) (m = ±½) half that; never below 2^−1074.
  const up = exp2Int(maximum(sub(e, 53), -1074));
  const down = where(equal(abs(m), 0.5), exp2Int(maximum(sub(e, 54), -1074)), up);
  const away = equal(greater(ty, tx), greater(tx, 0)); // moving away from zero
  const stepped = copysign(where(away, add(a, up), sub(a, down)), tx);
  const fromZero = copysign(2 ** -1074, sub(ty, tx));
  const fromInfinity = copysign(Number.MAX_VALUE, tx);
  const result = where(equal(tx, 0), fromZero, where(equal(a, Infinity), fromInfinity, stepped));
  return where(logicalOr(isnan(tx), isnan(ty)), NaN, where(equal(tx, ty), ty, result));
}

/** |a| and |b| broadcast and checked to hold integers, for gcd and lcm. */
function integerPair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [ta, tb] = broadcastOperands(op, a, b).map((t) => abs(stopGradient(t))) as [Tensor, Tensor];
  checkIntegerValues(op, 'a', ta);
  checkIntegerValues(op, 'b', tb);
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  return [broadcastTo(ta, shape), broadcastTo(tb, shape)];
}

/** Euclid's steps that suffice for every pair below 2^53 (Lamé: the Fibonacci number F₇₉ > 2^53). */
const EUCLID_STEPS = 80;

/**
 * The greatest common divisor of |a| and |b| (numpy.gcd), elementwise; gcd(0, 0) = 0. a and b
 * must hold integers (an AdjointError otherwise, as NumPy refuses floats). Euclid's algorithm with
 * C's fmod (exact): eagerly until every pair is done; under jit and vmap a fixed 80 steps, exact
 * below 2^53. No gradient (piecewise constant).
 * @example ad.gcd(ad.tensor([12, -4, 0, 7]), ad.tensor([18, 6, 0, 0])).toArray(); // => [6, 2, 0, 7]
 */
export function gcd(a: TensorLike, b: TensorLike): Tensor;
export function gcd(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('gcd', 'gcd(a, b)', extra, b);
  let [x, y] = integerPair('gcd', a, b);
  const eager = checkableValues(x) !== null && checkableValues(y) !== null;
  for (let step = 0; eager || step < EUCLID_STEPS; step++) {
    if (eager && y.values.every((v) => v === 0)) break;
    const zero = equal(y, 0);
    [x, y] = [where(zero, x, y), where(zero, 0, fmod(x, where(zero, 1, y)))];
  }
  return x;
}

/**
 * The least common multiple of |a| and |b| (numpy.lcm): |a|/gcd(a, b)·|b|, 0 where either is 0.
 * Integers only, as `gcd`. No gradient.
 * @example ad.lcm(ad.tensor([4, -6, 0]), ad.tensor([6, 4, 5])).toArray(); // => [12, 12, 0]
 */
export function lcm(a: TensorLike, b: TensorLike): Tensor;
export function lcm(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('lcm', 'lcm(a, b)', extra, b);
  const [x, y] = integerPair('lcm', a, b);
  const g = gcd(x, y);
  return where(equal(g, 0), 0, mul(div(x, where(equal(g, 0), 1, g)), y));
}

// ---------------------------------------------------------------------------------------------
// Creation

/** Options of `logspace` and `geomspace`. */
export interface LogspaceOptions {
  /** Whether `stop` is the last value (default true), as linspace's. */
  readonly endpoint?: boolean | undefined;
  /** The base of the powers (`logspace` only; default 10). */
  readonly base?: number | undefined;
}

function spaceOptions(op: string, options: LogspaceOptions, known: readonly string[]): { endpoint: boolean; base: number } {
  knownOptions(op, options, known, known.includes('base') ? '{ endpoint: false, base: 2 }' : '{ endpoint: false }');
  const { endpoint = true, base = 10 } = options;
  if (typeof endpoint !== 'boolean') throw new InvalidArgumentError(`${op}: endpoint must be true or false, got ${describe(endpoint)}.`);
  if (typeof base !== 'number') throw new InvalidArgumentError(`${op}: base must be a number, got ${describe(base)}.`);
  return { endpoint, base };
}

/**
 * `num` powers base^t for t evenly spaced from `start` to `stop` (numpy.logspace): base^start …
 * base^stop, stop left out with `endpoint: false`. float64, computed as NumPy's
 * (`pow(base, linspace(start, stop, num))`); tensor endpoints as linspace's (differentiable, mappable).
 * @example ad.logspace(0, 3, 4).toArray(); // => [1, 10, 100, 1000]
 */
export function logspace(start: TensorLike, stop: TensorLike, num?: number, options?: LogspaceOptions): Tensor;
export function logspace(start: TensorLike, stop: TensorLike, num = 50, options: LogspaceOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logspace', 'logspace(start, stop, num?, options?)', extra, options);
  const { endpoint, base } = spaceOptions('logspace', options, ['endpoint', 'base']);
  integerArg('logspace', 'num', num);
  return pow(base, linspace(start, stop, num, endpoint));
}

/**
 * `num` numbers from `start` to `stop` in geometric progression (numpy.geomspace): evenly spaced
 * in log10, with the first and last entries exactly start and stop. Both negative gives negative
 * numbers; zero is an error (as NumPy); opposite signs give NaN inside (NumPy warns and does the same).
 * Tensor endpoints (differentiated, mapped, or arrays) follow the same recipe in ops.
 * @example ad.geomspace(1, 1000, 4).toArray(); // => [1, 10, 100, 1000]
 */
export function geomspace(start: TensorLike, stop: TensorLike, num?: number, options?: LogspaceOptions): Tensor;
export function geomspace(start: TensorLike, stop: TensorLike, num = 50, options: LogspaceOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('geomspace', 'geomspace(start, stop, num?, options?)', extra, options);
  const { endpoint } = spaceOptions('geomspace', options, ['endpoint']);
  integerArg('geomspace', 'num', num);
  if (start instanceof Tensor || stop instanceof Tensor) return geomspaceOfTensors(start, stop, num, endpoint);
  if (typeof start !== 'number' || typeof stop !== 'number') {
    throw new InvalidArgumentError(`geomspace: start and stop must be numbers, got ${describe(start)} and ${describe(stop)}.`);
  }
  if (start === 0 || stop === 0) throw new InvalidArgumentError(`geomspace: a geometric sequence cannot include zero (got start ${start}, stop ${stop}).`);
  const sign = start < 0 && stop < 0 ? -1 : 1;
  const [lo, hi] = [start * sign, stop * sign];
  // Math.log10 (within an ulp, as NumPy's libm log10), not ad.log10 (ln x · log₁₀e, two roundings): an
  // ulp in the exponent is |t|·ln 10 ulps of 10^t, so geomspace(1e308, 1.7e308, 3)[1] was 1.3038404810403940e308
  // for NumPy's 1.3038404810405647e308 (1.3e-13 relative).
  const logs = [Math.log10(lo), Math.log10(hi)] as const;
  const values = logspace(logs[0], logs[1], num, { endpoint, base: 10 }).values.slice();
  // numpy.geomspace: the ends set to start and stop (10^log10(x) need not be x).
  if (num > 0) values[0] = lo;
  if (num > 1 && endpoint) values[num - 1] = hi;
  return sign === 1 ? tensor(values) : tensor(values.map((v) => -v));
}

/**
 * The 2-d array with the flattened v on diagonal k (numpy.diagflat): k > 0 above the main
 * diagonal, k < 0 below; shape [n + |k|, n + |k|]; zeros elsewhere (also where v is NaN or ∞).
 * @example ad.diagflat(ad.tensor([[1, 2]]), 1).toArray(); // => [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 */
export function diagflat(v: TensorLike, k?: number): Tensor;
export function diagflat(v: TensorLike, k = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('diagflat', 'diagflat(v, k?)', extra, k);
  const flat = ravel(asTensor(v, 'diagflat'));
  integerArg('diagflat', 'k', k, true);
  const n = flat.size, s = Math.abs(k);
  const square = where(eye(n), broadcastTo(reshape(flat, [n, 1]), [n, n]), 0);
  return k >= 0 ? pad(square, [[0, s], [s, 0]]) : pad(square, [[s, 0], [0, s]]);
}

/**
 * The n×n identity matrix (numpy.identity; `ad.eye(n)`).
 * @example ad.identity(2).toArray(); // => [[1, 0], [0, 1]]
 */
export function identity(n: number): Tensor;
export function identity(n: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('identity', 'identity(n)', extra, n);
  integerArg('identity', 'n', n);
  return eye(n);
}

// ---------------------------------------------------------------------------------------------
// Splitting, appending, inserting, deleting

/**
 * x cut along `axis` (numpy.array_split): into `sections` parts whose lengths differ by at most one
 * (the first length mod sections one longer), or at the listed indices as `split`.
 * @example ad.arraySplit(ad.arange(5), 3).map((p) => p.toArray()); // => [[0, 1], [2, 3], [4]]
 */
export function arraySplit(x: TensorLike, indicesOrSections: number | readonly number[], axis?: number): Tensor[];
export function arraySplit(x: TensorLike, indicesOrSections: number | readonly number[], axis = 0, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('arraySplit', 'arraySplit(x, indicesOrSections, axis?)', extra, axis);
  const t = asTensor(x, 'arraySplit');
  if (typeof indicesOrSections !== 'number') return split(t, indicesOrSections, axis);
  if (t.ndim === 0) throw new ShapeError('arraySplit: x is 0-d; it needs an axis to split along (reshape it to [1] first).');
  const sections = integerArg('arraySplit', 'the number of sections', indicesOrSections);
  if (sections === 0) throw new InvalidArgumentError('arraySplit: the number of sections must be at least 1, got 0.');
  // A list of that many tensors is past what a JavaScript heap holds (2²⁸ aborted the process, uncatchably).
  if (sections > 2 ** 24) throw new InvalidArgumentError(`arraySplit: ${sections} sections would be ${sections} tensors; at most 2^24 (16777216) are made. Split into fewer pieces.`);
  const n = t.shape[normalizeAxis(axis, t.ndim, 'arraySplit')]!;
  const each = Math.floor(n / sections), extras = n % sections;
  const cuts: number[] = [];
  for (let i = 1, at = 0; i < sections; i++) cuts.push((at += i <= extras ? each + 1 : each));
  return split(t, cuts, axis);
}

function splitAlong(op: string, axisFor: (ndim: number) => number, minAxes: number, x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[] {
  const t = asTensor(x, op);
  if (t.ndim < minAxes) {
    throw new ShapeError(`${op}: x of shape ${formatShape(t.shape)} has ${t.ndim} axes; ${op} needs ${minAxes} or more (as NumPy's).`);
  }
  return split(t, indicesOrSections, axisFor(t.ndim));
}

/**
 * `split` along the columns (numpy.hsplit): axis 1, or axis 0 for a 1-d x.
 * @example ad.hsplit(ad.tensor([[1, 2, 3, 4]]), 2).map((p) => p.toArray()); // => [[[1, 2]], [[3, 4]]]
 */
export function hsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[];
export function hsplit(x: TensorLike, indicesOrSections: number | readonly number[], ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('hsplit', 'hsplit(x, indicesOrSections)', extra, indicesOrSections);
  return splitAlong('hsplit', (d) => (d > 1 ? 1 : 0), 1, x, indicesOrSections);
}

/**
 * `split` along axis 0 (numpy.vsplit); x needs two axes or more.
 * @example ad.vsplit(ad.tensor([[1, 2], [3, 4]]), 2).map((p) => p.toArray()); // => [[[1, 2]], [[3, 4]]]
 */
export function vsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[];
export function vsplit(x: TensorLike, indicesOrSections: number | readonly number[], ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('vsplit', 'vsplit(x, indicesOrSections)', extra, indicesOrSections);
  return splitAlong('vsplit', () => 0, 2, x, indicesOrSections);
}

/**
 * `split` along axis 2 (numpy.dsplit); x needs three axes or more.
 * @example ad.dsplit(ad.zeros([1, 2, 4]), [1]).map((p) => p.shape); // => [[1, 2, 1], [1, 2, 3]]
 */
export function dsplit(x: TensorLike, indicesOrSections: number | readonly number[]): Tensor[];
export function dsplit(x: TensorLike, indicesOrSections: number | readonly number[], ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('dsplit', 'dsplit(x, indicesOrSections)', extra, indicesOrSections);
  return splitAlong('dsplit', () => 2, 3, x, indicesOrSections);
}

/**
 * values joined after arr (numpy.append): both flattened without an axis; along `axis` they need
 * the same number of axes and the same lengths off it.
 * @example ad.append(ad.tensor([[1, 2], [3, 4]]), ad.tensor([5])).toArray(); // => [1, 2, 3, 4, 5]
 */
export function append(arr: TensorLike, values: TensorLike, axis?: number): Tensor;
export function append(arr: TensorLike, values: TensorLike, axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('append', 'append(arr, values, axis?)', extra, axis);
  const [a, v] = [asTensor(arr, 'append'), asTensor(values, 'append')];
  if (axis === undefined) return concat([ravel(a), ravel(v)], 0);
  if (a.ndim !== v.ndim) {
    throw new ShapeError(
      `append: arr of shape ${formatShape(a.shape)} and values of shape ${formatShape(v.shape)} have different numbers of axes; ` +
        'along an axis they need the same (leave the axis out to append flattened values).',
    );
  }
  return concat([a, v], axis);
}

/** The positions given as `obj` (a number or a list of integers), checked. */
function positions(op: string, obj: number | readonly number[]): { list: number[]; single: boolean } {
  if (typeof obj === 'number') return { list: [integerArg(op, 'the index', obj, true)], single: true };
  if (!Array.isArray(obj)) throw new InvalidArgumentError(`${op}: obj must be an integer or a list of integers, got ${describe(obj)}.`);
  return { list: Array.from(obj, (i) => integerArg(op, 'an index', i, true)), single: false }; // a hole read as undefined, refused
}

/**
 * arr with `values` inserted before the given positions along `axis` (numpy.insert; without an
 * axis, into the flattened arr). One index: values get arr's number of axes (leading axes of
 * length 1) and, for a number `obj`, their first axis is moved to `axis` (NumPy's rule), then
 * broadcast to fill the new slice. A list of indices: one new slice per index, placed as NumPy's
 * (stable order of the indices, each counted against the original arr), values broadcast to
 * [..., count, ...]. Negative indices count from the end; an index past [−n, n] is an error.
 * Differentiable in arr and values.
 * @example
 * ad.insert(ad.tensor([1, 2, 3]), 1, 9).toArray();               // => [1, 9, 2, 3]
 * ad.insert(ad.tensor([1, 2, 3]), [0, 3], ad.tensor([7, 8])).toArray(); // => [7, 1, 2, 3, 8]
 * ad.insert(ad.tensor([[1, 2], [3, 4]]), 1, ad.tensor([5, 6]), 1).toArray(); // => [[1, 5, 2], [3, 6, 4]]
 */
export function insert(arr: TensorLike, obj: number | readonly number[], values: TensorLike, axis?: number): Tensor;
export function insert(arr: TensorLike, obj: number | readonly number[], values: TensorLike, axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('insert', 'insert(arr, obj, values, axis?)', extra, axis);
  let a = asTensor(arr, 'insert');
  let v = asTensor(values, 'insert');
  if (axis === undefined) a = ravel(a);
  const ax = normalizeAxis(axis ?? 0, a.ndim, 'insert');
  const n = a.shape[ax]!;
  const { list, single } = positions('insert', obj);
  for (const i of list) {
    if (i < -n || i > n) {
      throw new InvalidArgumentError(`insert: index ${i} is out of bounds for axis ${ax} with size ${n} (shape ${formatShape(a.shape)}); use an index in [${-n}, ${n}].`);
    }
  }
  let count: number;
  let at: number[];
  if (list.length === 1) {
    // numpy.insert: values as an array of at least arr's rank (leading 1s); a scalar obj moves its first axis to `axis`.
    if (v.ndim < a.ndim) v = reshape(v, [...new Array<number>(a.ndim - v.ndim).fill(1), ...v.shape]);
    if (single) v = moveaxis(v, 0, ax);
    count = v.shape[ax]!;
    const start = list[0]! < 0 ? list[0]! + n : list[0]!;
    at = Array.from({ length: count }, (_, j) => start + j);
  } else {
    const wrapped = list.map((i) => (i < 0 ? i + n : i));
    count = wrapped.length;
    const order = wrapped.map((i, j) => [i, j] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]).map(([, j]) => j);
    at = new Array<number>(count);
    order.forEach((j, rank) => { at[j] = wrapped[j]! + rank; });
  }
  const slot = a.shape.map((d, i) => (i === ax ? count : d));
  // NumPy assigns the values into the new slices (new[..., positions, ...] = values), and assignment
  // drops leading axes of length 1 beyond the slot's rank: insert(arange(5), [0, 2, 1], [[7, 8, 9]]).
  while (v.ndim > slot.length && v.shape[0] === 1) v = reshape(v, v.shape.slice(1));
  let filled: Tensor;
  try {
    filled = broadcastTo(v, slot);
  } catch {
    throw new ShapeError(`insert: values of shape ${formatShape(v.shape)} do not broadcast to ${formatShape(slot)}, the ${count} new slice(s) of arr ${formatShape(a.shape)} along axis ${ax}.`);
  }
  // Positions of the result: the inserted slices where `at` says, arr's slices in order elsewhere.
  const total = n + count;
  const source = new Array<number>(total).fill(-1);
  at.forEach((p, j) => { source[p] = n + j; });
  for (let p = 0, next = 0; p < total; p++) if (source[p] === -1) source[p] = next++;
  return take(concat([a, filled], ax), source, ax);
}

/**
 * arr without the given entries along `axis` (numpy.delete; without an axis, of the flattened
 * arr): one index or a list (negative from the end, repeats allowed); an index out of range is an
 * error. Exported as `delete` (call it `ad.delete`). Differentiable in arr.
 * @example ad.delete(ad.tensor([1, 2, 3, 4]), [0, -1]).toArray(); // => [2, 3]
 */
export function deleteEntries(arr: TensorLike, obj: number | readonly number[], axis?: number): Tensor;
export function deleteEntries(arr: TensorLike, obj: number | readonly number[], axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('delete', 'delete(arr, obj, axis?)', extra, axis);
  let a = asTensor(arr, 'delete');
  if (axis === undefined) a = ravel(a);
  const ax = normalizeAxis(axis ?? 0, a.ndim, 'delete');
  const n = a.shape[ax]!;
  const { list } = positions('delete', obj);
  const keep = new Array<boolean>(n).fill(true);
  for (const i of list) {
    if (i < -n || i >= n) {
      throw new InvalidArgumentError(`delete: index ${i} is out of bounds for axis ${ax} with size ${n} (shape ${formatShape(a.shape)}); use an index in [${-n}, ${n - 1}].`);
    }
    keep[i < 0 ? i + n : i] = false;
  }
  return take(a, keep.flatMap((k, i) => (k ? [i] : [])), ax);
}

