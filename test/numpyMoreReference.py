"""Reference values for test/numpyMore.test.ts and test/numpyMoreSets.test.ts, from NumPy 1.24.

Run with Debian's python: /usr/bin/python3 test/numpyMoreReference.py
It writes test/numpyMoreReference.ts; CI has no python, so the output is committed.
"""
import numpy as np, math, os, warnings
warnings.simplefilter('ignore')
np.random.seed(1)
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
# ---- numpyMore: diagonals, elementwise, shapes
A = np.arange(60.).reshape(3, 4, 5)
R['diagonal'] = {f'{o}_{a1}_{a2}': enc(np.diagonal(A, o, a1, a2)) for o in [-2, 0, 1, 3] for a1, a2 in [(0, 1), (1, 2), (2, 0), (-1, -2)]}
R['trace'] = {f'{o}_{a1}_{a2}': enc(np.trace(A, o, a1, a2)) for o in [-2, 0, 1, 3] for a1, a2 in [(0, 1), (1, 2), (2, 0)]}
sp = np.array([np.nan, np.inf, -np.inf, 0., -0., 1.5, -2., 3., 1e-300, -1e300])
X, Y = np.meshgrid(sp, sp, indexing='ij')
R['sp'] = enc(sp)
R['fmax'] = enc(np.fmax(X, Y)); R['fmin'] = enc(np.fmin(X, Y))
da = np.round(np.random.randn(30) * 10, 2); db = np.round(np.random.randn(30) * 3, 2)
da = np.concatenate([da, [7., -7., 7., -7., 0., -0., 1, 1e300, -1e-300, 5, np.inf, np.nan]]); db = np.concatenate([db, [2., 2., -2., -2., 3., -3., 0.1, 3, 1e300, 0., 2., 2.]])
R['dm_a'] = enc(da); R['dm_b'] = enc(db)
q, r = np.divmod(da, db); R['divmod'] = [enc(q), enc(r)]
mx = np.array([2.5, -0.5, -3., 0., -0., np.inf, -np.inf, np.nan, 1e300, -1e-300, 123.456, -7.75, 4503599627370497.])
f, i = np.modf(mx); R['modf_x'] = enc(mx); R['modf'] = [enc(f), enc(i)]
rx = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 4503599627370495.5, -0.2, 1e300, np.inf, np.nan, -0.])
R['rint_x'] = enc(rx); R['rint'] = enc(np.rint(rx)); R['fix'] = enc(np.fix(rx))
pa = np.array([2., -8., 4., 0., -2., 1.5, np.nan, 10.]); pb = np.array([3., 1/3, -0.5, -1., 3., 2.5, 0., -300.])
R['fp_a'] = enc(pa); R['fp_b'] = enc(pb); R['floatPower'] = enc(np.float_power(pa, pb))
R['isposinf'] = enc(np.isposinf(sp)); R['isneginf'] = enc(np.isneginf(sp))
R['indices'] = enc(np.indices((2, 3, 4)))
R['tri'] = {f'{n}_{m}_{k}': enc(np.tri(n, m, k)) for n, m, k in [(3, None, 0), (3, 5, 1), (4, 2, -1), (2, 3, -5), (2, 3, 7), (0, 2, 0)]}
R['rollaxis'] = {f'{ax}_{st}': list(np.rollaxis(np.zeros((2, 3, 4, 5)), ax, st).shape) for ax in [0, 2, -1] for st in [0, 1, 3, 4, -1, -4]}
# ---- NaN reductions
nx = np.array([[1., np.nan, 3., -2.], [np.nan, np.nan, np.nan, np.nan], [0.5, 4., np.nan, 4.]])
R['nx'] = enc(nx)
R['nanprod'] = [enc(np.nanprod(nx)), enc(np.nanprod(nx, 0)), enc(np.nanprod(nx, 1, keepdims=True))]
R['nancumsum'] = [enc(np.nancumsum(nx)), enc(np.nancumsum(nx, 0)), enc(np.nancumsum(nx, 1))]
R['nancumprod'] = [enc(np.nancumprod(nx)), enc(np.nancumprod(nx, 0)), enc(np.nancumprod(nx, 1))]
nxa = np.array([[1., np.nan, 3., 3.], [-np.inf, np.nan, -np.inf, 2.], [0.5, 4., np.nan, 4.]])
R['nxa'] = enc(nxa)
R['nanargmax'] = [enc(np.nanargmax(nxa)), enc(np.nanargmax(nxa, 0)), enc(np.nanargmax(nxa, 1))]
R['nanargmin'] = [enc(np.nanargmin(nxa)), enc(np.nanargmin(nxa, 0)), enc(np.nanargmin(nxa, 1))]
# ---- differences
R['ediff1d'] = [enc(np.ediff1d(np.array([[1., 2.], [4., 7.]]))), enc(np.ediff1d(np.array([1., 5., 2.]), to_end=[9., 8.], to_begin=-1.)), enc(np.ediff1d(np.array([3.])))]
g = np.array([[1., 2., 4., 7., 11.], [2., 3., 5., 0., -1.], [0., 1., 1., 2., 8.]])
cx = np.array([0., 1., 1.5, 3.5, 4.]); cy = np.array([-1., 0.5, 1.])
R['g'] = enc(g); R['cx'] = enc(cx); R['cy'] = enc(cy)
R['gradient'] = {
  'default': [enc(v) for v in np.gradient(g)],
  'step2_e2': [enc(v) for v in np.gradient(g, 2., edge_order=2)],
  'coords': [enc(v) for v in np.gradient(g, cy, cx)],
  'coords_e2': [enc(v) for v in np.gradient(g, cy, cx, edge_order=2)],
  'axis1': enc(np.gradient(g, cx, axis=1, edge_order=2)),
  'axis0_step': enc(np.gradient(g, 0.5, axis=0)),
  'uniformCoords': enc(np.gradient(g, np.array([0., 2., 4., 6., 8.]), axis=1)),
  'two': enc(np.gradient(np.array([1., 4.]))),
}
ph = np.cumsum(np.random.randn(3, 12) * 2.5, axis=1)
R['ph'] = enc(ph)
R['unwrap'] = {'default': enc(np.unwrap(ph)), 'axis0': enc(np.unwrap(ph, axis=0)), 'discont': enc(np.unwrap(ph, discont=4.)), 'period': enc(np.unwrap(ph * 30, period=360)), 'boundary': enc(np.unwrap(np.array([0., np.pi, 0., -np.pi, 2 * np.pi, 0.])))}
tz = np.array([0., 0., 1., 0., 2., -0., 0.])
R['trimZeros'] = {t: enc(np.trim_zeros(tz, t)) for t in ['fb', 'f', 'b']}
# ---- selection
sx = np.arange(-4., 5.)
R['select'] = enc(np.select([sx < -2, sx > 2, sx == 0], [sx ** 2, -sx, np.full(9, 100.)], default=7.))
R['piecewise'] = enc(np.piecewise(sx, [sx < 0, sx > -2], [lambda v: v ** 2, lambda v: 3 * v, 1.5]))
R['piecewise2'] = enc(np.piecewise(sx, [sx < 0, sx > 2], [lambda v: -v, 5.]))
ca = np.array([[0, 1, 2], [2, 1, 0]]); cc = [np.array([1., 2., 3.]), np.array([[10.], [20.]]), np.array([[7., 8., 9.], [4., 5., 6.]])]
R['choose'] = enc(np.choose(ca, cc))
cw = np.array([[0, 4, -1], [5, 1, 2]])
R['chooseWrap'] = enc(np.choose(cw, cc, mode='wrap')); R['chooseClip'] = enc(np.choose(cw, cc, mode='clip'))
M = np.arange(12.).reshape(3, 4)
R['compress'] = {'ax0': enc(np.compress([0, 1, 1], M, 0)), 'ax1': enc(np.compress([1, 0, 1], M, 1)), 'flat': enc(np.compress([0, 1, 0, 1, 1], M)), 'short': enc(np.compress([1, 0], M, 1))}
R['extract'] = enc(np.extract(np.mod(M, 3) == 0, M))
R['resize'] = {'a': enc(np.resize(np.array([1., 2., 3.]), (2, 4))), 'b': enc(np.resize(M, (5,))), 'c': enc(np.resize(M, (3, 7))), 'empty': enc(np.resize(np.array([]), (2, 2)))}
# ---- polynomials
roots = np.array([1.5, -2., 0.25, 3.])
R['poly'] = enc(np.poly(roots)); R['polyM'] = enc(np.poly(np.array([[2., 1., 0.], [1., 3., 1.], [0., 1., 4.]]))); R['polyM2'] = enc(np.poly(np.array([[1., 2.], [3., 4.]])))
p1 = np.array([3., -1., 2., 5.]); p2 = np.array([2., 0.5])
R['polyadd'] = enc(np.polyadd(p1, p2)); R['polysub'] = enc(np.polysub(p2, p1)); R['polymul'] = enc(np.polymul(p1, p2))
R['polydiv'] = [[enc(v) for v in np.polydiv(p1, p2)], [enc(v) for v in np.polydiv(np.array([1., -3., 2.]), np.array([1., -1.]))], [enc(v) for v in np.polydiv(p2, p1)], [enc(v) for v in np.polydiv(np.array([4., 2., -6., 1., 1.]), np.array([2., 0., 1.]))]]
R['polyder'] = [enc(np.polyder(p1, m)) for m in [0, 1, 2, 3, 4]]
R['polyint'] = [enc(np.polyint(p1)), enc(np.polyint(p1, 2)), enc(np.polyint(p1, 2, k=[1., -2.])), enc(np.polyint(p1, 3, k=4.))]
vx = np.array([0.5, -1., 2., 3.])
R['vander'] = [enc(np.vander(vx)), enc(np.vander(vx, 3, increasing=True)), enc(np.vander(vx, 6)), enc(np.vander(vx, 0)), enc(np.vander(vx, 1))]
fx = np.linspace(-1, 2, 9); fy = np.sin(fx) + 0.1 * np.cos(7 * fx); fw = 1 + np.arange(9.) / 4
R['fx'] = enc(fx); R['fy'] = enc(fy); R['fw'] = enc(fw)
R['polyfit'] = [enc(np.polyfit(fx, fy, d)) for d in [0, 1, 3, 5]] + [enc(np.polyfit(fx, fy, 3, w=fw)), enc(np.polyfit(fx, np.stack([fy, fx ** 2], 1), 2))]
# ---- sets
s1 = np.array([3., 1., 4., 1., 5., 9., 2., 6., np.nan, -0., 5.]); s2 = np.array([[2., 7., 1.], [8., np.nan, 0.], [1., 5., 5.]])
R['s1'] = enc(s1); R['s2'] = enc(s2)
R['union1d'] = enc(np.union1d(s1, s2))
v, i1, i2 = np.intersect1d(s1, s2, return_indices=True); R['intersect1d'] = [enc(v), enc(i1), enc(i2)]
R['setdiff1d'] = [enc(np.setdiff1d(s1, s2)), enc(np.setdiff1d(s2, s1))]
R['setxor1d'] = enc(np.setxor1d(s1, s2))
# ---- windows
R['windows'] = {name: {str(M): enc(getattr(np, name)(M)) for M in [0, 1, 2, 5, 12]} for name in ['bartlett', 'blackman', 'hamming', 'hanning']}
R['kaiser'] = {f'{M}_{b}': enc(np.kaiser(M, b)) for M in [1, 2, 7, 12] for b in [0., 2.5, 14.]}
# ---- histogramdd / histogram2d
hs = np.array([[0.1, 2.], [0.5, -1.], [0.9, 0.5], [0.5, 3.], [1.0, 2.], [np.nan, 0.], [0.3, 0.3], [0.7, 2.9]])
hw = np.arange(8.) / 2
R['hs'] = enc(hs); R['hw'] = enc(hw)
R['hdd'] = {}
for key, kw in [('b3', dict(bins=3)), ('pair', dict(bins=[2, 4])), ('edges', dict(bins=[[0, 0.5, 1], [-1, 0, 1, 3]])), ('range', dict(bins=(3, 2), range=[(0, 1), (0, 2)])), ('density', dict(bins=[2, 3], density=True, range=[(0, 1), (-1, 3)])), ('weights', dict(bins=2, weights=hw, range=[(0, 1), (-1, 3)]))]:
    h, e = np.histogramdd(hs[:5] if key in ('b3', 'pair') else hs, **kw)
    R['hdd'][key] = [enc(h), [enc(x) for x in e]]
h, xe, ye = np.histogram2d(hs[:5, 0], hs[:5, 1], bins=3); R['h2d'] = [enc(h), enc(xe), enc(ye)]
h, xe, ye = np.histogram2d(hs[:5, 0], hs[:5, 1], bins=[0, 0.5, 1, 2, 3]); R['h2dEdges'] = [enc(h), enc(xe), enc(ye)]
h, e = np.histogramdd(np.array([[1., 1.], [1., 1.]]), 2); R['hddSame'] = [enc(h), [enc(x) for x in e]]
# ---- applyAlongAxis, block
B = np.arange(24.).reshape(2, 3, 4)
R['apply'] = {'sum1': enc(np.apply_along_axis(lambda v: np.sum(v ** 2), 1, B)), 'outer0': enc(np.apply_along_axis(lambda v: np.outer(v, v[:2]), 0, B)), 'cum2': enc(np.apply_along_axis(np.cumsum, 2, B)), 'pair1': enc(np.apply_along_axis(lambda v: np.array([v.min(), v.max()]), 1, B))}
R['block'] = [enc(np.block([[np.eye(2), np.zeros((2, 1))], [np.ones((1, 2)), np.array([[5.]])]])), enc(np.block([1., np.array([2., 3.]), 4.])), enc(np.block([[[np.ones((2, 2, 1)), np.zeros((2, 2, 2))]], [[np.full((1, 2, 3), 7.)]]])), enc(np.block([[np.array([1., 2.])], [np.array([3., 4.])]])), enc(np.block(np.array(3.)))]

def ts(v):
    if isinstance(v, dict): return '{' + ', '.join(f'{json_key(k)}: {ts(x)}' for k, x in v.items()) + '}'
    if isinstance(v, list): return '[' + ', '.join(ts(x) for x in v) + ']'
    if isinstance(v, (int, float)): return repr(v)
    return v  # a number already written as a JavaScript literal by enc
def json_key(k):
    return k if k.isidentifier() else repr(k)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'numpyMoreReference.ts'), 'w') as f:
    f.write(f'/** @file Generated by test/numpyMoreReference.py (NumPy {np.__version__}): reference values for test/numpyMore*.test.ts. Do not edit. */\n')
    f.write('/* eslint-disable */\n')
    f.write('export const ref: any = ' + ts(R) + ';\n')
