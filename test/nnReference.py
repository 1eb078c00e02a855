"""Reference values for test/pooling.test.ts, test/normalization.test.ts and test/attention.test.ts,
from PyTorch 1.13 (torch.nn.functional's pools and norms; attention written in torch ops as
jax.nn.dot_product_attention defines it) with autograd gradients.

Run with Debian's python (torch 1.13): /usr/bin/python3 test/nnReference.py
It writes test/nnReference.ts; CI has no python, so the output is committed.
Inputs are exact binary fractions from a formula the tests repeat (test/support side: `seq`).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def seq(shape, salt=0):
    """((i·7919 + 31·salt) mod 1009)/64 − 8: distinct for < 1009 entries, exact in binary (no ties)."""
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((i * 7919 + 31 * salt) % 1009) / 64 - 8 for i in range(n)]).reshape(shape)


def weights(shape):
    """Cotangent weights ((j·13 + 5) mod 17)/4 − 2."""
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((j * 13 + 5) % 17) / 4 - 2 for j in range(n)]).reshape(shape)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run(fn, inputs):
    """fn's value and the gradients of Σ value·weights with respect to every input."""
    ts = [t.clone().requires_grad_(True) for t in inputs]
    y = fn(*ts)
    (y * weights(y.shape)).sum().backward()
    return {'outShape': list(y.shape), 'value': flat(y), 'grads': [flat(t.grad) for t in ts]}


NEG = float('-inf')
out = {'pool': [], 'norm': [], 'attention': []}


def pool(name, op, shape, window, options, fn):
    out['pool'].append({'name': name, 'op': op, 'shape': shape, 'window': window, 'options': options, **run(fn, [seq(shape)])})


# ---- pooling ------------------------------------------------------------------------------
pool('max 1-d stride 2 padding 1 dilation 2', 'max', [2, 3, 9], [3], {'stride': 2, 'padding': 1, 'dilation': 2},
     lambda x: F.max_pool1d(x, 3, 2, 1, dilation=2))
pool('max 2-d default stride', 'max', [1, 3, 6, 6], [2, 2], {}, lambda x: F.max_pool2d(x, 2))
pool('max 2-d stride [2,1] padding 1 ceil', 'max', [2, 2, 7, 6], [3, 2], {'stride': [2, 1], 'padding': 1, 'ceilMode': True},
     lambda x: F.max_pool2d(x, (3, 2), (2, 1), 1, ceil_mode=True))
pool('max 3-d', 'max', [1, 2, 5, 4, 5], [2, 2, 3], {'stride': [2, 1, 2], 'padding': [1, 0, 1], 'dilation': [1, 2, 1]},
     lambda x: F.max_pool3d(x, (2, 2, 3), (2, 1, 2), (1, 0, 1), dilation=(1, 2, 1)))
pool('max 2-d unbatched ceil', 'max', [3, 5, 5], [3, 3], {'stride': 2, 'ceilMode': True},
     lambda x: F.max_pool2d(x, 3, 2, ceil_mode=True))
pool("max 1-d 'same' stride 2 (pads 0+1)", 'max', [2, 2, 6], [3], {'stride': 2, 'padding': 'same'},
     lambda x: F.max_pool1d(F.pad(x, (0, 1), value=NEG), 3, 2))
pool('avg 1-d stride 2 padding 1', 'avg', [2, 3, 9], [3], {'stride': 2, 'padding': 1},
     lambda x: F.avg_pool1d(x, 3, 2, 1))
pool('avg 1-d padding 1 countIncludePad false ceil', 'avg', [2, 3, 8], [3], {'stride': 2, 'padding': 1, 'countIncludePad': False, 'ceilMode': True},
     lambda x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False))
pool('avg 2-d stride [2,1] padding 1 ceil', 'avg', [2, 2, 7, 6], [3, 2], {'stride': [2, 1], 'padding': 1, 'ceilMode': True},
     lambda x: F.avg_pool2d(x, (3, 2), (2, 1), 1, ceil_mode=True))
pool('avg 2-d stride [2,1] padding 1 ceil, pad not counted', 'avg', [2, 2, 7, 6], [3, 2], {'stride': [2, 1], 'padding': 1, 'ceilMode': True, 'countIncludePad': False},
     lambda x: F.avg_pool2d(x, (3, 2), (2, 1), 1, ceil_mode=True, count_include_pad=False))
pool('avg 2-d unbatched default stride', 'avg', [2, 6, 4], [2, 2], {}, lambda x: F.avg_pool2d(x, 2))
pool('avg 3-d pad not counted', 'avg', [1, 2, 5, 4, 5], [2, 2, 3], {'stride': [2, 1, 2], 'padding': [1, 0, 1], 'countIncludePad': False},
     lambda x: F.avg_pool3d(x, (2, 2, 3), (2, 1, 2), (1, 0, 1), count_include_pad=False))
pool("avg 2-d 'same' stride 2 (pads [0+1, 1+1]), pad counted", 'avg', [1, 2, 6, 5], [3, 3], {'stride': 2, 'padding': 'same'},
     lambda x: F.avg_pool2d(F.pad(x, (1, 1, 0, 1)), 3, 2))
pool('adaptive avg 1-d 10 → 4', 'adaptiveAvg', [2, 3, 10], [4], {}, lambda x: F.adaptive_avg_pool1d(x, 4))
pool('adaptive avg 2-d 7×5 → 3×4', 'adaptiveAvg', [1, 2, 7, 5], [3, 4], {}, lambda x: F.adaptive_avg_pool2d(x, (3, 4)))
pool('adaptive avg 3-d', 'adaptiveAvg', [1, 1, 5, 6, 4], [2, 3, 2], {}, lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)))
pool('adaptive avg 1-d upsampling 3 → 5', 'adaptiveAvg', [1, 2, 3], [5], {}, lambda x: F.adaptive_avg_pool1d(x, 5))
pool('adaptive max 2-d 7×5 → 3×4', 'adaptiveMax', [1, 2, 7, 5], [3, 4], {}, lambda x: F.adaptive_max_pool2d(x, (3, 4)))

# ---- normalisation --------------------------------------------------------------------------


def norm(name, op, shapes, options, fn):
    out['norm'].append({'name': name, 'op': op, 'shapes': shapes, 'options': options,
                        **run(fn, [seq(s, i) for i, s in enumerate(shapes)])})


def standardize(x, axes, eps):
    m = x.mean(dim=axes, keepdim=True)
    v = ((x - m) ** 2).mean(dim=axes, keepdim=True)
    return (x - m) / torch.sqrt(v + eps)


norm('standardize last axis', 'standardize', [[3, 5]], {'axis': -1}, lambda x: standardize(x, [-1], 1e-5))
norm('standardize axes [0, 2], epsilon 0.1', 'standardize', [[3, 2, 4]], {'axis': [0, 2], 'epsilon': 0.1}, lambda x: standardize(x, [0, 2], 0.1))
norm('standardize given mean (variance E[x²] − m²)', 'standardizeMean', [[3, 4], [3, 1]], {'axis': -1},
     lambda x, m: (x - m / 16) / torch.sqrt((x * x).mean(-1, keepdim=True) - (m / 16) ** 2 + 1e-5))  # the mean given is m/16
norm('standardize given mean and variance', 'standardizeMeanVariance', [[3, 4], [4], [4]], {'axis': -1},
     lambda x, m, v: (x - m) / torch.sqrt(v * v + 1 + 1e-5))
norm('layerNorm [3, 4] with weight and bias', 'layerNorm', [[2, 3, 4], [3, 4], [3, 4]], {'normalizedShape': [3, 4]},
     lambda x, w, b: F.layer_norm(x, [3, 4], w, b))
norm('layerNorm 5, epsilon 0.01', 'layerNormPlain', [[4, 5]], {'normalizedShape': 5, 'epsilon': 0.01},
     lambda x: F.layer_norm(x, [5], eps=0.01))
norm('groupNorm 3 groups of 2 channels', 'groupNorm', [[2, 6, 3, 2], [6], [6]], {'groups': 3},
     lambda x, w, b: F.group_norm(x, 3, w, b))
norm('groupNorm 1 group [N, C]', 'groupNormPlain', [[3, 4]], {'groups': 1}, lambda x: F.group_norm(x, 1))
norm('batchNorm training', 'batchNormTraining', [[4, 3, 5], [3], [3]], {},
     lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True))
norm('batchNorm training 2-d images', 'batchNormTraining', [[2, 3, 2, 3], [3], [3]], {},
     lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True))
# running statistics (not differentiated by torch): mean seq([3], 3), variance seq([3], 4)² + 0.5
norm('batchNorm eval with running statistics', 'batchNormEval', [[4, 3, 5], [3], [3]], {},
     lambda x, w, b: F.batch_norm(x, seq([3], 3), seq([3], 4) ** 2 + 0.5, w, b, training=False))

# ---- attention (jax.nn.dot_product_attention's xla path, in torch ops) ----------------------
LARGE_NEG = -0.7 * torch.finfo(torch.float64).max


def attention(q, k, v, bias=None, mask=None, scale=None, causal=False):
    *batch, T, N, H = q.shape
    S, K = k.shape[-3], k.shape[-2]
    G = N // K
    kk = k.repeat_interleave(G, dim=-2)  # query head n reads kv head n // G
    vv = v.repeat_interleave(G, dim=-2)
    scale = H ** -0.5 if scale is None else scale
    logits = torch.einsum('...tnh,...snh->...nts', q, kk) * scale
    if bias is not None:
        logits = logits + bias
    keep = torch.ones(logits.shape, dtype=torch.bool)
    if mask is not None:
        keep = keep & (mask != 0)
    if causal:
        keep = keep & torch.tril(torch.ones(T, S, dtype=torch.bool))
    logits = torch.where(keep, logits, torch.tensor(LARGE_NEG))
    probs = torch.softmax(logits, dim=-1)
    return torch.einsum('...nts,...snh->...tnh', probs, vv)


def attn(name, shapes, options, fn, extra=None):
    inputs = [seq(s, i) / 4 for i, s in enumerate(shapes)]
    entry = {'name': name, 'shapes': shapes, 'options': options, **run(fn, inputs)}
    if extra is not None:
        entry.update(extra)
    out['attention'].append(entry)


MASK = [[1, 0, 1, 1, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]]  # the second query row fully masked
attn('multi-head', [[2, 3, 2, 4], [2, 5, 2, 4], [2, 5, 2, 4]], {}, lambda q, k, v: attention(q, k, v))
attn('grouped-query (4 heads, 2 kv heads), scale 0.3', [[2, 3, 4, 2], [2, 5, 2, 2], [2, 5, 2, 2]], {'scale': 0.3},
     lambda q, k, v: attention(q, k, v, scale=0.3))
attn('bias [N, T, S] and mask [T, S] with a fully masked row', [[2, 3, 2, 4], [2, 5, 2, 4], [2, 5, 2, 4], [2, 3, 5]], {'mask': MASK},
     lambda q, k, v, b: attention(q, k, v, bias=b, mask=torch.tensor(MASK)))
attn('causal, unbatched', [[4, 2, 3], [4, 2, 3], [4, 2, 3]], {'isCausal': True}, lambda q, k, v: attention(q, k, v, causal=True))
attn('causal with T < S, two batch axes, multi-query', [[2, 1, 3, 2, 2], [2, 1, 4, 1, 2], [2, 1, 4, 1, 2]], {'isCausal': True},
     lambda q, k, v: attention(q, k, v, causal=True))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'nnReference.ts'), 'w') as f:
    f.write('/** @file Generated by test/nnReference.py (PyTorch 1.13 values and autograd gradients); do not edit. */\n')
    f.write('/* eslint-disable */\n')
    f.write('import * as ad from \'adjoint\';\n\n')
    f.write('const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);\n')
    f.write('/** nnReference.py\'s seq: ((i·7919 + 31·salt) mod 1009)/64 − 8, distinct and exact. */\n')
    f.write('export const seq = (shape: readonly number[], salt = 0): ad.Tensor =>\n')
    f.write('  ad.tensor(Float64Array.from({ length: size(shape) }, (_, i) => ((i * 7919 + 31 * salt) % 1009) / 64 - 8), [...shape]);\n')
    f.write('/** nnReference.py\'s cotangent weights ((j·13 + 5) mod 17)/4 − 2. */\n')
    f.write('export const weights = (shape: readonly number[]): ad.Tensor =>\n')
    f.write('  ad.tensor(Float64Array.from({ length: size(shape) }, (_, j) => ((j * 13 + 5) % 17) / 4 - 2), [...shape]);\n\n')
    f.write('export const reference = ' + json.dumps(out) + ' as const;\n')
