/** @file LinearChainCRF: log-partition, marginals, Viterbi, entropy, scoring and sampling, all from one forward algorithm. */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import type { Key } from '../random/key.js';
import type { TagsAndScore } from './results.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { concat, reshape, take, stack } from '../ops/shape.js';
import { grad } from '../transforms/vjp.js';
import type { Checkpoints } from '../transforms/scan.js';
import { chainPotentials, chainSum, factoredChainSum, factoredPotentials, type ChainPotentials } from './chain.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import {
  plainStructure,
  forEachStructure,
  checkpointsOption, lengthsOption, optionsObject, scoresOfShape, scoresTensor, semiringArg, tagSequence, unmapped, wrongShape,
} from './validate.js';
import { rowArgmax, rowsFromFlow } from './tagModel.js';
import { usedPositions } from './batch.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

export interface LinearChainCRFOptions {
  /** Emission scores [n, K], or a batch [B, n, K] (padded to the longest sequence). */
  emissions: Tensor;
  /** transitions[i][j] scores moving from tag i to tag j: [K, K]. */
  transitions: Tensor;
  /** Scores of the first tag [K] (default 0). */
  start?: Tensor | undefined;
  /** Scores of the last tag [K] (default 0). */
  end?: Tensor | undefined;
  /** For a batch: each sequence's length (1 … n); default n for all. */
  lengths?: readonly number[] | undefined;
  /** Checkpointing of the forward algorithm's loop (see ad.scan): bounds memory for long chains. */
  checkpoints?: Checkpoints | undefined;
}

/**
 * A linear-chain conditional random field over tag sequences y of length n with K tags:
 * score(y) = start[y₀] + Σ_t emissions[t, y_t] + Σ_t transitions[y_{t−1}, y_t] + end[y_{n−1}],
 * p(y) = exp(score(y) − log Z). Only the forward algorithm is written; everything else is a
 * semiring choice or a gradient of it: marginals are ∂ log Z / ∂ scores (forward–backward is
 * backprop), the Viterbi path is ∂ max-score / ∂ scores (in the argmax semiring, so that it is one
 * path under ties), the entropy is the entropy semiring.
 * Scores of −Infinity forbid tags or transitions and give exact zeros.
 *
 * Give emissions [n, K] for one sequence, or [B, n, K] with `lengths` for a batch: then every
 * result gains a leading batch axis (tags and scores become arrays).
 * @example
 * const crf = new ad.LinearChainCRF({ emissions: ad.random.normal([4, 3], 1), transitions: ad.random.normal([3, 3], 2) });
 * crf.logPartition();          // log Z, differentiable with respect to emissions and transitions
 * crf.marginals().unary;       // [4, 3]: p(y_t = k)
 * crf.argmax().tags;           // the Viterbi path
 */
export class LinearChainCRF {
  readonly batched: boolean;
  readonly emissions: Tensor; // always [B, n, K]
  readonly transitions: Tensor;
  readonly start: Tensor;
  readonly end: Tensor;
  readonly lengths: readonly number[];
  readonly checkpoints: Checkpoints;

  constructor(options: LinearChainCRFOptions);
  constructor(options: LinearChainCRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('LinearChainCRF', 'LinearChainCRF(options)', extra, options);
    const op = 'LinearChainCRF';
    optionsObject(options, op, 'new ad.LinearChainCRF({ emissions /* [n, K] */, transitions /* [K, K] */ })', ['emissions', 'transitions', 'start', 'end', 'lengths', 'checkpoints']);
    const e = scoresTensor(options.emissions, op, 'emissions', '[n, K] or [B, n, K]');
    if (e.ndim !== 2 && e.ndim !== 3) throw wrongShape(op, 'emissions', '[n, K] (one sequence) or [B, n, K] (a batch)', e);
    this.batched = e.ndim === 3;
    const emissions = this.batched ? e : reshape(e, [1, ...e.shape]);
    const [B, n, K] = emissions.shape as [number, number, number];
    if (n < 1 || K < 1) throw wrongShape(op, 'emissions', '[n, K] with n ≥ 1 positions and K ≥ 1 tags', e);
    const why = ` for emissions ${formatShape(e.shape)} (K = ${K} tags)`;
    this.transitions = scoresOfShape(options.transitions, [K, K], op, 'transitions', { hint: '[K, K]', why });
    this.start = scoresOfShape(options.start, [K], op, 'start', { hint: '[K]', why, optional: true });
    this.end = scoresOfShape(options.end, [K], op, 'end', { hint: '[K]', why, optional: true });
    this.lengths = lengthsOption(options.lengths, B, n, op);
    // Positions past a sequence's length are never read (batch.ts): NaN or +∞ there made marginals() NaN.
    this.emissions = usedPositions(emissions, this.lengths);
    this.checkpoints = checkpointsOption(options.checkpoints, op);
  }

  private potentials(): ChainPotentials {
    return chainPotentials(this.emissions, this.transitions, this.start, this.end, this.lengths);
  }

  private unbatch(t: Tensor): Tensor {
    return this.batched ? t : reshape(t, t.shape.slice(1));
  }

  /**
   * The semiring sum of the chain: log Z (log), best score (max), entropy (entropy), Z (real).
   * Computed without forming the [n − 1, K, K] edge potentials (chain.ts, `factoredChainSum`).
   */
  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.sum', 'LinearChainCRF.sum(semiring)', extra, semiring);
    semiringArg(semiring, 'LinearChainCRF.sum');
    const p = factoredPotentials(this.emissions, this.transitions, this.start, this.end, this.lengths);
    return this.unbatch(factoredChainSum(semiring, p, this.checkpoints));
  }

  /** log Z, differentiable (the training loss is logPartition() − score of the gold tags). */
  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.logPartition', 'LinearChainCRF.logPartition()', extra);
    return this.sum(log);
  }

  /** The entropy of p(y) in nats. */
  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.entropy', 'LinearChainCRF.entropy()', extra);
    return this.unbatch(entropyOf(this.scoreForm())); // from scores moved near 0: accurate at any offset
  }

  /**
   * Marginal probabilities, as the gradient of log Z with respect to the chain's potentials:
   * `unary[t, k] = p(y_t = k)` and `pairwise[t, i, j] = p(y_t = i, y_{t+1} = j)`. Positions past a
   * batch member's length are 0. Differentiable again (for expectations of expectations).
   */
  marginals(): { unary: Tensor; pairwise: Tensor };
  marginals(...extra: unknown[]): { unary: Tensor; pairwise: Tensor } {
    if (extra.length > 0) extraArguments('LinearChainCRF.marginals', 'LinearChainCRF.marginals()', extra);
    return this.gradientOf(log);
  }

  /**
   * The highest-scoring tag sequence (Viterbi) and its score (arrays for a batch). The tags are
   * read off the gradient of the argmax semiring's best score with respect to the emissions: the
   * indicator of exactly one best path per sequence (ties go to the lowest tag at each choice), so
   * the path is always valid and its score is the reported one.
   */
  argmax(): TagsAndScore | TagsAndScore<number[][], number[]>;
  argmax(...extra: unknown[]): TagsAndScore | TagsAndScore<number[][], number[]> {
    if (extra.length > 0) extraArguments('LinearChainCRF.argmax', 'LinearChainCRF.argmax()', extra);
    unmapped(this, 'LinearChainCRF.argmax');
    const [, n, K] = this.emissions.shape as [number, number, number];
    const viterbi = (e: Tensor) =>
      factoredChainSum(argmaxSemiring, factoredPotentials(e, this.transitions, this.start, this.end, this.lengths), this.checkpoints);
    const { best, flow } = argmaxFlow(viterbi, this.emissions); // flow: [B, n, K], 1 on each best path
    const paths = rowsFromFlow(flow, this.lengths, n, K);
    const scores = Array.from(best.values);
    return this.batched ? { tags: paths, score: scores } : { tags: paths[0]!, score: scores[0]! };
  }

  /**
   * The k highest-scoring tag sequences and their scores, best first: `{ tags: number[][], score:
   * number[] }` (one of each per sequence for a batch). The k best scores come from the kmax
   * semiring's forward algorithm, and the i-th sequence is read off the gradient of the i-th score
   * (its indicator). Only sequences of finite score are returned, so k above their number returns
   * all of them. Ties come in the argmax order extended: the lowest last tag first, then the lowest
   * tag before it, and so on; `topk(1)` is `argmax()`.
   */
  topk(k: number): TagsAndScore<number[][], number[]> | TagsAndScore<number[][][], number[][]>;
  topk(k: number, ...extra: unknown[]): TagsAndScore<number[][], number[]> | TagsAndScore<number[][][], number[][]> {
    if (extra.length > 0) extraArguments('LinearChainCRF.topk', 'LinearChainCRF.topk(k)', extra, k);
    unmapped(this, 'LinearChainCRF.topk');
    const [, n, K] = this.emissions.shape as [number, number, number];
    const sumOf = (semiring: Semiring, e: Tensor) =>
      factoredChainSum(semiring, factoredPotentials(e, this.transitions, this.start, this.end, this.lengths), this.checkpoints);
    const read = (flow: Float64Array, b: number) => Array.from({ length: this.lengths[b]! }, (_, t) => rowArgmax(flow, (b * n + t) * K, K));
    return kBestResult('tags', kBest('LinearChainCRF.topk', k, sumOf, this.emissions, read), this.batched);
  }


  /**
   * The cross-entropy H(p, q) = −Σ_y p(y) log q(y) in nats, p this model and q `other` (a model of
   * the same kind, shapes, lengths and options): log Z_q − E_p[score_q], where E_p[score_q] = Σ μ_p · θ_q
   * is one forward-mode derivative of log Z_p (divergence.ts). +∞ where p gives probability to a
   * structure q forbids; 0 where p has none. Differentiable in both models (one per item for a batch).
   */
  crossEntropy(other: LinearChainCRF): Tensor;
  crossEntropy(other: LinearChainCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.crossEntropy', 'LinearChainCRF.crossEntropy(other)', extra, other);
    return this.unbatch(crossEntropyOf(this.scoreForm(), other instanceof LinearChainCRF ? other.scoreForm() : null, 'LinearChainCRF.crossEntropy'));
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: LinearChainCRF): Tensor;
  kl(other: LinearChainCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.kl', 'LinearChainCRF.kl(other)', extra, other);
    return this.unbatch(klOf(this.scoreForm(), other instanceof LinearChainCRF ? other.scoreForm() : null, 'LinearChainCRF.kl'));
  }

  /** The score tensors and log Z as their function, for crossEntropy and kl. */
  private scoreForm(): ScoreForm {
    return {
      scores: [this.emissions, this.transitions, this.start, this.end],
      logZ: ([e, t, s, f]) => factoredChainSum(log, factoredPotentials(e!, t!, s!, f!, this.lengths), this.checkpoints),
      structure: `lengths [${this.lengths.join(', ')}]`,
      entropy: ([e, t, s, f]) => factoredChainSum(entropy, factoredPotentials(e!, t!, s!, f!, this.lengths), this.checkpoints),
      countFixed: ['item', 'shared', 'shared', 'shared'], // a sequence of length n: n emissions, n − 1 transitions, one start, one end
    };
  }

  /** score(y): the sum of the sequence's potentials, differentiable. `tags` per sequence for a batch. */
  score(tags: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  score(tags: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.score', 'LinearChainCRF.score(tags)', extra, tags);
    return this.scoreAs(tags, 'LinearChainCRF.score');
  }

  /** log p(y) = score(y) − log Z (−∞ for a forbidden sequence, also when every sequence is). */
  logProbability(tags: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  logProbability(tags: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('LinearChainCRF.logProbability', 'LinearChainCRF.logProbability(tags)', extra, tags);
    return logProbabilityOf(this.scoreAs(tags, 'LinearChainCRF.logProbability'), this.logPartition());
  }

  private scoreAs(given: readonly number[] | readonly (readonly number[])[] | Tensor, op: string): Tensor {
    return forEachStructure(given, op, () => this.scoreOnce(given, op));
  }

  private scoreOnce(given: readonly number[] | readonly (readonly number[])[] | Tensor, op: string): Tensor {
    const tags = plainStructure(given) as readonly number[] | readonly (readonly number[])[]; // a tensor of tags (pytorch-crf's) as arrays
    const [B, n, K] = this.emissions.shape as [number, number, number];
    if (this.batched && (!Array.isArray(tags) || tags.length !== B)) {
      const got = Array.isArray(tags) ? `${tags.length} sequences` : describe(tags);
      throw new InvalidArgumentError(`${op}: a batch of ${B} sequences needs one tag array per sequence, got ${got}; pass an array of ${B} arrays of tags.`);
    }
    const all = (this.batched ? tags : [tags]) as readonly (readonly number[])[];
    const flatE = reshape(this.emissions, [B * n * K]);
    const scores = all.map((sequence, b) => {
      const ys = tagSequence(sequence, this.lengths[b]!, K, op, this.batched ? `tags[${b}]` : 'tags', n);
      let s = sum(take(flatE, ys.map((y, t) => (b * n + t) * K + y)));
      s = add(s, sum(take(this.start, [ys[0]!])));
      s = add(s, sum(take(this.end, [ys[ys.length - 1]!])));
      if (ys.length > 1) s = add(s, sum(take(reshape(this.transitions, [K * K]), ys.slice(1).map((y, t) => ys[t]! * K + y))));
      return s;
    });
    return this.unbatch(stack(scores, 0));
  }

  /**
   * `count` tag sequences drawn exactly from p(y) (an array of `count` tag arrays; one such array per
   * sequence for a batch). `key` is a key from `ad.random.key` or an integer seed; the same key
   * gives the same samples. Forward filtering, backward sampling as backprop: one forward algorithm
   * in the sample semiring, then per sample a backward pass whose every ⊕ sends its cotangent to one
   * alternative drawn in proportion to its probability (sample.ts); the tags are read off that
   * gradient as `argmax` reads its. A −∞ tag or transition is never sampled. Not differentiable.
   */
  sample(count: number, key: Key | number): number[][] | number[][][];
  sample(count: number, key: Key | number, ...extra: unknown[]): number[][] | number[][][] {
    if (extra.length > 0) extraArguments('LinearChainCRF.sample', 'LinearChainCRF.sample(count, key)', extra, key);
    unmapped(this, 'LinearChainCRF.sample');
    const [, n, K] = this.emissions.shape as [number, number, number];
    const sumOf = (semiring: Semiring, e: Tensor) =>
      factoredChainSum(semiring, factoredPotentials(e, this.transitions, this.start, this.end, this.lengths), this.checkpoints);
    const read = (flow: Float64Array, b: number) => Array.from({ length: this.lengths[b]! }, (_, t) => rowArgmax(flow, (b * n + t) * K, K));
    const found = sampleStructures(count, key, 'LinearChainCRF.sample', sumOf, this.emissions, read);
    return this.batched ? found : found[0]!;
  }

  /** Gradients of a semiring's chain sum with respect to the potentials, as unary and pairwise parts. */
  private gradientOf(semiring: Semiring): { unary: Tensor; pairwise: Tensor } {
    const p = this.potentials();
    const [B, n, K] = this.emissions.shape as [number, number, number];
    const [gInit, gEdges] = grad(
      (init: Tensor, edges: Tensor) => sum(chainSum(semiring, { ...p, init, edges }, this.checkpoints)),
      [0, 1],
    )(p.init, p.edges) as [Tensor, Tensor];
    // unary[t] = Σ_i pairwise[t−1, i, :] for t ≥ 1; unary[0] = ∂/∂init.
    const later = n > 1 ? sum(gEdges, 2) : zeros([B, 0, K]);
    const unary = stackUnary(gInit, later, B, n, K);
    return { unary: this.unbatch(unary), pairwise: this.unbatch(gEdges) };
  }
}

/** unary [B, n, K] from the first position's marginals and the later positions'. */
function stackUnary(first: Tensor, later: Tensor, B: number, n: number, K: number): Tensor {
  const head = reshape(first, [B, 1, K]);
  return n === 1 ? head : concat([head, later], 1);
}
