/**
 * @file Cross-entropy and KL divergence between two models of the same structure, from one
 * forward-mode derivative of log Z: the expected score under p is linear in the scores, so
 * E_p[score_q] = Σ_parts μ_p · θ_q = the directional derivative of log Z_p along θ_q. KL also
 * uses p's own entropy, so that large scores cancel before they meet the marginals' rounding.
 */
import { Tensor } from '../tensor/tensor.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, equal, greater, lessEqual, minimum, mul, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
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
  /** The model's own entropy H(p) (one per batch item, or 0-d for one model), for KL = H(p, q) − H(p). */
  entropy: () => Tensor;
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
function expectations(p: ScoreForm, q: ScoreForm, tangents: Tensor[]): { logZp: Tensor; expected: Tensor; misses: Tensor } {
  const logZ = (...scores: Tensor[]) => p.logZ(scores);
  const [logZp, expected] = jvp(logZ, p.scores, tangents) as [Tensor, Tensor];
  const [, misses] = jvp(logZ, p.scores.map((t) => stopGradient(t)), q.scores.map((t) => equal(stopGradient(t), -Infinity))) as [Tensor, Tensor];
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
  const { logZp, expected, misses } = expectations(p, q, q.scores.map(usable));
  return finish(sub(q.logZ(q.scores), expected), logZp, misses);
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
  const thetaP = p.scores.map((t) => stopGradient(usable(t))), thetaQ = q.scores.map((t) => stopGradient(usable(t)));
  const size = (c: number) => thetaQ.reduce<Tensor>((total, t, i) => add(total, sum(abs(sub(t, mul(c, thetaP[i]!))))), Tensor.scalar(0));
  const [n0, n1, n2] = [size(0), size(1), size(-1)];
  const c = where(lessEqual(n0, minimum(n1, n2)), 0, where(lessEqual(n1, n2), 1, -1));
  const direction = q.scores.map((t, i) => sub(usable(t), mul(c, usable(p.scores[i]!))));
  const { logZp, expected, misses } = expectations(p, q, direction);
  const entropyP = reshape(p.entropy(), logZp.shape);
  const value = add(sub(sub(q.logZ(q.scores), mul(c, logZp)), expected), mul(sub(c, 1), entropyP));
  return finish(value, logZp, misses);
}
