/** @file PCFG: log-partition, span and rule marginals, the best tree, entropy and tree scores, all from one inside algorithm. */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, stack, take } from '../ops/shape.js';
import { grad } from '../transforms/vjp.js';
import { inside, type GrammarScores } from './inside.js';
import { treeFromFlow, treeParts, type ParseTree } from './parseTree.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { batchedScores, perItem, unbatch, usedPositions } from './batch.js';
import { kBest, kBestResult } from './kbest.js';
import { sampleStructures } from './sample.js';
import type { Key } from '../random/key.js';
import type { TreeAndScore } from './results.js';
import { crossEntropyOf, entropyOf, klOf, type ScoreForm } from './divergence.js';
import { lengthsOption, optionsObject, scoresOfShape, semiringArg, unmapped, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';
import { argmaxFlow } from './argmaxFlow.js';

export interface PCFGOptions {
  /** terminals[i, A]: score of nonterminal A over word i, [n, N], or a padded batch [B, n, N]. */
  terminals: Tensor;
  /** rules[A, B, C]: score of the binary rule A → B C, [N, N, N]. */
  rules: Tensor;
  /** root[A]: score of A at the top of the tree, [N] (default 0: any label may be the root). */
  root?: Tensor | undefined;
  /** For a batch: each sentence's length in words (1 … n); default n for all. */
  lengths?: readonly number[] | undefined;
}

/**
 * A probabilistic context-free grammar in Chomsky normal form over one sentence of n words with N
 * nonterminals, as a distribution over labelled binary trees t:
 * score(t) = root[label of t's top] + Σ_{leaves A over word i} terminals[i, A]
 *          + Σ_{nodes A over children B, C} rules[A, B, C],   p(t) = exp(score(t) − log Z).
 * Only the inside algorithm is written (CKY, against a semiring); the outside pass is backprop:
 * marginals are ∂ log Z / ∂ scores, the best tree is ∂ best-score / ∂ scores, the entropy is the
 * entropy semiring. Scores of −Infinity forbid rules or labels and give exact zeros. Terminals
 * [B, n, N] with `lengths` make a batch of sentences sharing the grammar: results gain a leading
 * batch axis (trees and scores become arrays), expected rule counts are summed over the batch.
 * @example
 * const g = new ad.PCFG({ terminals: ad.random.normal([5, 3], 1), rules: ad.random.normal([3, 3, 3], 2) });
 * g.logPartition();            // log Z, differentiable with respect to terminals, rules and root
 * g.marginals().spans;         // [5, 6, 3]: p(span (i, j) is labelled A)
 * g.argmax().tree;             // { label, start: 0, end: 5, children: [left, right] }
 */
export class PCFG {
  readonly batched: boolean;
  readonly terminals: Tensor; // always [B, n, N]
  readonly rules: Tensor;
  readonly root: Tensor;
  readonly lengths: readonly number[];
  /** Padded sentence length n and nonterminal count N. */
  readonly n: number;
  readonly N: number;

  constructor(options: PCFGOptions);
  constructor(options: PCFGOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('PCFG', 'PCFG(options)', extra, options);
    const op = 'PCFG';
    optionsObject(options, op, 'new ad.PCFG({ terminals /* [n, N] */, rules /* [N, N, N] */ })', ['terminals', 'rules', 'root', 'lengths']);
    const given = batchedScores(options.terminals, 2, op, 'terminals', '[n, N]');
    this.batched = given.batched;
    const [B, n, N] = given.scores.shape as [number, number, number];
    if (n < 1 || N < 1) throw wrongShape(op, 'terminals', '[n, N] with n ≥ 1 words and N ≥ 1 nonterminals', options.terminals as Tensor);
    [this.n, this.N] = [n, N];
    const why = ` for terminals ${formatShape((options.terminals as Tensor).shape)} (N = ${N} nonterminals)`;
    this.rules = scoresOfShape(options.rules, [N, N, N], op, 'rules', { hint: '[N, N, N]', why });
    this.root = scoresOfShape(options.root, [N], op, 'root', { hint: '[N]', why, optional: true });
    this.lengths = lengthsOption(options.lengths, B, n, op);
    // Words past a sentence's length are never read (batch.ts): NaN or +∞ there made the gradient NaN.
    this.terminals = usedPositions(given.scores, this.lengths);
  }

  private scores(spans?: Tensor): GrammarScores {
    return { terminals: this.terminals, rules: this.rules, root: this.root, spans };
  }

  /** The semiring sum over trees: log Z (log), best score (max), entropy (entropy), Z (real); [B] for a batch. */
  sum(semiring: Semiring): Tensor;
  sum(semiring: Semiring, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.sum', 'PCFG.sum(semiring)', extra, semiring);
    return unbatch(inside(semiringArg(semiring, 'PCFG.sum'), this.scores(), this.lengths), this.batched);
  }

  /** log Z, differentiable (the training loss is logPartition() − score(gold tree)). */
  logPartition(): Tensor;
  logPartition(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.logPartition', 'PCFG.logPartition()', extra);
    return this.sum(log);
  }

  /** The entropy of p(t) in nats, differentiable. */
  entropy(): Tensor;
  entropy(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.entropy', 'PCFG.entropy()', extra);
    return unbatch(entropyOf(this.scoreForm()), this.batched); // from scores moved near 0: accurate at any offset
  }

  /**
   * Marginals as gradients of log Z (the outside pass is backprop): `spans[i, j, A]` = p(the
   * tree has span (i, j), words i … j − 1, labelled A), found as ∂ log Z / ∂ (a zero score on that
   * labelled span), 0 where j ≤ i or past the sentence; `rules[A, B, C]` = the expected number of
   * uses of A → B C, ∂ log Z / ∂ rules (summed over a batch). Width-one spans are the
   * preterminals: spans[i, i + 1, A] = ∂ log Z / ∂ terminals[i, A]. Differentiable again.
   */
  marginals(): { spans: Tensor; rules: Tensor };
  marginals(...extra: unknown[]): { spans: Tensor; rules: Tensor } {
    if (extra.length > 0) extraArguments('PCFG.marginals', 'PCFG.marginals()', extra);
    const [spans, rules] = grad(
      (s: Tensor, r: Tensor) => sum(inside(log, { ...this.scores(s), rules: r }, this.lengths)),
      [0, 1],
    )(zeros([this.terminals.shape[0]!, this.n, this.n + 1, this.N]), this.rules) as [Tensor, Tensor];
    return { spans: unbatch(spans, this.batched), rules };
  }

  /**
   * The highest-scoring tree and its score (arrays for a batch), read off the gradient of the
   * argmax semiring's best score with respect to the span scores: the indicator of the labelled
   * spans of exactly one best tree, so the tree is always valid and its score is the reported one.
   * Ties go to the first alternative of the inside algorithm: the lowest root label, at each node
   * the lowest (left, right) label pair in row-major order, and for that pair the leftmost split.
   * When no tree has a finite score, the score is −Infinity and the tree is one of them.
   */
  argmax(): TreeAndScore | TreeAndScore<ParseTree[], number[]>;
  argmax(...extra: unknown[]): TreeAndScore | TreeAndScore<ParseTree[], number[]> {
    if (extra.length > 0) extraArguments('PCFG.argmax', 'PCFG.argmax()', extra);
    unmapped(this, 'PCFG.argmax');
    const { n, N } = this;
    const B = this.terminals.shape[0]!;
    const { best, flow } = argmaxFlow((s: Tensor) => inside(argmaxSemiring, this.scores(s), this.lengths), zeros([B, n, n + 1, N]));
    const trees = this.lengths.map((len, b) => treeFromFlow(flow, len, N, n, b * n * (n + 1) * N));
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
    if (extra.length > 0) extraArguments('PCFG.topk', 'PCFG.topk(k)', extra, k);
    unmapped(this, 'PCFG.topk');
    const { n, N } = this;
    const B = this.terminals.shape[0]!;
    const found = kBest('PCFG.topk', k, (semiring, s) => inside(semiring, this.scores(s), this.lengths), zeros([B, n, n + 1, N]),
      (flow, b) => treeFromFlow(flow, this.lengths[b]!, N, n, b * n * (n + 1) * N));
    return kBestResult('tree', found, this.batched);
  }

  /**
   * `count` trees drawn exactly from p (an array of trees, as `topk`'s; one per sentence for a
   * batch), by sampling top-down through the inside algorithm in the sample semiring (sample.ts);
   * `key` is a key from `ad.random.key` or an integer seed (same key, same samples).
   */
  sample(count: number, key: Key | number): ParseTree[] | ParseTree[][];
  sample(count: number, key: Key | number, ...extra: unknown[]): ParseTree[] | ParseTree[][] {
    if (extra.length > 0) extraArguments('PCFG.sample', 'PCFG.sample(count, key)', extra, key);
    unmapped(this, 'PCFG.sample');
    const { n, N } = this;
    const B = this.terminals.shape[0]!;
    const found = sampleStructures(count, key, 'PCFG.sample', (semiring, s) => inside(semiring, this.scores(s), this.lengths), zeros([B, n, n + 1, N]),
      (flow, b) => treeFromFlow(flow, this.lengths[b]!, N, n, b * n * (n + 1) * N));
    return this.batched ? found : found[0]!;
  }


  /**
   * The cross-entropy H(p, q) = −Σ_y p(y) log q(y) in nats, p this model and q `other` (a model of
   * the same kind, shapes, lengths and options): log Z_q − E_p[score_q], where E_p[score_q] = Σ μ_p · θ_q
   * is one forward-mode derivative of log Z_p (divergence.ts). +∞ where p gives probability to a
   * structure q forbids; 0 where p has none. Differentiable in both models (one per item for a batch).
   */
  crossEntropy(other: PCFG): Tensor;
  crossEntropy(other: PCFG, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.crossEntropy', 'PCFG.crossEntropy(other)', extra, other);
    return unbatch(crossEntropyOf(this.scoreForm(), other instanceof PCFG ? other.scoreForm() : null, 'PCFG.crossEntropy'), this.batched);
  }

  /** KL(p ‖ q) = H(p, q) − H(p) in nats, p this model and q `other` (as `crossEntropy`); differentiable in both. */
  kl(other: PCFG): Tensor;
  kl(other: PCFG, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.kl', 'PCFG.kl(other)', extra, other);
    return unbatch(klOf(this.scoreForm(), other instanceof PCFG ? other.scoreForm() : null, 'PCFG.kl'), this.batched);
  }

  private scoreForm(): ScoreForm {
    return {
      scores: [this.terminals, this.rules, this.root],
      logZ: ([terminals, rules, root]) => inside(log, { terminals: terminals!, rules: rules!, root: root! }, this.lengths),
      structure: `lengths [${this.lengths.join(', ')}]`,
      entropy: ([terminals, rules, root]) => inside(entropy, { terminals: terminals!, rules: rules!, root: root! }, this.lengths),
      countFixed: ['item', 'shared', 'shared'], // n words: n terminals, n − 1 binary rules, one root
    };
  }

  /** score(t): the sum of the tree's terminal, rule and root scores (one tree per sentence for a batch), differentiable. */
  score(tree: ParseTree | readonly ParseTree[]): Tensor;
  score(tree: ParseTree | readonly ParseTree[], ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.score', 'PCFG.score(tree)', extra, tree);
    return this.scoreAs(tree, 'PCFG.score');
  }

  /** log p(t) = score(t) − log Z (−∞ for a forbidden tree, also when every tree is). */
  logProbability(tree: ParseTree | readonly ParseTree[]): Tensor;
  logProbability(tree: ParseTree | readonly ParseTree[], ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PCFG.logProbability', 'PCFG.logProbability(tree)', extra, tree);
    return logProbabilityOf(this.scoreAs(tree, 'PCFG.logProbability'), this.logPartition());
  }

  private scoreAs(tree: unknown, op: string): Tensor {
    const { n, N } = this;
    const B = this.terminals.shape[0]!;
    const flat = reshape(this.terminals, [B * n * N]);
    const items = perItem<ParseTree>(tree, this.batched, B, op, 'tree');
    return unbatch(stack(items.map((t, b) => {
      const parts = treeParts(t, this.lengths[b]!, N, op);
      let s = add(sum(take(flat, parts.terminals.map((i) => b * n * N + i))), sum(take(this.root, [parts.root])));
      if (parts.rules.length > 0) s = add(s, sum(take(reshape(this.rules, [N * N * N]), parts.rules)));
      return s;
    }), 0), this.batched);
  }
}
