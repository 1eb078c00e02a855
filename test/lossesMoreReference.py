"""Reference values for test/lossesMore.test.ts: PyTorch 1.13 float64 values of torch.nn.functional's
poisson_nll_loss, gaussian_nll_loss, binary_cross_entropy, huber_loss, soft_margin_loss,
multilabel_soft_margin_loss, margin_ranking_loss, hinge_embedding_loss, multi_margin_loss,
multilabel_margin_loss, cosine_embedding_loss, triplet_margin_loss, pairwise_distance and softplus(beta,
threshold), each over its options and reductions, with inputs on the kinks (hinges at the margin, Huber at
|d| = delta, clamped variances and probabilities), and autograd gradients of sum((1, 2, 3, ...) * loss) with
respect to every float argument torch differentiates. Run with Debian's python (torch 1.13):
/usr/bin/python3 test/lossesMoreReference.py (writes test/lossesMoreReference.ts; CI has no python, so the
output is committed)."""
import json
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
F = torch.nn.functional
rng = np.random.default_rng(13)
r = lambda *s: np.round(rng.normal(size=s), 4)
cases = []


def rec(name, fn, args, grad, options, call=None):
    """Runs torch's `call(*tensors)` (default F.<fn>) with keyword `kw`; records value and gradients of args in `grad`."""
    ts = [torch.tensor(a, requires_grad=(i in grad)) if not isinstance(a, torch.Tensor) else a for i, a in enumerate(args)]
    y = call(*ts)
    weights = torch.arange(1, y.numel() + 1, dtype=torch.float64).reshape(y.shape)
    gs = torch.autograd.grad((y * weights).sum(), [ts[i] for i in grad]) if grad else []
    cases.append({'name': name, 'fn': fn, 'args': [t.tolist() for t in ts], 'options': options, 'grad': grad,
                  'value': y.detach().tolist(), 'grads': [g.tolist() for g in gs]})


long = lambda a: torch.tensor(a, dtype=torch.long)
reductions = ['mean', 'sum', 'none']

# poisson_nll_loss: counts (0 only without `full`: there torch's target gradient is NaN, 0 here).
X, counts, rates = r(3, 4), np.array([[0, 1, 2, 3], [5, 0.5, 1, 7], [2, 4, 0, 1]], float), np.abs(r(3, 4)) + 0.1
counts_pos = np.where(counts == 0, 0.25, counts)
for red in reductions:
    for log_input in [True, False]:
        for full in [False, True]:
            for eps in [1e-8, 1e-3]:
                t = counts_pos if full else counts
                x = X if log_input else rates
                kw = dict(log_input=log_input, full=full, eps=eps, reduction=red)
                rec(f'poissonNllLoss {kw}', 'poissonNllLoss', [x, t], [0, 1], {'logInput': log_input, 'full': full, 'eps': eps, 'reduction': red},
                    lambda a, b: F.poisson_nll_loss(a, b, **kw))
rec('poissonNllLoss broadcast target', 'poissonNllLoss', [X, counts[0]], [0, 1], {'reduction': 'none'}, lambda a, b: F.poisson_nll_loss(a, b, reduction='none'))

# gaussian_nll_loss: var per entry (some below eps: clamped), per row ([3] and [3, 1]), target broadcast.
V = np.abs(r(3, 4)) + 0.05
V[0, 0], V[1, 2], V[2, 3] = 1e-8, 0.0, 1e-6
for red in reductions:
    for full in [False, True]:
        for eps in [1e-6, 0.1]:
            for vname, var in [('entries', V), ('rows', V[:, 1] + 0.5), ('rows1', V[:, 1:2] + 0.5)]:
                kw = dict(full=full, eps=eps, reduction=red)
                rec(f'gaussianNllLoss var {vname} {kw}', 'gaussianNllLoss', [X, r(3, 4), var], [0, 1, 2], {'full': full, 'eps': eps, 'reduction': red},
                    lambda a, b, c: F.gaussian_nll_loss(a, b, c, **kw))
rec('gaussianNllLoss target broadcast', 'gaussianNllLoss', [X, r(4), V], [0, 1, 2], {'reduction': 'none'}, lambda a, b, c: F.gaussian_nll_loss(a, b, c, reduction='none'))
rec('gaussianNllLoss 1-d input, var [1]', 'gaussianNllLoss', [r(4), r(4), [0.7]], [0, 1, 2], {'reduction': 'none'}, lambda a, b, c: F.gaussian_nll_loss(a, b, c, reduction='none'))

# binary_cross_entropy: probabilities at 0 and 1 (logs clamped at -100), below 1e-12 (torch's gradient
# clamp), ties with the target; target gradients only where torch's −logit(x) is finite.
P = np.round(rng.uniform(size=(3, 4)), 4)
P[0] = [0.0, 1.0, 1e-50, 1e-13]
P[1, 0], P[1, 1] = 1 - 1e-13, 0.3
Y = np.round(rng.uniform(size=(3, 4)), 4)
Y[0] = [1.0, 0.0, 0.5, 0.7]
Y[1, 1] = 0.3
Pin = np.clip(P, 0.01, 0.99)
for red in reductions:
    for wname, w in [('none', None), ('classes', np.array([0.5, 2.0, 1.0, 3.0])), ('rows', np.array([[1.0], [0.5], [2.0]]))]:
        kw = dict(reduction=red, weight=None if w is None else torch.tensor(w))
        opts = {'reduction': red, **({} if w is None else {'weight': w.tolist()})}
        rec(f'binaryCrossEntropy edges weight {wname} {red}', 'binaryCrossEntropy', [P, Y], [0], opts, lambda a, b: F.binary_cross_entropy(a, b, **kw))
        rec(f'binaryCrossEntropy inside weight {wname} {red}', 'binaryCrossEntropy', [Pin, Y], [0, 1], opts, lambda a, b: F.binary_cross_entropy(a, b, **kw))

# huber_loss: |d| = delta exactly and d = 0; broadcast target.
A = np.array([[0.3, -1.2, 2.5, 0.0], [1.1, 0.7, -0.4, 3.0], [-2.0, 0.05, 0.9, -0.6]])
B = np.array([[0.3, -0.2, -1.0, 0.5], [1.0, 0.7, 0.6, -1.0], [0.0, 0.0, 1.0, -0.1]])
for red in reductions:
    for delta in [1.0, 0.5, 2.5]:
        rec(f'huberLoss delta {delta} {red}', 'huberLoss', [A, B], [0, 1], {'delta': delta, 'reduction': red}, lambda a, b: F.huber_loss(a, b, reduction=red, delta=delta))
rec('huberLoss broadcast', 'huberLoss', [A, B[0]], [0, 1], {'reduction': 'none'}, lambda a, b: F.huber_loss(a, b, reduction='none'))

# soft_margin_loss (torch: no target gradient) and multilabel_soft_margin_loss.
S = np.sign(r(3, 4))
S[S == 0] = 1
for red in reductions:
    rec(f'softMarginLoss {red}', 'softMarginLoss', [X * 3, S], [0], {'reduction': red}, lambda a, b: F.soft_margin_loss(a, b, reduction=red))
    for wname, w in [('none', None), ('classes', np.array([0.5, 2.0, 1.0, 3.0]))]:
        args = [X * 3, Y] + ([] if w is None else [w])
        call = (lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction=red)) if w is None else (lambda a, b, c: F.multilabel_soft_margin_loss(a, b, weight=c, reduction=red))
        rec(f'multilabelSoftMarginLoss weight {wname} {red}', 'multilabelSoftMarginLoss', args, list(range(len(args))), {'reduction': red}, call)
rec('multilabelSoftMarginLoss 1-d', 'multilabelSoftMarginLoss', [X[0], Y[0]], [0, 1], {'reduction': 'none'}, lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction='none'))

# margin_ranking_loss (kinks: −y(x1 − x2) + margin = 0) and hinge_embedding_loss (margin − x = 0; a target 0 takes both terms).
x1 = np.array([1.0, 0.0, 0.3, -0.2, 2.0, 0.5]); x2 = np.array([0.5, 0.0, 0.8, 0.4, 1.0, 0.5]); yy = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
for red in reductions:
    for margin in [0.0, 0.5]:
        rec(f'marginRankingLoss margin {margin} {red}', 'marginRankingLoss', [x1, x2, yy], [0, 1, 2], {'margin': margin, 'reduction': red},
            lambda a, b, c: F.margin_ranking_loss(a, b, c, margin=margin, reduction=red))
        hx = np.array([[1.0, 0.5, 2.0, 0.3], [0.5, -0.4, 1.3, 0.0]]); ht = np.array([[-1.0, -1.0, 1.0, 0.0], [-1.0, 1.0, -1.0, -1.0]])
        m = 1.0 if margin == 0 else margin
        rec(f'hingeEmbeddingLoss margin {m} {red}', 'hingeEmbeddingLoss', [hx, ht], [0], {'margin': m, 'reduction': red},
            lambda a, b: F.hinge_embedding_loss(a, b, margin=m, reduction=red))

# multi_margin_loss: row 0 has a term exactly at the margin (z = 0).
MX = np.array([[1.0, 0.0, 0.5], [0.1, 0.3, 0.2], [-0.4, 0.9, 1.6], [0.2, 0.2, 0.2]]); MT = long([0, 2, 1, 0])
for red in reductions:
    for p in [1, 2]:
        for margin in [1.0, 0.7]:
            for w in [None, np.array([1.0, 2.0, 3.0])]:
                kw = dict(p=p, margin=margin, reduction=red, weight=None if w is None else torch.tensor(w))
                rec(f'multiMarginLoss p {p} margin {margin} weighted {w is not None} {red}', 'multiMarginLoss', [MX, MT], [0],
                    {'p': p, 'margin': margin, 'reduction': red, **({} if w is None else {'weight': w.tolist()})}, lambda a, b: F.multi_margin_loss(a, b, **kw))
rec('multiMarginLoss 1-d', 'multiMarginLoss', [MX[2], long(1)], [0], {'reduction': 'none'}, lambda a, b: F.multi_margin_loss(a, b, reduction='none'))

# multilabel_margin_loss: −1-terminated lists, a full list, a duplicate class, entries after −1; a term at the kink.
LX = np.array([[0.1, 0.2, 0.4, 0.8], [0.3, -0.2, 0.9, 1.3], [0.5, 0.0, 0.3, 1.5], [1.0, 0.0, 0.7, 0.2]])
LT = long([[3, 0, -1, 1], [1, 2, 3, 0], [0, 0, -1, 2], [0, -1, -1, -1]])
for red in reductions:
    rec(f'multilabelMarginLoss {red}', 'multilabelMarginLoss', [LX, LT], [0], {'reduction': red}, lambda a, b: F.multilabel_margin_loss(a, b, reduction=red))
rec('multilabelMarginLoss 1-d', 'multilabelMarginLoss', [LX[1], long([2, -1, 0, 3])], [0], {'reduction': 'none'}, lambda a, b: F.multilabel_margin_loss(a, b, reduction='none'))

# cosine_embedding_loss: orthogonal rows (cos = 0 = margin: the kink), a zero vector, y = 0, broadcast x2.
C1 = r(5, 3); C2 = r(5, 3)
C1[0], C2[0] = [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]
C1[1] = [0.0, 0.0, 0.0]
CY = np.array([-1.0, 1.0, -1.0, 1.0, 0.0])
for red in reductions:
    for margin in [0.0, 0.3, -0.5]:
        rec(f'cosineEmbeddingLoss margin {margin} {red}', 'cosineEmbeddingLoss', [C1, C2, CY], [0, 1], {'margin': margin, 'reduction': red},
            lambda a, b, c: F.cosine_embedding_loss(a, b, c, margin=margin, reduction=red))
rec('cosineEmbeddingLoss broadcast x2', 'cosineEmbeddingLoss', [C1, C2[2:3], CY], [0, 1], {'reduction': 'none'}, lambda a, b, c: F.cosine_embedding_loss(a, b, c, reduction='none'))
rec('cosineEmbeddingLoss 1-d', 'cosineEmbeddingLoss', [C1[3], C2[3], -1.0], [0, 1], {'reduction': 'none', 'margin': -0.9}, lambda a, b, c: F.cosine_embedding_loss(a, b, c, reduction='none', margin=-0.9))

# triplet_margin_loss over p, eps, swap; row 0 sits on the kink (eps 0), row 1 has a swap tie (eps 0).
TA, TP, TN = r(4, 3), r(4, 3), r(4, 3)
TA[0], TP[0], TN[0] = [0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [2.0, 0.0, 0.0]
TA[1], TP[1], TN[1] = [0.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 2.0, 0.0]
for red in reductions:
    for p in [2, 1, 3, float('inf')]:
        for eps in [1e-6, 0.0]:
            for swap in [False, True]:
                margin = 1.0 if p != 3 else 0.5
                kw = dict(margin=margin, p=p, eps=eps, swap=swap, reduction=red)
                rec(f'tripletMarginLoss {kw}', 'tripletMarginLoss', [TA, TP, TN], [0, 1, 2], {'margin': margin, 'p': p, 'eps': eps, 'swap': swap, 'reduction': red},
                    lambda a, b, c: F.triplet_margin_loss(a, b, c, **kw))
rec('tripletMarginLoss broadcast', 'tripletMarginLoss', [TA, TP[2:3], TN], [0, 1, 2], {'reduction': 'none'}, lambda a, b, c: F.triplet_margin_loss(a, b, c, reduction='none'))
rec('tripletMarginLoss 1-d', 'tripletMarginLoss', [TA[2], TP[2], TN[2]], [0, 1, 2], {'reduction': 'none'}, lambda a, b, c: F.triplet_margin_loss(a, b, c, reduction='none'))

# pairwise_distance: p (0 has no gradient in torch), eps, keepdim, a zero difference, ties for p = inf, 1-d, 0-d, broadcast.
D1, D2 = r(4, 3), r(4, 3)
D1[0], D2[0] = [1.0, -1.0, 0.5], [1.0, -1.0, 0.5]
D1[1], D2[1] = [1.0, -1.0, 0.5], [0.0, 0.0, 0.0]
for p in [2, 1, 3, 1.5, float('inf')]:
    for eps in [1e-6, 0.0]:
        for keepdim in [False, True]:
            rec(f'pairwiseDistance p {p} eps {eps} keepdim {keepdim}', 'pairwiseDistance', [D1, D2], [0, 1], {'p': p, 'eps': eps, 'keepdim': keepdim},
                lambda a, b: F.pairwise_distance(a, b, p=p, eps=eps, keepdim=keepdim))
rec('pairwiseDistance p 0', 'pairwiseDistance', [D1, D2], [], {'p': 0}, lambda a, b: F.pairwise_distance(a, b, p=0))
rec('pairwiseDistance 1-d against 2-d', 'pairwiseDistance', [D1[2], D2], [0, 1], {}, lambda a, b: F.pairwise_distance(a, b))
rec('pairwiseDistance 0-d', 'pairwiseDistance', [1.5, -0.25], [0, 1], {'keepdim': True}, lambda a, b: F.pairwise_distance(a, b, keepdim=True))

# softplus(beta, threshold): both branches, a negative beta, values past the threshold.
SX = np.array([-30.0, -2.0, -0.6, 0.0, 0.2, 0.5, 0.6, 3.0, 15.0, 40.0])
for beta, threshold in [(2.0, 1.0), (0.5, 20.0), (-2.0, 1.0), (1.0, 20.0), (1.0, 2.0), (3.0, 50.0)]:
    rec(f'softplus beta {beta} threshold {threshold}', 'softplus', [SX], [0], {'beta': beta, 'threshold': threshold}, lambda a: F.softplus(a, beta=beta, threshold=threshold))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'lossesMoreReference.ts'), 'w') as f:
    f.write('/** @file Generated by test/lossesMoreReference.py (PyTorch 1.13 values and autograd gradients); do not edit. */\n')
    f.write('/* eslint-disable */\n')
    f.write('export const reference = ' + json.dumps({'cases': cases}) + ' as const;\n')
print(len(cases), 'cases')
