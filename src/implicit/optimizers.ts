/** @file Gradient-descent optimizers as pure, differentiable step functions on pytrees (sgd, momentum, adam), the reversible one, and the namespace's other optimizers, transforms and schedules. */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { unflatten, type PyTree } from '../core/pytree.js';
import { add, div, equal, mul, pow, sub } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { InvalidArgumentError } from '../core/errors.js';
import { sqrt, square } from '../ops/unary.js';
import { flag, nonNegative } from './options.js';
import { aligned, checkHyperparameters, checkState, decayRate, hyperparameter, momentumRate, value, zerosLike, type Hyperparameter, type Optimizer } from './optimizerCore.js';
import { extraArguments } from '../core/extraArguments.js';

export type { Hyperparameter, Optimizer } from './optimizerCore.js';
export { reversibleMomentum } from './reversible.js';
export { adamw, nadam, amsgrad, radam, adamax, adabelief, lamb, lion } from './adamVariants.js';
export type { AdamOptions, LionState, AmsgradState } from './adamVariants.js';
export { rmsprop, adagrad } from './rmsprop.js';
export type { RmspropOptions, RmspropState, AdagradState } from './rmsprop.js';
export { clip, clipByGlobalNorm, addDecayedWeights, chain } from './gradientTransforms.js';
export type { GradientTransform, ChainState, ClipByGlobalNormOptions } from './gradientTransforms.js';
export * as schedules from './schedules.js';
export type { ReversibleMomentumOptions, ReversibleInfo } from './reversible.js';

export type SgdState = { count: Tensor };
export type MomentumState = { count: Tensor; velocity: PyTree };

/** A dampening in [0, 1]. */
const dampeningRule = { what: 'a number in [0, 1]', ok: (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1 };
export type AdamState = { count: Tensor; mu: PyTree; nu: PyTree };

/**
 * Plain gradient descent: params ← params − lr·grads.
 * @example
 * const opt = ad.optimizers.sgd({ lr: 0.1 });
 * let params = ad.tensor([1, 2]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([1, 1]), state); // params = [0.9, 1.9]
 */
export function sgd(options: { lr: Hyperparameter }): Optimizer<SgdState>;
export function sgd(options: { lr: Hyperparameter }, ...extra: unknown[]): Optimizer<SgdState> {
  if (extra.length > 0) extraArguments('optimizers.sgd', 'optimizers.sgd(options)', extra, options);
  checkHyperparameters('sgd', options, {});
  return {
    init(params, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.sgd.init', 'init(params)', extra, params);
      return { count: zeros([]) };
    },
    step(params, grads, state, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.sgd.step', 'step(params, grads, state)', extra, state);
      checkState('sgd', state);
      const a = aligned('sgd', params, [grads, 'grads']);
      const lr = value('sgd', 'lr', options.lr, state.count);
      const next = a.params.map((p, i) => sub(p, mul(lr, a.rest[0]![i]!)));
      return [unflatten(a.def, next) as never, { count: add(state.count, 1) }];
    },
  };
}

/** The options of `momentum`. */
export interface MomentumOptions {
  lr: Hyperparameter;
  /** β, default 0.9. */
  beta?: Hyperparameter | undefined;
  nesterov?: boolean | undefined;
  /** torch.optim.SGD's dampening d, default 0: v ← β·v + (1 − d)·grads after the first step, whose v is grads (PyTorch's). */
  dampening?: number | undefined;
}

/**
 * Gradient descent with (heavy-ball) momentum, as in optax and PyTorch: v ← β·v + grads, then
 * params ← params − lr·v; with `nesterov`, params ← params − lr·(grads + β·v). With `dampening` d
 * (torch.optim.SGD's), v ← β·v + (1 − d)·grads from the second step on, the first step's v being
 * grads itself, as PyTorch initialises its buffer; nesterov then needs d = 0 (PyTorch's rule), and with
 * β = 0 (no buffer in PyTorch) d does nothing.
 * @example
 * const opt = ad.optimizers.momentum({ lr: 0.1, beta: 0.9 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([1]), state); // [0.9]
 * [params, state] = opt.step(params, ad.tensor([1]), state); // [0.71]: v = 1.9
 */
export function momentum(options: MomentumOptions): Optimizer<MomentumState>;
export function momentum(options: MomentumOptions, ...extra: unknown[]): Optimizer<MomentumState> {
  if (extra.length > 0) extraArguments('optimizers.momentum', 'optimizers.momentum(options)', extra, options);
  checkHyperparameters('momentum', options, { beta: momentumRate, nesterov: flag, dampening: dampeningRule });
  // torch.optim.SGD keeps no buffer with momentum 0, so dampening does nothing there.
  const beta = options.beta ?? 0.9, dampening = options.beta === 0 ? 0 : options.dampening ?? 0;
  if (options.nesterov && dampening !== 0) {
    throw new InvalidArgumentError(`optimizers.momentum: nesterov needs dampening 0 (as torch.optim.SGD), got dampening ${dampening}.`);
  }
  return {
    init(params, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.momentum.init', 'init(params)', extra, params);
      return { count: zeros([]), velocity: zerosLike(params, 'momentum') };
    },
    step(params, grads, state, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.momentum.step', 'step(params, grads, state)', extra, state);
      checkState('momentum', state);
      const a = aligned('momentum', params, [grads, 'grads'], [state.velocity, 'state.velocity']);
      const lr = value('momentum', 'lr', options.lr, state.count);
      const b = value('momentum', 'beta', beta, state.count);
      // PyTorch's first buffer is the gradient itself; later ones take (1 − d) of it.
      const keep = dampening === 0 ? 1 : where(equal(state.count, 0), 1, 1 - dampening);
      const v = a.rest[1]!.map((vi, i) => add(mul(b, vi), dampening === 0 ? a.rest[0]![i]! : mul(keep, a.rest[0]![i]!)));
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
export function adam(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; eps?: number | undefined }): Optimizer<AdamState>;
export function adam(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; eps?: number | undefined }, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.adam', 'optimizers.adam(options)', extra, options);
  checkHyperparameters('adam', options, { b1: decayRate, b2: decayRate, eps: nonNegative });
  const b1 = options.b1 ?? 0.9, b2 = options.b2 ?? 0.999, eps = options.eps ?? 1e-8;
  return {
    init(params, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.adam.init', 'init(params)', extra, params);
      return { count: zeros([]), mu: zerosLike(params, 'adam'), nu: zerosLike(params, 'adam') };
    },
    step(params, grads, state, ...extra: unknown[]) {
      if (extra.length > 0) extraArguments('optimizers.adam.step', 'step(params, grads, state)', extra, state);
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
