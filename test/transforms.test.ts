/** @file Transformations compose to any order and depth, over pytrees, with values concrete while tracing. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.data);
const close = (a: number[], b: number[], tol = 1e-10) =>
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))));

describe('higher order', () => {
  it('grad(grad(grad(sin))) = −cos', () => {
    const d3 = ad.grad(ad.grad(ad.grad((x: Tensor) => ad.sin(x))));
    for (const x of [0, 0.7, -2]) expect(d3(ad.tensor(x)).item()).toBeCloseTo(-Math.cos(x), 14);
  });

  it('fourth derivative of x⁵ through pow is 120x', () => {
    let f: (x: Tensor) => Tensor = (x) => ad.pow(x, 5);
    for (let k = 0; k < 4; k++) f = ad.grad(f);
    expect(f(ad.tensor(1.5)).item()).toBeCloseTo(180, 10);
  });

  it('jvp(grad(f)) is the Hessian-vector product, equal to hvp and to hessian · v', () => {
    const f = (x: Tensor) => ad.sum(ad.mul(ad.tanh(ad.matmul(ad.reshape(x, [2, 2]), ad.reshape(x, [2, 2]))), ad.tensor([[1, 2], [3, 4]])));
    const x = ad.tensor([0.3, -0.2, 0.5, 0.1]);
    const v = ad.tensor([1, 0.5, -1, 2]);
    const a = ad.jvp(ad.grad(f), [x], [v])[1] as Tensor;
    const b = ad.hvp(f, x, v);
    const c = ad.matmul(ad.hessian(f)(x), v);
    close(arr(a), arr(b));
    close(arr(a), arr(c));
  });

  it('reverse-over-forward and forward-over-forward agree with reverse-over-reverse', () => {
    const f = (x: Tensor) => ad.sum(ad.exp(ad.mul(ad.sin(x), x)));
    const x = ad.tensor([0.4, 1.1]);
    const e0 = ad.tensor([1, 0]);
    const rr = arr(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(f)(z), e0)))(x));
    const rf = arr(ad.grad((z: Tensor) => ad.jvp(f, [z], [e0])[1] as Tensor)(x));
    const ff = [0, 1].map((j) => (ad.jvp((z: Tensor) => ad.jvp(f, [z], [e0])[1] as Tensor, [x], [ad.tensor(j === 0 ? [1, 0] : [0, 1])])[1] as Tensor).item());
    close(rf, rr);
    close(ff, rr);
  });

  it('a function that calls grad inside a function being differentiated', () => {
    // g(y) = d/dx [x·y]² at x = 1, = 2y²; dg/dy = 4y
    const g = (y: Tensor) => ad.grad((x: Tensor) => ad.square(ad.mul(x, y)))(ad.tensor(1));
    expect(ad.grad(g)(ad.tensor(3)).item()).toBeCloseTo(12, 12);
    // Closing over an outer traced value inside an inner grad (no perturbation confusion):
    // d/dx [ d/dy (x·y) at y=2 ] = d/dx x = 1
    const h = (x: Tensor) => ad.grad((y: Tensor) => ad.mul(x, y))(ad.tensor(2));
    expect(ad.grad(h)(ad.tensor(5)).item()).toBe(1);
  });

  it('customVjp under hvp and under grad of grad', () => {
    // A cube with a hand-written rule 3x²; hvp = 6x·v.
    const cube = ad.customVjp((x: Tensor) => ad.pow(x, 3), (g: Tensor, { args }) => [ad.mul(g, ad.mul(3, ad.square(args[0])))]);
    const f = (x: Tensor) => ad.sum(cube(x));
    close(arr(ad.hvp(f, ad.tensor([1, 2]), ad.tensor([1, 1]))), [6, 12]);
    expect(ad.grad(ad.grad((x: Tensor) => cube(x)))(ad.tensor(2)).item()).toBe(12);
    expect(ad.grad(ad.grad(ad.grad((x: Tensor) => cube(x))))(ad.tensor(2)).item()).toBe(6);
  });

  it('customVjp with pytree arguments and outputs', () => {
    const f = ad.customVjp(
      (p: { a: Tensor; b: Tensor }) => [ad.mul(p.a, p.b), ad.add(p.a, p.b)],
      (ct: Tensor[], { args }) => [{ a: ad.add(ad.mul(ct[0]!, args[0].b), ct[1]!), b: ad.add(ad.mul(ct[0]!, args[0].a), ct[1]!) }],
    );
    const loss = (p: { a: Tensor; b: Tensor }) => { const [m, s] = f(p); return ad.sum(ad.add(m, ad.mul(s, 2))); };
    const g = ad.grad(loss)({ a: ad.tensor([1, 2]), b: ad.tensor([3, 4]) });
    expect(arr(g.a)).toEqual([5, 6]);
    expect(arr(g.b)).toEqual([3, 4]);
  });

  it('checkpoint gives the same gradients and Hessian-vector products', () => {
    const body = (h: Tensor) => ad.tanh(ad.add(ad.mul(h, 1.3), 0.1));
    const ck = ad.checkpoint(body);
    const f1 = (h: Tensor) => ad.sum(ck(ck(h)));
    const f0 = (h: Tensor) => ad.sum(body(body(h)));
    const h = ad.tensor([0.2, -0.4]);
    close(arr(ad.grad(f1)(h)), arr(ad.grad(f0)(h)), 1e-14);
    close(arr(ad.hvp(f1, h, ad.tensor([1, -1]))), arr(ad.hvp(f0, h, ad.tensor([1, -1]))), 1e-14);
  });
});

describe('pytrees', () => {
  it('gradients come back in the structure of the argument', () => {
    const params = { w: ad.tensor([[1, 2], [3, 4]]), layers: [ad.tensor([1, -1]), 2] };
    const loss = (p: typeof params) => ad.sum(ad.mul(ad.matmul(p.w, p.layers[0] as Tensor), p.layers[1] as number));
    const g = ad.grad(loss)(params);
    expect(Object.keys(g)).toEqual(['w', 'layers']);
    expect(arr(g.w)).toEqual([2, -2, 2, -2]);
    expect(arr(g.layers[0])).toEqual([8, 12]);
    expect(g.layers[1].item()).toBe(-2);
  });

  it('argnums picks several arguments; valueAndGrad returns both', () => {
    const f = (a: Tensor, b: Tensor, c: Tensor) => ad.sum(ad.mul(ad.mul(a, b), c));
    const [ga, gc] = ad.grad(f, [0, 2])(ad.tensor(2), ad.tensor(3), ad.tensor(5));
    expect([ga.item(), gc.item()]).toEqual([15, 6]);
    const [v, gb] = ad.valueAndGrad(f, 1)(ad.tensor(2), ad.tensor(3), ad.tensor(5));
    expect([v.item(), gb.item()]).toEqual([30, 10]);
  });

  it('vjp and jvp take pytree outputs; the pullback is reusable', () => {
    const f = (x: Tensor) => ({ s: ad.sum(x), sq: ad.square(x) });
    const [out, pullback] = ad.vjp(f, ad.tensor([1, 2]));
    expect(out.s.item()).toBe(3);
    expect(arr(pullback({ s: ad.tensor(1), sq: ad.tensor([0, 0]) })[0])).toEqual([1, 1]);
    expect(arr(pullback({ s: ad.tensor(0), sq: ad.tensor([1, 1]) })[0])).toEqual([2, 4]);
    const [, t] = ad.jvp(f, [ad.tensor([1, 2])], [ad.tensor([1, 0])]);
    expect(t.s.item()).toBe(1);
    expect(arr(t.sq)).toEqual([2, 0]);
  });

  it('numbers are accepted as arguments and outputs', () => {
    expect(ad.grad((x: Tensor) => ad.mul(x, x))(3).item()).toBe(6);
    expect(ad.grad((_x: Tensor) => 5)(ad.tensor([1, 2])).toArray()).toEqual([0, 0]);
  });
});

describe('values are concrete while tracing', () => {
  it('if on x.item() picks the branch', () => {
    const f = (x: Tensor) => (x.item() > 0 ? ad.square(x) : ad.neg(x));
    expect(ad.grad(f)(ad.tensor(3)).item()).toBe(6);
    expect(ad.grad(f)(ad.tensor(-3)).item()).toBe(-1);
  });

  it('a while loop whose trip count depends on the value', () => {
    // Halve until below 1: f(x) = x / 2^k, k data-dependent; df/dx = 2^-k.
    const f = (x: Tensor) => {
      let y = x;
      while (y.item() >= 1) y = ad.div(y, 2);
      return y;
    };
    expect(ad.grad(f)(ad.tensor(10)).item()).toBe(1 / 16);
    expect(ad.grad(f)(ad.tensor(0.5)).item()).toBe(1);
    expect(ad.grad(ad.grad(f))(ad.tensor(10)).item()).toBe(0);
  });

  it('stopGradient cuts every level', () => {
    expect(ad.grad((x: Tensor) => ad.mul(x, ad.stopGradient(x)))(ad.tensor(3)).item()).toBe(3);
    expect(ad.jvp((x: Tensor) => ad.mul(x, ad.stopGradient(x)), [ad.tensor(3)], [ad.tensor(1)])[1].item()).toBe(3);
  });

  it('a tracer leaked out of a finished transformation is read as its value', () => {
    let leaked: Tensor | null = null;
    ad.grad((x: Tensor) => { leaked = ad.mul(x, 2); return ad.sum(leaked); })(ad.tensor(1));
    expect(ad.grad((y: Tensor) => ad.mul(y, leaked!))(ad.tensor(5)).item()).toBe(2);
  });
});

describe('jacobian and hessian', () => {
  it('agree between forward (wide output) and reverse (wide input) modes', () => {
    const wide = (x: Tensor) => ad.concat([ad.sin(x), ad.mul(x, ad.sum(x))]); // 2 → 4: forward mode
    const narrow = (x: Tensor) => ad.stack([ad.sum(ad.exp(x)), ad.mul(ad.mul(ad.take(x, [0], 0), ad.take(x, [1], 0)), ad.take(x, [2], 0)).reshape([])]); // 3 → 2: reverse mode
    const J = ad.jacobian(wide)(ad.tensor([0.5, 2]));
    expect(J.shape).toEqual([4, 2]);
    close(arr(J), [Math.cos(0.5), 0, 0, Math.cos(2), 2.5 + 0.5, 0.5, 2, 2.5 + 2]);
    const x = ad.tensor([0.1, 0.2, 0.3]);
    const Jn = ad.jacobian(narrow)(x);
    expect(Jn.shape).toEqual([2, 3]);
    close(arr(Jn), [Math.exp(0.1), Math.exp(0.2), Math.exp(0.3), 0.06, 0.03, 0.02]);
  });

  it('hessian has shape [...x, ...x] and is symmetric', () => {
    const f = (x: Tensor) => ad.sum(ad.mul(ad.tanh(ad.matmul(x, ad.transpose(x))), 0.5));
    const H = ad.hessian(f)(ad.tensor([[0.1, 0.2], [0.3, -0.4]]));
    expect(H.shape).toEqual([2, 2, 2, 2]);
    const h = arr(ad.reshape(H, [4, 4]));
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(h[4 * i + j]).toBeCloseTo(h[4 * j + i]!, 12);
  });
});

describe('jacobian and hessian over pytrees, with argnums and hasAux', () => {
  const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => ({ y: ad.tanh(ad.add(ad.matmul(p.w, x), p.b)), n: ad.sum(ad.square(x)) });
  const p = { w: ad.tensor([[1, 2], [3, -1], [0.5, 0]]), b: ad.tensor([0.1, -0.2, 0.3]) };
  const x = ad.tensor([0.4, -0.7]);

  it('nests the output structure outside and the argument structure inside, equal to per-leaf jacobians', () => {
    const J = ad.jacobian(f, [0, 1])(p, x) as { y: [{ w: Tensor; b: Tensor }, Tensor]; n: [{ w: Tensor; b: Tensor }, Tensor] };
    expect(J.y[0].w.shape).toEqual([3, 3, 2]);
    expect(J.y[1].shape).toEqual([3, 2]);
    expect(J.n[0].b.shape).toEqual([3]);
    const byLeaf = ad.jacobian((w: Tensor) => f({ w, b: p.b }, x).y)(p.w);
    expect(Array.from(J.y[0].w.toFloat64Array())).toEqual(Array.from(byLeaf.toFloat64Array()));
    expect(Array.from(J.y[1].toFloat64Array())).toEqual(Array.from(ad.jacobian((u: Tensor) => f(p, u).y)(x).toFloat64Array()));
    expect(Array.from(J.n[1].toFloat64Array())).toEqual([0.8, -1.4]);
    expect(Array.from(J.n[0].w.toFloat64Array()).every((v) => v === 0)).toBe(true);
  });

  it('forward and reverse mode give the same blocks', () => {
    // One scalar input, a pytree of outputs: forward mode; its transpose problem: reverse mode.
    const g = (t: Tensor) => ({ a: ad.mul(ad.sin(t), ad.tensor([1, 2, 3])), b: ad.exp(t) });
    const Jf = ad.jacobian(g)(ad.tensor(0.3)) as { a: Tensor; b: Tensor };
    expect(Jf.a.shape).toEqual([3]);
    Array.from(Jf.a.toFloat64Array()).forEach((v, i) => expect(v).toBeCloseTo((i + 1) * Math.cos(0.3), 14));
    const h = (v: Tensor) => ad.sum(ad.mul(ad.sin(v), ad.tensor([1, 2, 3])));
    expect(Array.from((ad.jacobian(h)(ad.tensor([0.3, 0.3, 0.3])) as Tensor).toFloat64Array())).toEqual(Array.from(Jf.a.toFloat64Array()));
  });

  it('hessian over a pytree argument nests the argument structure twice', () => {
    const loss = (q: { a: Tensor; c: Tensor }) => ad.sum(ad.mul(ad.square(q.a), q.c));
    const H = ad.hessian(loss)({ a: ad.tensor([1, 2]), c: ad.tensor([3, 4]) }) as { a: { a: Tensor; c: Tensor }; c: { a: Tensor; c: Tensor } };
    expect(H.a.a.toArray()).toEqual([[6, 0], [0, 8]]);
    expect(H.a.c.toArray()).toEqual([[2, 0], [0, 4]]);
    expect(H.c.c.toArray()).toEqual([[0, 0], [0, 0]]);
    expect(ad.hessian((u: Tensor, v: Tensor) => ad.sum(ad.mul(ad.square(u), v)), 1)(ad.tensor([1, 2]), ad.tensor([3, 4])).toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it('hasAux returns [jacobian, aux]', () => {
    const [J, aux] = ad.jacobian((u: Tensor) => [ad.mul(u, 2), { seen: u }], { hasAux: true })(ad.tensor([1, 2])) as [Tensor, { seen: Tensor }];
    expect(J.toArray()).toEqual([[2, 0], [0, 2]]);
    expect(aux.seen.toArray()).toEqual([1, 2]);
  });
});

describe('inputs nothing reached', () => {
  it('get zero gradients of their own shapes, usable like any tensor, whether one or many', () => {
    const shapes = [[3, 4], [2], [5, 5], [], [10], [5, 5], [1, 3, 3]];
    const xs = shapes.map((s, i) => ad.add(ad.zeros(s), i + 1));
    const [v, gs] = ad.valueAndGrad((xs: Tensor[]) => ad.sum(ad.mul(xs[1]!, xs[1]!)))(xs);
    expect(v.item()).toBe(8);
    gs.forEach((g, i) => {
      expect(g.shape).toEqual(shapes[i]);
      const want = i === 1 ? [4, 4] : new Array(g.size).fill(0);
      expect(Array.from(g.data)).toEqual(want);
    });
    // Zero gradients feed later ops, are written through `data` copies only, and stay zero.
    (gs[2]!.data as unknown as number[])[0] = 9;
    expect(ad.sum(ad.add(gs[2]!, gs[5]!)).item()).toBe(0);
    expect(ad.matmul(gs[2]!, ad.ones([5, 2])).toArray()).toEqual(new Array(5).fill([0, 0]));
    expect(ad.grad((z: Tensor) => ad.sum(ad.mul(z, gs[0]!)))(ad.ones([3, 4])).toArray()).toEqual(new Array(3).fill([0, 0, 0, 0]));
    // One unused input, and none.
    const [, one] = ad.valueAndGrad((a: Tensor, b: Tensor) => ad.sum(a), [0, 1])(ad.ones([3]), ad.ones([20]));
    expect(Array.from(one[1].data)).toEqual(new Array(20).fill(0));
  });
});
