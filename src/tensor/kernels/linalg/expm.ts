/**
 * @file The matrix exponential by scaling and squaring with diagonal Padé approximants (Al-Mohy & Higham 2009), batched. No AD here.
 *
 * A. H. Al-Mohy and N. J. Higham, "A new scaling and squaring algorithm for the matrix
 * exponential", SIAM J. Matrix Anal. Appl. 31(3), 2009, Algorithm 5.1 (MATLAB's expm since 2009,
 * scipy.linalg.expm). r_m = (V − U)⁻¹ (V + U) is the [m/m] Padé approximant, U the odd and V the
 * even part of its numerator (Higham 2005, eqs. 2.2–2.6). The degree m ∈ {3, 5, 7, 9, 13} and the
 * number s of squarings are chosen from d_k = ‖Aᵏ‖₁^{1/k} (exact norms of the powers the Padé
 * evaluation forms anyway), not from ‖A‖₁ as in Higham 2005: for a non-normal A, d_k ≪ ‖A‖₁ and
 * the 2005 choice squares far more often than needed, losing digits at each squaring ("overscaling":
 * e^[[1, b], [0, −1]] at b = 10¹⁰ is off by 2·10⁻⁷ relative with it, to rounding with this).
 * ℓ(A, m) adds squarings where the backward error bound for |A| is not yet below 2⁻⁵³ (§5). s never
 * exceeds Higham 2005's ⌈log₂(‖A‖₁/θ₁₃)⌉, whose bound holds regardless.
 */
import { gemm } from '../matmul.js';
import { luFactor, luSolve } from './lu.js';

/** θ_m: the largest d for which r_m's backward error is ≤ 2⁻⁵³ (Higham 2005, Table 2.3; θ₁₃ of 2009, §5). */
const THETA: Readonly<Record<number, number>> = { 3: 1.495585217958292e-2, 5: 2.539398330063230e-1, 7: 9.504178996162932e-1, 9: 2.097847961257068, 13: 4.25 };
/** Higham 2005's θ₁₃ for ‖A‖₁ itself (the cap on s). */
const THETA13_2005 = 5.371920351148152;

/** |c_{2m+1}|⁻¹: the reciprocal of the leading coefficient of the Padé error series (Al-Mohy & Higham 2009, eq. 5.2). */
const ERROR_COEFFICIENT: Readonly<Record<number, number>> = { 3: 100800, 5: 10059033600, 7: 4487938430976000, 9: 5.914384781877412e21, 13: 1.1325077560602111e35 };

/** Coefficients b₀…b_m of the [m/m] Padé numerator of eˣ (Higham 2005, eq. 2.2 scaled to integers). */
const PADE: Readonly<Record<number, readonly number[]>> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
};

/** c = a·b for n×n matrices, through the blocked (WebAssembly SIMD where available) matmul kernel. */
function product(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  gemm(a, 0, b, 0, c, 0, n, n, n, false, false, true);
}

/**
 * c = a·a where an exact zero of a contributes nothing (i-k-j order), for a squaring that
 * overflowed: the matrix keeps its structural zeros (e^diag(1000, 1) is [[∞, 0], [0, e]], as
 * torch.linalg.matrix_exp, not NaN from 0·∞ in every entry the kernel's sums touch).
 */
function squareKeepingZeros(a: Float64Array, c: Float64Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const x = a[i * n + k]!;
      if (x === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += x * a[k * n + j]!;
    }
  }
}

/** ‖A‖₁, the largest absolute column sum. */
function oneNorm(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    best = Math.max(best, s);
  }
  return best;
}

/**
 * log₂ ‖|A|ᵖ‖₁ for |A| scaled by `scale`: ‖|A|ᵖ‖₁ is the largest entry of 1ᵀ|A|ᵖ (|A| ≥ 0), formed
 * by p vector–matrix products, each renormalised so that no power overflows.
 */
function log2AbsPowerNorm(a: Float64Array, n: number, p: number, scale: number, v: Float64Array, w: Float64Array): number {
  v.fill(1);
  let log = 0;
  for (let k = 0; k < p; k++) {
    w.fill(0);
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x === 0) continue;
      for (let j = 0; j < n; j++) w[j] += x * Math.abs(a[i * n + j]!) * scale;
    }
    let big = 0;
    for (let j = 0; j < n; j++) big = Math.max(big, w[j]!);
    if (big === 0) return -Infinity;
    for (let j = 0; j < n; j++) v[j] = w[j]! / big;
    log += Math.log2(big);
  }
  return log;
}

/**
 * ℓ(A, m) of Al-Mohy & Higham 2009, eq. 5.3: the extra squarings for which the bound of r_m's
 * relative backward error through |A| drops below u = 2⁻⁵³:  ⌈log₂(α/u) / 2m⌉⁺ with
 * α = ‖|A|^{2m+1}‖₁ / (‖A‖₁ |c_{2m+1}|⁻¹), here in logarithms (no overflow).
 */
function ell(a: Float64Array, n: number, m: number, scale: number, v: Float64Array, w: Float64Array): number {
  const norm = oneNorm(a, n) * scale;
  if (norm === 0) return 0;
  const log2Alpha = log2AbsPowerNorm(a, n, 2 * m + 1, scale, v, w) - Math.log2(norm) - Math.log2(ERROR_COEFFICIENT[m]!);
  return Math.max(0, Math.ceil((log2Alpha + 53) / (2 * m)));
}

/** out = Σ_k c_k · terms[k] (terms n×n; the identity where a term is null). */
function combine(out: Float64Array, n: number, terms: ReadonlyArray<readonly [number, Float64Array | null]>): void {
  out.fill(0);
  for (const [c, t] of terms) {
    if (t === null) for (let i = 0; i < n; i++) out[i * n + i] += c;
    else for (let i = 0; i < out.length; i++) out[i] += c * t[i]!;
  }
}

/** Working arrays of one n×n problem, allocated once per call. */
function workspace(n: number) {
  const m = () => new Float64Array(n * n);
  return { x: m(), a2: m(), a4: m(), a6: m(), a8: m(), a10: m(), u: m(), v: m(), w: m(), tmp: m(), row: new Float64Array(n), row2: new Float64Array(n) };
}

/**
 * U and V of r_m at A (m ≤ 9, no scaling), from the even powers already formed:
 * U = A Σ_{j odd} b_j A^{j−1}, V = Σ_{j even} b_j A^j.
 */
function padeLow(ws: ReturnType<typeof workspace>, n: number, m: number): void {
  const b = PADE[m]!, even = [ws.a2, ws.a4, ws.a6, ws.a8].slice(0, (m - 1) / 2);
  combine(ws.w, n, [[b[1]!, null], ...even.map((p, i): [number, Float64Array] => [b[2 * i + 3]!, p])]);
  product(ws.x, ws.w, ws.u, n);
  combine(ws.v, n, [[b[0]!, null], ...even.map((p, i): [number, Float64Array] => [b[2 * i + 2]!, p])]);
}

/** U and V of r₁₃ at 2⁻ˢA (Higham 2005, eq. 2.6), the powers scaled in place. */
function pade13(ws: ReturnType<typeof workspace>, n: number, s: number): void {
  const { x, a2, a4, a6, u, v, w, tmp } = ws, b = PADE[13]!;
  const c = 2 ** -s;
  for (let i = 0; i < x.length; i++) {
    x[i] = x[i]! * c; a2[i] = a2[i]! * c * c; a4[i] = a4[i]! * c ** 4; a6[i] = a6[i]! * c ** 6;
  }
  // U = A [A⁶(b₁₃A⁶ + b₁₁A⁴ + b₉A²) + b₇A⁶ + b₅A⁴ + b₃A² + b₁I]
  combine(tmp, n, [[b[13]!, a6], [b[11]!, a4], [b[9]!, a2]]);
  product(a6, tmp, w, n);
  combine(tmp, n, [[1, w], [b[7]!, a6], [b[5]!, a4], [b[3]!, a2], [b[1]!, null]]);
  product(x, tmp, u, n);
  // V = A⁶(b₁₂A⁶ + b₁₀A⁴ + b₈A²) + b₆A⁶ + b₄A⁴ + b₂A² + b₀I
  combine(tmp, n, [[b[12]!, a6], [b[10]!, a4], [b[8]!, a2]]);
  product(a6, tmp, w, n);
  combine(v, n, [[1, w], [b[6]!, a6], [b[4]!, a4], [b[2]!, a2], [b[0]!, null]]);
}

/** The degree m and squarings s for the matrix in ws.x, with A², A⁴, A⁶ (and A⁸ when m ≥ 7 may be used) formed. */
function choose(ws: ReturnType<typeof workspace>, n: number): { m: number; s: number } {
  const { x, a2, a4, a6, a8, a10, row, row2 } = ws;
  product(x, x, a2, n);
  product(a2, a2, a4, n);
  product(a4, a2, a6, n);
  const d4 = oneNorm(a4, n) ** (1 / 4), d6 = oneNorm(a6, n) ** (1 / 6);
  const eta1 = Math.max(d4, d6);
  if (eta1 <= THETA[3]! && ell(x, n, 3, 1, row, row2) === 0) return { m: 3, s: 0 };
  if (eta1 <= THETA[5]! && ell(x, n, 5, 1, row, row2) === 0) return { m: 5, s: 0 };
  product(a4, a4, a8, n);
  const d8 = oneNorm(a8, n) ** (1 / 8);
  const eta3 = Math.max(d6, d8);
  if (eta3 <= THETA[7]! && ell(x, n, 7, 1, row, row2) === 0) return { m: 7, s: 0 };
  if (eta3 <= THETA[9]! && ell(x, n, 9, 1, row, row2) === 0) return { m: 9, s: 0 };
  product(a4, a6, a10, n);
  const eta5 = Math.min(eta3, Math.max(d8, oneNorm(a10, n) ** (1 / 10)));
  let s = eta5 === 0 ? 0 : Math.max(0, Math.ceil(Math.log2(eta5 / THETA[13]!)));
  s += ell(x, n, 13, 2 ** -s, row, row2);
  const cap = Math.max(0, Math.ceil(Math.log2(oneNorm(x, n) / THETA13_2005)));
  return { m: 13, s: Math.min(s, cap) };
}

/**
 * e^A for `count` n×n matrices with finite entries (the caller checks). Where the result
 * overflows its entries are ±∞ (or NaN where ∞ − ∞ arises), as torch's.
 */
export function expmKernel(a: Float64Array, count: number, n: number, out: Float64Array): Float64Array {
  const nn = n * n, ws = workspace(n);
  for (let t = 0; t < count; t++) {
    ws.x.set(a.subarray(t * nn, (t + 1) * nn));
    const { m, s } = choose(ws, n);
    if (m === 13) pade13(ws, n, s);
    else padeLow(ws, n, m);
    // r = (V − U)⁻¹ (V + U): one LU solve with n right-hand sides.
    const { u, v, w, tmp } = ws;
    for (let i = 0; i < nn; i++) { w[i] = v[i]! - u[i]!; tmp[i] = v[i]! + u[i]!; }
    const f = luFactor(w, 1, n);
    const r = out.subarray(t * nn, (t + 1) * nn);
    if (f.singular >= 0) r.fill(NaN); // V − U is nonsingular within the θ bounds (Higham 2005, §2); kept honest
    else luSolve(f, tmp, 1, n, n, r);
    for (let k = 0; k < s; k++) {
      product(r, r, w, n);
      if (!w.every(Number.isFinite)) squareKeepingZeros(r, w, n);
      r.set(w);
    }
  }
  return out;
}
