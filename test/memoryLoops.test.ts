/**
 * @file Memory in synchronous loops (no turn of the event loop, so no FinalizationRegistry callback
 * runs): the library's own pullbacks are released as they return, a chain's prefix chunks are held
 * within a budget, and a kept jit program holds no tape. Each case grew without bound before (a
 * review measured it with a forced GC).
 */
import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ad from 'adjoint';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const arrayBuffers = () => { gc(); gc(); return process.memoryUsage().arrayBuffers; };
const MB = 1024 * 1024;

describe('memory in synchronous loops', () => {
  it("jacrev, hessian and a CRF's argmax release their tapes as they return (memoryStats stays at 0)", () => {
    const x = ad.random.normal(ad.random.key(1), [6]);
    const crf = new ad.LinearChainCRF({ emissions: ad.random.normal(ad.random.key(2), [4, 5, 3]), transitions: ad.random.normal(ad.random.key(3), [3, 3]) });
    const before = ad.memoryStats().residualBytes;
    for (let i = 0; i < 200; i++) {
      ad.jacrev((t: ad.Tensor) => ad.tanh(ad.mul(t, t)))(x);
      ad.hessian((t: ad.Tensor) => ad.sum(ad.exp(ad.tanh(t))))(x);
      crf.argmax();
      crf.topk(2);
    }
    expect(ad.memoryStats().residualBytes).toBe(before);
  });

  it('vjp of a matrix chain in a loop: its prefix chunks stay within the pool\'s budget', () => {
    const ms = Array.from({ length: 40 }, (_, i) => ad.mul(ad.random.normal(ad.random.foldIn(ad.random.key(0), i), [48, 48]), 0.15));
    const start = arrayBuffers();
    for (let i = 0; i < 300; i++) ad.vjp((xs: ad.Tensor[]) => ad.chainMatmul(xs), ms); // 0.7 MB of prefixes each
    expect(arrayBuffers() - start).toBeLessThan(100 * MB); // it grew 210 MB (every chunk kept by its WeakRef)
  });

  it("once a chain's pullbacks are collected, its chunks go too (the pool keeps released ones only weakly)", async () => {
    const ms = Array.from({ length: 40 }, (_, i) => ad.random.normal(ad.random.key(i), [200, 200]));
    const settle = async () => {
      for (let k = 0; k < 5; k++) {
        gc();
        await new Promise((r) => setTimeout(r, 20)); // the FinalizationRegistry releases the tapes between turns
      }
      return process.memoryUsage().arrayBuffers;
    };
    const pullThrice = () => { // (not in the async frame, which may keep its last locals)
      for (let i = 0; i < 3; i++) {
        const [, pullback] = ad.vjp((...m: ad.Tensor[]) => ad.chainMatmul(m), ...ms); // 12 MB of prefixes each
        pullback(ms[0]!);
      }
    };
    const start = await settle();
    pullThrice();
    expect((await settle()) - start).toBeLessThan(4 * MB); // held strongly after release, 36 MB stayed
  });

  it('a jitted value and gradient keeps no activations of the call that recorded it', () => {
    const [k1, k2, k3] = ad.random.split(ad.random.key(0), 3);
    const p = { W1: ad.mul(ad.random.normal(k1!, [64, 256]), 0.1), W2: ad.mul(ad.random.normal(k2!, [256, 1]), 0.1) };
    const loss = (q: typeof p, X: ad.Tensor) => ad.mean(ad.square(ad.matmul(ad.tanh(ad.matmul(X, q.W1)), q.W2)));
    const f = ad.jit(ad.valueAndGrad(loss));
    for (let k = 0; k < 4; k++) {
      const X = ad.random.normal(ad.random.foldIn(k3!, k), [4096 - k, 64]); // 8 MB activations per signature
      f(p, X);
      f(p, X);
    }
    const kept = arrayBuffers();
    f.clearCache();
    expect(kept - arrayBuffers()).toBeLessThan(4 * MB); // the four programs held 30 MB of their tapes
  });
});
