/**
 * @file conv's and the pools' 'same' padding at any stride, as XLA's SAME (jax.lax.conv_general_dilated,
 * flax): ⌈L/stride⌉ outputs, the odd one of the total padding after ('same_lower': before), and JAX's
 * upper-case spellings. Small cases worked by hand; larger ones against the same convolution with the
 * padding written out (whose values the nn reviews check against PyTorch).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const seq = (shape: number[], scale = 1) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return ad.tensor(Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + 0.2) * scale), shape);
};

describe("conv with padding 'same' at strides > 1 (XLA's SAME)", () => {
  it('hand-worked 1-d cases: an even and an odd total padding, SAME and SAME_LOWER', () => {
    const w = ad.tensor([[[1, 1, 1]]]);
    // L = 5, stride 2: 3 outputs, total (3 − 1)·2 + 3 − 5 = 2 → [1, 1]: windows of [0,1,2,3,4,5,0].
    expect(ad.conv(ad.tensor([[[1, 2, 3, 4, 5]]]), w, { stride: 2, padding: 'SAME' }).toArray()).toEqual([[[3, 9, 9]]]);
    // L = 6, stride 2: 3 outputs, total 1 → SAME [0, 1], SAME_LOWER [1, 0].
    const x6 = ad.tensor([[[1, 2, 3, 4, 5, 6]]]);
    expect(ad.conv(x6, w, { stride: 2, padding: 'same' }).toArray()).toEqual([[[6, 12, 11]]]);
    expect(ad.conv(x6, w, { stride: 2, padding: 'SAME_LOWER' }).toArray()).toEqual([[[3, 9, 15]]]);
    expect(ad.conv(x6, w, { stride: 2, padding: 'VALID' }).toArray()).toEqual([[[6, 12]]]);
    // No padding needed when the windows already cover L: L = 7, k = 1, stride 3 → 3 outputs, total max(0, 6 + 1 − 7) = 0.
    expect(ad.conv(ad.tensor([[[1, 2, 3, 4, 5, 6, 7]]]), ad.tensor([[[2]]]), { stride: 3, padding: 'SAME' }).toArray()).toEqual([[[2, 8, 14]]]);
  });

  it('2-d and 3-d, with dilation and groups: ⌈L/s⌉ outputs and the values of the written-out padding, gradients included', () => {
    const cases: Array<{ x: number[]; w: number[]; stride: number[]; dilation: number[]; groups: number; pads: Array<[number, number]>; lower: Array<[number, number]> }> = [
      // L = 7, s = 2, extent 3 → total 2 → [1, 1]; L = 8, s = 3, extent 2·(2 − 1) + 1 = 3 → total 2·3 + 3 − 8 = 1 → [0, 1] (lower [1, 0]).
      { x: [2, 4, 7, 8], w: [6, 2, 3, 2], stride: [2, 3], dilation: [1, 2], groups: 2, pads: [[1, 1], [0, 1]], lower: [[1, 1], [1, 0]] },
      // L = 5, 6, 4 with s = 2, 4, 1 and k = 2, 3, 3: totals 1, 1 (4 + 3 − 6), 2 → [0,1], [0,1], [1,1].
      { x: [1, 2, 5, 6, 4], w: [3, 2, 2, 3, 3], stride: [2, 4, 1], dilation: [1, 1, 1], groups: 1, pads: [[0, 1], [0, 1], [1, 1]], lower: [[1, 0], [1, 0], [1, 1]] },
    ];
    for (const c of cases) {
      const x = seq(c.x), w = seq(c.w, 0.5);
      const base = { stride: c.stride, dilation: c.dilation, groups: c.groups };
      const f = (padding: unknown) => (a: Tensor, b: Tensor) => ad.sum(ad.square(ad.conv(a, b, { ...base, padding: padding as 'same' })));
      const same = ad.conv(x, w, { ...base, padding: 'SAME' });
      const written = ad.conv(x, w, { ...base, padding: c.pads });
      expect(same.shape.slice(2)).toEqual(c.x.slice(2).map((L, j) => Math.ceil(L / c.stride[j]!)));
      expect(same.toArray()).toEqual(written.toArray());
      expect(ad.conv(x, w, { ...base, padding: 'same_lower' }).toArray()).toEqual(ad.conv(x, w, { ...base, padding: c.lower }).toArray());
      const [gs, gw] = [ad.grad(f('same'), [0, 1])(x, w), ad.grad(f(c.pads), [0, 1])(x, w)] as [Tensor[], Tensor[]];
      expect(gs[0]!.toArray()).toEqual(gw[0]!.toArray());
      expect(gs[1]!.toArray()).toEqual(gw[1]!.toArray());
    }
  });

  it("the pools take JAX's spellings too, and an unknown padding name is an error listing them", () => {
    const x = seq([1, 2, 7, 5]);
    expect(ad.maxPool(x, [3, 2], { stride: [2, 2], padding: 'SAME' }).toArray()).toEqual(ad.maxPool(x, [3, 2], { stride: [2, 2], padding: 'same' }).toArray());
    expect(ad.avgPool(x, [3, 2], { stride: [2, 2], padding: 'SAME_LOWER' }).toArray())
      .toEqual(ad.avgPool(x, [3, 2], { stride: [2, 2], padding: [[1, 1], [1, 0]] }).toArray());
    expect(() => ad.conv(x, seq([1, 2, 2, 2]), { padding: 'full' as 'same' })).toThrow(/conv: padding must be .*'same', 'same_lower' or 'valid' \(or JAX's 'SAME', 'SAME_LOWER', 'VALID'\), got 'full'/);
  });
});
