/**
 * @file What a pool worker runs, as source text: bundlers (IIFE, CommonJS, minified) keep a string
 * as it is, where a separate worker file would be lost or renamed. The same script runs in a Node
 * worker (`eval: true`, where `require` exists) and a browser Web Worker from a Blob URL.
 *
 * The worker receives one message — the shared WebAssembly.Memory, the control words, and the
 * kernels compiled against that memory — instantiates each kernel, and from then on never returns
 * to its event loop: it claims chunks of each job, spins SPIN_MS for the next, then sleeps in
 * Atomics.wait on the job word.
 *
 * Control words (an Int32Array over a SharedArrayBuffer), one job at a time:
 * - GEN: the job's number (23 bits, so that GEN·256 + 255 is a positive int32).
 * - CLAIM: GEN·256 + the next unclaimed chunk. A chunk is claimed by a compare-and-exchange of the
 *   whole word, so a worker that read an earlier job's parameters cannot claim a chunk of a later
 *   job: the exchange fails when GEN moved on. The caller posts a job only when every chunk of the
 *   previous one is done, and before it writes the new job's parameters it stores the new number
 *   with chunk 255 (no chunk to claim), so a worker holding the previous word fails its exchange
 *   even if it read the new parameters: parameters read before a successful claim are the claimed job's.
 *   Parameters are written and read with Atomics (sequentially consistent), so this holds in the
 *   JavaScript memory model on any hardware, not only where stores stay in program order (x86).
 * - DONE: chunks finished (everyone adds 1 after a chunk; the caller waits for COUNT).
 * - KERNEL, ROWS, CHUNK, COUNT, ROWS_ARG, NARGS, then NARGS arguments at ARGS and their per-row
 *   byte steps at STEPS: chunk c covers rows [c·CHUNK, min(ROWS, (c+1)·CHUNK)), and runs the kernel
 *   with argument i = ARGS[i] + row0·STEPS[i], and argument ROWS_ARG = its row count.
 * - STOP: set to end the workers; READY: workers with their kernels instantiated; WORKED: chunks
 *   workers ran (for tests and the bench); FAULT: set when a kernel threw in a worker (the chunk
 *   still counts as done, so the caller never hangs; it throws instead).
 */

export const GEN = 0, CLAIM = 1, DONE = 2, STOP = 3, READY = 4, WORKED = 5, FAULT = 6;
export const KERNEL = 7, ROWS = 8, CHUNK = 9, COUNT = 10, ROWS_ARG = 11, NARGS = 12;
export const MAX_ARGS = 11;
export const ARGS = 13, STEPS = ARGS + MAX_ARGS;
export const CONTROL_WORDS = STEPS + MAX_ARGS;
/** GEN's range: job numbers wrap at 2^23. */
export const GEN_MASK = 0x7fffff;
/**
 * How long (ms) a worker spins for the next job before it sleeps in Atomics.wait, and the caller
 * for a worker's last chunk before it waits: waking a sleeping thread costs tens of µs on an idle
 * machine and more on a loaded one, while an op's next large kernel often follows within a few µs
 * (OpenMP runtimes spin the same way before they block). Measured A/B in one process, 1-thread ÷
 * 2-thread time, back-to-back calls: tanh of 32,768 entries 1.54 → 1.82, a 192³ product 1.43 →
 * 1.73, 160³ 1.45 → 1.95. A worker idle for longer sleeps, and costs nothing. Where threads
 * outnumber the cores (`threads` set above them), nothing spins (the pool sends 0).
 */
export const SPIN_MS = 0.2;
/** At most this many chunks per job (CLAIM's low byte). */
export const MAX_CHUNKS = 255;

/**
 * JavaScript kernels the workers run besides WebAssembly ones (a SharedKernel with module null):
 * out[i] = Math[name](x[i]) over the shared memory, with (x, out, count) as byte addresses and a
 * count. The caller runs the same loop (./pool.ts, mapKernel): one engine, the same Math, the same bits.
 */
export const MAP_KERNELS = ['sin', 'cos', 'expm1'] as const;
export type MapKernel = (typeof MAP_KERNELS)[number];

/** The worker's script. */
export const workerSource = `'use strict';
(function () {
  var nodePort = typeof require === 'function' ? require('node:worker_threads').parentPort : null;
  function start(init) {
    var ctl = new Int32Array(init.control);
    var heap = new Float64Array(0);
    function view() { // the memory's buffer changes when it grows
      if (heap.length * 8 !== init.memory.buffer.byteLength) heap = new Float64Array(init.memory.buffer);
      return heap;
    }
    function map(f) {
      return function (x, out, count) {
        var v = view(), s = x >> 3, d = out >> 3;
        for (var i = 0; i < count; i++) v[d + i] = f(v[s + i]);
      };
    }
    var fns = init.kernels.map(function (k) {
      if (k.module === null) return map(Math[k.name]);
      return new WebAssembly.Instance(k.module, { env: { memory: init.memory } }).exports[k.name];
    });
    var args = new Array(${MAX_ARGS});
    var now = typeof performance === 'object' ? function () { return performance.now(); } : Date.now;
    Atomics.add(ctl, ${READY}, 1);
    var seen = Atomics.load(ctl, ${GEN});
    for (;;) {
      if (Atomics.load(ctl, ${STOP}) !== 0) return;
      for (;;) {
        var v = Atomics.load(ctl, ${CLAIM});
        if ((v >>> 8) !== seen) break;
        var chunk = v & 255, count = Atomics.load(ctl, ${COUNT});
        if (chunk >= count) break;
        var fn = fns[Atomics.load(ctl, ${KERNEL})], rows = Atomics.load(ctl, ${ROWS}), size = Atomics.load(ctl, ${CHUNK});
        var rowsArg = Atomics.load(ctl, ${ROWS_ARG}), nargs = Atomics.load(ctl, ${NARGS}), row0 = chunk * size;
        for (var i = 0; i < nargs; i++) args[i] = Atomics.load(ctl, ${ARGS} + i) + row0 * Atomics.load(ctl, ${STEPS} + i);
        if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue;
        args[rowsArg] = Math.min(size, rows - row0);
        try {
          fn.apply(null, args.slice(0, nargs));
          Atomics.add(ctl, ${WORKED}, 1);
        } catch (e) {
          Atomics.store(ctl, ${FAULT}, 1);
        }
        Atomics.add(ctl, ${DONE}, 1);
        Atomics.notify(ctl, ${DONE});
      }
      // Spin a while before sleeping (SPIN_MS, init.spinMs): the next job often follows within microseconds.
      for (var until = now() + init.spinMs, spin = 0; Atomics.load(ctl, ${GEN}) === seen; spin++) {
        if ((spin & 255) === 255 && now() > until) break;
      }
      Atomics.wait(ctl, ${GEN}, seen);
      seen = Atomics.load(ctl, ${GEN});
    }
  }
  if (nodePort !== null) nodePort.once('message', start);
  else self.onmessage = function (e) { self.onmessage = null; start(e.data); };
})();
`;
