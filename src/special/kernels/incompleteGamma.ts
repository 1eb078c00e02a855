/**
 * @file The regularised incomplete gamma functions P(a, x) = γ(a, x)/Γ(a), Q = 1 − P, and
 * ∂P/∂a, scalar kernels. Numerical Recipes' split (§6.2): the series
 *   P = x^a e^{−x}/Γ(a + 1) · Σₙ xⁿ/((a + 1)⋯(a + n))          for x < a + 1 (and all x ≤ 1.1),
 * and the continued fraction (A&S 6.5.31, Legendre's)
 *   Q = x^a e^{−x}/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …)))  beyond;
 * each computes the smaller of P and Q, and the other is 1 minus it — except that for x ≤ 1.1 and
 * small a, where P is near 1, Q has a series of its own (Cephes' igamc_series, as SciPy). The
 * prefactor is logGammaPrefactor (Loader's bd0 for a ≥ 10). ∂/∂a differentiates each form term by term: the
 * series' terms carry −Σₖ 1/(a + k), the fraction runs as dual numbers (dualFraction.ts).
 */
import { digamma, lgamma } from '../../tensor/kernels/gamma.js';
import { erfc } from '../../tensor/kernels/erf.js';
import { hurwitzZeta } from './zeta.js';
import { logGammaPrefactor } from './stirling.js';
import { dualFraction, fractionResult } from './dualFraction.js';
import { expn } from './expint.js';

const EPS = 1e-16;
const MAX_TERMS = 1_000_000;

/** (−1)ⁿ ζ(n)/n for n = 2 … 59: the Taylor coefficients of lgamma(1 + a) + γa (A&S 6.1.33). */
const LGAMMA1P = Array.from({ length: 58 }, (_, i) => ((i % 2 === 0 ? 1 : -1) * hurwitzZeta(i + 2, 1)) / (i + 2));
const EULER_GAMMA = 0.5772156649015329;

/** lgamma(1 + a) for |a| ≤ ½ by its Taylor series, accurate relative to a itself (lgamma(1 + a) rounds 1 + a). */
function lgamma1p(a: number): number {
  if (Math.abs(a) > 0.5) return lgamma(1 + a);
  let sum = 0, power = a;
  for (let i = 0; i < LGAMMA1P.length; i++) {
    power *= a;
    const term = LGAMMA1P[i]! * power;
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum - EULER_GAMMA * a;
}

/**
 * Q(a, x) directly for x ≤ 1.1 with a small against x (Cephes' igamc_series, which SciPy uses
 * there): Q = −expm1(a log x − lgamma(1 + a)) − x^a/Γ(a) Σₙ₌₁ (−x)ⁿ/(n! (a + n)), from
 * γ(a, x) = Σₙ (−1)ⁿ x^{a+n}/(n! (a + n)); no 1 − P, so Q(0.001, 0.001) keeps its digits.
 */
function upperSeries(a: number, x: number): number {
  let factor = 1, sum = 0;
  for (let n = 1; n < 2000; n++) {
    factor *= -x / n;
    const term = factor / (a + n);
    sum += term;
    if (Math.abs(term) <= EPS * Math.abs(sum)) break;
  }
  const logX = Math.log(x);
  return -Math.expm1(a * logX - lgamma1p(a)) - Math.exp(a * logX - lgamma(a)) * sum;
}

/** SciPy's choice (igamc) of the direct Q series over 1 − P for x ≤ 1.1. */
function upperSeriesFits(a: number, x: number): boolean {
  return x <= 1.1 && (x <= 0.5 ? -0.4 / Math.log(x) >= a : x * 1.1 >= a);
}

/** [S, ∂S/∂a] of the last `lowerSeries` call. */
const seriesResult = new Float64Array(2);
/** S = Σₙ xⁿ/((a + 1)…(a + n)), P = x^a e^{−x}/Γ(a + 1)·S (A&S 6.5.29), and ∂S/∂a = −Σₙ termₙ Σₖ≤ₙ 1/(a + k). */
function lowerSeries(a: number, x: number, withDerivative: boolean): void {
  let term = 1, sum = 1, harmonic = 0, dSum = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    harmonic += 1 / (a + n);
    sum += term;
    dSum -= term * harmonic;
    if (term < EPS * sum && (!withDerivative || term * harmonic <= EPS * Math.abs(dSum))) break;
  }
  seriesResult[0] = sum; seriesResult[1] = dSum;
}

/**
 * c₀(η) = 1/(λ − 1) − 1/η and c₁(η) = 1/η³ − 1/(λ − 1)³ − 1/(λ − 1)² − 1/(12(λ − 1)) of Temme's expansion (DLMF 8.12.8),
 * η⁰ first: Chebyshev fits on |η| ≤ 0.15 (mpmath.chebyfit, degree 15, from the exact forms at 150 digits; within
 * 2e−16 relative there). Their leading terms are the known −1/3 + η/12 − 2η²/135 … and −1/540 − η/288 + η²/378 ….
 */
const TEMME_C0 = [-0.3333333333333333, 0.08333333333333333, -0.014814814814814815, 0.0011574074074074073, 0.0003527336860670194, -0.0001787551440329218, 3.919263178522415e-05, -2.1854485106799e-06, -1.8540622106763544e-06, 8.296711340792058e-07, -1.7665953104609113e-07, 6.707855070153029e-09, 1.0262002823416402e-08, -4.382116208673978e-09, 9.094981507707167e-10, -2.3321117189378037e-11];
const TEMME_C1 = [-0.001851851851851852, -0.003472222222222222, 0.0026455026455026454, -0.0009902263374485596, 0.00020576131687242798, -4.018775720164609e-07, -1.80985503344903e-05, 7.64916091608111e-06, -1.6120900894001595e-06, 4.6471278029306715e-09, 1.3786333936221713e-07, -5.752545604597616e-08, 1.1951908726859399e-08, -1.7542756453022807e-11, -1.01682732105872e-09, 4.1627065298404264e-10];
const horner = (c: readonly number[], z: number) => { let v = 0; for (let k = c.length - 1; k >= 0; k--) v = v * z + c[k]!; return v; };
const hornerSlope = (c: readonly number[], z: number) => { let v = 0; for (let k = c.length - 1; k >= 1; k--) v = v * z + k * c[k]!; return v; };
const SQRT_2PI = 2.5066282746310002;

/**
 * P, Q and ∂P/∂a for a ≥ 1e6 and |x − a| ≤ a/10 by Temme's uniform expansion (DLMF 8.12.3–4, as SciPy's igam for
 * large a): with λ = x/a, μ = λ − 1, ½η² = μ − log1p(μ) (sign of μ),
 *   Q = ½ erfc(η√(a/2)) + R,  P = ½ erfc(−η√(a/2)) − R,  R = e^{−aη²/2}/√(2πa) · (c₀(η) + c₁(η)/a),
 * the next term c₂/a² below 1e−18 of P + Q from a = 1e6. There the series and Legendre's fraction need ~√a terms
 * and had not converged by a million: P(1e12, 1e12) was 0.341 for 0.5000001, P(1e20, 1e20) −6.5, P(1e300, 1e300) −∞.
 * ½η² = μ²Σₖ (−μ)ᵏ/(k + 2) (no cancellation; x − a is exact, Sterbenz). ∂P/∂a = −∂Q/∂a by differentiating the
 * expansion: ∂η/∂a = −(μ/η)/a, ∂(aη²/2)/∂a = ½η² − μ, so with E = e^{−aη²/2}/√(2πa) and S = c₀ + c₁/a,
 *   ∂Q/∂a = −E√(2a)·∂(η√(a/2))/∂a + E·(μ − ½η² − 1/(2a))·S + E·((c₀′ + c₁′/a)∂η/∂a − c₁/a²).
 */
function temmeLargeA(a: number, x: number, withDerivative: boolean): void {
  const mu = (x - a) / a;
  let series = 0;
  for (let k = 24; k >= 0; k--) series = series * -mu + 1 / (k + 2); // |μ| ≤ 0.1: the 26th term is below 1e−25 of the first
  const half = mu * mu * series; // ½η²
  const ratio = 1 / Math.sqrt(2 * series); // μ/η > 0
  const eta = mu / ratio;
  const root = Math.sqrt(a / 2), t = eta * root;
  const e = Math.exp(-a * half) / (SQRT_2PI * Math.sqrt(a));
  const c0 = horner(TEMME_C0, eta), c1 = horner(TEMME_C1, eta), sum = c0 + c1 / a;
  const r = e * sum;
  gammaResult[0] = 0.5 * erfc(-t) - r;
  gammaResult[1] = 0.5 * erfc(t) + r;
  if (!withDerivative) { gammaResult[2] = NaN; return; }
  const etaA = -ratio / a, tA = root * (etaA + eta / (2 * a));
  const dS = (hornerSlope(TEMME_C0, eta) + hornerSlope(TEMME_C1, eta) / a) * etaA - c1 / (a * a);
  const dQ = -e * Math.sqrt(2 * a) * tA + e * (mu - half - 1 / (2 * a)) * sum + e * dS;
  gammaResult[2] = -dQ;
}

/** [P, Q, ∂P/∂a] of the last `incompleteGamma` call. */
export const gammaResult = new Float64Array(3);

let fractionA = 0, fractionX = 0;
/** Legendre's fraction: a_n = −n(n − a) (∂a_n/∂a = n), b_n = x + 2n + 1 − a (∂b_n/∂a = −1). */
function legendre(n: number, out: Float64Array): void {
  out[0] = -n * (n - fractionA); out[1] = n; out[2] = fractionX + 2 * n + 1 - fractionA; out[3] = -1;
}

/**
 * P(a, x), Q(a, x) and, when `withDerivative`, ∂P/∂a into gammaResult. a < 0, x < 0 or NaN give
 * NaN; x = 0 gives P = 0, x = +∞ gives P = 1 (∂P/∂a = 0 at both). The ends of a as SciPy's and
 * PyTorch's igam (Cephes): a = 0 gives the limit P = 1 for x > 0 (Q(a, x) ~ a·E₁(x) as a → 0⁺, so
 * ∂P/∂a there is the one-sided −E₁(x)), NaN at x = 0; a = +∞ gives P = 0 for finite x (∂P/∂a = 0),
 * NaN at x = +∞. JAX's igamma gives NaN for every a ≤ 0.
 */
export function incompleteGamma(a: number, x: number, withDerivative: boolean): void {
  if (a === 0 && x > 0) { gammaResult[0] = 1; gammaResult[1] = 0; gammaResult[2] = withDerivative ? -expn(1, x) : NaN; return; }
  if (a === Infinity && x >= 0 && x < Infinity) { gammaResult[0] = 0; gammaResult[1] = 1; gammaResult[2] = 0; return; }
  if (!(a > 0) || !(x >= 0) || a === Infinity) { gammaResult.fill(NaN); return; }
  if (x === 0 || x === Infinity) { gammaResult[0] = x === 0 ? 0 : 1; gammaResult[1] = 1 - gammaResult[0]; gammaResult[2] = 0; return; }
  if (a >= 1e6 && Math.abs(x - a) <= 0.1 * a) { temmeLargeA(a, x, withDerivative); return; }
  const prefactor = Math.exp(logGammaPrefactor(a, x)); // x^a e^{−x}/Γ(a + 1)
  if (x < a + 1 || x <= 1.1) { // the series, and below 1.1 always (the fraction is slow and loses digits there)
    lowerSeries(a, x, withDerivative);
    const sum = seriesResult[0]!, dSum = seriesResult[1]!;
    let p = prefactor * sum, q = 1 - p;
    if (upperSeriesFits(a, x)) { q = upperSeries(a, x); p = 1 - q; }
    gammaResult[0] = p; gammaResult[1] = q;
    gammaResult[2] = withDerivative ? p * (Math.log(x) - digamma(a + 1)) + prefactor * dSum : NaN;
    return;
  }
  // Here x ≥ a + 1, where Γ(a, x) ≤ x^{a−1}e^{−x}·x/(x + 1 − a) (t^{a−1} ≤ x^{a−1}e^{(a−1)(t−x)/x}; for a ≤ 1
  // t^{a−1} ≤ x^{a−1}), so Q ≤ prefactor·a: below the smallest double, P = 1 and Q = 0 exactly. The fraction,
  // whose terms grow like x², would overflow to NaN for x ≳ 1e154.
  if (logGammaPrefactor(a, x) + Math.log(a) < -746) { gammaResult[0] = 1; gammaResult[1] = 0; gammaResult[2] = 0; return; }
  fractionA = a; fractionX = x;
  dualFraction(x + 1 - a, -1, legendre, EPS, MAX_TERMS);
  const g = fractionResult[0]!, dg = fractionResult[1]!;
  const q = (prefactor * a) / g; // x^a e^{−x}/Γ(a) · 1/g
  gammaResult[0] = 1 - q; gammaResult[1] = q;
  // ∂Q/∂a = Q (log x − ψ(a)) − Q g′/g, and ∂P/∂a = −∂Q/∂a.
  gammaResult[2] = withDerivative ? -(q * (Math.log(x) - digamma(a)) - (q * dg) / g) : NaN;
}

/** [log P or log Q, its x-derivative, its a-derivative] of the last `logIncompleteGamma` call. */
export const logGammaResult = new Float64Array(3);

/**
 * log P(a, x) (`upper` false) or log Q(a, x) (`upper` true) for the far tails, where P or Q itself
 * underflows (stats.gamma.logcdf(1e−5, 100) was −∞ for −1515.03). log P from the series above,
 * P = prefactor·S with S = Σ xⁿ/((a + 1)…(a + n)): log prefactor + log S, ∂/∂x = a/(x S) (the density
 * prefactor·a/x over P), ∂/∂a = log x − ψ(a + 1) + S′/S. log Q from Legendre's fraction, Q = prefactor·a/g:
 * log prefactor + log a − log g, ∂/∂x = −g/x, ∂/∂a = log x − ψ(a) − g′/g; from x = 1e150, where the
 * fraction's terms would overflow, g = x + 1 − a (its next term is O(a/x)). Both converge fast in the
 * tails they serve (x below the mean for P, above it for Q).
 */
export function logIncompleteGamma(a: number, x: number, upper: boolean): void {
  if (!(a > 0) || !(x > 0) || !(x < Infinity) || a === Infinity) { logGammaResult.fill(NaN); return; }
  const logPrefactor = logGammaPrefactor(a, x);
  if (!upper) {
    lowerSeries(a, x, true);
    const sum = seriesResult[0]!, dSum = seriesResult[1]!;
    logGammaResult[0] = logPrefactor + Math.log(sum);
    logGammaResult[1] = a / (x * sum);
    logGammaResult[2] = Math.log(x) - digamma(a + 1) + dSum / sum;
    return;
  }
  if (x < a + 1) {
    // Below the mean Q is small only for a small a (Q ~ a·E₁(x) as a → 0), and then still normal unless a is
    // subnormal: log of Q itself (incompleteGamma's own series for Q), ∂/∂x = −density/Q, ∂/∂a = −(∂P/∂a)/Q.
    // Legendre's fraction, which serves x above the mean, did not converge here: gamma.logsf(1e−300, 1e−300)
    // was −688.11 for log(6.90e−298) = −684.24.
    incompleteGamma(a, x, true);
    const q = gammaResult[1]!;
    if (q >= 2.2250738585072014e-308) {
      logGammaResult[0] = Math.log(q);
      logGammaResult[1] = -gammaDensity(a, x) / q;
      logGammaResult[2] = -gammaResult[2]! / q;
      return;
    }
  }
  let g = x + 1 - a, dg = -1;
  if (x < 1e150) {
    fractionA = a; fractionX = x;
    dualFraction(x + 1 - a, -1, legendre, EPS, MAX_TERMS);
    g = fractionResult[0]!; dg = fractionResult[1]!;
  }
  logGammaResult[0] = logPrefactor + Math.log(a) - Math.log(g);
  logGammaResult[1] = -g / x;
  logGammaResult[2] = Math.log(x) - digamma(a) - dg / g;
}

/**
 * The gamma density x^{a−1} e^{−x}/Γ(a) = ∂P/∂x, from the same prefactor as P (times a/x), so it
 * is as accurate as P for large a (the lgamma form loses |a log x| ulps). At x = 0 it is +∞, 1 or 0
 * for a below, at or above 1; a ≤ 0, x < 0 or NaN give NaN (as P).
 */
export function gammaDensity(a: number, x: number): number {
  // At the ends of a, ∂P/∂x of the constant limits above: 0 (1/Γ(0) = 0; e^{−x}x^{a−1}/Γ(a) → 0 as a → ∞).
  if ((a === 0 && x > 0) || (a === Infinity && x >= 0 && x < Infinity)) return 0;
  if (!(a > 0) || !(x >= 0) || a === Infinity) return NaN;
  if (x === 0) return a < 1 ? Infinity : a === 1 ? 1 : 0;
  if (x === Infinity) return 0;
  const logPrefactor = logGammaPrefactor(a, x);
  const prefactor = Math.exp(logPrefactor);
  // x^a e^{−x}/Γ(a + 1) can underflow (or go subnormal) where the density, a/x times it, is normal:
  // chi2.cdf's x-derivative at 1e−300 (a = 1.5) was 0 for 4e−151. There, for x < 1, x^{a−1} by pow (one
  // rounding; the exponential of a log near −700 would carry 700 ulps) times e^{−x − lgamma(a)}; beyond, the sum of the logs.
  if (prefactor < 2.2250738585072014e-308) {
    return x < 1 ? Math.pow(x, a - 1) * Math.exp(-x - lgamma(a)) : Math.exp(logPrefactor + Math.log(a) - Math.log(x));
  }
  return (prefactor * a) / x;
}
