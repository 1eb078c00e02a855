/** @file LU with partial pivoting of m×n matrices (LAPACK's dgetf2), for the rectangular case of linalg.lu. No AD here. */

/**
 * Factors `count` m×n matrices in place as P A = L U (L m×k unit lower, U k×n upper, k = min(m, n),
 * packed into `lu` as LAPACK's getrf: L's multipliers below the diagonal). `perm` (count·m) gets
 * the row permutation (row i of P A is row perm[i] of A); `pivots` (count·k) the swap made at step
 * j (row j with row pivots[j]). A zero pivot column is skipped, as LAPACK's.
 */
export function luRectangularKernel(lu: Float64Array, count: number, m: number, n: number, perm: Int32Array, pivots: Float64Array): void {
  const k = Math.min(m, n);
  for (let t = 0; t < count; t++) {
    const off = t * m * n, p = perm.subarray(t * m, (t + 1) * m);
    for (let i = 0; i < m; i++) p[i] = i;
    for (let j = 0; j < k; j++) {
      let best = j, big = Math.abs(lu[off + j * n + j]!);
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(lu[off + i * n + j]!);
        if (v > big) { big = v; best = i; }
      }
      pivots[t * k + j] = best;
      if (best !== j) {
        const rj = off + j * n, rb = off + best * n;
        for (let c = 0; c < n; c++) { const s = lu[rj + c]!; lu[rj + c] = lu[rb + c]!; lu[rb + c] = s; }
        const s = p[j]!; p[j] = p[best]!; p[best] = s;
      }
      const pivot = lu[off + j * n + j]!;
      if (pivot === 0) continue;
      for (let i = j + 1; i < m; i++) {
        const ri = off + i * n;
        const f = lu[ri + j]! / pivot;
        lu[ri + j] = f;
        if (f === 0) continue;
        for (let c = j + 1; c < n; c++) lu[ri + c] -= f * lu[off + j * n + c]!;
      }
    }
  }
}
