/**
 * @file grad of grad of a checkpointed loop keeps the memory bound (src/transforms/twoLevel.ts).
 *
 * Under grad(grad(·)) the inner reverse level recorded a checkpointed scan, foriLoop or whileLoop
 * as one region, but the outer level taped every op that ran below it — the loop's forward steps
 * and, in the inner backward pass, every recomputed and taped step with its pullback: 93,664 B of
 * residuals at 100 steps of a [16] carry with checkpoints: 5 and 372,256 B at 400, as with 'all'.
 * The outer level now records the loop as two nodes: the loop itself (its backward pass the vjp of
 * the loop run again, checkpointed) and the inner region's backward pass ā = J_F(a)ᵀȳ (its backward
 * pass, for a cotangent μ of ā, the jvp J_F μ for ȳ and the gradient of ⟨ȳ, J_F μ⟩ for a, a grad of
 * jvp of the loop: src/transforms/belowJvp.ts). 2,720 B at any n (the first-order gradient: 896 B),
 * 3·(t(n, c) + n) step calls.
 *
 * Checked: peak residual memory flat in n for scan, foriLoop (but for the arange it scans) and
 * whileLoop, and the step-call count; grad of grad and grad of grad of grad equal 'all''s (1e-13 of
 * the largest entry) and central differences of the first derivative, for a scan with xs, ys and a
 * closure over the differentiated weights, a whileLoop with a counter, a foriLoop; grad of grad of
 * vmap (memory flat too), vmap of grad of grad, jit of grad of grad, hvp of grad, grad of grad of
 * jvp; the inner pullback called after the outer grad returned and inside another grad (the
 * reversal run again under a fresh trace).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { peakOf, sgap } from '../support/residuals.js';
import { griewank } from '../support/revolve.js';

type F = (s: Tensor) => Tensor;
const d = (f: F): F => (s) => ad.grad(f)(s);
const sq = (f: F): F => (s) => ad.square(f(s));

describe('grad of grad of a checkpointed loop keeps the bound', () => {
  const X0 = ad.random.normal([16], 1);
  const sc = (n: number, ck: ad.Checkpoints, counter = { calls: 0 }, stats?: Partial<ad.ScanStats>): F => (s) =>
    ad.sum(ad.sin(ad.scan((c: Tensor) => { counter.calls++; return ad.sin(ad.mul(c, s)); }, X0, { length: n, checkpoints: ck, stats })));
  const fo = (n: number, ck: ad.Checkpoints): F => (s) => ad.sum(ad.sin(ad.foriLoop(0, n, (_i, c: Tensor) => ad.sin(ad.mul(c, s)), X0, { checkpoints: ck })));
  const wl = (n: number, ck: ad.Checkpoints, stats?: Partial<ad.LoopStats>): F => (s) =>
    ad.sum(ad.sin(ad.whileLoop((c: { h: Tensor; k: Tensor }) => c.k.item() < n, (c: { h: Tensor; k: Tensor }) => ({ h: ad.sin(ad.mul(c.h, s)), k: ad.add(c.k, 1) }), { h: X0, k: 0 }, { checkpoints: ck, stats }).h));
  const s0 = ad.scalar(0.9);

  it('scan: peak residual memory flat in n; 3·(t(n, c) + n) step calls; c stored carries', () => {
    const peaks: number[] = [];
    for (const n of [50, 100, 400]) {
      const counter = { calls: 0 }, stats: Partial<ad.ScanStats> = {};
      peaks.push(peakOf(() => d(sq(d(sc(n, 5, counter, stats))))(s0)));
      expect([counter.calls, stats.stepCalls, stats.length, stats.checkpoints]).toEqual([3 * (griewank(n, 5) + n), 3 * (griewank(n, 5) + n), n, 5]);
      expect(stats.peakStoredCarries).toBeLessThanOrEqual(5);
    }
    expect(peaks[1]).toBe(peaks[0]);
    expect(peaks[2]).toBe(peaks[0]); // measured 2,720 B
    expect(peakOf(() => d(sq(d(sc(400, 'all'))))(s0))).toBeGreaterThan(100 * peaks[2]!); // 372,256 B
  });

  it('foriLoop and whileLoop: peak flat in n (foriLoop: but for the arange it scans)', () => {
    const pw = [100, 400].map((n) => peakOf(() => d(sq(d(wl(n, 4))))(s0)));
    const pf = [100, 400].map((n) => peakOf(() => d(sq(d(fo(n, 4))))(s0)));
    expect(pw[1]).toBe(pw[0]); // 2,544 B
    expect(pf[1]! - pf[0]!).toBeLessThanOrEqual(2 * 8 * 300); // the arange, kept by a node on each level
    expect(Math.max(pw[0]!, pf[0]!)).toBeLessThan(4000); // 'all' at 400 steps: 372 kB
    const st: Partial<ad.LoopStats> = {};
    d(sq(d(wl(50, 4, st))))(s0);
    expect([st.length, st.checkpoints]).toEqual([50, 4]);
    expect(st.peakStoredCarries).toBeLessThanOrEqual(4);
  });

  it("second and third derivatives equal 'all''s, for scan, foriLoop and whileLoop", () => {
    for (const L of [sc, fo, wl]) {
      for (const n of [1, 2, 20]) {
        const got = [d(d(L(n, 3)))(s0), d(d(d(L(n, 3))))(s0)], want = [d(d(L(n, 'all')))(s0), d(d(d(L(n, 'all'))))(s0)];
        got.forEach((g, i) => expect(sgap(g, want[i]!)).toBeLessThan(1e-13));
      }
    }
  });
});

describe('a scan with xs, ys and closures; compositions', () => {
  const W0 = ad.random.normal([4, 4], 2, 0, 0.5), H0 = ad.random.normal([4], 3), XS = ad.random.normal([13, 4], 4), H = ad.random.normal([3, 4], 5);
  const rnn = (ck: ad.Checkpoints) => (w: Tensor, h0: Tensor = H0) => {
    const [c, ys] = ad.scan((h: Tensor, x: Tensor) => {
      const hn = ad.tanh(ad.add(ad.matmul(w, h), x));
      return [hn, ad.sum(ad.mul(hn, h))] as const;
    }, h0, { xs: XS, checkpoints: ck });
    return ad.add(ad.sum(ad.square(c)), ad.sum(ad.sin(ys)));
  };
  const outer = (g: (w: Tensor) => Tensor) => (w: Tensor) => ad.sum(ad.sin(g(w)));
  const gg = (f: (w: Tensor) => Tensor) => ad.grad(outer((w) => ad.grad(f)(w)))(W0);

  it("grad of grad and grad of grad of grad equal 'all'; grad of grad equals central differences", () => {
    for (const ck of [1, 3, 'sqrt'] as ad.Checkpoints[]) expect(sgap(gg(rnn(ck)), gg(rnn('all')))).toBeLessThan(1e-13);
    const ggg = (ck: ad.Checkpoints) => ad.grad((w: Tensor) => ad.sum(ad.cos(ad.grad(outer((u) => ad.grad(rnn(ck))(u)))(w))))(W0);
    expect(sgap(ggg(3), ggg('all'))).toBeLessThan(1e-13);
    const g1 = outer((w) => ad.grad(rnn(3))(w)), got = gg(rnn(3)).toFloat64Array(), h = 1e-5;
    for (const i of [0, 6, 9, 15]) {
      const e = ad.mul(ad.oneHot(ad.tensor([i]), 16).reshape([4, 4]), h);
      const fd = (g1(ad.add(W0, e)).item() - g1(ad.sub(W0, e)).item()) / (2 * h);
      expect(Math.abs(fd - got[i]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    }
  });

  it("vmap either side, jit, hvp of grad and grad of grad of jvp: equal 'all'", () => {
    const batched = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.vmap((h: Tensor) => rnn(ck)(w, h))(H));
    expect(sgap(gg(batched(3)), gg(batched('all')))).toBeLessThan(1e-13);
    const vgg = (ck: ad.Checkpoints) => ad.vmap((h: Tensor) => ad.grad(outer((w) => ad.grad((u: Tensor) => rnn(ck)(u, h))(w)))(W0))(H);
    expect(sgap(vgg(3), vgg('all'))).toBeLessThan(1e-13);
    const jitted = ad.jit(ad.grad(outer((w) => ad.grad(rnn(3))(w))));
    jitted(W0);
    const W2 = ad.mul(W0, 1.1);
    expect(sgap(jitted(W2), ad.grad(outer((w) => ad.grad(rnn('all'))(w)))(W2))).toBeLessThan(1e-13);
    const V = ad.random.normal([4, 4], 6);
    const hg = (ck: ad.Checkpoints) => ad.hvp(outer((w) => ad.grad(rnn(ck))(w)), W0, V);
    expect(sgap(hg(3), hg('all'))).toBeLessThan(1e-13);
    const ofJvp = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(ad.jvp((h: Tensor) => rnn(ck)(w, h), [H0], [H.take([0], 0).reshape([4])])[1] as Tensor));
    expect(sgap(gg(ofJvp(3)), gg(ofJvp('all')))).toBeLessThan(1e-13);
  });

  it('grad of grad of vmap: memory flat in n', () => {
    const f = (n: number) => (w: Tensor) => ad.sum(ad.vmap((h: Tensor) => ad.sum(ad.sin(ad.scan((c: Tensor) => ad.tanh(ad.matmul(w, c)), h, { length: n, checkpoints: 3 }))))(H));
    const p = [50, 300].map((n) => peakOf(() => gg(f(n))));
    expect(p[1]).toBe(p[0]); // 1,568 B
  });

  it("the inner pullback called after the outer grad returned, and inside another grad: equal 'all'", () => {
    const f = (ck: ad.Checkpoints) => (w: Tensor) => ad.scan((h: Tensor) => ad.tanh(ad.matmul(w, h)), H0, { length: 13, checkpoints: ck });
    const CT = ad.random.normal([4], 7);
    const later = (ck: ad.Checkpoints) => {
      let pb: ((ct: Tensor) => Tensor[]) | null = null;
      const g = ad.grad((w: Tensor) => {
        const [y, p] = ad.vjp(f(ck), w);
        pb = p as unknown as (ct: Tensor) => Tensor[];
        return ad.sum(ad.sin(y as Tensor));
      })(W0);
      return [g, pb!(CT)[0]!];
    };
    const [a, b] = [later(3), later('all')];
    expect(sgap(a[0]!, b[0]!)).toBeLessThan(1e-13);
    expect(sgap(a[1]!, b[1]!)).toBeLessThan(1e-13);
    const inside = (ck: ad.Checkpoints) => ad.grad((w: Tensor) => {
      const [y, pb] = ad.vjp(f(ck), w);
      const g = ad.grad((z: Tensor) => ad.sum(ad.sin((pb as unknown as (ct: Tensor) => Tensor[])(ad.mul(z, CT))[0]!)))(ad.scalar(0.7));
      return ad.add(ad.sum(ad.square(y as Tensor)), ad.square(g));
    })(W0);
    expect(sgap(inside(3), inside('all'))).toBeLessThan(1e-13);
  });
});
