/**
 * @file The backward pass of a matrix chain whose output cotangent has rank one — by
 * matrix–vector products, without the prefixes.
 *
 * With Ḡ = u vᵀ, the general rule M̄_i = P_{i−1}ᵀ Ḡ S_{i+1}ᵀ (./chain.ts) factors as
 *
 *   M̄_i = (P_{i−1}ᵀ u)(S_{i+1} v)ᵀ = a_i b_iᵀ,   a_0 = u, a_i = M_{i−1}ᵀ a_{i−1};   b_{n−1} = v, b_i = M_{i+1} b_{i+1},
 *
 * so the gradient costs 2(n − 1) matrix–vector products and n outer products, O(Σ rᵢcᵢ), where the
 * general sweep takes 2(n − 1) matrix products, O(Σ rᵢ²cᵢ). Rank one is the common case, not a
 * special one: the cotangent of sum(P) is 𝟙𝟙ᵀ, and of a bilinear form αᵀPβ — a transfer-matrix
 * partition function, an HMM's likelihood as a chain of matrices — it is αβᵀ.
 */
import { uninitializedF64 } from '../alloc.js';
import { CHUNK, Chunks } from './chunks.js';
import type { Matrix, OneBuffer } from './chain.js';
import { nativeRankOneChain } from './native/nativeGemm.js';

/**
 * u, v with g = u vᵀ to within a few roundings of every entry (|g_ij − u_i v_j| ≤ 8ε|u_i v_j|),
 * or null where g (rows × cols, row-major) is not of rank one (or holds a NaN or an infinity).
 *
 * With (p, q) the entry of largest magnitude: u = g[:, q], v = g[p, :] / g_pq. For g = αβᵀ
 * formed in floating point (each entry rounded once), u_i v_j = α_i β_j (1 + δ), |δ| ≤ 5ε, so the
 * test passes, and the gradient from u, v differs from the general sweep's by the rounding that
 * sweep commits itself; for 𝟙𝟙ᵀ it is exact. g = 0 gives u = v = 0 (every cotangent zero).
 */
export function rankOneFactors(g: Float64Array, rows: number, cols: number): { u: Float64Array; v: Float64Array } | null {
  let p = 0, q = 0, largest = 0;
  for (let i = 0, at = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++, at++) {
      const m = Math.abs(g[at]!);
      if (!(m <= largest)) { // also a NaN: refused below
        if (m !== m || m === Infinity) return null;
        largest = m; p = i; q = j;
      }
    }
  }
  const u = new Float64Array(rows), v = new Float64Array(cols);
  if (largest === 0) return { u, v };
  const pivot = g[p * cols + q]!;
  for (let i = 0; i < rows; i++) u[i] = g[i * cols + q]!;
  for (let j = 0; j < cols; j++) v[j] = g[p * cols + j]! / pivot;
  const tolerance = 8 * Number.EPSILON;
  for (let i = 0, at = 0; i < rows; i++) {
    const ui = u[i]!;
    for (let j = 0; j < cols; j++, at++) {
      const uv = ui * v[j]!;
      if (!(Math.abs(g[at]! - uv) <= tolerance * Math.abs(uv))) return null;
    }
  }
  return { u, v };
}

/**
 * The cotangents M̄_i = a_i b_iᵀ of the factors that `needs` (from `first` on), for Ḡ = u vᵀ:
 * into `out` one by one, or — `oneBuffer` asked — as one array in order, `out` left unfilled.
 */
export function rankOneCotangents(
  ms: readonly Matrix[], u: Float64Array, v: Float64Array, needs: readonly unknown[], first: number,
  out: Array<Float64Array | null>, oneBuffer: OneBuffer | null,
): void {
  const n = ms.length;
  const native = nativeRankOneChain();
  if (native !== null) {
    nativeCotangents(native, ms, u, v, needs, first, out, oneBuffer);
    return;
  }
  // a_i = P_{i−1}ᵀ u for i ≥ first: a_i has M_i's row count, a_i[k] = Σ_j a_{i−1}[j] M_{i−1}[j, k].
  const a: Float64Array[] = new Array<Float64Array>(n);
  a[0] = u;
  for (let i = 1; i < n; i++) a[i] = transposedTimes(ms[i - 1]!, a[i - 1]!);
  let total = 0;
  for (let i = first; i < n; i++) if (needs[i]) total += ms[i]!.rows * ms[i]!.cols;
  const whole = oneBuffer !== null ? uninitializedF64(total) : null; // every place an outer product's
  const chunks = whole === null ? new Chunks(total) : null;
  // Offsets into the one array, in order from `first`.
  let end = total;
  let b = v; // b_{n−1} = v; b_i = M_{i+1} b_{i+1}
  for (let i = n - 1; i >= first; i--) {
    const m = ms[i]!;
    if (needs[i]) {
      const size = m.rows * m.cols;
      end -= size;
      if (whole !== null) outer(a[i]!, b, whole, end); // no view per factor (TypedArray#subarray costs ~1 µs)
      else outer(a[i]!, b, (out[i] = chunks!.take(size)), 0);
    }
    if (i > first) b = times(m, b);
  }
  if (oneBuffer !== null) oneBuffer.array = whole;
}

/**
 * The same cotangents by native/chain.cc (the same sums in the same order, so the same bits): one
 * call for the whole chain, the outputs allocated here as above.
 */
function nativeCotangents(
  native: NonNullable<ReturnType<typeof nativeRankOneChain>>, ms: readonly Matrix[], u: Float64Array, v: Float64Array,
  needs: readonly unknown[], first: number, out: Array<Float64Array | null>, oneBuffer: OneBuffer | null,
): void {
  const n = ms.length;
  const args = new Float64Array(2 + 4 * n).fill(-1);
  args[0] = n;
  args[1] = first;
  let total = 0;
  for (let i = first; i < n; i++) if (needs[i]) total += ms[i]!.rows * ms[i]!.cols;
  // The cotangents in one array where asked, or where they fit a chunk (then views of it for the
  // list form); else a chunk's view each. The factors as one array where they share one (a stack).
  const whole = oneBuffer !== null || total <= CHUNK ? uninitializedF64(total) : null; // every place written natively
  const chunks = whole === null ? new Chunks(total) : null;
  const shared = ms.every((m) => m.data === ms[0]!.data);
  const mats = shared ? [ms[0]!.data] : new Array<Float64Array>(n);
  const outs = whole !== null ? [whole] : new Array<Float64Array | null>(n).fill(null);
  for (let i = 0, place = 0; i < n; i++) {
    const m = ms[i]!, size = m.rows * m.cols, f = 2 + 4 * i;
    if (!shared) mats[i] = m.data;
    args[f] = m.at;
    args[f + 1] = m.rows;
    args[f + 2] = m.cols;
    if (i < first || !needs[i]) continue;
    if (whole !== null) { // no view per factor where one array is asked for: the array and each place in it
      args[f + 3] = place;
      if (oneBuffer === null) out[i] = new Float64Array(whole.buffer, whole.byteOffset + place * 8, size);
      place += size;
    } else {
      args[f + 3] = 0;
      outs[i] = out[i] = chunks!.take(size);
    }
  }
  native(mats, outs, u, v, args);
  if (oneBuffer !== null) oneBuffer.array = whole;
}

/** Mᵀx for M [r, c] (row-major from `at`), x of length r: Σ_j x_j · row j, rows in order. */
function transposedTimes(m: Matrix, x: Float64Array): Float64Array {
  const { data, at, rows, cols } = m;
  const y = new Float64Array(cols);
  for (let j = 0, row = at; j < rows; j++, row += cols) {
    const xj = x[j]!;
    for (let k = 0; k < cols; k++) y[k]! += xj * data[row + k]!;
  }
  return y;
}

/** M x for M [r, c] (row-major from `at`), x of length c: each entry a dot product in order. */
function times(m: Matrix, x: Float64Array): Float64Array {
  const { data, at, rows, cols } = m;
  const y = new Float64Array(rows);
  for (let j = 0, row = at; j < rows; j++, row += cols) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += data[row + k]! * x[k]!;
    y[j] = s;
  }
  return y;
}

/** target[at …] = x yᵀ, row-major. */
function outer(x: Float64Array, y: Float64Array, target: Float64Array, at: number): void {
  const cols = y.length;
  for (let j = 0, row = at; j < x.length; j++, row += cols) {
    const xj = x[j]!;
    for (let k = 0; k < cols; k++) target[row + k] = xj * y[k]!;
  }
}
