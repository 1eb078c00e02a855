/**
 * @file NumPy's other names (src/ops/numpyNames.ts): each alias is the very function of the op it
 * names (so signature, derivatives and errors are that op's), and computes what NumPy's name does.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe("NumPy's other names", () => {
  const pairs: Array<[keyof typeof ad, keyof typeof ad]> = [
    ['absolute', 'abs'], ['negative', 'neg'], ['subtract', 'sub'], ['multiply', 'mul'], ['divide', 'div'],
    ['trueDivide', 'div'], ['power', 'pow'], ['arccos', 'acos'], ['arcsin', 'asin'], ['arctan', 'atan'],
    ['arctan2', 'atan2'], ['arccosh', 'acosh'], ['arcsinh', 'asinh'], ['arctanh', 'atanh'], ['amax', 'max'],
    ['amin', 'min'], ['degrees', 'rad2deg'], ['radians', 'deg2rad'], ['around', 'round'], ['concatenate', 'concat'],
    ['rowStack', 'vstack'], ['takeAlongAxis', 'gather'], ['putAlongAxis', 'scatter'],
  ];
  it('are the same functions as the ops they name', () => {
    for (const [alias, op] of pairs) expect(ad[alias], `${alias} is ${op}`).toBe(ad[op]);
  });

  it("compute NumPy's values (numpy 1.24)", () => {
    // np.arccos(0.5), np.arctan2(1, -1), np.amax([[1, 5], [7, 2]], axis=0), np.around(2.675, 2),
    // np.take_along_axis([[10, 30, 20]], [[2, 0]], 1), np.degrees(np.pi)
    expect(ad.arccos(0.5).item()).toBe(1.0471975511965979);
    expect(ad.arctan2(1, -1).item()).toBe(2.356194490192345);
    expect(ad.amax(ad.tensor([[1, 5], [7, 2]]), 0).toArray()).toEqual([7, 5]);
    expect(ad.around(2.675, 2).item()).toBe(2.68); // NumPy: 2.68 (Python's round gives 2.67)
    expect(ad.takeAlongAxis(ad.tensor([[10, 30, 20]]), [[2, 0]], 1).toArray()).toEqual([[20, 10]]);
    expect(ad.degrees(Math.PI).item()).toBe(180);
    expect(ad.concatenate([ad.tensor([[1, 2]]), ad.tensor([[3, 4]])], 0).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(ad.putAlongAxis(ad.zeros([4]), [1, 3], ad.tensor([5, 6]), 0).toArray()).toEqual([0, 5, 0, 6]);
  });

  it('differentiate as their ops do', () => {
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.arcsin(ad.multiply(x, 0.5))))(ad.tensor([0.2, -0.4]));
    const want = [0.2, -0.4].map((x) => 0.5 / Math.sqrt(1 - (0.5 * x) ** 2));
    Array.from(g.toFloat64Array()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 15));
  });
});
