/**
 * @file The forward algorithm of a linear chain, written once against a semiring and batched over
 * sequences of different lengths. Forward–backward is its gradient (Eisner 2016).
 */
import type { Tensor } from '../tensor/tensor.js';
import { broadcastTo, reshape, slice, transpose } from '../ops/shape.js';
import { add } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { tensor } from '../tensor/create.js';
import { scan, type Checkpoints } from '../transforms/scan.js';
import type { Semiring } from './semirings.js';

/**
 * log-space potentials of a batch of chains: `init[b, j]` scores tag j at position 0 (emission +
 * start), `edges[b, t, i, j]` scores moving from tag i at t to tag j at t + 1 (transition + the
 * emission at t + 1), `final[b, j]` scores ending on tag j (the `end` scores). Sequence b uses
 * positions 0 … lengths[b] − 1.
 */
export interface ChainPotentials {
  init: Tensor; // [B, K]
  edges: Tensor; // [B, n − 1, K, K]
  final: Tensor; // [B, K]
  lengths: readonly number[];
}

/**
 * The semiring sum over every tag sequence of the product of its potentials: for the log semiring
 * log Z per sequence, for max the best score, for entropy the entropy. Returns shape [B].
 * α₀ = init; α_{t+1}[j] = ⊕_i α_t[i] ⊗ edges_t[i, j] (kept unchanged past a sequence's end);
 * result = ⊕_j α_{last}[j] ⊗ final[j].
 */
export function chainSum(semiring: Semiring, p: ChainPotentials, checkpoints: Checkpoints = 'all'): Tensor {
  const [B, K] = p.init.shape as [number, number];
  const n = p.edges.shape[1]! + 1;
  const S = semiring.size;
  const alpha0 = semiring.convert(p.init); // [S, B, K]
  let alpha = alpha0;
  if (n > 1) {
    // Steps on the leading axis for scan: [n−1, S, B, K, K], and per-step masks [n−1, 1, B, 1].
    const edges = transpose(semiring.convert(p.edges), [2, 0, 1, 3, 4]);
    const live = tensor(
      Array.from({ length: (n - 1) * B }, (_, k) => (Math.floor(k / B) + 1 < p.lengths[k % B]! ? 1 : 0)),
      [n - 1, 1, B, 1],
    );
    // Without padding (every sequence full length) the mask is all ones: skip the where.
    const padded = p.lengths.some((len) => len < n);
    alpha = scan(
      (a: Tensor, x: { e: Tensor; m?: Tensor }) => {
        const next = semiring.sum(semiring.times(reshape(a, [S, B, K, 1]), x.e), 1);
        return x.m === undefined ? next : where(x.m, next, a);
      },
      alpha0,
      { xs: padded ? { e: edges, m: live } : { e: edges }, checkpoints },
    ) as Tensor;
  }
  const last = semiring.times(alpha, semiring.convert(p.final));
  return semiring.unconvert(semiring.sum(last, 1));
}

/**
 * The chain potentials of a CRF batch: emissions [B, n, K], transitions [K, K] (i → j), start and
 * end [K]. edges[b, t] = transitions + emissions[b, t + 1] (broadcast over the previous tag).
 */
export function chainPotentials(
  emissions: Tensor, transitions: Tensor, start: Tensor, end: Tensor, lengths: readonly number[],
): ChainPotentials {
  const [B, n, K] = emissions.shape as [number, number, number];
  const first = reshape(slice(emissions, [0, 0, 0], [B, 1, K]), [B, K]);
  const later = reshape(slice(emissions, [0, 1, 0], [B, n - 1, K]), [B, n - 1, 1, K]);
  return {
    init: add(first, start),
    edges: add(reshape(transitions, [1, 1, K, K]), later),
    final: broadcastTo(reshape(end, [1, K]), [B, K]),
    lengths,
  };
}
