// What the bench runs and how: the workload list, timing settings, verification against plain JavaScript, and the timed run of one workload's implementations (used by run.mjs, and by peers/child.mjs for each peer in its own process).
import { compare } from './check.mjs';
import { makeRow } from './report.mjs';
import { measure } from './timing.mjs';
import w1 from './workloads/w1.mjs';
import w2 from './workloads/w2.mjs';
import w2l from './workloads/w2l.mjs';
import w3 from './workloads/w3.mjs';
import w4 from './workloads/w4.mjs';
import w5 from './workloads/w5.mjs';
import w6, { w6s } from './workloads/w6.mjs';
import w7 from './workloads/w7.mjs';
import w9 from './workloads/w9.mjs';
import jac from './workloads/jac.mjs';
import w10 from './workloads/w10.mjs';
import w11 from './workloads/w11.mjs';
import marginals from './workloads/marginals.mjs';
import w12 from './workloads/w12.mjs';
import linalg from './workloads/linalg.mjs';
import conv from './workloads/conv.mjs';
import products from './workloads/products.mjs';

export const WORKLOADS = [w1, w2, w2l, w3, ...w4, w5, w6, w6s, w7, ...w9, jac, conv, w10, ...w11, ...marginals, w12, ...linalg, ...products];

/** Timing settings: the full run takes a few minutes on 2 cores, --quick about a minute. */
export const SETTINGS = {
  full: { warmupRuns: 3, warmupMs: 500, rounds: 4, budgetMs: 2400, minRuns: 6, maxRuns: 300 },
  // Quick: two short rounds, the second in reverse order (bench/timing.mjs); a peer whose value-and-gradient takes over half a second is reported
  // from its verification call alone (one cold run, noted in the table).
  quick: { warmupRuns: 1, warmupMs: 60, rounds: 2, budgetMs: 300, minRuns: 3, maxRuns: 60, oneRunAboveMs: 500 },
};

export function parseArgs(argv) {
  const opts = { quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!v) throw new Error('--only needs a list, e.g. --only W1,W6');
      opts.only = v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/run.mjs [--quick] [--only W1,W2,...]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (usage: node bench/run.mjs [--quick] [--only W1,W6])`);
  }
  return opts;
}

export function select(only) {
  if (!only) return WORKLOADS;
  const ids = [...WORKLOADS.map((w) => w.id), 'W8', 'HG', 'K', 'T'];
  const unknown = only.filter((id) => !ids.includes(id));
  if (unknown.length) throw new Error(`--only: unknown workload(s) ${unknown.join(', ')}; available: ${ids.join(', ')}`);
  return WORKLOADS.filter((w) => only.includes(w.id));
}

/** A workload's own implementations besides plain: `adjoint`, then its `alternatives` (e.g. adjoint-chainMatmul). */
export function ownImpls(w) {
  return [{ impl: 'adjoint', ...w.adjoint }, ...(w.alternatives ?? [])];
}

/**
 * Runs one workload once for correctness: each adjoint implementation's f, value and gradients
 * against the plain ones, and the plain value-and-gradient's value against the plain f. Returns a
 * note per impl ('' if fine) and the worst relative error.
 */
function verify(w, d, impls) {
  const pf = w.plain.f(d);
  const pvg = w.plain.vg(d);
  const plainPairs = pvg.value === undefined ? {} : { 'vg value vs f': [pvg.value, pf] };
  const p = compare(plainPairs);
  const notes = { plain: p.failures.length ? `MISMATCH: ${p.failures.join('; ')}` : '' };
  let worst = 0;
  const failed = new Set();
  const once = {};
  for (const { impl, f, vg, tol, peer, skip } of impls) {
    if (skip) continue;
    let af, avg;
    try {
      const t0 = performance.now();
      af = f(d);
      const t1 = performance.now();
      avg = vg(d);
      once[impl] = { f: { ms: t1 - t0, runs: 1 }, vg: { ms: performance.now() - t1, runs: 1 } };
    } catch (e) {
      if (!peer) throw e;
      notes[impl] = `failed: ${String(e?.message ?? e).split('\n')[0].slice(0, 160)}`;
      failed.add(impl);
      continue;
    }
    const adjPairs = { 'f value': [af, pf] };
    if (avg.value !== undefined) adjPairs['vg value'] = [avg.value, pf];
    for (const name of Object.keys(pvg.grads)) adjPairs[`grad ${name}`] = [avg.grads[name], pvg.grads[name]];
    const a = compare(adjPairs, tol);
    notes[impl] = a.failures.length ? `MISMATCH vs plain: ${a.failures.join('; ')}` : '';
    if (!peer) worst = Math.max(worst, a.worst);
  }
  return { notes, worst, failed, once };
}

/**
 * Verifies and times `impls` on workload w (an entry may carry `tol` (a looser check, e.g.
 * float32), `note`, `prepare(d)` (untimed conversion of the data), `dispose(d)` and `peer: true`;
 * an entry with `skip` instead of f/vg becomes a row that says why it did not run). With
 * `timePlain: false` (a peer's process) the plain row is not timed and ratios vs plain are left for
 * the caller to fill in from its own plain timing.
 */
export function runWorkload(w, settings, impls, { timePlain = true } = {}) {
  const d = w.setup();
  for (const p of impls) {
    if (!p.prepare || p.skip) continue;
    try {
      p.prepare(d);
    } catch (e) {
      if (!p.peer) throw e;
      p.skip = `failed: ${String(e?.message ?? e).split('\n')[0].slice(0, 160)}`;
    }
  }
  const { notes, worst, failed, once } = verify(w, d, impls);
  const oneRun = new Set(
    settings.oneRunAboveMs === undefined ? [] : impls.filter((p) => p.peer && once[p.impl]?.vg.ms > settings.oneRunAboveMs).map((p) => p.impl),
  );
  const timed = impls.filter((p) => !p.skip && !failed.has(p.impl) && !oneRun.has(p.impl));
  const fns = timePlain ? { plainF: () => w.plain.f(d), plainVG: () => w.plain.vg(d) } : {};
  // A peer that throws while being timed (e.g. a stack overflow that verify escaped) gets a 'failed' row.
  const timingErrors = {};
  const guard = (impl, peer, fn) =>
    !peer
      ? fn
      : () => {
          if (timingErrors[impl]) return null;
          try {
            return fn();
          } catch (e) {
            timingErrors[impl] = `failed while timed: ${String(e?.message ?? e).split('\n')[0].slice(0, 160)}`;
            return null;
          }
        };
  for (const { impl, f, vg, peer } of timed) {
    fns[`${impl}F`] = guard(impl, peer, () => f(d));
    fns[`${impl}VG`] = guard(impl, peer, () => vg(d));
  }
  const t = measure(fns, settings);
  const base = { workload: w.id, size: w.size, plainFMs: timePlain ? t.plainF.ms : NaN };
  const extra = w.id === 'W7' ? 'vg = HVP' : '';
  const join = (...xs) => xs.filter(Boolean).join('; ');
  const row = (impl, f, vg, note) =>
    makeRow({ ...base, impl, fMs: f.ms, vgMs: vg.ms, runs: { f: f.runs, vg: vg.runs }, note: join(extra, note) });
  const untimed = (p, note) => ({ workload: w.id, impl: p.impl, size: w.size, f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note: join(p.note, note) });
  for (const p of impls) {
    try {
      p.dispose?.(d);
    } catch (e) {
      if (!p.peer) throw e; // a peer left in a bad state by its own failure must not fail the workload
    }
  }
  return {
    worst,
    rows: [
      ...(timePlain ? [row('plain', t.plainF, t.plainVG, notes.plain)] : []),
      ...impls.map((p) =>
        p.skip ? untimed(p, p.skip)
          : failed.has(p.impl) ? untimed(p, notes[p.impl])
            : timingErrors[p.impl] ? untimed(p, timingErrors[p.impl])
              : oneRun.has(p.impl) ? row(p.impl, once[p.impl].f, once[p.impl].vg, join(p.note, notes[p.impl], 'quick: one cold run'))
                : row(p.impl, t[`${p.impl}F`], t[`${p.impl}VG`], join(p.note, notes[p.impl])),
      ),
    ],
    peerImpls: new Set(impls.filter((p) => p.peer).map((p) => p.impl)),
  };
}

