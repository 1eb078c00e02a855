"""Reference values for test/special/besselJn.test.ts: J_0 … J_V at real z by mpmath.besselj (30 digits), SciPy's jv
beside them, and J_n'' by mpmath.diff at a few points; written to besselJnReference.json.
Run: /usr/bin/python3 besselJnReference.py"""
import json, os
import mpmath as mp
import scipy.special as sp

mp.mp.dps = 30
V = 60
Z = [-1e4, -250.5, -30, -11.4, -1.1, -0.01, 0, 1e-300, 1e-20, 1e-5, 0.01, 0.5, 1, 1.1, 2.4048255576957724, 5, 11.4, 24.9,
     25, 30, 59.5, 60.5, 100.6, 250.5, 1000, 12345.678, 1e5]
rows = []
for z in Z:
    mpv = [float(mp.besselj(n, z)) for n in range(V + 1)]
    rows.append({'z': z, 'mpmath': mpv, 'scipy': [float(sp.jv(n, z)) for n in range(V + 1)]})
second = []
for n, z in [(0, 0.7), (1, 3.3), (2, -5.5), (5, 12.0), (3, 40.0)]:
    second.append({'n': n, 'z': z, 'd1': float(mp.diff(lambda t: mp.besselj(n, t), z)), 'd2': float(mp.diff(lambda t: mp.besselj(n, t), z, 2))})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'besselJnReference.json'), 'w') as fh:
    json.dump({'V': V, 'rows': rows, 'derivatives': second}, fh, indent=0, allow_nan=False)
