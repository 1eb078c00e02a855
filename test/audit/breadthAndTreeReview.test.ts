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

/** Within `ulps` units in the last place of NumPy's value. */
function nearUlps(got: number[], want: number[], ulps: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(ulps * Math.abs(want[i]!) * Number.EPSILON));
}

describe('geomspace: the exponents as NumPy\'s log10 (one ulp there is |t|·ln 10 ulps of 10^t)', () => {
  // ad.log10 (ln x · log10(e), two roundings) put an ulp into log10(1.7e308), and the interior was
  // 1.3038404810403940e308 for NumPy's 1.3038404810405647e308 (1.3e-13 relative; 1.3e-13 also on the
  // second case). np.geomspace(1e308, 1.7e308, 3); np.geomspace(-3.6535395312422208e-292,
  // -6.519208316474221e+175, 6, endpoint=False); np.geomspace(2e-300, 3e300, 7) (NumPy 1.24):
  it('within 2 ulps of NumPy at the ends of the float range', () => {
    nearUlps(arr(ad.geomspace(1e308, 1.7e308, 3)), [1e308, 1.3038404810405647e308, 1.7e308], 2);
    nearUlps(arr(ad.geomspace(-3.6535395312422208e-292, -6.519208316474221e175, 6, { endpoint: false })),
      [-3.6535395312422208e-292, -2.7413257914388246e-214, -2.0568730762448047e-136, -1.5433141383608436e-58, -1.15798031350226e20, -8.688564260047432e97], 2);
    nearUlps(arr(ad.geomspace(2e-300, 3e300, 7)), [2e-300, 2.139826387867233e-200, 2.289428485106614e-100, 2.4494897427831788, 2.6207413942089547e100, 2.8039657955523246e200, 3e300], 2);
  });
});

describe('insert, ravelMultiIndex, nonzero: inputs NumPy takes or refuses', () => {
  it('insert drops values\' leading axes of length 1, as NumPy\'s assignment into the new slices', () => {
    // np.insert(np.arange(5.), [0, 2, 1], [[7., 8, 9]]) = [7, 0, 9, 1, 8, 2, 3, 4] (it was a ShapeError);
    // np.insert(np.zeros((2, 3)), [1, 1], [[[5., 6, 7]]], axis=0) = [[0,0,0],[5,6,7],[5,6,7],[0,0,0]]
    expect(arr(ad.insert(ad.arange(5), [0, 2, 1], ad.tensor([[7, 8, 9]])))).toEqual([7, 0, 9, 1, 8, 2, 3, 4]);
    expect(ad.insert(ad.zeros([2, 3]), [1, 1], ad.tensor([[[5, 6, 7]]]), 0).toArray()).toEqual([[0, 0, 0], [5, 6, 7], [5, 6, 7], [0, 0, 0]]);
    // np.insert(np.arange(5.), [0, 1], [[[1., 2]], [[3, 4]]]): shape mismatch in NumPy too
    expect(() => ad.insert(ad.arange(5), [0, 1], ad.tensor([[[1, 2]], [[3, 4]]]))).toThrow(/insert: values of shape \[2,1,2\] do not broadcast/);
    expect(ad.checkGrad((v: Tensor) => ad.sum(ad.square(ad.mul(ad.insert(ad.arange(4), [1, 3], v), ad.arange(6)))), [ad.tensor([[0.5, -2]])]).ok).toBe(true);
  });
  it('ravelMultiIndex over an axis of length 0 is an error in every mode (wrap gave NaN)', () => {
    // np.ravel_multi_index(([1], [0]), (0, 3), mode='wrap') → ValueError: cannot unravel if shape has zero entries
    for (const mode of ['wrap', 'clip', 'raise'] as const) {
      expect(() => ad.ravelMultiIndex([T([1]), T([0])], [0, 3], { mode })).toThrow(/ravelMultiIndex: .*(zero length|out of bounds)/);
    }
    // np.ravel_multi_index(([], []), (0, 3)) = [] (no coordinates, nothing to refuse)
    expect(ad.ravelMultiIndex([ad.zeros([0]), ad.zeros([0])], [0, 3], { mode: 'wrap' }).shape).toEqual([0]);
  });
  it('nonzero\'s fillValue is an integer position whether given as one number or one per axis', () => {
    expect(() => ad.nonzero(T([1, 0]), { size: 2, fillValue: 0.5 })).toThrow(/nonzero: fillValue must be an integer, got 0\.5/);
    expect(() => ad.nonzero(T([1, 0]), { size: 2, fillValue: [0.5] })).toThrow(/nonzero: fillValue must be an integer, got 0\.5/);
    expect(arr(ad.nonzero(T([1, 0]), { size: 3, fillValue: -1 })[0]!)).toEqual([0, -1, -1]);
  });
});
