/**
 * @file `torch.nn.functional.max_unpool1d/2d/3d`: the partial inverse of a max pool, each value written
 * at its index (`maxPool(…, { returnIndices: true })`'s, the input plane flattened) into a plane of
 * zeros, as one setting scatter along the flattened spatial axes, so every transformation applies.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { reshape } from './shape.js';
import { scatterAlong } from './gather.js';
import { checkArgumentValues } from './argumentChecks.js';
import { perAxis, type PerAxis } from './convShapes.js';
import { checkOptionKeys, poolLayout, windowSizes } from './poolShapes.js';

/** Options of `maxUnpool` (torch.nn.functional.max_unpool's keywords). */
export interface MaxUnpoolOptions {
  /** The pool's stride: one number or one per spatial axis (default: the kernel size, as PyTorch). */
  readonly stride?: PerAxis | undefined;
  /** The pool's padding: one number or one per spatial axis (default 0). */
  readonly padding?: PerAxis | undefined;
  /** The output's spatial size (or its whole shape), each within stride of the default (in − 1)·stride − 2·padding + kernel. */
  readonly outputSize?: readonly number[] | undefined;
}

/** The output's spatial size: the default, or outputSize checked against it as PyTorch's _unpool_output_size. */
function unpoolSize(op: string, inSize: readonly number[], kernel: readonly number[], stride: readonly number[], padding: readonly number[], given: unknown, rank: number): number[] {
  const D = kernel.length;
  const defaults = inSize.map((L, d) => (L - 1) * stride[d]! - 2 * padding[d]! + kernel[d]!);
  if (given === undefined) {
    if (defaults.some((s) => s < 1)) throw new ShapeError(`${op}: the output's spatial size [${defaults.join(', ')}] ((in − 1)·stride − 2·padding + kernel) is not positive; use less padding.`);
    return defaults;
  }
  // PyTorch's _unpool_output_size takes the spatial size, or D + 2 numbers whose first two it ignores, whatever
  // the input's rank (an unbatched [C, H, W] input takes [N, C, H, W]-style sizes too).
  if (!Array.isArray(given) || !(given.length === D || given.length === D + 2) || !given.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new InvalidArgumentError(`${op}: outputSize must be ${D} whole numbers ≥ 1 (the spatial size) or ${D + 2} (a batched output shape, ` +
      `PyTorch's form, whose first two are not read), got ${describe(given)}${rank === D + 1 ? ` (for this unbatched input too)` : ''}.`);
  }
  const size = (given as number[]).slice(given.length - D);
  size.forEach((s, d) => {
    const lo = defaults[d]! - stride[d]!, hi = defaults[d]! + stride[d]!;
    if (!(s > lo && s < hi)) throw new InvalidArgumentError(`${op}: outputSize [${size.join(', ')}] along spatial axis ${d} must be strictly between ${lo} and ${hi} (PyTorch's rule: within the stride of ${defaults[d]}).`);
  });
  return size;
}

/**
 * Max unpooling as `torch.nn.functional.max_unpool1d/2d/3d(input, indices, kernel_size, stride, padding,
 * output_size)`: input [N, C, …spatial] (or [C, …spatial]) and indices of the same shape, the positions
 * `maxPool(…, { returnIndices: true })` returns; each value is written at its index in a zero plane of the
 * output's spatial size ((in − 1)·stride − 2·padding + kernel per axis, or `outputSize`). Where several
 * values share an index the last in order is kept, as PyTorch's CPU kernel. Differentiable in input: the
 * gradient gathers back at the indices, a value that was overwritten getting none (PyTorch's gradient
 * gives it the gradient at its index too, which is not the derivative of the value computed).
 * @example
 * const { values, indices } = ad.maxPool(ad.tensor([[[1, 3, 2, 5]]]), [2], { returnIndices: true });
 * ad.maxUnpool(values, indices, [2]).toArray(); // => [[[0, 3, 0, 5]]]
 */
export function maxUnpool(x: TensorLike, indices: TensorInput, kernelSize: readonly number[], options?: MaxUnpoolOptions): Tensor;
export function maxUnpool(x: TensorLike, indices: TensorInput, kernelSize: readonly number[], options: MaxUnpoolOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'maxUnpool';
  if (extra.length > 0) extraArguments(op, 'maxUnpool(x, indices, kernelSize, options?)', extra, options);
  checkOptionKeys(op, options, ['stride', 'padding', 'outputSize']);
  const t = asTensor(x, op), kernel = windowSizes(op, kernelSize, 'kernelSize'), D = kernel.length;
  const { lead } = poolLayout(op, t.shape, D);
  const idx = indices instanceof Tensor ? indices : tensor(indices);
  if (!shapesEqual(idx.shape, t.shape)) throw new ShapeError(`${op}: indices of shape ${formatShape(idx.shape)} must be shaped as the input, ${formatShape(t.shape)} (maxPool's indices for these values).`);
  const stride = options.stride === undefined ? kernel : perAxis(op, 'stride', options.stride, D, 1, 1);
  const padding = perAxis(op, 'padding', options.padding, D, 0, 0);
  const size = unpoolSize(op, t.shape.slice(lead), kernel, stride, padding, options.outputSize, t.ndim);
  const leadShape = t.shape.slice(0, lead), planeIn = t.shape.slice(lead).reduce((a, b) => a * b, 1);
  const plane = size.reduce((a, b) => a * b, 1);
  checkArgumentValues(idx, (values) => {
    const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < plane));
    if (bad >= 0) throw new InvalidArgumentError(`${op}: index ${values[bad]} (flat entry ${bad}) is not a position in the output plane [${size.join(', ')}] (0 … ${plane - 1}); pass maxPool's indices with the pool's kernel, stride and padding, or outputSize.`);
  });
  const out = scatterAlong(zeros([...leadShape, plane]), reshape(t, [...leadShape, planeIn]), reshape(idx, [...leadShape, planeIn]), lead, op);
  return reshape(out, [...leadShape, ...size]);
}
