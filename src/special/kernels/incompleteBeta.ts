/**
 * @file The regularised incomplete beta function I_x(a, b) and its derivatives in a and b, scalar
 * kernels. The continued fraction of A&S 26.5.8 (Numerical Recipes §6.4):
 *   I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …))),
 *   d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),  d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)),
 * which converges fast for x < (a + 1)/(a + b + 2); beyond, I_x(a, b) = 1 − I_{1−x}(b, a). The
 * a- and b-derivatives run the same fraction as dual numbers (dualFraction.ts; Boik & Robison-Cox
 * 1998), once per parameter, with the prefactor's log-derivative log x − 1/a − ψ(a) + ψ(a + b).
 */
import { digamma } from '../../tensor/kernels/gamma.js';
import { bd0, betaln, stirlerr } from './stirling.js';
import { dualFraction, fractionResult } from './dualFraction.js';

const EPS = 1e-16;
const MAX_TERMS = 1_000_000;

/** [I, ∂I/∂a, ∂I/∂b] of the last `incompleteBeta` call. */
export const betaResult = new Float64Array(3);

let fp = 0, fq = 0, fy = 0, wrtQ = false;
/** d_n of the fraction and its derivative in p (or in q when wrtQ); b_n = 1. */
function betaTerms(n: number, out: Float64Array): void {
  const m = n >> 1;
  let d: number, dd: number;
  if (n & 1) {
    const num = -(fp + m) * (fp + fq + m) * fy, den = (fp + 2 * m) * (fp + 2 * m + 1);
    d = num / den;
    dd = wrtQ ? (-(fp + m) * fy) / den : (-fy * (2 * fp + fq + 2 * m) - d * (2 * fp + 4 * m + 1)) / den;
  } else {
    const den = (fp + 2 * m - 1) * (fp + 2 * m);
    d = (m * (fq - m) * fy) / den;
    dd = wrtQ ? (m * fy) / den : (-d * (2 * fp + 4 * m - 1)) / den;
  }
  out[0] = d; out[1] = dd; out[2] = 1; out[3] = 0;
}

/**
 * The fraction's prefactor y^p (1 − y)^q / (p B(p, q)), with z = 1 − y. Below p + q = 20 from logs;
 * above, p log y + q log z − log B(p, q) cancels (1e−14 at p = 100, q = 200), so it is Loader's
 * binomial form, n = p + q: q/n · √(n/(2π p q)) · exp(stirlerr(n) − stirlerr(p) − stirlerr(q) − bd0(p, ny) − bd0(q, nz)).
 */
function prefactor(p: number, q: number, y: number, z: number, logY: number, logZ: number): number {
  const n = p + q;
  if (n < 20) return Math.exp(p * logY + q * logZ - Math.log(p) - betaln(p, q));
  const exponent = stirlerr(n) - stirlerr(p) - stirlerr(q) - bd0(p, n * y) - bd0(q, n * z);
  return (q / n) * Math.sqrt(n / (2 * Math.PI * p * q)) * Math.exp(exponent);
}

/** J = I_y(p, q) by the fraction, with ∂J/∂p into out[1] and ∂J/∂q into out[2] when asked; z = 1 − y. */
function fraction(p: number, q: number, y: number, z: number, logY: number, log1mY: number, withDerivatives: boolean, out: Float64Array, flip: boolean): void {
  fp = p; fq = q; fy = y; wrtQ = false;
  dualFraction(1, 0, betaTerms, EPS, MAX_TERMS);
  const g = fractionResult[0]!, dgp = fractionResult[1]!;
  const j = prefactor(p, q, y, z, logY, log1mY) / g;
  const sign = flip ? -1 : 1;
  out[0] = flip ? 1 - j : j;
  if (!withDerivatives) return;
  wrtQ = true;
  dualFraction(1, 0, betaTerms, EPS, MAX_TERMS);
  const dgq = fractionResult[1]!;
  const psiPQ = digamma(p + q);
  const dp = sign * j * (logY - 1 / p - digamma(p) + psiPQ - dgp / g);
  const dq = sign * j * (log1mY - digamma(q) + psiPQ - dgq / g);
  // Flipped, p = b and q = a: ∂/∂a is the q-derivative.
  out[1] = flip ? dq : dp; out[2] = flip ? dp : dq;
}

/**
 * I_x(a, b) and, when `withDerivatives`, ∂/∂a and ∂/∂b into betaResult. a ≤ 0, b ≤ 0, x outside
 * [0, 1] or NaN give NaN (SciPy's domain); x = 0 gives 0 and x = 1 gives 1 with zero derivatives.
 */
export function incompleteBeta(a: number, b: number, x: number, withDerivatives: boolean): void {
  if (!(a > 0 && b > 0 && x >= 0 && x <= 1) || a === Infinity || b === Infinity) { betaResult.fill(NaN); return; }
  if (x === 0 || x === 1) { betaResult[0] = x; betaResult[1] = 0; betaResult[2] = 0; return; }
  if (x < (a + 1) / (a + b + 2)) fraction(a, b, x, 1 - x, Math.log(x), Math.log1p(-x), withDerivatives, betaResult, false);
  else fraction(b, a, 1 - x, x, Math.log1p(-x), Math.log(x), withDerivatives, betaResult, true);
}
