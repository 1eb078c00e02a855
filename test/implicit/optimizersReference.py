"""Reference trajectories for test/implicit/optimizersMore.test.ts (run: /usr/bin/python3 test/implicit/optimizersReference.py).

Two independent oracles per optimizer where they exist:
- torch.optim (1.13, float64) where its rule is optax's: AdamW, Adamax, RMSprop (eps outside the
  root, as optax's eps_in_sqrt=False), Adagrad (eps=0, the same accumulator), Adam's coupled
  weight_decay (chain(add_decayed_weights, adam));
- otherwise optax's recurrences transcribed into numpy from optax/_src/alias.py and transform.py
  (nadam, adabelief, lamb, lion, rmsprop's defaults, chain with clipping, a scheduled lr).
Prints a TypeScript module of literals: the params after each of STEPS steps.
"""
import json
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
STEPS = 6
A = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [3.0, 0.0, 1.0], [-1.0, 1.0, 1.5]])
Y = np.array([1.0, -2.0, 0.5, 3.0])
W0, B0 = np.array([0.5, -1.0, 2.0]), 0.3


def grads(w, b):
    """∇ of ½‖Aw + b − y‖² + 0.025·Σw⁴ (non-quadratic, so the steps are not all alike)."""
    r = A @ w + b - Y
    return A.T @ r + 0.1 * w**3, np.sum(r)


def run_numpy(update, init):
    """update(g, p, state, count) -> (delta, state); params ← params − delta, per leaf."""
    ps = [W0.copy(), np.array(B0)]
    states = [init(p) for p in ps]
    out = []
    for count in range(STEPS):
        gs = grads(ps[0], float(ps[1]))
        gs = [np.asarray(g, dtype=float) for g in gs]
        new = [update(g, p, s, count) for g, p, s in zip(gs, ps, states)]
        ps = [p - d for p, (d, _) in zip(ps, new)]
        states = [s for _, s in new]
        out.append({"w": ps[0].tolist(), "b": float(ps[1])})
    return out


def run_global(transform, update, init):
    """As run_numpy, with a transform of the whole gradient list first (clipping by global norm)."""
    ps = [W0.copy(), np.array(B0)]
    states = [init(p) for p in ps]
    out = []
    for count in range(STEPS):
        gs = [np.asarray(g, dtype=float) for g in grads(ps[0], float(ps[1]))]
        gs = transform(gs)
        new = [update(g, p, s, count) for g, p, s in zip(gs, ps, states)]
        ps = [p - d for p, (d, _) in zip(ps, new)]
        states = [s for _, s in new]
        out.append({"w": ps[0].tolist(), "b": float(ps[1])})
    return out


def run_torch(make):
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    opt = make([w, b])
    out = []
    for _ in range(STEPS):
        gw, gb = grads(w.detach().numpy(), float(b.detach()))
        w.grad, b.grad = torch.tensor(gw), torch.tensor(gb)
        opt.step()
        out.append({"w": w.detach().numpy().tolist(), "b": float(b.detach())})
    return out


zeros2 = lambda p: {"m": np.zeros_like(p), "v": np.zeros_like(p)}


def adam_like(lr, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, wd=None, nesterov=False, trust=False, lr_of=None):
    def update(g, p, s, count):
        t = count + 1
        m = (1 - b1) * g + b1 * s["m"]
        v = (1 - b2) * g**2 + b2 * s["v"]
        if nesterov:
            mh = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
        else:
            mh = m / (1 - b1**t)
        u = mh / (np.sqrt(v / (1 - b2**t) + eps_root) + eps)
        if wd is not None:
            u = u + wd * p
        if trust:
            pn, un = np.linalg.norm(p), np.linalg.norm(u)
            u = u * (pn / un if pn > 0 and un > 0 else 1.0)
        rate = lr_of(count) if lr_of else lr
        return rate * u, {"m": m, "v": v}
    return update


def adamax(lr, b1=0.9, b2=0.999, eps=1e-8):
    def update(g, p, s, count):
        t = count + 1
        m = (1 - b1) * g + b1 * s["m"]
        v = np.maximum(np.abs(g) + eps, b2 * s["v"])
        return lr * (m / (1 - b1**t)) / v, {"m": m, "v": v}
    return update


def adabelief(lr, b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16, wd=None):
    def update(g, p, s, count):
        t = count + 1
        m = (1 - b1) * g + b1 * s["m"]
        v = (1 - b2) * (g - m) ** 2 + b2 * s["v"] + eps_root
        u = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        if wd is not None:
            u = u + wd * p
        return lr * u, {"m": m, "v": v}
    return update


def lion(lr, b1=0.9, b2=0.99, wd=1e-3):
    def update(g, p, s, count):
        u = np.sign((1 - b1) * g + b1 * s["m"]) + wd * p
        return lr * u, {"m": (1 - b2) * g + b2 * s["m"], "v": s["v"]}
    return update


def rmsprop(lr, decay=0.9, eps=1e-8, initial_scale=0.0, eps_in_sqrt=True, centered=False, momentum=None, nesterov=False, bias_correction=False):
    def init(p):
        return {"nu": np.full_like(p, initial_scale), "mu": np.zeros_like(p), "tr": np.zeros_like(p)}

    def update(g, p, s, count):
        t = count + 1
        nu = (1 - decay) * g**2 + decay * s["nu"]
        mu = (1 - decay) * g + decay * s["mu"]
        nh, mh = (nu / (1 - decay**t), mu / (1 - decay**t)) if bias_correction else (nu, mu)
        var = nh - mh**2 if centered else nh
        u = lr * g * (1 / np.sqrt(var + eps) if eps_in_sqrt else 1 / (np.sqrt(var) + eps))
        tr = s["tr"]
        if momentum is not None:
            tr = u + momentum * tr
            u = u + momentum * tr if nesterov else tr
        return u, {"nu": nu, "mu": mu, "tr": tr}
    return update, init


def adagrad(lr, initial=0.1, eps=1e-7):
    def update(g, p, s, count):
        acc = g**2 + s["v"]
        scale = np.where(acc > 0, 1 / np.sqrt(acc + eps), 0.0)
        return lr * scale * g, {"m": s["m"], "v": acc}
    return update, lambda p: {"m": np.zeros_like(p), "v": np.full_like(p, initial)}


def clip_global(max_norm):
    def transform(gs):
        norm = np.sqrt(sum(np.sum(g**2) for g in gs))
        return gs if norm < max_norm else [g / norm * max_norm for g in gs]
    return transform


def warmup_cosine(init, peak, warmup, decay_steps, end=0.0):
    """optax.warmup_cosine_decay_schedule, as its docstring defines it."""
    def f(count):
        if count < warmup:
            return init + (peak - init) * count / warmup
        k = min(count - warmup, decay_steps - warmup)
        alpha = end / peak
        return peak * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * k / (decay_steps - warmup))) + alpha)
    return f


def sgd(lr):
    return lambda g, p, s, count: (lr * g, s)


rms_default, rms_init = rmsprop(0.05)
rms_nesterov, rms_nesterov_init = rmsprop(0.05, momentum=0.8, nesterov=True, bias_correction=True)
rms_centered, rms_centered_init = rmsprop(0.05, centered=True)
rms_torch_like, rms_torch_like_init = rmsprop(0.05, decay=0.99, eps_in_sqrt=False, centered=True, momentum=0.9)
ada_default, ada_init = adagrad(0.3)
ada_torch_like, ada_torch_like_init = adagrad(0.3, initial=0.1, eps=0.0)

cases = {
    "adamwDefaults": run_numpy(adam_like(0.05, wd=1e-4), zeros2),
    "adamwTorch": run_torch(lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=1e-4)),
    "nadamwStrong": run_numpy(adam_like(0.05, wd=0.1, nesterov=True, eps_root=1e-3), zeros2),
    "nadam": run_numpy(adam_like(0.05, nesterov=True), zeros2),
    "adamax": run_numpy(adamax(0.05), zeros2),
    "adamaxTorch": run_torch(lambda ps: torch.optim.Adamax(ps, lr=0.05)),
    "adabelief": run_numpy(adabelief(0.05), zeros2),
    "adabeliefDecay": run_numpy(adabelief(0.05, b1=0.8, b2=0.9, eps=1e-8, wd=0.01), zeros2),
    "lamb": run_numpy(adam_like(0.05, eps=1e-6, wd=0.01, trust=True), zeros2),
    "lion": run_numpy(lion(0.05), zeros2),
    "rmsprop": run_numpy(rms_default, rms_init),
    "rmspropNesterovDebiased": run_numpy(rms_nesterov, rms_nesterov_init),
    "rmspropCentered": run_numpy(rms_centered, rms_centered_init),
    "rmspropTorchLike": run_numpy(rms_torch_like, rms_torch_like_init),
    "rmspropTorch": run_torch(lambda ps: torch.optim.RMSprop(ps, lr=0.05, alpha=0.99, eps=1e-8, momentum=0.9, centered=True)),
    "adagrad": run_numpy(ada_default, ada_init),
    "adagradTorch": run_torch(lambda ps: torch.optim.Adagrad(ps, lr=0.3, initial_accumulator_value=0.1, eps=0.0)),
    "adagradTorchLike": run_numpy(ada_torch_like, ada_torch_like_init),
    "clipAdam": run_global(clip_global(1.0), adam_like(0.05), zeros2),
    "clipSgd": run_numpy(lambda g, p, s, c: (0.05 * np.clip(g, -0.5, 0.5), s), zeros2),
    "adamL2Torch": run_torch(lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1)),
    "adamwWarmupCosine": run_numpy(adam_like(None, wd=1e-4, lr_of=warmup_cosine(0.0, 0.1, 2, 5, 0.01)), zeros2),
}
for a, b in [("adamwDefaults", "adamwTorch"), ("adamax", "adamaxTorch"), ("rmspropTorchLike", "rmspropTorch"), ("adagradTorchLike", "adagradTorch")]:
    gap = max(np.abs(np.array(x["w"] + [x["b"]]) - np.array(y["w"] + [y["b"]])).max() for x, y in zip(cases[a], cases[b]))
    assert gap < 1e-12, (a, b, gap)  # the numpy transcription and torch.optim agree
print("/** @file Generated by test/implicit/optimizersReference.py: params after each step, torch.optim (float64) and optax's recurrences in numpy. */")
print("export const reference: Record<string, Array<{ w: number[]; b: number }>> = {")
for name, run in cases.items():
    print(f"  {name}: {json.dumps(run)},")
print("};")
