/**
 * @file The native addon's row kernels (native/rows.cc, native/transpose.cc, native/elementwise.cc):
 * typed wrappers that pass each call's numbers in one reused array. Loaded by ./nativeGemm.ts. @internal
 */
import { loadedAddon, nativeLoaded } from './nativeGemm.js';

/**
 * A long row's product and its gradient's quotients, and sums over an axis with columns after it,
 * natively (native/rows.cc), where the addon is loaded and on: the same bits as productChains and
 * the division loop of ../rowProducts.ts, and as ../reduce.ts's lane sums, on the arrays in place
 * (no copy into a kernel's memory and back), split over `threads`. @internal
 */
export function nativeRows(): NativeRows | null {
  return nativeLoaded() ? rows : null;
}

/** The addon's row kernels. @internal */
export interface NativeRows {
  product(x: Float64Array, start: number, end: number): number;
  divide(out: Float64Array, x: Float64Array, c: number, start: number, end: number, threads: number): void;
  /**
   * out[o·inner + c] = Σ_i x[(o·n + i)·inner + c], each from +0 in the order i = 0 … n − 1 (reduce.ts's
   * lane sums, the same bits), the columns split over `threads`; false where the build predates it.
   */
  columnSums(out: Float64Array, x: Float64Array, outer: number, n: number, inner: number, threads: number): boolean;
  /**
   * out[r·n + j] = full[r·n + j] ∘ row[j] (row[j] ∘ full[r·n + j] with rowFirst), ∘ = + − × ÷ for op
   * 0–3 (binary.ts's loops, the same bits), the rows split over `threads`; false where the build predates it.
   */
  combineRows(out: Float64Array, full: Float64Array, row: Float64Array, rows: number, n: number, op: number, rowFirst: boolean, threads: number): boolean;
  /**
   * out[i·n + j] = −(0 + u[i]·v[j]) for i < m, j < n (linalg/solve.ts's Ā = −b̄ xᵀ, the same bits),
   * the rows split over `threads`; false where the build predates it.
   */
  negOuter(out: Float64Array, u: Float64Array, v: Float64Array, m: number, n: number, threads: number): boolean;
  /**
   * out[p] = a[p] ∘ b[p] for p < n — or a[p] ∘ y with b null — ∘ = + − × ÷ or the strong product for
   * op 0–4 (binary.ts's arithmetic loops, the same bits), split over `threads`; false where the build predates it.
   */
  combine(out: Float64Array, a: Float64Array, b: Float64Array | null, y: number, n: number, op: number, threads: number): boolean;
  /** out[b][j][i] = x[b][i][j] for `batch` matrices of rows × cols (layout.ts's transposeKernel, copies), split over `threads`; false where the build predates it. */
  transpose(out: Float64Array, x: Float64Array, batch: number, rows: number, cols: number, threads: number): boolean;
  /** out[p] = f(x[p]) for p < n, f by op (native/elementwise.cc's list; unary.ts's loops, the same bits), split over `threads`; false where the build predates it. */
  unary(out: Float64Array, x: Float64Array, n: number, op: number, threads: number): boolean;
  /** out[p] = g[p]·f′ from s[p] with the strong zero, f′ by op (native/elementwise.cc's list; unaryVjpKernel's bits), split over `threads`; false where the build predates it. */
  unaryVjp(out: Float64Array, g: Float64Array, s: Float64Array, n: number, op: number, threads: number): boolean;
}

const rowArgs = new Float64Array(4);
/** combine's number operand, as an array of one. */
const scalarOperand = new Float64Array(1);
const combineArgs = new Float64Array(5);
const rows: NativeRows = {
  product(x: Float64Array, start: number, end: number): number {
    rowArgs[0] = start;
    rowArgs[1] = end;
    return loadedAddon().product(x, rowArgs);
  },
  divide(out: Float64Array, x: Float64Array, c: number, start: number, end: number, threads: number): void {
    rowArgs[0] = c;
    rowArgs[1] = start;
    rowArgs[2] = end;
    rowArgs[3] = threads;
    loadedAddon().divide(out, x, rowArgs);
  },
  columnSums(out: Float64Array, x: Float64Array, outer: number, n: number, inner: number, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.columnSums === undefined) return false;
    rowArgs[0] = outer;
    rowArgs[1] = n;
    rowArgs[2] = inner;
    rowArgs[3] = threads;
    addon.columnSums(out, x, rowArgs);
    return true;
  },
  combineRows(out: Float64Array, full: Float64Array, row: Float64Array, rows: number, n: number, op: number, rowFirst: boolean, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.combineRows === undefined) return false;
    combineArgs[0] = rows;
    combineArgs[1] = n;
    combineArgs[2] = op;
    combineArgs[3] = +rowFirst;
    combineArgs[4] = threads;
    addon.combineRows(out, full, row, combineArgs);
    return true;
  },
  negOuter(out: Float64Array, u: Float64Array, v: Float64Array, m: number, n: number, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.negOuter === undefined) return false;
    rowArgs[0] = m;
    rowArgs[1] = n;
    rowArgs[2] = threads;
    addon.negOuter(out, u, v, rowArgs);
    return true;
  },
  combine(out: Float64Array, a: Float64Array, b: Float64Array | null, y: number, n: number, op: number, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.combine === undefined) return false;
    rowArgs[0] = n;
    rowArgs[1] = op;
    rowArgs[2] = b === null ? 1 : 0;
    rowArgs[3] = threads;
    if (b === null) scalarOperand[0] = y;
    addon.combine(out, a, b ?? scalarOperand, rowArgs);
    return true;
  },
  transpose(out: Float64Array, x: Float64Array, batch: number, rows: number, cols: number, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.transpose === undefined) return false;
    rowArgs[0] = batch;
    rowArgs[1] = rows;
    rowArgs[2] = cols;
    rowArgs[3] = threads;
    addon.transpose(out, x, rowArgs);
    return true;
  },
  unary(out: Float64Array, x: Float64Array, n: number, op: number, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.unary === undefined) return false;
    rowArgs[0] = n;
    rowArgs[1] = op;
    rowArgs[2] = threads;
    addon.unary(out, x, rowArgs);
    return true;
  },
  unaryVjp(out: Float64Array, g: Float64Array, s: Float64Array, n: number, op: number, threads: number): boolean {
    const addon = loadedAddon();
    if (addon.unaryVjp === undefined) return false;
    rowArgs[0] = n;
    rowArgs[1] = op;
    rowArgs[2] = threads;
    addon.unaryVjp(out, g, s, rowArgs);
    return true;
  },
};
