/**
 * @file The semi-Markov CRF's forward algorithm over segment boundaries, written once against a
 * semiring (Sarawagi & Cohen 2004); SemiMarkovCRF runs it in every semiring but the log one, whose
 * log Z and marginals are the kernels of semiMarkovLog.ts (which differentiate this program for
 * their higher derivatives).
 */
import type { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/create.js';
import { broadcastTo, concat, reshape, slice, take, transpose } from '../ops/shape.js';
import { scan, type Checkpoints } from '../transforms/scan.js';
import { semiringZero, type Semiring } from './semirings.js';

/**
 * The forward algorithm over segment boundaries, for a batch [B, n, L, C] (Sarawagi & Cohen 2004):
 *   β₀[c] = start[c];   β_t[c] = ⊕_{c′} α_t[c′] ⊗ transitions[c′, c]            (t ≥ 1)
 *   α_t[c] = ⊕_{d = 1 … min(L, t)} β_{t−d}[c] ⊗ segments[t − d, d − 1, c]      (a segment ends at t)
 *   result = ⊕_c α_{length}[c] ⊗ end[c]
 * The transition is applied once per boundary, not once per segment: O(n L C + n C²) instead of
 * the O(n L C²) of the unfactored edge potentials. The loop is an ad.scan over t whose carry is the
 * window (β_{t−1}, …, β_{t−L}) and whose outputs are the α_t; its step reads the scores of the L
 * segments that end at t, gathered once before the loop (the semiring's zero where a segment would
 * start before word 0). Each sentence's α at its own length is gathered from the α_t once after
 * the loop, so a step is only ⊗ and ⊕ for α, ⊗ and ⊕ for β, and the window's shift. Under the
 * argmax semiring ties go to the lowest last label, the shortest last segment, then the lowest
 * previous label, and so on backwards.
 *
 * `transitions`, `startScores` and `endScores` are shared ([C, C], [C], [C]) or one per sentence
 * ([B, C, C], [B, C], [B, C]; semiMarkovLog.ts differentiates each sentence's log Z in its own copy).
 */
export function semiMarkovSum(
  semiring: Semiring, segments: Tensor, transitions: Tensor, startScores: Tensor, endScores: Tensor, lengths: readonly number[], checkpoints: Checkpoints,
): Tensor {
  const [B, n, L, C] = segments.shape as [number, number, number, number];
  const S = semiring.size;
  // ending[b, t − 1, d − 1] = segments[b, t − d, d − 1] (row n·L, appended, is −∞: no such segment).
  const rows = concat([reshape(segments, [B, n * L, C]), full([B, 1, C], -Infinity)], 1);
  const index = new Int32Array(n * L);
  for (let t = 1; t <= n; t++) for (let d = 1; d <= L; d++) index[(t - 1) * L + d - 1] = t - d >= 0 ? (t - d) * L + d - 1 : n * L;
  const ending = transpose(semiring.convert(reshape(take(rows, index, 1), [B, n, L, C])), [2, 0, 3, 1, 4]); // [n, S, L, B, C]
  const T = reshape(semiring.convert(transitions), [S, transitions.ndim === 3 ? B : 1, C, C]);
  const perSentence = (x: Tensor) => broadcastTo(x.ndim === 2 ? x : reshape(x, [1, C]), [B, C]);
  const first = reshape(semiring.convert(perSentence(startScores)), [S, 1, B, C]);
  const window = L > 1 ? concat([first, semiringZero(semiring, [L - 1, B, C])], 1) : first; // [S, L, B, C]
  const step = (carry: Tensor, e: Tensor): [Tensor, Tensor] => {
    const alpha = semiring.sum(semiring.times(carry, e), 0); // [S, B, C]
    const beta = reshape(semiring.sum(semiring.times(reshape(alpha, [S, B, C, 1]), T), 1), [S, 1, B, C]);
    return [L > 1 ? concat([beta, slice(carry, [0, 0, 0, 0], [S, L - 1, B, C])], 1) : beta, alpha];
  };
  const [, alphas] = scan(step, window, { xs: ending, checkpoints }) as [Tensor, Tensor]; // [n, S, B, C]
  // final[·, b, ·] = alphas[lengths[b] − 1, ·, b, ·]
  const at = new Int32Array(S * B * C);
  for (let k = 0; k < S; k++) for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) at[(k * B + b) * C + c] = (((lengths[b]! - 1) * S + k) * B + b) * C + c;
  const final = reshape(take(reshape(alphas, [n * S * B * C]), at), [S, B, C]);
  const closing = semiring.convert(perSentence(endScores));
  return semiring.unconvert(semiring.sum(semiring.times(final, closing), 1));
}
