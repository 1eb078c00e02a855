/**
 * @file The multivariate densities of jax.scipy.stats: dirichlet (on the simplex, the last axis)
 * and multivariate_normal (through the Cholesky factor from ad.linalg). Shapes that do not match
 * throw a ShapeError naming the function.
 */
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { asTensor } from '../tensor/create.js';
import { broadcastTo, expandDims, reshape } from '../ops/shape.js';
import { abs, add, greater, greaterEqual, lessEqual, lgamma, log, logicalAnd, mul, square, sub, sum, where, xlogy } from './ops.js';
import { isfinite } from '../ops/predicates.js';
import { cumsum } from '../ops/reduce.js';
import { slice } from '../ops/shape.js';
import { betaln } from '../special/gamma.js';
import { arange } from '../tensor/create.js';
import { stopGradient } from '../ops/select.js';
import { logGammaDensity } from './gamma.js';
import { checkedMin } from '../ops/reduce.js';
import { cholesky } from '../linalg/cholesky.js';
import { triangularSolve } from '../linalg/triangular.js';
import { diagonal } from '../linalg/diagonal.js';
import { broadcastShapes } from '../tensor/shape.js';
import { fromLog, greaterZero, nanUnless } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

const HALF_LOG_2PI = 0.9189385332046728;

function lastAxis(op: string, name: string, t: Tensor): number {
  if (t.ndim === 0) throw new ShapeError(`${op}: ${name} must have at least one axis (the components), got a scalar; pass e.g. ad.tensor([0.2, 0.8]).`);
  return t.shape[t.ndim - 1]!;
}

/**
 * The density's value with the derivatives of Σ (αᵢ − 1) log xᵢ − Σ_{i≥2} betaln(Sᵢ₋₁, αᵢ), Sᵢ = α₁ + … + αᵢ:
 * the same function (Σ lgamma(αᵢ) − lgamma(Σα) telescopes into those betalns), whose α-derivatives come from
 * betaln's rules, ψ(Sᵢ₋₁ + αᵢ) − ψ(·) and ψ′ likewise as one kernel each (psiShift, trigammaShift), added with one
 * sign, rather than ψ(αⱼ) − ψ(Σα) and ψ′(αⱼ) − ψ′(Σα) as two digammas or trigammas subtracted, which cancel where
 * αⱼ dwarfs the rest (∂²/∂α₁² at α = [1e10, 1e−6] was −1.34e−26 for −1.0e−26; at [29, 1e−10] 1e−5 off). The
 * value stays the saddle-point or direct form's (the betaln sum cancels against Σ (αᵢ − 1) log xᵢ in value).
 */
function withAccurateDerivatives(value: Tensor, x: Tensor, alpha: Tensor, k: number): Tensor {
  if (k === 1) return value;
  const lead = alpha.shape.slice(0, -1).map(() => 0), rest = alpha.shape.slice(0, -1).map(() => -1);
  const partial = slice(cumsum(alpha, -1), [...lead, 0], [...rest, k - 1]); // S₁ … S_{K−1}
  const logNorm = sum(betaln(partial, slice(alpha, [...lead, 1], [...rest, k - 1])), -1);
  const d = sub(sum(xlogy(sub(alpha, 1), where(greaterEqual(x, 0), x, 1)), -1), logNorm);
  const same = add(stopGradient(value), sub(d, stopGradient(d))); // value, with d's derivatives of every order
  return where(logicalAnd(isfinite(value), isfinite(d)), same, value);
}

/** The Dirichlet distribution over the simplex of the last axis (jax.scipy.stats.dirichlet). */
export const dirichlet = refusingExtraIn('stats.dirichlet', { logpdf: '(x, alpha)', pdf: '(x, alpha)' }, {
  /**
   * Σ (αᵢ − 1) log xᵢ − Σ lgamma(αᵢ) + lgamma(Σ αᵢ), over the last axis; −∞ off the simplex
   * (a negative xᵢ, or Σ xᵢ further than 1e−12·K from 1); α ≤ 0 gives NaN.
   * @example ad.stats.dirichlet.logpdf(ad.tensor([0.2, 0.8]), ad.tensor([1, 1])) // 0
   */
  logpdf(x: TensorLike, alpha: TensorLike): Tensor {
    const op = 'stats.dirichlet.logpdf';
    const xt = asTensor(x, op), at = asTensor(alpha, op);
    const k = lastAxis(op, 'x', xt);
    if (lastAxis(op, 'alpha', at) !== k) {
      throw new ShapeError(`${op}: x ${formatShape(xt.shape)} and alpha ${formatShape(at.shape)} must have the same last axis (the K components).`);
    }
    broadcastShapes(op, xt.shape, at.shape);
    const onSimplex = logicalAnd(greaterEqual(checkedMin(xt, -1), 0), lessEqual(abs(sub(sum(xt, -1), 1)), 1e-12 * k));
    const logNorm = sub(sum(lgamma(at), -1), lgamma(sum(at, -1)));
    const direct = sub(sum(xlogy(sub(at, 1), where(greaterEqual(xt, 0), xt, 1)), -1), logNorm);
    // Σα ≥ 30, n = Σα − K ≥ 1 and every xᵢ > 0: the density is the multinomial mass of kᵢ = αᵢ − 1 in n trials times
    // Γ(Σα)/Γ(n + 1) = Π_{j<K} (Σα − j), and the mass is Π dpois(kᵢ; n xᵢ)/dpois(n; n) (Loader's saddle-point form, as
    // beta.logpdf and binom.logpmf): Σ logGammaDensity(αᵢ, n xᵢ) − logGammaDensity(n + 1, n) + Σ log(Σα − j). The direct
    // sum cancels lgammas of size Σα log Σα (logpdf([½, ½]; [1e10, 1e10]) was 11.6336784 for 11.6337077; with α =
    // [1.3e8, 0.18] 1.3e−8 off). The identity uses Σxᵢ = 1: the Poissons' e^{−n xᵢ} give each ∂/∂xᵢ an extra −n, which
    // n·(Σx − stopGradient(Σx)) (value 0) gives back, so ∂/∂xᵢ stays (αᵢ − 1)/xᵢ as the direct form's (torch's).
    // Unused rows get α = 30/K and x = 1/K.
    const total0 = sum(at, -1);
    const large = logicalAnd(logicalAnd(greaterEqual(total0, 30), greaterEqual(sub(total0, k), 1)), greater(checkedMin(xt, -1), 0));
    const big = expandDims(large, -1);
    const aL = where(big, at, 30 / k), xL = where(big, xt, 1 / k);
    const total = sum(aL, -1);
    const n = sub(total, k);
    const poissons = sum(logGammaDensity(aL, mul(expandDims(n, -1), xL)), -1);
    const rising = k > 1 ? sum(log(sub(expandDims(total, -1), arange(1, k))), -1) : 0;
    const sumX = sum(xL, -1);
    const saddle = add(add(sub(poissons, logGammaDensity(add(n, 1), n)), rising), mul(n, sub(sumX, stopGradient(sumX))));
    const value = where(large, saddle, direct);
    return nanUnless(greaterZero(checkedMin(at, -1)), where(onSimplex, withAccurateDerivatives(value, xt, at, k), -Infinity));
  },
  /** @example ad.stats.dirichlet.pdf(ad.tensor([0.5, 0.5]), ad.tensor([2, 2])) // 1.5 */
  pdf: (x: TensorLike, alpha: TensorLike) => fromLog(dirichlet.logpdf(x, alpha)),
});

/** The multivariate normal distribution N(mean, cov) over the last axis (jax.scipy.stats.multivariate_normal). */
export const multivariateNormal = refusingExtraIn('stats.multivariateNormal', { logpdf: '(x, mean, cov)', pdf: '(x, mean, cov)' }, {
  /**
   * −½ |L⁻¹(x − mean)|² − Σ log Lᵢᵢ − (d/2) log 2π with cov = L Lᵀ (ad.linalg.cholesky; a cov that
   * is not positive definite is its error). x and mean broadcast over leading axes; cov is [d, d]
   * or batched [..., d, d]. Differentiable in x, mean and cov.
   * @example ad.stats.multivariateNormal.logpdf(ad.tensor([0, 0]), ad.tensor([0, 0]), ad.eye(2)) // −log 2π
   */
  logpdf(x: TensorLike, mean: TensorLike, cov: TensorLike): Tensor {
    const op = 'stats.multivariateNormal.logpdf';
    const xt = asTensor(x, op), mt = asTensor(mean, op), ct = asTensor(cov, op);
    const d = lastAxis(op, 'x', xt);
    if (lastAxis(op, 'mean', mt) !== d || ct.ndim < 2 || ct.shape[ct.ndim - 1] !== d || ct.shape[ct.ndim - 2] !== d) {
      throw new ShapeError(`${op}: x ${formatShape(xt.shape)}, mean ${formatShape(mt.shape)} and cov ${formatShape(ct.shape)} must share the dimension d: x and mean [..., d], cov [..., d, d].`);
    }
    const diff = sub(xt, mt);
    const batch = broadcastShapes(op, diff.shape.slice(0, -1), ct.shape.slice(0, -2));
    const l = cholesky(ct);
    const lb = broadcastTo(l, [...batch, d, d]);
    const z = triangularSolve(lb, expandDims(broadcastTo(diff, [...batch, d]), -1), { lower: true });
    const maha = sum(square(reshape(z, [...batch, d])), -1);
    const logDet = sum(log(diagonal(lb)), -1);
    return sub(sub(mul(-0.5, maha), logDet), d * HALF_LOG_2PI);
  },
  pdf: (x: TensorLike, mean: TensorLike, cov: TensorLike) => fromLog(multivariateNormal.logpdf(x, mean, cov)),
});
