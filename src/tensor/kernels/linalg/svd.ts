/**
 * @file Reduced singular value decomposition A = U diag(s) Vᵀ, batched, by one-sided Jacobi
 * (Hestenes 1958; Demmel & Veselić 1992): rotations orthogonalise the columns of A, whose norms
 * are then the singular values. Slower than Golub–Kahan for large n but simple and accurate:
 * small singular values get high relative accuracy. s descending. No AD here.
 */
import { RotationSpace, paddedStride, rotationSpace } from '../wasm/rotations.js';
import { gemm } from '../matmul.js';
import { qrKernel } from './qr.js';

/**
 * A tall factor at least this many times longer than wide (and at least PRECONDITION_MIN wide) is
 * first reduced by QR, and the sweeps run on R's k columns of length k instead of A's of length
 * m (LAPACK's dgesvj/dgejsv advice for m ≫ n).
 */
const PRECONDITION_RATIO = 2;
const PRECONDITION_MIN = 48;

/** Rows from this length on are swept in WebAssembly (../wasm/rotations.ts). */
const WASM_SWEEP_MIN = 32;

/**
 * One-sided Jacobi on `g`, k rows of length len (the columns of a tall matrix, stored as rows so
 * rotations run along contiguous memory), accumulating the rotations in the rows of `vt` (k×k).
 * From WASM_SWEEP_MIN on, g's and vt's rows go into WebAssembly memory for the whole run, the
 * inner products and rotations in SIMD (orthogonalizeRowsVector); the inner products' sums then
 * round in a different order (as accurate), so the two paths agree to rounding, not bit for bit.
 */
function orthogonalizeRows(g: Float64Array, k: number, len: number, vt: Float64Array): void {
  if (len >= WASM_SWEEP_MIN && orthogonalizeRowsVector(g, k, len, vt)) return;
  const cs = new Float64Array(2);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        const rp = p * len, rq = q * len;
        for (let i = 0; i < len; i++) {
          const x = g[rp + i]!, y = g[rq + i]!;
          alpha += x * x; beta += y * y; gamma += x * y;
        }
        if (!(alpha < TINY_SQUARES || beta < TINY_SQUARES ? scaledRotation(g, rp, rq, len, cs) : jacobiRotation(alpha, beta, gamma, cs))) continue;
        rotated = true;
        rotateRows(g, rp, rq, len, cs[0]!, cs[1]!);
        rotateRows(vt, p * k, q * k, k, cs[0]!, cs[1]!);
      }
    }
    if (!rotated) return;
  }
}

/** orthogonalizeRows in WebAssembly SIMD (5–6× the scalar loops' speed); false where it is unavailable. */
function orthogonalizeRowsVector(g: Float64Array, k: number, len: number, vt: Float64Array): boolean {
  const gStride = paddedStride(len), vStride = paddedStride(k);
  const space = rotationSpace(k * gStride + k * vStride);
  if (space === null) return false;
  const view = space.view, vBase = RotationSpace.rowAt(k, gStride);
  const gRow = (i: number) => RotationSpace.rowAt(i, gStride), vRow = (i: number) => vBase + i * vStride;
  for (let i = 0; i < k; i++) {
    view.set(g.subarray(i * len, (i + 1) * len), gRow(i));
    view.set(vt.subarray(i * k, (i + 1) * k), vRow(i));
  }
  const d = new Float64Array(3), cs = new Float64Array(2);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        space.dots(gRow(p), gRow(q), gStride, d);
        const tiny = d[0]! < TINY_SQUARES || d[1]! < TINY_SQUARES;
        if (!(tiny ? scaledRotation(view, gRow(p), gRow(q), len, cs) : jacobiRotation(d[0]!, d[1]!, d[2]!, cs))) continue;
        rotated = true;
        space.rotate(gRow(p), gRow(q), gStride, cs[0]!, cs[1]!);
        space.rotate(vRow(p), vRow(q), vStride, cs[0]!, cs[1]!);
      }
    }
    if (!rotated) break;
  }
  for (let i = 0; i < k; i++) {
    g.set(view.subarray(gRow(i), gRow(i) + len), i * len);
    vt.set(view.subarray(vRow(i), vRow(i) + k), i * k);
  }
  space.done();
  return true;
}

/**
 * orthogonalizeRows for k rows of length len ≥ 2k, through the QR factorisation of the tall factor
 * T = gᵀ = Q R: the rows of R's columns are swept (A V = Q (R V), and R V's columns orthogonal make
 * A V's), then g = (R V)ᵀ Qᵀ. Householder QR is columnwise backward stable (the computed R is exact
 * for a perturbation of each column of A relative to that column), so a column-graded matrix keeps
 * the relative accuracy of its small singular values (Demmel et al., "Computing the singular value
 * decomposition with high relative accuracy", LAA 1999, §4).
 */
function orthogonalizeThroughQr(g: Float64Array, k: number, len: number, vt: Float64Array): void {
  const t = new Float64Array(len * k), q = new Float64Array(len * k), r = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < len; j++) t[j * k + i] = g[i * len + j]!;
  qrKernel(t, 1, len, k, q, r);
  const small = new Float64Array(k * k); // row i: column i of R
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) small[i * k + j] = r[j * k + i]!;
  orthogonalizeRows(small, k, k, vt);
  gemm(small, 0, q, 0, g, 0, k, k, len, false, true, true);
}

/**
 * The rotation (c, s) into cs that zeroes the (p, q) entry of GᵀG, given α = xᵀx, β = yᵀy and
 * γ = xᵀy (Rutishauser's stable form); false where the two rows are already orthogonal to
 * working precision (|γ| ≤ ε √(αβ)).
 */
function jacobiRotation(alpha: number, beta: number, gamma: number, cs: Float64Array): boolean {
  // √α·√β where αβ underflows (α = 3e-55, β = 1e-271: the bound was 0, so the pair was rotated in
  // every one of the 60 sweeps, rounding keeping |γ| above it).
  const ab = alpha * beta, bound = ab >= 2 ** -1022 ? Math.sqrt(ab) : Math.sqrt(alpha) * Math.sqrt(beta);
  if (gamma === 0 || Math.abs(gamma) <= 2 ** -52 * bound) return false;
  const zeta = (beta - alpha) / (2 * gamma);
  const tan = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
  const c = 1 / Math.sqrt(1 + tan * tan);
  cs[0] = c;
  cs[1] = c * tan;
  return true;
}

/**
 * Below this a row's sum of squares may have lost its small terms to underflow (squares of entries
 * under 2^-537 are 0, from 2^-511 subnormal): A is scaled to a largest |entry| in [1, 2), so only a
 * row graded more than ~1e135 below it gets here (a zero row too, which is skipped).
 */
const TINY_SQUARES = 2 ** -900;

/**
 * jacobiRotation for rows x, y at rp, rq of `g` (length len) one of whose sums of squares is tiny:
 * from each row scaled by a power of two near its largest entry (exact), so that the norms and
 * the cosine of the two directions keep their digits, as LAPACK's dgesvj does;
 * ζ = (β − α)/(2γ) = (r − 1/r)/(2 cos) with r = ‖y‖/‖x‖. From the raw sums, columns graded below
 * ~1e-154 of the largest had α = β = γ = 0 — never orthogonalised among themselves, their norms
 * returned as singular values (13 times the true one, A = [B, 2^-664·C] with B, C 16×8) — or
 * α = 0 < |γ|: a rotation in every one of the 60 sweeps.
 */
function scaledRotation(g: Float64Array, rp: number, rq: number, len: number, cs: Float64Array): boolean {
  let bx = 0, by = 0;
  for (let i = 0; i < len; i++) {
    const x = Math.abs(g[rp + i]!), y = Math.abs(g[rq + i]!);
    if (x > bx) bx = x;
    if (y > by) by = y;
  }
  if (bx === 0 || by === 0) return false;
  const ex = Math.max(Math.floor(Math.log2(bx)), -1022), ey = Math.max(Math.floor(Math.log2(by)), -1022);
  const fx = 2 ** -ex, fy = 2 ** -ey;
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < len; i++) { const x = g[rp + i]! * fx, y = g[rq + i]! * fy; xx += x * x; yy += y * y; xy += x * y; }
  const cos = xy / (Math.sqrt(xx) * Math.sqrt(yy));
  if (!(Math.abs(cos) > 2 ** -52)) return false;
  // r = ‖y‖/‖x‖ = √(yy/xx)·2^(ey − ex), the power of two in two exact halves (it may pass 2^1023).
  const e = ey - ex, e1 = Math.floor(e / 2);
  const r = Math.sqrt(yy / xx) * 2 ** e1 * 2 ** (e - e1), zeta = (r - 1 / r) / (2 * cos), z = Math.abs(zeta);
  // √(1 + ζ²) without squaring ζ, which here reaches 1e200 and more.
  const tan = (zeta >= 0 ? 1 : -1) / (z + (z > 1 ? z * Math.sqrt(1 + (1 / z) ** 2) : Math.sqrt(1 + z * z)));
  if (tan === 0 || !Number.isFinite(tan)) return false; // |ζ| beyond 1e308: the rotation would change nothing
  const c = 1 / Math.sqrt(1 + tan * tan);
  cs[0] = c;
  cs[1] = c * tan;
  return true;
}

function rotateRows(x: Float64Array, rp: number, rq: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const a = x[rp + i]!, b = x[rq + i]!;
    x[rp + i] = c * a - s * b;
    x[rq + i] = s * a + c * b;
  }
}

/**
 * SVD of `count` m×n matrices with k = min(m, n): u (m×k), s (k), vh (k×n). A wide matrix is
 * decomposed through its transpose. Columns of U for zero singular values are completed to an
 * orthonormal set (Gram–Schmidt on unit vectors), as LAPACK's are.
 */
export function svdKernel(a: Float64Array, count: number, m: number, n: number, u: Float64Array, s: Float64Array, vh: Float64Array): void {
  const tall = m >= n;
  const k = Math.min(m, n), len = Math.max(m, n);
  const g = new Float64Array(k * len), vt = new Float64Array(k * k);
  for (let t = 0; t < count; t++) {
    const off = t * m * n;
    // A scaled by a power of two (exactly) to a largest |entry| in [1, 2), s scaled back at the
    // end: the sums of squares of the rotations overflow above |aᵢⱼ| ≈ 1e154 and underflow below
    // 1e-154 (s of 1e200·[[1, 2], [3, 4]] came out as its column norms). LAPACK's dgesvd scales too.
    let big = 0;
    for (let i = 0; i < m * n; i++) big = Math.max(big, Math.abs(a[off + i]!));
    const e = big > 0 && Number.isFinite(big) ? Math.min(Math.max(Math.floor(Math.log2(big)), -1022), 1023) : 0;
    const down = 2 ** -e;
    // g's rows: the columns of A (tall) or of Aᵀ (wide), i.e. the k columns of the tall factor.
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      if (tall) g[j * len + i] = a[off + i * n + j]! * down;
      else g[i * len + j] = a[off + i * n + j]! * down;
    }
    vt.fill(0);
    for (let i = 0; i < k; i++) vt[i * k + i] = 1;
    if (len >= PRECONDITION_RATIO * k && k >= PRECONDITION_MIN) orthogonalizeThroughQr(g, k, len, vt);
    else orthogonalizeRows(g, k, len, vt);
    const norms = new Float64Array(k);
    for (let i = 0; i < k; i++) norms[i] = scaledNorm(g, i * len, len);
    const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => norms[y]! - norms[x]!);
    // Left vectors of the tall problem (rows of `left`, length len); right vectors: rows of vt.
    const left = new Float64Array(k * len);
    for (let c = 0; c < k; c++) {
      const src = order[c]!, sv = norms[src]!;
      s[t * k + c] = sv;
      for (let j = 0; j < len; j++) left[c * len + j] = sv > 0 ? g[src * len + j]! / sv : 0;
      if (sv > 0) normalizeRow(left, c * len, len); // g/‖g‖ rounds off unit length where g is subnormal
    }
    reorthogonalizeSmall(left, k, len, s.subarray(t * k, t * k + k));
    completeOrthonormal(left, k, len, s.subarray(t * k, t * k + k));
    for (let c = 0; c < k; c++) s[t * k + c]! *= 2 ** e;
    for (let c = 0; c < k; c++) {
      const src = order[c]!;
      for (let j = 0; j < len; j++) {
        if (tall) u[t * m * k + j * k + c] = left[c * len + j]!; // U[j, c]
        else vh[t * k * n + c * n + j] = left[c * len + j]!; //  Vh[c, j]
      }
      for (let j = 0; j < k; j++) {
        if (tall) vh[t * k * n + c * n + j] = vt[src * k + j]!;
        else u[t * m * k + j * k + c] = vt[src * k + j]!;
      }
    }
  }
}

/** ‖x[at … at + len)‖ scaled by the largest |x_j|, so that tiny entries do not square into subnormals. */
function scaledNorm(x: Float64Array, at: number, len: number): number {
  let big = 0;
  for (let j = 0; j < len; j++) big = Math.max(big, Math.abs(x[at + j]!));
  if (big === 0 || !Number.isFinite(big)) return big;
  let sum = 0;
  for (let j = 0; j < len; j++) sum += (x[at + j]! / big) ** 2;
  return big * Math.sqrt(sum);
}

/** Scales row x[at … at + len) to unit length (a zero row is left as is). */
function normalizeRow(x: Float64Array, at: number, len: number): void {
  const nrm = scaledNorm(x, at, len);
  if (nrm > 0 && Number.isFinite(nrm)) for (let j = 0; j < len; j++) x[at + j]! /= nrm;
}

/**
 * Row c of `left` (rows of length len) with its components along the rows o that `against(o)`
 * accepts taken out, in order, twice (Kahan's "twice is enough": Gram–Schmidt to working precision).
 */
function projectOut(left: Float64Array, c: number, len: number, against: (o: number) => boolean): void {
  const row = c * len, rows = left.length / len;
  for (let pass = 0; pass < 2; pass++) {
    for (let o = 0; o < rows; o++) {
      if (!against(o)) continue;
      let d = 0;
      for (let j = 0; j < len; j++) d += left[o * len + j]! * left[row + j]!;
      for (let j = 0; j < len; j++) left[row + j] -= d * left[o * len + j]!;
    }
  }
}

/**
 * Left vectors of singular values at the level of the rounding of the largest (s_c ≤ len·ε·s_0):
 * Jacobi orthogonalises the columns of A relative to their norms, but a column that is rounding
 * noise (4e-157 beside 14) is rotated in subnormal arithmetic, and its direction came out far
 * from orthogonal to the others (|UᵀU − I| = 1 for [[1, 2, 3], [2, 4, 6], [1, 0, 1]]). Each such
 * row is orthogonalised against the rows of larger singular values (twice) and renormalised —
 * which leaves a direction that was already orthogonal unchanged (a graded matrix keeps its exact
 * vectors) — or, where nothing of it is left, set to 0 for completeOrthonormal, as for s = 0. The
 * product U diag(s) Vᵀ moves by at most about 2 s_c, below the rounding of A.
 */
function reorthogonalizeSmall(left: Float64Array, k: number, len: number, s: Float64Array): void {
  const tol = len * 2 ** -52 * s[0]!;
  for (let c = 1; c < k; c++) {
    if (!(s[c]! > 0 && s[c]! <= tol)) continue;
    const row = c * len;
    projectOut(left, c, len, (o) => o < c && s[o]! !== 0);
    const nrm = scaledNorm(left, row, len);
    if (nrm > 0.5) for (let j = 0; j < len; j++) left[row + j]! /= nrm;
    else left.fill(0, row, row + len);
  }
}

/**
 * Replaces the rows of `left` that are 0 (a zero singular value, or a tiny one whose direction
 * was lost: reorthogonalizeSmall) by unit vectors orthogonal to all the others: the first unit
 * vector e_j, in order, whose part P e_j outside the other rows has norm above 1/(2√len). With
 * d ≥ 1 directions left, Σ_j ‖P e_j‖² = d, so some e_j has ‖P e_j‖ ≥ 1/√len; one refused stays
 * refused (the complement only shrinks) and one taken has nothing left, so the scan from `next`
 * meets it. (A fixed 0.5 refused every e_j where the last direction is spread evenly, as
 * (1, 1, 1, 1, 1)/√5 for [[4, 0, 0, 0, 0], [-1, 3, 0, 0, 0], [-1, -1, 2, 0, 0], [-1, -1, -1, 1, 0],
 * [-1, -1, -1, -1, 0]], and left the row a projection of norm 0.45: |UᵀU − I| = 0.8.)
 */
function completeOrthonormal(left: Float64Array, k: number, len: number, s: Float64Array): void {
  const enough = 0.5 / Math.sqrt(len);
  let next = 0;
  const zero = (c: number) => { for (let j = 0; j < len; j++) if (left[c * len + j] !== 0) return false; return true; };
  const isZero = Array.from({ length: k }, (_, c) => !(s[c]! > 0) || zero(c));
  for (let c = 0; c < k; c++) {
    if (!isZero[c]) continue;
    for (; next < len; next++) {
      const row = c * len;
      left.fill(0, row, row + len);
      left[row + next] = 1;
      projectOut(left, c, len, (o) => o < k && o !== c && !(isZero[o] && o > c));
      let nrm = 0;
      for (let j = 0; j < len; j++) nrm += left[row + j]! ** 2;
      nrm = Math.sqrt(nrm);
      if (nrm > enough) { for (let j = 0; j < len; j++) left[row + j]! /= nrm; next++; break; }
    }
  }
}
