/**
 * @file grad of vmap of a checkpointed loop keeps the memory bound (src/transforms/belowBatch.ts).
 *
 * A checkpointed scan, foriLoop or whileLoop under vmap with a reverse trace below the batch — a
 * batched loss written as vmap over examples, differentiated by grad — ran its steps at the batch
 * level, each op taped by the reverse level one by one: 614 KB of residuals at 800 steps of a [16]
 * carry for a batch of 3 with checkpoints: 5 (as with 'all'), stats.checkpoints n + 1. The loop now
 * runs below the batch, each step in a batch trace of its own, and the reverse level checkpoints
 * it: 2,304 B at any n (the unbatched loop's 768 B times the batch).
 *
 * Checked: peak residual memory flat in n (50/200/800) and ≤ batch × the unbatched loop's; step
 * calls counted by a side effect = Griewank's optimum t(n, c) + n per batched call; gradients equal
 * to 'all''s (bit for bit where the batched ops are the same, else 1e-14) and to central
 * differences; per-example and shared xs, ys, pytree carries, a carry leaf shared at init that the
 * step makes per-example, closures over the differentiated weights and over per-example values;
 * whileLoop with per-example lengths (the batch mask); a shared counter that stays shared, and a
 * shared carry leaf that a later step makes per-example (the taped fallback); jit of grad of vmap;
 * hvp and grad of grad; vmap of vmap under grad. Before the change (HEAD c1b1c8b) the memory and
 * count tests fail: 384,000 B more at 600 steps than at 100, 50 calls and checkpoints 51 for n = 50.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { griewank } from '../support/revolve.js';
import { expectCentralDifferences } from '../support/residuals.js';

/** Largest error relative to max(1, |want|). */
const tgap = (a: Tensor, b: Tensor) => {
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return m;
};
const bits = (t: Tensor) => Array.from(t.toFloat64Array());
const peakOf = (run: () => unknown) => {
  ad.resetPeakMemory();
  const before = ad.memoryStats().residualBytes;
  run();
  return ad.memoryStats().peakResidualBytes - before;
};

describe('grad of vmap of a checkpointed loop keeps the bound', () => {
  const X = ad.random.normal([3, 16], 1);
  const loop = (n: number, ck: ad.Checkpoints, counter = { calls: 0 }, stats?: Partial<ad.ScanStats>) => (s: Tensor, x: Tensor) =>
    ad.sum(ad.scan((c: Tensor) => { counter.calls++; return ad.sin(ad.mul(c, s)); }, x, { length: n, checkpoints: ck, stats }));
  const batched = (f: (s: Tensor, x: Tensor) => Tensor) => (s: Tensor) => ad.sum(ad.vmap((x: Tensor) => f(s, x))(X));

  it('scan: peak residual memory flat in n and at most batch × the unbatched loop\'s; t(n, c) + n step calls', () => {
    const peaks: number[] = [];
    for (const n of [50, 200, 800]) {
      const counter = { calls: 0 }, stats: Partial<ad.ScanStats> = {};
      peaks.push(peakOf(() => ad.grad(batched(loop(n, 5, counter, stats)))(ad.scalar(0.9))));
      expect([counter.calls, stats.stepCalls, stats.checkpoints, stats.length]).toEqual([griewank(n, 5) + n, griewank(n, 5) + n, 5, n]);
      expect(stats.peakStoredCarries).toBeLessThanOrEqual(5);
    }
    const unbatched = peakOf(() => ad.grad((s: Tensor) => loop(800, 5)(s, ad.ones([16])))(ad.scalar(0.9)));
    const all = peakOf(() => ad.grad(batched(loop(800, 'all')))(ad.scalar(0.9)));
    expect(peaks[1]).toBe(peaks[0]);
    expect(peaks[2]).toBe(peaks[0]);
    expect(peaks[2]).toBeLessThanOrEqual(3 * unbatched); // measured 2,304 = 3 × 768
    expect(all).toBeGreaterThan(200 * peaks[2]!); // 'all': 614,016
  });

  it('foriLoop and whileLoop: peak flat in n', () => {
    const fori = (n: number) => (s: Tensor, x: Tensor) => ad.sum(ad.foriLoop(0, n, (_i, c: Tensor) => ad.sin(ad.mul(c, s)), x, { checkpoints: 4 }));
    const wl = (n: number) => (s: Tensor, x: Tensor) =>
      ad.sum(ad.whileLoop((c: { h: Tensor; k: Tensor }) => c.k.item() < n, (c: { h: Tensor; k: Tensor }) => ({ h: ad.sin(ad.mul(c.h, s)), k: ad.add(c.k, 1) }), { h: x, k: 0 }, { checkpoints: 4 }).h);
    const pf = [100, 600].map((n) => peakOf(() => ad.grad(batched(fori(n)))(ad.scalar(0.9))));
    const pw = [100, 600].map((n) => peakOf(() => ad.grad(batched(wl(n)))(ad.scalar(0.9))));
    // foriLoop is a scan over arange(lower, upper), which its region keeps (8 bytes a step), batched or not
    expect(pf[1]! - pf[0]!).toBe(8 * 500);
    expect(pw[1]).toBe(pw[0]);
    expect(Math.max(pf[0]!, pw[0]!)).toBeLessThan(5000); // 'all' at 600 steps: 460 kB
  });
});

describe('gradients equal the unbounded program and central differences', () => {
  const B = 3, N = 23;
  const W0 = ad.random.normal([4, 4], 2, 0, 0.5), U = ad.random.normal([4, 2], 3, 0, 0.5);
  const XS = ad.random.normal([B, N, 2], 4), SHARED = ad.random.normal([N, 4], 5, 0, 0.3), H0 = ad.random.normal([B, 4], 6);
  // carry {h (per-example at init), acc (shared at init, made per-example by the step)}; xs one
  // mapped leaf and one shared; ys stacked; the step closes over w (differentiated) and over g, a
  // per-example value computed inside the vmap.
  const rnn = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.vmap((h0: Tensor, xs: Tensor) => {
    const g = ad.tanh(ad.sum(h0));
    const [c, ys] = ad.scan((carry: { h: Tensor; acc: Tensor }, x: { a: Tensor; b: Tensor }) => {
      const h = ad.tanh(ad.add(ad.add(ad.matmul(w, carry.h), ad.matmul(U, x.a)), ad.mul(g, x.b)));
      return [{ h, acc: ad.add(carry.acc, ad.sum(ad.square(h))) }, ad.mul(ad.sum(h), ad.sum(w))] as const;
    }, { h: h0, acc: ad.scalar(0) }, { xs: { a: xs, b: SHARED }, checkpoints: ck });
    return ad.add(ad.add(ad.sum(c.h), c.acc), ad.sum(ad.sin(ys)));
  })(H0, XS));

  it("scan with xs, ys and pytree carries: every choice equals 'all' (1e-14), and central differences", () => {
    const want = ad.grad(rnn('all'))(W0);
    for (const ck of [1, 2, 5, 'sqrt'] as ad.Checkpoints[]) {
      const [v, g] = ad.valueAndGrad(rnn(ck))(W0);
      expect(tgap(g, want)).toBeLessThan(1e-14);
      expect(v.item()).toBe(rnn('all')(W0).item());
    }
    expectCentralDifferences(rnn(3), W0, 1e-8);
  });

  it('a per-example carry without shared leaves: bit for bit equal to \'all\'', () => {
    const f = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.vmap((h0: Tensor) =>
      ad.scan((h: Tensor) => ad.tanh(ad.matmul(w, h)), h0, { length: 40, checkpoints: ck }))(H0));
    expect(bits(ad.grad(f(4))(W0))).toEqual(bits(ad.grad(f('all'))(W0)));
  });

  it('whileLoop with per-example lengths (the batch mask): equals \'all\' and the closed form, c carries', () => {
    // x ← x·s from x0 until x ≥ 10: example b stops after n_b = ⌈log(10/x0_b)/log s⌉ steps; the
    // loss Σ x_{n_b} has d/ds = Σ n_b x0_b s^(n_b − 1).
    const x0 = ad.tensor([1, 0.01, 0.3]), s = 1.07;
    const stats: Partial<ad.LoopStats> = {};
    const f = (ck: ad.Checkpoints, st?: Partial<ad.LoopStats>) => (sv: Tensor) => ad.sum(ad.vmap((x: Tensor) =>
      ad.whileLoop((c: Tensor) => ad.less(c, 10), (c: Tensor) => ad.mul(c, sv), x, { checkpoints: ck, stats: st }))(x0));
    const g = ad.grad(f(3, stats))(ad.scalar(s));
    const ns = [1, 0.01, 0.3].map((a) => Math.ceil(Math.log(10 / a) / Math.log(s)));
    const exact = ns.reduce((acc, n, b) => acc + n * [1, 0.01, 0.3][b]! * s ** (n - 1), 0);
    expect(stats.length).toBe(Math.max(...ns));
    expect(stats.checkpoints).toBe(3);
    expect(stats.peakStoredCarries).toBeLessThanOrEqual(3);
    expect(Math.abs(g.item() - exact)).toBeLessThan(1e-12 * exact);
    expect(g.item()).toBe(ad.grad(f('all'))(ad.scalar(s)).item());
    expect(f(3)(ad.scalar(s)).item()).toBe(f('all')(ad.scalar(s)).item());
  });

  it('shared carry leaves: a counter read as a number stays shared; one a later step makes per-example falls back to the taped loop', () => {
    const x0 = ad.tensor([0.2, 0.5, 0.9]);
    // whileLoop: k is shared (cond reads it as a number), h per-example
    const st: Partial<ad.LoopStats> = {};
    const wl = (ck: ad.Checkpoints) => (s: Tensor) => ad.sum(ad.vmap((x: Tensor) =>
      ad.whileLoop((c: { h: Tensor; k: Tensor }) => c.k.item() < 30, (c: { h: Tensor; k: Tensor }) => ({ h: ad.sin(ad.mul(c.h, s)), k: ad.add(c.k, 1) }), { h: x, k: 0 }, { checkpoints: ck, stats: st }).h)(x0));
    const gw = ad.grad(wl(3))(ad.scalar(1.3)).item();
    expect([st.length, st.checkpoints]).toEqual([30, 3]);
    expect(gw).toBe(ad.grad(wl('all'))(ad.scalar(1.3)).item());
    // scan: a (shared at init) stays shared in step 0 and turns per-example from step 2 on
    const sc = (ck: ad.Checkpoints) => (s: Tensor) => ad.sum(ad.vmap((x: Tensor) => {
      const c = ad.scan((c: { h: Tensor; a: Tensor; k: Tensor }) => ({
        h: ad.sin(ad.mul(c.h, s)),
        a: c.k.item() >= 2 ? ad.add(c.a, ad.mul(c.h, s)) : ad.mul(c.a, s),
        k: ad.add(c.k, 1),
      }), { h: x, a: ad.scalar(1), k: ad.scalar(0) }, { length: 12, checkpoints: ck, stats: st });
      return ad.add(c.h, c.a);
    })(x0));
    const g = ad.grad(sc(3))(ad.scalar(1.3)).item();
    expect(st.checkpoints).toBe(13); // the taped loop: 'all''s n + 1
    expect(g).toBe(ad.grad(sc('all'))(ad.scalar(1.3)).item());
  });

  it('jit of grad of vmap replays on new weights; hvp and grad of grad equal \'all\'', () => {
    const jitted = ad.jit(ad.grad(rnn(3)));
    jitted(W0);
    const W2 = ad.mul(W0, 1.1);
    expect(tgap(jitted(W2), ad.grad(rnn('all'))(W2))).toBeLessThan(1e-14);
    const V = ad.random.normal([4, 4], 7);
    expect(tgap(ad.hvp(rnn(3), W0, V), ad.hvp(rnn('all'), W0, V))).toBeLessThan(1e-13);
    const gg = (ck: ad.Checkpoints) => ad.grad((w: Tensor) => ad.sum(ad.sin(ad.grad(rnn(ck))(w))))(W0);
    expect(tgap(gg(3), gg('all'))).toBeLessThan(1e-13);
  });

  it('vmap of vmap under grad: equals \'all\', memory flat in n', () => {
    const H = ad.random.normal([2, 3, 4], 8);
    const f = (n: number, ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.vmap(ad.vmap((h0: Tensor) =>
      ad.scan((h: Tensor) => ad.tanh(ad.matmul(w, h)), h0, { length: n, checkpoints: ck })))(H));
    expect(tgap(ad.grad(f(30, 3))(W0), ad.grad(f(30, 'all'))(W0))).toBeLessThan(1e-14);
    const p = [100, 400].map((n) => peakOf(() => ad.grad(f(n, 3))(W0)));
    expect(p[1]).toBe(p[0]);
  });
});
