/**
 * @file log Z of non-projective dependency trees by the Matrix-Tree theorem (Koo, Globerson,
 * Carreras & Collins 2007; Smith & Smith 2007; McDonald & Satta 2007): the log-determinant of a
 * Laplacian minor. Not a semiring dynamic program: the arc marginals are its gradient, through
 * linalg.slogdet's rule (A⁻ᵀ).
 */
import type { Tensor } from '../tensor/tensor.js';
import { eye, tensor } from '../tensor/create.js';
import { add, equal, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { max, sum } from '../ops/reduce.js';
import { reshape, slice } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { slogdet } from '../linalg/det.js';
import { diagEmbed } from '../linalg/diagonal.js';
import { reachesAllWords } from './reach.js';

/**
 * log Z for a batch of masked arc scores [B, N, N] (indexed [head, child], position 0 the root,
 * −∞ on arcs into the root, self-loops and positions past each sentence); returns [B].
 *
 * With weights A[h, m] = exp(arc(h → m)) among the n = N − 1 words and root weights r[m] =
 * exp(arc(0 → m)), the Laplacian L[m, m] = Σ_h A[h, m], L[h, m] = −A[h, m] (h ≠ m) gives
 *   several root dependents:  Z = det(L + diag(r))                     (the root's row and column struck out)
 *   one root dependent:       Z = det(L with its first row replaced by r)   (Koo et al. 2007, §3.3)
 * Every entry of column m is a weight of an arc into m, so scaling column m by exp(−c_m) scales the
 * determinant by exp(−c_m): with c_m the largest score into m (held constant: log Z does not
 * depend on it), log Z = log det L̂(arc − c) + Σ_m c_m has no overflow. Padding words (past a
 * sentence) get a unit diagonal and no arcs, so they contribute det = 1. Where no tree has a
 * finite score (`treeExists`) the determinant is 0 and its derivative infinite: those sentences
 * get log Z = −∞ through an identity matrix, so their gradient is exactly 0.
 */
export function matrixTreeLogPartition(arcs: Tensor, lengths: readonly number[], singleRoot: boolean): Tensor {
  const [B, N] = arcs.shape as [number, number, number];
  const n = N - 1;
  const c = stopGradient(max(arcs, 1)); // [B, N]: the largest score into each position
  const shift = where(equal(c, -Infinity), 0, c);
  const weights = exp(sub(arcs, reshape(shift, [B, 1, N])));
  const root = reshape(slice(weights, [0, 0, 1], [B, 1, n]), [B, 1, n]);
  const words = slice(weights, [0, 1, 1], [B, n, n]);
  const padding = tensor(lengths.flatMap((len) => Array.from({ length: n }, (_, m) => (m + 1 > len ? 1 : 0))), [B, 1, n]);
  let diagonal = add(reshape(sum(words, 1), [B, 1, n]), padding);
  if (!singleRoot) diagonal = add(diagonal, root);
  // [B, n, n]: column m holds the arcs into word m + 1 (words has a zero diagonal: no self-loops).
  let laplacian = sub(diagEmbed(reshape(diagonal, [B, n]), 0, n, n), words);
  if (singleRoot) laplacian = where(tensor(Array.from({ length: n }, (_, h) => (h === 0 ? 1 : 0)), [n, 1]), root, laplacian);
  const values = stopGradient(arcs).values;
  const none = lengths.map((len, b) => !treeExists(values, b, N, len, singleRoot));
  const logShift = sum(slice(shift, [0, 1], [B, n]), 1);
  // The common case, a tree in every sentence, skips the two masking passes over [B, n, n].
  if (!none.includes(true)) return add(slogdet(laplacian).logAbsDet, logShift);
  const dead = tensor(none.map((x) => (x ? 1 : 0)), [B]);
  const safe = where(reshape(dead, [B, 1, 1]), eye(n), laplacian);
  return where(dead, -Infinity, add(slogdet(safe).logAbsDet, logShift));
}

/**
 * Whether sentence b (words 1 … length) has a tree of finite score: every word reachable from the
 * root along arcs of finite score, and with one root dependent, all from one word r with a finite
 * arc 0 → r along word-to-word arcs.
 */
export function treeExists(arcs: ArrayLike<number>, b: number, N: number, length: number, singleRoot: boolean): boolean {
  const finite = (h: number, m: number) => arcs[(b * N + h) * N + m]! > -Infinity;
  if (!singleRoot) return reachesAllWords(length, [0], finite);
  for (let r = 1; r <= length; r++) if (finite(0, r) && reachesAllWords(length, [r], finite)) return true;
  return false;
}
