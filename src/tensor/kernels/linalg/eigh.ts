/**
 * @file Symmetric eigendecomposition A = V diag(λ) Vᵀ, batched: Householder reduction to
 * tridiagonal form (EISPACK's tred2), then the tridiagonal's eigenproblem — below order 64 (80)
 * by the implicit QL algorithm with Wilkinson-type shifts (tql2, as in JAMA), from it by divide and
 * conquer (./tridiagonalDivide.ts, LAPACK's dstedc) and one matrix product with the reduction's
 * transformation (as dsyevd). Backward stable; eigenvalues ascending. No AD here.
 */
import { RotationSpace, paddedStride, rotationSpace } from '../wasm/rotations.js';
import { gemm } from '../matmul.js';
import { wasmKernelsAvailable } from '../wasm/gemm.js';
import { compactWyFactor } from './qr.js';
import { tridiagonalEigen, type LeafSolver } from './tridiagonalDivide.js';

/** √(a² + b²) without overflow or underflow (Math.hypot is slower in V8). */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r); }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/**
 * ½(x + y), the entry of a symmetric part, without overflow: x + y overflows for entries above
 * half the largest float64 (a symmetric [[1.7e308, 1e308], [1e308, 1.7e308]] had eigenvalues
 * [NaN, ∞] for NumPy's [7e307, ∞], and cholesky called that positive-definite matrix indefinite).
 * The same number as 0.5·(x + y) wherever that did not overflow (halving is exact).
 */
export function symmetricMean(x: number, y: number): number {
  const s = x + y;
  return s === Infinity || s === -Infinity ? 0.5 * x + 0.5 * y : 0.5 * s;
}

/** Orders up to this accumulate the transformation reflection by reflection (tred2's loop); larger ones by blocks. */
const ACCUMULATE_UNBLOCKED_MAX = 96;
/** Reflections per block of the blocked accumulation. */
const ACCUMULATE_NB = 32;

/**
 * The second half of tred2 by blocks of reflections (as LAPACK's dorgtr/dorgql): with the
 * reflection of step s being P_s = I − v_s v_sᵀ / h_s (v_s = u[s][0…s−1], h_s = d[s]; P = I where
 * h = 0), tred2 forms u = Vᵀ = P₁ P₂ ⋯ P_{n−1} one reflection at a time, reading and writing the
 * growing leading block at each. Here a block of b consecutive ones is gathered into
 * P_{s0} ⋯ P_{s1−1} = I − Y T Yᵀ (compact WY: Y the vectors as columns, T upper triangular as
 * LAPACK's dlarft builds it with τ = 1/h) and applied to the leading (s1 − 1)² block — which holds
 * all that the earlier reflections touched — by three matrix products, u_blk −= ((u_blk Y) T) Yᵀ.
 * The same transformation, rounded differently (4n³/3 flops in the matrix kernel instead of a
 * scalar loop). d gets the tridiagonal's diagonal (the leading diagonal of u before).
 */
function accumulateBlocked(u: Float64Array, n: number, d: Float64Array): void {
  const tau = new Float64Array(n), vectors = Float64Array.from(u);
  for (let s = 1; s < n; s++) tau[s] = d[s] !== 0 ? 1 / d[s]! : 0;
  for (let j = 0; j < n; j++) d[j] = u[j * n + j]!;
  u.fill(0);
  for (let j = 0; j < n; j++) u[j * n + j] = 1;
  for (let s0 = 1; s0 < n; s0 += ACCUMULATE_NB) {
    const s1 = Math.min(n, s0 + ACCUMULATE_NB), b = s1 - s0, len = s1 - 1;
    // Y (len × b): column c is v_{s0+c}, zero from row s0 + c on.
    const y = new Float64Array(len * b);
    for (let c = 0; c < b; c++) {
      const row = (s0 + c) * n;
      for (let r = 0; r < s0 + c; r++) y[r * b + c] = vectors[row + r]!;
    }
    const t = compactWyFactor(y, len, b, tau.subarray(s0, s1));
    const block = new Float64Array(len * len);
    for (let r = 0; r < len; r++) block.set(u.subarray(r * n, r * n + len), r * len);
    const w = new Float64Array(len * b), wt = new Float64Array(len * b);
    gemm(block, 0, y, 0, w, 0, len, len, b, false, false, true);
    gemm(w, 0, t, 0, wt, 0, len, b, b, false, false, true);
    for (let i = 0; i < wt.length; i++) wt[i] = -wt[i]!;
    gemm(wt, 0, y, 0, block, 0, len, b, len, false, true);
    for (let r = 0; r < len; r++) u.set(block.subarray(r * len, (r + 1) * len), r * n);
  }
}

/**
 * Householder tridiagonalisation of the symmetric matrix in `u` (n×n), accumulating the orthogonal
 * transformation; d gets the diagonal, e the subdiagonal in e[1..n−1]. EISPACK's tred2 (as in
 * JAMA) with every index transposed: tred2 walks its working lower triangle and the transformation
 * down columns (stride n, a cache line per element once n·8 bytes pass a page); here u holds the
 * transpose of tred2's array — the working matrix in the upper triangle, the Householder vectors
 * in the rows below it, the transformation's columns as rows — so those loops run along rows. The
 * same operations in the same order: bit for bit tred2's results, transposed. On return u is Vᵀ
 * (the eigenvector basis as rows, as implicitQL wants it).
 */
function tridiagonalize(u: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  reduceTridiagonal(u, n, d, e);
  accumulate(u, n, d, e);
}

/** tred2's first half (the reduction), in WebAssembly where it runs. Exported for tests. @internal */
export function reduceTridiagonal(u: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  if (!reduceInWasm(u, n, d, e)) reduce(u, n, d, e, plainRows(u, n, d, e));
}

/** The two row loops of a step i of tred2's reduction, over rows j = 0 … i − 1 of u (n×n row-major). */
interface ReductionRows {
  /**
   * The symmetric matrix–vector product: for each j, f = d[j], u[i][j] = f, and
   * e[j] = e[j] + u[j][j]·f + Σ_{k=j+1}^{i−1} u[j][k]·d[k], with e[k] += u[j][k]·f for those k.
   */
  symvRows(i: number): void;
  /** The rank-2 update: for each j, u[j][k] −= d[j]·e[k] + e[j]·d[k] (k = j … i − 1), then d[j] = u[j][i − 1], u[j][i] = 0. */
  rank2Rows(i: number): void;
}

/** The row loops in JavaScript: tred2's operations in tred2's order. */
function plainRows(u: Float64Array, n: number, d: Float64Array, e: Float64Array): ReductionRows {
  return {
    symvRows(i) {
      for (let j = 0; j < i; j++) {
        const f = d[j]!, row = j * n;
        u[i * n + j] = f;
        let g = e[j]! + u[row + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) { const x = u[row + k]!; g += x * d[k]!; e[k] += x * f; }
        e[j] = g;
      }
    },
    rank2Rows(i) {
      for (let j = 0; j < i; j++) {
        const f = d[j]!, g = e[j]!, row = j * n;
        for (let k = j; k <= i - 1; k++) u[row + k] -= f * e[k]! + g * d[k]!;
        d[j] = u[row + i - 1]!;
        u[row + i] = 0;
      }
    },
  };
}

/** Orders from which the reduction's row loops run in WebAssembly SIMD. */
const WASM_REDUCTION_MIN = 64;

/**
 * The reduction with u, d and e in a WebAssembly memory and each step's two row loops in SIMD,
 * one call a loop (the loop over rows inside the module: n²/2 calls each from JavaScript, one per
 * row, had bound it — 260k at n = 512). Two elements an instruction; the rank-2 update the same
 * operations, the matrix–vector product's sums in two lanes (the pairs' lane sums added to the
 * running sum, then an odd last element), so rounded differently from tred2's running sum. Its
 * bits are those of the earlier per-row kernels (rotations.ts: symvRows, rank2Rows). False where
 * unavailable.
 */
function reduceInWasm(v: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  if (n < WASM_REDUCTION_MIN) return false;
  const space = rotationSpace(n * n + 2 * n);
  if (space === null) return false;
  const at = RotationSpace.rowAt(0, 0), dAt = at + n * n, eAt = dAt + n;
  const view = space.view, u = view.subarray(at, at + n * n), dv = view.subarray(dAt, dAt + n), ev = view.subarray(eAt, eAt + n);
  u.set(v);
  reduce(u, n, dv, ev, {
    symvRows: (i) => space.symvRows(at, dAt, eAt, n, i),
    rank2Rows: (i) => space.rank2Rows(at, dAt, eAt, n, i),
  });
  v.set(u);
  d.set(dv);
  e.set(ev);
  space.done();
  return true;
}

/** tred2's reduction (its first half): u's upper triangle to tridiagonal form, the reflections kept below it. */
function reduce(u: Float64Array, n: number, d: Float64Array, e: Float64Array, rows: ReductionRows): void {
  for (let j = 0; j < n; j++) d[j] = u[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) { d[j] = u[j * n + i - 1]!; u[j * n + i] = 0; u[i * n + j] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k]! /= scale; h += d[k]! * d[k]!; }
      let f = d[i - 1]!;
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      rows.symvRows(i);
      f = 0;
      for (let j = 0; j < i; j++) { e[j]! /= h; f += e[j]! * d[j]!; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j]!;
      rows.rank2Rows(i);
    }
    d[i] = h;
  }
}

/** tred2's second half: the transformation accumulated into u (then Vᵀ), d the tridiagonal's diagonal. */
function accumulate(u: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  if (n > ACCUMULATE_UNBLOCKED_MAX) {
    accumulateBlocked(u, n, d);
    e[0] = 0;
    return;
  }
  for (let i = 0; i < n - 1; i++) {
    u[i * n + n - 1] = u[i * n + i]!;
    u[i * n + i] = 1;
    const h = d[i + 1]!;
    const hv = (i + 1) * n; // the Householder vector of step i + 1, as a row
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = u[hv + k]! / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += u[hv + k]! * u[row + k]!;
        for (let k = 0; k <= i; k++) u[row + k] -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) u[hv + k] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = u[j * n + n - 1]!; u[j * n + n - 1] = 0; }
  u[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Rows from this length on are rotated in WebAssembly (./../wasm/rotations.ts). */
const WASM_ROTATIONS_MIN = 32;

/**
 * Implicit QL on the tridiagonal (d, e), applying each plane rotation to the rows of `w` (the
 * eigenvectors stored as rows, so rotations run along contiguous memory). Returns false if some
 * eigenvalue did not converge in 30 iterations per eigenvalue (non-finite input).
 *
 * An iteration's rotations, of rows (i, i + 1) for i = m − 1 down to l, do not feed back into the
 * iteration on (d, e): they are collected and applied after it — in WebAssembly SIMD from
 * WASM_ROTATIONS_MIN columns on, else by `rotateRun`, four at a time — the same bits either way.
 */
function implicitQL(w: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  const space = n >= WASM_ROTATIONS_MIN ? rotationSpace(n * paddedStride(n)) : null;
  if (space === null) return qlIterations(n, d, e, (l, m, cs) => rotateRun(w, n, l, m, cs));
  // The rows in WebAssembly memory for the whole iteration, one rotation a call (the same bits).
  const stride = paddedStride(n), view = space.view;
  for (let i = 0; i < n; i++) view.set(w.subarray(i * n, (i + 1) * n), RotationSpace.rowAt(i, stride));
  const converged = qlIterations(n, d, e, (l, m, cs) => {
    for (let i = m - 1; i >= l; i--) space.rotate(RotationSpace.rowAt(i, stride), RotationSpace.rowAt(i + 1, stride), stride, cs[2 * i]!, cs[2 * i + 1]!);
  });
  for (let i = 0; i < n; i++) w.set(view.subarray(RotationSpace.rowAt(i, stride), RotationSpace.rowAt(i, stride) + n), i * n);
  space.done();
  return converged;
}

/** The QL iteration on (d, e); `rotate(l, m, cs)` applies each iteration's rotations to the rows. */
function qlIterations(n: number, d: Float64Array, e: Float64Array, rotate: (l: number, m: number, cs: Float64Array) => void): boolean {
  const cs = new Float64Array(2 * n); // an iteration's rotations: c, s of rows (i, i + 1) at 2i
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 30) return false;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          cs[2 * i] = c;
          cs[2 * i + 1] = s;
        }
        rotate(l, m, cs);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  return true;
}

/**
 * Applies the rotations of rows (i, i + 1), i = m − 1 down to l, with cs[2i], cs[2i + 1] their
 * c, s: (w_i, w_{i+1}) ← (c w_i − s w_{i+1}, s w_i + c w_{i+1}). Four consecutive ones share one
 * pass over five rows (each element gets the same operations in the same order as one rotation at
 * a time, so the same bits): five rows loaded and stored for four rotations instead of eight, 0.67
 * of the time in V8 (1.43 against 2.15 ns an element and rotation).
 */
function rotateRun(w: Float64Array, n: number, l: number, m: number, cs: Float64Array): void {
  let i = m - 1;
  for (; i - 3 >= l; i -= 4) {
    const c1 = cs[2 * i]!, s1 = cs[2 * i + 1]!, c2 = cs[2 * i - 2]!, s2 = cs[2 * i - 1]!;
    const c3 = cs[2 * i - 4]!, s3 = cs[2 * i - 3]!, c4 = cs[2 * i - 6]!, s4 = cs[2 * i - 5]!;
    const r4 = (i + 1) * n, r3 = r4 - n, r2 = r3 - n, r1 = r2 - n, r0 = r1 - n;
    for (let k = 0; k < n; k++) {
      const x = w[r4 + k]!, y = w[r3 + k]!;
      w[r4 + k] = s1 * y + c1 * x;
      const y1 = c1 * y - s1 * x, z = w[r2 + k]!;
      w[r3 + k] = s2 * z + c2 * y1;
      const z1 = c2 * z - s2 * y1, u = w[r1 + k]!;
      w[r2 + k] = s3 * u + c3 * z1;
      const u1 = c3 * u - s3 * z1, q = w[r0 + k]!;
      w[r1 + k] = s4 * q + c4 * u1;
      w[r0 + k] = c4 * q - s4 * u1;
    }
  }
  for (; i >= l; i--) {
    const c = cs[2 * i]!, s = cs[2 * i + 1]!;
    const ri = i * n, rj = ri + n;
    for (let k = 0; k < n; k++) {
      const x = w[rj + k]!, y = w[ri + k]!;
      w[rj + k] = s * y + c * x;
      w[ri + k] = c * y - s * x;
    }
  }
}

/**
 * Orders from which the tridiagonal goes to divide and conquer instead of QL (the matrix kernel in
 * WebAssembly, and without). Measured in one process, the whole kernel, new ÷ old (QL), minimum of
 * 15 alternating runs, WebAssembly on: 48 1.00, 64 0.91, 96 0.72, 128 0.91, 256 0.78, 512 0.69;
 * off: 64 1.03, 80 0.95, 128 0.86, 256 0.77.
 */
const divideMin = () => (wasmKernelsAvailable() ? 64 : 80);

/** The QL iteration on a small block of the divide and conquer, rotating the rows of w. */
export const leafQL: LeafSolver = (m, dd, ee, w) => qlIterations(m, dd, ee, (l, last, cs) => rotateRun(w, m, l, last, cs));

/**
 * After the reduction (u: the tridiagonal's diagonal on its diagonal, the reflections' vectors
 * below it; h = d the reflections' h; e[1…n−1] the off-diagonal), the tridiagonal solved by divide
 * and conquer (./tridiagonalDivide.ts), eigenvectors S as columns, then A's eigenvectors V·S with
 * V = (P₁ ⋯ P_{n−1})ᵀ = B_mᵀ ⋯ B₁ᵀ applied to S block by block (`applyReflections`, as LAPACK's
 * dormtr after dstedc in dsyevd) instead of forming V (accumulate) and multiplying: n³ multiply-adds
 * where forming V and one product took 2n³/3 + n³. Writes the batch entry's values (scaled back by
 * 2^ex) and vectors, each signed as eighKernel's contract says. False if a leaf did not converge.
 */
function divideAndConquer(u: Float64Array, n: number, h: Float64Array, e: Float64Array, ex: number, values: Float64Array, vectors: Float64Array): boolean {
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) diag[j] = u[j * n + j]!;
  const lam = new Float64Array(n), s = new Float64Array(n * n);
  if (!tridiagonalEigen(n, diag, e.subarray(1, n), leafQL, lam, s)) return false;
  applyReflections(u, n, h, s);
  // Each column signed so that its first entry of largest magnitude is positive (read along rows).
  const big = new Float64Array(n);
  for (let r = 0; r < n; r++) for (let c = 0, o = r * n; c < n; c++) if (Math.abs(s[o + c]!) > Math.abs(big[c]!)) big[c] = s[o + c]!;
  for (let c = 0; c < n; c++) { values[c] = lam[c]! * 2 ** ex; big[c] = big[c]! < 0 ? -1 : 1; }
  for (let r = 0; r < n; r++) for (let c = 0, o = r * n; c < n; c++) vectors[o + c] = big[c]! * s[o + c]!;
  return true;
}

/**
 * s ← V s, V = (P₁ P₂ ⋯ P_{n−1})ᵀ the reduction's transformation (P_s = I − v_s v_sᵀ/h_s, v_s
 * = u[s][0…s−1], P = I where h = 0). With B = P_{s0} ⋯ P_{s1−1} = I − Y T Yᵀ for each block of
 * ACCUMULATE_NB reflections (compact WY, T as accumulateBlocked builds it), V = B_mᵀ ⋯ B₁ᵀ; B₁ᵀ
 * is applied first. Bᵀ = I − Y Tᵀ Yᵀ touches rows 0 … s1 − 2 of s only (len of them, a leading
 * block of rows, contiguous): s_blk −= Y (Tᵀ (Yᵀ s_blk)), three products in the matrix kernel.
 */
function applyReflections(u: Float64Array, n: number, h: Float64Array, s: Float64Array): void {
  for (let s0 = 1; s0 < n; s0 += ACCUMULATE_NB) {
    const s1 = Math.min(n, s0 + ACCUMULATE_NB), b = s1 - s0, len = s1 - 1;
    const tau = new Float64Array(b), y = new Float64Array(len * b);
    for (let c = 0; c < b; c++) {
      const hs = h[s0 + c]!, row = (s0 + c) * n;
      tau[c] = hs !== 0 ? 1 / hs : 0;
      if (hs !== 0) for (let r = 0; r < s0 + c; r++) y[r * b + c] = u[row + r]!;
    }
    const t = compactWyFactor(y, len, b, tau);
    const w = new Float64Array(b * n), tw = new Float64Array(b * n);
    gemm(y, 0, s, 0, w, 0, b, len, n, true, false, true); // Yᵀ s_blk
    gemm(t, 0, w, 0, tw, 0, b, b, n, true, false, true); // Tᵀ (Yᵀ s_blk)
    for (let i = 0; i < tw.length; i++) tw[i] = -tw[i]!;
    gemm(y, 0, tw, 0, s, 0, len, b, n, false, false); // s_blk += Y (−Tᵀ Yᵀ s_blk)
  }
}

/** The reduction's diagonal (u's), its h (d) and off-diagonal (e[1…]) all finite. */
function allFinite(u: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(u[i * n + i]!) || !Number.isFinite(d[i]!) || !Number.isFinite(e[i]!)) return false;
  return true;
}

/**
 * Eigenvalues (ascending) and eigenvectors of `count` symmetric n×n matrices (lower triangles
 * read). `vectors` gets V with the eigenvectors as columns, each signed so that its entry of
 * largest magnitude is positive (a fixed, locally smooth choice, so derivatives are well defined).
 * Returns the first batch index that failed to converge, or −1.
 */
export function eighKernel(a: Float64Array, count: number, n: number, values: Float64Array, vectors: Float64Array): number {
  const v = new Float64Array(n * n);
  const d = new Float64Array(n), e = new Float64Array(n);
  for (let t = 0; t < count; t++) {
    v.set(a.subarray(t * n * n, (t + 1) * n * n));
    // Scaled by a power of two (exactly) to a largest |entry| in [1, 2), the eigenvalues scaled
    // back below: tred2's sums of squares overflow above |aᵢⱼ| ≈ 1e154 (NaN eigenvalues) and
    // underflow below 1e-154 (wrong ones). LAPACK's dsyev scales likewise.
    let largest = 0;
    for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(v[i]!));
    const ex = largest > 0 && Number.isFinite(largest) ? Math.min(Math.max(Math.floor(Math.log2(largest)), -1022), 1023) : 0;
    if (ex !== 0) for (let i = 0; i < n * n; i++) v[i]! *= 2 ** -ex;
    if (n >= divideMin()) {
      reduceTridiagonal(v, n, d, e);
      // Non-finite input goes on to the QL iteration, which reports it as before.
      if (allFinite(v, n, d, e)) {
        if (!divideAndConquer(v, n, d, e, ex, values.subarray(t * n, (t + 1) * n), vectors.subarray(t * n * n, (t + 1) * n * n))) return t;
        continue;
      }
      accumulate(v, n, d, e);
    } else {
      tridiagonalize(v, n, d, e);
    }
    const w = v; // Vᵀ: the basis as rows
    if (!implicitQL(w, n, d, e)) return t;
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
    for (let c = 0; c < n; c++) {
      const row = order[c]! * n;
      let big = 0;
      for (let k = 0; k < n; k++) if (Math.abs(w[row + k]!) > Math.abs(big)) big = w[row + k]!;
      const s = big < 0 ? -1 : 1;
      values[t * n + c] = d[order[c]!]! * 2 ** ex;
      for (let k = 0; k < n; k++) vectors[t * n * n + k * n + c] = s * w[row + k]!;
    }
  }
  return -1;
}
