"""Reference values for test/special/legendre.test.ts: the associated Legendre functions P_l^m(z) (Ferrers, with the
Condon–Shortley phase) by mpmath.legenp at 40 digits, their first and second z-derivatives at 40 digits from
(1 − z²) P′ = (l + m) P_{l−1}^m − l z P_l^m and Legendre's equation (1 − z²) P″ = 2z P′ − (l(l + 1) − m²/(1 − z²)) P, the
normalised ones √((2l + 1)(l − m)!/(4π(l + m)!)) P_l^m, and SciPy's lpmn beside them; written to legendreReference.json.
Run: /usr/bin/python3 legendreReference.py"""
import json, os
import mpmath as mp
import numpy as np
import scipy.special as sp

mp.mp.dps = 40

def enc(v):
    v = float(v)
    return v if v == v and abs(v) != float('inf') else str(v)  # JSON has no inf or NaN: 'inf', '-inf', 'nan'

def P(l, m, z):
    if m > l:
        return mp.mpf(0)
    if (z == 0 and (l + m) % 2 == 1) or (abs(z) == 1 and m > 0):
        return mp.mpf(0)  # exact zeros, where mpmath's series would raise its precision without end
    return mp.legenp(l, m, z, type=2)

def norm(l, m):
    return mp.sqrt((2 * l + 1) * mp.factorial(l - m) / (4 * mp.pi * mp.factorial(l + m)))

cases = []
for n, zs in [(0, [-1, 0.3, 1]), (1, [-1, -0.5, 0, 0.5, 1]), (3, [-1, -0.999999, -0.7, -0.2, 0, 0.3, 0.9, 0.999999, 1]), (8, [-0.95, -0.3, 0.1, 0.6, 1 - 1e-9]), (30, [-0.8, 0.05, 0.97])]:
    for z in zs:
        zm = mp.mpf(z)
        vals = [[float(P(l, m, zm)) for l in range(n + 1)] for m in range(n + 1)]
        normed = [[float(norm(l, m) * P(l, m, zm)) if m <= l else 0.0 for l in range(n + 1)] for m in range(n + 1)]
        inside = abs(z) < 1
        d1 = d2 = None
        if inside:
            u = 1 - zm * zm
            pv = [[P(l, m, zm) for l in range(n + 1)] for m in range(n + 1)]
            dv = [[((l + m) * (pv[m][l - 1] if l >= 1 else 0) - l * zm * pv[m][l]) / u for l in range(n + 1)] for m in range(n + 1)]
            ddv = [[(2 * zm * dv[m][l] - (l * (l + 1) - m * m / u) * pv[m][l]) / u for l in range(n + 1)] for m in range(n + 1)]
            d1 = [[float(v) for v in row] for row in dv]
            d2 = [[float(v) for v in row] for row in ddv]
        sv, sd = sp.lpmn(n, n, z)
        cases.append({'n': n, 'z': z, 'values': vals, 'normalized': normed, 'd1': d1, 'd2': d2,
                      'scipyValues': [[enc(v) for v in row] for row in sv], 'scipyDerivatives': [[enc(v) for v in row] for row in sd]})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'legendreReference.json'), 'w') as fh:
    json.dump({'cases': cases}, fh, indent=0, allow_nan=False)
print(len(cases))
