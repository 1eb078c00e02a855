/** @file ndtr, logNdtr and ndtri against mpmath (references.ts) in both tails, with a fast-check round trip. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { LOG_NDTR, NDTR, NDTRI } from './references.js';
import { relErr } from './support.js';

const S = ad.special;
const d = (f: (x: ad.Tensor) => ad.Tensor, x: number) => ad.grad(f)(ad.scalar(x)).item();

describe('ndtr', () => {
  it.each(NDTR)('Φ(%d)', (x, want) => {
    // Φ's condition number is ~x² in the lower tail (x/√2 is rounded before erfc).
    expect(relErr(S.ndtr(x).item(), want)).toBeLessThan(2e-16 * Math.max(4, x * x));
  });
});

describe('logNdtr', () => {
  it.each(LOG_NDTR)('log Φ(%d), its slope and curvature', (x, want, slope, curvature) => {
    const tol = x > 0 ? 2e-16 * Math.max(4, x * x) : 4e-16; // above 0 the value is −Φ(−x), as conditioned as ndtr(−x)
    expect(relErr(S.logNdtr(x).item(), want)).toBeLessThan(tol);
    expect(relErr(d(S.logNdtr, x), slope)).toBeLessThan(x > 0 ? tol : 2e-15);
    // −r(x + r) with r = φ/Φ ≈ −x: x + r ≈ −1/x cancels by a factor x² (1e-12 at x = −100).
    if (x > -1e4) expect(relErr(d((t) => ad.grad(S.logNdtr)(t), x), curvature)).toBeLessThan(x > 0 ? 1e-12 : Math.max(2e-13, 4e-16 * x * x));
  });

  it('is finite where Φ underflows, and log1p-accurate where Φ rounds to 1', () => {
    expect(S.ndtr(-38).item()).toBeGreaterThan(0); // subnormal
    expect(S.ndtr(-40).item()).toBe(0);
    expect(relErr(S.logNdtr(-40).item(), -804.6084420137538)).toBeLessThan(1e-15);
    expect(relErr(S.logNdtr(-1e150).item(), -5e299)).toBeLessThan(1e-15);
    expect(S.logNdtr(-1e155).item()).toBe(-Infinity); // x² overflows
    expect(S.logNdtr(Infinity).item() === 0).toBe(true); // −0: log1p(−0)
    expect(S.logNdtr(-Infinity).item()).toBe(-Infinity);
  });
});

describe('ndtri', () => {
  it.each(NDTRI)('Φ⁻¹(%d) and its derivative', (p, want, slope) => {
    if (want === 0) expect(S.ndtri(p).item()).toBe(0);
    else expect(relErr(S.ndtri(p).item(), want)).toBeLessThan(4e-16);
    expect(relErr(d(S.ndtri, p), slope)).toBeLessThan(2e-15 * Math.max(1, want * want));
  });

  it('erfcinv is accurate for tiny arguments (mpmath)', () => {
    const want: Array<[number, number]> = [[1e-300, 26.209469960516124], [1e-20, 6.601580622355143], [0.3, 0.7328690779592169],
      [1.7, -0.7328690779592167], [1.999999999999, -5.042021094113473]];
    for (const [y, x] of want) expect(relErr(S.erfcinv(y).item(), x)).toBeLessThan(4e-16);
    expect(S.erfcinv(ad.tensor([0, 1, 2])).toArray()).toEqual([Infinity, 0, -Infinity]);
    expect(relErr(ad.erfc(S.erfcinv(1e-10)).item(), 1e-10)).toBeLessThan(1e-14);
  });

  it('has the edges of SciPy', () => {
    expect(S.ndtri(ad.tensor([0, 1, -0.1, 1.1, NaN])).toArray()).toEqual([-Infinity, Infinity, NaN, NaN, NaN]);
  });

  it('inverts ndtr and logNdtr (fast-check)', () => {
    fc.assert(fc.property(fc.double({ min: -37, max: 8, noNaN: true }), (x) => {
      const p = S.ndtr(x).item();
      const back = S.ndtri(p).item();
      // p carries its rounding ε·p, which Φ⁻¹ turns into ε·p/φ(x): the round trip cannot do better.
      const phi = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      return Math.abs(back - x) <= 4e-16 * (Math.abs(x) + 2 + (2 * p) / phi);
    }), { numRuns: 300, seed: 7 });
  });

  it('ndtr is monotone and its logarithm is logNdtr (fast-check)', () => {
    fc.assert(fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, h) => {
      const a = S.ndtr(x).item(), b = S.ndtr(x + h).item();
      return b >= a && relErr(S.logNdtr(x).item(), Math.log(a)) < 1e-13 * Math.max(1, x * x);
    }), { numRuns: 300, seed: 11 });
  });
});
