/**
 * @file beta, dirichlet, chisquare and t, built from gamma draws as JAX builds them: JAX's published
 * float32 beta/dirichlet values from the test-side reference gamma, the composition with
 * ad.random.loggamma / gamma / normal on the same split keys, the distributions (KS against exact
 * CDFs), and the derivatives in the parameters (Monte Carlo d E[x]/dθ within 5 standard errors, and
 * per draw through loggamma's).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError } from '../catalogue/support.js';
import { betaI, gammaP, referenceGamma, referenceSample } from './reference.js';
import { adler32, ks, ksCritical, moments } from './stats.js';

const { random } = ad;
const N = 20000;
const close = (actual: number[], expected: number[], tol: number) =>
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!))));
/** Per-draw derivatives of a sampler in its parameter: the parameter repeated n times, one per draw. */
const perDraw = (f: (p: ad.Tensor) => ad.Tensor, p: number, n: number) => ad.grad((q: ad.Tensor) => ad.sum(f(q)))(ad.full([n], p)).data;
/** |mean of per-draw derivatives − expected| within 5 standard errors. */
function expectMeanDerivative(g: ArrayLike<number>, expected: number): void {
  const { mean, variance } = moments(g);
  expect(Math.abs(mean - expected)).toBeLessThan(5 * Math.sqrt(variance / g.length));
}

describe("JAX's published float32 values (tests/random_test.py) through the reference gamma", () => {
  it('beta(a = 0.8, b = 0.9): split(key) → loggamma draws, normalised by their maximum', () => {
    const [ka, kb] = random.split(random.key(adler32('betathreefry2x32')));
    const la = referenceSample(ka!, 0.8, 5, true, true), lb = referenceSample(kb!, 0.9, 5, true, true);
    const x = la.map((l, i) => {
      const m = Math.max(l, lb[i]!), ea = Math.fround(Math.exp(l - m)), eb = Math.fround(Math.exp(lb[i]! - m));
      return Math.fround(ea / Math.fround(ea + eb));
    });
    close(x, [0.13259, 0.824893, 0.948363, 0.964155, 0.235448], 2e-5);
  });
  it('dirichlet(alpha = [0.5, 0.6, 0.7], shape [2]): a softmax of loggamma draws of shape [2, 3] (key i of split(key, 6) for element i)', () => {
    const keys = random.split(random.key(adler32('dirichletthreefry2x32')), 6);
    const l = keys.map((k, i) => referenceGamma(k, [0.5, 0.6, 0.7][i % 3]!, true, true));
    const rows = [l.slice(0, 3), l.slice(3)].map((row) => {
      const m = Math.max(...row), e = row.map((v) => Math.fround(Math.exp(v - m))), s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => Math.fround(v / s));
    });
    close(rows.flat(), [0.003128, 0.009694, 0.987178, 0.025938, 0.479091, 0.494971], 2e-5);
  });
});

describe('composition with ad.random on the same keys (float64, exact)', () => {
  const key = random.key(21);
  it('beta is the normalised pair of loggamma draws from split(key)', () => {
    const [ka, kb] = random.split(key);
    const la = random.loggamma(ka!, 2.5, [7]).data, lb = random.loggamma(kb!, 0.4, [7]).data;
    const x = random.beta(key, 2.5, 0.4, [7]).data;
    x.forEach((v, i) => {
      const m = Math.max(la[i]!, lb[i]!), ea = Math.exp(la[i]! - m), eb = Math.exp(lb[i]! - m);
      expect(v).toBe(ea / (ea + eb));
    });
  });
  it('dirichlet is a softmax of loggamma(key, alpha, [...shape, K])', () => {
    const alpha = ad.tensor([0.3, 1, 4]);
    const l = random.loggamma(key, alpha, [5, 3]).toArray() as number[][];
    const x = random.dirichlet(key, alpha, [5]).toArray() as number[][];
    x.forEach((row, i) => {
      const m = Math.max(...l[i]!), e = l[i]!.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
      row.forEach((v, j) => expect(v).toBeCloseTo(e[j]! / s, 15));
      expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-15);
    });
  });
  it('chisquare is 2·exp(loggamma(key, df/2)); t is normal(kn)·√((df/2)/gamma(kg, df/2)) for [kn, kg] = split(key)', () => {
    const l = random.loggamma(key, 1.5, [6]).data;
    expect(Array.from(random.chisquare(key, 3, [6]).data)).toEqual(Array.from(l, (v) => Math.exp(v) * 2));
    const [kn, kg] = random.split(key);
    const z = random.normal(kn!, [6]).data, g = random.gamma(kg!, 2.5, [6]).data;
    expect(Array.from(random.t(key, 5, [6]).data)).toEqual(Array.from(z, (v, i) => v * Math.sqrt(2.5 / g[i]!)));
  });
  it('shapes: defaults from the parameters, broadcasting, same key same draw', () => {
    expect(random.beta(key, ad.tensor([1, 2]), ad.tensor([[1], [3]])).shape).toEqual([2, 2]);
    expect(random.beta(key, 2, 3).shape).toEqual([]);
    expect(random.dirichlet(key, ad.ones([4, 3])).shape).toEqual([4, 3]);
    expect(random.dirichlet(key, ad.tensor([1, 1]), [2, 5]).shape).toEqual([2, 5, 2]);
    expect(random.chisquare(key, ad.tensor([1, 2, 3])).shape).toEqual([3]);
    expect(random.t(key, ad.tensor([3, 30]), [4, 2]).shape).toEqual([4, 2]);
    expect(random.beta(3, 2, 2, [4]).toArray()).toEqual(random.beta(random.key(3), 2, 2, [4]).toArray());
    const [k1, k2] = random.split(key);
    expect(random.t(k1!, 4, [5]).toArray()).not.toEqual(random.t(k2!, 4, [5]).toArray());
  });
});

describe('distributions (KS against exact CDFs)', () => {
  it.each([[0.5, 0.5], [2, 5], [0.05, 3]])('beta(%d, %d)', (a, b) => {
    const x = random.beta(random.key(22), a, b, [N]).data;
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(ks(x, (v) => betaI(a, b, v))).toBeLessThan(ksCritical(N));
    const { mean } = moments(x);
    expect(Math.abs(mean - a / (a + b))).toBeLessThan(5 * Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)) / N));
  });
  it('dirichlet([2, 3, 5]): each coordinate is beta(α_j, α₀ − α_j)', () => {
    const alpha = [2, 3, 5];
    const x = random.dirichlet(random.key(23), ad.tensor(alpha), [N]).toArray() as number[][];
    alpha.forEach((aj, j) => expect(ks(x.map((row) => row[j]!), (v) => betaI(aj, 10 - aj, v))).toBeLessThan(ksCritical(N)));
  });
  it.each([1, 4, 0.3])('chisquare(df = %d)', (df) => {
    expect(ks(random.chisquare(random.key(24), df, [N]).data, (v) => gammaP(df / 2, v / 2))).toBeLessThan(ksCritical(N));
  });
  it.each([1, 3, 30])('t(df = %d)', (df) => {
    const cdf = (v: number) => { const tail = 0.5 * betaI(df / 2, 0.5, df / (df + v * v)); return v > 0 ? 1 - tail : tail; };
    expect(ks(random.t(random.key(25), df, [N]).data, cdf)).toBeLessThan(ksCritical(N));
  });
});

describe('derivatives in the parameters', () => {
  it('beta: d/da E[x] = b/(a+b)², d/db E[x] = −a/(a+b)² (Monte Carlo, per-draw derivatives)', () => {
    const [a, b] = [1.5, 2.5];
    expectMeanDerivative(perDraw((p) => random.beta(random.key(26), p, b), a, N), b / (a + b) ** 2);
    expectMeanDerivative(perDraw((p) => random.beta(random.key(26), a, p), b, N), -a / (a + b) ** 2);
  });
  it('beta per draw: dx/da = x(1 − x)·d(log gamma_a)/da through loggamma on the same key', () => {
    const key = random.key(27), n = 6;
    const [ka] = random.split(key);
    const x = random.beta(key, 0.7, 1.3, [n]).data;
    const dl = perDraw((p) => random.loggamma(ka!, p), 0.7, n);
    perDraw((p) => random.beta(key, p, 1.3), 0.7, n).forEach((g, i) => expect(g).toBeCloseTo(x[i]! * (1 - x[i]!) * dl[i]!, 12));
  });
  it('dirichlet: d/dα_k E[x_0] = (α₀·[k = 0] − α_0)/α₀² (Monte Carlo over per-draw alphas)', () => {
    const alpha = [1, 2, 3], n = 10000;
    const g = ad.grad((al: ad.Tensor) => ad.sum(ad.take(random.dirichlet(random.key(28), al), ad.tensor([0]), 1)))(ad.tile(ad.tensor([alpha]), [n, 1]));
    const rows = g.toArray() as number[][];
    expectMeanDerivative(rows.map((r) => r[0]!), (6 - 1) / 36);
    expectMeanDerivative(rows.map((r) => r[2]!), -1 / 36);
  });
  it('chisquare: E[dx/ddf] = 1 (the mean is df)', () => {
    expectMeanDerivative(perDraw((p) => random.chisquare(random.key(29), p), 3, N), 1);
  });
  it('t: d/ddf E[x²] = −2/(df − 2)² (the variance is df/(df − 2))', () => {
    const df = 12;
    const g = ad.grad((p: ad.Tensor) => ad.sum(ad.square(random.t(random.key(30), p))))(ad.full([N], df)).data;
    expectMeanDerivative(g, -2 / (df - 2) ** 2);
  });
});

describe('t at a small df: the derivative in df stays finite with the draw', () => {
  it('matches t·(1/(2·df) − ¼·∂ log g/∂h) where g was down near 1e−160 (it was ∞: g² underflowed)', () => {
    const key = random.key(9), df = 0.01;
    const [, kg] = random.split(key);
    const h = df / 2;
    const draw = random.t(key, df).item();
    const dLogG = ad.grad((a: ad.Tensor) => random.loggamma(kg!, a))(ad.tensor(h)).item(); // ∂ log g / ∂h at this draw
    const want = draw * (1 / (2 * df) - dLogG / 4);
    expect(Math.abs(draw)).toBeGreaterThan(1e80);
    const got = ad.grad((p: ad.Tensor) => random.t(key, p))(ad.tensor(df)).item();
    expect(Math.abs(got / want - 1)).toBeLessThan(1e-10);
    // a bounded function of the draw has a bounded derivative (atan′ · dt/ddf ≈ 1e−78 here)
    expect(Number.isFinite(ad.grad((p: ad.Tensor) => ad.atan(random.t(key, p)))(ad.tensor(df)).item())).toBe(true);
  });

  it('every draw below 1e300 has a finite derivative (df = 0.01 and 0.02; 14 % and 3 % of them were ±∞)', () => {
    for (const df of [0.01, 0.02]) {
      const dfs = ad.full([4000], df);
      const draws = random.t(random.key(7), dfs).toFloat64Array();
      const grads = ad.grad((p: ad.Tensor) => ad.sum(random.t(random.key(7), p)))(dfs).toFloat64Array();
      const bad = Array.from(draws).flatMap((x, i) => (Math.abs(x) < 1e300 && !Number.isFinite(grads[i]!) ? [[x, grads[i]]] : []));
      expect(bad).toEqual([]);
    }
  });
});

describe('bad input', () => {
  const k = random.key(0);
  it.each([
    ['beta with b ≤ 0', () => random.beta(k, 1, 0), { op: 'random.beta', fix: /b must be positive, got 0/ }],
    ['beta with a and b that do not broadcast', () => random.beta(k, ad.ones([2]), ad.ones([3])), { op: 'random.beta', fix: /broadcast/ }],
    ['dirichlet of a scalar', () => random.dirichlet(k, 1), { op: 'random.dirichlet', fix: /at least one axis/ }],
    ['dirichlet with a shape that drops the batch', () => random.dirichlet(k, ad.ones([3, 4]), [2]), { op: 'random.dirichlet', fix: /batch shape \[3\]/ }],
    ['dirichlet with a number shape', () => random.dirichlet(k, ad.ones([3]), 5 as unknown as number[]), { op: 'random.dirichlet', fix: /shape must be an array.*\[5\]/ }],
    ['dirichlet with a zero alpha', () => random.dirichlet(k, ad.tensor([1, 0])), { op: 'random.dirichlet', fix: /alpha must be positive everywhere/ }],
    ['chisquare with df = −1', () => random.chisquare(k, -1), { op: 'random.chisquare', fix: /df must be positive, got -1; pass degrees of freedom df > 0/ }],
    ['t with a df that does not broadcast', () => random.t(k, ad.ones([3]), [2]), { op: 'random.t', fix: /df of shape \[3\] does not broadcast/ }],
  ] as const)('%s', (_name, run, expected) => expectClearError(run, expected));
});
