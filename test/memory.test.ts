/** @file The backward walk is iterative (deep tapes do not overflow the stack) and nothing stays reachable after a call. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

describe('memory and depth', () => {
  it('backpropagates through a tape of 10⁶ nodes', () => {
    const n = 1_000_000;
    const f = (x: Tensor) => {
      let y = x;
      for (let i = 0; i < n; i++) y = ad.add(y, 1e-6);
      return y;
    };
    const [v, g] = ad.valueAndGrad(f)(ad.tensor(0));
    expect(v.item()).toBeCloseTo(1, 6);
    expect(g.item()).toBe(1);
  });

  it('second order through a chain of 10⁴ nodes', () => {
    const f = (x: Tensor) => {
      let y = x;
      for (let i = 0; i < 10_000; i++) y = ad.mul(y, 1.0001);
      return y;
    };
    expect(ad.grad(ad.grad((x: Tensor) => ad.square(f(x))))(ad.tensor(1)).item()).toBeCloseTo(2 * 1.0001 ** 20000, 6);
  });

  it('10⁴ calls of valueAndGrad leave the heap flat', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'run with --expose-gc (vitest.config.ts sets it)').toBeTypeOf('function');
    const w = ad.random.normal([32, 32], 1);
    const x = ad.random.normal([8, 32], 2);
    const vg = ad.valueAndGrad((p: Tensor) => ad.sum(ad.tanh(ad.matmul(x, p))));
    const run = (k: number) => { for (let i = 0; i < k; i++) vg(w); };
    run(1000);
    gc!();
    const before = process.memoryUsage().heapUsed;
    run(10_000);
    gc!();
    const after = process.memoryUsage().heapUsed;
    // Each call allocates ~100 kB of tensors; if anything were retained, 10⁴ calls would hold ~1 GB.
    expect(after - before).toBeLessThan(5 * 1024 * 1024);
  });

  it('a synchronous loop of chainMatmul gradients keeps none of its tapes (resident or not)', () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    // 8×8 runs resident in the kernel's memory (a tape the memory holds until the next product);
    // 6×6 keeps its prefixes in chunks lent to the next chain. A WeakRef to the tape kept every
    // tape of the loop alive until the loop's job ended (19 kB each: 3,000 calls held ~57 MB).
    for (const n of [8, 6]) {
      const ms = Array.from({ length: 200 }, (_, i) => ad.random.normal([n, n], i));
      const w = ad.random.normal([n, n], 999); // a full-rank cotangent: the sweeps that read the tape
      const vg = ad.valueAndGrad((m: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(m), w)));
      const run = (k: number) => { for (let i = 0; i < k; i++) vg(ms); };
      run(200);
      gc();
      const before = process.memoryUsage().heapUsed;
      run(3000);
      gc();
      expect(process.memoryUsage().heapUsed - before, `${n}×${n}`).toBeLessThan(8 * 1024 * 1024);
    }
  });

  it('counts what checkpoint, customVjp and checkpointed loops keep, and gives it back with the tape', () => {
    const size = 10_000;
    const block = ad.checkpoint((x: Tensor) => ad.tanh(ad.tanh(x)));
    const before = ad.memoryStats().residualBytes;
    // The checkpoint keeps its input (made on the tape, 80 kB) and nothing of its inside.
    const [, pullback] = ad.vjp((x: Tensor) => block(ad.mul(x, 2)), ad.ones([size]));
    expect(ad.memoryStats().residualBytes - before).toBeGreaterThanOrEqual(8 * size);
    expect(ad.memoryStats().residualBytes - before).toBeLessThan(2 * 8 * size);
    pullback(ad.ones([size]));
    // grad releases its tape when it returns, whatever its regions kept.
    const W = ad.random.normal([8, 8], 1, 0, 0.3);
    const xs = ad.random.normal([50, 8], 2);
    const loss = (w: Tensor) => {
      const h = ad.scan((c: Tensor, x: Tensor) => ad.tanh(ad.add(ad.matmul(w, c), x)), ad.zeros([8]), { xs: ad.mul(xs, w.sum()), checkpoints: 3 });
      const custom = ad.customVjp((a: Tensor) => ad.sin(a), (g: Tensor, { args }) => [ad.mul(g, ad.cos(args[0]))]);
      const k = ad.whileLoop((c: { v: Tensor; i: Tensor }) => c.i.item() < 40, (c: { v: Tensor; i: Tensor }) => ({ v: ad.sin(ad.matmul(w, c.v)), i: ad.add(c.i, 1) }), { v: custom(h), i: 0 }, { checkpoints: 4 });
      return ad.add(ad.sum(block(k.v)), ad.sum(h));
    };
    const mid = ad.memoryStats().residualBytes;
    ad.resetPeakMemory();
    ad.grad(loss)(W);
    expect(ad.memoryStats().peakResidualBytes - mid).toBeGreaterThanOrEqual(50 * 8 * 8); // the scan's xs at least
    expect(ad.memoryStats().residualBytes).toBe(mid);
    // A loop whose output the loss does not use gets no cotangent: its stored carries go with the tape all the same.
    ad.grad((w: Tensor) => {
      ad.whileLoop((c: { v: Tensor; i: Tensor }) => c.i.item() < 30, (c: { v: Tensor; i: Tensor }) => ({ v: ad.sin(ad.matmul(w, c.v)), i: ad.add(c.i, 1) }), { v: ad.ones([8]), i: 0 }, { checkpoints: 6 });
      return ad.sum(w);
    })(W);
    expect(ad.memoryStats().residualBytes).toBe(mid);
  });
});

describe('implicit derivatives return their tapes when the solve is done', () => {
  // The adjoint solve pulls many vectors back through one recorded Jacobian or Hessian; that tape
  // is released when the solve ends, not when the garbage collector finds it.
  const held = (run: () => unknown) => {
    const before = ad.memoryStats().residualBytes;
    run();
    return ad.memoryStats().residualBytes - before;
  };

  it('root, argmin (L-BFGS and Newton-CG) and PairwiseMRF with implicit gradients hold nothing after grad returns', () => {
    const a = ad.tensor([2, 3, 5]);
    expect(held(() => ad.grad((x: Tensor) => ad.sum(ad.root((y: Tensor) => ad.sub(ad.pow(y, 3), x), ad.ones([3]))))(a))).toBe(0);
    const ridge = (method: 'lbfgs' | 'newton-cg') => (lam: Tensor) =>
      ad.sum(ad.argmin((t: Tensor) => ad.add(ad.sum(ad.square(ad.sub(ad.tanh(t), a))), ad.mul(lam, ad.sum(ad.square(t)))), ad.zeros([3]), { method }));
    expect(held(() => ad.grad(ridge('lbfgs'))(ad.tensor(0.1)))).toBe(0);
    expect(held(() => ad.grad(ridge('newton-cg'))(ad.tensor(0.1)))).toBe(0);
    expect(held(() => ad.jvp(ridge('lbfgs'), [ad.tensor(0.1)], [ad.tensor(1)]))).toBe(0);
    const mrf = (u: Tensor) =>
      ad.sum(new ad.PairwiseMRF({ unary: u, edges: [[0, 1], [1, 2], [2, 0]], pairwise: ad.tensor([[0.3, 0], [0, 0.3]]) })
        .beliefs({ method: 'bp', iterations: 100, tol: 1e-10, gradient: 'implicit' }).unary);
    expect(held(() => ad.grad(mrf)(ad.tensor([[0, 1], [1, 0], [0.5, 0]])))).toBe(0);
  });
});
