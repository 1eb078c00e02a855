/**
 * @file TreeCRF (torch-struct's `TreeCRF`, a span-based constituency parser after Stern, Andreas &
 * Klein 2017): log Z, span marginals, the best tree, the k best, samples, entropy, cross-entropy
 * and KL, all from one inside algorithm (spanInside.ts) run in different semirings.
 */
import type { Tensor } from '../tensor/tensor.js';
import { sum } from '../ops/reduce.js';
import { reshape, stack, take } from '../ops/shape.js';
import { grad } from '../transforms/vjp.js';
import { spanInside } from './spanInside.js';
import { treeParts, type ParseTree } from './parseTree.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { batchedScores, perItem, unbatch } from './batch.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import type { Key } from '../random/key.js';
import type { TreeAndScore } from './results.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { lengthsOption, optionsObject, semiringArg, unmapped, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

export interface TreeCRFOptions {
  /**
   * spans[i, j, A]: score of the span of words i … j (both inclusive) labelled A, [n, n, NT], or a
   * padded batch [B, n, n, NT] (torch-struct's `log_potentials`). The diagonal i = j scores the
   * single words; entries with j < i, or past a sentence's length, are never used.
   */
  spans: Tensor;
  /** For a batch: each sentence's length in words (1 … n); default n for all. */
  lengths?: readonly number[] | undefined;
}

/**
 * A span-based tree CRF (torch-struct's `TreeCRF`): a distribution over the binary bracketings of
 * a sentence of n words with a label on every span. A tree has 2n − 1 spans — the n single words,
 * the whole sentence and the n − 2 spans in between — and its score is the sum of its labelled
 * spans' scores, score(t) = Σ_{(i, j, A) ∈ t} spans[i, j, A] (j inclusive), p(t) = exp(score(t) − log Z).
 * Unlike `PCFG` there are no rules: a span's label interacts with nothing, so the labels are summed
 * out span by span. Only the inside algorithm is written (CKY by span width, against a semiring);
 * marginals are ∂ log Z / ∂ spans, the best tree is the argmax semiring's gradient. Trees are
 * `ParseTree`s as PCFG's: `{ label, start, end, children? }` with `end` exclusive, so node
 * (start, end) is scored by spans[start, end − 1, label]. Scores of −Infinity forbid labelled spans
 * and give exact zeros. Spans [B, n, n, NT] with `lengths` make a batch: results gain a leading
 * batch axis (trees and scores become arrays).
 * @example
 * const crf = new ad.TreeCRF({ spans: ad.random.normal([5, 5, 3], 1) });
 * crf.logPartition();     // log Z, differentiable with respect to the span scores
 * crf.marginals();        // [5, 5, 3]: p(words i … j form a span labelled A)
 * crf.argmax().tree;      // { label, start: 0, end: 5, children: [left, right] }
 */
export class TreeCRF {
  readonly batched: boolean;
  readonly spans: Tensor; // always [B, n, n, NT]
  readonly lengths: readonly number[];
  /** Padded sentence length n and label count NT. */
  readonly n: number;
  readonly NT: number;

  constructor(options: TreeCRFOptions);
  constructor(options: TreeCRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('TreeCRF', 'TreeCRF(options)', extra, options);
    const op = 'TreeCRF';
    optionsObject(options, op, 'new ad.TreeCRF({ spans /* [n, n, NT] */ })', ['spans', 'lengths']);
    const given = batchedScores(options.spans, 3, op, 'spans', '[n, n, NT]');
    this.batched = given.batched;
    this.spans = given.scores;
    const [B, n, n2, NT] = this.spans.shape as [number, number, number, number];
    if (n < 1 || n2 !== n || NT < 1) {
      throw wrongShape(op, 'spans', '[n, n, NT] (square in the two word axes: spans[i, j, A] scores words i … j labelled A) with n ≥ 1 words and NT ≥ 1 labels', options.spans as Tensor);
    }
    [this.n, this.NT] = [n, NT];
    this.lengths = lengthsOption(options.lengths, B, n, op);
  }

  /** The semiring sum over labelled trees: log Z (log), best score (max), entropy (entropy), Z (real); [B] for a batch. */
  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.sum', 'TreeCRF.sum(semiring)', extra, semiring);
    return unbatch(spanInside(semiringArg(semiring, 'TreeCRF.sum'), this.spans, this.lengths), this.batched);
  }

  /** log Z, differentiable (the training loss is logPartition() − score(gold tree)). */
  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.logPartition', 'TreeCRF.logPartition()', extra);
    return this.sum(log);
  }

  /** The entropy of p(t) in nats, differentiable. */
  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.entropy', 'TreeCRF.entropy()', extra);
    return unbatch(entropyOf(this.scoreForm()), this.batched); // from scores moved near 0: accurate at any offset
  }

  /**
   * The span marginals ∂ log Z / ∂ spans, shaped as the spans ([n, n, NT], or [B, n, n, NT]):
   * entry [i, j, A] is p(the tree has words i … j as a span labelled A), 0 where j < i or past the
   * sentence. The single words' entries sum to 1 over labels, as the whole sentence's; all of a
   * sentence's entries sum to 2n − 1. Differentiable again.
   */
  marginals(): Tensor;
  marginals(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.marginals', 'TreeCRF.marginals()', extra);
    const m = grad((s: Tensor) => sum(spanInside(log, s, this.lengths)))(this.spans) as Tensor;
    return unbatch(m, this.batched);
  }

  /**
   * The highest-scoring tree and its score (arrays for a batch), read off the gradient of the
   * argmax semiring's best score with respect to the span scores: the indicator of the labelled
   * spans of exactly one best tree, so the tree is always valid and its score is the reported one.
   * Ties go to the inside algorithm's first alternatives: at every span the lowest label, and the
   * leftmost split. When no tree has a finite score, the score is −Infinity and the tree is one of them.
   */
  argmax(): TreeAndScore | TreeAndScore<ParseTree[], number[]>;
  argmax(...extra: unknown[]): TreeAndScore | TreeAndScore<ParseTree[], number[]> {
    if (extra.length > 0) extraArguments('TreeCRF.argmax', 'TreeCRF.argmax()', extra);
    unmapped(this, 'TreeCRF.argmax');
    const { best, flow } = argmaxFlow((s: Tensor) => spanInside(argmaxSemiring, s, this.lengths), this.spans);
    const trees = this.lengths.map((_, b) => this.treeFromFlow(flow, b));
    const scores = Array.from(best.values);
    return this.batched ? { tree: trees, score: scores } : { tree: trees[0]!, score: scores[0]! };
  }

  /**
   * The k best trees and their scores, best first (`{ tree, score }`, arrays of k; per sentence for
   * a batch), from the kmax semiring's inside algorithm: the i-th score's gradient with respect to
   * the span scores is the indicator of the i-th best tree's labelled spans. Trees of score −∞ are
   * left out; ties follow the inside algorithm's first alternatives (`topk(1)` is `argmax()`).
   */
  topk(k: number): TreeAndScore<ParseTree[], number[]> | TreeAndScore<ParseTree[][], number[][]>;
  topk(k: number, ...extra: unknown[]): TreeAndScore<ParseTree[], number[]> | TreeAndScore<ParseTree[][], number[][]> {
    if (extra.length > 0) extraArguments('TreeCRF.topk', 'TreeCRF.topk(k)', extra, k);
    unmapped(this, 'TreeCRF.topk');
    const found = kBest('TreeCRF.topk', k, (semiring, s) => spanInside(semiring, s, this.lengths), this.spans, (flow, b) => this.treeFromFlow(flow, b));
    return kBestResult('tree', found, this.batched);
  }

  /**
   * `count` trees drawn exactly from p (an array of trees, as `topk`'s; one per sentence for a
   * batch), by sampling top-down through the inside algorithm in the sample semiring (sample.ts);
   * `key` is a key from `ad.random.key` or an integer seed (same key, same samples).
   */
  sample(count: number, key: Key | number): ParseTree[] | ParseTree[][];
  sample(count: number, key: Key | number, ...extra: unknown[]): ParseTree[] | ParseTree[][] {
    if (extra.length > 0) extraArguments('TreeCRF.sample', 'TreeCRF.sample(count, key)', extra, key);
    unmapped(this, 'TreeCRF.sample');
    const found = sampleStructures(count, key, 'TreeCRF.sample', (semiring, s) => spanInside(semiring, s, this.lengths), this.spans, (flow, b) => this.treeFromFlow(flow, b));
    return this.batched ? found : found[0]!;
  }

  /**
   * The tree of sentence b whose labelled spans have positive entries in a 0/1 flow over the span
   * scores [B, n, n, NT] (the gradient of one tree's score). Read top-down: the root is the label
   * of span (0, len − 1) with positive flow, and a node over words i … j − 1 has the split k whose
   * spans (i … k − 1) and (k … j − 1) both carry flow — exactly one, since the spans of one tree
   * nest or are disjoint.
   */
  private treeFromFlow(flow: Float64Array, b: number): ParseTree {
    const { n, NT } = this;
    const len = this.lengths[b]!;
    const labelOf = (i: number, j: number) => { // words i … j − 1
      const at = ((b * n + i) * n + j - 1) * NT;
      for (let A = 0; A < NT; A++) if (flow[at + A]! > 0) return A;
      return -1;
    };
    const build = (i: number, j: number, A: number): ParseTree => {
      if (j - i === 1) return { label: A, start: i, end: j };
      for (let k = i + 1; k < j; k++) {
        const L = labelOf(i, k), R = labelOf(k, j);
        if (L >= 0 && R >= 0) return { label: A, start: i, end: j, children: [build(i, k, L), build(k, j, R)] };
      }
      throw new Error(`internal: span (${i}, ${j}) of the flow has no pair of children`);
    };
    const root = labelOf(0, len);
    if (root < 0) throw new Error('internal: the flow has no root span');
    return build(0, len, root);
  }

  /**
   * The cross-entropy H(p, q) = −Σ_t p(t) log q(t) in nats, p this model and q `other` (a TreeCRF
   * of the same shape and lengths): log Z_q − E_p[score_q], where E_p[score_q] = Σ μ_p · θ_q is one
   * forward-mode derivative of log Z_p (divergence.ts). +∞ where p gives probability to a tree q
   * forbids; 0 where p has none. Differentiable in both models (one per item for a batch).
   */
  crossEntropy(other: TreeCRF): Tensor;
  crossEntropy(other: TreeCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.crossEntropy', 'TreeCRF.crossEntropy(other)', extra, other);
    return unbatch(crossEntropyOf(this.scoreForm(), other instanceof TreeCRF ? other.scoreForm() : null, 'TreeCRF.crossEntropy'), this.batched);
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: TreeCRF): Tensor;
  kl(other: TreeCRF, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.kl', 'TreeCRF.kl(other)', extra, other);
    return unbatch(klOf(this.scoreForm(), other instanceof TreeCRF ? other.scoreForm() : null, 'TreeCRF.kl'), this.batched);
  }

  private scoreForm(): ScoreForm {
    return {
      scores: [this.spans],
      logZ: ([spans]) => spanInside(log, spans!, this.lengths),
      structure: `lengths [${this.lengths.join(', ')}]`,
      entropy: ([spans]) => spanInside(entropy, spans!, this.lengths),
      countFixed: ['item'], // a binary bracketing of n words: the same number of spans
    };
  }

  /** score(t): the sum of the tree's labelled span scores (one tree per sentence for a batch), differentiable. */
  score(tree: ParseTree | readonly ParseTree[]): Tensor;
  score(tree: ParseTree | readonly ParseTree[], ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.score', 'TreeCRF.score(tree)', extra, tree);
    return this.scoreAs(tree, 'TreeCRF.score');
  }

  /** log p(t) = score(t) − log Z (−∞ for a forbidden tree, also when every tree is). */
  logProbability(tree: ParseTree | readonly ParseTree[]): Tensor;
  logProbability(tree: ParseTree | readonly ParseTree[], ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('TreeCRF.logProbability', 'TreeCRF.logProbability(tree)', extra, tree);
    return logProbabilityOf(this.scoreAs(tree, 'TreeCRF.logProbability'), this.logPartition());
  }

  private scoreAs(tree: unknown, op: string): Tensor {
    const { n, NT } = this;
    const B = this.spans.shape[0]!;
    const flat = reshape(this.spans, [B * n * n * NT]);
    const items = perItem<ParseTree>(tree, this.batched, B, op, 'tree');
    return unbatch(stack(items.map((t, b) => {
      treeParts(t, this.lengths[b]!, NT, op); // validates the tree over words 0 … length − 1 (throws naming the node)
      const at: number[] = [];
      const visit = (u: ParseTree) => {
        at.push(((b * n + u.start) * n + u.end - 1) * NT + u.label);
        if (u.children) { visit(u.children[0]); visit(u.children[1]); }
      };
      visit(t);
      return sum(take(flat, at));
    }), 0), this.batched);
  }
}
