/**
 * @file NumPy's summary statistics — all, any, countNonzero, ptp, average (weighted), cov,
 * corrcoef — as composites of sums, comparisons and matmul, so every transformation comes with
 * them. Truth tests return 0/1 float64 tensors with no gradient, as every comparison here.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, keepdimsArg, normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import { opaqueTrace, type Tensor } from '../tensor/tensor.js';
import { valueReads } from '../jit/valueReads.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { div, equal, greater, maximum, mul, notEqual, sub } from './binary.js';
import { sqrt } from './unary.js';
import { clip } from './select.js';
import { broadcastTo, concat, reshape, squeeze, transpose } from './shape.js';
import { extremumAs, mean, sum, type Axis } from './reduce.js';
import { matmul } from './linalg.js';
import { diagonal as matrixDiagonal } from '../linalg/diagonal.js';
import { atleast2d } from './layout.js';
import { registerTensorMethods } from './methods.js';
import { flag, knownOptions } from './optionChecks.js';
import { checkArgumentValues } from './argumentChecks.js';
import { extraArguments } from '../core/extraArguments.js';
import { maskOf, reductionOptions, type MaskOptions } from './reductionOptions.js';

/**
 * t's values for a check on bad input, or null where they are not to be read: under vmap (they
 * differ per example) or while jit or an export records (a read would keep the program from
 * being recorded). The checks then rest on the eager calls. @internal
 */
export function checkableValues(t: Tensor): Float64Array | null {
  return opaqueTrace(t) !== null || valueReads.watcher !== null ? null : t.values;
}

/** The number of entries of x ≠ 0 over `axis` (numpy.count_nonzero; NaN counts). */
function nonzeros(op: string, x: TensorLike, axis: Axis | undefined, keepdims: boolean): Tensor {
  const t = asTensor(x, op);
  return counted(op, t, notEqual(t, 0), { axis, keepdims: keepdimsArg(keepdims, op), where: undefined });
}

/** How many entries of the 0/1 `indicator` (t's shape) are 1 over the axis, only where `where` is true. */
function counted(op: string, t: Tensor, indicator: Tensor, o: { axis: Axis | undefined; keepdims: boolean; where: MaskOptions['where'] }): Tensor {
  return sum(o.where === undefined ? indicator : mul(indicator, maskOf(op, o.where, t.shape)), normalizeAxes(o.axis, t.ndim, op), o.keepdims);
}

/**
 * 1 where every entry over `axis` is non-zero (NaN counts as true), else 0 (numpy.all); 1 over an
 * empty axis. No gradient. In keepdims's place (or the axis's), `{ keepdims, where }`: only the
 * masked-in entries are tested (1 for a slice with none).
 * @example ad.all(ad.tensor([[1, 0], [2, 3]]), 1).toArray(); // => [0, 1]
 * @example ad.all(ad.tensor([1, 0, 2]), { where: [true, false, true] }).item(); // => 1
 */
export function all(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions): Tensor;
export function all(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('all', 'all(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('all', axis, keepdims, ['where']);
  const t = asTensor(x, 'all');
  return equal(counted('all', t, equal(t, 0), o), 0);
}

/**
 * 1 where some entry over `axis` is non-zero (NaN counts as true), else 0 (numpy.any); 0 over an
 * empty axis. No gradient. In keepdims's place (or the axis's), `{ keepdims, where }`: only the
 * masked-in entries are tested (0 for a slice with none).
 * @example ad.any(ad.tensor([[1, 0], [0, 0]]), 1).toArray(); // => [1, 0]
 */
export function any(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions): Tensor;
export function any(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('any', 'any(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('any', axis, keepdims, ['where']);
  const t = asTensor(x, 'any');
  return greater(counted('any', t, notEqual(t, 0), o), 0);
}

/**
 * The number of non-zero entries over `axis` (numpy.count_nonzero), as a float64 tensor. No gradient.
 * @example ad.countNonzero(ad.tensor([[1, 0, 2], [0, 0, 3]]), 1).toArray(); // => [2, 1]
 */
export function countNonzero(x: TensorLike, axis?: Axis, keepdims?: boolean): Tensor;
export function countNonzero(x: TensorLike, axis?: Axis, keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('countNonzero', 'countNonzero(x, axis?, keepdims?)', extra, keepdims);
  return nonzeros('countNonzero', x, axis, keepdims);
}

/**
 * max − min over `axis` (numpy.ptp, "peak to peak"); the gradient is max's minus min's, each split
 * equally among ties. An empty axis is an error, as for max.
 * @example ad.ptp(ad.tensor([[4, 9, 2], [1, 1, 1]]), 1).toArray(); // => [7, 0]
 */
export function ptp(x: TensorLike, axis?: Axis, keepdims?: boolean): Tensor;
export function ptp(x: TensorLike, axis?: Axis, keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ptp', 'ptp(x, axis?, keepdims?)', extra, keepdims);
  const t = asTensor(x, 'ptp');
  normalizeAxes(axis, t.ndim, 'ptp');
  keepdimsArg(keepdims, 'ptp');
  return sub(extremumAs('ptp', true, t, axis, keepdims), extremumAs('ptp', false, t, axis, keepdims));
}

/** Options of `average`. */
export interface AverageOptions {
  /** Weights: x's shape, or 1-D along a single `axis` (numpy.average). Default: all 1. */
  readonly weights?: TensorLike | undefined;
  /** Also return the sum of the weights, broadcast to the average's shape (default false). */
  readonly returned?: boolean | undefined;
  readonly keepdims?: boolean | undefined;
}

/**
 * The weighted mean Σ w·x / Σ w over `axis` (all axes by default), as numpy.average: weights of x's
 * shape, or 1-D of the length of a single `axis`. With `returned: true`, `[average, sumOfWeights]`
 * with the sum broadcast to the average's shape. Weights summing to zero are an error (NumPy's
 * ZeroDivisionError). Differentiable in x and the weights.
 * @example
 * ad.average(ad.tensor([1, 2, 3, 4])).item();                                   // => 2.5
 * ad.average(ad.tensor([1, 2, 3, 4]), 0, { weights: ad.tensor([4, 3, 2, 1]) }).item(); // => 2
 * ad.average(ad.tensor([[1, 2], [3, 4]]), 1, { weights: ad.tensor([1, 3]), returned: true }).map((r) => r.toArray()); // => [[1.75, 3.75], [4, 4]]
 */
export function average(x: TensorLike, axis?: Axis, options?: AverageOptions & { returned?: false | undefined }): Tensor;
export function average(x: TensorLike, axis: Axis | undefined, options: AverageOptions & { returned: true }): [Tensor, Tensor];
export function average(x: TensorLike, axis?: Axis, options?: AverageOptions): Tensor | [Tensor, Tensor];
export function average(x: TensorLike, axis?: Axis, options: AverageOptions = {}, ...extra: unknown[]): Tensor | [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('average', 'average(x, axis?, options?)', extra, options);
  const t = asTensor(x, 'average');
  knownOptions('average', options, ['weights', 'returned', 'keepdims'], '{ weights, returned: true }');
  const returned = flag('average', 'returned', options.returned, false);
  const keepdims = flag('average', 'keepdims', options.keepdims, false);
  const axes = normalizeAxes(axis, t.ndim, 'average');
  let avg: Tensor, scale: Tensor;
  if (options.weights === undefined) {
    avg = mean(t, axes, keepdims);
    scale = broadcastTo(t.size / Math.max(avg.size, 1), avg.shape);
  } else {
    const w = alignedWeights(t, asTensor(options.weights, 'average'), axis);
    scale = sum(w, axes, keepdims);
    checkArgumentValues(scale, (values) => {
      if (values.some((v) => v === 0)) {
        throw new InvalidArgumentError(`average: the weights sum to zero ${axis === undefined ? 'over all axes' : `over axis ${String(axis)}`} (x of shape ${formatShape(t.shape)}), so they cannot be normalised; give weights with a non-zero sum.`);
      }
    });
    avg = div(sum(mul(t, w), axes, keepdims), scale);
    scale = broadcastTo(scale, avg.shape);
  }
  return returned ? [avg, scale] : avg;
}

/** Weights of x's shape, or 1-D along one axis shaped to broadcast against x (numpy.average's rules). */
function alignedWeights(t: Tensor, w: Tensor, axis: Axis | undefined): Tensor {
  if (w.ndim === t.ndim && w.shape.every((d, i) => d === t.shape[i])) return w;
  const fix = 'give weights of x\'s shape, or 1-D weights with one weight per entry along a single axis';
  if (axis === undefined || typeof axis !== 'number') {
    throw new ShapeError(`average: weights of shape ${formatShape(w.shape)} differ from x's shape ${formatShape(t.shape)}, so a single axis must be given; ${fix}.`);
  }
  const ax = normalizeAxis(axis, t.ndim, 'average');
  if (w.ndim !== 1 || w.shape[0] !== t.shape[ax]) {
    throw new ShapeError(
      `average: weights of shape ${formatShape(w.shape)} do not fit axis ${ax} (length ${t.shape[ax]}) of x of shape ${formatShape(t.shape)}; ${fix}.`,
    );
  }
  return reshape(w, t.shape.map((d, i) => (i === ax ? d : 1)));
}

/** Options of `cov` and `corrcoef`. */
export interface CovOptions {
  /** A second set of variables, joined to x's as extra rows (numpy.cov's y). */
  readonly y?: TensorLike | undefined;
  /** Each row is a variable, each column an observation (default true); false: the other way round. */
  readonly rowvar?: boolean | undefined;
  /** Normalise by N (true) rather than N − 1 (default false); `ddof` overrides it. cov only. */
  readonly bias?: boolean | undefined;
  /** Delta degrees of freedom: divide by N − ddof. cov only. */
  readonly ddof?: number | undefined;
  /** Whole-number repeat counts, one per observation (numpy.cov's fweights). cov only. */
  readonly fweights?: TensorLike | undefined;
  /** Importance weights ≥ 0, one per observation (numpy.cov's aweights; differentiable). cov only. */
  readonly aweights?: TensorLike | undefined;
}

/** The variables as rows of a matrix [variables, observations], as numpy.cov lays them out. */
function observations(op: string, x: TensorLike, options: CovOptions, allowed: readonly string[]): { X: Tensor } {
  knownOptions(op, options, allowed, '{ rowvar: false }');
  const rowvar = flag(op, 'rowvar', options.rowvar, true);
  const rows = (v: TensorLike, what: string) => {
    const m = asTensor(v, op);
    if (m.ndim > 2) throw new ShapeError(`${op}: ${what} of shape ${formatShape(m.shape)} has more than 2 axes; give a 1-D or 2-D array of observations.`);
    const two = atleast2d(m);
    return !rowvar && two.shape[0] !== 1 ? transpose(two) : two;
  };
  let X = rows(x, 'x');
  if (options.y !== undefined) {
    const Y = rows(options.y, 'y');
    if (Y.shape[1] !== X.shape[1]) {
      throw new ShapeError(`${op}: x has ${X.shape[1]} observations but y has ${Y.shape[1]} (shapes ${formatShape(X.shape)} and ${formatShape(Y.shape)} as rows of variables); they need the same number.`);
    }
    X = concat([X, Y], 0);
  }
  return { X };
}

/**
 * The covariance matrix of the variables in x's rows (columns with `rowvar: false`), as numpy.cov:
 * (X − mean) (X − mean)ᵀ / (N − ddof), ddof 1 by default (0 with `bias: true`), squeezed (one
 * variable gives a 0-d tensor); `fweights` and `aweights` weigh the observations as NumPy's. N − ddof ≤ 0
 * divides by 0, as NumPy's. Differentiable (in x, y and aweights).
 * @example
 * ad.cov(ad.tensor([[0, 1, 2], [2, 1, 0]])).toArray();             // => [[1, -1], [-1, 1]]
 * ad.cov(ad.tensor([1, 2, 3, 4]), { bias: true }).item();          // => 1.25
 */
export function cov(x: TensorLike, options?: CovOptions): Tensor;
export function cov(x: TensorLike, options: CovOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cov', 'cov(x, options?)', extra, options);
  const { X } = observations('cov', x, options, ['y', 'rowvar', 'bias', 'ddof', 'fweights', 'aweights']);
  const bias = flag('cov', 'bias', options.bias, false);
  const ddof = options.ddof ?? (bias ? 0 : 1);
  if (typeof ddof !== 'number' || !Number.isInteger(ddof)) throw new InvalidArgumentError(`cov: ddof must be an integer, got ${describe(ddof)}.`);
  const n = X.shape[1]!;
  const f = observationWeights('fweights', options.fweights, n, true);
  const a = observationWeights('aweights', options.aweights, n, false);
  const w = f && a ? mul(f, a) : f ?? a;
  if (w === undefined) {
    const d = sub(X, mean(X, 1, true));
    return squeeze(div(matmul(d, transpose(d)), Math.max(n - ddof, 0)));
  }
  // numpy.cov with weights: the weighted mean, then Σ w·d dᵀ over w_sum − ddof (with aweights,
  // w_sum − ddof·Σ w·a / w_sum: the effective count of observations), 0 when that is ≤ 0.
  const wSum = sum(w);
  const d = sub(X, div(sum(mul(X, w), 1, true), wSum));
  const fact = ddof === 0 ? wSum : a === undefined ? sub(wSum, ddof) : sub(wSum, div(mul(ddof, sum(mul(w, a))), wSum));
  return squeeze(div(matmul(mul(d, w), transpose(d)), maximum(fact, 0)));
}

/** fweights or aweights: 1-D, one per observation, ≥ 0 (whole numbers for fweights), or an AdjointError. */
function observationWeights(name: string, v: TensorLike | undefined, n: number, whole: boolean): Tensor | undefined {
  if (v === undefined) return undefined;
  const w = asTensor(v, 'cov');
  if (w.ndim !== 1 || w.size !== n) {
    throw new ShapeError(`cov: ${name} of shape ${formatShape(w.shape)} must be 1-D with one weight per observation (${n}).`);
  }
  checkArgumentValues(w, (values) => {
    const bad = values.find((e) => !(e >= 0) || (whole && !Number.isInteger(e)));
    if (bad !== undefined) throw new InvalidArgumentError(`cov: ${name} must be ${whole ? 'whole numbers' : 'numbers'} ≥ 0, got ${bad}.`);
  });
  return w;
}

/**
 * Pearson correlation coefficients of the variables in x's rows (numpy.corrcoef): cov divided by
 * the outer product of the standard deviations, clipped to [−1, 1]. One variable gives c/c.
 * @example ad.corrcoef(ad.tensor([[1, 2, 3], [6, 4, 2]])).toArray(); // => [[1, -1], [-1, 1]]
 */
export function corrcoef(x: TensorLike, options?: Omit<CovOptions, 'bias' | 'ddof'>): Tensor;
export function corrcoef(x: TensorLike, options: Omit<CovOptions, 'bias' | 'ddof'> = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('corrcoef', 'corrcoef(x, options?)', extra, options);
  const { X } = observations('corrcoef', x, options, ['y', 'rowvar']);
  const c = cov(X, { rowvar: true });
  if (c.ndim === 0) return div(c, c);
  const n = c.shape[0]!;
  // The standard deviations, √diag(c), taken as the diagonal: not Σ_j c_ij·I_ij, where a NaN or ∞
  // covariance of one variable (0·NaN = NaN) would spoil every other variable's row.
  const s = sqrt(matrixDiagonal(c));
  return clip(div(div(c, reshape(s, [n, 1])), reshape(s, [1, n])), -1, 1);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.all(x, axis, keepdims)`. @example ad.tensor([1, 0]).all() // 0 */ all(axis?: Axis, keepdims?: boolean): Tensor;
    /** `ad.any(x, axis, keepdims)`. @example ad.tensor([1, 0]).any() // 1 */ any(axis?: Axis, keepdims?: boolean): Tensor;
    /** `ad.ptp(x, axis, keepdims)`. @example ad.tensor([1, 4]).ptp() // 3 */ ptp(axis?: Axis, keepdims?: boolean): Tensor;
  }
}

registerTensorMethods({ all, any, ptp });
