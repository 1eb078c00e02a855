/**
 * @file geometric, binomial and multinomial: the recipes (JAX's inversion and BTRS streams, checked
 * against an independent re-implementation of JAX's inversion loop from `uniform` and `split`), the
 * distributions (χ² against exact probabilities, with tail bins pooled), shapes and broadcasting.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { chiLimit, chiSquare, moments } from './stats.js';

const { random } = ad;
const N = 20000;

/** log C(n, k) by sums of logs (exact enough for probabilities of n ≤ 1000). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}
const binomialPmf = (n: number, p: number) => Array.from({ length: n + 1 }, (_, k) => Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p)));

/** χ² of sample counts against probabilities, bins with expected count < 5 pooled into their neighbour; returns [statistic, df]. */
function chiPooled(sample: ArrayLike<number>, probs: number[]): [number, number] {
  const counts = new Array<number>(probs.length).fill(0);
  for (let i = 0; i < sample.length; i++) counts[sample[i]!]!++;
  const obs: number[] = [], exp: number[] = [];
  let o = 0, e = 0;
  probs.forEach((p, k) => {
    o += counts[k]!; e += p * sample.length;
    if (e >= 5) { obs.push(o); exp.push(e); o = 0; e = 0; }
  });
  if (e > 0 || o > 0) { obs[obs.length - 1]! += o; exp[exp.length - 1]! += e; }
  return [chiSquare(obs, exp), obs.length - 1];
}
const expectChi = (sample: ArrayLike<number>, probs: number[]) => {
  const [stat, df] = chiPooled(sample, probs);
  expect(stat).toBeLessThan(chiLimit(df));
};

describe('geometric', () => {
  it('is floor(log u/log1p(−p)) + 1 on the unit uniforms', () => {
    const k = random.key(4), u = random.uniform(k, [500]).data;
    expect(Array.from(random.geometric(k, 0.3, [500]).data)).toEqual(Array.from(u, (v) => Math.floor(Math.log(v === 0 ? 1 : v) / Math.log1p(-0.3)) + 1));
  });
  it('χ² against p(1 − p)^{k−1}; p = 1 always 1', () => {
    const x = random.geometric(random.key(5), 0.3, [N]).data;
    expect(Math.min(...x)).toBe(1);
    expectChi(Array.from(x, (v) => Math.min(v, 40)), Array.from({ length: 41 }, (_, k) => (k === 0 ? 0 : k === 40 ? 0.7 ** 39 : 0.3 * 0.7 ** (k - 1))));
    expect(Array.from(random.geometric(random.key(5), 1, [10]).data)).toEqual(new Array(10).fill(1));
  });
  it('broadcasts p to the shape, default p\'s', () => {
    expect(random.geometric(random.key(5), ad.tensor([0.2, 0.9])).shape).toEqual([2]);
    expect(random.geometric(random.key(5), ad.tensor([0.2, 0.9]), [3, 2]).shape).toEqual([3, 2]);
  });
});

describe('binomial', () => {
  it("inversion equals JAX's loop written out: subkey, key = split(key); count the geometric waits ceil(log u/log(1 − p)) up to n", () => {
    const k = random.key(8), n = 7, p = 0.2, size = 50;
    const count = new Float64Array(size), sum = new Float64Array(size);
    let rng = k;
    while (sum.some((s) => s <= n)) {
      const [sub, next] = random.split(rng);
      rng = next!;
      const u = random.uniform(sub!, [size]).data;
      for (let i = 0; i < size; i++) {
        if (sum[i]! <= n) count[i]!++;
        sum[i] = sum[i]! + Math.ceil(Math.log(u[i]!) / Math.log1p(-p));
      }
    }
    expect(Array.from(random.binomial(k, n, p, [size]).data)).toEqual(Array.from(count, (c) => c - 1));
  });
  it.each([
    [10, 0.3, 'inversion'], [20, 0.9, 'inversion on 1 − p'], [100, 0.4, 'BTRS'], [50, 0.85, 'BTRS on 1 − p'], [1000, 0.02, 'BTRS, small p'],
  ])('χ² for n = %d, p = %d (%s)', (n, p) => {
    const x = random.binomial(random.key(n), n, p, [N]).data;
    expect(x.every((v) => Number.isInteger(v) && v >= 0 && v <= n)).toBe(true);
    expectChi(x, binomialPmf(n, p));
    const { mean, variance } = moments(x);
    expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p) / N));
    expect(Math.abs(variance - n * p * (1 - p))).toBeLessThan(0.05 * n * p * (1 - p));
  });
  it('mixed parameters in one call: each element as drawn alone distributionally; p = 0 gives 0, p = 1 gives n, n = 0 gives 0; fractional n floored', () => {
    const x = random.binomial(random.key(2), ad.tensor([0, 5, 5, 200, 7.9]), ad.tensor([0.5, 0, 1, 0.5, 1]));
    expect(Array.from(x.data)).toEqual([0, 0, 5, x.data[3]!, 7]);
    const mixed = random.binomial(random.key(3), ad.tensor([10, 300]), 0.5, [N / 4, 2]).data;
    const small = Array.from({ length: N / 4 }, (_, i) => mixed[2 * i]!), large = Array.from({ length: N / 4 }, (_, i) => mixed[2 * i + 1]!);
    expectChi(small, binomialPmf(10, 0.5));
    expectChi(large, binomialPmf(300, 0.5));
  });
});

describe('multinomial', () => {
  it('counts sum to n; each category is Binomial(n, pᵢ) (χ²); unnormalised weights as normalised', () => {
    const p = [0.2, 0.5, 0.3];
    const x = random.multinomial(random.key(6), 30, ad.tensor(p), [N / 2]);
    expect(x.shape).toEqual([N / 2, 3]);
    const v = x.data;
    for (let i = 0; i < N / 2; i++) expect(v[3 * i]! + v[3 * i + 1]! + v[3 * i + 2]!).toBe(30);
    p.forEach((pi, c) => expectChi(Array.from({ length: N / 2 }, (_, i) => v[3 * i + c]!), binomialPmf(30, pi)));
    const scaled = random.multinomial(random.key(6), 30, ad.tensor(p.map((w) => w * 4)), [N / 2]).data;
    let differ = 0;
    scaled.forEach((c, i) => { if (c !== v[i]) differ++; });
    expect(differ).toBeLessThan(scaled.length / 100); // the same chain up to the rounding of the ratios
  });
  it('is the chain of binomials: keys = split(key, K), binomial(keys[i], remaining, pᵢ/Σ_{j≥i} pⱼ)', () => {
    const k = random.key(12), p = [0.25, 0.25, 0.5], n = 40;
    const keys = random.split(k, 3);
    const c0 = random.binomial(keys[0]!, n, 0.25, [6]).data;
    const c1 = random.binomial(keys[1]!, ad.tensor(Array.from(c0, (c) => n - c)), 0.25 / 0.75).data;
    const got = random.multinomial(k, n, ad.tensor(p), [6]).data;
    for (let i = 0; i < 6; i++) expect([got[3 * i], got[3 * i + 1], got[3 * i + 2]]).toEqual([c0[i], c1[i], n - c0[i]! - c1[i]!]);
  });
  it('batches: p [2, K] and n per row', () => {
    const x = random.multinomial(random.key(1), ad.tensor([5, 50]), ad.tensor([[1, 0, 0], [0.1, 0.2, 0.7]]));
    expect(x.shape).toEqual([2, 3]);
    expect(Array.from(x.data.subarray(0, 3))).toEqual([5, 0, 0]);
    expect(x.data[3]! + x.data[4]! + x.data[5]!).toBe(50);
  });
});
