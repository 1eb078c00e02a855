/**
 * @file A small pool of worker threads for large kernels, fork-join inside one synchronous kernel
 * call: the caller copies the operands into a shared WebAssembly.Memory, posts a job (a kernel and
 * a range of rows split into chunks), computes chunks itself, and returns when every chunk is done.
 * Each chunk runs the same WebAssembly function on its rows as one thread would, so the result is
 * the same bit for bit whichever thread ran which chunk.
 *
 * Chunks are claimed, not assigned (./workerSource.ts): a worker still starting, descheduled by a
 * loaded machine, or never started (a CSP that refused it after all) simply claims nothing, and
 * the caller computes those chunks. So the first large call never waits for workers to boot, and
 * the only waiting is for chunks a worker has already begun. The caller waits in Atomics.wait
 * where it may block (Node, a browser's workers); on a browser's main thread, where Atomics.wait
 * throws, it spins on Atomics.load — bounded by the chunk a worker is computing (a few ms at most).
 *
 * The pool starts when first needed (a large kernel, or `backendInfo`), never at load time.
 * Node workers are unref'd: an idle pool never keeps a process alive.
 */
import { transientFailure } from '../../core/transient.js';
import { AdjointError } from '../../core/errors.js';
import { detectPlatform, type Platform, type WorkerHandle } from './platform.js';
import {
  ARGS, CHUNK, CLAIM, CONTROL_WORDS, COUNT, DONE, FAULT, GEN, GEN_MASK, KERNEL, MAX_ARGS, MAX_CHUNKS, NARGS,
  READY, ROWS, ROWS_ARG, SPIN_MS, STEPS, STOP, WORKED, workerSource, type MapKernel,
} from './workerSource.js';

/**
 * A WebAssembly kernel compiled against a shared memory (imported as env.memory) and the name of
 * its exported function; or, with module null, the JavaScript map kernel `name` (./workerSource.ts).
 */
export interface SharedKernel {
  module: WebAssembly.Module | null;
  name: string;
}

/** One fork-join job: `kernel` over `rows` rows, in chunks of a multiple of `quantum` rows (see ./workerSource.ts). */
export interface RowJob {
  /** The op, for errors. */
  name: string;
  kernel: number;
  /** i32 arguments for the whole range of rows. */
  args: readonly number[];
  /** What one row adds to each argument (a byte stride for addresses, 0 for the rest). */
  steps: readonly number[];
  /** Which argument is the row count. */
  rowsArg: number;
  rows: number;
  quantum: number;
}

/** The setting: a count of threads (the caller included), or 'auto'. */
export type ThreadSetting = number | 'auto';

/** 'auto' uses up to this many threads: the row-split kernels are memory-bound beyond a few cores, and each worker costs memory. */
const AUTO_MAX = 4;
const PAGE = 65536;
/** The shared memory's maximum in 64 kB pages (1 GB; reserved address space, not memory); kernels declare it in their import. */
export const MAX_PAGES = 16384;

const kernelSources: Array<() => SharedKernel> = [];

let setting: ThreadSetting = 'auto';
let platform: Platform | string | null = null;
/** The running pool, or why there is none (null: not started yet). */
let pool: Pool | string | null = null;

/** Registers a kernel the workers will run (at import time; compiled when the pool starts); returns its number for RowJob.kernel. @internal */
export function sharedKernel(make: () => SharedKernel): number {
  if (pool !== null) stopPool(); // restarted with the new kernel when next needed
  return kernelSources.push(make) - 1;
}

class Pool {
  readonly memory: WebAssembly.Memory;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly fns: Array<(...args: number[]) => void>;
  private readonly args = new Array<number>(MAX_ARGS).fill(0);
  /** Which chunks of the current job the caller computed (1) and which workers did (0). */
  private readonly own = new Uint8Array(MAX_CHUNKS);
  private gen = 0;
  private views = 0;
  /** How long threads spin before they sleep (SPIN_MS, or 0 where threads outnumber cores). */
  private readonly spinMs: number;
  private failure: string | null = null;
  readonly workers: WorkerHandle[] = [];

  constructor(readonly threads: number, private readonly host: Platform, kernels: SharedKernel[]) {
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const env = { env: { memory: this.memory } };
    this.fns = kernels.map((k) => k.module === null
      ? mapKernel(this.memory, k.name as MapKernel)
      : (new WebAssembly.Instance(k.module, env).exports as Record<string, (...a: number[]) => void>)[k.name]!);
    // More threads than cores: a spinning thread would hold a core another thread needs.
    this.spinMs = threads <= host.cores ? SPIN_MS : 0;
    const init = { memory: this.memory, control: this.control.buffer, kernels: kernels.map((k) => ({ module: k.module, name: k.name })), spinMs: this.spinMs };
    try {
      for (let i = 1; i < threads; i++) {
        const w = host.spawn(workerSource, (message) => void (this.failure ??= `a worker failed: ${message}; ` +
          'under a Content-Security-Policy, allow worker-src blob: or set ad.config({ threads: 1 })'));
        this.workers.push(w);
        w.post(init);
      }
    } catch (e) {
      this.stop();
      throw e;
    }
  }

  /** Why the pool no longer runs (a worker failed), or null. */
  get broken(): string | null {
    return this.failure;
  }

  /** Workers that have their kernels and claim chunks. */
  get ready(): number {
    return Atomics.load(this.control, READY);
  }

  /** Chunks workers have computed since the pool started. */
  get worked(): number {
    return Atomics.load(this.control, WORKED);
  }

  /**
   * How many times `view` has been called: whoever writes the memory asks for a view first, so data
   * a caller left there is intact while this count is what it was just after that caller's writes.
   */
  get epoch(): number {
    return this.views;
  }

  /** A Float64Array over the whole shared memory, grown to at least `doubles` (growing a shared memory detaches nothing). */
  view(doubles: number): Float64Array {
    this.views++;
    const have = this.memory.buffer.byteLength;
    if (doubles * 8 > have) this.memory.grow(Math.ceil((doubles * 8 - have) / PAGE));
    return new Float64Array(this.memory.buffer);
  }

  /**
   * Runs `job` across the pool and returns when all of it is done. `meanwhile`, if given, runs on
   * the caller's thread right after the job is posted, before it claims chunks itself: work that
   * needs no chunk (first-touching the result's fresh pages) overlaps the workers' chunks instead
   * of adding to the serial part. `done`, if given, is called once with (first row, rows) for each
   * chunk: for the chunks the caller computed as soon as it has no more to claim, so that work on
   * them (copying them out) overlaps the chunks workers are still computing; for the workers'
   * chunks after the job.
   */
  run(job: RowJob, meanwhile?: () => void, done?: (row0: number, rows: number) => void): void {
    const ctl = this.control;
    const chunkRows = chunkSize(job.rows, job.quantum, this.threads);
    const count = Math.ceil(job.rows / chunkRows);
    const nargs = job.args.length;
    // Block claims before the parameters change: a worker that read the previous job's CLAIM word
    // (all its chunks claimed, or the last one) and then reads these parameters, with a count above
    // that word's chunk, would otherwise claim it by exchanging the old word — a chunk of this job
    // computed before it is published and counted in the old job's DONE, which then ran one ahead
    // and let a caller copy out a chunk still being computed (test/trust/caches.test.ts caught it).
    // The blocked word carries the new job's number, so that exchange fails.
    this.gen = (this.gen + 1) & GEN_MASK;
    // The parameters are written (and read by the workers) with atomic operations, not plain ones:
    // a worker that reads a new parameter must then see the blocked word in its exchange. With
    // plain accesses the JavaScript memory model does not promise it (x86 keeps the order anyway;
    // ARM may make a plain store visible before the sequentially consistent store above it).
    Atomics.store(ctl, CLAIM, this.gen * 256 + 255);
    Atomics.store(ctl, KERNEL, job.kernel);
    Atomics.store(ctl, ROWS, job.rows);
    Atomics.store(ctl, CHUNK, chunkRows);
    Atomics.store(ctl, COUNT, count);
    Atomics.store(ctl, ROWS_ARG, job.rowsArg);
    Atomics.store(ctl, NARGS, nargs);
    for (let i = 0; i < nargs; i++) {
      Atomics.store(ctl, ARGS + i, job.args[i]!);
      Atomics.store(ctl, STEPS + i, job.steps[i]!);
    }
    Atomics.store(ctl, DONE, 0);
    // Publishing: the operands' plain writes into the memory happen before these stores.
    Atomics.store(ctl, CLAIM, this.gen * 256);
    Atomics.store(ctl, GEN, this.gen);
    Atomics.notify(ctl, GEN);
    const fn = this.fns[job.kernel]!;
    const args = this.args, own = this.own.fill(0, 0, count);
    const rowsOf = (chunk: number) => Math.min(chunkRows, job.rows - chunk * chunkRows);
    let computing = false; // the caller holds a claimed chunk it has not counted in DONE
    try {
      meanwhile?.();
      for (;;) {
        const v = Atomics.load(ctl, CLAIM);
        const chunk = v & 255;
        if (chunk >= count) break;
        if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) !== v) continue;
        computing = true;
        const row0 = chunk * chunkRows;
        for (let i = 0; i < nargs; i++) args[i] = job.args[i]! + row0 * job.steps[i]!;
        args[job.rowsArg] = rowsOf(chunk);
        fn.apply(null, nargs === MAX_ARGS ? args : args.slice(0, nargs));
        Atomics.add(ctl, DONE, 1);
        computing = false;
        own[chunk] = 1;
      }
      if (done !== undefined) for (let c = 0; c < count; c++) if (own[c] === 1) done(c * chunkRows, rowsOf(c));
      // Only chunks a worker has claimed (and is computing) remain: spin for them a while (SPIN_MS),
      // then sleep where the host allows it.
      for (let until = performance.now() + this.spinMs, spin = 0; Atomics.load(ctl, DONE) < count; spin++) {
        if ((spin & 255) === 255 && performance.now() > until) break;
      }
      this.waitDone(count);
    } catch (e) {
      this.abandon(count, computing);
      throw e;
    }
    if (Atomics.load(ctl, FAULT) !== 0) {
      this.failure = 'a kernel threw in a worker thread';
      throw new AdjointError(`${job.name}: a kernel threw in a worker thread (a bug in adjoint; ad.config({ threads: 1 }) avoids it)`);
    }
    if (done !== undefined) for (let c = 0; c < count; c++) if (own[c] === 0) done(c * chunkRows, rowsOf(c));
  }

  /** Waits (sleeping where the host allows it) until `count` chunks of the job are done. */
  private waitDone(count: number): void {
    const ctl = this.control;
    for (let d = Atomics.load(ctl, DONE); d < count; d = Atomics.load(ctl, DONE)) {
      if (this.host.canWait) Atomics.wait(ctl, DONE, d, 1000);
    }
  }

  /**
   * After an exception on the caller's side of a job (a stack overflow in its chunk, in staging
   * the operands, in copying chunks out): no chunk is claimed from now on, and every chunk already
   * claimed is finished before the exception goes on. Otherwise a worker still computing one would
   * add it to the next job's DONE, and that job's caller would copy out a chunk nobody computed (a
   * review saw thousands of stale entries in the next `sin` after a caught stack overflow).
   */
  private abandon(count: number, computing: boolean): void {
    const claimed = Math.min(Atomics.exchange(this.control, CLAIM, this.gen * 256 + 255) & 255, count);
    if (computing) Atomics.add(this.control, DONE, 1); // the caller's chunk, given up
    this.waitDone(claimed);
  }

  /** Runs `kernel` on the calling thread only (work that is not split: a product's serial chains). */
  callHere(kernel: number, args: readonly number[]): void {
    this.fns[kernel]!(...args);
  }

  stop(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
    for (const w of this.workers) w.terminate();
  }
}

/** The caller's copy of a worker's map kernel (./workerSource.ts): the same loop over the same Math function. */
function mapKernel(memory: WebAssembly.Memory, name: MapKernel): (x: number, out: number, count: number) => void {
  const f = Math[name];
  let heap = new Float64Array(0);
  return (x, out, count) => {
    if (heap.length * 8 !== memory.buffer.byteLength) heap = new Float64Array(memory.buffer);
    const v = heap, s = x >> 3, d = out >> 3;
    for (let i = 0; i < count; i++) v[d + i] = f(v[s + i]!);
  };
}

/**
 * Rows per chunk: about 8 chunks per thread, so a thread slowed by a loaded machine leaves little
 * for the others to wait on, in multiples of `quantum` (the kernel's row block), at most MAX_CHUNKS chunks.
 */
function chunkSize(rows: number, quantum: number, threads: number): number {
  const blocks = Math.ceil(rows / quantum);
  const perChunk = Math.max(1, Math.ceil(blocks / Math.min(MAX_CHUNKS, threads * 8)));
  return perChunk * quantum;
}

/** How many threads the setting asks for here. */
function wanted(host: Platform): number {
  return setting === 'auto' ? Math.max(1, Math.min(host.cores, AUTO_MAX)) : setting;
}

/**
 * The running pool (started now if needed), or why there is none. Under threads: 1 a pool already
 * started stays parked (its workers asleep), so switching back and forth costs nothing; a
 * different count starts a new pool.
 */
function current(): Pool | string {
  if (pool instanceof Pool && pool.broken !== null) {
    const why = pool.broken;
    stopPool();
    pool = why;
  }
  if (typeof pool === 'string') return pool;
  // threads: 1 needs nothing of the host (a parked pool stays as it is): where workers are
  // forbidden or missing, it is the setting that keeps adjoint from looking for them at all.
  if (setting === 1) return 'threads: 1 is set';
  try {
    platform ??= detectPlatform();
  } catch (e) {
    if (!transientFailure(e)) throw e;
    return notNow(e);
  }
  if (typeof platform === 'string') return (pool = platform);
  const threads = wanted(platform);
  if (threads <= 1) return 'this machine has one core';
  if (pool instanceof Pool && pool.threads === threads) return pool;
  stopPool();
  try {
    pool = new Pool(threads, platform, kernelSources.map((make) => make()));
  } catch (e) {
    if (transientFailure(e)) return notNow(e); // pool stays null: tried again on the next large kernel
    // Node's permission model (--permission; --experimental-permission on Node 20) refuses a
    // Worker with ERR_ACCESS_DENIED unless node runs with --allow-worker; a browser, by its CSP.
    const denied = (e as { code?: unknown } | null)?.code === 'ERR_ACCESS_DENIED';
    pool = `starting worker threads failed (${e instanceof Error ? e.message : String(e)}); ` + (denied
      ? "Node's permission model forbids them: run node with --allow-worker, or set ad.config({ threads: 1 })"
      : "under a Content-Security-Policy, allow worker-src blob: or set ad.config({ threads: 1 })");
  }
  return pool;
}

/** Why there are no threads for this call only: a transient failure (../../core/transient.ts), not kept. */
function notNow(e: unknown): string {
  return `threads could not start just now (${e instanceof Error ? e.message : String(e)}); they are tried again on the next large kernel`;
}

/** The pool when it runs with more than one thread (starting it if needed), else null. @internal */
export function threadPool(): Pool | null {
  const p = current();
  return typeof p === 'string' ? null : p;
}

/** Threads in use (1 where there is no pool) and, where only one, why. @internal */
export function threadsInfo(): { threads: number; reason: string | null } {
  const p = current();
  return typeof p === 'string' ? { threads: 1, reason: p } : { threads: p.threads, reason: null };
}

/** The setting now in force. @internal */
export function threadSetting(): ThreadSetting {
  return setting;
}

/** Sets the thread count for what is computed from now on (a pool of another size starts when next needed). @internal */
export function setThreads(value: ThreadSetting): void {
  setting = value; // a failure to start or run workers stays: trying again would fail (and be reported) again
}

/** Stops the workers; the next large kernel (or backendInfo) starts a pool again. @internal */
export function stopPool(): void {
  if (pool instanceof Pool) pool.stop();
  pool = null;
}

/**
 * Stops the pool and sets the host it will start on: a Platform, a reason there is none, or null
 * to detect it again (tests: the spinning caller of a browser's main thread, a refused worker,
 * no SharedArrayBuffer). @internal
 */
export function setPlatform(host: Platform | string | null): void {
  stopPool();
  platform = host;
}

export type { Pool };
