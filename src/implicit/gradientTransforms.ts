/**
 * @file Gradient transforms in optax's sense (optax/transforms/_clipping.py, _adding.py, optax/_src/combine.py):
 * clip, clipByGlobalNorm and addDecayedWeights rewrite the gradients before an optimizer sees them, and chain
 * composes them with one optimizer into another optimizer.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { zeros } from '../tensor/create.js';
import { unflatten, type PyTree, type TensorLikeTree, type TensorTree } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, div, greater, lessEqual, mul } from '../ops/binary.js';
import { checkOptions, nonNegative } from './options.js';
import { sqrt, square } from '../ops/unary.js';
import { clip as clipValues, where } from '../ops/select.js';
import { sum } from '../ops/reduce.js';
import { aligned, checkState, hyperparameter, leavesOf, value, type Hyperparameter, type Optimizer } from './optimizerCore.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * A gradient transform: optax's GradientTransformation with the step count passed in, so that its
 * hyperparameters may be schedules too. `update(grads, state, params, count)` returns the new
 * grads and state; the clipping transforms hold no state (`{}`).
 */
export interface GradientTransform<S extends PyTree = PyTree> {
  init<P extends object | number>(params: P): S;
  update<P extends object | number>(grads: TensorLikeTree<P>, state: S, params: P, count: Tensor): [TensorTree<P>, S];
}

/** A clipping threshold: a number ≥ 0, a tensor, or a function of the step count. */
function threshold(op: string, name: string, h: unknown, example: string): Hyperparameter {
  if (!hyperparameter.ok(h) || (typeof h === 'number' && h < 0)) {
    throw new InvalidArgumentError(`optimizers.${op}: ${name} must be a number ≥ 0, a tensor or a function of the step count, got ${describe(h)}; e.g. optimizers.${op}(${example}).`);
  }
  return h as Hyperparameter;
}

/** A stateless transform: `rewrite(grads, count, params)` on leaf lists aligned with params. */
function stateless(op: string, rewrite: (grads: Tensor[], count: Tensor, params: Tensor[]) => Tensor[]): GradientTransform<Record<string, never>> {
  return {
    init(params, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments(`optimizers.${op}.init`, 'init(params)', extra, params);
      return {};
    },
    update(grads, state, params, count, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments(`optimizers.${op}.update`, 'update(grads, state, params, count)', extra, count);
      const a = aligned(op, params, [grads, 'grads']);
      return [unflatten(a.def, rewrite(a.rest[0]!, count, a.params)) as never, state];
    },
  };
}

/**
 * Clips every gradient entry to [−maxDelta, maxDelta] (optax.clip). Inside the interval the
 * derivative is 1, outside 0 (so hypergradients see the clipping).
 * @example
 * const opt = ad.optimizers.chain(ad.optimizers.clip(1), ad.optimizers.sgd({ lr: 0.1 }));
 * const [p] = opt.step(ad.tensor([0, 0]), ad.tensor([5, -0.5]), opt.init(ad.tensor([0, 0]))); // [-0.1, 0.05]
 */
export function clip(maxDelta: Hyperparameter): GradientTransform<Record<string, never>>;
export function clip(maxDelta: Hyperparameter, ...extra: unknown[]): GradientTransform<Record<string, never>> {
  if (extra.length > 0) extraArguments('optimizers.clip', 'optimizers.clip(maxDelta)', extra, maxDelta);
  const h = threshold('clip', 'maxDelta', maxDelta, '1');
  return stateless('clip', (grads, count) => {
    const d = value('clip', 'maxDelta', h, count);
    return grads.map((g) => clipValues(g, mul(-1, d), d));
  });
}

/** The options of `clipByGlobalNorm`. */
export interface ClipByGlobalNormOptions {
  /**
   * ε added to the norm, default 0 (optax's): the gradients are rescaled by maxNorm/(‖g‖ + ε) when that is
   * below 1. torch.nn.utils.clip_grad_norm_ uses 1e−6.
   */
  epsilon?: number | undefined;
}

/**
 * Rescales the gradients so their global norm (over every leaf) is at most maxNorm: unchanged if
 * ‖g‖ + ε ≤ maxNorm, else g·maxNorm/(‖g‖ + ε) (optax.clip_by_global_norm with ε = 0, Pascanu et al.
 * 2013; torch.nn.utils.clip_grad_norm_ with ε = 1e−6).
 * @example
 * const opt = ad.optimizers.chain(ad.optimizers.clipByGlobalNorm(1), ad.optimizers.sgd({ lr: 1 }));
 * const params = { w: ad.tensor([0, 0]), b: ad.tensor(0) };
 * const [p] = opt.step(params, { w: ad.tensor([3, 0]), b: ad.tensor(4) }, opt.init(params)); // w = [-0.6, 0], b = -0.8
 */
export function clipByGlobalNorm(maxNorm: Hyperparameter, options?: ClipByGlobalNormOptions): GradientTransform<Record<string, never>>;
export function clipByGlobalNorm(maxNorm: Hyperparameter, options: ClipByGlobalNormOptions = {}, ...extra: unknown[]): GradientTransform<Record<string, never>> {
  if (extra.length > 0) extraArguments('optimizers.clipByGlobalNorm', 'optimizers.clipByGlobalNorm(maxNorm, options?)', extra, options);
  const h = threshold('clipByGlobalNorm', 'maxNorm', maxNorm, '1');
  checkOptions('optimizers.clipByGlobalNorm', options, { epsilon: nonNegative }, { example: '{ epsilon: 1e-6 }' });
  const eps = options.epsilon ?? 0;
  return stateless('clipByGlobalNorm', (grads, count) => {
    const m = value('clipByGlobalNorm', 'maxNorm', h, count);
    const squares = grads.reduce<Tensor>((acc, g) => add(acc, sum(square(g))), zeros([]));
    const norm = sqrt(where(greater(squares, 0), squares, 1)); // 0 only where it is not used: keep √ off 0
    const denominator = eps === 0 ? norm : add(norm, eps);
    const keep = lessEqual(where(greater(squares, 0), denominator, eps), m);
    return grads.map((g) => where(keep, g, mul(div(g, denominator), m)));
  });
}

/**
 * Adds weightDecay·params to the gradients (optax.add_decayed_weights): before an optimizer it is
 * L2 regularisation coupled with the optimizer's scaling (chain(addDecayedWeights(λ), adam) is
 * torch.optim.Adam's weight_decay), unlike adamw's decoupled decay.
 * @example
 * const opt = ad.optimizers.chain(ad.optimizers.addDecayedWeights(0.1), ad.optimizers.sgd({ lr: 1 }));
 * const [p] = opt.step(ad.tensor([2]), ad.tensor([1]), opt.init(ad.tensor([2]))); // 2 − (1 + 0.1·2) = 0.8
 */
export function addDecayedWeights(weightDecay: Hyperparameter): GradientTransform<Record<string, never>>;
export function addDecayedWeights(weightDecay: Hyperparameter, ...extra: unknown[]): GradientTransform<Record<string, never>> {
  if (extra.length > 0) extraArguments('optimizers.addDecayedWeights', 'optimizers.addDecayedWeights(weightDecay)', extra, weightDecay);
  if (!hyperparameter.ok(weightDecay)) {
    throw new InvalidArgumentError(`optimizers.addDecayedWeights: weightDecay must be ${hyperparameter.what}, got ${describe(weightDecay)}; e.g. optimizers.addDecayedWeights(1e-4).`);
  }
  return stateless('addDecayedWeights', (grads, count, params) => {
    const wd = value('addDecayedWeights', 'weightDecay', weightDecay, count);
    return grads.map((g, i) => add(g, mul(wd, params[i]!)));
  });
}

export type ChainState<S extends PyTree = PyTree> = { count: Tensor; transforms: PyTree[]; optimizer: S };

/**
 * The gradient transforms applied in order, then the optimizer: optax.chain(t₁, …, optimizer), as
 * one optimizer with the same init/step interface (its state holds each part's state).
 * @example
 * const opt = ad.optimizers.chain(ad.optimizers.clipByGlobalNorm(1), ad.optimizers.adam({ lr: 0.01 }));
 * let params = ad.tensor([1, 2]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([30, 40]), state);
 */
export function chain<S extends PyTree>(...parts: [...GradientTransform[], Optimizer<S>]): Optimizer<ChainState<S>> {
  const optimizer = parts.at(-1) as Optimizer<S> | undefined;
  const transforms = parts.slice(0, -1) as GradientTransform[];
  if (!optimizer || typeof (optimizer as Partial<Optimizer>).step !== 'function') {
    throw new InvalidArgumentError(
      `optimizers.chain: the last argument must be an optimizer (with init and step), got ${describe(optimizer)}; e.g. optimizers.chain(optimizers.clipByGlobalNorm(1), optimizers.adam({ lr: 1e-3 })).`,
    );
  }
  transforms.forEach((t, i) => {
    if (typeof (t as Partial<GradientTransform>)?.update !== 'function' || typeof t.init !== 'function') {
      throw new InvalidArgumentError(
        `optimizers.chain: argument ${i} must be a gradient transform (with init and update, such as optimizers.clip(1)), got ${describe(t)}; only the last argument may be an optimizer.`,
      );
    }
  });
  return {
    init: (params, ...extra: unknown[]) => {
      if (extra.length > 0) extraArguments('optimizers.chain.init', 'init(params)', extra, params);
      leavesOf(params, 'params', 'chain');
      return { count: zeros([]), transforms: transforms.map((t) => t.init(params)), optimizer: optimizer.init(params) };
    },
    step(params, grads, state, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.chain.step', 'step(params, grads, state)', extra, state);
      checkState('chain', state);
      if (!Array.isArray(state.transforms) || state.transforms.length !== transforms.length) {
        throw new InvalidArgumentError(
          `optimizers.chain: state.transforms must hold the states of the ${transforms.length} transforms; pass the state this chain's init(params) made, or the one its last step returned.`,
        );
      }
      let g = grads as unknown as TensorLikeTree<typeof params>;
      const states = transforms.map((t, i) => {
        const [next, s] = t.update(g, state.transforms[i]!, params, state.count);
        g = next as TensorLikeTree<typeof params>;
        return s;
      });
      const [nextParams, optimizerState] = optimizer.step(params, g, state.optimizer);
      return [nextParams, { count: add(state.count, 1), transforms: states, optimizer: optimizerState }];
    },
  };
}
