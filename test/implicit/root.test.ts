/** @file root: Newton–Krylov solutions and their implicit derivatives, on a scalar equation and on a fixed-point (equilibrium) layer against an unrolled iteration. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { maxAbsDiff, maxAbsOf } from './dense.js';

const relErr = (got: Tensor, want: Tensor) =>
  maxAbsDiff(got.toFloat64Array(), want.toFloat64Array()) / maxAbsOf(want.toFloat64Array());

describe('root', () => {
  it('solves x³ = a, with dx/da = 1/(3x²) in reverse and forward mode, and d²x/da² = −2/(9 a^{5/3})', () => {
    const cbrt = (a: Tensor) => ad.root((x: Tensor) => ad.sub(ad.pow(x, 3), a), ad.tensor(1), { tol: 1e-14 });
    expect(cbrt(ad.tensor(8)).item()).toBeCloseTo(2, 14);
    expect(ad.grad(cbrt)(8).item()).toBeCloseTo(1 / 12, 14);
    expect(ad.jvp(cbrt, [ad.tensor(8)], [ad.tensor(2)])[1].item()).toBeCloseTo(2 / 12, 14);
    expect(ad.grad(ad.grad(cbrt))(8).item()).toBeCloseTo(-2 / (9 * 8 ** (5 / 3)), 12);
  });

  describe('a fixed-point layer z* = tanh(W z* + U x)', () => {
    const n = 12, m = 5;
    const W0 = ad.random.normal([n, n], 1, 0, 0.3 / Math.sqrt(n)); // contractive: the iteration converges
    const U0 = ad.random.normal([n, m], 2, 0, 1 / Math.sqrt(m));
    const x = ad.random.normal([m], 3);
    const c = ad.random.normal([n], 4);
    const layer = (W: Tensor, U: Tensor, z: Tensor) => ad.tanh(ad.add(ad.matmul(W, z), ad.matmul(U, x)));
    const implicit = (W: Tensor, U: Tensor) =>
      ad.dot(c, ad.root((z: Tensor) => ad.sub(z, layer(W, U, z)), ad.zeros([n]), { tol: 1e-13 }));
    // The same equilibrium by 80 plain iterations, differentiated by backprop through all of them.
    const unrolled = (W: Tensor, U: Tensor) =>
      ad.dot(c, ad.scan((z: Tensor) => layer(W, U, z), ad.zeros([n]), { length: 80 }));

    it('its gradients with respect to the weights it closes over equal backprop through the converged iteration', () => {
      const info: Partial<ad.RootInfo> = {};
      const withInfo = (W: Tensor, U: Tensor) =>
        ad.dot(c, ad.root((z: Tensor) => ad.sub(z, layer(W, U, z)), ad.zeros([n]), { tol: 1e-13, info }));
      const [gW, gU] = ad.grad(withInfo, [0, 1])(W0, U0);
      const [rW, rU] = ad.grad(unrolled, [0, 1])(W0, U0);
      expect(info.converged).toBe(true);
      expect(info.iterations).toBeLessThan(10);
      expect(info.adjoint!.solver).toBe('gmres');
      expect(info.adjoint!.converged).toBe(true);
      expect(relErr(gW, rW)).toBeLessThan(1e-9);
      expect(relErr(gU, rU)).toBeLessThan(1e-9);
    });

    it('forward mode agrees with reverse mode, and checkGrad passes to second order', () => {
      const dW = ad.random.normal([n, n], 5);
      const [, tangent] = ad.jvp((W: Tensor) => implicit(W, U0), [W0], [dW]);
      const g = ad.grad(implicit)(W0, U0);
      expect(Math.abs(tangent.item() - ad.sum(ad.mul(g, dW)).item())).toBeLessThan(1e-8 * Math.abs(tangent.item())); // two solves to 1e-10
      const check = ad.checkGrad((U: Tensor) => implicit(W0, U), [U0], { order: 2 });
      expect(check.checks.filter((k) => !k.ok)).toEqual([]);
    });
  });

  it('reports a root it cannot find: no real root of x² + 1', () => {
    const info: Partial<ad.RootInfo> = {};
    ad.root((x: Tensor) => ad.add(ad.square(x), 1), ad.tensor(0.5), { info, warn: false, maxIter: 30 });
    expect(info.converged).toBe(false);
    expect(info.residualNorm).toBeGreaterThanOrEqual(1);
    expect(info.warnings![0]).toMatch(/Newton–Krylov stopped/);
  });

  it('F must map x to the same structure', () => {
    expect(() => ad.root(() => ad.zeros([3]), ad.zeros([2]))).toThrow(/root: F must return x0's structure and shapes, but it has shape \[3\] where x0 has shape \[2\]/);
  });
});
