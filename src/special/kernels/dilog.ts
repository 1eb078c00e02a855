/**
 * @file Spence's function spence(x) = ∫₁ˣ log t/(1 − t) dt = Li₂(1 − x) (SciPy's convention) and the derivatives
 * of log x/(x − 1) (spence′, negated), scalar kernels for special/spence.ts.
 *
 * Li₂(u) = Σ u^k/k² is summed only for |u| ≤ ½; the rest of [0, ∞) is brought there by Euler's reflection
 * Li₂(u) + Li₂(1 − u) = π²/6 − log u log(1 − u) and the inversion spence(x) + spence(1/x) = −½ log² x
 * (A&S 27.7.3–4): x in [½, 3/2] is Li₂(1 − x) with 1 − x exact; below ½, π²/6 − log x log1p(−x) − Li₂(x); in
 * (3/2, 2], −½ log² x − Li₂((x − 1)/x); beyond 2, −½ log² x − π²/6 − log x log1p(−1/x) + Li₂(1/x).
 */

const PI2_6_HI = 1.6449340668482264, PI2_6_LO = 3.040672350398476e-17; // π²/6 as hi + lo

/** Li₂(u) = Σ_{k ≥ 1} u^k/k² for |u| ≤ ½, by Horner from a depth where |u|^N/N² is below 1e−18. */
function dilogSeries(u: number): number {
  const a = Math.abs(u);
  if (a === 0) return u;
  let n = 1;
  for (let p = a; p > 1e-18 * n * n && n < 80; p *= a) n++;
  let sum = 0;
  for (let k = n; k >= 1; k--) sum = u * (1 / (k * k) + sum);
  return sum;
}

/** spence(x) for x ≥ 0 (NaN below and at NaN; π²/6 at 0, 0 at 1, −∞ at +∞). */
export function spence(x: number): number {
  if (!(x >= 0)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x === 0) return PI2_6_HI;
  if (x >= 0.5 && x <= 1.5) return dilogSeries(1 - x);
  if (x < 0.5) return ((PI2_6_HI - Math.log(x) * Math.log1p(-x)) - dilogSeries(x)) + PI2_6_LO;
  const lx = Math.log(x);
  if (x <= 2) return -0.5 * lx * lx - dilogSeries((x - 1) / x);
  return ((-0.5 * lx * lx - PI2_6_HI) - lx * Math.log1p(-1 / x) + dilogSeries(1 / x)) - PI2_6_LO;
}

/**
 * dⁿ/dxⁿ [log x/(x − 1)] for x ≥ 0 (−spence′(x) at n = 0: spence′(x) = log x/(1 − x)). Near x = 1 the closed forms
 * cancel (their terms are ~1/(x − 1)^{n+1}), so in w = x − 1 (exact for x in [½, 4]) it is log1p(w)/w's: for w in
 * [−½, 0] the series Σ_{j ≥ 0} (−1)^{j+n} (j + n)!/j! · w^j/(j + n + 1), every term of one sign; for w in (0, 3], as
 * log1p(w)/w = ∫₀¹ dt/(1 + wt), (−1)ⁿ n!/(1 + w)^{n+1} Σ_k v^k/(n + 1 + k) with v = w/(1 + w) (Euler's transformation
 * of the ₂F₁), positive terms. Elsewhere (x < ½ or x > 4) Leibniz's rule on log x · (x − 1)⁻¹, written in x itself
 * (x − 1 would round to −1 for tiny x, where the derivatives are ~1/x): dʲ log x = (−1)^{j−1}(j − 1)!/xʲ,
 * dⁱ(x − 1)⁻¹ = (−1)ⁱ i!/(x − 1)^{i+1}. x = 0 gives (−1)ⁿ∞, x = +∞ gives 0.
 */
export function logOverXMinusOne(n: number, x: number): number {
  if (!(x >= 0)) return NaN;
  if (x === 0) return n % 2 === 0 ? Infinity : -Infinity;
  if (x === Infinity) return 0;
  const near = x >= 0.5 && x <= 4, w = x - 1;
  if (n === 0) return w === 0 ? 1 : near ? Math.log1p(w) / w : Math.log(x) / w; // within 1.5 ulp as it stands
  let fact = 1;
  for (let k = 2; k <= n; k++) fact *= k; // n!
  if (near && w <= 0) {
    let sum = 0, p = fact;
    for (let j = 0; j < 400; j++) {
      const term = p / (j + n + 1);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
      p *= -w * (j + n + 1) / (j + 1);
    }
    return n % 2 === 0 ? sum : -sum;
  }
  if (near) {
    const v = w / x;
    let sum = 0, p = 1;
    for (let k = 0; k < 400; k++) {
      const term = p / (n + 1 + k);
      sum += term;
      if (term <= 1e-17 * sum) break;
      p *= v;
    }
    return (n % 2 === 0 ? fact : -fact) * Math.pow(x, -n - 1) * sum;
  }
  const inv = 1 / w, invX = 1 / x;
  // j = 0: log x·(−1)ⁿ n!/(x − 1)^{n+1}
  let sum = Math.log(x) * (n % 2 === 0 ? 1 : -1) * fact * Math.pow(inv, n + 1), binom = 1;
  for (let j = 1; j <= n; j++) {
    binom = binom * (n - j + 1) / j;
    let fj = 1; for (let k = 2; k < j; k++) fj *= k; // (j − 1)!
    let fi = 1; for (let k = 2; k <= n - j; k++) fi *= k; // (n − j)!
    const dLog = (j % 2 === 1 ? 1 : -1) * fj * Math.pow(invX, j);
    const dInv = ((n - j) % 2 === 0 ? 1 : -1) * fi * Math.pow(inv, n - j + 1);
    sum += binom * dLog * dInv;
  }
  return sum;
}
