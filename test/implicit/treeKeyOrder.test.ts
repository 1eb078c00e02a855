/**
 * @file Trees whose objects hold the same keys in another order — the parameters written by hand
 * ({ w, b }), the gradients rebuilt by `ad.tree.map`, which sorts keys as JAX does ({ b, w }) — are
 * the same tree to the optimizers and the solvers: leaf i of each is the same entry (a port review
 * found them refused with "grads must have the structure of params", and a clip written with
 * ad.tree.map refused inside `chain`).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';

const p = { w: ad.tensor([1, 2]), b: ad.tensor(3) };
const loss = (q: typeof p) => ad.add(ad.sum(ad.square(q.w)), ad.mul(5, ad.square(q.b)));
const sorted = <T extends object>(t: T): T => ad.tree.map((x) => x, t as never) as T;

describe('optimizers: grads, params and state with their keys in another order', () => {
  /** One step with the gradient as grad returned it, against steps with the keys of the gradient or the params sorted. */
  function sameSteps<S extends ad.PyTree>(opt: ad.optimizers.Optimizer<S>): void {
    const g = ad.grad(loss)(p);
    const st = opt.init(p);
    const [want] = opt.step(p, g, st);
    for (const [params, grads] of [[p, sorted(g)], [sorted(p), g]] as const) {
      const [got] = opt.step(params, grads, st);
      expect(got.w.toFloat64Array()).toEqual(want.w.toFloat64Array());
      expect(got.b.toFloat64Array()).toEqual(want.b.toFloat64Array());
    }
  }

  it('step takes a gradient rebuilt by tree.map (sorted keys), and params in another order than at init: the same step', () => {
    expect(Object.keys(sorted(ad.grad(loss)(p)))).toEqual(['b', 'w']);
    sameSteps(ad.optimizers.adam({ lr: 0.1 }));
    sameSteps(ad.optimizers.momentum({ lr: 0.1, beta: 0.9 }));
  });

  it('a gradient transform written with tree.map inside chain (PyTorch\'s clip_grad_norm_)', () => {
    const clipTorch = {
      init: () => ({}),
      update: (grads: typeof p, state: object) => {
        const norm = Math.sqrt(ad.tree.leaves(grads).reduce((s: number, g) => s + ad.sum(ad.square(g as ad.Tensor)).item(), 0));
        return [ad.tree.map((g: ad.Tensor) => ad.mul(g, Math.min(1, 1 / (norm + 1e-6))), grads), state];
      },
    };
    const opt = ad.optimizers.chain(clipTorch as never, ad.optimizers.sgd({ lr: 1 }));
    const [next] = opt.step(p, ad.grad(loss)(p), opt.init(p)) as [typeof p, unknown];
    const g = ad.grad(loss)(p), norm = Math.hypot(2, 4, 30);
    expect(next.w.toArray()).toEqual(ad.sub(p.w, ad.mul(g.w, 1 / (norm + 1e-6))).toArray());
    expect(next.b.toArray()).toEqual(ad.sub(p.b, ad.mul(g.b, 1 / (norm + 1e-6))).toArray());
  });

  it('trees that differ in more than key order are still refused', () => {
    const opt = ad.optimizers.adam({ lr: 0.1 }), st = opt.init(p);
    expect(() => opt.step(p, { w: ad.tensor([1, 2]), c: ad.tensor(3) } as never, st)).toThrow(/grads must have the structure of params/);
  });
});

describe('solvers: a function returning its tree with the keys in another order', () => {
  it('root: F built with tree.map (sorted keys) from a start point written { w, b }', () => {
    const target = { w: ad.tensor([1, 2]), b: ad.scalar(3) };
    const F = (q: typeof target) => ad.tree.map((v: ad.Tensor, t: ad.Tensor) => ad.sub(v, t), q, target) as typeof target;
    const r = ad.root(F, { w: ad.zeros([2]), b: ad.scalar(0) });
    expect(Object.keys(r)).toEqual(['w', 'b']);
    expect(Array.from(r.w.toFloat64Array(), (v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 2]);
    expect(Math.round(r.b.item() * 1e12) / 1e12).toBe(3);
  });

  it('root\'s gradient with F\'s keys sorted: the derivative solves pair F\'s leaves with x\'s by key too (it gave 13 for 31)', () => {
    const solveFor = (s: ad.Tensor) => ad.root((q: { w: ad.Tensor; b: ad.Tensor }) => ad.tree.map((v: ad.Tensor) => v, { w: ad.sub(q.w, s), b: ad.sub(q.b, ad.mul(s, 3)) }) as never,
      { w: ad.scalar(0), b: ad.scalar(0) }) as { w: ad.Tensor; b: ad.Tensor };
    const g = ad.grad((s: ad.Tensor) => { const r = solveFor(s); return ad.add(r.w, ad.mul(10, r.b)); })(ad.scalar(2)).item();
    expect(g).toBeCloseTo(31, 10);
    const [, t] = ad.jvp((s: ad.Tensor) => { const r = solveFor(s); return ad.add(r.w, ad.mul(10, r.b)); }, [ad.scalar(2)], [ad.scalar(1)]);
    expect(t.item()).toBeCloseTo(31, 10);
  });
});
