/**
 * @file Eisner's algorithm (Eisner 1996; the complete/incomplete-span form of McDonald et al. 2005)
 * for projective dependency trees, written once against a semiring and vectorised by span width
 * over a batch. The outside pass, and so the arc marginals, is its gradient.
 */
import type { Tensor } from '../tensor/tensor.js';
import { concat, reshape, slice, stack, take } from '../ops/shape.js';
import type { Semiring } from './semirings.js';

const LEFT = 0; // the head is the span's right end t, its dependents lie to the left
const RIGHT = 1; // the head is the span's left end s

/**
 * The semiring sum over projective trees of the product of their arc scores, for a batch of arc
 * scores [B, N, N] indexed [head, child] over positions 0 … N − 1 (0 the root), already masked:
 * −∞ on arcs into the root, on self-loops and on positions past each sentence. Sentence b has
 * words 1 … lengths[b]. Returns shape [B].
 *
 * Charts by width w = t − s, each [S, B, N − w, 2] (row s, direction LEFT or RIGHT):
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
  const C: Tensor[] = [semiring.one([B, N, 2])];
  const I: Tensor[] = [];
  // Rows s … s + m − 1 of a chart, one direction: [S, B, m, 1].
  const rows = (chart: Tensor, from: number, m: number, dir: number) => slice(chart, [0, 0, from, dir], [S, B, m, 1]);
  const combine = (pairs: [Tensor, Tensor][]) =>
    semiring.sum(semiring.times(stack(pairs.map((p) => p[0]), 1), stack(pairs.map((p) => p[1]), 1)), 0);
  for (let w = 1; w < N; w++) {
    const m = N - w;
    const ks = Array.from({ length: w }, (_, k) => k);
    const inner = combine(ks.map((k) => [rows(C[k]!, 0, m, RIGHT), rows(C[w - 1 - k]!, k + 1, m, LEFT)])); // [S, B, m, 1]
    const heads = Array.from({ length: m }, (_, s) => s);
    const arcScores = stack([take(flat, heads.map((s) => (s + w) * N + s), 1), take(flat, heads.map((s) => s * N + s + w), 1)], 2);
    I[w] = semiring.times(inner, semiring.convert(arcScores)); // [S, B, m, 2]
    const left = combine(ks.map((k) => [rows(C[k]!, 0, m, LEFT), rows(I[w - k]!, k, m, LEFT)]));
    const right = combine(ks.map((k) => [rows(I[k + 1]!, 0, m, RIGHT), rows(C[w - k - 1]!, k + 1, m, RIGHT)]));
    C[w] = concat([left, right], 3);
  }
  const at = (chart: Tensor, b: number, s: number, dir: number) => reshape(slice(chart, [0, b, s, dir], [S, 1, 1, 1]), [S, 1]);
  const perSentence = lengths.map((n, b) => {
    if (!singleRoot) return at(C[n]!, b, 0, RIGHT);
    const r = Array.from({ length: n }, (_, i) => i + 1);
    const halves = semiring.times(stack(r.map((x) => at(C[x - 1]!, b, 1, LEFT)), 1), stack(r.map((x) => at(C[n - x]!, b, x, RIGHT)), 1));
    const rootArcs = semiring.convert(reshape(take(reshape(arcs, [B * N * N]), r.map((x) => b * N * N + x)), [n, 1]));
    return semiring.sum(semiring.times(halves, rootArcs), 0); // [S, 1]
  });
  return semiring.unconvert(concat(perSentence, 1));
}
