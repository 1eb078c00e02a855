/**
 * @file Plane rotations of pairs of rows, and the three inner products a one-sided Jacobi step
 * needs, in WebAssembly SIMD — for the eigenvector rotations of linalg.eigh's QL iteration and the
 * sweeps of linalg.svd's one-sided Jacobi, whose rows live in a memory of this module for the
 * whole run — and the two row loops of eigh's Householder reduction (symvRows, rank2Rows: a step's loop over all rows in one call). A rotation is lane-wise IEEE multiplies and adds, the same operations in the same
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
import { F64, I32, V128, moduleBytes, op, type FunctionSource } from './encode.js';
import { wasmKernelsAvailable } from './gemm.js';
import { transientFailure } from '../../../core/transient.js';

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
 * The locals of the two reduction row loops: parameters U, D, E (byte addresses of u, d, e), NB
 * (u's row length in bytes), I (the step i); i32 locals J (8j), R (row j's address), P, PD, PE
 * (the walk along row j, d and e), PEND (the end of its pairs), LEN (its length in bytes), IB (8i);
 * float64 locals FS, GS, X; v128 locals FV, GV, XV.
 */
const U = 0, D = 1, E = 2, NB = 3, I = 4, J = 5, R = 6, PP = 7, PD = 8, PE = 9, PEND = 10, LEN = 11, IB = 12;
const FS = 13, GS = 14, XS = 15, FV = 16, GV = 17, XV = 18;
const rowLocals: Array<[number, number]> = [[8, I32], [3, F64], [3, V128]];

/**
 * The loop over rows j = 0 … i − 1 of a step (`body` per row, R its address, J = 8j), with P, PD,
 * PE at element `from` (j or j + 1) of row j, d and e, LEN the bytes from there to element i and
 * PEND the end of its pairs (LEN rounded down to 16).
 */
function overRows(from: number, body: number[]): number[] {
  const { get, set, i32 } = op;
  return [
    ...get(I), ...i32(3), ...op.i32Shl, ...set(IB),
    ...i32(0), ...set(J), ...get(U), ...set(R),
    ...op.block, ...op.loop,
    ...get(J), ...get(IB), ...op.i32GeU, ...op.brIf(1),
    ...get(IB), ...get(J), ...op.i32Sub, ...i32(from), ...op.i32Sub, ...set(LEN),
    ...get(R), ...get(J), ...op.i32Add, ...i32(from), ...op.i32Add, ...set(PP),
    ...get(D), ...get(J), ...op.i32Add, ...i32(from), ...op.i32Add, ...set(PD),
    ...get(E), ...get(J), ...op.i32Add, ...i32(from), ...op.i32Add, ...set(PE),
    ...get(PP), ...get(LEN), ...i32(-16), ...op.i32And, ...op.i32Add, ...set(PEND),
    ...body,
    ...get(J), ...i32(8), ...op.i32Add, ...set(J), ...get(R), ...get(NB), ...op.i32Add, ...set(R),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

/**
 * The pairs of elements from P to PEND, P, PD, PE advancing 16 bytes a pair: two pairs an
 * iteration while two remain (`body(offset)` for each, in order: the same operations in the same
 * order as one pair an iteration, with half the loop's own instructions), then a last pair.
 */
function overPairs(body: (offset: number) => number[]): number[] {
  const { get, set, i32 } = op;
  const advance = (bytes: number) => [
    ...get(PP), ...i32(bytes), ...op.i32Add, ...set(PP), ...get(PD), ...i32(bytes), ...op.i32Add, ...set(PD), ...get(PE), ...i32(bytes), ...op.i32Add, ...set(PE),
  ];
  return [
    ...op.block, ...op.loop,
    ...get(PP), ...i32(16), ...op.i32Add, ...get(PEND), ...op.i32GeU, ...op.brIf(1),
    ...body(0), ...body(16), ...advance(32),
    ...op.br(0), ...op.end, ...op.end,
    ...get(PP), ...get(PEND), ...op.i32Sub, ...op.if, ...body(0), ...advance(16), ...op.end,
  ];
}

/**
 * symvRows(u, d, e, nb, i) — a step's symmetric matrix–vector product, tred2's loop over rows
 * j = 0 … i − 1 (u row-major at row length nb bytes; see reduce in ../linalg/eigh.ts): f = d[j],
 * u[i][j] = f, g = e[j] + u[j][j]·f; over k = j + 1 … i − 1 by pairs: g₂ += u[j][k]·d[k] (two
 * lanes), e[k] += u[j][k]·f; g += (lane 0 + lane 1); an odd last k: g += u·d[k], e[k] += u·f;
 * e[j] = g. The operations and order of the per-row kernel it replaces (the same bits).
 */
function symvRowsSource(): FunctionSource {
  const { get, set, i32 } = op;
  const row = [
    ...get(D), ...get(J), ...op.i32Add, ...op.f64Load(0), ...set(FS),
    ...get(U), ...get(I), ...get(NB), ...op.i32Mul, ...op.i32Add, ...get(J), ...op.i32Add, ...get(FS), ...op.f64Store(0),
    ...get(E), ...get(J), ...op.i32Add, ...op.f64Load(0), ...get(R), ...get(J), ...op.i32Add, ...op.f64Load(0), ...get(FS), ...op.f64Mul, ...op.f64Add, ...set(GS),
    ...get(FS), ...op.f64x2Splat, ...set(FV), ...op.f64x2Const(0), ...set(GV),
    ...overPairs((o) => [
      ...get(PP), ...op.v128Load(o), ...set(XV),
      ...get(GV), ...get(XV), ...get(PD), ...op.v128Load(o), ...op.f64x2Mul, ...op.f64x2Add, ...set(GV),
      ...get(PE), ...get(PE), ...op.v128Load(o), ...get(XV), ...get(FV), ...op.f64x2Mul, ...op.f64x2Add, ...op.v128Store(o),
    ]),
    ...get(GS), ...get(GV), ...op.f64x2ExtractLane(0), ...get(GV), ...op.f64x2ExtractLane(1), ...op.f64Add, ...op.f64Add, ...set(GS),
    ...get(LEN), ...i32(8), ...op.i32And, ...op.if,
    ...get(PP), ...op.f64Load(0), ...set(XS),
    ...get(GS), ...get(XS), ...get(PD), ...op.f64Load(0), ...op.f64Mul, ...op.f64Add, ...set(GS),
    ...get(PE), ...get(PE), ...op.f64Load(0), ...get(XS), ...get(FS), ...op.f64Mul, ...op.f64Add, ...op.f64Store(0),
    ...op.end,
    ...get(E), ...get(J), ...op.i32Add, ...get(GS), ...op.f64Store(0),
  ];
  return { name: 'symvRows', params: 5, locals: rowLocals, code: overRows(8, row) };
}

/**
 * rank2Rows(u, d, e, nb, i) — a step's rank-2 update, tred2's loop over rows j = 0 … i − 1:
 * f = d[j], g = e[j]; u[j][k] −= f·e[k] + g·d[k] for k = j … i − 1 (by pairs, an odd last one
 * alone: the same operations); then d[j] = u[j][i − 1], u[j][i] = 0. The per-row kernel's bits.
 */
function rank2RowsSource(): FunctionSource {
  const { get, set, i32 } = op;
  const row = [
    ...get(D), ...get(J), ...op.i32Add, ...op.f64Load(0), ...set(FS),
    ...get(E), ...get(J), ...op.i32Add, ...op.f64Load(0), ...set(GS),
    ...get(FS), ...op.f64x2Splat, ...set(FV), ...get(GS), ...op.f64x2Splat, ...set(GV),
    ...overPairs((o) => [
      ...get(PP),
      ...get(PP), ...op.v128Load(o),
      ...get(FV), ...get(PE), ...op.v128Load(o), ...op.f64x2Mul, ...get(GV), ...get(PD), ...op.v128Load(o), ...op.f64x2Mul, ...op.f64x2Add,
      ...op.f64x2Sub, ...op.v128Store(o),
    ]),
    ...get(LEN), ...i32(8), ...op.i32And, ...op.if,
    ...get(PP),
    ...get(PP), ...op.f64Load(0),
    ...get(FS), ...get(PE), ...op.f64Load(0), ...op.f64Mul, ...get(GS), ...get(PD), ...op.f64Load(0), ...op.f64Mul, ...op.f64Add,
    ...op.f64Sub, ...op.f64Store(0),
    ...op.end,
    ...get(D), ...get(J), ...op.i32Add, ...get(R), ...get(IB), ...op.i32Add, ...i32(8), ...op.i32Sub, ...op.f64Load(0), ...op.f64Store(0),
    ...get(R), ...get(IB), ...op.i32Add, ...op.f64Const0, ...op.f64Store(0),
  ];
  return { name: 'rank2Rows', params: 5, locals: rowLocals, code: overRows(0, row) };
}

type Kernel = (p: number, q: number, end: number, at: number) => void;
type RowKernel = (u: number, d: number, e: number, end: number, at: number) => void;

/** The module's functions. */
const moduleSource = (): FunctionSource[] => [rotateSource(), dotsSource(), symvRowsSource(), rank2RowsSource()];

/** The module's size in bytes (its source built on every call). @internal */
export function rotationModuleSize(): number {
  return moduleBytes(moduleSource()).length;
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
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<'rotate' | 'dots', Kernel> & Record<'symvRows' | 'rank2Rows', RowKernel>;
    this.rotateKernel = exports.rotate;
    this.dotsKernel = exports.dots;
    this.symvKernel = exports.symvRows;
    this.rank2Kernel = exports.rank2Rows;
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
   * Step i of eigh's reduction over the n×n row-major u at float64 index `u` (d, e at indices `d`,
   * `e`), all rows j < i in one call: the symmetric matrix–vector product (symvRows above).
   */
  symvRows(u: number, d: number, e: number, n: number, i: number): void {
    this.symvKernel(u * 8, d * 8, e * 8, n * 8, i);
  }

  /** Step i's rank-2 update over all rows j < i, with d[j] = u[j][i − 1], u[j][i] = 0 (rank2Rows above). */
  rank2Rows(u: number, d: number, e: number, n: number, i: number): void {
    this.rank2Kernel(u * 8, d * 8, e * 8, n * 8, i);
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
      compiled = new WebAssembly.Module(moduleBytes(moduleSource()));
    } catch (e) {
      if (transientFailure(e)) return null; // this call only (../../../core/transient.ts)
      compiled = null;
    }
  }
  if (compiled === null) return null;
  const bytes = Math.ceil(((SCRATCH + doubles) * 8) / 65536) * 65536;
  if (cached === null || cached.bytes < bytes) cached = new RotationSpace(bytes, compiled);
  else cached.view.fill(0, SCRATCH, SCRATCH + doubles);
  return cached;
}
