/**
 * @file Plane rotations of pairs of rows, and the three inner products a one-sided Jacobi step
 * needs, in WebAssembly SIMD — for the eigenvector rotations of linalg.eigh's QL iteration and the
 * sweeps of linalg.svd's one-sided Jacobi, whose rows live in a memory of this module for the
 * whole run — and the two row loops of eigh's Householder reduction (symv, rank2). A rotation is lane-wise IEEE multiplies and adds, the same operations in the same
 * order as the scalar loops it replaces (the same bits); two pairs of elements a step, 0.2–0.3 ns
 * an element against ~2 in V8's scalar code (which did not vectorise it, measured on the bench
 * machine). The inner products sum in six lanes, so their rounding differs from a single running
 * sum (as accurate: n roundings either way).
 *
 * Rows are laid out at a stride that is a multiple of four float64s, the padding zero (a rotation
 * keeps zeros zero, and they add nothing to an inner product), so the loops need no tail.
 * The memory is made to measure for a run and replaced, never grown (growing detaches its
 * buffer, see ./gemm.ts); one above CACHED_BYTES is dropped after the run.
 */
import { I32, V128, moduleBytes, op, type FunctionSource } from './encode.js';
import { wasmKernelsAvailable } from './gemm.js';

const P = 0, Q = 1, END = 2, AT = 3; // parameters: two rows' byte addresses, the first row's end, and an address of constants or results

/**
 * rotate(p, q, end, cs): with c, s the float64s at cs and cs + 8, for the pairs of elements of the
 * rows at p and q up to p = end: (x, y) ← (c·x − s·y, s·x + c·y).
 */
function rotateSource(): FunctionSource {
  const { get, set, i32 } = op;
  const C = 4, S = 5, X = 6, Y = 7;
  const half = (offset: number) => [
    ...get(P), ...op.v128Load(offset), ...set(X),
    ...get(Q), ...op.v128Load(offset), ...set(Y),
    ...get(P), ...get(C), ...get(X), ...op.f64x2Mul, ...get(S), ...get(Y), ...op.f64x2Mul, ...op.f64x2Sub, ...op.v128Store(offset),
    ...get(Q), ...get(S), ...get(X), ...op.f64x2Mul, ...get(C), ...get(Y), ...op.f64x2Mul, ...op.f64x2Add, ...op.v128Store(offset),
  ];
  const code = [
    ...get(AT), ...op.v128Load64Splat(0), ...set(C),
    ...get(AT), ...op.v128Load64Splat(8), ...set(S),
    ...op.block, ...op.loop,
    ...get(P), ...get(END), ...op.i32GeU, ...op.brIf(1),
    ...half(0), ...half(16),
    ...get(P), ...i32(32), ...op.i32Add, ...set(P), ...get(Q), ...i32(32), ...op.i32Add, ...set(Q),
    ...op.br(0), ...op.end, ...op.end,
  ];
  return { name: 'rotate', params: 4, locals: [[4, V128]], code };
}

/**
 * dots(p, q, end, out): x·x, y·y and x·y of the rows at p and q (up to p = end), each in two
 * v128 accumulators (four lanes), stored at out as six v128s: xx₀, xx₁, yy₀, yy₁, xy₀, xy₁.
 */
function dotsSource(): FunctionSource {
  const { get, set, i32 } = op;
  const A0 = 4, X0 = 10, Y0 = 12; // v128 locals: six accumulators (xx₀ xx₁ yy₀ yy₁ xy₀ xy₁), two x, two y
  const code: number[] = [];
  for (let r = 0; r < 6; r++) code.push(...op.f64x2Const(0), ...set(A0 + r));
  const acc = (r: number, a: number, b: number) => [...get(A0 + r), ...get(a), ...get(b), ...op.f64x2Mul, ...op.f64x2Add, ...set(A0 + r)];
  code.push(
    ...op.block, ...op.loop,
    ...get(P), ...get(END), ...op.i32GeU, ...op.brIf(1),
    ...get(P), ...op.v128Load(0), ...set(X0), ...get(P), ...op.v128Load(16), ...set(X0 + 1),
    ...get(Q), ...op.v128Load(0), ...set(Y0), ...get(Q), ...op.v128Load(16), ...set(Y0 + 1),
    ...acc(0, X0, X0), ...acc(1, X0 + 1, X0 + 1),
    ...acc(2, Y0, Y0), ...acc(3, Y0 + 1, Y0 + 1),
    ...acc(4, X0, Y0), ...acc(5, X0 + 1, Y0 + 1),
    ...get(P), ...i32(32), ...op.i32Add, ...set(P), ...get(Q), ...i32(32), ...op.i32Add, ...set(Q),
    ...op.br(0), ...op.end, ...op.end,
  );
  for (let r = 0; r < 6; r++) code.push(...get(AT), ...get(A0 + r), ...op.v128Store(16 * r));
  return { name: 'dots', params: 4, locals: [[10, V128]], code };
}

/**
 * symv(u, d, e, end, at) — a row's part of tred2's symmetric matrix–vector product: with f the
 * float64 at `at`, for the pairs of elements from u up to end (d and e at the same positions):
 * g += u·d in two lanes (stored at at + 16), e += u·f.
 */
function symvSource(): FunctionSource {
  const { get, set, i32 } = op;
  const U = 0, D = 1, E = 2, UEND = 3, FG = 4, F = 5, G = 6, X = 7; // params 0–4; v128 locals 5–7
  const code = [
    ...get(FG), ...op.v128Load64Splat(0), ...set(F),
    ...op.f64x2Const(0), ...set(G),
    ...op.block, ...op.loop,
    ...get(U), ...get(UEND), ...op.i32GeU, ...op.brIf(1),
    ...get(U), ...op.v128Load(0), ...set(X),
    ...get(G), ...get(X), ...get(D), ...op.v128Load(0), ...op.f64x2Mul, ...op.f64x2Add, ...set(G),
    ...get(E), ...get(E), ...op.v128Load(0), ...get(X), ...get(F), ...op.f64x2Mul, ...op.f64x2Add, ...op.v128Store(0),
    ...get(U), ...i32(16), ...op.i32Add, ...set(U), ...get(D), ...i32(16), ...op.i32Add, ...set(D), ...get(E), ...i32(16), ...op.i32Add, ...set(E),
    ...op.br(0), ...op.end, ...op.end,
    ...get(FG), ...get(G), ...op.v128Store(16),
  ];
  return { name: 'symv', params: 5, locals: [[3, V128]], code };
}

/**
 * rank2(u, d, e, end, at) — a row's part of tred2's rank-2 update: with f, g the float64s at `at`
 * and at + 8, for the pairs from u up to end: u −= f·e + g·d (the scalar loop's operations and order).
 */
function rank2Source(): FunctionSource {
  const { get, set, i32 } = op;
  const U = 0, D = 1, E = 2, UEND = 3, FG = 4, F = 5, G = 6; // params 0–4; v128 locals 5–6
  const code = [
    ...get(FG), ...op.v128Load64Splat(0), ...set(F),
    ...get(FG), ...op.v128Load64Splat(8), ...set(G),
    ...op.block, ...op.loop,
    ...get(U), ...get(UEND), ...op.i32GeU, ...op.brIf(1),
    ...get(U),
    ...get(U), ...op.v128Load(0),
    ...get(F), ...get(E), ...op.v128Load(0), ...op.f64x2Mul, ...get(G), ...get(D), ...op.v128Load(0), ...op.f64x2Mul, ...op.f64x2Add,
    ...op.f64x2Sub, ...op.v128Store(0),
    ...get(U), ...i32(16), ...op.i32Add, ...set(U), ...get(D), ...i32(16), ...op.i32Add, ...set(D), ...get(E), ...i32(16), ...op.i32Add, ...set(E),
    ...op.br(0), ...op.end, ...op.end,
  ];
  return { name: 'rank2', params: 5, locals: [[2, V128]], code };
}

type Kernel = (p: number, q: number, end: number, at: number) => void;
type RowKernel = (u: number, d: number, e: number, end: number, at: number) => void;

/** The module's size in bytes (its source built on every call). @internal */
export function rotationModuleSize(): number {
  return moduleBytes([rotateSource(), dotsSource(), symvSource(), rank2Source()]).length;
}

/** Memories above this are dropped after their run (a 512² eigh needs 2 MB). */
const CACHED_BYTES = 16 << 20;
/** Float64s of scratch at the start of the memory: c and s, and the six accumulators. */
const SCRATCH = 16;

let compiled: WebAssembly.Module | null | undefined;
let cached: RotationSpace | null = null;

/**
 * Row-major rows in a WebAssembly memory, at a stride of a multiple of four float64s, with the
 * kernels over them. Obtain with `rotationSpace`, release with `done`.
 */
export class RotationSpace {
  /** The memory's float64s: scratch, then the rows. */
  readonly view: Float64Array;
  private readonly rotateKernel: Kernel;
  private readonly dotsKernel: Kernel;
  private readonly symvKernel: RowKernel;
  private readonly rank2Kernel: RowKernel;

  constructor(readonly bytes: number, module: WebAssembly.Module) {
    const memory = new WebAssembly.Memory({ initial: bytes >>> 16, maximum: bytes >>> 16 });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<'rotate' | 'dots', Kernel> & Record<'symv' | 'rank2', RowKernel>;
    this.rotateKernel = exports.rotate;
    this.dotsKernel = exports.dots;
    this.symvKernel = exports.symv;
    this.rank2Kernel = exports.rank2;
    this.view = new Float64Array(memory.buffer);
  }

  /** The float64 index where row `i` of rows of `stride` float64s starts. */
  static rowAt(i: number, stride: number): number {
    return SCRATCH + i * stride;
  }

  /** (x, y) ← (c·x − s·y, s·x + c·y) for rows at float64 indices p and q, `stride` long. */
  rotate(p: number, q: number, stride: number, c: number, s: number): void {
    this.view[0] = c;
    this.view[1] = s;
    this.rotateKernel(p * 8, q * 8, (p + stride) * 8, 0);
  }

  /** x·x, y·y and x·y of the rows at float64 indices p and q into out[0…2]. */
  dots(p: number, q: number, stride: number, out: Float64Array): void {
    this.dotsKernel(p * 8, q * 8, (p + stride) * 8, 0);
    const v = this.view;
    out[0] = (v[0]! + v[1]!) + (v[2]! + v[3]!);
    out[1] = (v[4]! + v[5]!) + (v[6]! + v[7]!);
    out[2] = (v[8]! + v[9]!) + (v[10]! + v[11]!);
  }

  /**
   * For `pairs` pairs of float64s at indices u, d, e: e += u·f, and returns Σ u·d summed in two
   * lanes, (lane 0) + (lane 1).
   */
  symv(u: number, d: number, e: number, pairs: number, f: number): number {
    const v = this.view;
    v[0] = f;
    this.symvKernel(u * 8, d * 8, e * 8, (u + 2 * pairs) * 8, 0);
    return v[2]! + v[3]!;
  }

  /** For `pairs` pairs of float64s at indices u, d, e: u −= f·e + g·d. */
  rank2(u: number, d: number, e: number, pairs: number, f: number, g: number): void {
    const v = this.view;
    v[0] = f;
    v[1] = g;
    this.rank2Kernel(u * 8, d * 8, e * 8, (u + 2 * pairs) * 8, 0);
  }

  /** Ends a run: a large memory is let go. */
  done(): void {
    if (this.bytes > CACHED_BYTES && cached === this) cached = null;
  }
}

/** Rows of a stride padded to a multiple of four float64s. */
export function paddedStride(length: number): number {
  return (length + 3) & ~3;
}

/**
 * A RotationSpace holding at least `doubles` float64s of rows (zeroed), or null where the
 * WebAssembly kernels are off or unavailable (ad.config({ wasm: false }), no SIMD, a CSP).
 */
export function rotationSpace(doubles: number): RotationSpace | null {
  if (!wasmKernelsAvailable()) return null;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes([rotateSource(), dotsSource(), symvSource(), rank2Source()]));
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  const bytes = Math.ceil(((SCRATCH + doubles) * 8) / 65536) * 65536;
  if (cached === null || cached.bytes < bytes) cached = new RotationSpace(bytes, compiled);
  else cached.view.fill(0, SCRATCH, SCRATCH + doubles);
  return cached;
}
