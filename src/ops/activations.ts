/**
 * @file Activation functions of jax.nn and torch.nn.functional — gelu, silu (swish), elu,
 * leakyRelu, softsign, relu6, hardTanh, logit — as composites of adjoint's ops, so every
 * transformation (grad to any order, jvp, vmap, jit, ONNX export) comes with them. Each is
 * written so it does not cancel where the textbook formula does (gelu and silu for x ≪ 0, logit
 * near 0, ½ and 1), and takes its limit at ±∞ where PyTorch's formula gives NaN.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { abs, expm1, log, log1p, neg, sigmoid, sign } from './unary.js';
import { add, div, equal, greater, greaterEqual, less, mul, sub } from './binary.js';
import { clip, where } from './select.js';
import { erfc } from './special.js';
import { atanh } from './trig.js';
import { registerTensorMethods } from './methods.js';

/** A finite number option, or an AdjointError naming the op and the option. */
function numberOption(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a number, got ${describe(v)}; e.g. ${op}(x, 0.1).`);
  }
  return v;
}

/** f(x), and −0 at x = −∞ (where x·(something → 0) would be −∞·0 = NaN), with a zero gradient there. */
const zeroAtMinusInfinity = (x: Tensor, fx: Tensor) => where(equal(x, -Infinity), -0, fx);

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
export function gelu(x: TensorLike, options: GeluOptions = {}): Tensor {
  const t = asTensor(x, 'gelu');
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
export function silu(x: TensorLike): Tensor {
  const t = asTensor(x, 'silu');
  return zeroAtMinusInfinity(t, mul(t, sigmoid(t)));
}

/** The same function as {@link silu} (jax.nn.swish). @example ad.swish(0).item(); // => 0 */
export const swish = silu;

/**
 * The exponential linear unit: x for x > 0, α(eˣ − 1) below (expm1: no cancellation near 0), as
 * jax.nn.elu and torch's elu; its derivative at 0 is α (the left side), as theirs.
 * @example ad.elu(ad.tensor([-1, 2])).toArray(); // => [-0.6321205588285577, 2]
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = asTensor(x, 'elu');
  const a = numberOption('elu', 'alpha', alpha);
  const positive = greater(t, 0);
  // expm1 sees 0 where x > 0, so a large x never makes an ∞ in the branch that is not taken.
  return where(positive, t, mul(a, expm1(where(positive, 0, t))));
}

/**
 * x for x ≥ 0, negativeSlope·x below (default 0.01, as both libraries). The derivative at 0 is 1,
 * as jax.nn.leaky_relu (PyTorch's is negativeSlope).
 * @example ad.leakyRelu(ad.tensor([-2, 3]), 0.1).toArray(); // => [-0.2, 3]
 */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  const t = asTensor(x, 'leakyRelu');
  const slope = numberOption('leakyRelu', 'negativeSlope', negativeSlope);
  return where(greaterEqual(t, 0), t, mul(slope, t));
}

/**
 * x / (1 + |x|), with its limits ±1 at ±∞ (PyTorch and JAX give NaN there).
 * @example ad.softsign(ad.tensor([-1, 3, Infinity])).toArray(); // => [-0.5, 0.75, 1]
 */
export function softsign(x: TensorLike): Tensor {
  const t = asTensor(x, 'softsign');
  return where(equal(abs(t), Infinity), sign(t), div(t, add(1, abs(t))));
}

/**
 * x limited to [min, max] (default [−1, 1]), as torch's hardtanh and jax.nn.hard_tanh. It is
 * `clip`, so its gradient is 1 on the closed interval, boundaries included (torch.hardtanh's is 0
 * at the boundaries), and NaN stays NaN.
 * @example ad.hardTanh(ad.tensor([-3, 0.5, 2])).toArray(); // => [-1, 0.5, 1]
 */
export function hardTanh(x: TensorLike, min = -1, max = 1): Tensor {
  const t = asTensor(x, 'hardTanh');
  return clip(t, numberOption('hardTanh', 'min', min), numberOption('hardTanh', 'max', max));
}

/**
 * min(max(x, 0), 6), as jax.nn.relu6 and torch's relu6: {@link hardTanh} on [0, 6].
 * @example ad.relu6(ad.tensor([-1, 3, 8])).toArray(); // => [0, 3, 6]
 */
export function relu6(x: TensorLike): Tensor {
  return clip(asTensor(x, 'relu6'), 0, 6);
}

/**
 * log(p / (1 − p)), the inverse of sigmoid (torch.logit, scipy.special.logit): −∞ at 0, +∞ at 1,
 * NaN outside [0, 1]. Accurate to the last bits everywhere: below ¼ as log p − log1p(−p) (no
 * cancellation there, and exact near 0), from ¼ on as 2·atanh(2p − 1), where 2p − 1 is exact
 * (Sterbenz), so nothing is lost near ½ (where p/(1 − p) rounds) or near 1. The
 * derivative is 1/(p(1 − p)).
 * @example ad.logit(ad.tensor([0.5, 0.75])).toArray(); // => [0, Math.log(3)]
 */
export function logit(p: TensorLike): Tensor {
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
