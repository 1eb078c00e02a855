/**
 * @file log Z of non-projective dependency trees by the Matrix-Tree theorem (Koo, Globerson,
 * Carreras & Collins 2007; Smith & Smith 2007; McDonald & Satta 2007): the determinant of a
 * Laplacian minor, computed by a subtraction-free elimination (GTH: Grassmann, Taksar & Heyman
 * 1985; O'Cinneide 1993) so that it keeps full relative accuracy. Not a semiring dynamic program:
 * the arc marginals are its gradient.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { add, equal, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { max, sum } from '../ops/reduce.js';
import { concat, reshape, slice, take } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { slogdet } from '../linalg/det.js';
import { gthLogDetInRange, gthLogDetLogOps } from './gthLog.js';
import { diagEmbed } from '../linalg/diagonal.js';
import { reachesAllWords } from './reach.js';
import { batchesOf, boxedPerExample, everyExample } from '../transforms/vmap.js';

/**
 * log Z for a batch of masked arc scores [B, N, N] (indexed [head, child], position 0 the root,
 * −∞ on arcs into the root, self-loops and positions past each sentence); returns [B].
 *
 * With weights W[h, m] = exp(arc(h → m)) among the n = N − 1 words and root weights s[m] =
 * exp(arc(0 → m)), the Laplacian M[m, m] = s[m] + Σ_h W[h, m], M[h, m] = −W[h, m] (h ≠ m) gives
 *   several root dependents:  Z = det M
 *   one root dependent:       Z = Σ_r s[r] · det(L with row and column r struck out),  L = M at s = 0
 * (the second is Koo et al.'s first-row replacement, §3.3, expanded along that row). Every entry of
 * column m is a weight of an arc into m, so scaling column m by exp(−c_m) scales the determinant by
 * exp(−c_m): with c_m the largest score into m (held constant: log Z does not depend on it),
 * log Z = log det(shifted) + Σ_m c_m has no overflow.
 *
 * The determinant is not taken by LU with pivoting (slogdet): M is a column diagonally dominant
 * M-matrix, and when the best arcs into the words form a cycle whose way out costs g nats, Z is
 * e^{−g} times the size of M's entries, so an LU's subtractions lose it entirely from g ≈ 36 on
 * (log Z −∞, marginals above 1 or NaN). Instead M is held by its off-diagonal weights W ≥ 0 and its
 * column excesses x = s (the column sums of M), and Gaussian elimination of one word k at a time
 * keeps that form with additions only (GTH):
 *   pivot p = x[k] + Σ_i W[i, k],   W′[i, j] = W[i, j] + W[i, k] W[k, j] / p,   x′[j] = x[j] + W[k, j] x[k] / p,
 * and det M = Π p. Every quantity is a sum of non-negative terms, so log Z has full relative
 * accuracy; its gradient (the marginals) is reverse mode through the same steps. The elimination
 * and its adjoint run as typed-array kernels (gthKernel.ts, primitives in gthLog.ts). One root dependent: L has no excess, so its minor without r is the product
 * of the pivots of eliminating every word but r, and the sum over r is the first-order term in t of
 * det(L + t·diag(s)) — the same elimination carrying the root weights as a second excess σ
 * (σ′[j] = σ[j] + W[k, j] σ[k] / p, the pivots without it), with one word r that carries a tree
 * eliminated last: Z = Π p · σ[r]. Padding words (past a sentence) get excess 1 and no arcs, so
 * they contribute a pivot of 1. Where no tree has a finite score (`treeExists`) the determinant is
 * 0: those sentences are eliminated with unit pivots instead and get log Z = −∞, so their gradient is exactly 0.
 *
 * Range. The shifted weights are at most 1, but an arc far below its word's best (800 nats: e^−800
 * is 0 in floating point), a path of arcs through eliminated words, or the way out of a cycle can
 * fall below floating point's range even for scores within ±100 (gthKernel.ts, Range), and then
 * log Z was −∞ and the marginals NaN. Such batches (the kernel's flag, or weights below the range,
 * `weightRange`, that carry more than 2^−60 of Z) run the same elimination on the logs of the
 * weights (gthLogDetLogOps: logsumexp and logaddexp for the sums), exact for any finite scores;
 * the common case, and arcs masked with −1e9, keep the kernels.
 */
export function matrixTreeLogPartition(arcs: Tensor, lengths: readonly number[], singleRoot: boolean): Tensor {
  const [B, N] = arcs.shape as [number, number, number];
  const n = N - 1;
  const c = stopGradient(max(arcs, 1)); // [B, N]: the largest score into each position
  const shift = where(equal(c, -Infinity), 0, c);
  const logWeights = sub(arcs, reshape(shift, [B, 1, N]));
  // The route and the elimination order are read off the scores, per sentence. Under vmap the
  // scores differ per example: every example's are read (E examples of B sentences, sentence
  // e·B + b), and what depends on them becomes per-example data (boxed at the vmaps), so each
  // example takes the route and the order it takes alone.
  const batches = batchesOf(arcs);
  const values = everyExample(stopGradient(arcs), "DependencyCRF's Matrix-Tree route and elimination order");
  const E = values.length / (B * N * N);
  const examples = Array.from({ length: E }, (_, e) => e);
  const perExample = (data: number[][], shape: number[]) =>
    (batches.length === 0 ? tensor(data[0]!, shape) : boxedPerExample(tensor(data.flat(), [...batches.map((t) => t.size), ...shape]), batches));
  const lu = examples.map((e) => !singleRoot && lengths.every((len, b) => luIsAccurate(values, e * B + b, N, len)));
  if (lu.every(Boolean)) return luLogPartition(exp(logWeights), shift, lengths);
  const roots = examples.map((e) => lengths.map((len, b) => treeRoot(values, e * B + b, N, len, singleRoot)));
  const ranges = examples.flatMap((e) => lengths.map((len, b) => weightRange(values, e * B + b, N, len)));
  const inRange = ranges.every((r) => r === IN_RANGE);
  // The kernels' route only where no weight lies between those two (see weightRange); else log space.
  const kernels = !ranges.includes(TOO_SMALL);
  let moderate = true;
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) > 1e15 && values[i]! > -Infinity) { moderate = false; break; }
  const gth = gthLogPartition(logWeights, shift, lengths, singleRoot, roots, inRange, kernels && (inRange || moderate), perExample);
  if (!lu.includes(true)) return gth;
  // Examples of both routes in one batch: each keeps its own (the other route's value, even NaN, is not selected).
  return where(perExample(lu.map((x) => [x ? 1 : 0]), [1]), luLogPartition(exp(logWeights), shift, lengths), gth);
}

/**
 * log Z by the subtraction-free elimination (gthLogDet), given for each example (one outside vmap)
 * and sentence the word `last` that can be the root's dependent (−1: no tree); `perExample` makes
 * data of each example's into a tensor of one example's shape.
 */
function gthLogPartition(
  logWeights: Tensor, shift: Tensor, lengths: readonly number[], singleRoot: boolean, lastOf: number[][], inRange: boolean, kernels: boolean,
  perExample: (data: number[][], shape: number[]) => Tensor,
): Tensor {
  const [B, N] = logWeights.shape as [number, number, number];
  const n = N - 1;
  const deadOf = lastOf.map((last) => last.map((r) => (r < 0 ? 1 : 0)));
  const anyDead = deadOf.some((dead) => dead.includes(1));
  // Elimination order per sentence: every word but `last` in order, then `last` (one root
  // dependent: a word that carries a tree; several: any order, so the identity).
  const orderOf = lastOf.map((last) => last.map((r) => {
    const rest = Array.from({ length: n }, (_, m) => m).filter((m) => !singleRoot || m !== Math.max(r, 1) - 1);
    return singleRoot ? [...rest, Math.max(r, 1) - 1] : rest;
  }));
  const wordIndexOf = orderOf.map((order) => {
    const at = new Int32Array(B * n * n);
    order.forEach((o, b) => o.forEach((i, a) => o.forEach((j, d) => (at[(b * n + a) * n + d] = (b * N + i + 1) * N + j + 1))));
    return at;
  });
  const rootIndexOf = orderOf.map((order) => {
    const at = new Int32Array(B * n);
    order.forEach((o, b) => o.forEach((i, a) => (at[b * n + a] = (b * N + 0) * N + i + 1)));
    return at;
  });
  // One order for every example (always outside vmap): the indices are constants, else per-example data.
  const indices = (of: Int32Array[]) =>
    (of.every((x) => x.every((v, k) => v === of[0]![k])) ? of[0]! : perExample(of.map((x) => Array.from(x)), [of[0]!.length]));
  // The rows are gathered in log space (−∞ for a weight of 0), so that the elimination can run in
  // log space where the weights' one would leave floating point's range (gthKernel.ts, Range).
  const flat = reshape(logWeights, [B * N * N]);
  let W = reshape(take(flat, indices(wordIndexOf)), [B, n, n]); // W[b, a, d]: log weight of arc order[a] → order[d] (−∞ on the diagonal: masked)
  let root = reshape(take(flat, indices(rootIndexOf)), [B, n]);
  // Padding words, and every word of a sentence without a tree, get excess 1 and no arcs.
  const idle = perExample(orderOf.map((order, e) => order.flatMap((o, b) => o.map((i) => (deadOf[e]![b] || i + 1 > lengths[b]! ? 1 : 0)))), [B, n]);
  const dead = anyDead ? perExample(deadOf, [B]) : null;
  if (dead !== null) {
    W = where(reshape(dead, [B, 1, 1]), -Infinity, W);
    root = where(reshape(dead, [B, 1]), singleRoot ? 0 : -Infinity, root);
  }
  // One [B, R, m] tensor: rows 0 … m − 1 the arcs among the words left, then the excess row, then
  // (one root dependent) σ. The excess and σ rows are updated by the same fill as the words', and
  // the pivot sums the word rows and the excess (not σ). Several root dependents: the root weights
  // are the excess; one: the padding's are, and σ is the root weights. (An idle word's root weight
  // is 0: its root arc is masked, or its sentence dead; so its excess is 1.)
  const extra = singleRoot
    ? [reshape(where(idle, 0, -Infinity), [B, 1, n]), reshape(root, [B, 1, n])]
    : [reshape(where(idle, 0, root), [B, 1, n])];
  const logRows = concat([W, ...extra], 1);
  // Weights out of range (arcs masked with −1e9, say): the kernels run without them if they carry
  // a negligible share of Z (gthLogDetInRange), else the log-space elimination. Not past scores of
  // 1e15 (`moderate`): there the linear route's second derivatives, rounded at ε times the scores,
  // are no longer small, where the log-space route gives a point mass's exact zeros.
  const logDet = (kernels ? gthLogDetInRange(exp(logRows), singleRoot, inRange ? null : stopGradient(logRows)) : null)
    ?? gthLogDetLogOps(logRows, singleRoot);
  const logShift = sum(slice(shift, [0, 1], [B, n]), 1);
  const logZ = add(logDet, logShift);
  return dead === null ? logZ : where(dead, -Infinity, logZ);
}

/**
 * A weight e^{score − best} at least e^LOG_SAFE ≈ 2^−450 keeps the kernels' derivatives finite to the
 * second order: their first-order cotangents reach about n/w (gthKernel.ts keeps them finite down to
 * its TINY, 2^−900), and the second order multiplies two of them — with weights of e^−490 the Hessian
 * of log Z and the gradients of `entropy` and `kl` came out ±∞ and NaN where they are ~1e−44 and
 * ~5e−5 (brute force). Below LOG_ZERO a weight is exactly 0 in float64: the kernels run without it,
 * checked negligible (gthLogDetInRange). In between, the elimination runs in log space.
 */
const LOG_SAFE = -310;
const LOG_ZERO = -745.2;
/** Sentence b's arcs: all within −LOG_SAFE nats of the best into their word; some only below LOG_ZERO; or some in between. */
const IN_RANGE = 0, ZEROED = 1, TOO_SMALL = 2;

/**
 * How the arcs of sentence b with a finite score lie against the best arc into their word (see
 * LOG_SAFE): IN_RANGE, ZEROED (some weights round to exactly 0: arcs masked with −1e9, a cycle
 * whose ways out are thousands of nats down) or TOO_SMALL.
 */
function weightRange(arcs: ArrayLike<number>, b: number, N: number, length: number): number {
  let range = IN_RANGE;
  for (let m = 1; m <= length; m++) {
    let top = -Infinity;
    for (let h = 0; h <= length; h++) if (h !== m) top = Math.max(top, arcs[(b * N + h) * N + m]!);
    for (let h = 0; h <= length; h++) {
      const x = arcs[(b * N + h) * N + m]!;
      if (h === m || !(x > -Infinity) || x - top >= LOG_SAFE) continue;
      if (x - top >= LOG_ZERO) return TOO_SMALL;
      range = ZEROED;
    }
  }
  return range;
}

/**
 * Largest n² · e^G for which the LU route below is taken: its pivots then err by at most about
 * 2n² e^G ε ≈ 1e-10 relative (see luIsAccurate).
 */
const LU_BOUND = 4.5e5;

/**
 * Whether sentence b (several root dependents) can take its determinant by LU (slogdet) with every
 * pivot accurate to about 1e-10 relative. M is a column diagonally dominant M-matrix: partial
 * pivoting keeps the diagonal, every Schur complement stays one (entries at most twice the column
 * sums, ≤ n + 1 after the shift), so each pivot, formed by up to n subtractions, errs by at most
 * about 2n²ε absolutely; and a pivot is at least the excess of its column, which only grows in
 * elimination, from the root weight s_m = e^{arc(0→m) − c_m}. With G the largest gap c_m − arc(0→m)
 * between a word's best arc and its root arc, the relative error is at most 2n² e^G ε. Every
 * word needs a finite root arc (so every sentence has a tree). Bench-like scores in [−1, 1] have
 * G ≤ 2; larger gaps, where LU's subtractions lose Z (the cycles of `matrixTreeLogPartition`'s
 * comment), take the subtraction-free elimination.
 */
function luIsAccurate(arcs: ArrayLike<number>, b: number, N: number, length: number): boolean {
  let gap = 0;
  for (let m = 1; m <= length; m++) gap = Math.max(gap, rootGap(arcs, b, N, length, m)); // +∞ (or NaN) for a forbidden root arc
  return length * length * Math.exp(gap) <= LU_BOUND; // false for NaN
}

/** Word m's best arc in minus its root arc (sentence b, words 1 … length): how much m would rather not hang from the root. */
function rootGap(arcs: ArrayLike<number>, b: number, N: number, length: number, m: number): number {
  let top = -Infinity;
  for (let h = 0; h <= length; h++) if (h !== m) top = Math.max(top, arcs[(b * N + h) * N + m]!);
  return top - arcs[(b * N) * N + m]!;
}

/**
 * log Z of sentences that all pass `luIsAccurate` (several root dependents): the log-determinant of
 * the shifted Laplacian M by slogdet (LU, O(n³) in one kernel, its gradient M⁻ᵀ through the same
 * factors). Padding words get a unit diagonal and no arcs.
 */
function luLogPartition(weights: Tensor, shift: Tensor, lengths: readonly number[]): Tensor {
  const [B, N] = weights.shape as [number, number, number];
  const n = N - 1;
  const root = reshape(slice(weights, [0, 0, 1], [B, 1, n]), [B, 1, n]);
  const words = slice(weights, [0, 1, 1], [B, n, n]); // column m: the arcs into word m + 1 (a zero diagonal)
  const padding = tensor(lengths.flatMap((len) => Array.from({ length: n }, (_, m) => (m + 1 > len ? 1 : 0))), [B, 1, n]);
  const diagonal = add(add(reshape(sum(words, 1), [B, 1, n]), padding), root);
  const laplacian = sub(diagEmbed(reshape(diagonal, [B, n]), 0, n, n), words);
  return add(slogdet(laplacian).logAbsDet, sum(slice(shift, [0, 1], [B, n]), 1));
}

/**
 * Whether sentence b (words 1 … length) has a tree of finite score: every word reachable from the
 * root along arcs of finite score, and with one root dependent, all from one word r with a finite
 * arc 0 → r along word-to-word arcs.
 */
export function treeExists(arcs: ArrayLike<number>, b: number, N: number, length: number, singleRoot: boolean): boolean {
  return treeRoot(arcs, b, N, length, singleRoot) >= 0;
}

/**
 * −1 when sentence b has no tree of finite score; otherwise, with one root dependent, a word r
 * that can be it (a finite arc 0 → r, and every word reachable from r), and with several, 0.
 */
function treeRoot(arcs: ArrayLike<number>, b: number, N: number, length: number, singleRoot: boolean): number {
  const finite = (h: number, m: number) => arcs[(b * N + h) * N + m]! > -Infinity;
  if (!singleRoot) return reachesAllWords(length, [0], finite) ? 0 : -1;
  // Of the words that can be the root's dependent, the one whose root arc is nearest its best arc
  // in: eliminated last, its minor's pivots are the weights of the other words' arcs, not of a word
  // that would rather hang from the root (a pivot of e^{−g} would put e^{2g} in the gradient).
  // The candidates by gap (ties to the lower index), and the reachability search, O(n²), only until
  // one passes: usually the first, where testing every word would be O(n³).
  const candidates: Array<[number, number]> = [];
  for (let r = 1; r <= length; r++) {
    if (!finite(0, r)) continue;
    const g = rootGap(arcs, b, N, length, r);
    if (g < Infinity) candidates.push([g, r]); // not ∞ or NaN (a +∞ score)
  }
  candidates.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const [, r] of candidates) if (reachesAllWords(length, [r], finite)) return r;
  return -1;
}
