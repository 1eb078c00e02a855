/**
 * @file A WebAssembly SIMD kernel for the 4×4-divisible block of C += A·B (float64), built from
 * source at load time (./encode.ts), with the JavaScript kernel as the fallback.
 *
 * Each 4×4 block of C is accumulated in eight f64x2 registers over the whole k loop: per step,
 * two vector loads of B's row, four splat loads of A's column, eight multiplies and eight adds —
 * the JavaScript kernel's register blocking, two lanes at a time and without bounds checks. On the
 * bench machine that is 32–36 GFLOP/s on one thread at 256³ and W1's 128×784×256, against 4–5 for
 * the JavaScript kernel (bench/kernels.mjs), including copying the operands into the module's
 * memory (B as packed strips and A as panels of four rows for large products: ./pack.ts; the
 * staging: ./staging.ts). On an AMD EPYC (Zen 2) machine the kernel does 15.5–16.7 GFLOP/s at
 * every size: two 128-bit multiplies and two adds a cycle at 3.35 GHz are 26.8, and the loop, about
 * 30 instructions per 16 lane-pairs of multiply-add, is bound by how fast the core issues them.
 * Larger register blocks (4×6, 6×4, 5×4) and an unrolled k loop measured 9–14: TurboFan hoists
 * their loads and spills accumulators (x64 has 16 vector registers); splat-free blocks with
 * lane-swapped copies of A measured 17.3, 4 % over panels, not worth a second layout.
 *
 * Memory: one WebAssembly.Memory with a fixed size (initial = maximum), replaced by a larger
 * one when a product does not fit — never grown. Growing a memory detaches its old ArrayBuffer,
 * and once any ArrayBuffer has been detached V8 checks for detachment on every typed-array access
 * in the process: every Float64Array loop (plain JavaScript's too) runs about twice as slowly from
 * then on. Replacing the memory detaches nothing.
 *
 * Threads: products of 128³ multiply-adds and more are split by rows of C across worker threads
 * (../../threads/pool.ts), every thread running this kernel compiled against one shared memory
 * (a shared memory grows without detaching anything). A block of four rows is computed by the
 * same instructions in the same order whichever thread takes it, so the result is the same bits.
 */
import { I32, V128, moduleBytes, op, type FunctionSource } from './encode.js';
import { MAX_PAGES, sharedKernel, threadPool, threadsInfo } from '../../threads/pool.js';
import { nativeLoaded, nativeProducts } from '../native/nativeGemm.js';
import { packArgs, packCode, packs, packsPanels, panelArgs, type PackKernel } from './pack.js';
import { layout, stageAC, stageB, touchPages, unstage } from './staging.js';
import { transientFailure } from '../../../core/transient.js';

// Parameters: byte addresses of A, B, C; m4 (rows, a multiple of 4), k, n (row length of C, and
// of B unpacked), n4 (columns to compute, a multiple of 4), A's row length in bytes (k·8 for A
// stored [m, k]; m·8 for the transposed variant, A stored [k, m]); then where B's 4-column strip
// for columns j… starts (B + j·J_SCALE) and how far its next row is (B_STEP bytes). B as stored,
// row-major [k, n]: J_SCALE 8, B_STEP n·8 — what a caller passing only the first eight gets.
// B packed (see packCode): J_SCALE k·8, B_STEP 32. Last, for the transposed variant, where A's
// rows i… start (A + i·I_SCALE): 8 for A stored [k, m] (what a caller passing only ten gets), k·8
// for A packed in panels of four rows (ROW_A 32; see gemmBlockWasm).
const A = 0, B = 1, C = 2, M4 = 3, K = 4, N = 5, N4 = 6, ROW_A = 7, J_SCALE = 8, B_STEP = 9, I_SCALE = 10;
// i32 locals: row i, column j, step p, address in A, address in B, address in C, C's row length in bytes.
const I = 11, J = 12, P = 13, PA = 14, PB = 15, PC = 16, ROW_C = 17;
// v128 locals: the accumulators (c[r][0..1] at ACC + 2r, c[r][2..3] at ACC + 2r + 1), B's row, A's splat.
const ACC = 18, B0 = 26, B1 = 27, AS = 28;
/** The kernels' parameter count. */
const PARAMS = 11;

/**
 * The kernel's body. `transA`: A is stored [k, m] (op(A) = Aᵀ), so A[i + r, p] is read at
 * &A[p, i] + 8r and the next p is a row of A further on: no transposed copy, and the same
 * products added in the same order as the plain variant on a transposed copy (the same bits).
 * `overwrite`: C = op(A)·B, C only written. `transposeC` (with overwrite): Cᵀ is written, stored
 * [n, m4] — each 2×2 corner of a 4×4 block swapped across the diagonal in registers (two lane
 * shuffles), so a product whose transpose is wanted needs no transposing pass.
 */
function gemmCode(transA: boolean, overwrite: boolean, transposeC = false): number[] {
  const { get, set, tee, i32 } = op;
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(get(N), i32(3), op.i32Shl, set(ROW_C));
  emit(op.block, get(J_SCALE), op.brIf(0), i32(8), set(J_SCALE), get(ROW_C), set(B_STEP), op.end); // B as stored unless told
  if (transA) emit(op.block, get(I_SCALE), op.brIf(0), i32(8), set(I_SCALE), op.end); // A stored [k, m] unless told
  // Each block of rows streams B's strips in turn: with B packed, one contiguous run of memory
  // (the hardware prefetcher's best case); as stored, k rows of 32 bytes n·8 apart per strip.
  // (Strips outermost instead measured the same packed and up to 8% slower unpacked.)
  emit(i32(0), set(I), op.block, op.loop); // for i in 0, 4, … < m4
  emit(get(I), get(M4), op.i32GeS, op.brIf(1));
  emit(i32(0), set(J), op.block, op.loop); //   for j in 0, 4, … < n4
  emit(get(J), get(N4), op.i32GeS, op.brIf(1));
  for (let r = 0; r < 8; r++) emit(op.f64Const0, op.f64x2Splat, set(ACC + r));
  if (transA) emit(get(A), get(I), get(I_SCALE), op.i32Mul, op.i32Add, set(PA)); // &Aᵀ[i, 0] = &A[0, i], or panel i/4
  else emit(get(A), get(I), get(ROW_A), op.i32Mul, op.i32Add, set(PA)); // &A[i, 0]
  emit(get(B), get(J), get(J_SCALE), op.i32Mul, op.i32Add, set(PB)); //     B[0, j…j+3]
  emit(i32(0), set(P), op.block, op.loop); //     for p < k
  emit(get(P), get(K), op.i32GeS, op.brIf(1));
  emit(get(PB), op.v128Load(0), set(B0), get(PB), op.v128Load(16), set(B1));
  for (let r = 0; r < 4; r++) {
    emit(get(PA));
    if (r > 0 && !transA) emit(get(ROW_A), i32(r), op.i32Mul, op.i32Add);
    emit(op.v128Load64Splat(transA ? 8 * r : 0), set(AS)); // A[i + r, p] in both lanes
    emit(get(ACC + 2 * r), get(AS), get(B0), op.f64x2Mul, op.f64x2Add, set(ACC + 2 * r));
    emit(get(ACC + 2 * r + 1), get(AS), get(B1), op.f64x2Mul, op.f64x2Add, set(ACC + 2 * r + 1));
  }
  if (transA) emit(get(PA), get(ROW_A), op.i32Add, set(PA), get(PB), get(B_STEP), op.i32Add, set(PB));
  else emit(get(PA), i32(8), op.i32Add, set(PA), get(PB), get(B_STEP), op.i32Add, set(PB));
  emit(get(P), i32(1), op.i32Add, set(P), op.br(0), op.end, op.end);
  if (transposeC) { // Cᵀ[j + c, i + r], for the rows r, r + 1 and the columns c, c + 1 of each 2×2 corner
    const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23], high = low.map((b) => b + 8);
    for (let r = 0; r < 4; r += 2) {
      for (let h = 0; h < 2; h++) {
        const x = ACC + 2 * r + h, y = ACC + 2 * (r + 1) + h; // C[i + r, j + 2h …], C[i + r + 1, j + 2h …]
        for (let c = 0; c < 2; c++) {
          emit(get(C), get(J), i32(2 * h + c), op.i32Add, get(M4), op.i32Mul, get(I), op.i32Add, i32(r), op.i32Add, i32(3), op.i32Shl, op.i32Add);
          emit(get(x), get(y), op.i8x16Shuffle(c === 0 ? low : high), op.v128Store(0));
        }
      }
    }
  } else for (let r = 0; r < 4; r++) { // C[i + r, j..j+3] += accumulators (or = them)
    emit(get(C), get(I), i32(r), op.i32Add, get(ROW_C), op.i32Mul, op.i32Add, get(J), i32(3), op.i32Shl, op.i32Add, set(PC));
    if (overwrite) {
      emit(get(PC), get(ACC + 2 * r), op.v128Store(0));
      emit(get(PC), get(ACC + 2 * r + 1), op.v128Store(16));
    } else {
      emit(get(PC), get(PC), op.v128Load(0), get(ACC + 2 * r), op.f64x2Add, op.v128Store(0));
      emit(get(PC), get(PC), op.v128Load(16), get(ACC + 2 * r + 1), op.f64x2Add, op.v128Store(16));
    }
  }
  emit(get(J), i32(4), op.i32Add, set(J), op.br(0), op.end, op.end);
  emit(get(I), i32(4), op.i32Add, set(I), op.br(0), op.end, op.end);
  return code;
}

type Kernel = (a: number, b: number, c: number, m4: number, k: number, n: number, n4: number, rowA: number, jScale?: number, bStep?: number, iScale?: number) => void;
/** C += op(A)·B (`gemm`, `gemmTransA`) and C = op(A)·B (`gemmSet`, `gemmTransASet`: C is only written). */
export interface Kernels {
  gemm: Kernel;
  gemmTransA: Kernel;
  gemmSet: Kernel;
  gemmTransASet: Kernel;
  /** (A·B)ᵀ written as [n, m]; m a multiple of 4 (every row of C computed). */
  gemmSetT: Kernel;
  /** op(B)'s strips from B as stored (packCode), for B stored [k, n] and stored [n, k]. */
  pack: PackKernel;
  packT: PackKernel;
}

/**
 * The kernels' functions, for ./encode.ts: compiled against a memory of its own with every
 * variant, and against the pool's shared memory without the transposed store (what threads run).
 */
const gemmSource = (all: boolean): FunctionSource[] =>
  ([
    ['gemm', false, false, false], ['gemmTransA', true, false, false],
    ['gemmSet', false, true, false], ['gemmTransASet', true, true, false], ['gemmSetT', false, true, true],
  ] as const)
    .filter(([, , , transposeC]) => all || !transposeC)
    .map(([name, transA, overwrite, transposeC]): FunctionSource => ({
      name, params: PARAMS, locals: [[7, I32], [11, V128]], code: gemmCode(transA, overwrite, transposeC),
    }))
    .concat(([['pack', false], ['packT', true]] as const).map(([name, transB]): FunctionSource => ({
      name, params: 5, locals: [[4, I32], [4, V128]], code: packCode(transB),
    })));

const PAGE = 65536;
let gemmModule: WebAssembly.Module | null = null;
/** Whether the kernel may be used (ad.config({ wasm })). */
let wanted = true;
/** Whether it compiled: null until first needed (compiling is what a strict CSP reports). */
let available: boolean | null = null;
let memory: WebAssembly.Memory | null = null;
let view = new Float64Array(0);
let kernels: Kernels | null = null;

/**
 * Compiles the kernel once, when first needed; null where it is turned off, or where WebAssembly
 * or its SIMD is unavailable. The module is 3,883 bytes (3,068 for the threads, without the
 * transposed store), under the 4 kB that browsers allow to compile synchronously on the main
 * thread. Under a Content-Security-Policy without
 * 'wasm-unsafe-eval' the compilation fails (and the browser reports a violation), once: the
 * JavaScript kernel is used from then on.
 */
function compiled(): WebAssembly.Module | null {
  if (!wanted) return null;
  if (available === null) {
    try {
      const bytes = moduleBytes(gemmSource(true));
      gemmModule = new WebAssembly.Module(bytes);
      available = true;
    } catch (e) {
      if (transientFailure(e)) return null; // a stack overflow or refused memory: this call only, tried again next time
      available = false; // no WebAssembly, no SIMD, or a host that refuses to compile it
    }
  }
  return available ? gemmModule : null;
}

/** A memory of at least `doubles` float64s (a fresh, larger one when needed; never grown). */
function ensure(doubles: number): Kernels | null {
  const mod = compiled();
  if (mod === null) return null;
  if (memory === null || view.length < doubles) {
    const pages = Math.ceil((doubles * 8) / PAGE);
    const size = Math.max(pages, 64); // at least 4 MB, so small products never reallocate
    memory = new WebAssembly.Memory({ initial: size, maximum: size });
    view = new Float64Array(memory.buffer);
    kernels = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Kernels;
  }
  return kernels;
}

/** Products with at least this many multiply-adds go to WebAssembly (below, copying costs more than it saves). */
const MIN_WORK = 16 * 16 * 16;
/** Products shallower than this stay in JavaScript (see gemmBlockWasm). */
const MIN_DEPTH = 8;
/** Operands larger than this many float64s (64 MB, copied into the module's memory) stay in JavaScript. */
const MAX_DOUBLES = 1 << 23;
/**
 * Products with at least this many multiply-adds (160³, about 0.33 ms on one thread of the bench
 * machine), and at least PARALLEL_ROWS rows, are split across the worker threads
 * (../../threads/pool.ts) where a pool runs. Waking a sleeping worker costs tens of µs on an idle
 * machine and milliseconds on a loaded one; bench/threads.mjs times 96³…512³ on 1 and 2 threads.
 * Measured idle, 1-thread time ÷ 2-thread time: 128³ 0.97 (so it stays on one thread), 160³
 * 1.02, 192³ 1.21, 256³ 1.77, 512³ 1.93.
 */
export const PARALLEL_WORK = 160 * 160 * 160;
const PARALLEL_ROWS = 16;

/** The same kernels compiled against the pool's shared memory, run by every thread of a job. */
let sharedModule: WebAssembly.Module | null = null;
const sharedModuleOnce = () => (sharedModule ??= new WebAssembly.Module(moduleBytes(gemmSource(false), MAX_PAGES)));
/** The pool's kernel numbers for gemm, gemmTransA, gemmSet, gemmTransASet (transA adds 1, overwriting 2). */
const sharedKernels = ['gemm', 'gemmTransA', 'gemmSet', 'gemmTransASet'].map((name) => sharedKernel(() => ({ module: sharedModuleOnce(), name })));
/** The pool's kernel numbers for pack and packT. */
const sharedPack = ['pack', 'packT'].map((name) => sharedKernel(() => ({ module: sharedModuleOnce(), name })));

/** Whether gemmBlockWasm takes a product of these extents (else `gemm` keeps it in JavaScript). */
function compiledShape(m: number, k: number, n: number): boolean {
  return m >= 4 && n >= 4 && m * n * k >= MIN_WORK && k >= MIN_DEPTH;
}

/**
 * Whether `gemm` would run a product of these extents natively (the addon loaded and on): what a
 * list of products (../native/nativeGemm.ts ProductList) may take, so that a product gives the bits
 * one call of `gemm` would. @internal
 */
export function nativeShape(m: number, k: number, n: number): boolean {
  return compiledShape(m, k, n) && nativeProducts(m, k, n) !== null;
}

/**
 * Computes C[m,n] += op(A)·op(B) in WebAssembly (C = op(A)·op(B) when `fresh`: C holds no values yet),
 * extents padded to multiples of 4 (`Layout`); returns false (having done nothing) when the
 * kernel is unavailable or the product is too small or too large. op transposes as in gemm.
 * Large products are split by rows of C across the worker threads, each block of 4 rows computed
 * by the same kernel in the same order as on one thread: the same bits.
 */
export function gemmBlockWasm(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean, fresh = false,
): boolean {
  // C is copied in and out (2 moves per element) for k multiply-adds per element: shallow products
  // (outer products, k = 1: per-example gradients of a layer) cost more in copies than they save;
  // under 4 rows or columns, padding would more than double the work.
  if (!compiledShape(m, k, n)) return false;
  // The same sums in the same order, natively (../native/nativeGemm.ts: the same bits with separate
  // steps, ADJOINT_FMA=0; each step fused where the CPU has FMA3) — of any size: it works on the
  // arrays in place, so the limit on what is copied into the module's memory is not its.
  const native = nativeProducts(m, k, n);
  if (native !== null) {
    native(a, aOff, transA ? m : k, b, bOff, transB ? k : n, c, cOff, n, m, k, n, transA, transB, fresh, nativeThreads(m, k, n));
    return true;
  }
  const packed = packs(m, k, n), panels = packsPanels(m, k, n);
  const at = layout(m, k, n, packed, panels);
  const { mp, np, ob, oc, oa, total } = at;
  if (total > MAX_DOUBLES) return false;
  if (compiled() === null) return false;
  const jScale = packed ? k * 8 : 8, bStep = packed ? 32 : np * 8; // the kernel's B layout arguments
  // The kernel's A: its panels (read by the transposed variant, a run of four per step), else A as stored.
  const readsT = transA || panels, aAt = panels ? oa * 8 : 0;
  const rowA = panels ? 32 : transA ? mp * 8 : k * 8, iScale = panels ? k * 8 : 8;
  const pool = mp >= PARALLEL_ROWS && m * n * k >= PARALLEL_WORK ? threadPool() : null;
  if (pool !== null) {
    const v = pool.view(total);
    stageB(v, b, bOff, at, transB, packed);
    const stageA = () => stageAC(v, a, aOff, c, cOff, at, transA, fresh);
    const panelJob = () => ({ name: 'matmul', kernel: sharedPack[transA ? 0 : 1]!, ...panelArgs(at, transA), rowsArg: 2, rows: mp / 4, quantum: 1 });
    if (packed) { // A and C are copied in (and A packed) while the workers pack B
      const { args, steps } = packArgs(at, transB);
      pool.run({ name: 'matmul', kernel: sharedPack[transB ? 1 : 0]!, args, steps, rowsArg: 2, rows: args[2]!, quantum: 1 }, () => {
        stageA();
        if (panels) {
          const job = panelJob();
          pool.callHere(job.kernel, job.args);
        }
      });
    } else {
      stageA();
      if (panels) pool.run(panelJob());
    }
    // Row r of a chunk: A's address moves by a row of op(A) (a panel's k·8 bytes a row, k float64s
    // as stored, or one when transposed), C's by a row (np float64s); B is shared. Each chunk's rows
    // are copied out when done: the caller's while a worker finishes its last, the workers' after the job.
    pool.run({
      name: 'matmul', kernel: sharedKernels[(readsT ? 1 : 0) + (fresh ? 2 : 0)]!,
      args: [aAt, ob * 8, oc * 8, mp, k, np, np, rowA, jScale, bStep, iScale],
      steps: [panels ? k * 8 : transA ? 8 : k * 8, 0, np * 8, 0, 0, 0, 0, 0, 0, 0, 0], rowsArg: 3, rows: mp, quantum: 4,
    }, fresh ? () => touchPages(c, cOff, m * n) : undefined, (row0, rows) => unstage(v, c, cOff, at, row0, rows));
    return true;
  }
  vacate();
  const run = ensure(total)!;
  const v = view;
  stageB(v, b, bOff, at, transB, packed);
  stageAC(v, a, aOff, c, cOff, at, transA, fresh);
  if (packed) (transB ? run.packT : run.pack)(...(packArgs(at, transB).args as Parameters<PackKernel>));
  if (panels) (transA ? run.pack : run.packT)(...(panelArgs(at, transA).args as Parameters<PackKernel>));
  const kernel = fresh ? (readsT ? run.gemmTransASet : run.gemmSet) : readsT ? run.gemmTransA : run.gemm;
  kernel(aAt, ob * 8, oc * 8, mp, k, np, np, rowA, jScale, bStep, iScale);
  unstage(v, c, cOff, at);
  return true;
}

/**
 * Data a caller leaves in the module's own memory after its call, to use again later: a chain's
 * forward pass kept for its backward pass (../chainResident.ts). It is told to `vacate` (save what
 * it still needs elsewhere) before anything else writes the memory, and there is at most one at a
 * time. A tenant whose tape was released (grad and valueAndGrad release theirs as they return)
 * saves nothing when told to leave.
 */
export interface Tenant {
  vacate(): void;
}

/*
 * Held strongly. A WeakRef looked right (a tenant nobody can reach needs nothing saved) but is kept
 * alive until the current job ends (ECMAScript's KeepDuringJob: every `new WeakRef(t)` adds `t` to
 * the job's kept list): a synchronous loop of gradient steps kept every tape it made, 19 kB each
 * for 200 factors 8×8 — 377 MB of heap after 20,000 steps, and the collector marking all of it.
 * Strongly held, one tape is kept until the next product writes the memory.
 */
let tenant: Tenant | null = null;

/** Tells the tenant, if any, to leave: the memory is about to be written. */
function vacate(): void {
  const t = tenant;
  tenant = null;
  t?.vacate();
}

/** Makes `t` the tenant of what the last `residentKernels` call's products left in the memory. */
export function moveIn(t: Tenant): void {
  tenant = t;
}

/** Whether `t` is the tenant still: nothing has written the memory since it moved in. */
export function occupies(t: Tenant): boolean {
  return tenant === t;
}

/**
 * The kernels over the module's own memory and a view of it of at least `doubles` float64s, for
 * a caller that keeps its operands in that memory across several products (a matrix chain,
 * ../chain.ts: each operand copied in once, not once per product); null where the kernel is off
 * or unavailable, or for more than 64 MB. The tenant, if any, is told to leave first. The view
 * holds until the next call of this function or of `gemmBlockWasm` (which may replace the
 * memory): the caller runs its products in one go, or moves in (`moveIn`) to keep them.
 * The kernels compute only 4×4-divisible blocks: the caller passes extents that are multiples of 4.
 */
export function residentKernels(doubles: number): { view: Float64Array; run: Kernels } | null {
  if (doubles > MAX_DOUBLES || compiled() === null) return null;
  vacate();
  const run = ensure(doubles)!;
  if (!nativeLoaded()) return { view, run };
  // The native kernel over the same memory where it pays (../native/nativeGemm.ts: the same sums in
  // the same order, so the same bits with separate steps; fused ones may differ in the last bits),
  // for the products whose operands are as stored (A with its row length rowA, B and C with n: the
  // chains' products; no packed layouts).
  const v = view;
  return {
    view: v,
    run: {
      ...run,
      gemmSet(a, b, c, m4, k, n, n4, rowA) {
        const native = nativeProducts(m4, k, n4);
        if (native === null) run.gemmSet(a, b, c, m4, k, n, n4, rowA);
        else native(v, a / 8, rowA / 8, v, b / 8, n, v, c / 8, n, m4, k, n4, false, false, true, nativeThreads(m4, k, n4));
      },
      // Cᵀ = Bᵀ·Aᵀ, stored [n4, m4]: each entry the same sum (a product's factors commute exactly).
      gemmSetT(a, b, c, m4, k, n, n4, rowA) {
        const native = nativeProducts(m4, k, n4);
        if (native === null) run.gemmSetT(a, b, c, m4, k, n, n4, rowA);
        else native(v, b / 8, n, v, a / 8, rowA / 8, v, c / 8, m4, n4, k, m4, true, true, true, nativeThreads(n4, k, m4));
      },
    },
  };
}

/**
 * Threads for a native product of m×k×n: the configured count from NATIVE_PARALLEL_WORK multiply-adds
 * and PARALLEL_ROWS rows. The native kernel's own threads wake in about 25 µs (a condition
 * variable, then a barrier per block of B), so they pay from 128³ (1-thread ÷ 2-thread time 1.18
 * there, 0.83 at 96³, 1.43 at 160³); the same bits on any count. @internal
 */
export function nativeThreads(m: number, k: number, n: number): number {
  return m >= PARALLEL_ROWS && m * k * n >= NATIVE_PARALLEL_WORK ? threadsInfo().threads : 1;
}
const NATIVE_PARALLEL_WORK = 128 * 128 * 128;

/**
 * Threads for a list of `products` native products (../native/productList.ts) of `work`
 * multiply-adds in all, each on one thread: the configured count where they average
 * NATIVE_LIST_PRODUCT multiply-adds or more, and the products that share no memory run at once (a
 * chain's backward pass: its two products per factor side by side). Smaller products gain nothing:
 * each hands the one before's output to the other core (a chain's value and gradient of 200
 * factors, paired against one thread: 64×64 0.71–0.93 of the time, 40×40 and 48×48 level,
 * 32×32 1.1–1.4, 16×16 1.5). @internal
 */
export function nativeListThreads(work: number, products: number): number {
  return products > 1 && work >= products * NATIVE_LIST_PRODUCT ? threadsInfo().threads : 1;
}
const NATIVE_LIST_PRODUCT = 56 * 56 * 56;

/**
 * C += op(A)·B on blocks of matrices that stay in one memory for a whole algorithm (a blocked
 * factorisation: ../linalg/lu.ts, ../linalg/choleskyResident.ts), every operand a block at a byte
 * address with one row length `ld` (float64s) — no staging per product. C is m4×n4 and B k×n4;
 * A is m4×k as stored, or with `transA` stored k×m4 (op(A) = Aᵀ). m4 and n4 are multiples of 4.
 */
export interface ResidentProducts {
  /** The memory's float64s; valid until the next product of any other caller. */
  readonly view: Float64Array;
  multiplyAdd(a: number, b: number, c: number, m4: number, k: number, n4: number, ld: number, transA?: boolean): void;
}

/**
 * A memory of at least `doubles` float64s and products over it: the pool's shared memory where
 * threads run (products of PARALLEL_WORK multiply-adds and more split by rows of C, as
 * gemmBlockWasm's — the same bits as one thread), else the module's own (its tenant told to
 * leave). Null where the kernel is off or unavailable, or for more than 64 MB.
 */
export function residentProducts(doubles: number): ResidentProducts | null {
  if (doubles > MAX_DOUBLES || compiled() === null) return null;
  if (nativeLoaded()) { // the module's own memory, the products that pay multiplied natively (../native/nativeGemm.ts)
    vacate();
    const run = ensure(doubles)!;
    const v = view;
    return {
      view: v,
      multiplyAdd(a, b, c, m4, k, n4, ld, transA = false) {
        const native = nativeProducts(m4, k, n4);
        if (native === null) (transA ? run.gemmTransA : run.gemm)(a, b, c, m4, k, ld, n4, ld * 8);
        else native(v, a / 8, ld, v, b / 8, ld, v, c / 8, ld, m4, k, n4, transA, false, false, nativeThreads(m4, k, n4));
      },
    };
  }
  const pool = threadPool();
  if (pool === null) {
    vacate();
    const run = ensure(doubles)!;
    return {
      view,
      multiplyAdd: (a, b, c, m4, k, n4, ld, transA = false) => (transA ? run.gemmTransA : run.gemm)(a, b, c, m4, k, ld, n4, ld * 8),
    };
  }
  return {
    view: pool.view(doubles),
    multiplyAdd(a, b, c, m4, k, n4, ld, transA = false) {
      const kernel = sharedKernels[transA ? 1 : 0]!, args = [a, b, c, m4, k, ld, n4, ld * 8];
      if (m4 >= PARALLEL_ROWS && m4 * k * n4 >= PARALLEL_WORK) {
        // A row of C moves A by a row (as stored) or by one float64 (transposed), C by a row.
        pool.run({ name: 'matmul', kernel, args, steps: [transA ? 8 : ld * 8, 0, ld * 8, 0, 0, 0, 0, 0], rowsArg: 3, rows: m4, quantum: 4 });
      } else pool.callHere(kernel, args);
    },
  };
}

/**
 * Turns the WebAssembly kernel on or off (tests run both; ad.config({ wasm: false }) keeps a site
 * under a strict CSP free of violation reports). Turning it on again does not retry a compilation
 * that failed. @internal
 */
export function useWasmKernels(on: boolean): void {
  wanted = on;
  if (!on) vacate(); // a resident tape saves its prefixes out: from now on nothing runs in the module
}

/** Whether the compiled kernels are turned on (ad.config({ wasm })), whether or not they compile here: the native kernel follows the setting too. @internal */
export function wasmKernelsWanted(): boolean {
  return wanted;
}

/** Whether the WebAssembly kernel is on and compiles here (compiling it if this is the first ask). @internal */
export function wasmKernelsAvailable(): boolean {
  return compiled() !== null;
}
