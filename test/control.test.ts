/** @file cond, switch and foriLoop (jax.lax's control flow): eager branches, vmap with batched predicates against loops over the batch, gradients against the unrolled program. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const arr = (t: ad.Tensor) => t.toArray() as number[];

describe('cond', () => {
  const safeLog = (x: ad.Tensor) => ad.cond(ad.greater(x, 0), (v: ad.Tensor) => ad.log(v), (v: ad.Tensor) => ad.mul(v, 0), x);

  it('runs only the branch taken, with its derivative (booleans, numbers and one-element tensors)', () => {
    let calls = 0;
    const f = (x: ad.Tensor, p: boolean | number | ad.Tensor) =>
      ad.cond(p, (v: ad.Tensor) => ad.sin(v), (v: ad.Tensor) => { calls++; return ad.cos(v); }, x);
    expect(f(ad.scalar(0.5), true).item()).toBe(Math.sin(0.5));
    expect(calls).toBe(0);
    expect(f(ad.scalar(0.5), 0).item()).toBe(Math.cos(0.5));
    expect(f(ad.scalar(0.5), ad.tensor([[2]])).item()).toBe(Math.sin(0.5));
    expect(ad.grad((x: ad.Tensor) => f(x, false))(ad.scalar(0.5)).item()).toBe(-Math.sin(0.5));
    expect(ad.grad(safeLog)(ad.scalar(2)).item()).toBe(0.5);
    expect(ad.hessian(safeLog)(ad.scalar(2)).item()).toBe(-0.25);
  });

  it('under vmap with a batched predicate: both branches run, each example takes its own (as a loop over the batch)', () => {
    const xs = [1, -1, Math.E, 0, 4];
    const batched = arr(ad.vmap(safeLog)(ad.tensor(xs)));
    expect(batched).toEqual(xs.map((x) => safeLog(ad.scalar(x)).item()));
    const grads = arr(ad.vmap(ad.grad(safeLog))(ad.tensor(xs)));
    expect(grads).toEqual(xs.map((x) => ad.grad(safeLog)(ad.scalar(x)).item()));
    // The unselected log(−1) = NaN branch leaves no NaN in the gradient.
    expect(grads.every(Number.isFinite)).toBe(true);
  });

  it('under vmap with an unbatched predicate: one branch, pytree results, closed-over and mapped operands', () => {
    const f = (flag: boolean) => (x: ad.Tensor) =>
      ad.cond(flag, (v: ad.Tensor) => ({ a: ad.square(v), b: [v] }), (v: ad.Tensor) => ({ a: v, b: [ad.neg(v)] }), x);
    const out = ad.vmap(f(true))(ad.tensor([1, 2, 3]));
    expect(arr(out.a)).toEqual([1, 4, 9]);
    expect(arr(out.b[0]!)).toEqual([1, 2, 3]);
    // Batched predicate, pytree results with numbers as leaves: selected per example.
    const g = ad.vmap((x: ad.Tensor) => ad.cond(ad.less(x, 2), () => ({ k: 1, v: x }), () => ({ k: 2, v: ad.mul(x, 10) })));
    const r = g(ad.tensor([1, 2, 3]));
    expect(arr(r.k)).toEqual([1, 2, 2]);
    expect(arr(r.v)).toEqual([1, 20, 30]);
  });

  it('grad of vmap and jacobian through cond agree with the per-example program', () => {
    const f = (x: ad.Tensor) => ad.cond(ad.greater(ad.sum(x), 0), (v: ad.Tensor) => ad.mul(v, v), (v: ad.Tensor) => ad.sin(v), x);
    const X = ad.tensor([[1, 2], [-3, 1], [0.5, -0.25]]);
    const viaVmap = ad.grad((x: ad.Tensor) => ad.sum(ad.vmap(f)(x)))(X).toArray() as number[][];
    const rows = (X.toArray() as number[][]).map((row) => arr(ad.grad((x: ad.Tensor) => ad.sum(f(x)))(ad.tensor(row))));
    expect(viaVmap).toEqual(rows);
    expect(ad.jacobian(f)(ad.tensor([1, 2])).toArray()).toEqual([[2, 0], [0, 4]]);
  });

  it('inside jit: a constant predicate replays, one that depends on the arguments runs as written (a value read)', () => {
    const constant = ad.jit((x: ad.Tensor) => ad.cond(true, (v: ad.Tensor) => ad.mul(v, 2), (v: ad.Tensor) => v, x));
    constant(ad.tensor([1, 2]));
    expect(arr(constant(ad.tensor([3, 4])))).toEqual([6, 8]);
    expect(constant.cacheInfo()[0]!.status).toBe('replayed');
    const dependent = ad.jit((x: ad.Tensor) => ad.cond(ad.greater(ad.sum(x), 0), (v: ad.Tensor) => ad.mul(v, 2), (v: ad.Tensor) => ad.neg(v), x));
    expect(arr(dependent(ad.tensor([1, 2])))).toEqual([2, 4]);
    expect(arr(dependent(ad.tensor([-1, -2])))).toEqual([1, 2]);
    expect(arr(dependent(ad.tensor([1, 2])))).toEqual([2, 4]);
  });

  it('bad input: non-functions, a predicate of several values or NaN, and branches that disagree under vmap', () => {
    const id = (v: ad.Tensor) => v;
    expect(() => ad.cond(true, 3 as never, id, ad.scalar(1))).toThrow(/cond: trueFn must be a function/);
    expect(() => ad.cond(ad.tensor([1, 0]), id, id, ad.scalar(1))).toThrow(/cond: the predicate must be a single value .* shape \[2\]/);
    expect(() => ad.cond(NaN, id, id, ad.scalar(1))).toThrow(/cond: the predicate is NaN/);
    expect(() => ad.cond('yes' as never, id, id, ad.scalar(1))).toThrow(/cond: the predicate must be a boolean, a number or a single-element tensor, got/);
    expect(() => ad.vmap((x: ad.Tensor) => ad.cond(ad.greater(x, 0), (v: ad.Tensor) => v, (v: ad.Tensor) => ad.stack([v, v]), x))(ad.tensor([1, 2])))
      .toThrow(/cond: under vmap every branch runs.*leaf 0 is \[2\] from falseFn but \[\] from trueFn/);
    expect(() => ad.vmap((x: ad.Tensor) => ad.cond(ad.greater(x, 0), (v: ad.Tensor) => [v], ((v: ad.Tensor) => ({ v })) as never, x))(ad.tensor([1, 2])))
      .toThrow(/cond: under vmap every branch runs, and their results must have one structure/);
    expect(() => ad.vmap((x: ad.Tensor) => ad.cond(ad.greater(x, 0), id, id, x))(ad.tensor([[1, 2]]))).toThrow(ad.ShapeError);
  });
});

describe('switch', () => {
  const branches = [(v: ad.Tensor) => ad.neg(v), (v: ad.Tensor) => ad.square(v), (v: ad.Tensor) => ad.exp(v)];
  const f = (k: number | ad.Tensor, x: ad.Tensor) => ad.switch(k, branches, x);

  it('clamps the integer index into range, as jax.lax.switch', () => {
    expect(f(1, ad.scalar(3)).item()).toBe(9);
    expect(f(-1, ad.scalar(3)).item()).toBe(-3);
    expect(f(-5, ad.scalar(3)).item()).toBe(-3);
    expect(f(9, ad.scalar(0)).item()).toBe(1);
    expect(f(ad.tensor([2]), ad.scalar(0)).item()).toBe(1);
    expect(ad.grad((x: ad.Tensor) => f(1, x))(ad.scalar(3)).item()).toBe(6);
  });

  it('under vmap with a batched index: each example its own branch, values and gradients as a loop', () => {
    const ks = [0, 1, 2, 7, -1, 1], xs = [3, 3, 0, 0.5, 3, -2];
    expect(arr(ad.vmap(f)(ad.tensor(ks), ad.tensor(xs)))).toEqual(ks.map((k, i) => f(k, ad.scalar(xs[i]!)).item()));
    const g = ad.grad(f, 1);
    expect(arr(ad.vmap(g)(ad.tensor(ks), ad.tensor(xs)))).toEqual(ks.map((k, i) => g(k, ad.scalar(xs[i]!)).item()));
  });

  it('bad input: no branches, a boolean index, NaN, a non-function branch', () => {
    expect(() => ad.switch(0, [], ad.scalar(1))).toThrow(/switch: branches must be a non-empty array of functions/);
    expect(() => ad.switch(true as never, branches, ad.scalar(1))).toThrow(/switch: the index must be a number .* use ad.cond/);
    expect(() => ad.switch(NaN, branches, ad.scalar(1))).toThrow(/switch: the index is NaN/);
    expect(() => ad.switch(0, [branches[0]!, 'f' as never], ad.scalar(1))).toThrow(/switch: branches\[1\] must be a function/);
  });
});

describe('foriLoop', () => {
  it('is the loop for (i = lower; i < upper; i++) carry = body(i, carry), with its gradient', () => {
    expect(ad.foriLoop(0, 3, (i, x: ad.Tensor) => ad.add(ad.mul(x, 2), i), ad.scalar(1)).item()).toBe(12);
    const c = ad.foriLoop(2, 5, (i, c: { s: ad.Tensor; p: ad.Tensor }) => ({ s: ad.add(c.s, i), p: ad.mul(c.p, i) }), { s: 0, p: 1 });
    expect([c.s.item(), c.p.item()]).toEqual([9, 24]);
    const unrolled = (w: ad.Tensor) => {
      let x = ad.scalar(0.3);
      for (let i = 0; i < 7; i++) x = ad.tanh(ad.add(ad.mul(w, x), 0.1 * i));
      return x;
    };
    for (const checkpoints of ['all', 2, 'sqrt'] as const) {
      const stats: Partial<ad.ScanStats> = {};
      const looped = (w: ad.Tensor) => ad.foriLoop(0, 7, (i, x: ad.Tensor) => ad.tanh(ad.add(ad.mul(w, x), 0.1 * i)), ad.scalar(0.3), { checkpoints, stats });
      expect(ad.grad(looped)(ad.scalar(0.7)).item()).toBeCloseTo(ad.grad(unrolled)(ad.scalar(0.7)).item(), 14);
      expect(stats.length).toBe(7);
    }
  });

  it('runs no step when upper ≤ lower, and takes one-element tensors as bounds', () => {
    let calls = 0;
    const out = ad.foriLoop(5, 5, (_i, x: { a: ad.Tensor }) => { calls++; return x; }, { a: 1 });
    expect(calls).toBe(0);
    expect(out.a.item()).toBe(1);
    expect(ad.foriLoop(ad.scalar(1), ad.tensor([4]), (i, x: ad.Tensor) => ad.add(x, i), ad.scalar(0)).item()).toBe(6);
  });

  it('under vmap, as a loop over the batch', () => {
    const f = (w: ad.Tensor) => ad.foriLoop(0, 4, (i, x: ad.Tensor) => ad.add(ad.mul(x, w), i), ad.scalar(1));
    expect(arr(ad.vmap(f)(ad.tensor([1, 2, -0.5])))).toEqual([1, 2, -0.5].map((w) => f(ad.scalar(w)).item()));
    expect(arr(ad.vmap(ad.grad(f))(ad.tensor([1, 2])))).toEqual([1, 2].map((w) => ad.grad(f)(ad.scalar(w)).item()));
  });

  it('bad input: fractional bounds, a carry that changes shape, unknown options, extra arguments', () => {
    const id = (_i: number, x: ad.Tensor) => x;
    expect(() => ad.foriLoop(0, 2.5, id, ad.scalar(1))).toThrow(/foriLoop: upper must be an integer/);
    expect(() => ad.foriLoop(0, 2, (_i, x: ad.Tensor) => ad.stack([x, x]), ad.scalar(1))).toThrow(ad.ShapeError);
    expect(() => ad.foriLoop(0, 2, id, ad.scalar(1), { checkpoint: 2 } as never)).toThrow(/foriLoop: unknown option|checkpoint/);
    expect(() => (ad.foriLoop as (...a: unknown[]) => unknown)(0, 2, id, ad.scalar(1), {}, 3)).toThrow(/foriLoop: takes/);
    expect(() => ad.foriLoop(0, 2, 'body' as never, ad.scalar(1))).toThrow(/foriLoop: body must be a function/);
  });
});
