/**
 * @file VariableOrderCRF (Vieira, Cotterell & Eisner, EMNLP 2016): potentials on a chosen set of tag
 * contexts of varying length; the forward algorithm runs over the prefix tree of the contexts
 * (an Aho–Corasick automaton), and its gradient — the expected context counts — costs a constant
 * times the forward pass, because it is backprop.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor, zeros } from '../tensor/create.js';
import { describe, literal } from '../tensor/describe.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { concat, reshape, slice, take, transpose } from '../ops/shape.js';
import type { Checkpoints } from '../transforms/scan.js';
import { runChain } from './chain.js';
import { entropy, log, type Semiring } from './semirings.js';
import type { ScoreForm } from './divergence.js';
import { TagModel, tagEmissions } from './tagModel.js';
import { checkpointsOption, optionsObject, scoresOfShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';

export interface VariableOrderCRFOptions {
  /** Emission scores [n, K], or a padded batch [B, n, K]. */
  emissions: Tensor;
  /** The contexts: tag strings (each an array of tags, length ≥ 1), all distinct. */
  contexts: ReadonlyArray<readonly number[]>;
  /** One score per context [C]: added each time the context ends at a position (as a suffix of the tags so far). */
  weights: Tensor;
  /** For a batch: each sequence's length (1 … n); default n for all. */
  lengths?: readonly number[] | undefined;
  checkpoints?: Checkpoints | undefined;
}

/** The automaton: states are the prefixes of contexts (every single tag included). */
interface Automaton {
  states: number[][];
  /** next[s][y]: the state after reading y in state s (the longest suffix of s·y that is a state). */
  next: number[][];
  /** matches[s][y]: the contexts that are suffixes of s·y (their scores are earned on that move). */
  matches: number[][][];
  /** initial[y]: the state after the first tag y, and the contexts matched there. */
  initialMatches: number[][];
}

function buildAutomaton(K: number, contexts: ReadonlyArray<readonly number[]>): Automaton {
  const key = (s: readonly number[]) => s.join(',');
  const ids = new Map<string, number>();
  const states: number[][] = [];
  const addState = (s: number[]) => {
    if (!ids.has(key(s))) { ids.set(key(s), states.length); states.push(s); }
  };
  for (let y = 0; y < K; y++) addState([y]);
  for (const c of contexts) for (let l = 1; l <= c.length; l++) addState(c.slice(0, l));
  const contextIds = new Map(contexts.map((c, i) => [key(c), i]));
  const suffixMatches = (s: readonly number[]) => {
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const id = contextIds.get(key(s.slice(i)));
      if (id !== undefined) out.push(id);
    }
    return out;
  };
  const longestStateSuffix = (s: readonly number[]) => {
    for (let i = 0; i < s.length; i++) {
      const id = ids.get(key(s.slice(i)));
      if (id !== undefined) return id;
    }
    throw new Error('internal: every single tag is a state');
  };
  const next = states.map((s) => Array.from({ length: K }, (_, y) => longestStateSuffix([...s, y])));
  const matches = states.map((s) => Array.from({ length: K }, (_, y) => suffixMatches([...s, y])));
  const initialMatches = Array.from({ length: K }, (_, y) => suffixMatches([y]));
  return { states, next, matches, initialMatches };
}

/** The contexts: distinct, non-empty arrays of integer tags in 0 … K − 1. */
function checkContexts(contexts: unknown, K: number, op: string): number[][] {
  const want = `an array of distinct, non-empty arrays of integer tags in 0 … ${K - 1}, e.g. contexts: [[0, 1], [1]]`;
  if (!Array.isArray(contexts)) throw new InvalidArgumentError(`${op}: contexts must be ${want}, got ${describe(contexts)}.`);
  const seen = new Set<string>();
  return contexts.map((c: unknown, i) => {
    const why = !Array.isArray(c) ? `is ${describe(c)}, not an array of tags`
      : c.length === 0 ? 'is empty'
        : c.some((y) => !Number.isInteger(y) || y < 0 || y >= K) ? `${literal(c)} has a tag that is not an integer in 0 … ${K - 1}`
          : seen.has(c.join(',')) ? `${literal(c)} repeats an earlier context` : null;
    if (why !== null) throw new InvalidArgumentError(`${op}: contexts[${i}] ${why}; pass ${want}.`);
    seen.add((c as number[]).join(','));
    return [...(c as number[])];
  });
}

/**
 * A CRF whose potentials sit on a chosen set of tag contexts of different lengths:
 * score(y) = Σ_t emissions[t, y_t] + Σ_t Σ_{c a context, c a suffix of y₀…y_t} weights[c].
 * With every (k+1)-gram as a context it is a k-th order chain; with a few long contexts where they
 * matter and short ones elsewhere it is much smaller. The forward algorithm runs over the
 * automaton of context prefixes (|states| ≤ total context length + K); marginals, expected context
 * counts and the Viterbi path are its gradients, at a constant times its cost.
 * @example
 * const crf = new ad.VariableOrderCRF({ emissions: ad.random.normal([5, 2], 1),
 *   contexts: [[0, 1], [1, 1, 0]], weights: ad.tensor([0.5, -1]) });
 * crf.marginals().contexts; // expected number of occurrences of each context
 */
export class VariableOrderCRF extends TagModel {
  readonly batched: boolean;
  readonly emissions: Tensor;
  readonly lengths: readonly number[];
  readonly weights: Tensor;
  readonly contexts: ReadonlyArray<readonly number[]>;
  readonly checkpoints: Checkpoints;
  private readonly auto: Automaton;

  protected readonly op = 'VariableOrderCRF';

  protected get parameters(): Tensor {
    return this.weights;
  }

  constructor(options: VariableOrderCRFOptions);
  constructor(options: VariableOrderCRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('VariableOrderCRF', 'VariableOrderCRF(options)', extra, options);
    super();
    const op = 'VariableOrderCRF';
    optionsObject(options, op, 'new ad.VariableOrderCRF({ emissions /* [n, K] */, contexts: [[0, 1], [1]], weights /* [2] */ })', ['emissions', 'contexts', 'weights', 'lengths', 'checkpoints']);
    ({ batched: this.batched, emissions: this.emissions, lengths: this.lengths } = tagEmissions(options.emissions, options.lengths, op));
    const K = this.emissions.shape[2]!;
    this.contexts = checkContexts(options.contexts, K, op);
    const C = this.contexts.length;
    this.weights = scoresOfShape(options.weights, [C], op, 'weights', { hint: `[C] = [${C}]`, why: ` (one score per context, ${C} contexts)` });
    this.auto = buildAutomaton(K, this.contexts);
    this.checkpoints = checkpointsOption(options.checkpoints, op);
  }

  /** Number of automaton states. */
  get stateCount(): number {
    return this.auto.states.length;
  }

  /**
   * Move scores from the context weights: moveScores[s·K + y] = Σ of the weights of the contexts
   * matched by reading y in state s; then laid out as a dense [S, S] matrix of log scores (−∞
   * where no tag leads from s to s′) and the initial scores per state.
   */
  private scores(weights: Tensor): { init: Tensor; moves: Tensor } {
    const { states, next, matches, initialMatches } = this.auto;
    const K = this.emissions.shape[2]!;
    const S = states.length, C = this.contexts.length;
    // Σ_{c ∈ list} weights[c] for each list, as a gather (lists padded with a slot holding 0) and a
    // sum. Not as a 0/1 incidence matrix times the weights: 0 · (−∞) = NaN would spread a forbidden
    // context (weight −∞) into every move that does not match it.
    const withZero = concat([weights, tensor([0])], 0);
    const matchedSum = (lists: number[][]) => {
      const width = Math.max(1, ...lists.map((l) => l.length));
      const index = new Int32Array(lists.length * width).fill(C);
      lists.forEach((l, r) => l.forEach((c, j) => (index[r * width + j] = c)));
      return sum(reshape(take(withZero, index), [lists.length, width]), 1);
    };
    const moveScores = matchedSum(matches.flat());
    const initScores = matchedSum(initialMatches);
    // Dense layout: entry (s, s′) reads moveScores[s·K + y] with y the last tag of s′, or −∞.
    const slot = new Int32Array(S * S).fill(S * K);
    for (let s = 0; s < S; s++) for (let y = 0; y < K; y++) slot[s * S + next[s]![y]!] = s * K + y;
    const padded = concat([moveScores, tensor([-Infinity])], 0);
    const moves = reshape(take(padded, slot), [S, S]);
    // Initial scores per state: state (y) gets initScores[y]; longer states are unreachable at t = 0.
    const firstIndex = states.map((s) => (s.length === 1 ? s[0]! : K));
    const init = take(concat([initScores, tensor([-Infinity])], 0), firstIndex);
    return { init, moves };
  }

  /** The emissions seen on entering each state: emissions[b, t, last tag of state], [B, n, S]. */
  private stateEmissions(E: Tensor): Tensor {
    return take(E, this.auto.states.map((s) => s[s.length - 1]!), 2);
  }

  /**
   * The forward algorithm over the automaton's states: α₀[s] = init[s] ⊗ e[0, s];
   * α_{t+1}[s′] = (⊕_s α_t[s] ⊗ moves[s, s′]) ⊗ e[t + 1, s′]; result = ⊕_s α_last[s].
   */
  protected chainSum(semiring: Semiring, E: Tensor, weights: Tensor): Tensor {
    const [B, n] = E.shape as [number, number, number];
    const S = this.auto.states.length, R = semiring.size;
    const { init, moves } = this.scores(weights);
    const e = this.stateEmissions(E); // [B, n, S]
    const first = add(reshape(init, [1, S]), reshape(slice(e, [0, 0, 0], [B, 1, S]), [B, S]));
    const steps = n > 1 ? transpose(semiring.convert(slice(e, [0, 1, 0], [B, n - 1, S])), [2, 0, 1, 3]) : null; // [n−1, R, B, S]
    const M = reshape(semiring.convert(moves), [R, 1, S, S]);
    const step = (a: Tensor, row: Tensor) => semiring.times(semiring.sum(semiring.times(reshape(a, [R, B, S, 1]), M), 1), row);
    return runChain(semiring, { init: first, final: zeros([B, S]), lengths: this.lengths }, steps, step, this.checkpoints);
  }

  /** `unary[t, k] = p(y_t = k)`; `contexts[c]` = the expected number of occurrences of context c (summed over a batch). */
  marginals(): { unary: Tensor; contexts: Tensor };
  marginals(...extra: unknown[]): { unary: Tensor; contexts: Tensor } {
    if (extra.length > 0) extraArguments('VariableOrderCRF.marginals', 'VariableOrderCRF.marginals()', extra);
    const [unary, contexts] = this.logZGradients();
    return { unary, contexts };
  }

  /** @internal */
  protected scoreForm(): ScoreForm {
    return {
      scores: [this.emissions, this.weights],
      logZ: ([e, w]) => this.chainSum(log, e!, w!),
      structure: `contexts ${JSON.stringify(this.contexts)}, lengths [${this.lengths.join(', ')}]`,
      entropy: ([e, w]) => this.chainSum(entropy, e!, w!),
      countFixed: ['item', null], // n emissions; the contexts matched vary
    };
  }

  /** score(y), differentiable: emissions plus every context occurrence. */
  protected scoreOf(tags: readonly number[], b: number): Tensor {
    const [, n, K] = this.emissions.shape as [number, number, number];
    const hits: number[] = [];
    this.contexts.forEach((c, i) => {
      for (let t = c.length - 1; t < tags.length; t++) if (c.every((y, j) => tags[t - c.length + 1 + j] === y)) hits.push(i);
    });
    let s = sum(take(reshape(this.emissions, [this.emissions.size]), tags.map((y, t) => (b * n + t) * K + y)));
    if (hits.length > 0) s = add(s, sum(take(this.weights, hits)));
    return s;
  }
}
