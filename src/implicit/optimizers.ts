/** @file Gradient-descent optimizers as pure, differentiable step functions on pytrees (sgd, momentum, adam), plus the reversible one. */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { asTensor, zeros, type TensorLike } from '../tensor/create.js';
import { flatten, unflatten, treesMatch, type PyTree, type TensorLikeTree, type TensorTree } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add, div, mul, pow, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { checkOptions, flag, nonNegative, type Rule } from './options.js';

export { reversibleMomentum } from './reversible.js';
export type { ReversibleMomentumOptions, ReversibleInfo } from './reversible.js';

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

export type SgdState = { count: Tensor };
export type MomentumState = { count: Tensor; velocity: PyTree };
export type AdamState = { count: Tensor; mu: PyTree; nu: PyTree };

function leavesOf(tree: unknown, what: string, op: string) {
  if (tree === undefined || tree === null) {
    const whose = what.startsWith('state') ? "; pass the state this optimizer's init(params) made, or the one its last step returned" : '';
    throw new InvalidArgumentError(`optimizers.${op}: ${what} is ${tree}${whose}.`);
  }
  const { leaves, def } = flatten(tree, `optimizers.${op} (${what})`);
  return { leaves: leaves.map((l) => asTensor(l, `optimizers.${op}`)), def };
}

/** Params, grads and state trees as matching leaf lists. */
function aligned(op: string, params: unknown, ...others: Array<[unknown, string]>) {
  const p = leavesOf(params, 'params', op);
  const rest = others.map(([tree, what]) => {
    const o = leavesOf(tree, what, op);
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
 * against the parameters and silently change their shapes).
 */
function value(op: string, name: string, h: Hyperparameter, count: Tensor): TensorLike {
  const v = typeof h === 'function' ? h(count) : h;
  if (typeof v !== 'number' && !(v instanceof Tensor)) {
    throw new InvalidArgumentError(`optimizers.${op}: the schedule of ${name} returned ${describe(v)}; it must return a number or a one-element tensor.`);
  }
  if (v instanceof Tensor && v.size !== 1) {
    throw new ShapeError(`optimizers.${op}: ${name} must be a single number, got a tensor of shape [${v.shape}]${typeof h === 'function' ? ' from its schedule' : ''}; pass a number or a one-element tensor.`);
  }
  return v;
}

/** The state a step takes: what init(params) or the last step returned (an object with a count). */
function checkState(op: string, state: unknown): void {
  if (typeof state !== 'object' || state === null || !((state as { count?: unknown }).count instanceof Tensor)) {
    throw new InvalidArgumentError(
      `optimizers.${op}: state must be the state this optimizer's init(params) made, or the one its last step returned, got ${describe(state)}; e.g. step(params, grads, opt.init(params)).`,
    );
  }
}

/** A hyperparameter's rule: a finite number, a tensor, or a function of the step count. */
const hyperparameter: Rule = {
  what: 'a finite number, a tensor or a function of the step count',
  ok: (v) => v instanceof Tensor || typeof v === 'function' || (typeof v === 'number' && Number.isFinite(v)),
};

/**
 * Adam's decay rates as numbers must lie in [0, 1) (as torch.optim.Adam checks): at 1 the bias
 * correction 1 − β^t is 0 and every step is 0/0 = NaN.
 */
const decayRate: Rule = {
  what: 'a number in [0, 1), a tensor or a function of the step count',
  ok: (v) => v instanceof Tensor || typeof v === 'function' || (typeof v === 'number' && v >= 0 && v < 1),
};

/** Checks an optimizer's options: an object whose known entries pass their rules, with `lr` present. */
function checkHyperparameters(op: string, options: unknown, rules: Readonly<Record<string, Rule>>): void {
  checkOptions(`optimizers.${op}`, options, { lr: hyperparameter, ...rules }, { example: '{ lr: 0.1 }', required: true });
  if ((options as { lr?: unknown }).lr === undefined) {
    throw new InvalidArgumentError(`optimizers.${op}: option lr is required, e.g. optimizers.${op}({ lr: 0.1 }).`);
  }
}

const zerosLike = (params: unknown, op: string) => {
  const { leaves, def } = leavesOf(params, 'params', op);
  return unflatten(def, leaves.map((l) => zeros(l.shape))) as PyTree;
};

/**
 * Plain gradient descent: params ← params − lr·grads.
 * @example
 * const opt = ad.optimizers.sgd({ lr: 0.1 });
 * let params = ad.tensor([1, 2]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([1, 1]), state); // params = [0.9, 1.9]
 */
export function sgd(options: { lr: Hyperparameter }): Optimizer<SgdState> {
  checkHyperparameters('sgd', options, {});
  return {
    init: () => ({ count: zeros([]) }),
    step(params, grads, state) {
      checkState('sgd', state);
      const a = aligned('sgd', params, [grads, 'grads']);
      const lr = value('sgd', 'lr', options.lr, state.count);
      const next = a.params.map((p, i) => sub(p, mul(lr, a.rest[0]![i]!)));
      return [unflatten(a.def, next) as never, { count: add(state.count, 1) }];
    },
  };
}

/**
 * Gradient descent with (heavy-ball) momentum, as in optax and PyTorch: v ← β·v + grads, then
 * params ← params − lr·v; with `nesterov`, params ← params − lr·(grads + β·v).
 * @example
 * const opt = ad.optimizers.momentum({ lr: 0.1, beta: 0.9 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([1]), state); // [0.9]
 * [params, state] = opt.step(params, ad.tensor([1]), state); // [0.71]: v = 1.9
 */
export function momentum(options: { lr: Hyperparameter; beta?: Hyperparameter | undefined; nesterov?: boolean | undefined }): Optimizer<MomentumState> {
  checkHyperparameters('momentum', options, { beta: hyperparameter, nesterov: flag });
  const beta = options.beta ?? 0.9;
  return {
    init: (params) => ({ count: zeros([]), velocity: zerosLike(params, 'momentum') }),
    step(params, grads, state) {
      checkState('momentum', state);
      const a = aligned('momentum', params, [grads, 'grads'], [state.velocity, 'state.velocity']);
      const lr = value('momentum', 'lr', options.lr, state.count);
      const b = value('momentum', 'beta', beta, state.count);
      const v = a.rest[1]!.map((vi, i) => add(mul(b, vi), a.rest[0]![i]!));
      const next = a.params.map((p, i) => sub(p, mul(lr, options.nesterov ? add(a.rest[0]![i]!, mul(b, v[i]!)) : v[i]!)));
      return [unflatten(a.def, next) as never, { count: add(state.count, 1), velocity: unflatten(a.def, v) as PyTree }];
    },
  };
}

/**
 * Adam (Kingma & Ba 2015): running means of the gradient and of its square, bias-corrected:
 * m ← b1·m + (1 − b1)·g, v ← b2·v + (1 − b2)·g², params ← params − lr·m̂/(√v̂ + eps) with
 * m̂ = m/(1 − b1^t), v̂ = v/(1 − b2^t).
 * @example
 * const opt = ad.optimizers.adam({ lr: 0.1 });
 * let params = ad.tensor([1, -1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([3, -0.5]), state); // each moves by ≈ lr against its gradient's sign
 */
export function adam(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; eps?: number | undefined }): Optimizer<AdamState> {
  checkHyperparameters('adam', options, { b1: decayRate, b2: decayRate, eps: nonNegative });
  const b1 = options.b1 ?? 0.9, b2 = options.b2 ?? 0.999, eps = options.eps ?? 1e-8;
  return {
    init: (params) => ({ count: zeros([]), mu: zerosLike(params, 'adam'), nu: zerosLike(params, 'adam') }),
    step(params, grads, state) {
      checkState('adam', state);
      const a = aligned('adam', params, [grads, 'grads'], [state.mu, 'state.mu'], [state.nu, 'state.nu']);
      const count = add(state.count, 1);
      const lr = value('adam', 'lr', options.lr, state.count);
      const beta1 = value('adam', 'b1', b1, state.count), beta2 = value('adam', 'b2', b2, state.count);
      const g = a.rest[0]!;
      const mu = a.rest[1]!.map((m, i) => add(mul(beta1, m), mul(sub(1, beta1), g[i]!)));
      const nu = a.rest[2]!.map((v, i) => add(mul(beta2, v), mul(sub(1, beta2), square(g[i]!))));
      const c1 = sub(1, pow(beta1, count)), c2 = sub(1, pow(beta2, count));
      const next = a.params.map((p, i) => sub(p, div(mul(lr, div(mu[i]!, c1)), add(sqrt(div(nu[i]!, c2)), eps))));
      return [unflatten(a.def, next) as never, { count, mu: unflatten(a.def, mu) as PyTree, nu: unflatten(a.def, nu) as PyTree }];
    },
  };
}
