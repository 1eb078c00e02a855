/**
 * @file Determinants from one factorisation per matrix, kept so that the gradient reuses it:
 * Cholesky for an exactly symmetric positive-definite matrix (n³/3 flops), LU with partial
 * pivoting otherwise (2n³/3). No AD here.
 */
import { choleskyInPlace } from './cholesky.js';
import { choleskyInverseInto } from './choleskyInverse.js';
import { luFactor, luSolve } from './lu.js';

/**
 * The packed factorisation of one n×n matrix: [kind, sign, logAbsDet, perm (n), factor (n²)].
 * kind 1: the factor is the Cholesky L (perm unused); kind 0: LU packed as in lu.ts, perm its rows.
 */
export const factorSize = (n: number): number => n * n + n + 3;
const KIND = 0, SIGN = 1, LOG = 2, PERM = 3; // SIGN: also linalg/det.ts's slice

/**
 * Whether the n×n matrix at `off` equals its transpose exactly and has a positive diagonal. The
 * comparison runs over 32×32 tiles, so that the transposed reads stay in cache (a column-wise
 * sweep of a 512×512 matrix costs as much as a tenth of its Cholesky factorisation).
 */
function maybeSpd(a: Float64Array, off: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (!(a[off + i * n + i]! > 0)) return false;
  const T = 32;
  for (let i0 = 0; i0 < n; i0 += T) for (let j0 = 0; j0 <= i0; j0 += T) {
    const i1 = Math.min(n, i0 + T);
    for (let i = i0; i < i1; i++) {
      const j1 = Math.min(i, j0 + T);
      for (let j = j0; j < j1; j++) if (a[off + i * n + j] !== a[off + j * n + i]) return false;
    }
  }
  return true;
}

/**
 * Factors each of `count` n×n matrices into `out` (factorSize(n) per matrix) with sign(det) and
 * log|det| (−∞ and sign 0 for an exactly singular one). With `tryCholesky`, a symmetric matrix with a positive
 * diagonal is first tried by Cholesky; one that turns out indefinite costs that attempt (at most
 * n³/3) before LU.
 */
export function detFactorKernel(a: Float64Array, count: number, n: number, tryCholesky: boolean, out: Float64Array): Float64Array {
  const nn = n * n, size = factorSize(n);
  for (let t = 0; t < count; t++) {
    const o = t * size, f = o + PERM + n;
    if (tryCholesky && maybeSpd(a, t * nn, n)) {
      out.set(a.subarray(t * nn, (t + 1) * nn), f);
      if (choleskyInPlace(out, f, n) < 0) {
        let log = 0;
        for (let i = 0; i < n; i++) log += Math.log(out[f + i * n + i]!);
        out[o + KIND] = 1;
        out[o + SIGN] = 1;
        out[o + LOG] = 2 * log;
        continue;
      }
    }
    const lu = luFactor(a.subarray(t * nn, (t + 1) * nn), 1, n);
    let sign = lu.parity[0]!, log = 0;
    for (let i = 0; i < n; i++) {
      const d = lu.lu[i * n + i]!;
      if (d < 0) sign = -sign;
      log += Math.log(Math.abs(d));
    }
    out[o + KIND] = 0;
    out[o + SIGN] = log === -Infinity ? 0 : sign;
    out[o + LOG] = log;
    for (let i = 0; i < n; i++) out[o + PERM + i] = lu.perm[i]!;
    out.set(lu.lu, f);
  }
  return out;
}

/** log|det A| per matrix, read from the packed factors. */
export function readLogAbsDet(f: Float64Array, count: number, n: number, out: Float64Array): Float64Array {
  const size = factorSize(n);
  for (let t = 0; t < count; t++) out[t] = f[t * size + LOG]!;
  return out;
}

/** det A per matrix: the product of the factor's diagonal (squared for Cholesky) times the sign of P (overflows where det does). */
export function detFromFactors(f: Float64Array, count: number, n: number, out: Float64Array): Float64Array {
  const size = factorSize(n);
  for (let t = 0; t < count; t++) {
    const o = t * size, d0 = o + PERM + n;
    let d = 1;
    if (f[o + KIND] === 1) for (let i = 0; i < n; i++) d *= f[d0 + i * n + i]! ** 2;
    else {
      // The sign of P is the sign of det divided by the signs of U's diagonal.
      let parity = f[o + SIGN]!;
      for (let i = 0; i < n; i++) { const u = f[d0 + i * n + i]!; d *= u; if (u < 0) parity = -parity; }
      if (parity !== 0) d *= parity;
    }
    out[t] = d === 0 ? 0 : d; // no −0
  }
  return out;
}

/**
 * scale[t] · A⁻ᵀ per matrix from the packed factors (the gradient of log|det A|, times the
 * cotangent; det's gradient with scale = ḡ det A). Cholesky: A⁻ᵀ = A⁻¹ = L⁻ᵀ L⁻¹ by LAPACK's
 * dpotri (choleskyInverse.ts: n³/3 + n³/3 flops, written straight into `out`, no n×n temporary).
 * LU: A⁻¹ = U⁻¹ L⁻¹ P from n solves, transposed.
 */
export function scaledInverseTranspose(f: Float64Array, count: number, n: number, scale: Float64Array, out: Float64Array): Float64Array {
  const nn = n * n, size = factorSize(n);
  let id: Float64Array | null = null, x: Float64Array | null = null;
  for (let t = 0; t < count; t++) {
    const o = t * size, d0 = o + PERM + n, s = scale[t]!;
    if (f[o + KIND] === 1) {
      choleskyInverseInto(f, d0, n, s, out, t * nn);
      continue;
    }
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = f[o + PERM + i]!;
    id ??= new Float64Array(nn);
    x ??= new Float64Array(nn);
    id.fill(0);
    for (let i = 0; i < n; i++) id[i * n + i] = 1;
    luSolve({ lu: f.subarray(d0, d0 + nn), perm, parity: new Float64Array(1), singular: -1 }, id, 1, n, n, x);
    // Strong zero: a zero cotangent gives zeros even where A⁻¹ is infinite.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[t * nn + j * n + i] = s === 0 ? 0 : s * x[i * n + j]!;
  }
  return out;
}
