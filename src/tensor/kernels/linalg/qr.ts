/**
 * @file Reduced QR factorisation A = Q R of tall matrices (m ≥ n) by Householder reflections,
 * batched, normalised so that R's diagonal is non-negative (then Q and R are unique for A of full
 * column rank). No AD here.
 */

/**
 * Factors `count` m×n matrices (m ≥ n) into q (m×n, orthonormal columns) and r (n×n, upper).
 * Reflection k maps column k below the diagonal onto a multiple of e₁: H = I − 2 v vᵀ with
 * v = (x − α e₁)/‖x − α e₁‖ and α = −sign(x₀)‖x‖ (no cancellation in x₀ − α). Each reflection is
 * applied to rows of the trailing block: w = vᵀ A, then A −= 2 v w, both along contiguous rows.
 */
export function qrKernel(a: Float64Array, count: number, m: number, n: number, q: Float64Array, r: Float64Array): void {
  const work = new Float64Array(m * n), vs = new Float64Array(m * n), w = new Float64Array(n);
  for (let t = 0; t < count; t++) {
    work.set(a.subarray(t * m * n, (t + 1) * m * n));
    vs.fill(0);
    for (let k = 0; k < n; k++) {
      let norm = 0;
      for (let i = k; i < m; i++) norm += work[i * n + k]! ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) continue; // column already zero: H = I
      const x0 = work[k * n + k]!;
      const alpha = x0 > 0 ? -norm : norm;
      // v (unnormalised) = x − α e₁; ‖v‖² = 2‖x‖(‖x‖ + |x₀|).
      const scale = 1 / Math.sqrt(2 * norm * (norm + Math.abs(x0)));
      for (let i = k; i < m; i++) vs[i * n + k] = (work[i * n + k]! - (i === k ? alpha : 0)) * scale;
      reflect(work, vs, w, k, m, n, k);
    }
    // R: the upper triangle, rows flipped where its diagonal is negative (and Q's columns with them).
    const sign = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sign[i] = work[i * n + i]! < 0 ? -1 : 1;
      for (let j = 0; j < n; j++) r[t * n * n + i * n + j] = j < i ? 0 : sign[i]! * work[i * n + j]!;
    }
    // Q = H₀ H₁ ⋯ Hₙ₋₁ [I; 0], applying the reflections to the identity block from the last.
    work.fill(0);
    for (let i = 0; i < n; i++) work[i * n + i] = 1;
    for (let k = n - 1; k >= 0; k--) reflect(work, vs, w, k, m, n, 0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[t * m * n + i * n + j] = sign[j]! * work[i * n + j]!;
  }
}

/** Applies H = I − 2 v vᵀ (v in column k of `vs`, rows k…m−1) to columns j0… of `x` (m×n). */
function reflect(x: Float64Array, vs: Float64Array, w: Float64Array, k: number, m: number, n: number, j0: number): void {
  w.fill(0);
  for (let i = k; i < m; i++) {
    const vi = vs[i * n + k]!;
    if (vi === 0) continue;
    for (let j = j0; j < n; j++) w[j] += vi * x[i * n + j]!;
  }
  for (let i = k; i < m; i++) {
    const vi = 2 * vs[i * n + k]!;
    if (vi === 0) continue;
    for (let j = j0; j < n; j++) x[i * n + j] -= vi * w[j]!;
  }
}
