/** @file What every tagging model shares once it has a semiring sum and a score: batches with lengths, log Z, entropy, marginals, Viterbi, log p. */
import type { Tensor } from '../tensor/tensor.js';
import { stack } from '../ops/shape.js';
import { sum } from '../ops/reduce.js';
import { grad } from '../transforms/vjp.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { batchedScores, perItem, unbatch, usedPositions } from './batch.js';
import { forEachStructure, lengthsOption, semiringArg, tagSequence, unmapped, wrongShape } from './validate.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import type { Key } from '../random/key.js';
import type { TagsAndScore } from './results.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

/** The index of the largest of K values starting at `offset` (the first on ties). */
export function rowArgmax(data: Float64Array, offset: number, K: number): number {
  let arg = 0;
  for (let k = 1; k < K; k++) if (data[offset + k]! > data[offset + arg]!) arg = k;
  return arg;
}

/** One row of K labels per position read off a batch's 0/1 flow [B, n, K] (the argmax semiring's gradient): the labelled position of each of lengths[b] rows. */
export function rowsFromFlow(flow: Float64Array, lengths: readonly number[], n: number, K: number): number[][] {
  return lengths.map((len, b) => Array.from({ length: len }, (_, t) => rowArgmax(flow, (b * n + t) * K, K)));
}

/** Emissions [n, K] or a padded batch [B, n, K], and the lengths of a batch (1 … n each). */
export function tagEmissions(value: unknown, lengths: unknown, op: string): { batched: boolean; emissions: Tensor; lengths: readonly number[] } {
  const { batched, scores } = batchedScores(value, 2, op, 'emissions', '[n, K]');
  const [B, n, K] = scores.shape as [number, number, number];
  if (n < 1 || K < 1) throw wrongShape(op, 'emissions', '[n, K] with n ≥ 1 positions and K ≥ 1 tags', value as Tensor);
  const checked = lengthsOption(lengths, B, n, op);
  return { batched, emissions: usedPositions(scores, checked), lengths: checked };
}

/**
 * A distribution over tag sequences (emissions [B, n, K], sequence b of length lengths[b]) with one
 * more tensor of scores (`parameters`: transitions, context weights) shared by the batch.
 * Subclasses write the forward algorithm once (`chainSum`, against a semiring, → [B]) and the
 * score of one sequence; the rest follows from semirings and gradients. Results of a model made
 * from [n, K] emissions have no batch axis.
 */
export abstract class TagModel {
  abstract readonly batched: boolean;
  /** Always [B, n, K]. */
  abstract readonly emissions: Tensor;
  abstract readonly lengths: readonly number[];
  protected abstract readonly parameters: Tensor;
  /** The class name, as error messages name the op (`HigherOrderCRF.score`). */
  protected abstract readonly op: string;
  /** The semiring sum over tag sequences, [B], as a function of the scores (so it can be differentiated). */
  protected abstract chainSum(semiring: Semiring, emissions: Tensor, parameters: Tensor): Tensor;
  /** score(y) of the checked tag sequence of batch item b, differentiable. */
  protected abstract scoreOf(tags: readonly number[], b: number): Tensor;
  /** Every score tensor, log Z ([B]) as their function, and what else fixes the structures (for crossEntropy and kl). */
  /** @internal The score tensors and log Z as their function, for crossEntropy and kl. */
  protected abstract scoreForm(): ScoreForm;

  /** score(y), differentiable: `tags` are lengths[b] integers in 0 … K − 1 (one array per sequence for a batch). */
  score(tags: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  score(tags: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.score`, 'score(tags)', extra, tags);
    return this.scoreAs(tags, `${this.op}.score`);
  }

  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.sum`, 'sum(semiring)', extra, semiring);
    return unbatch(this.chainSum(semiringArg(semiring, `${this.op}.sum`), this.emissions, this.parameters), this.batched);
  }

  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.logPartition`, 'logPartition()', extra);
    return this.sum(log);
  }

  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.entropy`, 'entropy()', extra);
    return unbatch(entropyOf(this.scoreForm()), this.batched); // from scores moved near 0: accurate at any offset
  }

  /** log p(y) = score(y) − log Z (−∞ for a forbidden sequence, also when every sequence is). */
  logProbability(tags: readonly number[] | readonly (readonly number[])[] | Tensor): Tensor;
  logProbability(tags: readonly number[] | readonly (readonly number[])[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.logProbability`, 'logProbability(tags)', extra, tags);
    return logProbabilityOf(this.scoreAs(tags, `${this.op}.logProbability`), this.logPartition());
  }

  private scoreAs(tags: unknown, op: string): Tensor {
    return forEachStructure(tags, op, () => this.scoreOnce(tags, op));
  }

  private scoreOnce(tags: unknown, op: string): Tensor {
    const [B, n, K] = this.emissions.shape as [number, number, number];
    const items = perItem<readonly number[]>(tags, this.batched, B, op, 'tag sequence');
    const scores = items.map((ys, b) => this.scoreOf(tagSequence(ys, this.lengths[b]!, K, op, this.batched ? `tags[${b}]` : 'tags', n), b));
    return unbatch(stack(scores, 0), this.batched);
  }

  /** ∂ Σ log Z / ∂ (emissions, parameters): the unary marginals and the expected parameter counts (summed over the batch). */
  protected logZGradients(): [Tensor, Tensor] {
    const [unary, counts] = grad((e: Tensor, p: Tensor) => sum(this.chainSum(log, e, p)), [0, 1])(this.emissions, this.parameters) as [Tensor, Tensor];
    return [unbatch(unary, this.batched), counts];
  }

  /**
   * The Viterbi tags and their score (arrays for a batch), read off the argmax semiring's gradient
   * with respect to the emissions: the indicator of one best sequence (one 1 per position), the
   * first at every tie.
   */
  argmax(): TagsAndScore | TagsAndScore<number[][], number[]>;
  argmax(...extra: unknown[]): TagsAndScore | TagsAndScore<number[][], number[]> {
    if (extra.length > 0) extraArguments(`${this.op}.argmax`, 'argmax()', extra);
    unmapped(this, `${this.op}.argmax`);
    const [, n, K] = this.emissions.shape as [number, number, number];
    const { best, flow } = argmaxFlow((e: Tensor) => this.chainSum(argmaxSemiring, e, this.parameters), this.emissions);
    const tags = rowsFromFlow(flow, this.lengths, n, K);
    const score = Array.from(best.values);
    return this.batched ? { tags, score } : { tags: tags[0]!, score: score[0]! };
  }

  /**
   * The cross-entropy H(p, q) = log Z_q − E_p[score_q] in nats, p this model and q `other` (the
   * same kind, shapes, lengths and options); E_p[score_q] = Σ μ_p · θ_q is one forward-mode
   * derivative of log Z_p (divergence.ts). +∞ where p gives probability to a sequence q forbids, 0
   * where p has none. Differentiable in both (one per sequence for a batch).
   */
  crossEntropy(other: TagModel): Tensor;
  crossEntropy(other: TagModel, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.crossEntropy`, 'crossEntropy(other)', extra, other);
    return unbatch(crossEntropyOf(this.scoreForm(), this.sameKind(other), `${this.op}.crossEntropy`), this.batched);
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: TagModel): Tensor;
  kl(other: TagModel, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments(`${this.op}.kl`, 'kl(other)', extra, other);
    return unbatch(klOf(this.scoreForm(), this.sameKind(other), `${this.op}.kl`), this.batched);
  }

  /** `other`'s score form if it is a model of this one's class (HigherOrderCRF, VariableOrderCRF), else null. */
  private sameKind(other: TagModel): ScoreForm | null {
    return other instanceof (this.constructor as typeof TagModel) ? other.scoreForm() : null;
  }

  /**
   * The k best tag sequences and their scores, best first (`{ tags, score }`, arrays of k; per
   * sequence for a batch): the kmax semiring's k scores and the indicator of each as its gradient.
   * Sequences of score −∞ are left out; ties follow the forward algorithm's first alternatives, so
   * `topk(1)` is `argmax()`.
   */
  topk(k: number): TagsAndScore<number[][], number[]> | TagsAndScore<number[][][], number[][]>;
  topk(k: number, ...extra: unknown[]): TagsAndScore<number[][], number[]> | TagsAndScore<number[][][], number[][]> {
    if (extra.length > 0) extraArguments(`${this.op}.topk`, 'topk(k)', extra, k);
    unmapped(this, `${this.op}.topk`);
    const [, n, K] = this.emissions.shape as [number, number, number];
    const read = (flow: Float64Array, b: number) => Array.from({ length: this.lengths[b]! }, (_, t) => rowArgmax(flow, (b * n + t) * K, K));
    return kBestResult('tags', kBest(`${this.op}.topk`, k, (semiring, e) => this.chainSum(semiring, e, this.parameters), this.emissions, read), this.batched);
  }

  /**
   * `count` tag sequences drawn exactly from p(y) (an array of tag arrays; one per sequence for a
   * batch), by forward filtering and backward sampling through the sample semiring (sample.ts):
   * `key` is a key from `ad.random.key` or an integer seed, and the same key gives the same samples.
   */
  sample(count: number, key: Key | number): number[][] | number[][][];
  sample(count: number, key: Key | number, ...extra: unknown[]): number[][] | number[][][] {
    if (extra.length > 0) extraArguments(`${this.op}.sample`, 'sample(count, key)', extra, key);
    unmapped(this, `${this.op}.sample`);
    const [, n, K] = this.emissions.shape as [number, number, number];
    const read = (flow: Float64Array, b: number) => Array.from({ length: this.lengths[b]! }, (_, t) => rowArgmax(flow, (b * n + t) * K, K));
    const found = sampleStructures(count, key, `${this.op}.sample`, (semiring, e) => this.chainSum(semiring, e, this.parameters), this.emissions, read);
    return this.batched ? found : found[0]!;
  }
}
