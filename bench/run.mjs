// Runs the benchmark workloads (plain JavaScript vs adjoint vs the JavaScript peers) in one process, prints a table and writes bench/results.json.
import { fileURLToPath } from 'node:url';
import { compare } from './check.mjs';
import { formatTable, machineInfo, makeRow, writeResults } from './report.mjs';
import { measure } from './timing.mjs';
import w1 from './workloads/w1.mjs';
import w2 from './workloads/w2.mjs';
import w2l from './workloads/w2l.mjs';
import w3 from './workloads/w3.mjs';
import w4 from './workloads/w4.mjs';
import w5 from './workloads/w5.mjs';
import w6, { w6s } from './workloads/w6.mjs';
import w7 from './workloads/w7.mjs';
import { runW8 } from './memory/run-w8.mjs';
import { runHypergradient } from './implicit/hypergradient.mjs';
import { loadPeers } from './peers/index.mjs';

const WORKLOADS = [w1, w2, w2l, w3, ...w4, w5, w6, w6s, w7];

/** Timing settings: the full run takes a few minutes on 2 cores, --quick about a minute. */
const SETTINGS = {
  full: { warmupRuns: 3, warmupMs: 500, rounds: 3, budgetMs: 2400, minRuns: 6, maxRuns: 300 },
  quick: { warmupRuns: 2, warmupMs: 150, rounds: 2, budgetMs: 700, minRuns: 3, maxRuns: 80 },
};

function parseArgs(argv) {
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

function select(only) {
  if (!only) return WORKLOADS;
  const ids = [...WORKLOADS.map((w) => w.id), 'W8', 'HG'];
  const unknown = only.filter((id) => !ids.includes(id));
  if (unknown.length) throw new Error(`--only: unknown workload(s) ${unknown.join(', ')}; available: ${ids.join(', ')}`);
  return WORKLOADS.filter((w) => only.includes(w.id));
}

/** Peer rows per workload, filled by loadPeers() before the run (bench/peers/). */
let PEERS = { forWorkload: () => [] };

/**
 * A workload's implementations besides plain: `adjoint`, its `alternatives` (e.g.
 * adjoint-chainMatmul), then the peers' rows. An entry may carry `tol` (a looser check, e.g.
 * float32), `note` (shown in the table), `prepare(d)` (untimed conversion of the data) and
 * `peer: true`; an entry with `skip` instead of f/vg is a row that says why it did not run.
 */
function adjointImpls(w) {
  return [{ impl: 'adjoint', ...w.adjoint }, ...(w.alternatives ?? []), ...PEERS.forWorkload(w)];
}

/**
 * Runs one workload once for correctness: each adjoint implementation's f, value and gradients
 * against the plain ones, and the plain value-and-gradient's value against the plain f. Returns a
 * note per impl ('' if fine) and the worst relative error.
 */
function verify(w, d, impls = adjointImpls(w)) {
  const pf = w.plain.f(d);
  const pvg = w.plain.vg(d);
  const plainPairs = pvg.value === undefined ? {} : { 'vg value vs f': [pvg.value, pf] };
  const p = compare(plainPairs);
  const notes = { plain: p.failures.length ? `MISMATCH: ${p.failures.join('; ')}` : '' };
  let worst = 0;
  const failed = new Set();
  for (const { impl, f, vg, tol, peer, skip } of impls) {
    if (skip) continue;
    let af, avg;
    try {
      af = f(d);
      avg = vg(d);
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
  return { notes, worst, failed };
}

function runWorkload(w, settings) {
  const d = w.setup();
  const impls = adjointImpls(w);
  for (const p of impls) {
    if (!p.prepare || p.skip) continue;
    try {
      p.prepare(d);
    } catch (e) {
      if (!p.peer) throw e;
      p.skip = `failed: ${String(e?.message ?? e).split('\n')[0].slice(0, 160)}`;
    }
  }
  const { notes, worst, failed } = verify(w, d, impls);
  const timed = impls.filter((p) => !p.skip && !failed.has(p.impl));
  const fns = { plainF: () => w.plain.f(d), plainVG: () => w.plain.vg(d) };
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
  const base = { workload: w.id, size: w.size, plainFMs: t.plainF.ms };
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
      row('plain', t.plainF, t.plainVG, notes.plain),
      ...impls.map((p) =>
        p.skip ? untimed(p, p.skip) : failed.has(p.impl) ? untimed(p, notes[p.impl]) : timingErrors[p.impl] ? untimed(p, timingErrors[p.impl]) : row(p.impl, t[`${p.impl}F`], t[`${p.impl}VG`], join(p.note, notes[p.impl])),
      ),
    ],
    peerImpls: new Set(impls.filter((p) => p.peer).map((p) => p.impl)),
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  PEERS = await loadPeers();
  const settings = opts.quick ? SETTINGS.quick : SETTINGS.full;
  const machine = machineInfo();
  console.log(`adjoint bench${opts.quick ? ' (quick)' : ''}: node ${machine.node}, ${machine.cpu}, ${machine.cores} cores`);
  for (const line of PEERS.status) console.error(`  peer ${line}`);
  const rows = [];
  const peerRows = new Set();
  const t0 = performance.now();
  for (const w of select(opts.only)) {
    const start = performance.now();
    try {
      const r = runWorkload(w, settings);
      rows.push(...r.rows);
      for (const x of r.rows) if (r.peerImpls.has(x.impl)) peerRows.add(x);
      console.error(`  ${w.id} done in ${((performance.now() - start) / 1000).toFixed(1)} s (adjoint vs plain: worst rel err ${r.worst.toExponential(1)})`);
    } catch (e) {
      const note = `failed: ${e?.message ?? e}`;
      rows.push({ workload: w.id, impl: 'adjoint', size: w.size, f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note });
      console.error(`  ${w.id} FAILED: ${e?.stack ?? e}`);
      process.exitCode = 1;
    }
  }
  if (!opts.only || opts.only.includes('W8')) {
    const start = performance.now();
    const r = runW8({ quick: opts.quick });
    rows.push(...r.rows);
    const { all, c10, sqrt } = r.summary;
    console.error(`  W8 done in ${((performance.now() - start) / 1000).toFixed(1)} s: peak residuals c=10 ${(100 * c10.peakBytes / all.peakBytes).toFixed(2)}% of 'all', time ${(c10.ms / all.ms).toFixed(2)}x; 'sqrt' ${(100 * sqrt.peakBytes / all.peakBytes).toFixed(2)}%, ${(sqrt.ms / all.ms).toFixed(2)}x; picture ${r.svg}`);
  }
  if (!opts.only || opts.only.includes('HG')) {
    const start = performance.now();
    try {
      const r = runHypergradient({ quick: opts.quick });
      rows.push(...r.rows);
      const s = r.summary;
      console.error(`  HG done in ${((performance.now() - start) / 1000).toFixed(1)} s: one hypergradient = ${s.exactUnits.toFixed(1)} inner gradients (exact HVPs, ${s.cg.exact} CG iterations), ${s.fdUnits.toFixed(1)} with finite-difference HVPs; the inner solve took ${s.forwardEvaluations} gradient evaluations`);
    } catch (e) {
      rows.push({ workload: 'HG', impl: 'adjoint', size: '', f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note: `failed: ${e?.message ?? e}` });
      console.error(`  HG FAILED: ${e?.stack ?? e}`);
      process.exitCode = 1;
    }
  }
  console.log('');
  console.log(formatTable(rows));
  // A peer's wrong or failed result is a finding about the peer, listed but not a failure of the run.
  const bad = rows.filter((r) => r.note && /MISMATCH|failed/.test(r.note));
  if (bad.length) {
    console.log('');
    for (const r of bad) console.log(`${peerRows.has(r) ? 'peer' : 'WARNING'}: ${r.workload} ${r.impl}: ${r.note}`);
    if (bad.some((r) => !peerRows.has(r))) process.exitCode = 1;
  }
  const out = fileURLToPath(new URL('./results.json', import.meta.url));
  writeResults(out, { machine, options: { quick: opts.quick, only: opts.only }, rows });
  console.log(`\nwrote ${out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

await main();
