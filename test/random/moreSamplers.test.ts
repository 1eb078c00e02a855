/**
 * @file exponential, laplace, logistic, cauchy and rademacher: JAX's recipes on JAX's uniforms
 * (checked against `uniform` with JAX's minval/maxval, which is JAX's bit for bit), the
 * distributions (KS at α = 0.001, moments within 5 standard errors), determinism, shapes and
 * broadcasting, and the pathwise derivatives in loc/scale/rate against their closed forms.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError, type ClearError } from '../catalogue/support.js';
import { adler32, chiLimit, chiSquare, ks, ksCritical, moments } from './stats.js';

const { random } = ad;
const N = 20000;
const key = random.key(1234);
/** A wrong-typed argument, as untyped JavaScript would pass it. */
const bad = <T>(v: unknown): T => v as T;

describe('JAX recipes on JAX uniforms', () => {
  const k = random.key(5), n = 2000;
  it('exponential is −log1p(−u) for u = uniform(key)', () => {
    const u = random.uniform(k, [n]).data;
    expect(Array.from(random.exponential(k, [n]).data)).toEqual(Array.from(u, (v) => -Math.log1p(-v)));
  });
  it('laplace is sign(u)·log1p(−|u|) for u = uniform(key, minval = −1 + 2⁻⁵³, maxval = 1)', () => {
    const u = random.uniform(k, [n], -1 + 2 ** -53, 1).data;
    expect(Array.from(random.laplace(k, [n]).data)).toEqual(Array.from(u, (v) => Math.sign(v) * Math.log1p(-Math.abs(v))));
  });
  it('logistic is log(u/(1 − u)) and cauchy tan(π(u − ½)) for u = uniform(key, minval = 2⁻⁵², maxval = 1)', () => {
    const u = random.uniform(k, [n], 2 ** -52, 1).data;
    expect(Array.from(random.logistic(k, [n]).data)).toEqual(Array.from(u, (v) => Math.log(v / (1 - v))));
    expect(Array.from(random.cauchy(k, [n]).data)).toEqual(Array.from(u, (v) => Math.tan(Math.PI * (v - 0.5))));
  });
  it('rademacher is 2·bernoulli(key, ½) − 1', () => {
    const b = random.bernoulli(k, 0.5, [n]).data;
    expect(Array.from(random.rademacher(k, [n]).data)).toEqual(Array.from(b, (v) => 2 * v - 1));
  });
  it('the extremes are finite: the smallest uniform gives the largest magnitude', () => {
    // u = 0 and the largest u below 1 are JAX's clamps: exponential ≤ 36.74 (−log(2⁻⁵³)), cauchy at u = 2⁻⁵² is −tan(π/2 − π·2⁻⁵²) finite.
    expect(-Math.log1p(-(1 - 2 ** -52))).toBeLessThan(37);
    expect(Number.isFinite(Math.tan(Math.PI * (2 ** -52 - 0.5)))).toBe(true);
    for (const x of [random.exponential(key, [N]), random.laplace(key, [N]), random.logistic(key, [N]), random.cauchy(key, [N])]) {
      expect(x.data.every(Number.isFinite)).toBe(true);
    }
  });
});

/**
 * JAX's float32 RandomValuesCase values (tests/random_test.py) come from 32-bit uniforms
 * f = (bits >>> 9)·2⁻²³ of JAX's words (ad.random.bits); the same minval/maxval and formula in
 * float32 give JAX's published samples, which checks each recipe's interval and transform.
 */
describe("JAX's published float32 values from the same recipes", () => {
  const f32 = (name: string) =>
    (random.bits(random.key(adler32(`${name}threefry2x32`)), [5]).toArray() as number[]).map((b) => Math.fround((b >>> 9) * 2 ** -23));
  /** uniform(key, float32, minval, maxval): max(minval, f·(maxval − minval) + minval) in float32. */
  const between = (f: number[], lo: number) => f.map((v) => Math.max(lo, Math.fround(Math.fround(v * Math.fround(1 - lo)) + lo)));
  const close = (actual: number[], expected: number[], tol: number) =>
    actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!))));
  it('exponential', () => close(f32('exponential').map((u) => -Math.log1p(-u)), [0.526067, 0.043046, 0.039932, 0.46427, 0.123886], 2e-5));
  it('laplace (minval −1 + epsneg)', () => close(between(f32('laplace'), Math.fround(-1 + 2 ** -24)).map((u) => Math.sign(u) * Math.log1p(-Math.abs(u))),
    [0.578939, -0.204902, 0.555733, 0.911053, -0.96456], 2e-5));
  it('logistic (minval eps)', () => close(between(f32('logistic'), 2 ** -23).map((u) => Math.log(u / (1 - u))), [0.19611, -1.709053, -0.274093, -0.208322, -1.675489], 2e-5));
  it('cauchy (minval eps)', () => close(between(f32('cauchy'), 2 ** -23).map((u) => Math.tan(Math.PI * (u - 0.5))), [-0.088416, -10.169713, 3.49677, -1.18056, 0.34556], 2e-5));
  it('rademacher (1 where the uniform is below ½)', () => expect(f32('rademacher').map((u) => (u < 0.5 ? 1 : -1))).toEqual([-1, -1, -1, -1, 1]));
});

describe('distributions (KS against the exact CDF, moments within 5 standard errors)', () => {
  it('exponential(rate = 2)', () => {
    const x = random.exponential(key, [N], 2).data;
    expect(x.every((v) => v >= 0)).toBe(true);
    expect(ks(x, (v) => 1 - Math.exp(-2 * v))).toBeLessThan(ksCritical(N));
    const { mean, variance } = moments(x);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 0.5 / Math.sqrt(N));
    expect(Math.abs(variance - 0.25)).toBeLessThan(5 * Math.sqrt((9 * 0.5 ** 4 - 0.25 ** 2) / N)); // Var(s²) ≈ (μ₄ − σ⁴)/n, μ₄ = 9/λ⁴
  });
  it('laplace(loc = 1, scale = 0.5)', () => {
    const x = random.laplace(key, [N], 1, 0.5).data;
    const cdf = (v: number) => (v < 1 ? 0.5 * Math.exp((v - 1) / 0.5) : 1 - 0.5 * Math.exp(-(v - 1) / 0.5));
    expect(ks(x, cdf)).toBeLessThan(ksCritical(N));
    const { mean, variance } = moments(x);
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(0.5 / N)); // Var = 2b² = 0.5
    expect(Math.abs(variance - 0.5)).toBeLessThan(5 * Math.sqrt((24 * 0.5 ** 4 - 0.25) / N)); // μ₄ = 24b⁴
  });
  it('logistic(loc = −2, scale = 3)', () => {
    const x = random.logistic(key, [N], -2, 3).data;
    expect(ks(x, (v) => 1 / (1 + Math.exp(-(v + 2) / 3)))).toBeLessThan(ksCritical(N));
    const { mean } = moments(x);
    expect(Math.abs(mean + 2)).toBeLessThan(5 * Math.sqrt((Math.PI ** 2 * 9) / 3 / N)); // Var = π²s²/3
  });
  it('cauchy(loc = 0.5, scale = 2): KS, and the median (the mean does not exist)', () => {
    const x = random.cauchy(key, [N], 0.5, 2).data;
    expect(ks(x, (v) => 0.5 + Math.atan((v - 0.5) / 2) / Math.PI)).toBeLessThan(ksCritical(N));
    const sorted = Float64Array.from(x).sort();
    // The sample median's sd is 1/(2 f(m) √n) = π·scale/(2√n).
    expect(Math.abs(sorted[N / 2]! - 0.5)).toBeLessThan(5 * (Math.PI * 2) / (2 * Math.sqrt(N)));
  });
  it('rademacher: only ±1, each half the time (chi-square)', () => {
    const x = random.rademacher(key, [N]).data;
    const plus = x.filter((v) => v === 1).length, minus = x.filter((v) => v === -1).length;
    expect(plus + minus).toBe(N);
    expect(chiSquare([plus, minus], [N / 2, N / 2])).toBeLessThan(chiLimit(1));
  });
});

describe('keys, shapes and broadcasting', () => {
  const samplers = {
    exponential: (k: ad.random.KeyLike, s: number[]) => random.exponential(k, s),
    laplace: (k: ad.random.KeyLike, s: number[]) => random.laplace(k, s),
    logistic: (k: ad.random.KeyLike, s: number[]) => random.logistic(k, s),
    cauchy: (k: ad.random.KeyLike, s: number[]) => random.cauchy(k, s),
    rademacher: (k: ad.random.KeyLike, s: number[]) => random.rademacher(k, s),
  };
  it.each(Object.entries(samplers))('%s: same key, same draw; split keys, different draws; a number is key(number)', (_name, draw) => {
    const [k1, k2] = random.split(random.key(3));
    expect(draw(k1!, [50]).toArray()).toEqual(draw(k1!, [50]).toArray());
    expect(draw(k1!, [50]).toArray()).not.toEqual(draw(k2!, [50]).toArray());
    expect(draw(7, [5]).toArray()).toEqual(draw(random.key(7), [5]).toArray());
    expect(draw(k1!, []).shape).toEqual([]);
    expect(draw(k1!, [2, 0, 3]).shape).toEqual([2, 0, 3]);
  });
  it('loc and scale broadcast against the sample shape, per element', () => {
    const loc = ad.tensor([0, 10, -10]), scale = ad.tensor([[1], [2]]);
    const x = random.laplace(key, [2, 3], loc, scale).toArray() as number[][];
    const e = random.laplace(key, [2, 3]).toArray() as number[][];
    x.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(loc.data[j]! + scale.data[i]! * e[i]![j]!, 13)));
    const r = ad.tensor([1, 4]);
    const y = random.exponential(key, [3, 2], r).toArray() as number[][];
    const z = random.exponential(key, [3, 2]).toArray() as number[][];
    y.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(z[i]![j]! / r.data[j]!)));
  });
});

describe('pathwise derivatives', () => {
  const k = random.key(77);
  it.each(['laplace', 'logistic', 'cauchy'] as const)('%s: d/dloc Σx = n and d/dscale Σx = Σε per draw, exactly', (name) => {
    const eps = random[name](k, [8]);
    const [gl, gs] = ad.grad((l: ad.Tensor, s: ad.Tensor) => ad.sum(random[name](k, [8], l, s)), [0, 1])(ad.tensor(0.3), ad.tensor([1, 2, 0.5, 1, 1, 3, 1, 1])) as [ad.Tensor, ad.Tensor];
    expect(gl.item()).toBe(8);
    expect(Array.from(gs.data)).toEqual(Array.from(eps.data));
  });
  it('exponential: dx/drate = −x/rate per draw, and checkGrad through a smooth function', () => {
    const rate = ad.tensor([0.5, 2, 3]);
    const x = random.exponential(k, [2, 3], rate);
    const g = ad.grad((r: ad.Tensor) => ad.sum(random.exponential(k, [2, 3], r)))(rate);
    const rows = x.toArray() as number[][];
    g.data.forEach((v, j) => expect(v).toBeCloseTo(-(rows[0]![j]! + rows[1]![j]!) / rate.data[j]!, 13));
    expect(ad.checkGrad((r: ad.Tensor) => ad.sin(random.exponential(k, [4], r)), [ad.tensor(1.7)]).ok).toBe(true);
  });
  it('checkGrad (reverse and forward against finite differences) for loc and scale', () => {
    for (const f of [random.laplace, random.logistic, random.cauchy]) {
      expect(ad.checkGrad((l: ad.Tensor, s: ad.Tensor) => ad.tanh(f(k, [3], l, s)), [ad.tensor([0.1, -0.2, 0.3]), ad.tensor(0.8)]).ok).toBe(true);
    }
  });
  it('a Monte Carlo gradient: d/dscale E|x − loc| = 1 for laplace (E|x − loc| = scale)', () => {
    const g = ad.grad((s: ad.Tensor) => ad.mean(ad.abs(ad.sub(random.laplace(k, [N], 2, s), 2))))(ad.tensor(1.5)).item();
    expect(Math.abs(g - 1)).toBeLessThan(5 / Math.sqrt(N)); // |ε| is exponential(1): sd 1
  });
});

describe('bad input', () => {
  const cases: [string, () => unknown, ClearError][] = [
    ['exponential with rate 0', () => random.exponential(key, [2], 0), { op: 'random.exponential', fix: /rate must be positive, got 0; pass a rate > 0/ }],
    ['exponential with a negative tensor rate', () => random.exponential(key, [2], ad.tensor([1, -1])), { op: 'random.exponential', fix: /rate must be positive everywhere/ }],
    ['laplace with a negative scale', () => random.laplace(key, [2], 0, -1), { op: 'random.laplace', fix: /scale must be non-negative, got -1/ }],
    ['logistic with a loc that does not broadcast', () => random.logistic(key, [2], ad.zeros([3])), { op: 'random.logistic', fix: /loc of shape \[3\] does not broadcast to the sample shape \[2\]/ }],
    ['cauchy with a string scale', () => random.cauchy(key, [2], 0, bad('2')), { op: 'random.cauchy', fix: /scale must be a number or a tensor/ }],
    ['cauchy with a NaN loc', () => random.cauchy(key, [2], NaN), { op: 'random.cauchy', fix: /loc is NaN/ }],
    ['rademacher with a number shape', () => random.rademacher(key, bad(3)), { op: 'random.rademacher', fix: /\[3\]|array/ }],
    ['laplace with split keys', () => random.laplace(bad(random.split(key)), [2]), { op: 'random.laplace', fix: /keys\[0\]/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
