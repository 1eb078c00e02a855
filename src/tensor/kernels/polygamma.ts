/**
 * @file Scalar polygamma ψ⁽ⁿ⁾(x), n ≥ 1: the Hurwitz zeta function by Euler–Maclaurin summation
 * (the method of Cephes' zeta.c, S. L. Moshier) for x ≥ 0, and the reflection formula
 * differentiated n times for x < 0.
 */
import { allocF64 } from '../alloc.js';
import { cotPi, digamma } from './gamma.js';

/** B₂ⱼ / (2j)! for j = 1…13 (DLMF 24.2), the Euler–Maclaurin coefficients. */
const BERNOULLI_OVER_FACTORIAL = [
  0.08333333333333333, -0.001388888888888889, 3.306878306878307e-05, -8.267195767195768e-07,
  2.08767569878681e-08, -5.284190138687493e-10, 1.3382536530684679e-11, -3.3896802963225827e-13,
  8.586062056277845e-15, -2.174868698558062e-16, 5.5090028283602295e-18, -1.3954464685812522e-19,
  3.534707039629467e-21,
];

/**
 * ζ(s, x) = Σ_{k≥0} (x + k)^{−s} for an integer s ≥ 2 and x ≥ 0 (DLMF 25.11.5 with 25.11.7's
 * remainder): the first N terms summed directly until y = x + N ≥ 10 + s, then
 * y^{1−s}/(s − 1) + y^{−s}/2 + Σⱼ B₂ⱼ/(2j)! · s(s + 1)…(s + 2j − 2) · y^{−s−2j+1}; for y ≥ 10 + s the
 * j-th term falls like ((s + 2j)/(2πy))^{2j}, below 2⁻⁵⁴ of the sum within 13 terms.
 */
/**
 * scale·b^e, as (scale·b^{e/2})·b^{e/2} when scale ≠ 1: ψ⁽ⁿ⁾ = ±n!·ζ(n + 1, x) is normal where x^{−n} underflows
 * alone (ψ⁽¹⁰⁰⁾(6829) = −3.4e−228 came out −0, as SciPy's), so there n! goes into the terms.
 */
function scaledPow(b: number, e: number, scale: number): number {
  if (scale === 1) return Math.pow(b, e);
  const h = Math.pow(b, e / 2);
  return scale * h * h;
}

function hurwitzZeta(s: number, x: number, scale = 1): number {
  if (x === Infinity) return 0;
  let sum = 0;
  let k = 0;
  for (; x + k < 10 + s; k++) {
    const t = scaledPow(x + k, -s, scale);
    sum += t;
    // The rest is at most ∫ from x + k of u^{−s} = t·(x + k)/(s − 1): for large s the first few terms are the sum
    // (ψ⁽¹⁰⁰⁾(0.5) summed 110 terms for 3 that matter).
    if (t * (x + k) <= 1e-17 * (s - 1) * sum) return sum;
  }
  const y = x + k;
  const a = scaledPow(y, -s, scale);
  let tail = scaledPow(y, 1 - s, scale) / (s - 1) + a / 2; // y·a could underflow where y^{1−s} does not
  let rising = s; // s(s + 1)…(s + 2j − 2)
  let power = a / y; // y^{−s−2j+1}
  const y2 = y * y;
  for (let j = 0; j < BERNOULLI_OVER_FACTORIAL.length; j++) {
    const term = BERNOULLI_OVER_FACTORIAL[j]! * rising * power;
    tail += term;
    if (Math.abs(term) <= 1e-17 * tail) break;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    power /= y2;
  }
  return sum + tail;
}

/**
 * Coefficients of the polynomial Pₙ with dⁿ/dxⁿ cot(πx) = πⁿ Pₙ(cot πx): P₀(c) = c and
 * P_{k+1}(c) = −(1 + c²) P_k'(c), since d cot(πx)/dx = −π(1 + cot²πx). Index i holds cⁱ.
 */
export function cotDerivativePolynomial(n: number): Float64Array {
  let p = new Float64Array(n + 2);
  p[1] = 1;
  for (let k = 0; k < n; k++) {
    const q = new Float64Array(n + 2);
    for (let i = 1; i <= k + 1; i++) {
      const d = i * p[i]!; // coefficient of c^{i−1} in P_k'
      q[i - 1]! -= d;
      q[i + 1]! -= d;
    }
    p = q;
  }
  return p;
}

/** n! as a double (exact to 22!, overflowing past 170!). */
function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/**
 * ψ⁽ⁿ⁾(x) for an integer n ≥ 1 with `cot` = cotDerivativePolynomial(n).
 * x ≥ 0: ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ n! ζ(n + 1, x) (DLMF 25.11.12); at ±0 the first term is (±0)^{−n−1},
 * so ψ⁽ⁿ⁾(±0) is the one-sided limit, as ψ(±0) is. Poles at negative integers give (−1)ⁿ⁺¹ ∞
 * (as SciPy); +∞ gives 0 and −∞ NaN.
 * x < 0: differentiating ψ(1 − x) − ψ(x) = π cot(πx) (DLMF 5.5.4) n times gives
 * ψ⁽ⁿ⁾(x) = (−1)ⁿ ψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹ Pₙ(cot πx), with cot πx from cotPi.
 */
export function polygammaWith(n: number, cot: Float64Array, x: number): number {
  const sign = n % 2 === 1 ? 1 : -1;
  if (x >= 0) {
    // n!·x^{−n} normal but x^{−n} (the tail's leading term) subnormal or 0 (x > 61 for any n ≤ 170): n! goes into the terms.
    return x > 61 && n * Math.log(x) > 700 ? sign * hurwitzZeta(n + 1, x, factorial(n)) : sign * factorial(n) * hurwitzZeta(n + 1, x);
  }
  if (x !== x || x === -Infinity) return NaN;
  if (x === Math.floor(x)) return sign * Infinity;
  // The reflection's Pₙ(cot πx), of degree n + 1, carries cot's rounding n + 1 times (45 ulp at n = 30, 135 at n = 100
  // near x = −0.12). From n = 16 the series itself, Σₖ (x + k)^{−n−1} (x + k exact): ζ(n + 1, x + m) from x + m in
  // (0, 1], and the terms below summed outward from x's pole until they are negligible — a few, as they fall like
  // j^{−n−1}. For even n they change sign at the pole, and near the zeros between poles (x ≈ k + ½) they cancel, where
  // the reflection is better: the series is kept when its terms' magnitudes sum to at most max(4, n/4)× its value
  // (the reflection's error grows with n, the series' with that ratio). Below n = 16 the reflection is within 17 ulp.
  if (n >= 16) {
    const m = Math.ceil(-x), z = hurwitzZeta(n + 1, x + m);
    let sum = 0, sumAbs = 0;
    for (let k = m - 1; k >= 0; k--) { // outward from the pole next to x: |x + k| grows, the terms shrink
      const b = x + k, t = Math.pow(b, -n - 1);
      sum += t; sumAbs += Math.abs(t);
      if (Math.abs(t * b) <= 1e-18 * n * z) break; // the rest ≤ ∫ |u|^{−n−1} beyond |b| = |t·b|/n, negligible beside z
    }
    if (n % 2 === 1 || sumAbs + z <= Math.max(4, n / 4) * Math.abs(sum + z)) return sign * factorial(n) * (sum + z);
  }
  const c = cotPi(x);
  let p = cot[n + 1]!;
  for (let i = n; i >= 0; i--) p = p * c + cot[i]!;
  return -sign * polygammaWith(n, cot, 1 - x) - Math.pow(Math.PI, n + 1) * p;
}

/** ψ⁽ⁿ⁾ over an array (n = 0 is digamma). */
export function polygammaKernel(n: number, x: Float64Array): Float64Array {
  const out = allocF64(x.length);
  if (n === 0) {
    for (let i = 0; i < x.length; i++) out[i] = digamma(x[i]!);
    return out;
  }
  const cot = cotDerivativePolynomial(n);
  for (let i = 0; i < x.length; i++) out[i] = polygammaWith(n, cot, x[i]!);
  return out;
}
