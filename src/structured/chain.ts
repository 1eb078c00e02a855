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
 * result = ⊕_j α_{last}[j] ⊗ final[j]. A semiring with a matrix product (`contract`, the log
 * semiring's logMatmul) takes each step as α_t (a row) times edges_t in one kernel.
 */
export function chainSum(semiring: Semiring, p: ChainPotentials, checkpoints: Checkpoints = 'all'): Tensor {
  const [B, K] = p.init.shape as [number, number];
  const S = semiring.size;
  // Steps on the leading axis for scan: [n−1, S, B, K, K].
  const steps = p.edges.shape[1]! > 0 ? transpose(semiring.convert(p.edges), [2, 0, 1, 3, 4]) : null;
  const contract = semiring.contract;
  const step = contract
    ? (a: Tensor, e: Tensor) => reshape(contract(reshape(a, [S, B, 1, K]), e), [S, B, K]) // α_t as a row times edges_t
    : (a: Tensor, e: Tensor) => semiring.sum(semiring.times(reshape(a, [S, B, K, 1]), e), 1);
  return runChain(semiring, p, steps, step, checkpoints);
}

/**
 * A CRF's chain potentials before they are combined into edges: `transitions` [K, K] shared by
 * every step and `later` [B, n − 1, K], the emissions of positions 1 … n − 1.
 */
export interface FactoredPotentials {
  init: Tensor; // [B, K]
  transitions: Tensor; // [K, K]
  later: Tensor; // [B, n − 1, K]
  final: Tensor; // [B, K]
  lengths: readonly number[];
}

/**
 * `chainSum` of edges_t[i, j] = transitions[i, j] ⊗ later[t, j] without forming the edges: by
 * distributivity, α_{t+1}[j] = (⊕_i α_t[i] ⊗ transitions[i, j]) ⊗ later[t, j]. Each step reads a
 * [K] row instead of a [K, K] block, and no [B, n − 1, K, K] tensor (or its gradient) is made.
 * The same value as `chainSum` on `chainPotentials` up to rounding (the emission is added after
 * the ⊕ instead of inside it).
 */
export function factoredChainSum(semiring: Semiring, p: FactoredPotentials, checkpoints: Checkpoints = 'all'): Tensor {
  const [B, K] = p.init.shape as [number, number];
  const S = semiring.size;
  // Steps on the leading axis for scan: [n−1, S, B, K].
  const steps = p.later.shape[1]! > 0 ? transpose(semiring.convert(p.later), [2, 0, 1, 3]) : null;
  const contract = semiring.contract;
  let through: (a: Tensor) => Tensor;
  if (contract) {
    // α_t [S, B, K] is a [B, K] matrix: one product with the transitions for the whole batch.
    const T = semiring.convert(p.transitions); // [S, K, K]
    through = (a) => contract(a, T);
  } else {
    const T = reshape(semiring.convert(p.transitions), [S, 1, K, K]);
    through = (a) => semiring.sum(semiring.times(reshape(a, [S, B, K, 1]), T), 1);
  }
  return runChain(semiring, p, steps, (a, e) => semiring.times(through(a), e), checkpoints);
}

/**
 * The forward recursion shared by the chain-shaped models: α₀ = init [S, B, K]; α_{t+1} =
 * `step(α_t, xs[t])` over the steps [n − 1, …] (kept unchanged past each sequence's end);
 * result = ⊕_j α_last[j] ⊗ final[j], shape [B].
 */
export function runChain(
  semiring: Semiring, p: { init: Tensor; final: Tensor; lengths: readonly number[] }, steps: Tensor | null,
  step: (a: Tensor, x: Tensor) => Tensor, checkpoints: Checkpoints,
): Tensor {
  const B = p.init.shape[0]!;
  const alpha0 = semiring.convert(p.init); // [S, B, K]
  let alpha = alpha0;
  if (steps !== null) {
    const n = steps.shape[0]! + 1;
    // Per-step masks [n−1, 1, B, 1]; without padding (every sequence full length) none, so no where.
    const padded = p.lengths.some((len) => len < n);
    const live = tensor(
      Array.from({ length: (n - 1) * B }, (_, k) => (Math.floor(k / B) + 1 < p.lengths[k % B]! ? 1 : 0)),
      [n - 1, 1, B, 1],
    );
    alpha = scan(
      (a: Tensor, x: { e: Tensor; m?: Tensor }) => {
        const next = step(a, x.e);
        return x.m === undefined ? next : where(x.m, next, a);
      },
      alpha0,
      { xs: padded ? { e: steps, m: live } : { e: steps }, checkpoints },
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

/** The factored chain potentials of a CRF batch (see `factoredChainSum`). */
export function factoredPotentials(
  emissions: Tensor, transitions: Tensor, start: Tensor, end: Tensor, lengths: readonly number[],
): FactoredPotentials {
  const [B, n, K] = emissions.shape as [number, number, number];
  const first = reshape(slice(emissions, [0, 0, 0], [B, 1, K]), [B, K]);
  return {
    init: add(first, start),
    transitions,
    later: slice(emissions, [0, 1, 0], [B, n - 1, K]),
    final: broadcastTo(reshape(end, [1, K]), [B, K]),
    lengths,
  };
}
