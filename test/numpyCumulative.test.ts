/** @file cumulativeSum and cumulativeProd (numpy 2's cumulative_sum / cumulative_prod, jnp's): values against loops written out, includeInitial, the axis rule, derivatives to second order, vmap and jit, and the errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

/** The running sum or product along `axis` of a row-major array, by loops: the oracle. */
function running(values: number[], shape: number[], axis: number, product: boolean, initial: boolean): number[] {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const m = initial ? n + 1 : n;
  const out = new Array<number>(outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = product ? 1 : 0;
      if (initial) out[(o * m) * inner + i] = acc;
      for (let k = 0; k < n; k++) {
        const v = values[(o * n + k) * inner + i]!;
        acc = product ? acc * v : acc + v;
        out[(o * m + k + (initial ? 1 : 0)) * inner + i] = acc;
      }
    }
  }
  return out;
}

describe('cumulativeSum and cumulativeProd', () => {
  it('give the running sum and product along the axis, with the empty one first under includeInitial', () => {
    expect(ad.cumulativeSum(ad.tensor([1, 2, 3])).toArray()).toEqual([1, 3, 6]);
    expect(ad.cumulativeSum(ad.tensor([1, 2, 3]), { includeInitial: true }).toArray()).toEqual([0, 1, 3, 6]);
    expect(ad.cumulativeProd(ad.tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray()).toEqual([[1, 2], [3, 12]]);
    expect(ad.cumulativeProd(ad.tensor([[1, 2], [3, 4]]), { axis: -2, includeInitial: true }).toArray()).toEqual([[1, 1], [1, 2], [3, 8]]);
    // An empty axis: nothing, or the empty sum alone.
    expect(ad.cumulativeSum(ad.zeros([0])).shape).toEqual([0]);
    expect(ad.cumulativeSum(ad.zeros([0]), { includeInitial: true }).toArray()).toEqual([0]);
    expect(ad.cumulativeProd(ad.zeros([2, 0]), { axis: 1, includeInitial: true }).toArray()).toEqual([[1], [1]]);
  });

  it('agree with loops at random shapes, axes and includeInitial (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        (shape, axisPick, initial, product, seed) => {
          const axis = axisPick % shape.length;
          const size = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: size }, (_, i) => Math.round(Math.sin(seed + i) * 40) / 10);
          const x = ad.tensor(values, shape);
          const got = (product ? ad.cumulativeProd : ad.cumulativeSum)(x, { axis, includeInitial: initial });
          const want = running(values, shape, axis, product, initial);
          const wantShape = shape.slice();
          wantShape[axis] = shape[axis]! + (initial ? 1 : 0);
          expect(got.shape).toEqual(wantShape);
          const g = got.toFloat64Array();
          want.forEach((w, i) => expect(g[i]).toBeCloseTo(w, 10));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('differentiate to second order, zeros among the factors included, and under vmap and jit', () => {
    const x = ad.tensor([[0.7, -1.2, 0.4], [1.5, 0, -0.8]]);
    for (const initial of [false, true]) {
      expect(ad.checkGrad((v: ad.Tensor) => ad.sum(ad.sin(ad.cumulativeSum(v, { axis: 1, includeInitial: initial }))), [x], { order: 2 }).ok).toBe(true);
      expect(ad.checkGrad((v: ad.Tensor) => ad.sum(ad.cumulativeProd(v, { axis: 1, includeInitial: initial })), [x], { order: 2 }).ok).toBe(true);
    }
    // d/dx Σ [1, x0, x0x1, x0x1x2] at (2, 0, 3): the exact derivative through the zero.
    expect(ad.grad((v: ad.Tensor) => ad.sum(ad.cumulativeProd(v, { includeInitial: true })))(ad.tensor([2, 0, 3])).toArray()).toEqual([1, 8, 0]);
    const perRow = ad.vmap((row: ad.Tensor) => ad.cumulativeSum(row, { includeInitial: true }))(x);
    expect(perRow.shape).toEqual([2, 4]);
    expect(perRow.toArray()).toEqual(ad.cumulativeSum(x, { axis: 1, includeInitial: true }).toArray());
    const jitted = ad.jit((v: ad.Tensor) => ad.cumulativeProd(v, { axis: 0 }));
    expect(jitted(x).toArray()).toEqual(ad.cumprod(x, 0).toArray());
  });

  it('name the op and the fix for a missing axis, a bad option or a bad axis', () => {
    expect(() => ad.cumulativeSum(ad.zeros([2, 2]))).toThrow(/^cumulativeSum: x has shape \[2,2\]; the axis may be left out only for a 1-D x.*\{ axis: 0 \}/);
    expect(() => ad.cumulativeProd(ad.scalar(2))).toThrow(/^cumulativeProd: x has shape \[\]/);
    expect(() => ad.cumulativeSum(ad.zeros([2]), { axs: 0 } as never)).toThrow(/^cumulativeSum: unknown option 'axs'; the options are axis and includeInitial/);
    expect(() => ad.cumulativeSum(ad.zeros([2]), { axis: 1 })).toThrow(/cumulativeSum: axis 1 is out of range/);
    expect(() => ad.cumulativeSum(ad.zeros([2]), { includeInitial: 1 } as never)).toThrow(/^cumulativeSum: includeInitial must be true or false/);
    expect(() => ad.cumulativeSum(ad.zeros([2]), 0 as never)).toThrow(/^cumulativeSum: options must be an object/);
  });
});
