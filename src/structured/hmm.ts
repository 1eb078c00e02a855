/**
 * @file HMM (Rabiner 1989): a hidden Markov model with discrete observations, in log space. Given
 * the observations, the hidden states form a linear-chain CRF, so the forward algorithm is the
 * chain's, posteriors are gradients, Viterbi is the argmax semiring, and the E-step of EM is the
 * gradient of the log-likelihood with respect to the log-parameters (the expected counts).
 */
import { toKey, type Key } from '../random/key.js';
import type { StatesAndScore } from './results.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { equal, sub } from '../ops/binary.js';
import { log as logOf } from '../ops/unary.js';
import { logsumexp, sum } from '../ops/reduce.js';
import { reshape, take, transpose } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { grad } from '../transforms/vjp.js';
import { everyExample } from '../transforms/vmap.js';
import { LinearChainCRF } from './linearChain.js';
import { topkCount } from './kbest.js';
import { forEachStructure, optionsObject, plainStructure, sampleCount, scoresOfShape, scoresTensor, tagSequence, unmapped, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';

export interface HMMOptions {
  /** log p(z₀ = k): [K]. */
  initial: Tensor;
  /** transition[i, j] = log p(z_{t+1} = j | z_t = i): [K, K]. */
  transition: Tensor;
  /** emission[k, v] = log p(x_t = v | z_t = k): [K, V]. */
  emission: Tensor;
}

/** An HMM's observations: one sequence of symbols, or a batch of them (of any lengths). */
export type Observations = readonly number[] | readonly (readonly number[])[] | Tensor;

/**
 * A hidden Markov model with K states and V observation symbols, parameters as log-probabilities
 * (normalised: use `ad.logSoftmax` of free parameters to learn them by gradient). Observations are
 * an array of symbols, or an array of such arrays (a batch of sequences of any lengths): results
 * then gain a leading batch axis.
 * @example
 * const hmm = new ad.HMM({
 *   initial: ad.log(ad.tensor([0.6, 0.4])),
 *   transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])),
 *   emission: ad.log(ad.tensor([[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]])),
 * });
 * hmm.logLikelihood([0, 1, 2]);           // log p(x), the forward algorithm
 * hmm.posterior([0, 1, 2]).marginals();   // p(z_t = k | x) and p(z_t, z_{t+1} | x)
 * hmm.viterbi([0, 1, 2]).states;          // the most probable state sequence
 * hmm.emStep([[0, 1, 2], [2, 2]]);        // one Baum–Welch step, from gradients
 */
export class HMM {
  readonly initial: Tensor;
  readonly transition: Tensor;
  readonly emission: Tensor;

  constructor(options: HMMOptions);
  constructor(options: HMMOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('HMM', 'HMM(options)', extra, options);
    const op = 'HMM';
    optionsObject(options, op, 'new ad.HMM({ initial /* [K] */, transition /* [K, K] */, emission /* [K, V] */ })', ['initial', 'transition', 'emission']);
    this.emission = scoresTensor(options.emission, op, 'emission', '[K, V]');
    const [K, V] = this.emission.shape as [number, number];
    if (this.emission.ndim !== 2 || K < 1 || V < 1) throw wrongShape(op, 'emission', '[K, V] with K ≥ 1 states and V ≥ 1 symbols', this.emission);
    const why = ` for emission [${K}, ${V}] (K = ${K} states)`;
    this.initial = scoresOfShape(options.initial, [K], op, 'initial', { hint: '[K]', why });
    this.transition = scoresOfShape(options.transition, [K, K], op, 'transition', { hint: '[K, K]', why });
    for (const name of ['initial', 'transition', 'emission'] as const) normalised(this[name], op, name);
  }

  /** The distribution of the hidden states given the observations, a LinearChainCRF (batched for a batch). */
  posterior(observations: Observations): LinearChainCRF;
  posterior(observations: Observations, ...extra: unknown[]): LinearChainCRF {
    if (extra.length > 0) extraArguments('HMM.posterior', 'HMM.posterior(observations)', extra, observations);
    return this.chainOf(observations, 'HMM.posterior');
  }

  private chainOf(observations: Observations, op: string): LinearChainCRF {
    const [K, V] = this.emission.shape as [number, number];
    const { rows, batched } = checkObservations(observations, V, op);
    const n = Math.max(...rows.map((r) => r.length));
    const symbols = rows.flatMap((r) => Array.from({ length: n }, (_, t) => r[t] ?? 0));
    const emissions = reshape(take(transpose(this.emission), symbols, 0), [rows.length, n, K]);
    return new LinearChainCRF({
      emissions: batched ? emissions : reshape(emissions, [n, K]),
      transitions: this.transition, start: this.initial, lengths: batched ? rows.map((r) => r.length) : undefined,
    });
  }

  /** log p(x) by the forward algorithm (one per sequence for a batch), differentiable in the parameters. */
  logLikelihood(observations: Observations): Tensor;
  logLikelihood(observations: Observations, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('HMM.logLikelihood', 'HMM.logLikelihood(observations)', extra, observations);
    return forEachStructure(observations, 'HMM.logLikelihood', () => this.chainOf(observations, 'HMM.logLikelihood').logPartition());
  }

  /** The most probable state sequence (Viterbi, through the argmax semiring) and log p(x, z). */
  viterbi(observations: readonly number[]): StatesAndScore;
  viterbi(observations: readonly (readonly number[])[]): StatesAndScore<number[][], number[]>;
  viterbi(observations: Observations): StatesAndScore | StatesAndScore<number[][], number[]>;
  viterbi(observations: Observations, ...extra: unknown[]): StatesAndScore | StatesAndScore<number[][], number[]> {
    if (extra.length > 0) extraArguments('HMM.viterbi', 'HMM.viterbi(observations)', extra, observations);
    unmapped(this, 'HMM.viterbi');
    const { tags, score } = this.chainOf(observations, 'HMM.viterbi').argmax();
    return { states: tags, score } as StatesAndScore | StatesAndScore<number[][], number[]>;
  }

  /** The k most probable state sequences and their log p(x, z), best first (`{ states, score }`; per sequence for a batch), as the posterior chain's `topk`. */
  topk(observations: readonly number[], k: number): StatesAndScore<number[][], number[]>;
  topk(observations: readonly (readonly number[])[], k: number): StatesAndScore<number[][][], number[][]>;
  topk(observations: Observations, k: number): StatesAndScore<number[][], number[]> | StatesAndScore<number[][][], number[][]>;
  topk(observations: Observations, k: number, ...extra: unknown[]): StatesAndScore<number[][], number[]> | StatesAndScore<number[][][], number[][]> {
    if (extra.length > 0) extraArguments('HMM.topk', 'HMM.topk(observations, k)', extra, k);
    unmapped(this, 'HMM.topk');
    const { tags, score } = this.chainOf(observations, 'HMM.topk').topk(topkCount(k, 'HMM.topk'));
    return { states: tags, score } as StatesAndScore<number[][], number[]> | StatesAndScore<number[][][], number[][]>;
  }

  /**
   * `count` state sequences drawn exactly from the posterior p(z | x) (an array of state arrays;
   * one per sequence for a batch), as the posterior chain's `sample`; `key` is a key from
   * `ad.random.key` or an integer seed (same key, same samples).
   */
  sample(observations: readonly number[], count: number, key: Key | number): number[][];
  sample(observations: readonly (readonly number[])[], count: number, key: Key | number): number[][][];
  sample(observations: Observations, count: number, key: Key | number): number[][] | number[][][];
  sample(observations: Observations, count: number, key: Key | number, ...extra: unknown[]): number[][] | number[][][] {
    if (extra.length > 0) extraArguments('HMM.sample', 'HMM.sample(observations, count, key)', extra, key);
    unmapped(this, 'HMM.sample');
    const chain = this.chainOf(observations, 'HMM.sample');
    sampleCount(count, 'HMM.sample');
    toKey(key, 'HMM.sample');
    return chain.sample(count, key);
  }

  /** log p(x, z) of a state sequence (one per sequence for a batch). */
  logJoint(given: readonly number[] | readonly (readonly number[])[] | Tensor, observations: Observations): Tensor;
  logJoint(given: readonly number[] | readonly (readonly number[])[] | Tensor, observations: Observations, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('HMM.logJoint', 'HMM.logJoint(given, observations)', extra, observations);
    const op = 'HMM.logJoint';
    return forEachStructure(given, op, () => forEachStructure(observations, op, () => this.logJointOnce(given, observations)));
  }

  private logJointOnce(given: readonly number[] | readonly (readonly number[])[] | Tensor, observations: Observations): Tensor {
    const states = plainStructure(given) as readonly number[] | readonly (readonly number[])[];
    const op = 'HMM.logJoint', chain = this.chainOf(observations, op), K = this.emission.shape[0]!, B = chain.lengths.length;
    // The states checked here, so that the errors name HMM.logJoint rather than the chain's score.
    if (!chain.batched) tagSequence(states, chain.lengths[0]!, K, op, 'states');
    else if (!Array.isArray(states) || states.length !== B) {
      throw new InvalidArgumentError(`${op}: a batch of ${B} sequences needs one state array per sequence, got ${describe(states)}; pass an array of ${B} arrays of states.`);
    } else chain.lengths.forEach((n, b) => tagSequence(states[b], n, K, op, `states[${b}]`));
    return chain.score(states);
  }

  /**
   * The E-step: expected counts summed over the sequences, as the gradient of Σ log p(x) with
   * respect to the log-parameters (treated as free): `initial[k]` = E[z₀ = k], `transition[i, j]` =
   * E[#(i → j)], `emission[k, v]` = E[#(state k emits v)].
   */
  expectedCounts(observations: Observations): { initial: Tensor; transition: Tensor; emission: Tensor };
  expectedCounts(observations: Observations, ...extra: unknown[]): { initial: Tensor; transition: Tensor; emission: Tensor } {
    if (extra.length > 0) extraArguments('HMM.expectedCounts', 'HMM.expectedCounts(observations)', extra, observations);
    checkObservations(observations, this.emission.shape[1]!, 'HMM.expectedCounts');
    const total = (i: Tensor, t: Tensor, e: Tensor) => sum(new HMM({ initial: i, transition: t, emission: e }).logLikelihood(observations));
    const [initial, transition, emission] = grad(total, [0, 1, 2])(this.initial, this.transition, this.emission) as Tensor[];
    return { initial: initial!, transition: transition!, emission: emission! };
  }

  /**
   * One EM (Baum–Welch) step: the M-step normalises the expected counts of `expectedCounts`
   * (a row with no expected count keeps its old probabilities). The log-likelihood never decreases.
   */
  emStep(observations: Observations): HMM;
  emStep(observations: Observations, ...extra: unknown[]): HMM {
    if (extra.length > 0) extraArguments('HMM.emStep', 'HMM.emStep(observations)', extra, observations);
    checkObservations(observations, this.emission.shape[1]!, 'HMM.emStep');
    const counts = this.expectedCounts(observations);
    const normalise = (c: Tensor, old: Tensor, axis: number) => {
      const total = sum(c, axis, true);
      return where(equal(total, 0), old, sub(logOf(c), logOf(total)));
    };
    return new HMM({
      initial: normalise(counts.initial, this.initial, 0),
      transition: normalise(counts.transition, this.transition, 1),
      emission: normalise(counts.emission, this.emission, 1),
    });
  }
}

/** Each row (the last axis) of a log-probability tensor must sum to 1 within 1e-6. */
function normalised(t: Tensor, op: string, name: string): void {
  // Under vmap the totals of every example are checked (a box's own values cannot be read).
  const totals = everyExample(stopGradient(logsumexp(t, -1)), `${op}'s check that ${name} is normalised`);
  const bad = totals.findIndex((z) => !(Math.abs(Math.expm1(z)) <= 1e-6));
  if (bad >= 0) {
    const rows = Math.max(1, t.size / t.shape[t.ndim - 1]!); // one example's rows
    const at = totals.length > rows ? `row ${bad % rows} of example ${Math.floor(bad / rows)} (under vmap)` : `row ${bad}`;
    throw new InvalidArgumentError(
      `${op}: ${name} must hold log-probabilities whose rows sum to 1 (in probability), but ${at} sums to ${Math.exp(totals[bad]!)}; pass ad.log(probabilities) or ad.logSoftmax(parameters, -1).`,
    );
  }
}

/** Observations as rows of integer symbols in 0 … V − 1 (each non-empty); batched when given an array of arrays. */
function checkObservations(given: unknown, V: number, op: string): { rows: number[][]; batched: boolean } {
  const observations = plainStructure(given); // a tensor of symbols as arrays
  const want = `an array of symbols in 0 … ${V - 1}, or an array of such arrays (a batch); each non-empty`;
  if (!Array.isArray(observations) || observations.length === 0) throw new InvalidArgumentError(`${op}: observations must be ${want}, got ${describe(observations)}.`);
  const batched = Array.isArray(observations[0]);
  const rows = (batched ? observations : [observations]) as unknown[];
  rows.forEach((r, b) => {
    const which = batched ? `observations[${b}]` : 'observations';
    if (!Array.isArray(r) || r.length === 0) throw new InvalidArgumentError(`${op}: ${which} is ${describe(r)}; pass ${want}.`);
    const t = r.findIndex((x) => !Number.isInteger(x) || x < 0 || x >= V);
    if (t >= 0) throw new InvalidArgumentError(`${op}: ${which}[${t}] is ${typeof r[t] === 'number' ? r[t] : describe(r[t])}, not a symbol in 0 … ${V - 1}; pass ${want}.`);
  });
  return { rows: rows as number[][], batched };
}
