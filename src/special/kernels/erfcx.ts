/**
 * @file The scaled complementary error function erfcx(x) = e^{x²} erfc(x) (SciPy's and JAX's erfcx) and its
 * derivatives of every order.
 *
 * Value: Cody's rational forms without their Gaussian factor for |x| > 0.46875 (CALERF with JINT = 2,
 * netlib.org/specfun/erf; ../../tensor/kernels/erf.ts), e^{x²}(1 − erf x) inside; for x < 0,
 * erfcx(x) = 2e^{x²} − erfcx(−x), with e^{x²} formed as e^{s²}e^{(|x|−s)(|x|+s)} (s = |x| cut to a sixteenth, s² exact)
 * so the rounding of x² is not amplified; ∞ below −26.62874, where 2e^{x²} overflows.
 *
 * Derivatives: erfcx⁽ⁿ⁾(x) = (−1)ⁿ 2ⁿ n! e^{x²} iⁿerfc(x) (iⁿerfc the n-th repeated integral of erfc, A&S 7.2),
 * since (iⁿerfc)′ = −iⁿ⁻¹erfc. The direct forms erfcx′ = 2x·erfcx − 2/√π and y⁽ⁿ⁺¹⁾ = 2x·y⁽ⁿ⁾ + 2n·y⁽ⁿ⁻¹⁾ subtract
 * nearly equal numbers for x ≫ 0 (erfcx′ ≈ −1/(√π x²) while each term is ≈ 2/√π: at x = 1e4 every digit is lost).
 * There, E_k = e^{x²} iᵏerfc(x), positive and decreasing in k, is the minimal solution of A&S 7.2.5,
 * E_{k−2} = 2k·E_k + 2x·E_{k−1}, so it is run downwards from zeros well above n (Miller's algorithm: every term
 * positive, no cancellation) and scaled so that E_0 = erfcx(x). For x ≤ 0 the terms of the upward recurrence
 * share their signs, so it is exact enough as it stands.
 */
import { erfcxLarge, erfNearZero } from '../../tensor/kernels/erf.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/**
 * Below this erfcx(x) ≈ 2e^{x²} overflows for certain (x² > log(Number.MAX_VALUE/2) = 709.0895…, |x| > 26.6287357);
 * between it and the overflow 2·e^{x²} overflows by itself. (Cody's XNEG, −26.628, cut off finite values up to
 * 1.797e308.)
 */
const OVERFLOW = -26.6288;
/** Above this the leading term (−1)ⁿ n!/(√π xⁿ⁺¹) is every derivative to the last bit (the next is n+1)(n+2)/(2x²) smaller). */
const ASYMPTOTIC = 1e9;
/**
 * Up to SERIES[n] the n-th derivative comes from the power series, beyond it from the downward recurrence: the
 * series' terms cancel more as the order grows (about e^{x²} times a factor rising with n), the recurrence costs
 * more as x falls (MILLER_SPREAD/x² steps), so the switch moves down with the order. Measured against mpmath on
 * 2,000 points of [0.01, 1.5]: within 5 ulp to order 8. Orders past the table take its last entry.
 */
const SERIES = [0, 0.5, 0.42, 0.38, 0.34, 0.3, 0.28, 0.26, 0.25];
/** How far above n the downward recurrence starts: its error shrinks by E_k/E_{k−1} ≤ 1/√(2k) per step. */
const MILLER_EXTRA = 40;
/**
 * …plus MILLER_SPREAD/x² steps: the recurrence's two solutions, e^{x²}iᵏerfc(±x), differ by about e^{2x√(2k)}, so the start
 * must lie where that is past 2⁵³ (measured: 200 gave 1 ulp at x = 0.47 and 100 gave 5,000; 300 for margin).
 */
const MILLER_SPREAD = 300;

/** e^{x²} for |x| ≤ 26.7, without the rounding of x² amplified. */
function expSquare(x: number): number {
  const y = Math.abs(x);
  const s = Math.trunc(16 * y) / 16;
  return Math.exp(s * s) * Math.exp((y - s) * (y + s));
}

/** erfcx(x) = e^{x²} erfc(x): 1 at 0, ≈ 1/(x√π) for x ≫ 0, ≈ 2e^{x²} for x ≪ 0; NaN for NaN. */
export function erfcx(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return expSquare(x) * (1 - erfNearZero(x));
  if (x !== x) return x;
  const r = erfcxLarge(y);
  if (x > 0) return r;
  return x < OVERFLOW ? Infinity : 2 * expSquare(x) - r;
}

/** The n-th derivative of erfcx at x, n ≥ 1. */
export function erfcxDerivative(n: number, x: number): number {
  if (x !== x) return x;
  if (x <= 0) return upward(n, x);
  if (x > ASYMPTOTIC) {
    // (−1)ⁿ n!/(√π xⁿ⁺¹), divided step by step so it underflows gradually.
    let t = ONE_OVER_SQRT_PI / x;
    for (let k = 1; k <= n; k++) t = (t * k) / x;
    return n % 2 === 0 ? t : -t;
  }
  if (x <= SERIES[Math.min(n, SERIES.length - 1)]!) return powerSeries(n, x);
  return (n % 2 === 0 ? 1 : -1) * repeatedIntegral(n, x);
}

/**
 * erfcx⁽ⁿ⁾(x) = Σ_{k≥n} (−1)ᵏ k!/(k−n)! x^{k−n}/Γ(1 + k/2), from erfcx(x) = Σ (−x)ᵏ/Γ(1 + k/2) (the Faddeeva
 * function's series, w(z) = Σ (iz)ᵏ/Γ(1 + k/2), at z = ix), for 0 < x ≤ SERIES[n], where the downward recurrence's
 * two solutions are too alike to separate quickly; its terms alternate, and cancel at most a factor ~e^{x²}.
 */
function powerSeries(n: number, x: number): number {
  let g0 = 1, g1 = 0.886226925452758; // Γ(1 + k/2) for even and odd k: Γ(1) and Γ(3/2) = √π/2
  for (let k = 2; k <= n; k++) {
    if (k % 2 === 0) g0 *= k / 2; else g1 *= k / 2;
  }
  let falling = 1; // k!/(k−n)! at k = n
  for (let k = 2; k <= n; k++) falling *= k;
  let power = 1, sum = 0;
  for (let k = n; ; k++) {
    const term = (falling * power) / (k % 2 === 0 ? g0 : g1);
    sum += k % 2 === 0 ? term : -term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && k > n + 2) break;
    // to k + 1: Γ(1 + (k+1)/2) from Γ(1 + (k−1)/2); k!/(k−n)! gains (k+1)/(k+1−n); x^{k−n} one more x.
    if ((k + 1) % 2 === 0) g0 *= (k + 1) / 2; else g1 *= (k + 1) / 2;
    falling *= (k + 1) / (k + 1 - n);
    power *= x;
  }
  return sum;
}

/** y⁽ⁿ⁾ by y′ = 2x·y − 2/√π, y⁽ᵏ⁺¹⁾ = 2x·y⁽ᵏ⁾ + 2k·y⁽ᵏ⁻¹⁾: for x ≤ 0 both terms have the sign (−1)ᵏ⁺¹. */
function upward(n: number, x: number): number {
  let previous = erfcx(x);
  let current = 2 * x * previous - TWO_OVER_SQRT_PI;
  for (let k = 1; k < n; k++) {
    const next = 2 * x * current + 2 * k * previous;
    previous = current;
    current = next;
  }
  return current;
}

/** 2ⁿ n! E_n(x) for 0 < x ≤ ASYMPTOTIC, E_k = e^{x²} iᵏerfc(x), by the downward recurrence scaled to E_0 = erfcx(x). */
function repeatedIntegral(n: number, x: number): number {
  let above = 0; // E_{k+1}, in the recurrence's own scale
  let at = 1; // E_k
  let wanted = 0; // E_n, once reached, kept in the same scale
  for (let k = n + MILLER_EXTRA + Math.ceil(MILLER_SPREAD / (x * x)); k >= 1; k--) {
    // E_{k−1} = 2(k + 1)·E_{k+1} + 2x·E_k (A&S 7.2.5 with n = k + 1).
    const below = 2 * (k + 1) * above + 2 * x * at;
    above = at;
    at = below;
    if (k - 1 === n) wanted = at;
    if (at > 1e250) { // rescale all three together
      above *= 1e-250; at *= 1e-250; wanted *= 1e-250;
    }
  }
  // at = E_0 in the recurrence's scale; 2ⁿ n! grows with n, folded in step by step.
  let scale = erfcx(x) / at;
  for (let k = 1; k <= n; k++) scale *= 2 * k;
  return wanted * scale;
}
