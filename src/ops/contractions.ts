/**
 * @file NumPy's contractions beside matmul and einsum — tensordot, inner, vdot, cross — and the
 * trapezoidal rule, as composites of transpose, reshape, matmul and products, so every
 * transformation comes with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, formatShape, normalizeAxis, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { add, div, mul, sub } from './binary.js';
import { broadcastTo, reshape, slice, stack, transpose } from './shape.js';
import { sum } from './reduce.js';
import { matmul } from './linalg.js';
import { diff } from './arrayHelpers.js';
import { moveaxis, ravel } from './layout.js';
import { extraArguments } from '../core/extraArguments.js';

/** The axes of tensordot: N (a's last N with b's first N) or a pair of lists [aAxes, bAxes]. */
export type TensordotAxes = number | readonly [number | readonly number[], number | readonly number[]];

function contractedAxes(a: Tensor, b: Tensor, axes: TensordotAxes): [number[], number[]] {
  const fix = 'give a whole number N (a\'s last N axes with b\'s first N) or a pair of axis lists [[…], […]] of equal length';
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
      throw new InvalidArgumentError(`tensordot: axes ${axes} does not fit a of shape ${formatShape(a.shape)} and b of shape ${formatShape(b.shape)}; ${fix}.`);
    }
    return [Array.from({ length: axes }, (_, k) => a.ndim - axes + k), Array.from({ length: axes }, (_, k) => k)];
  }
  if (!Array.isArray(axes) || axes.length !== 2) throw new InvalidArgumentError(`tensordot: axes must be a number or a pair of lists, got ${describe(axes)}; ${fix}.`);
  const list = (v: unknown, t: Tensor) => (typeof v === 'number' ? [v] : Array.isArray(v) ? v : [NaN]).map((x) => normalizeAxis(x as number, t.ndim, 'tensordot'));
  const [aa, bb] = [list(axes[0], a), list(axes[1], b)];
  if (aa.length !== bb.length || new Set(aa).size !== aa.length || new Set(bb).size !== bb.length) {
    throw new InvalidArgumentError(`tensordot: axes [${String(axes[0])}] and [${String(axes[1])}] must be lists of distinct axes of equal length; ${fix}.`);
  }
  return [aa, bb];
}

/**
 * Σ over paired axes of a·b (numpy.tensordot): `axes` = N sums a's last N axes against b's first N;
 * `[aAxes, bAxes]` pairs them explicitly. The result has a's free axes, then b's. One matmul.
 * @example
 * ad.tensordot(ad.ones([2, 3, 4]), ad.ones([3, 4, 5])).shape;              // => [2, 5]
 * ad.tensordot(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, 1]), [[0], [0]]).toArray(); // => [4, 6]
 */
export function tensordot(a: TensorLike, b: TensorLike, axes?: TensordotAxes): Tensor;
export function tensordot(a: TensorLike, b: TensorLike, axes: TensordotAxes = 2, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('tensordot', 'tensordot(a, b, axes?)', extra, axes);
  const [ta, tb] = [asTensor(a, 'tensordot'), asTensor(b, 'tensordot')];
  const [aa, bb] = contractedAxes(ta, tb, axes);
  const mismatch = aa.findIndex((ax, k) => ta.shape[ax] !== tb.shape[bb[k]!]);
  if (mismatch >= 0) {
    throw new ShapeError(
      `tensordot: axis ${aa[mismatch]} of a (shape ${formatShape(ta.shape)}) has length ${ta.shape[aa[mismatch]!]} but axis ${bb[mismatch]} of b ` +
        `(shape ${formatShape(tb.shape)}) has ${tb.shape[bb[mismatch]!]}; contracted axes must have equal lengths.`,
    );
  }
  const freeA = ta.shape.map((_, i) => i).filter((i) => !aa.includes(i));
  const freeB = tb.shape.map((_, i) => i).filter((i) => !bb.includes(i));
  const k = sizeOf(aa.map((i) => ta.shape[i]!));
  const left = reshape(transpose(ta, [...freeA, ...aa]), [sizeOf(freeA.map((i) => ta.shape[i]!)), k]);
  const right = reshape(transpose(tb, [...bb, ...freeB]), [k, sizeOf(freeB.map((i) => tb.shape[i]!))]);
  return reshape(matmul(left, right), [...freeA.map((i) => ta.shape[i]!), ...freeB.map((i) => tb.shape[i]!)]);
}

/**
 * The inner product over the last axes (numpy.inner): out[…i, …j] = Σₖ a[…i, k] b[…j, k]; a 0-d
 * operand multiplies.
 * @example ad.inner(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, 10])).toArray(); // => [21, 43]
 */
export function inner(a: TensorLike, b: TensorLike): Tensor;
export function inner(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('inner', 'inner(a, b)', extra, b);
  const [ta, tb] = [asTensor(a, 'inner'), asTensor(b, 'inner')];
  if (ta.ndim === 0 || tb.ndim === 0) return mul(ta, tb);
  if (ta.shape[ta.ndim - 1] !== tb.shape[tb.ndim - 1]) {
    throw new ShapeError(`inner: the last axes of a (shape ${formatShape(ta.shape)}) and b (shape ${formatShape(tb.shape)}) differ in length; they must match.`);
  }
  return tensordot(ta, tb, [[-1], [-1]]);
}

/**
 * Σ a·b over all entries, both flattened (numpy.vdot; no conjugation for reals). Sizes must match.
 * @example ad.vdot(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, 0, 0, 1])).item(); // => 5
 */
export function vdot(a: TensorLike, b: TensorLike): Tensor;
export function vdot(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('vdot', 'vdot(a, b)', extra, b);
  const [ta, tb] = [asTensor(a, 'vdot'), asTensor(b, 'vdot')];
  if (ta.size !== tb.size) {
    throw new ShapeError(`vdot: a of shape ${formatShape(ta.shape)} has ${ta.size} entries but b of shape ${formatShape(tb.shape)} has ${tb.size}; they must have the same number.`);
  }
  return sum(mul(ravel(ta), ravel(tb)));
}

/**
 * The cross product of 3-vectors (numpy.cross, jax.numpy.cross and their argument order: `axisa`,
 * `axisb`, `axisc`, `axis`): a's vectors along `axisa`, b's along `axisb`, the result's along
 * `axisc` (each the last by default); `axis`, when given, sets all three. The other axes
 * broadcast: (a₁b₂ − a₂b₁, a₂b₀ − a₀b₂, a₀b₁ − a₁b₀). The third argument is `axisa`, as NumPy's
 * and JAX's: `cross(a, b, 0)` reads a's vectors along axis 0 and b's along its last; NumPy's
 * `cross(a, b, axis=0)` is `cross(a, b, 0, 0, 0)` (or `cross(a, b, -1, -1, -1, 0)`).
 * @example
 * ad.cross(ad.tensor([1, 0, 0]), ad.tensor([0, 1, 0])).toArray(); // => [0, 0, 1]
 * ad.cross(ad.tensor([[1], [0], [0]]), ad.tensor([0, 1, 0]), 0).toArray(); // => [[0, 0, 1]]
 */
export function cross(a: TensorLike, b: TensorLike, axisa?: number, axisb?: number, axisc?: number, axis?: number): Tensor;
export function cross(a: TensorLike, b: TensorLike, axisa = -1, axisb = -1, axisc = -1, axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cross', 'cross(a, b, axisa?, axisb?, axisc?, axis?)', extra, axis);
  const [ta, tb] = [asTensor(a, 'cross'), asTensor(b, 'cross')];
  if (axis !== undefined) axisa = axisb = axisc = axis; // numpy.cross: axis overrides the three
  const [ma, mb] = [moveaxis(ta, normalizeAxis(axisa, ta.ndim, 'cross'), -1), moveaxis(tb, normalizeAxis(axisb, tb.ndim, 'cross'), -1)];
  if (ma.shape[ma.ndim - 1] !== 3 || mb.shape[mb.ndim - 1] !== 3) {
    throw new ShapeError(
      `cross: axis ${axisa} of a (shape ${formatShape(ta.shape)}) and ${axisa === axisb ? '' : `axis ${axisb} `}of b (shape ${formatShape(tb.shape)}) must both have length 3; ` +
        'cross takes 3-vectors (pad 2-vectors with a zero third component; the arguments after b are axisa, axisb, axisc and axis, as numpy.cross).',
    );
  }
  const shape = [...broadcastShapes('cross', ma.shape.slice(0, -1), mb.shape.slice(0, -1)), 3];
  const [ba, bb] = [broadcastTo(ma, shape), broadcastTo(mb, shape)];
  const component = (t: Tensor, i: number) => reshape(slice(t, shape.map((_, k) => (k === shape.length - 1 ? i : 0)), shape.map((d, k) => (k === shape.length - 1 ? 1 : d))), shape.slice(0, -1));
  const [a0, a1, a2] = [0, 1, 2].map((i) => component(ba, i)) as [Tensor, Tensor, Tensor];
  const [b0, b1, b2] = [0, 1, 2].map((i) => component(bb, i)) as [Tensor, Tensor, Tensor];
  const c = stack([sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2)), sub(mul(a0, b1), mul(a1, b0))], -1);
  return moveaxis(c, -1, normalizeAxis(axisc, c.ndim, 'cross'));
}

/**
 * ∫ y dx by the trapezoidal rule along `axis` (numpy.trapezoid): Σ (x[i+1] − x[i]) (y[i+1] + y[i]) / 2,
 * with sample points `x` (1-D of y's length along the axis, or of y's shape — or any shape whose
 * differences along `axis`, counted in x's own axes, broadcast against y's, as NumPy's) or a spacing `dx`.
 * Differentiable in y and x.
 * @example
 * ad.trapezoid(ad.tensor([1, 2, 3])).item();                          // => 4
 * ad.trapezoid(ad.tensor([1, 2, 3]), ad.tensor([0, 1, 3])).item();    // => 6.5
 */
export function trapezoid(y: TensorLike, x?: TensorLike, dx?: TensorLike, axis?: number): Tensor;
export function trapezoid(y: TensorLike, x?: TensorLike, dx: TensorLike = 1, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('trapezoid', 'trapezoid(y, x?, dx?, axis?)', extra, axis);
  const ty = asTensor(y, 'trapezoid');
  const ax = normalizeAxis(axis, ty.ndim, 'trapezoid');
  const n = ty.shape[ax]!;
  let widths: Tensor;
  if (x === undefined) widths = asTensor(dx, 'trapezoid');
  else {
    const tx = asTensor(x, 'trapezoid');
    if (tx.ndim === 1) {
      if (tx.shape[0] !== n) {
        throw new ShapeError(`trapezoid: x of shape ${formatShape(tx.shape)} has ${tx.shape[0]} points but y of shape ${formatShape(ty.shape)} has ${n} along axis ${ax}; give one x per sample.`);
      }
      widths = reshape(diff(tx), ty.shape.map((d, i) => (i === ax ? Math.max(d - 1, 0) : 1)));
    } else {
      // numpy.trapz: d = diff(x, axis=axis) with the axis as given, so a negative axis counts from
      // the end of x's own axes when x has fewer than y (x [4, 3] against y [2, 4, 3] at axis −2
      // is x's axis 0), and d broadcasts against y's slices from the right.
      widths = diff(tx, 1, normalizeAxis(axis, tx.ndim, 'trapezoid'));
    }
  }
  if (n === 0) return sum(ty, ax);
  const lo = slice(ty, ty.shape.map(() => 0), ty.shape.map((d, i) => (i === ax ? n - 1 : d)));
  const hi = slice(ty, ty.shape.map((_, i) => (i === ax ? 1 : 0)), ty.shape.map((d, i) => (i === ax ? n - 1 : d)));
  return sum(div(mul(widths, add(hi, lo)), 2), ax);
}
