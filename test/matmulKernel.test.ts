/**
 * @file The gemm kernel against the naive triple loop — with the WebAssembly SIMD block kernel and
 * with the JavaScript kernel alone: every size class (multiples of the 4×4 block and leftovers in
 * rows, columns and both), k across the cache block, the four transpose combinations, offsets into
 * larger arrays, and accumulation into a non-zero C. (The native kernel that replaces the
 * WebAssembly one under Node where it is built: test/nativeGemm.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { afterAll } from 'vitest';
import { useNativeKernel } from '../src/tensor/kernels/native/nativeGemm.js';
import { gemm } from '../src/tensor/kernels/matmul.js';
import { useWasmKernels, wasmKernelsAvailable } from '../src/tensor/kernels/wasm/gemm.js';

function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

const values = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);

afterAll(() => useWasmKernels(true));
// The WebAssembly kernel's own tests: where Node's native build is loaded it would take these
// products (with the same bits; test/nativeGemm.test.ts), so it is kept off here.
beforeEach(() => useNativeKernel(false));
afterEach(() => useNativeKernel(true));

it('WebAssembly SIMD is available here (Node 20), so the suite exercises the Wasm kernel', () => {
  useWasmKernels(true);
  expect(wasmKernelsAvailable()).toBe(true);
});

describe.each([['WebAssembly SIMD', true], ['JavaScript', false]] as const)('gemm kernel (%s)', (_name, wasm) => {
  useWasmKernels(wasm);
  it('matches the naive product for all shapes, transposes, offsets and a non-zero C', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 21 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 21 }),
        fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1000 }),
        (m, k, n, transA, transB, off, seed) => {
          useWasmKernels(wasm);
          const a = values(off + m * k, seed), b = values(off + k * n, seed + 1), c0 = values(off + m * n, seed + 2);
          const c = c0.slice();
          gemm(a, off, b, off, c, off, m, k, n, transA, transB);
          const ref = naive(a.subarray(off), b.subarray(off), m, k, n, transA, transB);
          for (let i = 0; i < off; i++) expect(c[i]).toBe(c0[i]); // nothing before the offset is touched
          for (let i = 0; i < m * n; i++) {
            const want = c0[off + i]! + ref[i]!;
            expect(Math.abs(c[off + i]! - want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)) * k);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('propagates NaN and infinities like the naive loop', () => {
    useWasmKernels(wasm);
    const a = Float64Array.from([1, NaN, 2, 3, Infinity, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    const b = Float64Array.from({ length: 20 }, (_, i) => i - 5);
    const c = new Float64Array(25);
    gemm(a, 0, b, 0, c, 0, 5, 4, 5);
    const ref = naive(a, b, 5, 4, 5, false, false);
    expect(Array.from(c).map(String)).toEqual(Array.from(ref).map(String));
  });
});

describe('WebAssembly kernel with extents padded to multiples of 4', () => {
  it('gives every entry of C the naive sum bit for bit, for leftover rows and columns, every transpose and a non-zero C', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 40 }), fc.integer({ min: 8, max: 700 }), fc.integer({ min: 4, max: 40 }),
        fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 1000 }),
        (m, k, n, transA, transB, fresh, off, seed) => {
          useWasmKernels(true);
          const a = values(off + m * k, seed), b = values(off + k * n, seed + 1);
          const c0 = fresh ? new Float64Array(off + m * n) : values(off + m * n, seed + 2);
          c0.fill(7, 0, off);
          const c = c0.slice();
          gemm(a, off, b, off, c, off, m, k, n, transA, transB, fresh);
          const ref = naive(a.subarray(off), b.subarray(off), m, k, n, transA, transB);
          for (let i = 0; i < off; i++) expect(c[i]).toBe(7); // nothing before the offset is touched
          for (let i = 0; i < m * n; i++) expect(c[off + i]).toBe(fresh ? ref[i]! : c0[off + i]! + ref[i]!);
          expect(c.length).toBe(off + m * n);
        },
      ),
      { seed: 17, numRuns: 200 },
    );
  });
});

describe('JavaScript kernel (the fallback where WebAssembly is off: wasm: false, a CSP without wasm-unsafe-eval)', () => {
  it("gives the WebAssembly kernel's bits — the naive running sum, then C = s or C + s — across its k blocks of 256", () => {
    // It added each block's partial sums to C ((C + s₁) + s₂), so from k = 257 its last bits (and where a
    // sum overflows, its value: 1e308 + 1e308 − 1e308 in two blocks) differed from the other kernels'.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 13 }),
        fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 1000 }),
        (m, k, n, transA, transB, fresh, off, seed) => {
          useWasmKernels(false);
          const a = values(off + m * k, seed), b = values(off + k * n, seed + 1);
          const c0 = fresh ? new Float64Array(off + m * n).fill(NaN) : values(off + m * n, seed + 2); // a fresh C is never read
          c0.fill(7, 0, off);
          const c = c0.slice();
          gemm(a, off, b, off, c, off, m, k, n, transA, transB, fresh);
          const ref = naive(a.subarray(off), b.subarray(off), m, k, n, transA, transB);
          for (let i = 0; i < off; i++) expect(c[i]).toBe(7);
          for (let i = 0; i < m * n; i++) expect(c[off + i], `${[m, k, n, transA, transB, fresh]}`).toBe(fresh ? ref[i]! : c0[off + i]! + ref[i]!);
        },
      ),
      { seed: 23, numRuns: 200 },
    );
    const big = new Float64Array(258);
    big[0] = 1e308; big[256] = 1e308; big[257] = -1e308;
    for (const wasm of [true, false]) {
      useWasmKernels(wasm);
      const c = new Float64Array(1);
      gemm(big, 0, new Float64Array(258).fill(1), 0, c, 0, 1, 258, 1, false, false, true);
      expect(c[0], `wasm ${wasm}`).toBe(Infinity); // (1e308 + … + 1e308) overflows before − 1e308, in both
    }
    useWasmKernels(true);
  });
});

describe('packed B strips (large products: B copied into the kernel as contiguous 4-column strips)', () => {
  it('give the naive loop bit for bit, for every transpose, a fresh or a non-zero C, leftover columns and offsets', () => {
    useWasmKernels(true);
    // Packed: n a multiple of 256 with n or k ≥ 512, or any transposed B (then also with leftover
    // columns, and an odd k: the transposed pack's last row).
    const shapes = [[36, 520, 256], [64, 256, 512], [41, 300, 512], [32, 1024, 256], [36, 260, 258], [41, 300, 223], [36, 301, 257]] as const;
    let seed = 11;
    for (const [m, k, n] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const fresh of [true, false]) {
            const off = seed % 3;
            const a = values(off + m * k, seed++), b = values(off + k * n, seed++);
            const c0 = fresh ? new Float64Array(off + m * n) : values(off + m * n, seed++);
            const c = c0.slice();
            gemm(a, off, b, off, c, off, m, k, n, transA, transB, fresh);
            const ref = naive(a.subarray(off), b.subarray(off), m, k, n, transA, transB);
            for (let i = 0; i < off; i++) expect(c[i]).toBe(c0[i]);
            // Every entry, leftover rows and columns included (the kernel computes C padded to
            // multiples of 4), is the same sum in the same order of p as the naive loop: equal bits.
            for (let i = 0; i < m * n; i++) {
              const want = fresh ? ref[i]! : c0[off + i]! + ref[i]!;
              expect(c[off + i], `${[m, k, n, transA, transB, fresh]} at ${i}`).toBe(want);
            }
          }
        }
      }
    }
  });

  it('give the bits of unpacked B, on one thread and on two', async () => {
    const ad = await import('../src/index.js');
    const { setPackRows } = await import('../src/tensor/kernels/wasm/pack.js');
    useWasmKernels(true);
    const a = ad.tensor(values(200 * 180, 5), [200, 180]), b = ad.tensor(values(180 * 512, 6), [180, 512]);
    const run = () => Array.from(ad.matmul(a, b).data);
    try {
      ad.config({ threads: 1 });
      const packed1 = run();
      setPackRows(Infinity);
      const plain1 = run();
      ad.config({ threads: 2 });
      const plain2 = run();
      setPackRows(48);
      const packed2 = run();
      expect(packed1).toEqual(plain1);
      expect(packed2).toEqual(plain1);
      expect(plain2).toEqual(plain1);
      // B stored transposed, an odd k, leftover rows and columns (padded): packed by the workers too.
      const [m, k, n] = [201, 181, 514];
      const x = values(m * k, 7), y = values(n * k, 8);
      const product = (threads: number, rows: number) => {
        ad.config({ threads });
        setPackRows(rows);
        const c = new Float64Array(m * n);
        gemm(x, 0, y, 0, c, 0, m, k, n, false, true, true);
        return Array.from(c);
      };
      const plainT = product(1, Infinity);
      expect(product(1, 32)).toEqual(plainT);
      expect(product(2, 32)).toEqual(plainT);
      expect(product(2, Infinity)).toEqual(plainT);
    } finally {
      setPackRows(48);
      ad.config({ threads: 'auto' });
    }
  });

  it('give the naive sum bit for bit with A in panels of four rows, as stored either way, packed B or not, on one thread and on two', async () => {
    const ad = await import('../src/index.js');
    const { setPackPanels, setPackRows } = await import('../src/tensor/kernels/wasm/pack.js');
    useWasmKernels(true);
    // Leftover rows (m mod 4 ≠ 0: a panel padded with zero rows), odd k, C accumulated into or fresh;
    // 150×170×200 and more are split across threads (rows of panels per chunk).
    const shapes = [[18, 9, 64], [37, 41, 66], [64, 130, 96], [150, 171, 203], [202, 120, 190]] as const;
    try {
      for (const [m, k, n] of shapes) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const fresh of [false, true]) {
              const a = values(m * k, m + 1), b = values(k * n, k + 2), c0 = values(m * n, n + 3);
              const ref = naive(a, b, m, k, n, transA, transB);
              const product = (threads: number, panels: boolean, packRows: number) => {
                ad.config({ threads });
                setPackPanels(panels);
                setPackRows(packRows);
                const c = fresh ? new Float64Array(m * n) : c0.slice();
                gemm(a, 0, b, 0, c, 0, m, k, n, transA, transB, fresh);
                return c;
              };
              for (const [threads, panels, packRows] of [[1, true, 48], [2, true, 48], [1, true, Infinity], [2, true, Infinity], [1, false, 48]] as const) {
                const c = product(threads, panels, packRows);
                for (let i = 0; i < m * n; i++) {
                  const want = fresh ? ref[i]! : c0[i]! + ref[i]!;
                  if (c[i] !== want) expect(c[i], `${[m, k, n, transA, transB, fresh, threads, panels, packRows]} at ${i}`).toBe(want);
                }
              }
            }
          }
        }
      }
    } finally {
      setPackPanels(true);
      setPackRows(48);
      ad.config({ threads: 'auto' });
    }
  });
});
