/**
 * @file Standard normal draws truncated to an interval deep in one tail, by inversion of the tail
 * probability Q(x) = 1 − Φ(x) in log space. JAX's recipe (truncated.ts) inverts erf, whose values
 * out there are 1 − (something below the rounding of 1): past about 8σ every draw collapses onto a
 * bound (or onto ±1.8e308 for an infinite one), and from 3σ on it loses digits (JAX issue #10951).
 * Inverting log Q instead keeps full relative accuracy to any depth: Q(x) = ½ erfc(x/√2), and
 * log erfc comes from Cephes' rational tail form e^{−z²} P(z)/Q(z) without forming e^{−z²}.
 */
import { logErfcFactor } from './erf.js';

/** Where the tail form takes over: a lower bound ≥ 3 or an upper bound ≤ −3 (Q(3) ≈ 1.3e−3; JAX's recipe is kept inside). */
export const TAIL_START = 3;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Q(a + δ) − log Q(a) for a ≥ TAIL_START and δ ≥ 0. With z = x/√2, Q(x) = ½ erfc(z) =
 * ½ e^{−z²} ρ(z) (ρ: erfc's rational tail factor), so the difference is −δ(a + δ/2) + log ρ(z_{a+δ})
 * − log ρ(z_a): no two logs of size a²/2 are subtracted (beyond a ≈ 1e8 those cancel to nothing
 * and the draws came out NaN or 1.8e308).
 */
function logTailRatio(a: number, delta: number): number {
  if (delta === Infinity) return -Infinity;
  return -delta * (a + 0.5 * delta) + logErfcFactor((a + delta) / Math.SQRT2) - logErfcFactor(a / Math.SQRT2);
}

/** d log Q(x)/dx = −φ(x)/Q(x) = −2/(√(2π) ρ(x/√2)), from the rational factor alone. */
function tailSlope(x: number): number {
  return -Math.exp(Math.LN2 - LOG_SQRT_2PI - logErfcFactor(x / Math.SQRT2));
}

/**
 * A draw from the standard normal truncated to (lower, upper), lower ≥ TAIL_START, at unit
 * uniform f: the x with Φ(x) = (1 − f)Φ(lower) + fΦ(upper), as JAX's recipe, written with Q:
 * Q(x) = (1 − f)Q(lower) + fQ(upper), in logs relative to Q(lower):
 * log Q(x) − log Q(lower) = log(1 − f + f·Q(upper)/Q(lower)) =: D ≤ 0. Solved for δ = x − lower
 * by Newton's method on the concave, decreasing g(δ) = logTailRatio(lower, δ) − D, from the
 * asymptotic δ = −D/lower (Q(x) ≈ φ(x)/x), which lies at or right of the root (g ≤ 0 there):
 * concavity keeps every step there while it converges monotonically (quadratically).
 */
export function upperTailDraw(lower: number, upper: number, f: number): number {
  const D = Math.log(1 - f + f * Math.exp(logTailRatio(lower, upper - lower)));
  let delta = -D / lower;
  for (let i = 0; i < 100 && delta > 0; i++) {
    const step = (logTailRatio(lower, delta) - D) / tailSlope(lower + delta);
    delta -= step;
    // Quadratic convergence: after a step of 1e−12·δ the error left is of order (1e−12·δ)², below rounding.
    if (!(Math.abs(step) > 1e-12 * delta)) break;
  }
  return lower + delta;
}
