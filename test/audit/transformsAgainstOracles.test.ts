/**
 * @file Regressions found by differential testing of the transformations (grad, jvp, vjp, hessian,
 * vmap, jit, checkpoint, scan, whileLoop, customVjp/customJvp and their compositions) against
 * PyTorch 1.13 (float64, torch.autograd), finite differences and brute-force loops. The oracles
 * here are closed forms or the same computation written without the transformation under test
 * (the loop unrolled, the region inlined), so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const A = ad.scalar(0.7);
const B = ad.scalar(-0.4);

/** ∂/∂(a, b) of ∂f/∂a: the inner level differentiates a, the outer one both arguments. */
const gradOfGrad = (f: (a: Tensor, b: Tensor) => Tensor) =>
  ad.grad((a: Tensor, b: Tensor) => ad.grad(f, 0)(a, b), [0, 1])(A, B).map((t) => t.item());

const expectClose = (got: number[], want: number[], tol = 1e-12) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
};

describe('a region whose arguments are boxed only at an outer reverse level', () => {
  // grad(grad(·)) where checkpoint / scan / whileLoop take b (outer level only) and read a (inner
  // level) through their closure. The region was recorded at b's level with the inner level live
  // inside it, so the inner level's derivative through the region was lost: 0 instead of the
  // values below, silently.
  it('checkpoint: the inner derivative through the closure arrives (closed form)', () => {
    // F = ∂/∂a sin(ab)² = b sin(2ab); ∂F/∂a = 2b² cos(2ab), ∂F/∂b = sin(2ab) + 2ab cos(2ab).
    const a = 0.7, b = -0.4;
    const want = [2 * b * b * Math.cos(2 * a * b), Math.sin(2 * a * b) + 2 * a * b * Math.cos(2 * a * b)];
    const f = (a: Tensor, b: Tensor) => ad.square(ad.checkpoint((h: Tensor) => ad.sin(ad.mul(h, a)))(b));
    expectClose(gradOfGrad(f), want);
    expectClose(gradOfGrad((a, b) => ad.square(ad.sin(ad.mul(b, a)))), want);
  });

  const unrolled = (a: Tensor, b: Tensor) => {
    let h = b;
    for (let t = 0; t < 5; t++) h = ad.sin(ad.add(ad.mul(h, a), 0.3));
    return ad.square(h);
  };

  for (const checkpoints of [1, 2, 'sqrt'] as const) {
    it(`scan with checkpoints ${checkpoints} equals the unrolled loop`, () => {
      const f = (a: Tensor, b: Tensor) =>
        ad.square(ad.scan((h: Tensor) => ad.sin(ad.add(ad.mul(h, a), 0.3)), b, { length: 5, checkpoints }));
      const want = gradOfGrad(unrolled);
      expect(Math.abs(want[0]!)).toBeGreaterThan(0.5);
      expectClose(gradOfGrad(f), want);
    });

    it(`whileLoop with checkpoints ${checkpoints} equals the unrolled loop`, () => {
      const f = (a: Tensor, b: Tensor) => {
        const body = (c: { h: Tensor; i: Tensor }) => ({ h: ad.sin(ad.add(ad.mul(c.h, a), 0.3)), i: ad.add(c.i, 1) });
        return ad.square(ad.whileLoop((c) => ad.less(c.i, 5), body, { h: b, i: ad.scalar(0) }, { checkpoints }).h);
      };
      expectClose(gradOfGrad(f), gradOfGrad(unrolled));
    });
  }

  // The same with a forward or batch level inside the reverse one: grad over b of a jvp or vmap
  // over a. The jvp's tangent went to 0 silently; under vmap a batched value leaked (an error).
  const regions = {
    checkpoint: (a: Tensor, b: Tensor) => {
      let h = b;
      for (let t = 0; t < 5; t++) h = ad.checkpoint((h: Tensor) => ad.sin(ad.add(ad.mul(h, a), 0.3)))(h);
      return ad.square(h);
    },
    scan: (a: Tensor, b: Tensor) =>
      ad.square(ad.scan((h: Tensor) => ad.sin(ad.add(ad.mul(h, a), 0.3)), b, { length: 5, checkpoints: 2 })),
    whileLoop: (a: Tensor, b: Tensor) => {
      const body = (c: { h: Tensor; i: Tensor }) => ({ h: ad.sin(ad.add(ad.mul(c.h, a), 0.3)), i: ad.add(c.i, 1) });
      return ad.square(ad.whileLoop((c) => ad.less(c.i, 5), body, { h: b, i: ad.scalar(0) }, { checkpoints: 2 }).h);
    },
  };
  for (const [name, f] of Object.entries(regions)) {
    it(`${name}: grad of jvp and grad of vmap through the closure equal the unrolled loop`, () => {
      const gradOfJvp = (g: typeof f) => ad.grad((b: Tensor) => ad.jvp((a: Tensor) => g(a, b), [A], [ad.scalar(1)])[1] as Tensor)(B).item();
      const gradOfVmap = (g: typeof f) => ad.grad((b: Tensor) => ad.sum(ad.vmap((a: Tensor) => g(a, b))(ad.tensor([0.7, 0.2]))))(B).item();
      const want = gradOfJvp(unrolled);
      expect(Math.abs(want)).toBeGreaterThan(0.5);
      expectClose([gradOfJvp(f)], [want]);
      expectClose([gradOfVmap(f)], [gradOfVmap(unrolled)]);
    });
  }

  it('customVjp and customJvp of a checkpoint output plus an inner value run (they threw a closure error)', () => {
    // F = ∂/∂a (sin b + a)³ = 3(sin b + a)²; ∂F/∂a = 6(sin b + a), ∂F/∂b = 6(sin b + a) cos b.
    const s = Math.sin(-0.4) + 0.7;
    const want = [6 * s, 6 * s * Math.cos(-0.4)];
    const cubeVjp = ad.customVjp((x: Tensor) => ad.pow(x, 3), (g: Tensor, { args: [x] }) => [ad.mul(g, ad.mul(3, ad.square(x)))]);
    const cubeJvp = ad.customJvp((x: Tensor) => ad.pow(x, 3), ([x]: [Tensor], [t]: [Tensor]) => [ad.pow(x, 3), ad.mul(ad.mul(3, ad.square(x)), t)]);
    const inner = (b: Tensor) => ad.checkpoint((h: Tensor) => ad.sin(h))(b);
    expectClose(gradOfGrad((a, b) => cubeVjp(ad.add(inner(b), a))), want);
    expectClose(gradOfGrad((a, b) => cubeJvp(ad.add(inner(b), a))), want);
    expectClose(gradOfGrad((a, b) => ad.checkpoint((x: Tensor) => ad.pow(x, 3))(ad.add(inner(b), a))), want);
  });
});

describe('argnums that are not argument indices', () => {
  // Were reported as "refers to argument -1, but the function was called with 2 argument(s)".
  it('name the bad entry and the valid range', () => {
    const f = (a: Tensor, b: Tensor) => ad.sum(ad.mul(a, b));
    const x = ad.tensor([1, 2]);
    // A negative index counts from the end, as JAX's argnums=-1 (jax-ml/jax#10669); beyond −count it is refused.
    const y = ad.tensor([3, 5]);
    expect(ad.grad(f, -1)(x, y).toArray()).toEqual([1, 2]);
    expect((ad.grad(f, [-2, -1])(x, y) as Tensor[]).map((g) => g.toArray())).toEqual([[3, 5], [1, 2]]);
    expect((ad.jacobian(f, [0, -1])(x, y) as Tensor[]).map((g) => g.toArray())).toEqual([[3, 5], [1, 2]]);
    expect(ad.hessian((a: Tensor, b: Tensor) => ad.sum(ad.mul(ad.mul(a, a), b)), -1)(x, y).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(() => ad.grad(f, -3)(x, x)).toThrow(/grad: argnums -3 refers to argument -3, but the function was called with 2 argument\(s\); an index is from 0 to 1, or from −2/);
    expect(() => ad.grad(f, [0, 0.5])(x, x)).toThrow(/grad: argnums \[0,0\.5\] holds 0\.5/);
    expect(() => ad.jacobian(f, [1, 2])(x, x)).toThrow(/jacobian: argnums \[1,2\] refers to argument 2, but the function was called with 2/);
  });
});

describe('vmap axis trees that leave out a key', () => {
  // inAxes [{ a: 0 }] for an argument { a, b } silently left b unmapped (a [3,3,2] result where
  // a [3,2] one was meant), and outAxes { u: 1 } for a result { u, v } silently put v's batch axis
  // first: JAX requires the spec to be a tree prefix of the value, and so does the guide.
  const X = ad.tensor([[1, 2], [3, 4], [5, 6]]);
  it('inAxes: an error naming both key sets', () => {
    expect(() => ad.vmap((p: { a: Tensor; b: Tensor }) => ad.add(p.a, p.b), [{ a: 0 }])({ a: X, b: X }))
      .toThrow(/vmap: inAxes at argument 0 has keys \[a\] but the argument there is an object with keys \[a, b\]/);
  });
  it('outAxes: an error naming both key sets', () => {
    expect(() => ad.vmap((a: Tensor) => ({ u: a, v: ad.sum(a) }), 0, { u: 1 })(X))
      .toThrow(/vmap: outAxes at the result has keys \[u\] but the result there has keys \[u, v\]/);
  });
  it('a full spec maps as the loop over examples does', () => {
    const got = ad.vmap((p: { a: Tensor; b: Tensor }) => ad.mul(p.a, p.b), [{ a: 0, b: null }])({ a: X, b: ad.tensor([10, 100]) });
    expect(Array.from(got.toFloat64Array())).toEqual([10, 200, 30, 400, 50, 600]);
    const out = ad.vmap((a: Tensor) => ({ u: a, v: ad.sum(a) }), 0, { u: 1, v: 0 })(X);
    expect(out.u.toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
    expect(out.v.toArray()).toEqual([3, 7, 11]);
  });
});

describe('custom rules reading a differentiated value through the closure, with constant arguments', () => {
  // The guide makes a closure over a differentiated tensor an error (the rule cannot give its
  // derivative). That held only when the arguments were boxed at the differentiating level: with
  // constant arguments f ran as written and the rule was silently bypassed (here the rule says
  // cotangent × 0, so grad gave f's own derivative, a·cos(ab)·… instead of an error).
  const b = ad.scalar(-0.4);
  const ruleVjp = (a: Tensor) => ad.customVjp((h: Tensor) => ad.sin(ad.mul(h, a)), (g: Tensor) => [ad.mul(g, 0)]);
  const ruleJvp = (a: Tensor) => ad.customJvp((h: Tensor) => ad.sin(ad.mul(h, a)), ([h]: [Tensor], [t]: [Tensor]) => [ad.sin(ad.mul(h, a)), ad.mul(t, 0)]);
  it('is the same error under grad, hvp and the inner level of grad(grad(·))', () => {
    expect(() => ad.grad((a: Tensor) => ruleVjp(a)(b))(ad.scalar(0.7))).toThrow(/customVjp: the function reads 1 tensor\(s\) being differentiated through its closure/);
    expect(() => ad.grad((a: Tensor) => ruleJvp(a)(b))(ad.scalar(0.7))).toThrow(/customJvp: the function reads 1 tensor\(s\) being differentiated through its closure/);
    expect(() => ad.hvp((a: Tensor) => ruleVjp(a)(b), ad.scalar(0.7), ad.scalar(1))).toThrow(/customVjp: the function reads/);
    expect(() => ad.grad((c: Tensor) => ad.grad((a: Tensor) => ruleVjp(a)(c))(ad.scalar(0.7)))(b)).toThrow(/customVjp: the function reads/);
  });
  it('also for a value of an outer level, and runs the rule when the closure holds constants', () => {
    // c is differentiated by the outer grad and read through the closure: the same error.
    expect(() => ad.grad((c: Tensor) => ad.grad((a: Tensor) => ad.mul(ruleVjp(c)(ad.scalar(1)), a))(ad.scalar(0.7)))(b))
      .toThrow(/customVjp: the function reads 1 tensor\(s\) being differentiated through its closure/);
    // A constant closure, constant or differentiated arguments, nested levels: the rule (× 0) decides.
    expect(ad.grad((a: Tensor) => ruleVjp(ad.scalar(2))(a))(ad.scalar(0.7)).item()).toBe(0);
    expect(ad.grad((a: Tensor) => ruleJvp(ad.scalar(2))(a))(ad.scalar(0.7)).item()).toBe(0);
    const g = ad.grad((c: Tensor) => ad.grad((a: Tensor) => ad.mul(ruleVjp(ad.scalar(2))(ad.scalar(1)), ad.mul(a, c)))(ad.scalar(0.7)))(b);
    expect(g.item()).toBeCloseTo(Math.sin(2), 15);
  });
  it('is the same error in forward mode (jvp, linearize), where f ran as written or the closure\'s tangent was dropped', () => {
    // jvp through a closure over the tangent's level: the rule (× 0) was bypassed (f's derivative
    // came out); with the argument at the same level, the closure tensor's tangent was dropped.
    expect(() => ad.jvp((a: Tensor) => ruleVjp(a)(b), [ad.scalar(0.7)], [ad.scalar(1)])).toThrow(/customVjp: the function reads one or more tensor\(s\) being differentiated through its closure/);
    expect(() => ad.jvp((a: Tensor) => ruleJvp(a)(b), [ad.scalar(0.7)], [ad.scalar(1)])).toThrow(/customJvp: the function reads one or more tensor\(s\)/);
    expect(() => ad.jvp((a: Tensor, h: Tensor) => ruleVjp(a)(h), [ad.scalar(0.7), b], [ad.scalar(1), ad.scalar(1)])).toThrow(/customVjp: the function reads/);
    expect(() => ad.jvp((a: Tensor, h: Tensor) => ruleJvp(a)(h), [ad.scalar(0.7), b], [ad.scalar(1), ad.scalar(1)])).toThrow(/customJvp: the function reads/);
    expect(() => ad.linearize((a: Tensor) => ruleVjp(a)(b), ad.scalar(0.7))).toThrow(/customVjp: the function reads/);
    // A forward-mode value of an outer level read inside grad: the same error.
    expect(() => ad.jvp((c: Tensor) => ad.grad((h: Tensor) => ruleVjp(c)(h))(b), [ad.scalar(0.7)], [ad.scalar(1)])).toThrow(/customVjp: the function reads/);
    // Arguments only: forward mode uses the rule (the transpose of × 0, or the JVP rule's × 0).
    expect((ad.jvp((h: Tensor) => ruleVjp(ad.scalar(2))(h), [b], [ad.scalar(1)])[1] as Tensor).item()).toBe(0);
    expect((ad.jvp((h: Tensor) => ruleJvp(ad.scalar(2))(h), [b], [ad.scalar(1)])[1] as Tensor).item()).toBe(0);
  });
});

describe('second order through a customVjp: forward-over-reverse agrees with reverse-over-reverse', () => {
  // hvp (jvp of grad) differentiated the forward value of a customVjp call as written (f's own
  // derivative), while grad(grad(·)) and hessian differentiate the rule, as PyTorch's double
  // backward does: for a surrogate rule the two disagreed silently (4.96 against 6.3 here).
  // F = sin with the rule ḡ·3x: f(x) = F(x)·x has, by the rule, f′ = 3x² + sin x and f″ = 6x + 3x.
  const F = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args: [x] }: { args: [Tensor] }) => [ad.mul(g, ad.mul(x, 3))]);
  const f = (x: Tensor) => ad.sum(ad.mul(F(x), x));
  it('gives the rule\'s second derivative in hvp, jvp of grad, hessian and grad of grad', () => {
    const x = ad.tensor([0.7, -1.2]);
    const want = [9 * 0.7, 9 * -1.2];
    expect(Array.from(ad.hvp(f, x, ad.tensor([1, 1])).toFloat64Array())).toEqual(want.map((w) => expect.closeTo(w, 13)));
    expect((ad.jvp(ad.grad(f), [x], [ad.tensor([1, 0])])[1] as Tensor).toArray()).toEqual([expect.closeTo(want[0]!, 13), 0]);
    expect(ad.hessian(f)(x).toArray()).toEqual([[expect.closeTo(want[0]!, 13), 0], [0, expect.closeTo(want[1]!, 13)]]);
    expect(ad.grad((u: Tensor) => ad.sum(ad.grad(f)(u)))(x).toArray()).toEqual(want.map((w) => expect.closeTo(w, 13)));
  });
  it('still runs hvp through a rule that is not linear in its cotangent (f differentiated as written there)', () => {
    const clip = ad.customVjp((x: Tensor) => ad.mul(x, 1), (g: Tensor) => [ad.clip(g, -1, 1)]);
    const h = (x: Tensor) => ad.sum(ad.mul(clip(ad.square(x)), x));
    // d/dx of the rule's gradient 3x²·… : value term x²·x differentiated as written, 3x² → 6x.
    expect(ad.hvp(h, ad.tensor([0.3]), ad.tensor([1])).item()).toBeCloseTo(6 * 0.3, 13);
  });
});
