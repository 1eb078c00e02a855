/**
 * @file The optional native kernels for Node — the matrix product C (+)= op(A)·op(B) in C++ with the
 * machine's full vector width (native/gemm.cc) and a long row's product and quotients, and column sums
 * (native/rows.cc), built by `npm install` through scripts/build-native.mjs where a C++ compiler
 * and Node's headers exist — loaded at run time with no import of Node built-ins
 * (this file is the same in browser bundles: there, and wherever the build is missing, nothing
 * loads and the WebAssembly kernel runs).
 *
 * Why: the WebAssembly kernel has two float64 lanes, and on the bench machine (AMD EPYC, Zen 2)
 * its loop is bound by how fast the core issues instructions: about 15 GFLOP/s on one core. The
 * native kernel (a 6×8 tile of four-lane accumulators, GotoBLAS's packing and blocking, its own
 * threads) runs at 42–43 on one core with fused steps (31–34 with separate ones, below) and 56–80
 * on two; where the CPU has AVX-512, a 12×16 tile of eight-lane accumulators (8×16 up to 128 rows
 * where it pads fewer; native/tiles.h) at
 * 1.8–1.9× the four-lane tile's rate (47–68 GFLOP/s on one core of an Intel Xeon, Sapphire Rapids),
 * the same bits as four lanes. `ADJOINT_AVX512=0` keeps to four.
 *
 * The addon also computes tanh over arrays (native/vmath.cc: Math.tanh's bits, four lanes).
 *
 * It replaces the WebAssembly kernel where that would run (../wasm/gemm.ts: gemmBlockWasm, the
 * resident products of the matrix chains and blocked factorisations), for products of
 * NATIVE_MIN_WORK multiply-adds and more. Each element is one running sum in order, s = +0, then
 * s = s + A[i,p]·B[p,j] for p = 0 … k−1, then C = s or C + s, on any number of threads; each step
 * is fused, s = fma(A[i,p], B[p,j], s) with one rounding, where the CPU has FMA3 (x86-64 since
 * 2013), else separate (the product rounded, then the sum: the WebAssembly and JavaScript kernels'
 * step, so then the bits are theirs). Fused steps run the products 1.34× faster on one core (42–43
 * against 31–32 GFLOP/s) and are at least as accurate, as in every BLAS; what they give up is
 * agreement to the last bit with the other kernels (a browser, a product below NATIVE_MIN_WORK).
 * `ADJOINT_FMA=0` in the environment keeps the steps separate, so every product has the
 * WebAssembly kernel's bits; `ADJOINT_NATIVE=0` (or `useNativeKernel(false)`) keeps the addon off;
 * `ad.config({ wasm: false })` turns it off with the WebAssembly kernels.
 */
import { libraryFolder } from '../../../core/libraryFrames.js';
import { wasmKernelsWanted } from '../wasm/gemm.js';
import { transientFailure } from '../../../core/transient.js';

/** The addon's functions. @internal */
export interface Addon {
  /** native/gemmCalls.cc: op(A), B and C, and their offsets, row lengths, extents, flags, thread count and fused flag as 14 numbers. */
  gemm(a: Float64Array, b: Float64Array, c: Float64Array, args: Float64Array): void;
  /** native/gemmCalls.cc: products as if in order in one call (args: count, steps, then sixteen numbers per product: see ProductList), those sharing no memory at once on `threads` (where gemmManyThreads says it takes them). */
  gemmMany?(arrays: readonly Float64Array[], args: Float64Array, threads?: number): void;
  /** Whether gemmMany takes its third argument (builds before it throw on one). */
  gemmManyThreads?: boolean;
  /** Whether this CPU runs the fused steps (AVX2 and FMA3). */
  fma: boolean;
  /** Whether it runs them on AVX-512's eight lanes too (a 12×16 or 8×16 tile; older builds lack the flag). */
  avx512?: boolean;
  /** native/rows.cc: a row's product by eight chains (args: start, end). */
  product(x: Float64Array, args: Float64Array): number;
  /** native/rows.cc: out[p] = c / x[p] (args: c, start, end, threads). */
  divide(out: Float64Array, x: Float64Array, args: Float64Array): void;
  /** native/rows.cc: out[o·inner + c] = Σ_i x[(o·n + i)·inner + c] in order (args: outer, n, inner, threads). */
  columnSums?(out: Float64Array, x: Float64Array, args: Float64Array): void;
  /** native/rows.cc: out = full ∘ row repeated down it (args: rows, n, op 0–3 = + − × ÷, rowFirst, threads). */
  combineRows?(out: Float64Array, full: Float64Array, row: Float64Array, args: Float64Array): void;
  negOuter?(out: Float64Array, u: Float64Array, v: Float64Array, args: Float64Array): void;
  /** native/rows.cc: out[p] = a[p] ∘ b[p] (or ∘ b[0]) for ∘ = + − × ÷ or the strong product (args: n, op 0–4, scalar, threads). */
  combine?(out: Float64Array, a: Float64Array, b: Float64Array, args: Float64Array): void;
  /** native/transpose.cc: out[b][j][i] = x[b][i][j] for `batch` matrices of rows × cols (args: batch, rows, cols, threads). */
  transpose?(out: Float64Array, x: Float64Array, args: Float64Array): void;
  /** native/elementwise.cc: out[p] = f(x[p]) (args: n, op 0–7, threads). */
  unary?(out: Float64Array, x: Float64Array, args: Float64Array): void;
  /** native/elementwise.cc: out[p] = g[p]·f′ from s[p], the strong zero (args: n, op 0–6, threads). */
  unaryVjp?(out: Float64Array, g: Float64Array, s: Float64Array, args: Float64Array): void;
  /** native/chain.cc: a chain's cotangents a_i b_iᵀ for Ḡ = u vᵀ (args: n, first, then at, rows, cols, outAt (−1: not needed) per factor; mats and outs one array per factor, or one for all). */
  rankOneChain?(mats: readonly Float64Array[], outs: ReadonlyArray<Float64Array | null>, u: Float64Array, v: Float64Array, args: Float64Array): void;
  /** native/lu.cc: the resident LU of linalg/lu.ts (args: ld, threads, steps; sign and zero written back). */
  luFactor?(v: Float64Array, perm: Float64Array, args: Float64Array): void;
  /** native/triangular.cc: op(A) x = b against one vector, linalg/triangular.ts's steps (args: aOff, n, transposeA, forward, unitDiagonal, xOff, r0, r1). */
  substituteVector?(a: Float64Array, x: Float64Array, args: Float64Array): void;
  /** native/vmath.cc: out[p] = tanh(x[p]), Math.tanh's bits (args: start, end, threads). */
  tanh(out: Float64Array, x: Float64Array, args: Float64Array): void;
  /** native/vmath.cc: out[p] = g[p]·(1 − y[p]²) with the strong zero, unaryVjpKernel's bits (args: start, end, threads). */
  tanhVjp?(out: Float64Array, g: Float64Array, y: Float64Array, args: Float64Array): void;
  /** native/heap.cc: glibc's malloc set to keep freed blocks for reuse; what it did (older builds lack it). */
  keepHeap?(): string;
}

/** C[m,n] (+)= op(A)·op(B) with row lengths lda, ldb, ldc, the rows of C split over `threads` threads. */
export type NativeProduct = (
  a: Float64Array, aOff: number, lda: number, b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean, fresh: boolean, threads: number,
) => void;

interface NodeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/** The build's file, relative to the folder of the library's modules (dist/ or src/). */
const BUILD = '../native/build/adjoint-native.node';

let wanted = true;
/**
 * Fused steps where the CPU has them (ADJOINT_FMA=0 in the environment or useFusedSteps(false):
 * separate). The environment is read as the module loads, so a later useFusedSteps decides.
 */
let fusedWanted = (globalThis as { process?: NodeProcess }).process?.env?.ADJOINT_FMA !== '0';
/** Fused steps on AVX-512's eight lanes where the CPU has them (ADJOINT_AVX512=0 or useWideVectors(false): four lanes, the same bits). */
let wideWanted = (globalThis as { process?: NodeProcess }).process?.env?.ADJOINT_AVX512 !== '0';
/** The loaded addon, null where there is none (or it is off), undefined until first needed. */
let addon: Addon | null | undefined;
/** Why there is none. */
let reason = 'not tried yet';
/**
 * What the addon did to the C library's allocator when it loaded (native/heap.cc: on glibc, freed
 * blocks of up to 32 MiB kept for the next results, so a fresh gradient does not fault its pages in
 * again after every garbage collection): 'kept', "the environment's settings", 'not glibc',
 * 'refused', or 'off' (ADJOINT_KEEP_HEAP=0), 'not loaded', or 'an older build'.
 */
let heap = 'not loaded';

/** Loads the build beside the package's files, once; null (with the reason kept) where that is not possible. */
function load(): Addon | null | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc?.versions?.node !== 'string' || typeof proc.getBuiltinModule !== 'function') {
    reason = 'not Node (or a Node without process.getBuiltinModule)';
    return null;
  }
  if (proc.env?.ADJOINT_NATIVE === '0') {
    reason = 'ADJOINT_NATIVE=0';
    return null;
  }
  const folder = libraryFolder();
  if (folder === null) {
    reason = "adjoint is bundled: the native build is found beside the package's own files";
    return null;
  }
  try {
    const { createRequire } = proc.getBuiltinModule('node:module') as { createRequire(from: string): (id: string) => unknown };
    const fs = proc.getBuiltinModule('node:fs') as { existsSync(p: string): boolean; readFileSync(p: string, encoding: 'utf8'): string };
    const { fileURLToPath } = proc.getBuiltinModule('node:url') as { fileURLToPath(u: URL): string };
    const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(folder) ? folder : `file://${folder.startsWith('/') ? '' : '/'}${folder}`;
    const url = new URL(BUILD, base);
    const file = url.protocol === 'file:' ? fileURLToPath(url) : null;
    if (file === null || !fs.existsSync(file)) {
      reason = `no native build (${url.href}): npm install builds it where a C++ compiler and Node's headers exist`;
      return null;
    }
    const missing = missingInstructions(fs, file.replace(/\.node$/, '.json'), (proc as { platform?: string }).platform);
    if (missing !== null) {
      reason = missing;
      return null;
    }
    const loaded = createRequire(url.href)(file) as Partial<Addon>;
    if (typeof loaded.gemm !== 'function' || typeof loaded.product !== 'function' || typeof loaded.divide !== 'function' || typeof loaded.tanh !== 'function') {
      reason = `${file} lacks gemm, product, divide or tanh (an older build): rebuild it with node scripts/build-native.mjs`;
      return null;
    }
    reason = '';
    heap = proc.env?.ADJOINT_KEEP_HEAP === '0' ? 'off' : typeof loaded.keepHeap === 'function' ? loaded.keepHeap() : 'an older build';
    return loaded as Addon;
  } catch (e) {
    if (transientFailure(e)) { // this call only: tried again next time (../../../core/transient.ts)
      reason = `loading the native build failed for the moment (${e instanceof Error ? e.message : String(e)}); it is tried again`;
      return undefined;
    }
    reason = `loading the native build failed (${e instanceof Error ? e.message : String(e)})`;
    return null;
  }
}

/**
 * Why this CPU may not run the build, or null: the build's record (written beside it by
 * scripts/build-native.mjs) names the instruction-set extensions it was compiled for (AVX2 where the
 * building machine had it), and on Linux every one must be among /proc/cpuinfo's flags — a
 * node_modules built on one machine and run on an older CPU (a container image moved between
 * hosts) would otherwise die of an illegal instruction. Elsewhere (macOS) the record is trusted. @internal
 */
export function missingInstructions(fs: { existsSync(p: string): boolean; readFileSync(p: string, encoding: 'utf8'): string }, record: string, platform: string | undefined): string | null {
  if (!fs.existsSync(record)) return `the native build has no record of what it needs (${record}): rebuild it with node scripts/build-native.mjs`;
  const requires = (JSON.parse(fs.readFileSync(record, 'utf8')) as { requires?: unknown }).requires;
  if (!Array.isArray(requires) || requires.length === 0 || platform !== 'linux') return null;
  const line = /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  const flags = new Set((line?.[1] ?? '').trim().split(/\s+/));
  const absent = requires.filter((f) => typeof f !== 'string' || !flags.has(f));
  return absent.length === 0 ? null : `the native build needs ${absent.join(', ')}, which this CPU lacks: rebuild it here with node scripts/build-native.mjs`;
}

/** The addon where it is on and loads here. */
function native(): Addon | null {
  if (!wanted) return null;
  if (addon === undefined) addon = load(); // undefined again after a transient failure: tried next time
  return addon ?? null;
}

/**
 * The native product where the addon is loaded (and the compiled kernels are on: ad.config({ wasm })),
 * else null: C[m,n] (+)= op(A)·op(B) with row lengths lda, ldb, ldc (`fresh`: C holds no values yet
 * and is only written), the rows of C split over `threads` threads.
 */
export function nativeProducts(m: number, k: number, n: number): NativeProduct | null {
  return m * k * n >= NATIVE_MIN_WORK && nativeLoaded() ? product : null;
}

/**
 * Products with fewer multiply-adds stay with the WebAssembly kernel: a call into the addon costs
 * about as much as a 16³ product's arithmetic. From 16³ the native kernel is at least level: a lone
 * `matmul` of 16×16 matrices level with WebAssembly (2.50 against 2.62 µs, its value and gradient
 * 10.9 against 10.6), 18×18 0.89 (value and gradient 0.64); a chain's products, one call for all
 * (ProductList), 0.76–0.81 of the resident WebAssembly chain's time at 200 factors of 16×16 — and
 * 1.2–2.5× slower at 12×12 and 8×8, where the kernel's own set-up per product is the cost. Chains
 * and lone products have one threshold, so a chain's products and the same products as `matmul`
 * ops (the chain under an outer transformation or `jit`) give the same bits.
 */
const NATIVE_MIN_WORK = 16 * 16 * 16;

/**
 * The backward pass of a matrix chain whose output cotangent is u vᵀ, natively (native/chain.cc),
 * where the addon is loaded and on and has it (else null): outs[i] = a_i b_iᵀ (from outAt) for i ≥
 * first where outs[i] is given, with ../chainRankOne.ts's sums in its order (the same bits). @internal
 */
export function nativeRankOneChain(): ((mats: readonly Float64Array[], outs: ReadonlyArray<Float64Array | null>, u: Float64Array, v: Float64Array, args: Float64Array) => void) | null {
  return nativeLoaded() ? (addon!.rankOneChain ?? null) : null;
}

/**
 * The LU factorisation of linalg/lu.ts's factorInMemory natively (native/lu.cc), where the addon is
 * loaded and on and has it (else null): the ld×ld matrix at the start of `v` factored in place with
 * the same recursion, leaves and products, so the same bits (the multipliers of the first
 * `negateBack` rows given back their sign); `perm` (as float64s) permuted with the rows; the
 * products from 128³ on `threads`. Returns det(P)'s sign and whether a pivot was zero. @internal
 */
export function nativeLuFactor(): ((v: Float64Array, perm: Float64Array, ld: number, threads: number, negateBack: number) => { sign: number; zero: boolean }) | null {
  return nativeLoaded() && addon!.luFactor !== undefined ? luFactor : null;
}

const luArgs = new Float64Array(6);
function luFactor(v: Float64Array, perm: Float64Array, ld: number, threads: number, negateBack: number): { sign: number; zero: boolean } {
  luArgs[0] = ld;
  luArgs[1] = threads;
  luArgs[2] = steps();
  luArgs[5] = negateBack;
  addon!.luFactor!(v, perm, luArgs);
  return { sign: luArgs[3]!, zero: luArgs[4] === 1 };
}

/**
 * A triangular solve against one vector natively (native/triangular.cc), where the addon is loaded
 * and on and has it (else null): rows [r0, r1) of x, op(A)(i, p) = a[aOff + i·n + p] (or
 * a[aOff + p·n + i] transposed), with linalg/triangular.ts substituteVector's steps in its order,
 * so the same bits. @internal
 */
export function nativeSubstituteVector(): ((a: Float64Array, aOff: number, n: number, transposeA: boolean, forward: boolean, unitDiagonal: boolean, x: Float64Array, xOff: number, r0: number, r1: number) => void) | null {
  return nativeLoaded() && addon!.substituteVector !== undefined ? substituteVector : null;
}

const substituteArgs = new Float64Array(8);
function substituteVector(a: Float64Array, aOff: number, n: number, transposeA: boolean, forward: boolean, unitDiagonal: boolean, x: Float64Array, xOff: number, r0: number, r1: number): void {
  substituteArgs[0] = aOff;
  substituteArgs[1] = n;
  substituteArgs[2] = +transposeA;
  substituteArgs[3] = +forward;
  substituteArgs[4] = +unitDiagonal;
  substituteArgs[5] = xOff;
  substituteArgs[6] = r0;
  substituteArgs[7] = r1;
  addon!.substituteVector!(a, x, substituteArgs);
}

/** native/gemm.cc's steps as set: 0 separate, 1 fused on the widest vectors, 2 fused on four lanes. */
function steps(): number {
  return fusedWanted && addon!.fma ? (wideWanted && addon!.avx512 === true ? 1 : 2) : 0;
}

/**
 * tanh over an array natively (native/vmath.cc), where the addon is loaded and on: out[p] =
 * tanh(x[p]) for p < x.length, Math.tanh's bits (wasm/transcendental.ts's algorithm, four lanes),
 * split over `threads`. @internal
 */
export function nativeVmath(): NativeVmath | null {
  return nativeLoaded() ? vmath : null;
}

/** The addon's elementwise kernels. @internal */
export interface NativeVmath {
  tanh(out: Float64Array, x: Float64Array, threads: number): void;
  /**
   * tanh's first-order VJP, out = g·(1 − y²) (0 where g or 1 − y² is 0), over g.length entries, or
   * false where the build predates it.
   */
  tanhVjp(out: Float64Array, g: Float64Array, y: Float64Array, threads: number): boolean;
}

const vmathArgs = new Float64Array(3);
const vmath: NativeVmath = {
  tanh(out: Float64Array, x: Float64Array, threads: number): void {
    vmathArgs[0] = 0;
    vmathArgs[1] = x.length;
    vmathArgs[2] = threads;
    addon!.tanh(out, x, vmathArgs);
  },
  tanhVjp(out: Float64Array, g: Float64Array, y: Float64Array, threads: number): boolean {
    if (addon!.tanhVjp === undefined) return false;
    vmathArgs[0] = 0;
    vmathArgs[1] = g.length;
    vmathArgs[2] = threads;
    addon!.tanhVjp(out, g, y, vmathArgs);
    return true;
  },
};

/** Whether the native kernel is loaded and on (with the compiled kernels). @internal */
export function nativeLoaded(): boolean {
  return wasmKernelsWanted() && native() !== null;
}

/** The loaded addon's functions, for ./nativeRows.ts's wrappers (called only where nativeLoaded() holds). @internal */
export function loadedAddon(): Addon {
  return addon!;
}

/** The numbers of a product, in one array the addon reads (reused: no allocation per call). */
const args = new Float64Array(14);

const product: NativeProduct = (a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, k, n, transA, transB, fresh, threads) => {
  args[0] = aOff; args[1] = lda; args[2] = bOff; args[3] = ldb; args[4] = cOff; args[5] = ldc;
  args[6] = m; args[7] = k; args[8] = n; args[9] = +transA; args[10] = +transB; args[11] = +fresh; args[12] = threads;
  args[13] = steps(); // native/gemm.cc's
  addon!.gemm(a, b, c, args);
};

/**
 * native/gemmCalls.cc's gemmMany where the native kernel is loaded and on and the addon has it (else
 * null), with the steps as set (./productList.ts gathers its products). @internal
 */
export function nativeGemmMany(): { run(arrays: readonly Float64Array[], args: Float64Array, threads: number): void; steps: number } | null {
  if (!nativeLoaded() || typeof addon?.gemmMany !== 'function') return null;
  const threaded = addon.gemmManyThreads === true;
  return { run: (arrays, args, threads) => (threads > 1 && threaded ? addon!.gemmMany!(arrays, args, threads) : addon!.gemmMany!(arrays, args)), steps: steps() };
}

/** Turns the native kernel on or off (tests compare it with the WebAssembly and JavaScript kernels). @internal */
export function useNativeKernel(on: boolean): void {
  wanted = on;
}

/**
 * Fused steps on (where the CPU has them) or off (separate steps: the WebAssembly kernel's bits);
 * returns the previous setting. Tests that compare the kernels to the bit turn them off. @internal
 */
export function useFusedSteps(on: boolean): boolean {
  const was = fusedWanted;
  fusedWanted = on;
  return was;
}

/**
 * Fused steps on AVX-512's eight lanes where the CPU has them (on), or on AVX2's four (off): the same
 * sums step for step, so the same bits — tests and timings compare the two; returns the previous
 * setting. @internal
 */
export function useWideVectors(on: boolean): boolean {
  const was = wideWanted;
  wideWanted = on;
  return was;
}

/**
 * Whether the native kernel is on and loaded here (if not, why), whether its steps are fused, and
 * the float64 lanes of its products' vectors (8 with AVX-512, else 4; 0 where it is off). @internal
 */
export function nativeKernelInfo(): { available: boolean; reason: string | null; fused: boolean; lanes: number } {
  const run = native();
  if (run === null) return { available: false, reason: wanted ? reason : 'turned off', fused: false, lanes: 0 };
  const fused = fusedWanted && run.fma;
  return { available: true, reason: null, fused, lanes: fused && wideWanted && run.avx512 === true ? 8 : 4 };
}

/** What loading the addon did to the C library's allocator (see `heap`); 'not loaded' before it loads or where it cannot. @internal */
export function nativeHeapInfo(): string {
  return heap;
}
