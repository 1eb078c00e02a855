/**
 * @file Transcendental elementwise functions over long arrays split across the worker threads
 * (../threads/pool.ts): the input is copied into the shared memory, each thread applies the same
 * Math function to its chunk, the result is copied back — the same bits as one thread's loop.
 *
 * Only functions that cost far more than the copies gain: Math.sin, cos and expm1 take about
 * 15–20 ns an element on the bench machine (measured on one thread; a loaded machine shares its
 * cores fairly between processes, so two threads' wall time cannot be measured there), the two
 * copies about 1 ns; from PARALLEL_MAP elements the half a thread saves exceeds waking a worker
 * (tens of µs). Arithmetic (add, mul, …) costs about what its copies cost and stays on one thread;
 * exp, log and log1p run in WebAssembly SIMD (./wasm/vmath.ts) on one thread, tanh in WebAssembly
 * SIMD split across the threads (vmath.ts, tanhAcross).
 */
import { sharedKernel, threadPool } from '../threads/pool.js';
import { MAP_KERNELS, type MapKernel } from '../threads/workerSource.js';
import { wasmKernelsAvailable } from './wasm/gemm.js';
import { touchPages } from './wasm/staging.js';

/** Arrays of at least this many elements are split (W1's hidden layer, 128 × 256, is 32,768). */
const PARALLEL_MAP = 16384;
/** Longer arrays stay on one thread (input and output, 64 MB, in the shared memory: gemm's bound). */
const MAX_MAP = 1 << 22;

const kernels = Object.fromEntries(MAP_KERNELS.map((name) => [name, sharedKernel(() => ({ module: null, name }))])) as Record<MapKernel, number>;

/** out[i] = Math[op](x[i]) on the worker threads; false (having done nothing) when the array is short or no pool runs. */
export function parallelMap(op: MapKernel, x: Float64Array, out: Float64Array): boolean {
  const n = x.length;
  // Threads run only with the WebAssembly kernels on (ad.backendInfo says so), for these too.
  if (n < PARALLEL_MAP || n > MAX_MAP || !wasmKernelsAvailable()) return false;
  const pool = threadPool();
  if (pool === null) return false;
  const v = pool.view(2 * n);
  v.set(x, 0);
  pool.run(
    { name: op, kernel: kernels[op], args: [0, n * 8, n], steps: [8, 8, 0], rowsArg: 2, rows: n, quantum: 64 },
    () => touchPages(out, 0, n), // the result's fresh pages, while the workers compute
    (i0, count) => out.set(v.subarray(n + i0, n + i0 + count), i0), // each chunk as it is done
  );
  return true;
}
