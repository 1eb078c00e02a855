/**
 * @file The multinomial distribution (jax.scipy.stats.multinomial): counts x over the last axis from n trials with
 * probabilities p (p as given, as JAX: SciPy replaces its last entry by 1 − Σ of the others). x and p broadcast
 * over leading axes with each other and with n. Shapes that do not match throw a ShapeError naming the function.
 */
import { ShapeError } from '../core/errors.js';
import { formatShape, broadcastShapes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { expandDims } from '../ops/shape.js';
import { logicalNot } from '../ops/predicates.js';
import { stopGradient } from '../ops/select.js';
import { abs, add, equal, floor, greaterEqual, lessEqual, lgamma, logicalAnd, mul, sub, sum, where, xlogy } from './ops.js';
import { logGammaDensity } from './gamma.js';
import { fromLog, inUnitInterval, nanUnless } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

/** The counts' and probabilities' last axis (the K categories), checked: a scalar has none. */
function categories(op: string, name: string, t: Tensor): number {
  if (t.ndim === 0) throw new ShapeError(`${op}: ${name} must have at least one axis (the categories), got a scalar; pass e.g. ad.tensor([2, 1, 0]).`);
  return t.shape[t.ndim - 1]!;
}

/** The multinomial distribution of counts over the last axis (jax.scipy.stats.multinomial). */
export const multinomial = refusingExtraIn('stats.multinomial', { logpmf: '(x, n, p)', pmf: '(x, n, p)' }, {
  /**
   * lgamma(n + 1) + Σ (xᵢ log pᵢ − lgamma(xᵢ + 1)) over the last axis; −∞ unless every xᵢ is a non-negative integer
   * and Σ xᵢ = n; n < 0 or a pᵢ outside [0, 1] gives NaN. For n ≥ 30, Loader's form Σ log dpois(xᵢ; n pᵢ) −
   * log dpois(n; n) (as dirichlet.logpdf and binom.logpmf): the direct sum cancels terms of size n log n. That form
   * holds for Σ pᵢ = 1 (the Poissons' e^{−n pᵢ} sum to e^{−n}); n(Σp − 1) restores the direct form's value for other
   * p, beyond Σp's rounding, and n(Σp − stopGradient(Σp)) its derivative xᵢ/pᵢ (JAX's: p is not renormalised).
   * @example ad.stats.multinomial.logpmf(ad.tensor([1, 1]), 2, ad.tensor([0.5, 0.5])) // −log 2
   */
  logpmf(x: TensorLike, n: TensorLike, p: TensorLike): Tensor {
    const op = 'stats.multinomial.logpmf';
    const xt = asTensor(x, op), nt = asTensor(n, op), pt = asTensor(p, op);
    const k = categories(op, 'x', xt);
    if (categories(op, 'p', pt) !== k) {
      throw new ShapeError(`${op}: x ${formatShape(xt.shape)} and p ${formatShape(pt.shape)} must have the same last axis (the K categories).`);
    }
    broadcastShapes(`${op} (x and p without their last axis, and n)`, xt.shape.slice(0, -1), pt.shape.slice(0, -1), nt.shape);
    // Every pᵢ in [0, 1] and every xᵢ a count, as sums of 0/1 (an empty last axis has none to fail).
    const none = (bad: Tensor) => equal(sum(bad, -1), 0);
    const valid = logicalAnd(greaterEqual(nt, 0), none(logicalNot(inUnitInterval(pt))));
    const counts = logicalAnd(equal(floor(xt), xt), greaterEqual(xt, 0));
    const total = sum(where(counts, xt, 0), -1);
    const inside = logicalAnd(none(logicalNot(counts)), equal(total, nt));
    const xs = where(expandDims(inside, -1), xt, 0);
    const nS = where(inside, nt, 0);
    const direct = add(lgamma(add(nS, 1)), sum(sub(xlogy(xs, pt), lgamma(add(xs, 1))), -1));
    const large = logicalAnd(inside, greaterEqual(nS, 30));
    // The saddle-point branch sees n = 30, x = 0 and p = 1/K where it is not taken (no ∞·0 in its gradient).
    const nL = where(large, nS, 30);
    const rowL = expandDims(large, -1);
    const xL = where(rowL, xs, 0), pL = where(rowL, pt, 1 / Math.max(k, 1));
    const sumP = sum(pL, -1);
    const deviation = sub(sumP, 1);
    // Σp within its own rounding of 1 (K·2ε) is taken as 1: n·(that rounding) would be an error of 1e−6 at n = 1e10.
    const offset = stopGradient(where(lessEqual(abs(deviation), 4.5e-16 * k), 0, mul(nL, deviation)));
    const poissons = sum(logGammaDensity(add(xL, 1), mul(expandDims(nL, -1), pL)), -1);
    const saddle = add(add(sub(poissons, logGammaDensity(add(nL, 1), nL)), offset), mul(nL, sub(sumP, stopGradient(sumP))));
    return nanUnless(valid, where(inside, where(large, saddle, direct), -Infinity));
  },
  /** @example ad.stats.multinomial.pmf(ad.tensor([1, 1]), 2, ad.tensor([0.5, 0.5])) // 0.5 */
  pmf: (x: TensorLike, n: TensorLike, p: TensorLike) => fromLog(multinomial.logpmf(x, n, p)),
});
