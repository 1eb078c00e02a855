/**
 * @file The m-th derivative (m ≥ 1) of the exponentially scaled Bessel functions e^{−|x|} I_ν(x),
 * ν = 0 or 1 (the derivatives of i0e and i1e, every order), each computed directly rather than
 * from i0e and i1e: i0e′ = i1e − i0e (x > 0) is two numbers near 1/√(2πx) whose difference is
 * about 1/(2x) of either, so it lost log₁₀(2x) digits (1e−8 relative at x = 1e8), and every further
 * order lost as many again (i0e″ was 127 % off at 1e8).
 *
 * For x > 0, from A&S 9.6.19, e^{−x} I_ν(x) = (1/π) ∫₀^π e^{x(cos θ − 1)} cos νθ dθ, so
 *   dᵐ/dxᵐ e^{−x} I_ν(x) = (1/π) ∫₀^π (cos θ − 1)ᵐ e^{x(cos θ − 1)} cos νθ dθ,
 * with cos θ − 1 = −2 sin²(θ/2) (no cancellation; for ν = 0 every point has the sign (−1)ᵐ).
 * - x < 1e−4: Taylor's polynomial about 0+, its coefficients the integral's limits at 0 (exact rationals).
 * - x ≤ 25: that integral by the trapezoidal rule on M + 1 equally spaced nodes. The integrand is
 *   even and 2π-periodic, so the rule is the 2M-point rule on the circle, exact for Fourier modes
 *   below 2M; e^{x cos θ} has the modes I_k(x), so the error is about e^{−x} I_{2M−m−ν}(x) ≤ 1e−19
 *   for the M chosen below (I_k(x) ≈ (x/2)^k/k!).
 * - x > 25: the asymptotic series (A&S 9.7.1) e^{−x} I_ν(x) = (2π)^{−1/2} Σₖ bₖ x^{−k−1/2},
 *   b₀ = 1, bₖ = bₖ₋₁·((2k − 1)² − 4ν²)/(8k), differentiated term by term:
 *   dᵐ/dxᵐ x^{−s} = (−1)ᵐ s(s + 1)…(s + m − 1) x^{−s−m}. Its terms decrease to about e^{−2x}
 *   (< 2e−22 here) before they grow; the sum stops below 1e−18 of itself. The neglected part,
 *   e^{−2x}-small too, is the exponentially small term of the other saddle point.
 * Parity: i0e is even and i1e odd, so the m-th derivative has the parity (−1)^{ν+m}. At x = 0,
 * where |x| has its kink, the value is the mean of the two one-sided derivatives: 0 where the
 * parity is odd, the right-hand limit where it is even (i0e′(0) = 0, i1e′(0) = ½, i0e″(0) = 3/2).
 */

const ASYMPTOTIC_FROM = 25;
const INV_SQRT_2PI = 0.3989422804014327;

/** Nodes θⱼ = jπ/M, j = 0..M: cos θⱼ − 1 and cos θⱼ, for each M used. */
const NODES = new Map<number, { readonly c1: Float64Array; readonly c: Float64Array }>();
function nodes(count: number): { readonly c1: Float64Array; readonly c: Float64Array } {
  let t = NODES.get(count);
  if (t === undefined) {
    const c1 = new Float64Array(count + 1), c = new Float64Array(count + 1);
    for (let j = 0; j <= count; j++) {
      const s = Math.sin((j * Math.PI) / (2 * count));
      c1[j] = -2 * s * s;
      c[j] = Math.cos((j * Math.PI) / count);
    }
    t = { c1, c };
    NODES.set(count, t);
  }
  return t;
}

/** The trapezoidal rule for (1/π)∫₀^π (cos θ − 1)ᵐ e^{x(cos θ − 1)} cos νθ dθ, 0 ≤ x ≤ 25. */
function byQuadrature(nu: 0 | 1, m: number, x: number): number {
  const count = (x <= 2 ? 12 : x <= 8 ? 20 : 32) + m; // 2M − m − ν past the modes that matter (file comment)
  const { c1, c } = nodes(count);
  let sum = 0;
  for (let j = 0; j <= count; j++) {
    const d = c1[j]!;
    let w = Math.exp(x * d);
    for (let i = 0; i < m; i++) w *= d;
    if (nu === 1) w *= c[j]!;
    sum += j === 0 || j === count ? 0.5 * w : w;
  }
  return sum / count;
}

/** The asymptotic series differentiated m times, x > 25. */
function byAsymptoticSeries(nu: 0 | 1, m: number, x: number): number {
  const inv = 1 / x;
  let b = 1, power = 1, sum = 0;
  for (let k = 0; k < 200; k++) {
    if (k > 0) {
      b *= ((2 * k - 1) * (2 * k - 1) - 4 * nu * nu) / (8 * k);
      power *= inv;
    }
    let rising = 1; // (k + ½)(k + 3/2)…(k + m − ½)
    for (let i = 0; i < m; i++) rising *= k + 0.5 + i;
    const term = b * rising * power;
    sum += term;
    if (Math.abs(term) <= 1e-18 * Math.abs(sum) || k > 2 * x) break;
  }
  let scale = INV_SQRT_2PI / Math.sqrt(x);
  for (let i = 0; i < m; i++) scale *= -inv;
  return scale * sum;
}

/**
 * The right-hand limit at 0: (1/π)∫₀^π (cos θ − 1)ᵐ cos νθ dθ = Σⱼ C(m, j)(−1)^{m−j} μ_{j+ν}, with
 * μₖ = (1/π)∫₀^π cosᵏθ dθ = (k − 1)!!/k!! for even k, 0 for odd (exact in doubles for small m).
 */
function atZero(nu: 0 | 1, m: number): number {
  let sum = 0, binomial = 1;
  for (let j = 0; j <= m; j++) {
    const k = j + nu;
    if (k % 2 === 0) {
      let moment = 1;
      for (let i = 1; i < k; i += 2) moment *= i / (i + 1);
      sum += ((m - j) % 2 === 0 ? 1 : -1) * binomial * moment;
    }
    binomial = (binomial * (m - j)) / (j + 1);
  }
  return sum;
}

const TAYLOR_BELOW = 1e-4;

/** Taylor's polynomial about 0+ to x⁴ (the rest < 1e−19 of the value for x < 1e−4): exact limits at 0 (the rule's sum rounds). */
function byTaylor(nu: 0 | 1, m: number, x: number): number {
  let sum = 0;
  for (let j = 4; j >= 0; j--) sum = sum * (x / (j + 1)) + atZero(nu, m + j);
  return sum;
}

/** dᵐ/dxᵐ e^{−|x|} I_ν(x), m ≥ 1 (at 0 the mean of the one-sided derivatives). NaN gives NaN, ±∞ 0. */
export function besselIScaledDerivative(nu: 0 | 1, m: number, x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  const odd = ((nu + m) & 1) === 1;
  if (ax === 0) return odd ? 0 : atZero(nu, m);
  const v = ax < TAYLOR_BELOW ? byTaylor(nu, m, ax) : ax <= ASYMPTOTIC_FROM ? byQuadrature(nu, m, ax) : byAsymptoticSeries(nu, m, ax);
  return odd && x < 0 ? -v : v;
}
