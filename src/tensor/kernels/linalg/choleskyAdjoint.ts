/**
 * @file The reverse-mode adjoint of the Cholesky factorisation as one kernel: Ā from L and L̄ by
 * Murray's blocked algorithm ("Differentiation of the Cholesky decomposition", 2016, §3.2 and
 * Algorithm "chol_blocked_rev"), almost all of its 2n³/3 flops in matrix products. No AD here.
 */
import { gemm } from '../matmul.js';
import { invertLowerBlock } from './choleskyInverse.js';

/** Block width: columns of this many are reversed in plain loops, the rest is matrix products. */
const NB = 48;

/**
 * The reverse of the unblocked left-looking Cholesky on the nb×nb block at `lo`/`bo` (row stride
 * ld) of L and of the adjoint buffer (L̄ in, Ā out, lower triangles). The forward column j is
 *   D = √(A_jj − R·R),   C = (A_C − B R) / D,
 * with R = L[j, :j], B = L[j+1:, :j], C = L[j+1:, j]; reversed, for j from the last column:
 *   D̄ −= C̄·C / D;  C̄ /= D (now Ā_C);  B̄ −= C̄ Rᵀ;  R̄ −= Bᵀ C̄;  D̄ /= 2D (now Ā_jj);  R̄ −= 2 D̄ R.
 */
function reverseBlock(l: Float64Array, lo: number, g: Float64Array, bo: number, nb: number, ld: number): void {
  for (let j = nb - 1; j >= 0; j--) {
    const rj = j * ld, d = l[lo + rj + j]!;
    let cc = 0;
    for (let i = j + 1; i < nb; i++) cc += g[bo + i * ld + j]! * l[lo + i * ld + j]!;
    let dBar = g[bo + rj + j]! - cc / d;
    for (let i = j + 1; i < nb; i++) {
      const ri = i * ld, c = (g[bo + ri + j]! /= d);
      if (c === 0) continue;
      for (let p = 0; p < j; p++) {
        g[bo + ri + p] -= c * l[lo + rj + p]!; //   B̄ −= C̄ Rᵀ
        g[bo + rj + p] -= c * l[lo + ri + p]!; //   R̄ −= Bᵀ C̄
      }
    }
    dBar /= 2 * d;
    g[bo + rj + j] = dBar;
    for (let p = 0; p < j; p++) g[bo + rj + p] -= 2 * dBar * l[lo + rj + p]!;
  }
}

/** Rows [r0, r0+h) × columns [c0, c0+w) of the n×n matrix at `off`, packed into `dst`. */
function pack(src: Float64Array, off: number, n: number, r0: number, h: number, c0: number, w: number, dst: Float64Array): void {
  for (let i = 0; i < h; i++) dst.set(src.subarray(off + (r0 + i) * n + c0, off + (r0 + i) * n + c0 + w), i * w);
}

/** The inverse of pack: `src` (h×w) written back into the block. */
function unpack(src: Float64Array, h: number, w: number, dst: Float64Array, off: number, n: number, r0: number, c0: number): void {
  for (let i = 0; i < h; i++) dst.set(src.subarray(i * w, i * w + w), off + (r0 + i) * n + c0);
}

/**
 * Ā (lower triangle) in place of L̄ for the n×n factor at `lo` and adjoint at `go`. The forward
 * blocked left-looking Cholesky, for each block column [j0, j1) with R = L[j0:j1, :j0],
 * D = L[j0:j1, j0:j1], B = L[j1:, :j0], C = L[j1:, j0:j1], runs
 *   D ← chol(A_D − R Rᵀ),   C ← (A_C − B Rᵀ) D⁻ᵀ,
 * so the reverse, for block columns from the last, is (Murray 2016, eqs. 16–19)
 *   C̄ ← C̄ D⁻¹;  D̄ −= tril(C̄ᵀ C);  B̄ −= C̄ R;  R̄ −= C̄ᵀ B;  D̄ ← reverseBlock;  R̄ −= (D̄ + D̄ᵀ) R.
 * The three products with R and B carry the O(n³) work (n³/3 multiply-adds in all).
 */
function adjointInPlace(l: Float64Array, lo: number, g: Float64Array, go: number, n: number): void {
  if (n <= 2 * NB) { reverseBlock(l, lo, g, go, n, n); return; }
  const cBar = new Float64Array(n * NB), c = new Float64Array(n * NB), r = new Float64Array(NB * n);
  const rBar = new Float64Array(NB * n), bBuf = new Float64Array(n * n), sym = new Float64Array(NB * NB), dInv = new Float64Array(NB * NB);
  const last = Math.floor((n - 1) / NB) * NB;
  for (let j0 = last; j0 >= 0; j0 -= NB) {
    const nb = Math.min(NB, n - j0), j1 = j0 + nb, rows = n - j1;
    if (rows > 0) {
      // C̄ ← C̄ D⁻¹ as one product with the inverse of the (small, as well conditioned as A) diagonal
      // block, as the forward factorisation does for its panel.
      // (L's upper triangle is zero, so the packed block is lower triangular: dtrti2 in place.)
      pack(l, lo, n, j0, nb, j0, nb, dInv);
      invertLowerBlock(dInv, 0, nb, nb);
      pack(g, go, n, j1, rows, j0, nb, c);
      cBar.fill(0, 0, rows * nb);
      gemm(c, 0, dInv, 0, cBar, 0, rows, nb, nb);
      unpack(cBar, rows, nb, g, go, n, j1, j0);
      for (let i = 0; i < rows * nb; i++) cBar[i] = -cBar[i]!;
      pack(l, lo, n, j1, rows, j0, nb, c);
      // D̄ −= tril(C̄ᵀ C).
      sym.fill(0, 0, nb * nb);
      gemm(cBar, 0, c, 0, sym, 0, nb, rows, nb, true, false);
      for (let i = 0; i < nb; i++) for (let k = 0; k <= i; k++) g[go + (j0 + i) * n + j0 + k] += sym[i * nb + k]!;
      if (j0 > 0) {
        // B̄ −= C̄ R  and  R̄ −= C̄ᵀ B.
        pack(l, lo, n, j0, nb, 0, j0, r);
        pack(g, go, n, j1, rows, 0, j0, bBuf);
        gemm(cBar, 0, r, 0, bBuf, 0, rows, nb, j0);
        unpack(bBuf, rows, j0, g, go, n, j1, 0);
        pack(l, lo, n, j1, rows, 0, j0, bBuf);
        pack(g, go, n, j0, nb, 0, j0, rBar);
        gemm(cBar, 0, bBuf, 0, rBar, 0, nb, rows, j0, true, false);
        unpack(rBar, nb, j0, g, go, n, j0, 0);
      }
    }
    reverseBlock(l, lo + j0 * n + j0, g, go + j0 * n + j0, nb, n);
    if (j0 > 0) {
      // R̄ −= (D̄ + D̄ᵀ) R, with D̄ lower.
      for (let i = 0; i < nb; i++) for (let k = 0; k <= i; k++) {
        const v = -g[go + (j0 + i) * n + j0 + k]!;
        sym[i * nb + k] = i === k ? 2 * v : v;
        if (i !== k) sym[k * nb + i] = v;
      }
      if (rows === 0) pack(l, lo, n, j0, nb, 0, j0, r);
      pack(g, go, n, j0, nb, 0, j0, rBar);
      gemm(sym, 0, r, 0, rBar, 0, nb, nb, j0);
      unpack(rBar, nb, j0, g, go, n, j0, 0);
    }
  }
}

/**
 * Batched Cholesky adjoint: for `count` factors L (n×n, lower) and cotangents L̄ (only their lower
 * triangles are read, as L's upper triangle is constant zero), writes into `out` the cotangent of
 * the symmetric input, Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹) (Murray 2016, eq. 10) — the lower-triangle
 * adjoint of the algorithm, its off-diagonal entries halved onto both triangles, since the
 * factorisation is of ½(A + Aᵀ). Equal to that formula up to rounding.
 */
export function choleskyAdjointKernel(l: Float64Array, lBar: Float64Array, count: number, n: number, out: Float64Array): Float64Array {
  const nn = n * n;
  for (let t = 0; t < count; t++) {
    const o = t * nn;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) out[o + i * n + j] = lBar[o + i * n + j]!;
      out.fill(0, o + i * n + i + 1, o + (i + 1) * n);
    }
    adjointInPlace(l, o, out, o, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
      const v = 0.5 * out[o + i * n + j]!;
      out[o + i * n + j] = v;
      out[o + j * n + i] = v;
    }
  }
  return out;
}
