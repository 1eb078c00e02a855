/**
 * @file Determinants from one factorisation per matrix, kept so that the gradient reuses it:
 * Cholesky for an exactly symmetric positive-definite matrix (n³/3 flops), LU with partial
 * pivoting otherwise (2n³/3). No AD here.
 */
import { choleskyInPlace } from './cholesky.js';
import { choleskyInverseInto } from './choleskyInverse.js';
import { luFactor } from './lu.js';
import { substitute } from './triangular.js';

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

/**
 * How far below Hadamard's bound |det A| ≤ Π_j ‖a_j‖ (the columns' 2-norms) a determinant may lie
 * before det(A)·A⁻ᵀ stops being a trustworthy adjugate. That ratio is about 1/κ(A) for matrices
 * with columns of comparable norm; the formula's relative error grows like κ(A)·ε and its second
 * derivative, det(A)·(A⁻ᵀ ⊗ A⁻ᵀ) terms of size κ², cancels to nothing (or meets a zero pivot of
 * Aᵀ: NaN). Beyond 2²⁶ the SVD's adjugate is used instead (linalg/det.ts).
 */
const LOG_NEAR_SINGULAR = -26 * Math.LN2;
/**
 * det A itself outside the normal range: below 2⁻¹⁰²² it is a subnormal number that has lost
 * digits (s·[[1, 2], [−1, 3]] at s = 1e−162: the gradient det·A⁻ᵀ 1.2% off, a Hessian entry −0.395
 * for −1), above 2¹⁰²⁴ it is ∞ — while the adjugate, a product of n − 1 singular values, may be
 * representable. There too the SVD's adjugate is used.
 */
const LOG_MIN_NORMAL = -1022 * Math.LN2, LOG_MAX = 1024 * Math.LN2;

/**
 * 1 per matrix whose determinant is (numerically) singular, |det A| ≤ 2⁻²⁶ Π_j ‖a_j‖, or outside the
 * normal range (LOG_MIN_NORMAL), else 0; read
 * from log|det A| in the packed factors (no overflow). Column norms are scaled by their largest
 * entry. A zero column, or det A = 0, gives 1.
 */
export function nearSingularKernel(a: Float64Array, f: Float64Array, count: number, n: number, out: Float64Array): Float64Array {
  const size = factorSize(n), nn = n * n;
  for (let t = 0; t < count; t++) {
    const logAbsDet = f[t * size + LOG]!, o = t * nn;
    let logBound = 0;
    for (let j = 0; j < n; j++) {
      let big = 0;
      for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(a[o + i * n + j]!));
      let s = 0;
      if (big > 0 && big < Infinity) for (let i = 0; i < n; i++) { const x = a[o + i * n + j]! / big; s += x * x; }
      logBound += big === 0 ? -Infinity : Math.log(big) + 0.5 * Math.log(s);
    }
    const outOfRange = logAbsDet < LOG_MIN_NORMAL || logAbsDet >= LOG_MAX;
    out[t] = logAbsDet === -Infinity || outOfRange || logAbsDet <= logBound + LOG_NEAR_SINGULAR ? 1 : 0;
  }
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
 * LU (PA = LU, row i of PA is row perm[i] of A): A⁻¹ = U⁻¹ L⁻¹ P, so with W = U⁻¹ L⁻¹ the
 * columns of A⁻¹ are W's, permuted: A⁻¹[:, perm[i]] = W[:, i] (LAPACK's dgetri order). L⁻¹ is
 * unit lower triangular, so its rows are formed only up to the diagonal (n³/6 flops instead of
 * the n³/2 of a solve against the identity), then U⁻¹ by blocked substitution (n³/2).
 */
export function scaledInverseTranspose(f: Float64Array, count: number, n: number, scale: Float64Array, out: Float64Array): Float64Array {
  const nn = n * n, size = factorSize(n);
  let w: Float64Array | null = null;
  for (let t = 0; t < count; t++) {
    const o = t * size, d0 = o + PERM + n, s = scale[t]!;
    if (f[o + KIND] === 1) {
      choleskyInverseInto(f, d0, n, s, out, t * nn);
      continue;
    }
    w ??= new Float64Array(nn);
    unitLowerInverse(f, d0, n, w);
    substitute(f, d0, n, false, false, false, w, 0, n);
    // Strong zero: a zero cotangent gives zeros even where A⁻¹ is infinite.
    for (let i = 0; i < n; i++) {
      const col = f[o + PERM + i]!; // A⁻¹[:, col] = W[:, i], written as row col of A⁻ᵀ
      const dst = t * nn + col * n;
      for (let r = 0; r < n; r++) out[dst + r] = s === 0 ? 0 : s * w[r * n + i]!;
    }
  }
  return out;
}

/**
 * X = L⁻¹ for the unit lower triangle L of the n×n factor at `off`, into x (n×n, row-major):
 * row i of X is e_i − Σ_{p<i} L[i,p]·(row p of X), and row p is zero past column p.
 */
function unitLowerInverse(lu: Float64Array, off: number, n: number, x: Float64Array): void {
  x.fill(0);
  for (let i = 0; i < n; i++) {
    const xi = i * n, li = off + i * n;
    for (let p = 0; p < i; p++) {
      const l = lu[li + p]!;
      if (l === 0) continue;
      const xp = p * n;
      for (let j = 0; j <= p; j++) x[xi + j] -= l * x[xp + j]!;
    }
    x[xi + i] = 1;
  }
}
