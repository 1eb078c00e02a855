/** @file PCFG: log-partition, span and rule marginals, the best tree, entropy and tree scores, all from one inside algorithm. */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { ShapeError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, take } from '../ops/shape.js';
import { stopGradient } from '../ops/select.js';
import { grad, valueAndGrad } from '../transforms/vjp.js';
import { inside, type GrammarScores } from './inside.js';
import { treeFromFlow, treeParts, type ParseTree } from './parseTree.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';

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
    this.terminals = asTensor(options.terminals, 'PCFG');
    if (this.terminals.ndim !== 2 || this.terminals.shape[0]! < 1 || this.terminals.shape[1]! < 1) {
      throw new ShapeError(`PCFG: terminals must be [n, N] with n ≥ 1 words and N ≥ 1 nonterminals, got ${formatShape(this.terminals.shape)}.`);
    }
    [this.n, this.N] = this.terminals.shape as [number, number];
    const N = this.N;
    this.rules = asTensor(options.rules, 'PCFG');
    if (this.rules.ndim !== 3 || this.rules.shape.some((d) => d !== N)) {
      throw new ShapeError(
        `PCFG: rules must be [N, N, N] = [${N},${N},${N}] for terminals ${formatShape(this.terminals.shape)}, got ${formatShape(this.rules.shape)}.`,
      );
    }
    this.root = options.root === undefined ? zeros([N]) : asTensor(options.root, 'PCFG');
    if (this.root.ndim !== 1 || this.root.shape[0] !== N) {
      throw new ShapeError(`PCFG: root must be [N] = [${N}], got ${formatShape(this.root.shape)}.`);
    }
  }

  private scores(spans?: Tensor): GrammarScores {
    return { terminals: this.terminals, rules: this.rules, root: this.root, spans };
  }

  /** The semiring sum over trees: log Z (log), best score (max), entropy (entropy), Z (real). A 0-d tensor. */
  sum(semiring: Semiring): Tensor {
    return inside(semiring, this.scores());
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
   * tree (at each tie the first split, then the first labels, win), so the tree is always valid
   * and its score is the reported one. When no tree has a finite score, the score is −Infinity
   * and the tree is the first tree in that order.
   */
  argmax(): { tree: ParseTree; score: number } {
    const { n, N } = this;
    const [best, flow] = valueAndGrad((s: Tensor) => inside(argmaxSemiring, this.scores(s)))(zeros([n, n + 1, N])) as [Tensor, Tensor];
    return { tree: treeFromFlow(stopGradient(flow).toFloat64Array(), n, N), score: stopGradient(best).item() };
  }

  /** score(t): the sum of the tree's terminal, rule and root scores, differentiable. */
  score(tree: ParseTree): Tensor {
    const { n, N } = this;
    const parts = treeParts(tree, n, N, 'PCFG.score');
    let s = add(sum(take(reshape(this.terminals, [n * N]), parts.terminals)), sum(take(this.root, [parts.root])));
    if (parts.rules.length > 0) s = add(s, sum(take(reshape(this.rules, [N * N * N]), parts.rules)));
    return s;
  }

  /** log p(t) = score(t) − log Z (−∞ for a forbidden tree, also when every tree is). */
  logProbability(tree: ParseTree): Tensor {
    return logProbabilityOf(this.score(tree), this.logPartition());
  }
}
