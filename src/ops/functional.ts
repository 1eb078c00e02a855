/**
 * @file torch.nn.functional's and jax.nn's remaining layers as composites of adjoint's ops — dropout (flax's
 * bits), glu, softmin, prelu, the shrinks, threshold, Lp normalisation, cdist, pixel (un)shuffle and the
 * Gumbel-softmax — so every transformation
 * (grad to any order, jvp, vmap, jit, ONNX export) comes with them. Each follows its PyTorch function's
 * value, NaN handling and gradient at its kinks, named where JAX has no such function.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { abs, neg, sigmoid, sqrt, tanh } from './unary.js';
import { add, div, equal, greater, less, lessEqual, mul, pow, sub } from './binary.js';
import { logicalAnd } from './predicates.js';
import { max, softmax, sum } from './reduce.js';
import { stopGradient, where } from './select.js';
import { expandDims, reshape, transpose } from './shape.js';
import { maxIndex } from './sort.js';
import { arange } from '../tensor/create.js';
import { split, zerosLike } from './arrayHelpers.js';
import { checkOptionKeys } from './poolShapes.js';
import { bernoulli } from '../random/discrete.js';
import { gumbel } from '../random/continuous.js';
import type { KeyLike } from '../random/continuous.js';

/** A finite number ≥ 0 (or > 0 with `positive`) for an op's scalar parameter. */
function nonNegative(op: string, name: string, v: unknown, positive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a finite number ${positive ? '> 0' : '≥ 0'}, got ${describe(v)}.`);
  }
  return v;
}

/**
 * Inverted dropout, as flax's `nn.Dropout` and `torch.nn.functional.dropout` in training: each entry
 * is kept with probability 1 − rate and scaled by 1/(1 − rate), else 0, so the expectation is x.
 * The mask is `random.bernoulli(key, 1 − rate, x.shape)`, flax's draw, so the same key gives flax's
 * mask bit for bit. rate 0 returns x; rate 1 returns zeros (flax's). Differentiable in x (the
 * mask is fixed by the key). For evaluation, do not call it (torch's `training=False`).
 * @example ad.dropout(ad.random.key(0), ad.ones([4]), 0.5) // entries 0 or 2
 */
export function dropout(key: KeyLike, x: TensorLike, rate: number): Tensor;
export function dropout(key: KeyLike, x: TensorLike, rate: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('dropout', 'dropout(key, x, rate)', extra, rate);
  const t = asTensor(x, 'dropout');
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new InvalidArgumentError(`dropout: rate is the probability of dropping an entry, a number in [0, 1], got ${describe(rate)}.`);
  }
  if (rate === 0) return t;
  if (rate === 1) return zerosLike(t);
  const keep = 1 - rate;
  return where(bernoulli(key, keep, [...t.shape]), div(t, keep), 0);
}

/**
 * The gated linear unit, as `jax.nn.glu` and `torch.nn.functional.glu`: x split in two halves
 * a, b along `axis` (default −1, of even length), then a · sigmoid(b).
 * @example ad.glu(ad.tensor([1, 2, 0, 0])).toArray(); // => [0.5, 1]
 */
export function glu(x: TensorLike, axis?: number): Tensor;
export function glu(x: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('glu', 'glu(x, axis?)', extra, axis);
  const t = asTensor(x, 'glu');
  const ax = normalizeAxis(axis, t.ndim, 'glu');
  if (t.shape[ax]! % 2 !== 0) {
    throw new ShapeError(`glu: axis ${axis} of the input ${formatShape(t.shape)} has odd length ${t.shape[ax]}; it is split into two equal halves.`);
  }
  const [a, b] = split(t, 2, ax) as [Tensor, Tensor];
  return mul(a, sigmoid(b));
}

/**
 * softmax(−x) along `axis` (default −1), as `torch.nn.functional.softmin`.
 * @example ad.softmin(ad.tensor([0, Math.log(3)])).toArray(); // => [0.75, 0.25]
 */
export function softmin(x: TensorLike, axis?: number): Tensor;
export function softmin(x: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('softmin', 'softmin(x, axis?)', extra, axis);
  const t = asTensor(x, 'softmin');
  normalizeAxis(axis, t.ndim, 'softmin');
  return softmax(neg(t), axis);
}

/**
 * The parametric ReLU, as `torch.nn.functional.prelu`: x where x > 0, weight · x elsewhere.
 * `weight` has one entry (shared) or one per channel, the channels being axis 1 of x (rank ≥ 2).
 * Differentiable in x and weight; at x = 0 the derivative in x is weight (torch's).
 * @example ad.prelu(ad.tensor([[-2, 3]]), ad.tensor([0.25])).toArray(); // => [[-0.5, 3]]
 */
export function prelu(x: TensorLike, weight: TensorLike): Tensor;
export function prelu(x: TensorLike, weight: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('prelu', 'prelu(x, weight)', extra, weight);
  const t = asTensor(x, 'prelu'), w = asTensor(weight, 'prelu');
  let slope: Tensor;
  if (w.size === 1) slope = reshape(w, []);
  else if (w.ndim === 1 && t.ndim >= 2 && w.shape[0] === t.shape[1]) slope = reshape(w, [w.shape[0]!, ...new Array<number>(t.ndim - 2).fill(1)]);
  else {
    throw new ShapeError(`prelu: weight of shape ${formatShape(w.shape)} must have one entry, or one per channel (axis 1) of the input ${formatShape(t.shape)}.`);
  }
  return where(greater(t, 0), t, mul(slope, t));
}

/**
 * 0 where |x| ≤ lambd, x elsewhere (default lambd ½), as `torch.nn.functional.hardshrink`; NaN stays NaN.
 * @example ad.hardShrink(ad.tensor([-1, 0.3, 2])).toArray(); // => [-1, 0, 2]
 */
export function hardShrink(x: TensorLike, lambd?: number): Tensor;
export function hardShrink(x: TensorLike, lambd = 0.5, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hardShrink', 'hardShrink(x, lambd?)', extra, lambd);
  const t = asTensor(x, 'hardShrink'), l = nonNegative('hardShrink', 'lambd', lambd);
  return where(logicalAnd(lessEqual(-l, t), lessEqual(t, l)), 0, t);
}

/**
 * x − lambd above lambd, x + lambd below −lambd, 0 between (default lambd ½), as
 * `torch.nn.functional.softshrink` (the proximal operator of lambd·|x|; NaN gives 0, as torch's).
 * @example ad.softShrink(ad.tensor([-1, 0.3, 2])).toArray(); // => [-0.5, 0, 1.5]
 */
export function softShrink(x: TensorLike, lambd?: number): Tensor;
export function softShrink(x: TensorLike, lambd = 0.5, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('softShrink', 'softShrink(x, lambd?)', extra, lambd);
  const t = asTensor(x, 'softShrink'), l = nonNegative('softShrink', 'lambd', lambd);
  return where(greater(t, l), sub(t, l), where(less(t, -l), add(t, l), 0));
}

/**
 * x − tanh(x), as `torch.nn.functional.tanhshrink`.
 * @example ad.tanhShrink(ad.tensor([0, 1])).toArray(); // => [0, 0.23840584404423515]
 */
export function tanhShrink(x: TensorLike): Tensor;
export function tanhShrink(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('tanhShrink', 'tanhShrink(x)', extra, x);
  const t = asTensor(x, 'tanhShrink');
  return sub(t, tanh(t));
}

/**
 * `value` where x ≤ threshold, x elsewhere, as `torch.nn.functional.threshold` (NaN stays NaN).
 * @example ad.threshold(ad.tensor([-1, 0.5, 2]), 1, -5).toArray(); // => [-5, -5, 2]
 */
export function threshold(x: TensorLike, threshold: number, value: number): Tensor;
export function threshold(x: TensorLike, threshold: number, value: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('threshold', 'threshold(x, threshold, value)', extra, value);
  const t = asTensor(x, 'threshold');
  for (const [name, v] of [['threshold', threshold], ['value', value]] as const) {
    if (typeof v !== 'number') throw new InvalidArgumentError(`threshold: ${name} must be a number, got ${describe(v)}.`);
  }
  return where(lessEqual(t, threshold), value, t);
}

/** Options of `normalize` (torch.nn.functional.normalize's keywords). */
export interface NormalizeOptions {
  /** The norm's order p > 0, or Infinity (default 2). */
  readonly p?: number | undefined;
  /** The axis (or axes) the norm is taken over (default 1, as torch's dim). */
  readonly axis?: number | readonly number[] | undefined;
  /** The smallest denominator (default 1e−12, torch's eps). */
  readonly epsilon?: number | undefined;
}

/**
 * x / max(‖x‖ₚ, ε) over `axis` (default 1), as `torch.nn.functional.normalize`: each slice scaled
 * to unit Lp norm, a slice of norm below ε divided by ε (so a zero slice stays 0 with a finite
 * gradient). Differentiable; the denominator's gradient is 0 where it is ε, as torch's clamp_min.
 * @example ad.normalize(ad.tensor([[3, 4]])).toArray(); // => [[0.6, 0.8]]
 */
export function normalize(x: TensorLike, options?: NormalizeOptions): Tensor;
export function normalize(x: TensorLike, options: NormalizeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('normalize', 'normalize(x, options?)', extra, options);
  checkOptionKeys('normalize', options, ['p', 'axis', 'epsilon']);
  const t = asTensor(x, 'normalize');
  const p = options.p ?? 2, epsilon = nonNegative('normalize', 'epsilon', options.epsilon ?? 1e-12);
  if (typeof p !== 'number' || !(p > 0)) throw new InvalidArgumentError(`normalize: p must be a number > 0 or Infinity, got ${describe(p)}.`);
  const axes = options.axis ?? 1;
  const n = pNorm(abs(t), p, axes);
  return div(t, where(less(n, epsilon), epsilon, n));
}

/** (Σ aᵖ)^(1/p) over `axes` (kept) of a ≥ 0 (max for p = ∞); a zero sum is 0 with a zero gradient. @internal */
export function pNorm(a: Tensor, p: number, axes: number | readonly number[], keepdims = true): Tensor {
  if (p === Infinity) return max(a, axes as number | number[], keepdims);
  if (p === 1) return sum(a, axes as number | number[], keepdims);
  if (p === 2) return safeRoot(sum(mul(a, a), axes as number | number[], keepdims), 2);
  const positive = greater(a, 0); // aᵖ with a zero gradient at a = 0 (its derivative there is 0 for p > 1, ∞·0 for p < 1)
  return safeRoot(sum(where(positive, pow(where(positive, a, 1), p), 0), axes as number | number[], keepdims), p);
}

/** s^(1/p), 0 with a zero gradient where s is 0 (the root's derivative is infinite there). */
function safeRoot(s: Tensor, p: number): Tensor {
  const positive = greater(s, 0);
  const inside = where(positive, s, 1);
  return where(positive, p === 2 ? sqrt(inside) : pow(inside, 1 / p), 0);
}

/**
 * The p-norm distance between each row of x1 and each row of x2, as `torch.cdist`: x1 [..., P, M]
 * and x2 [..., R, M] (batch axes broadcast) give [..., P, R] with entry ‖x1ᵢ − x2ⱼ‖ₚ. p ≥ 0 or
 * Infinity (default 2; p = 0 counts the differing coordinates). Differentiable, with a zero gradient
 * where two rows coincide (as torch's); for p = ∞ each coordinate at the maximum gets the whole gradient (torch's). Memory [..., P, R, M]: the differences, which keeps a
 * distance near 0 accurate where the ‖a‖² + ‖b‖² − 2a·b form cancels.
 * @example ad.cdist(ad.tensor([[0, 0]]), ad.tensor([[3, 4], [0, 0]])).toArray(); // => [[5, 0]]
 */
export function cdist(x1: TensorLike, x2: TensorLike, p?: number): Tensor;
export function cdist(x1: TensorLike, x2: TensorLike, p = 2, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cdist', 'cdist(x1, x2, p?)', extra, p);
  const a = asTensor(x1, 'cdist'), b = asTensor(x2, 'cdist');
  if (a.ndim < 2 || b.ndim < 2 || a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
    throw new ShapeError(`cdist: x1 ${formatShape(a.shape)} and x2 ${formatShape(b.shape)} must be [..., P, M] and [..., R, M] (rows of the same length M).`);
  }
  if (typeof p !== 'number' || !(p >= 0)) throw new InvalidArgumentError(`cdist: p must be a number ≥ 0 or Infinity, got ${describe(p)}.`);
  const diff = abs(sub(expandDims(a, -2), expandDims(b, -3))); // [..., P, R, M]
  if (p === 0) return sum(where(equal(diff, 0), 0, 1), -1);
  if (p === Infinity) {
    // Rows of length 0 are 0 apart (max over nothing is −∞). The maximum with torch's gradient: each coordinate at
    // the maximum gets all of it (max splits it between ties): m + Σ over them of (d − stopGradient(d)), which is m.
    if (a.shape[a.ndim - 1] === 0) return sum(diff, -1);
    const m = stopGradient(max(diff, -1, true));
    return reshape(add(m, sum(where(equal(diff, m), sub(diff, stopGradient(diff)), 0), -1, true)), diff.shape.slice(0, -1));
  }
  return pNorm(diff, p, -1, false);
}

/** The upscale factor r of pixelShuffle / pixelUnshuffle: a whole number ≥ 1. */
function factor(op: string, r: unknown): number {
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1) throw new InvalidArgumentError(`${op}: the factor must be a whole number ≥ 1, got ${describe(r)}.`);
  return r;
}

/**
 * Channels to space, as `torch.nn.functional.pixel_shuffle` (sub-pixel convolution; ONNX's DepthToSpace
 * in CRD mode): [..., C·r², H, W] to [..., C, H·r, W·r], out[..., c, h·r + i, w·r + j] = x[..., c·r² + i·r + j, h, w].
 * @example ad.pixelShuffle(ad.reshape(ad.arange(4), [4, 1, 1]), 2).toArray(); // => [[[0, 1], [2, 3]]]
 */
export function pixelShuffle(x: TensorLike, upscaleFactor: number): Tensor;
export function pixelShuffle(x: TensorLike, upscaleFactor: number, ...extra: unknown[]): Tensor {
  const op = 'pixelShuffle';
  if (extra.length > 0) extraArguments(op, 'pixelShuffle(x, upscaleFactor)', extra, upscaleFactor);
  const t = asTensor(x, op), r = factor(op, upscaleFactor);
  if (t.ndim < 3 || t.shape[t.ndim - 3]! % (r * r) !== 0) {
    throw new ShapeError(`${op}: the input ${formatShape(t.shape)} must be [..., C·r², H, W] with r = ${r}: its channel axis (third from last) a multiple of ${r * r}.`);
  }
  const lead = t.shape.slice(0, -3), [c, h, w] = t.shape.slice(-3) as [number, number, number], k = lead.length;
  const split6 = reshape(t, [...lead, c / (r * r), r, r, h, w]); // [..., C, i, j, H, W]
  const perm = [...lead.map((_, i) => i), k, k + 3, k + 1, k + 4, k + 2]; // [..., C, H, i, W, j]
  return reshape(transpose(split6, perm), [...lead, c / (r * r), h * r, w * r]);
}

/**
 * Space to channels, the inverse of pixelShuffle (`torch.nn.functional.pixel_unshuffle`; ONNX's SpaceToDepth):
 * [..., C, H·r, W·r] to [..., C·r², H, W].
 * @example ad.pixelUnshuffle(ad.tensor([[[0, 1], [2, 3]]]), 2).toArray(); // => [[[0]], [[1]], [[2]], [[3]]]
 */
export function pixelUnshuffle(x: TensorLike, downscaleFactor: number): Tensor;
export function pixelUnshuffle(x: TensorLike, downscaleFactor: number, ...extra: unknown[]): Tensor {
  const op = 'pixelUnshuffle';
  if (extra.length > 0) extraArguments(op, 'pixelUnshuffle(x, downscaleFactor)', extra, downscaleFactor);
  const t = asTensor(x, op), r = factor(op, downscaleFactor);
  if (t.ndim < 3 || t.shape[t.ndim - 2]! % r !== 0 || t.shape[t.ndim - 1]! % r !== 0) {
    throw new ShapeError(`${op}: the input ${formatShape(t.shape)} must be [..., C, H·r, W·r] with r = ${r}: its last two axes multiples of ${r}.`);
  }
  const lead = t.shape.slice(0, -3), [c, h, w] = t.shape.slice(-3) as [number, number, number], k = lead.length;
  const split6 = reshape(t, [...lead, c, h / r, r, w / r, r]); // [..., C, H, i, W, j]
  const perm = [...lead.map((_, i) => i), k, k + 2, k + 4, k + 1, k + 3]; // [..., C, i, j, H, W]
  return reshape(transpose(split6, perm), [...lead, c * r * r, h / r, w / r]);
}

/** Options of `gumbelSoftmax` (torch.nn.functional.gumbel_softmax's keywords). */
export interface GumbelSoftmaxOptions {
  /** The temperature τ > 0 (default 1). */
  readonly tau?: number | undefined;
  /** One-hot samples with the soft sample's gradient (the straight-through estimator; default false). */
  readonly hard?: boolean | undefined;
  /** The class axis (default −1). */
  readonly axis?: number | undefined;
}

/**
 * A relaxed categorical sample (Jang, Gu & Poole 2017; Maddison et al. 2017), as
 * `torch.nn.functional.gumbel_softmax`: softmax((logits + g)/τ) along `axis`, g standard Gumbel noise
 * drawn from `key` (`random.gumbel`). With `hard`, the one-hot of its largest entry in the forward pass
 * and the soft sample's gradient (yHard − stopGradient(y) + y).
 * @example ad.gumbelSoftmax(ad.random.key(0), ad.tensor([1, 2, 3]), { hard: true }) // a one-hot row
 */
export function gumbelSoftmax(key: KeyLike, logits: TensorLike, options?: GumbelSoftmaxOptions): Tensor;
export function gumbelSoftmax(key: KeyLike, logits: TensorLike, options: GumbelSoftmaxOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'gumbelSoftmax';
  if (extra.length > 0) extraArguments(op, 'gumbelSoftmax(key, logits, options?)', extra, options);
  checkOptionKeys(op, options, ['tau', 'hard', 'axis']);
  const t = asTensor(logits, op);
  const tau = nonNegative(op, 'tau', options.tau ?? 1, true);
  const hard = options.hard ?? false;
  if (typeof hard !== 'boolean') throw new InvalidArgumentError(`${op}: hard must be true or false, got ${describe(hard)}.`);
  const axis = normalizeAxis(options.axis ?? -1, t.ndim, op);
  const y = softmax(div(add(t, gumbel(key, [...t.shape])), tau), axis);
  if (!hard) return y;
  const classes = reshape(arange(t.shape[axis]!), t.shape.map((n, i) => (i === axis ? n : 1)));
  const yHard = where(equal(classes, maxIndex(y, axis, true)), 1, 0);
  return add(sub(yHard, stopGradient(y)), y);
}
