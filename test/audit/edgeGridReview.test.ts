/**
 * @file ad.special on a grid of edge arguments against SciPy 1.10 (and mpmath where SciPy itself is off): 0, ±0, the
 * subnormals, ±1e−300 … ±1e300, ±∞, NaN, and small integers, over every one-, two- and three-argument function
 * SciPy shares with adjoint (~15,000 points). What it found, each pinned here with the reference printed by
 * SciPy or mpmath (60 digits); the rest of the grid's differences are SciPy's (overflow in x/y or Γ, NaN where
 * a limit exists), or conventions already documented (gammainc at NaN, gamma at its poles, gelu's tanh form).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const S = ad.special;
const rel = (got: number, want: number) => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));

describe('relEntr and klDiv with NaN or an infinite y', () => {
  it('give NaN for NaN in either operand (they gave +∞), and x log(x/∞) = −∞ (it was NaN)', () => {
    expect(S.relEntr(ad.tensor([1, NaN, 0, -1, NaN]), ad.tensor([NaN, 1, NaN, NaN, NaN])).toArray()).toEqual([NaN, NaN, NaN, NaN, NaN]);
    expect(S.klDiv(ad.tensor([1, NaN, 0, -1]), ad.tensor([NaN, 1, NaN, NaN])).toArray()).toEqual([NaN, NaN, NaN, NaN]);
    expect(S.relEntr(ad.tensor([1e-300, 0.5, 30, 1e10]), Infinity).toArray()).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
    expect(S.relEntr(0, Infinity).item()).toBe(0);
    // The gradient there: ∂/∂x = log(x/y) + 1 = −∞, ∂/∂y = −x/y = 0.
    expect(ad.grad((x: Tensor) => S.relEntr(x, Infinity))(ad.scalar(2)).item()).toBe(-Infinity);
    expect(Math.abs(ad.grad((y: Tensor) => S.relEntr(2, y))(ad.scalar(Infinity)).item())).toBe(0);
  });
});

describe('xlog1py at x = ±∞, y = 0', () => {
  it('is NaN, as SciPy\'s and JAX\'s (and xlogy(±∞, 1)); the strong zero stays on x = 0', () => {
    expect(S.xlog1py(ad.tensor([Infinity, -Infinity, Infinity, 0, 0]), ad.tensor([0, -0, 1, -1, 0])).toArray()).toEqual([NaN, NaN, Infinity, 0, 0]);
    expect(ad.xlogy(Infinity, 1).item()).toBeNaN();
  });
});

describe('betaln and beta off the positive axis', () => {
  it('keep their digits for a negative a and a large b (Stirling\'s difference, not three lgammas)', () => {
    // SciPy and mpmath: betaln(−0.5, 1e10) = 12.778437588417374 (it was 12.778411865234375), betaln(−0.5, 1e300) =
    // log|Γ(−½)| + ½ log 1e300 = 346.6532760725915 (it was 0), betaln(−2.5, 1e10) = 57.50838360791597.
    expect(rel(S.betaln(-0.5, 1e10).item(), 12.778437588417374)).toBeLessThan(4e-16);
    expect(rel(S.betaln(-0.5, 1e300).item(), 346.6532760725915)).toBeLessThan(4e-16);
    expect(rel(S.betaln(-2.5, 1e10).item(), 57.50838360791597)).toBeLessThan(4e-16);
    expect(rel(S.betaln(-9.5, 15).item(), 8.437511881565602)).toBeLessThan(1e-15);
    // mpmath: B(−0.5, 1e10) = −354490.7701678098 (it was −354481.65), B(−2.5, 1e10) = −9.453087200693693e24,
    // B(−0.5, 1e300) = Γ(−½)·1e150 = −3.544907701811032e150 (it was −1); exp(betaln) carries |betaln|·ε.
    expect(rel(S.beta(-0.5, 1e10).item(), -354490.7701678098)).toBeLessThan(1e-15);
    expect(rel(S.beta(-2.5, 1e10).item(), -9.453087200693693e24)).toBeLessThan(6e-14);
    expect(rel(S.beta(-0.5, 1e300).item(), -3.544907701811032e150)).toBeLessThan(3e-13);
  });

  it('has SciPy\'s values at the poles (Cephes\' beta_negint) and at infinite b', () => {
    const [a, b] = [[-0.5, -1, -2, -2, -3, 0, 0, -1, -1, -0.5, -0.5, 0.5, -2], [0.5, 1, 1, 2, 2, 1, 0, 0.5, -0.5, -0.5, Infinity, Infinity, -3]];
    const scipy = [-Infinity, 0, -0.6931471805599453, -0.6931471805599453, -1.791759469228055, Infinity, Infinity, Infinity, Infinity, -Infinity, Infinity, -Infinity, Infinity];
    const got = S.betaln(ad.tensor(a), ad.tensor(b)).toArray() as number[];
    got.forEach((v, i) => expect(rel(v, scipy[i]!), `betaln(${a[i]}, ${b[i]})`).toBeLessThan(1e-15));
    // beta: a pole of Γ at −∞ gives +∞; a negative partner of +∞ gives sign(Γ(a))·∞.
    expect(S.beta(ad.tensor([0, -0.5, -2.5, 0.5]), ad.tensor([-Infinity, Infinity, Infinity, -Infinity])).toArray()).toEqual([Infinity, -Infinity, -Infinity, Infinity]);
  });
});

describe('zeta at a large s', () => {
  it('is its first term, q^{−s}, where the rest is below ε of it (it was NaN from ∞·0 in the Euler–Maclaurin terms)', () => {
    const s = ad.tensor([1e300, 1e300, Infinity, Infinity, Infinity, 1e300, Infinity]), q = ad.tensor([1, 1e10, 1, 0.5, 1e-300, 1e300, 1e300]);
    expect(S.zeta(s, q).toArray()).toEqual([1, 0, 1, Infinity, Infinity, 0, 0]);
    expect(S.zeta(1e300, Infinity).item()).toBe(0);
    // Where the sum still runs: SciPy's ζ(60, 0.9) = 556.4798376768435, ζ(100, 2) = 2^{−100}(1 + (2/3)^{100} + …).
    expect(rel(S.zeta(60, 0.9).item(), 556.4798376768435)).toBeLessThan(1e-15);
    expect(rel(S.zeta(100, 2).item(), 7.888609052210118e-31)).toBeLessThan(1e-15);
    expect(S.zeta(54, 1).item()).toBe(1);
  });
});

describe('stats at the edges (the same grid, scipy.stats)', () => {
  it('gamma.logsf below the mean for a tiny shape: log Q itself (Legendre\'s fraction gave −688.11 for −684.24)', () => {
    // mpmath (60 digits): log Q(a, x) and its derivatives in x and a.
    expect(rel(ad.stats.gamma.logsf(1e-300, 1e-300).item(), -684.2385489328826)).toBeLessThan(1e-15);
    expect(rel(ad.stats.gamma.logsf(1e-100, 1e-300).item(), -685.3388352300826)).toBeLessThan(1e-15);
    expect(rel(ad.stats.gamma.logsf(1e-300, 1e-200).item(), -453.9800396334781)).toBeLessThan(1e-15);
    const [a, x] = [0.3, 0.2];
    expect(rel(ad.grad((y: Tensor) => ad.stats.gamma.logsf(y, a))(ad.scalar(x)).item(), -2.4652957949891565)).toBeLessThan(1e-14);
    expect(rel(ad.grad((b: Tensor) => ad.stats.gamma.logsf(x, b))(ad.scalar(a)).item(), 2.988030363627726)).toBeLessThan(1e-13);
    expect(rel(ad.grad((y: Tensor) => ad.stats.gamma.logsf(y, 1e-10))(ad.scalar(1e-10)).item(), -445461377.4792941)).toBeLessThan(1e-13);
  });

  it('binom.logpmf(n, n, 1) is exactly 0, and geom.logpmf with p = 0 is NaN (SciPy\'s domain 0 < p ≤ 1)', () => {
    expect(ad.stats.binom.logpmf(5, 5, 1).item()).toBe(0);
    expect(ad.stats.binom.logpmf(0, 5, 0).item()).toBe(0);
    expect(ad.stats.geom.logpmf(3, 0).item()).toBeNaN();
    expect(ad.stats.geom.logpmf(1, 1).item()).toBe(0);
  });
});
