"""Writes test/functionalMoreReference.json: PyTorch 1.13's values and autograd gradients, in float64, of the
torch.nn.functional ops test/functionalMore.test.ts checks adjoint's against — linear, bilinear, embedding,
embedding_bag, instance_norm, local_response_norm, affine_grid, grid_sample, pdist, channel_shuffle,
max_pool with return_indices, max_unpool and avg_pool's divisor_override — over several configurations each
(padding_idx hit, max_norm hit and not, empty bags, align_corners both ways, every padding mode, ties in
max pooling). Each case stores the float inputs (before the call: max_norm rewrites the weight in place),
the constant arguments and options (adjoint's names), the output, a random cotangent r and the gradients of
sum(r · output) in every float input. Non-finite numbers are written as strings ("-Infinity").
Run: /usr/bin/python3 test/functionalMoreReference.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
cases = {}


def number(v):
    return v if math.isfinite(v) else str(v).replace("inf", "Infinity").replace("nan", "NaN")


def stored(t):
    return {"shape": list(t.shape), "data": [number(v) for v in t.detach().reshape(-1).tolist()]}


def case(name, fn, inputs, call, consts=None, options=None, grads=True):
    """inputs: float tensors by adjoint's argument name; call(**leaves) -> output or (values, indices)."""
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in inputs.items()}
    out = call(**leaves)
    indices = None
    if isinstance(out, tuple):
        out, indices = out
    r = torch.randn(out.shape, generator=torch.Generator().manual_seed(len(cases)))
    entry = {"fn": fn, "inputs": {k: stored(v) for k, v in inputs.items()}, "consts": consts or {}, "options": options or {},
             "value": stored(out), "r": stored(r), "grads": None}
    if indices is not None:
        entry["indices"] = stored(indices)
    if grads:
        g = torch.autograd.grad((out * r).sum(), list(leaves.values()), allow_unused=True)
        entry["grads"] = {k: stored(gi if gi is not None else torch.zeros_like(leaves[k])) for k, gi in zip(leaves, g)}
    cases[name] = entry


def randn(*shape):
    return torch.randn(*shape)


# ---- linear, bilinear
case("linear 2-D with bias", "linear", {"input": randn(4, 3), "weight": randn(5, 3), "bias": randn(5)}, lambda input, weight, bias: F.linear(input, weight, bias))
case("linear 3-D no bias", "linear", {"input": randn(2, 3, 4), "weight": randn(2, 4)}, lambda input, weight: F.linear(input, weight))
case("linear 1-D input", "linear", {"input": randn(3), "weight": randn(2, 3), "bias": randn(2)}, lambda input, weight, bias: F.linear(input, weight, bias))
case("linear 1-D weight", "linear", {"input": randn(4, 3), "weight": randn(3)}, lambda input, weight: F.linear(input, weight))
case("linear 1-D input and weight, scalar bias", "linear", {"input": randn(3), "weight": randn(3), "bias": randn(())}, lambda input, weight, bias: F.linear(input, weight, bias))
case("bilinear 2-D with bias", "bilinear", {"input1": randn(4, 3), "input2": randn(4, 2), "weight": randn(5, 3, 2), "bias": randn(5)},
     lambda input1, input2, weight, bias: F.bilinear(input1, input2, weight, bias))
case("bilinear 3-D no bias", "bilinear", {"input1": randn(2, 3, 3), "input2": randn(2, 3, 4), "weight": randn(2, 3, 4)},
     lambda input1, input2, weight: F.bilinear(input1, input2, weight))
case("bilinear 1-D inputs", "bilinear", {"input1": randn(3), "input2": randn(2), "weight": randn(4, 3, 2), "bias": randn(4)},
     lambda input1, input2, weight, bias: F.bilinear(input1, input2, weight, bias))

# ---- embedding
W6 = randn(6, 3) * 1.5
idx = [[0, 2, 5, 2], [2, 1, 1, 3]]
T = torch.tensor


def embedding_case(name, options, weight=W6, indices=idx, **kw):
    case(name, "embedding", {"weight": weight}, lambda weight: F.embedding(T(indices), weight, **kw), {"indices": indices}, options)


embedding_case("embedding 2-D indices", {})
embedding_case("embedding paddingIdx hit", {"paddingIdx": 2}, padding_idx=2)
embedding_case("embedding paddingIdx negative", {"paddingIdx": -1}, padding_idx=-1)
embedding_case("embedding maxNorm hit (repeated rows)", {"maxNorm": 1.5}, max_norm=1.5)
embedding_case("embedding maxNorm not hit", {"maxNorm": 100.0}, max_norm=100.0)
embedding_case("embedding maxNorm normType 1, paddingIdx", {"maxNorm": 2.0, "normType": 1, "paddingIdx": 1}, max_norm=2.0, norm_type=1.0, padding_idx=1)
embedding_case("embedding maxNorm normType inf", {"maxNorm": 1.0, "normType": "Infinity"}, max_norm=1.0, norm_type=float("inf"))

# ---- embedding_bag
W7 = torch.randint(-3, 4, (7, 4)).double()  # whole numbers: ties in max mode
flat = [1, 2, 4, 5, 4, 3, 2, 6]
offsets = [0, 2, 2, 5]


def bag_case(name, options, indices=flat, weight=W7, psw=None, **kw):
    inputs = {"weight": weight}
    if psw is not None:
        inputs["perSampleWeights"] = psw
    consts = {"indices": indices}
    if "offsets" in kw:
        consts["offsets"] = kw["offsets"]
        kw = {**kw, "offsets": T(kw["offsets"], dtype=torch.long)}

    def call(weight, perSampleWeights=None):
        return F.embedding_bag(T(indices, dtype=torch.long), weight, per_sample_weights=perSampleWeights, **kw)

    case(name, "embeddingBag", inputs, call, consts, options)


bag_case("embeddingBag sum, an empty bag", {"mode": "sum"}, offsets=offsets, mode="sum")
bag_case("embeddingBag mean, an empty bag", {"mode": "mean"}, offsets=offsets, mode="mean")
bag_case("embeddingBag max with ties, an empty bag", {"mode": "max"}, offsets=offsets, mode="max")
bag_case("embeddingBag includeLastOffset mean", {"mode": "mean", "includeLastOffset": True}, offsets=offsets + [8], mode="mean", include_last_offset=True)
bag_case("embeddingBag perSampleWeights", {"mode": "sum"}, psw=randn(8), offsets=offsets, mode="sum")
bag_case("embeddingBag paddingIdx mean (a bag of padding only)", {"mode": "mean", "paddingIdx": 4}, indices=[1, 4, 4, 4, 2, 3], offsets=[0, 2, 4], mode="mean", padding_idx=4)
bag_case("embeddingBag paddingIdx max", {"mode": "max", "paddingIdx": 2}, offsets=offsets, mode="max", padding_idx=2)
bag_case("embeddingBag paddingIdx sum, perSampleWeights", {"mode": "sum", "paddingIdx": -3}, psw=randn(8), offsets=offsets, mode="sum", padding_idx=-3)
bag_case("embeddingBag 2-D mean", {"mode": "mean"}, indices=[[0, 3, 3], [6, 1, 2]], mode="mean")
bag_case("embeddingBag 2-D max", {"mode": "max"}, indices=[[0, 3, 3], [6, 1, 2]], mode="max")
bag_case("embeddingBag maxNorm sum", {"mode": "sum", "maxNorm": 3.0}, weight=randn(7, 4) * 2, offsets=offsets, mode="sum", max_norm=3.0)
bag_case("embeddingBag no indices, two empty bags", {"mode": "mean"}, indices=[], offsets=[0, 0], mode="mean")

# ---- instance_norm, local_response_norm
case("instanceNorm 3-D, weight and bias", "instanceNorm", {"input": randn(2, 3, 5), "weight": randn(3), "bias": randn(3)},
     lambda input, weight, bias: F.instance_norm(input, weight=weight, bias=bias))
case("instanceNorm 4-D, eps", "instanceNorm", {"input": randn(2, 3, 2, 3) * 4 + 1}, lambda input: F.instance_norm(input, eps=1e-3), options={"epsilon": 1e-3})
rm, rv = randn(3), torch.rand(3) + 0.5
case("instanceNorm running statistics", "instanceNorm", {"input": randn(2, 3, 4), "weight": randn(3), "bias": randn(3)},
     lambda input, weight, bias: F.instance_norm(input, rm.clone(), rv.clone(), weight, bias, use_input_stats=False),
     {"runningMean": stored(rm), "runningVar": stored(rv)}, {"useInputStats": False})
case("localResponseNorm 3-D, size 3", "localResponseNorm", {"input": randn(2, 5, 4)}, lambda input: F.local_response_norm(input, 3), {"size": 3})
case("localResponseNorm 4-D, even size 4", "localResponseNorm", {"input": randn(2, 6, 3, 2) * 3}, lambda input: F.local_response_norm(input, 4, alpha=0.1), {"size": 4}, {"alpha": 0.1})
case("localResponseNorm 5-D, size 2, alpha beta k", "localResponseNorm", {"input": randn(1, 4, 2, 2, 3)},
     lambda input: F.local_response_norm(input, 2, alpha=0.5, beta=1.3, k=2.0), {"size": 2}, {"alpha": 0.5, "beta": 1.3, "k": 2.0})
case("localResponseNorm size past the channels", "localResponseNorm", {"input": randn(1, 3, 4)}, lambda input: F.local_response_norm(input, 5, alpha=1.0), {"size": 5}, {"alpha": 1.0})

# ---- affine_grid, grid_sample
for ac in [False, True]:
    case(f"affineGrid 4-D alignCorners {ac}", "affineGrid", {"theta": randn(2, 2, 3)}, lambda theta: F.affine_grid(theta, [2, 3, 4, 5], align_corners=ac), {"size": [2, 3, 4, 5]}, {"alignCorners": ac})
    case(f"affineGrid 5-D alignCorners {ac}", "affineGrid", {"theta": randn(2, 3, 4)}, lambda theta: F.affine_grid(theta, [2, 1, 2, 3, 4], align_corners=ac), {"size": [2, 1, 2, 3, 4]}, {"alignCorners": ac})
case("affineGrid unit height, alignCorners", "affineGrid", {"theta": randn(1, 2, 3)}, lambda theta: F.affine_grid(theta, [1, 1, 1, 3], align_corners=True), {"size": [1, 1, 1, 3]}, {"alignCorners": True})
image = randn(2, 3, 4, 5)
grid = torch.rand(2, 3, 4, 2) * 2.6 - 1.3  # some points outside [−1, 1]
for mode in ["bilinear", "nearest", "bicubic"]:
    for padding in ["zeros", "border", "reflection"]:
        for ac in [False, True]:
            case(f"gridSample 4-D {mode} {padding} alignCorners {ac}", "gridSample", {"input": image, "grid": grid},
                 lambda input, grid: F.grid_sample(input, grid, mode=mode, padding_mode=padding, align_corners=ac), options={"mode": mode, "paddingMode": padding, "alignCorners": ac})
# Points on the edges, the centre and half-pixels (ties of 'nearest', half to even): a clamped coordinate's
# derivative is 0 at the edges (PyTorch's "borders are out of bounds").
edges = T([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5])[torch.randint(0, 7, (2, 3, 4, 2))]
for mode, padding, ac in [("bilinear", "border", True), ("bilinear", "border", False), ("bilinear", "reflection", True), ("bilinear", "reflection", False), ("nearest", "zeros", False), ("bicubic", "border", True)]:
    case(f"gridSample 4-D {mode} {padding} alignCorners {ac}, points on the edges", "gridSample", {"input": image, "grid": edges},
         lambda input, grid: F.grid_sample(input, grid, mode=mode, padding_mode=padding, align_corners=ac), options={"mode": mode, "paddingMode": padding, "alignCorners": ac})
volume, grid3 = randn(1, 2, 3, 4, 5), torch.rand(1, 2, 3, 2, 3) * 2.6 - 1.3
for mode, padding, ac in [("bilinear", "zeros", False), ("bilinear", "border", True), ("bilinear", "reflection", False), ("bilinear", "reflection", True), ("nearest", "zeros", True), ("nearest", "reflection", False)]:
    case(f"gridSample 5-D {mode} {padding} alignCorners {ac}", "gridSample", {"input": volume, "grid": grid3},
         lambda input, grid: F.grid_sample(input, grid, mode=mode, padding_mode=padding, align_corners=ac), options={"mode": mode, "paddingMode": padding, "alignCorners": ac})
angle = 0.3
rotation = T([[[math.cos(angle), -math.sin(angle), 0.1], [math.sin(angle), math.cos(angle), -0.2]]]) * 1.1
case("spatial transformer: gridSample of affineGrid", "spatialTransformer", {"input": randn(1, 2, 5, 6), "theta": rotation},
     lambda input, theta: F.grid_sample(input, F.affine_grid(theta, [1, 2, 4, 3], align_corners=False), align_corners=False), {"size": [1, 2, 4, 3]})

# ---- pdist, channel_shuffle
rows = randn(5, 3)
rows[3] = rows[1]  # coincident rows: distance 0, gradient 0
rows[4] = rows[0] + T([1.0, -1.0, 0.5])  # for p = ∞, two coordinates tie at the maximum
for p in [2.0, 1.0, 3.0, 0.5, float("inf"), 0.0]:
    case(f"pdist p = {p}", "pdist", {"input": rows}, lambda input: torch.pdist(input, p), {"p": number(p)})


def shuffled(x, groups):
    """F.channel_shuffle's value (asserted), with a gradient: 1.13 has no derivative for it, so its reshape-transpose form."""
    n, c = x.shape[:2]
    y = x.reshape(n, groups, c // groups, *x.shape[2:]).transpose(1, 2).reshape(x.shape)
    assert torch.equal(y.detach(), F.channel_shuffle(x.detach(), groups))
    return y


case("channelShuffle 3-D, 3 groups", "channelShuffle", {"input": randn(2, 6, 3)}, lambda input: shuffled(input, 3), {"groups": 3})
case("channelShuffle 5-D, 4 groups", "channelShuffle", {"input": randn(1, 4, 1, 2, 2)}, lambda input: shuffled(input, 4), {"groups": 4})

# ---- max_pool with indices, max_unpool, avg_pool's divisor_override
ties = lambda *shape: torch.randint(0, 3, shape).double()  # noqa: E731
POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}


def pool_case(name, x, window, **kw):
    options = {{"stride": "stride", "padding": "padding", "dilation": "dilation", "ceil_mode": "ceilMode"}[k]: v for k, v in kw.items()}
    case(name, "maxPool", {"input": x}, lambda input: POOL[len(window)](input, window, return_indices=True, **kw), {"window": window}, options)


pool_case("maxPool 1-D ties, stride 2, padding 1", ties(2, 3, 9), [3], stride=2, padding=1)
pool_case("maxPool 2-D ties, ceilMode, padding", ties(2, 2, 5, 6), [3, 3], stride=2, padding=1, ceil_mode=True)
pool_case("maxPool 2-D dilation 2, overlapping", randn(1, 2, 5, 5), [2, 2], stride=1, dilation=2)
pool_case("maxPool 2-D unbatched", randn(3, 4, 4), [2, 2])
pool_case("maxPool 3-D ties", ties(1, 2, 4, 4, 5), [2, 2, 2], stride=[2, 1, 2], padding=[1, 0, 1])
minus = randn(1, 1, 4, 4)
minus[0, 0, 0:2, 0:2] = -math.inf  # a window of −∞ only: the index of its first input tap
pool_case("maxPool 2-D a window of -Infinity", minus, [2, 2], padding=1)
UNPOOL = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}


def unpool_case(name, x, window, grads=True, output_size=None, **kw):
    values, indices = POOL[len(window)](x, window, return_indices=True, **kw)
    consts = {"indices": stored(indices), "kernelSize": window, "stride": kw.get("stride"), "padding": kw.get("padding"), "outputSize": output_size}
    case(name, "maxUnpool", {"input": values}, lambda input: UNPOOL[len(window)](input, indices, window, output_size=output_size, **kw), consts, grads=grads)


unpool_case("maxUnpool 2-D", randn(2, 2, 4, 6), [2, 2])
unpool_case("maxUnpool 1-D outputSize", randn(1, 2, 7), [2], stride=2, output_size=[7])
unpool_case("maxUnpool 3-D padding, outputSize", randn(1, 1, 4, 3, 4), [2, 2, 2], stride=2, padding=1, output_size=[4, 3, 4])
unpool_case("maxUnpool 2-D unbatched", randn(2, 4, 4), [2, 2])
# Overlapping windows sharing a maximum: the last write is kept (values only: PyTorch's gradient gives each
# value the gradient at its index, adjoint only the value kept).
unpool_case("maxUnpool overlapping windows, shared maxima", ties(1, 1, 4, 4), [2, 2], grads=False, stride=1)
AVG = {2: F.avg_pool2d, 3: F.avg_pool3d}


def avg_case(name, x, window, divisor, **kw):
    options = {{"stride": "stride", "padding": "padding", "ceil_mode": "ceilMode", "count_include_pad": "countIncludePad"}[k]: v for k, v in kw.items()}
    if len(window) == 1:  # avg_pool1d has no divisor_override: a height-1 avg_pool2d
        call = lambda input: F.avg_pool2d(input.unsqueeze(2), [1] + window, divisor_override=divisor, **{k: ([1, v] if k in ("stride",) else [0, v] if k == "padding" else v) for k, v in kw.items()}).squeeze(2)  # noqa: E731
    else:
        call = lambda input: AVG[len(window)](input, window, divisor_override=divisor, **kw)  # noqa: E731
    case(name, "avgPool", {"input": x}, call, {"window": window}, {**options, "divisorOverride": divisor})


avg_case("avgPool divisorOverride 2-D padding", randn(2, 2, 5, 5), [3, 3], 4, stride=2, padding=1)
avg_case("avgPool divisorOverride 3-D ceilMode", randn(1, 2, 4, 4, 5), [2, 2, 2], 3, ceil_mode=True)
avg_case("avgPool divisorOverride 1-D negative", randn(2, 3, 7), [3], -2, stride=2, padding=1)

path = os.path.join(HERE, "functionalMoreReference.json")
with open(path, "w") as f:
    json.dump(cases, f, allow_nan=False)
print(len(cases), "cases,", os.path.getsize(path), "bytes")
