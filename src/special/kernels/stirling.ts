/**
 * @file Stirling's remainder and Loader's deviance bd0: the pieces that keep x^a e^{−x}/Γ(a + 1)
 * and B(a, b) accurate for large arguments, where lgamma differences cancel.
 * C. Loader, "Fast and accurate computation of binomial probabilities" (2000).
 */
import { lgamma } from '../../tensor/kernels/gamma.js';

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
  if (!(s > 0) || big < 10) return lgamma(a) + lgamma(b) - lgamma(a + b); // log |B| off the positive axis, as SciPy
  if (big === Infinity) return -Infinity;
  const corr = stirlerr(big) - stirlerr(big + s) - (big - 0.5) * Math.log1p(s / big);
  if (s < 10) return lgamma(s) + corr - s * Math.log(big + s) + s;
  return HALF_LOG_2PI - 0.5 * Math.log(s) - s * Math.log1p(big / s) + corr + stirlerr(s);
}
