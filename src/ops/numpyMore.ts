/**
 * @file More of jax.numpy's elementwise and array functions, as composites of adjoint's ops (no new
 * primitives): diagonal and trace over any two axes, fmax, fmin, divmod, modf, fix, rint, positive,
 * floatPower, isposinf, isneginf, arrayEqual, arrayEquiv, broadcastArrays, broadcastShapes,
 * indices, tri and rollaxis. NumPy 1.24's values; every transformation comes with the ops.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes as commonShape, formatShape, normalizeAxis, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, broadcastOperands, describe, zeros, type TensorLike } from '../tensor/create.js';
import { equal, greater, greaterEqual, less, pow, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { broadcastTo, reshape, stack, transpose } from './shape.js';
import { isinf, isnan, logicalOr } from './predicates.js';
import { mod, round, trunc } from './rounding.js';
import { copysign } from './elementwiseExtras.js';
import { moveaxis } from './layout.js';
import { sum } from './reduce.js';
import { diagonal as matrixDiagonal } from '../linalg/diagonal.js';
import { floorDivide, integerArg } from './numpyBreadth.js';
import { extraArguments } from '../core/extraArguments.js';

// ---------------------------------------------------------------------------------------------
// Diagonals over any two axes

/** a with axis1 and axis2 moved last (checked: distinct, in range), for diagonal and trace. */
function matrixAxesLast(op: string, a: TensorLike, axis1: number, axis2: number): Tensor {
  const t = asTensor(a, op);
  if (t.ndim < 2) throw new ShapeError(`${op}: a of shape ${formatShape(t.shape)} has ${t.ndim} axes; it needs two or more (the diagonal lies in the plane of axis1 and axis2).`);
  const [p, q] = [normalizeAxis(integerArg(op, 'axis1', axis1, true), t.ndim, op), normalizeAxis(integerArg(op, 'axis2', axis2, true), t.ndim, op)];
  if (p === q) throw new InvalidArgumentError(`${op}: axis1 and axis2 must differ, got ${axis1} and ${axis2} for shape ${formatShape(t.shape)}.`);
  return moveaxis(t, [p, q], [-2, -1]);
}

/**
 * The diagonal of a in the plane of `axis1` and `axis2` (numpy.diagonal): the other axes first, the
 * diagonal last; `offset` > 0 above the main diagonal (towards larger axis2 positions), < 0 below.
 * `ad.linalg.diagonal(x, offset)` is this with the last two axes. Differentiable (linear).
 * @example ad.diagonal(ad.reshape(ad.arange(8), [2, 2, 2]), 0, 1, 2).toArray(); // => [[0, 3], [4, 7]]
 */
export function diagonal(a: TensorLike, offset?: number, axis1?: number, axis2?: number): Tensor;
export function diagonal(a: TensorLike, offset = 0, axis1 = 0, axis2 = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('diagonal', 'diagonal(a, offset?, axis1?, axis2?)', extra, axis2);
  integerArg('diagonal', 'offset', offset, true);
  return matrixDiagonal(matrixAxesLast('diagonal', a, axis1, axis2), offset);
}

/**
 * The sum of a's diagonal in the plane of `axis1` and `axis2` (numpy.trace): of the other axes'
 * shape. `ad.linalg.trace(x, offset)` is this with the last two axes. Differentiable (linear).
 * @example ad.trace(ad.tensor([[1, 2], [3, 4]])).item(); // => 5
 */
export function trace(a: TensorLike, offset?: number, axis1?: number, axis2?: number): Tensor;
export function trace(a: TensorLike, offset = 0, axis1 = 0, axis2 = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('trace', 'trace(a, offset?, axis1?, axis2?)', extra, axis2);
  integerArg('trace', 'offset', offset, true);
  return sum(matrixDiagonal(matrixAxesLast('trace', a, axis1, axis2), offset), -1);
}

// ---------------------------------------------------------------------------------------------
// Elementwise

/**
 * The larger of a and b, ignoring NaN (numpy.fmax): the other where one is NaN, NaN where both are.
 * As NumPy 1.24 and jnp.fmax, a tie (±0 included) gives b: fmax(−0, 0) = 0, fmax(0, −0) = −0; so
 * the gradient goes to a where a > b or b is NaN, to b elsewhere (JAX's).
 * @example ad.fmax(ad.tensor([1, NaN, 3, NaN]), ad.tensor([2, 5, NaN, NaN])).toArray(); // => [2, 5, 3, NaN]
 */
export function fmax(a: TensorLike, b: TensorLike): Tensor;
export function fmax(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fmax', 'fmax(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('fmax', a, b);
  return where(logicalOr(greater(ta, tb), isnan(tb)), ta, tb);
}

/**
 * The smaller of a and b, ignoring NaN (numpy.fmin); ties and gradients as `fmax`.
 * @example ad.fmin(ad.tensor([1, NaN, 3, NaN]), ad.tensor([2, 5, NaN, NaN])).toArray(); // => [1, 5, 3, NaN]
 */
export function fmin(a: TensorLike, b: TensorLike): Tensor;
export function fmin(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fmin', 'fmin(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('fmin', a, b);
  return where(logicalOr(less(ta, tb), isnan(tb)), ta, tb);
}

/**
 * `[floorDivide(a, b), mod(a, b)]` (numpy.divmod, Python's divmod): the floored quotient and the
 * remainder with b's sign, bit for bit NumPy's. The quotient has no gradient; the remainder has mod's.
 * @example ad.divmod(ad.tensor([7, -7]), 2).map((t) => t.toArray()); // => [[3, -4], [1, 1]]
 */
export function divmod(a: TensorLike, b: TensorLike): [Tensor, Tensor];
export function divmod(a: TensorLike, b: TensorLike, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('divmod', 'divmod(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('divmod', a, b);
  return [floorDivide(ta, tb), mod(ta, tb)];
}

/**
 * `[fractional, integral]` parts of x (numpy.modf), both with x's sign: modf(−3) = [−0, −3],
 * modf(±∞) = [±0, ±∞], NaN gives NaN twice. The fractional part has derivative 1 (at whole numbers
 * too, as PyTorch's frac and JAX's modf: the right-hand derivative), the integral part 0.
 * @example ad.modf(ad.tensor([2.5, -0.5])).map((t) => t.toArray()); // => [[0.5, -0.5], [2, -0]]
 */
export function modf(x: TensorLike): [Tensor, Tensor];
export function modf(x: TensorLike, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('modf', 'modf(x)', extra, x);
  const t = asTensor(x, 'modf');
  const whole = trunc(t);
  const s = stopGradient(t);
  const frac = sub(t, whole);
  // A whole number's fractional part is a zero with x's sign, still of derivative 1 in x:
  // copysign(0, x) − (x − x) with the first x held constant (x − x is +0; a −0 keeps its sign).
  const signedZero = sub(copysign(0, s), sub(s, t));
  return [where(isinf(s), copysign(0, s), where(equal(frac, 0), signedZero, frac)), whole];
}

/**
 * x rounded towards zero (numpy.fix; the same values as `trunc`, −0 kept). Derivative 0.
 * @example ad.fix(ad.tensor([2.7, -2.7, -0.2])).toArray(); // => [2, -2, -0]
 */
export function fix(x: TensorLike): Tensor;
export function fix(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fix', 'fix(x)', extra, x);
  return trunc(asTensor(x, 'fix'));
}

/**
 * x rounded to the nearest whole number, ties to even (numpy.rint; `round(x)`). Derivative 0.
 * @example ad.rint(ad.tensor([0.5, 1.5, -2.5, 2.6])).toArray(); // => [0, 2, -2, 3]
 */
export function rint(x: TensorLike): Tensor;
export function rint(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('rint', 'rint(x)', extra, x);
  return round(asTensor(x, 'rint'));
}

/**
 * x itself (numpy.positive, unary +): the same tensor, −0 kept.
 * @example ad.positive(ad.tensor([-1, 2])).toArray(); // => [-1, 2]
 */
export function positive(x: TensorLike): Tensor;
export function positive(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('positive', 'positive(x)', extra, x);
  return asTensor(x, 'positive');
}

/**
 * x1 to the power x2 in float64 (numpy.float_power; `pow`, since adjoint's tensors are float64):
 * a negative base to a non-integer power is NaN.
 * @example ad.floatPower(ad.tensor([2, -8, 4]), ad.tensor([3, 1 / 3, -0.5])).toArray(); // => [8, NaN, 0.5]
 */
export function floatPower(x1: TensorLike, x2: TensorLike): Tensor;
export function floatPower(x1: TensorLike, x2: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('floatPower', 'floatPower(x1, x2)', extra, x2);
  const [a, b] = broadcastOperands('floatPower', x1, x2);
  return pow(a, b);
}

/**
 * 1 where x is +∞, else 0 (numpy.isposinf). No gradient.
 * @example ad.isposinf(ad.tensor([Infinity, -Infinity, NaN, 1])).toArray(); // => [1, 0, 0, 0]
 */
export function isposinf(x: TensorLike): Tensor;
export function isposinf(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('isposinf', 'isposinf(x)', extra, x);
  return equal(asTensor(x, 'isposinf'), Infinity);
}

/**
 * 1 where x is −∞, else 0 (numpy.isneginf). No gradient.
 * @example ad.isneginf(ad.tensor([Infinity, -Infinity, NaN, 1])).toArray(); // => [0, 1, 0, 0]
 */
export function isneginf(x: TensorLike): Tensor;
export function isneginf(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('isneginf', 'isneginf(x)', extra, x);
  return equal(asTensor(x, 'isneginf'), -Infinity);
}

// ---------------------------------------------------------------------------------------------
// Whole-array comparisons (booleans, as `allclose`)

/**
 * Whether a1 and a2 have the same shape and equal entries (numpy.array_equal): a boolean, as
 * `allclose` returns (jnp returns a 0-d bool array). NaN equals NaN only with `equalNan`; −0
 * equals 0. It reads the values (under jit the function runs as written).
 * @example ad.arrayEqual(ad.tensor([1, NaN]), ad.tensor([1, NaN]), true); // => true
 */
export function arrayEqual(a1: TensorLike, a2: TensorLike, equalNan?: boolean): boolean;
export function arrayEqual(a1: TensorLike, a2: TensorLike, equalNan = false, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('arrayEqual', 'arrayEqual(a1, a2, equalNan?)', extra, equalNan);
  const [a, b] = [asTensor(a1, 'arrayEqual'), asTensor(a2, 'arrayEqual')];
  if (typeof equalNan !== 'boolean') throw new InvalidArgumentError(`arrayEqual: equalNan must be true or false, got ${describe(equalNan)}.`);
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const [va, vb] = [stopGradient(a).values, stopGradient(b).values];
  for (let i = 0; i < va.length; i++) {
    if (va[i] === vb[i]) continue;
    if (equalNan && Number.isNaN(va[i]!) && Number.isNaN(vb[i]!)) continue;
    return false;
  }
  return true;
}

/**
 * Whether a1 and a2 broadcast to one shape and are equal there (numpy.array_equiv): a boolean;
 * shapes that do not broadcast give false, not an error. NaN equals nothing.
 * @example ad.arrayEquiv(ad.tensor([1, 2]), ad.tensor([[1, 2], [1, 2]])); // => true
 */
export function arrayEquiv(a1: TensorLike, a2: TensorLike): boolean;
export function arrayEquiv(a1: TensorLike, a2: TensorLike, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('arrayEquiv', 'arrayEquiv(a1, a2)', extra, a2);
  const [a, b] = [asTensor(a1, 'arrayEquiv'), asTensor(a2, 'arrayEquiv')];
  let shape: Shape;
  try {
    shape = commonShape('arrayEquiv', a.shape, b.shape);
  } catch (e) {
    if (e instanceof ShapeError) return false;
    throw e;
  }
  const [va, vb] = [broadcastTo(stopGradient(a), shape).values, broadcastTo(stopGradient(b), shape).values];
  for (let i = 0; i < va.length; i++) if (va[i] !== vb[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Shapes, grids and axes

/**
 * The shape the given shapes broadcast to (numpy.broadcast_shapes), or a ShapeError naming them.
 * @example ad.broadcastShapes([2, 1], [3], []); // => [2, 3]
 */
export function broadcastShapes(...shapes: Shape[]): number[] {
  shapes.forEach((s, i) => {
    if (!Array.isArray(s) || Array.from(s as readonly unknown[]).some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) { // holes read as undefined
      throw new InvalidArgumentError(`broadcastShapes: shape ${i} must be a list of whole numbers ≥ 0, got ${describe(s)}.`);
    }
  });
  return [...commonShape('broadcastShapes', ...shapes)];
}

/**
 * The arguments broadcast to their common shape (numpy.broadcast_arrays). Differentiable (each
 * broadcast sums its cotangent back).
 * @example ad.broadcastArrays(ad.tensor([1, 2]), ad.tensor([[3], [4]])).map((t) => t.shape); // => [[2, 2], [2, 2]]
 */
export function broadcastArrays(...args: TensorLike[]): Tensor[] {
  const ts = args.map((a) => asTensor(a, 'broadcastArrays'));
  const shape = commonShape('broadcastArrays', ...ts.map((t) => t.shape));
  return ts.map((t) => broadcastTo(t, shape));
}

/**
 * The index grid of the given dimensions (numpy.indices): shape [dims.length, ...dims], entry
 * [i, …] the position along axis i. With `sparse`, one tensor per axis, of length dims[i] along
 * axis i and 1 elsewhere.
 * @example ad.indices([2, 3]).toArray(); // => [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]
 */
export function indices(dimensions: readonly number[], sparse?: false): Tensor;
export function indices(dimensions: readonly number[], sparse: true): Tensor[];
export function indices(dimensions: readonly number[], sparse = false, ...extra: unknown[]): Tensor | Tensor[] {
  if (extra.length > 0) extraArguments('indices', 'indices(dimensions, sparse?)', extra, sparse);
  if (!Array.isArray(dimensions)) throw new InvalidArgumentError(`indices: dimensions must be a list of whole numbers, got ${describe(dimensions)}.`);
  const dims = Array.from(dimensions, (d) => integerArg('indices', 'a dimension', d)); // holes read as undefined, refused
  if (typeof sparse !== 'boolean') throw new InvalidArgumentError(`indices: sparse must be true or false, got ${describe(sparse)}.`);
  const axes = dims.map((d, i) => reshape(arange(d), dims.map((e, j) => (i === j ? d : 1))));
  if (sparse) return axes;
  return dims.length === 0 ? zeros([0]) : stack(axes.map((a) => broadcastTo(a, dims)), 0);
}

/**
 * The n×m matrix with ones at and below diagonal k and zeros above (numpy.tri); m = n by default.
 * @example ad.tri(3, 4, 1).toArray(); // => [[1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]
 */
export function tri(n: number, m?: number, k?: number): Tensor;
export function tri(n: number, m?: number, k = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('tri', 'tri(n, m?, k?)', extra, k);
  integerArg('tri', 'n', n);
  const cols = m === undefined ? n : integerArg('tri', 'm', m);
  integerArg('tri', 'k', k, true);
  return greaterEqual(reshape(arange(n), [n, 1]), sub(reshape(arange(cols), [1, cols]), k));
}

/**
 * a with `axis` moved to sit before position `start` (numpy.rollaxis; `moveaxis` is the clearer
 * form): start in [−ndim, ndim], default 0.
 * @example ad.rollaxis(ad.zeros([3, 4, 5, 6]), 3, 1).shape; // => [3, 6, 4, 5]
 */
export function rollaxis(a: TensorLike, axis: number, start?: number): Tensor;
export function rollaxis(a: TensorLike, axis: number, start = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('rollaxis', 'rollaxis(a, axis, start?)', extra, start);
  const t = asTensor(a, 'rollaxis');
  const n = t.ndim;
  const ax = normalizeAxis(integerArg('rollaxis', 'axis', axis, true), n, 'rollaxis');
  let s = integerArg('rollaxis', 'start', start, true);
  if (s < 0) s += n;
  if (!(s >= 0 && s <= n)) throw new InvalidArgumentError(`rollaxis: start must be in [${-n}, ${n}] for a of shape ${formatShape(t.shape)}, got ${start}.`);
  if (ax < s) s -= 1;
  if (ax === s) return t;
  const perm = t.shape.map((_, i) => i).filter((i) => i !== ax);
  perm.splice(s, 0, ax);
  return transpose(t, perm);
}
