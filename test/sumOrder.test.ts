/**
 * @file The order of a sum over contiguous rows (tensor/kernels/rowSum.ts): NumPy's, so `ad.sum`
 * and `ad.mean` of a float64 row are np.sum's and np.mean's values bit for bit (NumPy 1.24's
 * numbers below, from exactly representable inputs), with pairwise accuracy (10⁶ × 0.1); and every
 * path that must add in the same order does: jit's fused sums, logsumexp's fused VJP and the
 * generic rule it stands for, the VJP's sums folded into a fused group.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';
import { rowSum } from '../src/tensor/kernels/rowSum.js';

/** n values of a 31-bit LCG mapped to [−4, 4): exact in float64, the same in NumPy (scratch/rowsum_ref.py). */
function lcg(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = BigInt(seed);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245n + 12345n) % 2147483648n;
    out[i] = (Number(s) / 2147483648 - 0.5) * 8;
  }
  return out;
}

const bits = (t: ad.Tensor) => Array.from(new Uint8Array(t.toFloat64Array().buffer));

describe('sum and mean of a contiguous row: NumPy 1.24 bit for bit', () => {
  const numpy: Record<number, number> = {
    5: -0.5175152271986008, 9: -4.660808615386486, 100: 8.986263401806355, 129: -4.167696572840214, 1000: 46.53881289064884,
    8192: 34.51631164550781, 8193: -109.24458441883326, 20000: -46.028240382671356, 100000: -815.7329453825951,
  };
  for (const [n, want] of Object.entries(numpy)) {
    it(`np.sum of ${n} entries`, () => {
      expect(ad.sum(ad.tensor(lcg(+n, +n), [+n])).item()).toBe(want);
    });
  }

  it('10⁶ × 0.1: within 2e−15 of 10⁵ (the left-to-right loop is 1.3e−11 off), np.sum and np.mean exactly', () => {
    const x = ad.full([1e6], 0.1);
    expect(ad.sum(x).item()).toBe(99999.9999999998);
    expect(ad.mean(x).item()).toBe(0.0999999999999998);
    let loop = 0;
    for (let i = 0; i < 1e6; i++) loop += 0.1;
    expect(Math.abs(loop - 1e5) / 1e5).toBeGreaterThan(1e-12); // what the order buys
  });

  it('rows of a matrix, the whole matrix, two trailing axes; lanes (axis 0) left to right as NumPy', () => {
    const y = ad.tensor(lcg(3 * 9000, 7), [3, 9000]);
    expect(ad.sum(y, 1).toArray()).toEqual([-266.81944413483143, 17.77261810004711, 14.017916724085808]);
    expect(ad.sum(y).item()).toBe(-235.0289093106985);
    const z = ad.tensor(lcg(2 * 50 * 200, 11), [2, 50, 200]);
    expect(ad.sum(z, [1, 2]).toArray()).toEqual([-646.2717068493366, 280.95008060336113]);
    expect(Array.from(ad.slice(ad.sum(z, 0), [0, 0], [3, 3]).toFloat64Array())).toEqual([
      0.7579250335693359, -2.889009051024914, -2.7488832622766495, -0.64100581407547, 0.03417528420686722, -4.875422313809395,
      -6.54989492893219, -3.2247711941599846, 1.6076940149068832]);
  });

  it('a middle axis, mean over trailing axes, two leading axes: NumPy bit for bit too', () => {
    const z = ad.tensor(lcg(6 * 300 * 40, 13), [6, 300, 40]);
    expect(Array.from(ad.slice(ad.sum(z, 1), [0, 0], [2, 3]).toFloat64Array())).toEqual([
      -44.40689918398857, -40.695651575922966, -55.2254713177681, -9.46213647723198, -28.88228802382946, -48.76293593645096]);
    expect(Array.from(ad.slice(ad.mean(z, [1, 2]), [0], [3]).toFloat64Array())).toEqual([-0.027089125846823058, -0.015373155171672504, 0.0019492201258738836]);
    expect(Array.from(ad.slice(ad.sum(z, [0, 1]), [0], [3]).toFloat64Array())).toEqual([-30.28045254945755, -61.74274328351021, 30.6079078912735]);
  });

  it('rowSum: short rows and the empty row add left to right from 0 (−0 entries sum to 0, as np.sum)', () => {
    expect(rowSum(new Float64Array([1, 2, 3]), 0, 3)).toBe(6);
    expect(rowSum(new Float64Array(0), 0, 0)).toBe(0);
    expect(Object.is(rowSum(new Float64Array([-0, -0]), 0, 2), 0)).toBe(true);
    expect(rowSum(new Float64Array([Infinity, 1, 2, 3, 4, 5, 6, 7, -Infinity]), 0, 9)).toBeNaN();
    // Offsets: a row inside a longer array.
    const x = lcg(300, 3);
    expect(rowSum(x, 100, 150)).toBe(rowSum(x.slice(100, 250), 0, 150));
  });
});

describe('every path that sums rows adds in the same order', () => {
  const x = ad.tensor(lcg(4 * 3000, 5), [4, 3000]);
  const w = ad.tensor(lcg(4, 9), [4]);

  it('jit fuses a sum of long rows and matches eager bit for bit', () => {
    const f = (x: ad.Tensor) => ad.sum(ad.mul(ad.tanh(x), ad.add(x, 0.5)), -1);
    const jf = ad.jit(f);
    jf(x);
    expect(bits(jf(x) as ad.Tensor)).toEqual(bits(f(x)));
    expect(jf.cacheInfo()[0]!.fusedGroups).toBeGreaterThan(0);
    const g = (x: ad.Tensor) => ad.mean(ad.square(ad.sub(x, 1)));
    const jg = ad.jit(g);
    jg(x);
    expect(bits(jg(x) as ad.Tensor)).toEqual(bits(g(x)));
  });

  it("logsumexp's fused VJP equals its generic rule (exp(x − lse) / sum) and the jit's fused copy, with the VJP's sums folded in", () => {
    const lse = (x: ad.Tensor) => ad.sum(ad.mul(ad.logsumexp(x, -1), w));
    const gx = ad.grad(lse)(x);
    const y = ad.logsumexp(x, -1, true);
    const e = ad.exp(ad.sub(x, y));
    const generic = ad.mul(ad.mul(e, ad.reciprocal(ad.sum(e, -1, true))), ad.reshape(w, [4, 1]));
    expect(bits(gx)).toEqual(bits(generic));
    const jgrad = ad.jit(ad.grad(lse));
    jgrad(x);
    expect(bits(jgrad(x) as ad.Tensor)).toEqual(bits(gx));
    // A bias broadcast along rows ([4, 1]: its gradient sums the VJP's rows) and along columns ([3000]: lanes).
    const biased = (b: ad.Tensor, c: ad.Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.mul(ad.add(x, b), c), -1), w));
    const b = ad.tensor(lcg(4, 2), [4, 1]), c = ad.tensor(lcg(3000, 4), [3000]);
    const eager = ad.grad(biased, [0, 1])(b, c) as ad.Tensor[];
    const jb = ad.jit(ad.grad(biased, [0, 1]));
    jb(b, c);
    const fused = jb(b, c) as ad.Tensor[];
    expect(jb.cacheInfo()[0]!.fusedGroups).toBeGreaterThan(0);
    expect(bits(fused[0]!)).toEqual(bits(eager[0]!));
    expect(bits(fused[1]!)).toEqual(bits(eager[1]!));
    // The VJP's output summed over its rows right away (the bias's gradient): folded into the group.
    const shifted = (b: ad.Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.add(ad.tanh(x), b), -1), w));
    const js = ad.jit(ad.grad(shifted));
    js(b);
    expect(bits(js(b) as ad.Tensor)).toEqual(bits(ad.grad(shifted)(b)));
    expect(js.cacheInfo()[0]!.fusedGroups).toBeGreaterThan(0);
  });
});
