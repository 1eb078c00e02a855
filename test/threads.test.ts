/**
 * @file Worker threads for large kernels (src/tensor/threads/): ad.config({ threads }) and
 * ad.backendInfo().threads; products split by rows across threads equal one thread's bit for bit
 * (every shape class, transposes, batched products, convolution, the blocked Cholesky and LU, W1's
 * gradient; tanh, sin, cos, expm1 over long arrays), the workers really compute chunks, small ops never reach them; the fallbacks
 * (threads: 1, WebAssembly off, no SharedArrayBuffer, a host that refuses workers, a worker that
 * fails) give one thread with a reason and the same numbers; a caller that may not block (a
 * browser's main thread) spins instead of Atomics.wait.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as ad from 'adjoint';
import { gemm } from '../src/tensor/kernels/matmul.js';
import { detectPlatform, type Platform } from '../src/tensor/threads/platform.js';
import { setPlatform, sharedKernel, threadPool } from '../src/tensor/threads/pool.js';
import { useNativeKernel } from '../src/tensor/kernels/native/nativeGemm.js';

const values = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);

/** C = op(A)·op(B) + C0 by the kernel, with `threads`. */
function product(threads: number, m: number, k: number, n: number, transA: boolean, transB: boolean): Float64Array {
  ad.config({ threads });
  const c = values(m * n, 3);
  gemm(values(m * k, 1), 0, values(k * n, 2), 0, c, 0, m, k, n, transA, transB);
  return c;
}

/** Starts the pool and waits until its workers have their kernels (the first calls may run on one thread while they boot). */
async function workersReady(threads: number): Promise<void> {
  ad.config({ threads });
  await vi.waitFor(() => expect(threadPool()?.ready).toBe(threads - 1), { timeout: 20_000, interval: 20 });
}

const worked = () => threadPool()?.worked ?? 0;

// These are the worker pool's tests: products run on its WebAssembly kernels, as in a browser (where
// Node's native build is loaded it would take them: test/nativeGemm.test.ts has its threads).
beforeEach(() => useNativeKernel(false));
afterEach(() => {
  useNativeKernel(true);
  setPlatform(null);
  ad.config({ threads: 'auto', wasm: true });
});
afterAll(() => setPlatform(null));

describe('ad.config({ threads }) and ad.backendInfo().threads', () => {
  it("default 'auto': min(cores, 4) threads here; a count sets it; 1 is one thread, with the reason", () => {
    const cores = (detectPlatform() as Platform).cores;
    expect(ad.config().threads).toBe('auto');
    expect(ad.backendInfo().threads).toBe(Math.min(cores, 4));
    if (cores > 1) expect(ad.backendInfo().threadsReason).toBeUndefined();
    else expect(ad.backendInfo().threadsReason).toBe('this machine has one core');
    expect(ad.config({ threads: 3 })).toEqual({ threads: 3, wasm: true, codegen: true, autoJit: false });
    expect(ad.backendInfo().threads).toBe(3);
    ad.config({ threads: 1 });
    expect(ad.backendInfo()).toEqual({ threads: 1, threadsReason: 'threads: 1 is set', wasm: true, codegen: true });
  });

  it('threads run the WebAssembly kernels: wasm: false means one thread, and says so', () => {
    ad.config({ threads: 2, wasm: false });
    expect(ad.backendInfo()).toMatchObject({ threads: 1, wasm: false });
    expect(ad.backendInfo().threadsReason).toMatch(/WebAssembly/);
  });

  it('rejects counts that are not whole numbers from 1 to 64, naming the fix', () => {
    for (const bad of [0, 1.5, -2, 65, 'all', true, NaN]) {
      expect(() => ad.config({ threads: bad as number })).toThrow(ad.InvalidArgumentError);
      expect(() => ad.config({ threads: bad as number })).toThrow(/config: threads must be 'auto' or a whole number from 1 to 64/);
    }
    expect(ad.config().threads).toBe('auto');
  });
});

describe('split across threads, the same bits as one thread', () => {
  it('every shape class and transpose: leftover rows and columns, deep and shallow k', async () => {
    await workersReady(2);
    let byWorkers = 0;
    // Each at least 160³ multiply-adds, the threshold for threads (src/tensor/kernels/wasm/gemm.ts).
    for (const [m, k, n] of [[160, 160, 160], [130, 250, 130], [257, 140, 121], [16, 12000, 24], [99, 400, 111]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const one = product(1, m, k, n, transA, transB);
          ad.config({ threads: 2 });
          const before = worked();
          const two = product(2, m, k, n, transA, transB);
          byWorkers += worked() - before;
          expect(two, `${m}×${k}×${n} ${transA} ${transB}`).toEqual(one);
        }
      }
    }
    expect(byWorkers).toBeGreaterThan(0); // the worker computed chunks, not only the caller
  });

  it('products under 160³ multiply-adds stay on the calling thread (at 128³ two threads were slower)', async () => {
    await workersReady(2);
    const before = worked();
    for (let i = 0; i < 3; i++) product(2, 128, 128, 128, false, false);
    product(2, 160, 160, 159, false, false);
    expect(worked()).toBe(before);
  });

  it('more threads than cores, and against the naive sum (the split changes no order of additions)', async () => {
    await workersReady(4);
    const [m, k, n] = [120, 320, 112];
    const a = values(m * k, 5), b = values(k * n, 6);
    const c = new Float64Array(m * n);
    gemm(a, 0, b, 0, c, 0, m, k, n);
    ad.config({ threads: 1 });
    const one = new Float64Array(m * n);
    gemm(a, 0, b, 0, one, 0, m, k, n);
    expect(c).toEqual(one);
    for (let i = 0; i < m; i += 7) {
      for (let j = 0; j < n; j += 5) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
        expect(Math.abs(c[i * n + j]! - s)).toBeLessThanOrEqual(1e-12 * k);
      }
    }
  });

  it('small products never reach the workers', async () => {
    await workersReady(2);
    const before = worked();
    for (let i = 0; i < 20; i++) product(2, 64, 64, 64, false, false);
    product(2, 8, 20000, 8, false, false); // much work, too few rows to split
    expect(worked()).toBe(before);
  });

  it('batched products, convolution, the blocked Cholesky and LU, W1-sized gradients', async () => {
    const run = () => {
      const a = ad.random.normal([3, 130, 150], 1), b = ad.random.normal([150, 140], 2);
      const x = ad.random.normal([2, 16, 40, 40], 3), w = ad.random.normal([32, 16, 3, 3], 4);
      const s = ad.random.normal([300, 300], 5);
      const spd = ad.add(ad.matmul(s, ad.transpose(s)), ad.mul(300, ad.eye(300)));
      const X = ad.random.normal([128, 784], 6), W1 = ad.random.normal([784, 256], 7);
      const g = ad.grad((W: ad.Tensor) => ad.sum(ad.tanh(ad.matmul(X, W))))(W1);
      const lu = ad.linalg.solve(ad.add(s, ad.mul(20, ad.eye(300))), ad.random.normal([300, 200], 8)); // blocked LU's trailing updates
      return [ad.matmul(a, b), ad.conv(x, w, { padding: 1 }), ad.linalg.cholesky(spd), lu, g].map((t) => t.toFloat64Array());
    };
    ad.config({ threads: 1 });
    const one = run();
    await workersReady(2);
    const before = worked();
    const two = run();
    two.forEach((t, i) => expect(t, `result ${i}`).toEqual(one[i]));
    expect(worked()).toBeGreaterThan(before);
  });
});

describe("the pool's fork-join contract", () => {
  it('run hands every chunk to done once, already computed, whichever thread computed it', async () => {
    const sin = sharedKernel(() => ({ module: null, name: 'sin' })); // registering restarts the pool
    await workersReady(2);
    const pool = threadPool()!;
    const n = 60_000, rounds = 8;
    const v = pool.view(2 * n);
    v.set(values(n, 9), 0);
    const seen = new Uint8Array(n);
    let wrong = 0, calls = 0;
    const before = worked();
    for (let r = 0; r < rounds; r++) {
      v.fill(NaN, n, 2 * n);
      pool.run({ name: 'test', kernel: sin, args: [0, n * 8, n], steps: [8, 8, 0], rowsArg: 2, rows: n, quantum: 64 }, undefined, (row0, rows) => {
        calls++;
        for (let i = row0; i < row0 + rows; i++) {
          seen[i]!++;
          if (v[n + i] !== Math.sin(v[i]!)) wrong++; // a chunk handed over before its values were written
        }
      });
    }
    expect(wrong).toBe(0);
    expect(seen.every((s) => s === rounds)).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(rounds * 2);
    expect(worked()).toBeGreaterThan(before);
  });
});

describe('transcendental maps over long arrays on the threads', () => {
  it('tanh, sin, cos, expm1 of 50,000 elements (and a view into a larger buffer): the same bits, computed by both threads; short arrays stay', async () => {
    const x = ad.tensor(values(50_001, 9).map((v) => 3 * v), [50_001]);
    const view = ad.slice(x, [1], [50_000]);
    const ops = [ad.tanh, ad.sin, ad.cos, ad.expm1];
    ad.config({ threads: 1 });
    const one = ops.flatMap((f) => [f(x), f(view)].map((t) => t.toFloat64Array()));
    await workersReady(2);
    const before = worked();
    const two = ops.flatMap((f) => [f(x), f(view)].map((t) => t.toFloat64Array()));
    two.forEach((t, i) => expect(t, `result ${i}`).toEqual(one[i]));
    expect(two[0]![123]).toBe(Math.tanh(x.toFloat64Array()[123]!));
    expect(worked()).toBeGreaterThan(before);
    const middle = worked();
    ad.tanh(ad.ones([16383]));
    expect(worked()).toBe(middle);
  });
});

describe('fallbacks: one thread, a reason, the same numbers', () => {
  const reference = () => product(1, 160, 160, 160, false, false);

  it('no SharedArrayBuffer (a page that is not cross-origin isolated)', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      setPlatform(null);
      ad.config({ threads: 2 });
      expect(ad.backendInfo().threads).toBe(1);
      expect(ad.backendInfo().threadsReason).toMatch(/SharedArrayBuffer is unavailable.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      vi.unstubAllGlobals();
    }
    const c = product(2, 160, 160, 160, false, false);
    expect(c).toEqual(reference());
  });

  it('a host that refuses to start workers (a CSP without worker-src blob:) says what to allow', () => {
    const real = detectPlatform() as Platform;
    setPlatform({ ...real, spawn: () => { throw new Error("Refused to create a worker from 'blob:' (CSP)"); } });
    ad.config({ threads: 2 });
    const c = product(2, 160, 160, 160, false, false);
    expect(ad.backendInfo().threads).toBe(1);
    expect(ad.backendInfo().threadsReason).toMatch(/starting worker threads failed \(Refused.*worker-src blob: or set ad\.config\(\{ threads: 1 \}\)/);
    expect(c).toEqual(reference());
  });

  it('a worker that fails after starting: its chunks are computed by the caller, then one thread with the reason', async () => {
    const real = detectPlatform() as Platform;
    const want = reference();
    setPlatform({ ...real, spawn: (_source, onError) => real.spawn('throw new Error("boom")', onError) });
    ad.config({ threads: 2 });
    expect(ad.backendInfo().threads).toBe(2);
    expect(product(2, 160, 160, 160, false, false)).toEqual(want);
    await vi.waitFor(() => expect(ad.backendInfo().threads).toBe(1), { timeout: 20_000, interval: 20 });
    expect(ad.backendInfo().threadsReason).toMatch(/a worker failed: boom/);
    expect(product(2, 160, 160, 160, false, false)).toEqual(want);
  });

  it('threads spin before they sleep only where they do not outnumber the cores', () => {
    const real = detectPlatform() as Platform;
    const want = reference();
    for (const [cores, spins] of [[2, true], [1, false]] as const) {
      const spinMs: number[] = [];
      setPlatform({
        ...real, cores,
        spawn: (source, onError) => {
          const w = real.spawn(source, onError);
          return { ...w, post: (message: unknown) => { spinMs.push((message as { spinMs: number }).spinMs); w.post(message); }, terminate: () => w.terminate() };
        },
      });
      ad.config({ threads: 2 });
      expect(product(2, 160, 160, 160, false, false)).toEqual(want);
      expect(spinMs).toEqual([spins ? 0.2 : 0]);
    }
    setPlatform(null);
  });

  it('a caller that may not block (a browser main thread) spins on the chunks its workers claimed', async () => {
    const real = detectPlatform() as Platform;
    const want = product(1, 256, 256, 256, false, false);
    setPlatform({ ...real, canWait: false });
    await workersReady(2);
    const before = worked();
    for (let i = 0; i < 4; i++) expect(product(2, 256, 256, 256, false, false)).toEqual(want);
    expect(worked()).toBeGreaterThan(before);
  });
});
