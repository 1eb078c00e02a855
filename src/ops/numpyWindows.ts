/**
 * @file jax.numpy's window functions: bartlett, blackman, hamming, hanning and kaiser (NumPy 1.24's
 * formulas, symmetric windows of M points). kaiser's β may be a tensor: the window is
 * differentiable in it (through i0, whose derivative is i1).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, ones, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { div, mul } from './binary.js';
import { i0 } from '../special/bessel.js';
import { extraArguments } from '../core/extraArguments.js';
import { checkedSize } from '../tensor/checks.js';

/** M as a whole number (NumPy's windows take M < 1 as empty), or an AdjointError. */
function points(op: string, M: number): number {
  if (typeof M !== 'number' || !Number.isInteger(M)) throw new InvalidArgumentError(`${op}: M (the number of points) must be an integer, got ${String(M)}.`);
  if (M > 1) checkedSize(op, [M]); // a window longer than a tensor holds: the size error, not the array's RangeError
  return M;
}

/** The window w(n, M − 1) at NumPy's n = 1 − M, 3 − M, …, M − 1 (its operations in NumPy's order), or empty / [1]. */
function symmetric(op: string, M: number, w: (n: number, d: number) => number): Tensor {
  const m = points(op, M);
  if (m < 1) return zeros([0]);
  if (m === 1) return ones([1]);
  return tensor(Array.from({ length: m }, (_, i) => w(1 - m + 2 * i, m - 1)));
}

/**
 * The Bartlett (triangular) window of M points (numpy.bartlett): 1 − |n|/(M − 1), zero at both ends.
 * @example ad.bartlett(5).toArray(); // => [0, 0.5, 1, 0.5, 0]
 */
export function bartlett(M: number): Tensor;
export function bartlett(M: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('bartlett', 'bartlett(M)', extra, M);
  return symmetric('bartlett', M, (n, d) => (n <= 0 ? 1 + n / d : 1 - n / d));
}

/**
 * The Blackman window of M points (numpy.blackman): 0.42 + 0.5 cos(πn/(M−1)) + 0.08 cos(2πn/(M−1)).
 * @example ad.blackman(5).toArray().map((v) => Math.round(v * 1e4) / 1e4 + 0); // => [0, 0.34, 1, 0.34, 0]
 */
export function blackman(M: number): Tensor;
export function blackman(M: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('blackman', 'blackman(M)', extra, M);
  return symmetric('blackman', M, (n, d) => 0.42 + 0.5 * Math.cos((Math.PI * n) / d) + 0.08 * Math.cos((2.0 * Math.PI * n) / d));
}

/**
 * The Hamming window of M points (numpy.hamming): 0.54 + 0.46 cos(πn/(M−1)).
 * @example ad.hamming(3).toArray().map((v) => Math.round(v * 1e12) / 1e12); // => [0.08, 1, 0.08]
 */
export function hamming(M: number): Tensor;
export function hamming(M: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hamming', 'hamming(M)', extra, M);
  return symmetric('hamming', M, (n, d) => 0.54 + 0.46 * Math.cos((Math.PI * n) / d));
}

/**
 * The Hann window of M points (numpy.hanning): 0.5 + 0.5 cos(πn/(M−1)).
 * @example ad.hanning(5).toArray().map((v) => Math.round(v * 1e12) / 1e12); // => [0, 0.5, 1, 0.5, 0]
 */
export function hanning(M: number): Tensor;
export function hanning(M: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hanning', 'hanning(M)', extra, M);
  return symmetric('hanning', M, (n, d) => 0.5 + 0.5 * Math.cos((Math.PI * n) / d));
}

/**
 * The Kaiser window of M points with shape β (numpy.kaiser): i0(β √(1 − ((n − α)/α)²)) / i0(β),
 * α = (M − 1)/2. β may be a 0-d tensor; the window is differentiable in it.
 * @example ad.kaiser(3, 0).toArray(); // => [1, 1, 1]
 */
export function kaiser(M: number, beta: TensorLike): Tensor;
export function kaiser(M: number, beta: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('kaiser', 'kaiser(M, beta)', extra, beta);
  const m = points('kaiser', M);
  const b = asTensor(beta, 'kaiser');
  if (b.ndim !== 0) throw new InvalidArgumentError(`kaiser: beta must be a number or a 0-d tensor, got shape [${b.shape.join(',')}].`);
  if (m === 1) return ones([1]);
  const alpha = (m - 1) / 2.0;
  const s = Array.from({ length: Math.max(m, 0) }, (_, n) => Math.sqrt(1 - ((n - alpha) / alpha) ** 2.0));
  return div(i0(mul(b, tensor(s))), i0(b));
}
