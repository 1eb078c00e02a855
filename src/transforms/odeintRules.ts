/**
 * @file odeint's derivatives: reverse mode by the adjoint method (an augmented ODE solved backward in
 * time), forward mode by the forward sensitivity equations. Both are ODEs solved by odeint itself,
 * written in adjoint's ops, so they are differentiated in turn for higher orders and mapped by vmap.
 *
 * Sources: L. S. Pontryagin et al. (1962) and R. T. Q. Chen et al., "Neural Ordinary Differential
 * Equations", NeurIPS 2018, Appendix C (the adjoint system with parameters and times, as
 * jax.experimental.ode implements it); E. Hairer, S. P. Nørsett, G. Wanner, Solving ODEs I, Sec. I.14
 * (the variational equation, dependence on initial values and parameters).
 */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { JvpTrace, ReverseTrace, unbox, withPaused, type Trace } from '../core/trace.js';
import { retainKept } from '../core/memory.js';
import { add, mul, sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { reshape, stack, take } from '../ops/shape.js';
import { recordRegion, runCapturing } from './customNode.js';
import { withVjp } from './vjp.js';
import { jvp } from './jvp.js';
import type { StepControl } from './dopri5.js';

/** An ODE y' = rhs(y, t, args) with its state and extra arguments as lists of tensor leaves. */
export interface FlatOde {
  readonly rhs: (y: readonly Tensor[], t: Tensor, args: readonly Tensor[]) => Tensor[];
  readonly control: StepControl;
}

/** odeint on flat leaves, at every trace level: y at each time of `t`, one [T, ...shape] tensor per leaf of y0. */
export type Solve = (ode: FlatOde, y0: readonly Tensor[], t: Tensor, args: readonly Tensor[]) => Tensor[];

const row = (x: Tensor, i: number): Tensor => take(x, i, 0);

/** Σ over leaves of ⟨a, b⟩, a 0-d tensor. */
function inner(a: readonly Tensor[], b: readonly Tensor[]): Tensor {
  return a.map((x, k) => sum(mul(x, b[k]!))).reduce((s, x) => add(s, x));
}

/**
 * rhs with the boxes of `trace` it reads through its closure (`captured`) made explicit: the
 * returned function takes their values after the arguments, `args.concat(values)`, as
 * jax.closure_convert does, so the derivative rules can differentiate with respect to them.
 */
function closureConverted(ode: FlatOde, trace: Trace, captured: readonly Tensor[]): FlatOde['rhs'] {
  if (captured.length === 0) return ode.rhs;
  return (y, t, all) => {
    const n = all.length - captured.length;
    const values = new Map(captured.map((box, i) => [box, all[n + i]!]));
    return withPaused(trace, (box) => values.get(box) ?? box.primal!, () => ode.rhs(y, t, all.slice(0, n)));
  };
}

/**
 * A reverse level: one tape node whose backward rule is the adjoint method. With a(t) = ∂L/∂y(t)
 * and L's cotangents g_i at the output times t_i, between outputs
 *     a' = −(∂f/∂y)ᵀ a,     θ̄' = −(∂f/∂θ)ᵀ a     (θ the arguments and the closure's tensors),
 * solved backward from t_i to t_{i−1} together with y itself (y' = f), starting from the stored
 * y(t_i); a jumps by g_i at each t_i. In reversed time s = −t the system reads
 *     dy/ds = −f(y, −s),  da/ds = (∂f/∂y)ᵀ a,  dθ̄/ds = (∂f/∂θ)ᵀ a,
 * one VJP of f per evaluation, and odeint solves it with the same tolerances. The times:
 * ∂L/∂t_i = ⟨g_i, f(y_i, t_i)⟩ for i ≥ 1 (moving an output time moves along the solution), and
 * ∂L/∂t_0 = −⟨a(t_0⁺), f(y_0, t_0)⟩ (∂y(t)/∂t_0 = −Φ(t, t_0) f(y_0, t_0)); ∂L/∂y_0 = a(t_0⁺) + g_0.
 */
export function reverseLevel(ode: FlatOde, trace: ReverseTrace, ins: Tensor[], ny: number, solve: Solve): Tensor[] {
  const inner0 = ins.map((x) => unbox(x, trace));
  const y0 = inner0.slice(0, ny), t = inner0[ny]!, args = inner0.slice(ny + 1);
  const { result: ys, captured } = runCapturing(trace, () => solve(ode, y0, t, args));
  retainKept(trace, [...inner0, ...ys]);
  const out = recordRegion('odeint', trace, ins, {
    out: ys,
    captured,
    backward: (ct) => adjointPass(ode, trace, captured, y0, t, args, ys, ct as Tensor[], solve),
  }) as Tensor[];
  return out;
}

function adjointPass(
  ode: FlatOde, trace: Trace, captured: readonly Tensor[], y0: readonly Tensor[], t: Tensor, args: readonly Tensor[],
  ys: readonly Tensor[], g: readonly Tensor[], solve: Solve,
): Tensor[] {
  const ny = y0.length, count = t.shape[0]!;
  const rhs = closureConverted(ode, trace, captured);
  const theta = [...args, ...captured.map((b) => b.primal!)];
  const gRow = (i: number) => g.map((x) => row(x, i));
  // The augmented state [y, a, θ̄] and its dynamics in reversed time.
  const augmented: FlatOde = {
    control: ode.control,
    rhs: (z, s, th) => withVjp(
      (y: Tensor[], p: Tensor[]) => rhs(y, neg(s), p),
      [z.slice(0, ny), th],
      (f, pullback) => {
        const [yBar, thetaBar] = pullback(z.slice(ny, 2 * ny)) as [Tensor[], Tensor[]];
        return [...(f as Tensor[]).map((x) => neg(x)), ...yBar, ...thetaBar];
      },
      'odeint (adjoint)',
    ),
  };
  let a = gRow(count - 1);
  let thetaBar = theta.map((x) => zeros(x.shape));
  const tBar: Tensor[] = new Array(count);
  for (let i = count - 1; i >= 1; i--) {
    const yi = ys.map((y) => row(y, i)), ti = row(t, i), gi = gRow(i);
    tBar[i] = inner(gi, rhs(yi, ti, theta));
    const z = solve(augmented, [...yi, ...a, ...thetaBar], stack([neg(ti), neg(row(t, i - 1))]), theta);
    a = z.slice(ny, 2 * ny).map((x) => row(x, 1));
    thetaBar = z.slice(2 * ny).map((x) => row(x, 1));
    if (i > 1) a = a.map((x, k) => add(x, row(g[k]!, i - 1)));
  }
  tBar[0] = neg(inner(a, rhs(y0, row(t, 0), theta)));
  const y0Bar = a.map((x, k) => add(x, row(g[k]!, 0)));
  // One cotangent per input leaf (y0, t, args), then per captured box.
  return [...y0Bar, stack(tBar), ...thetaBar];
}

/**
 * A forward level: the tangent of y(t) along (ẏ0, ṫ, θ̇) solves the forward sensitivity equations
 *     s' = (∂f/∂y) s + (∂f/∂θ) θ̇,   s(t_0) = ẏ0 − f(y_0, t_0) ṫ_0,
 * integrated together with y (one JVP of f per evaluation, error control over both), and
 * ẏ(t_i) = s(t_i) + f(y_i, t_i) ṫ_i. The value is solved on its own first, so forward mode returns
 * exactly what odeint returns.
 */
export function forwardLevel(ode: FlatOde, trace: JvpTrace, ins: Tensor[], ny: number, solve: Solve): Tensor[] {
  const inner0 = ins.map((x) => unbox(x, trace));
  const y0 = inner0.slice(0, ny), t = inner0[ny]!, args = inner0.slice(ny + 1);
  const seen = new Set<Tensor>();
  const ys = withPaused(trace, (box) => (seen.add(box), box.primal!), () => solve(ode, y0, t, args));
  const captured = [...seen];
  const tangents = [...ins.map((x) => (x.trace === trace ? x.tangent : null)), ...captured.map((b) => b.tangent)];
  if (tangents.every((d) => d === null)) return ys;
  const dots = withPaused(trace, (box) => box.primal!, () => {
    const rhs = closureConverted(ode, trace, captured);
    const theta = [...args, ...captured.map((b) => b.primal!)];
    const orZero = (d: Tensor | null, like: Tensor) => d ?? zeros(like.shape);
    const y0Dot = y0.map((y, k) => orZero(tangents[k]!, y));
    const tDot = tangents[ny]!;
    const thetaDot = theta.map((p, k) => orZero(tangents[ny + 1 + k]!, p));
    let s0 = y0Dot;
    if (tDot !== null) {
      const f0 = rhs(y0, row(t, 0), theta), dt0 = row(tDot, 0);
      s0 = s0.map((s, k) => sub(s, mul(f0[k]!, dt0)));
    }
    const sensitivity: FlatOde = {
      control: ode.control,
      rhs: (z, tt, pp) => {
        const [f, fDot] = jvp(
          (y: Tensor[], p: Tensor[]) => rhs(y, tt, p),
          [z.slice(0, ny), pp.slice(0, theta.length)],
          [z.slice(ny), pp.slice(theta.length)],
        ) as [Tensor[], Tensor[]];
        return [...f, ...fDot];
      },
    };
    let s = solve(sensitivity, [...y0, ...s0], t, [...theta, ...thetaDot]).slice(ny);
    if (tDot !== null) {
      // ẏ(t_i) gains f(y_i, t_i) ṫ_i: f at each output time, stacked like y.
      const count = t.shape[0]!;
      const fs = Array.from({ length: count }, (_, i) => rhs(ys.map((y) => row(y, i)), row(t, i), theta));
      s = s.map((sk, k) => {
        const fk = stack(fs.map((f) => f[k]!));
        return add(sk, mul(fk, reshape(tDot, [count, ...fk.shape.slice(1).map(() => 1)])));
      });
    }
    return s;
  });
  return ys.map((y, k) => trace.input(y, dots[k]!));
}
