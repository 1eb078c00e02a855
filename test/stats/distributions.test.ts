/**
 * @file Every ad.stats function against torch.distributions (float64, autograd gradients) and mpmath
 * (references.ts): values and gradients in x and the parameters, one row per point.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { DIRICHLET, MVN, ROWS } from './references.js';
import { relErr } from '../special/support.js';

type Fn = (...xs: ad.TensorLike[]) => ad.Tensor;
const lookup = (path: string): Fn => {
  const [family, fn] = path.split('.') as [string, string];
  return (ad.stats as unknown as Record<string, Record<string, Fn>>)[family]![fn]!;
};
/** Relative error, or absolute below `floor` (gradients that are 0 or tiny). */
const close = (got: number, want: number, tol: number, floor = 1e-300) =>
  Math.abs(got - want) <= tol * Math.max(Math.abs(want), floor);

describe.each(ROWS.map((r, i) => ({ ...r, i })))('$fn at $args', ({ fn, args, value, grad }) => {
  const f = lookup(fn);
  it('has the reference value', () => {
    expect(relErr(f(...args).item(), value)).toBeLessThan(2e-14);
  });
  it('has the reference gradient', () => {
    const argnums = grad.flatMap((g, k) => (g === null ? [] : [k]));
    const gs = ad.grad((...xs: ad.Tensor[]) => f(...xs), argnums)(...args.map((a) => ad.scalar(a))) as ad.Tensor[];
    argnums.forEach((k, j) => {
      const got = gs[j]!.item();
      if (!close(got, grad[k]!, 5e-13, 1e-12)) expect({ argument: k, got }).toEqual({ argument: k, got: grad[k] });
    });
  });
});

describe('multivariate densities', () => {
  it('dirichlet.logpdf and its gradient in alpha', () => {
    const alpha = ad.tensor(DIRICHLET.alpha);
    expect(relErr(ad.stats.dirichlet.logpdf(ad.tensor(DIRICHLET.x), alpha).item(), DIRICHLET.value)).toBeLessThan(1e-14);
    const g = ad.grad((a: ad.Tensor) => ad.stats.dirichlet.logpdf(ad.tensor(DIRICHLET.x), a))(alpha).toFloat64Array();
    DIRICHLET.gradAlpha.forEach((w, i) => expect(relErr(g[i]!, w)).toBeLessThan(1e-13));
    expect(ad.stats.dirichlet.logpdf(ad.tensor([0.5, 0.6]), ad.tensor([1, 1])).item()).toBe(-Infinity); // off the simplex
    expect(ad.stats.dirichlet.logpdf(ad.tensor([0.5, 0.5]), ad.tensor([0, 1])).item()).toBeNaN();
  });

  it('multivariateNormal.logpdf and its gradients in x, mean and cov', () => {
    const [x, mean, cov] = [ad.tensor(MVN.x), ad.tensor(MVN.mean), ad.tensor(MVN.cov)];
    expect(relErr(ad.stats.multivariateNormal.logpdf(x, mean, cov).item(), MVN.value)).toBeLessThan(1e-14);
    const [gx, gm, gc] = ad.grad((a: ad.Tensor, b: ad.Tensor, c: ad.Tensor) => ad.stats.multivariateNormal.logpdf(a, b, c), [0, 1, 2])(x, mean, cov) as ad.Tensor[];
    MVN.gradX.forEach((w, i) => expect(relErr(gx!.toFloat64Array()[i]!, w)).toBeLessThan(1e-13));
    MVN.gradMean.forEach((w, i) => expect(relErr(gm!.toFloat64Array()[i]!, w)).toBeLessThan(1e-13));
    // torch's gradient in a covariance matrix is that of the function of its entries (symmetric here).
    MVN.gradCov.forEach((w, i) => expect(Math.abs(gc!.toFloat64Array()[i]! - w)).toBeLessThan(1e-13));
    // Batched x against one cov: each row its own density.
    const xs = ad.stack([x, mean], 0);
    const batched = ad.stats.multivariateNormal.logpdf(xs, mean, cov).toFloat64Array();
    expect(relErr(batched[0]!, MVN.value)).toBeLessThan(1e-14);
    expect(relErr(batched[1]!, ad.stats.multivariateNormal.logpdf(mean, mean, cov).item())).toBe(0);
    // A batch of covariances, one per row of x, and vmap over x: each row its own density.
    const cov2 = ad.tensor([[[1, 0.2, 0], [0.2, 2, 0.1], [0, 0.1, 0.5]], MVN.cov]);
    const both = ad.stats.multivariateNormal.logpdf(ad.stack([mean, x], 0), mean, cov2).toFloat64Array();
    expect(relErr(both[1]!, MVN.value)).toBeLessThan(1e-14);
    expect(both[0]).toBe(ad.stats.multivariateNormal.logpdf(mean, mean, ad.take(cov2, [0], 0).reshape([3, 3])).item());
    const viaVmap = ad.vmap((row: ad.Tensor) => ad.stats.multivariateNormal.logpdf(row, mean, cov))(xs).toFloat64Array();
    batched.forEach((v, i) => expect(relErr(viaVmap[i]!, v)).toBeLessThan(1e-15));
  });
});
