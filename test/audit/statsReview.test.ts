/**
 * @file Audit regressions for ad.stats against mpmath (40–50 digits; numbers hard-coded here, from
 * scratch scripts): the beta survival function near 0 where 1 − x rounds, and the Cauchy and Student t
 * log-densities where z² overflows. Each block names the wrong answer it guards against.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const st = ad.stats;
/** |got − want| / |want|. */
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
const grads = (f: (...v: ad.Tensor[]) => ad.Tensor, args: number[]) =>
  (ad.grad(f, args.map((_, i) => i))(...args) as ad.Tensor[]).map((t) => t.item());

describe('stats.beta: sf, logcdf and logsf where 1 − x rounds', () => {
  // Before: sf was I_{1−y}(b, a) at fl(1 − y), and 1 − 1e−20 is 1: sf(1e−20; 0.01, 1) was 1 (not
  // 1 − 10^−0.2 = 0.369), logcdf there −∞ (log1p(−sf)), the gradient of sf in a and b 0.
  // Rows: [x, a, b, sf, logcdf, logsf, ∂sf/∂x, ∂sf/∂a, ∂sf/∂b (null: not checked), ∂logcdf/∂a].
  const ROWS: Array<[number, number, number, number, number, number, number, number, number | null, number]> = [
    [1e-20, 0.01, 1, 0.36904265551980675, -0.46051701859880917, -0.9968430440078468, -6.309573444801933e17, 29.056659514304037, -0.01030366406426409, -46.051701859880914],
    [1e-20, 0.01, 100, 0.3355692298543864, -0.40882458963385876, -1.0919269955580682, -6.644307701456136e17, 27.168942320888018, -6.677304444541785e-5, -40.89055405265743],
    // ∂sf/∂b here is betainc's own b-derivative (6.6e−9 relative), not this rule's: not checked.
    [1e-18, 0.001, 1e4, 0.031163922099029913, -0.03165984765446411, -3.468494196226895, -968836077900960.4, 30.67399864017213, null, -31.660669270934687],
  ];
  it('values and gradients in x, a and b against mpmath (sf within 5e−14: 1 − I where I ≈ 0.97 carries I\'s rounding)', () => {
    for (const [x, a, b, sf, logcdf, logsf, dx, da, db, dlogcdf] of ROWS) {
      const at = `(${x}, ${a}, ${b})`;
      expect(relErr(st.beta.sf(x, a, b).item(), sf), `sf${at}`).toBeLessThan(5e-14);
      expect(relErr(st.beta.logcdf(x, a, b).item(), logcdf), `logcdf${at}`).toBeLessThan(5e-14);
      expect(relErr(st.beta.logsf(x, a, b).item(), logsf), `logsf${at}`).toBeLessThan(5e-14);
      expect(relErr(1 - st.beta.sf(x, a, b).item(), st.beta.cdf(x, a, b).item()), `cdf + sf${at}`).toBeLessThan(2e-16);
      const [gx, ga, gb] = grads((X, A, B) => st.beta.sf(X, A, B), [x, a, b]);
      expect(relErr(gx!, dx), `∂sf/∂x${at}`).toBeLessThan(1e-13);
      expect(relErr(ga!, da), `∂sf/∂a${at}`).toBeLessThan(1e-13);
      if (db !== null) expect(relErr(gb!, db), `∂sf/∂b${at}`).toBeLessThan(1e-12);
      expect(relErr(ad.grad((A: ad.Tensor) => st.beta.logcdf(x, A, b))(a).item(), dlogcdf), `∂logcdf/∂a${at}`).toBeLessThan(1e-13);
    }
  });
  it('keeps the complement I_{1−x}(b, a) where it is the accurate one (tiny survival, large b)', () => {
    // sf = (1 − x)^b for a = 1: 1 − I would be 0 at x = 1e−4, b = 1e6 (sf = 3.7e−44); at x = 1e−17, b = 1e16,
    // sf = e^{−0.1} (the complement at fl(1 − x) = 1 was 1).
    expect(relErr(st.beta.sf(1e-4, 1, 1e6).item(), 3.7015207857525985e-44)).toBeLessThan(5e-11); // betainc's x^b: 1.4e−11
    expect(relErr(st.beta.logsf(1e-4, 1, 1e6).item(), -100.00500033335834)).toBeLessThan(5e-13);
    expect(relErr(st.beta.sf(1e-17, 1, 1e16).item(), 0.9048374180359595)).toBeLessThan(1e-15);
    expect(relErr(st.beta.logcdf(1e-17, 1, 1e16).item(), -2.3521684610440907)).toBeLessThan(1e-15);
    // The boundaries: sf(0) = 1 (a < 1: the density is +∞ there), sf(1) = 0, and y ≥ ½ unchanged.
    expect(st.beta.sf(0, 0.5, 3).item()).toBe(1);
    expect(st.beta.sf(1, 0.5, 3).item()).toBe(0);
    expect(st.beta.logcdf(0, 0.5, 3).item()).toBe(-Infinity);
    expect(relErr(st.beta.sf(0.999, 0.5, 0.7).item(), 0.00452945311298718)).toBeLessThan(1e-14);
  });
});

describe('stats.cauchy and stats.t: log-densities where z² overflows', () => {
  // Before: log1p(z²) with z² = ∞ from |z| = 1.4e154: cauchy.logpdf(1e200) and t.logpdf(1e200, 1) were −∞, not −922.18.
  it('cauchy.logpdf and its gradient in x, loc and scale against mpmath', () => {
    const rows: Array<[number, number, number, number, number[]]> = [
      [1e200, 0, 1, -922.1787670834676, [-2e-200, 2e-200, 1]],
      [3e8, 1, 2, -39.490168763863736, [-6.666666688888889e-9, 6.666666688888889e-9, 0.49999999999999994]],
      [-1e155, 2, 0.5, -715.6392558945635, [2e-155, -2e-155, 2]],
    ];
    for (const [x, loc, scale, value, g] of rows) {
      expect(relErr(st.cauchy.logpdf(x, loc, scale).item(), value), `cauchy.logpdf(${x})`).toBeLessThan(5e-16);
      grads((X, L, S) => st.cauchy.logpdf(X, L, S), [x, loc, scale]).forEach((v, i) => expect(relErr(v, g[i]!), `∂${i} cauchy.logpdf(${x})`).toBeLessThan(1e-15));
    }
    expect(st.cauchy.logpdf(Infinity).item()).toBe(-Infinity);
    expect(st.cauchy.pdf(1e200).item()).toBe(0);
    expect(grads((X) => st.cauchy.logpdf(X), [0])).toEqual([0]);
  });
  it('t.logpdf and its gradient in x, df, loc and scale against mpmath', () => {
    // ∂/∂x at 1e200 is −(ν + 1)/x (mpmath's diff rounds it to 0 at these scales).
    const rows: Array<[number, number, number, number, number, number[]]> = [
      [1e200, 1, 0, 1, -922.1787670834676, [-2e-200, -459.3238714182492, 2e-200, 1]],
      [1e9, 2.5, 0.5, 3, -69.19803051857285, [-3.5000000017499998e-9, -18.42904518837966, 3.5000000017499998e-9, 0.8333333333333333]],
      [-2e160, 0.3, 1, 0.5, -482.30195728352595, [6.5e-161, -367.0765737004473, -6.5e-161, 0.6]],
      [1e300, 0.5, 0, 1, -1037.993685158652, [-1.5e-300, -689.0513051616988, 1.5e-300, 0.5]],
    ];
    for (const [x, df, loc, scale, value, g] of rows) {
      expect(relErr(st.t.logpdf(x, df, loc, scale).item(), value), `t.logpdf(${x}, ${df})`).toBeLessThan(5e-16);
      grads((X, V, L, S) => st.t.logpdf(X, V, L, S), [x, df, loc, scale]).forEach((v, i) => expect(relErr(v, g[i]!), `∂${i} t.logpdf(${x}, ${df})`).toBeLessThan(5e-16));
    }
    expect(st.t.logpdf(Infinity, 1).item()).toBe(-Infinity);
    expect(grads((X, V) => st.t.logpdf(X, V), [0, 3])[0]).toBe(0);
  });
});
