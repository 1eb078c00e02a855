/** @file hessian of a function whose output is not a scalar: JAX's jacfwd(jacrev(f)), shape [...out, ...x, ...x], against closed forms, central differences of the Jacobian, and the composition written out. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

type Nested = number | Nested[];
const flat = (t: unknown): number[] => (Array.isArray(t) ? t.flatMap(flat) : [t as number]);

describe('hessian of a non-scalar function (JAX: jacfwd(jacrev(f)))', () => {
  it('of x³ elementwise is 6xₖ on the diagonal of each output element, shape [n, n, n]', () => {
    const x = [1, -2, 0.5];
    const h = ad.hessian((t: ad.Tensor) => ad.pow(t, 3))(ad.tensor(x));
    expect(h.shape).toEqual([3, 3, 3]);
    const want = x.flatMap((xk, k) => x.flatMap((_, i) => x.map((__, j) => (i === k && j === k ? 6 * xk : 0))));
    expect(flat(h.toArray())).toEqual(want);
  });

  it('of a matrix-valued map equals central differences of its Jacobian, and jacfwd(jacrev(f)) written out', () => {
    const A = ad.tensor([[0.3, -1.1, 0.7], [2.0, 0.4, -0.6]]);
    // f: ℝ³ → ℝ^{2×3}, f(x)ᵢⱼ = (A x)ᵢ · sin(xⱼ) + xⱼ² (A x)ᵢ²
    const f = (x: ad.Tensor) => {
      const ax = ad.expandDims(ad.matmul(A, x), 1);
      return ad.add(ad.mul(ax, ad.sin(x)), ad.mul(ad.mul(x, x), ad.mul(ax, ax)));
    };
    const x0 = [0.4, -0.8, 1.3];
    const h = ad.hessian(f)(ad.tensor(x0));
    expect(h.shape).toEqual([2, 3, 3, 3]);
    const composed = ad.jacfwd(ad.jacrev(f))(ad.tensor(x0));
    flat(h.toArray()).forEach((v, i) => expect(v).toBeCloseTo(flat(composed.toArray())[i]!, 13));
    // Central differences of the (reverse-mode) Jacobian in x_j: the last axis of the Hessian.
    const eps = 1e-5;
    const jac = (x: number[]) => flat(ad.jacrev(f)(ad.tensor(x)).toArray());
    const hv = flat(h.toArray());
    for (let j = 0; j < 3; j++) {
      const up = x0.slice(), down = x0.slice();
      up[j]! += eps;
      down[j]! -= eps;
      const ju = jac(up), jd = jac(down);
      ju.forEach((_, idx) => expect(Math.abs(hv[idx * 3 + j]! - (ju[idx]! - jd[idx]!) / (2 * eps))).toBeLessThan(1e-7));
    }
    // Each output element's Hessian is symmetric.
    for (let o = 0; o < 6; o++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(hv[o * 9 + i * 3 + j]).toBeCloseTo(hv[o * 9 + j * 3 + i]!, 12);
  });

  it('nests output outside, then argument, then argument, over pytrees and argnums lists', () => {
    const f = (x: ad.Tensor, y: ad.Tensor) => ({ a: ad.mul(ad.mul(x, x), y), b: ad.sum(ad.mul(x, y)) });
    const h = ad.hessian(f, [0, 1])(ad.tensor([1, 2]), ad.tensor([3, 4]));
    // a_k = x_k² y_k: ∂²/∂x∂x = 2y_k, ∂²/∂x∂y = 2x_k, ∂²/∂y∂y = 0, each on the diagonal of element k.
    const diag = (d: [number, number]): Nested => [[[d[0], 0], [0, 0]], [[0, 0], [0, d[1]]]];
    expect(h.a[0][0].toArray()).toEqual(diag([6, 8]));
    expect(h.a[0][1].toArray()).toEqual(diag([2, 4]));
    expect(h.a[1][0].toArray()).toEqual(diag([2, 4]));
    expect(h.a[1][1].toArray()).toEqual(diag([0, 0]));
    // b = Σ x y (a scalar leaf of a non-scalar pytree): ∂²/∂x∂y = I.
    expect(h.b[0][1].toArray()).toEqual([[1, 0], [0, 1]]);
    expect(h.b[1][0].toArray()).toEqual([[1, 0], [0, 1]]);
    expect(h.b[0][0].toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it('with hasAux returns [hessian, aux], and maps under vmap', () => {
    const [h, aux] = ad.hessian((x: ad.Tensor) => [ad.pow(x, 3), { tag: 2 }] as const, { hasAux: true })(ad.tensor([1, 2]));
    expect(h.toArray()).toEqual([[[6, 0], [0, 0]], [[0, 0], [0, 12]]]);
    expect(aux).toEqual({ tag: 2 });
    const hs = ad.vmap(ad.hessian((x: ad.Tensor) => ad.pow(x, 3)))(ad.tensor([[1, 2], [3, 4]]));
    expect(hs.toArray()).toEqual([[[[6, 0], [0, 0]], [[0, 0], [0, 12]]], [[[18, 0], [0, 0]], [[0, 0], [0, 24]]]]);
  });

  it('of a one-element output [1] is [1, n, n] (JAX, functorch), of a 0-d output or a number [n, n]; errors from inside f pass through', () => {
    const h1 = ad.hessian((x: ad.Tensor) => ad.reshape(ad.sum(ad.pow(x, 3)), [1]))(ad.tensor([1, 2]));
    expect(h1.shape).toEqual([1, 2, 2]);
    expect(h1.toArray()).toEqual([[[6, 0], [0, 12]]]);
    expect(ad.hessian((x: ad.Tensor) => ad.sum(ad.pow(x, 3)))(ad.tensor([1, 2])).toArray()).toEqual([[6, 0], [0, 12]]);
    expect(ad.hessian((_x: ad.Tensor) => 3)(ad.tensor([1, 2])).toArray()).toEqual([[0, 0], [0, 0]]); // a number is a constant
    expect(ad.hessian((x: ad.Tensor) => ad.reshape(ad.sum(ad.pow(x, 3)), [1, 1]))(ad.tensor([1, 2])).shape).toEqual([1, 1, 2, 2]);
    // grad of a non-scalar inside f is the user's error, not hessian's output: reported as grad's.
    expect(() => ad.hessian((x: ad.Tensor) => ad.grad((y: ad.Tensor) => y)(x))(ad.tensor([1, 2]))).toThrow(/^grad: the function must return a single-element/);
  });
});
