/**
 * @file poisson and choice: JAX's published poisson values, Knuth's loop against a test-side
 * reference written from jax/_src/random.py (float32 uniforms of JAX's words), chi-square
 * goodness of fit over the regimes (Knuth below λ = 10, PTRS from 10 on), choice against randint,
 * permutation and the exact probabilities of weighted draws with and without replacement.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClearError, type ClearError } from '../catalogue/support.js';
import { lgammaRef } from './reference.js';
import { adler32, chiLimit, chiSquare, moments } from './stats.js';

const { random } = ad;
const N = 20000;
/** A wrong-typed argument, as untyped JavaScript would pass it. */
const bad = <T>(v: unknown): T => v as T;

/** Chi-square of Poisson(λ) draws against the pmf: cells of consecutive k, each closed once its expected count reaches 5, the last pooling the upper tail. */
function poissonChiSquare(x: ArrayLike<number>, lam: number): { stat: number; df: number } {
  const n = x.length, hist = new Map<number, number>();
  for (let i = 0; i < n; i++) hist.set(x[i]!, (hist.get(x[i]!) ?? 0) + 1);
  const hi = Math.ceil(lam + 8 * Math.sqrt(lam) + 10);
  const obs: number[] = [], exp: number[] = [];
  let o = 0, e = 0, mass = 0;
  for (let k = 0; k <= hi; k++) {
    const pk = Math.exp(k * Math.log(lam) - lam - lgammaRef(k + 1));
    mass += pk;
    o += hist.get(k) ?? 0;
    e += pk * n;
    if (e >= 5) { obs.push(o); exp.push(e); o = 0; e = 0; }
  }
  const beyond = [...hist].filter(([v]) => v > hi).reduce((t, [, c]) => t + c, 0);
  obs[obs.length - 1]! += o + beyond;
  exp[exp.length - 1]! += e + Math.max(0, 1 - mass) * n;
  return { stat: chiSquare(obs, exp), df: obs.length - 1 };
}

describe('poisson', () => {
  it("gives JAX's published values for lam = 5 (tests/random_test.py)", () => {
    expect(random.poisson(random.key(adler32('poissonthreefry2x32')), 5, [5]).toArray()).toEqual([7, 3, 6, 11, 6]);
  });
  it("Knuth's loop for λ < 10, against a reference from JAX's source: split the key each round, a float32 uniform per element", () => {
    const key = random.key(40), n = 300, lam = 3.7;
    const count = new Array<number>(n).fill(0), logProd = new Array<number>(n).fill(0);
    let rng = key;
    while (logProd.some((l) => l > -lam)) {
      const [next, sub] = random.split(rng) as [ad.random.Key, ad.random.Key];
      rng = next;
      const u = Array.from(random.bits(sub, [n]).data, (w) => (w >>> 9) * 2 ** -23);
      for (let i = 0; i < n; i++) {
        if (logProd[i]! > -lam) count[i]!++;
        logProd[i]! += Math.log(u[i]!);
      }
    }
    expect(random.poisson(key, lam, [n]).toArray()).toEqual(count.map((c) => c - 1));
  });
  it.each([0.5, 4, 9.5, 10, 37.5, 500, 1e6])('λ = %d: chi-square goodness of fit, mean within 5 standard errors', (lam) => {
    const x = random.poisson(random.key(41), lam, [N]).data;
    expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const { mean } = moments(x);
    expect(Math.abs(mean - lam)).toBeLessThan(5 * Math.sqrt(lam / N));
    const { stat, df } = poissonChiSquare(x, lam);
    expect(stat).toBeLessThan(chiLimit(df));
  });
  it('a tensor lam broadcasts; an element\'s count depends on its own stream, not on the other λs; λ = 0 gives 0', () => {
    const key = random.key(42);
    const mixed = random.poisson(key, ad.tensor([3, 0, 50]), [100, 3]).toArray() as number[][];
    const same = random.poisson(key, 3, [100, 3]).toArray() as number[][];
    mixed.forEach((row, i) => { expect(row[0]).toBe(same[i]![0]); expect(row[1]).toBe(0); });
    expect(random.poisson(key, ad.tensor([1, 2])).shape).toEqual([2]);
    expect(random.poisson(key, 2).shape).toEqual([]);
    expect(random.poisson(7, 2, [3]).toArray()).toEqual(random.poisson(random.key(7), 2, [3]).toArray());
    const [k1, k2] = random.split(key);
    expect(random.poisson(k1!, 20, [50]).toArray()).not.toEqual(random.poisson(k2!, 20, [50]).toArray());
  });
});

describe('choice', () => {
  const key = random.key(50);
  it('with replacement and no p: randint(key, shape, 0, n), and the rows of a tensor at those indices', () => {
    expect(random.choice(key, 7, [3, 4]).toArray()).toEqual(random.randint(key, [3, 4], 0, 7).toArray());
    const x = ad.reshape(ad.arange(12), [4, 3]);
    const idx = random.randint(key, [5], 0, 4).toArray() as number[];
    expect(random.choice(key, x, [5]).toArray()).toEqual(idx.map((i) => (x.toArray() as number[][])[i]));
  });
  it('without replacement and no p: the first draws of permutation(key, n), along an axis for a tensor', () => {
    const order = random.permutation(key, 10).toArray() as number[];
    expect(random.choice(key, 10, [2, 3], { replace: false }).toArray()).toEqual([order.slice(0, 3), order.slice(3, 6)]);
    const x = ad.reshape(ad.arange(20), [2, 10]);
    const y = random.choice(key, x, [4], { replace: false, axis: 1 }).toArray() as number[][];
    expect(y).toEqual((x.toArray() as number[][]).map((row) => order.slice(0, 4).map((j) => row[j])));
    expect(random.choice(key, ad.zeros([2, 10, 3]), [2, 2], { axis: 1 }).shape).toEqual([2, 2, 2, 3]);
    expect(random.choice(key, 5).shape).toEqual([]);
    expect(random.choice(key, 0, [0]).shape).toEqual([0]);
    expect(random.choice(key, 5, [3], { replace: undefined, p: undefined, axis: undefined }).toArray()).toEqual(random.choice(key, 5, [3]).toArray());
  });
  it('weights with replacement: frequencies follow p/Σp (chi-square), zero weights never drawn', () => {
    const p = ad.tensor([1, 0, 3, 2, 4]);
    const x = random.choice(key, 5, [N], { p }).data;
    const counts = [0, 0, 0, 0, 0];
    for (const v of x) counts[v]!++;
    expect(counts[1]).toBe(0);
    expect(chiSquare([0, 2, 3, 4].map((i) => counts[i]!), [1, 3, 2, 4].map((w) => (w / 10) * N))).toBeLessThan(chiLimit(3));
  });
  it('weights with replacement: the inverse CDF of the same uniforms, total·(1 − u) searched in cumsum(p)', () => {
    const u = random.uniform(key, [200]).data, cum = [0.1, 0.5, 0.6, 1];
    const expected = Array.from(u, (v) => cum.findIndex((c) => c >= 1 * (1 - v)));
    expect(Array.from(random.choice(key, 4, [200], { p: ad.tensor([0.1, 0.4, 0.1, 0.4]) }).data)).toEqual(expected);
  });
  it('weights without replacement: distinct, and P(first = i, second = j) = p_i p_j/(1 − p_i) over split keys (chi-square)', () => {
    const p = [0.2, 0.3, 0.5];
    const keys = random.split(random.key(51), 6000);
    const counts = new Map<string, number>();
    for (const k of keys) {
      const d = random.choice(k, 3, [2], { replace: false, p: ad.tensor(p) }).toArray() as number[];
      expect(d[0]).not.toBe(d[1]);
      counts.set(d.join(), (counts.get(d.join()) ?? 0) + 1);
    }
    const cells = [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]];
    const stat = chiSquare(cells.map(([i, j]) => counts.get(`${i},${j}`) ?? 0), cells.map(([i, j]) => (p[i!]! * p[j!]!) / (1 - p[i!]!) * 6000));
    expect(stat).toBeLessThan(chiLimit(5));
  });
  it('weights without replacement: the order of −gumbel(key, [n]) − log p', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const g = random.gumbel(key, [4]).data;
    const order = [0, 1, 2, 3].sort((a, b) => (-g[a]! - Math.log(p[a]!)) - (-g[b]! - Math.log(p[b]!)));
    expect(random.choice(key, 4, [3], { replace: false, p: ad.tensor(p) }).toArray()).toEqual(order.slice(0, 3));
  });
  it('a tensor a is differentiable: each entry gets the weight of every draw of it', () => {
    const x = ad.tensor([1, 2, 3, 4]), w = ad.tensor([1, 10, 100, 1000, 10000, 100000]);
    const idx = random.randint(key, [6], 0, 4).toArray() as number[];
    const g = ad.grad((v: ad.Tensor) => ad.sum(ad.mul(random.choice(key, v, [6]), w)))(x);
    const expected = [0, 0, 0, 0];
    idx.forEach((i, d) => (expected[i]! += w.data[d]!));
    expect(g.toArray()).toEqual(expected);
  });
});

describe('bad input', () => {
  const k = random.key(0);
  const cases: [string, () => unknown, ClearError][] = [
    ['poisson with a negative lam', () => random.poisson(k, -1), { op: 'random.poisson', fix: /lam must be finite and ≥ 0, got -1/ }],
    ['poisson with an infinite lam in a tensor', () => random.poisson(k, ad.tensor([1, Infinity])), { op: 'random.poisson', fix: /everywhere, got Infinity/ }],
    ['poisson with a lam that does not broadcast', () => random.poisson(k, ad.ones([3]), [2]), { op: 'random.poisson', fix: /lam of shape \[3\] does not broadcast/ }],
    ['choice of more than n without replacement', () => random.choice(k, 3, [4], { replace: false }), { op: 'random.choice', fix: /cannot draw 4 .* from 3 without replacement/ }],
    ['choice from nothing', () => random.choice(k, 0, [2]), { op: 'random.choice', fix: /nothing to draw from/ }],
    ['choice of a fractional n', () => random.choice(k, 2.5), { op: 'random.choice', fix: /non-negative integer/ }],
    ['choice with p of the wrong length', () => random.choice(k, 3, [2], { p: ad.tensor([0.5, 0.5]) }), { op: 'random.choice', fix: /p must have shape \[3\]/ }],
    ['choice with a negative weight', () => random.choice(k, 2, [2], { p: ad.tensor([1, -1]) }), { op: 'random.choice', fix: /finite and ≥ 0/ }],
    ['choice with all-zero weights', () => random.choice(k, 2, [2], { p: ad.tensor([0, 0]) }), { op: 'random.choice', fix: /all 0/ }],
    ['choice without replacement past the positive weights', () => random.choice(k, 3, [2], { replace: false, p: ad.tensor([1, 0, 0]) }), { op: 'random.choice', fix: /at least 2 entries of positive p, got 1/ }],
    ['choice with a misspelt option', () => random.choice(k, 3, [2], bad({ replace: false, weights: 1 })), { op: 'random.choice', fix: /unknown option 'weights'/ }],
    ['choice with p as an array', () => random.choice(k, 2, [2], { p: bad([0.5, 0.5]) }), { op: 'random.choice', fix: /p must be a tensor of 2 weights/ }],
    ['choice from a scalar tensor', () => random.choice(k, ad.tensor(3)), { op: 'random.choice', fix: /scalar tensor/ }],
  ];
  it.each(cases)('%s', (_name, run, expected) => expectClearError(run, expected));
});
