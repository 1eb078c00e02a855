/**
 * @file Stirling's remainder and Loader's deviance bd0: the pieces that keep x^a e^{−x}/Γ(a + 1)
 * and B(a, b) accurate for large arguments, where lgamma differences cancel.
 * C. Loader, "Fast and accurate computation of binomial probabilities" (2000).
 */
import { digamma, lgamma } from '../../tensor/kernels/gamma.js';

const HALF_LOG_2PI = 0.9189385332046728;

/**
 * stirlerr(a) = lgamma(a) − [(a − ½) log a − a + ½ log 2π], the remainder of Stirling's series.
 * For a ≥ 10 the asymptotic series 1/(12a) − 1/(360a³) + … (B₂ₖ/(2k(2k−1)a^{2k−1}), A&S 6.1.40),
 * whose eighth term is under 1e−16 of the first there; below, lgamma minus the Stirling terms.
 */
export function stirlerr(a: number): number {
  if (a < 10) return lgamma(a) - ((a - 0.5) * Math.log(a) - a + HALF_LOG_2PI);
  const r = 1 / (a * a);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360 - r / 156)))))) / a;
}

/**
 * bd0(x, m) = x log(x/m) + m − x ≥ 0, without the cancellation of its terms near x = m: there
 * (|x − m| < 0.1 (x + m)) the series 2x Σ v^{2j+1}/(2j + 1) in v = (x − m)/(x + m) (Loader).
 */
export function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return s;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * log(x^a e^{−x} / Γ(a + 1)) for a > 0, x > 0: for a ≥ 10 as −bd0(a, x) − ½ log(2πa) − stirlerr(a)
 * (no cancellation of a log x against x and lgamma), directly below.
 */
export function logGammaPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - lgamma(a + 1);
  return -bd0(a, x) - 0.5 * Math.log(2 * Math.PI * a) - stirlerr(a);
}

/**
 * log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b) for a, b > 0. With the larger argument
 * ≥ 10 the lgamma differences would cancel (betaln(1e10, 1) = −log 1e10 lost 6 digits), so
 * Stirling's form with log1p carries the large terms: for big ≥ 10,
 *   lgamma(big) − lgamma(big + s) = −(big − ½) log1p(s/big) − s log(big + s) + s + stirlerr(big) − stirlerr(big + s),
 * and when s ≥ 10 too, lgamma(s) expands the same way, leaving
 *   ½ log 2π − ½ log s − s log1p(big/s) − (big − ½) log1p(s/big) + stirlerr(s) + stirlerr(big) − stirlerr(big + s).
 */
export function betaln(a: number, b: number): number {
  const big = Math.max(a, b), s = Math.min(a, b);
  if (!(s > 0)) return betalnOffAxis(a, b);
  if (big < 10) return lgamma(a) + lgamma(b) - lgamma(a + b);
  if (big === Infinity) return -Infinity;
  const corr = stirlingDifference(big, s);
  if (s < 10) return lgamma(s) + corr - s * Math.log(big + s) + s;
  return HALF_LOG_2PI - 0.5 * Math.log(s) - s * Math.log1p(big / s) + corr + stirlerr(s);
}

/**
 * lgamma(big) − lgamma(big + s) + s log(big + s) − s for big, big + s ≥ 10, without their cancellation (Stirling's
 * form of each, the logs as log1p): stirlerr(big) − stirlerr(big + s) − (big − ½) log1p(s/big). s may be negative.
 */
function stirlingDifference(big: number, s: number): number {
  return stirlerr(big) - stirlerr(big + s) - (big - 0.5) * Math.log1p(s / big);
}

/** Γ's poles: 0, −1, −2, … (every double below −2⁵² is one, −∞ too). @internal */
export const isPole = (x: number) => x <= 0 && x === Math.floor(x);

/**
 * log |B(a, b)| where a or b is ≤ 0 (SciPy's betaln, Cephes' beta): +∞ at a pole of Γ(a) or Γ(b), except that
 * for a pole a and an integer b with 1 − a − b > 0 the poles cancel, B(a, b) = (−1)ᵇ B(1 − a − b, b) (Cephes'
 * beta_negint); −∞ where only Γ(a + b) has a pole; +∞ for a negative a and b = +∞ (|Γ(a)| b^{−a}). For a large
 * b (≥ 10, with a + b ≥ 10) and a negative a, lgamma(b) − lgamma(a + b) by Stirling's difference: the plain sum lost
 * |lgamma(b)|·ε, 2e−6 of betaln(−0.5, 1e10), and all of betaln(−0.5, 1e300) (0 for 346.65).
 */
function betalnOffAxis(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (isPole(a) || isPole(b)) {
    const [p, q] = isPole(a) ? [a, b] : [b, a];
    return q === Math.floor(q) && p > -Infinity && 1 - p - q > 0 ? betaln(1 - p - q, q) : Infinity;
  }
  if (isPole(a + b)) return -Infinity;
  const big = Math.max(a, b), s = Math.min(a, b);
  if (big === Infinity) return Infinity;
  if (big >= 10 && big + s >= 10) return lgamma(s) + stirlingDifference(big, s) - s * Math.log(big + s) + s;
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** B₂ₖ/(2k), k = 1 … 7: the digamma asymptotic series ψ(s) ~ log s − 1/(2s) − Σ B₂ₖ/(2k s^{2k}) (A&S 6.3.18). */
const PSI_ASYMPTOTIC = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * ψ(s + t) − ψ(s) for s > 0, t ≥ 0 (betaln's derivatives, negated), without the cancellation of the two digammas
 * when t ≪ s (their difference ≈ t ψ′(s) kept |ψ(s)|ε/(t ψ′(s)) of it: 4e−7 relative at s = 1, t = 1e−10, and 0 once
 * s + t rounds to s). Below s = 10, ψ(x + 1) = ψ(x) + 1/x moves both up by m steps, each contributing
 * 1/(s + j) − 1/(s + j + t) = t/((s + j)(s + j + t)); from s ≥ 10 the asymptotic series term by term, L = log1p(t/s):
 *   L + t/(2s(s + t)) − Σₖ B₂ₖ/(2k) · s^{−2k} · expm1(−2k L)   (as incompleteBeta's digammaDifference).
 */
export function psiDifference(s: number, t: number): number {
  if (!(s > 0 && t >= 0)) return digamma(s + t) - digamma(s);
  if (t === Infinity || s === Infinity) return digamma(s + t) - digamma(s);
  let shift = 0;
  while (s < 10) { shift += t / (s + t) / s; s += 1; } // t/((s + j)(s + j + t)), not overflowing for t near the top
  const L = Math.log1p(t / s), r = 1 / (s * s);
  let sum = 0, power = 1;
  for (let k = 0; k < PSI_ASYMPTOTIC.length; k++) { power *= r; sum += PSI_ASYMPTOTIC[k]! * power * Math.expm1(-2 * (k + 1) * L); }
  return shift + L + t / (s + t) / (2 * s) - sum;
}

const SQRT_2PI = 2.5066282746310002;

/**
 * Γ(x) for x ≥ 1 (factorial's Γ(n + 1)): exp(lgamma(x)) would carry lgamma's rounding times |lgamma(x)| (≈ 700 at
 * x = 170: 170! was 1,160 ulp off at 151.12, SciPy's 2.7). Below 10 as (x − 1)(x − 2)⋯(x − m)·Γ(z), z = x − m in
 * [1, 2) (each x − k exact; Γ(z) = e^{lgamma(z)} with |lgamma(z)| ≤ 0.13); from 10 Stirling's
 * √(2π)·x^{x−½}·e^{−x}·e^{stirlerr(x)}, with x^{x−½} as h·h, h = x^{(x−½)/2} (no overflow before Γ's own, past 171.62).
 */
export function gammaAtLeastOne(x: number): number {
  if (!(x >= 1)) return NaN;
  if (x < 10) {
    let p = 1;
    while (x >= 2) { x -= 1; p *= x; }
    return p * Math.exp(lgamma(x));
  }
  if (x > 180) return Infinity;
  const h = Math.pow(x, (x - 0.5) / 2);
  return SQRT_2PI * h * (h * Math.exp(-x)) * Math.exp(stirlerr(x));
}

/**
 * log(x/y) for x, y > 0 without the ratio's rounding near 1 or its overflow: log1p((x − y)/y) where |x − y| ≤ y/2
 * (x − y exact there, by Sterbenz; log(x/y) kept only ε/|log(x/y)| of it: relEntr was 5.7 % off at x/y = 1 + 1e−15),
 * log(x/y) while the ratio is a normal number, log x − log y beyond (x/y = ∞ gave relEntr(1.6e109, 9e−246) = ∞).
 */
export function logRatio(x: number, y: number): number {
  if (y === Infinity) return x < Infinity ? -Infinity : NaN; // log(x/∞) (d/y below would be ∞/∞)
  const d = x - y;
  if (Math.abs(d) <= 0.5 * y) return Math.log1p(d / y);
  const r = x / y;
  return r > 1e-300 && r < 1e300 ? Math.log(r) : Math.log(x) - Math.log(y);
}

/**
 * x log(x/y) − x + y ≥ 0 for x, y > 0 (klDiv's value, Loader's bd0(x, y)): near x = y its terms cancel to
 * (x − y)²/(2y) (3.6 relative error at x/y = 1 − 7e−9, as SciPy's kl_div), so for |v| < ⅓, v = (x − y)/(x + y)
 * (x/y in (½, 2)), bd0's series (x − y)v + 2x Σⱼ v^{2j+1}/(2j + 1) (17 terms at most); beyond, x·logRatio(x, y) + (y − x)
 * (y − x exact within a factor 2, Sterbenz), whose terms are at most 3.6× the value there.
 */
export function klDivergence(x: number, y: number): number {
  const d = x - y, s = x + y;
  if (!(Math.abs(d) < s / 3)) return x * logRatio(x, y) + (y - x); // also x + y = ∞
  let v = d / s, sum = d * v, ej = 2 * x * v;
  v *= v;
  for (let j = 1; j < 100; j++) {
    ej *= v;
    const next = sum + ej / (2 * j + 1);
    if (next === sum) break;
    sum = next;
  }
  return sum;
}
