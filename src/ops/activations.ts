/**
 * @file Activation functions of jax.nn and torch.nn.functional — gelu, silu (swish), elu, selu,
 * celu, mish, leakyRelu, softsign, relu6, hardTanh, hardSigmoid, hardSwish, logit — as composites of adjoint's ops, so every
 * transformation (grad to any order, jvp, vmap, jit, ONNX export) comes with them. Each is
 * written so it does not cancel where the textbook formula does (gelu, silu, mish for x ≪ 0, logit
 * near 0, ½ and 1), and takes its limit at ±∞ where PyTorch's formula gives NaN.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { abs, expm1, log, log1p, neg, sigmoid, sign, softplus, tanh } from './unary.js';
import { add, div, equal, greater, greaterEqual, less, lessEqual, mul, sub } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { erfc } from './special.js';
import { atanh } from './trig.js';
import { registerTensorMethods } from './methods.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { extraArguments } from '../core/extraArguments.js';

/** A finite number option, or an AdjointError naming the op and the option. */
function numberOption(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a number, got ${describe(v)}; e.g. ${op}(x, 0.1).`);
  }
  return v;
}

/** f(x), and −0 at x = −∞ (where x·(something → 0) would be −∞·0 = NaN), with a zero gradient there. */
const zeroAtMinusInfinity = (x: Tensor, fx: Tensor) => where(equal(x, -Infinity), -0, fx);

/** x·gate(x) for a gate going to 0 at −∞ (silu, mish, hardSwish), with its limit −0 there. */
function gatedLinear(op: string, x: TensorLike, gate: (t: Tensor) => Tensor): Tensor {
  const t = asTensor(x, op);
  return zeroAtMinusInfinity(t, mul(t, gate(t)));
}

export interface GeluOptions {
  /**
   * true (the default, as jax.nn.gelu): the tanh approximation
   * x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2 of Hendrycks & Gimpel (2016); false: the exact
   * x·Φ(x), PyTorch's default (`approximate='none'`).
   */
  readonly approximate?: boolean | undefined;
}

/**
 * The Gaussian error linear unit x·Φ(x). By default the tanh approximation, as jax.nn.gelu
 * (PyTorch's default is the exact form: pass `{ approximate: false }`). Both are accurate for
 * x ≪ 0, where the textbook ½x(1 + …) cancels: the exact form is ½x·erfc(−x/√2), and the
 * approximation x·σ(2z) with z = √(2/π)(x + 0.044715x³), since 1 + tanh z = 2σ(2z).
 * gelu(−∞) = −0 (PyTorch: NaN), gelu(+∞) = +∞.
 * @example
 * ad.gelu(1).item();                               // => 0.8411919906082768
 * ad.gelu(1, { approximate: false }).item();       // => 0.8413447460685429
 */
export function gelu(x: TensorLike, options?: GeluOptions): Tensor;
export function gelu(x: TensorLike, options: GeluOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('gelu', 'gelu(x, options?)', extra, options);
  const t = asTensor(x, 'gelu');
  // jax.nn.gelu(x, False) passes approximate positionally; here a bare boolean (or a misspelt key)
  // would be ignored, silently giving the tanh form.
  if (typeof options === 'boolean') {
    throw new InvalidArgumentError(`gelu: the second argument is an options object; pass { approximate: ${String(options)} }, got the boolean ${String(options)}.`);
  }
  checkOptions(options, 'gelu', ['approximate']);
  const approximate = options.approximate ?? true;
  if (typeof approximate !== 'boolean') {
    throw new InvalidArgumentError(`gelu: approximate must be true (tanh form, JAX's default) or false (erf form, PyTorch's default), got ${describe(approximate)}.`);
  }
  if (!approximate) return zeroAtMinusInfinity(t, mul(mul(0.5, t), erfc(mul(t, -Math.SQRT1_2))));
  // 2z = 2√(2/π)·x·(1 + 0.044715x²), written as a product so that it overflows to ±∞, never NaN.
  const twoZ = mul(mul(2 * Math.sqrt(2 / Math.PI), t), add(1, mul(0.044715, mul(t, t))));
  return zeroAtMinusInfinity(t, mul(t, sigmoid(twoZ)));
}

/**
 * The sigmoid-weighted linear unit x·σ(x) (jax.nn.silu, torch's silu; also called swish). Exact
 * for x ≪ 0 (σ does not cancel); silu(−∞) = −0 (PyTorch: NaN).
 * @example ad.silu(ad.tensor([-1, 0, 2])).toArray(); // => [-0.2689414213699951, 0, 1.7615941559557646]
 */
export function silu(x: TensorLike): Tensor;
export function silu(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('silu', 'silu(x)', extra, x); return gatedLinear('silu', x, sigmoid); }

/** The same function as {@link silu} (jax.nn.swish). @example ad.swish(0).item(); // => 0 */
export const swish = silu;

/**
 * The exponential linear unit: x for x > 0, α(eˣ − 1) below (expm1: no cancellation near 0), as
 * jax.nn.elu and torch's elu; its derivative at 0 is α (the left side), as theirs.
 * @example ad.elu(ad.tensor([-1, 2])).toArray(); // => [-0.6321205588285577, 2]
 */
export function elu(x: TensorLike, alpha?: number): Tensor;
export function elu(x: TensorLike, alpha = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('elu', 'elu(x, alpha?)', extra, alpha);
  const t = asTensor(x, 'elu');
  const a = numberOption('elu', 'alpha', alpha);
  const positive = greater(t, 0);
  // expm1 sees 0 where x > 0, so a large x never makes an ∞ in the branch that is not taken.
  return where(positive, t, mul(a, expm1(where(positive, 0, t))));
}

// SELU's constants as jax.nn.selu and torch's selu write them (Klambauer et al. 2017, eq. 14).
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * The scaled exponential linear unit λ·elu(x, α) with α ≈ 1.6733, λ ≈ 1.0507 (jax.nn.selu, torch's
 * selu: the constants of Klambauer et al. 2017, which keep activations at mean 0 and variance 1).
 * @example ad.selu(ad.tensor([-1, 1])).toArray(); // => [-1.1113307378125625, 1.0507009873554805]
 */
export function selu(x: TensorLike): Tensor;
export function selu(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('selu', 'selu(x)', extra, x);
  return mul(SELU_SCALE, elu(asTensor(x, 'selu'), SELU_ALPHA));
}

/**
 * The continuously differentiable ELU: x for x > 0, α·(e^{x/α} − 1) below (jax.nn.celu, torch's
 * celu); α must not be 0.
 * @example ad.celu(ad.tensor([-1, 2]), 0.5).toArray(); // => [0.5 * Math.expm1(-2), 2]
 */
export function celu(x: TensorLike, alpha?: number): Tensor;
export function celu(x: TensorLike, alpha = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('celu', 'celu(x, alpha?)', extra, alpha);
  const t = asTensor(x, 'celu');
  const a = numberOption('celu', 'alpha', alpha);
  if (a === 0) throw new InvalidArgumentError('celu: alpha must not be 0 (it divides x); use relu for the limit α → 0.');
  const positive = greater(t, 0);
  return where(positive, t, mul(a, expm1(div(where(positive, 0, t), a))));
}

/**
 * Mish, x·tanh(softplus(x)) (Misra 2019; torch's mish): no cancellation for x ≪ 0,
 * where it is ≈ x·eˣ; mish(−∞) = −0 (PyTorch: NaN).
 * @example ad.mish(1).item(); // => 0.8650983882673103
 */
export function mish(x: TensorLike): Tensor;
export function mish(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('mish', 'mish(x)', extra, x); return gatedLinear('mish', x, (t) => tanh(softplus(t))); }

/**
 * clip(t, lo, hi) whose derivative is 1 strictly inside (lo, hi) and 0 at the bounds, outside and
 * at NaN: jax.nn.relu6's rule (∇relu6(0) = ∇relu6(6) = 0, a custom_jvp there) and torch's for
 * relu6 and hardsigmoid (their backward passes test lo < x < hi).
 */
function clipOpen(t: Tensor, lo: number, hi: number): Tensor {
  return where(mul(greater(t, lo), less(t, hi)), t, clip(stopGradient(t), lo, hi));
}

/**
 * relu6(x + 3)/6 (jax.nn.hard_sigmoid, torch's hardsigmoid): 0 below −3, 1 above 3, linear between.
 * Its gradient is 1/6 on (−3, 3) and 0 at ±3, as both libraries (relu6's rule).
 * @example ad.hardSigmoid(ad.tensor([-4, 0, 1.5])).toArray(); // => [0, 0.5, 0.75]
 */
export function hardSigmoid(x: TensorLike): Tensor;
export function hardSigmoid(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hardSigmoid', 'hardSigmoid(x)', extra, x);
  return div(clipOpen(add(asTensor(x, 'hardSigmoid'), 3), 0, 6), 6);
}

/**
 * x·hardSigmoid(x) (jax.nn.hard_swish / hard_silu, torch's hardswish): 0 below −3 (−0 at −∞,
 * where the product would be NaN), x above 3. Its derivative at ±3 is JAX's, the product rule
 * with hardSigmoid′(±3) = 0: 0 at −3 and 1 at 3 (torch's hardswish gives −0.5 and 1.5).
 * @example ad.hardSwish(ad.tensor([-4, 1, 4])).toArray(); // => [-0, 0.6666666666666666, 4]
 */
export function hardSwish(x: TensorLike): Tensor;
export function hardSwish(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('hardSwish', 'hardSwish(x)', extra, x); return gatedLinear('hardSwish', x, hardSigmoid); }

/** The same function as {@link hardSwish} (jax.nn.hard_silu). @example ad.hardSilu(4).item(); // => 4 */
export const hardSilu = hardSwish;

/**
 * x for x ≥ 0, negativeSlope·x below (default 0.01, as both libraries). The derivative at 0 is 1,
 * as jax.nn.leaky_relu (PyTorch's is negativeSlope).
 * @example ad.leakyRelu(ad.tensor([-2, 3]), 0.1).toArray(); // => [-0.2, 3]
 */
export function leakyRelu(x: TensorLike, negativeSlope?: number): Tensor;
export function leakyRelu(x: TensorLike, negativeSlope = 0.01, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('leakyRelu', 'leakyRelu(x, negativeSlope?)', extra, negativeSlope);
  const t = asTensor(x, 'leakyRelu');
  const slope = numberOption('leakyRelu', 'negativeSlope', negativeSlope);
  return where(greaterEqual(t, 0), t, mul(slope, t));
}

/**
 * x / (1 + |x|), with its limits ±1 at ±∞ (PyTorch and JAX give NaN there).
 * @example ad.softsign(ad.tensor([-1, 3, Infinity])).toArray(); // => [-0.5, 0.75, 1]
 */
export function softsign(x: TensorLike): Tensor;
export function softsign(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('softsign', 'softsign(x)', extra, x);
  const t = asTensor(x, 'softsign');
  // Past |x| = 1 as sign(x)·(1 − 1/(1 + |x|)): its derivative 1/(1 + |x|)² comes out whole, where the quotient
  // rule's 1/(1 + |x|) − |x|/(1 + |x|)² cancelled (7e−7 off at 1e10, 0 from 1e17); ±1 at ±∞ without a special case.
  const a = abs(t);
  return where(lessEqual(a, 1), div(t, add(1, a)), mul(sign(t), sub(1, div(1, add(1, a)))));
}

/**
 * x limited to [min, max] (default [−1, 1]), as torch's hardtanh and jax.nn.hard_tanh. It is
 * `clip`, so its gradient is 1 on the closed interval, boundaries included (torch.hardtanh's is 0
 * at the boundaries), and NaN stays NaN.
 * @example ad.hardTanh(ad.tensor([-3, 0.5, 2])).toArray(); // => [-1, 0.5, 1]
 */
export function hardTanh(x: TensorLike, min?: number, max?: number): Tensor;
export function hardTanh(x: TensorLike, min = -1, max = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hardTanh', 'hardTanh(x, min?, max?)', extra, max);
  const t = asTensor(x, 'hardTanh');
  const [lo, hi] = [numberOption('hardTanh', 'min', min), numberOption('hardTanh', 'max', max)];
  // clip would give max everywhere (NumPy's rule); torch.nn.functional.hardtanh refuses it, as here.
  if (lo > hi) throw new InvalidArgumentError(`hardTanh: min ${lo} is greater than max ${hi}; pass min ≤ max (hardTanh(x, min, max)).`);
  return clip(t, lo, hi);
}

/**
 * min(max(x, 0), 6), as jax.nn.relu6 and torch's relu6. Its derivative is 1 on (0, 6) and 0 at 0
 * and 6, as both libraries (∇relu6(0) = 0, as relu's; unlike {@link hardTanh}, which follows `clip`).
 * @example ad.relu6(ad.tensor([-1, 3, 8])).toArray(); // => [0, 3, 6]
 */
export function relu6(x: TensorLike): Tensor;
export function relu6(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('relu6', 'relu6(x)', extra, x);
  return clipOpen(asTensor(x, 'relu6'), 0, 6);
}

/**
 * log(p / (1 − p)), the inverse of sigmoid (torch.logit, scipy.special.logit): −∞ at 0, +∞ at 1,
 * NaN outside [0, 1]. Accurate to the last bits everywhere: below ¼ as log p − log1p(−p) (no
 * cancellation there, and exact near 0), from ¼ on as 2·atanh(2p − 1), where 2p − 1 is exact
 * (Sterbenz), so nothing is lost near ½ (where p/(1 − p) rounds) or near 1. The
 * derivative is 1/(p(1 − p)).
 * @example ad.logit(ad.tensor([0.5, 0.75])).toArray(); // => [0, Math.log(3)]
 */
export function logit(p: TensorLike): Tensor;
export function logit(p: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logit', 'logit(p)', extra, p);
  const t = asTensor(p, 'logit');
  const low = less(t, 0.25);
  // Each branch is fed a value where it is finite, so the branch not taken has no ∞ or NaN slope.
  const small = where(low, t, 0.1);
  const large = where(low, 0.5, t);
  return where(low, sub(log(small), log1p(neg(small))), mul(2, atanh(sub(mul(2, large), 1))));
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.gelu(x, options)`. @example ad.tensor([1]).gelu() // [0.8411919906082768] */ gelu(options?: GeluOptions): Tensor;
    /** `ad.silu(x)`. @example ad.tensor([0]).silu() // [0] */ silu(): Tensor;
    /** `ad.logit(p)`. @example ad.tensor([0.5]).logit() // [0] */ logit(): Tensor;
  }
}

registerTensorMethods({ gelu, silu, logit });
