/** @file Matrix-chain kernels: the prefix products of a chain, and its backward pass by transposed products, in a few large buffers. */
import { gemm } from './matmul.js';

/** A row-major matrix: its values and its two extents. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * The prefix products P_0 = M_0, P_i = P_{i−1} M_i of a chain, left to right (n − 1 products).
 * With `keep`, all of them, P_1 … P_{n−1} as views into one buffer (one allocation, not n); without,
 * only the last (two buffers reused in turn).
 */
export function chainPrefixes(ms: readonly Matrix[], keep: boolean): Float64Array[] {
  const rows = ms[0]!.rows;
  if (keep) {
    let total = 0;
    for (let i = 1; i < ms.length; i++) total += rows * ms[i]!.cols;
    const slab = new Float64Array(total);
    const prefixes: Float64Array[] = [ms[0]!.data];
    for (let i = 1, off = 0; i < ms.length; i++) {
      const m = ms[i]!;
      gemm(prefixes[i - 1]!, 0, m.data, 0, slab, off, rows, m.rows, m.cols);
      prefixes.push(slab.subarray(off, off + rows * m.cols));
      off += rows * m.cols;
    }
    return prefixes;
  }
  let acc = ms[0]!.data;
  let spare: Float64Array | null = null;
  for (let i = 1; i < ms.length; i++) {
    const m = ms[i]!;
    let c: Float64Array;
    if (spare !== null && spare.length === rows * m.cols) {
      c = spare;
      c.fill(0);
    } else c = new Float64Array(rows * m.cols);
    gemm(acc, 0, m.data, 0, c, 0, rows, m.rows, m.cols);
    if (i > 1) spare = acc; // a buffer of ours from the step before (never the caller's M_0)
    acc = c;
  }
  return [acc];
}

/**
 * The cotangents M̄_i = P_{i−1}ᵀ R_i of a chain's factors, with R_{n−1} = g (the output's
 * cotangent) and R_{i−1} = R_i M_iᵀ, for the factors that `needs`; M̄_0 = R_0. Each needed
 * cotangent is a view into one buffer; R lives in two buffers used in turn. (`needs[i]` is read
 * for truthiness.)
 */
export function chainCotangents(
  ms: readonly Matrix[], prefixes: readonly Float64Array[], g: Float64Array, needs: readonly unknown[],
): Array<Float64Array | null> {
  const n = ms.length;
  const rows = ms[0]!.rows;
  const first = needs.findIndex(Boolean);
  const out = new Array<Float64Array | null>(n).fill(null);
  if (first < 0) return out;
  const offsets = new Array<number>(n).fill(-1);
  let total = 0, widest = 0;
  for (let i = 0; i < n; i++) {
    const size = ms[i]!.rows * ms[i]!.cols;
    if (needs[i]) { offsets[i] = total; total += size; }
    widest = Math.max(widest, ms[i]!.rows);
  }
  const slab = new Float64Array(total);
  const turns = [new Float64Array(rows * widest), new Float64Array(rows * widest)];
  let R = g, rOff = 0;
  for (let i = n - 1, turn = 0; i >= Math.max(first, 1); i--, turn ^= 1) {
    const m = ms[i]!;
    if (needs[i]) gemmTN(prefixes[i - 1]!, 0, R, rOff, slab, offsets[i]!, rows, m.rows, m.cols);
    if (i - 1 < first) continue;
    const toOutput = i === 1 && needs[0];
    const target = toOutput ? slab : turns[turn]!;
    const tOff = toOutput ? offsets[0]! : 0;
    gemmNT(R, rOff, m.data, 0, target, tOff, rows, m.cols, m.rows);
    R = target;
    rOff = tOff;
  }
  for (let i = 0; i < n; i++) if (needs[i]) out[i] = slab.subarray(offsets[i]!, offsets[i]! + ms[i]!.rows * ms[i]!.cols);
  return out;
}

/** C[k,n] += Aᵀ B for A[m,k], B[m,n] (at offsets): rank-one updates, four rows of A and B at a time. */
export function gemmTN(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number, m: number, k: number, n: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const b0 = bOff + i * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    for (let p = 0; p < k; p++) {
      const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
      const cp = cOff + p * n;
      for (let j = 0; j < n; j++) c[cp + j] += x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!;
    }
  }
  for (; i < m; i++) {
    const ai = aOff + i * k, bi = bOff + i * n;
    for (let p = 0; p < k; p++) {
      const x = a[ai + p]!, cp = cOff + p * n;
      for (let j = 0; j < n; j++) c[cp + j] += x * b[bi + j]!;
    }
  }
}

/** C[m,n] = A Bᵀ for A[m,k], B[n,k] (at offsets; C overwritten): dot products of rows, four rows of B at a time. */
export function gemmNT(
  a: Float64Array, aOff: number, b: Float64Array, bOff: number, c: Float64Array, cOff: number, m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k, ci = cOff + i * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ai + p]!;
        s0 += x * b[b0 + p]!;
        s1 += x * b[b1 + p]!;
        s2 += x * b[b2 + p]!;
        s3 += x * b[b3 + p]!;
      }
      c[ci + j] = s0; c[ci + j + 1] = s1; c[ci + j + 2] = s2; c[ci + j + 3] = s3;
    }
    for (; j < n; j++) {
      const bj = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      c[ci + j] = s;
    }
  }
}
