/**
 * @file Eisner's algorithm (Eisner 1996; the complete/incomplete-span form of McDonald et al. 2005)
 * for projective dependency trees, written once against a semiring and vectorised by span width
 * over a batch. The outside pass, and so the arc marginals, is its gradient.
 */
import type { Tensor } from '../tensor/tensor.js';
import { concat, reshape, slice, stack, take } from '../ops/shape.js';
import { semiringZero, type Semiring } from './semirings.js';

/**
 * The semiring sum over projective trees of the product of their arc scores, for a batch of arc
 * scores [B, N, N] indexed [head, child] over positions 0 … N − 1 (0 the root), already masked:
 * −∞ on arcs into the root, on self-loops and on positions past each sentence. Sentence b has
 * words 1 … lengths[b]. Returns shape [B].
 *
 * The charts, over spans (s, t), directions ← (the head is t) and → (the head is s):
 *   I[s, t, ←] = ⊕_{s ≤ r < t} C[s, r, →] ⊗ C[r + 1, t, ←] ⊗ arc(t → s)   (incomplete: the arc just added)
 *   I[s, t, →] = the same ⊕ ⊗ arc(s → t)
 *   C[s, t, ←] = ⊕_{s ≤ r < t} C[s, r, ←] ⊗ I[r, t, ←]                       (complete: t's left side done)
 *   C[s, t, →] = ⊕_{s < r ≤ t} I[s, r, →] ⊗ C[r, t, →]
 *   C[s, s, ·] = one
 * Several root dependents: the result is C[0, n, →]. One root dependent (singleRoot): the root's
 * only arc goes to some r whose two halves are complete spans over the words alone,
 *   ⊕_{1 ≤ r ≤ n} arc(0 → r) ⊗ C[1, r, ←] ⊗ C[r, n, →].
 */
export function eisner(semiring: Semiring, arcs: Tensor, lengths: readonly number[], singleRoot: boolean): Tensor {
  const [B, N] = arcs.shape as [number, number, number];
  const S = semiring.size;
  const flat = reshape(arcs, [B, N * N]);
  // Each chart is kept as a growing [S, B, N, widths] tensor, so that every width costs a fixed
  // number of ops (torch-struct's layout): "by start" rows s hold span (s, s + w) at column w (for
  // I from width 1), "by end, reversed" rows t hold span (t − w, t) at column (widest − w).
  const one = semiring.one([B, N, 1]);
  let completeLeftByStart = one, completeRightByStart = one, completeLeftByEnd = one, completeRightByEnd = one;
  let incompleteRightByStart: Tensor | null = null, incompleteLeftByEnd: Tensor | null = null;
  const block = (chart: Tensor, row: number, m: number, w: number) => slice(chart, [0, 0, row, 0], [S, B, m, w]);
  const combine = (a: Tensor, b: Tensor) => semiring.sum(semiring.times(a, b), 2); // ⊕ over the split axis → [S, B, m]
  const zeros: Tensor[] = []; // the padding of a width-w column, made once per width
  const padded = (col: Tensor, w: number, atEnd: boolean) => {
    const zero = (zeros[w] ??= semiringZero(semiring, [B, w, 1]));
    const c = reshape(col, [S, B, N - w, 1]);
    return concat(atEnd ? [zero, c] : [c, zero], 2);
  };
  const append = (chart: Tensor | null, col: Tensor, w: number) => (chart === null ? padded(col, w, false) : concat([chart, padded(col, w, false)], 3));
  const prepend = (chart: Tensor | null, col: Tensor, w: number) => (chart === null ? padded(col, w, true) : concat([padded(col, w, true), chart], 3));
  for (let w = 1; w < N; w++) {
    const m = N - w;
    const starts = Array.from({ length: m }, (_, s) => s);
    // ⊕_{k < w} C[s, s + k, →] ⊗ C[s + k + 1, s + w, ←]
    const inner = combine(block(completeRightByStart, 0, m, w), block(completeLeftByEnd, w, m, w)); // [S, B, m]
    const toLeft = semiring.times(inner, semiring.convert(take(flat, starts.map((s) => (s + w) * N + s), 1))); // arc (s + w) → s
    const toRight = semiring.times(inner, semiring.convert(take(flat, starts.map((s) => s * N + s + w), 1))); // arc s → (s + w)
    incompleteLeftByEnd = prepend(incompleteLeftByEnd, toLeft, w);
    incompleteRightByStart = append(incompleteRightByStart, toRight, w);
    // C[s, t, ←] = ⊕_{k < w} C[s, s + k, ←] ⊗ I[s + k, t, ←];  C[s, t, →] = ⊕_{1 ≤ k ≤ w} I[s, s + k, →] ⊗ C[s + k, t, →]
    const left = combine(block(completeLeftByStart, 0, m, w), block(incompleteLeftByEnd, w, m, w));
    const right = combine(block(incompleteRightByStart, 0, m, w), block(completeRightByEnd, w, m, w));
    completeLeftByStart = append(completeLeftByStart, left, w);
    completeRightByStart = append(completeRightByStart, right, w);
    completeLeftByEnd = prepend(completeLeftByEnd, left, w);
    completeRightByEnd = prepend(completeRightByEnd, right, w);
  }
  // C[s, s + w, ·] by start: [S, B, N, N].
  const at = (chart: Tensor, b: number, s: number, w: number) => reshape(slice(chart, [0, b, s, w], [S, 1, 1, 1]), [S, 1]);
  const perSentence = lengths.map((n, b) => {
    if (!singleRoot) return at(completeRightByStart, b, 0, n);
    const r = Array.from({ length: n }, (_, i) => i + 1);
    const halves = semiring.times(
      stack(r.map((x) => at(completeLeftByStart, b, 1, x - 1)), 1), stack(r.map((x) => at(completeRightByStart, b, x, n - x)), 1),
    );
    const rootArcs = semiring.convert(reshape(take(reshape(arcs, [B * N * N]), r.map((x) => b * N * N + x)), [n, 1]));
    return semiring.sum(semiring.times(halves, rootArcs), 0); // [S, 1]
  });
  return semiring.unconvert(concat(perSentence, 1));
}
