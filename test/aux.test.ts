/** @file hasAux (grad, valueAndGrad), vjpWithAux and linearize, against the plain transformations. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const f = (x: Tensor, y: Tensor) => {
  const h = ad.tanh(ad.mul(x, y));
  return [ad.sum(ad.square(h)), { h, count: 3 }] as const;
};
const x = ad.tensor([0.5, -1]), y = ad.tensor([2, 0.25]);

describe('hasAux', () => {
  it('grad returns [gradient, aux], the aux untouched and no longer traced', () => {
    const [g, aux] = ad.grad(f, { hasAux: true })(x, y) as [Tensor, { h: Tensor; count: number }];
    expect(g.toArray()).toEqual(ad.grad((u: Tensor) => f(u, y)[0])(x).toArray());
    expect(aux.count).toBe(3);
    expect(aux.h.toArray()).toEqual(ad.tanh(ad.mul(x, y)).toArray());
    expect(ad.grad((u: Tensor) => ad.sum(ad.mul(aux.h, u)))(x).toArray()).toEqual(aux.h.toArray()); // a constant now
  });

  it('valueAndGrad returns [[value, aux], gradient], with argnums', () => {
    const [[v, aux], gs] = ad.valueAndGrad(f, { argnums: [0, 1], hasAux: true })(x, y) as [[Tensor, { h: Tensor }], Tensor[]];
    expect(v.item()).toBe(f(x, y)[0].item());
    expect(aux.h.shape).toEqual([2]);
    expect(gs[1]!.toArray()).toEqual(ad.grad((w: Tensor) => f(x, w)[0])(y).toArray());
  });

  it('nests: the gradient of a gradient with aux', () => {
    const inner = (u: Tensor) => (ad.grad((w: Tensor) => [ad.sum(ad.pow(w, 3)), ad.mul(w, 2)], { hasAux: true })(u) as [Tensor, Tensor])[0];
    expect(ad.grad((u: Tensor) => ad.sum(inner(u)))(ad.tensor([1, 2])).toArray()).toEqual([6, 12]);
  });

  it('a function that does not return a pair is told so', () => {
    expect(() => ad.grad((u: Tensor) => ad.sum(u), { hasAux: true })(x)).toThrow(/grad: with hasAux the function must return a pair/);
    expect(() => ad.grad((u: Tensor) => ad.sum(u), { hasAux: 1 as never })).toThrow(/hasAux must be true or false/);
    expect(() => ad.grad((u: Tensor) => ad.sum(u), { argnum: 0 } as never)).toThrow(/unknown option "argnum"/);
  });

  it('vjpWithAux returns [out, pullback, aux]', () => {
    const [out, pullback, aux] = ad.vjpWithAux((u: Tensor) => [ad.mul(u, u), { twice: ad.mul(u, 2) }], ad.tensor([3, 4]));
    expect((out as Tensor).toArray()).toEqual([9, 16]);
    expect((pullback(ad.tensor([1, 1]))[0] as Tensor).toArray()).toEqual([6, 8]);
    expect(aux.twice.toArray()).toEqual([6, 8]);
  });
});

describe('linearize', () => {
  it('gives J·v equal to jvp, for several tangents, running f once', () => {
    let runs = 0;
    const g = (u: Tensor, w: Tensor) => {
      runs++;
      return { a: ad.sin(ad.mul(u, w)), b: ad.sum(ad.exp(u)) };
    };
    const [out, jvpFn] = ad.linearize(g, x, y);
    expect((out as { b: Tensor }).b.item()).toBeCloseTo(Math.exp(0.5) + Math.exp(-1), 14);
    for (const [tu, tw] of [[ad.tensor([1, 0]), ad.tensor([0, 0])], [ad.tensor([0.3, -2]), ad.tensor([1, 5])]] as const) {
      const got = jvpFn(tu, tw) as { a: Tensor; b: Tensor };
      const want = ad.jvp(g, [x, y], [tu, tw])[1] as { a: Tensor; b: Tensor };
      (got.a.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo((want.a.toArray() as number[])[i]!, 14));
      expect(got.b.item()).toBeCloseTo(want.b.item(), 14);
    }
    expect(runs).toBe(1 + 2); // linearize once, jvp twice for the comparison
    // @ts-expect-error one tangent per primal: the types say so too
    expect(() => jvpFn(ad.tensor([1, 0]))).toThrow(/linearize: jvpFn takes one tangent per primal/);
    expect(() => jvpFn(ad.tensor([1]), ad.tensor([1, 0]))).toThrow(/tangent leaf 0 has shape \[1\]/);
  });
});

describe('linearizeWithAux', () => {
  it('gives [out, jvpFn, aux] with jvpFn equal to jvp, aux not differentiated (JAX\'s has_aux)', () => {
    const g = (u: Tensor, w: Tensor) => [ad.mul(ad.sin(u), w), { u2: ad.mul(u, u), tag: 'note' }] as const;
    const [out, jvpFn, aux] = ad.linearizeWithAux(g, x, y);
    expect(out.toArray()).toEqual(ad.mul(ad.sin(x), y).toArray());
    expect(aux.u2.toArray()).toEqual(ad.mul(x, x).toArray());
    expect(aux.tag).toBe('note');
    const [tu, tw] = [ad.tensor([0.3, -2]), ad.tensor([1, 5])];
    const want = ad.jvp((u: Tensor, w: Tensor) => ad.mul(ad.sin(u), w), [x, y], [tu, tw])[1];
    (jvpFn(tu, tw).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo((want.toArray() as number[])[i]!, 14));
    expect(() => ad.linearizeWithAux((u: Tensor) => ad.sin(u) as never, x)).toThrow(/linearizeWithAux/);
    // @ts-expect-error one tangent per primal
    expect(() => jvpFn(tu)).toThrow(/linearizeWithAux: jvpFn takes one tangent per primal/);
  });
});

describe('linearTranspose', () => {
  it('transposes a linear map: ⟨u, A v⟩ = ⟨Aᵀu, v⟩', () => {
    const A = ad.tensor([[1, 2], [3, 4], [5, 6]]);
    const f = (v: Tensor, w: Tensor) => ad.add(ad.matmul(A, v), ad.mul(2, w));
    const t = ad.linearTranspose(f, ad.zeros([2]), ad.zeros([3]));
    const [dv, dw] = t(ad.tensor([1, -1, 2])) as [Tensor, Tensor];
    expect(dv.toArray()).toEqual([8, 10]);
    expect(dw.toArray()).toEqual([2, -2, 4]);
  });
});

describe('number leaves of an output', () => {
  it('come back as 0-d tensors from vjp, vjpWithAux, jvp and linearize, as their types say (and as JAX\'s arrays)', () => {
    // They came back as numbers, where the declared type (TensorTree) promised tensors: y.n.shape compiled and was undefined.
    const x = ad.tensor([1, 2]);
    const [y, pullback] = ad.vjp((a: ad.Tensor) => ({ s: ad.sum(a), n: 3 }), x);
    expect(y.n).toBeInstanceOf(ad.Tensor);
    expect([y.n.shape, y.n.item()]).toEqual([[], 3]);
    expect(pullback({ s: 1, n: 1 })[0].toArray()).toEqual([1, 1]);
    const [p, t] = ad.jvp((_a: ad.Tensor) => 6, [3], [1]); // a constant (a * 2 in JavaScript would be an error: test/gradReadNumber.test.ts)
    expect(p).toBeInstanceOf(ad.Tensor);
    expect([p.item(), t.item()]).toEqual([6, 0]);
    const [out, jvpFn] = ad.linearize((_a: ad.Tensor) => 3, x);
    expect(out).toBeInstanceOf(ad.Tensor);
    expect(jvpFn(x).item()).toBe(0);
    expect(ad.vjpWithAux((_a: ad.Tensor) => [3, 1] as const, x)[0]).toBeInstanceOf(ad.Tensor);
  });
});
