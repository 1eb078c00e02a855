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
});
