/** @file Reversible SGD with momentum: exact fixed-point reversal, hypergradients equal to the stored-trajectory ones and to backprop through the float run, and the memory it saves. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { maxAbsDiff, maxAbsOf } from './dense.js';
import { classification, logLoss } from './ridge.js';
import { FixedPointVector, rationalApproximation } from '../../src/implicit/fixedPoint.js';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const relErr = (got: ArrayLike<number>, want: ArrayLike<number>) => maxAbsDiff(got, want) / maxAbsOf(want);

describe('fixed-point vectors', () => {
  it('multiplying by γ and dividing back restores values and buffers bit for bit, over many steps', () => {
    const x = new FixedPointVector(new Float64Array([1.25, -3.5, 1e-3, 0, 123.456]), 100);
    const start = x.ints.slice();
    const gammas = Array.from({ length: 200 }, (_, t) => 0.5 + 0.49 * Math.sin(t) ** 2);
    const adds = gammas.map((_, t) => new Float64Array([Math.cos(t), -Math.sin(t), 0.1, 1e-12, t]));
    gammas.forEach((g, t) => {
      const [n, d] = rationalApproximation(g);
      x.mulRational(n, d).add(adds[t]!);
    });
    expect(x.bufferBits()).toBeGreaterThan(0);
    for (let t = gammas.length - 1; t >= 0; t--) {
      const [n, d] = rationalApproximation(gammas[t]!);
      x.sub(adds[t]!).divRational(n, d);
    }
    expect(Array.from(x.ints)).toEqual(Array.from(start));
    expect(x.buffer.every((b) => b === 0n)).toBe(true);
  });

  it('the buffer grows by about log2(1/γ) bits per entry per multiplication', () => {
    const n = 50, steps = 400;
    const x = new FixedPointVector(new Float64Array(n).map((_, i) => Math.sin(i) * 10), 100);
    const [num, den] = rationalApproximation(0.9);
    for (let t = 0; t < steps; t++) x.mulRational(num, den).add(new Float64Array(n).fill(0.37));
    const expected = n * steps * Math.log2(1 / 0.9);
    expect(x.bufferBits()).toBeGreaterThan(0.9 * expected);
    expect(x.bufferBits()).toBeLessThan(1.1 * expected + 64 * n);
  });
});

describe('reversibleMomentum', () => {
  const data = classification(60, 6, 30);
  const val = classification(40, 6, 31);
  const steps = 60;
  // Minibatches chosen by the step index: 20 rows per step, cycling.
  const batch = (t: number) => Array.from({ length: 20 }, (_, i) => (t * 20 + i) % 60);
  const lossAt = (lam: Tensor) => (w: Tensor, t: number) => {
    const idx = batch(t);
    return ad.add(logLoss(ad.take(data.X, idx, 0), ad.take(data.y, idx, 0))(w), ad.mul(0.5, ad.sum(ad.mul(ad.exp(lam), ad.square(w)))));
  };
  const outer = (trajectory: 'reverse' | 'store', info?: Partial<ad.optimizers.ReversibleInfo>) =>
    (lam: Tensor, w0: Tensor, lr: Tensor, decay: Tensor) =>
      logLoss(val.X, val.y)(ad.optimizers.reversibleMomentum(lossAt(lam), w0, { steps, lr, decay, trajectory, info }));
  const args = [ad.tensor([-2, -1, -3, -2, -1.5, -2.5]), ad.random.normal([6], 40, 0, 0.1), ad.full([steps], 0.3), ad.tensor(0.85)] as const;

  it('its hypergradients (λ, initial weights, per-step lr, decay) equal those from the stored trajectory, and the reversal is exact', () => {
    const info: Partial<ad.optimizers.ReversibleInfo> = {};
    const rev = ad.grad(outer('reverse', info), [0, 1, 2, 3])(...args);
    expect(info.reversedExactly).toBe(true);
    const stored = ad.grad(outer('store'), [0, 1, 2, 3])(...args);
    rev.forEach((g, i) => expect(arr(g)).toEqual(arr(stored[i]!))); // the same iterates, so the same numbers
  });

  it('equals backprop through the same run in float arithmetic (Maclaurin et al.’s update, unrolled with ad.scan)', () => {
    const unrolled = (lam: Tensor, w0: Tensor, lr: Tensor, decay: Tensor) => {
      const loss = lossAt(lam);
      const [w] = ad.scan(([w, v]: Tensor[], x: { t: Tensor; lr: Tensor }) => {
        const g = ad.grad((p: Tensor) => loss(p, x.t.item()))(w!);
        const vNext = ad.sub(ad.mul(decay, v!), ad.mul(ad.sub(1, decay), g));
        return [ad.add(w!, ad.mul(x.lr, vNext)), vNext];
      }, [w0, ad.zeros([6])], { xs: { t: ad.arange(steps), lr } }) as Tensor[];
      return logLoss(val.X, val.y)(w!);
    };
    const rev = ad.grad(outer('reverse'), [0, 1, 2, 3])(...args);
    const ref = ad.grad(unrolled, [0, 1, 2, 3])(...args);
    // Fixed point at 2^−100 with γ exact: the runs differ by rounding only.
    rev.forEach((g, i) => expect(relErr(arr(g), arr(ref[i]!))).toBeLessThan(1e-10));
  });

  it('keeps a buffer of about log2(1/γ) bits per weight per step instead of the trajectory', () => {
    const info: Partial<ad.optimizers.ReversibleInfo> = {};
    ad.grad(outer('reverse', info))(...args);
    const perWeightPerStep = info.bufferBits! / (6 * steps);
    expect(perWeightPerStep).toBeLessThan(2 * Math.log2(1 / 0.85) + 1);
    expect(info.bufferBits! / 8).toBeLessThan(info.trajectoryBytes! / 20);
    expect(info.gradientEvaluations).toBe(2 * steps);
  });

  it('without a transformation it just trains; nested transformations are refused with a clear message', () => {
    const w = ad.optimizers.reversibleMomentum(lossAt(args[0]), args[1], { steps: 5, lr: 0.1 });
    expect(w.shape).toEqual([6]);
    expect(() => ad.grad(ad.grad((l: Tensor) => ad.sum(ad.optimizers.reversibleMomentum(lossAt(l), args[1], { steps: 3, lr: 0.1 }))))(ad.tensor(0)))
      .toThrow(/only first-order reverse mode/);
    expect(() => ad.optimizers.reversibleMomentum(lossAt(args[0]), args[1], { steps: 3, lr: ad.ones([4]) })).toThrow(/lr must be a scalar or have shape \[3\]/);
  });
});
