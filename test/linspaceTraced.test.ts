/**
 * @file linspace, logspace and geomspace with tensor endpoints, as jnp's: differentiated (∂/∂a =
 * 1 − i/div, ∂/∂b = i/div), mapped by vmap, or arrays of starts and stops broadcasting to
 * [n, ...shape]. Values against NumPy 1.24 (np.linspace / np.geomspace with array endpoints),
 * gradients by hand and checkGrad to order 2, vmap and jit against the loop, errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => t.toArray();

describe('linspace / logspace / geomspace with tensor endpoints', () => {
  it('values as NumPy with array endpoints, and the same bits as the numbers path', () => {
    // np.linspace([0, 1], [[1], [3]], 4)
    expect(arr(ad.linspace(ad.tensor([0, 1]), ad.tensor([[1], [3]]), 4))).toEqual(
      [[[0, 1], [0, 1]], [[0.3333333333333333, 1], [1, 1.6666666666666665]], [[0.6666666666666666, 1], [2, 2.333333333333333]], [[1, 1], [3, 3]]]);
    // np.linspace(-0.3, [2.9, 1e-3], 6, endpoint=False)
    expect(arr(ad.linspace(-0.3, ad.tensor([2.9, 1e-3]), 6, false))).toEqual(
      [[-0.3, -0.3], [0.23333333333333334, -0.24983333333333332], [0.7666666666666666, -0.19966666666666666], [1.3, -0.1495],
        [1.8333333333333333, -0.09933333333333333], [2.3666666666666667, -0.049166666666666636]]);
    for (const [a, b, n, endpoint] of [[0.1, 0.7, 7, true], [-3, 1e-9, 5, false], [2, 2, 4, true], [1, 5, 1, true], [1, 5, 0, true]] as const) {
      expect(arr(ad.linspace(ad.scalar(a), b, n, endpoint))).toEqual(arr(ad.linspace(a, b, n, endpoint)));
    }
    expect(arr(ad.logspace(ad.scalar(0), 3, 4))).toEqual([1, 10, 100, 1000]);
    const g = ad.geomspace(ad.tensor([-1, 2]), ad.tensor([-1000, 32]), 5).toArray() as number[][];
    // np.geomspace([-1, 2], [-1000, 32], 5)
    const want = [[-1, 2], [-5.623413251903491, 4], [-31.622776601683793, 7.999999999999999], [-177.82794100389228, 16], [-1000, 32]];
    g.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 12)));
    expect(g[0]).toEqual([-1, 2]); // the ends exactly
    expect(g[4]).toEqual([-1000, 32]);
    expect(ad.geomspace(ad.scalar(1), 1000, 4, { endpoint: false }).shape).toEqual([4]);
  });

  it('gradients: ∂/∂a = 1 − i/div, ∂/∂b = i/div (jnp.linspace differentiates its endpoints)', () => {
    const w = ad.tensor([1, 2, 3, 4, 5]);
    const f = (a: Tensor, b: Tensor) => ad.sum(ad.mul(w, ad.linspace(a, b, 5)));
    const [ga, gb] = ad.grad(f, [0, 1])(ad.scalar(0.5), ad.scalar(2));
    // Σ w_i (1 − i/4) = 1 + 2·0.75 + 3·0.5 + 4·0.25 = 5; Σ w_i i/4 = 0.5 + 1.5 + 3 + 5 = 10
    expect([ga.item(), gb.item()]).toEqual([5, 10]);
    expect(ad.grad((b: Tensor) => ad.sum(ad.linspace(0, b, 5, false)))(ad.scalar(2)).item()).toBe(2); // (0 + 1 + 2 + 3 + 4)/5
    expect(ad.checkGrad((a: Tensor, b: Tensor) => ad.sum(ad.sin(ad.linspace(a, b, 6))), [ad.tensor([0.3, -1]), ad.tensor([2, 0.5])], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((a: Tensor, b: Tensor) => ad.sum(ad.logspace(a, b, 5, { base: 2 })), [ad.scalar(0.3), ad.scalar(1.7)], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((a: Tensor, b: Tensor) => ad.sum(ad.geomspace(a, b, 5)), [ad.scalar(0.5), ad.scalar(8)], { order: 2 }).ok).toBe(true);
  });

  it('vmap over the endpoints equals the loop (it refused: "a is a tensor being differentiated or traced"); jit replays', () => {
    const starts = ad.tensor([0, 1, 2]);
    expect(arr(ad.vmap((a: Tensor) => ad.linspace(a, 10, 3))(starts))).toEqual([[0, 5, 10], [1, 5.5, 10], [2, 6, 10]]);
    const stops = ad.tensor([3, -2]);
    const f = (a: Tensor, b: Tensor) => ad.geomspace(ad.exp(a), ad.exp(b), 4);
    expect(arr(ad.vmap(f)(ad.tensor([0, 1]), stops))).toEqual([0, 1].map((k) => arr(f(ad.take(ad.tensor([0, 1]), k, 0), ad.take(stops, k, 0)))));
    const jitted = ad.jit((b: Tensor) => ad.linspace(0, b, 4));
    expect(arr(jitted(ad.scalar(3)))).toEqual([0, 1, 2, 3]);
    expect(arr(jitted(ad.scalar(6)))).toEqual([0, 2, 4, 6]);
  });

  it('errors', () => {
    expect(() => ad.linspace(ad.scalar(0), 1, 2.5)).toThrow(/^linspace: n \(the number of values\) must be a non-negative integer, got number 2.5/);
    expect(() => ad.linspace(ad.tensor([0, 1]), ad.tensor([1, 2, 3]), 3)).toThrow(/^linspace: .*\[2\].*\[3\]/);
    expect(() => ad.linspace(ad.scalar(0), 1, 3, 'no' as never)).toThrow(/^linspace: endpoint must be true or false/);
    expect(() => ad.geomspace(ad.tensor([1, 0]), 5, 3)).toThrow(/^geomspace: a geometric sequence cannot include zero/);
  });
});

describe('linspace without n', () => {
  it('takes 50 values, as numpy.linspace and jnp.linspace (a JAX-port review found it required)', () => {
    const x = ad.linspace(0, 1);
    expect(x.shape).toEqual([50]);
    expect(x.toFloat64Array()[49]).toBe(1);
    expect(ad.linspace(0, 1, undefined, false).toFloat64Array()[1]).toBe(0.02);
    expect(ad.linspace(ad.scalar(0), ad.scalar(2)).shape).toEqual([50]);
  });
});
