/**
 * @file Staging a product for the WebAssembly gemm kernel: where A, B and C lie in the kernel's
 * memory with their extents padded to multiples of 4, copying them in, and copying C out.
 */
import { copyRun } from '../layout.js';

/**
 * Where a product's operands lie in the kernel's memory (element offsets), with its extents
 * padded to multiples of 4 — mp rows of C, np columns — so the kernel computes all of C: A's pad
 * rows and B's pad columns are zeros, and the pad rows and columns of C are not copied back.
 * (With its two leftover columns in the JavaScript kernel, a classifier's last layer, 128×784×10,
 * took 1.5–1.7× as long; W1's 128×256×10 1.9×.)
 */
export interface Layout {
  m: number; k: number; n: number; mp: number; np: number;
  /**
   * A as stored at 0 ([mp, k], or [k, mp] when transA), op(B) at ob ([k, np], or packed strips), C
   * at oc ([mp, np]), B as stored at raw (packed only), op(A)'s panels at oa (`panels` only: mp/4
   * panels of four rows, each k runs of the four rows' values, as ./pack.ts lays out B's strips).
   */
  ob: number; oc: number; raw: number; oa: number; total: number;
}

/** The layout of a product of op(A) [m, k] and op(B) [k, n], with room for B as stored when `packed` and for A's panels when `panels`. */
export function layout(m: number, k: number, n: number, packed: boolean, panels = false): Layout {
  const mp = m + (-m & 3), np = n + (-n & 3);
  const ob = mp * k, oc = ob + k * np, raw = oc + mp * np, oa = raw + (packed ? k * np : 0);
  return { m, k, n, mp, np, ob, oc, raw, oa, total: oa + (panels ? mp * k : 0) };
}

/** `rows` runs of `cols` float64s from src (contiguous) into v at `at`, `stride` apart, each followed by stride − cols zeros. */
function copyPadded(v: Float64Array, at: number, src: Float64Array, off: number, rows: number, cols: number, stride: number): void {
  if (stride === cols) {
    copyRun(v, at, src, off, rows * cols);
    return;
  }
  for (let r = 0; r < rows; r++, at += stride, off += cols) {
    copyRun(v, at, src, off, cols);
    for (let j = cols; j < stride; j++) v[at + j] = 0;
  }
}

/**
 * Copies A as stored (row-major [m, k], or [k, m] when transA: the kernel reads it transposed)
 * into `v` at 0 and, unless `fresh` (C holds no values yet, written by an overwriting kernel), C at oc; each
 * padded with zeros as `Layout` says. (B: `stageB`.)
 */
export function stageAC(
  v: Float64Array, a: Float64Array, aOff: number, c: Float64Array, cOff: number,
  { m, k, n, mp, np, oc }: Layout, transA: boolean, fresh: boolean,
): void {
  if (transA) copyPadded(v, 0, a, aOff, k, m, mp);
  else {
    copyRun(v, 0, a, aOff, m * k);
    v.fill(0, m * k, mp * k);
  }
  if (!fresh) copyPadded(v, oc, c, cOff, m, n, np);
}

/** Copies B as row-major op(B) [k, np] at ob, or, when `packed`, as stored at `raw` for a pack kernel to write its strips at ob (`packArgs`). */
export function stageB(v: Float64Array, b: Float64Array, bOff: number, { k, n, np, ob, raw }: Layout, transB: boolean, packed: boolean): void {
  if (packed && transB) { // stored [n, k]: np − n zero rows after it
    copyRun(v, raw, b, bOff, n * k);
    v.fill(0, raw + n * k, raw + np * k);
  } else if (packed || !transB) copyPadded(v, packed ? raw : ob, b, bOff, k, n, np);
  else {
    for (let p = 0; p < k; p++) for (let j = n; j < np; j++) v[ob + p * np + j] = 0;
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) v[ob + p * np + j] = b[bOff + j * k + p]!;
  }
}

/**
 * Writes a zero into each 4 kB page of c[off, off + len), a fresh result that the product then overwrites:
 * the operating system maps a new allocation's pages on first touch, at about 1.5 µs a page on the
 * bench machine — 0.8 ms for a 512×512 result, serial after the product if the copy-back made them.
 * Done while the workers compute, it overlaps their chunks.
 */
export function touchPages(c: Float64Array, off: number, len: number): void {
  if (len === 0) return;
  for (let i = off; i < off + len; i += 512) c[i] = 0;
  c[off + len - 1] = 0;
}

/** Copies rows [row0, row0 + rows) of C (those below m) back from the padded [mp, np] block at oc: one run when no columns were padded, else a run per row. */
export function unstage(v: Float64Array, c: Float64Array, cOff: number, { m, n, np, oc }: Layout, row0 = 0, rows = m): void {
  const end = Math.min(m, row0 + rows);
  if (end <= row0) return; // pad rows only
  if (np === n) copyRun(c, cOff + row0 * n, v, oc + row0 * n, (end - row0) * n);
  else for (let i = row0; i < end; i++) copyRun(c, cOff + i * n, v, oc + i * np, n);
}
