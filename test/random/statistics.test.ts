/**
 * @file The samplers' distributions and the independence of split streams, by tests whose
 * thresholds come from the sampling distributions (Kolmogorov–Smirnov at α = 0.001, chi-square
 * at df + 5√(2·df), means within 5 standard errors). The streams are fixed, so these cannot
 * flake; a broken sampler or a correlated split fails them.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { chiLimit, chiSquare, ks } from './stats.js';

const { random } = ad;
const N = 20000;
/** The KS statistic's critical value at α = 0.001 for N draws. */
const KS_CRITICAL = 1.95 / Math.sqrt(N);

/** erf from its series, with erfc's continued fraction in the tails (test-side, independent of ad.random). */
function erf(x: number): number {
  if (Math.abs(x) > 3) {
    // erfc(x) = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) (Lentz-free, evaluated from the back).
    const a = Math.abs(x);
    let f = a;
    for (let k = 60; k > 0; k--) f = a + k / 2 / f;
    const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
    return Math.sign(x) * (1 - erfc);
  }
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

describe('continuous samplers: Kolmogorov–Smirnov', () => {
  const key = random.key(2024);
  it('uniform(low, high)', () => {
    expect(ks(random.uniform(key, [N], -2, 3).data, (x) => (x + 2) / 5)).toBeLessThan(KS_CRITICAL);
  });
  it('normal(mean, std)', () => {
    expect(ks(random.normal(key, [N], 1.5, 2).data, (x) => Phi((x - 1.5) / 2))).toBeLessThan(KS_CRITICAL);
  });
  it('normal far into the tails: the extremes of 10⁶ draws are plausible', () => {
    const z = random.normal(random.key(7), [1000000]).data;
    let lo = Infinity, hi = -Infinity;
    for (const v of z) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(hi).toBeGreaterThan(4); expect(hi).toBeLessThan(6.5);
    expect(lo).toBeLessThan(-4); expect(lo).toBeGreaterThan(-6.5);
  });
  it('gumbel', () => {
    expect(ks(random.gumbel(key, [N]).data, (x) => Math.exp(-Math.exp(-x)))).toBeLessThan(KS_CRITICAL);
  });
  it.each([[0, 2], [-1, 1], [1.5, Infinity], [-Infinity, -2]])('truncatedNormal(%d, %d)', (a, b) => {
    const x = random.truncatedNormal(key, a, b, [N]).data;
    const [pa, pb] = [Phi(a), Phi(b)];
    expect(x.every((v) => v > a && v < b)).toBe(true);
    expect(ks(x, (v) => (Phi(v) - pa) / (pb - pa))).toBeLessThan(KS_CRITICAL);
  });
  it('truncatedNormal with per-element bounds', () => {
    const lower = ad.tensor([-1, 0, 2]), upper = ad.tensor([1, 0.5, 3]);
    const x = random.truncatedNormal(key, lower, upper, [4000, 3]).toArray() as number[][];
    expect(x.every((row) => row.every((v, j) => v > lower.data[j]! && v < upper.data[j]!))).toBe(true);
  });
});

describe('discrete samplers', () => {
  const key = random.key(99);
  it('bernoulli: the mean within 5 standard errors of p, per element of a tensor p', () => {
    const p = ad.tensor([0.1, 0.5, 0.97]);
    const draws = random.bernoulli(key, p, [N, 3]).toArray() as number[][];
    p.data.forEach((pj, j) => {
      const mean = draws.reduce((s, row) => s + row[j]!, 0) / N;
      expect(Math.abs(mean - pj)).toBeLessThan(5 * Math.sqrt((pj * (1 - pj)) / N));
    });
  });
  it('randint: chi-square over the values, small and wide ranges', () => {
    for (const [low, high] of [[-3, 7], [0, 2 ** 40]]) {
      const x = random.randint(key, [N], low!, high!).data;
      expect(x.every((v) => Number.isInteger(v) && v >= low! && v < high!)).toBe(true);
      const bins = 10, counts = new Array<number>(bins).fill(0);
      for (const v of x) counts[Math.floor(((v - low!) / (high! - low!)) * bins)]++;
      expect(chiSquare(counts, new Array(bins).fill(N / bins))).toBeLessThan(chiLimit(bins - 1));
    }
  });
  it('categorical: frequencies follow softmax(logits), −Infinity never drawn', () => {
    const logits = ad.tensor([0, 1, -1, -Infinity, 2]);
    const x = random.categorical(key, logits, { shape: [N] }).data;
    const p = ad.softmax(logits).data;
    const counts = new Array<number>(5).fill(0);
    for (const v of x) counts[v]++;
    expect(counts[3]).toBe(0);
    expect(chiSquare([0, 1, 2, 4].map((i) => counts[i]!), [0, 1, 2, 4].map((i) => p[i]! * N))).toBeLessThan(chiLimit(3));
  });
  it('categorical along axis 0 of a batch, and the default shape', () => {
    const logits = ad.tensor([[0, 50], [50, 0], [0, 0]]); // categories down the rows, two distributions
    const x = random.categorical(key, logits, { axis: 0 });
    expect(x.shape).toEqual([2]);
    expect(x.toArray()).toEqual([1, 0]);
    expect(random.categorical(key, logits, { axis: 0, shape: [7, 2] }).shape).toEqual([7, 2]);
  });
  it('permutation: each of the 24 orders of 4 items equally often over split keys', () => {
    const keys = random.split(random.key(5), 4800);
    const counts = new Map<string, number>();
    for (const k of keys) {
      const order = random.permutation(k, 4).toArray() as number[];
      counts.set(order.join(), (counts.get(order.join()) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], new Array(24).fill(200))).toBeLessThan(chiLimit(23));
  });
  it('permutation of 3000 items (two sort rounds) is a permutation', () => {
    const order = random.permutation(key, 3000).toArray() as number[];
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(order.slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('permutation of a tensor shuffles along the axis as the index permutation says', () => {
    const x = ad.reshape(ad.arange(12), [3, 4]);
    const order = random.permutation(key, 4).toArray() as number[];
    const y = random.permutation(key, x, 1).toArray() as number[][];
    expect(y).toEqual((x.toArray() as number[][]).map((row) => order.map((j) => row[j])));
  });
});

describe('multivariateNormal', () => {
  it('sample mean and covariance match', () => {
    const mean = ad.tensor([1, -2]), cov = ad.tensor([[2, 0.8], [0.8, 1]]);
    const x = random.multivariateNormal(random.key(3), mean, cov, [N]).toArray() as number[][];
    const m = [0, 1].map((j) => x.reduce((s, r) => s + r[j]!, 0) / N);
    const c = (i: number, j: number) => x.reduce((s, r) => s + (r[i]! - m[i]!) * (r[j]! - m[j]!), 0) / (N - 1);
    expect(Math.abs(m[0]! - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m[1]! + 2)).toBeLessThan(5 * Math.sqrt(1 / N));
    // sd of a sample covariance entry: √((σ_ii σ_jj + σ_ij²)/N)
    expect(Math.abs(c(0, 0) - 2)).toBeLessThan(5 * Math.sqrt((4 + 4) / N));
    expect(Math.abs(c(0, 1) - 0.8)).toBeLessThan(5 * Math.sqrt((2 + 0.64) / N));
    expect(Math.abs(c(1, 1) - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });
  it('is mean + L·z for the same key\'s standard normals (as JAX: einsum of the Cholesky factor)', () => {
    const cov = ad.tensor([[4, 2], [2, 3]]);
    const x = random.multivariateNormal(random.key(8), ad.zeros([2]), cov, [3]).toArray() as number[][];
    const z = random.normal(random.key(8), [3, 2]).toArray() as number[][];
    const l = ad.linalg.cholesky(cov).toArray() as number[][];
    x.forEach((row, i) => row.forEach((v, a) => expect(v).toBeCloseTo(l[a]![0]! * z[i]![0]! + l[a]![1]! * z[i]![1]!, 12)));
  });
});

describe('independence of split and folded streams', () => {
  const M = 64, L = 4096;
  const streams = (keys: ad.random.Key[]) => keys.map((k) => random.uniform(k, [L]).toFloat64Array());
  const correlation = (a: Float64Array, b: Float64Array) => {
    let sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
    for (let i = 0; i < a.length; i++) { sa += a[i]!; sb += b[i]!; sab += a[i]! * b[i]!; saa += a[i]! ** 2; sbb += b[i]! ** 2; }
    const n = a.length;
    return (sab / n - (sa / n) * (sb / n)) / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
  };
  it.each([
    ['split', () => random.split(random.key(0), M)],
    ['foldIn', () => Array.from({ length: M }, (_, i) => random.foldIn(random.key(0), i))],
    ['nested splits', () => random.split(random.key(1), M / 2).flatMap((k) => random.split(k))],
  ])('%s: pairwise correlations of the streams are those of independent ones', (_name, make) => {
    const s = streams(make());
    // Over M(M−1)/2 pairs, √L·r is close to standard normal: its mean square near 1, none past 5.
    let sumSq = 0, worst = 0, pairs = 0;
    for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) {
      const z = Math.sqrt(L) * correlation(s[i]!, s[j]!);
      sumSq += z * z; worst = Math.max(worst, Math.abs(z)); pairs++;
    }
    expect(Math.abs(sumSq / pairs - 1)).toBeLessThan(5 * Math.sqrt(2 / pairs));
    expect(worst).toBeLessThan(5);
  });
  it('bits across split streams: each of the 32 bit positions is a fair coin (chi-square)', () => {
    const keys = random.split(random.key(11), M);
    const ones = new Array<number>(32).fill(0);
    let total = 0;
    for (const k of keys) for (const w of random.bits(k, [L]).data) {
      for (let b = 0; b < 32; b++) ones[b] += Math.floor(w / 2 ** b) % 2;
      total++;
    }
    const stat = ones.reduce((s, c) => s + (c - total / 2) ** 2 / (total / 4), 0); // Σ z², 32 degrees of freedom
    expect(stat).toBeLessThan(chiLimit(32));
  });
  it('the first values of split keys, read across keys, are uniform (KS)', () => {
    const firsts = random.split(random.key(2), N).map((k) => random.uniform(k, [1]).data[0]!);
    expect(ks(firsts, (x) => x)).toBeLessThan(KS_CRITICAL);
  });
});
