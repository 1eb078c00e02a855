/**
 * @file cumsum's `{ reverse: true }` (jax.lax.cumsum's reverse, as the other cumulative ops take
 * it): values, derivatives, vmap, and bad options (a third argument was ignored silently).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('cumsum reverse', () => {
  const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);

  it('sums from the end along the axis, as flip ∘ cumsum ∘ flip', () => {
    expect(ad.cumsum(x, 1, { reverse: true }).toArray()).toEqual([[6, 5, 3], [15, 11, 6]]);
    expect(ad.cumsum(x, 0, { reverse: true }).toArray()).toEqual([[5, 7, 9], [4, 5, 6]]);
    expect(ad.cumsum(x, -1, { reverse: false }).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(ad.cumsum(x, 1, {}).toArray()).toEqual(ad.cumsum(x, 1).toArray());
  });

  it('gradient, jvp and vmap', () => {
    const w = ad.tensor([[1, -2, 0.5], [3, 0, 2]]);
    const f = (t: ad.Tensor) => ad.sum(ad.mul(ad.cumsum(t, 1, { reverse: true }), w));
    // ∂/∂x[i, j] = Σ_{k ≤ j} w[i, k] (entry j is summed into outputs 0 … j).
    expect((ad.grad(f)(x) as ad.Tensor).toArray()).toEqual([[1, -1, -0.5], [3, 3, 5]]);
    expect(ad.checkGrad(f, [x]).ok).toBe(true);
    const [, tangent] = ad.jvp((t: ad.Tensor) => ad.cumsum(t, 0, { reverse: true }), [x], [ad.ones([2, 3])]);
    expect((tangent as ad.Tensor).toArray()).toEqual([[2, 2, 2], [1, 1, 1]]);
    const batched = ad.vmap((row: ad.Tensor) => ad.cumsum(row, 0, { reverse: true }))(x) as ad.Tensor;
    expect(batched.toArray()).toEqual([[6, 5, 3], [15, 11, 6]]);
  });

  it('unknown options and non-boolean reverse throw', () => {
    expect(() => ad.cumsum(x, 0, { revers: true } as never)).toThrow(/cumsum: unknown option 'revers'; the one option is reverse/);
    expect(() => ad.cumsum(x, 0, { reverse: 1 } as never)).toThrow(/cumsum: reverse must be true or false, got/);
    expect(() => ad.cumsum(x, 0, 'float64' as never)).toThrow(/cumsum: options must be an object like \{ reverse: true \}/);
  });
});
