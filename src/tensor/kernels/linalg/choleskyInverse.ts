/**
 * @file A⁻¹ of a symmetric positive-definite A from its Cholesky factor L, as LAPACK's dpotri:
 * X = L⁻¹ in place (dtrtri), then A⁻¹ = L⁻ᵀ L⁻¹ = XᵀX in place (dlauum), both blocked with
 * their products through the matmul kernel (WebAssembly SIMD where available). n³/3 + n³/3
 * flops. No AD here.
 */
import { gemm } from '../matmul.js';

/** Block width: diagonal blocks of this many rows are done in plain loops, the rest is matrix products. */
const NB = 64;

/** Reusable packing buffers (kernels run one at a time); grown, never shrunk. */
const buffers: Float64Array[] = [];
function scratch(slot: number, size: number): Float64Array {
  let b = buffers[slot];
  if (b === undefined || b.length < size) buffers[slot] = b = new Float64Array(Math.max(size, 2 * (b?.length ?? 0)));
  return b;
}

/** Rows [r0, r0+h) × columns [c0, c0+w) of the row-major matrix at `off` (row stride ld), packed into `dst`. */
function pack(src: Float64Array, off: number, ld: number, r0: number, h: number, c0: number, w: number, dst: Float64Array): void {
  for (let i = 0; i < h; i++) dst.set(src.subarray(off + (r0 + i) * ld + c0, off + (r0 + i) * ld + c0 + w), i * w);
}

/**
 * Unblocked inverse of the lower-triangular m×m block at `off` (row stride ld), in place
 * (LAPACK's dtrti2, lower, non-unit). For j from the last column: with X₂₂ = L₂₂⁻¹ already in
 * place below and right of (j, j),
 *   X_jj = 1 / L_jj,   X₂₁ = −X₂₂ L₂₁ X_jj,
 * where row i of X₂₁ is −X_jj Σ_{j<k≤i} X_ik L_kj, computed from the bottom row up so that the
 * L_kj (k < i) it reads are not yet overwritten. The strict upper triangle is not touched.
 */
export function invertLowerBlock(a: Float64Array, off: number, m: number, ld: number): void {
  for (let j = m - 1; j >= 0; j--) {
    const d = 1 / a[off + j * ld + j]!;
    a[off + j * ld + j] = d;
    for (let i = m - 1; i > j; i--) {
      const ri = off + i * ld;
      let s = 0;
      for (let k = j + 1; k <= i; k++) s += a[ri + k]! * a[off + k * ld + j]!;
      a[ri + j] = -d * s;
    }
  }
}

/**
 * L⁻¹ in place of the lower-triangular n×n L at `off` (strict upper triangle zero, and left so).
 * Blocked as LAPACK's dtrtri (lower): for block columns [j0, j1) from the last, with X₂₂ = L₂₂⁻¹
 * (rows and columns from j1) already in place,
 *   X₂₁ = −X₂₂ L₂₁ X₁₁,   X₁₁ = L₁₁⁻¹.
 * X₂₂ L₂₁ is taken one block row R at a time, X[R, j1:r1] · L₂₁[j1:r1], so the zero upper triangle
 * of X₂₂ costs nothing: n³/6 multiply-adds in all, in products of depth up to n.
 */
export function invertLowerInPlace(a: Float64Array, off: number, n: number): void {
  const last = Math.floor((n - 1) / NB) * NB;
  for (let j0 = last; j0 >= 0; j0 -= NB) {
    const jb = Math.min(NB, n - j0), j1 = j0 + jb, rows = n - j1;
    if (rows === 0) { invertLowerBlock(a, off + j0 * n + j0, jb, n); continue; }
    const l21 = scratch(0, rows * jb), t = scratch(1, rows * jb), x = scratch(2, NB * rows);
    pack(a, off, n, j1, rows, j0, jb, l21);
    t.fill(0, 0, rows * jb);
    for (let r0 = 0; r0 < rows; r0 += NB) {
      const rb = Math.min(NB, rows - r0), r1 = r0 + rb;
      pack(a, off, n, j1 + r0, rb, j1, r1, x); // X[R, j1 : j1+r1]; its entries right of the diagonal are 0
      gemm(x, 0, l21, 0, t, r0 * jb, rb, r1, jb);
    }
    invertLowerBlock(a, off + j0 * n + j0, jb, n);
    const x11 = scratch(3, jb * jb), out = scratch(4, rows * jb);
    pack(a, off, n, j0, jb, j0, jb, x11);
    out.fill(0, 0, rows * jb);
    gemm(t, 0, x11, 0, out, 0, rows, jb, jb);
    for (let i = 0; i < rows; i++) {
      const dst = off + (j1 + i) * n + j0, src = i * jb;
      for (let c = 0; c < jb; c++) a[dst + c] = -out[src + c]!;
    }
  }
}

/**
 * scale · XᵀX in place of the lower-triangular n×n X at `off` (strict upper triangle zero), both
 * triangles. Blocked as LAPACK's dlauum (lower), block rows [i0, i1) from the first: row block I
 * of XᵀX is Σ_{K ≥ I} X_KIᵀ X_K[:, 0:i1] = X[i0:, I]ᵀ X[i0:, 0:i1], one product of depth n − i0
 * that reads only rows i0 and below. It is written into row block I and, transposed, into column
 * block I above it (rows < i1): later block rows read neither. n³/6 multiply-adds in all.
 */
export function symmetricGramInPlace(a: Float64Array, off: number, n: number, scale: number): void {
  for (let i0 = 0; i0 < n; i0 += NB) {
    const ib = Math.min(NB, n - i0), i1 = i0 + ib, depth = n - i0;
    const panel = scratch(0, depth * ib), below = scratch(1, depth * i1), c = scratch(2, ib * i1);
    pack(a, off, n, i0, depth, i0, ib, panel);
    pack(a, off, n, i0, depth, 0, i1, below);
    c.fill(0, 0, ib * i1);
    gemm(panel, 0, below, 0, c, 0, ib, depth, i1, true, false);
    for (let i = 0; i < ib * i1; i++) c[i] = scale * c[i]!;
    // C is symmetric in its last ib columns only up to rounding: take its lower triangle there.
    for (let i = 0; i < ib; i++) a.set(c.subarray(i * i1, i * i1 + i0 + i + 1), off + (i0 + i) * n);
    for (let j = 0; j < i1; j++) {
      const rj = off + j * n + i0;
      for (let i = Math.max(0, j - i0 + 1); i < ib; i++) a[rj + i] = c[i * i1 + j]!;
    }
  }
}

/**
 * scale · A⁻¹ for A = L Lᵀ into `out` (n×n at `oOff`, both triangles), from the lower factor L
 * (n×n at `lOff`, upper triangle ignored): dpotri, X = L⁻¹ then XᵀX, in the output buffer (no
 * n×n temporary). A zero scale gives exact zeros (a strong zero).
 */
export function choleskyInverseInto(l: Float64Array, lOff: number, n: number, scale: number, out: Float64Array, oOff: number): void {
  if (scale === 0) { out.fill(0, oOff, oOff + n * n); return; }
  for (let i = 0; i < n; i++) {
    out.set(l.subarray(lOff + i * n, lOff + i * n + i + 1), oOff + i * n);
    out.fill(0, oOff + i * n + i + 1, oOff + (i + 1) * n);
  }
  invertLowerInPlace(out, oOff, n);
  symmetricGramInPlace(out, oOff, n, scale);
}
