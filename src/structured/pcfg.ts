/** @file PCFG: log-partition, span and rule marginals, the best tree, entropy and tree scores, all from one inside algorithm. */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, take } from '../ops/shape.js';
import { stopGradient } from '../ops/select.js';
import { grad, valueAndGrad } from '../transforms/vjp.js';
import { inside, type GrammarScores } from './inside.js';
import { treeFromFlow, treeParts, type ParseTree } from './parseTree.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { optionsObject, scoresOfShape, scoresTensor, semiringArg, wrongShape } from './validate.js';

export interface PCFGOptions {
  /** terminals[i, A]: score of nonterminal A over word i, [n, N]. */
  terminals: Tensor;
  /** rules[A, B, C]: score of the binary rule A → B C, [N, N, N]. */
  rules: Tensor;
  /** root[A]: score of A at the top of the tree, [N] (default 0: any label may be the root). */
  root?: Tensor;
}

/**
 * A probabilistic context-free grammar in Chomsky normal form over one sentence of n words with N
 * nonterminals, as a distribution over labelled binary trees t:
 * score(t) = root[label of t's top] + Σ_{leaves A over word i} terminals[i, A]
 *          + Σ_{nodes A over children B, C} rules[A, B, C],   p(t) = exp(score(t) − log Z).
 * Only the inside algorithm is written (CKY, against a semiring); the outside pass is backprop:
 * marginals are ∂ log Z / ∂ scores, the best tree is ∂ best-score / ∂ scores, the entropy is the
 * entropy semiring. Scores of −Infinity forbid rules or labels and give exact zeros.
 * @example
 * const g = new ad.PCFG({ terminals: ad.random.normal([5, 3], 1), rules: ad.random.normal([3, 3, 3], 2) });
 * g.logPartition();            // log Z, differentiable with respect to terminals, rules and root
 * g.marginals().spans;         // [5, 6, 3]: p(span (i, j) is labelled A)
 * g.argmax().tree;             // { label, start: 0, end: 5, children: [left, right] }
 */
export class PCFG {
  readonly terminals: Tensor;
  readonly rules: Tensor;
  readonly root: Tensor;
  /** Sentence length n and nonterminal count N. */
  readonly n: number;
  readonly N: number;

  constructor(options: PCFGOptions) {
    const op = 'PCFG';
    optionsObject(options, op, 'new ad.PCFG({ terminals /* [n, N] */, rules /* [N, N, N] */ })');
    this.terminals = scoresTensor(options.terminals, op, 'terminals', '[n, N]');
    if (this.terminals.ndim !== 2 || this.terminals.shape[0]! < 1 || this.terminals.shape[1]! < 1) {
      throw wrongShape(op, 'terminals', '[n, N] with n ≥ 1 words and N ≥ 1 nonterminals', this.terminals);
    }
    [this.n, this.N] = this.terminals.shape as [number, number];
    const N = this.N;
    const why = ` for terminals ${formatShape(this.terminals.shape)} (N = ${N} nonterminals)`;
    this.rules = scoresOfShape(options.rules, [N, N, N], op, 'rules', { hint: '[N, N, N]', why });
    this.root = scoresOfShape(options.root, [N], op, 'root', { hint: '[N]', why, optional: true });
  }

  private scores(spans?: Tensor): GrammarScores {
    return { terminals: this.terminals, rules: this.rules, root: this.root, spans };
  }

  /** The semiring sum over trees: log Z (log), best score (max), entropy (entropy), Z (real). A 0-d tensor. */
  sum(semiring: Semiring): Tensor {
    return inside(semiringArg(semiring, 'PCFG.sum'), this.scores());
  }

  /** log Z, differentiable (the training loss is logPartition() − score(gold tree)). */
  logPartition(): Tensor {
    return this.sum(log);
  }

  /** The entropy of p(t) in nats, differentiable. */
  entropy(): Tensor {
    return this.sum(entropy);
  }

  /**
   * Marginals as gradients of log Z (the outside pass is backprop): `spans[i, j, A]` = p(the
   * tree has span (i, j), words i … j − 1, labelled A), found as ∂ log Z / ∂ (a zero score on that
   * labelled span), 0 where j ≤ i; `rules[A, B, C]` = the expected number of uses of A → B C,
   * ∂ log Z / ∂ rules. Width-one spans are the preterminals: spans[i, i + 1, A] = ∂ log Z /
   * ∂ terminals[i, A]. Differentiable again.
   */
  marginals(): { spans: Tensor; rules: Tensor } {
    const [spans, rules] = grad(
      (s: Tensor, r: Tensor) => inside(log, { ...this.scores(s), rules: r }),
      [0, 1],
    )(zeros([this.n, this.n + 1, this.N]), this.rules) as [Tensor, Tensor];
    return { spans, rules };
  }

  /**
   * The highest-scoring tree and its score, read off the gradient of the argmax semiring's best
   * score with respect to the span scores: the indicator of the labelled spans of exactly one best
   * tree, so the tree is always valid and its score is the reported one. Ties go to the first
   * alternative of the inside algorithm: the lowest root label, at each node the lowest (left,
   * right) label pair in row-major order, and for that pair the leftmost split. When no tree has a
   * finite score, the score is −Infinity and the tree is one of them (of score −Infinity).
   */
  argmax(): { tree: ParseTree; score: number } {
    const { n, N } = this;
    const [best, flow] = valueAndGrad((s: Tensor) => inside(argmaxSemiring, this.scores(s)))(zeros([n, n + 1, N])) as [Tensor, Tensor];
    return { tree: treeFromFlow(stopGradient(flow).toFloat64Array(), n, N), score: stopGradient(best).item() };
  }

  /** score(t): the sum of the tree's terminal, rule and root scores, differentiable. */
  score(tree: ParseTree): Tensor {
    return this.scoreAs(tree, 'PCFG.score');
  }

  /** log p(t) = score(t) − log Z (−∞ for a forbidden tree, also when every tree is). */
  logProbability(tree: ParseTree): Tensor {
    return logProbabilityOf(this.scoreAs(tree, 'PCFG.logProbability'), this.logPartition());
  }

  private scoreAs(tree: ParseTree, op: string): Tensor {
    const { n, N } = this;
    const parts = treeParts(tree, n, N, op);
    let s = add(sum(take(reshape(this.terminals, [n * N]), parts.terminals)), sum(take(this.root, [parts.root])));
    if (parts.rules.length > 0) s = add(s, sum(take(reshape(this.rules, [N * N * N]), parts.rules)));
    return s;
  }

}
