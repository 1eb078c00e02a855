/** @file Matrix products: a cache- and register-blocked float64 kernel (WebAssembly SIMD for the bulk where available), batched with broadcasting. */
import { gemmBlockWasm } from './wasm/gemm.js';
import { uninitializedF64 } from '../alloc.js';

const KC = 256; // depth of a block of B rows kept hot in cache

let scratch = new Float64Array(0);
let sums = new Float64Array(0);

/** A reusable buffer for a product's sums before they are added to C (see gemm). */
function sumsOf(size: number): Float64Array {
  if (sums.length < size) sums = new Float64Array(Math.max(size, 2 * sums.length));
  return sums;
}

/** A reusable buffer of at least `size` elements (kernels run one at a time). */
function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/**
 * C[m,n] += op(A)[m,k] · op(B)[k,n], all row-major, at offsets into flat arrays; op transposes
 * when its flag is set (A stored [k,m], B stored [n,k]), so derivative rules need no transposed
 * copies as separate ops (a transposed B is copied into a scratch buffer in [k,n] order first).
 * `fresh` says C's block holds no values yet (a new result, its contents unspecified): C = op(A)·op(B)
 * is written without reading C — the WebAssembly kernel overwrites it and C is not copied into the
 * kernel's memory; the JavaScript loops, which accumulate, zero the block first.
 *
 * Register blocking: each 4×4 block of C is accumulated in 16 local variables over a run of k,
 * loading 4 values of A and 4 of B per step for 16 multiply-adds, and written to C once per run —
 * about 3.6 GFLOP/s in V8 on the bench machine, against 2 for a kernel that updates rows of C in
 * memory at every step and 0.8 for the plain i-k-j loop (bench/kernels.mjs measures all three).
 * The k loop is blocked (KC) so that the panel of B a block streams through stays in cache.
 */
export function gemm(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number,
  m: number, k: number, n: number, transA = false, transB = false, fresh = false,
): void {
  // WebAssembly SIMD where available (./wasm/gemm.ts, extents padded to multiples of 4; natively
  // where the Node build is loaded: ./native/nativeGemm.ts, the same sums in the same order — the
  // same bits with separate steps, ADJOINT_FMA=0; fused where the CPU has FMA3, the last bits may
  // differ); else here.
  if (gemmBlockWasm(a, aOff, b, bOff, c, cOff, m, k, n, transA, transB, fresh)) return;
  if (k === 1) {
    // An outer product (a per-example gradient of a layer): one multiply-add per element of C,
    // where register blocking only adds overhead. op(A) is a column, op(B) a row, whichever the flags.
    // Into a fresh C, 0 + x·y: the bits of adding into zeros (−0 becomes +0) without zeroing first.
    for (let i = 0, o = cOff; i < m; i++, o += n) {
      const x = a[aOff + i]!;
      if (fresh) for (let j = 0; j < n; j++) c[o + j] = 0 + x * b[bOff + j]!;
      else for (let j = 0; j < n; j++) c[o + j] += x * b[bOff + j]!;
    }
    return;
  }
  // s = 0 + Σ_p op(A)[i,p]·op(B)[p,j] as one running sum in p's order, then C = s (fresh) or C + s: the
  // WebAssembly kernel's sums (and the native one's with separate steps), so the same bits. The k loop is
  // blocked (KC) and each block continues the sums left in `out` by the one before; a C that is added to
  // with more than one block takes the sums in a scratch buffer first (C + s, not ((C + s₁) + s₂)).
  if (k === 0) { // no terms: s = 0
    if (fresh) c.fill(0, cOff, cOff + m * n);
    return;
  }
  const blocks = k > KC;
  const direct = fresh || blocks; // the sums are written (and read back between blocks), not added to C
  let out = c, oOff = cOff;
  if (!fresh && blocks) {
    out = sumsOf(m * n);
    oOff = 0;
  }
  if (transB) {
    const bt = scratchOf(k * n);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[p * n + j] = b[bOff + j * k + p]!;
    b = bt;
    bOff = 0;
  }
  // Element (i, p) of op(A) is at a[aOff + i * rs + p * ps].
  const rs = transA ? 1 : k;
  const ps = transA ? m : 1;
  const m4 = m - (m % 4), n4 = n - (n % 4);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = Math.min(k, k0 + KC);
    const resume = k0 > 0; // the sums so far are in `out`
    for (let i = 0; i < m4; i += 4) {
      const a0 = aOff + i * rs, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
      for (let j = 0; j < n4; j += 4) {
        let o = oOff + i * n + j;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        if (resume) {
          c00 = out[o]!; c01 = out[o + 1]!; c02 = out[o + 2]!; c03 = out[o + 3]!;
          c10 = out[o + n]!; c11 = out[o + n + 1]!; c12 = out[o + n + 2]!; c13 = out[o + n + 3]!;
          c20 = out[o + 2 * n]!; c21 = out[o + 2 * n + 1]!; c22 = out[o + 2 * n + 2]!; c23 = out[o + 2 * n + 3]!;
          c30 = out[o + 3 * n]!; c31 = out[o + 3 * n + 1]!; c32 = out[o + 3 * n + 2]!; c33 = out[o + 3 * n + 3]!;
        }
        for (let p = k0, bp = bOff + k0 * n + j, q = k0 * ps; p < k1; p++, bp += n, q += ps) {
          const b0 = b[bp]!, b1 = b[bp + 1]!, b2 = b[bp + 2]!, b3 = b[bp + 3]!;
          const x0 = a[a0 + q]!, x1 = a[a1 + q]!, x2 = a[a2 + q]!, x3 = a[a3 + q]!;
          c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
          c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
          c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
          c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
        }
        if (direct) {
          out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03; o += n;
          out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13; o += n;
          out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23; o += n;
          out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
        } else {
          out[o] += c00; out[o + 1] += c01; out[o + 2] += c02; out[o + 3] += c03; o += n;
          out[o] += c10; out[o + 1] += c11; out[o + 2] += c12; out[o + 3] += c13; o += n;
          out[o] += c20; out[o + 1] += c21; out[o + 2] += c22; out[o + 3] += c23; o += n;
          out[o] += c30; out[o + 1] += c31; out[o + 2] += c32; out[o + 3] += c33;
        }
      }
      // Leftover columns: four rows at a time, one column.
      for (let j = n4; j < n; j++) {
        const o = oOff + i * n + j;
        let s0 = resume ? out[o]! : 0, s1 = resume ? out[o + n]! : 0, s2 = resume ? out[o + 2 * n]! : 0, s3 = resume ? out[o + 3 * n]! : 0;
        for (let p = k0, bp = bOff + k0 * n + j, q = k0 * ps; p < k1; p++, bp += n, q += ps) {
          const y = b[bp]!;
          s0 += a[a0 + q]! * y; s1 += a[a1 + q]! * y; s2 += a[a2 + q]! * y; s3 += a[a3 + q]! * y;
        }
        if (direct) { out[o] = s0; out[o + n] = s1; out[o + 2 * n] = s2; out[o + 3 * n] = s3; }
        else { out[o] += s0; out[o + n] += s1; out[o + 2 * n] += s2; out[o + 3 * n] += s3; }
      }
    }
    // Leftover rows: one row at a time, four columns, then one.
    for (let i = m4; i < m; i++) {
      const ai = aOff + i * rs, ci = oOff + i * n;
      let j = 0;
      for (; j < n4; j += 4) {
        let s0 = resume ? out[ci + j]! : 0, s1 = resume ? out[ci + j + 1]! : 0, s2 = resume ? out[ci + j + 2]! : 0, s3 = resume ? out[ci + j + 3]! : 0;
        for (let p = k0, bp = bOff + k0 * n + j, q = k0 * ps; p < k1; p++, bp += n, q += ps) {
          const x = a[ai + q]!;
          s0 += x * b[bp]!; s1 += x * b[bp + 1]!; s2 += x * b[bp + 2]!; s3 += x * b[bp + 3]!;
        }
        if (direct) { out[ci + j] = s0; out[ci + j + 1] = s1; out[ci + j + 2] = s2; out[ci + j + 3] = s3; }
        else { out[ci + j] += s0; out[ci + j + 1] += s1; out[ci + j + 2] += s2; out[ci + j + 3] += s3; }
      }
      for (; j < n; j++) {
        let s = resume ? out[ci + j]! : 0;
        for (let p = k0, bp = bOff + k0 * n + j, q = k0 * ps; p < k1; p++, bp += n, q += ps) s += a[ai + q]! * b[bp]!;
        if (direct) out[ci + j] = s;
        else out[ci + j] += s;
      }
    }
  }
  if (out !== c) for (let i = 0; i < m; i++) for (let j = 0, o = cOff + i * n, so = i * n; j < n; j++) c[o + j] += out[so + j]!;
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
  const out = uninitializedF64(count * m * n); // each block written by a fresh product
  const index = new Array<number>(batch.length).fill(0);
  let ai = 0, bi = 0;
  for (let t = 0; t < count; t++) {
    gemm(a, ai * m * k, b, bi * k * n, out, t * m * n, m, k, n, transA, transB, true); // each product into its own block
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
