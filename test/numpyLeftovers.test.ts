/**
 * @file jnp/jax.nn gaps left after helper 113: pad's NumPy forms of constant_values (a number, [v],
 * [before, after], one pair or one value per axis), logsumexp's jax.nn keywords (b, returnSign,
 * where) on ad.logsumexp and ad.special.logsumexp, and linspace's retstep and axis. References: NumPy 1.24.2's np.pad and SciPy
 * 1.10.1's special.logsumexp over the masked-in terms of each slice (JAX's where= leaves the others
 * out), printed by scratch/h118_pad.py, scratch/h118_lse.py and scratch/h118_lin.py; gradients by checkGrad to second
 * order and against the softmax of the masked-in terms; vmap against the loop; errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => t.toArray();
const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);

describe('pad: constant_values forms (np.pad / jnp.pad)', () => {
  // np.pad(arange(1, 7).reshape(2, 3), [[1, 2], [2, 1]], constant_values=cv)
  const want: Array<[ad.PadOptions['value'], number[][]]> = [
    [5, [[5, 5, 5, 5, 5, 5], [5, 5, 1, 2, 3, 5], [5, 5, 4, 5, 6, 5], [5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5, 5]]],
    [[5], [[5, 5, 5, 5, 5, 5], [5, 5, 1, 2, 3, 5], [5, 5, 4, 5, 6, 5], [5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5, 5]]],
    [[[5]], [[5, 5, 5, 5, 5, 5], [5, 5, 1, 2, 3, 5], [5, 5, 4, 5, 6, 5], [5, 5, 5, 5, 5, 5], [5, 5, 5, 5, 5, 5]]],
    [[1, 2], [[1, 1, 1, 1, 1, 2], [1, 1, 1, 2, 3, 2], [1, 1, 4, 5, 6, 2], [1, 1, 2, 2, 2, 2], [1, 1, 2, 2, 2, 2]]],
    [[[1, 2]], [[1, 1, 1, 1, 1, 2], [1, 1, 1, 2, 3, 2], [1, 1, 4, 5, 6, 2], [1, 1, 2, 2, 2, 2], [1, 1, 2, 2, 2, 2]]],
    [[[1, 2], [3, 4]], [[3, 3, 1, 1, 1, 4], [3, 3, 1, 2, 3, 4], [3, 3, 4, 5, 6, 4], [3, 3, 2, 2, 2, 4], [3, 3, 2, 2, 2, 4]]],
    [[[1], [2]], [[2, 2, 1, 1, 1, 2], [2, 2, 1, 2, 3, 2], [2, 2, 4, 5, 6, 2], [2, 2, 1, 1, 1, 2], [2, 2, 1, 1, 1, 2]]],
  ];
  it.each(want.map(([cv, w], i) => [i, cv, w] as const))('case %i: value %j', (_i, cv, w) => {
    expect(arr(ad.pad(x, [[1, 2], [2, 1]], { value: cv }))).toEqual(w);
    expect(arr(ad.pad(x, [[1, 2], [2, 1]], { mode: 'constant', value: cv }))).toEqual(w);
  });

  it('a 1-d tensor with [before, after]; the other pair options take the same forms', () => {
    // np.pad([1., 2, 3], [2, 1], constant_values=[7, 9])
    expect(arr(ad.pad(ad.tensor([1, 2, 3]), [2, 1], { value: [7, 9] }))).toEqual([7, 7, 1, 2, 3, 9]);
    // np.pad(arange(1, 7).reshape(2, 3), 1, mode='linear_ramp', end_values=[[1], [2]])
    expect(arr(ad.pad(x, 1, { mode: 'linear_ramp', endValues: [[1], [2]] }))).toEqual(
      [[2, 1, 1, 1, 2], [2, 1, 2, 3, 2], [2, 4, 5, 6, 2], [2, 1, 1, 1, 2]]);
    expect(arr(ad.pad(x, 1, { mode: 'maximum', statLength: [[1], [2]] }))).toEqual(arr(ad.pad(x, 1, { mode: 'maximum', statLength: [[1, 1], [2, 2]] })));
  });

  it('gradients (checkGrad to second order), vmap and jit against the loop', () => {
    const f = (t: Tensor) => ad.sum(ad.mul(ad.pad(ad.mul(t, t), [[1, 0], [0, 2]], { value: [[-1, 2], [3, 0.5]] }), ad.arange(15).reshape([3, 5])));
    const r = ad.checkGrad(f, [x], { order: 2 });
    expect(r.ok).toBe(true);
    // d/dt Σ w·pad(t²) = 2t·w over the interior
    expect(arr(ad.grad(f)(x))).toEqual([[2 * 1 * 5, 2 * 2 * 6, 2 * 3 * 7], [2 * 4 * 10, 2 * 5 * 11, 2 * 6 * 12]]);
    const g = (t: Tensor) => ad.pad(t, [2, 1], { value: [[7, 9]] });
    const xs = ad.tensor([[1, 2], [3, 4], [5, 6]]);
    expect(arr(ad.vmap(g)(xs))).toEqual([0, 1, 2].map((k) => arr(g(ad.take(xs, k, 0)))));
    expect(arr(ad.jit(g)(ad.tensor([1, 2])))).toEqual([7, 7, 1, 2, 9]);
  });

  it('a tensor value (jnp.pad\'s traced constant_values): the same numbers, differentiable and mappable', () => {
    for (const [cv, w] of want) {
      if (cv === undefined) continue;
      expect(arr(ad.pad(x, [[1, 2], [2, 1]], { value: ad.tensor(cv as number) }))).toEqual(w);
    }
    // d/dv Σ pad(x, 1, value = [[b0, a0], [b1, a1]]): axis 0's rows (3 wide), axis 1's columns (4 tall, corners included)
    const count = ad.grad((v: Tensor) => ad.sum(ad.pad(x, 1, { value: v })))(ad.tensor([[1, 2], [3, 4]]));
    expect(arr(count)).toEqual([[3, 3], [4, 4]]);
    const f = (t: Tensor, v: Tensor) => ad.sum(ad.mul(ad.pad(ad.mul(t, t), [[1, 0], [2, 1]], { value: ad.mul(v, v) }), ad.arange(18).reshape([3, 6])));
    expect(ad.checkGrad(f, [x, ad.tensor([[0.5, -1], [2, 1.5]])], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad(f, [x, ad.tensor([0.5, -1])], { order: 2 }).ok).toBe(true);
    const g = (v: Tensor) => ad.pad(x, [[0, 1], [1, 0]], { value: v });
    const vs = ad.tensor([[[1, 2], [3, 4]], [[-1, 0], [9, 8]]]);
    expect(arr(ad.vmap(g)(vs))).toEqual([0, 1].map((k) => arr(g(ad.take(vs, k, 0)))));
    expect(arr(ad.vmap(g)(ad.tensor([5, 6])))).toEqual([arr(g(ad.scalar(5))), arr(g(ad.scalar(6)))]);
    expect(arr(ad.jit(g)(ad.tensor([[1, 2], [3, 4]])))).toEqual(arr(ad.pad(x, [[0, 1], [1, 0]], { value: [[1, 2], [3, 4]] })));
    expect(() => ad.pad(x, 1, { value: ad.ones([3, 2]) })).toThrow(/^pad: a value tensor of shape \[3, 2\] does not broadcast to \[2, 2\]/);
    expect(() => ad.pad(ad.tensor([1, 2]), 1, { value: ad.ones([2, 1]) })).toThrow(/^pad: a value tensor of shape \[2, 1\] does not broadcast to \[1, 2\]/);
  });

  it('errors name pad, the option and the fix', () => {
    // np.pad(x, 1, constant_values=[1, 2, 3]) and [[1, 2], [3, 4], [5, 6]]: cannot broadcast to (2, 2)
    expect(() => ad.pad(x, 1, { value: [1, 2, 3] as unknown as [number, number] })).toThrow(/^pad: value an array of length 3 holds 3 values; give one value, \[before, after\], or one \[before, after\] per axis/);
    expect(() => ad.pad(x, 1, { value: [[1, 2], [3, 4], [5, 6]] })).toThrow(/^pad: 3 pairs of value for a tensor of rank 2/);
    expect(() => ad.pad(ad.tensor([1, 2]), 1, { value: [[1], [2]] })).toThrow(/^pad: 2 pairs of value for a tensor of rank 1/);
    expect(() => ad.pad(x, 1, { value: [[1, 2, 3], [4, 5, 6]] as unknown as [number, number][] })).toThrow(/^pad: each axis's value must be a pair \[before, after\] \(or one value\)/);
    expect(() => ad.pad(x, 1, { value: [1, [2, 3]] as unknown as [number, number] })).toThrow(/^pad: each axis's value must be a pair/);
    expect(() => ad.pad(x, 1, { value: '1' as unknown as number })).toThrow(/^pad: value must be numbers, got string '1'/);
    expect(() => ad.pad(x, 1, { mode: 'edge', value: [1, 2] })).toThrow(/^pad: value goes with mode 'constant' only, got it with mode 'edge'/);
  });
});

describe('logsumexp: jax.nn.logsumexp(a, axis, b, keepdims, return_sign, where)', () => {
  const a = ad.tensor([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]]);
  const mask = [[true, false, true], [false, true, true]];
  const b = ad.tensor([[1.0, -2.0, 0.5], [2.0, -3.0, 1.0]]);

  it('where: the masked-out terms are left out (SciPy over the masked-in terms)', () => {
    expect(arr(ad.logsumexp(a, 1, { where: mask }))).toEqual([2.2014132779827524, 0.3502065589167471]);
    expect(arr(ad.logsumexp(a, 0, { where: mask }))).toEqual([0.5, 0.25, 2.01814992791781]);
    expect(ad.logsumexp(a, { where: mask }).item()).toBe(2.3472848140824207);
    expect(arr(ad.logsumexp(a, 1, { where: mask, keepdims: true }))).toEqual([[2.2014132779827524], [0.3502065589167471]]);
    // a mask broadcast over rows; column 1 has no term left: log 0 = −∞
    expect(arr(ad.logsumexp(a, 0, { where: [true, false, true] }))).toEqual([3.0788897342925496, -Infinity, 2.01814992791781]);
    // a tensor mask (non-zero is true), and the special form
    expect(arr(ad.logsumexp(a, 1, { where: ad.greater(a, 0) }))).toEqual(arr(ad.logsumexp(a, 1, { where: [[true, false, true], [true, true, false]] })));
    expect(arr(ad.special.logsumexp(a, 1, { where: mask }))).toEqual([2.2014132779827524, 0.3502065589167471]);
    // masked-out ∞ and NaN stay out
    const wild = ad.tensor([[0.5, Infinity, 2.0], [NaN, 0.25, -2.0]]);
    expect(arr(ad.logsumexp(wild, 1, { where: mask }))).toEqual([2.2014132779827524, 0.3502065589167471]);
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.logsumexp(t, 1, { where: mask })))(wild))).toEqual(
      arr(ad.grad((t: Tensor) => ad.sum(ad.logsumexp(t, 1, { where: mask })))(a)));
  });

  it('b, returnSign and where together; a negative sum is NaN without returnSign', () => {
    const r = ad.logsumexp(a, 1, { b, where: mask, returnSign: true });
    expect(arr(r.value)).toEqual([1.67583395484137, 1.312847200112624]);
    expect(arr(r.sign)).toEqual([1, -1]);
    expect(arr(ad.logsumexp(a, 1, { b, where: mask }))).toEqual([1.67583395484137, NaN]);
    const all = ad.logsumexp(a, { b, where: mask, returnSign: true });
    expect([all.value.item(), all.sign.item()]).toEqual([0.486435602693575, 1]);
    const s = ad.special.logsumexp(a, 1, { b, where: mask, returnSign: true });
    expect(arr(s.value)).toEqual([1.67583395484137, 1.312847200112624]);
    // returnSign without b: 1, 0 for an empty slice (−∞), NaN for NaN (JAX's sign of Σ e^{a−m})
    const e = ad.logsumexp(ad.tensor([[0, 1], [-Infinity, -Infinity], [NaN, 0]]), 1, { returnSign: true });
    expect(arr(e.sign)).toEqual([1, 0, NaN]);
    expect(arr(ad.logsumexp(a, 0, { where: [true, false, true], returnSign: true }).sign)).toEqual([1, 0, 1]);
  });

  it('gradients: the softmax of the masked-in terms, zero elsewhere; checkGrad to second order', () => {
    const g = ad.grad((t: Tensor) => ad.sum(ad.logsumexp(t, 1, { where: mask })))(a);
    const want = [[0.18242552380635635, 0.0, 0.8175744761936437], [0.0, 0.9046505351008906, 0.0953494648991095]];
    (arr(g) as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 15)));
    const fs: Array<(t: Tensor) => Tensor> = [
      (t) => ad.logsumexp(t, 1, { where: mask }),
      (t) => ad.logsumexp(t, { where: mask }),
      (t) => ad.logsumexp(t, 0, { where: [[true, true, false], [true, false, true]], keepdims: true }),
      (t) => ad.logsumexp(t, 1, { b, where: mask, returnSign: true }).value,
      (t) => ad.logsumexp(a, 1, { b: t, where: mask, returnSign: true }).value,
      (t) => ad.logsumexp(t, 1, { b: ad.abs(b) }),
    ];
    fs.forEach((f, k) => expect(ad.checkGrad(f, [a], { order: 2 }).ok, `case ${k}`).toBe(true));
    // an empty slice: −∞ with a zero gradient even under a non-zero cotangent
    const [y, back] = ad.vjp((t: Tensor) => ad.logsumexp(t, 0, { where: [true, false, true] }), a);
    expect(arr(y)).toEqual([3.0788897342925496, -Infinity, 2.01814992791781]);
    const [gy] = back(ad.tensor([1, 1, 1])) as [Tensor];
    expect((arr(gy) as number[][]).map((row) => row[1])).toEqual([0, 0]);
  });

  it('vmap and jit against the loop', () => {
    const f = (t: Tensor) => ad.logsumexp(t, 0, { where: [true, false, true], b: [1, 5, -0.5], returnSign: true }).value;
    expect(arr(ad.vmap(f)(a))).toEqual([0, 1].map((k) => f(ad.take(a, k, 0)).item()));
    expect(arr(ad.jit(f)(ad.take(a, 0, 0)))).toEqual(arr(f(ad.take(a, 0, 0))));
    const h = (m: Tensor) => ad.logsumexp(a, 1, { where: m });
    const ms = ad.tensor([[[1, 0, 1], [0, 1, 1]], [[1, 1, 1], [1, 0, 0]]]);
    expect(arr(ad.vmap(h)(ms))).toEqual([0, 1].map((k) => arr(h(ad.take(ms, k, 0)))));
  });

  it('keepdims as before; errors name logsumexp and the fix', () => {
    expect(arr(ad.logsumexp(a, 1, true))).toEqual(arr(ad.logsumexp(a, 1, { keepdims: true })));
    expect(() => ad.logsumexp(a, 1, { wher: mask } as object)).toThrow(/^logsumexp: unknown option 'wher'; the options are b, keepdims, returnSign and where/);
    expect(() => ad.logsumexp(a, 1, { where: [true, false] })).toThrow(/^logsumexp: where of shape \[2\] does not broadcast to x's shape \[2,3\]/);
    expect(() => ad.logsumexp(a, 1, { keepdims: 1 as unknown as boolean })).toThrow(/^logsumexp: keepdims must be a boolean, got number 1/);
    expect(() => ad.logsumexp(a, { where: mask } as unknown as number, true)).toThrow(/^logsumexp: options in place of the axis come last/);
    expect(() => ad.special.logsumexp(a, 1, { where: 'yes' as unknown as boolean })).toThrow(/^logsumexp: where must be a tensor/);
  });
});

describe('linspace: NumPy\'s retstep and axis', () => {
  it('retstep returns [samples, step]; NaN where there is no step (np.linspace(..., retstep=True))', () => {
    const [y, step] = ad.linspace(0, 1, 5, { retstep: true });
    expect([arr(y), step.item()]).toEqual([[0, 0.25, 0.5, 0.75, 1], 0.25]);
    const [y2, s2] = ad.linspace(2, 3, 4, { endpoint: false, retstep: true });
    expect([arr(y2), s2.item()]).toEqual([[2, 2.25, 2.5, 2.75], 0.25]);
    expect(ad.linspace(2, 3, 1, { retstep: true })[1].item()).toBeNaN();
    expect(ad.linspace(2, 3, 1, { endpoint: false, retstep: true })[1].item()).toBe(1);
    const [e, se] = ad.linspace(2, 3, 0, { retstep: true });
    expect([e.shape, Number.isNaN(se.item())]).toEqual([[0], true]);
    expect(arr(ad.linspace(0, 1, 3, { retstep: false }))).toEqual([0, 0.5, 1]);
  });

  it('axis places the new axis among the endpoints\' axes (np.linspace(a, b, n, axis=...))', () => {
    const a = ad.tensor([0, 1, 2]), b = ad.tensor([[1], [5]]);
    const [y, step] = ad.linspace(a, b, 4, { retstep: true, axis: -1 });
    expect(y.shape).toEqual([2, 3, 4]);
    expect(arr(y)).toEqual([[[0.0, 0.3333333333333333, 0.6666666666666666, 1.0], [1.0, 1.0, 1.0, 1.0], [2.0, 1.6666666666666667, 1.3333333333333335, 1.0]],
      [[0.0, 1.6666666666666665, 3.333333333333333, 5.0], [1.0, 2.333333333333333, 3.6666666666666665, 5.0], [2.0, 3.0, 4.0, 5.0]]]);
    expect(arr(step)).toEqual([[0.3333333333333333, 0.0, -0.3333333333333333], [1.6666666666666667, 1.3333333333333333, 1.0]]);
    expect(arr(ad.linspace(a, b, 3, { axis: 1 }))).toEqual(
      [[[0.0, 1.0, 2.0], [0.5, 1.0, 1.5], [1.0, 1.0, 1.0]], [[0.0, 1.0, 2.0], [2.5, 3.0, 3.5], [5.0, 5.0, 5.0]]]);
    const [z, sz] = ad.linspace(ad.tensor([1, 2]), ad.tensor([3, 7]), 3, { endpoint: false, retstep: true, axis: 1 });
    expect([arr(z), arr(sz)]).toEqual([[[1.0, 1.6666666666666665, 2.333333333333333], [2.0, 3.666666666666667, 5.333333333333334]], [0.6666666666666666, 1.6666666666666667]]);
    expect(arr(ad.linspace(0, 1, 3, { axis: -1 }))).toEqual([0, 0.5, 1]);
  });

  it('gradients through the samples and the step (checkGrad to second order); vmap against the loop', () => {
    const f = (a: Tensor, b: Tensor) => {
      const [y, step] = ad.linspace(a, b, 4, { retstep: true, axis: -1 });
      return ad.add(ad.sum(ad.mul(y, y)), ad.sum(ad.mul(step, step)));
    };
    const a = ad.tensor([0.5, -1, 2]), b = ad.tensor([[1.5], [4]]);
    expect(ad.checkGrad(f, [a, b], { order: 2 }).ok).toBe(true);
    // ∂step/∂b = 1/div, ∂step/∂a = −1/div (div = 3)
    expect(ad.grad((t: Tensor) => ad.linspace(0, t, 4, { retstep: true })[1])(ad.scalar(2)).item()).toBeCloseTo(1 / 3, 15);
    expect(ad.grad((t: Tensor) => ad.linspace(t, 2, 4, { endpoint: false, retstep: true })[1])(ad.scalar(2)).item()).toBe(-0.25);
    const g = (t: Tensor) => ad.linspace(t, ad.tensor([3, 7]), 3, { axis: -1 });
    const ts = ad.tensor([[1, 2], [0, -1], [5, 5]]);
    expect(arr(ad.vmap(g)(ts))).toEqual([0, 1, 2].map((k) => arr(g(ad.take(ts, k, 0)))));
    const h = (t: Tensor) => ad.linspace(0, t, 3, { retstep: true })[1];
    expect(arr(ad.vmap(h)(ad.tensor([3, 6])))).toEqual([1.5, 3]);
  });

  it('errors name linspace and the fix', () => {
    expect(() => ad.linspace(0, 1, 3, { axis: 1 })).toThrow(/^linspace: axis must be an integer in \[-1, 0\] \(the samples have 1 axes/);
    expect(() => ad.linspace(ad.tensor([0, 1]), 1, 3, { axis: 2.5 })).toThrow(/^linspace: axis must be an integer in \[-2, 1\]/);
    expect(() => ad.linspace(0, 1, 3, { retstep: 1 as unknown as boolean })).toThrow(/^linspace: retstep must be true or false, got number 1/);
    expect(() => ad.linspace(0, 1, 3, { restep: true } as object)).toThrow(/^linspace: unknown option 'restep'; the options are endpoint, retstep and axis/);
    expect(() => ad.linspace(0, 1, 3, { endpoint: 'no' as unknown as boolean })).toThrow(/^linspace: endpoint must be true or false/);
  });
});
