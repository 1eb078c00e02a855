/**
 * @file The native matrix product for Node (native/gemm.cc, loaded by
 * src/tensor/kernels/native/nativeGemm.ts): built by `npm install` wherever a C++ compiler and
 * Node's headers exist (as here and in CI), and then the product the WebAssembly kernel's callers
 * get. Against the naive sum bit for bit (every element is the same sum in the same order) across
 * its blocking boundaries (6-row panels and 8-column strips of the four-lane tile, 12 and 16 of the
 * eight-lane one, 256-deep blocks resumed from stored partial sums, 768-row and 1024-column blocks),
 * every transpose, row lengths and offsets, a fresh or a non-zero C, on 1, 2, 3 and 5 threads
 * (split by rows and by columns) — with separate steps against the naive loop, with fused steps
 * (where the CPU has FMA3; on four lanes and, where it has AVX-512, on eight) against the same loop
 * with an exactly rounded fma; with separate steps equal to the WebAssembly kernel's bits, through the
 * products, the resident chains and the blocked factorisations; over shared memory; refusing bad
 * arguments.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ad from 'adjoint';
import { gemm } from '../src/tensor/kernels/matmul.js';
import { reduceKernel } from '../src/tensor/kernels/reduce.js';
import { binaryKernel } from '../src/tensor/kernels/binary.js';
import { transposeKernel } from '../src/tensor/kernels/layout.js';
import { unaryKernel, unaryVjpKernel } from '../src/tensor/kernels/unary.js';
import { missingInstructions, nativeKernelInfo, nativeProducts, nativeVmath, useFusedSteps, useNativeKernel, useWideVectors } from '../src/tensor/kernels/native/nativeGemm.js';
import { nativeRows } from '../src/tensor/kernels/native/nativeRows.js';
import { nativeProductList } from '../src/tensor/kernels/native/productList.js';
import { nativeState, restoreNative } from './nativeState.js';
import { packedFiles } from './packaging/buildPackage.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'native/build/adjoint-native.node');
const values = (len: number, seed: number) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);

/** x = m·2^e exactly, m an integer (x finite). */
function exact(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n, biased = Number((bits >> 52n) & 0x7ffn), fraction = bits & 0xfffffffffffffn;
  return biased === 0 ? [sign * fraction, -1074] : [sign * (fraction | (1n << 52n)), biased - 1075];
}

/**
 * fma(a, b, c): a·b + c rounded once, to nearest with ties to even — computed exactly in integers
 * (the sum scaled to an integer, cut to 62 bits with a sticky bit, which Number() then rounds
 * correctly; the tests' values stay far from overflow and subnormals). Non-finite operands and
 * exact zeros follow IEEE 754's rules through the plain expression.
 */
function fmaExact(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  if (a === 0 || b === 0) return a * b + c; // an exact product: the one rounding is the sum's
  const [ma, ea] = exact(a), [mb, eb] = exact(b), [mc, ec] = exact(c);
  const e = Math.min(ea + eb, ec);
  let s = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  if (s === 0n) return 0; // an exact cancellation rounds to +0
  let shift = 0;
  const size = (s < 0n ? -s : s).toString(2).length;
  if (size > 62) {
    shift = size - 62;
    const magnitude = s < 0n ? -s : s, kept = magnitude >> BigInt(shift), sticky = (kept << BigInt(shift)) !== magnitude ? 1n : 0n;
    s = (s < 0n ? -1n : 1n) * (kept | sticky);
  }
  return Number(s) * 2 ** (e + shift);
}

const word = new Float64Array(1), halves = new Uint32Array(word.buffer); // little-endian: halves[0] is the low word

/** x's neighbour toward +∞ (up) or −∞ (x finite, non-zero). */
function neighbour(x: number, up: boolean): number {
  word[0] = x;
  const away = up === x > 0; // away from zero: the magnitude's bits + 1
  if (away) {
    if (halves[0] === 0xffffffff) (halves[0] = 0), halves[1]!++;
    else halves[0]!++;
  } else if (halves[0] === 0) (halves[0] = 0xffffffff), halves[1]!--;
  else halves[0]!--;
  return word[0];
}

/** a·b = p + e exactly (Dekker's product with Veltkamp's split; no overflow or underflow). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b, split = 134217729; // 2^27 + 1
  const ta = split * a, ah = ta - (ta - a), al = a - ah;
  const tb = split * b, bh = tb - (tb - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

/**
 * The same fma in a few dozen flops, for the loops: Boldo and Melquiond's emulation ("Emulation of
 * FMA and correctly rounded sums: proved algorithms using rounding to odd", IEEE Trans. Computers
 * 2008): a·b = u + ul exactly, c + u = t + tl exactly, v = tl + ul rounded to odd, then t + v rounded
 * to nearest is a·b + c rounded once. Checked against fmaExact below.
 */
function fmaFast(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || a === 0 || b === 0) return a * b + c;
  const [u, ul] = twoProduct(a, b);
  const t = c + u, z = t - c, tl = (c - (t - z)) + (u - z);
  let v = tl + ul;
  const zz = v - tl, err = (tl - (v - zz)) + (ul - zz);
  if (err !== 0) { // inexact: of v and its neighbour toward the error, the one with an odd last bit
    word[0] = v;
    if (v === 0) v = err; // (cannot happen for these magnitudes; kept exact)
    else if ((halves[0]! & 1) === 0) v = neighbour(v, err > 0);
  }
  return t + v;
}

/**
 * C[m,n] as the naive loop sums it (s = 0, then s += op(A)[i,p]·op(B)[p,j] in order; with `fused`,
 * s = fma(op(A)[i,p], op(B)[p,j], s)).
 */
function naive(a: Float64Array, lda: number, b: Float64Array, ldb: number, m: number, k: number, n: number, transA: boolean, transB: boolean, fused = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * lda + i]! : a[i * lda + p]!, y = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
        s = fused ? fmaFast(x, y, s) : s + x * y;
      }
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

const { available, fusable, wide } = nativeState();
/** The kernels' steps to compare: separate, fused on four lanes, fused on eight (where they run). */
const stepModes = [{ fused: false, lanes: 4 }, ...(fusable ? [{ fused: true, lanes: 4 }] : []), ...(wide ? [{ fused: true, lanes: 8 }] : [])];
const useSteps = ({ fused, lanes }: { fused: boolean; lanes: number }) => {
  useFusedSteps(fused);
  useWideVectors(lanes === 8);
};

afterEach(restoreNative);

describe('the native build', () => {
  it('is built by npm install where a compiler and headers exist, and then loaded', () => {
    if (canBuild()) expect(existsSync(build), `${build} (npm install runs scripts/build-native.mjs)`).toBe(true);
    if (existsSync(build) && process.env.ADJOINT_NATIVE !== '0') expect(nativeKernelInfo()).toMatchObject({ available: true, reason: null });
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

  it('is published with every file its build reads: the sources build-native.mjs compiles and what they include', () => {
    const packed = new Set(packedFiles());
    const script = readFileSync(join(root, 'scripts/build-native.mjs'), 'utf8');
    const arrays = [...script.matchAll(/^const (?:sources|ownHeaders) = \[([^\]]*)\]/gm)].map((m) => m[1]!).join(',');
    const listed = [...arrays.matchAll(/'([\w.]+)'/g)].map((m) => `native/${m[1]}`);
    expect(listed).toEqual(expect.arrayContaining(['native/gemm.cc', 'native/rows.cc', 'native/vmath.cc', 'native/chain.cc', 'native/lu.cc', 'native/triangular.cc', 'native/heap.cc', 'native/transpose.cc', 'native/elementwise.cc', 'native/team.h', 'native/tiles.h']));
    const included = listed.flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/#include "([^"]+)"/g)].map((m) => `native/${m[1]}`));
    for (const f of [...listed, ...included, 'scripts/build-native.mjs']) expect(packed.has(f), `${f} in npm pack's files`).toBe(true);
  });

  it('is off with the compiled kernels (wasm: false) and when turned off, saying so', () => {
    useNativeKernel(false);
    expect(nativeKernelInfo()).toEqual({ available: false, reason: 'turned off', fused: false, lanes: 0 });
    expect(nativeProducts(1e9, 1, 1)).toBeNull();
    useNativeKernel(true);
    ad.config({ wasm: false });
    expect(nativeProducts(1e9, 1, 1)).toBeNull();
  });
});

describe.skipIf(!available)('the native product', () => {
  it.each(stepModes)('gives the naive sum bit for bit across every blocking boundary, transpose, row length, offset and thread count (fused steps: $fused, $lanes lanes)', (mode) => {
    useSteps(mode);
    const { fused } = mode;
    expect(nativeKernelInfo()).toMatchObject(mode);
    const native = nativeProducts(1e9, 1, 1)!;
    // m across 6-, 8- and 12-row panels (eight lanes take 8-row panels up to 128 rows where they pad
    // fewer rows than 12: 1, 5, 7, 13, 16, 25, 40 here; 12 for 20, 24, 33, 48 and past 128) and the
    // 768-row blocks, n across 8- and 16-column strips and the 1024-column blocks, k across the
    // 256-deep blocks (k = 257: two blocks of 129 and 128; 600: three); wide products split among
    // threads by columns, tall ones by rows.
    const shapes = [
      [1, 2, 1], [5, 9, 13], [7, 257, 9], [13, 40, 1100], [33, 600, 17], [800, 20, 30], [6, 2, 8], [770, 260, 10], [20, 30, 41],
      [12, 3, 16], [25, 300, 47], [24, 7, 32], [48, 13, 37], [16, 260, 20], [40, 30, 33],
    ] as const;
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
            const ref = naive(a.subarray(aOff), lda, b.subarray(bOff), ldb, m, k, n, transA, transB, fused);
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

  it('with separate steps, gives the WebAssembly kernel\'s bits through gemm, on one thread and on two', () => {
    useFusedSteps(false);
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

  it.each(stepModes)('propagates NaN, infinities and signed zeros as the naive loop does; k = 0 gives zeros (fused steps: $fused, $lanes lanes)', (mode) => {
    useSteps(mode);
    const { fused } = mode;
    const native = nativeProducts(1e9, 1, 1)!;
    const a = Float64Array.from([1, NaN, 2, 3, Infinity, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, -0, -0, 1, 1]);
    const b = Float64Array.from({ length: 24 }, (_, i) => (i === 3 ? -0 : i - 5));
    const c = new Float64Array(36);
    native(a, 0, 4, b, 0, 6, c, 0, 6, 6, 4, 6, false, false, true, 1);
    expect(Array.from(c).map((x) => Object.is(x, -0) ? '-0' : String(x))).toEqual(Array.from(naive(a, 4, b, 6, 6, 4, 6, false, false, fused)).map((x) => Object.is(x, -0) ? '-0' : String(x)));
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
    expect(Array.from(c)).toEqual(Array.from(naive(a, k, b, n, m, k, n, false, false, nativeKernelInfo().fused)));
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

  it('runs a list of products in one call (gemmMany), each with its own call\'s bits, later ones reading what earlier ones wrote', () => {
    // Products over four arrays at offsets, every transpose, row lengths past the extents, fresh or
    // added to, one and two threads; C of one product is an operand of the next.
    const arrays = [values(4000, 1), values(4000, 2), values(4000, 3), values(4000, 4)];
    const products: Array<[number, number, number, number, number, number, number, number, number, number, number, number, boolean, boolean, boolean, number]> = [];
    for (let q = 0; q < 40; q++) {
      const m = 1 + ((q * 7) % 29), k = 1 + ((q * 11) % 31), n = 1 + ((q * 5) % 27), transA = q % 2 === 1, transB = q % 3 === 1;
      const lda = (transA ? m : k) + (q % 4), ldb = (transB ? k : n) + (q % 3), ldc = n + (q % 2);
      const a = q % 4, b = (q + 1) % 4, c = (q + 2) % 4; // c differs from a and b: no product reads what it writes
      products.push([a, 3 * q, lda, b, q, ldb, c, 2 * q, ldc, m, k, n, transA, transB, q % 5 !== 0, q % 7 === 3 ? 2 : 1]);
    }
    const oneByOne = arrays.map((x) => x.slice()), listed = arrays.map((x) => x.slice());
    const native = nativeProducts(1e9, 1, 1)!;
    for (const [a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, k, n, tA, tB, fresh, threads] of products) {
      native(oneByOne[a]!, aOff, lda, oneByOne[b]!, bOff, ldb, oneByOne[c]!, cOff, ldc, m, k, n, tA, tB, fresh, threads);
    }
    const list = nativeProductList()!;
    for (const [a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, k, n, tA, tB, fresh, threads] of products) {
      list.add(listed[a]!, aOff, lda, listed[b]!, bOff, ldb, listed[c]!, cOff, ldc, m, k, n, tA, tB, fresh, threads);
    }
    list.run();
    expect(listed.map((x) => Array.from(x))).toEqual(oneByOne.map((x) => Array.from(x)));
    list.run(); // empty now: nothing runs again
    expect(listed.map((x) => Array.from(x))).toEqual(oneByOne.map((x) => Array.from(x)));
  });

  it('gemmMany on several threads: products that share no memory at once, the results of running them in order', async () => {
    // Random lists over four arrays where products' operands overlap others' outputs in part —
    // read after write, write after read, write after write, C added to — on 2, 3 and 5 threads
    // (native/schedule.h: each waits for every earlier product whose memory it shares).
    const { createRequire } = await import('node:module');
    const addon = createRequire(import.meta.url)(build) as { gemmMany(arrays: unknown[], args: Float64Array, threads?: number): void; fma: boolean };
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 16807) % 2147483647) % n);
    for (let trial = 0; trial < 32; trial++) {
      // Separate arrays, or (every other trial) four overlapping views of one buffer.
      const shared = trial % 2 === 1 ? values(12000, trial) : null;
      const arrays = [0, 1, 2, 3].map((i) => (shared === null ? values(6000, trial * 4 + i + 1) : shared.subarray(i * 2000, i * 2000 + 6000)));
      const numbers: number[] = [];
      const count = 2 + rnd(60);
      for (let q = 0; q < count; q++) {
        const m = 1 + rnd(40), k = rnd(3) === 0 ? rnd(3) : 1 + rnd(40), n = 1 + rnd(40), transA = rnd(2), transB = rnd(2);
        const a = rnd(4), b = rnd(4);
        let c = rnd(4);
        while (c === a || c === b) c = (c + 1) % 4; // another array (views of one buffer may still overlap)
        const lda = (transA ? m : k) + rnd(3), ldb = (transB ? k : n) + rnd(3), ldc = n + rnd(3);
        const span = (rows: number, ld: number) => Math.max(0, rows - 1) * ld + ld;
        const at = (size: number) => rnd(Math.max(1, 6000 - size));
        numbers.push(a, at(span(transA ? k : m, lda)), lda, b, at(span(transB ? n : k, ldb)), ldb, c, at(span(m, ldc)), ldc, m, k, n, transA, transB, rnd(3) === 0 ? 0 : 1, 1);
      }
      const steps = addon.fma ? 1 : 0;
      const args = Float64Array.from([count, steps, ...numbers]);
      const copy = () => {
        if (shared === null) return arrays.map((x) => x.slice());
        const again = shared.slice();
        return [0, 1, 2, 3].map((i) => again.subarray(i * 2000, i * 2000 + 6000));
      };
      const inOrder = copy();
      addon.gemmMany(inOrder, args);
      for (const threads of [2, 3, 5]) {
        const atOnce = copy();
        addon.gemmMany(atOnce, args, threads);
        expect(atOnce).toEqual(inOrder);
      }
    }
    const a = values(4, 1), b = values(4, 2), c = new Float64Array(4);
    const one = Float64Array.from([1, 0, 0, 0, 2, 1, 0, 2, 2, 0, 2, 2, 2, 2, 0, 0, 1, 1]);
    for (const bad of [0, 65, 1.5, Number.NaN, '2']) expect(() => addon.gemmMany([a, b, c], one, bad as number)).toThrow(/threads is a whole number from 1 to 64/);
  });

  it('a chain\'s backward pass on two threads (its products side by side) has the bits of one thread', () => {
    const stack = ad.mul(ad.random.normal(ad.random.key(3), [24, 64, 64]), 0.2), w = ad.random.normal(ad.random.key(4), [64, 64]);
    const vg = ad.valueAndGrad((t: ad.Tensor) => ad.sum(ad.mul(ad.chainMatmul(t), w)));
    const runs = [1, 2].map((threads) => {
      ad.config({ threads });
      const [v, g] = vg(stack);
      return [v.item(), Array.from(g.toFloat64Array())];
    });
    ad.config({ threads: 'auto' });
    expect(runs[1]).toEqual(runs[0]);
  });

  it('gemmMany reads the arrays only after every getter has run, fetches only the arrays named, and refuses indices past them', async () => {
    const { createRequire } = await import('node:module');
    const addon = createRequire(import.meta.url)(build) as { gemmMany(arrays: unknown[], args: Float64Array): void; fma: boolean };
    const args = (...products: number[][]) => Float64Array.from([products.length, 0, ...products.flat()]);
    const a = values(4, 1), b = values(4, 2);
    // C (index 2) = A·B, 2×2×2, one thread.
    const p = (ia: number, ib: number, ic: number) => [ia, 0, 2, ib, 0, 2, ic, 0, 2, 2, 2, 2, 0, 0, 1, 1];
    const c = new Float64Array(4);
    addon.gemmMany([a, b, c], args(p(0, 1, 2)));
    expect(Array.from(c)).toEqual([a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!]);
    expect(() => addon.gemmMany([a, b, c], args(p(0, 1, 3)))).toThrow(/index lies past the arrays/);
    // An array of 2^32 − 1 holes: only the elements named are read (no allocation per element).
    const sparse: Float64Array[] = [];
    sparse.length = 2 ** 32 - 1;
    sparse[0] = a; sparse[1] = b; sparse[2] = c;
    expect(() => addon.gemmMany(sparse, args(p(0, 1, 2)))).not.toThrow();
    expect(() => addon.gemmMany(sparse, args(p(0, 1, 4000000000)))).toThrow(/not a|Float64Array/); // a hole
    // A getter that detaches another operand runs before any memory is read: an error, not a write to freed memory.
    const big = new Float64Array(1 << 16), small = values(4, 3);
    const withGetter: Float64Array[] = [small, small];
    Object.defineProperty(withGetter, 2, { get: () => { structuredClone(big.buffer, { transfer: [big.buffer] }); return new Float64Array(4); } });
    withGetter[3] = big;
    expect(() => addon.gemmMany(withGetter, args(p(0, 1, 2), p(0, 1, 3)))).toThrow(/shorter than its offset/);
    const throwing: Float64Array[] = [a, b];
    Object.defineProperty(throwing, 2, { get: () => { throw new Error('from a getter'); } });
    expect(() => addon.gemmMany(throwing, args(p(0, 1, 2)))).toThrow('from a getter');
  });

  it('refuses a list with a bad product before running any of it', () => {
    const list = nativeProductList()!;
    const a = values(12, 1), b = values(12, 2), c = new Float64Array(9), d = new Float64Array(9);
    list.add(a, 0, 4, b, 0, 3, d, 0, 3, 3, 4, 3, false, false, true, 1); // fine
    list.add(a, 1, 4, b, 0, 3, c, 0, 3, 3, 4, 3, false, false, true, 1); // A too short from offset 1
    expect(() => list.run()).toThrow(/shorter than its offset/);
    expect(Array.from(d)).toEqual(new Array(9).fill(0)); // the first product did not run either
    // The refused list is empty afterwards: the next run runs only what is added next.
    list.add(a, 0, 4, b, 0, 3, d, 0, 3, 3, 4, 3, false, false, true, 1);
    list.run();
    expect(Array.from(d)).not.toEqual(new Array(9).fill(0));
    const list2 = nativeProductList()!;
    list2.add(a, 0.5, 4, b, 0, 3, c, 0, 3, 3, 4, 3, false, false, true, 1);
    expect(() => list2.run()).toThrow(/whole numbers/);
  });

  it('with separate steps, gives the WebAssembly kernel\'s bits in the blocked factorisations and the resident matrix chains', () => {
    useFusedSteps(false);
    const spd = (n: number) => {
      const x = ad.random.normal(ad.random.key(n), [n, n]);
      return ad.add(ad.matmul(x, ad.transpose(x)), ad.mul(ad.eye(n), n));
    };
    const runs = [true, false].map((native) => {
      useNativeKernel(native);
      const a = spd(200), g = ad.random.normal(ad.random.key(9), [150, 150]);
      const stack = ad.mul(ad.random.normal(ad.random.key(5), [30, 24, 24]), 0.25);
      const chainGrad = ad.grad((t: ad.Tensor) => ad.sum(ad.sin(ad.chainMatmul(t))))(stack);
      const small = ad.mul(ad.random.normal(ad.random.key(6), [40, 16, 16]), 0.3); // natively only as a list of products
      const smallGrad = ad.grad((t: ad.Tensor) => ad.sum(ad.sin(ad.chainMatmul(t))))(small);
      return [ad.linalg.cholesky(a), ad.linalg.solve(g, ad.ones([150, 3])), ad.linalg.slogdet(g).logAbsDet, ad.linalg.inv(g), ad.chainMatmul(stack), chainGrad, ad.chainMatmul(small), smallGrad]
        .map((t) => Array.from(t.toFloat64Array()));
    });
    expect(runs[0]).toEqual(runs[1]);
  });
});

describe('an exactly rounded fma (the fused steps\' oracle)', () => {
  it('rounds a·b + c once', () => {
    const e = 2 ** -52;
    expect(fmaExact(1 + e, 1 - e, -1)).toBe(-(2 ** -104)); // separately: (1 − 2⁻¹⁰⁴ rounds to 1) − 1 = 0
    expect((1 + e) * (1 - e) - 1).toBe(0);
    expect(fmaExact(3, 5, 7)).toBe(22);
    expect(fmaExact(0.1, 10, -1)).toBe(2 ** -54); // 0.1's error, which the rounded product hides
    expect(fmaExact(1 + e, 1 + e, 0)).toBe((1 + e) * (1 + e)); // with c = 0, the product's rounding
    expect(fmaExact(2, 3, -6)).toBe(0);
    expect(Object.is(fmaExact(-2, 0, 0), 0)).toBe(true);
    expect(fmaExact(Infinity, 1, 1)).toBe(Infinity);
    // ties to even at the 53rd bit: 1 + 2⁻⁵³ rounds down to 1, 1 + 3·2⁻⁵³ up to 1 + 2⁻⁵¹
    expect(fmaExact(2 ** -53, 1, 1)).toBe(1);
    expect(fmaExact(3 * 2 ** -53, 1, 1)).toBe(1 + 2 ** -51);
    expect(fmaExact(2 ** -53, 1 + e, 1)).toBe(1 + e); // just above the tie
  });

  it('is computed as fast by rounding to odd, with the same results (the loops use that one)', () => {
    let seed = 1;
    const random = () => Math.sin(seed++ * 12.9898) * 43758.5453 % 1;
    for (let i = 0; i < 20000; i++) {
      const a = random() * 2 ** Math.floor(random() * 40), b = random() * 2 ** Math.floor(random() * 40);
      const c = i % 3 === 0 ? -a * b * (1 + random() * 2 ** -30) : random() * 2 ** Math.floor(random() * 80 - 20);
      const want = fmaExact(a, b, c), got = fmaFast(a, b, c);
      if (!Object.is(got, want)) expect(got, `fma(${a}, ${b}, ${c})`).toBe(want);
    }
    const e = 2 ** -52;
    expect(fmaFast(1 + e, 1 - e, -1)).toBe(-(2 ** -104));
    expect(fmaFast(2 ** -53, 1, 1)).toBe(1);
    expect(fmaFast(3 * 2 ** -53, 1, 1)).toBe(1 + 2 ** -51);
  });
});

describe.skipIf(!fusable)('fused steps', () => {
  it('give the same bits on any number of threads, through gemm and the factorisations and chains', () => {
    const runs = [1, 2].map((threads) => {
      ad.config({ threads });
      const [m, k, n] = [128, 784, 256];
      const a = values(m * k, 1), b = values(k * n, 2), c = new Float64Array(m * n);
      gemm(a, 0, b, 0, c, 0, m, k, n, false, false);
      const x = ad.random.normal(ad.random.key(3), [200, 200]);
      const spd = ad.add(ad.matmul(x, ad.transpose(x)), ad.mul(ad.eye(200), 200));
      const stack = ad.mul(ad.random.normal(ad.random.key(5), [30, 24, 24]), 0.25);
      return [c, ...[ad.linalg.cholesky(spd), ad.linalg.solve(x, ad.ones([200, 3])), ad.chainMatmul(stack)].map((t) => t.toFloat64Array())].map((v) => Array.from(v));
    });
    expect(runs[0]).toEqual(runs[1]);
  });

  it('give a chain the bits of the same products as matmul ops, whichever kernel each product takes (2, 6 and 64 rows)', () => {
    // A chain's products run as one list natively only where `gemm` would run them natively; the
    // others (fewer than 4 rows, a depth under 8) stay where gemm keeps them.
    for (const [rows, s] of [[2, 64], [6, 40], [64, 24]] as const) {
      const first = ad.random.normal(ad.random.key(rows), [rows, s]);
      const rest = [1, 2, 3].map((i) => ad.mul(ad.random.normal(ad.random.key(rows + i), [s, s]), 1 / Math.sqrt(s)));
      const ms = [first, ...rest];
      const fold = (xs: ad.Tensor[]) => xs.reduce((acc, m) => ad.matmul(acc, m));
      expect(Array.from(ad.chainMatmul(ms).toFloat64Array())).toEqual(Array.from(fold(ms).toFloat64Array()));
      const loss = (f: (xs: ad.Tensor[]) => ad.Tensor) => (...xs: ad.Tensor[]) => ad.sum(ad.sin(f(xs)));
      const g = ad.grad(loss(ad.chainMatmul), [0, 1, 2, 3])(...ms) as ad.Tensor[];
      const gf = ad.grad(loss(fold), [0, 1, 2, 3])(...ms) as ad.Tensor[];
      expect(g.map((t) => Array.from(t.toFloat64Array()))).toEqual(gf.map((t) => Array.from(t.toFloat64Array())));
    }
  });

  it('stay within a few units in the last place of the separate steps (a sum of |a·b|)', () => {
    const [m, k, n] = [64, 700, 96];
    const a = values(m * k, 7), b = values(k * n, 8);
    const [fused, separate] = [true, false].map((on) => {
      useFusedSteps(on);
      const c = new Float64Array(m * n);
      gemm(a, 0, b, 0, c, 0, m, k, n, false, false);
      return c;
    });
    let differ = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let scale = 0;
        for (let p = 0; p < k; p++) scale += Math.abs(a[i * k + p]! * b[p * n + j]!);
        // Each is within γ_k·Σ|a·b| of the exact sum (γ_k = k·u/(1 − k·u), u = 2⁻⁵³; Higham, "Accuracy
        // and Stability of Numerical Algorithms", §3.1), so within twice that of each other.
        const gamma = (k * 2 ** -53) / (1 - k * 2 ** -53);
        expect(Math.abs(fused[i * n + j]! - separate[i * n + j]!)).toBeLessThanOrEqual(2 * gamma * scale);
        if (fused[i * n + j] !== separate[i * n + j]) differ++;
      }
    }
    expect(differ).toBeGreaterThan(0); // the steps really are fused
  });

  it.skipIf(!wide)('give the same bits on AVX-512\'s eight lanes as on four, through gemm, the factorisations and the chains', () => {
    const runs = [true, false].map((on) => {
      useWideVectors(on);
      expect(nativeKernelInfo().lanes).toBe(on ? 8 : 4);
      return [1, 2].flatMap((threads) => {
        ad.config({ threads });
        const products = ([[128, 784, 256, false, false], [784, 128, 256, true, false], [100, 33, 77, false, true], [37, 1000, 29, true, true]] as const).map(([m, k, n, transA, transB], i) => {
          const a = values(m * k, 10 + i), b = values(k * n, 20 + i), c = values(m * n, 30 + i);
          gemm(a, 0, b, 0, c, 0, m, k, n, transA, transB);
          return c;
        });
        const x = ad.random.normal(ad.random.key(3), [200, 200]);
        const spd = ad.add(ad.matmul(x, ad.transpose(x)), ad.mul(ad.eye(200), 200));
        const stack = ad.mul(ad.random.normal(ad.random.key(5), [30, 40, 40]), 0.2);
        return [...products, ...[ad.linalg.cholesky(spd), ad.linalg.inv(x), ad.chainMatmul(stack)].map((t) => t.toFloat64Array())].map((v) => Array.from(v));
      });
    });
    expect(runs[0]).toEqual(runs[1]);
  });

  it.skipIf(!wide)('keep to four lanes with ADJOINT_AVX512=0 in the environment, read when the module loads', async () => {
    vi.resetModules();
    process.env.ADJOINT_AVX512 = '0';
    try {
      const fresh = await import('../src/tensor/kernels/native/nativeGemm.js');
      expect(fresh.nativeKernelInfo()).toEqual({ available: true, reason: null, fused: true, lanes: 4 });
    } finally {
      delete process.env.ADJOINT_AVX512;
      vi.resetModules();
    }
  });

  it('are off with ADJOINT_FMA=0 in the environment, read when the module loads', async () => {
    vi.resetModules();
    process.env.ADJOINT_FMA = '0';
    try {
      const fresh = await import('../src/tensor/kernels/native/nativeGemm.js');
      expect(fresh.nativeKernelInfo()).toEqual({ available: true, reason: null, fused: false, lanes: 4 });
    } finally {
      delete process.env.ADJOINT_FMA;
      vi.resetModules();
    }
  });
});

describe.skipIf(!available)('the native row kernels (a long product and its gradient\'s quotients)', () => {
  it('combines a row repeated down a matrix (a bias) to the JavaScript walk\'s bits: + − × ÷, either side, every thread count', () => {
    let seed = 13;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const entry = (i: number) => (i % 89 === 0 ? [-0, 0, NaN, Infinity, -Infinity][(i / 89) % 5]! : (random() - 0.5) * 10 ** (8 * random() - 4));
    for (const [full, rowShape] of [[[128, 256], [256]], [[300, 256], [256]], [[64, 100], [1, 100]], [[3, 50, 40], [40]], [[2, 2, 1100], [1, 1, 1100]]] as const) { // 300 × 256: past PARALLEL_ROWS
      const size = full.reduce((p: number, q: number) => p * q, 1), n = full[full.length - 1]!;
      const x = Float64Array.from({ length: size }, (_, i) => entry(i)), row = Float64Array.from({ length: n }, (_, i) => entry(i + 5));
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const rowFirst of [false, true]) {
          const runs = [false, true].flatMap((native) => [1, 2, 3].map((threads) => {
            useNativeKernel(native);
            ad.config({ threads });
            const out = rowFirst ? binaryKernel(op, row, rowShape, x, full, full) : binaryKernel(op, x, full, row, rowShape, full);
            return Array.from(out).map((v) => (Object.is(v, -0) ? '-0' : String(v)));
          }));
          for (const r of runs.slice(1)) expect(r, `${op} ${full} ${rowFirst}`).toEqual(runs[0]);
        }
      }
    }
    expect(() => nativeRows()!.combineRows(new Float64Array(8), new Float64Array(8), new Float64Array(4), 3, 4, 0, false, 1)).toThrow(RangeError);
  });

  it('combines two runs, or a run and a number, to the JavaScript loops\' bits: + − × ÷ and the strong product, every thread count', () => {
    let seed = 29;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // Magnitudes from 1e-320 (subnormal) to 1e300, and ±0, ±∞, NaN, so an operand order or a lost strong zero shows.
    const entry = (i: number) => (i % 7 === 0 ? [-0, 0, NaN, Infinity, -Infinity, 5e-324, -1e308][(i / 7) % 7]! : (random() - 0.5) * 10 ** (620 * random() - 320));
    // The first entry where two results differ (Object.is: −0 against +0 counts), or −1.
    const firstDifference = (u: Float64Array, v: Float64Array) => {
      for (let i = 0; i < u.length; i++) if (!Object.is(u[i], v[i])) return i;
      return u.length === v.length ? -1 : u.length;
    };
    const bits = (v: Float64Array) => Array.from(v).map((z) => (Object.is(z, -0) ? '-0' : String(z)));
    for (const n of [1024, 1031, 5000, 65536 + 13]) { // 65,549: past PARALLEL_COMBINE, not a whole number of lines
      const x = Float64Array.from({ length: n }, (_, i) => entry(i)), z = Float64Array.from({ length: n }, (_, i) => entry(i + 3));
      for (const op of ['add', 'sub', 'mul', 'div', 'mulStrong'] as const) {
        for (const scalar of [null, 0, -0, Infinity, NaN, 3.5]) {
          const runs = [false, true].flatMap((native) => [1, 2, 3].map((threads) => {
            useNativeKernel(native);
            ad.config({ threads });
            return scalar === null ? binaryKernel(op, x, [n], z, [n], [n]) : binaryKernel(op, x, [n], Float64Array.of(scalar), [], [n]);
          }));
          for (const r of runs.slice(1)) expect(firstDifference(r, runs[0]!), `${op} ${n} ${scalar}`).toBe(-1);
        }
      }
    }
    // In place (out the first operand) and with the number read from out itself: the same as into a fresh array.
    ad.config({ threads: 2 });
    const n = 70000, x = Float64Array.from({ length: n }, (_, i) => entry(i)), z = Float64Array.from({ length: n }, (_, i) => entry(i + 1));
    const fresh = new Float64Array(n);
    expect(nativeRows()!.combine(fresh, x, z, 0, n, 2, 2)).toBe(true);
    const inPlace = x.slice();
    nativeRows()!.combine(inPlace, inPlace, z, 0, n, 2, 2);
    expect(bits(inPlace)).toEqual(bits(fresh));
    const self = x.slice(), first = self[0]!;
    nativeRows()!.combine(self, self, null, self[0]!, n, 3, 2);
    expect(bits(self)).toEqual(bits(x.map((v) => v / first)));
    expect(() => nativeRows()!.combine(new Float64Array(8), new Float64Array(8), new Float64Array(4), 0, 8, 0, 1)).toThrow(RangeError); // b shorter than n
    expect(() => nativeRows()!.combine(new Float64Array(8), new Float64Array(8), new Float64Array(8), 0, 8, 5, 1)).toThrow(RangeError); // no op 5
  });

  it('runs the one-operand arithmetic ops and their fused VJPs to the JavaScript loops\' bits, on every thread count', () => {
    let seed = 41;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const edges = [-0, 0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1e-310, 1e308, -1e308, 1, -1, 0.5];
    const entry = (i: number) => (i % 5 === 0 ? edges[(i / 5) % edges.length]! : (random() - 0.5) * 10 ** (620 * random() - 320));
    const differ = (u: Float64Array, v: Float64Array) => {
      for (let i = 0; i < u.length; i++) if (!Object.is(u[i], v[i])) return i;
      return -1;
    };
    for (const n of [1024, 1031, 70001]) { // 70,001: past PARALLEL_UNARY, not a whole number of lines
      const x = Float64Array.from({ length: n }, (_, i) => entry(i)), g = Float64Array.from({ length: n }, (_, i) => entry(i + 2));
      const both = (run: () => Float64Array) => [false, true].flatMap((native) => [1, 2, 3].map((threads) => {
        useNativeKernel(native);
        ad.config({ threads });
        return run();
      }));
      for (const op of ['neg', 'sqrt', 'square', 'abs', 'sign', 'relu', 'step', 'reciprocal'] as const) {
        const runs = both(() => unaryKernel(op, x));
        for (const r of runs.slice(1)) expect(differ(r, runs[0]!), `${op} ${n}`).toBe(-1);
      }
      for (const op of ['exp', 'square', 'sqrt', 'sigmoid', 'relu', 'reciprocal', 'log1p'] as const) {
        const runs = both(() => unaryVjpKernel(op, g, x));
        for (const r of runs.slice(1)) expect(differ(r, runs[0]!), `${op}' ${n}`).toBe(-1);
      }
    }
    const out = new Float64Array(8);
    expect(() => nativeRows()!.unary(out, new Float64Array(4), 8, 0, 1)).toThrow(RangeError); // x shorter than n
    expect(() => nativeRows()!.unary(out, new Float64Array(8), 8, 8, 1)).toThrow(RangeError); // no op 8
    expect(() => nativeRows()!.unaryVjp(out, new Float64Array(8), new Float64Array(7), 8, 0, 1)).toThrow(RangeError);
  });

  it('transposes a matrix, or a stack\'s last two axes, as the JavaScript loop does, on every thread count', () => {
    for (const [shape, perm] of [
      [[32, 32], [1, 0]], [[128, 256], [1, 0]], [[37, 1000], [1, 0]], [[1000, 37], [1, 0]], [[600, 500], [1, 0]], // 300,000: past PARALLEL_TRANSPOSE
      [[3, 50, 40], [0, 2, 1]], [[2, 3, 17, 33], [0, 1, 3, 2]], [[5, 300, 200], [0, 2, 1]],
      [[3, 50, 40], [1, 0, 2]], [[4, 1, 2000], [0, 2, 1]], [[6, 20, 30], [2, 1, 0]], // not a swap of the last two, or a copy: the loop
    ] as const) {
      const size = shape.reduce((p: number, q: number) => p * q, 1);
      const x = Float64Array.from({ length: size }, (_, i) => (i % 11 === 0 ? [-0, NaN, Infinity, 5e-324][(i / 11) % 4]! : Math.sin(i) * 10 ** (i % 7)));
      const runs = [false, true].flatMap((native) => [1, 2, 3].map((threads) => {
        useNativeKernel(native);
        ad.config({ threads });
        return transposeKernel(x, shape, perm);
      }));
      for (const r of runs.slice(1)) {
        let differ = -1;
        for (let i = 0; i < r.length && differ < 0; i++) if (!Object.is(r[i], runs[0]![i])) differ = i;
        expect(differ, `${shape} ${perm}`).toBe(-1);
      }
    }
    const expected = [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]; // two 2 × 3 matrices
    const out = new Float64Array(12);
    expect(nativeRows()!.transpose(out, Float64Array.from({ length: 12 }, (_, i) => i), 2, 2, 3, 1)).toBe(true);
    expect(Array.from(out)).toEqual(expected);
    expect(() => nativeRows()!.transpose(new Float64Array(12), new Float64Array(11), 2, 2, 3, 1)).toThrow(RangeError);
  });

  it('sum over an axis with columns after it (reduceKernel) to the JavaScript lanes\' bits, on every thread count', () => {
    let seed = 9;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // Magnitudes from 1e-8 to 1e8 (so the order of the adds shows in the bits), and ±0, ±∞, NaN.
    const entry = (i: number) => (i % 97 === 0 ? [-0, 0, NaN, Infinity, -Infinity][(i / 97) % 5]! : (random() - 0.5) * 10 ** (16 * random() - 8));
    for (const [shape, axis] of [[[128, 256], 0], [[3, 100, 7], 1], [[5, 1000, 33], 1], [[2, 40, 17, 3], 1], [[600, 4], 0], [[1, 70, 1029], 1]] as const) {
      const size = shape.reduce((p: number, q: number) => p * q, 1);
      const x = Float64Array.from({ length: size }, (_, i) => entry(i));
      const runs = [false, true].flatMap((native) => [1, 2, 3].map((threads) => {
        useNativeKernel(native);
        ad.config({ threads });
        return Array.from(reduceKernel('sum', x, shape, [axis])).map((v) => (Object.is(v, -0) ? '-0' : String(v)));
      }));
      for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
    }
    const out = new Float64Array(4);
    expect(() => nativeRows()!.columnSums(out, new Float64Array(8), 1, 2, 5, 1)).toThrow(RangeError); // x shorter than 1·2·5
    expect(() => nativeRows()!.columnSums(out, new Float64Array(20), 1, 2, 5, 1)).toThrow(RangeError); // out shorter than 5
  });

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


describe.skipIf(!available)('the native tanh (native/vmath.cc)', () => {
  it("gives Math.tanh's bits: random values over every branch, the thresholds and the special values, on every thread count", () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const n = 200_003; // not a multiple of four or eight: a padded last vector
    const x = Float64Array.from({ length: n }, (_, i) => {
      switch (i % 6) {
        case 0: return (random() - 0.5) * 2; // |x| < 1: −t/(t + 2)
        case 1: return (random() - 0.5) * 60; // past 22 too
        case 2: return (random() - 0.5) * 2 ** (-60 * random()); // down past 2^−28
        case 3: return (random() - 0.5) * 1e-300;
        case 4: return (random() < 0.5 ? -1 : 1) * (0.2 + 2 * random()); // around k = 0, −1 and 1
        default: return (random() - 0.5) * 1e6;
      }
    });
    x.set([0, -0, NaN, Infinity, -Infinity, 1, -1, 22, -22, 21.999999999999996, 2 ** -28, -(2 ** -28), 2 ** -29, 5e-324, -5e-324,
      0.34657359027997264, 0.5493061443340548, 1.0397207708399179, 0.9999999999999999, 1.0000000000000002, 1e-10]);
    const tanh = nativeVmath()!.tanh;
    for (const threads of [1, 2, 3]) {
      const out = new Float64Array(n).fill(7);
      tanh(out, x, threads);
      for (let i = 0; i < n; i++) if (!Object.is(out[i], Math.tanh(x[i]!))) expect(out[i], `tanh(${x[i]}) on ${threads}`).toBe(Math.tanh(x[i]!));
    }
    // Runs of 15: below the eight-lane loop's two vectors (AVX-512 CPUs), so the four-lane code
    // computes every entry — the path of CPUs without AVX-512 — and its padded last vector.
    const out = new Float64Array(n).fill(7);
    for (let i = 0; i + 15 <= 60_000; i += 15) tanh(out.subarray(i, i + 15), x.subarray(i, i + 15), 1);
    for (let i = 0; i < 60_000; i++) if (!Object.is(out[i], Math.tanh(x[i]!))) expect(out[i], `tanh(${x[i]}) in a run of 15`).toBe(Math.tanh(x[i]!));
  });

  it("gives ad.tanh and its gradient the WebAssembly path's bits, short and long, one thread and two", () => {
    for (const n of [64, 1001, 40000]) {
      const x = ad.mul(ad.random.normal(ad.random.key(n), [n]), 3);
      const runs = [true, false].flatMap((native) => [1, 2].map((threads) => {
        useNativeKernel(native);
        ad.config({ threads });
        const [v, g] = ad.valueAndGrad((t: ad.Tensor) => ad.sum(ad.mul(ad.tanh(t), t)))(x);
        return [v.item(), ...Array.from(ad.tanh(x).toFloat64Array()), ...Array.from(g.toFloat64Array())];
      }));
      for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
    }
  });

  it("computes tanh's VJP, g·(1 − y²) with the strong zero, to unaryVjpKernel's bits on every thread count", () => {
    const n = 100_003; // not a multiple of four: a scalar tail
    let seed = 5;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = (i: number, specials: readonly number[]) => (i % 13 === 0 ? specials[(i / 13) % specials.length]! : (random() - 0.5) * 4);
    // y = ±1 makes 1 − y² zero (the strong zero against g = ±∞ or NaN); g = ±0 likewise.
    const g = Float64Array.from({ length: n }, (_, i) => pick(i, [0, -0, NaN, Infinity, -Infinity, 1e-300, 5e-324, 2]));
    const y = Float64Array.from({ length: n }, (_, i) => pick(i + 7, [1, -1, 0, -0, NaN, Infinity, 1 - 2 ** -53, 0.5]));
    const want = Float64Array.from({ length: n }, (_, i) => {
      const d = 1 - y[i]! * y[i]!;
      return g[i] === 0 || d === 0 ? 0 : g[i]! * d;
    });
    for (const threads of [1, 2, 3]) {
      const out = new Float64Array(n).fill(7);
      expect(nativeVmath()!.tanhVjp(out, g, y, threads)).toBe(true);
      for (let i = 0; i < n; i++) if (!Object.is(out[i], want[i])) expect(out[i], `g ${g[i]}, y ${y[i]} on ${threads}`).toBe(want[i]);
    }
  });

  it('refuses a range outside the arrays', () => {
    const x = new Float64Array(8), out = new Float64Array(4);
    expect(() => nativeVmath()!.tanh(out, x, 1)).toThrow(RangeError); // out shorter than x
    expect(() => nativeVmath()!.tanhVjp(out, x, x, 1)).toThrow(RangeError);
  });
});
