// Runs the benchmark workloads (plain JavaScript vs adjoint), each workload in a process of its own (own-child.mjs)
// with PyTorch's forms of it right after (peers/torch.mjs), then each JavaScript peer group in a process of its own
// (peers/child.mjs), and prints one table and writes bench/results.json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTable, machineInfo, writeResults } from './report.mjs';
import { SETTINGS, parseArgs, select } from './harness.mjs';
import { runW8 } from './memory/run-w8.mjs';
import { runHypergradient } from './implicit/hypergradient.mjs';
import { formatKernels, runKernels } from './kernels.mjs';
import { formatThreads, runThreads } from './threads.mjs';
import { PEER_GROUPS } from './peers/index.mjs';
import { runTorch } from './peers/torch.mjs';
import { formatPaired, runPaired } from './paired.mjs';
import { KEPT_HEAP_ENV, keptHeapAvailable, keptHeapRows } from './keptHeap.mjs';

/**
 * Each peer group runs in a child process. Not only because TF.js has one global backend: once a
 * peer's WebAssembly memory has grown, V8 runs every typed-array loop in the process more slowly
 * (about twice, for the serial product of W4), which would slow plain and adjoint rows measured
 * after it. Peer rows get their ratio vs plain from this process's plain timing.
 */
function runPeerGroup(group, opts) {
  const args = [fileURLToPath(new URL('./peers/child.mjs', import.meta.url)), group];
  if (opts.quick) args.push('--quick');
  if (opts.only) args.push('--only', opts.only.join(','));
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('@@peer-rows '));
  if (!line) return { rows: [], error: `the ${group} process ended without results (status ${r.status}${r.signal ? `, ${r.signal}` : ''})` };
  return JSON.parse(line.slice('@@peer-rows '.length));
}

/**
 * A workload group's plain and adjoint rows, in a child process (./own-child.mjs). In one process,
 * a workload's rows were measured in the heap, allocator and code caches every earlier workload
 * left behind: chainMatmul's value and gradient at 128×128 took 1.3× as long at the end of a full
 * run as in a process of its own (its allocations of 25 MB per call met a heap and a malloc arena
 * shaped by a dozen workloads). Each group now starts as `--only <id>` would.
 */
function runOwnGroup(id, opts, env = process.env) {
  const args = [fileURLToPath(new URL('./own-child.mjs', import.meta.url)), id];
  if (opts.quick) args.push('--quick');
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', env });
  const line = (r.stdout ?? '').split('\n').reverse().find((l) => l.startsWith('@@own-rows '));
  if (line) return JSON.parse(line.slice('@@own-rows '.length));
  const note = `failed: the ${id} process ended without results (status ${r.status}${r.signal ? `, ${r.signal}` : ''})`;
  console.error(`  ${id} FAILED: ${note}`);
  return { rows: [{ workload: id, impl: 'adjoint', size: '', f_ms: null, vg_ms: null, ratio_vs_plain: null, ratio_vs_own_f: null, runs: null, note }], failed: true };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const settings = opts.quick ? SETTINGS.quick : SETTINGS.full;
  const machine = machineInfo();
  console.log(`adjoint bench${opts.quick ? ' (quick)' : ''}: node ${machine.node}, ${machine.cpu}, ${machine.cores} cores`);
  const rows = [];
  const peerRows = new Set();
  const t0 = performance.now();
  // PyTorch right after each workload's own rows, in a Python process of its own (peers/torch.mjs),
  // where a Python with torch is found: this VM's speed drifts by up to 2× within minutes (a 512³
  // product 3.6 ms, then 8.8), and PyTorch run once after all of adjoint's workloads was timed
  // minutes away from them — one run put W1 at 0.44 of PyTorch's time, the next at 1.21.
  // Then adjoint's fastest form and PyTorch's again, in paired rounds (./paired.mjs): the ratio to read.
  const torchRows = [], torchStatus = [], paired = [];
  let torchMs = 0;
  for (const id of [...new Set(select(opts.only).map((w) => w.id))]) {
    const r = runOwnGroup(id, opts);
    rows.push(...r.rows);
    if (r.failed) process.exitCode = 1;
    const start = performance.now();
    const t = runTorch(select([id]), settings);
    torchRows.push(...t.rows);
    if (t.rows.length > 0) torchStatus.push(t.status);
    paired.push(...(await runPaired(id, select([id]), r.rows, t.rows, opts)));
    torchMs += performance.now() - start;
  }
  // The peers, each group in its own process; their rows go after each workload's own rows.
  const plainF = new Map(rows.filter((x) => x.impl === 'plain').map((x) => [`${x.workload}|${x.size}`, x.f_ms]));
  const peerByKey = new Map();
  const ids = select(opts.only).map((w) => w.id);
  const addPeerRow = (x) => {
    const pf = plainF.get(`${x.workload}|${x.size}`);
    if (x.vg_ms !== null && pf) x.ratio_vs_plain = Number((x.vg_ms / pf).toPrecision(4));
    const key = `${x.workload}|${x.size}`;
    if (!peerByKey.has(key)) peerByKey.set(key, []);
    peerByKey.get(key).push(x);
    peerRows.add(x);
  };
  for (const group of ids.length ? PEER_GROUPS : []) {
    const start = performance.now();
    const r = runPeerGroup(group, opts);
    if (r.error) console.error(`  peer ${group}: ${r.error}`);
    r.rows.forEach(addPeerRow);
    console.error(`  peer ${group} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  torchRows.forEach(addPeerRow);
  if (torchStatus.length) console.error(`  ${[...new Set(torchStatus)].join('; ')}; ${(torchMs / 1000).toFixed(1)} s in all, beside each workload`);
  // W4 again, adjoint and PyTorch alike, with glibc told to keep freed blocks (./keptHeap.mjs).
  if (ids.includes('W4') && keptHeapAvailable()) {
    const start = performance.now();
    for (const row of keptHeapRows(runOwnGroup('W4', opts, KEPT_HEAP_ENV).rows.filter((x) => x.impl === 'adjoint'))) {
      const sameSize = rows.findLastIndex((x) => x.workload === row.workload && x.size === row.size);
      rows.splice(sameSize + 1, 0, row);
    }
    keptHeapRows(runTorch(select(['W4']), settings, KEPT_HEAP_ENV).rows).forEach(addPeerRow);
    console.error(`  W4 with glibc's heap kept done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const merged = [];
  for (let i = 0; i < rows.length; i++) {
    merged.push(rows[i]);
    const key = `${rows[i].workload}|${rows[i].size}`;
    const next = rows[i + 1];
    if (!next || `${next.workload}|${next.size}` !== key) merged.push(...(peerByKey.get(key) ?? []));
  }
  rows.length = 0;
  rows.push(...merged);
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
  let kernels = [];
  if (!opts.only || opts.only.includes('K')) {
    const start = performance.now();
    kernels = runKernels({ quick: opts.quick });
    console.error(`  K (kernels) done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  // T: W1 and a 512³ matmul on 1 thread against 2 (ad.config({ threads })), and the products around the threshold.
  let threads = null;
  if (!opts.only || opts.only.includes('T')) {
    const start = performance.now();
    threads = await runThreads({ quick: opts.quick });
    console.error(`  T (threads) done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  console.log('');
  console.log(formatTable(rows));
  if (paired.length) {
    console.log('');
    console.log(formatPaired(paired));
  }
  if (kernels.length) {
    console.log('');
    console.log(formatKernels(kernels));
  }
  if (threads) {
    console.log('');
    console.log(formatThreads(threads));
  }
  // A peer's wrong or failed result is a finding about the peer, listed but not a failure of the run.
  const bad = rows.filter((r) => r.note && /MISMATCH|failed/.test(r.note));
  if (bad.length) {
    console.log('');
    for (const r of bad) console.log(`${peerRows.has(r) ? 'peer' : 'WARNING'}: ${r.workload} ${r.impl}: ${r.note}`);
    if (bad.some((r) => !peerRows.has(r))) process.exitCode = 1;
  }
  const out = fileURLToPath(new URL('./results.json', import.meta.url));
  writeResults(out, { machine, options: { quick: opts.quick, only: opts.only }, rows, paired, kernels, threads });
  console.log(`\nwrote ${out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

await main();
