"""Writes test/recurrentReference.json: PyTorch 1.13's nn.RNN / nn.GRU / nn.LSTM in float64 over a grid of
configurations (layers, directions, batch_first, biases, initial states, packed sequences, unbatched input,
relu), their outputs and final states, and autograd gradients of sum(r·output) + sum(s·h_n) (+ sum(u·c_n))
in the input, the initial states and every weight (by state_dict name).
Run: /usr/bin/python3 test/recurrentReference.py
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
D = torch.float64
HERE = os.path.dirname(os.path.abspath(__file__))


def stored(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def case(kind, layers=1, bidirectional=False, batch_first=False, bias=True, states=False, lengths=None, unbatched=False, nonlinearity="tanh"):
    I, H, T, B = 3, 4, 5, 3
    cls = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[kind]
    extra = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
    m = cls(I, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias, **extra).to(D)
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-0.7, 0.7)
    Dn = 2 if bidirectional else 1
    shape = [T, I] if unbatched else ([B, T, I] if batch_first else [T, B, I])
    x = torch.randn(shape, dtype=D, requires_grad=True)
    sshape = [Dn * layers, H] if unbatched else [Dn * layers, B, H]
    h0 = torch.randn(sshape, dtype=D, requires_grad=True) if states else None
    c0 = torch.randn(sshape, dtype=D, requires_grad=True) if states and kind == "lstm" else None
    init = None if h0 is None else ((h0, c0) if kind == "lstm" else h0)
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, state = m(packed, init)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    else:
        out, state = m(x, init)
    h, c = (state if kind == "lstm" else (state, None))
    gen = torch.Generator().manual_seed(7)
    r = torch.randn(out.shape, generator=gen, dtype=D)
    s = torch.randn(h.shape, generator=gen, dtype=D)
    loss = (out * r).sum() + (h * s).sum()
    u = None
    if c is not None:
        u = torch.randn(c.shape, generator=gen, dtype=D)
        loss = loss + (c * u).sum()
    params = dict(m.named_parameters())
    wrt = [x] + ([h0] if h0 is not None else []) + ([c0] if c0 is not None else []) + list(params.values())
    grads = torch.autograd.grad(loss, wrt)
    names = ["input"] + (["h0"] if h0 is not None else []) + (["c0"] if c0 is not None else []) + list(params)
    return {
        "kind": kind, "options": {"batchFirst": batch_first, "lengths": lengths, "nonlinearity": nonlinearity if kind == "rnn" else None},
        "input": stored(x), "h0": None if h0 is None else stored(h0), "c0": None if c0 is None else stored(c0),
        "params": {k: stored(v) for k, v in params.items()},
        "output": stored(out), "h": stored(h), "c": None if c is None else stored(c),
        "r": stored(r), "s": stored(s), "u": None if u is None else stored(u),
        "grads": {k: stored(g) for k, g in zip(names, grads)},
    }


cases = {}
for kind in ["rnn", "gru", "lstm"]:
    cases[f"{kind}"] = case(kind)
    cases[f"{kind} 2 layers bidirectional, initial states"] = case(kind, layers=2, bidirectional=True, states=True)
    cases[f"{kind} batch_first, no bias"] = case(kind, batch_first=True, bias=False)
    cases[f"{kind} packed lengths [5, 2, 3], bidirectional, 2 layers"] = case(kind, layers=2, bidirectional=True, lengths=[5, 2, 3], states=True)
    cases[f"{kind} packed lengths batch_first"] = case(kind, batch_first=True, lengths=[1, 5, 4])
    cases[f"{kind} unbatched, bidirectional, initial states"] = case(kind, bidirectional=True, states=True, unbatched=True)
cases["rnn relu 2 layers"] = case("rnn", layers=2, nonlinearity="relu")
path = os.path.join(HERE, "recurrentReference.json")
with open(path, "w") as f:
    json.dump(cases, f)
print(len(cases), "cases,", os.path.getsize(path), "bytes")
