/**
 * @file The Hurwitz zeta function ζ(s, q) = Σₖ (k + q)^{−s}, scalar kernel: Euler–Maclaurin
 * summation as Cephes' zeta.c (S. L. Moshier) and hence JAX's lax.zeta: the first N terms
 * directly, then the integral of the tail, half its first term, and the Bernoulli corrections
 *   Σⱼ B₂ⱼ/(2j)! · s(s + 1)⋯(s + 2j − 2) · a^{−s−2j+1},  a = q + N.
 */

/** (2j)!/B₂ⱼ for j = 1 … 12. */
const BERNOULLI_DIVISORS = [
  12, -720, 30240, -1209600, 47900160, -1.8924375803183791606e9, 7.47242496e10, -2.950130727918164224e12,
  1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18,
];
const EPS = 1.1102230246251565e-16;
const LOG_EPS = Math.log(EPS);

/**
 * ζ(s, q) for s > 1 (s = 1 gives +∞, s < 1 NaN, as Cephes and JAX). q ≤ 0: +∞ at the poles
 * q = 0, −1, −2, …; NaN for non-integer s (q^{−s} is not real), the sum otherwise.
 */
export function hurwitzZeta(s: number, q: number): number {
  if (s === 1) return Infinity;
  if (!(s > 1) || Number.isNaN(q)) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (s !== Math.floor(s)) return NaN;
  }
  if (q === Infinity) return 0;
  // The first term alone where the rest, Σₖ≥₁ (q + k)^{−s} ≤ (q + 1)^{−s}(1 + (q + 1)/(s − 1)), is below ε of it (in logs,
  // so that it holds where the terms underflow): for large s, ζ(s, q) = q^{−s} (1, 0 or +∞ at s = +∞, as SciPy), where
  // the Euler–Maclaurin terms below formed ∞·0 = NaN.
  // And 0 where the whole, at most q^{−s}(1 + q/(s − 1)), is below the smallest double (ζ(1e300, 1e300)).
  if (q > 0 && -s * Math.log1p(1 / q) + Math.log1p((q + 1) / (s - 1)) < LOG_EPS) return q === 1 ? 1 : Math.pow(q, -s); // 1^∞ is NaN in JavaScript
  if (q >= 1 && -s * Math.log(q) + Math.log1p(q / (s - 1)) < -746) return 0;
  let sum = Math.pow(q, -s);
  let a = q, b = 0;
  for (let i = 0; i < 9 || a <= 9; ) {
    i++;
    a += 1;
    b = Math.pow(a, -s);
    sum += b;
    // The rest is at most ∫ from a of u^{−s} = b·a/(s − 1), not b: Cephes' test b/sum < ε stopped ζ(1 + 5e−11, 5e−16)
    // at a = 5 and dropped the 1/(s − 1) = 1.9e10 of the tail (9e−6 relative, as SciPy and JAX).
    if (Math.abs(b * a) < EPS * (s - 1) * Math.abs(sum)) return sum;
  }
  const w = a;
  // b·w as w^{1−s}: b = w^{−s} underflows for large q where the tail w^{1−s}/(s − 1) does not (ζ(1.5, 1e300) was 0 for 2e−150).
  sum += Math.pow(w, 1 - s) / (s - 1) - 0.5 * b;
  let rising = 1, k = 0;
  for (let j = 0; j < 12; j++) {
    rising *= s + k;
    b /= w;
    const t = (rising * b) / BERNOULLI_DIVISORS[j]!;
    sum += t;
    if (Math.abs(t / sum) < EPS) break;
    k += 1;
    rising *= s + k;
    b /= w;
    k += 1;
  }
  return sum;
}
