/**
 * @file A matrix chain with its operands resident in the WebAssembly kernel's memory: each factor
 * is copied in once and the running product never leaves, where `gemm` would copy A, B and C in
 * and C out for every product (four moves of a matrix per product, and a zeroing of C, against
 * one or two here). For chains of products below the threads' size whose extents are all
 * multiples of 4 (the kernel's blocks); ./chain.ts runs the rest.
 */
import { PARALLEL_WORK, residentKernels } from './wasm/gemm.js';
import { copyRun, transposeInto } from './layout.js';
import type { Chunks } from './chunks.js';
import type { Matrix, Prefixes } from './chain.js';

/** The extents of a chain that can run resident: its row count and its widest factor extent. */
export interface ResidentPlan {
  readonly rows: number;
  readonly widest: number;
}

/**
 * The plan for `ms` to run resident, or null: every extent a multiple of 4, and every product
 * below PARALLEL_WORK multiply-adds (from there `gemm` splits products across threads, and its
 * copies are at most 3 moves per 160 multiply-adds of an element).
 */
export function residentPlan(ms: readonly Matrix[]): ResidentPlan | null {
  const rows = ms[0]!.rows;
  if (rows % 4 !== 0) return null;
  let widest = 0;
  for (const m of ms) {
    if (m.cols % 4 !== 0 || rows * m.rows * m.cols >= PARALLEL_WORK) return null;
    widest = Math.max(widest, m.rows, m.cols);
  }
  return { rows, widest };
}

/**
 * P_{n−1} = M_0 ⋯ M_{n−1} left to right, resident: two running products used in turn and one
 * slot for the factor. `keep(i, view, at)` is shown each P_i (i ≥ 1) where it lies in the view,
 * to copy it out. False (nothing done) where the kernel is unavailable.
 */
export function residentProducts(
  ms: readonly Matrix[], plan: ResidentPlan, keep: (i: number, view: Float64Array, at: number) => void,
): boolean {
  const { rows, widest } = plan;
  const span = rows * widest;
  const res = residentKernels(2 * span + widest * widest);
  if (res === null) return false;
  const { view, run } = res;
  const factor = 2 * span;
  copyRun(view, 0, ms[0]!.data, 0, rows * ms[0]!.cols);
  let acc = 0, next = span;
  for (let i = 1; i < ms.length; i++) {
    const m = ms[i]!;
    copyRun(view, factor, m.data, 0, m.rows * m.cols);
    run.gemmSet(acc * 8, factor * 8, next * 8, rows, m.rows, m.cols, m.cols, m.rows * 8); // P_i = P_{i−1} M_i
    keep(i, view, next);
    [acc, next] = [next, acc];
  }
  return true;
}

/**
 * The cotangents M̄_i = P_{i−1}ᵀ R_i (R_{n−1} = g, R_{i−1} = R_i M_iᵀ, M̄_0 = R_0; see
 * ./chain.ts) resident: R stays in the memory; per step P_{i−1} is copied in and read transposed
 * by the kernel, M_i is copied in transposed, and M̄_i copied out into `chunks`. False (nothing
 * done) where the kernel is unavailable.
 */
export function residentCotangents(
  ms: readonly Matrix[], plan: ResidentPlan, prefixes: Prefixes, g: Float64Array, needs: readonly unknown[], first: number,
  chunks: Chunks, out: Array<Float64Array | null>,
): boolean {
  const { rows, widest } = plan;
  const span = rows * widest, square = widest * widest;
  const res = residentKernels(3 * span + 2 * square);
  if (res === null) return false;
  const { view, run } = res;
  const prefix = 2 * span, factorT = 3 * span, cotangent = 3 * span + square;
  const n = ms.length;
  let R = 0, next = span;
  copyRun(view, R, g, 0, rows * ms[n - 1]!.cols);
  for (let i = n - 1; i >= Math.max(first, 1); i--) {
    const m = ms[i]!, a = m.rows, b = m.cols; // P_{i−1} is [rows, a], R_i is [rows, b]
    if (needs[i]) {
      copyRun(view, prefix, prefixes.bufs[i - 1]!, prefixes.offs[i - 1]!, rows * a);
      run.gemmTransASet(prefix * 8, R * 8, cotangent * 8, a, rows, b, b, a * 8); // M̄_i = P_{i−1}ᵀ R_i  [a, b]
      out[i] = chunks.take(a * b);
      copyRun(out[i]!, 0, view, cotangent, a * b);
    }
    if (i - 1 < first) continue;
    transposeInto(m.data, 0, a, b, view, factorT); // M_iᵀ  [b, a]
    run.gemmSet(R * 8, factorT * 8, next * 8, rows, b, a, a, b * 8); // R_{i−1} = R_i M_iᵀ  [rows, a]
    [R, next] = [next, R];
  }
  if (first === 0) {
    const size = rows * ms[0]!.cols;
    out[0] = chunks.take(size);
    copyRun(out[0]!, 0, view, R, size);
  }
  return true;
}
