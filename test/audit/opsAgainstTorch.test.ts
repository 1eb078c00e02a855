/**
 * @file Regressions found by differential testing of the op catalogue and ad.linalg against
 * PyTorch 1.13 (float64, torch.autograd) and NumPy. The oracle values are written out here (closed
 * forms, or the numbers torch/NumPy printed), so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('clip with lo > hi', () => {
  // numpy.clip, jnp.clip (minimum(maximum(x, lo), hi)) and torch.clamp all give hi everywhere
  // when lo > hi: np.clip([-5, 0, 5], 1, -1) == [-1, -1, -1].
  it('is hi everywhere, as minimum(maximum(x, lo), hi)', () => {
    expect(arr(ad.clip(ad.tensor([-5, 0, 5]), 1, -1))).toEqual([-1, -1, -1]);
    expect(arr(ad.clip(ad.tensor([-5, 0, 5]), ad.tensor([1, -2, 1]), ad.tensor([-1, 2, 0])))).toEqual([-1, 0, 0]);
  });

  it('sends the whole gradient to hi there, and none to x or lo', () => {
    const [gx, glo, ghi] = ad.grad((x: Tensor, lo: Tensor, hi: Tensor) => ad.sum(ad.mul(ad.clip(x, lo, hi), ad.tensor([1, 2, 3]))), [0, 1, 2])(
      ad.tensor([-5, 0, 5]), ad.tensor(1), ad.tensor(-1),
    );
    expect(arr(gx)).toEqual([0, 0, 0]);
    expect(glo.item()).toBe(0);
    expect(ghi.item()).toBe(6);
  });

  it('keeps the documented gradient on [lo, hi] (boundaries included) when lo ≤ hi', () => {
    const g = ad.grad((x: Tensor) => ad.sum(ad.clip(x, -0.5, 0.5)))(ad.tensor([-1, -0.5, 0, 0.5, 1]));
    expect(arr(g)).toEqual([0, 1, 1, 1, 0]);
    const [glo, ghi] = ad.grad((lo: Tensor, hi: Tensor) => ad.sum(ad.clip(ad.tensor([-1, 0, 1]), lo, hi)), [0, 1])(ad.tensor(-0.5), ad.tensor(0.5));
    expect([glo.item(), ghi.item()]).toEqual([1, 1]);
  });
});
