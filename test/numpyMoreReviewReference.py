"""Reference values for test/audit/numpyMoreReview.test.ts, from NumPy 1.24 (Debian's python).

Run with /usr/bin/python3 test/numpyMoreReviewReference.py; it writes test/numpyMoreReviewReference.ts
(CI has no python, so the output is committed). Inputs are generated here with a fixed seed and
written out next to NumPy's results, so the test feeds adjoint exactly the same numbers.
"""
import numpy as np, math, warnings
warnings.simplefilter('ignore')
rng = np.random.default_rng(92)

def enc(v):
    a = np.asarray(v)
    if a.dtype == bool: a = a.astype(float)
    def f(x):
        if isinstance(x, list): return '[' + ', '.join(f(y) for y in x) + ']'
        x = float(x)
        if math.isnan(x): return 'NaN'
        if math.isinf(x): return 'Infinity' if x > 0 else '-Infinity'
        if x == 0 and math.copysign(1, x) < 0: return '-0'
        return repr(x)
    return f(a.astype(float).tolist())

def js(o):
    if isinstance(o, dict): return '{' + ', '.join(f"'{k}': {js(v)}" for k, v in o.items()) + '}'
    if isinstance(o, (list, tuple)) and not (len(o) > 0 and isinstance(o[0], (int, float)) and not isinstance(o[0], bool)) and not isinstance(o, np.ndarray):
        return '[' + ', '.join(js(v) for v in o) + ']'
    if isinstance(o, str): return o
    if o is None: return 'null'
    return enc(o)

R = {}
# ---- elementwise over every pair of special values (bit for bit)
sp = np.array([np.nan, np.inf, -np.inf, 0., -0., 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300,
               0.5, -0.5, 1., -1., 1.5, -2.5, 3., -7., 2**53, -(2**53 + 2), 1e300, -1e300, 1.7976931348623157e308, 0.1])
A, B = np.meshgrid(sp, sp, indexing='ij')
R['sp'] = sp
R['fmax'] = np.fmax(A, B); R['fmin'] = np.fmin(A, B)
q, r = np.divmod(A, B); R['divq'] = q; R['divr'] = r
R['remainder'] = np.remainder(A, B)
R['floatPower'] = np.float_power(A, B)
f, i = np.modf(sp); R['modf'] = [f, i]
R['rint'] = np.rint(sp); R['fix'] = np.fix(sp)
R['isposinf'] = np.isposinf(sp); R['isneginf'] = np.isneginf(sp)
# random fractional divmod
da = np.round(rng.standard_normal(200) * 50, 3); db = np.round(rng.standard_normal(200) * 4, 2)
R['da'] = da; R['db'] = db; q, r = np.divmod(da, db); R['rdivq'] = q; R['rdivr'] = r
# ---- diagonal / trace over a 4-d array, every ordered axis pair, offsets in and out of range
D = rng.standard_normal((2, 3, 4, 5)); R['D'] = D
diag = {}; trc = {}
for a1 in range(-4, 4):
    for a2 in range(-4, 4):
        if (a1 % 4) == (a2 % 4): continue
        for o in [-6, -2, -1, 0, 1, 3, 6]:
            diag[f'{a1}_{a2}_{o}'] = np.diagonal(D, o, a1, a2)
            trc[f'{a1}_{a2}_{o}'] = np.trace(D, o, a1, a2)
R['diagonal'] = diag; R['trace'] = trc
# ---- NaN reductions on a 3-d array with NaN lanes, every axis (negative too) and keepdims
N = rng.standard_normal((3, 4, 5)); N[rng.random((3, 4, 5)) < 0.3] = np.nan; N[1, 2, :] = np.nan; N[:, 0, 3] = np.nan; N[2, 1, 1] = np.inf; N[0, 3, 2] = -np.inf
R['N'] = N
nan = {}
for ax in [None, 0, 1, 2, -1, -2, -3]:
    k = str(ax)
    nan['prod_' + k] = np.nanprod(N, axis=ax); nan['prodk_' + k] = np.nanprod(N, axis=ax, keepdims=True)
    nan['cumsum_' + k] = np.nancumsum(N, axis=ax); nan['cumprod_' + k] = np.nancumprod(N, axis=ax)
    # nanargmax/nanargmin: NumPy raises on an all-NaN lane; those lanes are −1 (jnp's)
    M = np.where(np.isnan(N), -np.inf, N); allnan = np.all(np.isnan(N), axis=ax, keepdims=False)
    nan['argmax_' + k] = np.where(allnan, -1, np.argmax(M, axis=ax))
    M2 = np.where(np.isnan(N), np.inf, N)
    nan['argmin_' + k] = np.where(allnan, -1, np.argmin(M2, axis=ax))
# check the −1 convention against numpy on the lanes that are not all-NaN
for ax in [0, 1, 2]:
    allnan = np.all(np.isnan(N), axis=ax)
    mv = np.moveaxis(N, ax, -1).reshape(-1, N.shape[ax]); an = allnan.reshape(-1)
    got = nan['argmax_' + str(ax)].reshape(-1)
    for j in range(mv.shape[0]):
        if not an[j]: assert got[j] == np.nanargmax(mv[j])
R['nan'] = nan
# ---- gradient: random f, every axis, steps, coordinates (uneven and even), edge orders
G = rng.standard_normal((4, 5, 3)); R['G'] = G
cx = np.cumsum(rng.random(4) + 0.1); cy = np.array([0., 0.5, 1.0, 1.5, 2.0]); cz = np.array([-1., 0.25, 3.])
R['cx'] = cx; R['cy'] = cy; R['cz'] = cz
grad = {}
for e in [1, 2]:
    grad[f'default_{e}'] = list(np.gradient(G, edge_order=e))
    grad[f'steps_{e}'] = list(np.gradient(G, 0.5, 2.0, -3.0, edge_order=e))
    grad[f'coords_{e}'] = list(np.gradient(G, cx, cy, cz, edge_order=e))
    grad[f'axes_{e}'] = list(np.gradient(G, cz, cx, axis=(-1, 0), edge_order=e))
    grad[f'even_{e}'] = np.gradient(G, cy, axis=1, edge_order=e)
R['grad'] = grad
# gradient with ±∞ in f and even coordinates: the uniform formula (f[i] not read)
R['gInf'] = np.gradient(np.array([0., np.inf, 0., 1., -np.inf, 2.]), np.array([0., 2., 4., 6., 8., 10.]))
# ---- unwrap: random phases, every axis, discont, period
P = np.cumsum(rng.standard_normal((3, 12)) * 2.5, axis=1); R['P'] = P
R['unwrap'] = {'d': np.unwrap(P), 'ax0': np.unwrap(P, axis=0), 'disc': np.unwrap(P, discont=1.0), 'disc5': np.unwrap(P, discont=5.0),
               'per': np.unwrap(P * 40, period=360.), 'per7': np.unwrap(P, period=7.0, discont=2.0)}
# ---- polynomials
polys = [rng.integers(-5, 6, n).astype(float) for n in [1, 2, 3, 5, 6]]
polys[3][0] = 2.
R['polys'] = polys
R['polyadd'] = {f'{i}_{j}': np.polyadd(polys[i], polys[j]) for i in range(5) for j in range(5)}
R['polysub'] = {f'{i}_{j}': np.polysub(polys[i], polys[j]) for i in range(5) for j in range(5)}
R['polymul'] = {f'{i}_{j}': np.polymul(polys[i], polys[j]) for i in range(5) for j in range(5)}
pd = {}
for i in range(5):
    for j in range(5):
        if polys[j][0] == 0: continue
        qq, rr = np.polydiv(polys[i], polys[j]); pd[f'{i}_{j}'] = [qq, rr]
R['polydiv'] = pd
R['polyder'] = {f'{i}_{m}': np.polyder(polys[i], m) for i in range(5) for m in range(0, 4)}
R['polyint'] = {f'{i}_{m}': np.polyint(polys[i], m) for i in range(5) for m in range(0, 4)}
R['polyintk'] = {f'{i}': np.polyint(polys[i], 3, [1.5, -2., 0.25]) for i in range(5)}
roots = rng.standard_normal(7); R['roots'] = roots
R['poly'] = {str(n): np.poly(roots[:n]) for n in range(1, 8)}
mats = [rng.standard_normal((n, n)) for n in range(1, 7)]; R['mats'] = mats
R['polyM'] = [np.real(np.poly(m)) for m in mats]
sym = [(m + m.T) / 2 for m in mats]; R['sym'] = sym; R['polyS'] = [np.poly(m) for m in sym]
vx = np.array([0., -0., 1.5, -2., 3., 0.5]); R['vx'] = vx
R['vander'] = {f'{N}_{inc}': np.vander(vx, N, inc) for N in [None, 0, 1, 2, 4, 8] for inc in [False, True]}
fx = np.linspace(-1, 2, 15) + rng.standard_normal(15) * 0.01; fy = np.sin(2 * fx) + rng.standard_normal(15) * 0.05; fw = rng.random(15) + 0.5
R['fx'] = fx; R['fy'] = fy; R['fw'] = fw
R['polyfit'] = {str(d): np.polyfit(fx, fy, d) for d in range(0, 9)}
R['polyfitW'] = {str(d): np.polyfit(fx, fy, d, w=fw) for d in [1, 3, 6]}
R['polyfitR'] = {str(rc): np.polyfit(fx, fy, 6, rcond=rc) for rc in [1e-3, 1e-6]}
Y2 = np.stack([fy, fx ** 3, np.cos(fx)], 1); R['Y2'] = Y2
R['polyfitK'] = np.polyfit(fx, Y2, 4, w=fw)
# ---- sets: random small integers with NaN, ±0, ±∞
def rs(n):
    v = rng.integers(-4, 5, n).astype(float)
    v[rng.random(n) < 0.15] = np.nan; v[rng.random(n) < 0.1] = -0.
    v[rng.random(n) < 0.05] = np.inf
    return v
sets = [[rs(rng.integers(0, 12)), rs(rng.integers(0, 12))] for _ in range(25)]
R['sets'] = sets
R['union1d'] = [np.union1d(a, b) for a, b in sets]
R['intersect1d'] = [list(np.intersect1d(a, b, return_indices=True)) for a, b in sets]
R['setdiff1d'] = [np.setdiff1d(a, b) for a, b in sets]
R['setxor1d'] = [np.setxor1d(a, b) for a, b in sets]
# ---- windows and i0
R['windows'] = {name: {str(M): getattr(np, name)(M) for M in [-1, 0, 1, 2, 3, 4, 7, 16, 33]} for name in ['bartlett', 'blackman', 'hamming', 'hanning']}
R['kaiser'] = {f'{M}_{b}': np.kaiser(M, b) for M in [0, 1, 2, 5, 16] for b in [0., 0.5, -3., 8.6, 40.]}
ix = np.concatenate([np.array([0., -0., 1e-300, 5e-324, 8., -8., 8.000000000000002, 30., 700., 713., 714., -715., np.nan]), rng.standard_normal(40) * 10])
R['ix'] = ix; R['i0'] = np.i0(ix)
# ---- histograms: random samples with ties on edges, NaN outside given ranges
H = rng.random((40, 3)); H[:5] *= 2; H[5] = [1., 1., 1.]; H[6] = [0., 0., 0.]; R['H'] = H
hw = rng.standard_normal(40); R['hw'] = hw
hd = {}
for name, (bins, kw) in {
    'b4': (4, {}), 'mix': ([2, 3, 5], {}), 'range': ([3, 2, 2], {'range': [[0, 1], [0.25, 0.75], [0, 2]]}),
    'dens': ([3, 2, 4], {'density': True}), 'w': (3, {'weights': hw}), 'wd': (2, {'weights': hw, 'density': True, 'range': [[0, 2], [0, 2], [0, 2]]}),
    'edges': ([np.array([0., 0.3, 0.3, 1.]), 2, np.array([-1., 0.5, 2.])], {}),
}.items():
    h, e = np.histogramdd(H, bins, **kw); hd[name] = [h, list(e)]
R['hdd'] = hd
h2 = {}
x2, y2 = H[:, 0], H[:, 1]
for name, (bins, kw) in {'b': (5, {}), 'pair': ([3, 4], {}), 'edges': (np.array([0., 0.5, 0.75, 2.]), {}),
                         'mixed': ([np.array([0., 1., 2.]), 3], {}), 'dens': (4, {'density': True, 'weights': hw})}.items():
    h, ex, ey = np.histogram2d(x2, y2, bins, **kw); h2[name] = [h, ex, ey]
R['h2d'] = h2

with open('test/numpyMoreReviewReference.ts', 'w') as out:
    out.write('/** @file Generated by test/numpyMoreReviewReference.py (NumPy %s): inputs and NumPy 1.24 results for test/audit/numpyMoreReview.test.ts. Do not edit. */\n/* eslint-disable */\n' % np.__version__)
    out.write('export const ref: any = ' + js(R) + ';\n')
print('ok', np.__version__)
