/** @file Diagonals of batched matrices: read one out, or write a vector onto one (no AD here). */

/** The length of diagonal `offset` of an m×n matrix (above the main one for offset > 0). */
export function diagonalLength(m: number, n: number, offset: number): number {
  return Math.max(0, offset >= 0 ? Math.min(m, n - offset) : Math.min(m + offset, n));
}

/** out[t, i] = x[t, i + r0, i + c0] for each of `count` m×n matrices, r0/c0 from the offset. */
export function diagonalKernel(x: Float64Array, count: number, m: number, n: number, offset: number, out: Float64Array): Float64Array {
  const len = diagonalLength(m, n, offset);
  const start = offset >= 0 ? offset : -offset * n;
  for (let t = 0; t < count; t++) for (let i = 0; i < len; i++) out[t * len + i] = x[t * m * n + start + i * (n + 1)]!;
  return out;
}

/** The transpose of diagonalKernel: zero m×n matrices with v written onto diagonal `offset`. */
export function diagEmbedKernel(v: Float64Array, count: number, m: number, n: number, offset: number, out: Float64Array): Float64Array {
  const len = diagonalLength(m, n, offset);
  const start = offset >= 0 ? offset : -offset * n;
  for (let t = 0; t < count; t++) for (let i = 0; i < len; i++) out[t * m * n + start + i * (n + 1)] = v[t * len + i]!;
  return out;
}
