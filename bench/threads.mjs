// One thread against two (issue 17, goal 2): W1's value and gradient (as written, and under ad.jit,
// its fastest form) and a 512³ matmul with
// ad.config({ threads: 1 }) and ({ threads: 2 }), timed in alternating rounds in one process so
// that load drift hits both alike; the row is the 1-thread/2-thread ratio of the medians (above 1:
// two threads are faster). Also the product sizes where threads start to pay (the threshold in
// src/tensor/kernels/wasm/gemm.ts). run.mjs prints the rows; alone:
//   node bench/threads.mjs [--quick]                  the ratios, as a table
//   node bench/threads.mjs --fixed T --work W --runs N  W (w1 | mm512 | mmN) N times on T threads, for whole-process timing
import { readFileSync } from 'node:fs';
import * as ad from 'adjoint';
import { measure } from './timing.mjs';
import w1 from './workloads/w1.mjs';

/** The timed work: W1's value and gradient (as written, or under ad.jit: its fastest form), or an n³ product. */
function work(name) {
  if (name === 'w1' || name === 'w1-jit') {
    const d = w1.setup();
    if (name === 'w1') return () => w1.adjoint.vg(d);
    const jitted = w1.alternatives.find((a) => a.impl === 'adjoint-jit');
    return () => jitted.vg(d);
  }
  const n = Number(/^mm(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(n)) throw new Error(`--work: w1, w1-jit or mmN (an n³ product), not ${name}`);
  const a = ad.random.normal([n, n], 1), b = ad.random.normal([n, n], 2);
  return () => ad.matmul(a, b);
}

/** Waits (turning the event loop) until the pool's workers have started, so the 2-thread runs measure threads, not start-up. */
async function threadsStarted(threads) {
  ad.config({ threads });
  const a = ad.ones([128, 128]);
  ad.matmul(a, a); // starts the pool
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/**
 * W1's forms run for `ms` first. V8 optimises the functions an eager value and gradient passes
 * through (about 250) over its first several hundred calls, on background threads: measured by
 * each thread's CPU time, about 0.4 ms a call of compilation beside eager W1's 2.5 ms on the main
 * thread in calls 50–650, 0.1 ms after 2,000 calls. On two cores those threads take the core that
 * ours would use, so without this a short run measures V8's warm-up, not the threads (a training
 * loop's later calls do not pay it).
 */
function settle(name, fn, ms) {
  if (!name.startsWith('w1')) return;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) fn();
}

/** Times `name` on 1 and on 2 threads in alternating rounds; returns the medians and their ratio. */
function pair(name, settings) {
  const fn = work(name);
  const on = (threads) => () => {
    ad.config({ threads });
    return fn();
  };
  settle(name, on(2), settings.settleMs);
  const r = measure({ one: on(1), two: on(2) }, settings);
  return { work: name, oneMs: r.one.ms, twoMs: r.two.ms, ratio: r.one.ms / r.two.ms, runs: r.one.runs + r.two.runs };
}

/**
 * CPU milliseconds of this process's main thread (Linux: /proc/self/task/<pid>/stat, clock ticks of
 * 10 ms), or null elsewhere. On a machine shared under the kernel's fair group scheduling a process
 * gets the same share of the cores however many threads it runs, so wall times cannot show what two
 * threads gain; the main thread's CPU time can: it is what the caller computes (its chunks and
 * everything serial) without the time it sleeps waiting for a worker, about the wall time of a
 * call on an idle machine.
 */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/** The main thread's CPU ms per call on 1 thread and on 2: their ratio estimates the idle-machine ratio (see mainThreadCpuMs). */
function cpuEstimate(name, cpuMs) {
  const fn = work(name);
  const perCall = (threads, cpu) => {
    ad.config({ threads });
    for (let i = 0; i < 3; i++) fn();
    const c0 = cpu();
    let runs = 0;
    while (cpu() - c0 < cpuMs) {
      fn();
      runs++;
    }
    return (cpu() - c0) / runs;
  };
  const one = perCall(1, mainThreadCpuMs);
  const two = perCall(2, mainThreadCpuMs);
  return { oneCpuMs: one, twoMainCpuMs: two, cpuRatio: one / two };
}

/** The bench rows: W1, the 512³ product, and smaller products around the threshold. */
export async function runThreads({ quick = false } = {}) {
  await threadsStarted(2);
  const settings = quick
    ? { warmupRuns: 1, warmupMs: 100, rounds: 3, budgetMs: 600, minRuns: 6, maxRuns: 60, settleMs: 3000 }
    : { warmupRuns: 3, warmupMs: 300, rounds: 6, budgetMs: 3000, minRuns: 12, maxRuns: 300, settleMs: 6000 };
  const info = ad.backendInfo();
  const rows = ['w1', 'w1-jit', 'mm512', 'mm256', 'mm192', 'mm160', 'mm128', 'mm96'].map((name) => pair(name, settings));
  if (mainThreadCpuMs() !== null) {
    for (const row of rows.slice(0, 4)) Object.assign(row, cpuEstimate(row.work, quick ? 300 : 1500));
  }
  ad.config({ threads: 'auto' });
  return { threads: info.threads, reason: info.threadsReason ?? null, rows };
}

export function formatThreads({ threads, reason, rows }) {
  const head = `threads: 1 against 2 (pool of ${threads}${reason ? `: ${reason}` : ''}); ratio = 1-thread ms / 2-thread ms (wall);\n` +
    '  cpu ratio = the main thread\'s CPU ms per call, 1 thread / 2 threads (about the wall ratio on an idle machine; see bench/threads.mjs)';
  const lines = rows.map((r) => `  ${r.work.padEnd(7)} 1 thread ${r.oneMs.toFixed(3).padStart(9)} ms   2 threads ${r.twoMs.toFixed(3).padStart(9)} ms   ratio ${r.ratio.toFixed(2)}` +
    (r.cpuRatio === undefined ? '' : `   cpu ${r.oneCpuMs.toFixed(2)} / ${r.twoMainCpuMs.toFixed(2)} ms, cpu ratio ${r.cpuRatio.toFixed(2)}`));
  return [head, ...lines].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i < 0 ? null : args[i + 1];
  };
  if (opt('--fixed') !== null) {
    const threads = Number(opt('--fixed'));
    const fn = work(opt('--work') ?? 'w1'); // w1 | w1-jit | mmN
    ad.config({ threads }); // whole-process timing includes the workers' start (the first calls run on one thread meanwhile)
    const runs = Number(opt('--runs') ?? 20);
    for (let i = 0; i < runs; i++) fn();
  } else {
    console.log(formatThreads(await runThreads({ quick: args.includes('--quick') })));
  }
}
