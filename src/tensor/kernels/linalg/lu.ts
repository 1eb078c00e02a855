/** @file LU factorisation with partial pivoting (P A = L U), batched, and solves and determinants from it. No AD here. */
import { gemm } from '../matmul.js';
import { substitute } from './triangular.js';

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
/** Columns of the recursion's leaves, factored unblocked. */
const LEAF = 16;

/**
 * LU with partial pivoting (LAPACK's dgetrf; the pivot of column k is its largest entry on or
 * below the diagonal, rows swapped across the whole matrix). Stable in practice (growth factor
 * bounded by 2ⁿ⁻¹, small for all but contrived matrices; Higham, "Accuracy and Stability of
 * Numerical Algorithms", ch. 9). Above UNBLOCKED_MAX, recursive (Toledo 1997; LAPACK's dgetrf2):
 * the left half of the columns factored, then U12 = L11⁻¹ A12 and A22 −= L21 U12 by a triangular
 * solve and one matrix product, then the right half — so that almost all of the 2n³/3 flops run in
 * the matrix kernel. Same pivots and, up to rounding, the same factors as the unblocked algorithm.
 */
export function luFactor(a: Float64Array, count: number, n: number): LuFactors {
  const lu = Float64Array.from(a);
  const perm = new Int32Array(count * n);
  const parity = new Float64Array(count);
  let singular = -1;
  for (let t = 0; t < count; t++) {
    const off = t * n * n, p = perm.subarray(t * n, (t + 1) * n);
    for (let i = 0; i < n; i++) p[i] = i;
    const state = { sign: 1, zero: false };
    if (n <= UNBLOCKED_MAX) factorPanel(lu, off, n, 0, n, p, state);
    else factorRecursive(lu, off, n, 0, n, p, state);
    if (state.zero && singular < 0) singular = t;
    parity[t] = state.sign;
  }
  return { lu, perm, parity, singular };
}

/** What the factorisation has found so far: det(P)'s sign, and whether a pivot was exactly zero. */
interface PivotState { sign: number; zero: boolean }

/** Columns [c0, c1) over rows c0…, recursively (see luFactor). */
function factorRecursive(lu: Float64Array, off: number, n: number, c0: number, c1: number, perm: Int32Array, state: PivotState): void {
  if (c1 - c0 <= LEAF) {
    factorPanel(lu, off, n, c0, c1, perm, state);
    return;
  }
  const mid = c0 + Math.ceil((c1 - c0) / 2 / LEAF) * LEAF;
  factorRecursive(lu, off, n, c0, mid, perm, state);
  updateRight(lu, off, n, c0, mid, c1);
  factorRecursive(lu, off, n, mid, c1, perm, state);
}

/**
 * Unblocked LU of columns [k0, k1) over rows k0… (dgetf2): for each column, the pivot row is swapped
 * in (whole rows), the multipliers below it are formed, and the remaining panel columns updated
 * along contiguous row segments. With k0 = 0, k1 = n this is the whole factorisation.
 */
function factorPanel(lu: Float64Array, off: number, n: number, k0: number, k1: number, perm: Int32Array, state: PivotState): void {
  for (let k = k0; k < k1; k++) {
    let p = k, best = Math.abs(lu[off + k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[off + i * n + k]!);
      if (v > best) { best = v; p = i; }
    }
    const rk = off + k * n;
    if (p !== k) {
      const rp = off + p * n;
      for (let j = 0; j < n; j++) { const s = lu[rk + j]!; lu[rk + j] = lu[rp + j]!; lu[rp + j] = s; }
      const s = perm[k]!; perm[k] = perm[p]!; perm[p] = s;
      state.sign = -state.sign;
    }
    const pivot = lu[rk + k]!;
    if (pivot === 0) { state.zero = true; continue; }
    for (let i = k + 1; i < n; i++) {
      const ri = off + i * n;
      const f = lu[ri + k]! / pivot;
      lu[ri + k] = f;
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
    for (let i = 0; i < n; i++) {
      const src = bo + f.perm[t * n + i]! * k;
      out.set(b.subarray(src, src + k), bo + i * k);
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
    for (let i = 0; i < n; i++) out.set(w.subarray(i * k, (i + 1) * k), bo + f.perm[t * n + i]! * k);
  }
  return out;
}
