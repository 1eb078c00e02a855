/**
 * @file A second review of vmap beyond the op table (helper 79): linear algebra, control flow,
 * structured models, implicit differentiation, custom rules, jit, random keys, indexing and
 * reductions, each against the per-example loop (f on each slice, stacked with ad.stack). The
 * regressions fail on the code before their fix; the seeded property tests guard the classes checked.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** f over each example along axis 0 of every argument, stacked along 0. */
const loop = (f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]) => ad.stack(Array.from({ length: xs[0]!.shape[0]! }, (_, b) => f(...xs.map((x) => ad.take(x, b)))), 0);
const near = (got: Tensor, want: Tensor, tol = 1e-13) => {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => (Number.isFinite(v) ? expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))) : expect(g[i]).toBe(v)));
};

describe('whileLoop under vmap', () => {
  it('a condition of shape [1] (a single-element tensor, as outside vmap) keeps a 0-d carry 0-d (the mask broadcast it to [1] and the loop threw)', () => {
    const halve = (x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(ad.reshape(y, [1]), 1), (y: Tensor) => ad.div(y, 2), x);
    const xs = ad.tensor([10, 0.5, 3]);
    near(ad.vmap(halve)(xs) as Tensor, loop(halve, xs));
    near(ad.vmap(ad.grad(halve))(xs) as Tensor, loop(ad.grad(halve), xs));
    expect(arr(ad.vmap(halve)(xs) as Tensor)).toEqual([0.625, 0.5, 0.75]);
    // More than one value per example is still refused, naming the shape.
    expect(() => ad.vmap((x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(y, 1), (y: Tensor) => ad.div(y, 2), x))(ad.ones([2, 3])))
      .toThrow(/^whileLoop: under vmap, cond must return one value per example .*shape \[3\]/);
  });
});
