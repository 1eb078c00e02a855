/**
 * @file Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by divide and conquer
 * (Cuppen 1981; with Gu & Eisenstat's stable eigenvectors, SIMAX 16, 1995), as LAPACK's dstedc
 * (dlaed0 … dlaed4): T is torn at the middle into two halves plus a rank-one term, the halves solved
 * recursively (small ones by the implicit QL iteration the caller passes), and the two solutions
 * merged through the secular equation (./secular.ts). The merge's eigenvector work is two matrix
 * products in the matrix kernel (../matmul.ts) rather than QL's n² plane rotations of rows.
 */
import { gemm } from '../matmul.js';
import { secularRoots, secularVectors } from './secular.js';

/** Halves up to this order go to the QL iteration (LAPACK's SMLSIZ is 25). */
const LEAF_MAX = 32;
const EPS = 2 ** -53; // unit roundoff, as LAPACK's dlamch('Epsilon')

/**
 * The QL iteration on the tridiagonal (d, e) of order n (e in tql2's layout: e[i] couples rows
 * i − 1 and i, e[0] unused), applying its rotations to the rows of w (n × n, the identity on
 * entry). False if it did not converge.
 */
export type LeafSolver = (n: number, d: Float64Array, e: Float64Array, w: Float64Array) => boolean;

/**
 * A solved block: its eigenvalues, in no particular order (the merge sorts the poles it needs sorted,
 * dlaed1's indxq, so only the whole is sorted once), and its eigenvectors as the columns of an
 * m × m row-major matrix, in the same order.
 */
interface Solved {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

/**
 * Eigen-decomposition of the symmetric tridiagonal with diagonal d (length n) and off-diagonal e
 * (e[i] couples rows i and i + 1, length n − 1): eigenvalues ascending into `values`, eigenvectors
 * as the columns of `vectors` (n × n, row-major). False if a leaf's QL iteration did not converge.
 */
export function tridiagonalEigen(n: number, d: Float64Array, e: Float64Array, leaf: LeafSolver, values: Float64Array, vectors: Float64Array): boolean {
  const work = Float64Array.from(d);
  const solved = solve(work, e, 0, n, leaf);
  if (solved === null) return false;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => solved.values[x]! - solved.values[y]!);
  for (let t = 0; t < n; t++) values[t] = solved.values[order[t]!]!;
  for (let r = 0; r < n; r++) for (let t = 0, o = r * n; t < n; t++) vectors[o + t] = solved.vectors[o + order[t]!]!;
  return true;
}

/**
 * Rows lo … hi − 1. Cuppen's tearing at the middle m (b = e[m − 1] couples rows m − 1 and m):
 *
 *   T = diag(T₁, T₂) + |b| v vᵀ,  v = e_{m−1} + sign(b) e_m,
 *
 * T₁ and T₂ being T's blocks with |b| taken from the two diagonal entries next to the tear (dlaed0).
 */
function solve(d: Float64Array, e: Float64Array, lo: number, hi: number, leaf: LeafSolver): Solved | null {
  const m = hi - lo;
  if (m <= LEAF_MAX) return solveLeaf(d, e, lo, hi, leaf);
  const mid = lo + (m >> 1), b = e[mid - 1]!;
  d[mid - 1] -= Math.abs(b);
  d[mid] -= Math.abs(b);
  const first = solve(d, e, lo, mid, leaf);
  if (first === null) return null;
  const second = solve(d, e, mid, hi, leaf);
  if (second === null) return null;
  return merge(first, second, b);
}

/** A small block by the QL iteration (its rotations accumulate the eigenvectors as w's rows: transposed here). */
function solveLeaf(d: Float64Array, e: Float64Array, lo: number, hi: number, leaf: LeafSolver): Solved | null {
  const m = hi - lo, values = d.slice(lo, hi), ee = new Float64Array(m), w = new Float64Array(m * m);
  for (let i = 1; i < m; i++) ee[i] = e[lo + i - 1]!;
  for (let i = 0; i < m; i++) w[i * m + i] = 1;
  if (!leaf(m, values, ee, w)) return null;
  const vectors = new Float64Array(m * m);
  for (let c = 0; c < m; c++) for (let r = 0; r < m; r++) vectors[r * m + c] = w[c * m + r]!;
  return { values, vectors };
}

/** Where a column of diag(Q₁, Q₂) has entries: the first block's rows, both (after a rotation), the second's. */
const TOP = 0, DENSE = 1, BOTTOM = 2;

/**
 * The merge (dlaed1): with Q = diag(Q₁, Q₂) and D the halves' eigenvalues,
 *
 *   T = Q (D + ρ z zᵀ) Qᵀ,  z = Qᵀ v / √2 = (last row of Q₁, sign(b)·first row of Q₂) / √2,  ρ = 2|b|
 *
 * (‖Qᵀv‖² = 2, so z is a unit vector). After deflation (see `deflate`) the k remaining poles give
 * the secular equation's roots and its eigenvector matrix U (k × k); the merged eigenvectors are
 * Q·G·U for those (G the deflation's rotations) and the columns of Q·G for the deflated ones.
 */
function merge(first: Solved, second: Solved, b: number): Solved {
  const n1 = first.values.length, n2 = second.values.length, n = n1 + n2;
  const q = new Float64Array(n * n); // diag(Q₁, Q₂), rotated in place by the deflation
  for (let r = 0; r < n1; r++) q.set(first.vectors.subarray(r * n1, (r + 1) * n1), r * n);
  for (let r = 0; r < n2; r++) q.set(second.vectors.subarray(r * n2, (r + 1) * n2), (n1 + r) * n + n1);
  const d = new Float64Array(n), z = new Float64Array(n), type = new Uint8Array(n);
  const sb = b < 0 ? -1 : 1;
  for (let i = 0; i < n1; i++) { d[i] = first.values[i]!; z[i] = first.vectors[(n1 - 1) * n1 + i]! * Math.SQRT1_2; type[i] = TOP; }
  for (let i = 0; i < n2; i++) { d[n1 + i] = second.values[i]!; z[n1 + i] = sb * second.vectors[i]! * Math.SQRT1_2; type[n1 + i] = BOTTOM; }
  const rho = 2 * Math.abs(b);
  const kept = deflate(d, z, rho, q, n, type);
  const k = kept.length;
  // The eigenpairs: the k roots with Q·G·U's columns, then the deflated poles with their columns of Q·G.
  const values = new Float64Array(n);
  const product = k > 0 ? rootVectors(d, z, rho, kept, q, n, n1, type, values) : new Float64Array(0);
  const isKept = new Uint8Array(n);
  for (const c of kept) isKept[c] = 1;
  const deflated: number[] = [];
  for (let c = 0; c < n; c++) if (!isKept[c]) deflated.push(c);
  deflated.forEach((c, i) => { values[k + i] = d[c]!; });
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const to = r * n;
    vectors.set(product.subarray(r * k, (r + 1) * k), to);
    for (let i = 0, qr = r * n; i < deflated.length; i++) vectors[to + k + i] = q[qr + deflated[i]!]!;
  }
  return { values, vectors };
}

/**
 * Deflation (dlaed2), on the poles in ascending order of d, with tol = 8ε·max(max|dᵢ|, ρ·max|zᵢ|)
 * (a perturbation of T of that size, backward stable):
 * - ρ|zᵢ| ≤ tol: zᵢ dropped; (dᵢ, column i of Q) is an eigenpair.
 * - two poles p < j kept so far with |(dⱼ − d_p)·c·s| ≤ tol, c = zⱼ/τ, s = z_p/τ, τ = √(z_p² + zⱼ²):
 *   the rotation G = [c −s; s c] of columns p and j takes (z_p, zⱼ) to (0, τ) and D to a matrix
 *   whose off-diagonal entry is (dⱼ − d_p)cs, dropped; pole p is deflated with d_p c² + dⱼ s²,
 *   pole j kept with d_p s² + dⱼ c². Without this, close poles give roots the secular solver cannot
 *   separate and eigenvectors that are not orthogonal.
 * Rotations are applied to q's columns in place (a column of each block becomes DENSE). Returns the
 * kept poles' columns, ascending in d (they stay strictly ascending: a kept pole only moves
 * inside the interval of the pair it absorbed). d need not be sorted on entry.
 */
function deflate(d: Float64Array, z: Float64Array, rho: number, q: Float64Array, n: number, type: Uint8Array): number[] {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  let dMax = 0, zMax = 0;
  for (let i = 0; i < n; i++) { dMax = Math.max(dMax, Math.abs(d[i]!)); zMax = Math.max(zMax, Math.abs(z[i]!)); }
  const tol = 8 * EPS * Math.max(dMax, rho * zMax);
  const kept: number[] = [];
  if (rho * zMax <= tol) return kept; // ρ z zᵀ is below the rounding of D: all deflated
  let prev = -1;
  for (const j of order) {
    if (rho * Math.abs(z[j]!) <= tol) continue;
    if (prev < 0) { prev = j; continue; }
    const zp = z[prev]!, zj = z[j]!, tau = Math.hypot(zp, zj), c = zj / tau, s = zp / tau;
    if (Math.abs((d[j]! - d[prev]!) * c * s) > tol) { kept.push(prev); prev = j; continue; }
    z[j] = tau;
    z[prev] = 0;
    for (let r = 0; r < n; r++) {
      const x = q[r * n + prev]!, y = q[r * n + j]!;
      q[r * n + prev] = c * x - s * y;
      q[r * n + j] = s * x + c * y;
    }
    const dp = d[prev]!, dj = d[j]!;
    d[prev] = dp * c * c + dj * s * s;
    d[j] = dp * s * s + dj * c * c;
    if (type[prev] !== type[j]) type[prev] = type[j] = DENSE;
    prev = j;
  }
  if (prev >= 0) kept.push(prev);
  return kept;
}

/**
 * The secular equation on the kept poles, its roots into values[0…k−1] (ascending) and the merged
 * eigenvectors Q·G·U returned as an n × k row-major matrix. As dlaed3, by rows of the two blocks:
 * the first n₁ rows of a column of Q·G are zero unless it is TOP or DENSE, the last n₂ unless it is
 * DENSE or BOTTOM, so
 *
 *   (Q G U)[first rows] = Q_top[:, TOP ∪ DENSE] · U[TOP ∪ DENSE, :],
 *   (Q G U)[last rows]  = Q_bottom[:, DENSE ∪ BOTTOM] · U[DENSE ∪ BOTTOM, :],
 *
 * two products of about n³/4 multiply-adds each where nothing deflates (half a full n × k × k one).
 */
function rootVectors(d: Float64Array, z: Float64Array, rho: number, kept: number[], q: Float64Array, n: number, n1: number, type: Uint8Array, values: Float64Array): Float64Array {
  const k = kept.length;
  const dk = new Float64Array(k), zk = new Float64Array(k);
  for (let i = 0; i < k; i++) { dk[i] = d[kept[i]!]!; zk[i] = z[kept[i]!]!; }
  const origin = new Int32Array(k), tau = new Float64Array(k), u = new Float64Array(k * k);
  secularRoots(dk, zk, rho, k, origin, tau);
  for (let j = 0; j < k; j++) values[j] = dk[origin[j]!]! + tau[j]!;
  secularVectors(dk, zk, k, origin, tau, u);
  const out = new Float64Array(n * k);
  const top: number[] = [], bottom: number[] = []; // positions in `kept`
  for (const t of [TOP, DENSE]) for (let i = 0; i < k; i++) if (type[kept[i]!] === t) top.push(i);
  for (const t of [DENSE, BOTTOM]) for (let i = 0; i < k; i++) if (type[kept[i]!] === t) bottom.push(i);
  blockProduct(q, n, 0, n1, kept, top, u, k, out);
  blockProduct(q, n, n1, n - n1, kept, bottom, u, k, out);
  return out;
}

/** out[r0 … r0 + rows − 1, :] = q[those rows, kept[pos]] · u[pos, :] over pos in `positions`, by the matrix kernel. */
function blockProduct(q: Float64Array, n: number, r0: number, rows: number, kept: number[], positions: number[], u: Float64Array, k: number, out: Float64Array): void {
  const inner = positions.length;
  if (rows === 0) return;
  if (inner === 0) return; // out is zero there already
  const a = new Float64Array(rows * inner), bm = new Float64Array(inner * k);
  for (let r = 0; r < rows; r++) {
    const from = (r0 + r) * n, to = r * inner;
    for (let p = 0; p < inner; p++) a[to + p] = q[from + kept[positions[p]!]!]!;
  }
  for (let p = 0; p < inner; p++) bm.set(u.subarray(positions[p]! * k, (positions[p]! + 1) * k), p * k);
  gemm(a, 0, bm, 0, out, r0 * k, rows, inner, k, false, false, true);
}
