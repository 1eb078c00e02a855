/**
 * @file Regressions and seeded properties from an adversarial review of the jax.numpy breadth ops
 * (src/ops/numpyBreadth.ts, numpyIndices.ts) and ad.TreeCRF (src/structured/treeCrf.ts,
 * spanInside.ts). Reference numbers are NumPy 1.24's or an independent Python enumeration's,
 * printed once and pasted here as literals (the scripts' gist beside each), so no Python runs here.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const T = (v: number[]) => ad.tensor(v);

describe('value checks of the breadth ops are guards under jit (a replay with bad values throws as the eager call)', () => {
  // The integer, bounds and monotonicity checks read values through statistics' checkableValues,
  // which is null while jit records; the replays then ran without them: jit(f) returned
  // ldexp(1, 0.5) = √2, gcd(1.5, 6) = 1.5, unravelIndex(7, [2, 3]) = [0, 0]-ish coordinates,
  // ravelMultiIndex([5, 0], [2, 3]) = 15, histogram counts over unsorted edges and a digitize of
  // unsorted bins, where the eager call throws an AdjointError.
  const cases: Array<[string, (x: Tensor) => Tensor, number[], number[], RegExp]> = [
    ['ldexp', (n) => ad.ldexp(T([1, 1]), n), [3, 2], [0.5, 2], /ldexp: the exponents n must hold integers/],
    ['gcd', (a) => ad.gcd(a, 6), [4, 9], [1.5, 9], /gcd: a must hold integers/],
    ['lcm', (a) => ad.lcm(6, a), [4, 9], [4, NaN], /lcm: b must hold integers/],
    ['unravelIndex (integer)', (p) => ad.unravelIndex(p, [2, 3])[1]!, [1, 5], [1.5, 2], /unravelIndex: indices must hold whole numbers/],
    ['unravelIndex (bounds)', (p) => ad.unravelIndex(p, [2, 3])[1]!, [1, 5], [7, 2], /unravelIndex: index 7 is out of bounds/],
    ['ravelMultiIndex (bounds)', (c) => ad.ravelMultiIndex([c, T([0, 0])], [2, 3]), [1, 0], [5, 0], /ravelMultiIndex: coordinate 5 is out of bounds/],
    ['ravelMultiIndex (integer)', (c) => ad.ravelMultiIndex([c, T([0, 0])], [2, 3], { mode: 'wrap' }), [1, 0], [0.5, 0], /ravelMultiIndex: coordinate 0 must hold integers/],
    ['bincount { length }', (x) => ad.bincount(x, { length: 4 }), [1, 2], [-1, 2], /bincount: x must hold whole numbers ≥ 0/],
    ['histogram (edges)', (e) => ad.histogram(T([0.5, 1.5]), e)[0]!, [0, 1, 2], [2, 1, 0], /histogram: bin edges must increase monotonically/],
    ['histogram (range found)', (x) => ad.histogram(x, 3)[0]!, [1, 2, 3], [1, NaN, 3], /histogram: the range found in a/],
    ['digitize', (b) => ad.digitize(T([0.5, 1.5]), b), [0, 1, 2], [0, 2, 1], /digitize: bins must be monotonically increasing or decreasing/],
  ];
  for (const [name, f, good, bad, error] of cases) {
    it(name, () => {
      expect(() => f(T(bad))).toThrow(error);
      const jf = ad.jit(f);
      const want = arr(f(T(good)));
      expect(arr(jf(T(good)))).toEqual(want);
      expect(arr(jf(T(good)))).toEqual(want);
      expect(jf.cacheInfo()[0]!.status).not.toBe('eager');
      expect(() => jf(T(bad))).toThrow(error);
      expect(arr(jf(T(good)))).toEqual(want);
    });
  }
  it('a grad inside jit keeps the check; vmap leaves it to the eager calls (as JAX)', () => {
    const jg = ad.jit((x: Tensor, n: Tensor) => ad.grad((y: Tensor) => ad.sum(ad.ldexp(y, n)))(x));
    expect(arr(jg(T([1, 2]), T([1, 2])))).toEqual([2, 4]);
    expect(arr(jg(T([1, 2]), T([3, -1])))).toEqual([8, 0.5]);
    expect(() => jg(T([1, 2]), T([0.5, 2]))).toThrow(/ldexp: the exponents n must hold integers/);
    expect(() => ad.grad((x: Tensor) => ad.sum(ad.mul(x, ad.gcd(x, 6))))(T([1.5, 2]))).toThrow(/gcd: a must hold integers/);
  });
  it('an ONNX export still holds no check (it records, as before the guards)', () => {
    for (const [, f, good] of cases) expect(ad.onnx.exportModel(f, [T(good)]).length).toBeGreaterThan(0);
  });
});
