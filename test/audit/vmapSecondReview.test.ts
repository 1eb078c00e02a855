/**
 * @file A second review of vmap beyond the op table (helper 79): linear algebra, control flow,
 * structured models, implicit differentiation, custom rules, jit, random keys, indexing and
 * reductions, each against the per-example loop (f on each slice, stacked with ad.stack). The
 * regressions fail on the code before their fix; the seeded property tests guard the classes checked.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** f over each example along axis 0 of every argument, stacked along 0. */
const loop = (f: (...x: Tensor[]) => Tensor, ...xs: Tensor[]) => ad.stack(Array.from({ length: xs[0]!.shape[0]! }, (_, b) => f(...xs.map((x) => ad.take(x, b)))), 0);
const near = (got: Tensor, want: Tensor, tol = 1e-13) => {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => (Number.isFinite(v) ? expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))) : expect(g[i]).toBe(v)));
};

describe('whileLoop under vmap', () => {
  it('a condition of shape [1] (a single-element tensor, as outside vmap) keeps a 0-d carry 0-d (the mask broadcast it to [1] and the loop threw)', () => {
    const halve = (x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(ad.reshape(y, [1]), 1), (y: Tensor) => ad.div(y, 2), x);
    const xs = ad.tensor([10, 0.5, 3]);
    near(ad.vmap(halve)(xs) as Tensor, loop(halve, xs));
    near(ad.vmap(ad.grad(halve))(xs) as Tensor, loop(ad.grad(halve), xs));
    expect(arr(ad.vmap(halve)(xs) as Tensor)).toEqual([0.625, 0.5, 0.75]);
    // More than one value per example is still refused, naming the shape.
    expect(() => ad.vmap((x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(y, 1), (y: Tensor) => ad.div(y, 2), x))(ad.ones([2, 3])))
      .toThrow(/^whileLoop: under vmap, cond must return one value per example .*shape \[3\]/);
  });
});

describe('whileLoop under vmap: a condition shared at init that body makes differ across the batch', () => {
  // init is a constant, body multiplies by a mapped value: from the second test on, the condition
  // differs per example (it read that batched answer as one value and threw, telling the user to
  // write a where though the condition already was a tensor).
  const shrink = (w: Tensor, checkpoints?: number) => ad.whileLoop((c: Tensor) => ad.greater(c, 0.1), (c: Tensor) => ad.mul(c, w), ad.scalar(1), { checkpoints });
  const ws = ad.tensor([0.5, 0.9, 0.2]);

  it('runs each example to its own end, with exact per-example gradients, with and without checkpoints', () => {
    expect(arr(ad.vmap((w: Tensor) => shrink(w))(ws) as Tensor)[0]).toBe(0.0625);
    near(ad.vmap((w: Tensor) => shrink(w))(ws) as Tensor, loop((w) => shrink(w), ws));
    for (const ck of [undefined, 2]) {
      const g = ad.grad((w: Tensor) => shrink(w, ck));
      near(ad.vmap(g)(ws) as Tensor, loop(g, ws)); // d(w^n)/dw = n w^(n-1): 4·0.5³ = 0.5, 22·0.9²¹, 2·0.2
      near(ad.grad((w: Tensor) => ad.sum(ad.vmap((v: Tensor) => shrink(v, ck))(w) as Tensor))(ws), loop(g, ws));
    }
    expect(arr(ad.vmap(ad.grad((w: Tensor) => shrink(w)))(ws) as Tensor)[0]).toBeCloseTo(0.5, 15);
    const j = ad.jit(ad.vmap((w: Tensor) => shrink(w)));
    j(ad.tensor([0.3, 0.3, 0.3]));
    near(j(ws) as Tensor, loop((w) => shrink(w), ws));
    // A condition that stays shared (a counter) still runs unmasked, reading it as one value.
    const stats: Partial<ad.ScanStats> = {};
    const count = (w: Tensor) => ad.whileLoop((c: { k: Tensor; y: Tensor }) => ad.less(c.k, 3), (c: { k: Tensor; y: Tensor }) => ({ k: ad.add(c.k, 1), y: ad.mul(c.y, w) }), { k: ad.scalar(0), y: ad.scalar(1) }, { stats });
    expect(arr((ad.vmap(count)(ws) as { y: Tensor }).y)).toEqual(arr(loop((w) => count(w).y, ws)));
    expect(stats.stepCalls).toBe(3);
  });
});

describe('linear solves under vmap, differentiated outside it', () => {
  // cg, minres and gmres run one example at a time under vmap (eachExample): each example's
  // right-hand side is a slice of the batch, and a reverse level outside vmap must see that slice.
  const M = ad.tensor([[4, 1, 0], [1, 3, 0], [0, 0, 2]]);
  const B = ad.tensor([[1, 2, 3], [0, 1, -1]]);
  const solvers = { cg: ad.cg, minres: ad.minres, gmres: ad.gmres };

  it.each(Object.keys(solvers))('grad(vmap(%s)) in b equals the per-example gradients (it was 0)', (name) => {
    const solve = solvers[name as keyof typeof solvers];
    const f = (m: Tensor, b: Tensor) => ad.sum(ad.sin(solve((v: Tensor) => ad.matmul(m, v), b, { tol: 1e-14 }).x));
    const perExample = loop((b: Tensor) => ad.grad((c: Tensor) => f(M, c))(b), B);
    near(ad.grad((b: Tensor) => ad.sum(ad.vmap(f, [null, 0])(M, b) as Tensor))(B), perExample, 1e-12);
    // b and the matrix mapped together; the matrix's gradient was right before as well.
    const Ms = ad.stack([M, ad.add(M, ad.eye(3))], 0);
    const [gm, gb] = ad.grad((m: Tensor, b: Tensor) => ad.sum(ad.vmap(f)(m, b) as Tensor), [0, 1])(Ms, B) as Tensor[];
    near(gb!, loop((m: Tensor, b: Tensor) => ad.grad((c: Tensor) => f(m, c))(b), Ms, B), 1e-12);
    near(gm!, loop((m: Tensor, b: Tensor) => ad.grad((a: Tensor) => f(a, b))(m), Ms, B), 1e-12);
  });

  it('second order: the Hessian in b of a sum over vmap is block diagonal with each example\'s Hessian', () => {
    const f = (b: Tensor) => ad.sum(ad.square(ad.cg((v: Tensor) => ad.matmul(M, v), ad.sin(b), { tol: 1e-14 }).x));
    const h = ad.hessian((b: Tensor) => ad.sum(ad.vmap(f)(b) as Tensor))(B); // [2, 3, 2, 3]
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const block = ad.take(ad.take(h, i, 0), j, 1);
        near(block, i === j ? ad.hessian(f)(ad.take(B, i)) : ad.zeros([3, 3]), 1e-11);
      }
    }
  });
});

describe('the complete factors (qr mode complete, svd fullMatrices) under vmap', () => {
  const a = ad.tensor([[[1, 2], [3, 4], [5, 7]], [[0, 1], [1, 0], [2, 2]], [[1, 0], [0, 1], [0, 0]]]); // 3 examples of [3, 2]
  const q = (x: Tensor) => ad.linalg.qr(x, { mode: 'complete' }).q;
  const u = (x: Tensor) => ad.linalg.svd(x, { fullMatrices: true }).u;

  it('a batch of 0 examples gives [0, m, m] (it threw that a sampler met an empty batch)', () => {
    expect((ad.vmap(q)(ad.zeros([0, 3, 2])) as Tensor).shape).toEqual([0, 3, 3]);
    expect((ad.vmap(u)(ad.zeros([0, 3, 2])) as Tensor).shape).toEqual([0, 3, 3]);
    expect((ad.vmap(ad.vmap(q))(ad.zeros([2, 0, 3, 2])) as Tensor).shape).toEqual([2, 0, 3, 3]);
  });

  it('the whole batch in one call equals the examples one by one, on any axis, nested and under jit; derivatives still refuse', () => {
    for (const f of [q, u]) {
      expect(arr(ad.vmap(f)(a) as Tensor)).toEqual(arr(loop(f, a)));
      expect(arr(ad.vmap(f, 2, 1)(ad.transpose(a, [1, 2, 0])) as Tensor)).toEqual(arr(ad.transpose(loop(f, a), [1, 0, 2])));
      const grid = ad.stack([a, ad.flip(a, 0)], 0);
      expect(arr(ad.vmap(ad.vmap(f))(grid) as Tensor)).toEqual(arr(ad.stack([loop(f, a), loop(f, ad.flip(a, 0))], 0)));
      const j = ad.jit(ad.vmap(f));
      j(ad.flip(a, 0));
      expect(arr(j(a) as Tensor)).toEqual(arr(loop(f, a)));
    }
    expect(() => ad.grad((x: Tensor) => ad.sum(ad.vmap(q)(x) as Tensor))(a)).toThrow(/^linalg\.qr: the complete q of a tall matrix .* has no derivative/);
    expect(() => ad.vmap(ad.grad((x: Tensor) => ad.sum(u(x))))(a)).toThrow(/^linalg\.svd: the full u .* has no derivative/);
  });
});
