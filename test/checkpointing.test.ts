/** @file Checkpointed loops: revolve's schedule is the binomial optimum, and scan/whileLoop/checkpoint gradients equal 'all''s. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { binomial, optimalForwardSteps, repetitionNumber, reversalCost, revolve, revolveFrom } from '../src/transforms/revolve.js';
import { OnlinePlacement } from '../src/transforms/online.js';

/** The fewest forward steps by brute-force dynamic programming over every first split. */
function bruteForce(nMax: number, cMax: number): number[][] {
  const T = Array.from({ length: nMax + 1 }, () => new Array<number>(cMax + 1).fill(Infinity));
  for (let c = 0; c <= cMax; c++) T[1]![c] = 0;
  for (let n = 2; n <= nMax; n++)
    for (let c = 1; c <= cMax; c++)
      for (let m = 1; m < n; m++) T[n]![c] = Math.min(T[n]![c]!, m + T[n - m]![c - 1]! + T[m]![c]!);
  return T;
}

const relErr = (a: Float64Array, b: Float64Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300)), 0);

describe('revolve', () => {
  it("Griewank & Walther's t(n, c) = r·n − C(c + r, c + 1) is the brute-force optimum", () => {
    const T = bruteForce(80, 7);
    for (let n = 1; n <= 80; n++) for (let c = 1; c <= 7; c++) expect(optimalForwardSteps(n, c)).toBe(T[n]![c]);
    expect(repetitionNumber(10, 3)).toBe(2); // C(5,3) = 10 ≥ 10
    expect(binomial(12, 5)).toBe(792);
  });

  it('its schedule makes exactly t(n, c) advances, stores at most c states, and reverses steps in order', () => {
    const failures: string[] = [];
    for (let n = 1; n <= 300; n++) {
      for (let c = 1; c <= 12; c++) {
        let advances = 0, stored = 1, peak = 1, wrongState = 0;
        const order: number[] = [];
        const loop = {
          advance: (s: number, from: number, to: number) => { if (s !== from) wrongState++; advances += to - from; return to; },
          store: () => { stored++; peak = Math.max(peak, stored); },
          release: () => { stored--; },
          *reverseStep(t: number, s: number) { if (s !== t) wrongState++; order.push(t); },
        };
        for (const _ of revolve(loop, n, c, 0)) { /* drain */ }
        const inOrder = order.length === n && order.every((t, i) => t === n - 1 - i);
        if (advances !== optimalForwardSteps(n, c) || peak > c || !inOrder || wrongState > 0) {
          failures.push(`n=${n} c=${c}: ${advances} advances (optimum ${optimalForwardSteps(n, c)}), peak ${peak}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('scan', () => {
  it('makes exactly t(n, c) + n step calls in one valueAndGrad, for every n ≤ 300 and c ≤ 12', () => {
    const a = ad.tensor(1.0001);
    const failures: string[] = [];
    for (let n = 1; n <= 300; n++) {
      for (let c = 1; c <= 12; c++) {
        const stats: Partial<ad.ScanStats> = {};
        const [, g] = ad.valueAndGrad((s: Tensor) => ad.scan((h: Tensor) => ad.mul(h, s), ad.tensor(1), { length: n, checkpoints: c, stats }))(a);
        const exact = n * 1.0001 ** (n - 1);
        if (stats.stepCalls !== optimalForwardSteps(n, c) + n || stats.peakStoredCarries! > c || Math.abs(g.item() - exact) > 1e-12 * exact) {
          failures.push(`n=${n} c=${c}: ${stats.stepCalls} step calls (optimum ${optimalForwardSteps(n, c) + n}), peak ${stats.peakStoredCarries}, gradient ${g.item()}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // An RNN with closed-over weights, per-step inputs, a pytree carry and stacked outputs.
  const W = ad.random.normal([5, 5], 1, 0, 0.4);
  const U = ad.random.normal([5, 3], 2, 0, 0.4);
  const h0 = ad.random.normal([5], 3);
  const rnnLoss = (n: number, checkpoints: ad.Checkpoints) => (w: Tensor, u: Tensor, xs: Tensor) => {
    const [carry, ys] = ad.scan(
      (c: { h: Tensor; s: Tensor }, x: Tensor) => {
        const h = ad.tanh(ad.add(ad.matmul(w, c.h), ad.matmul(u, x)));
        return [{ h, s: ad.add(c.s, ad.sum(h)) }, ad.mul(h, 2)];
      },
      { h: h0, s: 0 },
      { xs: ad.slice(xs, [0, 0], [n, 3]), checkpoints },
    );
    return ad.add(ad.add(ad.sum(ad.square(carry.h)), carry.s), ad.sum(ad.sin(ys)));
  };
  const xs = ad.random.normal([40, 3], 4);

  it("gradients equal 'all''s to 1e-12 at any n and c, for closed-over weights, xs and the initial carry", () => {
    for (const n of [1, 2, 7, 40]) {
      const [, ref] = ad.valueAndGrad(rnnLoss(n, 'all'), [0, 1, 2])(W, U, xs);
      for (const c of [1, 2, 3, 6, 'sqrt' as const]) {
        const [, g] = ad.valueAndGrad(rnnLoss(n, c), [0, 1, 2])(W, U, xs);
        g.forEach((t: Tensor, i: number) => expect(relErr(t.toFloat64Array(), ref[i]!.toFloat64Array())).toBeLessThan(1e-12));
      }
    }
  });

  it('composes with hvp, grad of grad and jvp', () => {
    const f = (ck: ad.Checkpoints) => (w: Tensor) => rnnLoss(12, ck)(w, U, xs);
    const V = ad.random.normal([5, 5], 9);
    expect(relErr(ad.hvp(f(3), W, V).toFloat64Array(), ad.hvp(f('all'), W, V).toFloat64Array())).toBeLessThan(1e-12);
    const gg = (ck: ad.Checkpoints) => ad.grad((w: Tensor) => ad.sum(ad.square(ad.grad(f(ck))(w))))(W).toFloat64Array();
    expect(relErr(gg(2), gg('all'))).toBeLessThan(1e-10);
    const jv = (ck: ad.Checkpoints) => (ad.jvp(f(ck), [W], [V])[1] as Tensor).item();
    expect(jv(2)).toBeCloseTo(jv('all'), 12);
  });

  it('third order through a loop of one step: equal to the unrolled step and to the closed form, at every checkpoints', () => {
    // d²/dw² (f′(w))² for f(w) = sin(0.7w): −0.4802 cos(1.4w). A one-step checkpointed loop gave
    // −0.181 at w = 1.3 (for 0.118) when the step read w through its closure.
    const third = (g: (w: Tensor) => Tensor, w = 1.3) =>
      ad.grad((v: Tensor) => ad.grad((u: Tensor) => ad.square(ad.grad(g)(u)))(v))(ad.scalar(w)).item();
    const exact = (w: number) => -0.4802 * Math.cos(1.4 * w);
    for (const checkpoints of ['all', 1, 2, 'sqrt'] as const) {
      const viaScan = (w: Tensor) => ad.scan((c: Tensor) => ad.sin(ad.mul(w, c)), ad.scalar(0.7), { length: 1, checkpoints }) as Tensor;
      const viaFori = (w: Tensor) => ad.foriLoop(0, 1, (_i: number, c: Tensor) => ad.sin(ad.mul(w, c)), ad.scalar(0.7), { checkpoints }) as Tensor;
      for (const w of [1.3, -0.4]) {
        expect(third(viaScan, w), `scan ${checkpoints}`).toBeCloseTo(exact(w), 13);
        expect(third(viaFori, w), `foriLoop ${checkpoints}`).toBeCloseTo(exact(w), 13);
      }
      // An initial carry that depends on w, against the unrolled step.
      const fromW = (w: Tensor) => ad.scan((c: Tensor) => ad.sin(ad.mul(w, c)), ad.mul(w, 0.5), { length: 1, checkpoints }) as Tensor;
      expect(third(fromW), `from w, ${checkpoints}`).toBeCloseTo(third((w) => ad.sin(ad.mul(w, ad.mul(w, 0.5)))), 12);
    }
  });

  it('to fourth order, scan, foriLoop and whileLoop of 1–3 steps equal the unrolled loop at every checkpoints', () => {
    // The class of the one-step bug above: a differentiated value read through the closure, an
    // initial carry constant or depending on w, nested to four reverse levels, with and without a
    // nonlinearity of a gradient between the levels (f ↦ (f′)²).
    const step = (w: Tensor) => (c: Tensor) => ad.sin(ad.add(ad.mul(w, c), 0.3));
    const squaredGrad = (g: (w: Tensor) => Tensor) => (w: Tensor) => ad.square(ad.grad(g)(w));
    const derivative = (g: (w: Tensor) => Tensor, k: number) => {
      let f = g;
      for (let i = 0; i < k; i++) f = ad.grad(f);
      return f(ad.scalar(1.1)).item();
    };
    for (const n of [1, 2, 3]) {
      for (const init of [() => ad.scalar(0.7), (w: Tensor) => ad.mul(w, 0.5)]) {
        const unrolled = (w: Tensor) => {
          let c = init(w);
          for (let i = 0; i < n; i++) c = step(w)(c);
          return c;
        };
        for (const checkpoints of ['all', 1, 2, 'sqrt'] as const) {
          const forms = {
            scan: (w: Tensor) => ad.scan(step(w), init(w), { length: n, checkpoints }) as Tensor,
            foriLoop: (w: Tensor) => ad.foriLoop(0, n, (_i: number, c: Tensor) => step(w)(c), init(w), { checkpoints }) as Tensor,
            whileLoop: (w: Tensor) => ad.whileLoop((s: Tensor[]) => s[1]!.item() < n, (s: Tensor[]) => [step(w)(s[0]!), ad.add(s[1]!, 1)], [init(w), ad.scalar(0)], { checkpoints })[0]!,
          };
          for (const [name, g] of Object.entries(forms)) {
            for (const [G, U] of [[g, unrolled], [squaredGrad(g), squaredGrad(unrolled)]] as const) {
              for (const k of [1, 2, 3, 4]) {
                const want = derivative(U, k);
                expect(derivative(G, k), `${name} n=${n} ${checkpoints} order ${k}`).toBeCloseTo(want, 9 - Math.ceil(Math.log10(1 + Math.abs(want))));
              }
            }
          }
        }
      }
    }
  });

  it('stores far less than all', () => {
    const Wbig = ad.random.normal([64, 64], 5, 0, 0.1);
    const loss = (ck: ad.Checkpoints) => (w: Tensor) =>
      ad.sum(ad.scan((h: Tensor) => ad.tanh(ad.matmul(w, h)), ad.ones([64]), { length: 200, checkpoints: ck }));
    const peak = (ck: ad.Checkpoints) => {
      ad.resetPeakMemory();
      const before = ad.memoryStats().residualBytes;
      ad.grad(loss(ck))(Wbig);
      return ad.memoryStats().peakResidualBytes - before;
    };
    const all = peak('all'), ten = peak(10);
    expect(all).toBeGreaterThan(200 * 64 * 8);
    expect(ten).toBeLessThan(0.1 * all);
  });

  it('keeps the form of its result at every length: [carry, ys] with ys of leading axis 0 at length 0', () => {
    const step = (h: Tensor, x: Tensor) => [ad.add(h, x), { y: ad.mul(h, 2), z: ad.sum(x) }] as const;
    for (const n of [0, 1, 3]) {
      const xs = ad.ones([n, 2]);
      const [carry, ys] = ad.scan(step, ad.zeros([2]), { xs });
      expect(carry.shape).toEqual([2]);
      expect(ys.y.shape).toEqual([n, 2]);
      expect(ys.z.shape).toEqual([n]);
    }
    // under grad, with checkpoints: the probe tapes nothing, and the gradient of the carry at length 0 is the identity
    const g = ad.grad((h0: Tensor) => {
      const [c, ys] = ad.scan((h: Tensor) => [ad.sin(h), ad.cos(h)], h0, { length: 0, checkpoints: 2 });
      return ad.add(ad.sum(c), ad.sum(ys));
    })(ad.tensor([0.5, 1]));
    expect(g.toArray()).toEqual([1, 1]);
    const single = ad.scan((h: Tensor) => ad.add(h, 1), ad.tensor(0), { length: 0 });
    expect(single.item()).toBe(0);
  });

  it('returns the final carry alone when step does, and checks its options', () => {
    expect(ad.scan((h: Tensor) => ad.add(h, 1), ad.tensor(0), { length: 5 }).item()).toBe(5);
    expect(() => ad.scan((h: Tensor) => h, ad.tensor(0), {})).toThrow(/length/);
    expect(() => ad.scan((h: Tensor) => h, ad.tensor(0), { length: 3, checkpoints: 0 })).toThrow(/checkpoints/);
    // @ts-expect-error a step returning three things is rejected by the types too
    expect(() => ad.scan((h: Tensor) => [h, h, h], ad.tensor(0), { length: 3 })).toThrow(/\[carry, y\]/);
  });
});

describe('whileLoop: online checkpointing', () => {
  /** Drives the online placement and the segment reversal over a fake loop whose states are the step numbers. */
  function driveOnline(n: number, capacity: (i: number) => number) {
    let calls = 0, stored = 1, peak = 1, wrongState = 0;
    const order: number[] = [];
    const held = new Set<number>([0]);
    const loop = {
      advance: (s: number, from: number, to: number) => { if (s !== from) wrongState++; calls += to - from; return to; },
      store: (p: number) => { held.add(p); stored++; peak = Math.max(peak, stored); },
      release: (p: number) => { if (!held.delete(p)) wrongState++; stored--; },
      *reverseStep(t: number, s: number) {
        if (s !== t) wrongState++;
        order.push(t);
        // The states handed to revolveFrom keep no released one reachable (it held ~2c carries at its peak).
        if (states.some((v) => v !== undefined && !held.has(v))) wrongState++;
      },
    };
    let states: Array<number | undefined> = [];
    const placement = new OnlinePlacement(capacity);
    for (let i = 1; i < n; i++) {
      const { drop, store } = placement.offer(i);
      if (drop >= 0) loop.release(drop);
      if (store) loop.store(i);
    }
    calls += n; // the forward pass, which learns n
    const c = capacity(Math.max(n - 1, 0));
    states = [...placement.positions];
    for (const _ of revolveFrom(loop, placement.positions, states, n, c)) { /* drain */ }
    const inOrder = order.length === n && order.every((t, i) => t === n - 1 - i);
    return { calls, peak, ok: inOrder && wrongState === 0 && stored === 1, c, positions: placement.positions };
  }

  it('one forward pass, then revolve on each stretch: n + Σ t(n_j, c − j) calls, at most c states, for every n ≤ 300 and c ≤ 12', () => {
    const failures: string[] = [];
    for (let n = 0; n <= 300; n++) {
      for (const c of [1, 2, 3, 4, 5, 6, 8, 12, 'sqrt' as const]) {
        const capacity = (i: number) => (c === 'sqrt' ? Math.ceil(Math.sqrt(i + 1)) : c);
        const r = driveOnline(n, capacity);
        const limit = c === 'sqrt' ? Math.max(1, Math.ceil(Math.sqrt(n))) : c;
        const expected = n + Math.min(reversalCost(r.positions, n, r.c), optimalForwardSteps(n, r.c));
        if (r.calls !== expected || r.peak > limit || !r.ok) failures.push(`n=${n} c=${c}: ${r.calls} calls (expected ${expected}), peak ${r.peak}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('is within 20% (plus 2 calls) of the offline optimum t(n, c) + n for every n ≤ 2000 and c ≤ 20, within 5% for c ≥ 5 and n ≥ 50, and never above t(n, c) + 2n', () => {
    const failures: string[] = [];
    for (let c = 1; c <= 20; c++) {
      // The placement is online: its positions after offering state n − 1 are those of a loop of length n.
      const placement = new OnlinePlacement(() => c);
      for (let n = 1; n <= 2000; n++) {
        if (n >= 2) placement.offer(n - 1);
        const optimum = optimalForwardSteps(n, c) + n;
        const online = n + Math.min(reversalCost(placement.positions, n, c), optimalForwardSteps(n, c)) + n;
        const bound = Math.min(1.2 * optimum + 2, optimum + n, c >= 5 && n >= 50 ? 1.05 * optimum : Infinity);
        if (online > bound) failures.push(`n=${n} c=${c}: ${online} calls, optimum ${optimum}`);
      }
    }
    expect(failures).toEqual([]);
    // The bound is not loose everywhere: c = 1 stores nothing, so the forward pass is pure overhead.
    expect(2 * 4 + optimalForwardSteps(4, 1)).toBe(1.2 * (optimalForwardSteps(4, 1) + 4) + 2);
  });

  const newton = (checkpoints: ad.Checkpoints, stats?: Partial<ad.ScanStats>) => (a: Tensor) =>
    ad.whileLoop((x: Tensor) => Math.abs(x.item() ** 2 - a.item()) > 1e-13, (x: Tensor) => ad.mul(0.5, ad.add(x, ad.div(a, x))), a, { checkpoints, stats });

  it("gives exactly 'all''s gradient in n + R + n body calls, R the reversal of what the forward pass stored", () => {
    const ref = ad.grad(newton('all'))(ad.tensor(9)).item();
    expect(ref).toBeCloseTo(1 / 6, 12);
    for (const c of [1, 2, 3, 5]) {
      const stats: Partial<ad.ScanStats> = {};
      expect(ad.grad(newton(c, stats))(ad.tensor(9)).item()).toBe(ref);
      const n = stats.length!;
      expect(stats.stepCalls).toBe(2 * n + Math.min(reversalCost(driveOnline(n, () => c).positions, n, c), optimalForwardSteps(n, c)));
      expect(stats.peakStoredCarries).toBeLessThanOrEqual(c);
    }
  });

  // A loop whose length (50 to 250 steps) depends on the input, closing over a weight being differentiated.
  const w = ad.tensor(0.999);
  const wander = (ck: ad.Checkpoints, stats?: Partial<ad.ScanStats>) => (s: Tensor, v: Tensor = w) =>
    ad.whileLoop((c: { x: Tensor; k: Tensor }) => c.k.item() < 50 + Math.floor(200 * s.item()),
      (c: { x: Tensor; k: Tensor }) => ({ x: ad.sin(ad.add(ad.mul(c.x, v), s)), k: ad.add(c.k, 1) }), { x: s, k: ad.tensor(0) }, { checkpoints: ck, stats }).x;

  it("loops of unknown length with closed-over weights: gradients equal 'all''s exactly, and to 1e-14 at second order", () => {
    for (const s of [0.1, 0.435, 1.2]) {
      const ref = ad.grad(wander('all'), [0, 1])(ad.tensor(s), w).map((g: Tensor) => g.item());
      for (const ck of [2, 4, 'sqrt' as const]) {
        const stats: Partial<ad.ScanStats> = {};
        expect(ad.grad(wander(ck, stats), [0, 1])(ad.tensor(s), w).map((g: Tensor) => g.item())).toEqual(ref);
        const n = stats.length!;
        expect(stats.peakStoredCarries).toBeLessThanOrEqual(ck === 'sqrt' ? Math.ceil(Math.sqrt(n)) : ck);
        expect(stats.stepCalls!).toBeLessThanOrEqual(1.2 * (optimalForwardSteps(n, stats.checkpoints!) + n) + 2);
      }
      // grad of grad through the loop, closing over the outer level's tensor: the same operations,
      // but the outer cotangents of the weight are summed in another order (last-bit differences).
      const gg = (ck: ad.Checkpoints) => ad.grad((u: Tensor) => ad.grad((x: Tensor) => wander(ck)(x, u))(ad.tensor(s)))(w).item();
      expect(Math.abs(gg(3) - gg('all'))).toBeLessThan(1e-14 * Math.abs(gg('all')));
    }
  });

  it("composes with hvp and jvp (forward mode needs no checkpoints)", () => {
    const f = (ck: ad.Checkpoints) => (u: Tensor) => ad.square(wander(ck)(ad.tensor(0.3), u));
    const h = (ck: ad.Checkpoints) => ad.hvp(f(ck), w, ad.tensor(1)).item();
    expect(Math.abs(h(3) - h('all'))).toBeLessThan(1e-13 * Math.abs(h('all')));
    expect((ad.jvp(f(3), [w], [ad.tensor(1)])[1] as Tensor).item()).toBe((ad.jvp(f('all'), [w], [ad.tensor(1)])[1] as Tensor).item());
  });

  it('zero iterations, and a pullback called twice, under checkpoints', () => {
    const stats: Partial<ad.ScanStats> = {};
    const g = ad.grad((x: Tensor) => ad.sum(ad.whileLoop(() => false, (h: Tensor) => ad.sin(h), ad.mul(x, 2), { checkpoints: 3, stats })))(ad.ones([2]));
    expect([g.toArray(), stats.stepCalls, stats.length]).toEqual([[2, 2], 0, 0]);
    const [, pullback] = ad.vjp(wander(3), ad.tensor(0.4));
    const [, ref] = ad.vjp(wander('all'), ad.tensor(0.4));
    const first = pullback(ad.tensor(1))[0].item();
    expect(first).toBe(ref(ad.tensor(1))[0].item());
    expect(pullback(ad.tensor(2))[0].item()).toBe(ref(ad.tensor(2))[0].item());
  });

  it('n = 137, c = 5: 625 body calls online, against 612 offline (revolve knowing n) and 749 for a counting pass then revolve', () => {
    const stats: Partial<ad.ScanStats> = {};
    ad.grad((s: Tensor) => ad.whileLoop((c: { x: Tensor; k: Tensor }) => c.k.item() < 137, (c: { x: Tensor; k: Tensor }) => ({ x: ad.sin(c.x), k: ad.add(c.k, 1) }), { x: s, k: 0 }, { checkpoints: 5, stats }).x)(ad.tensor(0.3));
    expect([stats.length, stats.stepCalls, optimalForwardSteps(137, 5) + 137, 2 * 137 + optimalForwardSteps(137, 5)]).toEqual([137, 625, 612, 749]);
  });
});

describe('checkpoint', () => {
  it('recomputes blocks that close over weights; grads, hvp and grad-of-grad match', () => {
    const x0 = ad.random.normal([4], 1);
    const loss = (ck: boolean) => (W: Tensor) => {
      const body = (h: Tensor) => ad.tanh(ad.matmul(W, h));
      const f = ck ? ad.checkpoint(body) : body;
      return ad.sum(f(f(f(x0))));
    };
    const W = ad.random.normal([4, 4], 2);
    expect(relErr(ad.grad(loss(true))(W).toFloat64Array(), ad.grad(loss(false))(W).toFloat64Array())).toBeLessThan(1e-13);
    const V = ad.random.normal([4, 4], 3);
    expect(relErr(ad.hvp(loss(true), W, V).toFloat64Array(), ad.hvp(loss(false), W, V).toFloat64Array())).toBeLessThan(1e-12);
    const gg = (ck: boolean) => ad.grad((w: Tensor) => ad.sum(ad.square(ad.grad(loss(ck))(w))))(W).toFloat64Array();
    expect(relErr(gg(true), gg(false))).toBeLessThan(1e-11);
  });

  it('customVjp refuses to close over differentiated tensors', () => {
    const w = ad.tensor(2);
    expect(() => ad.grad((u: Tensor) => ad.customVjp((x: Tensor) => ad.mul(x, u), (g: Tensor) => [g])(ad.mul(u, 3)))(w)).toThrow(/closure/);
  });
});
