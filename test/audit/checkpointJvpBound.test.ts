/**
 * @file grad of jvp of a checkpointed loop keeps the memory bound (src/transforms/belowJvp.ts).
 *
 * A checkpointed scan, foriLoop or whileLoop under jvp with a reverse trace below the forward one —
 * `grad(s => sum(jvp(x => loop(s, x), [x0], [v])[1]))`, a loss on a directional derivative — ran its
 * steps at the forward level, each op's primal and tangent taped by the reverse level one by one:
 * 511,744 B of residuals at 800 steps of a [16] carry with checkpoints: 5 (127,744 B at 200; as with
 * 'all'), 800 step calls and stats.checkpoints 801. The loop now runs below the forward trace on
 * primal and tangent carries (JAX's JVP of scan: a scan of the jvp'd step), each step in a forward
 * trace of its own, and the reverse level checkpoints it: 1,664 B at any n, t(n, c) + n step calls.
 *
 * Checked: peak residual memory flat in n (50/200/800 for scan, 100/600 for foriLoop and whileLoop)
 * and step calls counted by a side effect = Griewank's optimum t(n, c) + n (+ 1 for the untaped
 * probes when a carry leaf has no tangent at init); gradients equal to 'all''s (1e-14 relative) and
 * to central differences; xs with and without tangents, ys, pytree carries with a leaf that has no
 * tangent at init but gains one in the first step, a leaf that never has one, and a leaf that gains
 * one only in a later step (the rerun with every tangent); closures over the differentiated weights
 * and over values computed inside the jvp; whileLoop with a data-dependent length against its
 * closed form; jit of grad and grad of jit; hvp and grad of grad; vmap of grad; jacfwd under grad;
 * jvp of jvp, vmap inside and outside the jvp, a checkpointed step, PRNG keys in the carry, a
 * checkpointed scan inside a checkpointed scan's step (closing over the jvp's or the vmap's
 * argument: both threw in the inner region's backward pass before, the vmap case at HEAD db604ec
 * too), and hvp of the whole loss.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectCentralDifferences, peakOf, sgap } from '../support/residuals.js';
import { griewank } from '../support/revolve.js';

/** Largest error relative to max(1, |want|). */
const tgap = (a: Tensor, b: Tensor) => {
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return m;
};
/** The tangent of `f` at x0 along v. */
const tangentOf = (f: (x: Tensor) => Tensor, x0: Tensor, v: Tensor) => ad.jvp(f, [x0], [v])[1] as Tensor;

describe('grad of jvp of a checkpointed loop keeps the bound', () => {
  const X0 = ad.random.normal([16], 1), V = ad.random.normal([16], 2);
  const loop = (n: number, ck: ad.Checkpoints, counter = { calls: 0 }, stats?: Partial<ad.ScanStats>) => (s: Tensor, x: Tensor) =>
    ad.scan((c: Tensor) => { counter.calls++; return ad.sin(ad.mul(c, s)); }, x, { length: n, checkpoints: ck, stats });
  const loss = (f: (s: Tensor, x: Tensor) => Tensor) => (s: Tensor) => ad.sum(tangentOf((x) => f(s, x), X0, V));

  it('scan: peak residual memory flat in n; t(n, c) + n step calls; c stored carries', () => {
    const peaks: number[] = [];
    for (const n of [50, 200, 800]) {
      const counter = { calls: 0 }, stats: Partial<ad.ScanStats> = {};
      peaks.push(peakOf(() => ad.grad(loss(loop(n, 5, counter, stats)))(ad.scalar(0.9))));
      expect([counter.calls, stats.stepCalls, stats.checkpoints, stats.length]).toEqual([griewank(n, 5) + n, griewank(n, 5) + n, 5, n]);
      expect(stats.peakStoredCarries).toBeLessThanOrEqual(5);
      expect(stats.peakStoredBytes).toBe(5 * 2 * 16 * 8); // primal and tangent carries
    }
    const all = peakOf(() => ad.grad(loss(loop(800, 'all')))(ad.scalar(0.9)));
    expect(peaks[1]).toBe(peaks[0]);
    expect(peaks[2]).toBe(peaks[0]); // measured 1,664 B
    expect(all).toBeGreaterThan(200 * peaks[2]!); // 'all': 511,744 B
  });

  it('foriLoop and whileLoop: peak flat in n', () => {
    const fori = (n: number) => (s: Tensor, x: Tensor) => ad.foriLoop(0, n, (_i, c: Tensor) => ad.sin(ad.mul(c, s)), x, { checkpoints: 4 });
    const wl = (n: number, st?: Partial<ad.LoopStats>) => (s: Tensor, x: Tensor) =>
      ad.whileLoop((c: { h: Tensor; k: Tensor }) => c.k.item() < n, (c: { h: Tensor; k: Tensor }) => ({ h: ad.sin(ad.mul(c.h, s)), k: ad.add(c.k, 1) }), { h: x, k: 0 }, { checkpoints: 4, stats: st }).h;
    const pf = [100, 600].map((n) => peakOf(() => ad.grad(loss(fori(n)))(ad.scalar(0.9))));
    const st: Partial<ad.LoopStats> = {};
    const pw = [100, 600].map((n) => peakOf(() => ad.grad(loss(wl(n, st)))(ad.scalar(0.9))));
    expect([st.length, st.checkpoints]).toEqual([600, 4]);
    expect(st.peakStoredCarries).toBeLessThanOrEqual(4);
    // foriLoop is a scan over arange(lower, upper), which its region keeps (8 bytes a step)
    expect(pf[1]! - pf[0]!).toBe(8 * 500);
    expect(pw[1]).toBe(pw[0]);
    expect(Math.max(pf[0]!, pw[0]!)).toBeLessThan(5000); // 'all' at 600 steps: ~380 kB
  });
});

describe('gradients equal the unbounded program and central differences', () => {
  const N = 23;
  const W0 = ad.random.normal([4, 4], 2, 0, 0.5), U = ad.random.normal([4, 2], 3, 0, 0.5);
  const XS = ad.random.normal([N, 2], 4), SHARED = ad.random.normal([N, 4], 5, 0, 0.3), H0 = ad.random.normal([4], 6);
  const VH = ad.random.normal([4], 7), VX = ad.random.normal([N, 2], 8);
  // carry {h (a tangent at init), acc (none at init, one after the first step), k (never one)};
  // xs one leaf with a tangent (a jvp argument) and one without; ys stacked; the step closes over
  // w (differentiated) and over g, a value computed inside the jvp. The loss reads the primal and
  // the tangent.
  const rnn = (ck: ad.Checkpoints, stats?: Partial<ad.ScanStats>) => (w: Tensor) => {
    const [out, tout] = ad.jvp((h0: Tensor, xs: Tensor) => {
      const g = ad.tanh(ad.sum(h0));
      const [c, ys] = ad.scan((carry: { h: Tensor; acc: Tensor; k: Tensor }, x: { a: Tensor; b: Tensor }) => {
        const h = ad.tanh(ad.add(ad.add(ad.matmul(w, carry.h), ad.matmul(U, x.a)), ad.mul(g, x.b)));
        return [{ h, acc: ad.add(carry.acc, ad.sum(ad.square(h))), k: ad.add(carry.k, 1) }, ad.mul(ad.sum(h), ad.sum(w))] as const;
      }, { h: h0, acc: ad.scalar(0), k: ad.scalar(0) }, { xs: { a: xs, b: SHARED }, checkpoints: ck, stats });
      return ad.add(ad.add(ad.add(ad.sum(c.h), c.acc), ad.sum(ad.sin(ys))), ad.mul(c.k, 0.01));
    }, [H0, XS], [VH, VX]) as [Tensor, Tensor];
    return ad.add(ad.mul(out, 0.3), ad.square(tout));
  };

  it("scan with xs, ys, pytree carries and symbolic-zero tangents: every choice equals 'all' (1e-14), and central differences", () => {
    const want = ad.grad(rnn('all'))(W0);
    for (const ck of [1, 2, 5, 'sqrt'] as ad.Checkpoints[]) {
      const [v, g] = ad.valueAndGrad(rnn(ck))(W0);
      expect(tgap(g, want)).toBeLessThan(1e-14);
      expect(Math.abs(v.item() - rnn('all')(W0).item())).toBeLessThan(1e-14 * Math.abs(v.item()));
    }
    const stats: Partial<ad.ScanStats> = {};
    ad.grad(rnn(3, stats))(W0);
    expect([stats.stepCalls, stats.checkpoints, stats.length]).toEqual([griewank(N, 3) + N + 2, 3, N]); // + 2: the untaped probes, one finds acc's tangent, one that no more leaf gains one
    expectCentralDifferences(rnn(3), W0, 1e-7);
  });

  it("a carry leaf that gains a tangent only in a later step: reruns with every tangent, equals 'all'", () => {
    // a (no tangent at init) is multiplied by a constant until k = 3, then picks up h
    const f = (ck: ad.Checkpoints, st?: Partial<ad.ScanStats>) => (s: Tensor) => ad.sum(tangentOf((x) => {
      const c = ad.scan((c: { h: Tensor; a: Tensor; k: Tensor }) => ({
        h: ad.sin(ad.mul(c.h, s)),
        a: c.k.item() >= 3 ? ad.add(c.a, ad.mul(c.h, s)) : ad.mul(c.a, 1.5),
        k: ad.add(c.k, 1),
      }), { h: x, a: ad.ones([3]), k: ad.scalar(0) }, { length: 12, checkpoints: ck, stats: st });
      return ad.add(c.h, ad.square(c.a));
    }, ad.tensor([0.2, 0.5, 0.9]), ad.tensor([1, -0.5, 2])));
    const st: Partial<ad.ScanStats> = {};
    const g = ad.grad(f(3, st))(ad.scalar(1.3)).item();
    // still checkpointed: one probe, the aborted run's 4 steps (a gains its tangent in step 3), then the rerun
    expect([st.checkpoints, st.stepCalls]).toEqual([3, 1 + 4 + griewank(12, 3) + 12]);
    expect(Math.abs(g - ad.grad(f('all'))(ad.scalar(1.3)).item())).toBeLessThan(1e-14 * Math.abs(g));
    const h = 1e-5, fd = (f(3)(ad.scalar(1.3 + h)).item() - f(3)(ad.scalar(1.3 - h)).item()) / (2 * h);
    expect(Math.abs(fd - g)).toBeLessThan(1e-7 * Math.abs(g));
  });

  it("whileLoop: a carry leaf that gains a tangent only in a later step, and a loop that runs no step: equal 'all'", () => {
    const counter = { calls: 0 };
    const f = (ck: ad.Checkpoints, m: number, st?: Partial<ad.LoopStats>) => (s: Tensor) => ad.sum(tangentOf((x) => {
      const c = ad.whileLoop((c: { h: Tensor; a: Tensor; k: Tensor }) => c.k.item() < m, (c: { h: Tensor; a: Tensor; k: Tensor }) => (counter.calls++, {
        h: ad.sin(ad.mul(c.h, s)),
        a: c.k.item() >= 3 ? ad.add(c.a, ad.mul(c.h, s)) : ad.mul(c.a, 1.5),
        k: ad.add(c.k, 1),
      }), { h: x, a: ad.ones([3]), k: 0 }, { checkpoints: ck, stats: st });
      return ad.add(ad.mul(c.h, s), ad.square(c.a));
    }, ad.tensor([0.2, 0.5, 0.9]), ad.tensor([1, -0.5, 2])));
    for (const m of [0, 1, 12]) {
      const st: Partial<ad.LoopStats> = {};
      counter.calls = 0;
      const g = ad.grad(f(3, m, st))(ad.scalar(1.3)).item();
      expect([st.length, st.checkpoints]).toEqual([m, 3]);
      // body calls besides those the (re)run counts: the probe (none when cond is false at init),
      // and at m = 12 the aborted run's 4 (a gains its tangent at k = 3)
      expect(counter.calls - st.stepCalls!).toBe([0, 1, 5][[0, 1, 12].indexOf(m)]);
      expect(Math.abs(g - ad.grad(f('all', m))(ad.scalar(1.3)).item())).toBeLessThan(1e-14 * Math.abs(g));
      const h = 1e-5, fd = (f(3, m)(ad.scalar(1.3 + h)).item() - f(3, m)(ad.scalar(1.3 - h)).item()) / (2 * h);
      expect(Math.abs(fd - g)).toBeLessThan(1e-7 * Math.abs(g));
    }
  });

  it('zero tangents: a loop the jvp direction does not reach, and a carry that never has one', () => {
    // the loop's carry does not depend on x: its tangent is zero, the gradient of the loss on it too
    const f = (ck: ad.Checkpoints) => (s: Tensor) => {
      const [y, ty] = ad.jvp((x: Tensor) => ad.add(x, ad.scan((c: Tensor) => ad.sin(ad.mul(c, s)), ad.ones([3]), { length: 30, checkpoints: ck })), [ad.ones([3])], [ad.ones([3])]) as [Tensor, Tensor];
      return ad.add(ad.sum(ad.square(y)), ad.sum(ty));
    };
    const g = ad.grad(f(3))(ad.scalar(0.8)).item();
    expect(Math.abs(g - ad.grad(f('all'))(ad.scalar(0.8)).item())).toBeLessThan(1e-14 * Math.abs(g));
    const h = 1e-5, fd = (f(3)(ad.scalar(0.8 + h)).item() - f(3)(ad.scalar(0.8 - h)).item()) / (2 * h);
    expect(Math.abs(fd - g)).toBeLessThan(1e-7 * Math.abs(g));
  });

  it('whileLoop with a data-dependent length: equals the closed form and \'all\', c carries', () => {
    // x ← x·s from x0 until x ≥ 10: n = ⌈log(10/x0)/log s⌉ steps, y = x0 s^n, its tangent along v is
    // v s^n; the loss y + 3·ty has d/ds = n (x0 + 3v) s^(n − 1).
    const x0 = 0.01, v = 0.7, s = 1.07;
    const stats: Partial<ad.LoopStats> = {};
    const f = (ck: ad.Checkpoints, st?: Partial<ad.LoopStats>) => (sv: Tensor) => {
      const [y, ty] = ad.jvp((x: Tensor) => ad.whileLoop((c: Tensor) => ad.less(c, 10), (c: Tensor) => ad.mul(c, sv), x, { checkpoints: ck, stats: st }), [ad.scalar(x0)], [ad.scalar(v)]) as [Tensor, Tensor];
      return ad.add(y, ad.mul(ty, 3));
    };
    const g = ad.grad(f(3, stats))(ad.scalar(s)).item();
    const n = Math.ceil(Math.log(10 / x0) / Math.log(s));
    const exact = n * (x0 + 3 * v) * s ** (n - 1);
    expect([stats.length, stats.checkpoints]).toEqual([n, 3]);
    expect(stats.peakStoredCarries).toBeLessThanOrEqual(3);
    expect(Math.abs(g - exact)).toBeLessThan(1e-12 * exact);
    expect(Math.abs(g - ad.grad(f('all'))(ad.scalar(s)).item())).toBeLessThan(1e-14 * exact);
  });

  it("whileLoop with a pytree carry, a counter and closures: equals 'all' and central differences", () => {
    const f = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(tangentOf((h0) => {
      const g = ad.sum(ad.square(h0));
      const c = ad.whileLoop((c: { h: Tensor; acc: Tensor; k: Tensor }) => c.k.item() < 17,
        (c: { h: Tensor; acc: Tensor; k: Tensor }) => ({ h: ad.tanh(ad.add(ad.matmul(w, c.h), ad.mul(g, 0.1))), acc: ad.add(c.acc, ad.sum(c.h)), k: ad.add(c.k, 1) }),
        { h: h0, acc: ad.scalar(0), k: 0 }, { checkpoints: ck });
      return ad.add(c.h, c.acc);
    }, H0, VH)));
    const g = ad.grad(f(2))(W0);
    expect(tgap(g, ad.grad(f('all'))(W0))).toBeLessThan(1e-14);
    const h = 1e-5, gv = g.toFloat64Array();
    for (const i of [0, 5, 10, 15]) {
      const e = ad.mul(ad.oneHot(ad.tensor([i]), 16).reshape([4, 4]), h);
      const fd = (f(2)(ad.add(W0, e)).item() - f(2)(ad.sub(W0, e)).item()) / (2 * h);
      expect(Math.abs(fd - gv[i]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    }
  });

  it("jit of grad of jvp replays on new weights; hvp and grad of grad equal 'all'", () => {
    const jitted = ad.jit(ad.grad(rnn(3)));
    jitted(W0);
    const W2 = ad.mul(W0, 1.1);
    expect(tgap(jitted(W2), ad.grad(rnn('all'))(W2))).toBeLessThan(1e-14);
    const V = ad.random.normal([4, 4], 9);
    expect(tgap(ad.hvp(rnn(3), W0, V), ad.hvp(rnn('all'), W0, V))).toBeLessThan(1e-13);
    const gg = (ck: ad.Checkpoints) => ad.grad((w: Tensor) => ad.sum(ad.sin(ad.grad(rnn(ck))(w))))(W0);
    expect(sgap(gg(3), gg('all'))).toBeLessThan(1e-14); // entries from -11 to 1,850: 3.8e-13 of the -11 one, 2e-15 of the scale
  });
});

describe('nested with jvp, vmap and loops', () => {
  const W0 = ad.random.normal([4, 4], 12, 0, 0.5), H = ad.random.normal([3, 4], 13), VH = ad.random.normal([3, 4], 14);
  const step = (w: Tensor) => (h: Tensor) => ad.tanh(ad.matmul(w, h));
  const sc = (w: Tensor, h0: Tensor, n: number, ck: ad.Checkpoints) => ad.scan(step(w), h0, { length: n, checkpoints: ck });

  it("grad of jvp of vmap and grad of vmap of jvp: equal 'all', memory flat in n", () => {
    const jv = (n: number, ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(ad.jvp((h: Tensor) => ad.vmap((h0: Tensor) => sc(w, h0, n, ck))(h), [H], [VH])[1] as Tensor));
    const vj = (n: number, ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(ad.vmap((h0: Tensor, v: Tensor) => ad.jvp((h: Tensor) => sc(w, h, n, ck), [h0], [v])[1] as Tensor)(H, VH)));
    for (const f of [jv, vj]) {
      expect(tgap(ad.grad(f(30, 3))(W0), ad.grad(f(30, 'all'))(W0))).toBeLessThan(1e-14);
      const p = [100, 400].map((n) => peakOf(() => ad.grad(f(n, 3))(W0)));
      expect(p[1]).toBe(p[0]);
    }
  });

  it("grad of jvp of jvp (a second directional derivative): equals 'all', memory flat in n", () => {
    const h0 = H.take([0], 0).reshape([4]), v1 = VH.take([0], 0).reshape([4]), v2 = VH.take([1], 0).reshape([4]);
    const f = (n: number, ck: ad.Checkpoints) => (w: Tensor) =>
      ad.sum(tangentOf((a: Tensor) => tangentOf((h: Tensor) => sc(w, h, n, ck), a, v1), h0, v2));
    expect(tgap(ad.grad(f(30, 3))(W0), ad.grad(f(30, 'all'))(W0))).toBeLessThan(1e-14);
    const p = [100, 400].map((n) => peakOf(() => ad.grad(f(n, 3))(W0)));
    expect(p[1]).toBe(p[0]);
  });

  it("a checkpointed scan in a checkpointed scan's step closing over the jvp's (or vmap's) argument: equals 'all'", () => {
    // The inner loop's region is recorded inside an outer step and pulled back when that step has
    // returned: its closure over h (a box of the paused jvp, or vmap) must read as the outer step's
    // box then too. Before, the redirect looked the step up in a stack of steps in progress, found
    // none, and threw "a jvp (vmap) box was read by a checkpointed loop outside its step".
    const h0 = H.take([0], 0).reshape([4]), v = VH.take([0], 0).reshape([4]);
    const nested = (w: Tensor, h: Tensor, ck: ad.Checkpoints) =>
      ad.scan((c: Tensor) => ad.scan((d: Tensor) => ad.tanh(ad.add(ad.matmul(w, d), ad.mul(h, 0.3))), c, { length: 4, checkpoints: ck }), h, { length: 9, checkpoints: ck });
    const fj = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(tangentOf((h: Tensor) => nested(w, h, ck), h0, v)));
    const fv = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.vmap((h: Tensor) => nested(w, h, ck))(H));
    for (const f of [fj, fv]) expect(tgap(ad.grad(f(2))(W0), ad.grad(f('all'))(W0))).toBeLessThan(1e-14);
  });

  it("a checkpointed scan in a checkpointed scan's step, and hvp of the loss: equal 'all'", () => {
    const h0 = H.take([0], 0).reshape([4]), v = VH.take([0], 0).reshape([4]);
    const f = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(tangentOf((h: Tensor) =>
      ad.scan((c: Tensor) => ad.add(sc(w, c, 4, ck), ad.mul(h, 0.1)), h, { length: 9, checkpoints: ck }), h0, v)));
    expect(tgap(ad.grad(f(2))(W0), ad.grad(f('all'))(W0))).toBeLessThan(1e-14);
    const V = ad.random.normal([4, 4], 15);
    const g = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(tangentOf((h: Tensor) => sc(w, h, 20, ck), h0, v)));
    expect(tgap(ad.hvp(g(3), W0, V), ad.hvp(g('all'), W0, V))).toBeLessThan(1e-13);
  });
});

describe('more compositions equal \'all\'', () => {
  const W0 = ad.random.normal([4, 4], 22, 0, 0.5), h0 = ad.random.normal([4], 23), v = ad.random.normal([4], 24);
  const XS = ad.random.normal([11, 4], 25), VX = ad.random.normal([11, 4], 26);
  // only xs carry tangents: the carry (zeros at init) gains one in the first step (the probe finds it)
  const xsOnly = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(ad.jvp((xs: Tensor) =>
    ad.scan((c: Tensor, x: Tensor) => [ad.tanh(ad.add(ad.matmul(w, c), x)), ad.sum(c)] as const, ad.zeros([4]), { xs, checkpoints: ck })[1], [XS], [VX])[1] as Tensor));
  const want = ad.grad(xsOnly('all'))(W0);

  it('xs with tangents and a carry without; grad of jit; vmap of grad', () => {
    expect(tgap(ad.grad(xsOnly(3))(W0), want)).toBeLessThan(1e-14);
    expect(tgap(ad.grad(ad.jit(xsOnly(3)))(W0), want)).toBeLessThan(1e-14);
    const Ws = ad.stack([W0, ad.mul(W0, 0.9)], 0);
    expect(tgap(ad.vmap(ad.grad(xsOnly(3)))(Ws), ad.vmap(ad.grad(xsOnly('all')))(Ws))).toBeLessThan(1e-14);
  });

  it('jacfwd under grad; a checkpointed step; PRNG keys in the carry', () => {
    const jf = (ck: ad.Checkpoints) => (w: Tensor) =>
      ad.sum(ad.square(ad.jacfwd((h: Tensor) => ad.scan((c: Tensor) => ad.tanh(ad.matmul(w, c)), h, { length: 15, checkpoints: ck }))(h0) as Tensor));
    expect(tgap(ad.grad(jf(3))(W0), ad.grad(jf('all'))(W0))).toBeLessThan(1e-14);
    const cs = (ck: ad.Checkpoints) => (w: Tensor) => ad.sum(ad.square(tangentOf((h: Tensor) =>
      ad.scan(ad.checkpoint((c: Tensor) => ad.tanh(ad.add(ad.matmul(w, c), ad.mul(h, 0.2)))), h, { length: 12, checkpoints: ck }), h0, v)));
    expect(tgap(ad.grad(cs(3))(W0), ad.grad(cs('all'))(W0))).toBeLessThan(1e-14);
    const keys = (ck: ad.Checkpoints) => (s: Tensor) => ad.sum(tangentOf((x: Tensor) => ad.scan((c: { key: ad.random.Key; h: Tensor }) => {
      const [k1, k2] = ad.random.split(c.key);
      return { key: k1, h: ad.sin(ad.add(ad.mul(c.h, s), ad.mul(ad.random.normal(k2, [3]), 0.1))) };
    }, { key: ad.random.key(3), h: x }, { length: 20, checkpoints: ck }).h, ad.ones([3]), ad.tensor([1, 2, 3])));
    const g = ad.grad(keys(3))(ad.scalar(0.7)).item();
    expect(Math.abs(g - ad.grad(keys('all'))(ad.scalar(0.7)).item())).toBeLessThan(1e-14 * Math.abs(g));
  });
});
