/** @file A user-defined derivative means one thing in every mode: customVjp in forward mode and under vmap, customJvp in reverse mode. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  arr(a).forEach((v, i) => expect(v).toBeCloseTo(arr(b)[i]!, 12));
};

// A rule that is a true VJP, but not f's own derivative: f(x) = x³ with the "derivative" 2x (so the
// test can tell which derivative each mode used).
const cubeWithRule = ad.customVjp((x: Tensor) => ad.pow(x, 3), (g: Tensor, { args }) => [ad.mul(g, ad.mul(2, args[0]))]);
// A rule that is not linear in its cotangent: gradient clipping.
const clipGrad = ad.customVjp((x: Tensor) => x, (g: Tensor) => [ad.clip(g, -1, 1)]);

describe('customVjp in forward mode', () => {
  it('a linear rule is transposed: jvp and both modes of jacobian give the user derivative', () => {
    const x = ad.tensor([1, 2, 3]), v = ad.tensor([1, -1, 2]);
    close(ad.jvp(cubeWithRule, [x], [v])[1] as Tensor, ad.mul(ad.mul(2, x), v));
    // 3 inputs → 3 outputs: reverse mode; 2 inputs → 4 outputs: forward mode. Same derivative.
    close(ad.jacobian(cubeWithRule)(x), ad.mul(ad.eye(3), ad.mul(2, x)));
    const wide = (u: Tensor) => ad.concat([cubeWithRule(u), cubeWithRule(ad.mul(u, 2))], 0);
    const J = ad.jacobian(wide)(ad.tensor([1, 2]));
    close(J, ad.tensor([[2, 0], [0, 4], [8, 0], [0, 16]]));
    const [, pullback] = ad.vjp(wide, ad.tensor([1, 2]));
    close(ad.stack([0, 1, 2, 3].map((i) => pullback(ad.tensor([0, 1, 2, 3].map((k) => (k === i ? 1 : 0))))[0] as Tensor), 0), J);
  });

  it('a rule that is not linear has no forward derivative: an AdjointError with the fix', () => {
    const h = (x: Tensor) => ad.mul(clipGrad(x), 10);
    expect(() => ad.jvp(h, [ad.tensor([1, 2])], [ad.tensor([1, 1])])).toThrow(ad.AdjointError);
    expect(() => ad.jvp(h, [ad.tensor([1, 2])], [ad.tensor([1, 1])])).toThrow(/not linear in the cotangent.*\{ jvp: \(primals, tangents\)/);
    expect(() => ad.jacobian((x: Tensor) => ad.concat([h(x), h(x)], 0))(ad.tensor([1]))).toThrow(/customVjp/);
    expect(ad.jacobian((x: Tensor) => ad.sum(h(x)))(ad.tensor([1, 2])).toArray()).toEqual([1, 1]);
  });

  it('a jvp given in the options is used in forward mode', () => {
    const straightThrough = ad.customVjp(
      (x: Tensor) => ad.sign(x), (g: Tensor) => [g],
      { jvp: ([x], [t]) => [ad.sign(x as Tensor), t] },
    );
    const x = ad.tensor([-2, 0.5, 3]);
    expect(arr(ad.jvp(straightThrough, [x], [ad.ones([3])])[1] as Tensor)).toEqual([1, 1, 1]);
    expect(arr(ad.grad((u: Tensor) => ad.sum(straightThrough(u)))(x))).toEqual([1, 1, 1]);
  });

  it('hvp through a customVjp still differentiates the backward rule (forward over reverse)', () => {
    const f = (x: Tensor) => ad.sum(ad.mul(clipGrad(ad.square(x)), 10));
    expect(arr(ad.hvp(f, ad.tensor([1, 2]), ad.tensor([1, 1])))).toEqual([2, 2]);
    const g = (x: Tensor) => ad.sum(cubeWithRule(x)); // gradient 2x by the rule: Hessian 2I
    expect(arr(ad.hvp(g, ad.tensor([1, 2]), ad.tensor([1, 3])))).toEqual([2, 6]);
  });
});

describe('customVjp under vmap', () => {
  it('grad of vmap uses the rule for every example', () => {
    const h = (x: Tensor) => ad.sum(ad.mul(clipGrad(x), 10));
    expect(ad.grad((xs: Tensor) => ad.sum(ad.vmap(h)(xs) as Tensor))(ad.tensor([[1, 2], [3, 4]])).toArray()).toEqual([[1, 1], [1, 1]]);
    const xs = ad.tensor([[1, 2], [3, -1]]);
    close(ad.grad((u: Tensor) => ad.sum(ad.vmap(cubeWithRule)(u) as Tensor))(xs), ad.mul(2, xs));
  });

  it('a shared argument gets the sum of the per-example cotangents', () => {
    const scaled = ad.customVjp((w: Tensor, x: Tensor) => ad.mul(w, x), (g: Tensor, { args }) => [ad.sum(ad.mul(g, args[1])), ad.mul(g, args[0])]);
    const w = ad.tensor(3), xs = ad.tensor([1, 2, 4]);
    const dw = ad.grad((u: Tensor) => ad.sum(ad.vmap(scaled, [null, 0])(u, xs) as Tensor))(w);
    expect(dw.item()).toBe(7);
  });
});

describe('customJvp', () => {
  // f(x) = x with the declared derivative 3: every mode must report 3.
  const tripled = ad.customJvp((x: Tensor) => x, ([x]: [Tensor], [t]: [Tensor]) => [x, ad.mul(3, t)]);
  const safeNorm = ad.customJvp(
    (x: Tensor) => ad.sqrt(ad.sum(ad.square(x))),
    ([x]: [Tensor], [t]: [Tensor]) => {
      const n = ad.sqrt(ad.sum(ad.square(x)));
      return [n, ad.where(ad.greater(n, 0), ad.div(ad.sum(ad.mul(x, t)), ad.maximum(n, 1e-300)), 0)];
    },
  );

  it('forward and reverse mode both use the rule', () => {
    const x = ad.tensor([1, 2]);
    expect(arr(ad.jvp(tripled, [x], [ad.ones([2])])[1] as Tensor)).toEqual([3, 3]);
    expect(arr(ad.grad((u: Tensor) => ad.sum(tripled(u)))(x))).toEqual([3, 3]);
    expect(ad.jacobian(tripled)(x).toArray()).toEqual([[3, 0], [0, 3]]);
    expect(arr(ad.grad(safeNorm)(ad.tensor([0, 0])))).toEqual([0, 0]); // plain sqrt(sum(x²)) gives NaN here
    close(ad.grad(safeNorm)(ad.tensor([3, 4])), ad.tensor([0.6, 0.8]));
  });

  it('second order differentiates the rule', () => {
    close(ad.hessian(safeNorm)(ad.tensor([3, 4])), ad.tensor([[0.128, -0.096], [-0.096, 0.072]]));
    close(ad.hvp(safeNorm, ad.tensor([3, 4]), ad.tensor([1, 0])), ad.tensor([0.128, -0.096]));
  });

  it('vmap maps the function and its rule, inside and outside grad', () => {
    const xs = ad.tensor([[0, 0], [3, 4]]);
    expect(ad.vmap(ad.grad(safeNorm))(xs).toArray()).toEqual(ad.grad((u: Tensor) => ad.sum(ad.vmap(safeNorm)(u) as Tensor))(xs).toArray());
    expect(ad.grad((u: Tensor) => ad.sum(ad.vmap(tripled)(u) as Tensor))(xs).toArray()).toEqual([[3, 3], [3, 3]]);
    expect((ad.vmap((x: Tensor) => ad.jvp(tripled, [x], [ad.ones([2])])[1])(xs) as Tensor).toArray()).toEqual([[3, 3], [3, 3]]);
  });

  it('checkGrad agrees with a rule that is the true derivative', () => {
    expect(ad.checkGrad(safeNorm, [ad.tensor([1.5, -2, 0.5])]).ok).toBe(true);
  });

  it('bad rules are named', () => {
    const bad = ad.customJvp((x: Tensor) => x, (() => 5) as never);
    expect(() => ad.jvp(bad, [ad.tensor(1)], [ad.tensor(1)])).toThrow(/customJvp: the forward rule must return \[out, tangentOut\]/);
    expect(() => ad.customJvp((x: Tensor) => x, 3 as never)).toThrow(/customJvp: expected a function/);
  });
});
