/**
 * @file Audit regressions for five defects left by earlier reviews: bincount's errors for huge
 * labels (and the allocator above 2^29 entries), digitize with NaN in its bins (NumPy 1.24),
 * log10/log2 correctly rounded where NumPy's are, unique along an axis (NumPy 1.24), and cumprod's
 * second derivatives where the partial products leave float64's range (exact rational products).
 * Reference numbers are pasted literals; each block's comment gives the script that made them.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { uninitializedF64 } from '../../src/tensor/alloc.js';

describe('bincount: too many bins is an AdjointError naming bincount', () => {
  // Before: bincount([1e9]) threw Node's RangeError [ERR_OUT_OF_RANGE] from Buffer.allocUnsafeSlow
  // (its limit is 2^32 bytes, 2^29 float64s, below the 2^32 entries a tensor may hold), and a result
  // above 2^32 entries threw zeros' ShapeError, which named zeros, not bincount.
  it('the allocator serves more than 2^29 entries (a lazily mapped buffer, not written here)', () => {
    const n = 2 ** 29 + 1;
    expect(uninitializedF64(n).length).toBe(n);
  });
  it('more bins than a tensor holds, from x, minlength or length, under jit and grad too', () => {
    const tooMany = /^bincount: .* asks for [\d,]+ bins, more than the 4,294,967,296 \(2\^32\) entries a tensor can hold; count the distinct values with ad\.unique/;
    const check = (f: () => unknown) => {
      let caught: unknown = null;
      try { f(); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(ad.AdjointError);
      expect((caught as Error).message).toMatch(tooMany);
    };
    check(() => ad.bincount(ad.tensor([1, 2 ** 32])));
    check(() => ad.bincount(ad.tensor([1e10])));
    check(() => ad.bincount(ad.tensor([1e300])));
    check(() => ad.bincount(ad.tensor([1]), { minlength: 1e20 }));
    check(() => ad.bincount(ad.tensor([1]), { length: 2 ** 32 }));
    check(() => ad.jit((x: ad.Tensor) => ad.bincount(x))(ad.tensor([1e10])));
    check(() => ad.grad((w: ad.Tensor) => ad.sum(ad.bincount(ad.tensor([1e10]), { weights: w })))(ad.tensor([1])));
    expect(() => ad.bincount(ad.tensor([2 ** 32]))).toThrow(/x's largest value 4294967296 asks for 4,294,967,297 bins/);
  });
  it('negative, fractional, NaN and infinite labels, and bad minlength, stay AdjointErrors', () => {
    for (const bad of [-1, 1.5, NaN, Infinity]) {
      expect(() => ad.bincount(ad.tensor([0, bad]))).toThrow(ad.AdjointError);
      expect(() => ad.bincount(ad.tensor([0, bad]))).toThrow(/bincount: x must hold whole numbers ≥ 0/);
    }
    for (const bad of [-1, 1.5, NaN, Infinity]) expect(() => ad.bincount(ad.tensor([0]), { minlength: bad })).toThrow(/bincount: minlength must be a whole number ≥ 0/);
  });
  it('values, weights and their gradient unchanged (NumPy 1.24: np.bincount([0, 1, 1, 3], minlength=6) = [1 2 0 1 0 0])', () => {
    expect(ad.bincount(ad.tensor([0, 1, 1, 3]), { minlength: 6 }).toArray()).toEqual([1, 2, 0, 1, 0, 0]);
    expect(ad.bincount(ad.tensor([0, 1, 1, 3]), { weights: ad.tensor([0.5, 1, 2, 4]) }).toArray()).toEqual([0.5, 3, 0, 4]);
    expect(ad.bincount(ad.tensor([0, 1, 5, 3]), { length: 4 }).toArray()).toEqual([1, 1, 0, 1]);
    const g = ad.grad((w: ad.Tensor) => ad.sum(ad.mul(ad.bincount(ad.tensor([0, 1, 1, 3]), { weights: w }), ad.tensor([1, 2, 3, 4]))))(ad.tensor([1, 1, 1, 1]));
    expect(g.toArray()).toEqual([1, 2, 2, 4]);
  });
});

/**
 * np.digitize(x, bins, right) from NumPy 1.24.2 — scratch/h87_dig2.py: hand cases (x = [-1, 0, 0.5,
 * 1, 1.5, 2, 2.5, 3, nan, inf, -inf] against bins with NaNs at the end of increasing or the start
 * of decreasing bins, all-NaN bins, ties, infinities; right False and True), then 16 random ones
 * (rng = default_rng(87): sorted integers in [-3, 3] with 0–2 NaNs, x shuffled with nan/±inf).
 */
const DIGITIZE_NAN: [number[], number[], boolean, number[]][] = [
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [0, 1, 2, NaN], false, [0, 1, 1, 2, 2, 3, 3, 3, 4, 3, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [0, 1, 2, NaN], true, [0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [0, 1, NaN, NaN], false, [0, 1, 1, 2, 2, 2, 2, 2, 4, 2, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [0, 1, NaN, NaN], true, [0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN], false, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN], true, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, NaN], false, [2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, NaN], true, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, NaN, NaN], false, [3, 3, 3, 3, 3, 3, 3, 3, 0, 3, 3]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, NaN, NaN], true, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, 2, 1, 0], false, [4, 3, 3, 2, 2, 1, 1, 1, 0, 1, 4]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, 2, 1, 0], true, [4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 4]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, NaN, 1, 0], false, [4, 3, 3, 2, 2, 2, 2, 2, 0, 2, 4]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, NaN, 1, 0], true, [4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 4]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [1, 1, 2, NaN], false, [0, 0, 0, 2, 2, 3, 3, 3, 4, 3, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [1, 1, 2, NaN], true, [0, 0, 0, 0, 2, 2, 3, 3, 3, 3, 0]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, 2, 1, 1], false, [4, 4, 4, 2, 2, 1, 1, 1, 0, 1, 4]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, 2, 1, 1], true, [4, 4, 4, 4, 2, 2, 1, 1, 1, 1, 4]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity], false, [2, 2, 2, 2, 2, 2, 2, 2, 0, 1, 2]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity], true, [2, 2, 2, 2, 2, 2, 2, 2, 1, 2, 3]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [-Infinity, Infinity, NaN], false, [1, 1, 1, 1, 1, 1, 1, 1, 3, 2, 1]],
  [[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, NaN, Infinity, -Infinity], [-Infinity, Infinity, NaN], true, [1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 0]],
  [[0, 2, 0, -1, Infinity, -1, -Infinity, -4, -3, NaN, 2], [-3, -2, 1, 2, NaN], false, [2, 4, 2, 2, 4, 2, 0, 0, 1, 5, 4]],
  [[3, -4, -Infinity, 0, -4, 2, -1, Infinity, -2, 0, NaN], [NaN, NaN, 3, 1, 0, -1], false, [2, 6, 6, 4, 6, 3, 5, 2, 6, 4, 0]],
  [[-2, 2, -Infinity, Infinity, -4, NaN, 1, 4, 2, -1, -4], [-3, -3, -3, -1, 3], true, [3, 4, 0, 5, 0, 5, 4, 5, 4, 3, 0]],
  [[-3, -Infinity, 0, NaN, 4, 2, 0, 2, -1, Infinity, -1], [1, -1], true, [2, 2, 1, 0, 0, 0, 1, 0, 2, 0, 2]],
  [[Infinity, 1, NaN, -2, -3, -3, -1, 1, -Infinity, 2, 4], [-1, 0, 0, 2, 2, NaN, NaN], false, [5, 3, 7, 0, 0, 0, 1, 3, 0, 5, 5]],
  [[-2, -4, 4, Infinity, 4, NaN, -Infinity, 3, 4, -3, 0], [NaN, 0, -1], false, [3, 3, 1, 1, 1, 0, 3, 1, 1, 3, 1]],
  [[2, -1, -2, -Infinity, 2, Infinity, 3, 2, 1, NaN, 0], [-3, -2, -2, 2, NaN], true, [3, 3, 1, 0, 3, 4, 4, 3, 3, 4, 3]],
  [[1, 2, -2, 4, Infinity, -4, NaN, 2, -Infinity, 2, -2], [1, 0, -2, -2, -2], true, [1, 0, 5, 0, 0, 5, 0, 0, 5, 0, 5]],
  [[Infinity, 2, NaN, 2, -Infinity, 4, -3, -3, -2, -1, 2], [-3, 1, 1, 3, NaN], false, [4, 3, 5, 3, 0, 4, 1, 1, 1, 1, 3]],
  [[-4, -4, -4, Infinity, 0, 4, NaN, 1, 0, -1, -Infinity], [NaN, NaN, 1, 0, -1, -1, -3], false, [7, 7, 7, 2, 3, 2, 0, 2, 3, 4, 7]],
  [[-4, 1, -3, 3, Infinity, NaN, 1, -3, -4, -Infinity, -3], [-3, -2, 0, 0, 2, NaN, NaN], true, [0, 4, 0, 5, 5, 5, 4, 0, 0, 0, 0]],
  [[-2, -1, -Infinity, 4, 1, Infinity, -2, 0, NaN, -3, -1], [3, 2, 1, 1, 0, -1], true, [6, 6, 6, 0, 4, 0, 6, 5, 0, 6, 6]],
  [[-3, 0, Infinity, 1, 2, -3, 3, -Infinity, 3, NaN, 4], [-1, -1, 0, NaN, NaN], false, [0, 3, 3, 3, 3, 0, 3, 0, 3, 5, 3]],
  [[-Infinity, -1, 3, Infinity, 0, 4, -1, 0, 0, -2, NaN], [NaN, NaN, 3, -2, -3], false, [5, 3, 2, 2, 3, 2, 3, 3, 3, 3, 0]],
  [[4, -Infinity, -2, 2, -2, NaN, 0, 2, 2, Infinity, 2], [2, 3, NaN], true, [2, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0]],
  [[NaN, 2, -Infinity, 0, -3, Infinity, -3, 1, -3, 2, 2], [3, 2, -2], true, [0, 2, 3, 2, 3, 0, 3, 2, 3, 2, 2]],
];

describe('digitize: NaN in bins as NumPy 1.24', () => {
  // Before: any NaN in bins was refused ("bins must be monotonically increasing or decreasing").
  it('matches np.digitize eagerly, under jit (guarded replay) and under vmap (direction from the ends)', () => {
    for (const [x, b, right, want] of DIGITIZE_NAN) {
      expect(ad.digitize(ad.tensor(x), ad.tensor(b), right).toArray()).toEqual(want);
      const jf = ad.jit((xx: ad.Tensor, bb: ad.Tensor) => ad.digitize(xx, bb, right));
      jf(ad.tensor(x), ad.tensor(b));
      expect(jf(ad.tensor(x), ad.tensor(b)).toArray()).toEqual(want);
      expect(ad.vmap((bb: ad.Tensor) => ad.digitize(ad.tensor(x), bb, right))(ad.tensor([b])).toArray()).toEqual([want]);
    }
  });
  it('NaN where NumPy order does not put it is refused (NumPy answers by its search path: np.digitize([0, 1, nan], [1, nan]) = [2, 0, 0])', () => {
    for (const b of [[1, NaN], [1, 1, NaN], [2, 1, 0, NaN], [0, NaN, 1], [1, NaN, 0], [0, 1, NaN, 2]]) {
      expect(() => ad.digitize(ad.tensor([0, 1]), ad.tensor(b))).toThrow(/^digitize: bins hold NaN at entry \d, where NumPy's order \(NaN sorts last\) does not put it/);
    }
    // NumPy's own refusal: [nan, 0, 1] is "decreasing" from its first pair, then 0 < 1.
    expect(() => ad.digitize(ad.tensor([0]), ad.tensor([NaN, 0, 1]))).toThrow(/^digitize: bins must be monotonically increasing or decreasing/);
    expect(() => ad.digitize(ad.tensor([0]), ad.tensor([0, 2, 1]))).toThrow(/^digitize: bins must be monotonically increasing or decreasing/);
  });
});
