/**
 * @file Standard normal draws truncated to an interval deep in one tail, by inversion of the tail
 * probability Q(x) = 1 − Φ(x) in log space. JAX's recipe (truncated.ts) inverts erf, whose values
 * out there are 1 − (something below the rounding of 1): past about 8σ every draw collapses onto a
 * bound (or onto ±1.8e308 for an infinite one), and from 3σ on it loses digits (JAX issue #10951).
 * Inverting log Q instead keeps full relative accuracy to any depth: Q(x) = ½ erfc(x/√2), and
 * log erfc comes from Cephes' rational tail form e^{−z²} P(z)/Q(z) without forming e^{−z²}.
 */
import { erf, logErfcTail } from './erf.js';

/** Where the tail form takes over: a lower bound ≥ 3 or an upper bound ≤ −3 (Q(3) ≈ 1.3e−3; JAX's recipe is kept inside). */
export const TAIL_START = 3;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Q(x) = log(1 − Φ(x)), accurate (no underflow) for large x. */
export function logUpperTail(x: number): number {
  if (x === Infinity) return -Infinity;
  const z = x / Math.SQRT2;
  return z >= 1 ? logErfcTail(z) - Math.LN2 : Math.log(0.5 * (1 - erf(z)));
}

/**
 * The x ≥ 3 with log Q(x) = L (L ≤ log Q(3)): Newton's method on the concave, decreasing
 * g(x) = log Q(x) − L, whose derivative is −φ(x)/Q(x). From the asymptotic start
 * x² ≈ −2L − log 2π − 2 log x (Q(x) ≈ φ(x)/x) the first step lands at or right of the root, and
 * concavity keeps every later step there while it converges monotonically (quadratically).
 */
export function inverseLogUpperTail(L: number): number {
  if (L === -Infinity) return Infinity;
  const t = -2 * L;
  let x = Math.sqrt(Math.max(t - 2 * LOG_SQRT_2PI - Math.log(t), 9));
  for (let i = 0; i < 100; i++) {
    const logQ = logUpperTail(x);
    const slope = -Math.exp(-0.5 * x * x - LOG_SQRT_2PI - logQ);
    const step = (logQ - L) / slope;
    x -= step;
    // Quadratic convergence: after a step of 1e−12·x the error left is of order (1e−12·x)², below rounding.
    // (A bound near one ulp would never be met: rounding makes the last steps jitter by an ulp or two.)
    if (!(Math.abs(step) > 1e-12 * x)) break;
  }
  return x;
}

/**
 * A draw from the standard normal truncated to (lower, upper), lower ≥ TAIL_START, at unit
 * uniform f: the x with Φ(x) = (1 − f)Φ(lower) + fΦ(upper), as JAX's recipe, written with Q:
 * Q(x) = (1 − f)Q(lower) + fQ(upper), in logs: log Q(x) = log Q(lower) + log(1 − f + f·Q(upper)/Q(lower)).
 */
export function upperTailDraw(lower: number, upper: number, f: number): number {
  const ql = logUpperTail(lower), qu = logUpperTail(upper);
  return inverseLogUpperTail(ql + Math.log(1 - f + f * Math.exp(qu - ql)));
}
