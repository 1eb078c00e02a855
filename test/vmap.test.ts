/** @file vmap against loops over the batch: every op-table row at every in/out axis combination, and vmap composed with the other transformations. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { opTable, sample, type Domain } from './ops.table.js';

const B = 3;

/** `x` of one example's shape, batched along `axis` (B copies perturbed so examples differ; integers stay integers: x + b). */
function batchOf(x: Tensor, axis: number, seed: number, domain: Domain = 'real'): Tensor {
  const perturbed = (b: number) => (domain === 'index' ? ad.add(x, b) : ad.add(x, ad.mul(0.1 * b, ad.random.uniform([...x.shape], seed + b))));
  const examples = Array.from({ length: B }, (_, b) => (b === 0 ? x : perturbed(b)));
  return ad.stack(examples, axis);
}

function close(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(y[i]!)) expect(Number.isNaN(x[i]!)).toBe(true);
    else expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(y[i]!)));
  }
}

describe('vmap equals a loop over the batch, for every op-table row', () => {
  const cases = opTable.flatMap((row) => row.shapes.map((shapes, k) => ({ row, shapes, k, name: `${row.name} ${JSON.stringify(shapes)}` })));
  it.each(cases)('$name', ({ row, shapes, k }) => {
    const args = shapes.map((s, i) => sample(row.domains[i]!, s, 31 * k + 7 * i + 1));
    // Every non-empty subset of the arguments mapped; the mapped ones along axis 0 or their last axis.
    for (let mask = 1; mask < 1 << args.length; mask++) {
      for (const where of ['first', 'last'] as const) {
        const inAxes = args.map((a, i) => ((mask >> i) & 1 ? (where === 'first' ? 0 : a.ndim) : null));
        const batched = args.map((a, i) => (inAxes[i] === null ? a : batchOf(a, inAxes[i]!, 100 + i, row.domains[i])));
        for (const outAxis of [0, -1]) {
          const got = ad.vmap(row.fn, inAxes, outAxis)(...batched) as Tensor;
          const loop = Array.from({ length: B }, (_, b) => row.fn(...batched.map((x, i) => (inAxes[i] === null ? x : ad.take(x, b, inAxes[i]!)))));
          close(got, ad.stack(loop, outAxis === 0 ? 0 : loop[0]!.ndim));
        }
      }
    }
  });
});

describe('vmap composes', () => {
  const W = ad.random.normal([4, 3], 1), X = ad.random.normal([5, 3], 2), Y = ad.random.normal([5, 4], 3);
  const loss = (w: Tensor, x: Tensor, y: Tensor) => ad.sum(ad.square(ad.sub(ad.tanh(ad.matmul(w, x)), y)));
  const rows = (t: Tensor) => Array.from({ length: t.shape[0]! }, (_, b) => ad.take(t, b, 0));

  it('vmap(grad(f)): per-example gradients equal a loop of grads', () => {
    const perExample = ad.vmap(ad.grad(loss), [null, 0, 0])(W, X, Y) as Tensor;
    close(perExample, ad.stack(rows(X).map((x, b) => ad.grad(loss)(W, x, rows(Y)[b]!)), 0));
  });

  it('grad(vmap(f)) equals the gradient of the summed loop', () => {
    const batched = (w: Tensor) => ad.sum(ad.vmap(loss, [null, 0, 0])(w, X, Y) as Tensor);
    const looped = (w: Tensor) => ad.sum(ad.stack(rows(X).map((x, b) => loss(w, x, rows(Y)[b]!)), 0));
    close(ad.grad(batched)(W), ad.grad(looped)(W));
    close(ad.hvp(batched, W, ad.ones([4, 3])), ad.hvp(looped, W, ad.ones([4, 3])));
  });

  it('vmap(vmap(f)) maps two axes', () => {
    const outer = ad.vmap(ad.vmap((a: Tensor, b: Tensor) => ad.dot(a, b), [0, null]), [null, 0]);
    const A = ad.random.normal([2, 3], 4), Bm = ad.random.normal([4, 3], 5);
    close(outer(A, Bm) as Tensor, ad.matmul(Bm, ad.transpose(A)));
  });

  it('jit(vmap(grad(f))) replays the same numbers', () => {
    const f = ad.jit(ad.vmap(ad.grad(loss), [null, 0, 0]));
    const first = f(W, X, Y) as Tensor;
    const again = f(W, X, Y) as Tensor;
    close(again, first);
    close(first, ad.vmap(ad.grad(loss), [null, 0, 0])(W, X, Y) as Tensor);
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
  });

  it('jvp of vmap and vmap of jvp agree', () => {
    const f = (x: Tensor) => ad.sin(ad.mul(x, x));
    const V = ad.random.normal([5, 3], 6);
    const a = ad.jvp(ad.vmap(f), [X], [V])[1] as Tensor;
    const b = ad.vmap((x: Tensor, v: Tensor) => ad.jvp(f, [x], [v])[1])(X, V) as Tensor;
    close(a, b);
  });

  it('pytrees in and out, with per-leaf axes', () => {
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => ({ y: ad.add(ad.matmul(p.w, x), p.b), n: ad.sum(x) });
    const p = { w: W, b: ad.tensor([1, 2, 3, 4]) };
    const out = ad.vmap(f, [{ w: null, b: null }, 1], { y: 1, n: 0 })(p, ad.transpose(X)) as { y: Tensor; n: Tensor };
    expect(out.y.shape).toEqual([4, 5]);
    close(out.n, ad.sum(X, 1));
    close(ad.transpose(out.y), ad.add(ad.matmul(X, ad.transpose(W)), p.b));
  });

  it('an output that does not depend on the batch is broadcast', () => {
    expect((ad.vmap((_x: Tensor) => ad.tensor(7))(ad.zeros([3])) as Tensor).toArray()).toEqual([7, 7, 7]);
    expect((ad.vmap((x: Tensor) => [x, 2])(ad.tensor([1, 2])) as Tensor[])[1]!.toArray()).toEqual([2, 2]);
  });

  it('checkpoint, customVjp and scan inside vmap', () => {
    const clip = ad.customVjp((x: Tensor) => ad.mul(x, 3), (g: Tensor) => [ad.clip(g, -1, 1)]);
    const g = ad.vmap(ad.grad((x: Tensor) => ad.sum(ad.mul(clip(x), 10))))(X) as Tensor;
    expect(Array.from(g.toFloat64Array()).every((v) => v === 1)).toBe(true);
    const ck = ad.vmap(ad.grad(ad.checkpoint((x: Tensor) => ad.sum(ad.exp(ad.sin(x))))))(X) as Tensor;
    close(ck, ad.stack(rows(X).map((x) => ad.grad((u: Tensor) => ad.sum(ad.exp(ad.sin(u))))(x)), 0));
    const steps = (x: Tensor) => ad.scan((c: Tensor) => ad.tanh(ad.add(ad.mul(c, 0.9), x)), ad.zeros([3]), { length: 4 }) as Tensor;
    close(ad.vmap(steps)(X) as Tensor, ad.stack(rows(X).map(steps), 0));
  });

  it('a batch of CRFs of one length', () => {
    const T = ad.random.normal([3, 3], 7), E = ad.random.normal([4, 5, 3], 8);
    const logZ = (e: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: T }).logPartition();
    close(ad.vmap(logZ)(E) as Tensor, ad.stack(rows(E).map(logZ), 0));
    close(ad.vmap(ad.grad(logZ))(E) as Tensor, ad.stack(rows(E).map(ad.grad(logZ)), 0));
  });
});

describe('vmap errors', () => {
  it('reading a batched value says what to write instead', () => {
    expect(() => ad.vmap((x: Tensor) => (x.item() > 0 ? x : ad.neg(x)))(ad.tensor([1, -1]))).toThrow(/vmap: item\(\) reads the value of a batched tensor.*ad\.where/);
    expect(() => ad.vmap((x: Tensor) => (Number(x) > 0 ? x : ad.neg(x)))(ad.tensor([1, -1]))).toThrow(/vmap: .*numeric context/);
    expect(() => ad.vmap((x: Tensor) => ad.tensor(x.toArray()))(ad.zeros([2, 2]))).toThrow(/vmap: toArray\(\)/);
    expect(ad.vmap((x: Tensor) => ad.where(ad.greater(x, 0), x, ad.neg(x)))(ad.tensor([1, -1])).toArray()).toEqual([1, 1]);
  });

  it('mismatched batch lengths, bad axes and specs are named', () => {
    expect(() => ad.vmap(ad.add)(ad.zeros([2]), ad.zeros([3]))).toThrow(/argument 1 has length 3.*argument 0 has 2/);
    expect(() => ad.vmap(ad.neg, 2)(ad.zeros([2]))).toThrow(/in axis 2 is out of range/);
    expect(() => ad.vmap(ad.add, [0])(ad.zeros([2]), 1)).toThrow(/inAxes has 1 entries but the function was called with 2/);
    expect(() => ad.vmap(ad.neg, null)(ad.zeros([2]))).toThrow(/no argument is mapped/);
    expect(() => ad.vmap(ad.neg, 'a' as never)).toThrow(/inAxes entries must be integers/);
    expect(() => ad.vmap((x: Tensor) => x, 0, null)(ad.zeros([2]))).toThrow(/outAxes is null at the result/);
  });
});

describe('batching rules', () => {
  it('every primitive declares one, but for those vmap runs once per example on purpose', async () => {
    const { primitiveRegistry } = await import('../src/core/primitive.js');
    // region: a customVjp/checkpoint call carries its function in its params (it is run per example);
    // chain nodes are only recorded on tapes, never applied.
    const looped = new Set(['region', 'chainMatmul', 'chainMatmulStack', 'chainProduct']);
    const missing = [...primitiveRegistry.values()].filter((p) => p.batch === undefined && !looped.has(p.name)).map((p) => p.name);
    expect(missing).toEqual([]);
  });
});

describe('whileLoop under vmap', () => {
  const shrink = (x: Tensor) => ad.whileLoop((y: Tensor) => ad.greaterEqual(y, 1), (y: Tensor) => ad.div(y, 2), x);
  const xs = ad.tensor([10, 0.5, 3, 1]);
  const loop = (f: (x: Tensor) => Tensor) => ad.stack(Array.from({ length: 4 }, (_, b) => f(ad.take(xs, b, 0))), 0);

  it('runs each example until its own condition is false, with exact gradients', () => {
    expect((ad.vmap(shrink)(xs) as Tensor).toArray()).toEqual(loop(shrink).toArray());
    expect((ad.vmap(ad.grad(shrink))(xs) as Tensor).toArray()).toEqual(loop(ad.grad(shrink)).toArray());
    expect(ad.grad((u: Tensor) => ad.sum(ad.vmap(shrink)(u) as Tensor))(xs).toArray()).toEqual(loop(ad.grad(shrink)).toArray());
  });

  it('with checkpoints, and under jit (which runs it as written: the trip count is read)', () => {
    const sqrtNewton = (a: Tensor) => ad.whileLoop((x: Tensor) => ad.greater(ad.abs(ad.sub(ad.square(x), a)), 1e-12),
      (x: Tensor) => ad.mul(0.5, ad.add(x, ad.div(a, x))), a, { checkpoints: 3 });
    const as = ad.tensor([4, 9, 2]);
    const perExample = ad.stack([0, 1, 2].map((b) => ad.grad(sqrtNewton)(ad.take(as, b, 0))), 0);
    expect((ad.vmap(ad.grad(sqrtNewton))(as) as Tensor).toArray()).toEqual(perExample.toArray());
    const j = ad.jit(ad.vmap(shrink));
    expect((j(xs) as Tensor).toArray()).toEqual(loop(shrink).toArray());
    expect((j(ad.tensor([100, 0.5, 3, 1])) as Tensor).toArray()).toEqual([0.78125, 0.5, 0.75, 0.5]);
    expect(j.cacheInfo()[0]!.status).toBe('eager');
  });
});

describe('implicit solvers under vmap (batched hyperparameters)', () => {
  const X = ad.tensor([[1, 2], [3, 4], [5, 7]]), y = ad.tensor([1, 0, 2]);
  // Ridge regression: θ*(λ) = (XᵀX + λI)⁻¹ Xᵀy in closed form.
  const fit = (lam: Tensor) =>
    ad.argmin((th: Tensor) => ad.add(ad.sum(ad.square(ad.sub(ad.matmul(X, th), y))), ad.mul(lam, ad.sum(ad.square(th)))), ad.zeros([2])) as Tensor;
  const closed = (lam: Tensor) => ad.linalg.solve(ad.add(ad.matmul(ad.transpose(X), X), ad.mul(lam, ad.eye(2))), ad.matmul(ad.transpose(X), y));
  const lams = ad.tensor([0.1, 1, 10]);
  const near = (a: Tensor, b: Tensor, tol: number) => Array.from(a.toFloat64Array()).forEach((v, i) => expect(Math.abs(v - b.toFloat64Array()[i]!)).toBeLessThan(tol));

  it('argmin: values, vmap(grad), grad(vmap) and jvp(vmap) against the closed form', () => {
    near(ad.vmap(fit)(lams) as Tensor, ad.vmap(closed)(lams) as Tensor, 1e-10);
    const dev = (l: Tensor) => ad.sum(fit(l)), devClosed = (l: Tensor) => ad.sum(closed(l));
    const want = ad.vmap(ad.grad(devClosed))(lams) as Tensor;
    near(ad.vmap(ad.grad(dev))(lams) as Tensor, want, 1e-9);
    near(ad.grad((ls: Tensor) => ad.sum(ad.vmap(fit)(ls) as Tensor))(lams), want, 1e-9);
    near(ad.jvp(ad.vmap(fit), [lams], [ad.ones([3])])[1] as Tensor, ad.jvp(ad.vmap(closed), [lams], [ad.ones([3])])[1] as Tensor, 1e-9);
  });

  it('root and cg', () => {
    const cubeRoot = (a: Tensor) => ad.root((x: Tensor) => ad.sub(ad.pow(x, 3), a), ad.tensor(1)) as Tensor;
    near(ad.vmap(cubeRoot)(ad.tensor([8, 27, 2])) as Tensor, ad.tensor([2, 3, Math.cbrt(2)]), 1e-9);
    near(ad.vmap(ad.grad(cubeRoot))(ad.tensor([8, 27, 2])) as Tensor, ad.tensor([8, 27, 2].map((a) => 1 / (3 * Math.cbrt(a) ** 2))), 1e-9);
    const solveDiag = (d: Tensor) => ad.cg((v: Tensor) => ad.mul(d, v), ad.tensor([1, 1])).x as Tensor;
    near(ad.vmap(solveDiag)(ad.tensor([[1, 2], [4, 5]])) as Tensor, ad.tensor([[1, 0.5], [0.25, 0.2]]), 1e-12);
  });

  it('a batched starting point: each example starts, and converges, where its own x0 says', () => {
    // x² = a has two roots; the start picks one per example, and the gradient is that root's (±1/(2√a)).
    const sqrtFrom = (a: Tensor, x0: Tensor) => ad.root((x: Tensor) => ad.sub(ad.square(x), a), x0) as Tensor;
    const as = ad.tensor([4, 9, 2]), starts = ad.tensor([1, -1, -3]);
    near(ad.vmap(sqrtFrom)(as, starts) as Tensor, ad.tensor([2, -3, -Math.SQRT2]), 1e-9);
    near(ad.vmap(ad.grad(sqrtFrom))(as, starts) as Tensor, ad.tensor([1 / 4, -1 / 6, -1 / (2 * Math.SQRT2)]), 1e-9);
    // Only the start is batched (the loss is shared): a double well, each example in its own basin.
    const well = (x0: Tensor) => ad.argmin((t: Tensor) => ad.square(ad.sub(ad.square(t), 1)), x0) as Tensor;
    near(ad.vmap(well)(ad.tensor([0.5, -2, 3])) as Tensor, ad.tensor([1, -1, 1]), 1e-6);
    // The start receives no gradient, batched or not.
    expect((ad.vmap(ad.grad((x0: Tensor) => sqrtFrom(ad.tensor(4), x0)))(starts) as Tensor).toArray()).toEqual([0, 0, 0]);
  });
});
