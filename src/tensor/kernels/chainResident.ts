/**
 * @file A matrix chain with its operands resident in the WebAssembly kernel's memory: each factor
 * is copied in once and the running product never leaves, where `gemm` would copy A, B and C in
 * and C out for every product (four moves of a matrix per product, and a zeroing of C, against
 * one or two here). For chains of products below the threads' size whose extents are all
 * multiples of 4 (the kernel's blocks); ./chain.ts runs the rest.
 */
import { uninitializedF64 } from '../alloc.js';
import { PARALLEL_WORK, moveIn, occupies, residentKernels, type Kernels, type Tenant } from './wasm/gemm.js';
import { copyRun, transposeInto } from './layout.js';
import { CHUNK, Chunks } from './chunks.js';
import { nativeProducts } from './native/nativeGemm.js';
import type { Matrix, OneBuffer, Prefixes } from './chain.js';

/** The extents of a chain that can run resident: its row count and its widest factor extent. */
export interface ResidentPlan {
  readonly rows: number;
  readonly widest: number;
}

/**
 * The plan for `ms` to run resident, or null: every extent a multiple of 4, and every product
 * below PARALLEL_WORK multiply-adds (from there `gemm` splits products across threads, and its
 * copies are at most 3 moves per 160 multiply-adds of an element).
 */
export function residentPlan(ms: readonly Matrix[]): ResidentPlan | null {
  const rows = ms[0]!.rows;
  if (rows % 4 !== 0 || nativeChain(ms)) return null;
  let widest = 0;
  for (const m of ms) {
    if (m.cols % 4 !== 0 || rows * m.rows * m.cols >= PARALLEL_WORK) return null;
    widest = Math.max(widest, m.rows, m.cols);
  }
  return { rows, widest };
}

/**
 * P_{n−1} = M_0 ⋯ M_{n−1} left to right, resident: two running products used in turn and one
 * slot for the factor. `keep(i, view, at)` is shown each P_i (i ≥ 1) where it lies in the view,
 * to copy it out. False (nothing done) where the kernel is unavailable.
 */
export function residentProducts(
  ms: readonly Matrix[], plan: ResidentPlan, keep: (i: number, view: Float64Array, at: number) => void,
): boolean {
  const { rows, widest } = plan;
  const span = rows * widest;
  // A stacked chain's factors, one run of one buffer, go in with one copy while they take no more
  // than a core's cache (512 kB: 200 factors 16×16; at 64×64 the one copy measured 1.1× the time of
  // a slot reused factor by factor); others one at a time into one slot.
  const whole = oneRun(ms), stacked = whole <= 1 << 16 ? whole : 0;
  const res = residentKernels(2 * span + (stacked > 0 ? stacked : widest * widest));
  if (res === null) return false;
  const { view, run } = res;
  const factor = 2 * span;
  if (stacked > 0) copyRun(view, factor, ms[0]!.data, ms[0]!.at, stacked);
  else copyRun(view, 0, ms[0]!.data, ms[0]!.at, rows * ms[0]!.cols);
  let acc = stacked > 0 ? factor : 0, next = span, at = factor;
  for (let i = 1; i < ms.length; i++) {
    const m = ms[i]!;
    if (stacked > 0) at += ms[i - 1]!.rows * ms[i - 1]!.cols;
    else copyRun(view, factor, m.data, m.at, m.rows * m.cols);
    run.gemmSet(acc * 8, at * 8, next * 8, rows, m.rows, m.cols, m.cols, m.rows * 8); // P_i = P_{i−1} M_i
    keep(i, view, next);
    const done = next;
    next = i === 1 && stacked > 0 ? 0 : acc;
    acc = done;
  }
  return true;
}

/**
 * Whether every product of the chain (and of its backward pass: the same volumes) runs natively,
 * where `gemm` works on the arrays in place (./native/nativeGemm.ts) and packs its operands itself:
 * copying them into this memory first would only add a move of every matrix (at 64×64, 13% of a
 * weighted chain's value and gradient went to those copies and their zeroed buffers).
 */
export function nativeChain(ms: readonly Matrix[]): boolean {
  const rows = ms[0]!.rows;
  // Asked once per run of factors of one shape (a square chain: once, not 200 times; a chain's
  // value and gradient asks five times, 3 µs each at 16×16 against a 300 µs whole).
  for (let i = 1, r = -1, c = -1; i < ms.length; i++) {
    const m = ms[i]!;
    if (m.rows === r && m.cols === c) continue;
    if (nativeProducts(rows, m.rows, m.cols) === null) return false;
    r = m.rows;
    c = m.cols;
  }
  return ms.length > 1;
}

/** The float64s of the factors when they lie one after another in one buffer (a stacked chain), else 0. */
function oneRun(ms: readonly Matrix[]): number {
  let size = ms[0]!.rows * ms[0]!.cols;
  for (let i = 1; i < ms.length; i++) {
    const m = ms[i]!;
    if (m.data !== ms[0]!.data || m.at !== ms[0]!.at + size) return 0;
    size += m.rows * m.cols;
  }
  return size;
}

/**
 * Where a sweep writes its cotangents in the memory, and how they leave: in runs of at most CHUNK
 * float64s, each one `Float64Array.prototype.slice` (an allocation and a copy, no zeroing) that the
 * cotangents of the run view. (One buffer for a whole long chain would be fresh memory from the
 * operating system on every call; buffers of CHUNK are recycled by the allocator, ./chunks.ts.)
 * The region [base, base + size) holds at least the largest cotangent and is reused once a run
 * has left; cotangents come in descending order of i and are placed downwards, so a run is in
 * ascending order.
 */
class CotangentRuns {
  private cursor: number;
  private runEnd: number;
  /** (i, place, length) of each cotangent of the current run, `count` of them. */
  private readonly pending: Int32Array;
  private count = 0;
  /** How many cotangents the sweep writes in all (set by `expect`; a run of all of them may leave whole). */
  private needed = -1;

  /**
   * `longest`: a run's most float64s (CHUNK; unbounded for a caller that wants all of them in one
   * buffer). `target`, if given, is that one buffer, allocated up front with each cotangent's place
   * in it (`placeOf[i]`, the needed ones in order): runs are copied there, so a region smaller
   * than all of them still leaves one buffer, with no run sliced out and copied again.
   */
  constructor(
    private readonly view: Float64Array, private readonly base: number, private readonly size: number, private readonly out: Array<Float64Array | null>,
    private readonly longest = CHUNK,
    private readonly target: { readonly array: Float64Array; readonly placeOf: Int32Array } | null = null,
    /** Where one run that holds every cotangent, in order, leaves as a whole (no views: see OneBuffer). */
    private readonly whole: OneBuffer | null = null,
  ) {
    this.cursor = this.runEnd = base + size;
    this.pending = new Int32Array(3 * out.length);
  }

  /** Tells the runs how many cotangents the sweep will write. */
  expect(count: number): void {
    this.needed = count;
  }

  /** Where M̄_i, of `length` float64s, is to be written. */
  place(i: number, length: number): number {
    if (this.count > 0 && this.runEnd - (this.cursor - length) > this.longest) this.flush();
    if (this.cursor - length < this.base) { // the region is used up: send the run out, then start at the top again
      this.flush();
      this.cursor = this.runEnd = this.base + this.size;
    }
    this.cursor -= length;
    const t = 3 * this.count++;
    this.pending[t] = i;
    this.pending[t + 1] = this.cursor;
    this.pending[t + 2] = length;
    return this.cursor;
  }

  /** Sends the current run out. */
  flush(): void {
    const { pending, cursor, target } = this;
    if (this.count === 0) return;
    // A first run that holds every cotangent leaves whole where the caller asked (`whole`).
    const all = this.whole !== null && this.whole.array === null && this.count === this.needed;
    if (target !== null) {
      // The run holds consecutive needed cotangents, the last placed (at cursor) the lowest i.
      const { array, placeOf } = target, at = placeOf[pending[3 * this.count - 3]!]!;
      array.set(this.view.subarray(cursor, this.runEnd), at);
      if (all && at === 0) this.whole!.array = array;
      else for (let t = 0; t < 3 * this.count; t += 3) this.out[pending[t]!] = array.subarray(placeOf[pending[t]!]!, placeOf[pending[t]!]! + pending[t + 2]!);
    } else {
      // Copied into memory that is not zeroed first: TypedArray.prototype.slice zero-fills its new
      // buffer and then copies (6% of a weighted chain's value and gradient at 8×8 went to that fill).
      const copy = uninitializedF64(this.runEnd - cursor);
      copy.set(this.view.subarray(cursor, this.runEnd));
      if (all) this.whole!.array = copy;
      else for (let t = 0; t < 3 * this.count; t += 3) this.out[pending[t]!] = new Float64Array(copy.buffer, copy.byteOffset + (pending[t + 1]! - cursor) * 8, pending[t + 2]!);
    }
    this.count = 0;
    this.runEnd = cursor;
  }
}

/** Where a sweep finds M_i and P_{i−1} in the memory (copying them in first, if they are not resident). */
interface SweepOperands {
  factor(i: number): number;
  prefix(i: number): number;
}

/**
 * The cotangents M̄_i = P_{i−1}ᵀ R_i (R_{n−1} = g, R_{i−1} = R_i M_iᵀ, M̄_0 = R_0; see
 * ./chain.ts) for the factors that `needs`, from index `first`, in the memory. The sweep carries
 * Q_i = R_iᵀ: Q_{n−1} = gᵀ, Q_{i−1} = M_i Q_i and M̄_i = (Q_i P_{i−1})ᵀ, products of
 * untransposed operands, the last written transposed by the kernel itself, so nothing is
 * transposed but g and Q_0. Q lives at `q` and `q + rows·widest`.
 */
function sweep(
  ms: readonly Matrix[], widest: number, view: Float64Array, run: Kernels, g: Float64Array, needs: readonly unknown[], first: number,
  q: number, operands: SweepOperands, runs: CotangentRuns,
): void {
  const n = ms.length, rows = ms[0]!.rows;
  let needed = 0;
  for (let i = first; i < n; i++) if (needs[i]) needed++;
  runs.expect(needed);
  let Q = q, next = q + rows * widest;
  transposeInto(g, 0, rows, ms[n - 1]!.cols, view, Q); // Q_{n−1} = gᵀ  [b, rows]
  for (let i = n - 1; i >= Math.max(first, 1); i--) {
    const m = ms[i]!, a = m.rows, b = m.cols;
    if (needs[i]) run.gemmSetT(Q * 8, operands.prefix(i) * 8, runs.place(i, a * b) * 8, b, rows, a, a, rows * 8); // M̄_i = (Q_i P_{i−1})ᵀ  [a, b]
    if (i - 1 < first) continue;
    run.gemmSet(operands.factor(i) * 8, Q * 8, next * 8, a, b, rows, rows, b * 8); // Q_{i−1} = M_i Q_i  [a, rows]
    const done = next;
    next = Q;
    Q = done;
  }
  if (first === 0) transposeInto(view, Q, ms[0]!.cols, rows, view, runs.place(0, rows * ms[0]!.cols)); // M̄_0 = R_0 = Q_0ᵀ
  runs.flush();
}

/**
 * The cotangents of a chain that can run resident (`plan`), with its prefixes given as arrays:
 * per step P_{i−1} and M_i are copied in, and M̄_i leaves in runs (`sweep`). False (nothing done)
 * where the kernel is unavailable.
 */
export function residentCotangents(
  ms: readonly Matrix[], plan: ResidentPlan, prefixes: Prefixes, g: Float64Array, needs: readonly unknown[], first: number,
  out: Array<Float64Array | null>, oneBuffer: OneBuffer | null = null,
): boolean {
  const { rows, widest } = plan;
  const span = rows * widest, square = widest * widest, region = Math.max(CHUNK, square);
  const res = residentKernels(3 * span + square + region);
  if (res === null) return false;
  const { view, run } = res;
  const prefix = 2 * span, factor = 3 * span;
  const operands: SweepOperands = {
    factor: (i) => {
      copyRun(view, factor, ms[i]!.data, ms[i]!.at, ms[i]!.rows * ms[i]!.cols);
      return factor;
    },
    prefix: (i) => {
      copyRun(view, prefix, prefixes.bufs[i - 1]!, prefixes.offs[i - 1]!, rows * ms[i]!.rows);
      return prefix;
    },
  };
  sweep(ms, widest, view, run, g, needs, first, 0, operands, new CotangentRuns(view, factor + square, region, out, CHUNK, oneBuffer !== null ? oneTarget(ms, needs) : null, oneBuffer));
  return true;
}

/** One buffer for the needed factors' cotangents, one after another in order, and each one's place in it. */
function oneTarget(ms: readonly Matrix[], needs: readonly unknown[]): { array: Float64Array; placeOf: Int32Array } {
  const placeOf = new Int32Array(ms.length);
  let total = 0;
  ms.forEach((m, i) => {
    placeOf[i] = total;
    if (needs[i]) total += m.rows * m.cols;
  });
  return { array: uninitializedF64(total), placeOf }; // every place copied into
}

/**
 * The most float64s a tape takes in the kernel's memory: 8 MB (200 factors of 32×32 take 4.9 MB
 * with their prefixes and cotangents). Larger chains run step by step: at 48×48 (11 MB) and
 * 64×64 (20 MB) a tape measured 2–3% slower than the steps — its products read their operands
 * from further out in the caches, where a step's copies leave them close — and the memory would
 * keep that size.
 */
const TAPE_MAX = 1 << 20;

/**
 * A chain's forward pass left in the kernel's memory for its backward pass: every factor M_i and
 * every inner prefix P_1 … P_{n−2} where the products left them, so the backward pass copies
 * nothing in — where the per-step sweep (`residentCotangents`) copies P_{i−1} and M_i in and the
 * forward pass copies P_i out, three moves of a matrix per factor. While the tape is the memory's
 * tenant (./wasm/gemm.ts) nothing else has written there; before anything does, `onVacate` runs,
 * for the owner to save the prefixes elsewhere (`saveOut`) if it still needs them.
 *
 * The backward pass carries Q_i = R_iᵀ (see ./chain.ts): Q_{n−1} = gᵀ, Q_{i−1} = M_i Q_i and
 * M̄_i = (Q_i P_{i−1})ᵀ, products of untransposed resident operands, the last written transposed
 * by the kernel itself.
 */
export class ResidentTape implements Tenant {
  constructor(
    private readonly ms: readonly Matrix[],
    private readonly widest: number,
    /** The memory's view and kernels, until the tape leaves (then dropped: a kept pullback must not keep a replaced memory alive). */
    private memory: { view: Float64Array; run: Kernels } | null,
    /** Where M_i lies, and P_i (for 1 ≤ i ≤ n − 2; P_0 is M_0). */
    private readonly factorAt: readonly number[],
    private readonly prefixAt: readonly number[],
    /** Where the backward pass's two Q buffers start (then its cotangents, M̄_0 … M̄_{n−1} in order). */
    private readonly workAt: number,
    /** The float64s of all the factors (the backward pass's cotangents take as many). */
    private readonly cotangentSize: number,
    /** The chain's value P_{n−1}, copied out. */
    readonly value: Float64Array,
    private readonly onVacate: (tape: ResidentTape) => void,
  ) {}

  vacate(): void {
    this.onVacate(this);
    this.memory = null;
  }

  /** The memory, which a tape has until it has left (`saveOut` runs while it leaves). */
  private held(): { view: Float64Array; run: Kernels } {
    if (this.memory === null) throw new Error('chainMatmul: internal, the resident tape was read after it left the memory');
    return this.memory;
  }

  /** Whether the tape is still in the memory. */
  get present(): boolean {
    return occupies(this);
  }

  /**
   * The factors as they lie in the memory (one view, at their offsets), read in place until
   * anything else uses the memory; the tape must be present.
   */
  factors(): Matrix[] {
    const { view } = this.held();
    return this.ms.map((m, i) => ({ data: view, at: this.factorAt[i]!, rows: m.rows, cols: m.cols }));
  }

  /** The prefixes copied out of the memory (P_1 … P_{n−2} into chunks, from `spares` where they fit); the tape must be present. */
  saveOut(spares?: Float64Array[]): Prefixes {
    const { ms } = this, n = ms.length, rows = ms[0]!.rows;
    const { view } = this.held();
    let total = 0;
    for (let i = 1; i < n - 1; i++) total += rows * ms[i]!.cols;
    const chunks = new Chunks(total, spares);
    const bufs = [ms[0]!.data], offs = [ms[0]!.at];
    for (let i = 1; i < n - 1; i++) {
      const size = rows * ms[i]!.cols;
      offs.push(chunks.reserve(size));
      bufs.push(chunks.chunk);
      copyRun(chunks.chunk, offs[i]!, view, this.prefixAt[i]!, size);
    }
    bufs.push(this.value);
    offs.push(0);
    return { bufs, offs, chunks: chunks.made };
  }

  /** The inner prefixes P_1 … P_{n−2} copied out into `flat`, P_i from `at[i]`; the tape must be present. */
  saveInto(flat: Float64Array, at: readonly number[]): void {
    const { ms } = this, rows = ms[0]!.rows;
    const { view } = this.held();
    for (let i = 1; i < ms.length - 1; i++) copyRun(flat, at[i]!, view, this.prefixAt[i]!, rows * ms[i]!.cols);
  }

  /**
   * The cotangents of the factors that `needs` (from index `first`), for the output cotangent g,
   * into `out` (`sweep`); the tape must be present. With `oneBuffer` they leave as views of one
   * buffer, in order (a stacked chain's gradient as it is).
   */
  cotangents(g: Float64Array, needs: readonly unknown[], first: number, out: Array<Float64Array | null>, oneBuffer: OneBuffer | null = null): void {
    const { ms, factorAt, prefixAt } = this, rows = ms[0]!.rows;
    const { view, run } = this.held();
    const operands: SweepOperands = { factor: (i) => factorAt[i]!, prefix: (i) => (i === 1 ? factorAt[0]! : prefixAt[i - 1]!) };
    const cotangents = this.workAt + 2 * rows * this.widest;
    sweep(ms, this.widest, view, run, g, needs, first, this.workAt, operands, new CotangentRuns(view, cotangents, this.cotangentSize, out, oneBuffer !== null ? Infinity : CHUNK, null, oneBuffer));
  }
}

/** The float64s a tape of `ms` takes: its factors, its inner prefixes, then the larger of P_{n−1} and the backward pass's buffers. */
function tapeLayout(ms: readonly Matrix[], plan: ResidentPlan): { factorAt: number[]; prefixAt: number[]; last: number; cotangents: number; needed: number } {
  const { rows, widest } = plan, n = ms.length;
  const factorAt: number[] = [], prefixAt: number[] = [0];
  let end = 0, cotangents = 0;
  for (const m of ms) {
    factorAt.push(end);
    end += m.rows * m.cols;
    cotangents += m.rows * m.cols;
  }
  for (let i = 1; i < n - 1; i++) {
    prefixAt.push(end);
    end += rows * ms[i]!.cols;
  }
  const needed = end + Math.max(rows * ms[n - 1]!.cols, 2 * rows * widest + cotangents);
  return { factorAt, prefixAt, last: end, cotangents, needed };
}

/**
 * The forward pass of a chain that can run resident (`plan`), left in the kernel's memory as a
 * tape that has moved in; null (nothing done) where the kernel is unavailable or the tape would
 * take more than TAPE_MAX float64s.
 */
export function residentTape(ms: readonly Matrix[], plan: ResidentPlan, onVacate: (tape: ResidentTape) => void): ResidentTape | null {
  const { rows } = plan, n = ms.length;
  const { factorAt, prefixAt, last, cotangents, needed } = tapeLayout(ms, plan);
  if (needed > TAPE_MAX) return null;
  const res = residentKernels(needed);
  if (res === null) return null;
  const { view, run } = res;
  const stacked = oneRun(ms); // factorAt lays the factors out one after another: one copy for a stack
  if (stacked > 0) copyRun(view, factorAt[0]!, ms[0]!.data, ms[0]!.at, stacked);
  else for (let i = 0; i < n; i++) copyRun(view, factorAt[i]!, ms[i]!.data, ms[i]!.at, ms[i]!.rows * ms[i]!.cols);
  for (let i = 1; i < n; i++) {
    const m = ms[i]!, into = i === n - 1 ? last : prefixAt[i]!;
    const from = i === 1 ? factorAt[0]! : prefixAt[i - 1]!;
    run.gemmSet(from * 8, factorAt[i]! * 8, into * 8, rows, m.rows, m.cols, m.cols, m.rows * 8); // P_i = P_{i−1} M_i
  }
  const value = uninitializedF64(rows * ms[n - 1]!.cols);
  copyRun(value, 0, view, last, value.length);
  const tape = new ResidentTape(ms, plan.widest, { view, run }, factorAt, prefixAt, last, cotangents, value, onVacate);
  moveIn(tape);
  return tape;
}
