/** @file Matrix products: a cache- and register-blocked float64 kernel, batched with broadcasting. */

const KC = 256; // depth of a block of B rows kept hot in cache

/**
 * C[m,n] (+)= A[m,k] · B[k,n], all row-major, at offsets into flat arrays.
 * Four rows of C are computed together so each loaded row of B is used four times; the k loop
 * is blocked so that a panel of B stays in cache across the rows of A.
 */
export function gemm(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number,
  m: number, k: number, n: number,
): void {
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = Math.min(k, k0 + KC);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = cOff + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      const a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
      for (let p = k0; p < k1; p++) {
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) {
          const y = b[bp + j]!;
          c[c0 + j] += x0 * y;
          c[c1 + j] += x1 * y;
          c[c2 + j] += x2 * y;
          c[c3 + j] += x3 * y;
        }
      }
    }
    for (; i < m; i++) {
      const ci = cOff + i * n, ai = aOff + i * k;
      for (let p = k0; p < k1; p++) {
        const x = a[ai + p]!;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += x * b[bp + j]!;
      }
    }
  }
}

/**
 * Batched product of A[...batchA, m, k] and B[...batchB, k, n] with the batch axes broadcast
 * (`batch` is the broadcast batch shape, `aBatchStrides`/`bBatchStrides` index into it with 0
 * along broadcast axes, in units of whole matrices).
 */
export function batchedMatmul(
  a: Float64Array, b: Float64Array, batch: readonly number[], aBatchStrides: number[], bBatchStrides: number[],
  m: number, k: number, n: number,
): Float64Array {
  let count = 1;
  for (const d of batch) count *= d;
  const out = new Float64Array(count * m * n);
  const index = new Array<number>(batch.length).fill(0);
  let ai = 0, bi = 0;
  for (let t = 0; t < count; t++) {
    gemm(a, ai * m * k, b, bi * k * n, out, t * m * n, m, k, n);
    for (let ax = batch.length - 1; ax >= 0; ax--) {
      index[ax]!++;
      ai += aBatchStrides[ax]!;
      bi += bBatchStrides[ax]!;
      if (index[ax]! < batch[ax]!) break;
      ai -= aBatchStrides[ax]! * batch[ax]!;
      bi -= bBatchStrides[ax]! * batch[ax]!;
      index[ax] = 0;
    }
  }
  return out;
}
