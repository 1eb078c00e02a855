/** @file odeint: the solution of an ODE at given times, as jax.experimental.ode.odeint, differentiable in every mode and mapped by vmap. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { JvpTrace, ReverseTrace, anyTraceRunning, live, topTrace } from '../core/trace.js';
import { flatten, unflatten, type TensorLikeTree, type TensorTree, type TensorTrees, type TreeDef, type TupleInferred } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { RecordTrace } from '../jit/recordTrace.js';
import { expandDims, take } from '../ops/shape.js';
import { describeTree, flattenArgs, leavesLike, rebuildArgs } from './args.js';
import { checkLoopFunction, checkOptions } from './loopArgs.js';
import { BatchTrace, eachExample } from './vmap.js';
import { dopri5, type StepControl } from './dopri5.js';
import { forwardLevel, reverseLevel, type FlatOde } from './odeintRules.js';

export { OdeintError } from './dopri5.js';

/** Options of odeint: JAX's keywords, and its extra arguments. */
export interface OdeintOptions<A extends readonly unknown[] = readonly unknown[]> {
  /**
   * Extra arguments passed to `func` after y and t, `func(y, t, ...args)`: JAX's `*args`, each a
   * tensor, a number or a pytree of them, differentiable like y0 and t. (Tensors `func` reads through
   * its closure are differentiated too; `args` is there for code ported from JAX.)
   */
  args?: A | undefined;
  /** Relative local error tolerance. Default 1.4e-8, as JAX's. */
  rtol?: number | undefined;
  /** Absolute local error tolerance. Default 1.4e-8, as JAX's. */
  atol?: number | undefined;
  /** Most steps (accepted or rejected) between two consecutive output times. Default Infinity. */
  mxstep?: number | undefined;
  /** Largest step size. Default Infinity. */
  hmax?: number | undefined;
}

const OPTIONS = ['args', 'rtol', 'atol', 'mxstep', 'hmax'];

/**
 * The solution of dy/dt = func(y, t, ...args), y(t[0]) = y0, at each time of `t` (1-D, strictly
 * increasing), stacked on a new leading axis: one tensor of shape [t.length, ...leaf.shape] per leaf
 * of y0, in y0's structure (a tensor or a pytree of tensors). As jax.experimental.ode.odeint: the
 * Dormand–Prince 5(4) method with adaptive steps (error ≤ atol + rtol·|y| per step, RMS over the
 * state) and the solution between steps from its 4th-order dense output.
 *
 * Differentiable in y0, t, `options.args` and every tensor `func` closes over: reverse mode by the
 * adjoint method (an augmented ODE solved backward in time with the same tolerances, as JAX),
 * forward mode by the sensitivity equations, each solved by odeint and so differentiable again
 * (`grad(grad(·))`, `hvp`); these are the derivatives of the exact solution, accurate to about the
 * tolerances, not of the discrete steps. Under `vmap` each example is solved on its own with its own
 * steps; under `jit` the steps depend on values, so the call runs as is (not replayed).
 * Errors: an OdeintError names the time reached when `mxstep` is exceeded or the step size underflows.
 * @example
 * // y' = −k y: y(t) = y0 e^{−kt}
 * const ys = ad.odeint((y, t, k) => ad.mul(ad.neg(k), y), ad.tensor(1), ad.tensor([0, 1, 2]), { args: [0.5] });
 * ys.toArray(); // ≈ [1, e^{−0.5}, e^{−1}]
 */
export function odeint<Y extends TupleInferred, const A extends readonly unknown[] = []>(
  func: (y: TensorTree<NoInfer<Y>>, t: Tensor, ...args: TensorTrees<A>) => TensorLikeTree<NoInfer<Y>>,
  y0: Y,
  t: Tensor | readonly number[],
  options?: OdeintOptions<A>,
): TensorTree<Y>;
export function odeint(
  func: (y: any, t: Tensor, ...args: any[]) => unknown,
  y0: unknown,
  t: Tensor | readonly number[],
  options: OdeintOptions = {},
  ...extra: unknown[]
): unknown {
  if (extra.length > 0) extraArguments('odeint', 'odeint(func, y0, t, options?)', extra, options);
  checkLoopFunction(func, 'odeint', 'func', '(y, t, ...args) => dy/dt');
  checkOptions(options, 'odeint', OPTIONS);
  const control = readControl(options);
  const args = options.args ?? [];
  if (!Array.isArray(args)) {
    throw new InvalidArgumentError(`odeint: options.args must be an array of func's extra arguments (func(y, t, ...args)), got ${describe(args)}; e.g. { args: [k] }.`);
  }
  const yTree = flatten(y0, 'odeint (y0)');
  const y0Leaves = yTree.leaves.map((l) => asTensor(l, 'odeint (y0)'));
  if (y0Leaves.length === 0) {
    throw new InvalidArgumentError(`odeint: y0 holds no tensor (${describeTree(yTree.def)}); pass the initial state, a tensor or a pytree of tensors.`);
  }
  const times = t instanceof Tensor ? t : Array.isArray(t) ? tensor(t) : asTensor(t as never, 'odeint (t)');
  if (times.ndim !== 1 || times.shape[0] === 0) {
    throw new ShapeError(
      `odeint: t must be a 1-D tensor of at least one time (the first is y0's), got shape ${formatShape(times.shape)}; ` +
        `e.g. ad.linspace(0, 10, 101) (for a single end time, ad.tensor([t0, t1]) and take the last row).`,
    );
  }
  const a = flattenArgs(args, 'odeint (args)');
  const ode: FlatOde = { rhs: userRhs(func, yTree.def, a.def), control };
  return unflatten(yTree.def, solveOde(ode, y0Leaves, times, a.leaves));
}

function readControl(options: OdeintOptions): StepControl {
  const tolerance = (name: 'rtol' | 'atol') => {
    const v = options[name] ?? 1.4e-8;
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`odeint: ${name} must be a finite number ≥ 0, got ${describe(v)}; e.g. { ${name}: 1e-8 }.`);
    }
    return v;
  };
  const rtol = tolerance('rtol'), atol = tolerance('atol');
  if (rtol === 0 && atol === 0) throw new InvalidArgumentError('odeint: rtol and atol are both 0, so no step can meet them; give either a positive value.');
  const mxstep = options.mxstep ?? Infinity;
  if (typeof mxstep !== 'number' || !(mxstep === Infinity || (Number.isInteger(mxstep) && mxstep >= 1))) {
    throw new InvalidArgumentError(`odeint: mxstep must be a positive integer or Infinity, got ${describe(mxstep)}.`);
  }
  const hmax = options.hmax ?? Infinity;
  if (typeof hmax !== 'number' || !(hmax > 0)) throw new InvalidArgumentError(`odeint: hmax must be a number > 0 (Infinity for no limit), got ${describe(hmax)}.`);
  return { rtol, atol, mxstep, hmax };
}

/** The user's func on flat leaves, checking that it returns y's structure and shapes. */
function userRhs(func: (y: any, t: Tensor, ...args: any[]) => unknown, yDef: TreeDef, argsDef: TreeDef): FlatOde['rhs'] {
  return (y, t, args) => {
    const out = func(unflatten(yDef, y), t, ...rebuildArgs(argsDef, args));
    const leaves = leavesLike(out, yDef);
    if (leaves === null) {
      let got: string;
      try {
        got = describeTree(flatten(out, 'odeint (func)').def);
      } catch {
        got = describe(out); // not a pytree at all (undefined: a missing return)
      }
      throw new ShapeError(
        `odeint: func must return dy/dt with the structure of y, ${describeTree(yDef)}; it returned ${got} ` +
          '(* a leaf, null an empty node). Return one derivative per leaf of y0, with the same keys and lengths.',
      );
    }
    return leaves.map((l, k) => {
      const d = asTensor(l, 'odeint (func)');
      if (!shapesEqual(d.shape, y[k]!.shape)) {
        throw new ShapeError(
          `odeint: func returned dy/dt of shape ${formatShape(d.shape)} for a leaf of y of shape ${formatShape(y[k]!.shape)}` +
            `${y.length > 1 ? ` (leaf ${k} of ${describeTree(yDef)})` : ''}; they must be equal (no broadcasting: ` +
            `e.g. ad.broadcastTo(d, y.shape) for a derivative shared by every entry).`,
        );
      }
      return d;
    });
  };
}

/**
 * odeint on flat leaves at every running transformation, from the innermost that the equation
 * depends on (through y0, t, the arguments or func's closure, as one evaluation of func reveals):
 * a reverse level records one node whose backward rule is the adjoint ODE, a forward level adds
 * the tangent from the sensitivity ODE, a vmap solves one example at a time, and a jit recording is
 * marked not replayable. Below every level the ODE is solved on plain values.
 */
function solveOde(ode: FlatOde, y0In: readonly Tensor[], tIn: Tensor, argsIn: readonly Tensor[]): Tensor[] {
  const ins = [...y0In, tIn, ...argsIn].map(live);
  const ny = y0In.length;
  const y0 = ins.slice(0, ny), t = ins[ny]!, args = ins.slice(ny + 1);
  if (t.shape[0] === 1) return y0.map((y) => expandDims(y, 0)); // no step to take
  if (!anyTraceRunning()) return solveValues(ode, y0, t, args);
  const probe = ode.rhs(y0, take(t, 0, 0), args);
  const top = topTrace([...ins, ...probe]);
  if (top === null) return solveValues(ode, y0, t, args);
  if (top.records) {
    // A jit recording: the number of steps depends on the values, so the program cannot be replayed.
    (top as RecordTrace).computesOnValues('odeint chooses its steps from the values');
    return solveValues(ode, y0, t, args);
  }
  // Under vmap the steps depend on each example's values: one example at a time, each to its own tolerance.
  if (top instanceof BatchTrace) return eachExample(() => solveOde(ode, y0, t, args), 'odeint', top);
  if (top instanceof ReverseTrace) return reverseLevel(ode, top, ins, ny, solveOde);
  if (top instanceof JvpTrace) return forwardLevel(ode, top, ins, ny, solveOde);
  throw new Error('internal: odeint met a trace of an unknown kind');
}

/** The values of an output of func below every level (a jit recording's boxes read as their values). */
function valuesOf(x: Tensor, time: number): Float64Array {
  const l = live(x);
  if (l.trace !== null && l.trace.active && !l.trace.records) {
    throw new InvalidArgumentError(
      `odeint: at t = ${time} func's result depends on a tensor being differentiated (or mapped) that it did not depend on at t[0], ` +
        'where odeint looks for what func reads; make func read its tensors on every call (e.g. ad.where instead of an if on t).',
    );
  }
  return l.values;
}

/** The ODE solved by dopri5 on plain values. */
function solveValues(ode: FlatOde, y0: readonly Tensor[], t: Tensor, args: readonly Tensor[]): Tensor[] {
  const times = live(t).values;
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i]!) || (i > 0 && !(times[i]! > times[i - 1]!))) {
      throw new InvalidArgumentError(
        `odeint: t must hold finite, strictly increasing times; t[${i}] = ${times[i]}${i > 0 ? ` after t[${i - 1}] = ${times[i - 1]}` : ''}. ` +
          'For a solution backward in time, solve s ↦ −func(y, −s) on −t reversed.',
      );
    }
  }
  const sizes = y0.map((y) => y.size);
  const total = sizes.reduce((n, s) => n + s, 0);
  const pack = (leaves: readonly Tensor[], time: number) => {
    const flat = new Float64Array(total);
    let off = 0;
    leaves.forEach((l, k) => (flat.set(valuesOf(l, time), off), (off += sizes[k]!)));
    return flat;
  };
  const rhs = (flat: Float64Array, time: number) => {
    let off = 0;
    const y = y0.map((l, k) => new Tensor(flat.slice(off, (off += sizes[k]!)), l.shape));
    return pack(ode.rhs(y, Tensor.scalar(time), args), time);
  };
  const rows = dopri5(rhs, pack(y0, times[0]!), times, ode.control);
  let off = 0;
  return y0.map((l, k) => {
    const size = sizes[k]!, data = new Float64Array(rows.length * size);
    rows.forEach((r, i) => data.set(r.subarray(off, off + size), i * size));
    off += size;
    return new Tensor(data, [rows.length, ...l.shape]);
  });
}
