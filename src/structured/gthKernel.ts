/**
 * @file The subtraction-free (GTH) elimination of matrixTree.ts as typed-array loops: the
 * log-determinant of each sentence's Laplacian minor, and its adjoint (the cotangent of the
 * elimination's input), one kernel call each instead of a dozen ops per eliminated word.
 *
 * Layout. Sentence b's input is `rows` [n + R, n] (row-major, at b·(n + R)·n): rows 0 … n − 1 the
 * weights W[i, j] of the arcs among the words in elimination order (0 on the diagonal), row n the
 * column excesses x, and with one root dependent (R = 2) row n + 1 the root weights σ. Step k
 * eliminates word k in place: with m = n − k words left,
 *   p_k = Σ_{r=k}^{n−1} A[r, k] + A[n, k]    (the word rows, then the excess; added as `sum` adds a row)
 *   A[r, c] ← A[r, c] + A[r, k] · (A[k, c] / p_k),  r > k, c > k     (word rows, excess and σ)
 * with the word diagonal kept 0 (no self-loops). log det = Σ_k log p_k; with one root dependent
 * the elimination stops one word early and the last factor is σ of the word left, A[n + 1, n − 1].
 * These are the ops of matrixTree.ts's generic program in the same order (the scaled row first,
 * then the product with the column, then the sum), so the value is the same to the bit.
 *
 * The tape. The adjoint needs, per step, p_k, the column A[·, k] of the rows below k and the scaled
 * row s_c = A[k, c] / p_k: 2m + R numbers, O(n²) per sentence where the matrices would be O(n³).
 * Sentence b's tape starts at b·tapeSize(n, R) with log det, σ and the range flag, then the steps in order.
 *
 * Range. Every quantity is a sum of non-negative terms, so it keeps full relative accuracy as long
 * as no term leaves floating point's normal range. The weights are e^{score − the column's best},
 * at most 1, and every column sum stays at most n + 1 (elimination moves weight, GTH's invariant,
 * and drops cycles), so nothing overflows; but a fill A[r, k]·s_c is the weight of a path through
 * eliminated words, and a pivot the weight of the cheapest way out of a cycle, and either can fall
 * below 2^−1022 (e^−708) on scores that spread a few hundred nats: a chain of nine arcs at −100
 * where every other arc is 0 has pivots of e^−800, which round to 0 (log Z −∞, marginals NaN). The
 * flag (tape[b·T + 2] = 1) says some pivot, σ, or product of a step's smallest column entry and
 * smallest scaled row entry (a bound on its fills) fell below TINY; matrixTree.ts then takes the
 * elimination in log space (gthLogDetLogOps). TINY leaves 2^120 of headroom to the subnormals,
 * so the adjoint's cotangents (at most about n/TINY) stay finite too.
 */
import { rowSum } from '../tensor/kernels/rowSum.js';

/** Below this a pivot or fill may have lost accuracy to underflow: the flag of the tape (see Range). */
export const TINY = 2 ** -900;
/** The tape's slot (per sentence) that is 1 when the elimination left the range (see Range), else 0. */
export const RANGE_SLOT = 2;

/** The tape's length per sentence: log det, then per step k (m = n − k words left) p, m − 1 + R column entries, m − 1 scaled row entries. */
export function tapeSize(n: number, R: number): number {
  const steps = R === 2 ? n - 1 : n;
  let size = 3; // log det, σ of the word left (one root dependent), the range flag
  for (let k = 0; k < steps; k++) size += 2 * (n - k) + R - 1;
  return size;
}

/**
 * The elimination of every sentence of `rows` [B, n + R, n] (R = 1: several root dependents; 2:
 * one), writing each sentence's tape into `tape` [B, tapeSize(n, R)]: tape[b·T] = log det.
 */
export function gthForwardKernel(rows: Float64Array, B: number, n: number, R: number, tape: Float64Array): Float64Array {
  const H = n + R, T = tapeSize(n, R);
  const A = new Float64Array(H * n);
  const steps = R === 2 ? n - 1 : n;
  // The column summed into a pivot, and the logs summed into log det: both added as `sum` adds a row (rowSum).
  const column = new Float64Array(n + 1), logs = new Float64Array(n + 1);
  for (let b = 0; b < B; b++) {
    A.set(rows.subarray(b * H * n, (b + 1) * H * n));
    let t = b * T + 3;
    let outOfRange = false;
    for (let k = 0; k < steps; k++) {
      let m = 0;
      for (let r = k; r < n; r++) column[m++] = A[r * n + k]!;
      column[m++] = A[n * n + k]!;
      const p = rowSum(column, 0, m);
      logs[k] = Math.log(p);
      tape[t++] = p;
      // The smallest positive column and scaled-row entries: their product bounds the step's fills from below.
      let smallestColumn = Infinity, smallestRow = Infinity;
      const colAt = t;
      for (let r = k + 1; r < H; r++) {
        const a = (tape[t++] = A[r * n + k]!);
        if (a > 0 && a < smallestColumn) smallestColumn = a;
      }
      const rowAt = t;
      for (let c = k + 1; c < n; c++) {
        const s = (tape[t++] = A[k * n + c]! / p);
        if (s > 0 && s < smallestRow) smallestRow = s;
      }
      if (!(p >= TINY) || smallestColumn * smallestRow < TINY) outOfRange = true;
      if (k === n - 1) break;
      for (let r = k + 1, i = colAt; r < H; r++, i++) {
        const a = tape[i]!, base = r * n;
        for (let c = k + 1, j = rowAt; c < n; c++, j++) A[base + c] = A[base + c]! + a * tape[j]!;
        if (r < n) A[base + r] = 0; // no self-loops
      }
    }
    const sigma = R === 2 ? A[(n + 1) * n + n - 1]! : 1;
    tape[b * T + 1] = sigma;
    tape[b * T + RANGE_SLOT] = outOfRange || !(sigma >= TINY) ? 1 : 0;
    if (R === 2) logs[steps] = Math.log(sigma);
    tape[b * T] = rowSum(logs, 0, R === 2 ? steps + 1 : steps);
  }
  return tape;
}

/**
 * The adjoint of the elimination: out [B, n + R, n] = ḡ_b · ∂ log det_b / ∂ rows_b, from the tape,
 * the elimination run backwards in one buffer per sentence. Step k's rule, with s = the scaled row
 * and Ā the cotangent of the rows it wrote (the diagonal zeroed: those entries were set to 0):
 *   s̄_c = Σ_r Ā[r, c] · A[r, k],   Ā[r, k] += Σ_c Ā[r, c] · s_c,   Ā[k, c] += s̄_c / p,
 *   p̄ = ḡ / p − Σ_c s̄_c · s_c / p,   Ā[r, k] += p̄ for the word rows r ≥ k and the excess row.
 * (The rules of div, mul and sum that reverse mode through the generic program applies.)
 */
export function gthAdjointKernel(tape: Float64Array, g: Float64Array, B: number, n: number, R: number, out: Float64Array): Float64Array {
  const H = n + R, T = tapeSize(n, R);
  const steps = R === 2 ? n - 1 : n;
  const sBar = new Float64Array(n);
  // Where each step's block starts in a sentence's tape.
  const at = new Int32Array(steps);
  for (let k = 0, t = 3; k < steps; k++) { at[k] = t; t += 2 * (n - k) + R - 1; }
  for (let b = 0; b < B; b++) {
    const A = out.subarray(b * H * n, (b + 1) * H * n);
    A.fill(0);
    const gb = g[b]!, base = b * T;
    if (gb === 0) continue;
    if (R === 2) A[(n + 1) * n + n - 1] = gb / tape[base + 1]!;
    for (let k = steps - 1; k >= 0; k--) {
      const t = base + at[k]!;
      const p = tape[t]!, colAt = t + 1, rowAt = colAt + (H - k - 1);
      let pBar = gb / p;
      if (k < n - 1) {
        sBar.fill(0, k + 1, n);
        for (let r = k + 1, i = colAt; r < H; r++, i++) {
          const a = tape[i]!, rb = r * n;
          if (r < n) A[rb + r] = 0; // set to 0 by the step: no cotangent flows back
          let colBar = 0;
          for (let c = k + 1, j = rowAt; c < n; c++, j++) {
            const ab = A[rb + c]!;
            colBar += ab * tape[j]!;
            sBar[c] += ab * a;
          }
          A[rb + k] = A[rb + k]! + colBar;
        }
        let dot = 0;
        for (let c = k + 1, j = rowAt; c < n; c++, j++) {
          A[k * n + c] = A[k * n + c]! + sBar[c]! / p;
          dot += sBar[c]! * tape[j]!;
        }
        pBar -= dot / p;
      }
      for (let r = k; r < n; r++) A[r * n + k] = A[r * n + k]! + pBar;
      A[n * n + k] = A[n * n + k]! + pBar;
    }
  }
  return out;
}
