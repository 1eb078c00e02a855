/** @file The Moore–Penrose pseudo-inverse from the SVD (or, for symmetric matrices, the eigendecomposition), batched. No AD here. */
import { svdKernel } from './svd.js';
import { eighKernel } from './eigh.js';

/**
 * A⁺ = V diag(1/sᵢ) Uᵀ over the singular values sᵢ > rcond · max s (the rest are taken as zero,
 * as numpy.linalg.pinv): `count` m×n matrices in, n×m out. Same SVD as linalg.svd (one-sided
 * Jacobi), so the kept set matches the singular values linalg.svd reports.
 */
export function pinvKernel(a: Float64Array, count: number, m: number, n: number, rcond: number, out: Float64Array): Float64Array {
  const k = Math.min(m, n);
  const u = new Float64Array(m * k), s = new Float64Array(k), vh = new Float64Array(k * n);
  for (let t = 0; t < count; t++) {
    svdKernel(a.subarray(t * m * n, (t + 1) * m * n), 1, m, n, u, s, vh);
    const cutoff = rcond * (k > 0 ? s[0]! : 0), o = t * n * m;
    for (let i = 0; i < n * m; i++) out[o + i] = 0;
    for (let c = 0; c < k; c++) {
      if (!(s[c]! > cutoff)) continue;
      const inv = 1 / s[c]!;
      for (let i = 0; i < n; i++) {
        const vi = vh[c * n + i]! * inv;
        if (vi === 0) continue;
        for (let j = 0; j < m; j++) out[o + i * m + j] += vi * u[j * k + c]!;
      }
    }
  }
  return out;
}

/**
 * A⁺ = V diag(1/λᵢ) Vᵀ over the eigenvalues |λᵢ| > rcond · max |λ| of the symmetric n×n matrices
 * `sym` (already symmetrised). Returns the first batch entry whose eigen-iteration failed, or −1.
 */
export function pinvSymmetricKernel(sym: Float64Array, count: number, n: number, rcond: number, out: Float64Array): number {
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  for (let t = 0; t < count; t++) {
    if (eighKernel(sym.subarray(t * n * n, (t + 1) * n * n), 1, n, values, vectors) >= 0) return t;
    let big = 0;
    for (let c = 0; c < n; c++) big = Math.max(big, Math.abs(values[c]!));
    const cutoff = rcond * big, o = t * n * n;
    for (let i = 0; i < n * n; i++) out[o + i] = 0;
    for (let c = 0; c < n; c++) {
      if (!(Math.abs(values[c]!) > cutoff)) continue;
      const inv = 1 / values[c]!;
      for (let i = 0; i < n; i++) {
        const vi = vectors[i * n + c]! * inv;
        if (vi === 0) continue;
        for (let j = 0; j < n; j++) out[o + i * n + j] += vi * vectors[j * n + c]!;
      }
    }
  }
  return -1;
}
