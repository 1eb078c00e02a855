/** @file Triangular substitution on row-major matrices: op(A) X = B solved in place of B, batched (no AD here). */

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
  // op(A) is lower triangular (so substitution runs forward) for A lower, or for A upper transposed.
  const forward = lower !== transposeA;
  // Element (i, p) of op(A).
  const rowStride = transposeA ? 1 : n, colStride = transposeA ? n : 1;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const xi = xOff + i * k;
    const ai = aOff + i * rowStride;
    const p0 = forward ? 0 : i + 1, p1 = forward ? i : n;
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
