/**
 * @file The inside algorithm of a span-based tree CRF (torch-struct's CKY_CRF behind `TreeCRF`),
 * written once against a semiring and vectorised by span width. Every other quantity of the model
 * (marginals, the best tree, the k best, samples) is this program's gradient in some semiring.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { concat, reshape, slice, take } from '../ops/shape.js';
import { where } from '../ops/select.js';
import type { Semiring } from './semirings.js';

/**
 * The semiring sum, over every binary bracketing of each sentence b (of lengths[b] words) with a
 * label on each of its 2·lengths[b] − 1 spans, of the product of its labelled spans' scores:
 * log Z for the log semiring, the best tree's score for max/argmax, the entropy for entropy, Z for
 * real. `spans[b, i, j, A]` ([B, n, n, NT]) scores the span of words i … j, *both inclusive*
 * (torch-struct's convention: the single words are the diagonal i = j, the whole sentence
 * (0, lengths[b] − 1)); entries with j < i, and of sentence b those with j ≥ lengths[b], are never
 * used (their gradient is exactly 0, whatever they hold). Returns shape [B].
 *
 * A span's label does not interact with anything else, so each span contributes
 * ⊕_A spans[i, j, A], and with chart[w] (shape [S, B, n − w + 1], S the semiring's components)
 * the inside values of the spans of w words:
 *   chart[1][i] = ⊕_A spans[i, i, A]
 *   chart[w][i] = ⊕_A spans[i, i + w − 1, A] ⊗ ⊕_{k=1}^{w−1} chart[k][i] ⊗ chart[w − k][i + k]
 *   result_b    = chart[lengths[b]][b, 0]
 * Ties under argmax therefore go, at every span, to the lowest label and the leftmost split.
 */
export function spanInside(semiring: Semiring, spans: Tensor, lengths: readonly number[]): Tensor {
  const [B, n, , NT] = spans.shape as [number, number, number, number];
  const S = semiring.size;
  // Entries past a sentence's end are replaced by 0 before anything reads them, so padding that
  // holds NaN or ±∞ cannot reach a value or a gradient (where's gradient there is exactly 0).
  let scores = spans;
  if (lengths.some((len) => len < n)) {
    const keep = new Array<number>(B * n * n);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) keep[(b * n + i) * n + j] = j < lengths[b]! ? 1 : 0;
    scores = where(tensor(keep, [B, n, n, 1]), spans, 0);
  }
  // Span (i, i + w − 1) sits at row i·(n + 1) + w − 1 of the scores viewed as [B, n·n, NT]; only
  // the spans of width w are taken (the lower triangle is never converted).
  const rows = reshape(scores, [B, n * n, NT]);
  const labelled = (w: number): Tensor => {
    const at = Array.from({ length: n - w + 1 }, (_, i) => i * (n + 1) + w - 1);
    return semiring.convert(take(rows, at, 1)); // [S, B, n − w + 1, NT]
  };

  const charts: Tensor[] = [];
  charts[1] = semiring.sum(labelled(1), 2);
  if (n > 1) {
    // The children of every span of width w at every split, [S, B, m, w − 1] (m = n − w + 1):
    // lefts[·, i, k − 1] = chart[k][i], rights[·, i, k − 1] = chart[w − k][i + k]. Width w + 1's
    // are width w's with one row fewer and one split more (as in inside.ts): lefts keep rows
    // 0 … m − 2 and gain chart[w]'s first rows as split w; rights gain chart[w]'s rows from 1 as
    // split 1, followed by width w's rows from 1.
    const asSplit = (x: Tensor, from: number, count: number) => reshape(slice(x, [0, 0, from], [S, B, count]), [S, B, count, 1]);
    let lefts = asSplit(charts[1], 0, n - 1);
    let rights = asSplit(charts[1], 1, n - 1);
    for (let w = 2; w <= n; w++) {
      const m = n - w + 1;
      if (w > 2) {
        const previous = charts[w - 1]!; // m + 1 rows
        lefts = concat([slice(lefts, [0, 0, 0, 0], [S, B, m, w - 2]), asSplit(previous, 0, m)], 3);
        rights = concat([asSplit(previous, 1, m), slice(rights, [0, 0, 1, 0], [S, B, m, w - 2])], 3);
      }
      const children = semiring.sum(semiring.times(lefts, rights), 2); // ⊕ over splits: [S, B, m]
      // ⊗ the label's score before ⊕ over labels (the same value): when every split is forbidden
      // (children −∞) every alternative of that ⊕ is −∞, and its gradient to the labels is 0. The
      // other order would hand the top span's label scores a gradient of 1 when every tree is
      // forbidden, as nothing above the top span's ⊗ weighs it by a probability.
      charts[w] = semiring.sum(semiring.times(reshape(children, [S, B, m, 1]), labelled(w)), 2);
    }
  }
  const top = concat(lengths.map((len, b) => slice(charts[len]!, [0, b, 0], [S, 1, 1])), 1); // [S, B, 1]
  return semiring.unconvert(reshape(top, [S, B]));
}
