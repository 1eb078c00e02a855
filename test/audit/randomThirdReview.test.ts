/**
 * @file A third adversarial review of ad.random (after test/random/* and randomSecondReview): the
 * regressions for what it found (poisson's lattice of draws at huge λ, uniform between bounds whose
 * difference overflows) and for the jax.random options it added (multivariateNormal's method,
 * permutation's independent, categorical's replace), then guards at parameters the earlier files do
 * not reach — shape parameters down to 1e−8 and up to 1e12, Poisson at 1e8, binomial with n = 1e15
 * and 1e300, truncated normals 8 to 1000 standard deviations out, Haar moments of orthogonal,
 * coordinate laws of ball, key independence across derivations, implicit-reparameterisation
 * derivatives at those extremes against mpmath, and the default shapes of jax.random's signatures.
 *
 * Oracles: mpmath (50–60 digits: incomplete gamma, normal CDF, regularised beta), SciPy 1.10 (Poisson
 * quantiles and CDF), closed forms; every number is pasted in (with the script's gist beside it), so
 * the file needs no Python. Thresholds, for a sampler with the right distribution: KS statistic
 * D < 2.70/√n (asymptotic P(D√n ≥ 2.70) = 2e^{−2·2.70²} ≈ 9e−7) and Pearson's chi-square below its
 * 1 − 1e−6 quantile (Wilson–Hilferty); the keys are fixed, so nothing flakes, and each statistic
 * passed with room at these keys (and at others, during the review).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { chiSquare, ks } from '../random/stats.js';

const { random } = ad;
const arr = (t: Tensor) => Array.from(t.toFloat64Array());

/** KS limit at a false-failure probability of about 1e−6 (see the file note). */
const ksLimit = (n: number) => 2.70 / Math.sqrt(n);
/** The chi-square 1 − 1e−6 quantile for df degrees of freedom, by Wilson–Hilferty (z = 4.7534). */
const chiLimit6 = (df: number) => df * (1 - 2 / (9 * df) + 4.7534 * Math.sqrt(2 / (9 * df))) ** 3;
const expectKs = (x: ArrayLike<number>, cdf: (v: number) => number, what: string) => expect(ks(x, cdf), what).toBeLessThan(ksLimit(x.length));
const closeRel = (got: number[], want: number[], rtol: number, what = '') =>
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `${what} entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(rtol * Math.abs(want[i]!)));

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e−7, far below the KS limits here). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}
const Phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));

/** erfc(z)·e^{z²} for z ≥ 4 by its continued fraction 1/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))) (80 levels: full precision there). */
function erfcx(z: number): number {
  let f = z;
  for (let k = 80; k >= 1; k--) f = z + k / 2 / f;
  return 1 / (Math.sqrt(Math.PI) * f);
}
/** The standard normal truncated to (a, b), a ≥ 8 (b may be ∞): its CDF from Q(x)/Q(a) = e^{−(x−a)(x+a)/2}·ρ(x)/ρ(a), ρ(t) = erfcx(t/√2). */
function upperTailCdf(a: number, b: number): (x: number) => number {
  const ratio = (x: number) => Math.exp(-(x - a) * (x + a) / 2) * erfcx(x / Math.SQRT2) / erfcx(a / Math.SQRT2);
  const tail = b === Infinity ? 0 : ratio(b);
  return (x) => (x <= a ? 0 : x >= b ? 1 : (1 - ratio(x)) / (1 - tail));
}

/** Pearson's chi-square of integer draws against PMF values p[k − lo] for k in [lo, hi] (the rest folded into the ends), bins merged to ≥ 20 expected. */
function countChiSquare(x: ArrayLike<number>, lo: number, p: number[]): { stat: number; df: number } {
  const n = x.length, counts = new Array<number>(p.length).fill(0);
  let fractional = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(x[i])) fractional++;
    else counts[Math.min(Math.max(x[i]! - lo, 0), p.length - 1)]!++;
  }
  expect(fractional, 'draws that are not integers').toBe(0);
  const obs: number[] = [], want: number[] = [];
  let o = 0, e = 0;
  for (let k = 0; k < p.length; k++) {
    o += counts[k]!; e += p[k]! * n;
    if (e >= 20) { obs.push(o); want.push(e); o = 0; e = 0; }
  }
  obs[obs.length - 1]! += o; want[want.length - 1]! += e;
  return { stat: chiSquare(obs, want), df: obs.length - 1 };
}

/** Binomial(n, q) probabilities of lo … hi (the rest of the mass added to the ends), by the ratio recursion from the mode, normalised over mode ± 15 sd. */
function binomialPmf(n: number, q: number, lo: number, hi: number): number[] {
  const mode = Math.floor((n + 1) * q), sd = Math.sqrt(n * q * (1 - q));
  const from = Math.max(0, Math.floor(mode - 15 * sd - 20)), to = Math.min(n, Math.ceil(mode + 15 * sd + 20));
  const w = new Map<number, number>([[mode, 1]]);
  const r = q / (1 - q);
  for (let k = mode; k < to; k++) w.set(k + 1, w.get(k)! * ((n - k) / (k + 1)) * r);
  for (let k = mode; k > from; k--) w.set(k - 1, w.get(k)! / (((n - k + 1) / k) * r));
  let total = 0;
  for (const v of w.values()) total += v;
  const p = new Array<number>(hi - lo + 1).fill(0);
  for (const [k, v] of w) p[Math.min(Math.max(k - lo, 0), hi - lo)]! += v / total;
  return p;
}

describe('regressions', () => {
  it('poisson with λ ≥ 1e6 draws every count: PTRS\'s float32 uniforms (2²³ values) put λ = 1e14\'s draws on a lattice (4.5 times the ties a Poisson sample has)', () => {
    // Pairs of equal draws among N: C(N, 2)·Σₖ P(k)² with Σ P(k)² = 1/(2√(πλ)) (normal limit; the Poisson's is 1 − O(1/λ) of it):
    // 141.0 expected, a count with sd √141 ≈ 11.9; 212 is 6 sd. Before: 632 (the 2²³ float32 values of u, tied pairs 596 of them).
    const N = 100000, lam = 1e14;
    const x = random.poisson(random.key(2024), lam, [N]).toFloat64Array();
    const seen = new Map<number, number>();
    for (const v of x) seen.set(v, (seen.get(v) ?? 0) + 1);
    let pairs = 0;
    for (const c of seen.values()) pairs += (c * (c - 1)) / 2;
    const expected = (N * (N - 1)) / 2 / (2 * Math.sqrt(Math.PI * lam));
    expect(pairs).toBeLessThan(expected + 6 * Math.sqrt(expected));
    expect(pairs).toBeGreaterThan(expected - 6 * Math.sqrt(expected));
    const mean = x.reduce((s, v) => s + v, 0) / N, v = x.reduce((s, y) => s + (y - mean) ** 2, 0) / (N - 1);
    expect(Math.abs(mean - lam)).toBeLessThan(5 * Math.sqrt(lam / N));
    expect(Math.abs(v / lam - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    // Below λ = 1e6 the uniforms are JAX's float32 ones, as before (randomSecondReview pins poisson(key(3), 5e5)).
    expect(arr(random.poisson(random.key(3), 5e5, [4]))).toEqual([500145, 499730, 499551, 498038]);
  });

  it('uniform between bounds whose difference overflows draws inside them (JAX\'s f·(high − low) + low was ∞ for every draw)', () => {
    const k = random.key(0), f = arr(random.uniform(k, [6]));
    const want = f.map((u) => (1 - u) * -1e308 + u * 1e308);
    expect(arr(random.uniform(k, [6], -1e308, 1e308))).toEqual(want);
    expect(arr(random.uniform(k, [6], ad.tensor(-1e308), ad.tensor(1e308)))).toEqual(want);
    expect(arr(ad.jit((lo: Tensor, hi: Tensor) => random.uniform(k, [6], lo, hi))(ad.scalar(-1e308), ad.scalar(1e308)))).toEqual(want);
    expect(arr(random.uniform(k, [6], -Number.MAX_VALUE, Number.MAX_VALUE)).every((v) => Number.isFinite(v))).toBe(true);
    // Derivatives are the same in both forms: d/dlow = 1 − f, d/dhigh = f.
    expect(arr(ad.grad((hi: Tensor) => ad.sum(random.uniform(k, [6], -1e308, hi)))(ad.full([6], 1e308)))).toEqual(f);
    expect(ad.grad((lo: Tensor) => ad.sum(random.uniform(k, [6], lo, 1e308)))(ad.scalar(-1e308)).item()).toBeCloseTo(6 - f.reduce((s, u) => s + u, 0), 14);
    // Mixed: an ordinary entry keeps JAX's bits (f·(high − low) + low).
    const mixed = arr(random.uniform(k, [2], ad.tensor([-1e308, -2]), ad.tensor([1e308, 3])));
    const f2 = arr(random.uniform(k, [2]));
    expect(mixed).toEqual([(1 - f2[0]!) * -1e308 + f2[0]! * 1e308, f2[1]! * 5 + -2]);
  });
});

describe('distributions at extreme parameters', () => {
  const N = 20000;
  it.each([[1e-4, 101], [1e-6, 102], [1e-8, 103]])('loggamma(%s): KS against P(a, eˡ) = e^{a·l}/Γ(1 + a) (exact to ~a·eˡ, and l < −50 nearly always)', (a, seed) => {
    const l = arr(random.loggamma(random.key(seed), a, [N]));
    const lgamma1p = -0.5772156649015329 * a + (Math.PI ** 2 / 12) * a * a; // log Γ(1 + a) to O(a³)
    expectKs(l, (v) => Math.min(1, Math.exp(a * v - lgamma1p)), `loggamma(${a})`);
    expect(l.every((v) => v < 0 && Number.isFinite(v))).toBe(true);
  });
  it('gamma(1e8) and loggamma(1e12): KS against Wilson–Hilferty\'s normal law of (x/a)^{1/3} (its CDF error is O(1/a))', () => {
    const wh = (a: number) => (x: number) => Phi((Math.cbrt(x / a) - 1 + 1 / (9 * a)) * 3 * Math.sqrt(a));
    expectKs(arr(random.gamma(random.key(106), 1e8, [N])), wh(1e8), 'gamma(1e8)');
    expectKs(arr(random.loggamma(random.key(107), 1e12, [N])).map(Math.exp), wh(1e12), 'loggamma(1e12)');
  });
  it('beta(1e−4, 1e−4): chi-square over (0, 1e−300], …, (1 − 1e−10, 1] against mpmath\'s betainc (the draws pile at 0 and 1 half and half)', () => {
    const x = arr(random.beta(random.key(108), 1e-4, 1e-4, [N]));
    const edges = [1e-300, 1e-100, 1e-10, 0.5, 1 - 1e-10];
    // mpmath (40 digits): betainc(1e-4, 1e-4, 0, e, regularized=True) differenced over the edges.
    const p = [0.4666271580730829, 0.02199146044110198, 0.010231421601651849, 0.0011499598841632724, 0.0011499598800357687, 0.49885004011996426];
    const counts = new Array<number>(6).fill(0);
    for (const v of x) counts[edges.filter((e) => v > e).length]!++;
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(chiSquare(counts, p.map((q) => q * N))).toBeLessThan(chiLimit6(5));
  });
  it('beta(1e6, 1e6): KS against N(½, 1/(4(2a + 1))) (skewness 0, excess kurtosis −3e−6)', () => {
    const sd = Math.sqrt(1 / (4 * (2e6 + 1)));
    expectKs(arr(random.beta(random.key(109), 1e6, 1e6, [N])), (v) => Phi((v - 0.5) / sd), 'beta(1e6, 1e6)');
  });
  it('dirichlet([1e−6, 1e−6, 1e−6]): rows sum to 1, the largest entry is each category a third of the time; dirichlet([1e−4, 1, 1e6]): x₁ ~ beta(1, 1e6 + 1e−4), CDF 1 − (1 − x)^b', () => {
    const x = arr(random.dirichlet(random.key(111), ad.tensor([1e-6, 1e-6, 1e-6]), [N]));
    const wins = [0, 0, 0];
    let worstSum = 0;
    for (let r = 0; r < N; r++) {
      const [a, b, c] = [x[3 * r]!, x[3 * r + 1]!, x[3 * r + 2]!];
      worstSum = Math.max(worstSum, Math.abs(a + b + c - 1));
      wins[a >= b && a >= c ? 0 : b >= c ? 1 : 2]!++;
    }
    expect(worstSum).toBeLessThan(4e-16);
    expect(chiSquare(wins, [N / 3, N / 3, N / 3])).toBeLessThan(chiLimit6(2));
    const y = arr(random.dirichlet(random.key(112), ad.tensor([1e-4, 1, 1e6]), [N]));
    const b = 1e6 + 1e-4;
    expectKs(y.filter((_, i) => i % 3 === 1), (v) => -Math.expm1(b * Math.log1p(-v)), 'dirichlet x₁');
  });
  it('poisson(1e8): chi-square over 20 bins of SciPy\'s Poisson quantiles (PTRS with 52-bit uniforms and the Stirling-form bound)', () => {
    // scipy.stats.poisson(1e8): edges ppf(j/20), probabilities of (edge_{j−1}, edge_j] from its cdf (checked against mpmath's gammainc).
    const edges = [99983552, 99987185, 99989636, 99991584, 99993255, 99994756, 99996147, 99997466, 99998743, 100000000, 100001256, 100002533, 100003853, 100005244, 100006745, 100008416, 100010364, 100012816, 100016449];
    const p = [0.05000775672085516, 0.05000819043135033, 0.0500032088971043, 0.05000214878860351, 0.049994214181826646, 0.05000624586533109, 0.05000959342662081, 0.049973548281609104, 0.05000607717874883, 0.05001561237994295, 0.04997540529254507, 0.05000514344218798, 0.05000905077754714, 0.05000521134896563, 0.050000624832754914, 0.049987382308299466, 0.04999417036474396, 0.05001181022707202, 0.049991612379783446, 0.049992992874107633];
    const x = arr(random.poisson(random.key(113), 1e8, [N]));
    const counts = new Array<number>(20).fill(0);
    for (const v of x) counts[edges.filter((e) => v > e).length]!++;
    expect(chiSquare(counts, p.map((q) => q * N))).toBeLessThan(chiLimit6(19));
  });
  it('poisson with λ = 0, 5e−324 and 1e−300 gives 0 (P(k ≥ 1) ≤ 1e−300)', () => {
    expect(arr(random.poisson(random.key(1), ad.tensor([0, 5e-324, 1e-300]), [50, 3])).every((v) => v === 0)).toBe(true);
  });
  it.each([
    ['BTRS, n = 1e15, p = 1e−12', 1e15, 1e-12, false, 116],
    ['BTRS, n = 1e15, p = 1 − 1e−12 (failures counted)', 1e15, 1 - 1e-12, true, 117],
    ['inversion, n = 1e300, p = 1e−299', 1e300, 1e-299, false, 118],
    ['inversion, n = 1e4, p = 0.999 (failures counted)', 1e4, 0.999, true, 120],
  ])('binomial %s: chi-square against the PMF (ratio recursion from the mode)', (_name, n, p, flip, seed) => {
    const x = arr(random.binomial(random.key(seed), n, p, [N]));
    const q = flip ? 1 - p : p; // 1 − p is exact here (Sterbenz), the q the sampler uses
    const y = flip ? x.map((v) => n - v) : x;
    const mean = n * q, sd = Math.sqrt(mean * (1 - q));
    const lo = Math.max(0, Math.floor(mean - 7 * sd)), hi = Math.ceil(mean + 7 * sd);
    const { stat, df } = countChiSquare(y, lo, binomialPmf(n, q, lo, hi));
    expect(stat).toBeLessThan(chiLimit6(df));
  });
  it.each([
    ['[8, 9]', 8, 9, 121, false],
    ['[−1000, −999] (mirrored)', -1000, -999, 122, true],
    ['(−∞, −8] (mirrored)', -Infinity, -8, 123, true],
    ['[1000, ∞)', 1000, Infinity, 128, false],
  ])('truncatedNormal %s: KS against the tail CDF through erfcx', (_name, lo, hi, seed, mirror) => {
    const x = arr(random.truncatedNormal(random.key(seed), lo, hi, [N]));
    expect(x.every((v) => v > lo && v < hi)).toBe(true);
    expectKs(mirror ? x.map((v) => -v) : x, mirror ? upperTailCdf(-hi, -lo) : upperTailCdf(lo, hi), `truncatedNormal(${lo}, ${hi})`);
  });
  it('orthogonal(4) is Haar: every Q_ij² ~ beta(½, 3/2), tr Q has mean 0 and variance 1 (E tr⁴ = 3), det ±1 half each', () => {
    const M = 20000, q = arr(random.orthogonal(random.key(157), 4, [M]));
    const betaHalf = (v: number) => (2 / Math.PI) * (Math.asin(Math.sqrt(v)) + Math.sqrt(v * (1 - v))); // I_v(½, 3/2)
    for (const [i, j] of [[0, 0], [1, 2], [3, 3], [0, 3], [3, 0]] as const) {
      expectKs(Array.from({ length: M }, (_, m) => q[16 * m + 4 * i + j]! ** 2), betaHalf, `Q${i}${j}²`);
    }
    const tr = Array.from({ length: M }, (_, m) => q[16 * m]! + q[16 * m + 5]! + q[16 * m + 10]! + q[16 * m + 15]!);
    const mean = tr.reduce((s, v) => s + v, 0) / M, second = tr.reduce((s, v) => s + v * v, 0) / M;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(M));
    expect(Math.abs(second - 1)).toBeLessThan(5 * Math.sqrt(2 / M)); // Var(tr²) = E tr⁴ − 1 = 2
    const dets = ad.linalg.det(ad.reshape(ad.tensor(q), [M, 4, 4])).toFloat64Array();
    expect(Array.from(dets).every((d) => Math.abs(Math.abs(d) - 1) < 1e-12)).toBe(true);
    const positive = Array.from(dets).filter((d) => d > 0).length;
    expect(chiSquare([positive, M - positive], [M / 2, M / 2])).toBeLessThan(chiLimit6(1));
  });
  it('ball: a coordinate of the uniform point in the unit ℓ₁ ball of ℝ³ has density (3/2)(1 − |t|)², in the ℓ_{1/2} ball of ℝ² 3(1 − √|t|)²', () => {
    const b1 = arr(random.ball(random.key(153), 3, 1, [N]));
    expectKs(b1.filter((_, i) => i % 3 === 0), (t) => (t < 0 ? 0.5 * (1 + t) ** 3 : 1 - 0.5 * (1 - t) ** 3), 'ball(3, 1) x₀');
    const G = (s: number) => 3 * (s - (4 / 3) * s ** 1.5 + (s * s) / 2); // ∫₀ˢ 3(1 − √t)² dt
    const b2 = arr(random.ball(random.key(154), 2, 0.5, [N]));
    expectKs(b2.filter((_, i) => i % 2 === 1), (t) => (t < 0 ? 0.5 - G(-t) : 0.5 + G(t)), 'ball(2, ½) x₁');
  });
});

describe("multivariateNormal's method option (JAX's 'cholesky' | 'eigh' | 'svd')", () => {
  const k = random.key(31);
  it('a singular covariance: refused by Cholesky, drawn by eigh and svd on its range (x₀ = x₁ for [[1, 1], [1, 1]]), each coordinate N(0, 1)', () => {
    const S = ad.ones([2, 2]), N = 20000;
    expect(() => random.multivariateNormal(k, ad.zeros([2]), S, [2])).toThrow(/random\.multivariateNormal: cov must be a symmetric positive-definite covariance; linalg\.cholesky: .*not positive definite/);
    for (const method of ['eigh', 'svd'] as const) {
      const x = arr(random.multivariateNormal(k, ad.zeros([2]), S, [N], { method }));
      let worst = 0;
      for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(x[2 * i]! - x[2 * i + 1]!));
      // eigh's zero eigenvalue comes out at ~1e−16 (√ of it: 1e−8 of noise off the range); svd's is exactly 0.
      expect(worst, method).toBeLessThan(method === 'svd' ? 1e-15 : 1e-6);
      expectKs(x.filter((_, i) => i % 2 === 0), Phi, `${method} x₀`);
    }
    // A batch with a singular and a definite matrix; the zero matrix draws the mean.
    const batch = ad.stack([S, ad.tensor([[2, 0.3], [0.3, 1]])]);
    expect(random.multivariateNormal(k, ad.zeros([2]), batch, [5, 2], { method: 'eigh' }).shape).toEqual([5, 2, 2]);
    expect(arr(random.multivariateNormal(k, ad.tensor([1, -1]), ad.zeros([2, 2]), [3], { method: 'svd' }))).toEqual([1, -1, 1, -1, 1, -1]);
  });
  it('a definite covariance: every method draws mean + F·z with F Fᵀ = cov for the same normals (eigh: F = V·diag(√w))', () => {
    const C = ad.tensor([[4, 1.9, 0.5], [1.9, 1, 0.2], [0.5, 0.2, 2]]), mean = ad.tensor([1, -2, 0]);
    const z = random.normal(k, [4, 3]).toArray() as number[][];
    const { values, vectors } = ad.linalg.eigh(C);
    const F = ad.mul(vectors, ad.reshape(ad.sqrt(values), [1, 3])).toArray() as number[][];
    const x = random.multivariateNormal(k, mean, C, [4], { method: 'eigh' }).toArray() as number[][];
    x.forEach((row, i) => row.forEach((v, a) => expect(v).toBeCloseTo([1, -2, 0][a]! + F[a]!.reduce((s, f, b) => s + f * z[i]![b]!, 0), 12)));
    // The sample covariance of each method within 5 standard errors, √((σᵢᵢσⱼⱼ + σᵢⱼ²)/N), of cov.
    const N = 20000, c = C.toArray() as number[][];
    for (const method of ['cholesky', 'eigh', 'svd'] as const) {
      const y = arr(random.multivariateNormal(random.key(32), mean, C, [N], { method }));
      const m = [0, 1, 2].map((a) => y.filter((_, i) => i % 3 === a).reduce((s, v) => s + v, 0) / N);
      for (let a = 0; a < 3; a++) for (let b = 0; b <= a; b++) {
        let cov = 0;
        for (let i = 0; i < N; i++) cov += (y[3 * i + a]! - m[a]!) * (y[3 * i + b]! - m[b]!);
        expect(Math.abs(cov / (N - 1) - c[a]![b]!), `${method} cov[${a}][${b}]`).toBeLessThan(5 * Math.sqrt((c[a]![a]! * c[b]![b]! + c[a]![b]! ** 2) / N));
      }
    }
  });
  it('gradients in cov are unbiased (d/dcov E|x|² = I), vmap over a batch of covariances is the loop, jit replays and its guard refuses an indefinite cov', () => {
    const C = ad.tensor([[2, 0.3], [0.3, 1]]);
    for (const method of ['eigh', 'svd'] as const) {
      const g = arr(ad.grad((c: Tensor) => ad.mean(ad.sum(ad.square(random.multivariateNormal(random.key(33), ad.zeros([2]), c, [20000], { method })), -1)))(C));
      // Per-draw |x|² has variance 2 tr(cov²) ≈ 10.4; each entry's estimate has a standard error below 0.02.
      [1, 0, 0, 1].forEach((want, i) => expect(Math.abs(g[i]! - want), `${method} entry ${i}`).toBeLessThan(0.1));
    }
    const covs = ad.stack([ad.ones([2, 2]), C]);
    const f = (c: Tensor) => random.multivariateNormal(k, ad.zeros([2]), c, [3], { method: 'svd' });
    expect(ad.vmap(f)(covs).toArray()).toEqual([f(ad.ones([2, 2])).toArray(), f(C).toArray()]);
    const jf = ad.jit((c: Tensor) => random.multivariateNormal(k, ad.zeros([2]), c, [3], { method: 'eigh' }));
    for (const c of [C, ad.ones([2, 2]), C]) expect(jf(c).toArray()).toEqual(random.multivariateNormal(k, ad.zeros([2]), c, [3], { method: 'eigh' }).toArray());
    expect(() => jf(ad.tensor([[1, 2], [2, 1]]))).toThrow(/not positive semidefinite: its smallest eigenvalue is −0\.33/);
  });
  it('errors: an indefinite cov (eigh and svd), a non-symmetric one, an unknown method or option', () => {
    const bad = ad.tensor([[1, 2], [2, 1]]);
    expect(() => random.multivariateNormal(k, ad.zeros([2]), bad, [2], { method: 'eigh' })).toThrow(/random\.multivariateNormal: cov is not positive semidefinite: its smallest eigenvalue is −0\.33\d* times the largest magnitude/);
    expect(() => random.multivariateNormal(k, ad.zeros([2]), bad, [2], { method: 'svd' })).toThrow(/random\.multivariateNormal: cov is not positive semidefinite: U·diag\(s\)·Uᵀ differs from it by 0\.33/);
    expect(() => random.multivariateNormal(k, ad.zeros([2]), ad.stack([ad.eye(2), bad]), [2], { method: 'eigh' })).toThrow(/cov \(matrix 1 of the batch\) is not positive semidefinite/);
    expect(() => random.multivariateNormal(k, ad.zeros([2]), ad.tensor([[1, 0.5], [0, 1]]), [2], { method: 'eigh' })).toThrow(/positive-semidefinite covariance; linalg\.eigh: .*not symmetric/);
    expect(() => random.multivariateNormal(k, ad.zeros([2]), ad.eye(2), [2], { method: 'qr' as 'svd' })).toThrow(/method must be 'cholesky', 'eigh' or 'svd', got string 'qr'/);
    expect(() => random.multivariateNormal(k, ad.zeros([2]), ad.eye(2), [2], { methd: 'eigh' } as object)).toThrow(/unknown option 'methd'/);
  });
});

describe("permutation's independent flag (JAX's independent=True)", () => {
  /** JAX's _shuffle(key, x, axis) written out: ⌈3 ln(size)/ln(2³² − 1)⌉ rounds, each a stable sort of every slice along axis by random.bits(subkey, shape). */
  function shuffleReference(key: ad.random.Key, shape: number[], axis: number): number[] {
    const size = shape.reduce((a, b) => a * b, 1), n = shape[axis]!, inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    let cur = Array.from({ length: size }, (_, i) => i), k = key;
    for (let r = Math.ceil((3 * Math.log(Math.max(1, size))) / Math.log(4294967295)); r > 0; r--) {
      const [next, sub] = random.split(k);
      k = next!;
      const bits = arr(random.bits(sub!, shape)), out = cur.slice();
      for (let s = 0; s < size; s += n * inner) for (let j = 0; j < inner; j++) {
        const pos = Array.from({ length: n }, (_, i) => s + i * inner + j);
        const sorted = pos.map((p, i) => [bits[p]!, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
        pos.forEach((p, i) => { out[p] = cur[pos[sorted[i]!]!]!; });
      }
      cur = out;
    }
    return cur;
  }
  it('is JAX\'s _shuffle on x (one and two sort rounds, a middle axis), and for a 1-d x the same draw as without it', () => {
    const k = random.key(4);
    for (const [shape, axis] of [[[3, 4], 1], [[50, 40], 0], [[50, 40], 1], [[7, 300, 2], 1]] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      expect(arr(random.permutation(k, ad.reshape(ad.arange(size), [...shape]), axis, true)), `${shape} axis ${axis}`).toEqual(shuffleReference(k, [...shape], axis));
    }
    expect(arr(random.permutation(k, ad.arange(9), 0, true))).toEqual(arr(random.permutation(k, ad.arange(9))));
    expect(arr(random.permutation(k, ad.reshape(ad.arange(12), [4, 3]), 0, false))).toEqual(arr(random.permutation(k, ad.reshape(ad.arange(12), [4, 3]))));
  });
  it('the orders of two columns are uniform and independent: the 36 pairs of orders of a [3, 2] tensor along axis 0 equally often (chi-square)', () => {
    const x = ad.tensor([[0, 0], [1, 1], [2, 2]]), counts = new Map<string, number>(), keys = random.split(random.key(41), 3600);
    for (const key of keys) {
      const v = arr(random.permutation(key, x, 0, true)), id = `${v[0]}${v[2]}${v[4]}|${v[1]}${v[3]}${v[5]}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(36);
    expect(chiSquare([...counts.values()], new Array(36).fill(100))).toBeLessThan(chiLimit6(35));
  });
  it('gradients reach x, jit replays with each key, vmap over keys is the loop; independent must be a boolean', () => {
    const k = random.key(4), x = ad.reshape(ad.arange(12), [4, 3]), w = ad.reshape(ad.arange(12), [4, 3]);
    const y = arr(random.permutation(k, x, 1, true));
    // d/dx Σ w·perm(x): the weight of the place each entry lands in.
    const g = arr(ad.grad((t: Tensor) => ad.sum(ad.mul(random.permutation(k, t, 1, true), w)))(ad.zeros([4, 3])));
    y.forEach((src, dst) => expect(g[src]).toBe(dst));
    const jf = ad.jit((key: ad.random.Key, t: Tensor) => random.permutation(key, t, 1, true));
    for (const s of [1, 2, 1]) expect(arr(jf(random.key(s), x))).toEqual(arr(random.permutation(random.key(s), x, 1, true)));
    const keys = random.split(random.key(9), 3);
    expect(ad.vmap((kk: Tensor) => random.permutation(kk, x, 0, true))(random.keyData(keys)).toArray()).toEqual(keys.map((kk) => random.permutation(kk, x, 0, true).toArray()));
    expect(() => random.permutation(k, x, 0, 'yes' as unknown as boolean)).toThrow(/random\.permutation: independent must be true or false, got string 'yes'/);
  });
});

describe("categorical's replace option (JAX's replace=False)", () => {
  it('ordered pairs (i, j) of two draws without replacement have probability pᵢpⱼ/(1 − pᵢ) (chi-square over a batch of 20000 identical rows)', () => {
    const p = [0.1, 0.2, 0.3, 0.4], B = 20000;
    const x = arr(random.categorical(random.key(3), ad.broadcastTo(ad.log(ad.tensor(p)), [B, 4]), { shape: [2, B], replace: false }));
    const counts = new Map<string, number>();
    for (let b = 0; b < B; b++) counts.set(`${x[b]},${x[B + b]}`, (counts.get(`${x[b]},${x[B + b]}`) ?? 0) + 1);
    const obs: number[] = [], want: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j) { obs.push(counts.get(`${i},${j}`) ?? 0); want.push((B * p[i]! * p[j]!) / (1 - p[i]!)); }
    expect(obs.reduce((a, b) => a + b, 0)).toBe(B); // no pair repeats a category
    expect(chiSquare(obs, want)).toBeLessThan(chiLimit6(11));
  });
  it('K draws of K categories are a permutation, its first draws the draws of fewer; one draw is the replace draw; −∞ never drawn; along axis 0', () => {
    const k = random.key(7), L = ad.log(ad.tensor([0.1, 0.2, 0.3, 0.4]));
    const all = arr(random.categorical(k, L, { shape: [4], replace: false }));
    expect([...all].sort()).toEqual([0, 1, 2, 3]);
    expect(arr(random.categorical(k, L, { shape: [2], replace: false }))).toEqual(all.slice(0, 2));
    expect(arr(random.categorical(k, ad.zeros([3, 5]), { replace: false }))).toEqual(arr(random.categorical(k, ad.zeros([3, 5]))));
    expect([...arr(random.categorical(k, ad.tensor([0, -Infinity, 5, 1]), { shape: [3], replace: false }))].sort()).toEqual([0, 2, 3]);
    const cols = random.categorical(k, ad.zeros([4, 3]), { axis: 0, shape: [4, 3], replace: false }).toArray() as number[][];
    for (let c = 0; c < 3; c++) expect(cols.map((r) => r[c]).sort()).toEqual([0, 1, 2, 3]);
  });
  it('jit replays with each key (logits traced), and its guard refuses a row with too few categories; errors', () => {
    const l3 = ad.tensor([[0, 1, 2, 3], [3, 2, 1, 0], [0, 0, 0, 0]]);
    const jf = ad.jit((kk: ad.random.Key, l: Tensor) => random.categorical(kk, l, { shape: [2, 3], replace: false }));
    for (const s of [1, 2, 1]) expect(arr(jf(random.key(s), l3))).toEqual(arr(random.categorical(random.key(s), l3, { shape: [2, 3], replace: false })));
    expect(() => jf(random.key(1), ad.tensor([[0, -Infinity, -Infinity, -Infinity], [0, 0, 0, 0], [0, 0, 0, 0]]))).toThrow(/2 draws without replacement need 2 categories of logit above −Infinity in every row, but row 0/);
    const k = random.key(0), L = ad.zeros([4]);
    expect(() => random.categorical(k, L, { shape: [5], replace: false })).toThrow(/cannot draw 5 categories \(shape \[5\]\) without replacement from 4/);
    expect(() => random.categorical(k, ad.zeros([3, 4]), { shape: [2, 1], replace: false })).toThrow(/without replacement, shape must be \[\.\.\.draws, \.\.\.batch\] with logits' batch shape \[3\] exactly/);
    expect(() => random.categorical(k, L, { replace: 'no' as unknown as boolean })).toThrow(/replace must be true or false, got string 'no'/);
  });
});

describe('keys', () => {
  it('streams of adjacent seeds, high-word seeds, foldIn and split of one key, and keys sharing a word are uncorrelated', () => {
    const L = 4096, base = random.key(0);
    const keys = [
      ...Array.from({ length: 12 }, (_, i) => random.key(i)),
      ...Array.from({ length: 8 }, (_, i) => random.key(2 ** 32 * (i + 1))), // key words [i + 1, 0]
      ...Array.from({ length: 12 }, (_, i) => random.foldIn(base, i)),
      ...random.split(base, 8),
      // foldIn(k, 2) and split(k)[0] share their first word (both come from threefry block (0, 2) under k).
      random.foldIn(base, 2 ** 32 - 1), random.wrapKeyData([3, 7]), random.wrapKeyData([1, 1]), random.wrapKeyData([2 ** 31, 0]),
    ];
    const s = keys.map((k) => random.uniform(k, [L]).toFloat64Array());
    const corr = (a: Float64Array, b: Float64Array) => {
      let sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
      for (let i = 0; i < L; i++) { sa += a[i]!; sb += b[i]!; sab += a[i]! * b[i]!; saa += a[i]! ** 2; sbb += b[i]! ** 2; }
      return (sab / L - (sa / L) * (sb / L)) / Math.sqrt((saa / L - (sa / L) ** 2) * (sbb / L - (sb / L) ** 2));
    };
    let sumSq = 0, worst = 0, pairs = 0;
    for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) {
      const z = Math.sqrt(L) * corr(s[i]!, s[j]!); // ≈ N(0, 1) for independent streams
      sumSq += z * z; worst = Math.max(worst, Math.abs(z)); pairs++;
    }
    expect(new Set(keys.map((k) => k.toString())).size).toBe(keys.length);
    expect(Math.abs(sumSq / pairs - 1)).toBeLessThan(5 * Math.sqrt(2 / pairs));
    expect(worst).toBeLessThan(6); // P(max of 1000 |N(0, 1)| > 6) ≈ 2e−6
  });
});

describe('implicit-reparameterisation derivatives at extreme parameters against mpmath', () => {
  // loggamma: d log x/da = −(∂P/∂a)/(x·∂P/∂x), P = mpmath.gammainc(a, 0, x, regularized=True) at 60 digits, ∂/∂a by mpmath.diff.
  const LOGGAMMA = [
    { seed: 401, a: 1e-4, logX: [-7079.858432506402, -7212.573406808759, -13996.453185826107, -5160.102689408472], d: [70792813.81322888, 72119963.55625243, 139958761.34642592, 51595256.38224957] },
    { seed: 402, a: 1e-6, logX: [-40056.68649800388, -1208895.0355865872, -114358.06909028978, -3470251.281828041], d: [40056109283.98392, 1208894458372.5671, 114357491876.2698, 3470250704614.0215] },
    { seed: 403, a: 1e-8, logX: [-49521307.96858017, -35779194.18852467, -115885991.1337524, -115656317.90125003], d: [4952130739136452, 3577919361130902, 1.1588599055653676e16, 1.1565631732403438e16] },
  ];
  it.each(LOGGAMMA)('loggamma(a = $a): draws and d log x/da; vmap, jit and forward mode as reverse', ({ seed, a, logX, d }) => {
    const key = random.key(seed), A = ad.full([4], a), f = (t: Tensor) => random.loggamma(key, t);
    closeRel(arr(f(A)), logX, 1e-15, 'log x');
    const grad = (t: Tensor) => ad.grad((s: Tensor) => ad.sum(f(s)))(t);
    closeRel(arr(grad(A)), d, 1e-13, 'd log x/da');
    const tangent = ad.jvp((s: Tensor) => ad.sum(f(s)), [A], [ad.ones([4])])[1].item();
    expect(Math.abs(tangent - d.reduce((s, v) => s + v, 0))).toBeLessThan(1e-13 * d.reduce((s, v) => s + v, 0));
    const batch = ad.stack([A, ad.full([4], 2 * a)]);
    expect(arr(ad.vmap(grad)(batch))).toEqual([...arr(grad(A)), ...arr(grad(ad.full([4], 2 * a)))]);
    expect(arr(ad.jit(grad)(A))).toEqual(arr(grad(A)));
  });
  // gamma, Wilson–Hilferty's range: dx/da = −∫₀ˣ f(t)(log t − ψ(a)) dt / f(x), f the gamma(a) density, by mpmath.quad (40 digits)
  // over ±80√a (the same quadrature reproduces the gammainc derivative at a = 3e5 to 16 digits).
  const GAMMA = [
    { seed: 404, a: 1e7, x: [9999390.483382622, 10002779.083276901, 10001871.43411986, 10001347.908831377], d: [0.999969540216087, 1.000138957962443, 1.000093582537656, 1.0000674090814659], rtol: 2e-12 },
    { seed: 405, a: 1e9, x: [1000029523.789038, 1000006550.1855363, 999971921.9728632, 999988201.512268], d: [1.0000147619159145, 1.0000032752522845, 0.9999859610216981, 0.9999941008995988], rtol: 1e-14 },
  ];
  it.each(GAMMA)('gamma(a = $a): dx/da (Wilson–Hilferty\'s transform, error ~a^{−3/2})', ({ seed, a, x, d, rtol }) => {
    const key = random.key(seed), A = ad.full([4], a);
    closeRel(arr(random.gamma(key, A)), x, 1e-15, 'x');
    closeRel(arr(ad.grad((t: Tensor) => ad.sum(random.gamma(key, t)))(A)), d, rtol, 'dx/da');
  });
  // x = Φ⁻¹((1 − u)Φ(lo) + uΦ(hi)) by mpmath.findroot on log Q (or log Φ) at 60 digits for the draw's uniform u
  // (random.uniform(key, shape)), dx/dlo = (1 − u)φ(lo)/φ(x), dx/dhi = uφ(hi)/φ(x).
  const TRUNCATED = [
    { seed: 406, lo: 8, hi: 9, x: [8.05637961570133, 8.04574846740473, 8.16253495015643, 8.015233047897723], dLo: [0.9930980832790399, 0.994396370987685, 0.9801530962359961, 0.9981306840167505], dHi: [0.00011787702001557044, 9.136765701705291e-05, 0.0005572941314191026, 2.6776698135355514e-05], rtol: 1e-13 },
    { seed: 408, lo: -Infinity, hi: -8, x: [-8.242487336741457, -8.028932870175803, -8.022150562395584, -8.206558148300772], dLo: [0, 0, 0, 0], dHi: [0.9714001984574377, 0.9965005919182188, 0.9973187373618739, 0.9755354972908218], rtol: 1e-13 },
    // ±1000: the derivatives are exp((x² − bound²)/2)-sized, so the draw's own rounding (ulp(1000)/2 = 5.7e−14) moves them by x·that ≈ 6e−11.
    { seed: 407, lo: -1000, hi: -999, x: [-999.0016675417583, -999.0023080134515, -999.0001190889609, -999.0011588442985], dLo: [0, 0, 0, 0], dHi: [0.9999983307951621, 0.9999976896861922, 0.9999998807920841, 0.9999988399993675], rtol: 2e-10 },
    { seed: 412, lo: 1000, hi: Infinity, x: [1000.0030628592821, 1000.0008460516622, 1000.0002341203098, 1000.0011653356146], dLo: [0.9999969371562246, 0.9999991539507458, 0.9999997658802133, 0.999998834668074], dHi: [0, 0, 0, 0], rtol: 2e-10 },
  ];
  it.each(TRUNCATED)('truncatedNormal($lo, $hi): draws and both derivatives; forward mode and jit as reverse', ({ seed, lo, hi, x, dLo, dHi, rtol }) => {
    const key = random.key(seed), L = ad.full([4], lo), U = ad.full([4], hi);
    const f = (l: Tensor, u: Tensor) => random.truncatedNormal(key, l, u);
    closeRel(arr(f(L, U)), x, 1e-15, 'x');
    const gLo = arr(ad.grad((t: Tensor) => ad.sum(f(t, U)))(L)), gHi = arr(ad.grad((t: Tensor) => ad.sum(f(L, t)))(U));
    // φ(bound)/φ(x) underflows to exactly 0 at ∓1000 and is 0 at an infinite bound.
    for (const [g, want] of [[gLo, dLo], [gHi, dHi]] as const) {
      if (want.every((v) => v === 0)) expect(g).toEqual([0, 0, 0, 0]);
      else closeRel(g, want, rtol, 'dx/dbound');
    }
    if (Number.isFinite(lo)) {
      expect(ad.jvp((t: Tensor) => ad.sum(f(t, U)), [L], [ad.ones([4])])[1].item()).toBeCloseTo(gLo.reduce((s, v) => s + v, 0), 12);
      expect(arr(ad.jit((t: Tensor) => ad.grad((s: Tensor) => ad.sum(f(s, U)))(t))(L))).toEqual(gLo);
    }
  });
});

describe('shapes and defaults as jax.random\'s signatures', () => {
  const k = random.key(0);
  const v3 = ad.tensor([1, 2, 3]), col = ad.tensor([[1], [2]]);
  it.each([
    ['uniform(key)', () => random.uniform(k), []],
    ['normal(key, [2, 3])', () => random.normal(k, [2, 3]), [2, 3]],
    ['bernoulli(key)', () => random.bernoulli(k), []],
    ['bernoulli(key, p [3])', () => random.bernoulli(k, ad.tensor([0.1, 0.5, 0.9])), [3]],
    ['gamma(key, a [3])', () => random.gamma(k, v3), [3]],
    ['gamma(key, 2, [4, 3])', () => random.gamma(k, 2, [4, 3]), [4, 3]],
    ['beta(key, a [3], b [2, 1])', () => random.beta(k, v3, col), [2, 3]],
    ['dirichlet(key, alpha [2, 3])', () => random.dirichlet(k, ad.ones([2, 3])), [2, 3]],
    ['dirichlet(key, alpha [3], [5])', () => random.dirichlet(k, v3, [5]), [5, 3]],
    ['poisson(key, lam [2, 1])', () => random.poisson(k, col), [2, 1]],
    ['truncatedNormal(key, lower [3], upper [2, 1])', () => random.truncatedNormal(k, ad.tensor([-3, -2, -1]), ad.add(col, 1)), [2, 3]],
    ['categorical(key, logits [2, 4])', () => random.categorical(k, ad.zeros([2, 4])), [2]],
    ['categorical(key, logits [2, 4], axis 0)', () => random.categorical(k, ad.zeros([2, 4]), { axis: 0 }), [4]],
    ['categorical(key, logits [2, 4], shape [5, 2])', () => random.categorical(k, ad.zeros([2, 4]), { shape: [5, 2] }), [5, 2]],
    ['choice(key, 5)', () => random.choice(k, 5), []],
    ['choice(key, x [4, 3], [2], axis 1)', () => random.choice(k, ad.zeros([4, 3]), [2], { axis: 1 }), [4, 2]],
    ['permutation(key, x [2, 3], axis 1)', () => random.permutation(k, ad.zeros([2, 3]), 1), [2, 3]],
    ['multivariateNormal(key, mean [2, 3], cov [3, 3])', () => random.multivariateNormal(k, ad.zeros([2, 3]), ad.eye(3)), [2, 3]],
    ['multivariateNormal(key, mean [3], cov [3, 3], [4, 1])', () => random.multivariateNormal(k, ad.zeros([3]), ad.eye(3), [4, 1]), [4, 1, 3]],
    ['multinomial(key, 10, p [2, 3])', () => random.multinomial(k, 10, ad.ones([2, 3])), [2, 3]],
    ['orthogonal(key, 3, [2], 5)', () => random.orthogonal(k, 3, [2], 5), [2, 3, 5]],
    ['ball(key, 3)', () => random.ball(k, 3), [3]],
    ['binomial(key, n [3], p [2, 1])', () => random.binomial(k, ad.tensor([5, 10, 20]), ad.tensor([[0.2], [0.7]])), [2, 3]],
    ['randint(key, [2, 2], 0, 5)', () => random.randint(k, [2, 2], 0, 5), [2, 2]],
    ['loggamma(key, a [2, 1], [3, 2, 4])', () => random.loggamma(k, col, [3, 2, 4]), [3, 2, 4]],
  ] as const)('%s', (_name, draw, shape) => {
    expect(draw().shape).toEqual(shape);
  });
  it('defaults: uniform in [0, 1), normal standard, bernoulli p = ½, choice with replacement', () => {
    const u = arr(random.uniform(k, [2000]));
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(arr(random.normal(k, [5]))).toEqual(arr(random.normal(k, [5], 0, 1)));
    expect(arr(random.bernoulli(k, undefined, [6]))).toEqual(arr(random.bernoulli(k, 0.5, [6])));
    // With replacement by default: 8 draws from 3 must repeat; without, 8 from 3 is refused.
    expect(new Set(arr(random.choice(k, 3, [8]))).size).toBeLessThanOrEqual(3);
    expect(() => random.choice(k, 3, [8], { replace: false })).toThrow(/cannot draw 8/);
  });
});
