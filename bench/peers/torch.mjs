// PyTorch (CPU, float64) as a bench peer: node sends each workload's data to bench/peers/torch.py in a Python process of its own, which times W1–W7 and the LA rows on one thread and on every core; the values and gradients it returns are checked against adjoint's here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relError } from '../check.mjs';
import { K as CRF_K } from '../workloads/w2.mjs';
import { n as PCFG_n, N as PCFG_N } from '../workloads/w3.mjs';
import { X0 as W6_X0 } from '../workloads/w6.mjs';

export const TORCH_IMPLS = ['pytorch', 'pytorch-default-threads'];

/** A PyTorch gradient that differs from adjoint's by more than this (normwise, relative) is a bug in one of them. */
const AGREE = 1e-9;

/** Per workload id: the torch.py kind, the arrays it needs ([name, Float64Array, shape]) and its scalars. */
const SPEC = {
  W1: (d) => ({ kind: 'mlp', arrays: mlpArrays(d), scalars: {} }),
  W7: (d) => ({ kind: 'hvp', arrays: [...mlpArrays(d), ['V', d.V, [d.V.length / d.b1.length, d.b1.length]]], scalars: {} }),
  W2: crf,
  W2L: crf,
  W3: (d) => ({ kind: 'pcfg', arrays: [['U', d.U, [PCFG_n, PCFG_N]], ['R', d.R, [PCFG_N, PCFG_N, PCFG_N]]], scalars: { n: PCFG_n, N: PCFG_N } }),
  W4: (d) => ({ kind: 'prod', arrays: [['x', d.x, [d.x.length]]], scalars: {} }),
  W5: (d) => ({ kind: 'chain', arrays: [['Ms', concat(d.Ms), [d.Ms.length, 16, 16]]], scalars: {} }),
  W6: scalar,
  W6S: scalar,
  'LA-CHOL': linalgRow('la-chol'),
  'LA-SLOGDET': linalgRow('la-slogdet'),
  'LA-SOLVE': linalgRow('la-solve'),
  'LA-EIGH': linalgRow('la-eigh'),
};

/** The LA rows (bench/workloads/linalg.mjs): a, b and w of one order n. */
function linalgRow(kind) {
  return (d) => ({ kind, arrays: [['A', d.a, [d.n, d.n]], ['b', d.b, [d.n, 1]], ['w', d.w, [d.n]]], scalars: {} });
}

function mlpArrays(d) {
  const { X, W1, b1, W2, b2 } = d;
  const Hn = b1.length, C = b2.length, D = W1.length / Hn, B = X.length / D;
  return [['X', X, [B, D]], ['W1', W1, [D, Hn]], ['b1', b1, [Hn]], ['W2', W2, [Hn, C]], ['b2', b2, [C]], ['Y', d.t.Y.data, [B, C]]];
}

function crf(d) {
  return { kind: 'crf', arrays: [['E', d.E, [d.n, CRF_K]], ['T', d.T, [CRF_K, CRF_K]]], scalars: { K: CRF_K } };
}

function scalar(d) {
  return { kind: 'scalar', arrays: [], scalars: { a: d.a, b: d.b, steps: d.steps, x0: W6_X0 } };
}

function concat(parts) {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The first Python that imports torch: $ADJOINT_BENCH_PYTHON, python3 on the PATH, /usr/bin/python3 (Debian's python3-torch). */
let python = null; // found once per process: run.mjs calls runTorch once per workload
export function findPython() {
  if (python !== null) return python;
  const tried = [process.env.ADJOINT_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const exe of tried) {
    const r = spawnSync(exe, ['-c', 'import torch, numpy'], { stdio: 'ignore', timeout: 60_000 });
    if (r.status === 0) return (python = { exe });
  }
  return (python = { exe: null, tried });
}

/** The workloads PyTorch has a form for. */
export const torchForms = (workloads) => workloads.filter((w) => SPEC[w.id]);

export const TORCH_SCRIPT = fileURLToPath(new URL('./torch.py', import.meta.url));

/**
 * torch.py's inputs for workloads `ws` in a fresh temporary folder `dir` (the caller removes it):
 * the manifest (the timing settings and, per workload, its kind, scalars and where its arrays lie)
 * and the arrays of every workload back to back as little-endian float64 (what numpy.fromfile
 * reads); `entries` pairs each workload with its data `d`.
 */
export function torchInputs(ws, settings) {
  const dir = mkdtempSync(join(tmpdir(), 'adjoint-torch-'));
  const chunks = [];
  let offset = 0;
  const entries = ws.map((w) => {
    const d = w.setup();
    const spec = SPEC[w.id](d);
    const arrays = {};
    for (const [name, a, shape] of spec.arrays) {
      arrays[name] = { offset, length: a.length, shape };
      chunks.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      offset += a.length;
    }
    return { w, d, entry: { id: w.id, size: w.size, kind: spec.kind, arrays, scalars: spec.scalars } };
  });
  const files = { manifest: join(dir, 'manifest.json'), data: join(dir, 'data.bin'), out: join(dir, 'out.bin') };
  writeFileSync(files.manifest, JSON.stringify({ settings, workloads: entries.map((e) => e.entry) }));
  writeFileSync(files.data, Buffer.concat(chunks));
  return { dir, files, entries };
}

const emptyRow = (w, impl, note) => ({ workload: w.id, impl, size: w.size, f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note });
const sig = (x) => Number(x.toPrecision(4));

/**
 * Runs PyTorch on the workloads of `workloads` it has a form for, with `settings` (SETTINGS.quick or
 * .full); returns { rows, status }. Each row's note gives the normwise relative difference of f and
 * of the gradients from adjoint's (run once here on the same data), and says MISMATCH above 1e-9.
 */
export function runTorch(workloads, settings, env = process.env) {
  const ws = torchForms(workloads);
  if (ws.length === 0) return { rows: [], status: 'pytorch: no workload with a PyTorch form selected' };
  const py = findPython();
  if (py.exe === null) {
    const note = `skipped: no Python with torch and numpy (tried ${py.tried.join(', ')}; Debian: apt install python3-torch)`;
    return { rows: ws.flatMap((w) => TORCH_IMPLS.map((impl) => emptyRow(w, impl, note))), status: `pytorch: ${note}` };
  }
  const { dir, files, entries } = torchInputs(ws, settings);
  try {
    const r = spawnSync(py.exe, [TORCH_SCRIPT, files.manifest, files.data, files.out], {
      stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 3600_000, env,
    });
    const line = (r.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('@@torch '));
    if (!line) {
      const note = `failed: the PyTorch process ended without results (status ${r.status}${r.signal ? `, ${r.signal}` : ''})`;
      return { rows: ws.flatMap((w) => TORCH_IMPLS.map((impl) => emptyRow(w, impl, note))), status: `pytorch: ${note}` };
    }
    const { version, blas, results } = JSON.parse(line.slice('@@torch '.length));
    const buf = readFileSync(files.out);
    const out = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const rows = [];
    for (const { w, d } of entries) {
      // adjoint's own value and gradients on the same data: the reference PyTorch must agree with.
      const ref = { f: w.adjoint.f(d), vg: w.adjoint.vg(d) };
      const refValue = ref.vg.value ?? ref.f;
      for (const res of results.filter((x) => x.workload === w.id && x.size === w.size)) {
        const notes = [`torch ${version}`, blas, res.note];
        if (res.skip || res.error) {
          rows.push(emptyRow(w, res.impl, [...notes, res.skip ?? `failed: ${res.error}`].filter(Boolean).join('; ')));
          continue;
        }
        const grads = {};
        for (const [name, { offset: o, length }] of Object.entries(res.grads)) grads[name] = out.subarray(o, o + length);
        const errF = relError(res.value ?? res.f_value, refValue);
        const errFcold = relError(res.f_value, ref.f);
        let errG = 0;
        for (const name of Object.keys(ref.vg.grads)) errG = Math.max(errG, grads[name] ? relError(grads[name], ref.vg.grads[name]) : Infinity);
        const diff = `vs adjoint: f ${Math.max(errF, errFcold).toExponential(1)}, grad ${errG.toExponential(1)}`;
        notes.push(Math.max(errF, errFcold, errG) <= AGREE ? diff : `MISMATCH ${diff}`);
        if (w.id === 'W7') notes.push('vg = HVP (double backward)');
        if (res.timing) notes.push(res.timing);
        rows.push({
          workload: w.id, impl: res.impl, size: w.size, f_ms: sig(res.f_ms), vg_ms: sig(res.vg_ms),
          ratio_vs_plain: null, ratio_vs_own_f: sig(res.vg_ms / res.f_ms), runs: res.runs, note: notes.filter(Boolean).join('; '),
        });
      }
      w.adjoint.dispose?.(d);
    }
    return { rows, status: `pytorch: torch ${version} via ${py.exe}; ${blas}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
