/**
 * @file The sum of a contiguous row in NumPy's order: blocks of 8,192 entries added left to
 * right, each block summed pairwise (numpy/_core/src/umath/loops_utils.h.src, `pairwise_sum`;
 * the blocks are the reduction's buffer size). The rounding error grows as O(ε log n) inside a
 * block instead of the left-to-right loop's O(ε n) — 10⁶ × 0.1 sums to within 2e−15 of 10⁵
 * (relative), where the loop is 1.3e−11 off — and `ad.sum` of a float64 row is NumPy's `np.sum`
 * bit for bit. The eight accumulators of a short block also make the loop throughput-bound
 * instead of waiting on each addition's latency.
 */

/** NumPy's reduction buffer: a row is summed in blocks of this many entries, the blocks in order. */
const BLOCK = 8192;
/** At most this many entries are summed by the eight accumulators; longer runs are halved. */
const LEAF = 128;

/** x[start] + … + x[start + n − 1]: 0 + the blocks' pairwise sums, in order. */
export function rowSum(x: Float64Array, start: number, n: number): number {
  if (n < 8) { // pairwiseSum's short case, inline (many short rows: [10⁶, 4] summed over its last axis)
    let res = 0;
    for (let p = start, end = start + n; p < end; p++) res += x[p]!;
    return res;
  }
  let res = 0;
  for (let s = 0; s < n; s += BLOCK) res += pairwiseSum(x, start + s, Math.min(BLOCK, n - s));
  return res;
}

/**
 * NumPy's pairwise_sum: fewer than 8 entries left to right; up to 128 with eight accumulators
 * (entry i into accumulator i mod 8), combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)),
 * then the last n mod 8 entries added in order; longer runs split at half rounded down to a
 * multiple of 8, the two halves summed the same way and added.
 */
function pairwiseSum(x: Float64Array, p: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += x[p + i]!;
    return res;
  }
  if (n <= LEAF) {
    let r0 = x[p]!, r1 = x[p + 1]!, r2 = x[p + 2]!, r3 = x[p + 3]!;
    let r4 = x[p + 4]!, r5 = x[p + 5]!, r6 = x[p + 6]!, r7 = x[p + 7]!;
    const whole = p + n - (n % 8);
    let q = p + 8;
    for (; q < whole; q += 8) {
      r0 += x[q]!; r1 += x[q + 1]!; r2 += x[q + 2]!; r3 += x[q + 3]!;
      r4 += x[q + 4]!; r5 += x[q + 5]!; r6 += x[q + 6]!; r7 += x[q + 7]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (const end = p + n; q < end; q++) res += x[q]!;
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(x, p, half) + pairwiseSum(x, p + half, n - half);
}
