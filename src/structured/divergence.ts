/**
 * @file Cross-entropy and KL divergence between two models of the same structure, from one
 * forward-mode derivative of log Z: the expected score under p is linear in the scores, so
 * E_p[score_q] = Σ_parts μ_p · θ_q = the directional derivative of log Z_p along θ_q. KL also
 * uses p's own entropy, so that large scores cancel before they meet the marginals' rounding.
 */
import { Tensor } from '../tensor/tensor.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, div, equal, greater, greaterEqual, lessEqual, minimum, mul, notEqual, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { floor } from '../ops/rounding.js';
import { sum } from '../ops/reduce.js';
import { isfinite } from '../ops/predicates.js';
import { sort } from '../ops/sort.js';
import { arange } from '../tensor/create.js';
import { stopGradient, where } from '../ops/select.js';
import { jvp } from '../transforms/jvp.js';
import { formatShape } from '../tensor/shape.js';
import { reshape } from '../ops/shape.js';

/**
 * A model as its score tensors (every tensor its structure scores are sums of entries of) and log Z
 * as a function of them ([B]: one per batch item), plus a description of everything else that fixes
 * the set of structures (lengths, options), which two models must share.
 */
export interface ScoreForm {
  scores: Tensor[];
  logZ: (scores: Tensor[]) => Tensor;
  structure: string;
  /**
   * The model's entropy H(p) (one per batch item) from score tensors of its structure: given
   * `centred` scores (the model's own moved by constants, the same distribution), for KL = H(p, q) − H(p)
   * and the model's `entropy()`. A model whose own entropy is accurate at any offset may ignore them.
   */
  entropy: (scores: Tensor[]) => Tensor;
  /**
   * Per score tensor, where every structure of a batch item uses the same number of its entries
   * (a chain's emissions, a tree's arcs): 'item' for a tensor whose axis 0 is the batch, 'shared'
   * for one all items share; null where the count varies (a semi-Markov model's segments). Such a
   * tensor may be moved by a constant (per item, or in all) without changing the distribution or
   * any cross-entropy: see `centred`.
   */
  countFixed: ReadonlyArray<'item' | 'shared' | null>;
}

/**
 * The score tensors with each fixed-count tensor moved by a constant, the median of its finite
 * non-zero entries (per batch item for 'item'), where that brings them near 0. Every structure's
 * score moves by the same amount (the constant times the fixed count), so p, q, H(p, q) and KL are
 * unchanged as exact values (and as functions: the constant is held fixed under differentiation,
 * so the gradients are too); but log Z and E_p[θ] no longer carry an offset G common to the
 * entries that cancels in log Z_q − E_p[θ_q] after costing G·ε (all arcs 10³⁰⁰ gave a
 * cross-entropy of 0 for log 3, a KL of −0.95), and the entropy semiring's weights exp(a − log Z)
 * no longer lose G·ε (a chain's entropy was 7e−5 off with 10¹² added to its emissions). The median,
 * not the largest entry: a large score on a few entries (a root row every tree uses once) stays
 * where it is, for klOf's choice of c, rather than moving the other entries by it.
 */
export function centred(form: ScoreForm): Tensor[] {
  return form.scores.map((t, i) => {
    const kind = form.countFixed[i];
    if (kind === null || kind === undefined || t.size === 0 || (kind === 'item' && t.ndim < 2)) return t;
    const rows = kind === 'item' ? t.shape[0]! : 1, width = t.size / rows;
    const flat = stopGradient(reshape(t, [rows, width]));
    // The finite entries other than 0: a model's unused entries (padding, a dependency model's
    // arcs into the root) hold 0, and a used 0 moves exactly (0 − c = −c) whatever c is.
    const used = mul(isfinite(flat), notEqual(flat, 0));
    const sorted = sort(where(used, flat, Infinity), 1); // the used entries first, in order
    const count = sum(used, 1, true), positions = arange(width);
    const at = (k: Tensor) => sum(where(equal(positions, k), sorted, 0), 1, true); // 0 where k is −1 (none used)
    const median = at(floor(div(sub(count, 1), 2))), spread = sub(at(sub(count, 1)), at(Tensor.scalar(0)));
    // Moved only where every used entry lies within a factor of two of the median (|median| ≥ 2 ·
    // spread): there each subtraction is exact (Sterbenz), so no score is rounded and tied
    // structures stay tied; elsewhere the offset is not common to the entries, and nothing moves.
    const constant = where(greaterEqual(abs(median), mul(2, spread)), median, 0);
    return sub(t, reshape(constant, kind === 'item' ? [rows, ...t.shape.slice(1).map(() => 1)] : []));
  });
}

/**
 * H(p) from the model's scores moved to near 0 (`centred`): the entropy semiring's weights
 * exp(a − log Z) lose G·ε where every score carries an offset G (a chain's entropy was 7e−5 off
 * with 10¹² added to its emissions).
 */
export function entropyOf(form: ScoreForm): Tensor {
  return form.entropy(centred(form));
}

/** Finite scores as they are, −∞ (a forbidden part) as 0: what a part adds to E_p[score] when p uses it with probability 0. */
const usable = (t: Tensor) => where(equal(t, -Infinity), 0, t);

/** `q` (null: `other` was a model of another kind) over the same structures as `p`, or an error. */
function checkSame(p: ScoreForm, q: ScoreForm | null, op: string): asserts q is ScoreForm {
  const shapes = (f: ScoreForm) => f.scores.map((t) => formatShape(t.shape)).join(', ');
  if (q === null || shapes(p) !== shapes(q) || p.structure !== q.structure) {
    throw new InvalidArgumentError(
      `${op}: other must be a model of the same kind over the same structures (score shapes ${shapes(p)}; ${p.structure}), got ${q !== null ? `shapes ${shapes(q)}; ${q.structure}` : 'a model of another kind'}; build both from scores of the same shapes, lengths and options.`,
    );
  }
}

/**
 * log Z_p and, per batch item, E_p[Σ_parts tangent] = ∂ log Z_p / ∂ scores · tangent (forward
 * mode), and E_p[number of parts q forbids], > 0 exactly when p gives probability to a structure q
 * gives none.
 */
function expectations(p: ScoreForm, thetaP: Tensor[], q: ScoreForm, tangents: Tensor[]): { logZp: Tensor; expected: Tensor; misses: Tensor } {
  const logZ = (...scores: Tensor[]) => p.logZ(scores);
  const [logZp, expected] = jvp(logZ, thetaP, tangents) as [Tensor, Tensor];
  const [, misses] = jvp(logZ, thetaP.map((t) => stopGradient(t)), q.scores.map((t) => equal(stopGradient(t), -Infinity))) as [Tensor, Tensor];
  return { logZp, expected, misses };
}

/** +∞ where p puts mass on what q forbids; 0 where p has no structure at all (as its entropy is 0). */
function finish(value: Tensor, logZp: Tensor, misses: Tensor): Tensor {
  return where(equal(logZp, -Infinity), 0, where(greater(misses, 0), Infinity, value));
}

/**
 * H(p, q) = −Σ_y p(y) log q(y) = log Z_q − E_p[score_q], per batch item, differentiable in both
 * models (E_p[score_q] = Σ μ_p · θ_q is the derivative of log Z_p along θ_q; its gradient is
 * second-order backprop through the forward algorithm).
 */
export function crossEntropyOf(p: ScoreForm, q: ScoreForm | null, op: string): Tensor {
  checkSame(p, q, op);
  const thetaQ = centred(q);
  const { logZp, expected, misses } = expectations(p, centred(p), q, thetaQ.map(usable));
  return finish(sub(q.logZ(thetaQ), expected), logZp, misses);
}

/**
 * KL(p ‖ q) per batch item, differentiable in both. E_p[v] = Σ μ_p · v carries the marginals'
 * rounding (about ε times p's largest scores) times the size of v, so a score G that every
 * structure uses (a start score of 10⁸, a dependency model's root row) costs G²·ε wherever it sits
 * in v: one derivative along θ_q − θ_p gave twice the divergence at G = 10⁸ in p alone. For any
 * constant c, with v = θ_q − c·θ_p and E_p[θ_p] = log Z_p − H(p) (p's own entropy: its entropy
 * semiring, or its centred formula, accurate at any offset),
 *
 *   KL = log Z_q − E_p[θ_q] − H(p) = log Z_q − c·log Z_p − E_p[v] + (c − 1)·H(p),
 *
 * so c is taken among 0, 1 and −1 to make v smallest in total: 0 where p has the large scores
 * and q not, 1 where both share them, −1 where they are opposite. c is a constant to
 * differentiation (the identity holds for every c).
 */
export function klOf(p: ScoreForm, q: ScoreForm | null, op: string): Tensor {
  checkSame(p, q, op);
  const scoresP = centred(p), scoresQ = centred(q);
  const thetaP = scoresP.map((t) => stopGradient(usable(t))), thetaQ = scoresQ.map((t) => stopGradient(usable(t)));
  const size = (c: number) => thetaQ.reduce<Tensor>((total, t, i) => add(total, sum(abs(sub(t, mul(c, thetaP[i]!))))), Tensor.scalar(0));
  const [n0, n1, n2] = [size(0), size(1), size(-1)];
  const c = where(lessEqual(n0, minimum(n1, n2)), 0, where(lessEqual(n1, n2), 1, -1));
  const direction = scoresQ.map((t, i) => sub(usable(t), mul(c, usable(scoresP[i]!))));
  const { logZp, expected, misses } = expectations(p, scoresP, q, direction);
  const entropyP = reshape(p.entropy(scoresP), logZp.shape);
  const value = add(sub(sub(q.logZ(scoresQ), mul(c, logZp)), expected), mul(sub(c, 1), entropyP));
  return finish(value, logZp, misses);
}
