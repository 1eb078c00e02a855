/**
 * @file jax.numpy's differences, as composites (no new primitives): ediff1d, gradient (numpy's
 * second-order finite differences, uniform or given coordinates, edge order 1 or 2), unwrap and
 * trimZeros. NumPy 1.24's formulas, term for term.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, less, mul, sub } from './binary.js';
import { abs, neg } from './unary.js';
import { stopGradient, where } from './select.js';
import { concat, reshape, slice } from './shape.js';
import { isfinite, logicalAnd } from './predicates.js';
import { mod } from './rounding.js';
import { cumsum } from './reduce.js';
import { ravel } from './layout.js';
import { diff } from './arrayHelpers.js';
import { all, checkableValues } from './statistics.js';
import { knownOptions } from './optionChecks.js';
import { readValues } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';

/** t[start:stop] along `axis` (Python's bounds: negative from the end). */
function along(t: Tensor, axis: number, start: number, stop = t.shape[axis]!): Tensor {
  const n = t.shape[axis]!;
  const [a, b] = [start < 0 ? start + n : start, stop < 0 ? stop + n : stop];
  return slice(t, t.shape.map((_, i) => (i === axis ? a : 0)), t.shape.map((d, i) => (i === axis ? b - a : d)));
}

/**
 * The differences of the flattened ary, ary[1:] − ary[:−1] (numpy.ediff1d), with `toBegin`
 * prepended and `toEnd` appended (each flattened). Differentiable (linear).
 * @example ad.ediff1d(ad.tensor([[1, 2], [4, 7]]), 9, ad.tensor([0])).toArray(); // => [0, 1, 2, 3, 9]
 */
export function ediff1d(ary: TensorLike, toEnd?: TensorLike, toBegin?: TensorLike): Tensor;
export function ediff1d(ary: TensorLike, toEnd?: TensorLike, toBegin?: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ediff1d', 'ediff1d(ary, toEnd?, toBegin?)', extra, toBegin);
  const flat = ravel(asTensor(ary, 'ediff1d'));
  const parts = [flat.size === 0 ? flat : diff(flat)];
  if (toBegin !== undefined) parts.unshift(ravel(asTensor(toBegin, 'ediff1d')));
  if (toEnd !== undefined) parts.push(ravel(asTensor(toEnd, 'ediff1d')));
  return concat(parts, 0);
}

/** Options of `gradient`. */
export interface GradientOptions {
  /** The axis or axes to differentiate along (default, or null: all, in order). */
  readonly axis?: number | readonly number[] | null | undefined;
  /** 1 (default) or 2: the order of the one-sided differences at the two ends. */
  readonly edgeOrder?: 1 | 2 | undefined;
}

/** The spacing along one axis: a step (a number or 0-d tensor) or the gaps between given coordinates. */
type Spacing = { uniform: true; h: Tensor } | { uniform: false; dx: Tensor };

/**
 * One axis of numpy.gradient for the given step or coordinates. numpy.gradient takes coordinates with
 * equal gaps as the step dx[0] (`(diffx == diffx[0]).all()`), so their values are the uniform
 * formula's bits (f[i+1] − f[i−1])/(2h), not the general one's (which reads f[i] with a coefficient
 * 0, and gives NaN where f[i] is ±∞). But as a function of the coordinates the result is the general
 * formula everywhere (the two agree where the gaps are equal), so its derivative in them is the
 * general formula's: the uniform value (derivative in f) minus a term whose value is +0 and whose
 * derivative is the general formula's in the coordinates. Where the gaps cannot be read (jit, vmap)
 * the choice is a `where` on the values, so jit and vmap give eager's bits.
 */
function gradientWith(t: Tensor, axis: number, v: number | TensorLike, edgeOrder: 1 | 2): Tensor {
  const s = asTensor(v, 'gradient');
  if (s.ndim === 0) return gradientAlong(t, axis, { uniform: true, h: s }, edgeOrder);
  if (s.ndim !== 1 || s.size !== t.shape[axis]) {
    throw new ShapeError(`gradient: coordinates of shape ${formatShape(s.shape)} must be 1-d with the length of axis ${axis} of f (${formatShape(t.shape)}), or give a step (a number).`);
  }
  const dx = diff(s);
  const v0 = checkableValues(dx);
  const equalGaps = v0 === null ? null : v0.every((g) => g === v0[0]);
  const general = gradientAlong(t, axis, { uniform: false, dx }, edgeOrder);
  if (equalGaps === false || dx.size === 0) return general;
  const h = reshape(slice(dx, [0], [1]), []);
  const uniform = gradientAlong(t, axis, { uniform: true, h: stopGradient(h) }, edgeOrder);
  const inCoordinates = gradientAlong(stopGradient(t), axis, { uniform: false, dx }, edgeOrder);
  const c = stopGradient(inCoordinates);
  // sg(N) − N is +0 where N is finite (x − x), and x − (+0) keeps x's bits (−0 included).
  const value = sub(uniform, where(isfinite(c), sub(c, inCoordinates), 0));
  return equalGaps === true ? value : where(all(equal(dx, h)), value, general);
}

/** One axis of numpy.gradient: second-order central differences inside, one-sided at the ends. */
function gradientAlong(f: Tensor, axis: number, sp: Spacing, edgeOrder: 1 | 2): Tensor {
  const n = f.shape[axis]!;
  if (n < edgeOrder + 1) {
    throw new ShapeError(`gradient: f of shape ${formatShape(f.shape)} has ${n} entries along axis ${axis}; edge order ${edgeOrder} needs at least ${edgeOrder + 1}.`);
  }
  const at = (i: number, j = i + 1) => along(f, axis, i, j);
  const lane = (v: Tensor) => reshape(v, f.shape.map((d, i) => (i === axis ? v.size : 1)));
  const dxAt = (i: number) => (sp.uniform ? sp.h : reshape(along(sp.dx, 0, i, i === -1 ? undefined : i + 1), []));
  const combo = (a: TensorLike, b: TensorLike, c: TensorLike, i: number, j: number, k: number) =>
    add(add(mul(a, at(i)), mul(b, at(j))), mul(c, at(k)));
  let interior: Tensor;
  if (n < 3) interior = along(f, axis, 0, 0);
  else if (sp.uniform) interior = div(sub(along(f, axis, 2), along(f, axis, 0, -2)), mul(2, sp.h));
  else {
    const [dx1, dx2] = [lane(along(sp.dx, 0, 0, -1)), lane(along(sp.dx, 0, 1))];
    const a = neg(div(dx2, mul(dx1, add(dx1, dx2))));
    const b = div(sub(dx2, dx1), mul(dx1, dx2));
    const c = div(dx1, mul(dx2, add(dx1, dx2)));
    interior = add(add(mul(a, along(f, axis, 0, -2)), mul(b, along(f, axis, 1, -1))), mul(c, along(f, axis, 2)));
  }
  let first: Tensor, last: Tensor;
  if (edgeOrder === 1) {
    first = div(sub(at(1), at(0)), dxAt(0));
    last = div(sub(at(n - 1), at(n - 2)), dxAt(-1));
  } else if (sp.uniform) {
    const h = sp.h;
    first = combo(div(-1.5, h), div(2, h), div(-0.5, h), 0, 1, 2);
    last = combo(div(0.5, h), div(-2, h), div(1.5, h), n - 3, n - 2, n - 1);
  } else {
    let [dx1, dx2] = [dxAt(0), dxAt(1)];
    first = combo(neg(div(add(mul(2, dx1), dx2), mul(dx1, add(dx1, dx2)))), div(add(dx1, dx2), mul(dx1, dx2)), neg(div(dx1, mul(dx2, add(dx1, dx2)))), 0, 1, 2);
    [dx1, dx2] = [dxAt(-2), dxAt(-1)];
    last = combo(div(dx2, mul(dx1, add(dx1, dx2))), neg(div(add(dx2, dx1), mul(dx1, dx2))), div(add(mul(2, dx2), dx1), mul(dx2, add(dx1, dx2))), n - 3, n - 2, n - 1);
  }
  return concat([first, interior, last], axis);
}

/**
 * The gradient of sampled values f (numpy.gradient): second-order central differences inside,
 * first- or second-order (`edgeOrder`) one-sided differences at the ends, along each axis (or the
 * given `axis`). `spacing`: omitted (step 1), one step for every axis (a number or 0-d tensor), or a
 * list with one entry per axis — a step, or the coordinates along that axis (1-d, of its length;
 * equal gaps count as a step, as NumPy's). One tensor when one axis is differentiated, else a list
 * (NumPy's; the type says which when `axis` is one number). Differentiable in f and in the spacing.
 * @example
 * ad.gradient(ad.tensor([1, 2, 4, 7, 11]), 1, { axis: 0 }).toArray();                 // => [1, 1.5, 2.5, 3.5, 4]
 * ad.gradient(ad.tensor([1, 2, 4, 7, 11]), 2, { axis: 0, edgeOrder: 2 }).toArray();   // => [0.25, 0.75, 1.25, 1.75, 2.25]
 * (ad.gradient(ad.tensor([[1, 2], [4, 8]])) as ad.Tensor[]).map((g) => g.toArray()); // => [[[3, 6], [3, 6]], [[1, 1], [4, 4]]]
 */
export function gradient(f: TensorLike, spacing: number | TensorLike | ReadonlyArray<number | TensorLike> | undefined, options: GradientOptions & { readonly axis: number }): Tensor;
export function gradient(f: TensorLike, spacing?: number | TensorLike | ReadonlyArray<number | TensorLike>, options?: GradientOptions): Tensor | Tensor[];
export function gradient(f: TensorLike, spacing: number | TensorLike | ReadonlyArray<number | TensorLike> = 1, options: GradientOptions = {}, ...extra: unknown[]): Tensor | Tensor[] {
  if (extra.length > 0) extraArguments('gradient', 'gradient(f, spacing?, options?)', extra, options);
  const t = asTensor(f, 'gradient');
  knownOptions('gradient', options, ['axis', 'edgeOrder'], '{ axis: 0, edgeOrder: 2 }');
  const edgeOrder = options.edgeOrder ?? 1;
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new InvalidArgumentError(`gradient: edgeOrder must be 1 or 2 (as NumPy's), got ${describe(edgeOrder)}.`);
  if (t.ndim === 0) throw new ShapeError('gradient: f is 0-d; it needs an axis of at least two samples.');
  const given = options.axis;
  if (given !== undefined && given !== null && typeof given !== 'number' && !Array.isArray(given)) {
    throw new InvalidArgumentError(`gradient: axis must be an axis, a list of axes or null (all of them, as NumPy's None), got ${describe(given)}.`);
  }
  const axes = given === undefined || given === null ? t.shape.map((_, i) => i) : (typeof given === 'number' ? [given] : [...given]).map((a) => normalizeAxis(a, t.ndim, 'gradient'));
  if (new Set(axes).size !== axes.length) throw new InvalidArgumentError(`gradient: the axes ${describe(given)} repeat an axis.`);
  let steps: ReadonlyArray<number | TensorLike>;
  if (Array.isArray(spacing)) {
    if (spacing.length !== axes.length) {
      throw new InvalidArgumentError(`gradient: ${spacing.length} spacings for ${axes.length} axes; give one per axis (a step or coordinates), or one step for all. For a 1-d f with coordinates, pass them as a tensor or inside a list ([coords]).`);
    }
    steps = spacing as ReadonlyArray<number | TensorLike>;
  } else steps = axes.map(() => spacing as number | TensorLike);
  const out = axes.map((ax, i) => gradientWith(t, ax, steps[i]!, edgeOrder));
  return out.length === 1 ? out[0]! : out;
}

/**
 * p with jumps larger than `discont` (default period/2) along `axis` replaced by their remainder
 * modulo `period` (numpy.unwrap, default period 2π): NumPy 1.24's algorithm (the differences
 * mapped to [−period/2, period/2), +period/2 kept for positive jumps at the boundary, and added up).
 * The corrections are piecewise constant, so the gradient is the identity's.
 * @example ad.unwrap(ad.tensor([0, 3, 6.5, 0.5])).toArray(); // => [0, 3, 6.5 - 2 * Math.PI, 0.5]
 */
export function unwrap(p: TensorLike, discont?: number, axis?: number, options?: { readonly period?: number | undefined }): Tensor;
export function unwrap(p: TensorLike, discont?: number, axis = -1, options: { readonly period?: number | undefined } = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('unwrap', 'unwrap(p, discont?, axis?, options?)', extra, options);
  const t = asTensor(p, 'unwrap');
  knownOptions('unwrap', options, ['period'], '{ period: 360 }');
  const period = options.period ?? 2 * Math.PI;
  if (typeof period !== 'number') throw new InvalidArgumentError(`unwrap: period must be a number, got ${describe(period)}.`);
  if (discont !== undefined && typeof discont !== 'number') throw new InvalidArgumentError(`unwrap: discont must be a number, got ${describe(discont)}.`);
  if (t.ndim === 0) throw new ShapeError('unwrap: p is 0-d; it needs an axis to unwrap along.');
  const ax = normalizeAxis(axis, t.ndim, 'unwrap');
  if (t.shape[ax]! < 2) return t;
  const jump = discont ?? period / 2;
  const dd = diff(stopGradient(t), 1, ax);
  const high = period / 2, low = -high;
  let ddmod = add(mod(sub(dd, low), period), low);
  ddmod = where(logicalAnd(equal(ddmod, low), greater(dd, 0)), high, ddmod);
  const correction = where(less(abs(dd), jump), 0, sub(ddmod, dd));
  return concat([along(t, ax, 0, 1), add(along(t, ax, 1), cumsum(correction, ax))], ax);
}

/**
 * The 1-d filt without its leading (`'f'`), trailing (`'b'`) or both (`'fb'`, default) zeros
 * (numpy.trim_zeros). The length depends on the values: read eagerly (under jit the function runs as
 * written; under vmap an error). Differentiable in the kept entries.
 * @example ad.trimZeros(ad.tensor([0, 0, 1, 0, 2, 0])).toArray(); // => [1, 0, 2]
 */
export function trimZeros(filt: TensorLike, trim?: 'f' | 'b' | 'fb' | 'bf'): Tensor;
export function trimZeros(filt: TensorLike, trim: 'f' | 'b' | 'fb' | 'bf' = 'fb', ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('trimZeros', 'trimZeros(filt, trim?)', extra, trim);
  const t = asTensor(filt, 'trimZeros');
  if (t.ndim !== 1) throw new ShapeError(`trimZeros: filt must be 1-d, got shape ${formatShape(t.shape)}.`);
  if (typeof trim !== 'string' || !/^[fb]*$/i.test(trim)) throw new InvalidArgumentError(`trimZeros: trim must be 'f', 'b' or 'fb', got ${describe(trim)}.`);
  const v = readValues('trimZeros', t, 'slice it with a static length instead (trimZeros has no static-size form)');
  let start = 0, stop = v.length;
  if (/f/i.test(trim)) while (start < stop && v[start] === 0) start++;
  if (/b/i.test(trim)) while (stop > start && v[stop - 1] === 0) stop--;
  return slice(t, [start], [stop - start]);
}
