"""Writes besselDerivativeReferences.ts: the m-th derivatives (m = 1, 2, 3) of e^{-|x|} I_nu(x),
nu = 0, 1, from mpmath at 120 digits. For x > 0 with f_nu = e^{-x} I_nu(x), f0' = f1 - f0 and
f1' = f0 - f1 - f1/x (A&S 9.6.27), so each derivative is a sum of f_nu x^{-k} with exact rational
coefficients (Fraction); it cancels up to m*log10(2x) digits, which 120 digits hold (and m*|log10 x| more below 1)."""
from fractions import Fraction
import mpmath as mp

mp.mp.dps = 120
XS = [1e-300, 1e-8, 0.3, 1, 1.5, 2, 2.5, 5, 8, 12, 20, 24.9, 25.1, 30, 50, 100, 1e3, 1e5, 1e8, 1e15, 1e30, -0.7, -30, -1e8]

def differentiate(terms):
    out = {}
    def add(key, c):
        out[key] = out.get(key, 0) + c
    for (nu, k), c in terms.items():
        if nu == 0:
            add((1, k), c); add((0, k), -c)
        else:
            add((0, k), c); add((1, k), -c); add((1, k + 1), -c)
        if k:
            add((nu, k + 1), -k * c)
    return out

def derivative(nu, m, x):
    terms = {(nu, 0): Fraction(1)}
    for _ in range(m):
        terms = differentiate(terms)
    # The x^{-k} terms cancel too where x is tiny: m·|log10 x| more digits there.
    with mp.workdps(120 + int(m * max(0, -mp.log10(abs(x)))) + 10):
        ax = mp.mpf(abs(x))
        f = [mp.besseli(0, ax) * mp.exp(-ax), mp.besseli(1, ax) * mp.exp(-ax)]
        v = sum(mp.mpf(c.numerator) / c.denominator * f[n] * ax ** (-k) for (n, k), c in terms.items())
        return float(-v if x < 0 and (nu + m) % 2 == 1 else v)

print('/**')
print(' * @file The derivatives of i0e and i1e from mpmath at 120 digits, written by')
print(' * besselDerivativeReferences.py. Generated, not hand-edited.')
print(' */')
print('/** [nu, m, x, dᵐ/dxᵐ e^{−|x|} I_nu(x)] */')
print('export const BESSEL_SCALED_DERIVATIVES: Array<[0 | 1, number, number, number]> = [')
for nu in (0, 1):
    for m in (1, 2, 3):
        for x in XS:
            print(f'  [{nu}, {m}, {repr(float(x))}, {repr(float(derivative(nu, m, x)))}],', flush=True)
print('];')
