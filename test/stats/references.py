"""Writes test/stats/references.ts: log-densities, CDFs and quantiles with their gradients.

torch.distributions 1.13 in float64 (log_prob, cdf, icdf and autograd gradients) where torch has the
function; mpmath 1.2 at 40 digits (mp.diff for gradients) for the gamma/beta/chi2/Poisson CDFs.
Run: /usr/bin/python3 test/stats/references.py > test/stats/references.ts
"""
import json
import math
import mpmath as mp
import torch
import torch.distributions as D

torch.set_default_dtype(torch.float64)
mp.mp.dps = 40
rows = []

def torch_case(name, make, args, diff):
    """make(*tensors) -> scalar tensor; diff: which args get gradients."""
    ts = [torch.tensor(float(a), requires_grad=d) for a, d in zip(args, diff)]
    v = make(*ts)
    grads = torch.autograd.grad(v, [t for t, d in zip(ts, diff) if d], allow_unused=True) if any(diff) else []
    grads = [g if g is not None else torch.tensor(0.0) for g in grads]
    it = iter(grads)
    g = [(float(next(it)) if d else None) for d in diff]
    rows.append({'fn': name, 'args': [float(a) for a in args], 'value': float(v), 'grad': g})

def mp_case(name, f, args, diff):
    a = [mp.mpf(x) for x in args]
    v = f(*a)
    g = []
    for i, d in enumerate(diff):
        if not d:
            g.append(None); continue
        g.append(float(mp.diff(lambda t: f(*(a[:i] + [t] + a[i + 1:])), a[i])))
    rows.append({'fn': name, 'args': [float(x) for x in args], 'value': float(v), 'grad': g})

T = [True]
# norm
for x, loc, scale in [(0.3, -0.2, 1.7), (-3, 0, 1), (5, 1, 0.5), (-38, 0, 1)]:
    torch_case('norm.logpdf', lambda x, l, s: D.Normal(l, s).log_prob(x), (x, loc, scale), T * 3)
    if x > -30:
        torch_case('norm.cdf', lambda x, l, s: D.Normal(l, s).cdf(x), (x, loc, scale), T * 3)
    mp_case('norm.logcdf', lambda x, l, s: mp.log(mp.ncdf((x - l) / s)), (x, loc, scale), T * 3)
    mp_case('norm.logsf', lambda x, l, s: mp.log(mp.ncdf(-(x - l) / s)), (x, loc, scale), T * 3)
for q, loc, scale in [(0.1, 0, 1), (0.975, 2, 3), (1e-6, -1, 0.2)]:
    # mpmath: torch's icdf, √2 erfinv(2q − 1), loses digits to the rounding of 2q − 1 for small q.
    mp_case('norm.ppf', lambda q, l, s: l + s * mp.sqrt(2) * mp.erfinv(2 * q - 1), (q, loc, scale), T * 3)
# t
for x, df, loc, scale in [(0.3, 3.5, 0.1, 2), (-8, 1, 0, 1), (2, 30, -1, 0.5)]:
    torch_case('t.logpdf', lambda x, n, l, s: D.StudentT(n, l, s).log_prob(x), (x, df, loc, scale), T * 4)
# gamma, chi2
for x, a, scale in [(1.3, 2.5, 1), (0.2, 0.6, 2), (40, 30, 1.5)]:
    torch_case('gamma.logpdf', lambda x, a, l, s: D.Gamma(a, 1 / s).log_prob(x - l), (x, a, 0, scale), [True, True, False, True])
    mp_case('gamma.cdf', lambda x, a, l, s: mp.gammainc(a, 0, (x - l) / s, regularized=True), (x, a, 0, scale), [True, True, False, True])
    mp_case('gamma.logsf', lambda x, a, l, s: mp.log(mp.gammainc(a, (x - l) / s, mp.inf, regularized=True)), (x, a, 0, scale), [True, True, False, True])
for x, df in [(1.5, 3), (10, 2.5)]:
    torch_case('chi2.logpdf', lambda x, k: D.Chi2(k).log_prob(x), (x, df), [True, True])
    mp_case('chi2.cdf', lambda x, k: mp.gammainc(k / 2, 0, x / 2, regularized=True), (x, df), [True, True])
# beta
for x, a, b in [(0.3, 2, 3), (0.999, 0.5, 0.7), (1e-4, 3, 1.2)]:
    torch_case('beta.logpdf', lambda x, a, b: D.Beta(a, b).log_prob(x), (x, a, b), T * 3)
    mp_case('beta.cdf', lambda x, a, b: mp.betainc(a, b, 0, x, regularized=True), (x, a, b), T * 3)
    mp_case('beta.sf', lambda x, a, b: mp.betainc(a, b, x, 1, regularized=True), (x, a, b), T * 3)
# expon, laplace, cauchy, uniform, logistic
for x, loc, scale in [(0.7, 0, 2), (3, 1, 0.5), (1e-9, 0, 1)]:
    torch_case('expon.logpdf', lambda x, l, s: D.Exponential(1 / s).log_prob(x - l), (x, loc, scale), T * 3)
    # mpmath: torch's 1 − e^{−x} cancels for small x.
    mp_case('expon.cdf', lambda x, l, s: -mp.expm1(-(x - l) / s), (x, loc, scale), T * 3)
for q in [0.3, 1e-10]:
    mp_case('expon.ppf', lambda q, l, s: l - s * mp.log(1 - q), (q, 0.5, 2), T * 3)  # torch's −log(1 − q) cancels
for x, loc, scale in [(0.7, 0.2, 2), (-3, 1, 0.5)]:
    torch_case('laplace.logpdf', lambda x, l, s: D.Laplace(l, s).log_prob(x), (x, loc, scale), T * 3)
    torch_case('laplace.cdf', lambda x, l, s: D.Laplace(l, s).cdf(x), (x, loc, scale), T * 3)
    torch_case('cauchy.logpdf', lambda x, l, s: D.Cauchy(l, s).log_prob(x), (x, loc, scale), T * 3)
    torch_case('cauchy.cdf', lambda x, l, s: D.Cauchy(l, s).cdf(x), (x, loc, scale), T * 3)
    torch_case('logistic.logpdf', lambda x, l, s: -(x - l) / s - 2 * torch.nn.functional.softplus(-(x - l) / s) - torch.log(s), (x, loc, scale), T * 3)
    torch_case('logistic.cdf', lambda x, l, s: torch.sigmoid((x - l) / s), (x, loc, scale), T * 3)
mp_case('cauchy.cdf', lambda x, l, s: mp.mpf(1) / 2 + mp.atan((x - l) / s) / mp.pi, (-1e8, 0, 1), T * 3)
torch_case('cauchy.ppf', lambda q, l, s: D.Cauchy(l, s).icdf(q), (0.8, 1, 2), T * 3)
torch_case('logistic.ppf', lambda q, l, s: l + s * torch.logit(q), (0.8, 1, 2), T * 3)
torch_case('uniform.logpdf', lambda x, l, s: D.Uniform(l, l + s).log_prob(x), (0.7, 0.5, 2), [False, True, True])
torch_case('uniform.cdf', lambda x, l, s: D.Uniform(l, l + s).cdf(x), (0.7, 0.5, 2), T * 3)
torch_case('uniform.ppf', lambda q, l, s: D.Uniform(l, l + s).icdf(q), (0.3, 0.5, 2), T * 3)
# lognorm: SciPy's lognorm(s, loc, scale) is torch's LogNormal(log scale, s) shifted by loc
for x, s, scale in [(1.7, 0.6, 2), (0.05, 1.5, 1)]:
    torch_case('lognorm.logpdf', lambda x, s, l, c: D.LogNormal(torch.log(c), s).log_prob(x - l), (x, s, 0, scale), [True, True, False, True])
    torch_case('lognorm.cdf', lambda x, s, l, c: D.LogNormal(torch.log(c), s).cdf(x - l), (x, s, 0, scale), [True, True, False, True])
# discrete
for k, mu in [(0, 2.5), (3, 2.5), (40, 10)]:
    torch_case('poisson.logpmf', lambda k, m: D.Poisson(m).log_prob(k), (k, mu), [False, True])
    mp_case('poisson.cdf', lambda k, m: mp.gammainc(k + 1, m, mp.inf, regularized=True), (k, mu), [False, True])
for k, p in [(0, 0.3), (1, 0.3)]:
    torch_case('bernoulli.logpmf', lambda k, p: D.Bernoulli(p).log_prob(k), (k, p), [False, True])
for k, n, p in [(3, 10, 0.2), (0, 5, 0.7), (500, 1000, 0.45)]:
    if n < 100:  # torch's lgamma differences lose ~1e-13 at n = 1000: mpmath only there
        torch_case('binom.logpmf', lambda k, n, p: D.Binomial(n, p).log_prob(k), (k, n, p), [False, False, True])
    mp_case('binom.logpmf', lambda k, n, p: mp.log(mp.binomial(n, k)) + k * mp.log(p) + (n - k) * mp.log(1 - p), (k, n, p), [False, False, True])
for k, p in [(1, 0.3), (7, 0.05)]:
    torch_case('geom.logpmf', lambda k, p: D.Geometric(p).log_prob(k - 1), (k, p), [False, True])

# multivariate: values and gradients as flat lists
def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]
x = torch.tensor([0.2, 0.5, 0.3], requires_grad=True)
alpha = torch.tensor([1.5, 2.0, 0.7], requires_grad=True)
v = D.Dirichlet(alpha).log_prob(x)
gx, ga = torch.autograd.grad(v, [x, alpha])
dirichlet = {'x': flat(x), 'alpha': flat(alpha), 'value': float(v), 'gradAlpha': flat(ga)}
xm = torch.tensor([0.3, -1.2, 2.0], requires_grad=True)
mean = torch.tensor([0.1, 0.4, 1.0], requires_grad=True)
a = torch.tensor([[2.0, 0.3, -0.4], [0.3, 1.5, 0.2], [-0.4, 0.2, 1.1]], requires_grad=True)
v = D.MultivariateNormal(mean, covariance_matrix=a).log_prob(xm)
gx, gm, gc = torch.autograd.grad(v, [xm, mean, a])
mvn = {'x': flat(xm), 'mean': flat(mean), 'cov': [flat(r) for r in a], 'value': float(v), 'gradX': flat(gx), 'gradMean': flat(gm), 'gradCov': flat(gc)}

print('/**')
print(' * @file Reference values for test/stats: torch.distributions 1.13 in float64 (log_prob, cdf, icdf and')
print(' * autograd gradients) and mpmath 1.2 at 40 digits (the gamma/beta/χ²/Poisson CDFs, logcdf/logsf of the')
print(' * normal), written by references.py. Generated, not hand-edited. grad[i] is null where argument i is held fixed.')
print(' */')
print('export interface StatsRow { fn: string; args: number[]; value: number; grad: Array<number | null> }')
print('export const ROWS: StatsRow[] = ' + json.dumps(rows, indent=None).replace('}, {', '},\n  {').replace('[{', '[\n  {').replace('}]', '},\n]') + ';')
print('export const DIRICHLET = ' + json.dumps(dirichlet) + ';')
print('export const MVN = ' + json.dumps(mvn) + ';')
