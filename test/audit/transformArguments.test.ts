/**
 * @file Regressions found by auditing how the transformations take their arguments (pytrees,
 * argnums, options, structures of tangents and cotangents) against JAX's documented semantics.
 * Expected values are written out (closed forms of small polynomials).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const T = ad.tensor;

describe('trees matched by key, not by key order (JAX sorts dict keys)', () => {
  it("customVjp: a backward rule returning {b, a} for an argument {a, b} gives each key its own cotangent", () => {
    // f(p) = 2a + 3b, so the rule's cotangents are 2·ct for a and 3·ct for b, returned b first.
    // The leaves were paired by position: a got b's 3s and b got a's 2s, silently.
    const f = ad.customVjp(
      (p: { a: Tensor; b: Tensor }) => ad.add(ad.mul(p.a, 2), ad.mul(p.b, 3)),
      (ct: Tensor) => [{ b: ad.mul(ct, 3), a: ad.mul(ct, 2) }],
    );
    const g = ad.grad((p: { a: Tensor; b: Tensor }) => ad.sum(f(p)))({ a: T([1, 2]), b: T([3, 4]) });
    expect(g.a.toArray()).toEqual([2, 2]);
    expect(g.b.toArray()).toEqual([3, 3]);
  });

  it('jvp, linearize and a vjp pullback take tangents and cotangents whose keys come in another order', () => {
    const f = (p: { w: Tensor; b: Tensor }) => ({ y: ad.mul(p.w, p.b), z: ad.add(p.w, p.b) });
    const p = { w: T([1, 2]), b: T(3) };
    // d(w·b) = dw·b + w·db = [1, 0]·3 + [1, 2]·1 = [4, 2]; d(w + b) = [2, 1].
    const [, dy] = ad.jvp(f, [p], [{ b: T(1), w: T([1, 0]) }]);
    expect(dy.y.toArray()).toEqual([4, 2]);
    expect(dy.z.toArray()).toEqual([2, 1]);
    const [, jvpFn] = ad.linearize(f, p);
    expect(jvpFn({ b: T(1), w: T([1, 0]) } as never).y.toArray()).toEqual([4, 2]);
    // Pullback of {z: [1, 1], y: [1, 0]}: dw = y·b + z = [4, 1], db = y·w + Σz = 1 + 2 = 3.
    const [, pullback] = ad.vjp(f, p);
    const [ct] = pullback({ z: T([1, 1]), y: T([1, 0]) } as never);
    expect(ct.w.toArray()).toEqual([4, 1]);
    expect(ct.b.item()).toBe(3);
  });

  it("customJvp and customVjp's jvp option: a rule's tangent whose keys come in another order", () => {
    const g = ad.customJvp(
      (p: { a: Tensor; b: Tensor }) => ({ y: p.a, z: p.b }),
      ([p], [t]) => [{ y: p.a, z: p.b }, { z: ad.mul(t.b, 7), y: ad.mul(t.a, 5) }],
    );
    const [, d] = ad.jvp(g, [{ a: T(2), b: T(3) }], [{ a: T(1), b: T(1) }]);
    expect([d.y.item(), d.z.item()]).toEqual([5, 7]);
  });
});

describe('structure mismatches name both structures', () => {
  const f = (p: { w: Tensor; b: Tensor }) => ({ y: ad.mul(p.w, p.b) });
  const p = { w: T([1, 2]), b: T(3) };
  it('jvp, hvp, linearize, a vjp pullback, customVjp', () => {
    expect(() => ad.jvp(f, [p], [{ w: T([1, 0]), c: T(1) }] as never)).toThrow(/jvp: the tangent .* got \[\{w: \*, c: \*\}\] for \[\{w: \*, b: \*\}\]/);
    expect(() => ad.jvp((a: Tensor, b: Tensor) => ad.mul(a, b), [T(1), T(2)], [T(1)] as never)).toThrow(/got \[\*\] for \[\*, \*\]/);
    const sq = (q: { a: Tensor; b: Tensor }) => ad.sum(ad.mul(q.a, q.b));
    expect(() => ad.hvp(sq, { a: T([1]), b: T([2]) }, { a: T([1]) } as never)).toThrow(/hvp: the direction v .* got \[\{a: \*\}\] for \[\{a: \*, b: \*\}\]/);
    const [, jvpFn] = ad.linearize(f, p);
    expect(() => jvpFn({ w: T([1, 0]) } as never)).toThrow(/linearize: the tangents .* got \[\{w: \*\}\] for \[\{w: \*, b: \*\}\]/);
    const [, pullback] = ad.vjp(f, p);
    expect(() => pullback({ z: T([1, 1]) } as never)).toThrow(/vjp pullback: the cotangent .* got \{z: \*\} for \{y: \*\}/);
    expect(() => pullback(T([1, 1]) as never)).toThrow(ad.ShapeError);
    // @ts-expect-error a cotangent missing a key: the types refuse it too
    const h = ad.customVjp((q: { a: Tensor; b: Tensor }) => ad.add(q.a, q.b), (ct: Tensor) => [{ a: ct }]);
    expect(() => ad.grad((q: { a: Tensor; b: Tensor }) => ad.sum(h(q)))({ a: T([1]), b: T([2]) })).toThrow(
      /customVjp: the backward rule's cotangents .* got \[\{a: \*\}\] for \[\{a: \*, b: \*\}\]/,
    );
  });
});

describe('scan and whileLoop: a carry whose keys come in another order than init', () => {
  type C = { a: Tensor; b: Tensor };
  // b accumulates a, a is multiplied by w: after 3 steps b = 1 + w + w² (7 at w = 2), db/dw = 1 + 2w = 5.
  const step = (w: Tensor) => (c: C): C => ({ b: ad.add(c.b, c.a), a: ad.mul(c.a, w) });
  it('scan reads it by key, in value and gradient', () => {
    const f = (w: Tensor) => ad.scan(step(w), { a: T(1), b: T(0) }, { length: 3 }).b;
    const [v, g] = ad.valueAndGrad(f)(T(2));
    expect([v.item(), g.item()]).toEqual([7, 5]);
  });
  it('whileLoop reads it by key, in value and gradient', () => {
    const f = (w: Tensor) => {
      let i = 0;
      return ad.whileLoop(() => i++ < 3, step(w), { a: T(1), b: T(0) }).b;
    };
    const [v, g] = ad.valueAndGrad(f)(T(2));
    expect([v.item(), g.item()]).toEqual([7, 5]);
  });
  it('a carry of another structure is an error naming both', () => {
    let i = 0;
    const grow = (c: { a: Tensor }) => (i++ === 0 ? { a: c.a } : { a: c.a, b: c.a });
    expect(() => ad.scan(grow, { a: T(1) }, { length: 3 })).toThrow(/scan: the carry step 1 returned .* got \{a: \*, b: \*\} for \{a: \*\}/);
    expect(() => ad.whileLoop(() => true, (c: { a: Tensor }) => ({ a: c.a, b: c.a }), { a: T(1) })).toThrow(
      /whileLoop: body must return a carry with the structure of init, but at iteration 0 it returned \{a: \*, b: \*\} for init \{a: \*\}/,
    );
    expect(() => ad.scan(((c: Tensor) => ({ c })) as never, T(1), { length: 2 })).toThrow(/the result of step 0 \(\{c: \*\}\) is neither for init \*/);
  });
});

describe('jit options', () => {
  it('an unknown option or options that are not an object throw instead of being ignored', () => {
    const f = (x: Tensor) => ad.mul(x, 2);
    expect(() => ad.jit(f, { maxSignature: 2 } as never)).toThrow(/jit: unknown option 'maxSignature'; the options are maxSignatures/);
    // JAX's static and donated arguments: refused with what adjoint does instead (non-tensor arguments are static already).
    expect(() => ad.jit(f, { staticArgnums: [1] } as never)).toThrow(/jit: there is no 'staticArgnums' option: every argument that is not a tensor .* is static already/);
    expect(() => ad.jit(f, { donateArgnums: [0] } as never)).toThrow(/jit: there is no 'donateArgnums' option/);
    const scaled = ad.jit((x: Tensor, v: Float64Array) => ad.mul(x, ad.tensor(v)));
    expect(scaled(T([1, 2]), Float64Array.of(3, 4)).toArray()).toEqual([3, 8]);
    expect(scaled(T([1, 2]), Float64Array.of(5, 6)).toArray()).toEqual([5, 12]); // a typed array is static: a new program
    expect(() => ad.jit(f, 5 as never)).toThrow(ad.InvalidArgumentError);
    expect(ad.jit(f, { maxSignatures: 2 })(T([1, 2])).toArray()).toEqual([2, 4]);
  });
});

describe('messages and options of grad, linearTranspose and customVjp', () => {
  const mul = (a: Tensor, b: Tensor) => ad.mul(a, b);
  it('argnums NaN and Infinity are shown as written (JSON showed null)', () => {
    expect(() => ad.grad(mul, [0, NaN])(T(2), T(3))).toThrow(/grad: argnums \[0,NaN\] holds NaN/);
    expect(() => ad.grad(mul, Infinity)(T(2), T(3))).toThrow(/grad: argnums Infinity holds Infinity/);
  });
  it('grad of a function returning a boolean or a string says so (it said "a pytree")', () => {
    expect(() => ad.grad((() => true) as unknown as (x: Tensor) => Tensor)(T(2))).toThrow(/returned boolean true/);
    expect(() => ad.grad((() => 'loss') as unknown as (x: Tensor) => Tensor)(T(2))).toThrow(/returned string 'loss'/);
  });
  it("linearTranspose's errors name linearTranspose", () => {
    const t = ad.linearTranspose((a: Tensor) => ad.mul(a, 2), T([3]));
    expect(() => t({ y: T([1]) } as never)).toThrow(/^linearTranspose pullback: the cotangent .* got \{y: \*\} for \*/);
  });
  it('customVjp rejects an unknown option (a misspelt jvp was ignored)', () => {
    expect(() => ad.customVjp((x: Tensor) => x, (ct: Tensor) => [ct], { jvpp: () => [] } as never)).toThrow(/customVjp: unknown option 'jvpp'; the options are jvp/);
  });
});

describe('options that are objects but not plain ones', () => {
  it('a Map or a Date as options is refused (it has no keys, so it read as {} and hid the mistake)', () => {
    const f = (x: Tensor) => ad.sum(ad.square(x));
    expect(() => ad.grad(f, new Map() as never)).toThrow(/grad: the second argument is argnums .* got an object \(Map\)/);
    expect(() => ad.jit(f, new Map() as never)).toThrow(/jit: options must be an object/);
    expect(() => ad.whileLoop(() => false, (c: Tensor) => c, T(1), new Date() as never)).toThrow(/whileLoop: options must be an object/);
    expect(() => ad.customVjp(f, (ct: Tensor) => [ct], new Map() as never)).toThrow(/customVjp: options must be an object/);
  });
});

describe('a tangent object with a hidden key', () => {
  it('a non-enumerable key does not stand in for a missing one (flatten does not see it)', () => {
    const t = Object.defineProperty({ a: T(1), c: T(1) }, 'b', { value: T(1), enumerable: false });
    expect(() => ad.jvp((p: { a: Tensor; b: Tensor }) => ad.add(p.a, p.b), [{ a: T(1), b: T(2) }], [t] as never)).toThrow(/got \[\{a: \*, c: \*\}\] for \[\{a: \*, b: \*\}\]/);
  });
});

describe('arguments after those a transformation takes', () => {
  it('checkpoint, customJvp and vmap refuse them (JAX keywords such as nondiff_argnums were ignored)', () => {
    const f = (x: Tensor) => ad.sin(x);
    const call = (g: Function, ...args: unknown[]) => () => g(...args);
    // checkpoint takes its policy now (test/checkpointPolicy.test.ts); a third argument is still refused.
    expect(call(ad.checkpoint, f, { policy: 'dots' }, { static: 1 })).toThrow(/checkpoint: takes the function and its options.*got 1 more argument\(s\), the first an object \(Object\), which would be ignored/);
    expect(call(ad.customJvp, f, () => [], { nondiffArgnums: [1] })).toThrow(/customJvp: takes the function and its rule/);
    expect(call(ad.vmap, f, 0, 0, { axisName: 'i' })).toThrow(/vmap: takes the function, inAxes and outAxes/);
    expect(ad.vmap(f, 0, 0)(T([0])).toArray()).toEqual([0]);
  });
});

describe("JAX's positional hasAux and jvp's has_aux", () => {
  it('grad(f, 0, true), valueAndGrad, jacobian, hessian and jvp with an extra argument throw naming the form', () => {
    const f = (x: Tensor) => ad.sum(ad.square(x));
    const call = (g: Function, ...args: unknown[]) => () => g(...args);
    // jax.grad(f, 0, True) is has_aux=True; here it was ignored.
    expect(call(ad.grad, f, 0, true)).toThrow(/grad: takes the function and argnums or \{ argnums, hasAux \}.*the first boolean true/);
    expect(call(ad.valueAndGrad, f, 0, true)).toThrow(/valueAndGrad: takes/);
    expect(call(ad.jacobian, f, 0, true)).toThrow(/jacobian: takes/);
    expect(call(ad.hessian, f, 0, true)).toThrow(/hessian: takes/);
    // jvp takes { hasAux } now (jax.jvp's has_aux); f here returns no pair, which it names.
    expect(call(ad.jvp, f, [T(1)], [T(1)], { hasAux: true })).toThrow(/jvp: with hasAux the function must return a pair/);
    expect(call(ad.jvp, f, [T(1)], [T(1)], {}, 7)).toThrow(/jvp: takes the function, primals, tangents and options/);
    expect(ad.grad(f, 0)(T([1, 2])).toArray()).toEqual([2, 4]);
  });
});

describe('arguments after those scan, whileLoop, hvp, jit and customVjp take', () => {
  it('throw naming the form (they were ignored)', () => {
    const call = (g: Function, ...args: unknown[]) => () => g(...args);
    const id = (c: Tensor) => c;
    expect(call(ad.scan, id, T(1), { length: 2 }, 10)).toThrow(/scan: takes step, init and options/);
    expect(call(ad.whileLoop, () => false, id, T(1), {}, 5)).toThrow(/whileLoop: takes cond, body, init and options/);
    expect(call(ad.hvp, (x: Tensor) => ad.sum(x), T(1), T(1), 'extra')).toThrow(/hvp: takes the function, the point and the direction/);
    expect(call(ad.jit, id, {}, { donateArgnums: [0] })).toThrow(/jit: takes the function and options/);
    expect(call(ad.customVjp, id, (ct: Tensor) => [ct], {}, 1)).toThrow(/customVjp: takes the function, its backward rule and options/);
  });
});
