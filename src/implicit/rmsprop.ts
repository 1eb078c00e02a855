/**
 * @file The per-coordinate step sizes from a running sum or average of squared gradients, as optax
 * defines them (optax/_src/alias.py, transform.py): rmsprop (plain, centered, with momentum) and adagrad.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { PyTree } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, div, greater, mul, pow, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { flag, nonNegative } from './options.js';
import { checkHyperparameters, momentOptimizer, unitInterval, type Hyperparameter, type Optimizer } from './optimizerCore.js';
import { extraArguments } from '../core/extraArguments.js';

/** nu: the average of g²; mu (centered only): the average of g; trace (with momentum only): the velocity. */
export type RmspropState = { count: Tensor; nu: PyTree; mu?: PyTree; trace?: PyTree };
export type AdagradState = { count: Tensor; sumOfSquares: PyTree };

export interface RmspropOptions {
  lr: Hyperparameter;
  /** The averages' decay rate, 0.9 (torch's alpha: 0.99). */
  decay?: Hyperparameter | undefined;
  eps?: number | undefined;
  /** The second moment's starting value, 0. */
  initialScale?: number | undefined;
  /** √(v + eps) as optax (true, the default) or √v + eps as PyTorch (false). */
  epsInSqrt?: boolean | undefined;
  /** Divide by the standard deviation √(v − m²) instead of √v (Graves 2013). */
  centered?: boolean | undefined;
  /** A heavy-ball velocity on the scaled, lr-multiplied updates (optax's trace); absent: none. */
  momentum?: Hyperparameter | undefined;
  nesterov?: boolean | undefined;
  /** Divide the averages by 1 − decayᵗ, as Adam does; false by default. */
  biasCorrection?: boolean | undefined;
}

/**
 * RMSProp (Hinton 2012; centered: Graves 2013), as optax.rmsprop:
 * v ← (1 − ρ)·g² + ρ·v, (centered: m ← (1 − ρ)·g + ρ·m, v − m² in place of v),
 * u = lr·g/√(v + eps); with momentum μ, b ← u + μ·b and params ← params − b (nesterov:
 * − (u + μ·b)), else params ← params − u. Defaults: decay 0.9, eps 1e-8, eps inside the root.
 * torch.optim.RMSprop takes alpha 0.99 and eps outside the root (`epsInSqrt: false`); with a
 * constant lr its momentum buffer is this one divided by lr, the same run.
 * @example
 * const opt = ad.optimizers.rmsprop({ lr: 0.01 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([2]), state); // 1 − 0.01·2/√(0.1·4 + 1e-8) ≈ 0.96838
 */
export function rmsprop(options: RmspropOptions): Optimizer<RmspropState>;
export function rmsprop(options: RmspropOptions, ...extra: unknown[]): Optimizer<RmspropState> {
  if (extra.length > 0) extraArguments('optimizers.rmsprop', 'optimizers.rmsprop(options)', extra, options);
  checkHyperparameters('rmsprop', options, {
    decay: unitInterval, eps: nonNegative, initialScale: nonNegative, epsInSqrt: flag, centered: flag,
    momentum: unitInterval, nesterov: flag, biasCorrection: flag,
  });
  if (options.nesterov && options.momentum === undefined) {
    throw new InvalidArgumentError('optimizers.rmsprop: option nesterov needs a momentum, e.g. { lr: 0.01, momentum: 0.9, nesterov: true }.');
  }
  const eps = options.eps ?? 1e-8, inSqrt = options.epsInSqrt ?? true, centered = options.centered ?? false;
  const initial: Record<string, number> = { nu: options.initialScale ?? 0 };
  if (centered) initial.mu = 0;
  if (options.momentum !== undefined) initial.trace = 0;
  return momentOptimizer('rmsprop', initial, (c) => {
    const lr = c.at('lr', options.lr), rho = c.at('decay', options.decay ?? 0.9);
    const ema = (x: Tensor, m: Tensor) => add(mul(sub(1, rho), x), mul(rho, m));
    const debias = (m: Tensor) => (options.biasCorrection ? div(m, sub(1, pow(rho, c.t))) : m);
    const nu = c.grads.map((g, i) => ema(square(g), c.moments.nu![i]!));
    const mu = centered ? c.grads.map((g, i) => ema(g, c.moments.mu![i]!)) : undefined;
    const scaled = c.grads.map((g, i) => {
      const variance: TensorLike = mu ? sub(debias(nu[i]!), square(debias(mu[i]!))) : debias(nu[i]!);
      return mul(lr, div(g, inSqrt ? sqrt(add(variance, eps)) : add(sqrt(variance), eps)));
    });
    const moments: Record<string, Tensor[]> = { nu };
    if (mu) moments.mu = mu;
    if (options.momentum === undefined) return { delta: scaled, moments };
    // optax's trace: b ← u + μ·b, the update is b (nesterov: u + μ·b with the new b).
    const beta = c.at('momentum', options.momentum);
    const trace = scaled.map((u, i) => add(u, mul(beta, c.moments.trace![i]!)));
    moments.trace = trace;
    return { delta: options.nesterov ? scaled.map((u, i) => add(u, mul(beta, trace[i]!))) : trace, moments };
  });
}

/**
 * Adagrad (Duchi, Hazan & Singer 2011), as optax.adagrad: s ← s + g², params ← params − lr·g/√(s + eps)
 * (0 where s = 0), with s starting at 0.1 and eps 1e-7 by default. torch.optim.Adagrad starts s
 * at 0 and adds eps (1e-10) outside the root: `{ initialAccumulatorValue: 0, eps: 0 }` here and
 * `eps=0` there give the same run.
 * @example
 * const opt = ad.optimizers.adagrad({ lr: 0.1 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([3]), state); // 1 − 0.1·3/√9.1 ≈ 0.90055
 */
export function adagrad(options: { lr: Hyperparameter; initialAccumulatorValue?: number | undefined; eps?: number | undefined }): Optimizer<AdagradState>;
export function adagrad(options: { lr: Hyperparameter; initialAccumulatorValue?: number | undefined; eps?: number | undefined }, ...extra: unknown[]): Optimizer<AdagradState> {
  if (extra.length > 0) extraArguments('optimizers.adagrad', 'optimizers.adagrad(options)', extra, options);
  checkHyperparameters('adagrad', options, { initialAccumulatorValue: nonNegative, eps: nonNegative });
  const eps = options.eps ?? 1e-7;
  return momentOptimizer('adagrad', { sumOfSquares: options.initialAccumulatorValue ?? 0.1 }, (c) => {
    const lr = c.at('lr', options.lr);
    const sums = c.grads.map((g, i) => add(square(g), c.moments.sumOfSquares![i]!));
    // The inner where keeps the root off 0, so the branch not taken has a finite derivative.
    const delta = c.grads.map((g, i) => {
      const positive = greater(sums[i]!, 0);
      return mul(lr, where(positive, div(g, sqrt(add(where(positive, sums[i]!, 1), eps))), 0));
    });
    return { delta, moments: { sumOfSquares: sums } };
  });
}
