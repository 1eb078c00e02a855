/** @file A line search for the strong Wolfe conditions with cubic interpolation (Nocedal & Wright, Algorithms 3.5 and 3.6). */
import { dot } from './space.js';

/** The loss and its gradient at a flat point. */
export type FlatObjective = (x: Float64Array) => { f: number; g: Float64Array };

export interface LineSearchResult {
  /** True when the strong Wolfe conditions hold at the returned point. */
  ok: boolean;
  /** True when at least the sufficient-decrease (Armijo) condition holds, so the point may be taken. */
  decrease: boolean;
  alpha: number;
  x: Float64Array;
  f: number;
  g: Float64Array;
  evaluations: number;
}

export interface LineSearchOptions {
  /** Sufficient decrease: f(x + αd) ≤ f(x) + c1·α·∇f·d. */
  c1: number;
  /** Curvature: |∇f(x + αd)·d| ≤ c2·|∇f(x)·d|. 0.9 suits quasi-Newton directions. */
  c2: number;
  maxEvaluations: number;
}

const DEFAULTS: LineSearchOptions = { c1: 1e-4, c2: 0.9, maxEvaluations: 30 };

/** The minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
}

/**
 * Finds a step α along the descent direction d from x (loss f0, gradient g0) satisfying the strong
 * Wolfe conditions: bracket by expanding from `alpha0`, then zoom with safeguarded cubic
 * interpolation. A non-finite loss counts as +∞ (the step is shortened).
 *
 * Near a minimum the decrease in f falls below its rounding error long before the gradient is
 * small, so sufficient decrease is then judged from the slope instead, as in Hager & Zhang's
 * approximate Wolfe conditions (2005): when |f(α) − f(0)| is within rounding, the step is accepted
 * if φ'(α) ≤ (1 − 2c1)|φ'(0)| (which is Armijo's condition for a quadratic), and the bracket is
 * narrowed by the sign of φ' rather than by comparing noisy values.
 */
export function wolfeLineSearch(
  fg: FlatObjective, x: Float64Array, f0: number, g0: Float64Array, d: Float64Array, alpha0: number,
  options: Partial<LineSearchOptions> = {},
): LineSearchResult {
  const { c1, c2, maxEvaluations } = { ...DEFAULTS, ...options };
  const dphi0 = dot(g0, d);
  let evaluations = 0;
  let best: LineSearchResult | null = null; // the lowest point with sufficient decrease
  const at = (alpha: number) => {
    const xa: Float64Array = new Float64Array(x.length);
    for (let i = 0; i < xa.length; i++) xa[i] = x[i]! + alpha * d[i]!;
    const { f, g } = fg(xa);
    evaluations++;
    const fv = Number.isFinite(f) ? f : Infinity;
    const point = { alpha, x: xa, f: fv, g, dphi: dot(g, d) };
    if (armijo({ alpha, f: fv, dphi: dot(g, d) }) && (best === null || fv < best.f)) {
      best = { ok: false, decrease: true, alpha, x: xa, f: fv, g, evaluations };
    }
    return point;
  };
  const done = (p: { alpha: number; x: Float64Array; f: number; g: Float64Array }): LineSearchResult =>
    ({ ok: true, decrease: true, alpha: p.alpha, x: p.x, f: p.f, g: p.g, evaluations });
  const fail = (): LineSearchResult => {
    const b = best as LineSearchResult | null;
    return b ? { ...b, evaluations } : { ok: false, decrease: false, alpha: 0, x, f: f0, g: g0, evaluations };
  };
  const noise = 1e-12 * Math.abs(f0);
  const flat = (p: { f: number }) => Math.abs(p.f - f0) <= noise;
  const armijo = (p: { alpha: number; f: number; dphi: number }) =>
    p.f <= f0 + c1 * p.alpha * dphi0 || (flat(p) && p.dphi <= -(1 - 2 * c1) * dphi0);
  /** f(p) ≥ f(q), unless both are within rounding of f0 (then the values say nothing). */
  const higher = (p: { f: number }, q: { f: number }) => p.f >= q.f && !(flat(p) && flat(q));
  const curvature = (p: { dphi: number }) => Math.abs(p.dphi) <= -c2 * dphi0;

  type Point = ReturnType<typeof at>;
  const zoom = (lo: Point, hi: Point): LineSearchResult => {
    while (evaluations < maxEvaluations) {
      const width = hi.alpha - lo.alpha;
      let alpha = cubicMinimizer(lo.alpha, lo.f, lo.dphi, hi.alpha, hi.f, Number.isFinite(hi.f) ? hi.dphi : NaN);
      const a = Math.min(lo.alpha, hi.alpha), b = Math.max(lo.alpha, hi.alpha);
      const margin = 0.1 * Math.abs(width);
      if (!(alpha >= a + margin && alpha <= b - margin)) alpha = lo.alpha + 0.5 * width; // bisect
      if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
      const p = at(alpha);
      if (!armijo(p) || higher(p, lo)) hi = p;
      else {
        if (curvature(p)) return done(p);
        if (p.dphi * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
    }
    return fail();
  };

  if (!(dphi0 < 0)) return fail(); // not a descent direction
  let prev: Point = { alpha: 0, x, f: f0, g: g0, dphi: dphi0 };
  let alpha = alpha0;
  for (let i = 0; evaluations < maxEvaluations; i++) {
    const p = at(alpha);
    if (!armijo(p) || (i > 0 && higher(p, prev))) return zoom(prev, p);
    if (curvature(p)) return done(p);
    if (p.dphi >= 0) return zoom(p, prev);
    prev = p;
    alpha *= 2;
  }
  return fail();
}
