"""Reference values for test/numpyBreadth.test.ts, from NumPy 1.24.

Run with Debian's python: /usr/bin/python3 test/numpyBreadthReference.py
It writes test/numpyBreadthReference.ts; CI has no python, so the output is committed.
"""
import numpy as np, math, os
np.random.seed(0)
def enc(v):
    a = np.asarray(v)
    if a.dtype == bool: a = a.astype(float)
    def f(x):
        if isinstance(x, list): return [f(y) for y in x]
        x = float(x)
        if math.isnan(x): return 'NaN'
        if math.isinf(x): return 'Infinity' if x > 0 else '-Infinity'
        if x == 0 and math.copysign(1, x) < 0: return '-0'
        return repr(x)
    return f(a.astype(float).tolist())
R = {}
m = np.arange(24.).reshape(2,3,4)
R['rot90'] = {f'{k}_{ax}': enc(np.rot90(m, k, ax)) for k in [-1,0,1,2,3,5] for ax in [(0,1),(1,2),(2,0),(-1,-3)]}
R['fliplr'] = enc(np.fliplr(m)); R['flipud'] = enc(np.flipud(m))
x = np.array([np.nan, np.inf, -np.inf, -0.0, 1.5, -2.0])
R['nanToNum'] = enc(np.nan_to_num(x)); R['nanToNum2'] = enc(np.nan_to_num(x, nan=-1, posinf=9, neginf=-9))
R['logspace'] = enc(np.logspace(-3, 2.5, 12)); R['logspace2'] = enc(np.logspace(0, 1, 7, endpoint=False, base=2)); R['logspace3'] = enc(np.logspace(1, 5, 1))
R['geomspace'] = enc(np.geomspace(1, 1e6, 13)); R['geomspace2'] = enc(np.geomspace(-1000, -1, 4)); R['geomspace3'] = enc(np.geomspace(0.3, 77.7, 9, endpoint=False)); R['geomspace4'] = enc(np.geomspace(5, 3, 6))
R['diagflat'] = {str(k): enc(np.diagflat([[1,2],[3,4]], k)) for k in [-2,0,1,3]}
a = np.concatenate([np.random.randn(40)*10, [7., -7., 7., -7., 0., -0., 5., -5., 1e300, -1e-300, 1, 0.1, 3, 3]]); a = np.round(a, 2)
b = np.concatenate([np.random.randn(40)*3, [2., 2., -2., -2., 3., 3., np.inf, np.inf, 3, 3, 0.1, 1, 0, -0.]]); b = np.round(b, 2)
with np.errstate(all='ignore'):
    R['fd_a'] = enc(a); R['fd_b'] = enc(b); R['floorDivide'] = enc(np.floor_divide(a, b))
    sp = np.array([np.inf, -np.inf, np.nan, 5, -5, 0, -0., 1e-300, 1e300])
    A, B = np.meshgrid(sp, sp)
    R['fd_sp'] = enc(sp); R['floorDivideSpecial'] = enc(np.floor_divide(A, B))
fx = np.array([8., -0.3, 0., -0., np.inf, -np.inf, np.nan, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, 1 - 2**-53, 0.5, 3.0, -1e-310, 123456.789])
mm, ee = np.frexp(fx)
R['frexp_x'] = enc(fx); R['frexp_m'] = enc(mm); R['frexp_e'] = enc(ee)
lx = np.array([1., 3., 1e-300, 1.7976931348623157e308, 5e-324, 1.5, 3.0, 0.75, -0.75, 1.0000000000000002, 1.0000000000000002, 1e300, np.inf, 0., -0., np.nan, 3, 0.7])
ln = np.array([10, -1, -800, -2000, 2000, -1074, -1075, -1074, -1074, -1075, -1076, -2050, -5, 5000, 3, 2, 1030, -1100])
R['ldexp_x'] = enc(lx); R['ldexp_n'] = enc(ln)
with np.errstate(all='ignore'): R['ldexp'] = enc(np.ldexp(lx, ln))
nx = np.array([1., 1., 0., -0., 0., 5e-324, 5e-324, -5e-324, 2.2250738585072014e-308, 2.2250738585072014e-308, 1.7976931348623157e308, np.inf, -np.inf, np.inf, np.nan, 1., 0.5, 0.5, -0.5, 3.0, -1e300, 0.])
ny = np.array([2., 0., -1., 1., -0., 1., 0., 0., 0., 1., np.inf, 0., 0., np.inf, 1., np.nan, 0., 1., -1., -3.0, 0., 0.])
R['next_x'] = enc(nx); R['next_y'] = enc(ny)
with np.errstate(all='ignore'): R['nextafter'] = enc(np.nextafter(nx, ny))
ga = np.array([12, -4, 0, 7, 0, 2**53, 1071, 832040, -270, 9007199254740881, 48, 17]); gb = np.array([18, 6, 0, 0, 5, 6, 462, 514229, 192, 9007199254740847, -180, 17])
R['gcd_a'] = enc(ga); R['gcd_b'] = enc(gb); R['gcd'] = enc(np.gcd(ga, gb))
la = np.array([4, -6, 0, 0, 21, 1000000, 7]); lb = np.array([6, 4, 5, 0, 6, 999999, -7])
R['lcm_a'] = enc(la); R['lcm_b'] = enc(lb); R['lcm'] = enc(np.lcm(la, lb))
s = np.arange(14.).reshape(7, 2)
R['arraySplit'] = {str(k): [enc(p) for p in np.array_split(s, k)] for k in [1, 3, 4, 7, 9]}
R['arraySplitIdx'] = [enc(p) for p in np.array_split(s, [2, 5, 20], 0)]
h = np.arange(16.).reshape(2, 2, 4)
R['hsplit'] = [enc(p) for p in np.hsplit(h, 2)]; R['vsplit'] = [enc(p) for p in np.vsplit(h, [1])]; R['dsplit'] = [enc(p) for p in np.dsplit(h, [1, 3])]
R['hsplit1'] = [enc(p) for p in np.hsplit(np.arange(6.), 3)]
q = np.arange(6.).reshape(2, 3)
R['append'] = enc(np.append(q, [[9, 9, 9]], axis=0)); R['appendFlat'] = enc(np.append(q, [7, 8]))
R['insert'] = {
 'scalar': enc(np.insert(q, 1, 9)),
 'ax1': enc(np.insert(q, 1, [7, 8], axis=1)),
 'ax1list': enc(np.insert(q, [1], [[7], [8]], axis=1)),
 'ax0': enc(np.insert(q, -1, 5, axis=0)),
 'multi': enc(np.insert(q, [0, 2, 2, -1], [10, 20, 30, 40], axis=1)),
 'end': enc(np.insert(q, 3, [[1, 2]], axis=1)),
 'flatlist': enc(np.insert(np.arange(5.), [4, 0, 2], [7, 8, 9])),
}
R['delete'] = {'flat': enc(np.delete(q, [0, -1])), 'ax1': enc(np.delete(q, 1, axis=1)), 'ax0': enc(np.delete(q, [0, 0], axis=0)), 'none': enc(np.delete(q, [], axis=1))}
ui = np.array([[5, 1, 0], [23, 7, 11]])
R['unravel'] = [enc(c) for c in np.unravel_index(ui, (2, 3, 4))]
R['unravelF'] = [enc(c) for c in np.unravel_index(ui, (2, 3, 4), order='F')]
R['unravelBig'] = [enc(c) for c in np.unravel_index(np.array([2**53 - 1, 2**52 + 12345]), (3, 2**51, 4))]
R['ravel'] = enc(np.ravel_multi_index((np.array([1, 0, 1]), np.array([2, 1, 0]), np.array([3, 0, 1])), (2, 3, 4)))
R['ravelF'] = enc(np.ravel_multi_index((np.array([1, 0, 1]), np.array([2, 1, 0])), (2, 3), order='F'))
R['ravelWrap'] = enc(np.ravel_multi_index((np.array([3, -1]), np.array([5, -4])), (2, 3), mode='wrap'))
R['ravelClip'] = enc(np.ravel_multi_index((np.array([3, -1]), np.array([5, -4])), (2, 3), mode='clip'))
R['tril'] = {f'{n}_{k}_{mm}': [enc(p) for p in np.tril_indices(n, k, mm)] for n, k, mm in [(3, 0, None), (3, -1, 4), (2, 2, 3), (4, 1, 2), (0, 0, None)]}
R['triu'] = {f'{n}_{k}_{mm}': [enc(p) for p in np.triu_indices(n, k, mm)] for n, k, mm in [(3, 0, None), (3, -1, 4), (2, 2, 3), (4, 1, 2), (0, 0, None)]}
d = np.array([1.5, 2, 2, 3.25, 5, -1, 0.1, 4.999, 2.0000001, 3.3])
R['hist_x'] = enc(d)
R['hist'] = {}
for key, kw in [('b10', dict()), ('b3', dict(bins=3)), ('b7range', dict(bins=7, range=(0, 4))), ('edges', dict(bins=[-1, 0, 2, 2, 3.3, 5])), ('density', dict(bins=4, density=True)), ('weights', dict(bins=5, weights=np.arange(10.))), ('wdensity', dict(bins=[0, 1, 3, 6], weights=np.arange(10.), density=True))]:
    hh, ee = np.histogram(d, **kw); R['hist'][key] = [enc(hh), enc(ee)]
hh, ee = np.histogram(np.array([2., 2., 2.]), 4); R['histSame'] = [enc(hh), enc(ee)]
hh, ee = np.histogram(np.array([]), 3); R['histEmpty'] = [enc(hh), enc(ee)]
hh, ee = np.histogram(np.array([0.1, np.nan, 0.7, 2]), 2, range=(0, 1)); R['histNaN'] = [enc(hh), enc(ee)]
bx = np.array([0, 1, 1, 3, 7, 3, 0]); bw = np.array([0.5, 1, 2, -1, 4, 0.25, 3])
R['bincount'] = enc(np.bincount(bx)); R['bincountW'] = enc(np.bincount(bx, bw)); R['bincountMin'] = enc(np.bincount(bx, minlength=10)); R['bincountEmpty'] = enc(np.bincount(np.array([], dtype=int), minlength=2))
dx = np.array([-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, 4, np.nan, -np.inf, np.inf])
R['dig_x'] = enc(dx)
R['digitize'] = {f'{name}_{right}': enc(np.digitize(dx, bb, right)) for name, bb in [('inc', [0, 1, 2, 3]), ('dec', [3, 2, 1, 0]), ('dup', [0, 1, 1, 2]), ('decdup', [3, 2, 2, 0]), ('one', [1.5]), ('empty', [])] for right in [False, True]}
ie = np.array([[1, 2, np.nan], [4, -0., 6]]); it = np.array([4, 2, np.nan, 0, 9])
R['isin'] = enc(np.isin(ie, it)); R['isinInv'] = enc(np.isin(ie, it, invert=True))
k1 = np.array([1, 5, 1, 4, 3, 4, 4, np.nan, 2]); k2 = np.array([9, 4, 0, 4, 0, 2, 1, 1, np.nan])
R['lexsort'] = enc(np.lexsort((k1, k2))); R['lexsort1'] = enc(np.lexsort((k1,)))
K = np.array([[[3, 1, 2], [1, 1, 0]], [[0, 0, 1], [2, 2, 2]]]).astype(float)
R['lexsortNd'] = enc(np.lexsort(K, axis=0)); R['lexsortNd1'] = enc(np.lexsort(K, axis=-1))
z = np.array([[0, 3, 0], [np.nan, 0, -0.], [1, 0, 2]])
R['nonzero'] = [enc(p) for p in np.nonzero(z)]; R['argwhere'] = enc(np.argwhere(z)); R['flatnonzero'] = enc(np.flatnonzero(z))
u = np.array([3, 1, 3, np.nan, 1, np.nan, -0., 0., 2, 2, 2, -5])
vals, idx, inv, cnt = np.unique(u, True, True, True)
R['unique'] = [enc(vals), enc(idx), enc(inv), enc(cnt)]
vals, idx, inv, cnt = np.unique(u, True, True, True, equal_nan=False)
R['uniqueNan'] = [enc(vals), enc(idx), enc(inv), enc(cnt)]
R['u'] = enc(u)

def ts(v):
    if isinstance(v, dict): return '{' + ', '.join(f'{json_key(k)}: {ts(x)}' for k, x in v.items()) + '}'
    if isinstance(v, list): return '[' + ', '.join(ts(x) for x in v) + ']'
    return v  # a number already written as a JavaScript literal by enc


def json_key(k):
    return k if k.isidentifier() else repr(k)


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'numpyBreadthReference.ts'), 'w') as f:
    f.write(f'/** @file Generated by test/numpyBreadthReference.py (NumPy {np.__version__}): reference values for test/numpyBreadth.test.ts. Do not edit. */\n')
    f.write('/* eslint-disable */\n')
    f.write('export const ref: any = ' + ts(R) + ';\n')

