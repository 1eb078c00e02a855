/**
 * @file Second accuracy review of ad.special against mpmath at 50 digits (helper 94). References
 * were computed once with /usr/bin/python3 (mpmath 1.2.1, mp.dps = 50) and pasted here, e.g.
 *   I = lambda n, x: mpmath.besseli(n, mpmath.mpf(x)); float(I(0, -1.7026351332480838))
 *   I₁″ = (3 I₁ + I₃)/4, (e^{−|x|} I₁)″ = e^{−|x|}(I₁″ − 2 sign(x) I₁′ + I₁) with I₁′ = (I₀ + I₂)/2.
 * The measurement grids (≈ 900 points a function: subnormals, tiny, the branch switches ± a few
 * ulp, random points, up to overflow) are summarised in the report; here are the points that failed.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { ulp } from '../support/ulp.js';

const S = ad.special;
const ulps = (got: number, want: number) => Math.abs(got - want) / ulp(want);
const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
const d1 = (f: (x: ad.Tensor) => ad.Tensor, x: number) => ad.grad(f)(ad.scalar(x)).item();
const d2 = (f: (x: ad.Tensor) => ad.Tensor, x: number) => ad.grad(ad.grad(f))(ad.scalar(x)).item();

describe('Bessel I₀, I₁ values', () => {
  // The series' terms were built by a recurrence in doubles from y = x²/4 rounded: 5 ulp at
  // i0(−1.7026351332480838) (1.8671215257988167), 9 at i0(±29.56), 11 at i1(22.53); and the unscaled
  // value was e^{|x|}·(e^{−|x|}·sum), two more roundings. Now the series in double-double, unscaled.
  const rows: Array<[number, number, number]> = [ // x, I₀(x), I₁(x)
    [-1.7026351332480838, 1.867121525798816, -1.1994071549210354],
    [22.533341134096574, 516497565.325161, 504903596.2516067],
    [-29.99999997, 781672274768.0175, -768532016257.3213],
    [-25.933509726362757, 14417666719.667313, -14136903244.097513],
    [17.500513256912328, 3827872.4708047407, 3716847.2277210965],
    [45.25, 2.6677145736413225e18, 2.638070475935849e18],
  ];
  it.each(rows)('at %d', (x, i0, i1) => {
    expect(ulps(S.i0(x).item(), i0)).toBeLessThanOrEqual(1);
    expect(ulps(S.i1(x).item(), i1)).toBeLessThanOrEqual(1);
  });
  const scaled: Array<[number, number, number]> = [ // x, e^{−|x|}I₀(x), e^{−|x|}I₁(x)
    [-22.763355381354874, 0.08408755432477398, -0.08221931715309162],
    [-19.69956568550922, 0.09047142844099285, -0.0881443964821958],
    [11.13987840562151, 0.12094440561407119, 0.11538128681097547],
  ];
  it.each(scaled)('scaled at %d', (x, i0e, i1e) => {
    expect(ulps(S.i0e(x).item(), i0e)).toBeLessThanOrEqual(2); // the series times e^{−|x|}: one rounding of exp more
    expect(ulps(S.i1e(x).item(), i1e)).toBeLessThanOrEqual(2);
  });
});

describe('Bessel I₁′ = I₀ − I₁/x near 0', () => {
  // I₁(x)/x was i1(x)/x: at 5e−324 I₁ = x/2 underflows to 0 (I₀″(5e−324) came out 1, not ½), and the
  // autodiff derivative I₁′/x − I₁/x² cancels (~ε/x²: relative 1e−10 at 1e−3) and is NaN once x² underflows.
  const rows: Array<[number, number, number, number]> = [ // x, I₁″(x), (e^{−|x|}I₁)′, (e^{−|x|}I₁)″
    [1e-3, 0.00037500005208333564, 0.49900093691694, -0.9981267489067654],
    [0.01, 0.0037500520835611986, 0.49009316939076164, -0.9814239113867611],
    [-0.37, -0.14140402454954218, 0.2332815918671266, 0.49887566517308946],
    [-1e-310, -3.75e-311, 0.5, 1],
  ];
  it.each(rows)('at %d', (x, i1dd, i1ed, i1edd) => {
    expect(rel(d2(S.i1, x), i1dd)).toBeLessThan(Math.abs(x) < 1e-300 ? 2e-13 : 1e-15); // subnormal: 13 digits
    expect(rel(d1(S.i1e, x), i1ed)).toBeLessThan(1e-15);
    expect(rel(d2(S.i1e, x), i1edd)).toBeLessThan(1e-15);
    expect(d2(S.i0, x)).toBe(d1(S.i1, x)); // I₀″ = I₁′, the same rule
  });
  it('at subnormal x', () => {
    expect(d2(S.i0, 5e-324)).toBe(0.5);
    expect(d1(S.i1, -5e-324)).toBe(0.5);
    expect(d2(S.i1, 5e-324)).toBe(0); // 3x/8 rounds to 0
    expect(rel(ad.grad(ad.grad(ad.grad(S.i0)))(ad.scalar(-1e-310)).item(), -3.75e-311)).toBeLessThan(2e-13); // was NaN
    expect(d2(S.i1e, -5e-324)).toBe(1);
  });
  it('keeps the batched and jvp paths', () => {
    const xs = ad.tensor([1e-3, -0.37, 40, -700]);
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.grad((y: ad.Tensor) => ad.sum(S.i1(y)))(x)))(xs).toFloat64Array();
    const one = [1e-3, -0.37, 40, -700].map((x) => d2(S.i1, x));
    expect(Array.from(g)).toEqual(one);
    expect(rel(one[2]!, 1.435341103862793e16)).toBeLessThan(2e-15); // (3I₁ + I₃)/4 at 40
    const [, t] = ad.jvp((x: ad.Tensor) => ad.grad(S.i1e)(x), [ad.scalar(-0.37)], [ad.scalar(1)]);
    expect(rel((t as ad.Tensor).item(), 0.49887566517308946)).toBeLessThan(1e-15);
  });
});

describe('erfcinv of subnormal y', () => {
  // erfcinv(y) was −ndtri(y/2)/√2 with y/2 rounded in the subnormals: 5e−324/2 = 0 gave +∞, and
  // 1e−317 was 2.6e6 ulp off (SciPy's erfcinv too). mpmath: findroot(erfc(t) − y) from erfinv(1 − y) at 400 digits.
  const rows: Array<[number, number]> = [[5e-324, 27.21329321081295], [1e-317, 26.945363434039677], [1e-313, 26.77402921714183]];
  it.each(rows)('at %d', (y, want) => {
    expect(ulps(S.erfcinv(y).item(), want)).toBeLessThanOrEqual(1);
  });
  it('keeps the normal range and the derivatives −(√π/2)e^{z²}, 2z·(that)²', () => {
    expect(S.erfcinv(ad.tensor([0, 1, 2, 2.5])).toArray()).toEqual([Infinity, 0, -Infinity, NaN]);
    expect(Object.is(S.erfcinv(1).item(), 0)).toBe(true);
    expect(rel(S.erfcinv(0.3).item(), 0.7328690779592169)).toBeLessThan(3e-16);
    expect(rel(d1(S.erfcinv, 0.3), -1.5163632173337644)).toBeLessThan(1e-15);
    expect(rel(d2(S.erfcinv, 0.3), 3.370255885361795)).toBeLessThan(1e-15);
  });
});
