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

describe("linspace follows numpy.linspace's rule for a step that rounds to 0", () => {
  // np.linspace 1.24: where any step (b − a)/div == 0 the values are a + (i/div)·(b − a) for every
  // entry (gh-5437's subnormal handling; one column with a == b is enough). Literals from NumPy.
  it('a subnormal range descends as NumPy (numbers and tensor endpoints alike)', () => {
    for (const a of [5e-324, ad.scalar(5e-324)]) {
      expect(ad.linspace(a, 0, 5).toArray()).toEqual([5e-324, 5e-324, 5e-324, 0, 0]);
      expect(ad.linspace(a, 0, 5, false).toArray()).toEqual([5e-324, 5e-324, 5e-324, 0, 0]);
    }
    expect(ad.linspace(0, 1e-323, 5).toArray()).toEqual([0, 0, 5e-324, 1e-323, 1e-323]);
  });

  it('array endpoints with one equal pair take the (i/div)·(b − a) form in every column, to the bit', () => {
    expect(ad.linspace(2, ad.tensor([3, 2]), 7).toArray()).toEqual([[2, 2], [2.1666666666666665, 2], [2.3333333333333335, 2], [2.5, 2],
      [2.6666666666666665, 2], [2.8333333333333335, 2], [3, 2]]);
    expect(ad.linspace(ad.tensor([0.1, 0.1]), ad.tensor([0.7, 0.1]), 7, false).toArray()).toEqual([[0.1, 0.1], [0.18571428571428572, 0.1],
      [0.2714285714285714, 0.1], [0.3571428571428571, 0.1], [0.44285714285714284, 0.1], [0.5285714285714286, 0.1], [0.6142857142857142, 0.1]]);
    const col = ad.linspace(0.3, ad.tensor([1.7, -2.1, 0.3]), 7, false).toArray() as number[][];
    expect(col.map((r) => r[1])).toEqual([0.3, -0.042857142857142816, -0.3857142857142856, -0.7285714285714284, -1.0714285714285712,
      -1.4142857142857141, -1.757142857142857]);
    // The gradient is the same either way: ∂/∂b = i/div.
    expect(ad.grad((b: ad.Tensor) => ad.sum(ad.linspace(2, b, 5)))(ad.tensor([3, 2])).toArray()).toEqual([2.5, 2.5]);
  });
});

describe("pad 'linear_ramp' takes numpy.linspace's zero-step form per side", () => {
  it('an edge entry equal to the end value switches the whole side, as np.pad 1.24 (to the bit)', () => {
    // np.pad([[0, .3], [.7, .1], [.9, .2]], ((0, 0), (7, 0)), 'linear_ramp'): the first row's step is 0,
    // so every row is (i/7)·edge — 0.5, not 0.49999999999999994, in the second row.
    const r = ad.pad(ad.tensor([[0, 0.3], [0.7, 0.1], [0.9, 0.2]]), [[0, 0], [7, 0]], { mode: 'linear_ramp' }).toArray();
    expect(r).toEqual([[0, 0, 0, 0, 0, 0, 0, 0, 0.3],
      [0, 0.09999999999999999, 0.19999999999999998, 0.3, 0.39999999999999997, 0.5, 0.6, 0.7, 0.1],
      [0, 0.12857142857142856, 0.2571428571428571, 0.3857142857142857, 0.5142857142857142, 0.6428571428571429, 0.7714285714285714, 0.9, 0.2]]);
    // The corners a later axis ramps from a zero row an earlier one made: np.pad([[1, 2], [3, 4]], ((2, 2), (7, 7)), 'linear_ramp')[:, :7].
    const c = (ad.pad(ad.tensor([[1, 2], [3, 4]]), [[2, 2], [7, 7]], { mode: 'linear_ramp' }).toArray() as number[][]).map((row) => row.slice(0, 7));
    expect(c).toEqual([[0, 0, 0, 0, 0, 0, 0],
      [0, 0.07142857142857142, 0.14285714285714285, 0.21428571428571427, 0.2857142857142857, 0.35714285714285715, 0.42857142857142855],
      [0, 0.14285714285714285, 0.2857142857142857, 0.42857142857142855, 0.5714285714285714, 0.7142857142857143, 0.8571428571428571],
      [0, 0.42857142857142855, 0.8571428571428571, 1.2857142857142856, 1.7142857142857142, 2.142857142857143, 2.571428571428571],
      [0, 0.21428571428571427, 0.42857142857142855, 0.6428571428571428, 0.8571428571428571, 1.0714285714285714, 1.2857142857142856],
      [0, 0, 0, 0, 0, 0, 0]]);
    // Still linear in the edge: d/dedge of the ramp entry i is i/width (plus 1 for the edge itself).
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.pad(x, [4, 0], { mode: 'linear_ramp', endValues: 2 })))(ad.tensor([2, 5])).toArray()).toEqual([2.5, 1]);
  });
});
