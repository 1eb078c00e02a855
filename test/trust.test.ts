/**
 * @file No silent wrong answers (issue #12) in the transformations and ops: each case here gave a
 * wrong number with no error before its fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

describe('repeated argnums', () => {
  it('give the gradient at each place the argument is listed, as JAX does', () => {
    const g = ad.grad((x: Tensor, y: Tensor) => ad.mul(x, y), [0, 0])(2, 3);
    expect(g.map((t) => t.item())).toEqual([3, 3]);
    const [v, gs] = ad.valueAndGrad((x: Tensor, y: Tensor) => ad.mul(ad.square(x), y), [1, 0, 1])(2, 3);
    expect(v.item()).toBe(12);
    expect(gs.map((t) => t.item())).toEqual([4, 12, 4]);
  });
});

describe('softmax and logsumexp at large logits', () => {
  it('softmax of equal huge logits is uniform', () => {
    expect(ad.softmax(ad.tensor([1e16, 1e16])).toArray()).toEqual([0.5, 0.5]);
    expect(ad.softmax(ad.tensor([[1e300, 1e300, -Infinity]]), 1).toArray()).toEqual([[0.5, 0.5, 0]]);
    const ls = ad.logSoftmax(ad.tensor([1e16, 1e16 + 2])).toArray() as number[];
    expect(ls[0]).toBeCloseTo(-2 - Math.log1p(Math.exp(-2)), 14);
  });

  it('the gradient of logsumexp is the softmax to rounding, however large the logits', () => {
    for (const shift of [0, 1e6, 1e10, 1e15, -1e12]) {
      const z = [0, 1, -2, 0.5];
      const x = ad.tensor(z.map((v) => v + shift));
      const want = z.map((v) => Math.exp(v) / z.reduce((s, u) => s + Math.exp(u), 0));
      const g = ad.grad((u: Tensor) => ad.logsumexp(u))(x).toArray() as number[];
      g.forEach((v, i) => expect(Math.abs(v - want[i]!) / want[i]!).toBeLessThan(1e-14));
      // The generic rule (under an outer jvp) agrees, and so does the second order.
      const generic = ad.jvp((u: Tensor) => ad.grad((w: Tensor) => ad.logsumexp(w))(u), [x], [ad.zeros([4])])[0].toArray() as number[];
      generic.forEach((v, i) => expect(Math.abs(v - want[i]!) / want[i]!).toBeLessThan(1e-14));
      const hv = ad.hvp((u: Tensor) => ad.logsumexp(u), x, ad.tensor([1, 0, 0, 0])).toArray() as number[];
      // H = diag(p) − p pᵀ, so H e₀ = p₀ (e₀ − p).
      hv.forEach((v, i) => expect(v).toBeCloseTo(want[0]! * ((i === 0 ? 1 : 0) - want[i]!), 14));
    }
  });

  it('all −∞ rows keep a zero gradient and −∞ value', () => {
    const x = ad.tensor([[-Infinity, -Infinity], [0, 0]]);
    expect(ad.grad((u: Tensor) => ad.sum(ad.logsumexp(u, 1)))(x).toArray()).toEqual([[0, 0], [0.5, 0.5]]);
    expect(ad.logSoftmax(x, 1).toArray()).toEqual([[NaN, NaN], [-Math.LN2, -Math.LN2]]);
  });
});

describe('jit never replays a stale or wrong program', () => {
  it('runs class instances and Maps as written, with the reason in cacheInfo', () => {
    class Model { constructor(public w: Tensor) {} }
    const m = new Model(ad.tensor(2));
    const f = ad.jit((model: Model, x: Tensor) => ad.mul(model.w, x));
    expect(f(m, ad.tensor(3)).item()).toBe(6);
    m.w = ad.tensor(5);
    expect(f(m, ad.tensor(3)).item()).toBe(15);
    const map = new Map([['w', ad.tensor(2)]]);
    const g = ad.jit((p: Map<string, Tensor>, x: Tensor) => ad.mul(p.get('w')!, x));
    expect(g(map, ad.tensor(3)).item()).toBe(6);
    map.set('w', ad.tensor(7));
    expect(g(map, ad.tensor(3)).item()).toBe(21);
    expect(g.cacheInfo()[0]!.status).toBe('eager');
    expect(g.cacheInfo()[0]!.reason).toMatch(/argument 0 is a Map/);
  });

  it('keys typed arrays so that −0 and 0 differ', () => {
    const f = ad.jit((x: Tensor, d: Float64Array) => ad.div(x, ad.tensor(d)));
    expect(f(ad.tensor([1]), new Float64Array([0])).toArray()).toEqual([Infinity]);
    expect(f(ad.tensor([1]), new Float64Array([-0])).toArray()).toEqual([-Infinity]);
  });

  it('replays a long typed-array argument only for the very same bytes', () => {
    const f = ad.jit((x: Tensor, d: Float64Array) => ad.mul(x, ad.tensor(d)));
    const d = new Float64Array(1000).fill(2);
    expect(ad.sum(f(ad.ones([1000]), d)).item()).toBe(2000);
    expect(ad.sum(f(ad.ones([1000]), d)).item()).toBe(2000);
    d[999] = 3;
    expect(ad.sum(f(ad.ones([1000]), d)).item()).toBe(2001);
  });
});

describe('a failed trace leaves no residual bytes behind', () => {
  it('memoryStats returns to its level after functions under grad and jit throw', () => {
    const before = ad.memoryStats().residualBytes;
    const bad = (x: Tensor) => {
      ad.tanh(ad.tanh(ad.mul(x, x)));
      throw new Error('user error');
    };
    for (let i = 0; i < 50; i++) {
      expect(() => ad.grad(bad)(ad.ones([100]))).toThrow('user error');
      expect(() => ad.jit(ad.grad(bad))(ad.ones([100]))).toThrow('user error');
      expect(() => ad.vjp(bad, ad.ones([100]))).toThrow('user error');
    }
    expect(ad.memoryStats().residualBytes).toBe(before);
  });
});

describe('what a transformed function returns', () => {
  it('a forgotten return is named as such', () => {
    const f = ((x: Tensor) => { ad.sum(x); }) as unknown as (x: Tensor) => Tensor;
    expect(() => ad.grad(f)(ad.tensor([1]))).toThrow(/forget to `return`/);
    expect(() => ad.vjp(f, ad.tensor([1]))).toThrow(/forget to `return`/);
    expect(() => ad.jvp(f, [ad.tensor([1])], [ad.tensor([1])])).toThrow(/forget to `return`/);
    expect(() => ad.jacobian(f)(ad.tensor([1]))).toThrow(/jacobian: .*forget to `return`/);
  });

  it('async functions are rejected before they run', () => {
    const f = async (x: Tensor) => ad.sum(x);
    for (const run of [
      () => ad.grad(f as unknown as (x: Tensor) => Tensor),
      () => ad.jit(f),
      () => ad.vjp(f as unknown as (x: Tensor) => Tensor, 1),
      () => ad.profile(f as unknown as () => Promise<Tensor>),
    ]) expect(run).toThrow(/async/);
    expect(() => ad.profile(() => Promise.resolve(1))).toThrow(/Promise/);
  });

  it('cyclic arguments are named instead of overflowing the stack', () => {
    const p: Record<string, unknown> = { w: ad.tensor(1) };
    p.self = p;
    expect(() => ad.grad((q: typeof p) => q.w as Tensor)(p)).toThrow(/grad: the argument contains itself at \[0\]\.self/);
    expect(() => ad.vjp((q: typeof p) => q.w as Tensor, p)).toThrow(ad.InvalidArgumentError);
  });

  it('hessian and hvp name themselves', () => {
    expect(() => ad.hessian((x: Tensor) => ad.sum(x), 1)(ad.tensor([1, 2]))).toThrow(/^hessian: /); // a vector output is JAX's jacfwd(jacrev(f)) since, not an error
    expect(() => ad.hvp((x: { a: Tensor }) => ad.sum(x.a), { a: ad.tensor([1]) }, { b: ad.tensor([1]) } as never)).toThrow(/^hvp: the direction v/);
  });
});

describe('ops that read their arguments', () => {
  it('take follows NumPy: a number removes the axis, the index shape replaces it', () => {
    const x = ad.tensor([[1, 2], [3, 4], [5, 6]]);
    expect(ad.take(x, 2, 0).toArray()).toEqual([5, 6]);
    expect(ad.take(x, -1, 1).toArray()).toEqual([2, 4, 6]);
    expect(ad.take(x, ad.tensor([[0, 1], [2, 0]]), 0).shape).toEqual([2, 2, 2]);
    expect(ad.take(x, ad.tensor([[0, 1], [2, 0]]), 0).toArray()).toEqual([[[1, 2], [3, 4]], [[5, 6], [1, 2]]]);
    const g = ad.grad((u: Tensor) => ad.sum(ad.take(u, ad.tensor([[0, 0], [2, 0]]), 0)))(x);
    expect(g.toArray()).toEqual([[3, 3], [0, 0], [1, 1]]);
  });
});

describe('take with typed-array indices', () => {
  it('accepts any typed array of integer values, as a 1-D index list', () => {
    const x = ad.tensor([10, 20, 30]);
    expect(ad.take(x, new Float64Array([2, 0]), 0).toArray()).toEqual([30, 10]);
    expect(ad.take(x, new Int32Array([1]), 0).toArray()).toEqual([20]);
    expect(() => ad.take(x, new Float64Array([0.5]), 0)).toThrow(/not an integer/);
  });
});
