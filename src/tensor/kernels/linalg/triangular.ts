/** @file Triangular substitution on row-major matrices: op(A) X = B solved in place of B, batched, blocked for many right-hand sides (no AD here). */
import { gemm } from '../matmul.js';

/** Block size of the blocked substitution, and the fewest right-hand sides for which blocking pays. */
const NB = 64;
const MIN_K = 8;

/**
 * Solves op(A) X = B for X in place of B, where A is n×n at `aOff` (only its `lower` or upper
 * triangle is read), op(A) is A or Aᵀ, and B is n×k at `bOff`. Row-oriented substitution: each
 * step subtracts a multiple of one solved row of X from another, so the inner loop runs along
 * contiguous rows of length k.
 */
export function substitute(
  a: Float64Array, aOff: number, n: number, lower: boolean, transposeA: boolean, unitDiagonal: boolean,
  x: Float64Array, xOff: number, k: number,
): void {
  if (n > 2 * NB && k >= MIN_K) substituteBlocked(a, aOff, n, lower, transposeA, unitDiagonal, x, xOff, k);
  else substituteRows(a, aOff, n, lower, transposeA, unitDiagonal, x, xOff, k, 0, n);
}

/**
 * Blocked substitution (LAPACK's dtrsm): for each block of NB rows of X, in solving order, first
 * subtract op(A)[block, solved] · X[solved] with one matrix product (the matmul kernel, WebAssembly
 * SIMD where available), then substitute within the block. Almost all the arithmetic is in the
 * products.
 */
function substituteBlocked(
  a: Float64Array, aOff: number, n: number, lower: boolean, transposeA: boolean, unitDiagonal: boolean,
  x: Float64Array, xOff: number, k: number,
): void {
  const forward = lower !== transposeA;
  const panel = new Float64Array(NB * n);
  for (let step = 0; step < n; step += NB) {
    const nb = Math.min(NB, n - step);
    const i0 = forward ? step : n - step - nb; // first row of this block
    const s0 = forward ? 0 : i0 + nb, sLen = forward ? i0 : n - s0; // the rows already solved
    if (sLen > 0) {
      // −op(A)[i0:i0+nb, s0:s0+sLen], packed row-major.
      for (let i = 0; i < nb; i++) for (let p = 0; p < sLen; p++) {
        const r = i0 + i, c = s0 + p;
        panel[i * sLen + p] = -a[aOff + (transposeA ? c * n + r : r * n + c)]!;
      }
      gemm(panel, 0, x, xOff + s0 * k, x, xOff + i0 * k, nb, sLen, k);
    }
    substituteRows(a, aOff, n, lower, transposeA, unitDiagonal, x, xOff, k, i0, i0 + nb);
  }
}

/** Substitution restricted to rows [r0, r1) of X, using only op(A)'s entries within that block. */
function substituteRows(
  a: Float64Array, aOff: number, n: number, lower: boolean, transposeA: boolean, unitDiagonal: boolean,
  x: Float64Array, xOff: number, k: number, r0: number, r1: number,
): void {
  // op(A) is lower triangular (so substitution runs forward) for A lower, or for A upper transposed.
  const forward = lower !== transposeA;
  // Element (i, p) of op(A).
  const rowStride = transposeA ? 1 : n, colStride = transposeA ? n : 1;
  for (let step = r0; step < r1; step++) {
    const i = forward ? step : r1 - 1 - (step - r0);
    const xi = xOff + i * k;
    const ai = aOff + i * rowStride;
    const p0 = forward ? r0 : i + 1, p1 = forward ? i : r1;
    for (let p = p0; p < p1; p++) {
      const f = a[ai + p * colStride]!;
      if (f === 0) continue;
      const xp = xOff + p * k;
      for (let j = 0; j < k; j++) x[xi + j] -= f * x[xp + j]!;
    }
    if (!unitDiagonal) {
      const d = a[ai + i * colStride]!;
      for (let j = 0; j < k; j++) x[xi + j] /= d;
    }
  }
}

/** B's k×n transpose at `off` into a fresh n×k buffer (right-side solves become left-side ones). */
export function transposeBlock(src: Float64Array, off: number, rows: number, cols: number, dst: Float64Array, dOff: number): void {
  for (let i = 0; i < rows; i++) {
    const r = off + i * cols;
    for (let j = 0; j < cols; j++) dst[dOff + j * rows + i] = src[r + j]!;
  }
}

export interface TriangularOptions {
  readonly lower: boolean;
  readonly transposeA: boolean;
  readonly unitDiagonal: boolean;
  readonly left: boolean;
}

/**
 * Batched triangular solve: `count` pairs of A (n×n) and B (left: n×k; right: k×n, solving
 * X op(A) = B as op(A)ᵀ Xᵀ = Bᵀ). Returns X in a fresh buffer of B's size.
 */
export function triangularSolveKernel(
  a: Float64Array, b: Float64Array, count: number, n: number, k: number, o: TriangularOptions, out: Float64Array,
): Float64Array {
  const nn = n * n, nk = n * k;
  if (o.left) {
    out.set(b);
    for (let t = 0; t < count; t++) substitute(a, t * nn, n, o.lower, o.transposeA, o.unitDiagonal, out, t * nk, k);
    return out;
  }
  const tmp = new Float64Array(nk);
  for (let t = 0; t < count; t++) {
    transposeBlock(b, t * nk, k, n, tmp, 0);
    substitute(a, t * nn, n, o.lower, !o.transposeA, o.unitDiagonal, tmp, 0, k);
    transposeBlock(tmp, 0, n, k, out, t * nk);
  }
  return out;
}
