/**
 * @file The CKY inside algorithm of a PCFG in Chomsky normal form, written once against a semiring
 * and vectorised by span width. Inside–outside is its gradient (Eisner 2016).
 */
import type { Tensor } from '../tensor/tensor.js';
import { concat, reshape, slice, take, transpose } from '../ops/shape.js';
import type { Semiring } from './semirings.js';

/**
 * Log-space scores of a grammar over a batch of B sentences padded to n words, N nonterminals.
 * `spans` is optional: an extra score for each labelled span, added to every tree that has it
 * (zero for inference; its gradient is the span marginals).
 */
export interface GrammarScores {
  /** terminals[b, i, A]: nonterminal A over word i (the preterminal's score), [B, n, N]. */
  terminals: Tensor;
  /** rules[A, B, C]: the binary rule A → B C, [N, N, N]. */
  rules: Tensor;
  /** root[A]: A at the top of the tree, [N]. */
  root: Tensor;
  /** spans[b, i, j, A]: span (i, j) (words i … j − 1) labelled A, [B, n, n + 1, N]; entries with j ≤ i are unused. */
  spans?: Tensor;
}

/**
 * The semiring sum, over every labelled binary tree of each sentence (b of lengths[b] words), of
 * the product of its scores: log Z for the log semiring, the best tree's score for max, the
 * entropy for entropy, Z for real. Returns shape [B].
 *
 * Chart layout: one tensor per span width w, `chart[w]` of shape [S, B, n − w + 1, N] (S the
 * semiring's component count), whose entry [·, b, i, A] is the inside value of span (i, i + w)
 * labelled A:
 *   chart[1][i, A]    = terminals[i, A]
 *   chart[w][i, A]    = ⊕_{B,C} rules[A, B, C] ⊗ ⊕_{k=1}^{w−1} chart[k][i, B] ⊗ chart[w−k][i + k, C]
 *   result_b          = ⊕_A root[A] ⊗ chart[lengths[b]][b, 0, A]
 * (each span also ⊗ spans[b, i, i + w, A] when given). For width w, the left children of every
 * span and every split are rows 0 … n − w of chart[k] for each split k, and the right children
 * rows k … k + n − w of chart[w − k], both kept as one tensor per width built from the previous
 * width's (see the loop); the split sum comes first (cost n³N²/6) and the
 * rule sum second (n²N³/2), each one broadcast ⊗ and one ⊕ over an axis. Spans that reach past a
 * sentence's end are computed with the padding but never read for that sentence.
 */
export function inside(semiring: Semiring, scores: GrammarScores, lengths: readonly number[]): Tensor {
  const { terminals, rules, root, spans } = scores;
  const [B, n, N] = terminals.shape as [number, number, number];
  const S = semiring.size;
  // Span (i, i + w) sits at row i·(n + 2) + w of spans viewed as [B, n·(n + 1), N].
  const spanRows = spans === undefined ? null : reshape(spans, [B, n * (n + 1), N]);
  const withSpanScores = (chart: Tensor, w: number): Tensor => {
    if (spanRows === null) return chart;
    const rows = Array.from({ length: n - w + 1 }, (_, i) => i * (n + 2) + w);
    return semiring.times(chart, semiring.convert(take(spanRows, rows, 1)));
  };

  const charts: Tensor[] = [];
  charts[1] = withSpanScores(semiring.convert(terminals), 1);
  // rules as [S, 1, 1, A, (B, C)]: broadcast over sentences and span positions.
  const ruleElements = reshape(semiring.convert(rules), [S, 1, 1, N, N * N]);
  // With a semiring matrix product (the log semiring's logMatmul) both sums are contractions:
  // split sum [B, k] × [k, C] per span, rule sum [spans, (B, C)] × [(B, C), A] with the rules transposed once.
  const contract = semiring.contract;
  const rulesByChildren = contract && transpose(reshape(semiring.convert(rules), [S, N, N * N]), [0, 2, 1]); // [S, (B, C), A]
  // The children of every span of width w at every split, [S, B, m, split, N] (m = n − w + 1):
  // lefts[·, i, k − 1] = chart[k][i], rights[·, i, k − 1] = chart[w − k][i + k]. Width w + 1's
  // are width w's with one row fewer and one split more — lefts: rows 0 … m − 2, then chart[w]'s
  // first rows as split w; rights: chart[w]'s rows from 1 as split 1, then width w's rows from 1 —
  // so each width takes four slices and two concats, not 2(w − 1) slices and two stacks (W3,
  // n = 30: 1,738 small slices, about 2 ms of its 15; value and gradient 0.88–0.93× the time).
  const asSplit = (x: Tensor, from: number, rows: number) => reshape(slice(x, [0, 0, from, 0], [S, B, rows, N]), [S, B, rows, 1, N]);
  let lefts = asSplit(charts[1], 0, n - 1), rights = asSplit(charts[1], 1, n - 1);
  for (let w = 2; w <= n; w++) {
    const m = n - w + 1;
    if (w > 2) {
      const previous = charts[w - 1]!; // m + 1 rows
      lefts = concat([slice(lefts, [0, 0, 0, 0, 0], [S, B, m, w - 2, N]), asSplit(previous, 0, m)], 3);
      rights = concat([asSplit(previous, 1, m), slice(rights, [0, 0, 1, 0, 0], [S, B, m, w - 2, N])], 3);
    }
    let spansOfWidth: Tensor; // [S, B, m, A]
    if (contract && rulesByChildren) {
      // [S, sentence, position, split, B] (read transposed) ⊗⊕ [S, sentence, position, split, C], then the rules.
      const children = contract(lefts, rights, true); // [S, B, m, B, C]
      spansOfWidth = reshape(contract(reshape(children, [S, B * m, N * N]), rulesByChildren), [S, B, m, N]);
    } else {
      // [S, split, sentence, position, B, C]: the two children of every span of width w, at every split.
      const left = reshape(transpose(lefts, [0, 3, 1, 2, 4]), [S, w - 1, B, m, N, 1]);
      const right = reshape(transpose(rights, [0, 3, 1, 2, 4]), [S, w - 1, B, m, 1, N]);
      const children = semiring.sum(semiring.times(left, right), 0); // [S, B, m, B, C]
      spansOfWidth = semiring.sum(semiring.times(reshape(children, [S, B, m, 1, N * N]), ruleElements), 3);
    }
    charts[w] = withSpanScores(spansOfWidth, w);
  }
  const top = concat(lengths.map((len, b) => reshape(slice(charts[len]!, [0, b, 0, 0], [S, 1, 1, N]), [S, 1, N])), 1); // [S, B, N]
  return semiring.unconvert(semiring.sum(semiring.times(top, semiring.convert(reshape(root, [1, N]))), 1));
}
