/**
 * @file The native matrix product for Node (native/gemm.cc, loaded by
 * src/tensor/kernels/native/nativeGemm.ts): built by `npm install` wherever a C++ compiler and
 * Node's headers exist (as here and in CI), and then the product the WebAssembly kernel's callers
 * get. Against the naive sum bit for bit (every element is the same sum in the same order) across
 * its blocking boundaries (6-row panels, 8-column strips, 256-deep blocks resumed from stored
 * partial sums, 768-row and 1024-column blocks), every transpose, row lengths and offsets, a fresh
 * or a non-zero C, on 1, 2, 3 and 5 threads; equal to the WebAssembly kernel's bits, through the
 * products, the resident chains and the blocked factorisations; over shared memory; refusing bad
 * arguments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ad from 'adjoint';
import { gemm } from '../src/tensor/kernels/matmul.js';
import { missingInstructions, nativeKernelInfo, nativeProducts, nativeRows, useNativeKernel } from '../src/tensor/kernels/native/nativeGemm.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'native/build/adjoint-native.node');
const values = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);

/** C[m,n] as the naive loop sums it (s = 0, then s += op(A)[i,p]·op(B)[p,j] in order), added to c0 unless fresh. */
function naive(a: Float64Array, lda: number, b: Float64Array, ldb: number, m: number, k: number, n: number, transA: boolean, transB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * lda + i]! : a[i * lda + p]!) * (transB ? b[j * ldb + p]! : b[p * ldb + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

/** Whether this machine can build the addon: a C++ compiler and Node's node_api.h (what scripts/build-native.mjs looks for). */
function canBuild(): boolean {
  if (process.env.ADJOINT_NATIVE === '0' || process.platform === 'win32') return false;
  const headers = [process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include/node'), join(dirname(process.execPath), '../include/node'), '/usr/include/node', '/usr/local/include/node'];
  if (!headers.some((d) => d && existsSync(join(d, 'node_api.h')))) return false;
  return [process.env.CXX, 'c++', 'g++', 'clang++'].some((c) => c && spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
}

const available = nativeKernelInfo().available;

afterEach(() => {
  useNativeKernel(true);
  ad.config({ threads: 'auto', wasm: true });
});

describe('the native build', () => {
  it('is built by npm install where a compiler and headers exist, and then loaded', () => {
    if (canBuild()) expect(existsSync(build), `${build} (npm install runs scripts/build-native.mjs)`).toBe(true);
    if (existsSync(build) && process.env.ADJOINT_NATIVE !== '0') expect(nativeKernelInfo()).toEqual({ available: true, reason: null });
    else expect(nativeKernelInfo().reason).toMatch(/native build|ADJOINT_NATIVE/);
  });

  it("records what it needs of the CPU, and is not loaded where that is missing (a node_modules moved to an older CPU)", () => {
    const fs = { existsSync, readFileSync: (p: string) => readFileSync(p, 'utf8') };
    const record = build.replace(/\.node$/, '.json');
    if (existsSync(build)) {
      const { requires } = JSON.parse(readFileSync(record, 'utf8')) as { requires: string[] };
      expect(requires.every((f) => /^[a-z0-9_]+$/.test(f))).toBe(true);
      expect(missingInstructions(fs, record, process.platform)).toBeNull(); // built here, for here
    }
    const dir = mkdtempSync(join(tmpdir(), 'adjoint-native-'));
    writeFileSync(join(dir, 'r.json'), JSON.stringify({ requires: ['avx2', 'no_such_extension'] }));
    if (existsSync('/proc/cpuinfo')) expect(missingInstructions(fs, join(dir, 'r.json'), 'linux')).toMatch(/needs no_such_extension, which this CPU lacks: rebuild it here/);
    expect(missingInstructions(fs, join(dir, 'r.json'), 'darwin')).toBeNull(); // trusted where there is no /proc/cpuinfo
    writeFileSync(join(dir, 'none.json'), JSON.stringify({ requires: [] }));
    expect(missingInstructions(fs, join(dir, 'none.json'), 'linux')).toBeNull();
    expect(missingInstructions(fs, join(dir, 'missing.json'), 'linux')).toMatch(/no record of what it needs/);
  });

  it('is off with the compiled kernels (wasm: false) and when turned off, saying so', () => {
    useNativeKernel(false);
    expect(nativeKernelInfo()).toEqual({ available: false, reason: 'turned off' });
    expect(nativeProducts(1e9, 1, 1)).toBeNull();
    useNativeKernel(true);
    ad.config({ wasm: false });
    expect(nativeProducts(1e9, 1, 1)).toBeNull();
  });
});

describe.skipIf(!available)('the native product', () => {
  it('gives the naive sum bit for bit across every blocking boundary, transpose, row length, offset and thread count', () => {
    const native = nativeProducts(1e9, 1, 1)!;
    // m across 6-row panels and the 768-row blocks, n across 8-column strips and the 1024-column
    // blocks, k across the 256-deep blocks (k = 257: two blocks of 129 and 128; 600: three).
    const shapes = [[1, 2, 1], [5, 9, 13], [7, 257, 9], [13, 40, 1100], [33, 600, 17], [800, 20, 30], [6, 2, 8], [770, 260, 10]] as const;
    let seed = 3;
    for (const [m, k, n] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const fresh of [false, true]) {
            // Row lengths past the extents and offsets into larger arrays.
            const lda = (transA ? m : k) + (seed % 3), ldb = (transB ? k : n) + (seed % 2), ldc = n + (seed % 4);
            const aOff = seed % 5, bOff = (seed + 1) % 3, cOff = seed % 2;
            const a = values(aOff + lda * (transA ? k : m), seed++), b = values(bOff + ldb * (transB ? n : k), seed++);
            const c0 = values(cOff + ldc * m, seed++);
            const ref = naive(a.subarray(aOff), lda, b.subarray(bOff), ldb, m, k, n, transA, transB);
            for (const threads of [1, 2, 3, 5]) {
              const c = c0.slice();
              native(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, k, n, transA, transB, fresh, threads);
              const where = `${[m, k, n, transA, transB, fresh]} on ${threads}`;
              for (let i = 0; i < c.length; i++) {
                const row = Math.floor((i - cOff) / ldc), col = (i - cOff) % ldc;
                const inside = i >= cOff && row < m && col < n;
                const want = inside ? (fresh ? ref[row * n + col]! : c0[i]! + ref[row * n + col]!) : c0[i]!;
                if (!Object.is(c[i], want)) expect(c[i], `${where} at ${i}`).toBe(want); // untouched outside C's block
              }
            }
          }
        }
      }
    }
  });

  it('gives the WebAssembly kernel\'s bits through gemm, on one thread and on two', () => {
    let seed = 40;
    for (const [m, k, n] of [[128, 784, 256], [300, 300, 300], [17, 1000, 33], [16, 16, 16], [64, 8, 200]] as const) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const a = values(m * k, seed++), b = values(k * n, seed++), c0 = values(m * n, seed++);
        const results = [true, false].flatMap((native) => [1, 2].map((threads) => {
          useNativeKernel(native);
          ad.config({ threads });
          const c = c0.slice();
          gemm(a, 0, b, 0, c, 0, m, k, n, transA, transB);
          return Array.from(c);
        }));
        for (const r of results.slice(1)) expect(r).toEqual(results[0]);
      }
    }
  });

  it('takes products too large to copy into the WebAssembly memory (which went to the JavaScript kernel: 1400² took 1.8 s)', () => {
    // A is 4 × 2,100,000 ones: 8.4 million float64s, over the 8 Mi the WebAssembly kernel's staging holds.
    const [m, k, n] = [4, 2_100_000, 4];
    const a = new Float64Array(m * k).fill(1), b = values(k * n, 3), c = new Float64Array(m * n);
    gemm(a, 0, b, 0, c, 0, m, k, n, false, false, true);
    // Each row is B's column sums added in order, bit for bit (1·b is b; the JavaScript kernel adds
    // its sums per 256-deep block: other bits).
    const sums = [0, 0, 0, 0];
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) sums[j]! += b[p * n + j]!;
    expect(Array.from(c)).toEqual([...sums, ...sums, ...sums, ...sums]);
  });

  it('propagates NaN, infinities and signed zeros as the naive loop does; k = 0 gives zeros', () => {
    const native = nativeProducts(1e9, 1, 1)!;
    const a = Float64Array.from([1, NaN, 2, 3, Infinity, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, -0, -0, 1, 1]);
    const b = Float64Array.from({ length: 24 }, (_, i) => (i === 3 ? -0 : i - 5));
    const c = new Float64Array(36);
    native(a, 0, 4, b, 0, 6, c, 0, 6, 6, 4, 6, false, false, true, 1);
    expect(Array.from(c).map((x) => Object.is(x, -0) ? '-0' : String(x))).toEqual(Array.from(naive(a, 4, b, 6, 6, 4, 6, false, false)).map((x) => Object.is(x, -0) ? '-0' : String(x)));
    const z = new Float64Array(6).fill(9);
    native(a, 0, 1, b, 0, 3, z, 0, 3, 2, 0, 3, false, false, true, 1);
    expect(Array.from(z)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reads and writes arrays over shared memory (the worker pool\'s, a WebAssembly memory\'s view)', () => {
    const native = nativeProducts(1e9, 1, 1)!;
    const [m, k, n] = [40, 50, 60];
    const share = (x: Float64Array) => {
      const s = new Float64Array(new SharedArrayBuffer(x.length * 8));
      s.set(x);
      return s;
    };
    const a = values(m * k, 1), b = values(k * n, 2);
    const c = share(new Float64Array(m * n));
    native(share(a), 0, k, share(b), 0, n, c, 0, n, m, k, n, false, false, true, 2);
    expect(Array.from(c)).toEqual(Array.from(naive(a, k, b, n, m, k, n, false, false)));
  });

  it('refuses operands that are not Float64Arrays or are too short for their extents', () => {
    const native = nativeProducts(1e9, 1, 1)!;
    const a = new Float64Array(12), b = new Float64Array(12), c = new Float64Array(9);
    expect(() => native(new Float32Array(12) as unknown as Float64Array, 0, 4, b, 0, 3, c, 0, 3, 3, 4, 3, false, false, true, 1)).toThrow(TypeError);
    expect(() => native(a, 1, 4, b, 0, 3, c, 0, 3, 3, 4, 3, false, false, true, 1)).toThrow(RangeError);
    expect(() => native(a, 0, 4, b, 0, 3, c, 0, 3, 3, 4, 4, false, false, true, 1)).toThrow(RangeError);
    expect(() => native(a, 0, 3, b, 0, 3, c, 0, 3, 3, 4, 3, false, false, true, 1)).toThrow(RangeError); // a row length shorter than a row
    expect(() => native(a, 0.5, 4, b, 0, 3, c, 0, 3, 3, 4, 3, false, false, true, 1)).toThrow(/whole numbers/);
  });

  it('gives the WebAssembly kernel\'s bits in the blocked factorisations and the resident matrix chains', () => {
    const spd = (n: number) => {
      const x = ad.random.normal(ad.random.key(n), [n, n]);
      return ad.add(ad.matmul(x, ad.transpose(x)), ad.mul(ad.eye(n), n));
    };
    const runs = [true, false].map((native) => {
      useNativeKernel(native);
      const a = spd(200), g = ad.random.normal(ad.random.key(9), [150, 150]);
      const stack = ad.mul(ad.random.normal(ad.random.key(5), [30, 24, 24]), 0.25);
      const chainGrad = ad.grad((t: ad.Tensor) => ad.sum(ad.sin(ad.chainMatmul(t))))(stack);
      return [ad.linalg.cholesky(a), ad.linalg.solve(g, ad.ones([150, 3])), ad.linalg.slogdet(g).logAbsDet, ad.linalg.inv(g), ad.chainMatmul(stack), chainGrad].map((t) => Array.from(t.toFloat64Array()));
    });
    expect(runs[0]).toEqual(runs[1]);
  });
});

describe.skipIf(!available)('the native row kernels (a long product and its gradient\'s quotients)', () => {
  /** productChains of src/tensor/kernels/products.ts: eight chains, the tail on chain 0, paired at the end. */
  const chains = (x: Float64Array, start: number, end: number) => {
    const a = [1, 1, 1, 1, 1, 1, 1, 1];
    let p = start;
    for (; p < end - 7; p += 8) for (let j = 0; j < 8; j++) a[j]! *= x[p + j]!;
    for (; p < end; p++) a[0]! *= x[p]!;
    return ((a[0]! * a[1]!) * (a[2]! * a[3]!)) * ((a[4]! * a[5]!) * (a[6]! * a[7]!));
  };
  const factors = (n: number, seed: number) => Float64Array.from(values(n, seed), (v) => Math.exp(0.01 * v));

  it('multiply by the same chains and divide to the same quotients, bit for bit, on every thread count', () => {
    const rows = nativeRows()!;
    for (const [n, start, end] of [[4096, 0, 4096], [5000, 3, 4999], [100003, 0, 100003], [70001, 17, 69990]] as const) {
      const x = factors(n, n);
      const y = rows.product(x, start, end);
      expect(y).toBe(chains(x, start, end));
      for (const threads of [1, 2, 3]) {
        const out = new Float64Array(n).fill(7);
        rows.divide(out, x, y, start, end, threads);
        for (let p = 0; p < n; p++) {
          const want = p >= start && p < end ? y / x[p]! : 7;
          if (out[p] !== want) expect(out[p], `${n} [${start}, ${end}) on ${threads} at ${p}`).toBe(want);
        }
      }
    }
  });

  it("give ad.prod's value and gradient the WebAssembly and JavaScript paths' bits (with a zero, too), and refuse bad ranges", () => {
    for (const zero of [false, true]) {
      const x = factors(100003, 5);
      if (zero) x[50000] = 0;
      const runs = [true, false].map((native) => {
        useNativeKernel(native);
        const [v, g] = ad.valueAndGrad((t: ad.Tensor) => ad.prod(t))(ad.tensor(x));
        return [v.item(), ...Array.from(g.toFloat64Array())];
      });
      expect(runs[0]).toEqual(runs[1]);
    }
    useNativeKernel(true);
    const rows = nativeRows()!, x = new Float64Array(8);
    expect(() => rows.product(x, 2, 9)).toThrow(RangeError);
    expect(() => rows.divide(new Float64Array(4), x, 1, 0, 8, 1)).toThrow(RangeError); // out shorter than the range
    expect(() => rows.product(x, 1.5, 4)).toThrow(/whole numbers/);
  });
});

