/**
 * @file Cholesky A = L Lᵀ with the matrix resident in the matrix kernel's memory for the whole
 * factorisation, recursively (Gustavson 1997; Elmroth, Gustavson, Jonsson & Kågström, SIAM Review
 * 2004): every product of the recursion runs in place on blocks of the matrix, with no packing or
 * staging per product. No AD here.
 *
 * Layout. The kernel multiplies row-major blocks as C += op(A)·B with op(A) = A or Aᵀ, never Bᵀ;
 * so the factor is kept as U = Lᵀ, row-major (L column-major): A = Uᵀ U, and the recursion on
 * A = [[A11, A12], [A12ᵀ, A22]] is U11 = chol(A11), U12 = U11⁻ᵀ A12 (a forward substitution on
 * rows), A22 −= U12ᵀ U12, U22 = chol(A22) — both products of the form Aᵀ·B.
 *
 * Signs. Every value is stored negated, S = −(what the algorithm holds), so that the kernel's
 * C += op(A)·B performs the algorithm's subtractions: A22 − U12ᵀU12 is −(S22 + S12ᵀS12) (two
 * negations cancel in the product), and the substitution's X[t] − U[f,t]ᵀ X[f] is likewise
 * −(S[t] + S[f,t]ᵀ S[f]). Negation is exact: the same numbers as the plain algorithm's.
 *
 * The matrix is padded to np, a multiple of 4 (the kernel's block), with the identity: the factor
 * of [[A, 0], [0, I]] is [[U, 0], [0, I]].
 */
import type { ResidentProducts } from '../wasm/gemm.js';
import { symmetricMean } from './eigh.js';

/** Diagonal blocks of this order are factored in plain loops. */
const LEAF = 8;
/** Rows of the substitution's leaves. */
const SOLVE_LEAF = 4;
/** Diagonal blocks of A22 −= U12ᵀU12 up to this order are updated whole (both triangles); larger ones are split. */
const SYRK_LEAF = 16;

/**
 * Factors the n×n matrix at `off` of `l` (its lower triangle read) in the kernel's memory `r`, of
 * at least np² float64s, np = n rounded up to a multiple of 4; writes L to the lower triangle and
 * zeroes the strict upper one. Returns −1, or the (0-based) row at which a leading minor was found
 * not positive (NaN included), as choleskyInPlace. With `out`, L goes there instead (n×n at
 * `outOff`) and the factor is of the symmetric part ½(A + Aᵀ) of the matrix at `off` (both
 * triangles read, symmetricMean: ./symmetricPart.ts), with no copy of it made first.
 */
export function choleskyResident(r: ResidentProducts, l: Float64Array, off: number, n: number, out: Float64Array | null = null, outOff = 0): number {
  const np = n + (-n & 3), v = r.view;
  // In: S = −U's start, the upper triangle of A: S[j, i] = −A[i, j] for j ≤ i (read from A's lower
  // triangle, or from both). Only the upper triangle is read (the products' lower halves within
  // diagonal blocks are never used), so only the padding is cleared.
  copyIn(l, off, n, v, np, out !== null);
  for (let i = 0; i < n; i++) v.fill(0, i * np + n, (i + 1) * np);
  for (let i = n; i < np; i++) { v.fill(0, i * np, (i + 1) * np); v[i * np + i] = -1; }
  const failed = factor(r, np, 0, np);
  // Out: L[i, j] = U[j, i] = −S[j, i] for j ≤ i, zero above.
  const dst = out ?? l, dOff = out === null ? off : outOff;
  for (let i = 0; i < n; i++) dst.fill(0, dOff + i * n + i + 1, dOff + (i + 1) * n);
  copyOut(v, np, dst, dOff, n);
  return failed < n ? failed : -1;
}

/** Tiles of the transposing copies: two 32×32 tiles of float64s stay in the first-level cache. */
const TILE = 32;

/**
 * In: v[j·np + i] = −a_ij for j ≤ i < n (A's lower triangle into the upper one, negated), or with
 * `symmetrize` −½(a_ij + a_ji) (symmetricMean), tile by tile so that the strided side stays in
 * cache (a plain double loop took about as long as the factorisation's products at n = 512). The
 * copy in and the copy out are separate functions: each reads one kind of array and writes the
 * other (the kernel's memory may be shared), so each stays monomorphic (one function for both
 * took 5 ns an element at n = 200).
 */
function copyIn(src: Float64Array, sOff: number, n: number, v: Float64Array, np: number, symmetrize: boolean): void {
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = 0; j0 < i1; j0 += TILE) {
      const j1 = Math.min(i1, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const si = sOff + i * n, hi = Math.min(j1, i);
        if (symmetrize) for (let j = j0; j < hi; j++) v[j * np + i] = -symmetricMean(src[si + j]!, src[sOff + j * n + i]!);
        else for (let j = j0; j < hi; j++) v[j * np + i] = -src[si + j]!;
        if (i >= j0 && i < j1) v[i * np + i] = -src[si + i]!;
      }
    }
  }
}

/** Out: dst[dOff + i·n + j] = −v[j·np + i] for j ≤ i < n (the negated upper factor back as L), by tiles. */
function copyOut(v: Float64Array, np: number, dst: Float64Array, dOff: number, n: number): void {
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = 0; j0 < i1; j0 += TILE) {
      const j1 = Math.min(i1, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const di = dOff + i * n, hi = Math.min(j1, i + 1);
        for (let j = j0; j < hi; j++) dst[di + j] = -v[j * np + i]!;
      }
    }
  }
}

/** The diagonal block [r0, r1)² of the (negated) upper factor, every update from rows before r0 applied; −1 or the failing row. */
function factor(r: ResidentProducts, ld: number, r0: number, r1: number): number {
  if (r1 - r0 <= LEAF) return factorLeaf(r.view, ld, r0, r1);
  const mid = r0 + Math.ceil((r1 - r0) / 2 / LEAF) * LEAF;
  const first = factor(r, ld, r0, mid);
  if (first >= 0) return first;
  substitute(r, ld, r0, mid, mid, r1); //   U12 = U11⁻ᵀ A12
  gramUpdate(r, ld, mid, r1, r0, mid); //   A22 −= U12ᵀ U12
  return factor(r, ld, mid, r1);
}

/**
 * Cholesky–Crout on the block, in the negated storage: u_ii = √(a_ii − Σ_p u_pi²), then
 * u_ij = (a_ij − Σ_p u_pi u_pj) / u_ii for j > i, p over the block's rows above i.
 */
function factorLeaf(v: Float64Array, ld: number, r0: number, r1: number): number {
  for (let i = r0; i < r1; i++) {
    let s = -v[i * ld + i]!;
    for (let p = r0; p < i; p++) { const u = v[p * ld + i]!; s -= u * u; }
    if (!(s > 0)) return i; // also NaN
    const d = Math.sqrt(s);
    v[i * ld + i] = -d;
    for (let j = i + 1; j < r1; j++) {
      let t = -v[i * ld + j]!;
      for (let p = r0; p < i; p++) t -= v[p * ld + i]! * v[p * ld + j]!;
      v[i * ld + j] = -(t / d);
    }
  }
  return -1;
}

/**
 * Rows [r0, r1) of columns [c0, c1) overwritten by U11⁻ᵀ times them, U11 the upper factor's
 * diagonal block [r0, r1)² (U11ᵀ lower: substitution forward): recursively, the top rows solved,
 * their contribution −U11[top, bottom]ᵀ·X[top] taken out of the bottom rows by one product in
 * place (the kernel's transposed-A form), then the bottom rows.
 */
function substitute(r: ResidentProducts, ld: number, r0: number, r1: number, c0: number, c1: number): void {
  const v = r.view;
  if (r1 - r0 <= SOLVE_LEAF) {
    // x_i = (b_i − Σ_p u_pi x_p) / u_ii; negated: s_i ← (s_i + Σ_p S_pi s_p) / (−S_ii).
    for (let i = r0; i < r1; i++) {
      const xi = i * ld;
      for (let p = r0; p < i; p++) {
        const f = v[p * ld + i]!;
        if (f === 0) continue;
        const xp = p * ld;
        for (let j = c0; j < c1; j++) v[xi + j] += f * v[xp + j]!;
      }
      const d = -v[xi + i]!;
      for (let j = c0; j < c1; j++) v[xi + j] /= d;
    }
    return;
  }
  const mid = r0 + Math.ceil((r1 - r0) / 2 / SOLVE_LEAF) * SOLVE_LEAF;
  substitute(r, ld, r0, mid, c0, c1);
  const at = (i: number, j: number) => (i * ld + j) * 8;
  r.multiplyAdd(at(r0, mid), at(r0, c0), at(mid, c0), r1 - mid, mid - r0, c1 - c0, ld, true);
  substitute(r, ld, mid, r1, c0, c1);
}

/**
 * The upper triangle of the block [c0, c1)² less Xᵀ X, X = rows [k0, k1) of columns [c0, c1) (all
 * negated: S += Sₓᵀ Sₓ): split in halves, the off-diagonal block by one product and the diagonal
 * blocks recursively, so that the lower triangle's half of the work is done only within blocks of
 * SYRK_LEAF (dsyrk's n²k instead of a square product's 2·n²k/2… — n²k/2 + O(SYRK_LEAF·n·k)).
 */
function gramUpdate(r: ResidentProducts, ld: number, c0: number, c1: number, k0: number, k1: number): void {
  const at = (i: number, j: number) => (i * ld + j) * 8;
  if (c1 - c0 <= SYRK_LEAF) {
    r.multiplyAdd(at(k0, c0), at(k0, c0), at(c0, c0), c1 - c0, k1 - k0, c1 - c0, ld, true);
    return;
  }
  const h = c0 + Math.ceil((c1 - c0) / 2 / 4) * 4;
  gramUpdate(r, ld, c0, h, k0, k1);
  r.multiplyAdd(at(k0, c0), at(k0, h), at(c0, h), h - c0, k1 - k0, c1 - h, ld, true); // C[c0:h, h:c1] += X[:, c0:h]ᵀ X[:, h:c1]
  gramUpdate(r, ld, h, c1, k0, k1);
}
