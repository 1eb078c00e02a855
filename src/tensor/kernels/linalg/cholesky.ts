/**
 * @file Cholesky factorisation A = L Lᵀ (L lower), batched: right-looking and blocked, the trailing
 * updates through the matmul kernel (WebAssembly SIMD where available). No AD here.
 */
import { gemm } from '../matmul.js';
import { invertLowerBlock } from './choleskyInverse.js';
import { symmetricPartInto } from './symmetricPart.js';
import { choleskyResident } from './choleskyResident.js';
import { residentProducts } from '../wasm/gemm.js';

/** Panel width: blocks of this many columns are factored in plain loops, the rest is matrix products. */
const NB = 48;
/** Orders above this are factored in the matrix kernel's memory where it runs (./choleskyResident.ts). */
const RESIDENT_AFTER = 56;

/**
 * Unblocked Cholesky–Banachiewicz of the n×n block at `off` (row stride `ld`), reading its lower
 * triangle and writing L there: L[i,j] = (A[i,j] − Σ_{p<j} L[i,p] L[j,p]) / L[j,j], each sum a dot
 * product of two contiguous rows. Returns the order of the first leading minor that is not
 * positive (0-based row), or −1.
 */
function factorBlock(a: Float64Array, off: number, n: number, ld: number): number {
  for (let i = 0; i < n; i++) {
    const ri = off + i * ld;
    for (let j = 0; j <= i; j++) {
      const rj = off + j * ld;
      let s = a[ri + j]!;
      for (let p = 0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
      if (j < i) a[ri + j] = s / a[rj + j]!;
      else if (s > 0) a[ri + i] = Math.sqrt(s);
      else return i; // also catches NaN
    }
  }
  return -1;
}

/**
 * Factors the n×n matrix at `off` of `l` in place (its lower triangle read, L written there and
 * the strict upper triangle zeroed). Returns −1, or the row at which the matrix was found not
 * positive definite. Blocked right-looking (LAPACK's dpotrf): factor a panel of NB columns, then
 * subtract L21 L21ᵀ from the lower part of the trailing matrix one block column at a time.
 */
export function choleskyInPlace(l: Float64Array, off: number, n: number): number {
  const resident = n > RESIDENT_AFTER ? residentProducts((n + (-n & 3)) ** 2) : null;
  if (resident !== null) return choleskyResident(resident, l, off, n);
  if (n <= 2 * NB) return finish(l, off, n, factorBlock(l, off, n, n));
  const panel = new Float64Array(n * NB), l21 = new Float64Array(n * NB), neg = new Float64Array(n * NB);
  const inv = new Float64Array(NB * NB), block = new Float64Array(n * NB);
  for (let j0 = 0; j0 < n; j0 += NB) {
    const jb = Math.min(NB, n - j0), rows = n - j0, below = rows - jb;
    // The panel A[j0:, j0:j0+jb], packed.
    for (let i = 0; i < rows; i++) panel.set(l.subarray(off + (j0 + i) * n + j0, off + (j0 + i) * n + j0 + jb), i * jb);
    const bad = factorBlock(panel, 0, jb, jb);
    if (bad >= 0) return finish(l, off, n, j0 + bad);
    for (let i = 0; i < jb; i++) l.set(panel.subarray(i * jb, i * jb + i + 1), off + (j0 + i) * n + j0);
    if (below === 0) break;
    // L21 = A21 L11⁻ᵀ as one product with the (small) inverse of L11: matrix-product speed
    // instead of a row-by-row substitution (the diagonal block of a Cholesky factor is as well
    // conditioned as the matrix itself, so the inverse costs no accuracy that matters here).
    // (dtrti2 on the lower triangle of the block: jb³/6 multiply-adds, a third of solving L11 X = I.)
    for (let i = 0; i < jb; i++) {
      inv.set(panel.subarray(i * jb, i * jb + i + 1), i * jb);
      inv.fill(0, i * jb + i + 1, (i + 1) * jb);
    }
    invertLowerBlock(inv, 0, jb, jb);
    l21.fill(0, 0, below * jb);
    gemm(panel, jb * jb, inv, 0, l21, 0, below, jb, jb, false, true);
    for (let i = 0; i < below; i++) {
      l.set(l21.subarray(i * jb, i * jb + jb), off + (j0 + jb + i) * n + j0);
      for (let p = 0; p < jb; p++) neg[i * jb + p] = -l21[i * jb + p]!;
    }
    // Trailing update, lower part only: A22[c:, c:c+w] −= L21[c:] L21[c:c+w]ᵀ for each block column.
    const t0 = j0 + jb;
    for (let c = 0; c < below; c += NB) {
      const w = Math.min(NB, below - c), h = below - c;
      for (let i = 0; i < h; i++) block.set(l.subarray(off + (t0 + c + i) * n + t0 + c, off + (t0 + c + i) * n + t0 + c + w), i * w);
      gemm(neg, c * jb, l21, c * jb, block, 0, h, jb, w, false, true);
      for (let i = 0; i < h; i++) l.set(block.subarray(i * w, i * w + Math.min(w, i + 1)), off + (t0 + c + i) * n + t0 + c);
    }
  }
  return finish(l, off, n, -1);
}

/** Zeroes the strict upper triangle (L is lower) and passes the status through. */
function finish(l: Float64Array, off: number, n: number, status: number): number {
  for (let i = 0; i < n; i++) l.fill(0, off + i * n + i + 1, off + (i + 1) * n);
  return status;
}

/**
 * Batched Cholesky of the symmetric parts of `count` n×n matrices. Returns the factors and, if
 * one is not positive definite, its index in the batch and the failing row.
 */
export function choleskyKernel(a: Float64Array, count: number, n: number, out: Float64Array): { failed: number; row: number } {
  const resident = n > RESIDENT_AFTER ? residentProducts((n + (-n & 3)) ** 2) : null;
  if (resident === null) out.set(a);
  for (let t = 0; t < count; t++) {
    // The factor of the symmetric part ½(A + Aᵀ): resident, read straight from a (no copy of it
    // first); else its lower triangle written into out and factored there.
    const off = t * n * n;
    let row: number;
    if (resident !== null) row = choleskyResident(resident, a, off, n, out, off);
    else {
      symmetricPartInto(a, off, n, out, off, true);
      row = choleskyInPlace(out, off, n);
    }
    if (row >= 0) return { failed: t, row };
  }
  return { failed: -1, row: -1 };
}
