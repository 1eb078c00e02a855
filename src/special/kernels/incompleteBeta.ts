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
import { betaln } from './stirling.js';
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

/** J = I_y(p, q) by the fraction, with ∂J/∂p into out[1] and ∂J/∂q into out[2] when asked. */
function fraction(p: number, q: number, y: number, logY: number, log1mY: number, withDerivatives: boolean, out: Float64Array, flip: boolean): void {
  fp = p; fq = q; fy = y; wrtQ = false;
  dualFraction(1, 0, betaTerms, EPS, MAX_TERMS);
  const g = fractionResult[0]!, dgp = fractionResult[1]!;
  const j = Math.exp(p * logY + q * log1mY - Math.log(p) - betaln(p, q)) / g;
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
  if (x < (a + 1) / (a + b + 2)) fraction(a, b, x, Math.log(x), Math.log1p(-x), withDerivatives, betaResult, false);
  else fraction(b, a, 1 - x, Math.log1p(-x), Math.log(x), withDerivatives, betaResult, true);
}
