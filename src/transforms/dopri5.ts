/**
 * @file The Dormand–Prince 5(4) stepper under odeint, on plain Float64Arrays: adaptive steps, and
 * the solution at the requested times by the method's 4th-order dense output. No differentiation
 * here: odeint's derivative rules (transforms/odeint.ts) solve ODEs of their own with it.
 *
 * Sources: J. R. Dormand and P. J. Prince, "A family of embedded Runge–Kutta formulae", J. Comput.
 * Appl. Math. 6 (1980); E. Hairer, S. P. Nørsett and G. Wanner, Solving Ordinary Differential
 * Equations I (2nd ed.), Table II.5.2 (the tableau), Sec. II.4 (the initial step size) and
 * Sec. II.6 (dense output); L. F. Shampine, "Some practical Runge–Kutta formulas", Math. Comp. 46
 * (1986) (the midpoint of the continuous extension). The step-size rule and its constants (safety
 * 0.9, growth at most 10×, shrink at most 5×, exponent 1/5) are those of jax.experimental.ode.
 */
import { AdjointError } from '../core/errors.js';

/** odeint could not reach a requested time: `mxstep` exceeded, or the step size underflowed. */
export class OdeintError extends AdjointError {
  static {
    this.prototype.name = 'OdeintError'; // survives minification (see core/errors.ts)
  }

  constructor(
    message: string,
    /** The time the solver had reached when it stopped. */
    readonly time: number,
    /** The output time it was heading for. */
    readonly target: number,
  ) {
    super(message);
  }
}

/** What the stepper needs to know besides the equation. */
export interface StepControl {
  readonly rtol: number;
  readonly atol: number;
  /** Most step attempts (accepted or rejected) between two consecutive output times, as JAX's. */
  readonly mxstep: number;
  /** Largest step. */
  readonly hmax: number;
}

/** dy/dt = f(y, t) on flat state vectors; returns a new array. */
export type FlatRhs = (y: Float64Array, t: number) => Float64Array;

// Nodes c, the stage matrix A (row s gives stage s from stages 0…s−1) and the 5th-order weights b;
// row 6 of A is b itself (the "first same as last" property: stage 6 is f at the new point).
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
// The error estimate's weights b − b̂, b̂ the embedded 4th-order solution
// (5179/57600, 0, 7571/16695, 393/640, −92097/339200, 187/2100, 1/40).
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
// The continuous extension at θ = 1/2 (Shampine 1986): y(t + h/2) ≈ y + h Σ M_s k_s.
const M = [
  6025192743 / 30085553152 / 2, 0, 51252292925 / 65400821598 / 2, -2691868925 / 45128329728 / 2,
  187940372067 / 1594534317056 / 2, -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2,
];
const SAFETY = 0.9, GROW = 10, SHRINK = 0.2, ORDER = 5;

/** RMS norm of x ⊘ scale. */
function rms(x: Float64Array, scale: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! / scale[i]!) ** 2;
  return Math.sqrt(s / x.length);
}

/**
 * The first step's size (Hairer–Nørsett–Wanner II.4): h₀ = 0.01‖y₀‖/‖f₀‖ in the tolerance's
 * scale, then h₁ such that the local error of an explicit Euler step, estimated from f at y₀ + h₀f₀,
 * is about 0.01, with p = 4 the order of the error estimate (as SciPy and JAX); the smaller of
 * 100 h₀ and h₁.
 */
function initialStep(rhs: FlatRhs, t0: number, y0: Float64Array, f0: Float64Array, c: StepControl): number {
  const n = y0.length;
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = c.atol + Math.abs(y0[i]!) * c.rtol;
  const d0 = rms(y0, scale), d1 = rms(f0, scale);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  const y1 = new Float64Array(n);
  for (let i = 0; i < n; i++) y1[i] = y0[i]! + h0 * f0[i]!;
  const f1 = rhs(y1, t0 + h0);
  const df = new Float64Array(n);
  for (let i = 0; i < n; i++) df[i] = f1[i]! - f0[i]!;
  const d2 = rms(df, scale) / h0;
  const big = Math.max(d1, d2);
  const h1 = big <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / big) ** (1 / 5);
  // f not finite at y₀ + h₀f₀ (outside its domain): start from h₀, and let the step control shrink it.
  return Number.isNaN(h1) ? h0 : Math.min(100 * h0, h1);
}

/**
 * The solution of y' = f(y, t), y(ts[0]) = y0, at each of the strictly increasing times `ts` (the
 * first is y0 itself). Steps never go past the last time. Between steps, the solution at an output
 * time is the quartic p(θ), θ = (τ − t)/h, with p(0) = y, p'(0) = h f(y), p(1) = y₁, p'(1) = h f(y₁)
 * and p(1/2) the continuous extension's midpoint: solving those five conditions for
 * p(θ) = aθ⁴ + bθ³ + cθ² + dθ + e gives
 *   a = 16 y½ − 8y − 8y₁ + 2h f₁ − 2h f,   b = −32 y½ + 18y + 14y₁ − 3h f₁ + 5h f,
 *   c = 16 y½ − 11y − 5y₁ + h f₁ − 4h f,   d = h f,   e = y.
 * Throws an OdeintError naming the time reached when more than `mxstep` attempts would be needed
 * before an output time, or when the step size underflows (a singularity, or func returning NaN).
 */
export function dopri5(rhs: FlatRhs, y0: Float64Array, ts: ArrayLike<number>, c: StepControl): Float64Array[] {
  const n = y0.length, count = ts.length;
  const out: Float64Array[] = [y0.slice()];
  if (count === 1) return out;
  if (n === 0) return Array.from({ length: count }, () => new Float64Array(0));
  const tEnd = ts[count - 1]!;
  let t = ts[0]!, y = y0.slice(), f = rhs(y, t);
  if (!f.every(Number.isFinite)) {
    throw new OdeintError(
      `odeint: func returned ${f.find((v) => !Number.isFinite(v))} in dy/dt at t[0] = ${t}, y0; the derivative must be finite at the initial state (check func's domain).`,
      t, ts[1]!,
    );
  }
  let h = Math.min(initialStep(rhs, t, y, f, c), c.hmax);
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const stage = new Float64Array(n), err = new Float64Array(n), scale = new Float64Array(n);
  // The last accepted step, kept for the dense output: from tPrev to t, with h·f at both ends and the midpoint.
  let tPrev = t, yPrev = y.slice(), hf0 = new Float64Array(n), hf1 = new Float64Array(n), yMid = y.slice();
  let sawNonFinite = false;

  for (let j = 1; j < count; j++) {
    const target = ts[j]!;
    for (let attempts = 0; t < target; attempts++) {
      if (attempts >= c.mxstep) {
        throw new OdeintError(
          `odeint: more than mxstep = ${c.mxstep} steps were needed between t = ${ts[j - 1]} and t = ${target} (output times ${j - 1} and ${j}); ` +
            `it reached t = ${t} with step size ${h.toExponential(3)}. The equation may be stiff there, or the tolerances (rtol = ${c.rtol}, ` +
            `atol = ${c.atol}) too tight for float64: raise mxstep, loosen rtol/atol, or add output times in between.`,
          t, target,
        );
      }
      const last = h >= tEnd - t;
      const step = last ? tEnd - t : h;
      if (!(step > 0) || t + step === t) {
        throw new OdeintError(
          `odeint: the step size fell to ${step.toExponential(3)} at t = ${t}, below what float64 can add to t, on the way to t = ${target} ` +
            `(rtol = ${c.rtol}, atol = ${c.atol}); ` +
            (sawNonFinite
              ? 'func returned NaN or ±Infinity near there: check its domain (a log or sqrt of a negative number, an overflow).'
              : 'the solution may blow up there (a singularity), or the equation be very stiff.'),
          t, target,
        );
      }
      // The stages: k_s = f(y + h Σ_{m<s} A_sm k_m, t + c_s h), k_0 = f(y, t).
      k[0]!.set(f);
      for (let s = 1; s < 7; s++) {
        const row = A[s]!;
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let m = 0; m < s; m++) acc += row[m]! * k[m]![i]!;
          stage[i] = y[i]! + step * acc;
        }
        k[s]!.set(rhs(stage, C[s] === 1 && last ? tEnd : t + C[s]! * step));
      }
      // stage now holds y₁ (row 6 of A is b); the error ratio is the RMS of err ⊘ (atol + rtol·max(|y|, |y₁|)).
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let s = 0; s < 7; s++) acc += E[s]! * k[s]![i]!;
        err[i] = step * acc;
        scale[i] = c.atol + c.rtol * Math.max(Math.abs(y[i]!), Math.abs(stage[i]!));
      }
      const ratio = rms(err, scale);
      if (Number.isNaN(ratio)) sawNonFinite = true;
      const accepted = ratio <= 1;
      if (accepted) {
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let s = 0; s < 7; s++) acc += M[s]! * k[s]![i]!;
          yMid[i] = y[i]! + step * acc;
          hf0[i] = step * k[0]![i]!;
          hf1[i] = step * k[6]![i]!;
        }
        yPrev.set(y);
        y.set(stage);
        f = k[6]!.slice();
        tPrev = t;
        t = last ? tEnd : t + step;
      }
      // The next step: h·min(10, max(floor, 0.9·ratio^(−1/5))), floor 1 after an accepted step (never
      // shrink then) and 0.2 after a rejected one; NaN (func gave NaN) shrinks by 5×.
      const floor = accepted ? 1 : SHRINK;
      const grow = ratio === 0 ? GROW : Math.min(GROW, Math.max(floor, SAFETY * ratio ** (-1 / ORDER)));
      h = Math.min(step * (Number.isNaN(grow) ? SHRINK : grow), c.hmax);
    }
    if (target === t) {
      out.push(y.slice());
      continue;
    }
    const th = (target - tPrev) / (t - tPrev);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e0 = yPrev[i]!, e1 = y[i]!, m = yMid[i]!, d0 = hf0[i]!, d1 = hf1[i]!;
      const a = 16 * m - 8 * e0 - 8 * e1 + 2 * d1 - 2 * d0;
      const b = -32 * m + 18 * e0 + 14 * e1 - 3 * d1 + 5 * d0;
      const cc = 16 * m - 11 * e0 - 5 * e1 + d1 - 4 * d0;
      value[i] = (((a * th + b) * th + cc) * th + d0) * th + e0;
    }
    out.push(value);
  }
  return out;
}
