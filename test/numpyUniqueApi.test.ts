/** @file The array API's unique functions (uniqueValues, uniqueCounts, uniqueInverse, uniqueAll): against a brute-force oracle (property, NaNs included, each its own value), NumPy's values, size/fillValue, the inverse rebuilding x, gradients, and the errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

/** Brute force: distinct values sorted (NaN last, each NaN distinct), first occurrences, inverse, counts. */
function oracle(xs: number[]): { values: number[]; indices: number[]; inverse: number[]; counts: number[] } {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => {
    const an = Number.isNaN(a[0]), bn = Number.isNaN(b[0]);
    if (an !== bn) return an ? 1 : -1;
    if (an) return a[1] - b[1];
    return a[0] - b[0] || a[1] - b[1];
  });
  const values: number[] = [], indices: number[] = [], counts: number[] = [];
  const inverse = new Array<number>(xs.length);
  for (const [v, i] of order) {
    const last = values.length - 1;
    if (last >= 0 && !Number.isNaN(v) && values[last] === v) {
      counts[last]!++;
    } else {
      values.push(v);
      indices.push(i);
      counts.push(1);
    }
    inverse[i] = values.length - 1;
  }
  return { values, indices, inverse, counts };
}

describe('uniqueValues, uniqueCounts, uniqueInverse and uniqueAll', () => {
  it('agree with brute force on arrays with repeats and NaNs (property), the inverse in x\'s shape', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(NaN)), { minLength: 1, maxLength: 12 }), fc.boolean(), (xs, square) => {
        const shape = square && xs.length % 2 === 0 ? [2, xs.length / 2] : [xs.length];
        const x = ad.tensor(xs, shape);
        const want = oracle(xs);
        const all = ad.uniqueAll(x);
        expect(Array.from(all.values.toFloat64Array())).toEqual(want.values);
        expect(Array.from(all.indices.toFloat64Array())).toEqual(want.indices);
        expect(Array.from(all.counts.toFloat64Array())).toEqual(want.counts);
        expect(all.inverseIndices.shape).toEqual(shape);
        expect(Array.from(all.inverseIndices.toFloat64Array())).toEqual(want.inverse);
        expect(Array.from(ad.uniqueValues(x).toFloat64Array())).toEqual(want.values);
        expect(Array.from(ad.uniqueCounts(x).counts.toFloat64Array())).toEqual(want.counts);
        // take(values, inverse) rebuilds x.
        const { values, inverseIndices } = ad.uniqueInverse(x);
        expect(Array.from(ad.take(values, ad.ravel(inverseIndices)).toFloat64Array())).toEqual(xs);
      }),
      { numRuns: 150 },
    );
  });

  it('give NumPy\'s values (numpy 1.24 unique with equal_nan=False, the inverse reshaped as numpy 2\'s unique_all)', () => {
    // np.unique([[3, 1, nan], [3, 2, nan]], return_index, return_inverse, return_counts, equal_nan=False)
    const r = ad.uniqueAll(ad.tensor([[3, 1, NaN], [3, 2, NaN]]));
    expect(r.values.toArray()).toEqual([1, 2, 3, NaN, NaN]);
    expect(r.indices.toArray()).toEqual([1, 4, 0, 2, 5]);
    expect(r.inverseIndices.toArray()).toEqual([[2, 0, 3], [2, 1, 4]]);
    expect(r.counts.toArray()).toEqual([1, 1, 2, 1, 1]);
  });

  it('take a static size with a fill value (jnp\'s), run under vmap with it, and differentiate the values', () => {
    expect(ad.uniqueValues(ad.tensor([3, 1, 3]), { size: 4, fillValue: -1 }).toArray()).toEqual([1, 3, -1, -1]);
    expect(ad.uniqueCounts(ad.tensor([3, 1, 3]), { size: 3, fillValue: 0 }).counts.toArray()).toEqual([1, 2, 0]);
    const rows = ad.vmap((row: ad.Tensor) => ad.uniqueValues(row, { size: 3, fillValue: 0 }))(ad.tensor([[2, 2, 1], [5, 4, 6]]));
    expect(rows.toArray()).toEqual([[1, 2, 0], [4, 5, 6]]);
    // Each value's cotangent goes to its first occurrence (unique's rule).
    expect(ad.grad((v: ad.Tensor) => ad.sum(ad.mul(ad.uniqueValues(v), ad.tensor([1, 10]))))(ad.tensor([3, 1, 3])).toArray()).toEqual([10, 1, 0]);
  });

  it('name the op for a bad option', () => {
    expect(() => ad.uniqueAll(ad.tensor([1]), { equalNan: true } as never)).toThrow(/^uniqueAll: unknown option 'equalNan'; the options are size and fillValue/);
    expect(() => ad.uniqueValues(ad.tensor([1]), 3 as never)).toThrow(/^uniqueValues: options must be an object/);
  });
});
