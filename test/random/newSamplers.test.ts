/**
 * @file weibullMin, pareto, rayleigh, maxwell, doubleSidedMaxwell, lognormal, triangular, wald, f,
 * generalizedNormal, ball, orthogonal: JAX's recipes on this library's uniforms and normals (which
 * are JAX's), JAX's published float32 values (tests/random_test.py RandomValuesCase) from JAX's own
 * words, the distributions (KS at α = 0.001 against exact CDFs, moments within 5 standard errors),
 * and the reparameterised derivatives against finite differences and closed forms.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { adler32, ks, ksCritical, moments } from './stats.js';

const { random } = ad;
const N = 20000;
const key = random.key(2024);

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e−7: far below a KS limit of 0.014). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
const maxwellCdf = (x: number) => (x <= 0 ? 0 : erf(x / Math.SQRT2) - Math.sqrt(2 / Math.PI) * x * Math.exp(-x * x / 2));
const expectKs = (x: ArrayLike<number>, cdf: (v: number) => number) => expect(ks(x, cdf)).toBeLessThan(ksCritical(x.length));

describe('JAX recipes on JAX uniforms and normals', () => {
  const k = random.key(9), n = 500;
  const u = random.uniform(k, [n]).data, z = random.normal(k, [n]).data;
  it('weibullMin is σ(−log1p(−u))^{1/c}, pareto exp(−log1p(−u)/b), rayleigh σ√(−2 log u)', () => {
    expect(Array.from(random.weibullMin(k, 2, 1.5, [n]).data)).toEqual(Array.from(u, (v) => (-Math.log1p(-v)) ** (1 / 1.5) * 2));
    expect(Array.from(random.pareto(k, 3, [n]).data)).toEqual(Array.from(u, (v) => Math.exp(-Math.log1p(-v) / 3)));
    expect(Array.from(random.rayleigh(k, 2, [n]).data)).toEqual(Array.from(u, (v) => 2 * Math.sqrt(Math.log(v) * -2)));
  });
  it('lognormal is exp(σz); maxwell the norm of normal(key, [..., 3])', () => {
    expect(Array.from(random.lognormal(k, 0.5, [n]).data)).toEqual(Array.from(z, (v) => Math.exp(v * 0.5)));
    const z3 = random.normal(k, [n, 3]).data;
    // JAX's norm(·, axis=−1): √((z₀² + z₁²) + z₂²).
    expect(Array.from(random.maxwell(k, [n]).data)).toEqual(Array.from({ length: n }, (_, i) => Math.sqrt(z3[3 * i]! ** 2 + z3[3 * i + 1]! ** 2 + z3[3 * i + 2]! ** 2)));
  });
  it('doubleSidedMaxwell is loc + scale·rademacher(k2)·maxwell(k1) with [k1, k2] = split(key)', () => {
    const [k1, k2] = random.split(k);
    const m = random.maxwell(k1!, [n]).data, r = random.rademacher(k2!, [n]).data;
    expect(Array.from(random.doubleSidedMaxwell(k, 1, 2, [n]).data)).toEqual(Array.from(m, (v, i) => r[i]! * v * 2 + 1));
  });
  it('f is (χ²(knum, d1)/d1)/(χ²(kden, d2)/d2) with [kden, knum] = split(key)', () => {
    const [kden, knum] = random.split(k);
    const a = random.chisquare(knum!, 3, [n]).data, b = random.chisquare(kden!, 5, [n]).data;
    // Formed in log space (exp(log g₁ − log g₂)·5/3): equal to rounding.
    const want = Array.from(a, (v, i) => v / 3 / (b[i]! / 5));
    random.f(k, 3, 5, [n]).data.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-14 * want[i]!));
  });
  it('generalizedNormal is rademacher(k2)·gamma(k1, 1/p)^{1/p} with [k1, k2] = split(key)', () => {
    const [k1, k2] = random.split(k);
    const g = random.gamma(k1!, 1 / 1.5, [n]).data, r = random.rademacher(k2!, [n]).data;
    // exp(log g/p) from loggamma (the same draws): equal to rounding.
    const want = Array.from(g, (v, i) => r[i]! * v ** (1 / 1.5));
    random.generalizedNormal(k, 1.5, [n]).data.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-14 * Math.abs(want[i]!)));
  });
  it('wald picks x or μ²/x by u ≤ μ/(μ + x), x from y = normal(k1)², u = uniform(k2)', () => {
    const [k1, k2] = random.split(k);
    const zz = random.normal(k1!, [n]).data, uu = random.uniform(k2!, [n]).data, mu = 2;
    const expected = Array.from(zz, (v, i) => {
      const y = v * v, x = mu + (mu * mu * y) / 2 - (mu / 2) * Math.sqrt(4 * mu * y + mu * mu * y * y);
      return uu[i]! <= mu / (mu + x) ? x : (mu * mu) / x;
    });
    // Equal to JAX's formula up to its cancellation (x is computed as μ/r without it): 1e-12 relative.
    random.wald(k, mu, [n]).data.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-12 * expected[i]!));
  });
});

describe("JAX's float32 RandomValuesCase values from JAX's words", () => {
  const f32 = (name: string, n = 5) =>
    (random.bits(random.key(adler32(`${name}threefry2x32`)), [n]).toArray() as number[]).map((b) => Math.fround((b >>> 9) * 2 ** -23));
  const close = (actual: number[], expected: number[], tol: number) =>
    actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!))));
  it('weibull_min(scale 1, concentration 1) is −log1p(−u)', () => {
    close(f32('weibull_min').map((u) => -Math.log1p(-u)), [1.605863, 0.841809, 0.224218, 0.4826, 0.027901], 2e-6);
  });
  it('pareto(b = 0.5) is exp(−log1p(−u)/b)', () => {
    close(f32('pareto').map((u) => Math.exp(-Math.log1p(-u) / 0.5)), [2.751398, 1.281863, 87.85448, 1.254542, 2.824487], 2e-6);
  });
});

describe('distributions (KS at α = 0.001 against exact CDFs)', () => {
  it('weibullMin(2, 1.5): 1 − exp(−(x/2)^1.5)', () => expectKs(random.weibullMin(key, 2, 1.5, [N]).data, (x) => 1 - Math.exp(-((x / 2) ** 1.5))));
  it('pareto(3): 1 − x^−3', () => expectKs(random.pareto(key, 3, [N]).data, (x) => 1 - x ** -3));
  it('rayleigh(2): 1 − exp(−x²/8)', () => expectKs(random.rayleigh(key, 2, [N]).data, (x) => 1 - Math.exp(-x * x / 8)));
  it('maxwell: erf(x/√2) − √(2/π)·x·e^{−x²/2}', () => expectKs(random.maxwell(key, [N]).data, maxwellCdf));
  it('doubleSidedMaxwell(1, 2): symmetric Maxwell around 1', () => {
    expectKs(random.doubleSidedMaxwell(key, 1, 2, [N]).data, (x) => 0.5 + 0.5 * Math.sign(x - 1) * maxwellCdf(Math.abs(x - 1) / 2));
  });
  it('lognormal(0.5): Φ(log x/0.5)', () => expectKs(random.lognormal(key, 0.5, [N]).data, (x) => Phi(Math.log(x) / 0.5)));
  it('triangular(0, 1, 3)', () => {
    expectKs(random.triangular(key, 0, 1, 3, [N]).data, (x) => (x <= 1 ? (x * x) / 3 : 1 - ((3 - x) ** 2) / 6));
  });
  it('wald(2): Φ(√(1/x)(x/μ − 1)) + e^{2/μ}Φ(−√(1/x)(x/μ + 1))', () => {
    const mu = 2;
    expectKs(random.wald(key, mu, [N]).data, (x) => Phi(Math.sqrt(1 / x) * (x / mu - 1)) + Math.exp(2 / mu) * Phi(-Math.sqrt(1 / x) * (x / mu + 1)));
  });
  it('f(2, 5) and f(4, 7): the regularised incomplete beta in closed form', () => {
    // I_y(1, b) = 1 − (1 − y)^b and I_y(2, b) = 1 − (1 − y)^b (1 + b y), y = d1 x/(d1 x + d2), b = d2/2.
    expectKs(random.f(key, 2, 5, [N]).data, (x) => 1 - (5 / (5 + 2 * x)) ** 2.5);
    expectKs(random.f(random.key(1), 4, 7, [N]).data, (x) => {
      const y = (4 * x) / (4 * x + 7);
      return 1 - (1 - y) ** 3.5 * (1 + 3.5 * y);
    });
  });
  it('generalizedNormal: p = 1 is Laplace, p = 2 normal with variance ½; p = 1.5 has E|x|^p = 1/p and E x² = Γ(3/p)/Γ(1/p)', () => {
    expectKs(random.generalizedNormal(key, 1, [N]).data, (x) => (x < 0 ? 0.5 * Math.exp(x) : 1 - 0.5 * Math.exp(-x)));
    expectKs(random.generalizedNormal(key, 2, [N]).data, (x) => Phi(x * Math.SQRT2));
    const x = random.generalizedNormal(key, 1.5, [N]).data;
    const { mean, variance } = moments(Array.from(x, (v) => Math.abs(v) ** 1.5));
    expect(Math.abs(mean - 1 / 1.5)).toBeLessThan(5 * Math.sqrt(variance / N));
    const sq = moments(Array.from(x, (v) => v * v));
    const gamma = (s: number) => Math.exp(lgamma(s));
    expect(Math.abs(sq.mean - gamma(3 / 1.5) / gamma(1 / 1.5))).toBeLessThan(5 * Math.sqrt(sq.variance / N));
  });
  it('ball(d, p): inside the unit p-ball, P(‖x‖_p ≤ r) = r^d, and symmetric', () => {
    for (const [d, p] of [[3, 2], [2, 1], [4, 0.7]] as const) {
      const x = random.ball(random.key(d), d, p, [N]);
      expect(x.shape).toEqual([N, d]);
      const v = x.data;
      const r = Array.from({ length: N }, (_, i) => Array.from({ length: d }, (_, j) => Math.abs(v[i * d + j]!) ** p).reduce((a, b) => a + b) ** (1 / p));
      expect(Math.max(...r)).toBeLessThanOrEqual(1);
      expectKs(r, (t) => Math.min(1, Math.max(0, t)) ** d);
      const first = moments(Array.from({ length: N }, (_, i) => v[i * d]!));
      expect(Math.abs(first.mean)).toBeLessThan(5 * Math.sqrt(first.variance / N));
    }
  });
});

/** log Γ by Lanczos (g = 7), enough for a moment test. */
function lgamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

describe('orthogonal', () => {
  it('QᵀQ = I for square and tall, QQᵀ = I for wide (semi-orthogonal)', () => {
    for (const [n, m, gram] of [[4, 4, 'QtQ'], [5, 3, 'QtQ'], [2, 5, 'QQt']] as const) {
      const q = random.orthogonal(key, n, [3], m);
      expect(q.shape).toEqual([3, n, m]);
      const g = gram === 'QtQ' ? ad.matmul(ad.linalg.matrixTranspose(q), q) : ad.matmul(q, ad.linalg.matrixTranspose(q));
      const size = Math.min(n, m);
      ad.sub(g, ad.eye(size)).data.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-13));
    }
  });
  it('is Q·sign(diag R) of the QR of normal(key, [n, m])', () => {
    const z = random.normal(key, [4, 3]);
    const { q, r } = ad.linalg.qr(z);
    const d = ad.linalg.diagonal(r).data;
    const expected = ad.mul(q, ad.tensor([Array.from(d, Math.sign)]));
    random.orthogonal(key, 4, [], 3).data.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 14));
  });
  it('Haar on O(3): |Q₀₀| is uniform on [0, 1] (Q₀₀² ~ Beta(½, 1)), Q₀₀ symmetric, det ±1 half each', () => {
    const n = 4000;
    const q = random.orthogonal(random.key(77), 3, [n]);
    const v = q.data;
    const q00 = Array.from({ length: n }, (_, i) => v[9 * i]!);
    expectKs(q00.map(Math.abs), (t) => Math.min(1, Math.max(0, t)));
    expectKs(q00, (t) => Math.min(1, Math.max(0, (t + 1) / 2)));
    const dets = ad.linalg.det(q).data;
    dets.forEach((d) => expect(Math.abs(Math.abs(d) - 1)).toBeLessThan(1e-12));
    const positive = Array.from(dets).filter((d) => d > 0).length;
    expect(Math.abs(positive - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
  });
});

describe('reparameterised derivatives', () => {
  const k = random.key(31);
  it.each([
    ['weibullMin', (a: ad.Tensor, b: ad.Tensor) => ad.sum(ad.tanh(random.weibullMin(k, a, b, [5])))],
    ['doubleSidedMaxwell', (a: ad.Tensor, b: ad.Tensor) => ad.sum(ad.tanh(random.doubleSidedMaxwell(k, a, b, [5])))],
    ['triangular (left, right)', (a: ad.Tensor, b: ad.Tensor) => ad.sum(ad.tanh(random.triangular(k, a, 1.2, b, [5])))],
  ] as const)('%s: checkGrad', (_name, f) => {
    expect(ad.checkGrad(f, [ad.tensor([0.8, 1, 0.3, 0.9, 1.1]), ad.tensor(2.5)]).ok).toBe(true);
  });
  it.each([
    ['pareto', (p: ad.Tensor) => random.pareto(k, p, [6])],
    ['rayleigh', (p: ad.Tensor) => random.rayleigh(k, p, [6])],
    ['lognormal', (p: ad.Tensor) => random.lognormal(k, p, [6])],
    ['triangular (mode)', (p: ad.Tensor) => random.triangular(k, 0, p, 2, [6])],
  ] as const)('%s: checkGrad', (_name, f) => {
    expect(ad.checkGrad((p: ad.Tensor) => ad.sum(ad.sin(f(p))), [ad.tensor([0.7, 1.1, 1.5, 0.9, 1.3, 1.7])]).ok).toBe(true);
  });
  // wald is not an inverse CDF (a test picks one of two roots), so its derivative is implicit
  // reparameterisation, not the derivative at a fixed key: test/audit/linalgRandomReview.test.ts.
  it('closed forms: d/dσ weibull = x/σ, d/dc = −x·log(E)/c², d/db pareto = −x·log(x)/b', () => {
    const x = random.weibullMin(k, 2, 1.5, [8]).data;
    const gs = ad.grad((s: ad.Tensor) => ad.sum(random.weibullMin(k, s, 1.5, [8])))(ad.tensor(2)).item();
    expect(gs).toBeCloseTo(Array.from(x).reduce((a, v) => a + v / 2, 0), 12);
    const perDraw = ad.jacobian((c: ad.Tensor) => random.weibullMin(k, 2, c, [8]))(ad.tensor([1.5])) as ad.Tensor;
    // x = 2E^{1/c}: log(x/2) = log(E)/c, dx/dc = −x·log(E)/c² = −x·log(x/2)/c.
    perDraw.data.forEach((v, i) => expect(v).toBeCloseTo(-x[i]! * Math.log(x[i]! / 2) / 1.5, 10));
    const y = random.pareto(k, 3, [8]).data;
    const jp = ad.jacobian((b: ad.Tensor) => random.pareto(k, b, [8]))(ad.tensor([3])) as ad.Tensor;
    jp.data.forEach((v, i) => expect(v).toBeCloseTo(-y[i]! * Math.log(y[i]!) / 3, 10));
  });
  it('f: the chain rule through the two chi-square draws (their implicit derivatives are tested with gamma)', () => {
    // f = (c₁/d₁)/(c₂/d₂): df/dd₂ = (c₁/d₁)(1/c₂ − d₂·(dc₂/dd₂)/c₂²) with c₂ = chisquare(kden, d₂).
    const [kden, knum] = random.split(k);
    const c1 = random.chisquare(knum!, 3, [4]).data, c2 = random.chisquare(kden!, 6, [4]).data;
    const dc2 = (ad.jacobian((d: ad.Tensor) => random.chisquare(kden!, d, [4]))(ad.tensor([6])) as ad.Tensor).data;
    const jac = ad.jacobian((d: ad.Tensor) => random.f(k, 3, d, [4]))(ad.tensor([6])) as ad.Tensor;
    jac.data.forEach((v, i) => expect(v).toBeCloseTo((c1[i]! / 3) * (1 / c2[i]! - (6 * dc2[i]!) / c2[i]! ** 2), 12));
  });
});
