/** @file Triangular substitution on row-major matrices: op(A) X = B solved in place of B, batched, blocked for many right-hand sides (no AD here). */
import { gemm } from '../matmul.js';
import { nativeSubstituteVector } from '../native/nativeGemm.js';

/**
 * Rows from which a solve against one vector runs natively where the addon is loaded
 * (native/triangular.cc: the same steps, so the same bits; four rows' sums at once, where the loop
 * here waits on each subtraction — 4.4 ns a multiply-add at n = 512).
 */
const NATIVE_ROWS = 16;

/** Rows substituted directly at the leaves of the recursive solve, and the fewest right-hand sides for which it pays. */
const LEAF = 16;
const MIN_K = 8;

/**
 * Solves op(A) X = B for X in place of B, where A is n×n at `aOff` (only its `lower` or upper
 * triangle is read), op(A) is A or Aᵀ, and B is n×k at `bOff`. Row-oriented substitution: each
 * step subtracts a multiple of one solved row of X from another, so the inner loop runs along
 * contiguous rows of length k.
 */
export function substitute(
  a: Float64Array, aOff: number, n: number, lower: boolean, transposeA: boolean, unitDiagonal: boolean,
  x: Float64Array, xOff: number, k: number,
): void {
  if (n > 2 * LEAF && k >= MIN_K) {
    const solve: Solve = { a, aOff, n, lower, transposeA, unitDiagonal, x, xOff, k, panel: new Float64Array(Math.ceil(n / 2) * Math.ceil(n / 2)) };
    substituteRecursive(solve, 0, n);
  } else {
    substituteRows(a, aOff, n, lower, transposeA, unitDiagonal, x, xOff, k, 0, n);
  }
}

interface Solve {
  readonly a: Float64Array; readonly aOff: number; readonly n: number;
  readonly lower: boolean; readonly transposeA: boolean; readonly unitDiagonal: boolean;
  readonly x: Float64Array; readonly xOff: number; readonly k: number;
  /** Room for the largest off-diagonal block, ⌈n/2⌉². */
  readonly panel: Float64Array;
}

/**
 * Rows [r0, r1) of X, recursively (the recursive dtrsm of Elmroth, Gustavson, Jonsson & Kågström,
 * SIAM Review 2004): the half solved first, then its contribution to the other half taken out by
 * one matrix product (the matmul kernel, WebAssembly SIMD where available) — −op(A)[other, first] ·
 * X[first] — then the other half. Only LEAF-row diagonal blocks are substituted row by row, so
 * almost all of the n²k multiply-adds run in large products, each operand packed once per level
 * (n = k = 512: 0.52 of the time of 64-row blocks, each of which re-packed all rows solved so far).
 */
function substituteRecursive(o: Solve, r0: number, r1: number): void {
  const rows = r1 - r0;
  if (rows <= LEAF) {
    substituteRows(o.a, o.aOff, o.n, o.lower, o.transposeA, o.unitDiagonal, o.x, o.xOff, o.k, r0, r1);
    return;
  }
  const mid = r0 + Math.ceil(rows / 2 / LEAF) * LEAF;
  const forward = o.lower !== o.transposeA; // op(A) lower: the top half first
  const [f0, f1, t0, t1] = forward ? [r0, mid, mid, r1] : [mid, r1, r0, mid];
  substituteRecursive(o, f0, f1);
  // panel = −op(A)[t0:t1, f0:f1], row-major; element (i, p) of op(A) is a[i·n + p] or a[p·n + i].
  const { a, aOff, n, panel } = o, fLen = f1 - f0;
  for (let i = t0; i < t1; i++) for (let p = f0; p < f1; p++) {
    panel[(i - t0) * fLen + (p - f0)] = -a[aOff + (o.transposeA ? p * n + i : i * n + p)]!;
  }
  gemm(panel, 0, o.x, o.xOff + f0 * o.k, o.x, o.xOff + t0 * o.k, t1 - t0, fLen, o.k);
  substituteRecursive(o, t0, t1);
}

/** Substitution restricted to rows [r0, r1) of X, using only op(A)'s entries within that block. */
function substituteRows(
  a: Float64Array, aOff: number, n: number, lower: boolean, transposeA: boolean, unitDiagonal: boolean,
  x: Float64Array, xOff: number, k: number, r0: number, r1: number,
): void {
  // op(A) is lower triangular (so substitution runs forward) for A lower, or for A upper transposed.
  const forward = lower !== transposeA;
  // Element (i, p) of op(A).
  const rowStride = transposeA ? 1 : n, colStride = transposeA ? n : 1;
  if (k === 1) {
    const native = r1 - r0 >= NATIVE_ROWS ? nativeSubstituteVector() : null;
    if (native !== null) native(a, aOff, n, transposeA, forward, unitDiagonal, x, xOff, r0, r1);
    else substituteVector(a, aOff, rowStride, colStride, forward, unitDiagonal, x, xOff, r0, r1);
    return;
  }
  // Each row takes the solved rows out in the order they were solved (forward: p = r0 … i − 1;
  // backward: p = r1 − 1 … i + 1), as substituteVector's column form must.
  for (let step = r0; step < r1; step++) {
    const i = forward ? step : r1 - 1 - (step - r0);
    const xi = xOff + i * k;
    const ai = aOff + i * rowStride;
    const count = forward ? i - r0 : r1 - 1 - i, first = forward ? r0 : r1 - 1, dp = forward ? 1 : -1;
    for (let q = 0, p = first; q < count; q++, p += dp) {
      const f = a[ai + p * colStride]!;
      if (f === 0) continue;
      const xp = xOff + p * k;
      for (let j = 0; j < k; j++) x[xi + j] -= f * x[xp + j]!;
    }
    if (!unitDiagonal) {
      const d = a[ai + i * colStride]!;
      for (let j = 0; j < k; j++) x[xi + j] /= d;
    }
  }
}

/**
 * substituteRows for one right-hand side — the same operations in the same order (the same bits),
 * without a loop over k per entry of A (a solve against one vector at n = 512 took 3× as long that
 * way). Where op(A)'s rows lie along A's rows, by rows: each x_i kept in a local while the solved
 * x_p are taken out of it. Where they lie down A's columns (op(A) = Aᵀ), by columns: each x_p, once
 * solved, taken out of every x_i still to come, along A's row p — each x_i still receives its
 * terms in the order the x_p were solved, and A is read along its rows (at n = 512 the walk down
 * the columns, a cache line per entry, took three times as long).
 */
function substituteVector(
  a: Float64Array, aOff: number, rowStride: number, colStride: number, forward: boolean, unitDiagonal: boolean,
  x: Float64Array, xOff: number, r0: number, r1: number,
): void {
  if (colStride !== 1) {
    // op(A)(i, p) = a[aOff + p·colStride + i]: for each solved p, the x_i after it in solving order.
    for (let step = r0; step < r1; step++) {
      const p = forward ? step : r1 - 1 - (step - r0);
      const ap = aOff + p * colStride;
      const xp = unitDiagonal ? x[xOff + p]! : x[xOff + p]! / a[ap + p]!;
      x[xOff + p] = xp;
      if (forward) {
        for (let i = p + 1; i < r1; i++) {
          const f = a[ap + i]!;
          if (f !== 0) x[xOff + i] -= f * xp;
        }
      } else {
        for (let i = p - 1; i >= r0; i--) {
          const f = a[ap + i]!;
          if (f !== 0) x[xOff + i] -= f * xp;
        }
      }
    }
    return;
  }
  for (let step = r0; step < r1; step++) {
    const i = forward ? step : r1 - 1 - (step - r0);
    const ai = aOff + i * rowStride;
    let xi = x[xOff + i]!;
    if (forward) {
      for (let p = r0; p < i; p++) {
        const f = a[ai + p]!;
        if (f !== 0) xi -= f * x[xOff + p]!;
      }
    } else {
      for (let p = r1 - 1; p > i; p--) {
        const f = a[ai + p]!;
        if (f !== 0) xi -= f * x[xOff + p]!;
      }
    }
    x[xOff + i] = unitDiagonal ? xi : xi / a[ai + i]!;
  }
}

/** B's k×n transpose at `off` into a fresh n×k buffer (right-side solves become left-side ones). */
export function transposeBlock(src: Float64Array, off: number, rows: number, cols: number, dst: Float64Array, dOff: number): void {
  for (let i = 0; i < rows; i++) {
    const r = off + i * cols;
    for (let j = 0; j < cols; j++) dst[dOff + j * rows + i] = src[r + j]!;
  }
}

export interface TriangularOptions {
  readonly lower: boolean;
  readonly transposeA: boolean;
  readonly unitDiagonal: boolean;
  readonly left: boolean;
}

/**
 * Batched triangular solve: `count` pairs of A (n×n) and B (left: n×k; right: k×n, solving
 * X op(A) = B as op(A)ᵀ Xᵀ = Bᵀ). Returns X in a fresh buffer of B's size.
 */
export function triangularSolveKernel(
  a: Float64Array, b: Float64Array, count: number, n: number, k: number, o: TriangularOptions, out: Float64Array,
): Float64Array {
  const nn = n * n, nk = n * k;
  if (o.left) {
    out.set(b);
    for (let t = 0; t < count; t++) substitute(a, t * nn, n, o.lower, o.transposeA, o.unitDiagonal, out, t * nk, k);
    return out;
  }
  const tmp = new Float64Array(nk);
  for (let t = 0; t < count; t++) {
    transposeBlock(b, t * nk, k, n, tmp, 0);
    substitute(a, t * nn, n, o.lower, !o.transposeA, o.unitDiagonal, tmp, 0, k);
    transposeBlock(tmp, 0, n, k, out, t * nk);
  }
  return out;
}
