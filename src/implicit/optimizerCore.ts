/** @file What the optimizers share: the Optimizer interface, hyperparameters and their rules, and the checks that align params, grads and state leaf by leaf. */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { asTensor, full, zeros, type TensorLike } from '../tensor/create.js';
import { add, sub } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { flatten, flattenLike, unflatten, treesMatch, type PyTree, type TreeDef, type TensorLikeTree, type TensorTree } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { checkOptions, type Rule } from './options.js';
import { extraArguments } from '../core/extraArguments.js';

/** A hyperparameter: a number or a tensor (differentiable: pass a traced tensor to get its hypergradient), or a function of the step count. */
export type Hyperparameter = TensorLike | ((count: Tensor) => TensorLike);

/**
 * An optimizer as two pure functions, in the style of optax: `init(params)` makes the state and
 * `step(params, grads, state)` returns `[newParams, newState]`. Nothing is mutated, and every
 * update is written in adjoint ops, so `grad` of a function that trains by calling `step`
 * (directly or inside `ad.scan`, with checkpoints to bound memory) differentiates through the
 * whole run: with respect to the learning rate and other hyperparameters, the initial
 * parameters, and whatever the loss closes over.
 */
export interface Optimizer<S extends PyTree = PyTree> {
  /** The state for `params` (a pytree; `P` may be an interface: its leaves are checked when it runs). */
  init<P extends object | number>(params: P): S;
  step<P extends object | number>(params: P, grads: TensorLikeTree<P>, state: S): [TensorTree<P>, S];
}

/** A tree's leaves as tensors (in the key order of `like`, where given and the keys are the same: `flattenLike`). */
export function leavesOf(tree: unknown, what: string, op: string, like?: TreeDef) {
  if (tree === undefined || tree === null) {
    const whose = what.startsWith('state') ? "; pass the state this optimizer's init(params) made, or the one its last step returned" : '';
    throw new InvalidArgumentError(`optimizers.${op}: ${what} is ${tree}${whose}.`);
  }
  const where = `optimizers.${op} (${what})`;
  const { leaves, def } = like === undefined ? flatten(tree, where) : flattenLike(tree, like, where);
  return { leaves: leaves.map((l) => asTensor(l, `optimizers.${op}`)), def };
}

/** Params, grads and state trees as matching leaf lists. */
export function aligned(op: string, params: unknown, ...others: Array<[unknown, string]>) {
  const p = leavesOf(params, 'params', op);
  const rest = others.map(([tree, what]) => {
    const o = leavesOf(tree, what, op, p.def);
    if (!treesMatch(o.def, p.def)) {
      throw new ShapeError(`optimizers.${op}: ${what} must have the structure of params (the same nesting of arrays and objects).`);
    }
    o.leaves.forEach((l, i) => {
      if (l.shape.join() !== p.leaves[i]!.shape.join()) {
        throw new ShapeError(
          `optimizers.${op}: leaf ${i} of ${what} has shape [${l.shape}] but the parameter has shape [${p.leaves[i]!.shape}]; pass ${what} with params' shapes.`,
        );
      }
    });
    return o.leaves;
  });
  return { params: p.leaves, def: p.def, rest };
}

/**
 * A hyperparameter's value at step `count`: one number (a tensor of another shape would broadcast
 * against the parameters and silently change their shapes). A one-element tensor is read as a
 * scalar: one of shape [1] or [1, 1] would still add axes to scalar or vector parameters.
 */
export function value(op: string, name: string, h: Hyperparameter, count: Tensor): TensorLike {
  const v = typeof h === 'function' ? h(count) : h;
  if (typeof v !== 'number' && !(v instanceof Tensor)) {
    throw new InvalidArgumentError(`optimizers.${op}: the schedule of ${name} returned ${describe(v)}; it must return a number or a one-element tensor.`);
  }
  if (v instanceof Tensor && v.size !== 1) {
    throw new ShapeError(`optimizers.${op}: ${name} must be a single number, got a tensor of shape [${v.shape}]${typeof h === 'function' ? ' from its schedule' : ''}; pass a number or a one-element tensor.`);
  }
  return v instanceof Tensor && v.ndim > 0 ? reshape(v, []) : v;
}

/** The state a step takes: what init(params) or the last step returned (an object with a count). */
export function checkState(op: string, state: unknown): void {
  if (typeof state !== 'object' || state === null || !((state as { count?: unknown }).count instanceof Tensor)) {
    throw new InvalidArgumentError(
      `optimizers.${op}: state must be the state this optimizer's init(params) made, or the one its last step returned, got ${describe(state)}; e.g. step(params, grads, opt.init(params)).`,
    );
  }
}

/** A hyperparameter's rule: a finite number, a tensor, or a function of the step count. */
export const hyperparameter: Rule = {
  what: 'a finite number, a tensor or a function of the step count',
  ok: (v) => v instanceof Tensor || typeof v === 'function' || (typeof v === 'number' && Number.isFinite(v)),
};

/**
 * Adam's decay rates as numbers must lie in [0, 1) (as torch.optim.Adam checks): at 1 the bias
 * correction 1 − β^t is 0 and every step is 0/0 = NaN.
 */
export const decayRate: Rule = {
  what: 'a number in [0, 1), a tensor or a function of the step count',
  ok: (v) => v instanceof Tensor || typeof v === 'function' || (typeof v === 'number' && v >= 0 && v < 1),
};

/** Checks an optimizer's options: an object whose known entries pass their rules, with `lr` present. */
export function checkHyperparameters(op: string, options: unknown, rules: Readonly<Record<string, Rule>>): void {
  checkOptions(`optimizers.${op}`, options, { lr: hyperparameter, ...rules }, { example: '{ lr: 0.1 }', required: true });
  if ((options as { lr?: unknown }).lr === undefined) {
    throw new InvalidArgumentError(`optimizers.${op}: option lr is required, e.g. optimizers.${op}({ lr: 0.1 }).`);
  }
}

export const zerosLike = (params: unknown, op: string) => {
  const { leaves, def } = leavesOf(params, 'params', op);
  return unflatten(def, leaves.map((l) => zeros(l.shape))) as PyTree;
};

/** What one step of a moment-based optimizer sees, leaf lists aligned with params. */
export interface StepContext {
  /** The step count before this step: schedules are read at it (optax's scale_by_learning_rate does the same). */
  readonly count: Tensor;
  /** count + 1: the exponent of the bias corrections 1 − βᵗ (optax's count_inc). */
  readonly t: Tensor;
  /** A hyperparameter's value at this step. */
  at(name: string, h: Hyperparameter): TensorLike;
  readonly params: readonly Tensor[];
  readonly grads: readonly Tensor[];
  /** The state's moments by name, each a list of leaves aligned with params. */
  readonly moments: Readonly<Record<string, readonly Tensor[]>>;
}

/** A step's result: per leaf the amount taken from the parameter (params ← params − delta), and the new moments. */
export interface StepResult {
  delta: Tensor[];
  moments: Record<string, Tensor[]>;
}

/**
 * An optimizer whose state is `{ count, ...moments }`, each moment a tree shaped like params that
 * starts filled with `initial[name]`; `rule` computes one step leaf by leaf. The state checks,
 * the alignment of params, grads and moments, and the rebuilding of trees are done here once.
 */
export function momentOptimizer<S extends PyTree>(
  op: string, initial: Readonly<Record<string, number>>, rule: (c: StepContext) => StepResult,
): Optimizer<S> {
  const names = Object.keys(initial);
  return {
    init(params, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments(`optimizers.${op}.init`, 'init(params)', extra, params);
      const { leaves, def } = leavesOf(params, 'params', op);
      const state: Record<string, PyTree> = { count: zeros([]) };
      for (const name of names) {
        state[name] = unflatten(def, leaves.map((l) => (initial[name] === 0 ? zeros(l.shape) : full(l.shape, initial[name]!)))) as PyTree;
      }
      return state as S;
    },
    step(params, grads, state, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments(`optimizers.${op}.step`, 'step(params, grads, state)', extra, state);
      checkState(op, state);
      const s = state as unknown as Record<string, unknown> & { count: Tensor };
      const a = aligned(op, params, [grads, 'grads'], ...names.map((n): [unknown, string] => [s[n], `state.${n}`]));
      const moments: Record<string, Tensor[]> = {};
      names.forEach((n, i) => { moments[n] = a.rest[i + 1]!; });
      const result = rule({
        count: s.count, t: add(s.count, 1), at: (name, h) => value(op, name, h, s.count),
        params: a.params, grads: a.rest[0]!, moments,
      });
      const next: Record<string, PyTree> = { count: add(s.count, 1) };
      for (const n of names) next[n] = unflatten(a.def, result.moments[n]!) as PyTree;
      return [unflatten(a.def, a.params.map((p, i) => sub(p, result.delta[i]!))) as never, next as S];
    },
  };
}

/** A momentum coefficient: a number ≥ 0 (PyTorch's SGD rejects a negative one; above 1 diverges but is allowed, as there), a tensor or a function of the step count. */
export const momentumRate: Rule = {
  what: 'a finite number ≥ 0, a tensor or a function of the step count',
  ok: (v) => v instanceof Tensor || typeof v === 'function' || (typeof v === 'number' && v >= 0 && Number.isFinite(v)),
};

/** A rate in [0, 1] (a momentum without bias correction: 1 keeps the average forever, which is allowed). */
export const unitInterval: Rule = {
  what: 'a number in [0, 1], a tensor or a function of the step count',
  ok: (v) => v instanceof Tensor || typeof v === 'function' || (typeof v === 'number' && v >= 0 && v <= 1),
};
