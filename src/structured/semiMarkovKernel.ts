/**
 * @file The semi-Markov forward algorithm in the log semiring over Float64Arrays, and its adjoint
 * (the backward pass as backprop: segment marginals and expected transition counts). The kernels
 * behind the primitives of semiMarkovLog.ts; the semiring-generic program is semiMarkovSum.ts.
 *
 * For sentence b of n_b words, segments G [n, L, C], transitions T [C, C], start and end [C]:
 *   β_0[c] = start[c],   α_t[c] = lse_{1 ≤ d ≤ min(L, t)} β_{t−d}[c] + G[t − d, d − 1, c],
 *   β_t[c] = lse_{c′} α_t[c′] + T[c′, c]  (1 ≤ t < n_b),   log Z = lse_c α_{n_b}[c] + end[c].
 */

/** Doubles per sentence in the packed charts: α and β over t = 0 … n ([n + 1, C] each), then log Z. */
export const semiMarkovChartSize = (n: number, C: number) => 2 * (n + 1) * C + 1;
/** Doubles per sentence in the packed gradients: segments [n, L, C], transitions [C, C], start [C], end [C]. */
export const semiMarkovGradSize = (n: number, L: number, C: number) => n * L * C + C * C + 2 * C;

/**
 * The shapes and per-sentence lengths every kernel call shares, and the per-sentence strides of
 * the transitions, start and end scores: 0 when one copy is shared by the batch ([C, C], [C]),
 * C² or C when each sentence has its own ([B, C, C], [B, C]).
 */
export interface SemiMarkovDims { B: number; n: number; L: number; C: number; lengths: readonly number[]; tStride: number; sStride: number; eStride: number }

/** logsumexp of x[0 … len − 1]: the largest first, then the sum of exp(x − largest); −∞ when every value is −∞ (or len = 0). */
function lse(x: Float64Array, len: number): number {
  let m = -Infinity;
  for (let k = 0; k < len; k++) if (x[k]! > m) m = x[k]!;
  if (m === -Infinity || m === Infinity) return m;
  let acc = 0;
  for (let k = 0; k < len; k++) acc += Math.exp(x[k]! - m);
  return m + Math.log(acc);
}

/**
 * The forward pass into `out` [B, semiMarkovChartSize(n, C)]: α, β and log Z of each sentence.
 */
export function semiMarkovForwardKernel(
  G: ArrayLike<number>, T: ArrayLike<number>, start: ArrayLike<number>, end: ArrayLike<number>, d: SemiMarkovDims, out: Float64Array,
): Float64Array {
  const { B, n, L, C, lengths } = d;
  const P = semiMarkovChartSize(n, C), tmp = new Float64Array(Math.max(L, C));
  for (let b = 0; b < B; b++) {
    const o = b * P, beta = o + (n + 1) * C, g = b * n * L * C, nb = lengths[b]!;
    const t0 = b * d.tStride, s0 = b * d.sStride, e0 = b * d.eStride;
    for (let c = 0; c < C; c++) out[beta + c] = start[s0 + c]!;
    for (let t = 1; t <= nb; t++) {
      const D = Math.min(L, t);
      for (let c = 0; c < C; c++) {
        // segments of k + 1 words ending at t: β_{t−k−1} ⊗ G[t − k − 1, k]
        for (let k = 0; k < D; k++) tmp[k] = out[beta + (t - k - 1) * C + c]! + G[g + ((t - k - 1) * L + k) * C + c]!;
        out[o + t * C + c] = lse(tmp, D);
      }
      if (t === nb) break;
      for (let c = 0; c < C; c++) {
        for (let p = 0; p < C; p++) tmp[p] = out[o + t * C + p]! + T[t0 + p * C + c]!;
        out[beta + t * C + c] = lse(tmp, C);
      }
    }
    for (let c = 0; c < C; c++) tmp[c] = out[o + nb * C + c]! + end[e0 + c]!;
    out[o + P - 1] = lse(tmp, C);
  }
  return out;
}

/**
 * The adjoint of the forward pass: `out` [B, semiMarkovGradSize(n, L, C)] = g[b] · ∂ log Z_b / ∂
 * (G_b, T, start, end), sentence by sentence (the shared T, start and end get each sentence's own
 * share; the caller sums them). From the last boundary down: β_t's adjoint is complete once every
 * α_{t+d} has given it its share, so α_t takes β_t's, then hands its own to the β_{t−d} and the
 * segments it sums over; a logsumexp hands its adjoint to each alternative with weight
 * exp(alternative − result), none when the result is −∞.
 */
export function semiMarkovAdjointKernel(
  G: ArrayLike<number>, T: ArrayLike<number>, end: ArrayLike<number>, charts: ArrayLike<number>, g: ArrayLike<number>, d: SemiMarkovDims, out: Float64Array,
): Float64Array {
  const { B, n, L, C, lengths } = d;
  const P = semiMarkovChartSize(n, C), Q = semiMarkovGradSize(n, L, C);
  const gA = new Float64Array((n + 1) * C), gB = new Float64Array((n + 1) * C);
  for (let b = 0; b < B; b++) {
    const o = b * P, beta = o + (n + 1) * C, logZ = charts[o + P - 1]!, gz = g[b]!, nb = lengths[b]!;
    if (gz === 0 || logZ === -Infinity) continue;
    const q = b * Q, gT = q + n * L * C, gStart = gT + C * C, gEnd = gStart + C;
    const t0 = b * d.tStride, e0 = b * d.eStride, gs = b * n * L * C;
    gA.fill(0);
    gB.fill(0);
    for (let c = 0; c < C; c++) {
      const w = gz * Math.exp(charts[o + nb * C + c]! + end[e0 + c]! - logZ);
      gA[nb * C + c] = w;
      out[gEnd + c] = w;
    }
    for (let t = nb; t >= 1; t--) {
      if (t < nb) {
        for (let c = 0; c < C; c++) {
          const gb = gB[t * C + c]!, x = charts[beta + t * C + c]!;
          if (gb === 0 || x === -Infinity) continue;
          for (let p = 0; p < C; p++) {
            const w = gb * Math.exp(charts[o + t * C + p]! + T[t0 + p * C + c]! - x);
            gA[t * C + p] += w;
            out[gT + p * C + c] += w;
          }
        }
      }
      for (let c = 0; c < C; c++) {
        const ga = gA[t * C + c]!, x = charts[o + t * C + c]!;
        if (ga === 0 || x === -Infinity) continue;
        for (let k = 0, D = Math.min(L, t); k < D; k++) {
          const at = ((t - k - 1) * L + k) * C + c;
          const w = ga * Math.exp(charts[beta + (t - k - 1) * C + c]! + G[gs + at]! - x);
          out[q + at] += w;
          gB[(t - k - 1) * C + c] += w;
        }
      }
    }
    for (let c = 0; c < C; c++) out[gStart + c] = gB[c]!;
  }
  return out;
}
