/**
 * @file A tensor where an options object goes (NumPy's positional forms: cov(x, y), bincount(x, w),
 * average(x, axis, w), a fourth tensor to dotProductAttention) is refused as not an options object —
 * it was read as one and named its own fields ("unknown option 'buffer'").
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const x = ad.tensor([1, 2, 3]), y = ad.tensor([2, 1, 0]);

describe('options must be plain objects', () => {
  it.each([
    ['cov', () => ad.cov(x, y as never)],
    ['corrcoef', () => ad.corrcoef(x, y as never)],
    ['average', () => ad.average(x, 0, y as never)],
    ['bincount', () => ad.bincount(ad.tensor([0, 1, 1]), y as never)],
    ['dotProductAttention', () => ad.dotProductAttention(ad.ones([2, 2]), ad.ones([2, 2]), ad.ones([2, 2]), ad.ones([2, 2]) as never)],
    ['maxPool', () => ad.maxPool(ad.ones([1, 1, 4]), [2], new Float64Array(2) as never)],
  ])('%s names the options it takes and what it got', (op, call) => {
    expect(call).toThrow(new RegExp(`${op}: options must be an object.*got (a tensor|an object \\(Float64Array\\))`));
  });

  it('plain objects, and objects without a prototype, still work', () => {
    expect(ad.cov(ad.tensor([[1, 2, 3], [2, 1, 0]]), { rowvar: true }).shape).toEqual([2, 2]);
    const bare = Object.assign(Object.create(null), { minlength: 4 });
    expect(ad.bincount(ad.tensor([0, 1, 1]), bare).toArray()).toEqual([1, 2, 0, 0]);
  });
});
