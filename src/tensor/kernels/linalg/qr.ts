/**
 * @file Reduced QR factorisation A = Q R of tall matrices (m ≥ n) by Householder reflections,
 * batched, normalised so that R's diagonal is non-negative (then Q and R are unique for A of full
 * column rank). No AD here.
 */

/**
 * Factors `count` m×n matrices (m ≥ n) into q (m×n, orthonormal columns) and r (n×n, upper) by
 * Householder reflections (`reflectors`). Each reflection is applied to rows of the trailing
 * block: w = vᵀ A, then A −= 2 v w, both along contiguous rows.
 */
export function qrKernel(a: Float64Array, count: number, m: number, n: number, q: Float64Array, r: Float64Array): void {
  const work = new Float64Array(m * n), vs = new Float64Array(m * n), w = new Float64Array(n), sign = new Float64Array(n);
  for (let t = 0; t < count; t++) {
    work.set(a.subarray(t * m * n, (t + 1) * m * n));
    reflectors(work, vs, w, m, n);
    // R: the upper triangle, rows flipped where its diagonal is negative (and Q's columns with them).
    for (let i = 0; i < n; i++) {
      sign[i] = work[i * n + i]! < 0 ? -1 : 1;
      for (let j = 0; j < n; j++) r[t * n * n + i * n + j] = j < i ? 0 : sign[i]! * work[i * n + j]!;
    }
    // Q = H₀ H₁ ⋯ Hₙ₋₁ [I; 0], applying the reflections to the identity block from the last.
    formQ(vs, sign, m, n, n, work, w);
    q.set(work, t * m * n);
  }
}

/**
 * The complete Q (m×m) of `count` m×n matrices (m ≥ n): H₀ H₁ ⋯ Hₙ₋₁ applied to the m×m identity,
 * its first n columns `qrKernel`'s q (signs included), the other m − n an orthonormal basis of
 * their complement — LAPACK's (dgeqrf, dorgqr: the same reflections, each unique for the α it
 * picks), which NumPy's mode 'complete' returns.
 */
export function completeQKernel(a: Float64Array, count: number, m: number, n: number, q: Float64Array): void {
  const work = new Float64Array(m * n), vs = new Float64Array(m * n), w = new Float64Array(m), sign = new Float64Array(m).fill(1);
  const full = new Float64Array(m * m);
  for (let t = 0; t < count; t++) {
    work.set(a.subarray(t * m * n, (t + 1) * m * n));
    reflectors(work, vs, w, m, n);
    for (let i = 0; i < n; i++) sign[i] = work[i * n + i]! < 0 ? -1 : 1;
    formQ(vs, sign, m, n, m, full, w);
    q.set(full, t * m * m);
  }
}

/**
 * Reduces `work` (m×n, m ≥ n) to R in its upper triangle by n reflections, their unit vectors in
 * the columns of `vs`. Reflection k maps column k below the diagonal onto a multiple of e₁:
 * H = I − 2 v vᵀ with v = (x − α e₁)/‖x − α e₁‖ and α = −sign(x₀)‖x‖ (no cancellation in x₀ − α).
 */
function reflectors(work: Float64Array, vs: Float64Array, w: Float64Array, m: number, n: number): void {
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
    reflect(work, n, vs, n, w, k, m, k);
  }
}

/** out (m×width) = H₀ ⋯ Hₙ₋₁ [I; 0] with column j times sign[j]: the reflections applied to the identity block from the last. */
function formQ(vs: Float64Array, sign: Float64Array, m: number, n: number, width: number, out: Float64Array, w: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < width; i++) out[i * width + i] = 1;
  for (let k = n - 1; k >= 0; k--) reflect(out, width, vs, n, w, k, m, 0);
  for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) out[i * width + j] *= sign[j]!;
}

/** Applies H = I − 2 v vᵀ (v in column k of `vs`, rows k…m−1, `vCols` columns) to columns j0… of `x` (m×xCols). */
function reflect(x: Float64Array, xCols: number, vs: Float64Array, vCols: number, w: Float64Array, k: number, m: number, j0: number): void {
  w.fill(0);
  for (let i = k; i < m; i++) {
    const vi = vs[i * vCols + k]!;
    if (vi === 0) continue;
    for (let j = j0; j < xCols; j++) w[j] += vi * x[i * xCols + j]!;
  }
  for (let i = k; i < m; i++) {
    const vi = 2 * vs[i * vCols + k]!;
    if (vi === 0) continue;
    for (let j = j0; j < xCols; j++) x[i * xCols + j] -= vi * w[j]!;
  }
}
