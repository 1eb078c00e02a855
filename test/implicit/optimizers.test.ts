/** @file optimizers.sgd/momentum/adam: their updates, gradients through unrolled runs (plain and checkpointed scan), and unrolled hypergradients converging to the implicit ones. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { maxAbsDiff, maxAbsOf } from './dense.js';
import { regression, ridgeHypergradient, ridgeLoss, validationLoss } from './ridge.js';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** The derivative at 0 by the five-point centered stencil, error O(h⁴). */
const fivePoint = (f: (s: number) => number, h: number) => (f(-2 * h) - 8 * f(-h) + 8 * f(h) - f(2 * h)) / (12 * h);
const relErr = (got: ArrayLike<number>, want: ArrayLike<number>) => maxAbsDiff(got, want) / maxAbsOf(want);

describe('optimizer updates', () => {
  it('sgd and momentum take the textbook steps', () => {
    const sgd = ad.optimizers.sgd({ lr: 0.1 });
    const [p1] = sgd.step(ad.tensor([1, 2]), ad.tensor([1, -1]), sgd.init(ad.tensor([1, 2])));
    expect(maxAbsDiff(arr(p1), [0.9, 2.1])).toBeLessThan(1e-15);
    const mom = ad.optimizers.momentum({ lr: 0.1, beta: 0.9 });
    let params = ad.tensor([1]);
    let state = mom.init(params);
    [params, state] = mom.step(params, ad.tensor([1]), state);
    [params, state] = mom.step(params, ad.tensor([1]), state);
    expect(params.item()).toBeCloseTo(1 - 0.1 - 0.19, 15); // v = 1, then 1.9
    expect(state.count.item()).toBe(2);
    const nesterov = ad.optimizers.momentum({ lr: 0.1, beta: 0.9, nesterov: true });
    const [pn] = nesterov.step(ad.tensor([1]), ad.tensor([1]), nesterov.init(ad.tensor([1])));
    expect(pn.item()).toBeCloseTo(1 - 0.1 * (1 + 0.9), 15);
  });

  it('adam: the first step moves each parameter by ≈ lr against its gradient, bias correction included', () => {
    const opt = ad.optimizers.adam({ lr: 0.01 });
    const params = { w: ad.tensor([1, -1, 0.5]), b: ad.tensor(2) };
    const grads = { w: ad.tensor([3, -0.5, 1e-3]), b: ad.tensor(-7) };
    const [p, s] = opt.step(params, grads, opt.init(params));
    expect(maxAbsDiff(arr(p.w), [0.99, -0.99, 0.49])).toBeLessThan(1e-7);
    expect(p.b.item()).toBeCloseTo(2.01, 7);
    // Second step by hand.
    const [p2] = opt.step(p, { w: ad.tensor([1, 1, 1]), b: ad.tensor(1) }, s);
    const m = 0.9 * 0.3 + 0.1 * 1, v = 0.999 * 0.009 + 0.001 * 1;
    const expected = (p.w.toArray() as number[])[0]! - 0.01 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect((p2.w.toArray() as number[])[0]).toBeCloseTo(expected, 12);
  });

  it('rejects a missing learning rate and mismatched gradients', () => {
    expect(() => ad.optimizers.adam({} as { lr: number })).toThrow(/option lr is required/);
    const opt = ad.optimizers.sgd({ lr: 1 });
    expect(() => opt.step(ad.zeros([2]), ad.zeros([3]), opt.init(ad.zeros([2])))).toThrow(/leaf 0 of grads has shape \[3\]/);
  });
});

describe('gradients through unrolled training', () => {
  const r = regression(30, 20, 4, 5);
  // Train for n steps with `make(lr)`, return the validation loss; λ per feature, read through the closure.
  const trained = (make: (lr: Tensor) => ad.optimizers.Optimizer<any>, n: number, checkpoints: ad.Checkpoints = 'all') =>
    (lam: Tensor, lr: Tensor) => {
      const opt = make(lr);
      const loss = ridgeLoss(r, lam);
      const init = ad.zeros([4]);
      const [w] = ad.scan(([p, s]: [Tensor, any]) => opt.step(p, ad.grad(loss)(p), s), [init, opt.init(init)], { length: n, checkpoints }) as [Tensor, unknown];
      return validationLoss(r)(w);
    };
  const lam0 = ad.tensor([0.5, 1, 2, 4]);

  it.each([
    ['sgd', (lr: Tensor) => ad.optimizers.sgd({ lr })],
    ['momentum', (lr: Tensor) => ad.optimizers.momentum({ lr, beta: 0.8 })],
    ['adam', (lr: Tensor) => ad.optimizers.adam({ lr })],
  ] as const)('%s: hypergradients (λ and lr) equal centered differences, and checkpointed scan gives the same', (_, make) => {
    const lr0 = ad.tensor(make === undefined ? 0 : 0.01);
    const f = trained(make, 40);
    const [gLam, gLr] = ad.grad(f, [0, 1])(lam0, lr0);
    const fdLr = fivePoint((s) => f(lam0, ad.tensor(0.01 + s)).item(), 5e-6); // the loss is steep in lr: a small step
    expect(Math.abs(gLr.item() - fdLr) / Math.abs(fdLr)).toBeLessThan(1e-7);
    const dir = ad.tensor([1, -1, 0.5, 2]);
    const fdLam = fivePoint((s) => f(ad.add(lam0, ad.mul(s, dir)), lr0).item(), 1e-3);
    expect(Math.abs(ad.dot(gLam, dir).item() - fdLam) / Math.abs(fdLam)).toBeLessThan(1e-7);
    const [cLam, cLr] = ad.grad(trained(make, 40, 4), [0, 1])(lam0, lr0);
    expect(relErr(arr(cLam), arr(gLam))).toBeLessThan(1e-12);
    expect(Math.abs(cLr.item() - gLr.item())).toBeLessThan(1e-12 * Math.abs(gLr.item()));
  });

  it('implicit and unrolled hypergradients agree as the inner run converges', () => {
    // Gradient descent on ridge contracts by (1 − lr·μ) per step; the unrolled hypergradient
    // approaches the implicit one at the same rate.
    const lam = ad.tensor([0.5, 1, 2, 4]);
    const implicit = arr(ad.grad((l: Tensor) => validationLoss(r)(ad.argmin(ridgeLoss(r, l), ad.zeros([4]), { tol: 1e-12 })))(lam));
    expect(relErr(implicit, ridgeHypergradient(r, [0.5, 1, 2, 4]).perFeature)).toBeLessThan(1e-8);
    const errors = [25, 100, 400].map((n) => relErr(arr(ad.grad(trained((lr) => ad.optimizers.momentum({ lr, beta: 0.5 }), n))(lam, ad.tensor(0.01))), implicit));
    expect(errors[1]!).toBeLessThan(errors[0]! / 10);
    expect(errors[2]!).toBeLessThan(errors[1]! / 10);
    expect(errors[2]!).toBeLessThan(1e-8);
  });
});
