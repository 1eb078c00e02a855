/**
 * @file The log-semiring matrix product out[i, k] = log Σ_j exp(a[i, j] + b[j, k]) and its
 * first-order VJP, batched with broadcasting, on the real matrix product's kernel (./matmul.ts).
 *
 * With ma_i = max_j a[i, j] and mb_k = max_j b[j, k] (constant shifts),
 *   out[i, k] = ma_i + mb_k + log C[i, k],   C = exp(a − ma) · exp(b − mb)   (a real matmul),
 * so the m·k·n exponentials of the direct form become m·k + k·n, and the m·k·n multiply-adds run
 * in the blocked (WebAssembly SIMD) gemm. Every factor of C lies in [0, 1], so nothing overflows.
 *
 * Accuracy. Where C[i, k] ≥ TINY = 2⁻⁹⁶⁸, every term of the sum that is at least ε·C (ε = 2⁻⁵²)
 * has both factors ≥ ε·TINY > 2⁻¹⁰²² — normal numbers, each exp within 1 ulp — and the terms below
 * ε·C (flushed or subnormal) change the sum by less than k·ε relative. So log C is within about
 * (k + 2)·ε absolute of the exact log of the exact sum, and out within that plus the rounding of
 * the final additions (≈ ε·(|ma| + |mb| + |out|)): the error of the direct max-shifted loop, up to
 * the order of summation. Where C < TINY (every term far below its row's and column's maxima, so
 * the sum underflowed or lost digits), where ma_i or mb_k is not finite (an all −∞ row or column,
 * a +∞ entry, a NaN), the entry is computed directly: m = max_j (a[i, j] + b[j, k]) and
 * m + log Σ_j exp(a[i, j] + b[j, k] − m), which is what logsumexp over a broadcast sum computes
 * (all −∞ gives −∞, a +∞ or NaN maximum is the result as is). test/logMatmul.test.ts measures the
 * error against a float64 brute force with spreads up to 10⁴ and −∞ masks.
 */
import { allocF64 } from '../alloc.js';
import { gemm } from './matmul.js';
import { vectorMath } from './wasm/vmath.js';

/** Below this C[i, k] the entry is computed directly (see the accuracy note). */
const TINY = 2 ** -968;
/** Above this |ḡ / C| the VJP takes an entry directly too, so the scaled cotangent never overflows in the products. */
const HUGE = 2 ** 960;

/** Geometry of one batched call: the broadcast batch, strides into it (in matrices, 0 where broadcast), and m, k, n. */
export interface LogMatmulShape {
  readonly batch: readonly number[];
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** The (matrix of a, matrix of b) pair of each output matrix, in row-major batch order. */
function pairs({ batch, aStrides, bStrides }: LogMatmulShape): Int32Array {
  let count = 1;
  for (const d of batch) count *= d;
  const out = new Int32Array(2 * count);
  const index = new Array<number>(batch.length).fill(0);
  let ai = 0, bi = 0;
  for (let t = 0; t < count; t++) {
    out[2 * t] = ai;
    out[2 * t + 1] = bi;
    for (let ax = batch.length - 1; ax >= 0; ax--) {
      index[ax]!++;
      ai += aStrides[ax]!;
      bi += bStrides[ax]!;
      if (index[ax]! < batch[ax]!) break;
      ai -= aStrides[ax]! * batch[ax]!;
      bi -= bStrides[ax]! * batch[ax]!;
      index[ax] = 0;
    }
  }
  return out;
}

/** The shifted exponentials of both operands, their shifts, and which rows/columns are usable. */
interface Scaled {
  /** Row maxima of every matrix of a (NaN if the row has one), [aMats·m]. */
  ma: Float64Array;
  /** Column maxima of every matrix of b, [bMats·n]. */
  mb: Float64Array;
  /** exp(a − ma) and exp(b − mb), a non-finite maximum read as a shift of 0 (those rows are taken directly). */
  ea: Float64Array;
  eb: Float64Array;
}

function scaled(a: Float64Array, b: Float64Array, k: number, n: number): Scaled {
  const rows = a.length / k;
  const ma = new Float64Array(rows), ea = new Float64Array(a.length);
  for (let r = 0, p = 0; r < rows; r++) {
    let mx = -Infinity;
    for (let j = 0; j < k; j++) { const v = a[p + j]!; if (v > mx || v !== v) mx = v; }
    ma[r] = mx;
    const s = Number.isFinite(mx) ? mx : 0;
    for (let j = 0; j < k; j++, p++) ea[p] = a[p]! - s;
  }
  const mats = k * n === 0 ? 0 : b.length / (k * n);
  const mb = new Float64Array(mats * n), eb = new Float64Array(b.length);
  for (let t = 0; t < mats; t++) {
    const base = t * k * n, mo = t * n;
    mb.fill(-Infinity, mo, mo + n);
    for (let j = 0, p = base; j < k; j++) {
      for (let c = 0; c < n; c++, p++) { const v = b[p]!, mx = mb[mo + c]!; if (v > mx || v !== v) mb[mo + c] = v; }
    }
    for (let j = 0, p = base; j < k; j++) {
      for (let c = 0; c < n; c++, p++) { const mx = mb[mo + c]!; eb[p] = b[p]! - (Number.isFinite(mx) ? mx : 0); }
    }
  }
  vectorMath('exp', ea, ea);
  vectorMath('exp', eb, eb);
  return { ma, mb, ea, eb };
}

/** C = exp(a − ma) · exp(b − mb) for the pair (ai, bi), into c[0 … m·n). */
function product(s: Scaled, ai: number, bi: number, c: Float64Array, m: number, k: number, n: number): void {
  c.fill(0, 0, m * n);
  gemm(s.ea, ai * m * k, s.eb, bi * k * n, c, 0, m, k, n);
}

/** log Σ_j exp(a[aRow + j] + b[bCol + j·n]) directly, max-shifted (as logsumexp over the broadcast sum). */
function direct(a: Float64Array, aRow: number, b: Float64Array, bCol: number, k: number, n: number): number {
  let mx = -Infinity;
  for (let j = 0, q = bCol; j < k; j++, q += n) { const v = a[aRow + j]! + b[q]!; if (v > mx || v !== v) mx = v; }
  if (!Number.isFinite(mx)) return mx;
  let s = 0;
  for (let j = 0, q = bCol; j < k; j++, q += n) s += Math.exp(a[aRow + j]! + b[q]! - mx);
  return mx + Math.log(s);
}

let scratch = new Float64Array(0);
function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length));
  return scratch;
}

/** out[t, i, k] = log Σ_j exp(a[ai(t), i, j] + b[bi(t), j, k]) for the broadcast batch t. */
export function logMatmulKernel(a: Float64Array, b: Float64Array, shape: LogMatmulShape): Float64Array {
  const { m, k, n } = shape;
  const idx = pairs(shape);
  const count = idx.length / 2;
  const out = allocF64(count * m * n);
  if (k === 0) return out.fill(-Infinity); // an empty sum
  const s = scaled(a, b, k, n);
  const c = scratchOf(m * n);
  for (let t = 0; t < count; t++) {
    const ai = idx[2 * t]!, bi = idx[2 * t + 1]!, o = t * m * n;
    product(s, ai, bi, c, m, k, n);
    for (let i = 0; i < m; i++) {
      const mai = s.ma[ai * m + i]!;
      for (let col = 0; col < n; col++) {
        const mbk = s.mb[bi * n + col]!, ci = c[i * n + col]!;
        out[o + i * n + col] = Number.isFinite(mai) && Number.isFinite(mbk) && ci >= TINY
          ? mai + mbk + Math.log(ci)
          : direct(a, (ai * m + i) * k, b, bi * k * n + col, k, n);
      }
    }
  }
  return out;
}

/**
 * The cotangents of a and b (null where not needed) for output cotangent g, from the weights
 * P[i, j, k] = exp(a[i, j] + b[j, k] − out[i, k]) (a softmax over j for each (i, k)):
 *   ā[i, j] = Σ_k g[i, k] P[i, j, k],   b̄[j, k] = Σ_i g[i, k] P[i, j, k],
 * summed over broadcast batch axes. With W = g / C (C as in the forward pass, so P = ea·eb / C):
 *   ā = ea ⊙ (W · ebᵀ),   b̄ = eb ⊙ (eaᵀ · W)   — two real matmuls.
 * Entries taken directly in the forward pass (or whose |W| would exceed HUGE) add their weights
 * one by one as the generic rule computes them: e_j = exp(a + b − out) (out = −∞ read as 0),
 * w_j = e_j / Σ e (an empty sum read as 1), times g[i, k]. A zero g[i, k] contributes exactly 0.
 */
export function logMatmulVjpKernel(
  a: Float64Array, b: Float64Array, out: Float64Array, g: Float64Array, shape: LogMatmulShape, needA: boolean, needB: boolean,
): [Float64Array | null, Float64Array | null] {
  const { m, k, n } = shape;
  const da = needA ? allocF64(a.length) : null, db = needB ? allocF64(b.length) : null;
  if (k === 0 || (da === null && db === null)) return [da, db];
  const idx = pairs(shape);
  const count = idx.length / 2;
  const s = scaled(a, b, k, n);
  const c = scratchOf(m * n + Math.max(m, k) * Math.max(k, n));
  const w = c.subarray(0, m * n), tmp = c.subarray(m * n);
  for (let t = 0; t < count; t++) {
    const ai = idx[2 * t]!, bi = idx[2 * t + 1]!, o = t * m * n, aOff = ai * m * k, bOff = bi * k * n;
    product(s, ai, bi, w, m, k, n);
    for (let i = 0; i < m; i++) {
      const mai = s.ma[ai * m + i]!;
      for (let col = 0; col < n; col++) {
        const q = i * n + col, gq = g[o + q]!;
        const ci = w[q]!, mbk = s.mb[bi * n + col]!;
        const wq = gq === 0 ? 0 : gq / ci;
        if (Number.isFinite(mai) && Number.isFinite(mbk) && ci >= TINY && Math.abs(wq) <= HUGE) {
          w[q] = wq;
          continue;
        }
        w[q] = 0;
        if (gq !== 0) directVjp(a, aOff + i * k, b, bOff + col, k, n, out[o + q]!, gq, da, db);
      }
    }
    if (da !== null) {
      tmp.fill(0, 0, m * k);
      gemm(w, 0, s.eb, bOff, tmp, 0, m, n, k, false, true);
      for (let p = 0; p < m * k; p++) da[aOff + p] += s.ea[aOff + p]! * tmp[p]!;
    }
    if (db !== null) {
      tmp.fill(0, 0, k * n);
      gemm(s.ea, aOff, w, 0, tmp, 0, k, m, n, true, false);
      for (let p = 0; p < k * n; p++) db[bOff + p] += s.eb[bOff + p]! * tmp[p]!;
    }
  }
  return [da, db];
}

/** One entry's weights, as the generic rule: e_j = exp(a_j + b_j − out) (out = −∞ read as 0), w_j = e_j / Σ e. */
function directVjp(
  a: Float64Array, aRow: number, b: Float64Array, bCol: number, k: number, n: number, y: number, gq: number,
  da: Float64Array | null, db: Float64Array | null,
): void {
  const shift = y === -Infinity ? 0 : y;
  let sum = 0;
  for (let j = 0, q = bCol; j < k; j++, q += n) sum += Math.exp(a[aRow + j]! + b[q]! - shift);
  const inv = 1 / (sum === 0 ? 1 : sum);
  for (let j = 0, q = bCol; j < k; j++, q += n) {
    const wj = Math.exp(a[aRow + j]! + b[q]! - shift) * inv;
    const ct = wj === 0 ? 0 : gq * wj;
    if (da !== null) da[aRow + j] += ct;
    if (db !== null) db[q] += ct;
  }
}
