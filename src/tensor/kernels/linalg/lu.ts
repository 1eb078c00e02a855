/** @file LU factorisation with partial pivoting (P A = L U), batched, and solves and determinants from it. No AD here. */
import { gemm } from '../matmul.js';
import { substitute } from './triangular.js';
import { residentProducts, type ResidentProducts } from '../wasm/gemm.js';
import { nativeLuFactor } from '../native/nativeGemm.js';
import { threadsInfo } from '../../threads/pool.js';
import { uninitializedF64 } from '../../alloc.js';

export interface LuFactors {
  /** L (unit lower, below the diagonal) and U (upper, diagonal included) packed in one n×n matrix per batch entry. */
  readonly lu: Float64Array;
  /** Row i of P A is row perm[t·n + i] of A. */
  readonly perm: Int32Array;
  /** det(P) = ±1 per batch entry. */
  readonly parity: Float64Array;
  /** The first batch entry with an exactly zero pivot (singular), or −1. */
  readonly singular: number;
}

/** Matrices up to this order are factored unblocked (dgetf2; the exact pivot products of small integer matrices); larger ones recursively. */
const UNBLOCKED_MAX = 96;
/**
 * Matrices above this order are factored in the matrix kernel's memory where it runs
 * (factorInMemory): at 96 that took 0.4 of the unblocked factorisation's time, at 64 about the same.
 */
const RESIDENT_AFTER = 64;
/** Columns of the recursion's leaves, factored unblocked. */
const LEAF = 16;
/**
 * Columns of factorInMemory's leaves, and rows of its triangular solves' leaves (multiples of 4, the
 * kernel's block). With the native product (../native/nativeGemm.ts) solve leaves of 4 rows took
 * 0.85–0.9 of the time of 8 for the factorisation at 256 and 512 (more of the work in products);
 * with WebAssembly's, 0.95–1.0.
 */
const PANEL_LEAF = 4;
const SOLVE_LEAF = 4;

/**
 * LU with partial pivoting (LAPACK's dgetrf; the pivot of column k is its largest entry on or
 * below the diagonal, rows swapped across the whole matrix). Stable in practice (growth factor
 * bounded by 2ⁿ⁻¹, small for all but contrived matrices; Higham, "Accuracy and Stability of
 * Numerical Algorithms", ch. 9). Above RESIDENT_AFTER where the WebAssembly matrix kernel runs
 * (else above UNBLOCKED_MAX), recursive (Toledo 1997; LAPACK's dgetrf2): the left half of the
 * columns factored, then U12 = L11⁻¹ A12 and A22 −= L21 U12 by a triangular solve and one matrix
 * product, then the right half — so that almost all of the 2n³/3 flops run in the matrix kernel.
 * Same pivots and, up to rounding, the same factors as the unblocked algorithm.
 */
export function luFactor(a: Float64Array, count: number, n: number): LuFactors {
  const np = n + (-n & 3);
  // An order that needs no padding is factored natively where it lies (in lu, a copy of a): the
  // same recursion on the same numbers as in the kernel's memory, without copying each matrix in and
  // its factors out (two passes over 512 kB at n = 256).
  const inPlace = n > RESIDENT_AFTER && np === n ? nativeLuFactor() : null;
  const resident = n > RESIDENT_AFTER && inPlace === null ? residentProducts(np * np) : null;
  // Resident, each matrix goes from a into the kernel's memory and its factors from there into lu
  // (every entry); else lu starts as a copy of a and is factored in place.
  // (Copied by set into uninitialised memory: slice zero-fills its new buffer first. The copy alone,
  // alternating in one process: 0.70 of slice's time at n = 256, 0.86 at 512.)
  const lu = uninitializedF64(a.length);
  if (resident === null) lu.set(a);
  const perm = new Int32Array(count * n);
  const parity = new Float64Array(count);
  let singular = -1;
  for (let t = 0; t < count; t++) {
    const off = t * n * n, p = perm.subarray(t * n, (t + 1) * n);
    for (let i = 0; i < n; i++) p[i] = i;
    const state = { sign: 1, zero: false };
    if (inPlace !== null) factorNatively(inPlace, lu.subarray(off, off + n * n), n, p, state);
    else if (resident !== null) factorInMemory(resident, a, lu, off, n, np, p, state);
    else if (n <= UNBLOCKED_MAX) factorPanel(lu, off, n, n, 0, n, p, state, 1);
    else factorRecursive(lu, off, n, 0, n, p, state);
    if (state.zero && singular < 0) singular = t;
    parity[t] = state.sign;
  }
  return { lu, perm, parity, singular };
}

/** What the factorisation has found so far: det(P)'s sign, and whether a pivot was exactly zero. */
interface PivotState { sign: number; zero: boolean }

/**
 * The recursive factorisation of the matrix at `off` of `a`, into `lu`, with the matrix in the
 * matrix kernel's memory for the whole run (copied in once and out once) and every product run
 * there in place, on blocks of the matrix at its row length — no packing or staging per product (at n = 512 those copies, and the products'
 * own staging, took about as long as the products). The matrix is padded to np, a multiple of 4,
 * with the identity: the LU of [[A, 0], [0, I]] is that of A beside I's (a pad row never wins a
 * pivot: its entries in A's columns are 0, and a pivot moves only for a strictly larger entry).
 * The multipliers are kept negated while it runs, so that the update A22 −= L21·U12 is the
 * kernel's C += A·B with A = −L21 as stored; they are negated back (exactly) at the end.
 */
function factorInMemory(r: ResidentProducts, a: Float64Array, lu: Float64Array, off: number, n: number, np: number, perm: Int32Array, state: PivotState): void {
  const v = r.view;
  for (let i = 0; i < np; i++) {
    const row = i * np;
    if (i < n) {
      v.set(a.subarray(off + i * n, off + (i + 1) * n), row);
      v.fill(0, row + n, row + np);
    } else {
      v.fill(0, row, row + np);
      v[row + i] = 1;
    }
  }
  const native = nativeLuFactor();
  if (native !== null) { // the same recursion natively (native/lu.cc): the same bits, no call per product
    factorNatively(native, v, np, perm, state, n);
  } else {
    const padded = np === n ? perm : new Int32Array(np).map((_, i) => (i < n ? perm[i]! : i));
    factorBlock(r, np, 0, np, padded, state);
    if (padded !== perm) perm.set(padded.subarray(0, n));
    for (let i = 0; i < n; i++) for (let j = 0, row = i * np; j < i; j++) v[row + j] = -v[row + j]!;
  }
  for (let i = 0; i < n; i++) lu.set(v.subarray(i * np, i * np + n), off + i * n);
}

/**
 * The matrix v (ld × ld, rows ld apart; the first n rows and columns the matrix, the rest padding)
 * factored by native/lu.cc's recursion, its multipliers negated back there; the pivots into perm's
 * first n entries.
 */
function factorNatively(native: NonNullable<ReturnType<typeof nativeLuFactor>>, v: Float64Array, ld: number, perm: Int32Array, state: PivotState, n = ld): void {
  const order = Float64Array.from({ length: ld }, (_, i) => (i < n ? perm[i]! : i));
  const found = native(v, order, ld, threadsInfo().threads, n);
  for (let i = 0; i < n; i++) perm[i] = order[i]!;
  state.sign *= found.sign;
  state.zero ||= found.zero;
}

/** Columns [c0, c1) of the resident matrix (row length ld), recursively: as factorRecursive, in place. */
function factorBlock(r: ResidentProducts, ld: number, c0: number, c1: number, perm: Int32Array, state: PivotState): void {
  if (c1 - c0 <= PANEL_LEAF) {
    factorPanel(r.view, 0, ld, ld, c0, c1, perm, state, -1);
    return;
  }
  const mid = c0 + Math.ceil((c1 - c0) / 2 / PANEL_LEAF) * PANEL_LEAF;
  factorBlock(r, ld, c0, mid, perm, state);
  solveUnitLower(r, ld, c0, mid, mid, c1); // U12 = L11⁻¹ A12
  const at = (i: number, j: number) => (i * ld + j) * 8;
  r.multiplyAdd(at(mid, c0), at(c0, mid), at(mid, mid), ld - mid, mid - c0, c1 - mid, ld); // A22 += (−L21) U12
  factorBlock(r, ld, mid, c1, perm, state);
}

/**
 * Rows [r0, r1) of columns [j0, j1) of the resident matrix overwritten by L⁻¹ times them, L the
 * unit lower triangle of its diagonal block [r0, r1)² (stored negated): recursively, the top half
 * solved first, its contribution −L[bottom, top]·X[top] added to the bottom half by one product in
 * place, then the bottom half (the recursive dtrsm of ./triangular.ts).
 */
function solveUnitLower(r: ResidentProducts, ld: number, r0: number, r1: number, j0: number, j1: number): void {
  const v = r.view;
  if (r1 - r0 <= SOLVE_LEAF) {
    for (let i = r0 + 1; i < r1; i++) {
      const xi = i * ld;
      for (let p = r0; p < i; p++) {
        const f = v[xi + p]!; // −l_ip
        if (f === 0) continue;
        const xp = p * ld;
        for (let j = j0; j < j1; j++) v[xi + j] += f * v[xp + j]!;
      }
    }
    return;
  }
  const mid = r0 + Math.ceil((r1 - r0) / 2 / SOLVE_LEAF) * SOLVE_LEAF;
  solveUnitLower(r, ld, r0, mid, j0, j1);
  const at = (i: number, j: number) => (i * ld + j) * 8;
  r.multiplyAdd(at(mid, r0), at(r0, j0), at(mid, j0), r1 - mid, mid - r0, j1 - j0, ld);
  solveUnitLower(r, ld, mid, r1, j0, j1);
}

/** Columns [c0, c1) over rows c0…, recursively (see luFactor); the products on packed copies, where the kernel's memory is not used. */
function factorRecursive(lu: Float64Array, off: number, n: number, c0: number, c1: number, perm: Int32Array, state: PivotState): void {
  if (c1 - c0 <= LEAF) {
    factorPanel(lu, off, n, n, c0, c1, perm, state, 1);
    return;
  }
  const mid = c0 + Math.ceil((c1 - c0) / 2 / LEAF) * LEAF;
  factorRecursive(lu, off, n, c0, mid, perm, state);
  updateRight(lu, off, n, c0, mid, c1);
  factorRecursive(lu, off, n, mid, c1, perm, state);
}

/**
 * Unblocked LU of columns [k0, k1) over rows k0…rows − 1 of a matrix of row length ld (dgetf2):
 * for each column, the pivot row is swapped in (whole rows), the multipliers below it are formed
 * (stored times `sign`: −1 while factorInMemory runs), and the remaining panel columns updated
 * along contiguous row segments. With k0 = 0, k1 = rows = ld = n this is the whole factorisation.
 */
function factorPanel(lu: Float64Array, off: number, ld: number, rows: number, k0: number, k1: number, perm: Int32Array, state: PivotState, sign: 1 | -1): void {
  for (let k = k0; k < k1; k++) {
    let p = k, best = Math.abs(lu[off + k * ld + k]!);
    for (let i = k + 1; i < rows; i++) {
      const v = Math.abs(lu[off + i * ld + k]!);
      if (v > best) { best = v; p = i; }
    }
    const rk = off + k * ld;
    if (p !== k) {
      const rp = off + p * ld;
      for (let j = 0; j < ld; j++) { const s = lu[rk + j]!; lu[rk + j] = lu[rp + j]!; lu[rp + j] = s; }
      const s = perm[k]!; perm[k] = perm[p]!; perm[p] = s;
      state.sign = -state.sign;
    }
    const pivot = lu[rk + k]!;
    if (pivot === 0) {
      state.zero = true;
      // No multipliers: the column below stays as it is (±0, or NaN), as dgetf2 leaves it. Stored
      // times `sign` like the multipliers, so that factorInMemory's negation at the end gives it
      // back as it was (else L held −0 there with the kernel on, +0 with it off).
      if (sign < 0) for (let i = k + 1; i < rows; i++) lu[off + i * ld + k] = -lu[off + i * ld + k]!;
      continue;
    }
    for (let i = k + 1; i < rows; i++) {
      const ri = off + i * ld;
      const f = lu[ri + k]! / pivot;
      lu[ri + k] = sign * f;
      if (f === 0) continue;
      for (let j = k + 1; j < k1; j++) lu[ri + j] -= f * lu[rk + j]!;
    }
  }
}

/**
 * After columns [c0, mid) are factored, their effect on columns [mid, c1): U12 = L11⁻¹ A12 (a
 * unit lower triangular solve), then A22 −= L21 U12 as one matrix product (the matmul kernel,
 * WebAssembly SIMD where available), on packed copies.
 */
function updateRight(lu: Float64Array, off: number, n: number, c0: number, mid: number, c1: number): void {
  const nb = mid - c0, cols = c1 - mid, rows = n - mid;
  const l11 = new Float64Array(nb * nb), u12 = new Float64Array(nb * cols);
  for (let i = 0; i < nb; i++) {
    const r = off + (c0 + i) * n;
    l11.set(lu.subarray(r + c0, r + c0 + i), i * nb); // strictly lower part: the unit diagonal is implied
    u12.set(lu.subarray(r + mid, r + c1), i * cols);
  }
  substitute(l11, 0, nb, true, false, true, u12, 0, cols);
  for (let i = 0; i < nb; i++) lu.set(u12.subarray(i * cols, (i + 1) * cols), off + (c0 + i) * n + mid);
  if (rows === 0) return;
  const l21 = new Float64Array(rows * nb), a22 = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = off + (mid + i) * n;
    for (let q = 0; q < nb; q++) l21[i * nb + q] = -lu[r + c0 + q]!;
    a22.set(lu.subarray(r + mid, r + c1), i * cols);
  }
  gemm(l21, 0, u12, 0, a22, 0, rows, nb, cols);
  for (let i = 0; i < rows; i++) lu.set(a22.subarray(i * cols, (i + 1) * cols), off + (mid + i) * n + mid);
}

/** X = A⁻¹ B for each batch entry from A's factors; B is n×k per entry. */
export function luSolve(f: LuFactors, b: Float64Array, count: number, n: number, k: number, out: Float64Array): Float64Array {
  for (let t = 0; t < count; t++) {
    const bo = t * n * k;
    // Row i of P B: one entry a row for one right-hand side (a subarray and a set per row took
    // half of the two substitutions' time at n = 256).
    if (k === 1) for (let i = 0; i < n; i++) out[bo + i] = b[bo + f.perm[t * n + i]!]!;
    else {
      for (let i = 0; i < n; i++) {
        const src = bo + f.perm[t * n + i]! * k;
        out.set(b.subarray(src, src + k), bo + i * k);
      }
    }
    substitute(f.lu, t * n * n, n, true, false, true, out, bo, k);
    substitute(f.lu, t * n * n, n, false, false, false, out, bo, k);
  }
  return out;
}

/**
 * Y = A⁻ᵀ G for each batch entry from A's factors (G n×k per entry): with P A = L U, Aᵀ = Uᵀ Lᵀ P,
 * so Uᵀ Z = G (forward), Lᵀ W = Z (backward, unit), then Y = Pᵀ W (row i of W is row perm[i] of Y).
 */
export function luSolveTransposed(f: LuFactors, g: Float64Array, count: number, n: number, k: number, out: Float64Array): Float64Array {
  const w = new Float64Array(n * k);
  for (let t = 0; t < count; t++) {
    const bo = t * n * k;
    w.set(g.subarray(bo, bo + n * k));
    substitute(f.lu, t * n * n, n, false, true, false, w, 0, k);
    substitute(f.lu, t * n * n, n, true, true, true, w, 0, k);
    if (k === 1) for (let i = 0; i < n; i++) out[bo + f.perm[t * n + i]!] = w[i]!;
    else for (let i = 0; i < n; i++) out.set(w.subarray(i * k, (i + 1) * k), bo + f.perm[t * n + i]! * k);
  }
  return out;
}
