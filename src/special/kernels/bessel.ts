/**
 * @file Modified Bessel functions of the first kind, scalar kernels: I₀, I₁, their exponentially
 * scaled forms e^{−|x|} I_ν(x), and I_n(x)/xⁿ (for the derivatives of I₁). |x| ≤ 30: the power
 * series (A&S 9.6.10)
 *   I_ν(x) = (x/2)^ν Σₖ yᵏ / (k! (k + ν)!),  y = x²/4,
 * whose terms are all positive (so summing loses at most a few ulp). Beyond: the asymptotic
 * expansion (A&S 9.7.1) e^{−x} I_ν(x) = 1/√(2πx) Σₖ (−1)ᵏ aₖ(ν)/xᵏ, aₖ = Πⱼ (4ν² − (2j − 1)²)/(k! 8ᵏ),
 * whose smallest term at x = 30 is under 1e−25 of the first.
 */

const SERIES_LIMIT = 30;
/** The unscaled functions keep the series to 60 (at most ~100 terms): beyond 30, e^{x} times the asymptotic series' 1/√(2πx) costs 3–4 ulp. */
const UNSCALED_SERIES_LIMIT = 60;

/** a·b − fl(a·b), exactly (Dekker: Veltkamp's split into 26-bit halves), for |a|, |b| < 1e150. */
function productError(a: number, b: number, p: number): number {
  const ca = 134217729 * a, cb = 134217729 * b; // 2²⁷ + 1
  const ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * Σₖ yᵏ/(k!(k + ν)!) with y = (ax/2)², in double-double arithmetic (hi + lo pairs; Dekker 1971).
 * In plain doubles the rounding of y enters term k as (1 + δ)ᵏ and every step of the recurrence
 * tₖ = tₖ₋₁·y/(k(k + ν)) adds two more roundings that all later terms inherit; the terms peak near
 * k ≈ ax/2, so the sum was off by up to 9 ulp at ax ≈ 25 (i0(−1.7026351332480838) 5 ulp, i1(22.53) 11).
 * Carried to ~2⁻¹⁰⁴ it is rounded once at the end. The sum is unscaled (no e^{−x}·e^{x} round trip).
 */
function besselSeries(nu: number, ax: number): number {
  const h = 0.5 * ax;
  const yh = h * h;
  const yl = yh > 1e-290 ? productError(h, h, yh) : 0; // below, y·2⁻⁵³ is under every term's last bit
  let th = 1;
  for (let k = 2; k <= nu; k++) th /= k; // 1/ν!: exact for ν ≤ 2 (the callers' orders are small)
  let tl = 0, sh = th, sl = 0;
  for (let k = 1; k < 500; k++) {
    // t ← t·y, then t ← t/d with d = k(k + ν) an exact integer.
    let p = th * yh;
    let e = (yh > 1e-290 ? productError(th, yh, p) : 0) + (th * yl + tl * yh);
    th = p + e; tl = e - (th - p);
    const d = k * (k + nu);
    const q = th / d;
    p = q * d;
    e = productError(q, d, p);
    const ql = ((th - p) - e + tl) / d;
    th = q + ql; tl = ql - (th - q);
    // s ← s + t (Knuth's two-sum).
    const s = sh + th, bv = s - sh;
    const err = (sh - (s - bv)) + (th - bv) + sl + tl;
    sh = s + err; sl = err - (sh - s);
    if (th <= 1e-33 * sh) break;
  }
  return sh + sl;
}

/** e^{−|x|} I_ν(x) for ν = 0 or 1; I₀ is even and I₁ odd. NaN gives NaN, ±∞ gives 0. */
export function besselIScaled(nu: 0 | 1, x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  if (ax === Infinity) return 0;
  let value: number;
  if (ax <= SERIES_LIMIT) {
    value = (nu === 0 ? 1 : 0.5 * ax) * besselSeries(nu, ax) * Math.exp(-ax);
  } else {
    const mu = 4 * nu * nu;
    let term = 1, sum = 1;
    for (let k = 1; k < 60; k++) {
      const odd = 2 * k - 1;
      term *= -(mu - odd * odd) / (8 * k * ax);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    }
    value = sum / Math.sqrt(2 * Math.PI * ax);
  }
  return nu === 1 && x < 0 ? -value : value;
}

/** e^{ax}·v, in two factors past 700 so that I₀(713) (≈ 6.7e307) is finite although e^{713} is not. */
function unscale(v: number, ax: number): number {
  if (ax <= 700) return v * Math.exp(ax);
  const half = Math.exp(0.5 * ax);
  return v * half * half;
}

/** I_ν(x) unscaled: the series itself for |x| ≤ 60, e^{|x|} times the scaled value beyond. */
export function besselI(nu: 0 | 1, x: number): number {
  const ax = Math.abs(x);
  if (ax === Infinity) return nu === 1 ? x : Infinity;
  if (ax <= UNSCALED_SERIES_LIMIT) {
    const v = nu === 0 ? besselSeries(0, ax) : 0.5 * ax * besselSeries(1, ax);
    return nu === 1 && x < 0 ? -v : v;
  }
  return unscale(besselIScaled(nu, x), ax);
}

/**
 * e^{−s|x|} I_n(x)/xⁿ for an integer n ≥ 1 (s = 1 scaled, 0 not), even in x, ½ⁿ/n! at 0. It is
 * the series 2⁻ⁿ Σₖ yᵏ/(k!(k + n)!) for |x| ≤ 30 (no division by x, so no 0/0 and no cancellation
 * in its derivative x·(I_{n+1}/x^{n+1})), and beyond, I_n from I₀, I₁ by the recurrence
 * I_{k+1} = I_{k−1} − (2k/x) I_k (A&S 9.6.26; stable for n < x) over xⁿ.
 */
export function besselIOverPower(n: number, scaled: boolean, x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  if (ax === Infinity) return scaled ? 0 : Infinity;
  if (ax <= SERIES_LIMIT) {
    const v = besselSeries(n, ax) * Math.pow(0.5, n);
    return scaled ? v * Math.exp(-ax) : v;
  }
  let prev = besselIScaled(0, ax), cur = besselIScaled(1, ax);
  for (let k = 1; k < n; k++) { const next = prev - ((2 * k) / ax) * cur; prev = cur; cur = next; }
  const v = cur / Math.pow(ax, n);
  return scaled ? v : unscale(v, ax);
}
