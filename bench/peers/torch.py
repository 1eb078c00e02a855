"""PyTorch (CPU, float64) as a bench peer: W1-W7 written as a PyTorch user would, the same algorithm
as adjoint's workload, on the data node sends (never regenerated here).

Run by bench/peers/torch.mjs: python3 torch.py <manifest.json> <data.bin> <out.bin>; for the
paired rounds of bench/paired.mjs, python3 torch.py --serve <manifest.json> <data.bin> (see serve). The manifest
holds the timing settings (bench/harness.mjs SETTINGS) and, per workload, its kind and the byte
ranges of its float64 arrays in data.bin. Each workload is timed on one thread and on the default
thread count; the value and gradients of each configuration go to out.bin, and one line
'@@torch {json}' on stdout says where, with the medians, for node to check against adjoint.
"""
import ctypes
import json
import math
import os
import sys
import time

# This file is named torch.py: drop its own folder from the module path, or `import torch` finds itself.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != _here]


# ---- the BLAS under Debian's PyTorch ----
# Debian builds torch against libblas.so.3 (BLAS_INFO=generic): whichever BLAS the system's
# alternatives name — the reference one (a few GFLOP/s) unless OpenBLAS is installed. OpenBLAS picks
# its kernels from the CPU's model number, and on a CPU it does not know (a virtual machine's
# "Intel Xeon Processor", as on the bench machine) it falls back to Prescott's SSE3 kernels: 128×784×256
# took 5.8 ms on one thread there, against 0.84 with its AVX-512 (SkylakeX) kernels. The row to beat
# is PyTorch at its speed on this CPU, so a generic fallback on a CPU with AVX-512 or AVX2 and FMA
# is replaced by those kernels (OPENBLAS_CORETYPE, read as the library loads: this script starts
# again with it set), unless OPENBLAS_CORETYPE is already set. The row's note names the BLAS.
GENERIC_CORES = {'prescott', 'katmai', 'coppermine', 'northwood', 'core2', 'penryn', 'dunnington', 'nehalem', 'atom', 'generic'}


def _blas():
    try:
        lib = ctypes.CDLL('libblas.so.3')
    except OSError:
        return None
    if not hasattr(lib, 'openblas_get_corename'):
        return lib
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib


def _cpu_flags():
    try:
        with open('/proc/cpuinfo') as fh:
            for line in fh:
                if line.startswith('flags'):
                    return set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return set()


def _blas_note(lib):
    if lib is None:
        return 'BLAS: unknown'
    if not hasattr(lib, 'openblas_get_corename'):
        return 'BLAS: libblas.so.3 is not OpenBLAS (the reference BLAS?)'
    core = lib.openblas_get_corename().decode()
    forced = os.environ.get('ADJOINT_BENCH_BLAS_FORCED')
    return f'BLAS: OpenBLAS {core}' + (f' (OPENBLAS_CORETYPE set: it detected {forced})' if forced else '')


BLAS = _blas()
if BLAS is not None and hasattr(BLAS, 'openblas_get_corename') and 'OPENBLAS_CORETYPE' not in os.environ:
    _detected = BLAS.openblas_get_corename().decode()
    _flags = _cpu_flags()
    _want = 'SkylakeX' if 'avx512f' in _flags else 'Haswell' if {'avx2', 'fma'} <= _flags else None
    if _detected.lower() in GENERIC_CORES and _want is not None:
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, OPENBLAS_CORETYPE=_want, ADJOINT_BENCH_BLAS_FORCED=_detected))


def _blas_threads(n):
    """torch.set_num_threads sets OpenMP's count, not OpenBLAS's own pool (Debian's torch does not
    know its BLAS is OpenBLAS): the one-thread row would multiply on every core."""
    if BLAS is not None and hasattr(BLAS, 'openblas_set_num_threads'):
        BLAS.openblas_set_num_threads(n)


import numpy as np  # noqa: E402
import torch  # noqa: E402

F64 = torch.float64


# ---- timing: the median-of-runs convention of bench/timing.mjs ----

def _now_ms():
    return time.perf_counter() * 1000.0


def _median(xs):
    s = sorted(xs)
    m = len(s) >> 1
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def measure(fns, warmupRuns=3, warmupMs=300, rounds=3, budgetMs=2000, minRuns=6, maxRuns=300, minSampleMs=2, **_):
    """bench/timing.mjs's measure: warm-up, then `rounds` rounds visiting each function in turn
    (in reverse every other round); calls shorter than minSampleMs are batched into one sample;
    returns {name: (median ms, runs)}."""
    state = []
    for name, fn in fns.items():
        t0 = _now_ms()
        n = 0
        while n < warmupRuns or _now_ms() - t0 < warmupMs:
            fn()
            n += 1
        est = max((_now_ms() - t0) / n, 1e-4)
        state.append({'name': name, 'fn': fn, 'inner': max(1, math.ceil(minSampleMs / est)), 'samples': [], 'runs': 0})
    per_min = math.ceil(minRuns / rounds)
    per_max = max(per_min, math.ceil(maxRuns / rounds))
    for r in range(rounds):
        for s in (state if r % 2 == 0 else state[::-1]):
            end = _now_ms() + budgetMs / rounds
            k = 0
            while k < per_min or (k < per_max and _now_ms() < end):
                t0 = _now_ms()
                for _ in range(s['inner']):
                    s['fn']()
                s['samples'].append((_now_ms() - t0) / s['inner'])
                k += s['inner']
            s['runs'] += k
    return {s['name']: (_median(s['samples']), s['runs']) for s in state}


# ---- the workloads (each returns f() -> float and vg() -> (value or None, {name: tensor})) ----

def leaf(t):
    return t.detach().clone().requires_grad_(True)


def mlp_loss(X, Y):
    """W1's loss as adjoint's makeLoss: -mean(sum(log_softmax(tanh(X W1 + b1) W2 + b2) * Y, 1))."""
    def loss(W1, b1, W2, b2):
        H = torch.tanh(X @ W1 + b1)
        logits = H @ W2 + b2
        return -torch.mean(torch.sum(torch.log_softmax(logits, -1) * Y, 1))
    return loss


def w1(a, s):
    loss = mlp_loss(a['X'], a['Y'])
    P = [leaf(a[k]) for k in ('W1', 'b1', 'W2', 'b2')]

    def f():
        with torch.no_grad():
            return loss(*P).item()

    def vg():
        v = loss(*P)
        g = torch.autograd.grad(v, P)
        return v.item(), dict(zip(('W1', 'b1', 'W2', 'b2'), g))
    return f, vg


def w7(a, s):
    """H(W1)·V as PyTorch computes Hessian-vector products: the gradient of <∇L(W1), V> (double backward)."""
    loss = mlp_loss(a['X'], a['Y'])
    b1, W2, b2, V = a['b1'], a['W2'], a['b2'], a['V']
    W1 = leaf(a['W1'])

    def f():
        with torch.no_grad():
            return loss(W1, b1, W2, b2).item()

    def vg():
        (g,) = torch.autograd.grad(loss(W1, b1, W2, b2), W1, create_graph=True)
        (hv,) = torch.autograd.grad(g, W1, grad_outputs=V)
        return None, {'HV': hv}
    return f, vg


def w2(a, s):
    """The CRF forward algorithm as bench/workloads/w2.mjs writes it: α as a [K] tensor."""
    K = int(s['K'])

    def log_z(E, T):
        alpha = E[0]
        for t in range(1, E.shape[0]):
            alpha = torch.logsumexp(alpha.reshape(K, 1) + T, 0) + E[t]
        return torch.logsumexp(alpha, 0)
    E, T = leaf(a['E']), leaf(a['T'])

    def f():
        with torch.no_grad():
            return log_z(E, T).item()

    def vg():
        v = log_z(E, T)
        gE, gT = torch.autograd.grad(v, (E, T))
        return v.item(), {'E': gE, 'T': gT}
    return f, vg


def w3(a, s):
    """The inside algorithm of src/structured/inside.ts (log semiring, one sentence): for each width,
    the split sum first (one broadcast + and one logsumexp over the stacked splits), then the rule
    sum (one broadcast + with the rules and one logsumexp over (B, C)); log Z = logsumexp(root + chart[n][0])."""
    n, N = int(s['n']), int(s['N'])
    root = torch.full((N,), -math.inf, dtype=F64)
    root[0] = 0.0

    def log_z(U, R):
        rules = R.reshape(1, N, N * N)
        charts = [None, U]
        for w in range(2, n + 1):
            m = n - w + 1
            left = torch.stack([charts[k][0:m] for k in range(1, w)], 0).reshape(w - 1, m, N, 1)
            right = torch.stack([charts[w - k][k:k + m] for k in range(1, w)], 0).reshape(w - 1, m, 1, N)
            children = torch.logsumexp(left + right, 0)  # [m, B, C]
            charts.append(torch.logsumexp(children.reshape(m, 1, N * N) + rules, 2))  # [m, A]
        return torch.logsumexp(charts[n][0] + root, 0)
    U, R = leaf(a['U']), leaf(a['R'])

    def f():
        with torch.no_grad():
            return log_z(U, R).item()

    def vg():
        v = log_z(U, R)
        gU, gR = torch.autograd.grad(v, (U, R))
        return v.item(), {'R': gR, 'U': gU}
    return f, vg


def w4(a, s):
    x = leaf(a['x'])

    def f():
        with torch.no_grad():
            return torch.prod(x).item()

    def vg():
        v = torch.prod(x)
        (g,) = torch.autograd.grad(v, x)
        return v.item(), {'x': g}
    return f, vg


def w5(a, s):
    """The fold of matmuls over 200 matrices, then the sum of the entries."""
    Ms = [leaf(m) for m in a['Ms'].unbind(0)]

    def chain():
        acc = Ms[0]
        for M in Ms[1:]:
            acc = acc @ M
        return torch.sum(acc)

    def f():
        with torch.no_grad():
            return chain().item()

    def vg():
        v = chain()
        g = torch.autograd.grad(v, Ms)
        return v.item(), {'Ms': torch.stack(g, 0)}
    return f, vg


def w6(a, s):
    """The scalar recurrence x ← a·sin(x) + b·x on 0-d tensors, as a PyTorch user writes it."""
    steps, x0 = int(s['steps']), float(s['x0'])
    A = torch.tensor(float(s['a']), dtype=F64, requires_grad=True)
    B = torch.tensor(float(s['b']), dtype=F64, requires_grad=True)

    def rec():
        x = torch.tensor(x0, dtype=F64)
        for _ in range(steps):
            x = A * torch.sin(x) + B * x
        return x

    def f():
        with torch.no_grad():
            return rec().item()

    def vg():
        v = rec()
        ga, gb = torch.autograd.grad(v, (A, B))
        return v.item(), {'a': ga, 'b': gb}
    return f, vg


def linalg_row(loss, names):
    """An LA row (bench/workloads/linalg.mjs): the loss of the leaves `names` among A, b, w."""
    def make(a, s):
        P = {k: (leaf(a[k]) if k in names else a[k]) for k in ('A', 'b', 'w')}

        def f():
            with torch.no_grad():
                return loss(P).item()

        def vg():
            v = loss(P)
            g = torch.autograd.grad(v, [P[k] for k in names])
            return v.item(), dict(zip(names, g))
        return f, vg
    return make


# The same losses as adjoint's rows: logdet through Cholesky, slogdet, sum(w * solve(A, b)), sum(w * eigvals).
la_chol = linalg_row(lambda P: 2 * torch.sum(torch.log(torch.diagonal(torch.linalg.cholesky(P['A'])))), ['A'])
la_slogdet = linalg_row(lambda P: torch.linalg.slogdet(P['A'])[1], ['A'])
la_solve = linalg_row(lambda P: torch.sum(torch.linalg.solve(P['A'], P['b']).reshape(-1) * P['w']), ['A', 'b'])
la_eigh = linalg_row(lambda P: torch.sum(torch.linalg.eigh(P['A'])[0] * P['w']), ['A'])


KINDS = {'la-chol': la_chol, 'la-slogdet': la_slogdet, 'la-solve': la_solve, 'la-eigh': la_eigh,
         'mlp': w1, 'hvp': w7, 'crf': w2, 'pcfg': w3, 'prod': w4, 'chain': w5, 'scalar': w6}


def _load(manifest_path, data_path):
    """The manifest, and per workload its arrays as tensors (copied out of data.bin)."""
    with open(manifest_path) as fh:
        manifest = json.load(fh)
    data = np.fromfile(data_path, dtype='<f8')
    arrays = [{k: torch.from_numpy(data[r['offset']:r['offset'] + r['length']].copy()).reshape(r['shape']) for k, r in w['arrays'].items()}
              for w in manifest['workloads']]
    return manifest, arrays


def slot(fn, budget_ms, warm, min_sample_ms=2):
    """One slot of paired timing (bench/paired.mjs; timeSlot in bench/timing.mjs): with `warm`, a
    warm-up first (3 calls and 300 ms); then samples of back-to-back calls (batched to min_sample_ms)
    for about budget_ms, at least 3 calls; returns (median ms per call, calls)."""
    if warm:
        t0 = _now_ms()
        n = 0
        while n < 3 or _now_ms() - t0 < 300:
            fn()
            n += 1
    t0 = _now_ms()
    fn()
    inner = max(1, math.ceil(min_sample_ms / max(_now_ms() - t0, 1e-4)))
    samples, runs, end = [], 0, _now_ms() + budget_ms
    while runs < 3 or _now_ms() < end:
        t0 = _now_ms()
        for _ in range(inner):
            fn()
        samples.append((_now_ms() - t0) / inner)
        runs += inner
    return _median(samples), runs


def serve(manifest_path, data_path):
    """Paired timing (bench/paired.mjs), on one thread: after '@@ready', each stdin line
    {"size": s, "ms": budget} times the value and gradient of the workload of size s for one slot
    (warmed up on its first request) and answers '@@t {"ms": median, "runs": calls}'."""
    manifest, arrays = _load(manifest_path, data_path)
    torch.set_num_threads(1)
    _blas_threads(1)
    fns = {w['size']: KINDS[w['kind']](a, w['scalars'])[1] for w, a in zip(manifest['workloads'], arrays)}
    warmed = set()
    print('@@ready', flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        ms, runs = slot(fns[req['size']], float(req['ms']), req['size'] not in warmed)
        warmed.add(req['size'])
        print('@@t ' + json.dumps({'ms': ms, 'runs': runs}), flush=True)


def main():
    if sys.argv[1] == '--serve':
        serve(*sys.argv[2:4])
        return
    manifest_path, data_path, out_path = sys.argv[1:4]
    manifest, all_arrays = _load(manifest_path, data_path)
    settings = manifest['settings']
    default_threads = torch.get_num_threads()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else (os.cpu_count() or 1)
    # Torch's own default here may be below the cores this process may use (it counts physical cores
    # and OpenMP's view of them); the second row uses every core, as adjoint's two-core goal does.
    many = max(default_threads, cores)
    configs = [('pytorch', 1, ''), ('pytorch-default-threads', many, f'{many} threads (torch default {default_threads}, {cores} cores)')]
    out = open(out_path, 'wb')
    offset = 0
    results = []
    for w, arrays in zip(manifest['workloads'], all_arrays):
        for impl, threads, note in configs:
            row = {'workload': w['id'], 'size': w['size'], 'impl': impl, 'threads': threads, 'note': note}
            results.append(row)
            if threads > 1 and w['kind'] == 'scalar':
                row['skip'] = 'not run: 0-d ops do not use threads (the pytorch row is this row)'
                continue
            try:
                torch.set_num_threads(threads)
                _blas_threads(threads)
                f, vg = KINDS[w['kind']](arrays, w['scalars'])
                # The verification call, cold (as the harness's verify): its value and gradients go to node.
                t0 = _now_ms()
                fv = f()
                t1 = _now_ms()
                value, grads = vg()
                t2 = _now_ms()
                row['f_value'] = fv
                row['value'] = value
                row['grads'] = {}
                for name, g in grads.items():
                    arr = g.detach().contiguous().numpy().astype('<f8', copy=False)
                    out.write(arr.tobytes())
                    row['grads'][name] = {'offset': offset, 'length': int(arr.size)}
                    offset += int(arr.size)
                cold_vg = t2 - t1
                opts = dict(settings)
                if settings.get('oneRunAboveMs') is not None and cold_vg > settings['oneRunAboveMs']:
                    row.update(f_ms=t1 - t0, vg_ms=cold_vg, runs={'f': 1, 'vg': 1}, timing='quick: one cold run')
                    continue
                if cold_vg > 2000:
                    # Seconds per call (W6 in eager PyTorch): one warm-up and three runs, not minutes.
                    opts.update(warmupRuns=1, warmupMs=0, rounds=1, minRuns=3, maxRuns=3)
                    row['timing'] = '1 warm-up, 3 runs (seconds per call)'
                t = measure({'f': f, 'vg': vg}, **opts)
                row.update(f_ms=t['f'][0], vg_ms=t['vg'][0], runs={'f': t['f'][1], 'vg': t['vg'][1]})
            except Exception as e:  # a failure is the row's note, not the end of the run
                row['error'] = f'{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ""}'
            finally:
                print(f"  pytorch {w['id']} {w['size']} {impl}: {row.get('vg_ms', row.get('skip', row.get('error')))}", file=sys.stderr, flush=True)
    out.close()
    torch.set_num_threads(default_threads)
    print('@@torch ' + json.dumps({'version': torch.__version__, 'blas': _blas_note(BLAS), 'results': results}), flush=True)


if __name__ == '__main__':
    main()
