/**
 * @file exp, log, log1p and tanh over Float64Arrays in WebAssembly SIMD (./transcendental.ts), with
 * Math.exp / Math.log / Math.log1p / Math.tanh as the fallback: below a length where the copies and the call
 * cost more than they save, where WebAssembly SIMD is unavailable, and under
 * ad.config({ wasm: false }) (the switch of every WebAssembly kernel, ./gemm.ts).
 *
 * Which of the two runs depends only on the operation, the length and the setting, never on the
 * values or on where the array came from: two computations of exp over arrays of one length give
 * the same bits (the fused softmax VJP and the generic rule it stands for rely on it), and each
 * element's result does not depend on its neighbours (the kernel is lane-wise and chunked).
 *
 * Memory: one fixed 1 MB WebAssembly.Memory, never grown (growing detaches an ArrayBuffer, which
 * slows every typed-array loop in the process; see ./gemm.ts); arrays pass through it in chunks.
 * A product's row goes whole into a second memory (replaced by a larger one when needed), where
 * its gradient's quotients find it in the same synchronous run.
 */
import { I32, V128, moduleBytes, op, type FunctionSource } from './encode.js';
import { expCode, log1pCode, logOfCode, tanhCode, type Regs } from './transcendental.js';
import { wasmKernelsAvailable } from './gemm.js';
import { touchPages } from './staging.js';
import { RunSlot } from '../../runSlot.js';
import { MAX_PAGES, sharedKernel, threadPool, type Pool } from '../../threads/pool.js';
import { transientFailure } from '../../../core/transient.js';

export type VectorOp = 'exp' | 'log' | 'log1p' | 'tanh';

// Parameters: byte addresses of the source and destination, and the element count n; the loop
// runs over two pairs a step, so n not a multiple of 4 also computes up to three elements after
// the last (the caller's padding: read and written, then ignored).
const SRC = 0, DST = 1, N = 2, P = 3, Q = 4, END = 5, X = 6, T0 = 7;
/** Scratch v128 locals of a kernel (tanh uses twelve). */
const TEMPS = 12;

/**
 * A kernel applying `body` to two pairs per loop step: the second pair's dependency chain overlaps
 * the first's (tanh, ~100 dependent operations with three divisions, 14.5 → 10.5 ns an element;
 * exp 7.5 → 5.6). Its constants are set into locals once, before the loop, each v128.const written
 * once rather than at every use (the same speed as inline constants, measured; smaller modules).
 */
function kernelSource(name: VectorOp, body: (r: Regs) => number[]): FunctionSource {
  const { get, set, i32 } = op;
  const constants = new Map<string, { local: number; code: number[] }>();
  const first = T0 + 2 * TEMPS + 1; // locals: X, T0…, then the second pair's input and temps, then the constants
  const constant = (code: number[]): number[] => {
    const key = code.join(',');
    let c = constants.get(key);
    if (c === undefined) constants.set(key, (c = { local: first + constants.size, code }));
    return get(c.local);
  };
  const k = (v: number) => constant(op.f64x2Const(v)), bits = (b: bigint) => constant(op.i64x2Const(b));
  const X2 = T0 + TEMPS;
  const one = body({ x: X, t: Array.from({ length: TEMPS }, (_, i) => T0 + i), k, bits });
  const two = body({ x: X2, t: Array.from({ length: TEMPS }, (_, i) => X2 + 1 + i), k, bits });
  const prologue = [...constants.values()].flatMap((c) => [...c.code, ...set(c.local)]);
  const code = [
    ...prologue,
    ...get(SRC), ...set(P), ...get(DST), ...set(Q),
    ...get(SRC), ...get(N), ...i32(3), ...op.i32Shl, ...op.i32Add, ...set(END),
    ...op.block, ...op.loop,
    ...get(P), ...get(END), ...op.i32GeU, ...op.brIf(1),
    ...get(P), ...op.v128Load(0), ...set(X),
    ...get(P), ...op.v128Load(16), ...set(X2),
    ...get(Q), ...one, ...op.v128Store(0),
    ...get(Q), ...two, ...op.v128Store(16),
    ...get(P), ...i32(32), ...op.i32Add, ...set(P), ...get(Q), ...i32(32), ...op.i32Add, ...set(Q),
    ...op.br(0), ...op.end, ...op.end,
  ];
  return { name, params: 3, locals: [[3, I32], [2 + 2 * TEMPS + constants.size, V128]], code };
}

/**
 * dst[i] = c / src[i] for i < n (rounded up to pairs), c the float64 at byte address `cAt`: the
 * division trick of a product's gradient, two quotients per instruction (the same IEEE quotients).
 */
function divideSource(): FunctionSource {
  const { get, set, i32 } = op;
  const C_AT = 3, DP = 4, DQ = 5, DEND = 6, CV = 7; // parameters 0–3; i32 locals 4–6; v128 local 7
  const code = [
    ...get(C_AT), ...op.v128Load64Splat(0), ...set(CV),
    ...get(SRC), ...set(DP), ...get(DST), ...set(DQ),
    ...get(SRC), ...get(N), ...i32(3), ...op.i32Shl, ...op.i32Add, ...set(DEND),
    ...op.block, ...op.loop,
    ...get(DP), ...get(DEND), ...op.i32GeU, ...op.brIf(1),
    ...get(DQ), ...get(CV), ...get(DP), ...op.v128Load(0), ...op.f64x2Div, ...op.v128Store(0),
    ...get(DP), ...i32(16), ...op.i32Add, ...set(DP), ...get(DQ), ...i32(16), ...op.i32Add, ...set(DQ),
    ...op.br(0), ...op.end, ...op.end,
  ];
  return { name: 'divide', params: 4, locals: [[3, I32], [1, V128]], code };
}

/**
 * The eight interleaved products of kernels/products.ts productChains over [src, end) (a multiple
 * of 64 bytes): accumulator pair r holds chains 2r and 2r + 1, and each step of eight factors
 * multiplies factor j into chain j — the same multiplications in the same order as the scalar
 * loop, two per instruction. The accumulators are read from and written back to byte address
 * `acc` (eight float64s), so a row can pass through in chunks.
 */
function productSource(): FunctionSource {
  const { get, set, i32 } = op;
  const ACC_AT = 2, PP = 3, A0 = 4; // parameters src, end, acc; i32 local 3; v128 locals 4–7
  const code: number[] = [];
  for (let r = 0; r < 4; r++) code.push(...get(ACC_AT), ...op.v128Load(16 * r), ...set(A0 + r));
  code.push(...get(SRC), ...set(PP), ...op.block, ...op.loop, ...get(PP), ...get(DST), ...op.i32GeU, ...op.brIf(1));
  for (let r = 0; r < 4; r++) code.push(...get(A0 + r), ...get(PP), ...op.v128Load(16 * r), ...op.f64x2Mul, ...set(A0 + r));
  code.push(...get(PP), ...i32(64), ...op.i32Add, ...set(PP), ...op.br(0), ...op.end, ...op.end);
  for (let r = 0; r < 4; r++) code.push(...get(ACC_AT), ...get(A0 + r), ...op.v128Store(16 * r));
  return { name: 'product', params: 3, locals: [[1, I32], [4, V128]], code };
}

type Kernel = (src: number, dst: number, n: number) => void;
type Divide = (src: number, dst: number, n: number, cAt: number) => void;
type Product = (src: number, end: number, acc: number) => void;

/**
 * The modules: each under the 4 kB that browsers compile synchronously on the main thread (the
 * kernels are unrolled twice), all instantiated over one memory.
 */
const sources = (): FunctionSource[][] => [
  [divideSource(), productSource(), kernelSource('exp', expCode), kernelSource('log', logOfCode)],
  [kernelSource('log1p', log1pCode), kernelSource('tanh', tanhCode)],
];

/**
 * Lengths from which WebAssembly runs, measured on the bench machine (ns per element, warm, the
 * WebAssembly kernel / a monomorphic loop over Math.*, two pairs per iteration): at 64 elements
 * exp 6.7 / 9.0, log1p 9.7 / 17.8, tanh 11.3 / 14.4; from 512 on exp 5.6 / 9.0, log1p 8.6 / 17.5,
 * tanh 10.5 / 14.2; at 16 each loses (the call and copies). log is level with V8's at every
 * length (7.5 / 7.8) and stays with Math.log below long arrays. log1p, within 1 ulp of
 * Math.log1p rather than equal, keeps the length it had before these kernels were unrolled: a
 * lower one would change results (by an ulp) that samplers and users have seen.
 */
export const VECTOR_MIN: Readonly<Record<VectorOp, number>> = { exp: 64, log: 32768, log1p: 8192, tanh: 64 };
/** Elements per pass through the module's memory (512 kB of the 1 MB: in and out in place). */
const CHUNK = 1 << 16;

let available: boolean | null = null;
let kernels: Record<VectorOp, Kernel> | null = null;
let divide: Divide | null = null;
let product: Product | null = null;
let view = new Float64Array(0);
/** The first module (divide, product, exp, log), instantiated again over a product's row memory. */
let vmathModule: WebAssembly.Module | null = null;

/**
 * Compiles and instantiates the modules once, when first needed; null where turned off or where
 * WebAssembly SIMD is unavailable (or a Content-Security-Policy refuses it: then once).
 */
function ready(): Record<VectorOp, Kernel> | null {
  if (!wasmKernelsAvailable()) return null; // ad.config({ wasm: false }), or no WebAssembly SIMD here
  if (available === null) {
    try {
      const memory = new WebAssembly.Memory({ initial: 16, maximum: 16 });
      const modules = sources().map((functions) => new WebAssembly.Module(moduleBytes(functions)));
      const exports = Object.assign({}, ...modules.map((m) => new WebAssembly.Instance(m, { env: { memory } }).exports)) as Record<VectorOp, Kernel>;
      vmathModule = modules[0]!;
      kernels = { exp: exports.exp, log: exports.log, log1p: exports.log1p, tanh: exports.tanh };
      divide = (exports as unknown as { divide: Divide }).divide;
      product = (exports as unknown as { product: Product }).product;
      view = new Float64Array(memory.buffer);
      available = true;
    } catch (e) {
      if (transientFailure(e)) return null; // this call only (../../../core/transient.ts)
      available = false;
    }
  }
  return available ? kernels : null;
}

/** The sizes of the modules in bytes (their sources are built on every call). @internal */
export function vectorModuleSizes(): number[] {
  return sources().map((functions) => moduleBytes(functions).length);
}

const MATH: Readonly<Record<VectorOp, (v: number) => number>> = { exp: Math.exp, log: Math.log, log1p: Math.log1p, tanh: Math.tanh };

/**
 * out[i] = op(x[i]) for i < n (out may be x): in WebAssembly from VECTOR_MIN[op] elements on,
 * else with Math.*.
 */
export function vectorMath(name: VectorOp, x: Float64Array, out: Float64Array, n: number = x.length): void {
  const ks = vectorized(name, n) ? kernels : null;
  if (ks === null) {
    switch (name) {
      case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!); break;
      case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!); break;
      default: { const f = MATH[name]; for (let i = 0; i < n; i++) out[i] = f(x[i]!); }
    }
    return;
  }
  const run = ks[name], v = view;
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    v.set(start === 0 && len === x.length ? x : x.subarray(start, start + len), 0);
    run(0, 0, len);
    out.set(v.subarray(0, len), start);
  }
}

/** Whether op over n elements runs in WebAssembly (on, available, and n at least VECTOR_MIN[op]). @internal */
export function vectorized(name: VectorOp, n: number): boolean {
  return n >= VECTOR_MIN[name] && ready() !== null;
}

/** Quotients from this many on go to WebAssembly (two divisions per instruction; below, the copies cost more). */
const DIVIDE_MIN = 4096;

/**
 * out[p] = c / x[p] for p in [start, end) in WebAssembly; false (having done nothing) where it is
 * off or the range is short. Each quotient is the correctly rounded IEEE quotient, as in JavaScript.
 */
export function divideIntoVector(out: Float64Array, x: Float64Array, c: number, start: number, end: number): boolean {
  const n = end - start;
  if (n < DIVIDE_MIN || ready() === null) return false;
  if (n >= PARALLEL_QUOTIENTS && n <= MAX_ROW && divideAcross(out, x, c, start, end)) return true;
  const row = staged.value;
  if (row !== null && row.x === x && row.start === start && row.end === end && rowMemory !== null) {
    // The row productChainsVector staged for this product's value: its factors are in place.
    const { view: w, divide: run } = rowMemory, at = rowLayout(n);
    w[at.dividend] = c;
    run(0, at.quotients * 8, n, at.dividend * 8);
    out.set(w.subarray(at.quotients, at.quotients + n), start);
    return true;
  }
  const run = divide!, v = view;
  const half = CHUNK >> 1; // source and destination side by side; c after them
  const cAt = CHUNK + 8;
  v[cAt] = c;
  for (let s = 0; s < n; s += half) {
    const len = Math.min(half, n - s);
    v.set(x.subarray(start + s, start + s + len), 0);
    run(0, (half + 2) * 8, len, cAt * 8);
    out.set(v.subarray(half + 2, half + 2 + len), start + s);
  }
  return true;
}

/** Products from this many factors on go to WebAssembly (the copy costs less than the scalar loop's latency). */
const PRODUCT_MIN = 4096;
/** The eight chains' accumulators, for productChainsVector. */
const chainAcc = new Float64Array(8);

/**
 * kernels/products.ts productChains(x, start, end) in WebAssembly, bit for bit (the same chains,
 * multiplications and final pairing; two lanes per instruction, with no wait on the multiply's
 * latency), or null (having done nothing) where it is off or the row is short. About 1.8× the
 * scalar chains at 10⁵ factors, the copy included.
 */
export function productChainsVector(x: Float64Array, start: number, end: number): number | null {
  const n = end - start;
  if (n < PRODUCT_MIN || ready() === null) return null;
  const whole = n - (n % 8);
  const a = chainAcc;
  const pool = n >= PARALLEL_QUOTIENTS && n <= MAX_ROW ? threadPool() : null;
  const mem = pool === null && n <= MAX_ROW ? rowMemoryFor(n) : null;
  if (pool !== null || mem !== null) {
    // The whole row at once, left in place for the gradient's quotients: in the threads' shared
    // memory to be split across them (divideAcross; the product itself on this thread), else in
    // rowMemory (divideIntoVector).
    const accAt = rowLayout(n).acc;
    const v = pool !== null ? pool.view(rowLayout(n).size) : mem!.view;
    v.set(x.subarray(start, end), 0);
    v.fill(1, accAt, accAt + 8);
    if (pool !== null) pool.callHere(sharedProduct, [0, whole * 8, accAt * 8]);
    else mem!.product(0, whole * 8, accAt * 8);
    a.set(v.subarray(accAt, accAt + 8));
    if (pool !== null) pooled.value = { x, start, end, pool, epoch: pool.epoch };
    else staged.value = { x, start, end };
  } else {
    const run = product!, v = view;
    const accAt = CHUNK; // after the chunk
    v.fill(1, accAt, accAt + 8);
    for (let s = 0; s < whole; s += CHUNK) {
      const len = Math.min(CHUNK, whole - s); // CHUNK is a multiple of 8, so each chunk continues the chains
      v.set(x.subarray(start + s, start + s + len), 0);
      run(0, len * 8, accAt * 8);
    }
    a.set(v.subarray(accAt, accAt + 8));
  }
  let a0 = a[0]!;
  for (let p = start + whole; p < end; p++) a0 *= x[p]!;
  return ((a0 * a[1]!) * (a[2]! * a[3]!)) * ((a[4]! * a[5]!) * (a[6]! * a[7]!));
}

/**
 * Where a product's row and its quotients lie, whole, in rowMemory (float64 indices): the factors
 * at 0 (with a pad), the quotients from n + 2, the chains' accumulators from 2n + 4, the dividend
 * at 2n + 12, 2n + 16 in all. Rows longer than MAX_ROW pass through the 1 MB memory in chunks instead.
 */
const rowLayout = (n: number) => ({ quotients: n + 2, acc: 2 * n + 4, dividend: 2 * n + 12, size: 2 * n + 16 });
const MAX_ROW = 1 << 21;
let rowMemory: { view: Float64Array; product: Product; divide: Divide } | null = null;

/** A memory for a row of n factors and its quotients (replaced by a larger one when needed, never grown: see ./gemm.ts). */
function rowMemoryFor(n: number): NonNullable<typeof rowMemory> | null {
  const need = rowLayout(n).size;
  if (rowMemory === null || rowMemory.view.length < need) {
    if (vmathModule === null) return null;
    const pages = Math.ceil((need * 8) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const exports = new WebAssembly.Instance(vmathModule, { env: { memory } }).exports as unknown as { product: Product; divide: Divide };
    rowMemory = { view: new Float64Array(memory.buffer), product: exports.product, divide: exports.divide };
  }
  return rowMemory;
}

/**
 * The row whose factors rowMemory holds, until the synchronous run that staged it ends: a
 * product's value and gradient are computed in one run (valueAndGrad, a jit replay), and a
 * tensor's storage is never written, so the same array and range mean the same factors.
 */
const staged = new RunSlot<{ x: Float64Array; start: number; end: number }>();
/** The same for a row productChainsVector left in the pool's shared memory, valid while nothing else has written it (`Pool.epoch`). */
const pooled = new RunSlot<{ x: Float64Array; start: number; end: number; pool: Pool; epoch: number }>();

/**
 * Rows of at least this many factors are multiplied in the worker threads' shared memory, and their
 * gradient's quotients split across the threads (each chunk the same IEEE quotients: the same
 * bits), the result's fresh pages first-touched while the workers divide. The quotients take
 * about 0.62 ns each on one thread on the bench machine (f64x2.div); at 10⁵ factors (62 µs) the
 * threaded path measured no faster (waking a worker, the job's bookkeeping), at 10⁶ about 7–15%
 * faster in alternating processes on a machine whose fresh-page faults made every 8 MB row's
 * timing vary two- to threefold.
 */
const PARALLEL_QUOTIENTS = 1 << 18;

/** divide and product compiled against the pool's shared memory: the workers' copies, and this thread's. */
let sharedVmath: WebAssembly.Module | null = null;
const sharedVmathOnce = () => (sharedVmath ??= new WebAssembly.Module(moduleBytes([divideSource(), productSource()], MAX_PAGES)));
const sharedDivide = sharedKernel(() => ({ module: sharedVmathOnce(), name: 'divide' }));
const sharedProduct = sharedKernel(() => ({ module: sharedVmathOnce(), name: 'product' }));
/** tanh compiled against the shared memory, in a module of its own (each under 4 kB). */
let sharedTanhModule: WebAssembly.Module | null = null;
const sharedTanh = sharedKernel(() => ({
  module: (sharedTanhModule ??= new WebAssembly.Module(moduleBytes([kernelSource('tanh', tanhCode)], MAX_PAGES))), name: 'tanh',
}));

/**
 * Arrays of at least this many elements are split across the threads by `tanhAcross` (and by the
 * native tanh: ../unary.ts): on one thread tanh takes about 10.5 ns an element (W1's hidden layer,
 * 32,768 entries, 0.34 ms), the two copies through the shared memory about 1 ns.
 */
export const PARALLEL_TANH = 16384;

/**
 * out = tanh(x) with the elements split across the worker threads (chunks of multiples of four: the
 * kernel computes two pairs per step), the same kernel on every thread: the same bits as
 * `vectorMath`, and as Math.tanh. False (nothing done) for short arrays, beyond the shared memory's
 * bound, or where no pool runs.
 */
export function tanhAcross(x: Float64Array, out: Float64Array): boolean {
  const n = x.length;
  if (n < PARALLEL_TANH || n > MAX_ROW || ready() === null) return false;
  const pool = threadPool();
  if (pool === null) return false;
  const at = n + 4; // the results after the inputs (the last step may read and write up to 3 beyond)
  const v = pool.view(at + n + 4);
  v.set(x, 0);
  pool.run(
    { name: 'tanh', kernel: sharedTanh, args: [0, at * 8, n], steps: [8, 8, 0], rowsArg: 2, rows: n, quantum: 4 },
    () => touchPages(out, 0, n), // the result's fresh pages, while the workers compute
    (i0, count) => out.set(v.subarray(at + i0, at + i0 + count), i0), // each chunk as it is done
  );
  return true;
}

/**
 * out[p] = c / x[p] for p in [start, end), the quotients split across the worker threads (pairs of
 * them, so each chunk starts on a pair) and each chunk copied out as it is done; false (nothing
 * done) where no pool runs. The factors are where productChainsVector left them if nothing has
 * written the memory since; else they are copied in.
 */
function divideAcross(out: Float64Array, x: Float64Array, c: number, start: number, end: number): boolean {
  const pool = threadPool();
  if (pool === null) return false;
  const n = end - start, at = rowLayout(n);
  const row = pooled.value;
  const inPlace = row !== null && row.pool === pool && row.epoch === pool.epoch && row.x === x && row.start === start && row.end === end;
  const v = pool.view(at.size);
  if (!inPlace) v.set(x.subarray(start, end), 0);
  v[at.dividend] = c;
  pooled.value = { x, start, end, pool, epoch: pool.epoch }; // the factors are still there for another pull-back in this run
  pool.run(
    { name: 'prod', kernel: sharedDivide, args: [0, at.quotients * 8, n, at.dividend * 8], steps: [8, 8, 0, 0], rowsArg: 2, rows: n, quantum: 2 },
    () => touchPages(out, start, n), // the result's fresh pages, while the workers divide
    (row0, rows) => out.set(v.subarray(at.quotients + row0, at.quotients + row0 + rows), start + row0),
  );
  return true;
}
