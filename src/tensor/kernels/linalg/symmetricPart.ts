/**
 * @file The symmetric part ½(A + Aᵀ) of square matrices and the check that A is symmetric, both
 * over 32×32 tiles: every entry is read beside its transpose, and a plain double loop reads one of
 * the two down a column — at n = 512 that took about as long as a tenth of the Cholesky
 * factorisation it preceded. No AD here.
 */
import { symmetricMean } from './eigh.js';

const TILE = 32;

/**
 * out[oOff + i·n + j] = ½(a_ij + a_ji) (symmetricMean: no overflow) for the n×n matrix at `off`:
 * every entry, or with `lowerOnly` those below the diagonal (j < i; the rest of `out` untouched).
 */
export function symmetricPartInto(a: Float64Array, off: number, n: number, out: Float64Array, oOff: number, lowerOnly = false): void {
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = 0; j0 < (lowerOnly ? i1 : n); j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const hi = lowerOnly ? Math.min(j1, i) : j1;
        for (let j = j0; j < hi; j++) out[oOff + i * n + j] = symmetricMean(a[off + i * n + j]!, a[off + j * n + i]!);
      }
    }
  }
}

/**
 * The first pair (in row-major order of the lower triangle) with |a_ij − a_ji| > tol in the n×n
 * matrix at `off`, or null: a plain ordered scan, for the error message once symmetryDefect has
 * found that there is one.
 */
export function firstAsymmetry(a: Float64Array, off: number, n: number, tol: number): [number, number] | null {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (Math.abs(a[off + i * n + j]! - a[off + j * n + i]!) > tol) return [i, j];
  return null;
}

/**
 * max |a_ij| over the n×n matrix at `off` and max |a_ij − a_ji| over its pairs, in one pass over
 * tiles (NaN if an entry, or a difference, is NaN — Math.max's rule — so that no test against
 * them holds, as with the two separate scans this replaces).
 */
export function symmetryDefect(a: Float64Array, off: number, n: number): { big: number; worst: number } {
  let big = 0, worst = 0;
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = 0; j0 < i1; j0 += TILE) {
      const j1 = Math.min(i1, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const hi = Math.min(j1, i);
        for (let j = j0; j < hi; j++) {
          const x = a[off + i * n + j]!, y = a[off + j * n + i]!;
          big = Math.max(big, Math.abs(x), Math.abs(y));
          worst = Math.max(worst, Math.abs(x - y));
        }
        if (i >= j0 && i < j1) big = Math.max(big, Math.abs(a[off + i * n + i]!));
      }
    }
  }
  return { big, worst };
}
