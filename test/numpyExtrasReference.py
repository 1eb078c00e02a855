"""Reference values for test/numpyExtras*.test.ts, from NumPy (values) and PyTorch (gradients).

Run with Debian's python (numpy, torch 1.13): /usr/bin/python3 test/numpyExtrasReference.py
It writes test/numpyExtrasReference.ts; CI has no python, so the output is committed.
"""
import json
import math
import os
import warnings

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20261203)
out = {}


def L(a):
    return np.asarray(a, dtype=float).tolist()


# ---- inputs -------------------------------------------------------------------------------
X = np.round(rng.normal(size=(5, 6)), 3)
X[1, 2] = X[3, 4]  # a tie
X3 = np.round(rng.normal(size=(3, 4, 5)), 3)
out['X'] = L(X)
out['X3'] = L(X3)
Q = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]
out['Q'] = Q

# ---- quantiles ----------------------------------------------------------------------------
quant = []
for method in ['linear', 'lower', 'higher', 'nearest', 'midpoint']:
    for axis in [None, 0, 1]:
        quant.append({'method': method, 'axis': axis, 'value': L(np.quantile(X, Q, axis=axis, method=method))})
    quant.append({'method': method, 'axis': [0, 2], 'value': L(np.quantile(X3, Q, axis=(0, 2), method=method)), 'x3': True})
out['quantile'] = quant
out['percentile'] = L(np.percentile(X, [5, 50, 95], axis=1))
out['quantileKeepdims'] = L(np.quantile(X3, 0.3, axis=1, keepdims=True))
out['median'] = {'all': float(np.median(X)), 'ax0': L(np.median(X, axis=0)), 'ax1': L(np.median(X, axis=1)),
                 'x3ax02': L(np.median(X3, axis=(0, 2))), 'keep': L(np.median(X3, axis=2, keepdims=True))}
XN = X.copy(); XN[2, 3] = np.nan
out['XN'] = L(XN)
out['medianNaN'] = L(np.median(XN, axis=1))
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    XA = XN.copy(); XA[4, :] = np.nan  # a lane of NaNs only
    out['XA'] = L(XA)
    out['nanquantile'] = {m: L(np.nanquantile(XA, [0.0, 0.3, 0.5, 1.0], axis=1, method=m)) for m in ['linear', 'lower', 'higher', 'nearest', 'midpoint']}
    out['nanquantileAll'] = float(np.nanquantile(XA, 0.7))
    out['nanpercentile'] = L(np.nanpercentile(XA, [10, 90], axis=0))
    out['nanmedian'] = {'ax0': L(np.nanmedian(XA, axis=0)), 'ax1': L(np.nanmedian(XA, axis=1)), 'all': float(np.nanmedian(XA))}
out['quantileNaN'] = L(np.quantile(XN, 0.5, axis=0))

# ---- statistics ---------------------------------------------------------------------------
B = np.array([[1.0, 0.0, 2.0], [np.nan, 0.0, 0.0], [3.0, 4.0, 0.0]])
out['B'] = L(B)
out['all'] = {'all': float(np.all(B)), 'ax0': L(np.all(B, axis=0)), 'ax1': L(np.all(B, axis=1))}
out['any'] = {'all': float(np.any(B)), 'ax0': L(np.any(B, axis=0)), 'ax1': L(np.any(B, axis=1))}
out['countNonzero'] = {'all': float(np.count_nonzero(B)), 'ax0': L(np.count_nonzero(B, axis=0)), 'ax1': L(np.count_nonzero(B, axis=1))}
out['ptp'] = {'all': float(np.ptp(X)), 'ax1': L(np.ptp(X, axis=1))}
W = np.round(rng.uniform(0.1, 2, size=6), 3)
W2 = np.round(rng.uniform(0.1, 2, size=(5, 6)), 3)
out['W'] = L(W); out['W2'] = L(W2)
a1, s1 = np.average(X, axis=1, weights=W, returned=True)
out['average'] = {'plain': float(np.average(X)), 'ax0': L(np.average(X, axis=0)), 'w1': L(a1), 's1': L(s1),
                  'wfull': float(np.average(X, weights=W2)), 'wfullAx0': L(np.average(X, axis=0, weights=W2))}
Y = np.round(rng.normal(size=(2, 6)), 3)
out['Y'] = L(Y)
out['cov'] = {'rows': L(np.cov(X)), 'cols': L(np.cov(X, rowvar=False)), 'bias': L(np.cov(X, bias=True)),
              'ddof2': L(np.cov(X, ddof=2)), 'withY': L(np.cov(X, Y)), 'vector': float(np.cov(X[0]))}
FW = np.array([1, 3, 0, 2, 1, 4]); AW = np.round(rng.uniform(0.1, 2, size=6), 3)
out['FW'] = L(FW); out['AW'] = L(AW)
out['covWeighted'] = {'f': L(np.cov(X, fweights=FW)), 'a': L(np.cov(X, aweights=AW)), 'fa': L(np.cov(X, fweights=FW, aweights=AW)),
                      'faBias': L(np.cov(X, fweights=FW, aweights=AW, bias=True)), 'aDdof2': L(np.cov(X, aweights=AW, ddof=2))}
out['corrcoef'] = {'rows': L(np.corrcoef(X)), 'cols': L(np.corrcoef(X, rowvar=False)), 'withY': L(np.corrcoef(X, Y))}

# ---- NaN reductions -----------------------------------------------------------------------
XNN = X.copy(); XNN[0, 1] = np.nan; XNN[3, 0] = np.nan; XNN[4, :] = np.nan
out['XNN'] = L(XNN)
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    nan = {}
    for name in ['nansum', 'nanmean', 'nanmax', 'nanmin', 'nanvar', 'nanstd']:
        f = getattr(np, name)
        nan[name] = {'all': float(f(XNN)), 'ax0': L(f(XNN, axis=0)), 'ax1': L(f(XNN, axis=1))}
    nan['nanvarDdof1'] = L(np.nanvar(XNN, axis=1, ddof=1))
    out['nan'] = nan

# ---- cumulative ---------------------------------------------------------------------------
C = np.array([[1.0, 3.0, 2.0, 5.0, 4.0, 5.0], [-1.0, -3.0, 0.5, -2.0, 7.0, 6.0]])
out['C'] = L(C)
out['cummax'] = {'ax1': L(np.maximum.accumulate(C, axis=1)), 'ax0': L(np.maximum.accumulate(X, axis=0)),
                 'rev': L(np.flip(np.maximum.accumulate(np.flip(C, 1), axis=1), 1))}
out['cummin'] = {'ax1': L(np.minimum.accumulate(C, axis=1)), 'ax0': L(np.minimum.accumulate(X, axis=0))}
LS = np.array([0.0, -1000.0, 1000.0, 999.0, -np.inf, 3.0, 1e-300, -745.0, 710.0, 0.5])
out['LS'] = L(LS)
out['cumlogsumexp'] = {'ls': L(np.logaddexp.accumulate(LS)), 'ax1': L(np.logaddexp.accumulate(X, axis=1)),
                       'ax0rev': L(np.flip(np.logaddexp.accumulate(np.flip(X, 0), axis=0), 0))}

# ---- contractions -------------------------------------------------------------------------
A3 = np.round(rng.normal(size=(4, 3)), 3); B3 = np.round(rng.normal(size=(4, 3)), 3)
out['A3'] = L(A3); out['B3'] = L(B3)
out['cross'] = {'rows': L(np.cross(A3, B3)), 'bcast': L(np.cross(A3, B3[0])), 'axis0': L(np.cross(A3.T, B3.T, axis=0))}
out['inner'] = L(np.inner(X, Y))
out['tensordot'] = {'int2': L(np.tensordot(X3, X3[:, :, :].transpose(1, 2, 0), 2)),
                    'pairs': L(np.tensordot(X3, X3, axes=([0, 2], [0, 2]))), 'zero': L(np.tensordot(A3[:, 0], B3[0], 0))}
out['vdot'] = float(np.vdot(X, X[::-1]))
XS = np.array([0.0, 0.5, 1.5, 1.75, 3.0, 4.5])
out['XS'] = L(XS)
out['trapezoid'] = {'plain': L(np.trapz(X, axis=1)), 'x': L(np.trapz(X, XS, axis=1)), 'dx': L(np.trapz(X, dx=0.25, axis=0)),
                    'xfull': L(np.trapz(X, np.cumsum(W2, axis=0), axis=0))}

# ---- elementwise --------------------------------------------------------------------------
E = np.array([0.0, -0.0, 1.0, -1.0, 8.0, -27.0, 2.0, 1e-300, -1e300, 0.001, 0.3, -2.5, 123.456, np.inf, -np.inf, np.nan])
out['E'] = L(E)
with np.errstate(all='ignore'):
    out['cbrt'] = L(np.cbrt(E))
    out['sinc'] = L(np.sinc(E[np.isfinite(E) & (np.abs(E) < 1e10)]))
    out['sincIn'] = L(E[np.isfinite(E) & (np.abs(E) < 1e10)])
    out['signbit'] = L(np.signbit(E))
    out['copysign'] = L(np.copysign(np.arange(16.0) - 7.5, E))
    out['deg2rad'] = L(np.deg2rad(E)); out['rad2deg'] = L(np.rad2deg(E))
    out['heaviside'] = L(np.heaviside(E, 0.5))
    LA = np.array([0.0, 1.0, 1000.0, -1000.0, 3.0, -np.inf, np.inf, 2.0, -1e-20])
    LB = np.array([0.0, 2.0, 1000.0, -999.0, -40.0, -np.inf, np.inf, -np.inf, 5e-21])
    out['LA'] = L(LA); out['LB'] = L(LB); out['logaddexp2'] = L(np.logaddexp2(LA, LB))
    IA = np.array([1.0, 1e10, np.nan, np.inf, np.inf, 0.0, 1e-9, 100.0])
    IB = np.array([1.0 + 1e-9, 1.0001e10, np.nan, np.inf, -np.inf, 1e-9, 0.0, 100.001])
    out['IA'] = L(IA); out['IB'] = L(IB)
    out['isclose'] = {'plain': L(np.isclose(IA, IB)), 'nan': L(np.isclose(IA, IB, equal_nan=True)),
                      'tight': L(np.isclose(IA, IB, rtol=1e-12, atol=0.0))}

# ---- sequences ----------------------------------------------------------------------------
SA = np.array([-1.0, 0.0, 0.0, 0.5, 2.0, 2.0, 2.0, 7.0, np.nan])
SV = np.array([[-2.0, -1.0, 0.0, 0.25], [2.0, 7.0, 8.0, np.nan]])
out['SA'] = L(SA); out['SV'] = L(SV)
out['searchsorted'] = {'left': L(np.searchsorted(SA, SV)), 'right': L(np.searchsorted(SA, SV, side='right'))}
SU = np.array([3.0, -1.0, 7.0, 0.5, 2.0, 0.0]); SO = np.argsort(SU)
out['SU'] = L(SU); out['SO'] = L(SO)
out['searchsortedSorter'] = {'left': L(np.searchsorted(SU, SV, sorter=SO)), 'right': L(np.searchsorted(SU, SV, side='right', sorter=SO))}
XP = np.array([-1.0, 0.0, 0.5, 2.0, 3.5]); FP = np.array([2.0, -1.0, 0.25, 4.0, 3.0])
XI = np.array([[-3.0, -1.0, -0.5, 0.0, 0.1, 0.5], [1.0, 2.0, 3.0, 3.5, 3.6, np.nan]])
out['XP'] = L(XP); out['FP'] = L(FP); out['XI'] = L(XI)
out['interp'] = {'plain': L(np.interp(XI, XP, FP)), 'lr': L(np.interp(XI, XP, FP, left=-10.0, right=10.0)),
                 'one': L(np.interp(XI, XP[:1], FP[:1]))}
XPP = np.array([190.0, -190.0, 350.0, -350.0, 10.0]); FPP = np.array([5.0, 10.0, 3.0, 4.0, 1.0])
XIP = np.array([-180.0, -5.0, 0.0, 5.0, 175.0, 180.0, 355.0, 725.5])
out['XPP'] = L(XPP); out['FPP'] = L(FPP); out['XIP'] = L(XIP)
out['interpPeriod'] = {'360': L(np.interp(XIP, XPP, FPP, period=360)), 'neg': L(np.interp(XIP, XPP, FPP, period=-360))}
P = np.array([0.5, -2.0, 0.0, 3.0, 1.25])
out['P'] = L(P); out['polyval'] = L(np.polyval(P, X))
conv = []
for n in [1, 2, 3, 5, 6]:
    for m in [1, 2, 4, 5, 7]:
        a = np.round(rng.normal(size=n), 3); v = np.round(rng.normal(size=m), 3)
        row = {'a': L(a), 'v': L(v)}
        for mode in ['full', 'same', 'valid']:
            row['convolve_' + mode] = L(np.convolve(a, v, mode))
            row['correlate_' + mode] = L(np.correlate(a, v, mode))
        conv.append(row)
out['conv'] = conv

# ---- gradients (PyTorch autograd) ---------------------------------------------------------
G = np.round(rng.normal(size=(4, 6)), 3)  # cotangents / weights
out['G'] = L(G)
grads = {}


def grad_of(f, x):
    t = torch.tensor(x, requires_grad=True)
    y = f(t)
    y.backward(torch.tensor(G[:y.shape[0], :y.shape[1]] if y.dim() == 2 else G[0, :y.shape[0]] if y.dim() == 1 else G[0, 0]))
    return L(t.grad.numpy())


XG = X[:4]
out['XG'] = L(XG)
grads['median1'] = grad_of(lambda t: torch.quantile(t, 0.5, dim=1), XG)  # np.median's rule: ½ to each middle entry
grads['quantile1'] = {m: grad_of(lambda t, m=m: torch.quantile(t, torch.tensor([0.1, 0.5, 0.9]), dim=1, interpolation=m).T, XG)
                      for m in ['linear', 'lower', 'higher', 'nearest', 'midpoint']}
grads['quantileValues1'] = {m: L(torch.quantile(torch.tensor(XG), torch.tensor([0.1, 0.5, 0.9]), dim=1, interpolation=m).T.numpy())
                            for m in ['linear', 'lower', 'higher', 'nearest', 'midpoint']}
grads['cummax1'] = grad_of(lambda t: torch.cummax(t, dim=1).values, XG)
grads['cummin0'] = grad_of(lambda t: torch.cummin(t, dim=0).values, XG)
grads['cumlogsumexp1'] = grad_of(lambda t: torch.logcumsumexp(t, dim=1), XG)
SX = np.array([-2.0, -0.7, -0.01, 0.003, 0.4, 1.0, 2.5])
out['SX'] = L(SX)
t = torch.tensor(SX, requires_grad=True)
g1, = torch.autograd.grad(torch.sinc(t).sum(), t, create_graph=True)
g2, = torch.autograd.grad(g1.sum(), t)
grads['sinc1'] = L(g1.detach().numpy()); grads['sinc2'] = L(g2.numpy())
# torch's sinc backward, (πx cos πx − sin πx)/(πx²), cancels near 0; the exact derivatives (mpmath, 50 digits):
import mpmath
mpmath.mp.dps = 50
grads['sinc1Exact'] = [float(mpmath.diff(lambda u: mpmath.sinc(mpmath.pi * u), mpmath.mpf(v), 1)) for v in SX]
grads['sinc2Exact'] = [float(mpmath.diff(lambda u: mpmath.sinc(mpmath.pi * u), mpmath.mpf(v), 2)) for v in SX]


def torch_interp(x, xp, fp):
    """numpy.interp's formula in torch ops (searchsorted right − 1, clamped), for autograd."""
    n = xp.shape[0]
    j = torch.clamp(torch.searchsorted(xp.detach(), x.detach(), right=True) - 1, 0, n - 2)
    xa, xb, fa, fb = xp[j], xp[j + 1], fp[j], fp[j + 1]
    slope = (fb - fa) / (xb - xa)
    inside = torch.where(x == xp[-1], fb + slope * (x - xb), slope * (x - xa) + fa)
    return torch.where(x < xp[0], fp[0], torch.where(x > xp[-1], fp[-1], inside))


XIG = np.array([-3.0, -0.5, 0.1, 0.5, 1.0, 2.0, 3.0, 3.5, 5.0])
out['XIG'] = L(XIG)
tx, txp, tfp = (torch.tensor(v, requires_grad=True) for v in (XIG, XP, FP))
y = torch_interp(tx, txp, tfp)
assert np.allclose(y.detach().numpy(), np.interp(XIG, XP, FP), rtol=0, atol=0)
y.backward(torch.tensor(G[0, :1].tolist() * 0 + list(G.ravel()[:len(XIG)])))
grads['interp'] = {'x': L(tx.grad.numpy()), 'xp': L(txp.grad.numpy()), 'fp': L(tfp.grad.numpy())}
out['grads'] = grads

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'numpyExtrasReference.ts')
with open(path, 'w') as f:
    f.write('/** @file Generated by test/numpyExtrasReference.py (NumPy ' + np.__version__ + ', PyTorch ' + torch.__version__.split('+')[0]
            + '): reference values for test/numpyExtras*.test.ts. Do not edit. */\n')
    f.write('/* eslint-disable */\nexport const ref: any = ' + json.dumps(out) + ';\n')
print('wrote', path)
