/**
 * @file Helper 117's review of the day's additions (where=/initial= reductions, take/gather
 * modes, pad's new modes, einsum's sublist form, tensor-endpoint linspace family, hessian of
 * non-scalar outputs, negative argnums, grad's refusal of a returned read number): regressions
 * for what it found.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe("pad reflectType 'odd' past the axis length", () => {
  // Oracle: numpy.pad's _set_reflect_both with the chunk cut to whole periods (numpy/numpy#25963,
  // NumPy ≥ 2.1; jnp.pad's odd reflection agrees), simulated in Python on these inputs; the same
  // simulation without the cut reproduces NumPy 1.24's np.pad bit for bit over n = 1…5, widths 0…13,
  // whose one-sided wide borders stall (#25926): 1.24 gives [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 5] for
  // the first case and ends …, 6.5, 4.75, 3, 1.25 in the third.
  it('continues the trend on the wide side', () => {
    expect(ad.pad(ad.tensor([1, 2]), [1, 9], { mode: 'symmetric', reflectType: 'odd' }).toArray())
      .toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    // A line is its own odd extension: 'reflect' odd of 0, 1, 2 is the line itself, however wide.
    expect(ad.pad(ad.tensor([0, 1, 2]), [2, 11], { mode: 'reflect', reflectType: 'odd' }).toArray())
      .toEqual(Array.from({ length: 16 }, (_, i) => i - 2));
    expect(ad.pad(ad.tensor([0.5, -1.25, 2]), [1, 9], { mode: 'reflect', reflectType: 'odd' }).toArray())
      .toEqual([2.25, 0.5, -1.25, 2, 5.25, 3.5, 1.75, 5, 8.25, 6.5, 4.75, 8, 11.25]);
    // Unchanged where NumPy 1.24 was already right (both sides within the cut).
    expect(ad.pad(ad.tensor([0.5, -1.25, 2]), [7, 2], { mode: 'reflect', reflectType: 'odd' }).toArray())
      .toEqual([-7.25, -4, -0.75, -2.5, -4.25, -1, 2.25, 0.5, -1.25, 2, 5.25, 3.5]);
    expect(ad.pad(ad.tensor([0.5, -1.25, 2]), [2, 8], { mode: 'symmetric', reflectType: 'odd' }).toArray())
      .toEqual([2.25, 0.5, 0.5, -1.25, 2, 2, 5.25, 3.5, 3.5, 1.75, 5, 5, 8.25]);
  });

  it('the even modes stay periodic past the axis length, as before', () => {
    // The even reflection (index maps) of a wide one-sided border is periodic with period 2n − 2 / 2n.
    expect(ad.pad(ad.tensor([1, 2, 3]), [1, 9], { mode: 'reflect' }).toArray()).toEqual([2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    expect(ad.pad(ad.tensor([1, 2]), [1, 9], { mode: 'symmetric' }).toArray()).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
  });
});

describe("grad's refusal of a returned read number lets a constant 0 branch through", () => {
  const relu2 = (x: ad.Tensor) => (x.item() > 0 ? ad.square(x) : 0);
  it('a piecewise function evaluated at its boundary reads the 0 it returns: gradient 0, no error', () => {
    expect(ad.grad(relu2)(ad.scalar(0)).item()).toBe(0);
    expect(ad.valueAndGrad(relu2)(ad.scalar(0)).map((t) => (typeof t === 'number' ? t : t.item()))).toEqual([0, 0]);
    expect(ad.grad((x: ad.Tensor) => ((x as unknown as number) > 0 ? ad.mul(x, 2) : 0))(ad.scalar(0)).item()).toBe(0);
    expect(ad.hessian((x: ad.Tensor) => (x.item() > 0 ? ad.pow(x, 3) : 0))(ad.scalar(0)).item()).toBe(0);
    const hinge = (v: ad.Tensor) => { const m = ad.sub(1, ad.sum(v)); return m.item() > 0 ? m : 0; };
    expect(ad.grad(hinge)(ad.tensor([0.25, 0.75])).toArray()).toEqual([0, 0]);
    expect(ad.grad(hinge)(ad.tensor([0.25, 0.5])).toArray()).toEqual([-1, -1]);
  });

  it('a non-zero read number returned is still refused', () => {
    expect(() => ad.grad((v: ad.Tensor) => ad.sum(v).item())(ad.tensor([1, 2]))).toThrow(/^grad: the function returned the number 3, read from a tensor/);
    expect(() => ad.grad(relu2)(ad.scalar(-0.5))).not.toThrow();
  });
});
