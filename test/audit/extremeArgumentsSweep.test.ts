/**
 * @file ad.special and ad.stats at extreme arguments (helper 116): a sweep of ~7,000 points (subnormals, ±1e−300 …
 * ±1.7e308, ±∞, poles ± an ulp) over gamma, gammasgn, beta, poch, expi, exp1, expn, spence, fresnel and the logpdf/
 * logcdf/logsf of truncnorm, vonmises, wrapcauchy, pareto, gennorm, nbinom and betabinom, against mpmath 1.2.1 at 50
 * digits (scratch/h116/sweep.mjs, sweepref.py). What it found, each pinned here (mpmath at 60 digits, pasted):
 *   float(mpmath.ei(x)), float(mpmath.rf(z, m)), float(0.5 + mpmath.gammainc(1/b, 0, abs(x)**b, regularized=True)/2),
 *   float(loggamma(k + n) − loggamma(n) − loggamma(k + 1) + n log p + k log1p(−p)).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const S = ad.special, T = ad.stats;
const rel = (got: number, want: number) => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));

describe('special.expi at subnormal x', () => {
  it('reads log x itself (x/x₀ rounded as a subnormal: Ei(5e−324) was −743.7517)', () => {
    const rows = [[5e-324, -743.8628562564797], [1e-310, -713.2241631632527], [1e-300, -690.1983122333122]];
    for (const [x, v] of rows) expect(rel(S.expi(x!).item(), v!)).toBeLessThan(3e-16);
  });
});

describe('special.poch where z + m rounds onto a pole', () => {
  it('is the finite value of the exact z + m (SciPy\'s), not +∞', () => {
    // (1e−20)₋₁₀ = 1/((z − 1)⋯(z − 10)); (2.5)_{−12.5 + 1e−14}: Γ near its pole at −10; SciPy 1.10 agrees with both.
    expect(rel(S.poch(1e-20, -10).item(), 2.755731922398589e-07)).toBeLessThan(3e-16);
    expect(rel(S.poch(2.5, -12.5 + 1e-14).item(), 19449986.513999533)).toBeLessThan(1e-14);
    expect(rel(S.poch(3.25, -20).item(), -1.0004099086569694e-14)).toBeLessThan(1e-15);
    // m ≤ −2⁵³: z + m rounds to an integer; |(z)ₘ| is below any double (mpmath: 1.8e−995657055…): 0, not ∞ or NaN.
    expect(S.poch(0, -1e100).item()).toBe(0);
    expect(S.poch(-2.5, -1e100).item()).toBe(0);
  });
});

describe('stats.gennorm where |x|^β underflows', () => {
  it('cdf keeps P(1/β, |x|^β) = |x|/Γ(1 + 1/β) (it returned ½ at β = 1e5, x = ±½)', () => {
    expect(rel(T.gennorm.cdf(0.5, 1e5).item(), 0.7500014430227653)).toBeLessThan(3e-16);
    expect(rel(T.gennorm.cdf(-0.5, 1e5).item(), 0.24999855697723466)).toBeLessThan(3e-16);
    // ∂/∂x is the density β/(2Γ(1/β)) e^{−|x|^β} = 1/(2Γ(1 + 1/β)) there.
    expect(rel(ad.grad((x: Tensor) => T.gennorm.cdf(x, 1e5))(ad.scalar(0.5)).item(), 0.5000028860455306)).toBeLessThan(1e-15);
  });
});

describe('stats.nbinom.logpmf at tiny n', () => {
  it('is finite (Loader\'s log1p(k/n) overflowed to −∞)', () => {
    expect(rel(T.nbinom.logpmf(1e10, 1e-300, 0.5).item(), -6931472519.400832)).toBeLessThan(1e-15);
    expect(rel(T.nbinom.logpmf(1e10, 1e-300, 1e-300).item(), -713.8013788281542)).toBeLessThan(1e-15);
  });
});

describe('stats.truncnorm.logpdf far in a tail', () => {
  it('forms no squares of the bound (−z²/2 − log Φ(−a) cancelled numbers of size 5e9 at a = 1e5: 3e−8 off)', () => {
    // mpmath: −x²/2 − log √(2π) − log(Φ(b) − Φ(a)), and its a-derivative by mp.diff, at 60 digits.
    const rows = [
      [1e5, 1e5, 1e300, 11.512925465070229, 100000.00001], [1e5 + 1e-4, 1e5, Infinity, 1.512924985095715, 100000.00001],
      [-1e5, -Infinity, -1e5, 11.512925465070229, 0], [40, 39, 1e5, -35.83578196882713, 39.02560741993011],
      [-30.5, -31, -30, -11.722694576861421, 1.7045932838228663e-12], [0.3, -1, 2, -0.7637722388802102, 0.2955928616500336],
    ];
    for (const [x, a, b, v, da] of rows) {
      expect(rel(T.truncnorm.logpdf(x!, a!, b!).item(), v!)).toBeLessThan(3e-16);
      expect(rel(ad.grad((t: Tensor) => T.truncnorm.logpdf(x!, t, b!))(ad.scalar(a!)).item(), da!)).toBeLessThan(a === -31 ? 1e-14 : 1e-15);
    }
  });
});
