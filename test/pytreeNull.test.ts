/**
 * @file `null` in pytrees is an empty node, as JAX's `None` (jax.tree_util registers None as a
 * pytree with no children): no leaf, kept where trees are rebuilt (gradients, cotangents, tangents,
 * mapped trees, optimizer states), part of the structure (jit's cache key, structure errors), a
 * tree prefix of itself only. Every value is checked against the same function without the null.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** A tree with every tensor read out, to compare with toEqual. */
const plain = (t: unknown): unknown => JSON.parse(JSON.stringify(t, (_k, v: unknown) => (v instanceof ad.Tensor ? v.toArray() : v)));

const w = ad.tensor([0.5, -1.5, 2]);
const b = ad.scalar(0.25);
type P = { w: Tensor; b: Tensor };
type PN = { w: Tensor; b: Tensor; extra: null };
const loss = (p: P) => ad.sum(ad.mul(ad.sin(p.w), ad.exp(p.b)));
const lossN = (p: PN) => loss(p);

describe('transformations keep null where the argument has null', () => {
  it('grad and valueAndGrad: the gradient has null where the argument had null (jax.grad with a None entry)', () => {
    const g = ad.grad(lossN)({ w, b, extra: null });
    const ref = ad.grad(loss)({ w, b });
    expect(g.extra).toBeNull();
    expect(Object.keys(g)).toEqual(['w', 'b', 'extra']);
    expect(plain({ w: g.w, b: g.b })).toEqual(plain(ref));
    const [value, g2] = ad.valueAndGrad(lossN)({ w, b, extra: null });
    expect(value.item()).toBe(loss({ w, b }).item());
    expect(plain(g2)).toEqual({ ...(plain(ref) as object), extra: null });
    // argnums over a null argument: its gradient is null.
    const [gx, gn] = ad.grad((x: Tensor, _n: null) => ad.sum(ad.square(x)), [0, 1])(w, null);
    expect(plain(gx)).toEqual(plain(ad.mul(2, w)));
    expect(gn).toBeNull();
    // A null inside an array, and an argument that is null at the top.
    expect(plain(ad.grad((xs: [Tensor, null, Tensor]) => ad.sum(ad.mul(xs[0], xs[2])))([w, null, w]))).toEqual([plain(w), null, plain(w)]);
  });

  it('vjp: the output may hold null, the cotangent has null there, the pullback gives null for a null primal', () => {
    const f = (p: PN) => ({ y: ad.mul(p.w, p.b), none: null });
    const [out, pullback] = ad.vjp(f, { w, b, extra: null });
    expect(out.none).toBeNull();
    const [ct] = pullback({ y: ad.tensor([1, 2, 3]), none: null });
    const [, ref] = ad.vjp((p: P) => ad.mul(p.w, p.b), { w, b });
    expect(plain(ct)).toEqual({ ...(plain(ref(ad.tensor([1, 2, 3]))[0]) as object), extra: null });
    // The cotangent must have null where the output has null: a leaf there is a structure error naming null.
    expect(() => pullback({ y: ad.tensor([1, 2, 3]), none: 1 } as never)).toThrow(/got \{y: \*, none: \*\} for \{y: \*, none: null\}/);
  });

  it('jvp and linearize: tangents have null where the primals have null', () => {
    const f = (p: PN) => [ad.sin(p.w), null, ad.mul(p.w, p.b)] as const;
    const ref = (p: P) => [ad.sin(p.w), ad.mul(p.w, p.b)] as const;
    const t = { w: ad.tensor([1, 0, -1]), b: ad.scalar(2) };
    const [out, tangentOut] = ad.jvp(f, [{ w, b, extra: null }], [{ ...t, extra: null }]);
    const [refOut, refTangent] = ad.jvp(ref, [{ w, b }], [t]);
    expect(plain(out)).toEqual([plain(refOut[0]), null, plain(refOut[1])]);
    expect(plain(tangentOut)).toEqual([plain(refTangent[0]), null, plain(refTangent[1])]);
    // A tangent with a leaf where the primal has null is a structure error.
    expect(() => ad.jvp(f, [{ w, b, extra: null }], [{ ...t, extra: 1 } as never])).toThrow(
      /jvp: the tangent must have the same structure as the point .* got \[\{w: \*, b: \*, extra: \*\}\] for \[\{w: \*, b: \*, extra: null\}\]/,
    );
    const [linOut, jvpFn] = ad.linearize(f, { w, b, extra: null });
    expect(plain(linOut)).toEqual(plain(out));
    expect(plain(jvpFn({ ...t, extra: null }))).toEqual(plain(tangentOut));
  });

  it('hvp, jacobian and hessian over trees holding null', () => {
    const cubic = (p: PN) => ad.sum(ad.mul(p.w, ad.mul(p.w, p.b)));
    const v = { w: ad.tensor([1, 2, 3]), b: ad.scalar(1), extra: null };
    const h = ad.hvp(cubic, { w, b, extra: null }, v);
    const hRef = ad.hvp((p: P) => cubic({ ...p, extra: null }), { w, b }, { w: v.w, b: v.b });
    expect(plain(h)).toEqual({ ...(plain(hRef) as object), extra: null });
    const jac = ad.jacobian((p: PN) => ({ y: ad.mul(p.w, p.b), none: null }))({ w, b, extra: null });
    const jacRef = ad.jacobian((p: P) => ({ y: ad.mul(p.w, p.b) }))({ w, b });
    expect(plain(jac)).toEqual({ y: { ...(plain(jacRef.y) as object), extra: null }, none: null });
    const hes = ad.hessian(cubic)({ w, b, extra: null });
    expect(hes.extra).toBeNull();
    expect(hes.w.extra).toBeNull();
    expect(plain(hes.w.w)).toEqual(plain(ad.hessian((x: Tensor) => cubic({ w: x, b, extra: null }))(w)));
  });

  it('vmap: null in the data is passed through (in any inAxes), null in the result comes back; inAxes null still means not mapped', () => {
    const xs = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    const f = (p: PN, x: Tensor) => ({ y: ad.mul(ad.mul(p.w, x), p.b), none: p.extra });
    const ref = ad.vmap((p: P, x: Tensor) => ad.mul(ad.mul(p.w, x), p.b), [null, 0])({ w, b }, xs);
    for (const inAxes of [[null, 0], [{ w: null, b: null, extra: null }, 0], [{ w: null, b: null, extra: 0 }, 0]] as const) {
      const out = ad.vmap(f, inAxes as never)({ w, b, extra: null }, xs);
      expect(out.none).toBeNull();
      expect(plain(out.y)).toEqual(plain(ref));
    }
    // An inAxes tree where the argument has null is not a prefix of it (as JAX's in_axes): an error.
    expect(() => ad.vmap(f, [{ w: null, b: null, extra: [0] }, 0] as never)({ w, b, extra: null }, xs)).toThrow(
      /inAxes at argument 0\.extra is an array of 1 but the argument there is null/,
    );
    // inAxes 0 over a tree with null: the null is not mapped (it holds nothing), the tensors are.
    const both = ad.vmap((p: { x: Tensor; n: null }) => [ad.sum(p.x), p.n])({ x: xs, n: null });
    expect(plain(both)).toEqual([[6, 15], null]);
    // outAxes for a null result: a number or null is fine; a tree there is an error.
    expect(plain(ad.vmap((x: Tensor) => [x, null], 0, [1, null])(xs))).toEqual([plain(ad.transpose(xs)), null]);
    expect(() => ad.vmap((x: Tensor) => ({ a: x, n: null }), 0, { a: 0, n: { q: 0 } } as never)(xs)).toThrow(/outAxes at the result\.n is a tree, but the result there is null/);
    // Per-example gradients keep the null.
    const pe = ad.vmap(ad.grad((p: PN, x: Tensor) => ad.sum(ad.mul(p.w, x))), [null, 0])({ w, b, extra: null }, xs);
    expect(pe.extra).toBeNull();
    expect(plain(pe.w)).toEqual(plain(xs));
    expect(plain(pe.b)).toEqual([0, 0]);
  });

  it('jit: null in an argument is part of the signature (a different structure records again), null in the result comes back', () => {
    let recordings = 0;
    const f = ad.jit((p: { w: Tensor; e: unknown }) => {
      recordings++;
      return p.e === null ? { a: ad.mul(p.w, 3), n: null } : { a: ad.mul(p.w, 5), n: null };
    });
    const first = f({ w, e: null });
    expect(plain(first)).toEqual({ a: plain(ad.mul(w, 3)), n: null });
    expect(plain(f({ w: ad.tensor([1, 1, 1]), e: null }))).toEqual({ a: [3, 3, 3], n: null });
    const seen = recordings;
    expect(plain(f({ w, e: [null] }))).toEqual({ a: plain(ad.mul(w, 5)), n: null }); // [null] is not null
    expect(plain(f({ w, e: {} }))).toEqual({ a: plain(ad.mul(w, 5)), n: null }); // nor is {}
    expect(recordings).toBeGreaterThan(seen);
    expect(plain(f({ w, e: null }))).toEqual({ a: plain(ad.mul(w, 3)), n: null });
    // Gradients through jit keep the null.
    const g = ad.jit(ad.grad(lossN))({ w, b, extra: null });
    expect(plain(g)).toEqual({ ...(plain(ad.grad(loss)({ w, b })) as object), extra: null });
  });

  it('checkpoint, scan, whileLoop, foriLoop, cond: carries and results with null', () => {
    const inner = ad.checkpoint((p: PN) => ({ y: ad.sin(ad.mul(p.w, p.b)), none: null }));
    const g = ad.grad((p: PN) => ad.sum(inner(p).y))({ w, b, extra: null });
    const gRef = ad.grad((p: P) => ad.sum(ad.sin(ad.mul(p.w, p.b))))({ w, b });
    expect(plain(g)).toEqual({ ...(plain(gRef) as object), extra: null });

    type C = { x: Tensor; none: null };
    const step = (c: C, x: Tensor) => [{ x: ad.add(ad.mul(c.x, 0.5), x), none: c.none }, ad.sum(c.x)] as const;
    const xs = { data: ad.tensor([[1, 2, 3], [4, 5, 6]]), none: null };
    const scanned = (w0: Tensor) =>
      ad.scan((c: C, x: { data: Tensor; none: null }) => step(c, x.data), { x: w0, none: null }, { xs, length: 2 });
    const scannedRef = (w0: Tensor) => ad.scan((c: { x: Tensor }, x: Tensor) => [{ x: ad.add(ad.mul(c.x, 0.5), x) }, ad.sum(c.x)] as const, { x: w0 }, { xs: xs.data, length: 2 });
    const [carry, ys] = scanned(w) as unknown as [C, Tensor];
    const [carryRef, ysRef] = scannedRef(w) as unknown as [{ x: Tensor }, Tensor];
    expect(carry.none).toBeNull();
    expect(plain(carry.x)).toEqual(plain(carryRef.x));
    expect(plain(ys)).toEqual(plain(ysRef));
    const gScan = ad.grad((w0: Tensor) => ad.sum((scanned(w0) as unknown as [C, Tensor])[0].x))(w);
    expect(plain(gScan)).toEqual(plain(ad.grad((w0: Tensor) => ad.sum((scannedRef(w0) as unknown as [{ x: Tensor }])[0].x))(w)));

    const loop = ad.whileLoop((c: C) => ad.less(ad.sum(c.x), 20), (c: C) => ({ x: ad.mul(c.x, 2), none: c.none }), { x: ad.tensor([1, 2]), none: null });
    const loopRef = ad.whileLoop((c: { x: Tensor }) => ad.less(ad.sum(c.x), 20), (c: { x: Tensor }) => ({ x: ad.mul(c.x, 2) }), { x: ad.tensor([1, 2]) });
    expect(plain(loop)).toEqual({ x: plain(loopRef.x), none: null }); // [8, 16]
    const fori = ad.foriLoop(0, 3, (i, c: C) => ({ x: ad.add(c.x, i), none: c.none }), { x: ad.tensor([1, 2]), none: null });
    expect(plain(fori)).toEqual({ x: [4, 5], none: null }); // 1 + 0 + 1 + 2
    const chosen = ad.cond(0, (p: PN) => ({ y: p.w, none: null }), (p: PN) => ({ y: ad.neg(p.w), none: null }), { w, b, extra: null });
    expect(plain(chosen)).toEqual({ y: plain(ad.neg(w)), none: null });
  });

  it('customVjp and customJvp: outputs with null, a null argument gets a null cotangent', () => {
    const double = ad.customVjp(
      (x: Tensor, _n: null) => ({ y: ad.mul(x, 2), none: null }),
      (ct: { y: Tensor; none: null }) => [ad.mul(ct.y, 2), null],
    );
    expect(plain(double(w, null))).toEqual({ y: plain(ad.mul(w, 2)), none: null });
    const [gx, gn] = ad.grad((x: Tensor, n: null) => ad.sum(ad.mul(double(x, n).y, x)), [0, 1])(w, null);
    expect(plain(gx)).toEqual(plain(ad.mul(w, 4)));
    expect(gn).toBeNull();

    const sinPair = ad.customJvp<[Tensor], [Tensor, null]>(
      (x) => [ad.sin(x), null],
      ([x], [t]) => [[ad.sin(x), null], [ad.mul(ad.cos(x), t), null]],
    );
    const [out, tangent] = ad.jvp(sinPair, [w], [ad.ones([3])]);
    expect(plain(out)).toEqual([plain(ad.sin(w)), null]);
    expect(plain(tangent)).toEqual([plain(ad.cos(w)), null]);
    expect(plain(ad.grad((x: Tensor) => ad.sum(sinPair(x)[0]))(w))).toEqual(plain(ad.cos(w)));
  });

  it('onnx.exportModel: a null in the arguments or the result has no graph input or output', () => {
    const bytes = ad.onnx.exportModel((p: PN) => ({ y: ad.mul(p.w, p.b), none: null }), [{ w, b, extra: null }]);
    const model = ad.onnx.importModel(bytes);
    expect(plain(model(w, b))).toEqual(plain(ad.mul(w, b)));
  });

  it('optimizers: state trees and updated parameters keep null', () => {
    const grads = { w: ad.tensor([1, -1, 0.5]), b: ad.scalar(2), extra: null };
    for (const opt of [ad.optimizers.sgd({ lr: 0.1 }), ad.optimizers.adam({ lr: 0.1 }), ad.optimizers.momentum({ lr: 0.1, beta: 0.9 })]) {
      const params = { w, b, extra: null };
      const [next, state] = opt.step(params, grads, opt.init(params));
      const ref = opt.step({ w, b }, { w: grads.w, b: grads.b }, opt.init({ w, b }));
      expect(plain(next)).toEqual({ ...(plain(ref[0]) as object), extra: null });
      for (const v of Object.values(state as object)) if (v !== null && typeof v === 'object' && 'w' in v) expect((v as { extra: unknown }).extra).toBeNull();
    }
  });
});

describe('ad.tree with null, as jax.tree with None', () => {
  it('leaves skip null; structure shows it; flatten and unflatten round-trip it (jax.tree.leaves({a: 1, b: None}) == [1])', () => {
    expect(ad.tree.leaves({ a: 1, b: null })).toEqual([1]);
    expect(ad.tree.leaves([null, null, null])).toEqual([]);
    expect(ad.tree.leaves(null)).toEqual([]);
    expect(String(ad.tree.structure({ b: null, a: [1, null] }))).toBe('{a: [*, null], b: null}');
    expect(String(ad.tree.structure(null))).toBe('null');
    expect(ad.tree.structure([null, 1]).numLeaves).toBe(1);
    const [ls, s] = ad.tree.flatten({ a: 1, b: null, c: [2, { d: null }] });
    expect(ls).toEqual([1, 2]);
    expect(ad.tree.unflatten(s, ['x', 'y'])).toEqual({ a: 'x', b: null, c: ['y', { d: null }] });
    // undefined has no JAX analogue and stays an error that says to write null.
    expect(() => ad.tree.leaves({ a: 1, b: undefined } as never)).toThrow(/tree\.leaves: the leaf at \.b is undefined.*Write null/);
  });

  it('map keeps null; over several trees null pairs only with null (jax.tree.map(f, None, x) is an error unless x is None)', () => {
    const doubled = ad.tree.map((x) => x * 2, { a: 1, b: null });
    expect(doubled).toEqual({ a: 2, b: null });
    const nothing: null = doubled.b; // LeafMap keeps null in the type too
    expect(nothing).toBeNull();
    expect(ad.tree.map((x, y) => x + y, { a: 1, b: null }, { a: 2, b: null })).toEqual({ a: 3, b: null });
    expect(() => ad.tree.map((x, y) => x + y, { a: 1, b: null }, { a: 2, b: 3 } as never)).toThrow(
      /tree\.map: the tree at position 2 .* got \{a: \*, b: \*\} for \{a: \*, b: null\}/,
    );
    // Where the first tree has a leaf, another tree's null is the subtree fn gets (a prefix match).
    expect(ad.tree.map((x, y: unknown) => [x, y], { a: 1, b: 2 }, { a: 3, b: null } as never)).toEqual({ a: [1, 3], b: [2, null] });
    expect(ad.tree.reduce((n: number, l: number) => n + l, [1, null, 2], 0)).toBe(3);
    expect(() => ad.tree.reduce((n, l) => n + l, [null] as never as number[])).toThrow(/no leaves/);
  });

  it('a structure error shows null as null', () => {
    const [, pullback] = ad.vjp((p: { a: Tensor; n: null }) => p, { a: w, n: null });
    expect(() => pullback({ a: w, n: [] } as never)).toThrow(/got \{a: \*, n: \[\]\} for \{a: \*, n: null\} \(\* a leaf, null an empty node\)/);
  });

  it('property: unflatten(structure(t), leaves(t)) is t, and grad keeps the nulls, for random trees with nulls', () => {
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer({ min: -5, max: 5 }),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'w', 'z'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (t) => {
        const s = ad.tree.structure(t as never);
        const ls = ad.tree.leaves(t as never);
        expect(ad.tree.unflatten(s, ls)).toEqual(t);
        const [ls2, s2] = ad.tree.flatten(t as never);
        expect(String(s2)).toBe(String(s));
        expect(ls2).toEqual(ls);
        // grad of a sum of squares: 2·leaf at each leaf, null where t has null, same nesting.
        const g = ad.grad((u: unknown) => ad.tree.reduce((acc: Tensor, l: Tensor) => ad.add(acc, ad.sum(ad.square(l))), u as never, ad.scalar(0)))(t);
        expect(plain(g)).toEqual(ad.tree.map((x: number) => 2 * x, t as never));
      }),
      { numRuns: 150, seed: 20261203 },
    );
  });
});
