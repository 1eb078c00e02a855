/**
 * @file Semirings for dynamic programs written once: log (marginals), max (best score), argmax
 * (one best structure, as a gradient), real (counts), entropy. After torch-struct (Rush 2020) and
 * Li & Eisner 2009 (expectation semirings).
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, equal, maximum, mul, sub } from '../ops/binary.js';
import { exp, log as logOf } from '../ops/unary.js';
import { cumsum, logsumexp, max, sum } from '../ops/reduce.js';
import { logMatmulOf } from '../ops/logMatmul.js';
import { reshape, slice, stack } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { full, zeros } from '../tensor/create.js';
import { kmax } from './kmax.js';
import { guardSemiring } from './semiringGuard.js';

/**
 * A commutative semiring over tensors. Elements carry a leading axis of `size` components (1 for
 * log, max and real; 2 for entropy), so one dynamic program serves all of them: it combines
 * elements with `times`, reduces alternatives with `sum` along an axis, and starts from `one`.
 */
export interface Semiring {
  readonly name: string;
  /** Components per element: the length of the leading axis of every element tensor. */
  readonly size: number;
  /** Log-potentials (scores) of shape s → elements of shape [size, ...s]. */
  convert(scores: Tensor): Tensor;
  /** A final element [size, ...s] → the quantity of interest, shape s. */
  unconvert(x: Tensor): Tensor;
  /** a ⊗ b, elementwise with broadcasting over the element axes. */
  times(a: Tensor, b: Tensor): Tensor;
  /** a ⊕ b, elementwise. */
  plus(a: Tensor, b: Tensor): Tensor;
  /** ⊕ over element axis `axis` (0-based among the element axes, negative from the end; the component axis is not counted). */
  sum(x: Tensor, axis: number): Tensor;
  /** The multiplicative identity with element shape `shape`. */
  one(shape: readonly number[]): Tensor;
  /**
   * Optional: ⊕_j a[…, i, j] ⊗ b[…, j, k], a matrix product in the semiring over the last two
   * element axes (the other axes, the component axis included, broadcast), equal to
   * sum(times(a[…, i, j, 1], b[…, 1, j, k]), j) to rounding without forming that tensor; with
   * `transA`, a is stored as a[…, j, i]. Only the log semiring has one (logMatmul); the others' ⊕
   * (ties, first maxima, k best, expectations) keeps the generic form, so callers fall back to it
   * where this is undefined.
   */
  contract?(a: Tensor, b: Tensor, transA?: boolean): Tensor;
}

const lead = (x: Tensor) => reshape(x, [1, ...x.shape]);
/** Component k of elements [size, ...s], shape s. */
const component = (x: Tensor, k: number) =>
  reshape(slice(x, [k, ...x.shape.slice(1).map(() => 0)], [1, ...x.shape.slice(1)]), x.shape.slice(1));
const first = (x: Tensor) => reshape(x, x.shape.slice(1));

/**
 * A semiring on the scores themselves (one component; ⊗ = +, one = 0) whose ⊕ along an axis is
 * `reduce`; a ⊕ b is the reduction of the pair unless a cheaper elementwise `plus` is given.
 */
function overScores(name: string, reduce: (x: Tensor, axis: number) => Tensor, plus?: (a: Tensor, b: Tensor) => Tensor): Semiring {
  return {
    name,
    size: 1,
    convert: lead,
    unconvert: first,
    times: add,
    plus: plus ?? ((a, b) => reduce(stack([a, b], 0), 0)),
    sum: (x, axis) => reduce(x, axis + 1),
    one: (shape) => zeros([1, ...shape]),
  };
}

/**
 * The log semiring (⊕ = logsumexp, ⊗ = +): the program computes log Z, and the gradient of log Z
 * with respect to each score is that part's marginal probability ("gradients give marginals").
 * Its ⊗-then-⊕ over a shared axis is logMatmul, one kernel on the real matmul (ops/logMatmul.ts).
 */
export const log: Semiring = { ...overScores('log', (x, axis) => logsumexp(x, axis)), contract: (a, b, transA = false) => logMatmulOf(a, b, transA) };

/**
 * The max (Viterbi) semiring (⊕ = max, ⊗ = +): the program computes the best score, and the
 * gradient of the best score with respect to each score is 1 on the best structure's parts and 0
 * elsewhere. Exact ties split the gradient equally among the tied alternatives (the documented
 * subgradient of `max`), so under ties the gradient is an average of best structures, and reading
 * a structure off it part by part can mix them; decode with `argmax` instead.
 */
export const maxSemiring: Semiring = overScores('max', (x, axis) => max(x, axis), maximum);

/**
 * ⊕ of the argmax semiring along `axis`: the value is max(x), and the whole cotangent goes to the
 * first maximal entry (the lowest index), a valid subgradient of max. With
 * hit = [x = max x] and first = hit ∧ [cumsum(hit) = 1], Σ where(first, x, 0) is max(x) exactly
 * (one entry plus zeros, −∞ included) and its gradient is the one-hot of that entry. The mask is
 * made of comparisons (no gradient), so the rule needs no new primitive and no value read.
 */
function firstMax(x: Tensor, axis: number): Tensor {
  // ⊕ over nothing is the semiring's zero, −∞ (as max's), not the empty sum's 0.
  if (x.shape[axis] === 0) return add(sum(x, axis), -Infinity);
  const hit = equal(x, max(stopGradient(x), axis, true));
  const firstHit = mul(hit, equal(cumsum(hit, axis), 1));
  return sum(where(firstHit, x, 0), axis);
}

/**
 * The argmax semiring: the max semiring's values, with a subgradient that picks one alternative
 * at every ⊕ (the first of the tied maxima). Locally the program is then the sum of the parts of
 * one structure — the one its choices trace back from the result — so the gradient of the best
 * score with respect to each score is that structure's count of the part: a 0/1 indicator of
 * exactly one best structure (per position, per span), even under ties. `argmax()` of every model
 * reads its structure off this gradient; the tie goes to the lowest index at each choice. When
 * every structure is forbidden the best score is −∞ and the structure is still one structure (the
 * one the choices trace, of score −∞, not necessarily the first in any order).
 */
export const argmaxSemiring: Semiring = overScores('argmax', firstMax);

/**
 * The real semiring (⊕ = +, ⊗ = ×) over weights exp(score): the program computes Z itself (which
 * may overflow; prefer `log`), and the gradient of Z with respect to each weight is the total
 * weight of the structures that use that part, Z · marginal / weight.
 */
export const real: Semiring = {
  name: 'real',
  size: 1,
  convert: (scores) => lead(exp(scores)),
  unconvert: first,
  times: mul,
  plus: add,
  sum: (x, axis) => sum(x, axis + 1),
  one: (shape) => reshape(add(zeros(shape), 1), [1, ...shape]),
};

/**
 * The entropy semiring (torch-struct's EntropySemiring, a log-space first-order expectation
 * semiring): an element is (log Z, H) of a distribution over partial structures; ⊗ adds both parts
 * (independent parts), and ⊕ of alternatives i with weights p_i = softmax(log Z_i) gives
 * (logsumexp log Z_i, Σ p_i (H_i − log p_i)). The program computes the entropy H of the
 * distribution over structures; its gradient is ∂H/∂score.
 */
export const entropy: Semiring = {
  name: 'entropy',
  size: 2,
  convert: (scores) => stack([scores, zeros(scores.shape)], 0),
  unconvert: (x) => component(x, 1),
  times: add,
  plus: (a, b) => entropy.sum(stack([a, b], 1), 0),
  sum: (x, axis) => {
    const logZ = component(x, 0);
    const h = component(x, 1);
    // p = softmax(log Z) as w / Σ w with w_i = exp(log Z_i − top), top the largest log Z_i (held
    // constant: nothing depends on it), and log p_i = log Z_i − top − log Σ w; as logsumexp's own
    // gradient (ops/reduce.ts softmaxWeights), not exp(log Z_i − logsumexp). Once |log Z| passes
    // about 1e16, top + log Σ w rounds to top, and k alternatives tied at the top each got p = 1:
    // the entropy lost their log k (0 instead of log 2 for two PCFG trees of the same rules tied at
    // scores of 1e300, whose marginals split evenly). Where every alternative is impossible (−∞),
    // p = 0 and its terms vanish.
    const top = stopGradient(max(logZ, axis, true));
    const dead = equal(top, -Infinity);
    const shifted = sub(logZ, where(dead, 0, top));
    const w = exp(shifted);
    const total = where(dead, 1, sum(w, axis, true));
    const logTotal = logOf(total);
    const part = add(top, logTotal);
    const logP = sub(shifted, logTotal);
    const p = div(w, total);
    const hSum = sum(mul(p, sub(h, where(equal(p, 0), 0, logP))), axis);
    return stack([reshape(part, hSum.shape), hSum], 0);
  },
  one: (shape) => zeros([2, ...shape]),
};

/**
 * The semiring's zero (⊕'s identity, "no structure") with element shape `shape`: the score −∞
 * converted, so (−∞) for log/max/argmax, 0 for real and (−∞, 0) for entropy.
 */
export function semiringZero(semiring: Semiring, shape: readonly number[]): Tensor {
  return semiring.convert(full(shape, -Infinity));
}

/**
 * The semirings, by name: `ad.semirings.log`, `.max`, `.argmax`, `.real`, `.entropy`, and
 * `.kmax(k)` (the k best scores; kmax.ts).
 */
export const semirings = {
  log: guardSemiring(log), max: guardSemiring(maxSemiring), argmax: guardSemiring(argmaxSemiring), real: guardSemiring(real), entropy: guardSemiring(entropy), kmax,
} as const;
