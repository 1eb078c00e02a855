/**
 * @file Adam's descendants as optax defines them (optax/_src/alias.py and transform.py): adamw,
 * nadam, amsgrad, radam, adamax, adabelief, lamb and lion, each a differentiable step function on pytrees.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { PyTree } from '../core/pytree.js';
import { add, div, greater, greaterEqual, maximum, mul, pow, sub } from '../ops/binary.js';
import { abs, sign, sqrt, square } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { sum } from '../ops/reduce.js';
import { flag, nonNegative } from './options.js';
import { InvalidArgumentError } from '../core/errors.js';
import {
  checkHyperparameters, decayRate, hyperparameter, momentOptimizer, unitInterval,
  type Hyperparameter, type Optimizer, type StepContext,
} from './optimizerCore.js';
import type { AdamState } from './optimizers.js';
import { extraArguments } from '../core/extraArguments.js';

export type LionState = { count: Tensor; mu: PyTree };
export type AmsgradState = { count: Tensor; mu: PyTree; nu: PyTree; nuMax: PyTree };

/** The exponential moving average (optax's update_moment): (1 − decay)·x + decay·m. */
const ema = (decay: TensorLike, x: Tensor, m: Tensor) => add(mul(sub(1, decay), x), mul(decay, m));

/** Bias correction (optax's bias_correction): m / (1 − βᵗ). */
const debias = (m: Tensor, beta: TensorLike, t: TensorLike) => div(m, sub(1, pow(beta, t)));

/**
 * The first moment as the update uses it: m̂ = m / (1 − β₁ᵗ), or with Nesterov's look-ahead
 * (Dozat 2016, as optax's scale_by_adam(nesterov=True)): m̂ = β₁·m/(1 − β₁ᵗ⁺¹) + (1 − β₁)·g/(1 − β₁ᵗ).
 */
function firstMoment(c: StepContext, b1: TensorLike, mu: Tensor, g: Tensor, nesterov: boolean): Tensor {
  if (!nesterov) return debias(mu, b1, c.t);
  return add(mul(b1, debias(mu, b1, add(c.t, 1))), mul(sub(1, b1), debias(g, b1, c.t)));
}

/** The options adamw, nadam, adabelief and lamb share with Adam (epsRoot: added to v̂ inside the root, as optax's eps_root). */
export interface AdamOptions {
  lr: Hyperparameter;
  b1?: Hyperparameter | undefined;
  b2?: Hyperparameter | undefined;
  eps?: number | undefined;
  epsRoot?: number | undefined;
}

const adamRules = { b1: decayRate, b2: decayRate, eps: nonNegative, epsRoot: nonNegative };

/**
 * Adam's direction u = m̂/(√(v̂ + epsRoot) + eps) per leaf (optax's scale_by_adam), with the new
 * moments m ← (1 − β₁)·g + β₁·m, v ← (1 − β₂)·g² + β₂·v; `weightDecay` adds λ·params (optax's
 * add_decayed_weights, after the scaling: decoupled from the moments, Loshchilov & Hutter 2019).
 */
function adamDirection(c: StepContext, o: AdamOptions, eps: number, nesterov: boolean, weightDecay?: Hyperparameter) {
  const b1 = c.at('b1', o.b1 ?? 0.9), b2 = c.at('b2', o.b2 ?? 0.999), epsRoot = o.epsRoot ?? 0;
  const mu = c.grads.map((g, i) => ema(b1, g, c.moments.mu![i]!));
  const nu = c.grads.map((g, i) => ema(b2, square(g), c.moments.nu![i]!));
  const wd = weightDecay === undefined ? undefined : c.at('weightDecay', weightDecay);
  const u = c.grads.map((g, i) => {
    const step = div(firstMoment(c, b1, mu[i]!, g, nesterov), add(sqrt(add(debias(nu[i]!, b2, c.t), epsRoot)), eps));
    return wd === undefined ? step : add(step, mul(wd, c.params[i]!));
  });
  return { u, moments: { mu, nu } };
}

/**
 * AdamW (Loshchilov & Hutter 2019), as optax.adamw: Adam's step plus decoupled weight decay,
 * params ← params − lr·(m̂/(√(v̂ + epsRoot) + eps) + weightDecay·params), weightDecay 1e-4 by
 * default (torch.optim.AdamW: 1e-2, and it decays first, p ← p·(1 − lr·λ), the same update).
 * `nesterov: true` is optax.nadamw. optax's `mask` is not offered: give the parameters you do not
 * want decayed to another optimizer, or a `weightDecay` of 0.
 * @example
 * const opt = ad.optimizers.adamw({ lr: 0.1, weightDecay: 0.01 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([2]), state); // 1 − 0.1·(1 + 0.01·1) = 0.899
 */
export function adamw(options: AdamOptions & { weightDecay?: Hyperparameter | undefined; nesterov?: boolean | undefined }): Optimizer<AdamState>;
export function adamw(options: AdamOptions & { weightDecay?: Hyperparameter | undefined; nesterov?: boolean | undefined }, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.adamw', 'optimizers.adamw(options)', extra, options);
  checkHyperparameters('adamw', options, { ...adamRules, weightDecay: hyperparameter, nesterov: flag });
  return momentOptimizer('adamw', { mu: 0, nu: 0 }, (c) => {
    const { u, moments } = adamDirection(c, options, options.eps ?? 1e-8, options.nesterov ?? false, options.weightDecay ?? 1e-4);
    const lr = c.at('lr', options.lr);
    return { delta: u.map((ui) => mul(lr, ui)), moments };
  });
}

/**
 * NAdam (Dozat 2016) as optax.nadam, which is optax.adam(nesterov=True): Adam with the first
 * moment looked one step ahead, m̂ = β₁·m/(1 − β₁ᵗ⁺¹) + (1 − β₁)·g/(1 − β₁ᵗ). torch.optim.NAdam
 * differs (it also warms β₁ up by a momentum-decay schedule, 0.004 by default), so the two give
 * different runs.
 * @example
 * const opt = ad.optimizers.nadam({ lr: 0.01 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([3]), state); // ≈ 1 − 0.01·(0.9·0.1/0.19 + 0.1/0.1)
 */
export function nadam(options: AdamOptions): Optimizer<AdamState>;
export function nadam(options: AdamOptions, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.nadam', 'optimizers.nadam(options)', extra, options);
  checkHyperparameters('nadam', options, adamRules);
  return momentOptimizer('nadam', { mu: 0, nu: 0 }, (c) => {
    const { u, moments } = adamDirection(c, options, options.eps ?? 1e-8, true);
    const lr = c.at('lr', options.lr);
    return { delta: u.map((ui) => mul(lr, ui)), moments };
  });
}

/**
 * AMSGrad (Reddi, Kale & Kumar 2018), as optax.amsgrad: Adam dividing by the largest bias-corrected
 * second moment seen so far, ν̂ₘₐₓ ← max(ν̂ₘₐₓ, v/(1 − β₂ᵗ)), params ← params − lr·m̂/(√(ν̂ₘₐₓ + epsRoot) + eps).
 * torch.optim.Adam(amsgrad=True) keeps the maximum of the uncorrected v and corrects it after, so
 * the two differ while β₂ᵗ changes the correction (its maximum can hold a stale correction).
 * @example
 * const opt = ad.optimizers.amsgrad({ lr: 0.1 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([2]), state); // ≈ 1 − 0.1 = 0.9
 */
export function amsgrad(options: AdamOptions): Optimizer<AmsgradState>;
export function amsgrad(options: AdamOptions, ...extra: unknown[]): Optimizer<AmsgradState> {
  if (extra.length > 0) extraArguments('optimizers.amsgrad', 'optimizers.amsgrad(options)', extra, options);
  checkHyperparameters('amsgrad', options, adamRules);
  const eps = options.eps ?? 1e-8, epsRoot = options.epsRoot ?? 0;
  return momentOptimizer('amsgrad', { mu: 0, nu: 0, nuMax: 0 }, (c) => {
    const lr = c.at('lr', options.lr), b1 = c.at('b1', options.b1 ?? 0.9), b2 = c.at('b2', options.b2 ?? 0.999);
    const mu = c.grads.map((g, i) => ema(b1, g, c.moments.mu![i]!));
    const nu = c.grads.map((g, i) => ema(b2, square(g), c.moments.nu![i]!));
    const nuMax = nu.map((v, i) => maximum(c.moments.nuMax![i]!, debias(v, b2, c.t)));
    const delta = mu.map((m, i) => mul(lr, div(debias(m, b1, c.t), add(sqrt(add(nuMax[i]!, epsRoot)), eps))));
    return { delta, moments: { mu, nu, nuMax } };
  });
}

/**
 * RAdam (Liu et al. 2020, "On the variance of the adaptive learning rate and beyond"), as
 * optax.radam: while the length of the approximated simple moving average, ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
 * with ρ∞ = 2/(1 − β₂) − 1, is below `threshold` (5), the step is momentum alone, lr·m̂; from there
 * on Adam's step times the rectification r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)).
 * torch.optim.RAdam uses the same rule with threshold 5.
 * @example
 * const opt = ad.optimizers.radam({ lr: 0.1 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([2]), state); // ρ₁ = 1 < 5: 1 − 0.1·2 = 0.8
 */
export function radam(options: AdamOptions & { threshold?: number | undefined }): Optimizer<AdamState>;
export function radam(options: AdamOptions & { threshold?: number | undefined }, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.radam', 'optimizers.radam(options)', extra, options);
  checkHyperparameters('radam', options, { ...adamRules, threshold: nonNegative });
  const eps = options.eps ?? 1e-8, epsRoot = options.epsRoot ?? 0, threshold = options.threshold ?? 5;
  if (!(threshold >= 4)) {
    // Between 2 and 4 the rectification's (ρ − 4)(ρ − 2) is negative: optax's step would be NaN there.
    throw new InvalidArgumentError(`radam: threshold must be at least 4 (the rectification r needs ρ ≥ 4), got ${threshold}; optax and torch use 5.`);
  }
  return momentOptimizer('radam', { mu: 0, nu: 0 }, (c) => {
    const lr = c.at('lr', options.lr), b1 = c.at('b1', options.b1 ?? 0.9), b2 = c.at('b2', options.b2 ?? 0.999);
    const mu = c.grads.map((g, i) => ema(b1, g, c.moments.mu![i]!));
    const nu = c.grads.map((g, i) => ema(b2, square(g), c.moments.nu![i]!));
    const roInf = sub(div(2, sub(1, b2)), 1);
    const b2t = pow(b2, c.t);
    const ro = sub(roInf, div(mul(mul(2, c.t), b2t), sub(1, b2t)));
    const rectify = greaterEqual(ro, threshold); // optax's test (torch.optim.RAdam: ρₜ > 5)
    // ρ clamped above 4 where the branch is not taken, so the square root there stays finite (no NaN in its gradient).
    const roSafe = where(rectify, ro, 5);
    const r = sqrt(div(mul(mul(sub(roSafe, 4), sub(roSafe, 2)), roInf), mul(mul(sub(roInf, 4), sub(roInf, 2)), roSafe)));
    const delta = mu.map((m, i) => {
      const mHat = debias(m, b1, c.t);
      const adamStep = div(mul(r, mHat), add(sqrt(add(debias(nu[i]!, b2, c.t), epsRoot)), eps));
      return mul(lr, where(rectify, adamStep, mHat));
    });
    return { delta, moments: { mu, nu } };
  });
}

/**
 * AdaMax (Kingma & Ba 2015, §7.1), as optax.adamax and torch.optim.Adamax: Adam with the
 * infinity norm, u ← max(|g| + eps, β₂·u), params ← params − lr·(m/(1 − β₁ᵗ))/u.
 * @example
 * const opt = ad.optimizers.adamax({ lr: 0.1 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([-4]), state); // ≈ 1.1
 */
export function adamax(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; eps?: number | undefined }): Optimizer<AdamState>;
export function adamax(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; eps?: number | undefined }, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.adamax', 'optimizers.adamax(options)', extra, options);
  checkHyperparameters('adamax', options, { b1: decayRate, b2: unitInterval, eps: nonNegative });
  const eps = options.eps ?? 1e-8;
  return momentOptimizer('adamax', { mu: 0, nu: 0 }, (c) => {
    const lr = c.at('lr', options.lr), b1 = c.at('b1', options.b1 ?? 0.9), b2 = c.at('b2', options.b2 ?? 0.999);
    const mu = c.grads.map((g, i) => ema(b1, g, c.moments.mu![i]!));
    // optax's update_infinity_moment: max(|g| + eps, β₂·u) (eps inside the max, as torch).
    const nu = c.grads.map((g, i) => maximum(add(abs(g), eps), mul(b2, c.moments.nu![i]!)));
    return { delta: mu.map((m, i) => mul(lr, div(debias(m, b1, c.t), nu[i]!))), moments: { mu, nu } };
  });
}

/**
 * AdaBelief (Zhuang et al. 2020), as optax.adabelief: Adam whose second moment tracks the
 * squared surprise (g − m)² instead of g², s ← (1 − β₂)·(g − m)² + β₂·s + epsRoot (optax adds
 * epsRoot into the state), params ← params − lr·(m̂/(√ŝ + eps) + weightDecay·params); eps and
 * epsRoot are 1e-16 by default, weightDecay absent.
 * @example
 * const opt = ad.optimizers.adabelief({ lr: 0.1 });
 * let params = ad.tensor([1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([2]), state); // ≈ 1 − 0.1·0.2/0.1/√(0.001·3.24/0.001) = 0.8889
 */
export function adabelief(options: AdamOptions & { weightDecay?: Hyperparameter | undefined; nesterov?: boolean | undefined }): Optimizer<AdamState>;
export function adabelief(options: AdamOptions & { weightDecay?: Hyperparameter | undefined; nesterov?: boolean | undefined }, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.adabelief', 'optimizers.adabelief(options)', extra, options);
  checkHyperparameters('adabelief', options, { ...adamRules, weightDecay: hyperparameter, nesterov: flag });
  const eps = options.eps ?? 1e-16, epsRoot = options.epsRoot ?? 1e-16;
  return momentOptimizer('adabelief', { mu: 0, nu: 0 }, (c) => {
    const lr = c.at('lr', options.lr), b1 = c.at('b1', options.b1 ?? 0.9), b2 = c.at('b2', options.b2 ?? 0.999);
    const wd = options.weightDecay === undefined ? undefined : c.at('weightDecay', options.weightDecay);
    const mu = c.grads.map((g, i) => ema(b1, g, c.moments.mu![i]!));
    const nu = c.grads.map((g, i) => add(ema(b2, square(sub(g, mu[i]!)), c.moments.nu![i]!), epsRoot));
    const delta = c.grads.map((g, i) => {
      const u = div(firstMoment(c, b1, mu[i]!, g, options.nesterov ?? false), add(sqrt(debias(nu[i]!, b2, c.t)), eps));
      return mul(lr, wd === undefined ? u : add(u, mul(wd, c.params[i]!)));
    });
    return { delta, moments: { mu, nu } };
  });
}

/**
 * The trust ratio of LAMB (You et al. 2020; optax's scale_by_trust_ratio with its defaults):
 * ‖params‖/‖u‖ per leaf (per layer), or 1 where either norm is 0. The norms are taken under a
 * `where` that keeps the square root off 0, so the unused branch has a finite derivative.
 */
function trustRatio(p: Tensor, u: Tensor): Tensor {
  const pp = sum(square(p)), uu = sum(square(u));
  const ok = mul(greater(pp, 0), greater(uu, 0));
  return where(ok, div(sqrt(where(ok, pp, 1)), sqrt(where(ok, uu, 1))), 1);
}

/**
 * LAMB (You et al. 2020), as optax.lamb: Adam's direction plus weight decay (0 by default),
 * rescaled per leaf by the trust ratio ‖params‖/‖u‖, then params ← params − lr·ratio·u.
 * eps is 1e-6 by default.
 * @example
 * const opt = ad.optimizers.lamb({ lr: 0.1 });
 * let params = ad.tensor([3, 4]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([1, 0]), state); // [2.5, 4]: u ≈ [1, 0], ratio 5
 */
export function lamb(options: AdamOptions & { weightDecay?: Hyperparameter | undefined }): Optimizer<AdamState>;
export function lamb(options: AdamOptions & { weightDecay?: Hyperparameter | undefined }, ...extra: unknown[]): Optimizer<AdamState> {
  if (extra.length > 0) extraArguments('optimizers.lamb', 'optimizers.lamb(options)', extra, options);
  checkHyperparameters('lamb', options, { ...adamRules, weightDecay: hyperparameter });
  return momentOptimizer('lamb', { mu: 0, nu: 0 }, (c) => {
    const { u, moments } = adamDirection(c, options, options.eps ?? 1e-6, false, options.weightDecay ?? 0);
    const lr = c.at('lr', options.lr);
    return { delta: u.map((ui, i) => mul(lr, mul(ui, trustRatio(c.params[i]!, ui)))), moments };
  });
}

/**
 * Lion (Chen et al. 2023), as optax.lion: the sign of an interpolation of momentum and gradient,
 * params ← params − lr·(sign((1 − β₁)·g + β₁·m) + weightDecay·params), then
 * m ← (1 − β₂)·g + β₂·m; β₁ 0.9, β₂ 0.99, weightDecay 1e-3 by default. The sign has derivative 0,
 * so gradients reach lr, weightDecay and the initial params but not the gradients themselves.
 * @example
 * const opt = ad.optimizers.lion({ lr: 0.1, weightDecay: 0 });
 * let params = ad.tensor([1, 1]), state = opt.init(params);
 * [params, state] = opt.step(params, ad.tensor([5, -0.01]), state); // [0.9, 1.1]
 */
export function lion(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; weightDecay?: Hyperparameter | undefined }): Optimizer<LionState>;
export function lion(options: { lr: Hyperparameter; b1?: Hyperparameter | undefined; b2?: Hyperparameter | undefined; weightDecay?: Hyperparameter | undefined }, ...extra: unknown[]): Optimizer<LionState> {
  if (extra.length > 0) extraArguments('optimizers.lion', 'optimizers.lion(options)', extra, options);
  checkHyperparameters('lion', options, { b1: unitInterval, b2: unitInterval, weightDecay: hyperparameter });
  return momentOptimizer('lion', { mu: 0 }, (c) => {
    const lr = c.at('lr', options.lr), b1 = c.at('b1', options.b1 ?? 0.9), b2 = c.at('b2', options.b2 ?? 0.99);
    const wd = c.at('weightDecay', options.weightDecay ?? 1e-3);
    const delta = c.grads.map((g, i) => mul(lr, add(sign(ema(b1, g, c.moments.mu![i]!)), mul(wd, c.params[i]!))));
    return { delta, moments: { mu: c.grads.map((g, i) => ema(b2, g, c.moments.mu![i]!)) } };
  });
}
