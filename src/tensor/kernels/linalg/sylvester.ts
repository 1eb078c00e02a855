/**
 * @file Kernels on the real Schur form: the Sylvester equation A X + X B = C by Bartels–Stewart
 * (Bartels & Stewart 1972; LAPACK's dtrsyl for the quasi-triangular step), and the principal square
 * root of a real matrix by Higham's real Schur method (Higham 1987, "Computing real square roots
 * of a real matrix"). Both solve small (≤ 4 unknowns) Sylvester systems block by block. No AD here.
 */
import { realSchurKernel } from './schur.js';

/** Why a kernel stopped: the index of the matrix at fault and the reason, or index −1. */
export interface SchurKernelStatus { failed: number; reason: 'singular' | 'negative' | 'convergence' | null }

const OK: SchurKernelStatus = { failed: -1, reason: null };

/** The diagonal blocks of an upper quasi-triangular n×n matrix at `o`: [start, size] pairs. */
function blocksOf(t: Float64Array, o: number, n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < n;) {
    const size = k + 1 < n && t[o + (k + 1) * n + k] !== 0 ? 2 : 1;
    out.push([k, size]);
    k += size;
  }
  return out;
}

/**
 * Solves P Y + Y Q = G for Y (p×q, p, q ≤ 2), P the p×p block of `r` (n_r wide) at (pi, pi), Q the
 * q×q block of `s` (n_s wide) at (qi, qi); G and Y row-major in `g` (overwritten). Gaussian
 * elimination with complete pivoting on the Kronecker form (I ⊗ P + Qᵀ ⊗ I). Returns false when the
 * system is singular and inconsistent (P and −Q share an eigenvalue); with `strict` false the
 * division by the zero pivot is done anyway (±∞/NaN), as in derivative rules.
 */
function smallSylvester(r: Float64Array, ro: number, nr: number, pi: number, p: number,
  s: Float64Array, so: number, ns: number, qi: number, q: number, g: Float64Array, strict: boolean): boolean {
  const k = p * q;
  const m = new Float64Array(k * k);
  for (let a = 0; a < p; a++) for (let b = 0; b < q; b++) {
    const row = (a * q + b) * k;
    for (let c = 0; c < p; c++) m[row + c * q + b] += r[ro + (pi + a) * nr + pi + c]!; //  Σ_c P[a, c] Y[c, b]
    for (let d = 0; d < q; d++) m[row + a * q + d] += s[so + (qi + d) * ns + qi + b]!; // Σ_d Y[a, d] Q[d, b]
  }
  const col = [0, 1, 2, 3];
  let ok = true;
  for (let st = 0; st < k; st++) {
    let best = -1, bi = st, bj = st;
    for (let i = st; i < k; i++) for (let j = st; j < k; j++) {
      const v = Math.abs(m[i * k + j]!);
      if (v > best) { best = v; bi = i; bj = j; }
    }
    if (best === 0) { // the rest of the system is 0·y = g: consistent only if g is 0 there
      for (let i = st; i < k; i++) if (g[i] !== 0) ok = false;
      if (ok || strict) { for (let i = st; i < k; i++) { g[i] = 0; for (let j = 0; j < k; j++) m[i * k + j] = i === j ? 1 : 0; } break; }
    }
    if (bi !== st) {
      for (let j = 0; j < k; j++) { const t = m[st * k + j]!; m[st * k + j] = m[bi * k + j]!; m[bi * k + j] = t; }
      const t = g[st]!; g[st] = g[bi]!; g[bi] = t;
    }
    if (bj !== st) {
      for (let i = 0; i < k; i++) { const t = m[i * k + st]!; m[i * k + st] = m[i * k + bj]!; m[i * k + bj] = t; }
      const t = col[st]!; col[st] = col[bj]!; col[bj] = t;
    }
    const piv = m[st * k + st]!;
    for (let i = st + 1; i < k; i++) {
      const f = m[i * k + st]! / piv;
      if (f === 0) continue;
      for (let j = st; j < k; j++) m[i * k + j] -= f * m[st * k + j]!;
      g[i] -= f * g[st]!;
    }
  }
  const y = [0, 0, 0, 0];
  for (let i = k - 1; i >= 0; i--) {
    let v = g[i]!;
    for (let j = i + 1; j < k; j++) v -= m[i * k + j]! * y[j]!;
    y[i] = v / m[i * k + i]!;
  }
  for (let i = 0; i < k; i++) g[col[i]!] = y[i]!;
  return ok;
}

/**
 * R Y + Y S = F for upper quasi-triangular R (m×m, at `ro`) and S (n×n, at `so`); Y overwrites F
 * (m×n, at `fo`). Row blocks from the bottom, column blocks from the left (dtrsyl's order):
 * R_II Y_IJ + Y_IJ S_JJ = F_IJ − Σ_{K>I} R_IK Y_KJ − Σ_{K<J} Y_IK S_KJ.
 */
export function quasiTriangularSylvester(r: Float64Array, ro: number, m: number, s: Float64Array, so: number, n: number,
  f: Float64Array, fo: number, strict: boolean): boolean {
  const rb = blocksOf(r, ro, m), sb = blocksOf(s, so, n);
  const g = new Float64Array(4);
  let ok = true;
  for (let bi = rb.length - 1; bi >= 0; bi--) {
    const [i0, p] = rb[bi]!;
    for (const [j0, q] of sb) {
      for (let a = 0; a < p; a++) for (let b = 0; b < q; b++) {
        let v = f[fo + (i0 + a) * n + j0 + b]!;
        for (let k = i0 + p; k < m; k++) v -= r[ro + (i0 + a) * m + k]! * f[fo + k * n + j0 + b]!;
        for (let k = 0; k < j0; k++) v -= f[fo + (i0 + a) * n + k]! * s[so + k * n + j0 + b]!;
        g[a * q + b] = v;
      }
      if (!smallSylvester(r, ro, m, i0, p, s, so, n, j0, q, g, strict)) ok = false;
      for (let a = 0; a < p; a++) for (let b = 0; b < q; b++) f[fo + (i0 + a) * n + j0 + b] = g[a * q + b]!;
    }
  }
  return ok;
}

/** out = Xᵀ Y (transA) or X Y, X and Y row-major at offsets; (rows × inner) · (inner × cols). */
function product(x: Float64Array, xo: number, transX: boolean, y: Float64Array, yo: number, transY: boolean,
  rows: number, inner: number, cols: number, out: Float64Array, oo: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let v = 0;
    for (let k = 0; k < inner; k++) {
      v += (transX ? x[xo + k * rows + i]! : x[xo + i * inner + k]!) * (transY ? y[yo + j * inner + k]! : y[yo + k * cols + j]!);
    }
    out[oo + i * cols + j] = v;
  }
}

/**
 * X with A X + X B = C for each of `count` triples (A m×m, B n×n, C m×n, row-major) into `out`:
 * A = U R Uᵀ and B = V S Vᵀ (real Schur), R Y + Y S = Uᵀ C V, X = U Y Vᵀ. `strict`: a singular
 * equation (A and −B share an eigenvalue) stops with reason 'singular' instead of giving ±∞/NaN.
 */
export function sylvesterKernel(a: Float64Array, b: Float64Array, c: Float64Array, count: number, m: number, n: number,
  out: Float64Array, strict: boolean): SchurKernelStatus {
  const r = new Float64Array(m * m), u = new Float64Array(m * m), s = new Float64Array(n * n), v = new Float64Array(n * n);
  const tmp = new Float64Array(m * n), y = new Float64Array(m * n);
  for (let t = 0; t < count; t++) {
    if (realSchurKernel(a.subarray(t * m * m, (t + 1) * m * m), 1, m, r, u) >= 0) return { failed: t, reason: 'convergence' };
    if (realSchurKernel(b.subarray(t * n * n, (t + 1) * n * n), 1, n, s, v) >= 0) return { failed: t, reason: 'convergence' };
    product(u, 0, true, c, t * m * n, false, m, m, n, tmp, 0); //  Uᵀ C
    product(tmp, 0, false, v, 0, false, m, n, n, y, 0); //        (Uᵀ C) V
    if (!quasiTriangularSylvester(r, 0, m, s, 0, n, y, 0, strict) && strict) return { failed: t, reason: 'singular' };
    product(u, 0, false, y, 0, false, m, m, n, tmp, 0); //        U Y
    product(tmp, 0, false, v, 0, true, m, n, n, out, t * m * n); // (U Y) Vᵀ
  }
  return OK;
}

/**
 * The principal square root of each n×n matrix into `out`, by Higham's real Schur method:
 * A = Z T Zᵀ, R upper quasi-triangular with R² = T, X = Z R Zᵀ. A 1×1 block t gets √t (t < 0:
 * reason 'negative'); a 2×2 block with eigenvalues θ ± iμ gets αI + (T_jj − θI)/(2α), α = Re √(θ + iμ)
 * (Higham 1987, eq. 6.7), α > 0; an off-diagonal block solves R_ii R_ij + R_ij R_jj =
 * T_ij − Σ_{i<k<j} R_ik R_kj, column of blocks by column, upwards.
 */
export function sqrtmKernel(a: Float64Array, count: number, n: number, out: Float64Array): SchurKernelStatus {
  const t = new Float64Array(n * n), z = new Float64Array(n * n), r = new Float64Array(n * n), tmp = new Float64Array(n * n);
  const g = new Float64Array(4);
  for (let b = 0; b < count; b++) {
    if (realSchurKernel(a.subarray(b * n * n, (b + 1) * n * n), 1, n, t, z) >= 0) return { failed: b, reason: 'convergence' };
    r.fill(0);
    const blocks = blocksOf(t, 0, n);
    for (let bj = 0; bj < blocks.length; bj++) {
      const [j0, q] = blocks[bj]!;
      if (q === 1) {
        const d = t[j0 * n + j0]!;
        if (d < 0) return { failed: b, reason: 'negative' };
        r[j0 * n + j0] = Math.sqrt(d);
      } else {
        const theta = 0.5 * (t[j0 * n + j0]! + t[(j0 + 1) * n + j0 + 1]!);
        const mu = Math.sqrt(Math.abs(t[j0 * n + j0 + 1]!)) * Math.sqrt(Math.abs(t[(j0 + 1) * n + j0]!)); // √(−βγ), standardised (βγ < 0), without underflow
        const modulus = Math.hypot(theta, mu);
        // α = √((θ + |λ|)/2), written without cancellation when θ < 0: α = μ/(2β), β = √((|λ| − θ)/2).
        const alpha = theta >= 0 ? Math.sqrt(0.5 * (theta + modulus)) : mu / (2 * Math.sqrt(0.5 * (modulus - theta)));
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
          const tij = t[(j0 + i) * n + j0 + j]!;
          r[(j0 + i) * n + j0 + j] = (i === j ? alpha : 0) + (tij - (i === j ? theta : 0)) / (2 * alpha);
        }
      }
      for (let bi = bj - 1; bi >= 0; bi--) {
        const [i0, p] = blocks[bi]!;
        for (let x = 0; x < p; x++) for (let y = 0; y < q; y++) {
          let v = t[(i0 + x) * n + j0 + y]!;
          for (let k = i0 + p; k < j0; k++) v -= r[(i0 + x) * n + k]! * r[k * n + j0 + y]!;
          g[x * q + y] = v;
        }
        if (!smallSylvester(r, 0, n, i0, p, r, 0, n, j0, q, g, true)) return { failed: b, reason: 'singular' };
        for (let x = 0; x < p; x++) for (let y = 0; y < q; y++) r[(i0 + x) * n + j0 + y] = g[x * q + y]!;
      }
    }
    product(z, 0, false, r, 0, false, n, n, n, tmp, 0);
    product(tmp, 0, false, z, 0, true, n, n, n, out, b * n * n);
  }
  return OK;
}
