/**
 * @file Reduced QR factorisation A = Q R of tall matrices (m ≥ n) by Householder reflections,
 * batched, normalised so that R's diagonal is non-negative (then Q and R are unique for A of full
 * column rank). Blocked as LAPACK's dgeqrf/dorgqr: the reflections of a panel of NB columns are
 * gathered into one block reflector I − V T Vᵀ (Schreiber & Van Loan 1989, the compact WY form;
 * T built as dlarft does), applied to the rest of the matrix by three matrix products, so that the
 * bulk of the work (all but ~NB/n of it) runs in the matrix kernel. No AD here.
 */
import { gemm } from '../matmul.js';

/** Columns per panel: the block reflectors' width. */
const NB = 32;
/**
 * Below this many multiply-adds (rows × width × columns) a block's reflections are applied one by
 * one, as before blocking: the three products' fixed costs (T, copies, the kernel's staging) cost
 * more than they save there (an 8×8 factorisation took 1.3× as long blocked).
 */
const BLOCKED_MIN = 65536;

/** A panel's block reflector: H_{j0} ⋯ H_{j1−1} = I − V T Vᵀ on rows j0…m−1. */
interface BlockReflector {
  readonly j0: number;
  readonly width: number;
  /** At `at` in the workspace's v: (m − j0) × width, row-major, the unit reflection vectors as columns (zero above their diagonal). */
  readonly at: number;
  /** width × width, upper triangular (made when first needed). */
  t: Float64Array | null;
}

/** Buffers reused across a batch: every panel's V (Σ (m − j0)·width ≤ m·n), and a row of sums. */
interface Workspace { readonly v: Float64Array; readonly w: Float64Array }
const workspace = (m: number, n: number): Workspace => ({ v: new Float64Array(m * n), w: new Float64Array(m) });

/**
 * Factors `count` m×n matrices (m ≥ n) into q (m×n, orthonormal columns) and r (n×n, upper) by
 * Householder reflections.
 */
export function qrKernel(a: Float64Array, count: number, m: number, n: number, q: Float64Array, r: Float64Array): void {
  const work = new Float64Array(m * n), sign = new Float64Array(n), space = workspace(m, n);
  for (let t = 0; t < count; t++) {
    work.set(a.subarray(t * m * n, (t + 1) * m * n));
    const blocks = reflectors(work, m, n, space);
    // R: the upper triangle, rows flipped where its diagonal is negative (and Q's columns with them).
    for (let i = 0; i < n; i++) {
      sign[i] = work[i * n + i]! < 0 ? -1 : 1;
      for (let j = 0; j < n; j++) r[t * n * n + i * n + j] = j < i ? 0 : sign[i]! * work[i * n + j]!;
    }
    formQ(blocks, sign, m, n, work, space);
    q.set(work, t * m * n);
  }
}

/**
 * The complete Q (m×m) of `count` m×n matrices (m ≥ n): H₀ H₁ ⋯ Hₙ₋₁ applied to the m×m identity,
 * its first n columns `qrKernel`'s q (signs included), the other m − n an orthonormal basis of
 * their complement — LAPACK's (dgeqrf, dorgqr: the same reflections, each unique for the α it
 * picks), which NumPy's mode 'complete' returns.
 */
export function completeQKernel(a: Float64Array, count: number, m: number, n: number, q: Float64Array): void {
  const work = new Float64Array(m * n), sign = new Float64Array(m).fill(1), space = workspace(m, n);
  const full = new Float64Array(m * m);
  for (let t = 0; t < count; t++) {
    work.set(a.subarray(t * m * n, (t + 1) * m * n));
    const blocks = reflectors(work, m, n, space);
    for (let i = 0; i < n; i++) sign[i] = work[i * n + i]! < 0 ? -1 : 1;
    formQ(blocks, sign, m, m, full, space);
    q.set(full, t * m * m);
  }
}

/**
 * Reduces `work` (m×n, m ≥ n) to R in its upper triangle, a panel of NB columns at a time: the
 * panel by single reflections (panelReflections), then the columns right of it by the panel's
 * block reflector, Aᵀ-side: (I − V T Vᵀ)ᵀ A = A − V (Tᵀ (Vᵀ A)). Returns the block reflectors.
 */
function reflectors(work: Float64Array, m: number, n: number, space: Workspace): BlockReflector[] {
  const blocks: BlockReflector[] = [];
  const nb = n > NB && m * n * n >= BLOCKED_MIN ? NB : n;
  space.v.fill(0);
  for (let j0 = 0, at = 0; j0 < n; j0 += nb) {
    const width = Math.min(nb, n - j0), rows = m - j0;
    panelReflections(work, m, n, j0, width, space.v, at, space.w);
    const block: BlockReflector = { j0, width, at, t: null };
    at += rows * width;
    blocks.push(block);
    const cols = n - j0 - width;
    if (cols > 0) applyBlock(work, n, j0 + width, cols, block, rows, true, space);
  }
  return blocks;
}

/**
 * Reflections of the panel's columns j0…j0+width−1, each applied to the panel's columns right of
 * it. Reflection k maps column k below the diagonal onto a multiple of e₁: H = I − 2 v vᵀ with
 * v = (x − α e₁)/‖x − α e₁‖ and α = −sign(x₀)‖x‖ (no cancellation in x₀ − α); a zero column gets
 * v = 0 (H = I). v goes to column k − j0 of `v` ((m − j0) × width).
 */
function panelReflections(work: Float64Array, m: number, n: number, j0: number, width: number, v: Float64Array, at: number, w: Float64Array): void {
  const end = j0 + width;
  for (let k = j0; k < end; k++) {
    const c = k - j0;
    let big = 0;
    for (let i = k; i < m; i++) big = Math.max(big, Math.abs(work[i * n + k]!));
    if (big === 0) continue; // column already zero: H = I
    // v is formed from y = x·2⁻ᵉ, 2ᵉ ≈ the column's largest |entry| (v is the same for y as for x):
    // ‖x‖² overflows above |x| ≈ 1e154 (R and Q NaN) and underflows below 1e-154 (a column of
    // 1e-200s had norm 0 and was left unreduced: R was A's upper triangle, Q = I). A power of two
    // scales exactly, so where ‖x‖² was in range these are the same numbers as unscaled. LAPACK's
    // dlarfg guards the same way (dnrm2's scaled sum, then rescaling by 1/safmin).
    const down = 2 ** -Math.min(Math.max(Math.floor(Math.log2(big)), -1022), 1023);
    let norm = 0;
    for (let i = k; i < m; i++) norm += (work[i * n + k]! * down) ** 2;
    norm = Math.sqrt(norm);
    const x0 = work[k * n + k]! * down;
    const alpha = x0 > 0 ? -norm : norm;
    // v (unnormalised) = y − α e₁; ‖v‖² = 2‖y‖(‖y‖ + |y₀|).
    const scale = 1 / Math.sqrt(2 * norm * (norm + Math.abs(x0)));
    for (let i = k; i < m; i++) v[at + (i - j0) * width + c] = (work[i * n + k]! * down - (i === k ? alpha : 0)) * scale;
    reflectOne(work, n, v, at + c, width, j0, k, m, k, end, w);
  }
}

/**
 * Applies H = I − 2 v vᵀ to columns c0…c1−1 of rows k…m−1 of x (rows of xCols): w = vᵀ X,
 * X −= 2 v w, along contiguous rows. v's entry for x's row i is v[v0 + (i − j0)·width] (zero above
 * row k).
 */
function reflectOne(
  x: Float64Array, xCols: number, v: Float64Array, v0: number, width: number, j0: number,
  k: number, m: number, c0: number, c1: number, w: Float64Array,
): void {
  const cols = c1 - c0;
  w.fill(0, 0, cols);
  for (let i = k, p = v0 + (k - j0) * width; i < m; i++, p += width) {
    const vi = v[p]!;
    if (vi === 0) continue;
    for (let j = 0, o = i * xCols + c0; j < cols; j++, o++) w[j] += vi * x[o]!;
  }
  for (let i = k, p = v0 + (k - j0) * width; i < m; i++, p += width) {
    const vi = 2 * v[p]!;
    if (vi === 0) continue;
    for (let j = 0, o = i * xCols + c0; j < cols; j++, o++) x[o] -= vi * w[j]!;
  }
}

/**
 * T (width × width, upper triangular) with H₀ H₁ ⋯ H_{w−1} = I − V T Vᵀ for Hᵢ = I − τᵢ vᵢ vᵢᵀ
 * (V: rows × width, row-major, the vᵢ as columns): LAPACK's dlarft, forward and columnwise,
 * T_ii = τᵢ, T[0:i, i] = −τᵢ T[0:i, 0:i] (V[:, 0:i]ᵀ vᵢ); the Gram matrix VᵀV by the matrix kernel.
 * QR's reflections have τ = 2 (unit vᵢ; 0 for a skipped column, whose vᵢ is 0); eigh's tred2 ones 1/h.
 */
export function compactWyFactor(v: Float64Array, rows: number, width: number, tau: Float64Array): Float64Array {
  const gram = new Float64Array(width * width);
  gemm(v, 0, v, 0, gram, 0, width, rows, width, true, false, true);
  const t = new Float64Array(width * width);
  for (let i = 0; i < width; i++) {
    const ti = tau[i]!;
    t[i * width + i] = ti;
    for (let r = 0; r < i; r++) {
      let s = 0;
      for (let c = r; c < i; c++) s += t[r * width + c]! * gram[c * width + i]!;
      t[r * width + i] = -ti * s;
    }
  }
  return t;
}

/**
 * x[j0…m−1, c0…c0+cols−1] (x is m × xCols, j0 the block's first row, rows = m − j0) ←
 * H₀ ⋯ H_{w−1} x = (I − V T Vᵀ) x, or the transpose H_{w−1} ⋯ H₀ x = (I − V Tᵀ Vᵀ) x when
 * `transposed`: the block copied out contiguous, W = Vᵀ X, W ← −op(T) W, X += V W, copied back;
 * a small one reflection by reflection.
 */
function applyBlock(
  x: Float64Array, xCols: number, c0: number, cols: number, reflector: BlockReflector, rows: number, transposed: boolean, space: Workspace,
): void {
  const { j0, width, at } = reflector;
  if (rows * width * cols < BLOCKED_MIN) {
    reflectEach(x, xCols, c0, cols, reflector, rows, transposed, space);
    return;
  }
  const v = space.v.subarray(at, at + rows * width);
  const t = (reflector.t ??= compactWyFactor(v, rows, width, new Float64Array(width).fill(2)));
  const block = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) block.set(x.subarray((j0 + i) * xCols + c0, (j0 + i) * xCols + c0 + cols), i * cols);
  const vx = new Float64Array(width * cols), tw = new Float64Array(width * cols);
  gemm(v, 0, block, 0, vx, 0, width, rows, cols, true, false, true);
  gemm(t, 0, vx, 0, tw, 0, width, width, cols, transposed, false, true);
  for (let i = 0; i < tw.length; i++) tw[i] = -tw[i]!;
  gemm(v, 0, tw, 0, block, 0, rows, width, cols);
  for (let i = 0; i < rows; i++) x.set(block.subarray(i * cols, (i + 1) * cols), (j0 + i) * xCols + c0);
}

/** applyBlock's work one reflection at a time (H_{w−1} first, or H₀ first when `transposed`). */
function reflectEach(
  x: Float64Array, xCols: number, c0: number, cols: number, reflector: BlockReflector, rows: number, transposed: boolean, space: Workspace,
): void {
  const { j0, width, at } = reflector;
  const m = j0 + rows, v = space.v, w = space.w;
  for (let s = 0; s < width; s++) {
    const c = transposed ? s : width - 1 - s;
    reflectOne(x, xCols, v, at + c, width, j0, j0 + c, m, c0, c0 + cols, w);
  }
}

/**
 * out (m × width) = H₀ ⋯ Hₙ₋₁ [I; 0] with column j times sign[j]: the block reflectors applied to
 * the identity block from the last. When block b (rows j0…) is applied, rows j0… of the columns
 * left of j0 are still zero (later blocks touched only rows and columns from their own j0), so
 * only columns j0… are updated (dorgqr's economy).
 */
function formQ(blocks: readonly BlockReflector[], sign: Float64Array, m: number, width: number, out: Float64Array, space: Workspace): void {
  out.fill(0);
  for (let i = 0; i < width; i++) out[i * width + i] = 1;
  for (let b = blocks.length - 1; b >= 0; b--) {
    const block = blocks[b]!;
    applyBlock(out, width, block.j0, width - block.j0, block, m - block.j0, false, space);
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) out[i * width + j] *= sign[j]!;
}
