/** @file Matrix-chain kernels: the prefix products of a chain, and its backward pass — resident in WebAssembly memory where every extent is a multiple of 4 (./chainResident.ts), else untransposed products in the blocked `gemm` or direct kernels for small products — the outputs carved from a few chunks (./chunks.ts). */
import { uninitializedF64 } from '../alloc.js';
import { gemm } from './matmul.js';
import { Chunks, takeSpare } from './chunks.js';
import { copyRun, transposeInto } from './layout.js';
import { rankOneCotangents, rankOneFactors } from './chainRankOne.js';
import { nativeRankOneChain } from './native/nativeGemm.js';
import { nativeProductList, type ProductList } from './native/productList.js';
import { nativeShape, nativeThreads } from './wasm/gemm.js';
import { ResidentTape, nativeChain, residentCotangents, residentPlan, residentProducts, residentTape } from './chainResident.js';

/** A row-major matrix: its values and its two extents. */
export interface Matrix {
  /** The entries, row-major, from `at` (a stacked chain's factors share one buffer). */
  readonly data: Float64Array;
  readonly at: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * The prefix products of a chain: P_i is `bufs[i]` from offset `offs[i]` (P_0 is M_0 itself).
 * P_1 … P_{n−2} lie in `chunks`, read by nothing else; the last, the chain's value, in a buffer of its own.
 */
export interface Prefixes {
  readonly bufs: Float64Array[];
  readonly offs: number[];
  readonly chunks: readonly Float64Array[];
}

/**
 * The prefix products P_0 = M_0, P_i = P_{i−1} M_i of a chain, left to right (n − 1 products),
 * P_1 … P_{n−2} carved from chunks — fresh, or `spares` (used chunks, zeroed here where reused) —
 * and P_{n−1} a buffer of its own.
 */
export function chainPrefixes(ms: readonly Matrix[], spares?: Float64Array[]): Prefixes {
  const rows = ms[0]!.rows, n = ms.length;
  let total = 0;
  for (let i = 1; i < n - 1; i++) total += rows * ms[i]!.cols;
  const chunks = new Chunks(total, spares);
  const bufs = [ms[0]!.data], offs = [ms[0]!.at];
  /** Where P_i goes: a place in the chunks, the last a buffer of its own. */
  const place = (i: number): void => {
    if (i === n - 1) {
      bufs.push(uninitializedF64(rows * ms[i]!.cols)); // written by a product or a copy
      offs.push(0);
    } else {
      offs.push(chunks.reserve(rows * ms[i]!.cols));
      bufs.push(chunks.chunk);
    }
  };
  const plan = residentPlan(ms);
  const resident = plan !== null && residentProducts(ms, plan, (i, view, at) => {
    place(i);
    copyRun(bufs[i]!, offs[i]!, view, at, rows * ms[i]!.cols);
  });
  if (resident) return { bufs, offs, chunks: chunks.made };
  const list = chainList(ms);
  for (let i = 1; i < n; i++) {
    const m = ms[i]!;
    place(i);
    product(list, bufs[i - 1]!, offs[i - 1]!, m.data, m.at, bufs[i]!, offs[i]!, rows, m.rows, m.cols, false, false); // written, not added to
  }
  list?.run();
  return { bufs, offs, chunks: chunks.made };
}

/**
 * The prefixes P_1 … P_{n−1} of a chain one after another in one array (P_{n−1}, the chain's value,
 * last), where a jit program carries them from the forward pass to the backward as one value
 * (../../products/chainRecorded.ts); `prefixesOf` reads them back as Prefixes. The array is one of
 * `spares` of its length where there is one (taken out of the list), else fresh.
 *
 * With `leave`, a chain that can run resident leaves its forward pass in the kernel's memory as a
 * tape (as the eager chain does, ./chainResident.ts) and only P_{n−1} is written into the array:
 * P_1 … P_{n−2} reach it when the tape leaves the memory — `leave(tape, array, save)` is called then, and
 * `save()` copies them in — so a backward pass that finds the tape still there copies nothing in
 * or out. Until then the array's other entries are unspecified; `tape` is null where the chain
 * did not stay (every entry written).
 */
export function chainPrefixesFlat(
  ms: readonly Matrix[], spares: Float64Array[] = [], leave: ((tape: ResidentTape, flat: Float64Array, save: () => void) => void) | null = null,
): { flat: Float64Array; tape: ResidentTape | null } {
  const rows = ms[0]!.rows, n = ms.length;
  const offs = flatOffsets(ms);
  const out = takeSpare(spares, offs[n]!) ?? uninitializedF64(offs[n]!); // written by the products or copies below
  const plan = residentPlan(ms);
  const tape = plan === null || leave === null ? null : residentTape(ms, plan, (t) => leave(t, out, () => t.saveInto(out, offs)));
  if (tape !== null) {
    out.set(tape.value, offs[n - 1]!);
    return { flat: out, tape };
  }
  if (plan !== null && residentProducts(ms, plan, (i, view, at) => copyRun(out, offs[i]!, view, at, rows * ms[i]!.cols))) return { flat: out, tape: null };
  const list = chainList(ms);
  for (let i = 1; i < n; i++) {
    const m = ms[i]!;
    const [a, aOff] = i === 1 ? [ms[0]!.data, ms[0]!.at] : [out, offs[i - 1]!];
    product(list, a, aOff, m.data, m.at, out, offs[i]!, rows, m.rows, m.cols, false, false);
  }
  list?.run();
  return { flat: out, tape: null };
}

/** Where P_i lies in chainPrefixesFlat's array (i = 1 … n − 1), and its length at [n]. */
function flatOffsets(ms: readonly Matrix[]): number[] {
  const rows = ms[0]!.rows, offs = [0, 0];
  for (let i = 1; i < ms.length; i++) offs.push(offs[i]! + rows * ms[i]!.cols);
  return offs;
}

/** chainPrefixesFlat's array as Prefixes (P_0 is M_0 itself). */
export function prefixesOf(ms: readonly Matrix[], flat: Float64Array): Prefixes {
  const offs = flatOffsets(ms);
  const bufs = [ms[0]!.data], at = [ms[0]!.at];
  for (let i = 1; i < ms.length; i++) {
    bufs.push(flat);
    at.push(offs[i]!);
  }
  return { bufs, offs: at, chunks: [] };
}

/** P_i of `p` as an array of its own extent (a view, or the buffer itself). */
export function prefixView(p: Prefixes, i: number, size: number): Float64Array {
  const buf = p.bufs[i]!, off = p.offs[i]!;
  return off === 0 && buf.length === size ? buf : new Float64Array(buf.buffer, buf.byteOffset + off * 8, size);
}

/** The chain's product M_0 ⋯ M_{n−1} alone: two buffers used in turn, nothing kept. */
export function chainValue(ms: readonly Matrix[]): Float64Array {
  const rows = ms[0]!.rows, n = ms.length;
  const plan = residentPlan(ms);
  if (plan !== null) {
    const out = uninitializedF64(rows * ms[n - 1]!.cols);
    if (residentProducts(ms, plan, (i, view, at) => {
      if (i === n - 1) copyRun(out, 0, view, at, out.length);
    })) return out;
  }
  let acc = ms[0]!.data, accAt = ms[0]!.at;
  let spare: Float64Array | null = null;
  const list = chainList(ms);
  for (let i = 1; i < n; i++) {
    const m = ms[i]!;
    const c = spare !== null && spare.length === rows * m.cols ? spare : uninitializedF64(rows * m.cols);
    product(list, acc, accAt, m.data, m.at, c, 0, rows, m.rows, m.cols, false, false); // written, not added to
    if (i > 1) spare = acc; // a buffer of ours from the step before (never the caller's M_0)
    acc = c;
    accAt = 0;
  }
  list?.run();
  return n === 1 ? acc.slice(accAt, accAt + rows * ms[0]!.cols) : acc;
}

/** One list for a chain's native products (a call into the addon for all of them), where every product runs natively; else null. */
function chainList(ms: readonly Matrix[]): ProductList | null {
  return nativeChain(ms) ? nativeProductList() : null;
}

/**
 * C = op(A)·op(B), written (C's block holds no values yet): added to `list` (run later, in order)
 * where there is one and `gemm` would run it natively, else now through `gemm` (after the products
 * listed before it). `gemm` keeps products with fewer than 4 rows or columns, or a depth under 8, in
 * JavaScript whatever their volume (a chain of 2-row products, a sweep's products of depth 6): the
 * same path either way, so the same bits.
 */
function product(
  list: ProductList | null, a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  if (list !== null && nativeShape(m, k, n)) {
    list.add(a, aOff, transA ? m : k, b, bOff, transB ? k : n, c, cOff, n, m, k, n, transA, transB, true, nativeThreads(m, k, n));
    return;
  }
  list?.run();
  gemm(a, aOff, b, bOff, c, cOff, m, k, n, transA, transB, true);
}

/** Products below this many multiply-adds stay in JavaScript in `gemm` (its WebAssembly threshold). */
const SMALL_WORK = 16 * 16 * 16;

/**
 * The sweep of `chainCotangents` for chains of small products: R itself, with M̄_i = P_{i−1}ᵀ R_i
 * and R_{i−1} = R_i M_iᵀ as the direct kernels below, which read the transposed operand in place.
 * (For products this small, `gemm`'s blocking and the transposes of the untransposed form cost
 * more than they save: a third of the sweep at 8×8.)
 */
function smallSweep(
  ms: readonly Matrix[], prefixes: Prefixes, g: Float64Array, needs: readonly unknown[], first: number, widest: number,
  chunks: Chunks, out: Array<Float64Array | null>,
): Array<Float64Array | null> {
  const rows = ms[0]!.rows;
  const turns = [uninitializedF64(rows * widest), uninitializedF64(rows * widest)]; // written, never added to
  let R = g;
  for (let i = ms.length - 1, turn = 0; i >= Math.max(first, 1); i--, turn ^= 1) {
    const m = ms[i]!;
    if (needs[i]) {
      out[i] = chunks.take(m.rows * m.cols);
      gemmTN(prefixes.bufs[i - 1]!, prefixes.offs[i - 1]!, R, 0, out[i]!, 0, rows, m.rows, m.cols);
    }
    if (i - 1 < first) continue;
    gemmNT(R, 0, m.data, m.at, turns[turn]!, 0, rows, m.cols, m.rows);
    R = turns[turn]!;
  }
  if (first === 0) {
    const size = rows * ms[0]!.cols;
    out[0] = chunks.take(size);
    out[0]!.set(R.subarray(0, size));
  }
  return out;
}

/** The chain's row count from which a rank-one cotangent takes matrix–vector products (see chainCotangents). */
const RANK_ONE_ROWS = 24;
/**
 * The same where they run natively (native/chain.cc): paired against the sweep on 200 square
 * factors, 0.95 of its time at 8 rows stacked (1.04 as a list of 200 tensors, whose reads by the
 * addon cost as much as the arithmetic — since read as one array where the forward pass's resident
 * tape holds them, below), 0.84 at 12, 0.65–0.77 from 16 to 128.
 */
const NATIVE_RANK_ONE_ROWS = 8;

/**
 * A caller's request for the cotangents as one array, M̄_first … in order: where a sweep can leave
 * them so (./chainResident.ts), it sets `array` and leaves `out` unfilled — no view per factor
 * (200 factors: 200 typed-array objects, ~7 µs of a 125 µs value and gradient at 8×8); elsewhere
 * `array` stays null and `out` holds them one by one.
 */
export interface OneBuffer {
  array: Float64Array | null;
}

/**
 * The cotangents M̄_i = P_{i−1}ᵀ R_i of a chain's factors, with R_{n−1} = g (the output's
 * cotangent) and R_{i−1} = R_i M_iᵀ, for the factors that `needs`; M̄_0 = R_0. (`needs[i]` is
 * read for truthiness.)
 *
 * Written as products without transposed operands, so that each runs in the blocked `gemm` (the
 * WebAssembly kernel where available) without a transposing copy: the sweep carries
 * Q_i = R_iᵀ instead, Q_{i−1} = M_i Q_i, and M̄_i = (Q_i P_{i−1})ᵀ, one product into a scratch
 * buffer and a tiled transpose into the output. One transposition of a matrix per step, where
 * P_{i−1}ᵀ R_i and R_i M_iᵀ would transpose two operands.
 *
 * The prefixes are given as arrays, or as a forward pass still in the WebAssembly kernel's
 * memory (a present `ResidentTape`), whose sweep then reads everything where it lies.
 */
export function chainCotangents(
  ms: readonly Matrix[], prefixes: Prefixes | ResidentTape, g: Float64Array, needs: readonly unknown[], oneBuffer: OneBuffer | null = null,
): Array<Float64Array | null> {
  const n = ms.length;
  const rows = ms[0]!.rows;
  const first = needs.findIndex(Boolean);
  const out = new Array<Float64Array | null>(n).fill(null);
  if (first < 0) return out;
  let widest = 0, largest = 0, work = 0, total = 0;
  ms.forEach((m, i) => {
    widest = Math.max(widest, m.rows, m.cols);
    largest = Math.max(largest, m.rows * m.cols);
    work = Math.max(work, rows * m.rows * m.cols);
    if (needs[i]) total += m.rows * m.cols;
  });
  // Ḡ = u vᵀ: matrix–vector products, the prefixes unread (./chainRankOne.ts) — 3 Σ rᵢcᵢ scalar
  // steps against the sweep's 2·rows·Σ rᵢcᵢ multiply-adds in the SIMD kernel, which on 200 square
  // factors cost the same at rows ≈ 22 (24: 0.90 of the sweep's time, 32: 0.52, 64: 0.57; 16: 1.26).
  const uv = rows >= (nativeRankOneChain() !== null ? NATIVE_RANK_ONE_ROWS : RANK_ONE_ROWS) ? rankOneFactors(g, rows, ms[n - 1]!.cols) : null;
  if (uv !== null) {
    // The factors where a present tape holds them, one run of the kernel's memory: for a list of
    // factors, one array for the native sweep to read where it would read one per factor.
    const resident = prefixes instanceof ResidentTape && prefixes.present ? prefixes.factors() : ms;
    rankOneCotangents(resident, uv.u, uv.v, needs, first, out, oneBuffer);
    return out;
  }
  if (prefixes instanceof ResidentTape) {
    prefixes.cotangents(g, needs, first, out, oneBuffer);
    return out;
  }
  const chunks = new Chunks(total);
  const plan = residentPlan(ms);
  if (plan !== null && residentCotangents(ms, plan, prefixes, g, needs, first, out, oneBuffer)) return out;
  if (nativeChain(ms)) return nativeSweep(ms, prefixes, g, needs, first, widest, total, out, oneBuffer);
  if (work < SMALL_WORK) return smallSweep(ms, prefixes, g, needs, first, widest, chunks, out);
  const turns = [new Float64Array(rows * widest), new Float64Array(rows * widest)];
  const scratch = new Float64Array(largest);
  const last = ms[n - 1]!;
  transposeInto(g, 0, rows, last.cols, turns[0]!); // Q_{n−1} = gᵀ
  let Q = turns[0]!;
  for (let i = n - 1, turn = 1; i >= Math.max(first, 1); i--, turn ^= 1) {
    const m = ms[i]!; // [a, b]; Q_i is [b, rows], P_{i−1} is [rows, a]
    if (needs[i]) {
      scratch.fill(0, 0, m.cols * m.rows);
      gemm(Q, 0, prefixes.bufs[i - 1]!, prefixes.offs[i - 1]!, scratch, 0, m.cols, rows, m.rows); // M̄_iᵀ = Q_i P_{i−1}  [b, a]
      out[i] = chunks.take(m.rows * m.cols);
      transposeInto(scratch, 0, m.cols, m.rows, out[i]!);
    }
    if (i - 1 < first) continue;
    const next = turns[turn]!;
    next.fill(0, 0, m.rows * rows);
    gemm(m.data, m.at, Q, 0, next, 0, m.rows, m.cols, rows); // Q_{i−1} = M_i Q_i  [a, rows]
    Q = next;
  }
  if (first === 0) {
    out[0] = chunks.take(rows * ms[0]!.cols);
    transposeInto(Q, 0, ms[0]!.cols, rows, out[0]!); // M̄_0 = R_0 = Q_0ᵀ
  }
  return out;
}

/**
 * The sweep of `chainCotangents` where every product runs natively (./chainResident.ts
 * `nativeChain`): R itself, M̄_i = P_{i−1}ᵀ R_i written straight into its place and
 * R_{i−1} = R_i M_iᵀ, the transposed operands read where they lie (the native kernel packs its
 * operands whatever their layout). The same sums in the same order as the transposed form's
 * products (each entry the same in-order chain over the rows), so the same bits.
 */
function nativeSweep(
  ms: readonly Matrix[], prefixes: Prefixes, g: Float64Array, needs: readonly unknown[], first: number, widest: number,
  total: number, out: Array<Float64Array | null>, oneBuffer: OneBuffer | null,
): Array<Float64Array | null> {
  const rows = ms[0]!.rows;
  // Each M̄_i at its place in one array (asked for: no view per factor), or a view of a chunk.
  const whole = oneBuffer !== null ? uninitializedF64(total) : null; // every place written by a product or a copy
  const chunks = whole === null ? new Chunks(total) : null;
  let end = total;
  const place = (i: number, size: number): [Float64Array, number] => {
    if (whole !== null) return [whole, (end -= size)];
    out[i] = chunks!.take(size);
    return [out[i]!, 0];
  };
  const turns = [uninitializedF64(rows * widest), uninitializedF64(rows * widest)]; // written, never added to
  const list = chainList(ms);
  let R = g;
  for (let i = ms.length - 1, turn = 0; i >= Math.max(first, 1); i--, turn ^= 1) {
    const m = ms[i]!; // [a, b]; R_i is [rows, b], P_{i−1} is [rows, a]
    if (needs[i]) {
      const [c, at] = place(i, m.rows * m.cols);
      product(list, prefixes.bufs[i - 1]!, prefixes.offs[i - 1]!, R, 0, c, at, m.rows, rows, m.cols, true, false); // M̄_i = P_{i−1}ᵀ R_i
    }
    if (i - 1 < first) continue;
    product(list, R, 0, m.data, m.at, turns[turn]!, 0, rows, m.cols, m.rows, false, true); // R_{i−1} = R_i M_iᵀ  [rows, a]
    R = turns[turn]!;
  }
  list?.run(); // before R_0 is read below
  if (first === 0) {
    const size = rows * ms[0]!.cols, [c, at] = place(0, size);
    c.set(R.subarray(0, size), at);
  }
  if (oneBuffer !== null) oneBuffer.array = whole;
  return out;
}

/*
 * The two kernels below keep a 2×4 block of C in eight local variables over the whole summed
 * axis, loading 2 + 4 values for 8 multiply-adds, and write C once: on 8×8 factors about 1.6×
 * the speed of rank-one row updates of C in memory (Aᵀ B) and of one row against four (A Bᵀ),
 * which load or store C, or load A, once per multiply-add or four. (Sixteen accumulators, a 4×4
 * block, measured no faster here.) C is overwritten, never accumulated into.
 */

/** C[k,n] = Aᵀ B for A[m,k], B[m,n] (at offsets): each C[p, j] a sum over the rows i of A and B, in order. */
function gemmTN(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number, m: number, k: number, n: number,
): void {
  const n4 = n - (n % 4);
  let p = 0;
  for (; p + 2 <= k; p += 2) {
    const o = cOff + p * n;
    let j = 0;
    for (; j < n4; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let i = 0, ai = aOff + p, bi = bOff + j; i < m; i++, ai += k, bi += n) {
        const x = a[ai]!, y = a[ai + 1]!, v0 = b[bi]!, v1 = b[bi + 1]!, v2 = b[bi + 2]!, v3 = b[bi + 3]!;
        s0 += x * v0; s1 += x * v1; s2 += x * v2; s3 += x * v3;
        t0 += y * v0; t1 += y * v1; t2 += y * v2; t3 += y * v3;
      }
      c[o + j] = s0; c[o + j + 1] = s1; c[o + j + 2] = s2; c[o + j + 3] = s3;
      c[o + n + j] = t0; c[o + n + j + 1] = t1; c[o + n + j + 2] = t2; c[o + n + j + 3] = t3;
    }
    for (; j < n; j++) {
      let s = 0, t = 0;
      for (let i = 0, ai = aOff + p, bi = bOff + j; i < m; i++, ai += k, bi += n) {
        const v = b[bi]!;
        s += a[ai]! * v; t += a[ai + 1]! * v;
      }
      c[o + j] = s; c[o + n + j] = t;
    }
  }
  for (; p < k; p++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0, ai = aOff + p, bi = bOff + j; i < m; i++, ai += k, bi += n) s += a[ai]! * b[bi]!;
      c[cOff + p * n + j] = s;
    }
  }
}

/** C[m,n] = A Bᵀ for A[m,k], B[n,k] (at offsets): each C[i, j] the dot product of row i of A and row j of B, in order. */
function gemmNT(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number, m: number, k: number, n: number,
): void {
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = aOff + i * k, a1 = a0 + k, o = cOff + i * n;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p]!, y = a[a1 + p]!, v0 = b[b0 + p]!, v1 = b[b1 + p]!, v2 = b[b2 + p]!, v3 = b[b3 + p]!;
        s0 += x * v0; s1 += x * v1; s2 += x * v2; s3 += x * v3;
        t0 += y * v0; t1 += y * v1; t2 += y * v2; t3 += y * v3;
      }
      c[o + j] = s0; c[o + j + 1] = s1; c[o + j + 2] = s2; c[o + j + 3] = s3;
      c[o + n + j] = t0; c[o + n + j + 1] = t1; c[o + n + j + 2] = t2; c[o + n + j + 3] = t3;
    }
    for (; j < n; j++) {
      const bj = bOff + j * k;
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const v = b[bj + p]!;
        s += a[a0 + p]! * v; t += a[a1 + p]! * v;
      }
      c[o + j] = s; c[o + n + j] = t;
    }
  }
  for (; i < m; i++) {
    const ai = aOff + i * k;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      c[cOff + i * n + j] = s;
    }
  }
}
