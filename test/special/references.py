"""Writes test/special/references.ts: special-function values and derivatives from mpmath at 40 digits.

Run with /usr/bin/python3 (mpmath 1.2): python3 test/special/references.py > test/special/references.ts
"""
import mpmath as mp

mp.mp.dps = 40
f = lambda v: repr(float(v))

P = lambda a, x: mp.gammainc(a, 0, x, regularized=True)
Q = lambda a, x: mp.gammainc(a, x, mp.inf, regularized=True)
I = lambda a, b, x: mp.betainc(a, b, 0, x, regularized=True)

gamma_points = [(0.5, 0.1), (2.5, 1.7), (3, 10), (0.01, 5), (1e-3, 1e-3), (7.5, 0.2), (100, 90), (100, 120),
                (1e4, 1.01e4), (50, 1), (5, 60), (1, 700), (30, 31), (0.01, 0.5), (0.05, 1.05), (1e-5, 1e-3), (0.3, 1.0)]
beta_points = [(2, 3, 0.3), (0.5, 0.5, 0.9), (10, 20, 0.5), (100, 200, 0.3), (2, 3, 1e-5), (2, 3, 0.99999),
               (0.1, 5, 1e-10), (5, 0.2, 1 - 1e-9), (1.5, 2.5, 0.6), (30, 2, 0.99)]
bessel_points = [-12.5, -0.3, 1e-8, 0.1, 1, 5, 10, 29.9, 30.1, 100, 700]
zeta_points = [(2, 1), (3, 0.5), (1.5, 10), (10, 2), (2.5, 1e5), (1.1, 1), (4, 0.01), (6, -2.5)]
betaln_points = [(1e10, 1), (1e5, 30), (3, 4), (50, 50), (0.5, 1e8), (1e-3, 2), (12, 15)]
ndtr_points = [-38, -30, -10, -3, -1, -0.5, 0, 0.7, 3, 8]
logndtr_points = [-1e5, -100, -40, -10, -5, -1.5, -1, -0.5, 0, 1, 5, 10, 20]
ndtri_points = [1e-300, 1e-100, 1e-20, 1e-5, 0.02, 0.3, 0.5 + 1e-10, 0.5, 0.7, 0.95, 1 - 1e-12]

def d(fn, x):
    return mp.diff(fn, mp.mpf(x))

print('/**')
print(' * @file Reference values for test/special: mpmath 1.2 at 40 digits, written by references.py')
print(' * (gammainc/gammaincc/betainc with their derivatives by mp.diff, Bessel, Hurwitz zeta, betaln,')
print(' * the normal CDF family). Generated, not hand-edited.')
print(' */')
print('/** [a, x, P, Q, ∂P/∂a, ∂P/∂x] */')
print('export const GAMMAINC: Array<[number, number, number, number, number, number]> = [')
for a, x in gamma_points:
    a_, x_ = mp.mpf(a), mp.mpf(x)
    # Differentiate whichever of P and Q is smaller (∂P = −∂Q), so 40 digits are not lost to 1 − tiny.
    small = P if P(a_, x_) < Q(a_, x_) else (lambda a, x: -Q(a, x))
    print(f'  [{f(a_)}, {f(x_)}, {f(P(a_, x_))}, {f(Q(a_, x_))}, {f(d(lambda t: small(t, x_), a_))}, {f(d(lambda t: small(a_, t), x_))}],')
print('];')
print('/** [a, b, x, I, ∂I/∂a, ∂I/∂b, ∂I/∂x] */')
print('export const BETAINC: Array<[number, number, number, number, number, number, number]> = [')
for a, b, x in beta_points:
    a_, b_, x_ = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    print(f'  [{f(a_)}, {f(b_)}, {f(x_)}, {f(I(a_, b_, x_))}, {f(d(lambda t: I(t, b_, x_), a_))}, {f(d(lambda t: I(a_, t, x_), b_))}, {f(d(lambda t: I(a_, b_, t), x_))}],')
print('];')
print('/** [x, I0, I1, I0e, I1e] */')
print('export const BESSEL: Array<[number, number, number, number, number]> = [')
for x in bessel_points:
    x_ = mp.mpf(x); e = mp.exp(-abs(x_))
    print(f'  [{f(x_)}, {f(mp.besseli(0, x_))}, {f(mp.besseli(1, x_))}, {f(mp.besseli(0, x_) * e)}, {f(mp.besseli(1, x_) * e)}],')
print('];')
print('/** [s, q, ζ(s, q), ∂ζ/∂q] */')
print('export const ZETA: Array<[number, number, number, number]> = [')
for s, q in zeta_points:
    s_, q_ = mp.mpf(s), mp.mpf(q)
    print(f'  [{f(s_)}, {f(q_)}, {f(mp.zeta(s_, q_))}, {f(-s_ * mp.zeta(s_ + 1, q_))}],')
print('];')
print('/** [a, b, log B(a, b), ∂/∂a] */')
print('export const BETALN: Array<[number, number, number, number]> = [')
for a, b in betaln_points:
    a_, b_ = mp.mpf(a), mp.mpf(b)
    print(f'  [{f(a_)}, {f(b_)}, {f(mp.log(mp.beta(a_, b_)))}, {f(mp.digamma(a_) - mp.digamma(a_ + b_))}],')
print('];')
print('/** [x, Φ(x)] */')
print('export const NDTR: Array<[number, number]> = [')
for x in ndtr_points:
    print(f'  [{f(x)}, {f(mp.ncdf(mp.mpf(x)))}],')
print('];')
print('/** [x, log Φ(x), φ(x)/Φ(x), its derivative] */')
print('export const LOG_NDTR: Array<[number, number, number, number]> = [')
for x in logndtr_points:
    x_ = mp.mpf(x)
    r = lambda t: mp.npdf(t) / mp.ncdf(t)
    rv = r(x_)
    print(f'  [{f(x_)}, {f(mp.log(mp.ncdf(x_)))}, {f(rv)}, {f(-rv * (x_ + rv))}],')
print('];')
print('/** [p, Φ⁻¹(p), (Φ⁻¹)′(p)] */')
print('export const NDTRI: Array<[number, number, number]> = [')
for p in ndtri_points:
    p_ = mp.mpf(p)
    q = min(p_, 1 - p_)
    if q > 1e-10:
        x = mp.sqrt(2) * mp.erfinv(2 * p_ - 1)
    else:
        x = mp.findroot(lambda t: mp.log(mp.ncdf(t)) - mp.log(q), -mp.sqrt(-2 * mp.log(q)))
        x = x if p_ < 0.5 else -x
    print(f'  [{f(p_)}, {f(x)}, {f(1 / mp.npdf(x))}],')
print('];')
