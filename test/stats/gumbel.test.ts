/**
 * @file stats.gumbelR and stats.gumbelL (jax.scipy.stats.gumbel_r / gumbel_l): values and derivatives
 * in every argument against mpmath (gumbelReference.py), far tails included; SciPy's conventions at the
 * edges (q = 0 and 1, scale ≤ 0); checkGrad to second order.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { GUMBEL } from './gumbelReference.js';

type Fn = (...a: ad.Tensor[]) => ad.Tensor;
const fnOf = (name: string): Fn => {
  const [fam, f] = name.split('.') as ['gumbelR' | 'gumbelL', string];
  return (ad.stats[fam] as unknown as Record<string, Fn>)[f]!;
};
const rel = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

describe('stats.gumbelR / gumbelL against mpmath', () => {
  it.each(GUMBEL.map((c) => [`${c.fn}(${c.args.join(', ')})`, c] as const))('%s: value and gradient', (_, c) => {
    const f = fnOf(c.fn);
    const args = c.args.map((a) => ad.scalar(a));
    expect(rel(f(...args).item(), c.value)).toBeLessThan(4e-15);
    const grads = ad.grad((...xs: ad.Tensor[]) => f(...xs), [0, 1, 2])(...args) as ad.Tensor[];
    // Near z = 0 logpdf's x derivative −1 + e^{−z} (z − eᶻ's 1 − eᶻ) cancels in any chain rule: there its error
    // is eps-sized against the terms (1), not the result (PyTorch's autograd computes it the same way).
    const z = (c.args[0]! - c.args[1]!) / c.args[2]!, cancels = c.fn.endsWith('logpdf') && Math.abs(z) < 0.1;
    grads.forEach((g, i) => expect(Math.abs(g.item() - c.grad[i]!), `argument ${i}`).toBeLessThanOrEqual(2e-14 * Math.abs(c.grad[i]!) + (cancels ? 2.3e-16 : 0)));
  });

  it('covers every function of both families', () => {
    const names = new Set(GUMBEL.map((c) => c.fn));
    for (const fam of ['gumbelR', 'gumbelL']) for (const f of ['logpdf', 'cdf', 'logcdf', 'sf', 'logsf', 'ppf', 'isf']) expect(names.has(`${fam}.${f}`), `${fam}.${f}`).toBe(true);
  });
});

describe('stats.gumbelR / gumbelL: edges and conventions', () => {
  it('far tails stay finite where the textbook forms overflow or cancel, with derivatives', () => {
    const { gumbelR, gumbelL } = ad.stats;
    expect(gumbelR.logsf(800).item()).toBe(-800); // log(1 − exp(−e^{−800})): e^{−800} underflows
    expect(ad.grad((x: ad.Tensor) => gumbelR.logsf(x))(ad.scalar(800)).item()).toBe(-1);
    expect(gumbelL.logcdf(-800).item()).toBe(-800);
    expect(gumbelR.cdf(-800).item()).toBe(0);
    expect(ad.grad((x: ad.Tensor) => gumbelR.cdf(x))(ad.scalar(-800)).item()).toBe(0); // not 0·∞
    expect(ad.grad((x: ad.Tensor) => gumbelR.sf(x))(ad.scalar(-800)).item()).toBe(0);
    expect(gumbelR.ppf(1 - 2 ** -52).item()).toBeCloseTo(36.04365338911715, 13);
  });

  it('logsf\'s second derivative keeps its digits past z = 5 (the log1mexp form cancelled: 1.2e−7 off at 20), mpmath\'s', () => {
    // z, d²/dz² log sf (mpmath, 60 digits)
    for (const [z, want] of [[4.9, -0.0037140496193061047], [10, -2.269962135563871e-5], [14, -4.1576424431178214e-7], [20, -1.0305768105112198e-9], [30, -4.6788114844199416e-14], [100, -1.860037988010418e-44]]) {
      const got = ad.grad(ad.grad((x: ad.Tensor) => ad.stats.gumbelR.logsf(x)))(ad.scalar(z!)).item();
      expect(Math.abs(got - want!)).toBeLessThanOrEqual(5e-14 * Math.abs(want!));
      const mirrored = ad.grad(ad.grad((x: ad.Tensor) => ad.stats.gumbelL.logcdf(x)))(ad.scalar(-z!)).item();
      expect(Math.abs(mirrored - want!)).toBeLessThanOrEqual(5e-14 * Math.abs(want!));
    }
  });

  it('q outside [0, 1] and scale ≤ 0 give NaN; q = 0 and 1 the support\'s ends (SciPy)', () => {
    const { gumbelR, gumbelL } = ad.stats;
    expect(gumbelR.ppf(0).item()).toBe(-Infinity);
    expect(gumbelR.ppf(1).item()).toBe(Infinity);
    expect(gumbelL.ppf(0).item()).toBe(-Infinity);
    expect(gumbelL.isf(0).item()).toBe(Infinity);
    expect(gumbelR.ppf(1.5).item()).toBeNaN();
    expect(gumbelL.logpdf(0, 0, -1).item()).toBeNaN();
    expect(gumbelR.cdf(0, 0, 0).item()).toBeNaN();
  });

  it('gumbelL is gumbelR mirrored, and ppf inverts cdf', () => {
    const x = ad.tensor([-4, -0.5, 0, 1.5, 6]);
    const { gumbelR, gumbelL } = ad.stats;
    expect(gumbelL.logpdf(x, 1, 2).toArray()).toEqual(gumbelR.logpdf(ad.neg(x), -1, 2).toArray());
    const back = gumbelR.ppf(gumbelR.cdf(x, 0.5, 1.5), 0.5, 1.5).toFloat64Array();
    Array.from(back).forEach((v, i) => expect(v).toBeCloseTo(x.toFloat64Array()[i]!, 12));
  });

  it('checkGrad to second order in x, loc and scale', () => {
    const { gumbelR, gumbelL } = ad.stats;
    for (const f of [gumbelR.logpdf, gumbelR.logsf, gumbelL.logcdf, gumbelL.sf, gumbelR.ppf] as Fn[]) {
      const at = f === gumbelR.ppf ? ad.tensor([0.2, 0.7]) : ad.tensor([-1.2, 0.4]);
      expect(ad.checkGrad((x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.sum(f(x, l, s)), [at, ad.tensor([0.1, -0.3]), ad.tensor([1.3, 0.8])], { order: 2 }).ok).toBe(true);
    }
  });
});
