/** @file Matrix products: a cache- and register-blocked float64 kernel, batched with broadcasting. */

const KC = 256; // depth of a block of B rows kept hot in cache

let scratch = new Float64Array(0);

/** A reusable buffer of at least `size` elements (kernels run one at a time). */
function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/**
 * C[m,n] (+)= op(A)[m,k] · op(B)[k,n], all row-major, at offsets into flat arrays; op transposes
 * when its flag is set (A stored [k,m], B stored [n,k]), so derivative rules need no transposed
 * copies as separate ops. Four rows of C are computed together so each loaded row of B is used
 * four times; the k loop is blocked so that a panel of B stays in cache across the rows of A. A
 * transposed A is read column-wise, which is contiguous across the four rows; a transposed B is
 * first copied into a scratch buffer in [k,n] order.
 */
export function gemm(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number,
  m: number, k: number, n: number, transA = false, transB = false,
): void {
  if (transB) {
    const bt = scratchOf(k * n);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[p * n + j] = b[bOff + j * k + p]!;
    b = bt;
    bOff = 0;
  }
  // Element (i, p) of op(A) is at a[ai(i) + p * ap].
  const rowStride = transA ? 1 : k;
  const ap = transA ? m : 1;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = Math.min(k, k0 + KC);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = cOff + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      const a0 = aOff + i * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride;
      for (let p = k0; p < k1; p++) {
        const q = p * ap;
        const x0 = a[a0 + q]!, x1 = a[a1 + q]!, x2 = a[a2 + q]!, x3 = a[a3 + q]!;
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
      const ci = cOff + i * n, ai = aOff + i * rowStride;
      for (let p = k0; p < k1; p++) {
        const x = a[ai + p * ap]!;
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
  m: number, k: number, n: number, transA = false, transB = false,
): Float64Array {
  let count = 1;
  for (const d of batch) count *= d;
  const out = new Float64Array(count * m * n);
  const index = new Array<number>(batch.length).fill(0);
  let ai = 0, bi = 0;
  for (let t = 0; t < count; t++) {
    gemm(a, ai * m * k, b, bi * k * n, out, t * m * n, m, k, n, transA, transB);
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
