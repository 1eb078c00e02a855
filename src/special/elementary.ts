/**
 * @file The special functions that are a line of adjoint's ops: xlog1py, entr, expit and a
 * logsumexp with JAX's weights `b`, `returnSign` and `where` (../ops/logsumexpOptions.ts). Their derivatives come from those ops.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, greaterEqual, less, mul, mulStrong, sub } from '../ops/binary.js';
import { exp, log, log1p, neg, sign, sigmoid } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { sum, type Axis } from '../ops/reduce.js';
import { isinf, isnan, logicalAnd, logicalOr } from '../ops/predicates.js';
import { digamma } from '../ops/special.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import type { Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { gammaAtLeastOne, klDivergence, logRatio as logRatioScalar } from './kernels/stirling.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { xlogy } from '../ops/logspace.js';
import { extraArguments } from '../core/extraArguments.js';
import { logsumexpOptions, logsumexpWith, type LogsumexpOptions } from '../ops/logsumexpOptions.js';
import { broadcastShapes } from '../tensor/shape.js';

/** 1 where x or y is NaN (these functions' NaN rule, which their strong zeros and domain branches would hide). */
const eitherNaN = (x: Tensor, y: Tensor) => logicalOr(isnan(x), isnan(y));

/**
 * x · log(1 + y), and 0 wherever x = 0 — even at y = −1 — unless y is NaN; NaN where x is, and at x = ±∞, y = 0 (SciPy's xlog1py). The
 * gradient keeps the strong zero: ∂/∂y = x/(1 + y) is 0 where x = 0.
 * @example ad.special.xlog1py(ad.tensor([0, 2]), ad.tensor([-1, Math.E - 1])) // [0, 2]
 */
export function xlog1py(x: TensorLike, y: TensorLike): Tensor;
export function xlog1py(x: TensorLike, y: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('xlog1py', 'xlog1py(x, y)', extra, y);
  const xt = asTensor(x, 'xlog1py'), yt = asTensor(y, 'xlog1py');
  broadcastShapes('xlog1py', xt.shape, yt.shape); // an error naming xlog1py, not the logicalAnd inside
  // The strong zero would turn NaN·log1p(0) and ±∞·log1p(0) into 0: NaN in either operand is NaN, and so is
  // ±∞·0 (SciPy's and JAX's, as xlogy(±∞, 1)); the strong zero stays on x's side.
  const undefinedProduct = logicalOr(eitherNaN(xt, yt), logicalAnd(isinf(xt), equal(yt, 0)));
  return where(undefinedProduct, NaN, mulStrong(xt, log1p(yt)));
}

/**
 * The entropy term −x log x for x > 0, 0 at x = 0 and −∞ for x < 0 (SciPy's entr). Its derivative
 * −(log x + 1) is +∞ at 0.
 * @example ad.special.entr(ad.tensor([0, 0.5, -1])) // [0, 0.5 log 2, −∞]
 */
export function entr(x: TensorLike): Tensor;
export function entr(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('entr', 'entr(x)', extra, x);
  const xt = asTensor(x, 'entr');
  return where(less(xt, 0), -Infinity, sub(0, xlogy(xt, xt))); // 0 − (not −): entr(0) = +0
}

/** x where both x > 0 and y > 0, else 1: the arguments the log-ratio forms read, so no NaN reaches a gradient. */
function positivePair(x: Tensor, y: Tensor): { both: Tensor; xs: Tensor; ys: Tensor } {
  const both = logicalAnd(greater(x, 0), greater(y, 0));
  return { both, xs: where(both, x, 1), ys: where(both, y, 1) };
}

// log(x/y) (logRatio: no rounding of the ratio near 1, no overflow), ∂/∂x = 1/x, ∂/∂y = −1/y.
const logRatioP: Primitive<null> = naryPrimitive('logRatio',
  ([x, y], out) => { for (let i = 0; i < out.length; i++) out[i] = logRatioScalar(x![i]!, y![i]!); },
  [([x]) => div(1, x!), ([, y]) => neg(div(1, y!))]);
// x log(x/y) − x + y (klDivergence: Loader's bd0 near x = y), ∂/∂x = log(x/y), ∂/∂y = 1 − x/y = (y − x)/y.
const klDivP: Primitive<null> = naryPrimitive('klDiv',
  ([x, y], out) => { for (let i = 0; i < out.length; i++) out[i] = klDivergence(x![i]!, y![i]!); },
  [([x, y]) => callNary(logRatioP, x!, y!), ([x, y]) => div(sub(y!, x!), y!)]);

/**
 * The relative entropy term x log(x/y) for x, y > 0 (−∞ at y = +∞), 0 at x = 0 ≤ y, NaN where x or y is, +∞ otherwise (SciPy's rel_entr);
 * its gradient is (log(x/y) + 1, −x/y). log(x/y) keeps its digits near x = y and does not overflow with x/y.
 * @example ad.special.relEntr(ad.tensor([0, 1, 2]), ad.tensor([3, 1, 1])) // [0, 0, 2 log 2]
 */
export function relEntr(x: TensorLike, y: TensorLike): Tensor;
export function relEntr(x: TensorLike, y: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('relEntr', 'relEntr(x, y)', extra, y);
  const xt = asTensor(x, 'relEntr'), yt = asTensor(y, 'relEntr');
  broadcastShapes('relEntr', xt.shape, yt.shape); // an error naming relEntr, not the logicalAnd inside
  const { both, xs, ys } = positivePair(xt, yt);
  const zeroX = logicalAnd(equal(xt, 0), greaterEqual(yt, 0));
  // NaN in either operand is NaN (SciPy's), not the +∞ of the domain's outside.
  return where(eitherNaN(xt, yt), NaN, where(both, mul(xs, callNary(logRatioP, xs, ys)), where(zeroX, 0, Infinity)));
}

/**
 * x log(x/y) − x + y for x, y > 0, y at x = 0 ≤ y, NaN where x or y is, +∞ otherwise (SciPy's kl_div, the elementwise
 * term of the generalised Kullback–Leibler divergence); gradient (log(x/y), 1 − x/y). Near x = y, where
 * the terms cancel to (x − y)²/(2y), Loader's series keeps full relative accuracy.
 * @example ad.special.klDiv(1, 1) // 0
 */
export function klDiv(x: TensorLike, y: TensorLike): Tensor;
export function klDiv(x: TensorLike, y: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('klDiv', 'klDiv(x, y)', extra, y);
  const xt = asTensor(x, 'klDiv'), yt = asTensor(y, 'klDiv');
  broadcastShapes('klDiv', xt.shape, yt.shape); // an error naming klDiv, not the logicalAnd inside
  const { both, xs, ys } = positivePair(xt, yt);
  const zeroX = logicalAnd(equal(xt, 0), greaterEqual(yt, 0));
  return where(eitherNaN(xt, yt), NaN, where(both, callNary(klDivP, xs, ys), where(zeroX, yt, Infinity)));
}

// n! = Γ(n + 1) by its kernel (gammaAtLeastOne: within 5 ulp, where exp(lgamma) was 1,160 off near 151 and 5! was
// 119.99999999999997; NaN gave 0), exact for the integers to 22, as n·Γ(n)
// from n = 1 (n + 1 rounds: its half ulp is ψ(n + 1)·(n + 1) half ulps of n!, 300 at 127.2), 0 for n < 0;
// d/dn = n!·ψ(n + 1), 0 for n < 0 (ψ is read at 1 there, so no NaN from its poles reaches a gradient).
const factorialP: Primitive<null> = unaryPrimitive<null>('factorial', 'both', (x) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v >= 0 && v <= 22 && v === Math.floor(v)) { let f = 1; for (let k = 2; k <= v; k++) f *= k; out[i] = f; continue; } // exact to 22!
    out[i] = v < 0 ? 0 : v < 1 ? gammaAtLeastOne(v + 1) : v * gammaAtLeastOne(v); // NaN passes through
  }
  return out;
}, (n, y) => {
  const inside = greaterEqual(n, 0);
  return where(inside, mul(y, digamma(add(where(inside, n, 0), 1))), 0);
});

/**
 * n! as Γ(n + 1) for real n ≥ 0 (within 5 ulp of mpmath, as SciPy's gamma), 0 for n < 0 (JAX's factorial with
 * exact=False); differentiable (the derivative is n!·ψ(n + 1)).
 * @example ad.special.factorial(ad.tensor([0, 5, -1])) // [1, 120, 0]
 */
export function factorial(n: TensorLike): Tensor;
export function factorial(n: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('factorial', 'factorial(n)', extra, n); return callUnary(factorialP, n, null); }

/** The logistic sigmoid 1/(1 + e^{−x}) under SciPy's name (ad.sigmoid). @example ad.special.expit(0) // 0.5 */
export function expit(x: TensorLike): Tensor;
export function expit(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('expit', 'expit(x)', extra, x); return sigmoid(x); }

export type { LogsumexpOptions } from '../ops/logsumexpOptions.js';

/**
 * log Σ b·eᵃ over `axis` (all axes by default), JAX's `logsumexp(a, axis, b, keepdims, return_sign, where)`.
 * Without `b` it is ad.logsumexp. With `b` the terms are shifted by the (stopped) maximum of `a`, so
 * nothing overflows; a negative sum gives NaN unless `returnSign` is set, which returns
 * `{ value: log |Σ b·eᵃ|, sign }` (a zero sum: −∞ and sign 0).
 * @example ad.special.logsumexp(ad.tensor([0, 0]), undefined, { b: ad.tensor([2, -1]) }) // 0
 */
export function logsumexp(a: TensorLike, axis: Axis | undefined, options: LogsumexpOptions & { returnSign: true }): { value: Tensor; sign: Tensor };
export function logsumexp(a: TensorLike, axis?: Axis, options?: LogsumexpOptions & { returnSign?: false }): Tensor;
export function logsumexp(a: TensorLike, axis: Axis | undefined, options: LogsumexpOptions): Tensor | { value: Tensor; sign: Tensor };
export function logsumexp(a: TensorLike, axis?: Axis, options: LogsumexpOptions = {}, ...extra: unknown[]): Tensor | { value: Tensor; sign: Tensor } {
  if (extra.length > 0) extraArguments('logsumexp', 'logsumexp(a, axis?, options?)', extra, options);
  return logsumexpWith('logsumexp', a, axis, logsumexpOptions('logsumexp', options));
}
