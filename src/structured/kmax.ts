/**
 * @file The k-max semiring (torch-struct's KMaxSemiring): each element holds the k best scores of
 * the partial structures it stands for, best first, so a dynamic program computes the k best
 * structure scores; the gradient of the i-th of them is the 0/1 indicator of the i-th best structure.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { full } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { concat, reshape, stack, take, transpose } from '../ops/shape.js';
import { topk } from '../ops/sort.js';
import type { Semiring } from './semirings.js';
import { extraArguments } from '../core/extraArguments.js';
import { guardSemiring } from './semiringGuard.js';

/**
 * The pairs (i, j) of ranks, i major, that can be among the k best sums a_i + b_j of two lists
 * sorted best first: those with (i + 1)(j + 1) ≤ k, O(k log k) of them instead of k². Any other
 * pair is matched or beaten by the (i + 1)(j + 1) > k pairs (i′ ≤ i, j′ ≤ j), all of which come
 * before it in i-major order, so with ties kept in that order it is never among the first k.
 */
/**
 * The largest k: its candidate pairs (about k·ln k, below) are 14.5 million at 2^20, and every ⊗
 * forms that many candidates per element; a larger list cannot be built (2^31 crashed the process
 * growing the pair list).
 */
const MAX_K = 2 ** 20;

function candidatePairs(k: number): { i: number[]; j: number[] } {
  const i: number[] = [], j: number[] = [];
  for (let r = 0; r < k; r++) for (let c = 0; (r + 1) * (c + 1) <= k; c++) { i.push(r); j.push(c); }
  return { i, j };
}

/** The k best of `candidates` [m, ...s] along axis 0 (m ≥ k), best first; ties keep their order along the axis. */
const best = (candidates: Tensor, k: number) => topk(candidates, k, 0).values;

/**
 * The k-max semiring over scores: an element is a list of k scores sorted best first (−∞ filling
 * the list when fewer partial structures exist), on the leading component axis (`size` = k).
 *   a ⊗ b = the k best of { a_i + b_j } (every pair of a partial structure from each side),
 *   a ⊕ b = the k best of a ∪ b,   one = (0, −∞, …, −∞),   zero = (−∞, …, −∞).
 * The program's result is the k best structure scores; `unconvert` puts them on the last axis
 * ([...s, k]), so a model's `sum(kmax(k))` is [k] for one structure and [B, k] for a batch.
 *
 * Every selection is a `topk`, a gather whose gradient goes to the one chosen entry, so the i-th
 * result is locally the sum of the parts of one structure and its gradient with respect to the
 * scores is that structure's indicator (the models' `topk(k)` reads structures off it). The k
 * results come from k distinct structures, because each list entry is a distinct partial
 * structure: ⊗ pairs distinct entries, ⊕ concatenates distinct alternatives.
 *
 * Ties: `topk` is stable and the candidates are laid out alternative-major (⊕: the lower index
 * along the summed axis first, then the better rank in its list; ⊗: the left operand's rank first,
 * then the right's; pairs that cannot be among the k best are not formed). So kmax(1) makes the argmax semiring's choices, and for a chain the tied
 * sequences come in the argmax order extended: the lowest last tag first, then the lowest tag
 * before it, and so on. Cost: O(k log k) candidates per ⊗ and k per alternative per ⊕.
 * @example
 * const crf = new ad.LinearChainCRF({ emissions: ad.tensor([[1, 0], [0, 2]]), transitions: ad.zeros([2, 2]) });
 * crf.sum(ad.semirings.kmax(3)).toArray();   // => [3, 2, 1]
 */
export function kmax(k: number): Semiring;
export function kmax(k: number, ...extra: unknown[]): Semiring {
  if (extra.length > 0) extraArguments('semirings.kmax', 'semirings.kmax(k)', extra, k);
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new InvalidArgumentError(
      `semirings.kmax: k must be an integer ≥ 1 and at most ${MAX_K.toLocaleString('en-US')} (how many best structures to keep), got ${describe(k)}; pass e.g. kmax(3).`,
    );
  }
  const pairs = candidatePairs(k);
  const convert = (scores: Tensor) => {
    const lead = reshape(scores, [1, ...scores.shape]);
    return k === 1 ? lead : concat([lead, full([k - 1, ...scores.shape], -Infinity)], 0);
  };
  const semiring: Semiring = {
    name: `kmax(${k})`,
    size: k,
    convert,
    unconvert: (x) => transpose(x, [...x.shape.slice(1).map((_, i) => i + 1), 0]),
    times: (a, b) => {
      // Align the element ranks, then the candidate pairs (i, j) on one axis, i major.
      const rank = Math.max(a.ndim, b.ndim) - 1;
      const left = reshape(a, [k, ...new Array<number>(rank - a.ndim + 1).fill(1), ...a.shape.slice(1)]);
      const right = reshape(b, [k, ...new Array<number>(rank - b.ndim + 1).fill(1), ...b.shape.slice(1)]);
      return best(add(take(left, pairs.i, 0), take(right, pairs.j, 0)), k);
    },
    plus: (a, b) => semiring.sum(stack([a, b], 1), 0),
    sum: (x, axis) => {
      // [alternatives, k, ...rest]: the candidates along one axis, alternative major.
      const ax = axis + 1;
      const rest = x.shape.map((_, i) => i).filter((i) => i !== 0 && i !== ax);
      const moved = transpose(x, [ax, 0, ...rest]);
      return best(reshape(moved, [moved.shape[0]! * k, ...moved.shape.slice(2)]), k);
    },
    one: (shape) => convert(full(shape, 0)),
  };
  return guardSemiring(semiring);
}
