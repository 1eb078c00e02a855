/** @file Compositions a review found wrong or crashing (each failed before its fix): implicit solvers and custom rules under nested transformations and vmap. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const near = (a: Tensor, b: Tensor, tol = 1e-9) => {
  expect(a.shape).toEqual(b.shape);
  Array.from(a.toFloat64Array()).forEach((v, i) => expect(Math.abs(v - b.toFloat64Array()[i]!)).toBeLessThan(tol));
};

describe('implicit solvers under vmap with a second transformation inside', () => {
  const K = ad.tensor([[2, 0.5], [0.5, 1]]);
  const viaCg = (lam: Tensor) => ad.sum(ad.cg((v: Tensor) => ad.add(ad.matmul(K, v), ad.mul(lam, v)), ad.tensor([1, 1]), { tol: 1e-14 }).x as Tensor);
  const closed = (lam: Tensor) => ad.sum(ad.linalg.solve(ad.add(K, ad.mul(lam, ad.eye(2))), ad.tensor([1, 1])));
  const L = ad.tensor([0.1, 1]);

  it('second derivatives equal the closed form in every nesting', () => {
    const want = ad.vmap(ad.grad(ad.grad(closed)))(L) as Tensor;
    near(ad.vmap(ad.grad(ad.grad(viaCg)))(L) as Tensor, want);
    near(ad.reshape(ad.vmap(ad.hessian((v: Tensor) => viaCg(ad.sum(v))))(ad.reshape(L, [2, 1])) as Tensor, [2]), want);
    near(ad.vmap(ad.grad((x: Tensor) => ad.jvp(viaCg, [x], [ad.scalar(1)])[1] as Tensor))(L) as Tensor, want);
  });

  it('gmres transposes each example its own matrix', () => {
    const A = (lam: Tensor) => ad.add(ad.tensor([[3, 1], [0, 2]]), ad.mul(lam, ad.tensor([[0, 1], [-1, 0]])));
    const via = (lam: Tensor) => ad.sum(ad.mul(ad.tensor([1, 3]), ad.gmres((v: Tensor) => ad.matmul(A(lam), v), ad.tensor([1, 2]), { tol: 1e-14 }).x as Tensor));
    const exact = (lam: Tensor) => ad.sum(ad.mul(ad.tensor([1, 3]), ad.linalg.solve(A(lam), ad.tensor([1, 2]))));
    const Ls = ad.tensor([0.5, 2, -1]);
    const want = ad.vmap(ad.grad(exact))(Ls) as Tensor;
    near(ad.vmap(ad.grad(via))(Ls) as Tensor, want);
    near(ad.grad((l: Tensor) => ad.sum(ad.vmap(via)(l) as Tensor))(Ls), want);
  });

  it('solver statistics under vmap report the worst example, never a false convergence', () => {
    const info = ad.vmap((s: Tensor) => ad.cg((v: Tensor) => ad.mul(s, v), ad.ones([3]), { tol: 1e-12, maxIter: 1 }).x)(ad.tensor([[1, 1, 1], [1, 2, 3]]));
    expect((info as Tensor).shape).toEqual([2, 3]);
    let converged: boolean | undefined;
    ad.vmap((s: Tensor) => {
      const r = ad.cg((v: Tensor) => ad.mul(s, v), ad.ones([3]), { tol: 1e-12, maxIter: 1, warn: false });
      converged = r.converged;
      return r.x;
    })(ad.tensor([[1, 1, 1], [1, 2, 3]]));
    expect(converged).toBe(false);
  });
});

describe('custom rules under nested transformations', () => {
  it("a customVjp's value does not change when it is differentiated, even if f opens a jvp itself", () => {
    const csin = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args: [x] }) => [ad.mul(g, ad.mul(2, ad.cos(x)))]);
    const outer = ad.customVjp((x: Tensor) => ad.jvp(csin, [x], [ad.scalar(1)])[1] as Tensor, (g: Tensor) => [ad.mul(g, 7)]);
    const x = ad.scalar(0.3);
    expect(ad.valueAndGrad(outer)(x)[0].item()).toBe(outer(x).item());
    expect(outer(x).item()).toBeCloseTo(2 * Math.cos(0.3), 14);
  });

  it('a rule that is not linear is caught even when the first tangent is zero', () => {
    const b = ad.customVjp((x: Tensor) => ad.mul(x, 3), (g: Tensor) => [ad.mul(ad.mul(g, ad.abs(g)), 3)]);
    expect(() => ad.jvp(b, [ad.scalar(1)], [ad.scalar(0)])).toThrow(/not linear in the cotangent/);
  });

  it("the jvp option gives the tangent; the value is the function's own", () => {
    const csin = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args: [x] }) => [ad.mul(g, ad.mul(2, ad.cos(x)))],
      { jvp: ([x], [t]) => [ad.mul(100, x as Tensor), ad.mul(t as Tensor, ad.mul(2, ad.cos(x as Tensor)))] });
    expect((ad.jvp(csin, [ad.scalar(0.3)], [ad.scalar(1)])[0] as Tensor).item()).toBe(Math.sin(0.3));
  });

  it('hessian takes hasAux', () => {
    const [H, aux] = ad.hessian((x: Tensor) => [ad.sum(ad.pow(x, 3)), { x2: ad.square(x) }], { hasAux: true })(ad.tensor([1, 2])) as [Tensor, { x2: Tensor }];
    expect(H.toArray()).toEqual([[6, 0], [0, 12]]);
    expect(aux.x2.toArray()).toEqual([1, 4]);
  });
});

describe('vmap edges', () => {
  it('anomaly mode checks the cotangents of vmap(grad) over the whole batch', () => {
    const g = ad.detectAnomalies(() => ad.vmap(ad.grad((x: Tensor) => ad.sum(ad.sqrt(x))))(ad.tensor([[1, 4], [9, 16]])) as Tensor);
    expect(g.toArray()).toEqual([[0.5, 0.25], [1 / 6, 0.125]]);
    expect(() => ad.detectAnomalies(() => ad.vmap(ad.grad((x: Tensor) => ad.sum(ad.sqrt(x))))(ad.tensor([[1, 4], [0, 16]])))).toThrow(ad.AnomalyError);
  });

  it('a tensor leaked out of a finished vmap is an error, not a value of the wrong shape', () => {
    let leak: Tensor | null = null;
    ad.vmap((a: Tensor) => { leak = ad.mul(a, 2); return a; })(ad.tensor([[1, 2, 3], [4, 5, 6]]));
    expect(() => ad.sum(leak!)).toThrow(/used after vmap returned/);
  });

  it('null for a key of an object outAxes returns that output unbatched', () => {
    const out = ad.vmap((v: Tensor) => ({ s: ad.sum(v), n: ad.ones([2]) }), 0, { s: 0, n: null })(ad.ones([3, 4])) as { s: Tensor; n: Tensor };
    expect(out.n.shape).toEqual([2]);
    expect(out.s.shape).toEqual([3]);
  });

  it('a nested anomaly mode blames the op that made the NaN, not the one that made the infinities', () => {
    let op = '';
    try {
      ad.detectAnomalies(() => ad.detectAnomalies(() => ad.sub(ad.exp(1000), ad.exp(1000)), { nanOnly: true }));
    } catch (e) {
      op = (e as ad.AnomalyError).op;
    }
    expect(op).toBe('sub');
  });
});
