/**
 * @file A failure of the moment — a stack overflow caught by the user's code, a refused allocation —
 * met while a kernel runs or is first set up: the kernels and threads afterwards are those of a
 * process that never met it. (A review found a caught stack overflow inside a threaded `sin` make
 * the next `sin` return thousands of stale entries, and one at first use turn WebAssembly, the
 * native kernels and the threads off for the rest of the process.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { sharedKernel, setPlatform, threadPool } from '../../src/tensor/threads/pool.js';
import { transientFailure } from '../../src/core/transient.js';
import { CLAIM } from '../../src/tensor/threads/workerSource.js';

const values = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 3);

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
  setPlatform(null);
  ad.config({ threads: 'auto' });
});

describe('an exception on the caller\'s side of a threaded job', () => {
  it('leaves no chunk of that job running: the jobs after it hand over only chunks computed for them', async () => {
    const sin = sharedKernel(() => ({ module: null, name: 'sin' }));
    ad.config({ threads: 2 });
    await vi.waitFor(() => expect(threadPool()?.ready).toBe(1), { timeout: 20_000, interval: 20 });
    const pool = threadPool()!;
    const n = 200_000;
    const job = { name: 'test', kernel: sin, args: [0, n * 8, n], steps: [8, 8, 0], rowsArg: 2, rows: n, quantum: 64 };
    let wrong = 0;
    const inputs = [values(n, 1), values(n, 2)]; // computed beforehand: the next job must start while a worker is still busy
    for (let round = 0; round < 40; round++) {
      const v = pool.view(2 * n);
      v.set(inputs[0]!, 0);
      v.fill(NaN, n, 2 * n);
      // The caller gives up on its first chunk handed over (a stack overflow while copying it out),
      // while the worker may still be computing one of its own.
      expect(() => pool.run(job, undefined, () => { throw new RangeError('Maximum call stack size exceeded'); })).toThrow(RangeError);
      // Or while staging the operands, the moment a worker has claimed a chunk (and is computing it).
      const control = (pool as unknown as { control: Int32Array }).control;
      expect(() => pool.run(job, () => {
        for (let spin = 0; (Atomics.load(control, CLAIM) & 255) === 0 && spin < 1e8; spin++);
        throw new RangeError('Maximum call stack size exceeded');
      })).toThrow(RangeError);
      v.set(inputs[1]!, 0);
      v.fill(NaN, n, 2 * n);
      pool.run(job, undefined, (row0, rows) => {
        for (let i = row0; i < row0 + rows; i++) if (v[n + i] !== Math.sin(v[i]!)) wrong++;
      });
    }
    expect(wrong).toBe(0);
    const x = ad.tensor(values(70_001, 5));
    ad.config({ threads: 1 });
    const one = ad.sin(x).toFloat64Array();
    ad.config({ threads: 2 });
    expect(ad.sin(x).toFloat64Array()).toEqual(one);
  });
});

describe('a stack overflow or refused memory at first use is not cached as "unavailable"', () => {
  // Called with `new`, so a function, not an arrow (which would throw a TypeError: not a constructor).
  const overflow = function (): never { throw new RangeError('Maximum call stack size exceeded'); };
  const noSimd = function (): never { throw new WebAssembly.CompileError('no SIMD here'); };
  /** Runs `body` with WebAssembly.Module replaced by `module` (its properties are not enumerable: not a stubbed copy). */
  const withModule = <T>(module: unknown, body: () => T): T => {
    const saved = Object.getOwnPropertyDescriptor(WebAssembly, 'Module')!;
    Object.defineProperty(WebAssembly, 'Module', { ...saved, value: module });
    try {
      return body();
    } finally {
      Object.defineProperty(WebAssembly, 'Module', saved);
    }
  };

  it('transientFailure: a stack overflow (V8/JavaScriptCore, SpiderMonkey), not a host without the feature nor refused memory', () => {
    expect(transientFailure(new RangeError('Maximum call stack size exceeded'))).toBe(true);
    expect(transientFailure(Object.assign(new Error('too much recursion'), { name: 'InternalError' }))).toBe(true);
    // Refused memory repeats under a capped address space (ulimit -v): retried on every call it cost 780× (the diff review).
    const permanent = [new RangeError('WebAssembly.Memory(): could not allocate memory'), new RangeError('Array buffer allocation failed'),
      new WebAssembly.CompileError('no SIMD'), new EvalError('CSP'), new TypeError('x'), 'text'];
    for (const e of permanent) expect(transientFailure(e)).toBe(false);
  });

  it('a jit program whose first replay met a stack overflow in code generation runs unfused that once, fused from the next', () => {
    const f = (x: Tensor) => ad.sum(ad.exp(ad.mul(ad.sin(x), 2)));
    const x = ad.tensor(values(4096, 3));
    const jitted = ad.jit(f);
    const want = jitted(x).item(); // recorded
    const Fn = globalThis.Function;
    vi.stubGlobal('Function', overflow);
    expect(jitted(x).item()).toBe(want); // replayed, its plan made while code could not be generated
    vi.stubGlobal('Function', Fn);
    expect(jitted.cacheInfo()[0]?.fusedGroups).toBe(0);
    expect(jitted(x).item()).toBe(want);
    expect(jitted.cacheInfo()[0]?.fusedGroups).toBeGreaterThan(0);
  });

  it('the WebAssembly kernels: unavailable for that call, compiled on the next (a CompileError still turns them off)', async () => {
    const gemm = await import('../../src/tensor/kernels/wasm/gemm.js');
    expect(withModule(overflow, () => gemm.wasmKernelsAvailable())).toBe(false);
    expect(gemm.wasmKernelsAvailable()).toBe(true);

    vi.resetModules();
    const fresh = await import('../../src/tensor/kernels/wasm/gemm.js');
    expect(withModule(noSimd, () => fresh.wasmKernelsAvailable())).toBe(false);
    expect(fresh.wasmKernelsAvailable()).toBe(false); // a host that cannot compile it: decided once
  });

  it('generated code: codegen is tried again after a stack overflow, kept off after a CSP refusal', async () => {
    const loops = await import('../../src/jit/programLoops.js');
    const Fn = globalThis.Function;
    vi.stubGlobal('Function', overflow);
    expect(loops.codegenAvailable()).toBe(false);
    vi.stubGlobal('Function', Fn);
    expect(loops.codegenAvailable()).toBe(true);

    vi.resetModules();
    const fresh = await import('../../src/jit/programLoops.js');
    vi.stubGlobal('Function', function (): never { throw new EvalError('Refused to evaluate a string as JavaScript'); });
    expect(fresh.codegenAvailable()).toBe(false);
    vi.stubGlobal('Function', Fn);
    expect(fresh.codegenAvailable()).toBe(false); // a CSP without 'unsafe-eval': decided once
  });

  it('worker threads: a stack overflow while detecting the host leaves threads to start on the next large kernel', async () => {
    const pool = await import('../../src/tensor/threads/pool.js');
    const platform = await import('../../src/tensor/threads/platform.js');
    const proc = globalThis.process as unknown as { getBuiltinModule: (id: string) => unknown };
    const get = proc.getBuiltinModule;
    pool.setThreads(2);
    pool.setPlatform(null);
    proc.getBuiltinModule = overflow;
    try {
      expect(pool.threadsInfo()).toEqual({ threads: 1, reason: expect.stringContaining('could not start just now') });
    } finally {
      proc.getBuiltinModule = get;
    }
    expect(typeof platform.detectPlatform()).toBe('object');
    expect(pool.threadsInfo()).toEqual({ threads: 2, reason: null });
    pool.setPlatform(null);
  });
});
