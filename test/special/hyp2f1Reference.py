"""Reference values for test/special/hyp2f1.test.ts: mpmath.hyp2f1 at 40 digits, each with its condition number κ, (and its a-, b-, c- and x-derivatives
by mpmath.diff) over a grid of real a, b, c, x, written to hyp2f1Reference.json. Run: /usr/bin/python3 hyp2f1Reference.py
"""
import json, random, os
import mpmath as mp
import scipy.special as sp

mp.mp.dps = 40
random.seed(20240611)

AB = [-49.5, -20.3, -7.5, -2.5, -0.5, 0.1, 0.5, 1, 1.5, 2, 3.3, 7.7, 20, 49.7]
C = [-20.5, -2.5, -0.5, 0.3, 1, 1.5, 2.5, 5, 12.3, 50]
X = [-1000, -50, -3, -1.5, -1, -0.9, -0.5, -0.2, 0.1, 0.3, 0.5, 0.6, 0.75, 0.9, 0.99, 0.999999]

def f(a, b, c, x):
    v = mp.hyp2f1(a, b, c, x)
    if isinstance(v, mp.mpc):
        if abs(v.imag) > 1e-30 * abs(v):
            return None
        v = v.real
    return v

def kappa(a, b, c, x, v):
    """The condition number Σ |p ∂F/∂p| / |F| over p = a, b, c, x: the relative error that rounding the inputs by one
    part in 2^53 each causes, divided by 2^−53 (relative perturbations of 1e−30 at 60 digits)."""
    with mp.workdps(70):
        args = [mp.mpf(a), mp.mpf(b), mp.mpf(c), mp.mpf(x)]
        F = mp.hyp2f1(*args)
        if isinstance(F, mp.mpc): F = F.real
        total = mp.mpf(0)
        for i in range(4):
            if args[i] == 0:
                continue
            moved = list(args)
            moved[i] = args[i] * (1 + mp.mpf('1e-30'))
            G = mp.hyp2f1(*moved)
            if isinstance(G, mp.mpc): G = G.real
            total += abs((G - F) / (F * mp.mpf('1e-30')))
        return float(total)

def ok(v):
    return v is not None and mp.isfinite(v) and (v == 0 or 1e-280 < abs(v) < 1e280)

points = []
def add(a, b, c, x, kind):
    try:
        v = f(a, b, c, x)
    except Exception:
        return
    if ok(v):
        points.append({'a': a, 'b': b, 'c': c, 'x': x, 'value': float(v), 'kappa': min(kappa(a, b, c, x, v), 1e300) if v != 0 else 0, 'kind': kind})

grid = [(a, b, c, x) for a in AB for b in AB for c in C for x in X if a <= b]
for a, b, c, x in random.sample(grid, 1500):
    add(a, b, c, x, 'grid')
# c − a − b an integer (the degenerate transformations near x = 1) and a − b an integer (for x < −1).
for _ in range(250):
    a = random.choice([0.3, 1.7, 2.5, -3.2, 12.25, 40.5])
    b = random.choice([0.6, 1.1, 4.75, -0.4, 25.5])
    m = random.choice([-7, -2, -1, 0, 1, 2, 5])
    x = random.choice([0.55, 0.8, 0.95, 0.999, 1 - 1e-9])
    add(a, b, a + b + m, x, 'integer c-a-b')
for _ in range(150):
    a = random.choice([0.3, 1.7, 2.5, -3.2, 12.25])
    k = random.choice([0, 1, 2, 5])
    c = random.choice([0.7, 3.5, 10.25, -1.5])
    x = random.choice([-1.5, -4, -100, -1e4])
    add(a, a + k, c, x, 'integer a-b')
# Terminating series, any x (x > 1 included).
for _ in range(150):
    n = random.choice([1, 2, 5, 13, 30])
    b = random.choice([0.5, 2.25, -3.5, 9.1, 30])
    c = random.choice([0.5, 1.25, 7.5, -30.5, 40])
    x = random.choice([-20, -1.5, -0.7, 0.3, 0.9, 1, 2.5, 10])
    add(-n, b, c, x, 'polynomial')
# Near-integer c − a − b.
for dd in [1e-3, 1e-6, 1e-10]:
    for x in [0.6, 0.9, 0.999]:
        add(0.5, 1.5, 2 + dd, x, 'near-integer c-a-b')
        add(1.25, 2, 3.25 - dd, x, 'near-integer c-a-b')

# Edges, with the expected values written out (JAX's conventions; see the test).
# Derivatives: at a few points, ∂/∂a, ∂/∂b, ∂/∂c by mpmath.diff and ∂/∂x and ∂²/∂x² in closed form.
derivs = []
for a, b, c, x in [(0.5, 1.5, 2.5, 0.3), (1.2, 0.7, 3.1, -0.8), (2.5, 1.25, 4.5, 0.85), (0.75, 1.5, 3, -5.0), (3.5, -1.25, 2.5, 0.6), (1.5, 2.5, 4.5, 0.95)]:
    da = mp.diff(lambda t: mp.hyp2f1(t, b, c, x), a)
    db = mp.diff(lambda t: mp.hyp2f1(a, t, c, x), b)
    dc = mp.diff(lambda t: mp.hyp2f1(a, b, t, x), c)
    dx = mp.diff(lambda t: mp.hyp2f1(a, b, c, t), x)
    dxx = mp.diff(lambda t: mp.hyp2f1(a, b, c, t), x, 2)
    derivs.append({'a': a, 'b': b, 'c': c, 'x': x, 'da': float(da), 'db': float(db), 'dc': float(dc), 'dx': float(dx), 'dxx': float(dxx)})

# SciPy's values at JAX's special-case test points (testHyp2f1SpecialCases), for comparison.
jaxCases = list(zip([0, 1, 1, 1, 1, 5, 5, 0.245, 0.45, 0.45, 2, 0.4, 0.32, 4, 4], [1, 0, 1, 1, 1, 1, 1, 3, 0.7, 0.7, 1, 0.7, 0.76, 2, 3],
                    [1, 1, 0, 1, -1, 3, 3, 3, 0.45, 0.45, 5, 0.3, 0.11, 7, 7], [1, 1, 1, 0, 1, 0.5, 1, 0.35, 0.35, 1.5, 1, 0.4, 0.95, 0.95, 0.95]))
def enc(v):
    return v if v == v and abs(v) != float('inf') else str(v)  # JSON has no inf or NaN: 'inf', '-inf', 'nan'

scipyCases = [{'a': a, 'b': b, 'c': c, 'x': x, 'scipy': enc(float(sp.hyp2f1(a, b, c, x)))} for a, b, c, x in jaxCases]

out = {'points': points, 'derivatives': derivs, 'jaxSpecialCases': scipyCases}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hyp2f1Reference.json'), 'w') as fh:
    json.dump(out, fh, indent=0, allow_nan=False)
print(len(points), 'points')
