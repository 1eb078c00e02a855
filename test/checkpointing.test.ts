/** @file Checkpointed loops: revolve's schedule is the binomial optimum, and scan/whileLoop/checkpoint gradients equal 'all''s. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { binomial, optimalForwardSteps, repetitionNumber, revolve } from '../src/transforms/revolve.js';

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

  it('returns the final carry alone when step does, and checks its options', () => {
    expect(ad.scan((h: Tensor) => ad.add(h, 1), ad.tensor(0), { length: 5 }).item()).toBe(5);
    expect(() => ad.scan((h: Tensor) => h, ad.tensor(0), {})).toThrow(/length/);
    expect(() => ad.scan((h: Tensor) => h, ad.tensor(0), { length: 3, checkpoints: 0 })).toThrow(/checkpoints/);
    expect(() => ad.scan((h: Tensor) => [h, h, h], ad.tensor(0), { length: 3 })).toThrow(/\[carry, y\]/);
  });
});

describe('whileLoop', () => {
  const newton = (checkpoints: ad.Checkpoints, stats?: Partial<ad.ScanStats>) => (a: Tensor) =>
    ad.whileLoop((x: Tensor) => Math.abs(x.item() ** 2 - a.item()) > 1e-13, (x: Tensor) => ad.mul(0.5, ad.add(x, ad.div(a, x))), a, { checkpoints, stats });

  it("gives 'all''s gradients and stays within twice the offline optimum", () => {
    const ref = ad.grad(newton('all'))(ad.tensor(9)).item();
    expect(ref).toBeCloseTo(1 / 6, 12);
    for (const c of [1, 2, 3, 5]) {
      const stats: Partial<ad.ScanStats> = {};
      expect(ad.grad(newton(c, stats))(ad.tensor(9)).item()).toBe(ref);
      const n = stats.length!;
      expect(stats.stepCalls).toBe(n + optimalForwardSteps(n, c) + n);
      expect(stats.stepCalls!).toBeLessThanOrEqual(2 * (optimalForwardSteps(n, c) + n));
    }
  });

  it('loops of unknown length up to 300 with closed-over weights', () => {
    const w = ad.tensor(0.999);
    const f = (ck: ad.Checkpoints, stats?: Partial<ad.ScanStats>) => (s: Tensor) =>
      ad.whileLoop((c: { x: Tensor; k: Tensor }) => c.k.item() < 50 + Math.floor(200 * s.item()),
        (c: { x: Tensor; k: Tensor }) => ({ x: ad.sin(ad.add(ad.mul(c.x, w), s)), k: ad.add(c.k, 1) }), { x: s, k: ad.tensor(0) }, { checkpoints: ck, stats }).x;
    for (const s of [0.1, 0.6, 1.2]) {
      const ref = ad.grad(f('all'))(ad.tensor(s)).item();
      const stats: Partial<ad.ScanStats> = {};
      expect(ad.grad(f(4, stats))(ad.tensor(s)).item()).toBeCloseTo(ref, 12);
      expect(stats.stepCalls!).toBeLessThanOrEqual(2 * (optimalForwardSteps(stats.length!, 4) + stats.length!));
    }
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
