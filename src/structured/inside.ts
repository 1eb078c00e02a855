/**
 * @file The CKY inside algorithm of a PCFG in Chomsky normal form, written once against a semiring
 * and vectorised by span width. Inside–outside is its gradient (Eisner 2016).
 */
import type { Tensor } from '../tensor/tensor.js';
import { concat, reshape, slice, take } from '../ops/shape.js';
import type { Semiring } from './semirings.js';

/**
 * Log-space scores of a grammar over one sentence of n words with N nonterminals.
 * `spans` is optional: an extra score for each labelled span, added to every tree that has it
 * (zero for inference; its gradient is the span marginals).
 */
export interface GrammarScores {
  /** terminals[i, A]: nonterminal A over word i (the preterminal's score), [n, N]. */
  terminals: Tensor;
  /** rules[A, B, C]: the binary rule A → B C, [N, N, N]. */
  rules: Tensor;
  /** root[A]: A at the top of the tree, [N]. */
  root: Tensor;
  /** spans[i, j, A]: span (i, j) (words i … j − 1) labelled A, [n, n + 1, N]; entries with j ≤ i are unused. */
  spans?: Tensor;
}

/**
 * The semiring sum, over every labelled binary tree, of the product of its scores: log Z for the
 * log semiring, the best tree's score for max, the entropy for entropy, Z for real. Returns a 0-d
 * tensor.
 *
 * Chart layout: one tensor per span width w, `chart[w]` of shape [S, n − w + 1, N] (S the
 * semiring's component count), whose entry [·, i, A] is the inside value of span (i, i + w)
 * labelled A:
 *   chart[1][i, A]    = terminals[i, A]
 *   chart[w][i, A]    = ⊕_{B,C} rules[A, B, C] ⊗ ⊕_{k=1}^{w−1} chart[k][i, B] ⊗ chart[w−k][i + k, C]
 *   result            = ⊕_A root[A] ⊗ chart[n][0, A]
 * (each span also ⊗ spans[i, i + w, A] when given). For width w, the left children of every
 * span and every split are one slice per split k (rows 0 … n − w of chart[k]), and the right
 * children rows k … k + n − w of chart[w − k]; the split sum comes first (cost n³N²/6) and the
 * rule sum second (n²N³/2), each one broadcast ⊗ and one ⊕ over an axis.
 */
export function inside(semiring: Semiring, scores: GrammarScores): Tensor {
  const { terminals, rules, root, spans } = scores;
  const [n, N] = terminals.shape as [number, number];
  const S = semiring.size;
  // Span (i, i + w) sits at row i·(n + 2) + w of spans viewed as [n·(n + 1), N].
  const spanRows = spans === undefined ? null : reshape(spans, [n * (n + 1), N]);
  const withSpanScores = (chart: Tensor, w: number): Tensor => {
    if (spanRows === null) return chart;
    const rows = Array.from({ length: n - w + 1 }, (_, i) => i * (n + 2) + w);
    return semiring.times(chart, semiring.convert(take(spanRows, rows, 0)));
  };

  const charts: Tensor[] = [];
  charts[1] = withSpanScores(semiring.convert(terminals), 1);
  // rules as [S, 1, A, (B, C)]: broadcast over span positions.
  const ruleElements = reshape(semiring.convert(rules), [S, 1, N, N * N]);
  for (let w = 2; w <= n; w++) {
    const m = n - w + 1;
    const lefts: Tensor[] = [], rights: Tensor[] = [];
    for (let k = 1; k < w; k++) {
      lefts.push(slice(charts[k]!, [0, 0, 0], [S, m, N]));
      rights.push(slice(charts[w - k]!, [0, k, 0], [S, m, N]));
    }
    // [S, split, position, B, C]: the two children of every span of width w, at every split.
    const left = reshape(concat(lefts, 1), [S, w - 1, m, N, 1]);
    const right = reshape(concat(rights, 1), [S, w - 1, m, 1, N]);
    const children = semiring.sum(semiring.times(left, right), 0); // [S, m, B, C]
    const spansOfWidth = semiring.sum(semiring.times(reshape(children, [S, m, 1, N * N]), ruleElements), 2); // [S, m, A]
    charts[w] = withSpanScores(spansOfWidth, w);
  }
  const top = reshape(charts[n]!, [S, N]);
  return semiring.unconvert(semiring.sum(semiring.times(top, semiring.convert(root)), 0));
}
